"""What every publishable record shares besides its published flag: where it stands in review,
and the times it goes on and off the public site.

A record is public when it is published **and** its publish time (if any) has come **and**
its withdraw time (if any) has not. Public queries compare with the clock each time
(``public_now``), so a milestone set to appear at 00:00 on 18 May appears then without any
job running; the page cache is kept from outliving the change (timeline/caching/schedule.py).

Review (draft → in review → published, or returned with a comment) is told by
``review_state`` beside the flag: the flag alone says what the public sees, and only a
publisher sets it or the times (timeline/permissions.py).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The published flag every publishable model has (timeline.permissions.PUBLISHED_FIELD, which
# this floor cannot import).
PUBLISHED_FIELD = "is_published"
# The fields only a publisher may set: with them a record can be made public.
SCHEDULE_FIELDS = ("publish_at", "withdraw_at")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for review")
    RETURNED = "returned", _("Returned to the editor")


def public_now(prefix: str = "", now: datetime.datetime | None = None) -> Q:
    """The condition that the record at ``prefix`` (a lookup path, "" for the record itself)
    is public at ``now`` (default: the current time)."""
    now = now or timezone.now()
    at = f"{prefix}__" if prefix else ""
    return (
        Q(**{f"{at}{PUBLISHED_FIELD}": True})
        & (Q(**{f"{at}publish_at__isnull": True}) | Q(**{f"{at}publish_at__lte": now}))
        & (Q(**{f"{at}withdraw_at__isnull": True}) | Q(**{f"{at}withdraw_at__gt": now}))
    )


def schedule_in_order() -> models.CheckConstraint:
    """A record cannot be withdrawn before (or as) it is published."""
    return models.CheckConstraint(
        condition=Q(publish_at__isnull=True)
        | Q(withdraw_at__isnull=True)
        | Q(withdraw_at__gt=F("publish_at")),
        name="%(class)s_withdraw_after_publish",
        violation_error_message=_("The withdraw time must come after the publish time."),
    )


class Editorial(models.Model):
    """Abstract: the schedule and the review state of a publishable record."""

    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to show it as soon as it is published. With a time, a published record "
            "appears on the public site only from then."
        ),
    )
    withdraw_at = models.DateTimeField(
        _("withdraw at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep it public. With a time, it leaves the public site then."),
    )
    review_state = models.CharField(
        _("review state"),
        max_length=12,
        choices=ReviewState.choices,
        default=ReviewState.DRAFT,
        db_index=True,
    )
    review_note = models.TextField(
        _("review message"),
        blank=True,
        help_text=_("The editor's message when submitting, or the publisher's when returning."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def is_public(self, now: datetime.datetime | None = None) -> bool:
        """Whether the public site shows this record itself at ``now`` (its flag and times)."""
        now = now or timezone.now()
        return (
            bool(getattr(self, PUBLISHED_FIELD))
            and (self.publish_at is None or self.publish_at <= now)
            and (self.withdraw_at is None or self.withdraw_at > now)
        )

    @property
    def status_label(self) -> str:
        """Where the record stands, in a word or two: what a list's status column shows."""
        if getattr(self, PUBLISHED_FIELD):
            now = timezone.now()
            if self.publish_at and self.publish_at > now:
                return str(_("Scheduled"))
            if self.withdraw_at and self.withdraw_at <= now:
                return str(_("Withdrawn"))
            return str(_("Published"))
        return str(ReviewState(self.review_state).label)
