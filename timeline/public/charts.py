"""Milestones per year, stacked by kind: the numbers and the geometry of a small SVG chart.

The SVG is drawn by templates/includes/chart.html from what ``year_chart`` returns. Bars are
horizontal (one row per year) so the year labels stay readable on a 320 px phone: widths are
percentages of the chart's width, heights are fixed pixels, and text keeps the page's size.
"""

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Min, QuerySet

from timeline.caching.remembered import remembered
from timeline.models import SUBJECT_MODELS, Milestone, kind_label

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ROW_HEIGHT = 30  # px per year row
BAR_HEIGHT = 20
COMPACT_ROW_HEIGHT = 24  # above a list of results, where the chart must not push them far down
COMPACT_BAR_HEIGHT = 16
TOP = 4  # px above the first row
LABEL_WIDTH = 16  # % of the width kept for the year labels on the left
BAR_SPACE = 72  # % of the width the longest bar takes; the rest holds its total


@dataclass
class Segment:
    kind: str
    label: "StrOrPromise"
    count: int
    x: float  # % of the chart's width
    width: float


@dataclass
class Row:
    year: int
    counts: dict[str, int]
    total: int
    # False for a year the public record has nothing for (2010, 2015): shown as "not in the
    # record", never as 0, which would claim that the year was searched and found empty.
    in_record: bool = True
    y: float = 0  # px, top of the bar
    text_y: float = 0  # px, baseline of the row's labels
    end: float = 0  # %, where the bar ends and its total is written
    segments: list[Segment] = field(default_factory=list)


@dataclass
class YearChart:
    rows: list[Row]
    kinds: list[tuple[str, "StrOrPromise"]]  # [(kind, label)] in stacking order
    total: int
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def first_year(self) -> int:
        return self.rows[-1].year  # rows run newest first

    @property
    def last_year(self) -> int:
        return self.rows[0].year

    @property
    def years_with_milestones(self) -> int:
        return sum(1 for row in self.rows if row.total)

    @property
    def years_not_in_record(self) -> list[int]:
        return [row.year for row in self.rows if not row.in_record]


YearCounts = dict[int, dict[str, int]]


def year_counts(milestones: QuerySet[Milestone]) -> YearCounts:
    """{year: {kind: count}} for a milestone queryset, in one query."""
    per_kind = {kind: Count(kind) for kind in SUBJECT_MODELS}
    rows = milestones.order_by().values("year_id").annotate(**per_kind)
    return {row["year_id"]: {kind: row[kind] for kind in SUBJECT_MODELS} for row in rows}


def remembered_year_counts(milestones: QuerySet[Milestone], question: Hashable) -> YearCounts:
    """``year_counts(milestones)``, computed once per content version
    (timeline/caching/remembered.py).

    ``question`` must say which milestones these are, e.g. the normalised filters
    (``PublicFilterSet.question``); ``()`` is every public milestone.
    """
    return remembered(
        "year-counts", lambda: year_counts(milestones), question, asked=bool(question)
    )


def year_chart(
    milestones: QuerySet[Milestone],
    compact: bool = False,
    counts: YearCounts | None = None,
    record_years: Iterable[int] | None = None,
) -> YearChart | None:
    """The chart of a milestone queryset (already filtered to what the public may see).

    Every year between the first and the last gets a row, empty years included, so gaps in
    the record show as gaps. Returns None when there is nothing to draw. ``compact`` draws
    thinner rows. ``counts``, if given, are ``year_counts(milestones)`` already computed.
    ``record_years`` are the years the whole public record has milestones for (default:
    the years of ``milestones``): a filtered chart's empty year is 0 if the record has
    that year, and "not in the record" if it has not.
    """
    row_height = COMPACT_ROW_HEIGHT if compact else ROW_HEIGHT
    bar_height = COMPACT_BAR_HEIGHT if compact else BAR_HEIGHT
    if counts is None:
        counts = year_counts(milestones)
    if not counts:
        return None
    kinds = [(kind, kind_label(kind)) for kind in SUBJECT_MODELS]
    first, last = min(counts), max(counts)
    empty = dict.fromkeys(SUBJECT_MODELS, 0)
    in_record = set(counts if record_years is None else record_years)
    rows = [
        Row(
            year=year,
            counts=counts.get(year, empty),
            total=sum(counts.get(year, empty).values()),
            in_record=year in in_record,
        )
        for year in range(last, first - 1, -1)  # newest first, as on the timeline
    ]
    largest = max(row.total for row in rows)
    for index, row in enumerate(rows):
        row.y = TOP + index * row_height
        row.text_y = row.y + bar_height / 2
        x: float = LABEL_WIDTH
        for kind, label in kinds:
            count = row.counts[kind]
            if count:
                width = round(BAR_SPACE * count / largest, 3)
                row.segments.append(Segment(kind, label, count, round(x, 3), width))
                x += width
        row.end = round(x, 3)
    return YearChart(
        rows=rows,
        kinds=kinds,
        total=sum(row.total for row in rows),
        height=TOP * 2 + len(rows) * row_height,
        bar_height=bar_height,
    )


