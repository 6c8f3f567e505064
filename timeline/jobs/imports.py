"""Imports as logged jobs: the same engine in a request, on the command line or in a worker.

Every import is an ``ImportJob`` (the import log): ``open_job`` makes it with the file,
``check_or_import`` runs the engine on it and records what it found, and a worker's task
runs ``run`` on a queued job. Whichever runs it, the outcome is written the same way:

* a preview (dry run) ends ``previewed`` (the file waits for its confirmation), ``checked``
  (nothing to change) or ``refused`` (the file has problems, listed in ``problems``);
* an import ends ``confirmed`` (imported) inside the import's own transaction, through the
  engine's ``on_written`` hook: the job is marked imported with its counts in the same commit
  as the rows, or neither is. A job cancelled, or given up as failed, while it wrote makes
  that hook refuse, and the whole import rolls back.
"""

import logging
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from timeline.jobs.file_bytes import create_with_file
from timeline.jobs.heartbeat import Heartbeat
from timeline.jobs.progress import JobProgress, Stopped
from timeline.models import ImportJob
from timeline.transfer import resources, spreadsheets, tables
from timeline.transfer.pipeline import Progress
from timeline.transfer.report import ImportReport, Problem

logger = logging.getLogger(__name__)

State = ImportJob.State

# A queued job no worker has taken, or a running one not heard from, for this long: its page
# says plainly that no worker may be running.
NO_WORKER_AFTER_SECONDS = 15

PREVIEW_ROWS = 500  # rows a preview shows; its counts always cover the whole file

CANCELLED_REASON = gettext_lazy("Cancelled before anything was written. Nothing was imported.")
ERROR_REASON = gettext_lazy(
    "The import stopped on an unexpected error and nothing was imported. The error is in "
    "the server's log."
)


def runs_in_background(size: int) -> bool:
    """Whether an admin import of a file of ``size`` bytes runs as a job."""
    return size > settings.TIMELINE_IMPORT_JOB_BYTES


def open_job(
    *,
    user: Any,
    model_key: str,
    filename: str,
    data: bytes,
    source: str = ImportJob.Source.ADMIN,
    background: bool = False,
    dry_run: bool = False,
) -> ImportJob:
    """A new record in the import log, holding the file until a step has read it.

    A job run at once starts checking now; a background one waits for a worker.
    """
    ImportJob.objects.expire_abandoned()
    now = timezone.now()
    return create_with_file(
        ImportJob.objects,
        data,
        user=user if user is not None and user.is_authenticated else None,
        model_key=model_key,
        file_name=filename[: ImportJob._meta.get_field("file_name").max_length],
        size=len(data),
        source=source,
        background=background,
        dry_run=dry_run,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        state=State.QUEUED if background else State.CHECKING,
        started=None if background else now,
        heartbeat=None if background else now,
    )


def check_or_import(
    job: ImportJob,
    data: bytes,
    *,
    confirm: bool,
    user: Any,
    echo: Progress | None = None,
    table: tables.Table | None = None,
) -> ImportReport:
    """Run the engine on the job's file, in the job's running phase; record the outcome.

    ``confirm``: write (all or nothing); else a dry run. ``echo`` also hears the progress (a
    command's bar). ``table``: the file already read by the caller. Raises ``Stopped`` if
    the job was cancelled or given up while it ran (recorded; nothing written).
    """
    progress = JobProgress(
        ImportJob, job.pk, job.state, next_state=State.WRITING if confirm else ""
    )

    def report_progress(done: int, total: int) -> None:
        progress(done, total)
        if echo is not None:
            echo(done, total)

    def mark_imported(report: ImportReport) -> None:
        progress.update(state=State.CONFIRMED, finished=timezone.now(), data=b"", **tally(report))

    try:
        if table is None:
            table = spreadsheets.read_table(data, filename=job.file_name)
    except tables.SpreadsheetError as error:
        report = ImportReport(job.model_key, resources.resource_for(job.model_key), not confirm)
        report.add(None, "", "", error.message)
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            file_type=table.file_type, encoding=table.encoding
        )
        try:
            report = resources.import_table(
                job.model_key,
                table.headers,
                table.rows,
                dry_run=not confirm,
                progress=report_progress,
                encoding=table.encoding,
                user=user,
                filename=job.file_name,
                on_written=mark_imported if confirm else None,
            )
        except Stopped:
            give_up(job)
            raise
    if not report.committed:
        finish(job, progress.state, report, confirm=confirm)
    job.refresh_from_db()
    return report


def tally(report: ImportReport) -> dict[str, int]:
    counts = report.counts
    return {
        "count_new": counts[ImportReport.NEW],
        "count_changed": counts[ImportReport.UPDATE],
        "count_unchanged": counts[ImportReport.SKIP],
        "count_refused": counts["invalid"],
        "rows_total": report.total_rows,
        "rows_done": report.total_rows,
    }


