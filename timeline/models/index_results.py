"""The Human Rights Index's results: the city's evaluations, each area's result in one,
and the values observed for each indicator (observations).

What the index is and what its pages must not claim: index.py, which holds its structure
(areas, indicator sets, indicators) and the units and years these results are given in.
"""

import datetime
from decimal import Decimal
from typing import ClassVar, Self

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from timeline.models.base import (
    DatePrecision,
    PublishableQuerySet,
    date_has_precision,
    date_precision_field,
    partial_iso_date,
    require_date_precision,
    slug_unique_in_any_case,
)
from timeline.models.editorial import Editorial, public_now, schedule_in_order
from timeline.models.index import (
    UNIT_SUFFIX,
    IndexArea,
    Indicator,
    IndicatorSet,
    Unit,
    year_field,
    year_in_range,
)


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