# --- A subject's mini-timeline --------------------------------------------------------

STRIP_MARGIN = 6  # % of the width left empty at each end, for the end labels
STRIP_LABEL_GAP = 10  # % two year labels in one row must be apart (about 30 px on a phone)
STRIP_LABEL_ROWS = 3  # consecutive years go to the next row instead of overlapping
STRIP_LINE_Y = 12  # px
STRIP_ROW_HEIGHT = 16  # px per row of labels


@dataclass
class StripMark:
    year: int
    count: int
    x: float  # % of the width
    label_y: float = 0  # px, baseline of the year label


@dataclass
class YearStrip:
    first: int
    last: int
    marks: list[StripMark]
    ticks: list[float]  # x (%) of every year of the span, marked or not
    ends: list[StripMark] = field(
        default_factory=list
    )  # [StripMark] labels for the span's unmarked ends
    line_y: int = STRIP_LINE_Y
    height: int = 0

    @property
    def start(self) -> int:
        return STRIP_MARGIN

    @property
    def end(self) -> int:
        return 100 - STRIP_MARGIN


def record_span() -> tuple[int, int] | None:
    """(first, last) year of the public record, so every subject's strip has the same scale."""
    return remembered("record-span", _record_span)


def _record_span() -> tuple[int, int] | None:
    span = Milestone.objects.published().aggregate(first=Min("year"), last=Max("year"))
    return (span["first"], span["last"]) if span["first"] is not None else None


def year_strip(years: Iterable[int], span: tuple[int, int] | None = None) -> YearStrip | None:
    """The geometry of a strip of ``years`` (with repeats) on the record's ``span`` of years.

    Returns None when there are no years. The span widens to include every year given.
    """
    counts = Counter(years)
    if not counts:
        return None
    first, last = min(counts), max(counts)
    if span:
        first, last = min(first, span[0]), max(last, span[1])
    width = 100 - 2 * STRIP_MARGIN

    def x_of(year: int) -> float:
        if last == first:
            return 50.0
        return round(STRIP_MARGIN + width * (year - first) / (last - first), 3)

    marks: list[StripMark] = []
    row_ends: list[float | None] = [None] * STRIP_LABEL_ROWS
    for year in sorted(counts):
        x = x_of(year)
        row = next(
            (i for i, end in enumerate(row_ends) if end is None or x - end >= STRIP_LABEL_GAP),
            len(row_ends) - 1,
        )
        row_ends[row] = x
        label_y = STRIP_LINE_Y + 10 + (row + 1) * STRIP_ROW_HEIGHT - 4
        marks.append(StripMark(year=year, count=counts[year], x=x, label_y=label_y))
    rows_used = 1 + max((i for i, end in enumerate(row_ends) if end is not None), default=0)
    # The span's first and last years, where no milestone is, get a quiet label too when
    # there is room for it in the first row.
    first_row_y = STRIP_LINE_Y + 10 + STRIP_ROW_HEIGHT - 4
    first_row = [mark.x for mark in marks if mark.label_y == first_row_y]
    ends = [
        StripMark(year=year, count=0, x=x_of(year), label_y=first_row_y)
        for year in dict.fromkeys((first, last))
        if year not in counts and all(abs(x_of(year) - x) >= STRIP_LABEL_GAP for x in first_row)
    ]
    return YearStrip(
        first=first,
        last=last,
        marks=marks,
        ticks=[x_of(year) for year in range(first, last + 1)],
        ends=ends,
        height=STRIP_LINE_Y + 10 + rows_used * STRIP_ROW_HEIGHT,
    )
