"""Where the record's facts come from: outlets, the sources they publish, and citations.

An **outlet** publishes sources: a newspaper, a broadcaster, a city office's site. One site
is one outlet, so the whrcf.org history pages and their copy on din365 count as one voice,
not two that agree. A **source** is one cited page or document, keyed by its URL, shared
by every record that cites it. A **citation** says that a record rests on a source and what
the source supports. Milestones cite, and so do the figures of the Human Rights Index (an
indicator set's size, an evaluation's headline figures, one observed value): the citation
has one nullable link per citing model and a constraint that exactly one is set.

Nothing here has its own publish flag: a source is public when a public record cites it.
"""

from __future__ import annotations

from typing import ClassVar, Self

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from timeline.models.base import (
    DatePrecision,
    date_has_precision,
    date_precision_field,
    either_language,
    exactly_one,
    require_date_precision,
    require_either_language,
    slug_unique_in_any_case,
)
from timeline.models.index import IndicatorSet
from timeline.models.index_results import Evaluation, Observation
from timeline.models.milestones import Milestone

# The records that may cite a source, one nullable foreign key each on Citation.
CITING_FIELDS = ("milestone", "indicator_set", "evaluation", "observation")

# Where sources go whose outlet nobody has named yet (converted bare labels, new URLs in a
# milestone import); staff move them to their real outlet in the admin.
UNKNOWN_OUTLET_SLUG = "unknown"
UNKNOWN_OUTLET_NAMES = {"name_ko": "발행처 미상", "name_en": "Unknown outlet"}


class OutletQuerySet(models.QuerySet["Outlet"]):
    def published(self) -> Self:
        """Outlets with at least one public source."""
        return self.filter(Exists(Source.objects.published().filter(outlet=OuterRef("pk"))))

    def unknown(self) -> Outlet:
        """The outlet for sources whose outlet is not known yet (made on first use)."""
        return self.get_or_create(slug=UNKNOWN_OUTLET_SLUG, defaults=UNKNOWN_OUTLET_NAMES)[0]


# Managers are declared, not made with ``as_manager()``, so that their type is known (see
# PublishableManager in timeline.models.base).
OutletManager = models.Manager.from_queryset(OutletQuerySet)


