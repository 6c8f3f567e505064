"""The import log, and the files of imports and exports between their steps.

Every import is an ``ImportJob``: from the admin or ``importcsv``, run in the request or by a
background worker. It says who imported which file (name and size) into which model, when,
for how long, what it counted (new, changed, unchanged, refused) and how it ended, with the
error report. The file itself is kept in the record (the database is what every app server
and every worker shares) only while a step still needs it: until the worker has read it, or
while an admin preview waits for its confirmation; then it is dropped and the record stays.

The admin's confirm form carries only the job's id; the confirm step takes the file from the
job in one conditional UPDATE, so a double click or a second tab imports once.

A job run by a worker (``timeline.jobs``) carries a heartbeat, written every few seconds while
it runs; a job whose heartbeat stopped (worker killed, server lost) is marked failed with the
reason (``fail_stale``). Cancelling sets a flag that the worker reads before and as it writes.
``ExportJob`` is a staff export of many rows made by a worker: the file waits in it for a day.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    """What both kinds of job share: those still under way, and those whose worker went."""

    def active(self) -> "JobQuerySet":
        return self.filter(state__in=self.model.ACTIVE_STATES)

    def fail_stale(self) -> int:
        """Mark failed the running jobs whose heartbeat is older than the timeout.

        One conditional UPDATE: a worker that finishes meanwhile finishes first or not at all
        (its own last write is conditional on the job still running, inside the import's
        transaction), so a job is never both imported and failed.
        """
        stale = timezone.now() - timedelta(seconds=settings.TIMELINE_JOB_STALE_SECONDS)
        silent = self.filter(state__in=self.model.RUNNING_STATES, heartbeat__lt=stale)
        # Looked for first, written only if found: every job page asks, and on SQLite a write
        # would wait for the database lock that a long import holds.
        if not silent.exists():
            return 0
        return silent.update(
            state=self.model.State.FAILED,
            reason=str(self.model.STALE_REASON),
            data=b"",
            finished=timezone.now(),
            updated=timezone.now(),
        )


class Job(models.Model):
    """A unit of staff work that a background worker may run: its owner, timing, heartbeat."""

    # How long a file waits for its next step (a preview for confirmation, an export for
    # its download).
    LIFETIME = timedelta(days=1)
    # Each kind of job names its states: those a worker is (or should be) busy with, those
    # still under way, and what a job whose worker went silent is told.
    RUNNING_STATES: tuple[str, ...] = ()
    ACTIVE_STATES: tuple[str, ...] = ()
    STALE_REASON: Any = ""

    # SET_NULL, not PROTECT: deleting a staff account must not be blocked by the jobs it
    # ran, and the log of them should outlive the account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # One of the transfer wing's MODEL_KEYS ("milestones", ...). The list lives there (the
    # models floor cannot import it).
    model_key = models.CharField(_("model"), max_length=20)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    # Written by the worker every few seconds while it runs (timeline.jobs.heartbeat).
    heartbeat = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # The task framework's id for the task that runs this job; empty when run in a request.
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    # Why it failed or was cancelled, in words for staff.
    reason = models.TextField(_("reason"), blank=True)
    # The file while a step needs it (the upload, or the export made by the worker). Never
    # shown: not editable, left out of the admin and of __str__.
    data = models.BinaryField(_("file contents"), default=b"", editable=False)
    # What the worker reports while it runs: rows read and checked so far, of how many.
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    # Each kind of job gives it its own choices.
    state = models.CharField(_("state"), max_length=10)

    class Meta:
        abstract = True

    @property
    def duration(self) -> timedelta | None:
        if self.started is None or self.finished is None:
            return None
        return self.finished - self.started

    @property
    def percent(self) -> int:
        return 100 * self.rows_done // self.rows_total if self.rows_total else 0

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    def silent_seconds(self) -> int:
        """How long the job has waited without a word from a worker (0 if it has one)."""
        last = self.heartbeat or self.created
        return max(0, int((timezone.now() - last).total_seconds()))


class ImportState(models.TextChoices):
    QUEUED = "queued", _("waiting for a worker")
    CHECKING = "checking", _("reading and checking the rows")
    PREVIEWED = "previewed", _("previewed, waiting for confirmation")
    WRITING = "writing", _("writing")
    CONFIRMED = "confirmed", _("imported")
    CHECKED = "checked", _("checked, nothing imported")
    REFUSED = "refused", _("refused: the file has problems")
    FAILED = "failed", _("failed: nothing was imported")
    CANCELLED = "cancelled", _("cancelled: nothing was imported")
    EXPIRED = "expired", _("expired unconfirmed")


# The file is needed while a worker has still to read it or a preview waits.
IMPORT_FILE_STATES = (
    ImportState.QUEUED,
    ImportState.CHECKING,
    ImportState.PREVIEWED,
    ImportState.WRITING,
)


class ImportSource(models.TextChoices):
    ADMIN = "admin", _("admin")
    COMMAND = "command", _("command line")


class ImportJobQuerySet(JobQuerySet):
    def expire_abandoned(self) -> int:
        """Mark previews older than ``ImportJob.LIFETIME`` expired and drop their files."""
        cutoff = timezone.now() - ImportJob.LIFETIME
        return self.filter(state=ImportJob.State.PREVIEWED, created__lte=cutoff).update(
            state=ImportJob.State.EXPIRED, data=b"", updated=timezone.now()
        )


class ImportJob(Job):
    """One import of one file: previewed, confirmed, refused, failed or abandoned."""

    State = ImportState
    Source = ImportSource
    RUNNING_STATES = (State.QUEUED, State.CHECKING, State.WRITING)
    ACTIVE_STATES = RUNNING_STATES
    STALE_REASON = _(
        "The worker stopped answering (it was stopped, or its server was lost). "
        "Nothing was imported."
    )

    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    # What the reader detected: "csv" or "xlsx", and a CSV file's text encoding.
    file_type = models.CharField(_("file type"), max_length=10, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREVIEWED
    )
    source = models.CharField(
        _("started from"), max_length=10, choices=Source.choices, default=Source.ADMIN
    )
    background = models.BooleanField(_("run by a worker"), default=False)
    dry_run = models.BooleanField(_("check only"), default=False)
    confirmed = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The language of whoever imports: a worker writes the report's sentences in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    count_new = models.PositiveIntegerField(_("new"), default=0)
    count_changed = models.PositiveIntegerField(_("changed"), default=0)
    count_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    count_refused = models.PositiveIntegerField(_("refused rows"), default=0)
    # The error report: [line, column, value, reason] for every problem found.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # What the admin's preview shows (the first rows that would change), made by a worker;
    # dropped with the file.
    preview = models.JSONField(_("preview"), default=dict, blank=True, editable=False)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import log entry")
        verbose_name_plural = _("import log entries")
        ordering = ["-created", "-pk"]
        indexes = [
            # expire_abandoned: previews older than a day.
            models.Index(fields=["state", "created"], name="importjob_state_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values),
                name="importjob_state_known",
            ),
            # The file is kept only while a step still needs it.
            models.CheckConstraint(
                condition=Q(state__in=IMPORT_FILE_STATES) | Q(data=b""),
                name="importjob_file_only_while_needed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_key}: {self.file_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:timeline_importjob_change", args=[self.pk])

    def take_file(self, background: bool = False) -> bytes | None:
        """The file's bytes if this call confirms the job (empty if a worker will read them
        from the job), else None.

        One conditional UPDATE moves the job from previewed to confirmed and drops the file
        at once: of two requests that both loaded the job (a double click, two tabs), the
        database lets exactly one do it. The other gets None and ``state`` as it now is.
        ``background``: a worker will import it, so the job is queued and keeps its file
        until the worker has read it.
        """
        # A worker reads the file from the job itself: not loaded here (up to 20 MB).
        data = b"" if background else bytes(self.data)
        now = timezone.now()
        if background:
            changes = {"state": self.State.QUEUED, "background": True, "rows_done": 0}
        else:
            changes = {"state": self.State.WRITING, "data": b"", "started": now, "heartbeat": now}
        taken = (
            type(self)
            .objects.filter(pk=self.pk, state=self.State.PREVIEWED, created__gt=now - self.LIFETIME)
            .update(confirmed=now, updated=now, preview={}, **changes)
        )
        if not taken:
            self.refresh_from_db(fields=["state", "updated"])
            return None
        self.refresh_from_db(fields=[*changes.keys() - {"data"}, "confirmed", "updated", "preview"])
        return data

    def fail(self, reason: str = "") -> None:
        """The confirmed file could not be imported after all: nothing of it was written."""
        self.state = self.State.FAILED
        self.reason = reason
        self.data = b""
        self.finished = timezone.now()
        self.save(update_fields=["state", "reason", "data", "finished", "updated"])

    def file_size_display(self) -> str:
        from django.template.defaultfilters import filesizeformat

        return str(filesizeformat(self.size))


class ExportState(models.TextChoices):
    QUEUED = "queued", _("waiting for a worker")
    RUNNING = "running", _("writing the file")
    DONE = "done", _("ready to download")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired")


class ExportJobQuerySet(JobQuerySet):
    def expire_downloads(self) -> int:
        """Drop the files of exports made more than ``ExportJob.LIFETIME`` ago."""
        cutoff = timezone.now() - ExportJob.LIFETIME
        return self.filter(state=ExportJob.State.DONE, finished__lte=cutoff).update(
            state=ExportJob.State.EXPIRED, data=b"", updated=timezone.now()
        )


class ExportJob(Job):
    """A staff export of many rows, made by a worker; the file waits here for a day."""

    State = ExportState
    RUNNING_STATES = (State.QUEUED, State.RUNNING)
    ACTIVE_STATES = RUNNING_STATES
    STALE_REASON = _("The worker stopped answering (it was stopped, or its server was lost).")

    file_type = models.CharField(_("file type"), max_length=10)
    # Which records: the list's search and filters, resolved when the export was asked for.
    # None: every record.
    record_ids = models.JSONField(_("records"), null=True, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ExportState.values), name="exportjob_state_known"
            ),
            # The file is kept only until it is downloaded or expires.
            models.CheckConstraint(
                condition=Q(state=ExportState.DONE) | Q(data=b""),
                name="exportjob_file_only_while_ready",
            ),
        ]

    # No get_absolute_url: its page belongs to the admin of the model it exports
    # (``<model>/export/<id>/``), which this floor cannot name.
    def __str__(self) -> str:
        return f"{self.model_key}.{self.file_type} ({self.get_state_display()})"
