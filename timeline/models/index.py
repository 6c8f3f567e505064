"""The Human Rights Index (인권지표): areas, indicator sets, indicators, evaluations, observations.

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
from decimal import Decimal
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
    DatePrecision,
    PublishableManager,
    PublishableQuerySet,
    date_has_precision,
    date_precision_field,
    has_text_constraint,
    partial_iso_date,
    require_date_precision,
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


class EvaluationQuerySet(PublishableQuerySet["Evaluation"]):
    def published(self, now: datetime.datetime | None = None) -> Self:
        """Published evaluations whose indicator set, if they name one, is published."""
        return self.filter(
            Q(indicator_set__isnull=True) | public_now("indicator_set", now), public_now("", now)
        )


EvaluationManager = models.Manager.from_queryset(EvaluationQuerySet)


class Evaluation(Editorial):
    """The city's evaluation of one data year against the year before, with its headline
    figures; or a data year for which no public results were found."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Results reported")
        NOT_FOUND = "not_found", _("No public results found")

    Precision = DatePrecision

    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    data_year = year_field(_("data year"), help_text=_("The year whose values were evaluated."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REPORTED
    )
    indicator_set = models.ForeignKey(
        IndicatorSet,
        verbose_name=_("indicator set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    date_precision = date_precision_field(
        _("How much of the publication date is known: only the year, the month, or the day.")
    )
    indicators_evaluated = models.PositiveSmallIntegerField(
        _("indicators evaluated"), null=True, blank=True
    )
    improved = models.PositiveSmallIntegerField(_("improved"), null=True, blank=True)
    worsened = models.PositiveSmallIntegerField(_("worsened"), null=True, blank=True)
    improved_percent = models.DecimalField(
        _("improved (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The share of indicators that improved, as the source prints it."),
    )
    overall_rate = models.DecimalField(
        _("overall improvement rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    areas_improved = models.PositiveSmallIntegerField(_("areas improved"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    objects: ClassVar[EvaluationManager] = EvaluationManager()
    _default_manager: ClassVar[EvaluationManager]

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        permissions = [("publish_evaluation", "Can publish and unpublish evaluations")]
        ordering = ["data_year", "slug"]
        constraints = [
            schedule_in_order(),
            slug_unique_in_any_case(),
            year_in_range("data_year", "evaluation_year_in_sane_range"),
            date_has_precision("published_on", name="evaluation_date_has_precision"),
            models.CheckConstraint(
                condition=Q(improved__isnull=True)
                | Q(indicators_evaluated__isnull=True)
                | Q(improved__lte=models.F("indicators_evaluated")),
                name="evaluation_improved_within_evaluated",
                violation_error_message=_(
                    "More indicators improved than were evaluated: check both numbers."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="reported")
                | Q(
                    indicator_set__isnull=True,
                    improved__isnull=True,
                    overall_rate__isnull=True,
                    improved_percent__isnull=True,
                ),
                name="evaluation_gap_has_no_figures",
                violation_error_message=_(
                    "A year with no public results has no figures: remove them, or mark the "
                    "results as reported."
                ),
            ),
        ]
        indexes = [models.Index(fields=["is_published", "data_year"], name="evaluation_public_idx")]

    def __str__(self) -> str:
        if self.indicator_set_id and self.indicator_set:
            return f"{self.data_year} · {self.indicator_set}"
        return str(self.data_year)

    def get_absolute_url(self) -> str:
        return f"{reverse('timeline:index')}#evaluation-{self.slug}"

    def clean(self) -> None:
        require_date_precision(self, "published_on", "evaluation_date_has_precision")

    @property
    def is_gap(self) -> bool:
        return self.status == self.Status.NOT_FOUND

    @property
    def published_label(self) -> str:
        if self.published_on is None:
            return ""
        return partial_iso_date(self.published_on, self.date_precision)


class AreaResultQuerySet(models.QuerySet["EvaluationAreaResult"]):
    def published(self, now: datetime.datetime | None = None) -> Self:
        """Results of public evaluations in public areas."""
        return self.filter(
            public_now("area", now), evaluation__in=Evaluation.objects.published(now)
        )


AreaResultManager = models.Manager.from_queryset(AreaResultQuerySet)


class EvaluationAreaResult(models.Model):
    """An area's result in one evaluation: its improvement rate and/or how many of its
    indicators improved. Cited with the evaluation."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="area_results",
    )
    area = models.ForeignKey(
        IndexArea, verbose_name=_("area"), on_delete=models.PROTECT, related_name="results"
    )
    rate = models.DecimalField(
        _("improvement rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    improved = models.PositiveSmallIntegerField(_("improved"), null=True, blank=True)
    indicator_count = models.PositiveSmallIntegerField(_("of"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects: ClassVar[AreaResultManager] = AreaResultManager()
    _default_manager: ClassVar[AreaResultManager]

    class Meta:
        verbose_name = _("area result")
        verbose_name_plural = _("area results")
        ordering = ["evaluation", "area__order", "area__slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "area"],
                name="evaluationarearesult_one_per_area",
                violation_error_message=_("This evaluation already has a result for this area."),
            ),
            models.CheckConstraint(
                condition=~Q(rate__isnull=True, improved__isnull=True),
                name="evaluationarearesult_has_a_figure",
                violation_error_message=_("Enter the area's rate, or how many improved, or both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.area}"


class ObservationQuerySet(PublishableQuerySet["Observation"]):
    def published(self, now: datetime.datetime | None = None) -> Self:
        """Published values of public indicators, from public evaluations (if any)."""
        return self.filter(
            Q(evaluation__isnull=True)
            | (
                (
                    Q(evaluation__indicator_set__isnull=True)
                    | public_now("evaluation__indicator_set", now)
                )
                & public_now("evaluation", now)
            ),
            Q(indicator__area__isnull=True) | public_now("indicator__area", now),
            public_now("", now),
            public_now("indicator", now),
        )


ObservationManager = models.Manager.from_queryset(ObservationQuerySet)


class Observation(Editorial):
    """One value of one indicator for one year, as one or more sources print it.

    Sources that print another value for the same indicator and year give another
    observation: the disagreement stays visible instead of being settled silently.
    """

    class Measure(models.TextChoices):
        VALUE = "value", _("Value")
        CHANGE = "change", _("Change on the year before (%)")

    slug = models.SlugField(_("slug"), max_length=160, unique=True, allow_unicode=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    year = year_field(_("year"))
    measure = models.CharField(
        _("measure"),
        max_length=6,
        choices=Measure.choices,
        default=Measure.VALUE,
        help_text=_("A value, or the change on the year before that an evaluation reports."),
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    decimals = models.PositiveSmallIntegerField(
        _("decimals printed"),
        default=1,
        validators=[MaxValueValidator(2)],
        help_text=_("How many digits after the point the source prints (18.0 has one)."),
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observations",
        help_text=_("The evaluation whose report gives this value: its indicator set."),
    )
    note = models.TextField(_("note"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    objects: ClassVar[ObservationManager] = ObservationManager()
    _default_manager: ClassVar[ObservationManager]

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        permissions = [("publish_observation", "Can publish and unpublish observations")]
        ordering = ["indicator", "year", "measure", "value", "slug"]
        constraints = [
            schedule_in_order(),
            slug_unique_in_any_case(),
            year_in_range("year", "observation_year_in_sane_range"),
            models.CheckConstraint(
                condition=Q(decimals__lte=2),
                name="observation_decimals_stored",
                violation_error_message=_("Values are kept to two decimal places at most."),
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "year"], name="observation_indicator_year_idx"),
            models.Index(fields=["is_published", "year"], name="observation_public_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year} · {self.printed}"

    def get_absolute_url(self) -> str:
        return f"{self.indicator.get_absolute_url()}#observation-{self.slug}"

    @property
    def printed(self) -> str:
        """The value as the source prints it, with its unit: "18.05 %", "3,260 people"."""
        value = Decimal(self.value)  # a new record may still hold the text it was given
        number = f"{value:,.{self.decimals}f}"
        if self.measure == self.Measure.CHANGE and value > 0:
            number = f"+{number}"
        suffix = "%" if self.measure == self.Measure.CHANGE else UNIT_SUFFIX.get(self.unit, "")
        return f"{number} {suffix}".strip()