class Outlet(models.Model):
    """Who publishes sources: a newspaper, broadcaster, organisation or site."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)

    objects: ClassVar[OutletManager] = OutletManager()

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(condition=either_language("name"), name="outlet_has_name"),
            slug_unique_in_any_case(),
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return f"{reverse('timeline:source-list')}#outlet-{self.slug}"

    def clean(self) -> None:
        require_either_language(self, "name")


# A source's URL travels in the milestone spreadsheets as ``title <url>``, so it cannot hold
# ``<``, ``>`` or white space: export, then import, would read back another address. A
# RegexValidator (not a function of this module) so that migrations need not import models.
URL_FITS_A_CELL = RegexValidator(
    r"[<>\s]",
    inverse_match=True,
    message=_(
        "The URL cannot contain spaces, “<” or “>”. Write them encoded, as the browser's "
        "address bar does: %%20 for a space, %%3C for “<”, %%3E for “>”."
    ),
    code="unsafe_url_character",
)


class SourceQuerySet(models.QuerySet["Source"]):
    def published(self) -> Self:
        """Sources a public milestone cites; only these ever appear on public pages."""
        return self.filter(Exists(Citation.objects.published().filter(source=OuterRef("pk"))))


SourceManager = models.Manager.from_queryset(SourceQuerySet)


class Source(models.Model):
    """One cited page or document, keyed by its URL (a printed document may have none)."""

    class Kind(models.TextChoices):
        PRESS = "press", _("Press")
        OFFICIAL = "official", _("Official")
        ACADEMIC = "academic", _("Academic")
        OTHER = "other", _("Other")

    class Language(models.TextChoices):
        KOREAN = "ko", _("Korean")
        ENGLISH = "en", _("English")

    Precision = DatePrecision

    url = models.URLField(
        _("URL"),
        max_length=500,
        blank=True,
        validators=[URL_FITS_A_CELL],
        help_text=_("The page's address. Leave it empty only for a document not online."),
    )
    outlet = models.ForeignKey(
        Outlet, verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="sources"
    )
    title = models.CharField(
        _("title"), max_length=500, help_text=_("The headline or title as the page gives it.")
    )
    title_is_label = models.BooleanField(
        _("title is a description"),
        default=False,
        help_text=_(
            "The page gives no title, so the title above is our description of it; public "
            "pages mark it as such."
        ),
    )
    published = models.DateField(_("publication date"), null=True, blank=True)
    date_precision = date_precision_field(
        _("How much of the publication date is known: only the year, the month, or the day.")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.KOREAN
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PRESS)

    objects: ClassVar[SourceManager] = SourceManager()
    _default_manager: ClassVar[SourceManager]

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = [F("published").asc(nulls_last=True), "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="source_unique_url",
                violation_error_message=_(
                    "A source with this URL already exists: cite that one instead of adding "
                    "it again."
                ),
            ),
            date_has_precision("published", name="source_date_has_precision"),
        ]
        indexes = [models.Index(fields=["outlet", "published"], name="source_outlet_date_idx")]

    def __str__(self) -> str:
        return f"{self.outlet} · {self.title}" if self.outlet_id else self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('timeline:source-list')}#source-{self.pk}"

    def clean(self) -> None:
        require_date_precision(self, "published", "source_date_has_precision")


def index_link(model: type[models.Model]) -> models.ForeignKey:
    """A citation's optional link to one of the index's citing models."""
    return models.ForeignKey(
        model,
        verbose_name=model._meta.verbose_name,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )


class CitationQuerySet(models.QuerySet["Citation"]):
    def published(self) -> Self:
        """Citations by public records: milestones (whose year and subject are public too)
        and the index's published figures."""
        return self.filter(
            Q(milestone__in=Milestone.objects.published())
            | Q(indicator_set__in=IndicatorSet.objects.published())
            | Q(evaluation__in=Evaluation.objects.published())
            | Q(observation__in=Observation.objects.published())
        )

    def of_index(self) -> Self:
        """Citations of the index's figures, not of milestones."""
        return self.filter(milestone__isnull=True)


CitationManager = models.Manager.from_queryset(CitationQuerySet)


class Citation(models.Model):
    """A record rests on a source; ``supports`` says for what."""

    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )
    indicator_set = index_link(IndicatorSet)
    evaluation = index_link(Evaluation)
    observation = index_link(Observation)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    supports = models.TextField(
        _("what it supports"),
        blank=True,
        help_text=_("The facts this source gives for the record: a date, a figure, a name."),
    )

    objects: ClassVar[CitationManager] = CitationManager()
    _default_manager: ClassVar[CitationManager]

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["milestone", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one(CITING_FIELDS),
                name="citation_cites_exactly_one_record",
                violation_error_message=_("A citation belongs to exactly one cited record."),
            ),
            models.UniqueConstraint(
                fields=["milestone", "source"],
                name="citation_unique_per_milestone",
                violation_error_message=_("This milestone already cites this source."),
            ),
            models.UniqueConstraint(
                fields=["indicator_set", "source"],
                name="citation_unique_per_indicator_set",
                violation_error_message=_("This indicator set already cites this source."),
            ),
            models.UniqueConstraint(
                fields=["evaluation", "source"],
                name="citation_unique_per_evaluation",
                violation_error_message=_("This evaluation already cites this source."),
            ),
            models.UniqueConstraint(
                fields=["observation", "source"],
                name="citation_unique_per_observation",
                violation_error_message=_("This value already cites this source."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cited} → {self.source}"

    @property
    def cited(self) -> models.Model | None:
        """The record this citation supports: a milestone or a figure of the index."""
        for field in CITING_FIELDS:
            if getattr(self, f"{field}_id"):
                return getattr(self, field)
        return None