def outcome(report: ImportReport, *, confirm: bool, dry_run: bool) -> str:
    counts = report.counts
    if not report.ok:
        return State.REFUSED
    if confirm or dry_run or not counts[ImportReport.NEW] + counts[ImportReport.UPDATE]:
        return State.CHECKED  # a confirmed import that wrote is CONFIRMED, in its transaction
    return State.PREVIEWED


def finish(job: ImportJob, running: str, report: ImportReport, *, confirm: bool) -> None:
    """Record a check's outcome (or a refused import's), if the job is still running."""
    state = outcome(report, confirm=confirm, dry_run=job.dry_run)
    changes: dict[str, Any] = {
        "state": state,
        "finished": timezone.now(),
        "problems": [[p.line, p.column, p.value, str(p.message)] for p in report.problems],
        **tally(report),
    }
    if state == State.PREVIEWED:
        if job.background:
            changes["preview"] = preview_of(report, PREVIEW_ROWS)
    else:
        changes["data"] = b""
    done = ImportJob.objects.filter(pk=job.pk, state=running, cancel_requested=False).update(
        **changes
    )
    if not done:
        give_up(job)
        raise Stopped


def give_up(job: ImportJob) -> None:
    """The job was stopped: cancelled if someone asked (else the stale check failed it)."""
    ImportJob.objects.filter(
        pk=job.pk, state__in=ImportJob.RUNNING_STATES, cancel_requested=True
    ).update(
        state=State.CANCELLED,
        reason=str(CANCELLED_REASON),
        data=b"",
        finished=timezone.now(),
    )


def fail(job: ImportJob, reason: str) -> None:
    ImportJob.objects.filter(pk=job.pk, state__in=ImportJob.RUNNING_STATES).update(
        state=State.FAILED, reason=reason, data=b"", finished=timezone.now()
    )


def cancel(job: ImportJob) -> None:
    """Ask the job to stop. A job no worker has taken yet is cancelled at once; a running
    one stops at its next progress write, or rolls back if it is writing."""
    ImportJob.objects.filter(pk=job.pk, state__in=ImportJob.RUNNING_STATES).update(
        cancel_requested=True
    )
    give_up_waiting = ImportJob.objects.filter(pk=job.pk, state=State.QUEUED)
    give_up_waiting.update(
        state=State.CANCELLED, reason=str(CANCELLED_REASON), data=b"", finished=timezone.now()
    )
    job.refresh_from_db()


def claim(job_id: int, confirm: bool) -> ImportJob | None:
    """Move a queued job into its first running phase; None if it is no longer queued."""
    now = timezone.now()
    started = ImportJob.objects.filter(pk=job_id, state=State.QUEUED, cancel_requested=False)
    if not started.update(state=State.CHECKING, started=now, heartbeat=now):
        return None
    return ImportJob.objects.select_related("user").get(pk=job_id)


def run(job_id: int, confirm: bool) -> None:
    """The task: check (preview) or import a queued job's file, beating all the while."""
    ImportJob.objects.fail_stale()
    job = claim(job_id, confirm)
    if job is None:
        return  # cancelled or given up before a worker took it
    data = bytes(job.data)
    with Heartbeat(ImportJob, job.pk), translation.override(job.language or None):
        try:
            check_or_import(job, data, confirm=confirm, user=job.user)
        except Stopped:
            return
        except Exception:
            logger.exception("import job %s failed", job.pk)
            fail(job, str(ERROR_REASON))
            raise


# --- What the admin shows of a job run by a worker ----------------------------------


def preview_of(report: ImportReport, limit: int) -> dict[str, Any]:
    """The preview's headers, first ``limit`` changed rows and how many more, as the admin
    page shows them. Stored as HTML: plain cells escaped here, a diff already escaped."""
    if isinstance(report, StoredReport):
        return report.stored_preview
    rows = report.preview(limit)
    counts = report.counts
    return {
        "headers": [column.name for column in report.columns],
        "rows": [
            [
                line,
                action,
                [cell if isinstance(cell, SafeString) else escape(cell) for cell in cells],
            ]
            for line, action, cells in rows
        ],
        "hidden": counts[ImportReport.NEW] + counts[ImportReport.UPDATE] - len(rows),
    }


class StoredReport(ImportReport):
    """An ``ImportReport`` as a job recorded it, for the admin's pages: its problems, its
    counts and (for a preview made by a worker) the rows the preview shows."""

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job.model_key, resources.resource_for(job.model_key), job.dry_run)
        self.committed = job.state == State.CONFIRMED
        self.problems = [Problem(*problem) for problem in job.problems]
        self.total_rows = job.rows_total
        self.stored_counts = {
            self.NEW: job.count_new,
            self.UPDATE: job.count_changed,
            self.SKIP: job.count_unchanged,
            "invalid": job.count_refused,
        }
        preview = job.preview or {"headers": [], "rows": [], "hidden": 0}
        # Written by preview_of from escaped text (a diff's HTML is built from escaped text
        # too): safe to show as it is.
        preview["rows"] = [
            (line, action, [mark_safe(cell) for cell in cells])
            for line, action, cells in preview["rows"]
        ]
        self.stored_preview = preview

    @property
    def counts(self) -> dict[str, int]:
        return self.stored_counts
