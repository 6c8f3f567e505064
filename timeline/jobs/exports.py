"""Staff exports of many rows, made by a worker; the file waits in the job for a day.

The admin resolves the list's search and filters to the records' ids when the export is
asked for (``record_ids``, in the model's order; None for every record), so the worker
exports exactly what the list showed, whatever changes meanwhile. The file goes into the job;
the progress page offers it when it is ready.
"""

import io
import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models.query import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from timeline.jobs.heartbeat import Heartbeat
from timeline.jobs.progress import JobProgress, Stopped
from timeline.models import ExportJob
from timeline.transfer import resources, writers

logger = logging.getLogger(__name__)

State = ExportJob.State

ERROR_REASON = gettext_lazy(
    "The export stopped on an unexpected error. The error is in the server's log."
)


def runs_in_background(rows: int) -> bool:
    """Whether a staff export of ``rows`` records runs as a job."""
    return rows > settings.TIMELINE_EXPORT_JOB_ROWS


def open_job(*, user: Any, model_key: str, file_type: str, queryset: QuerySet | None) -> ExportJob:
    """A queued export of these records (None: every record)."""
    ExportJob.objects.expire_downloads()
    record_ids = None
    if queryset is not None:
        ordering = [*queryset.model._meta.ordering, "pk"]
        record_ids = list(queryset.order_by(*ordering).values_list("pk", flat=True))
    return ExportJob.objects.create(
        user=user,
        model_key=model_key,
        file_type=file_type,
        record_ids=record_ids,
        rows_total=len(record_ids) if record_ids is not None else 0,
    )


def file_name(job: ExportJob) -> str:
    return resources.export_filename(job.model_key, job.file_type).replace(
        timezone.localdate().isoformat(), timezone.localdate(job.created).isoformat()
    )


def run(job_id: int) -> None:
    """The task: write the file, a chunk of records at a time, beating all the while."""
    ExportJob.objects.fail_stale()
    now = timezone.now()
    queued = ExportJob.objects.filter(pk=job_id, state=State.QUEUED, cancel_requested=False)
    if not queued.update(state=State.RUNNING, started=now, heartbeat=now):
        return
    job = ExportJob.objects.get(pk=job_id)
    progress = JobProgress(ExportJob, job.pk, State.RUNNING)
    with Heartbeat(ExportJob, job.pk):
        try:
            data = make_file(job, progress)
            progress.update(
                state=State.DONE, data=data, finished=timezone.now(), rows_done=job.rows_total
            )
        except Stopped:
            return
        except Exception:
            logger.exception("export job %s failed", job.pk)
            ExportJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
                state=State.FAILED, reason=str(ERROR_REASON), finished=timezone.now()
            )
            raise


def make_file(job: ExportJob, progress: JobProgress) -> bytes:
    """The file, written a batch of records at a time: memory holds the file's bytes (which
    the job keeps) and one batch of rows, never every row as Python values."""
    resource = resources.resource_for(job.model_key)
    queryset = None if job.record_ids is None else resource._meta.model._base_manager.all()
    headers, batches = resource.export_batches(queryset, keys=job.record_ids)
    done = 0

    def reported() -> Iterator[list[list]]:
        nonlocal done
        for rows in batches:
            yield rows
            done += len(rows)
            progress(done, job.rows_total)

    buffer = io.BytesIO()
    for chunk in writers.file_chunks(job.file_type, headers, reported(), job.model_key):
        buffer.write(chunk)
    return buffer.getvalue()
