"""Spreadsheet imports through the admin: the file between preview and confirm.

An ``ImportJob`` is made when the admin's preview finds something to write. Its confirm
form carries only the job's id; the confirm step takes the file from the job in one
conditional UPDATE, so a double click or a second tab imports once. After that, or when
the preview is abandoned for a day (``prune_imports``), the file's bytes are dropped and
the record stays: who imported which file into which model, and how it ended -- the
beginning of the import log.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    PREVIEWED = "previewed", _("previewed, waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed and imported")
    FAILED = "failed", _("refused at confirmation")
    EXPIRED = "expired", _("expired unconfirmed")


class ImportJobQuerySet(models.QuerySet):
    def expire_abandoned(self) -> int:
        """Mark previews older than ``ImportJob.LIFETIME`` expired and drop their files."""
        cutoff = timezone.now() - ImportJob.LIFETIME
        return self.filter(state=ImportJob.State.PREVIEWED, created__lte=cutoff).update(
            state=ImportJob.State.EXPIRED, data=b"", updated=timezone.now()
        )


class ImportJob(models.Model):
    """One uploaded spreadsheet: previewed, then confirmed, refused or abandoned."""

    # How long a preview may wait for its confirmation.
    LIFETIME = timedelta(days=1)

    State = ImportState

    # SET_NULL, not PROTECT: deleting a staff account must not be blocked by the imports it
    # made, and the record of those imports should outlive the account. A job without a
    # user can never be confirmed (the confirm step asks for the requester's own job).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="import_jobs",
    )
    # One of the transfer wing's MODEL_KEYS ("milestones", ...). The list lives there (the
    # models floor cannot import it) and only the admin, from its own model, writes it.
    model_key = models.CharField(_("model"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    # What the reader detected: "csv" or "xlsx", and a CSV file's text encoding.
    file_type = models.CharField(_("file type"), max_length=10)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    # The file itself, in the database rather than the default storage: the database is the
    # one thing every app server shares (the default storage is a local folder here), the
    # file is bounded by the upload limit (20 MB), it is kept for a day at most, and it
    # goes in the same transaction as the state that says whether it may still be used.
    # Never shown anywhere: not editable, no admin, left out of __str__.
    data = models.BinaryField(_("file contents"), default=b"", editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREVIEWED
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
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
            # The file is kept only while the preview waits for its confirmation.
            models.CheckConstraint(
                condition=Q(state=ImportState.PREVIEWED) | Q(data=b""),
                name="importjob_file_only_while_previewed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_key}: {self.file_name} ({self.get_state_display()})"

    def take_file(self) -> bytes | None:
        """The file's bytes if this call confirms the job, else None.

        One conditional UPDATE moves the job from previewed to confirmed and drops the file
        at once: of two requests that both loaded the job (a double click, two tabs), the
        database lets exactly one do it. The other gets None and ``state`` as it now is.
        """
        data = bytes(self.data)
        now = timezone.now()
        taken = (
            type(self)
            .objects.filter(pk=self.pk, state=self.State.PREVIEWED, created__gt=now - self.LIFETIME)
            .update(state=self.State.CONFIRMED, data=b"", updated=now)
        )
        if not taken:
            self.refresh_from_db(fields=["state", "updated"])
            return None
        self.state, self.data, self.updated = self.State.CONFIRMED, b"", now
        return data

    def fail(self) -> None:
        """The confirmed file could not be imported after all: nothing of it was written."""
        self.state = self.State.FAILED
        self.save(update_fields=["state", "updated"])
