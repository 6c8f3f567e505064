"""Milestones: the dated lines of the timeline, each about exactly one subject."""

import datetime
from typing import ClassVar, Self, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from timeline.models.base import (
    DatePrecision,
    PublishableQuerySet,
    constraint_message,
    date_has_precision,
    date_precision_field,
    exactly_one,
    has_text_constraint,
    require_date_precision,
    require_either_language,
    slug_unique_in_any_case,
)
from timeline.models.editorial import Editorial, public_now, schedule_in_order
from timeline.models.public_filter import filtered_now
from timeline.models.record import Year
from timeline.models.subjects import SUBJECT_MODELS, Subject

# A milestone's links to its subject, one per kind, named after the kind.
SUBJECT_FIELDS = tuple(SUBJECT_MODELS)

_S = TypeVar("_S", bound=Subject)


def subject_link(model: type[_S]) -> "models.ForeignKey[_S | None, _S | None]":
    """A milestone's optional link to one kind of subject; the constraint makes one required."""
    return models.ForeignKey(
        model,
        verbose_name=model._meta.verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestones",
    )


class MilestoneQuerySet(PublishableQuerySet["Milestone"]):
    def published(self, now: datetime.datetime | None = None, assuming: str = "") -> Self:
        """What the public may see at ``now``: the milestone, its year and its subject are all
        public then (published, and within their publish and withdraw times).

        A milestone whose subject is unpublished is hidden rather than shown without its
        subject, so that nothing of an unpublished record reaches a public page.
        ``assuming`` ("year" or a subject kind) takes that relation as public: a staff preview
        of a draft year or subject shows its page as it will be once it is published.
        """

        def public(now: datetime.datetime) -> Q:
            subject_public = Q()
            for field in SUBJECT_FIELDS:
                subject_public |= (
                    Q(**{f"{field}__isnull": False})
                    if field == assuming
                    else public_now(field, now)
                )
            year_public = Q() if assuming == "year" else public_now("year", now)
            return subject_public & public_now("", now) & year_public

        return filtered_now(self, public, variant=assuming, now=now)

    def of_kind(self, *kinds: str) -> Self:
        """Milestones about a subject of any of ``kinds`` (names in ``SUBJECT_FIELDS``)."""
        condition = Q()
        for kind in kinds:
            condition |= Q(**{f"{kind}__isnull": False})
        return self.filter(condition)

    def with_subjects(self) -> Self:
        return self.select_related(*SUBJECT_FIELDS)


MilestoneManager = models.Manager.from_queryset(MilestoneQuerySet)


class Milestone(Editorial):
    Precision = DatePrecision

    year = models.ForeignKey(
        Year,
        verbose_name=_("year group"),
        to_field="year",
        db_column="year",
        on_delete=models.PROTECT,
        related_name="milestones",
        help_text=_("The year the source lists this milestone under."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    order = models.PositiveSmallIntegerField(
        _("order within the year"), default=0, help_text=_("Source order; lower comes first.")
    )
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("The stated date, if the sources give one. It may differ from the year group."),
    )
    date_precision = date_precision_field(
        _("How much of the date is known: only the year, the month, or the day.")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    note = models.TextField(
        _("note on disputed facts"),
        blank=True,
        help_text=_(
            "Where public sources disagree on a date or a figure, say so here, naming them."
        ),
    )
    initiative = subject_link(SUBJECT_MODELS["initiative"])
    policy = subject_link(SUBJECT_MODELS["policy"])
    institution = subject_link(SUBJECT_MODELS["institution"])
    is_published = models.BooleanField(_("published"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[MilestoneManager] = MilestoneManager()
    _default_manager: ClassVar[MilestoneManager]

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        permissions = [("publish_milestone", "Can publish and unpublish milestones")]
        ordering = ["-year_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one(SUBJECT_FIELDS),
                name="milestone_exactly_one_subject",
                violation_error_message=_(
                    "A milestone is about exactly one subject: an initiative, a policy or an "
                    "institution."
                ),
            ),
            date_has_precision("date", name="milestone_date_has_precision"),
            has_text_constraint("title", _("Enter the title in Korean or in English.")),
            slug_unique_in_any_case(),
            schedule_in_order(),
        ]
        indexes = [
            models.Index(fields=["-year", "order", "id"], name="milestone_timeline_order_idx"),
            models.Index(fields=["is_published", "-year", "order"], name="milestone_public_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.year_id} · {self.title or self.slug}"

    def get_absolute_url(self) -> str:
        return reverse(
            "timeline:milestone-detail", kwargs={"year": self.year_id, "slug": self.slug}
        )

    @property
    def subject(self) -> Subject | None:
        return self.initiative or self.policy or self.institution

    @property
    def kind(self) -> str:
        for field in SUBJECT_FIELDS:
            if getattr(self, f"{field}_id"):
                return field
        return ""

    def clean(self) -> None:
        require_either_language(self, "title")
        chosen = [field for field in SUBJECT_FIELDS if getattr(self, f"{field}_id")]
        if len(chosen) != 1:
            message = constraint_message(Milestone, "milestone_exactly_one_subject")
            raise ValidationError(dict.fromkeys(chosen or SUBJECT_FIELDS, message))
        require_date_precision(self, "date", "milestone_date_has_precision")
