"""Milestones per year, stacked by kind: the numbers and the geometry of a small SVG chart.

The SVG is drawn by templates/includes/chart.html from what ``year_chart`` returns. Bars are
horizontal (one row per year) so the year labels stay readable on a 320 px phone: widths are
percentages of the chart's width, heights are fixed pixels, and text keeps the page's size.
"""

from dataclasses import dataclass, field

from django.db.models import Count

from .filters import SUBJECT_MODELS, kind_label

ROW_HEIGHT = 30  # px per year row
BAR_HEIGHT = 20
TOP = 4  # px above the first row
LABEL_WIDTH = 16  # % of the width kept for the year labels on the left
BAR_SPACE = 72  # % of the width the longest bar takes; the rest holds its total


@dataclass
class Segment:
    kind: str
    label: str
    count: int
    x: float  # % of the chart's width
    width: float


@dataclass
class Row:
    year: int
    counts: dict
    total: int
    y: float = 0  # px, top of the bar
    text_y: float = 0  # px, baseline of the row's labels
    end: float = 0  # %, where the bar ends and its total is written
    segments: list = field(default_factory=list)


@dataclass
class YearChart:
    rows: list
    kinds: list  # [(kind, label)] in stacking order
    total: int
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def first_year(self):
        return self.rows[-1].year  # rows run newest first

    @property
    def last_year(self):
        return self.rows[0].year

    @property
    def years_with_milestones(self):
        return sum(1 for row in self.rows if row.total)


def year_counts(milestones):
    """{year: {kind: count}} for a milestone queryset, in one query."""
    per_kind = {kind: Count(kind) for kind in SUBJECT_MODELS}
    rows = milestones.order_by().values("year_id").annotate(**per_kind)
    return {row["year_id"]: {kind: row[kind] for kind in SUBJECT_MODELS} for row in rows}


def year_chart(milestones):
    """The chart of a milestone queryset (already filtered to what the public may see).

    Every year between the first and the last gets a row, empty years included, so gaps in
    the record show as gaps. Returns None when there is nothing to draw.
    """
    counts = year_counts(milestones)
    if not counts:
        return None
    kinds = [(kind, kind_label(kind)) for kind in SUBJECT_MODELS]
    first, last = min(counts), max(counts)
    empty = dict.fromkeys(SUBJECT_MODELS, 0)
    rows = [
        Row(year=year, counts=counts.get(year, empty), total=sum(counts.get(year, empty).values()))
        for year in range(last, first - 1, -1)  # newest first, as on the timeline
    ]
    largest = max(row.total for row in rows)
    for index, row in enumerate(rows):
        row.y = TOP + index * ROW_HEIGHT
        row.text_y = row.y + BAR_HEIGHT / 2
        x = LABEL_WIDTH
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
        height=TOP * 2 + len(rows) * ROW_HEIGHT,
    )
