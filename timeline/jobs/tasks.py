"""The tasks a worker runs, and how the admin and the commands start them.

Thin: each task takes a job's id (arguments are stored as JSON in the queue) and runs the
job's own module. A job is enqueued once its record is saved, so a worker on any server
finds it.
"""

from django_tasks import task

from timeline.jobs import exports, imports
from timeline.models import ExportJob, ImportJob


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
