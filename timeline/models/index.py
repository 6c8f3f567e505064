"""The Human Rights Index (인권지표): areas, indicator sets and indicators here; evaluations,
their area results and observations in index_results.py.

The city's index is not one score. Each evaluation compares a year's values with the year
before: how many indicators improved, and an improvement rate per area. The set of
indicators changed several times (110 drafted in 2011, 100 adopted in 2012, 98 in 2014, 50
from 2016, 51 indicators with 73 sub-indicators from 2018), so figures are comparable only
within one evaluation, and a chart never joins values measured under different sets.

What the public pages must not do is claim more than the sources say:

* a year for which no results were found is an ``Evaluation`` whose ``status`` says so,
  shown as a gap, never as zero;
* an indicator's area and direction (is higher better?) stay empty unless a cited page
  gives them;
* where pages disagree on a value (18.05 / 18.1 / 18.0 %), each value is its own
  ``Observation`` with its own citations, and the page shows all of them.

Every figure is cited through ``Citation`` (sources.py), which has one link per citing model.
"""

import datetime
from typing import TYPE_CHECKING, ClassVar, Self

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from timeline.models.base import (
    MAX_YEAR,
    MIN_YEAR,
    PublishableManager,
    PublishableQuerySet,
    has_text_constraint,
    require_either_language,
    slug_unique_in_any_case,
)
from timeline.models.editorial import Editorial, public_now, schedule_in_order

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NAME_MESSAGE = _("Enter the name in Korean or in English.")


def year_field(verbose_name: "StrOrPromise", **kwargs: object) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
        **kwargs,  # type: ignore[arg-type]
    )


def year_in_range(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | (Q(**{f"{field}__gte": MIN_YEAR}) & Q(**{f"{field}__lte": MAX_YEAR})),
        name=name,
        violation_error_message=format_lazy(
            _("The year must be between {min} and {max}."), min=MIN_YEAR, max=MAX_YEAR
        ),
    )


class Unit(models.TextChoices):
    """What a value counts, as the source prints it."""

    PERCENT = "percent", _("per cent")
    POINTS = "points", _("points (out of 100)")
    PEOPLE = "people", _("people")
    COUNT = "count", _("count")
    PER_100K = "per_100k", _("per 100,000 people")


# How each unit follows a number on a page.
UNIT_SUFFIX: dict[str, "StrOrPromise"] = {
    Unit.PERCENT: "%",
    Unit.POINTS: _("pts"),
    Unit.PEOPLE: _("people"),
    Unit.COUNT: "",
    Unit.PER_100K: _("per 100k"),
}


# Addresses under /<lang>/index/ that are not areas (public/urls.py): no area may take them.
RESERVED_AREA_SLUGS = ("feed", "indicators", "export")


class IndexArea(Editorial):
    """One of the five areas of the index, from the chapters of the Gwangju Human Rights
    Charter (e.g. 자유롭게 소통하고 참여하는 도시)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    short_name = models.CharField(
        _("short name"),
        max_length=40,
        blank=True,
        help_text=_("How the press names the area in a table, e.g. 소통."),
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=False)

    objects: ClassVar[PublishableManager["IndexArea"]] = PublishableManager()

    class Meta:
        verbose_name = _("index area")
        verbose_name_plural = _("index areas")
        permissions = [("publish_indexarea", "Can publish and unpublish index areas")]
        ordering = ["order", "slug"]
        constraints = [
            schedule_in_order(),
            has_text_constraint("name", NAME_MESSAGE),
            slug_unique_in_any_case(),
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_AREA_SLUGS),
                name="indexarea_slug_not_reserved",
                violation_error_message=format_lazy(
                    _("An area's page is /index/<slug>/, so its slug cannot be one of: {slugs}."),
                    slugs=", ".join(RESERVED_AREA_SLUGS),
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return reverse("timeline:index-area", kwargs={"slug": self.slug})

    def clean(self) -> None:
        require_either_language(self, "name")

    @property
    def label(self) -> str:
        return self.short_name or self.name or self.slug


class IndicatorSet(Editorial):
    """A set of indicators as drafted, adopted or used in evaluations, with its size."""

    class Stage(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        ADOPTED = "adopted", _("Adopted")
        USED = "used", _("Used in evaluations")
        SURVEY = "survey", _("Citizen survey")

    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    year = year_field(
        _("year"), help_text=_("The year the set was drafted, adopted or first used.")
    )
    indicator_count = models.PositiveSmallIntegerField(_("indicators"), null=True, blank=True)
    sub_indicator_count = models.PositiveSmallIntegerField(
        _("sub-indicators"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    objects: ClassVar[PublishableManager["IndicatorSet"]] = PublishableManager()

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        permissions = [("publish_indicatorset", "Can publish and unpublish indicator sets")]
        ordering = ["year", "slug"]
        constraints = [
            schedule_in_order(),
            has_text_constraint("name", NAME_MESSAGE),
            slug_unique_in_any_case(),
            year_in_range("year", "indicatorset_year_in_sane_range"),
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return f"{reverse('timeline:index')}#set-{self.slug}"

    def clean(self) -> None:
        require_either_language(self, "name")


class IndicatorQuerySet(PublishableQuerySet["Indicator"]):
    def published(self, now: datetime.datetime | None = None) -> Self:
        """Published indicators whose area, if they have one, is published too."""
        return self.filter(Q(area__isnull=True) | public_now("area", now), public_now("", now))


IndicatorManager = models.Manager.from_queryset(IndicatorQuerySet)


class Indicator(Editorial):
    """One thing the index measures, e.g. the share of women at grade 5 or above."""

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher", _("Higher is better")
        LOWER_IS_BETTER = "lower", _("Lower is better")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    area = models.ForeignKey(
        IndexArea,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text=_("Leave empty unless a cited page says which area the indicator is in."),
    )
    unit = models.CharField(
        _("unit"),
        max_length=10,
        choices=Unit.choices,
        blank=True,
        help_text=_("Leave empty when the sources print only changes, not values."),
    )
    direction = models.CharField(
        _("direction"),
        max_length=6,
        choices=Direction.choices,
        blank=True,
        help_text=_("Leave empty unless a cited page says whether higher is better or worse."),
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=False)

    objects: ClassVar[IndicatorManager] = IndicatorManager()
    _default_manager: ClassVar[IndicatorManager]

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        permissions = [("publish_indicator", "Can publish and unpublish indicators")]
        ordering = ["order", "slug"]
        constraints = [
            schedule_in_order(),
            has_text_constraint("name", NAME_MESSAGE),
            slug_unique_in_any_case(),
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return reverse("timeline:index-indicator", kwargs={"slug": self.slug})

    def clean(self) -> None:
        require_either_language(self, "name")
