"""The tasks a worker runs, and how the admin, the commands and a change start them.

Thin: each task takes a job's id (arguments are stored as JSON in the queue) and runs the
job's own module. A job is enqueued once its record is saved, so a worker on any server
finds it. The warm-up of public pages after a change (warming.py) keeps its state in the
cache instead: it has no record.
"""

import logging
from collections.abc import Sequence

from django_tasks import task

from timeline.caching.version import Record
from timeline.jobs import exports, imports, warming
from timeline.models import ExportJob, ImportJob

logger = logging.getLogger(__name__)

# Behind imports and exports, which staff wait for; a visitor waits for no warm-up.
WARM_PRIORITY = -10


@task()
def import_job(job_id: int, confirm: bool) -> None:
    """Check (``confirm`` False: the preview) or import a queued file."""
    imports.run(job_id, confirm)


@task()
def export_job(job_id: int) -> None:
    exports.run(job_id)


def start_import(job: ImportJob, confirm: bool = False) -> None:
    result = import_job.enqueue(job.pk, confirm)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()


def start_export(job: ExportJob) -> None:
    result = export_job.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()


@task(priority=WARM_PRIORITY)
def warm_pages(scheduled_at: str | None = None) -> None:
    """Render and store the most asked-for public pages for the current content version."""
    warming.run(scheduled_at)
    warm_at_next_scheduled_change()


def warm_after_change(sender: object, records: Sequence[Record] = (), **kwargs: object) -> None:
    """``content_committed``'s receiver: queue a warm-up, unless one is queued already."""
    if not warming.note(records):
        return
    try:
        warm_pages.enqueue()
    except Exception:
        warming.not_queued()
        logger.exception("Could not queue the warm-up of public pages")


def warm_at_next_scheduled_change() -> None:
    """Queue a warm-up for just after the next scheduled publication, if the queue can wait."""
    if not warm_pages.get_backend().supports_defer:
        return  # the tests' backend runs tasks at once
    moment = warming.next_scheduled_change()
    if moment is None:
        return
    try:
        warm_pages.using(run_after=moment).enqueue(moment.isoformat())
    except Exception:
        logger.exception("Could not queue the warm-up of the next scheduled publication")
