"""The Human Rights Index's charts: the numbers and geometry of two small SVGs.

* ``value_chart``: one indicator's values over the years. Every year from the first to the
  last has a place on the axis; a year without a value stays empty (a gap, never zero).
  A line joins two values only when they are of consecutive years *and* of the same
  series (the indicator set the evaluation used): the sets changed between evaluations,
  so values of different sets are not one series. Where sources print different values
  of one set for one year, each is its own point, and no line of that set leads to or from
  that year (another set's single value for that year may still be joined). Each series
  has its own marker shape as well as its colour, so the chart reads without colour.
* ``rate_chart``: one area's improvement rate per evaluation, as horizontal bars from a
  zero line (rates may be negative); a year with no public results says so in words.

Templates draw them: templates/includes/index_value_chart.html and index_rate_chart.html.
Widths are percentages of the chart's width so it fits a 320 px phone; heights are pixels.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from timeline.models import Evaluation, EvaluationAreaResult, IndicatorSet, Observation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MARKERS = ("circle", "square", "triangle", "diamond")  # one shape per series, in order
PLOT_LEFT = 14  # % of the width kept for the value labels
PLOT_RIGHT = 96
PLOT_TOP = 18  # px
PLOT_HEIGHT = 170
AXIS_LABEL_Y = PLOT_TOP + PLOT_HEIGHT + 22


@dataclass
class Series:
    key: int | None  # the indicator set's id, None for values outside any set
    label: "StrOrPromise"
    marker: str


@dataclass
class Point:
    observation: Observation
    series: Series
    x: float  # %
    y: float  # px


@dataclass
class Segment:
    series: Series
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Tick:
    label: str
    y: float


@dataclass
class YearMark:
    year: int
    x: float
    has_value: bool


@dataclass
class ValueChart:
    points: list[Point]
    segments: list[Segment]
    series: list[Series]
    years: list[YearMark]
    ticks: list[Tick]
    height: int = AXIS_LABEL_Y + 10
    axis_y: float = PLOT_TOP + PLOT_HEIGHT
    label_y: float = AXIS_LABEL_Y

    @property
    def gap_years(self) -> list[int]:
        return [mark.year for mark in self.years if not mark.has_value]


def series_of(observation: Observation) -> IndicatorSet | None:
    evaluation = observation.evaluation
    return evaluation.indicator_set if evaluation is not None else None


def series_key(observation: Observation) -> int | None:
    indicator_set = series_of(observation)
    return indicator_set.pk if indicator_set else None


def value_chart(
    observations: Sequence[Observation], no_set_label: "StrOrPromise"
) -> ValueChart | None:
    """The chart of one indicator's values (``measure`` "value" only), or None if none.

    ``observations`` have their evaluation and its indicator set loaded.
    """
    values = [o for o in observations if o.measure == Observation.Measure.VALUE]
    if not values:
        return None
    series: dict[int | None, Series] = {}
    for observation in sorted(values, key=lambda o: (o.year, o.pk)):
        indicator_set = series_of(observation)
        key = series_key(observation)
        if key not in series:
            label = str(indicator_set) if indicator_set else no_set_label
            series[key] = Series(key, label, MARKERS[len(series) % len(MARKERS)])
    first, last = min(o.year for o in values), max(o.year for o in values)
    low, high = min(o.value for o in values), max(o.value for o in values)
    if low == high:
        low, high = low - 1, high + 1
    padding = (high - low) / 10
    low, high = low - padding, high + padding

    def x_of(year: int) -> float:
        if first == last:
            return round((PLOT_LEFT + PLOT_RIGHT) / 2, 3)
        return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (year - first) / (last - first), 3)

    def y_of(value: Decimal) -> float:
        return round(PLOT_TOP + float((high - value) / (high - low)) * PLOT_HEIGHT, 2)

    points = [Point(o, series[series_key(o)], x_of(o.year), y_of(o.value)) for o in values]
    # Where sources disagree on a set's value for a year, no line of that set says which
    # value the year had.
    per_year: dict[tuple[int | None, int], list[Point]] = {}
    for point in points:
        per_year.setdefault((point.series.key, point.observation.year), []).append(point)
    segments = []
    for (key, year), (point, *others) in per_year.items():
        later = per_year.get((key, year + 1), [])
        if not others and len(later) == 1:
            segments.append(Segment(point.series, point.x, point.y, later[0].x, later[0].y))
    years_with_values = {o.year for o in values}
    decimals = max(o.decimals for o in values)
    ticks = [
        Tick(f"{value:,.{decimals}f}", y_of(value))
        for value in (high - padding, (high + low) / 2, low + padding)
    ]
    return ValueChart(
        points=points,
        segments=segments,
        series=list(series.values()),
        years=[YearMark(y, x_of(y), y in years_with_values) for y in range(first, last + 1)],
        ticks=ticks,
    )


# --- An area's rates per evaluation ---------------------------------------------------------

RATE_ROW_HEIGHT = 30
RATE_BAR_HEIGHT = 18
RATE_LABEL_WIDTH = 16  # % for the year labels
RATE_SPACE = 54  # % the widest bar (positive plus negative) may take


@dataclass
class RateRow:
    year: int
    evaluation: Evaluation | None  # None: no evaluation of this year at all
    result: EvaluationAreaResult | None
    y: float = 0
    text_y: float = 0
    x: float = 0  # % where the bar starts
    width: float = 0
    text_x: float = 0

    @property
    def is_gap(self) -> bool:
        return self.evaluation is None or self.evaluation.is_gap

    @property
    def rate(self) -> Decimal | None:
        return self.result.rate if self.result else None


@dataclass
class RateChart:
    rows: list[RateRow]
    zero_x: float
    height: int
    bar_height: int = RATE_BAR_HEIGHT
    top: int = 4

    @property
    def rated(self) -> int:
        return sum(1 for row in self.rows if row.rate is not None)


def rate_chart(
    evaluations: Sequence[Evaluation], results: dict[int, EvaluationAreaResult]
) -> RateChart | None:
    """One row per evaluation (oldest first), and per year between them without one.

    ``results``: the area's result by evaluation id. None when no evaluation is public.
    """
    if not evaluations:
        return None
    by_year: dict[int, list[Evaluation]] = {}
    for evaluation in evaluations:
        by_year.setdefault(evaluation.data_year, []).append(evaluation)
    rows: list[RateRow] = []
    for year in range(min(by_year), max(by_year) + 1):
        of_year: list[Evaluation | None] = [*by_year.get(year, [])] or [None]
        for candidate in of_year:
            result = results.get(candidate.pk) if candidate else None
            rows.append(RateRow(year, candidate, result))
    rates = [row.rate for row in rows if row.rate is not None]
    most = max((rate for rate in rates if rate > 0), default=Decimal(0))
    least = min((rate for rate in rates if rate < 0), default=Decimal(0))
    span = (most - least) or Decimal(1)
    zero_x = round(RATE_LABEL_WIDTH + 4 + float(-least / span) * RATE_SPACE, 3)
    for index, row in enumerate(rows):
        row.y = 4 + index * RATE_ROW_HEIGHT
        row.text_y = row.y + RATE_BAR_HEIGHT / 2
        rate = row.rate
        if rate is None:
            row.x, row.width, row.text_x = zero_x, 0, zero_x
            continue
        width = round(float(abs(rate) / span) * RATE_SPACE, 3)
        row.width = width
        row.x = zero_x if rate >= 0 else round(zero_x - width, 3)
        row.text_x = round(zero_x + width, 3) if rate >= 0 else zero_x
    return RateChart(
        rows=rows, zero_x=zero_x, height=8 + len(rows) * RATE_ROW_HEIGHT, bar_height=RATE_BAR_HEIGHT
    )


@dataclass
class Disagreement:
    year: int
    values: list[Observation] = field(default_factory=list)


def disagreements(observations: Sequence[Observation]) -> list[Disagreement]:
    """Years for which sources print different values of one measure: each value kept."""
    grouped: dict[tuple[int, str], list[Observation]] = {}
    for observation in observations:
        grouped.setdefault((observation.year, observation.measure), []).append(observation)
    return [
        Disagreement(year, values)
        for (year, _measure), values in sorted(grouped.items())
        if len({value.value for value in values}) > 1
    ]


# --- Figures as the pages write them ----------------------------------------------------------


def trimmed(value: Decimal) -> str:
    """``value`` without trailing zeros after the point: 6.00 → 6, 8.10 → 8.1."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def signed_percent(value: Decimal | None) -> str:
    """An improvement rate: ``+22.9 %``, ``−5.5 %`` (a true minus sign), ``0 %``."""
    if value is None:
        return ""
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{trimmed(abs(value))} %"


def percent(value: Decimal | None) -> str:
    """A share: ``83.6 %``."""
    return "" if value is None else f"{trimmed(value)} %"
