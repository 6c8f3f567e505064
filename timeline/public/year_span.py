"""Pages of the timeline that read only the years they show.

The timeline runs newest year first, and its chart already counts the matches of every year
(remembered per content version and question: charts.py). So which years a page spans, and
where in the first of them it starts, is known before the page is read: the page's query
asks for those years alone and skips only the matches of its first year that came before.

Without it a page sorted every match and skipped all those on earlier pages: a theme that
matches a sixth of 100,000 milestones cost SQLite 150 ms a page, sorting 17,000 rows for
twenty, and page 200 of the timeline skipped 4,000 (bench/README.md). Each page now reads
the milestones of one or two years.
"""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from timeline.models.compiled_once import compiled_once
from timeline.public.charts import YearCounts


def year_span(counts: YearCounts, bottom: int, top: int) -> tuple[int, int, int] | None:
    """(newest year, oldest year, matches before the newest year) of the matches
    ``bottom`` to ``top`` (0-based, ``top`` excluded) in timeline order; None if none."""
    if top <= bottom:
        return None
    seen = 0
    newest: int | None = None
    before = 0
    for year in sorted(counts, reverse=True):
        in_year = sum(counts[year].values())
        if newest is None and seen + in_year > bottom:
            newest, before = year, seen
        seen += in_year
        if newest is not None and seen >= top:
            return newest, year, before
    return None if newest is None else (newest, min(counts), before)


class YearSpanPaginator(Paginator):
    """A Paginator for milestones in timeline order whose per-year ``counts`` are known
    (they also give the total: no COUNT query)."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, counts: YearCounts) -> None:
        super().__init__(object_list, per_page)
        self.milestones = object_list
        self.counts = counts
        self.count = sum(sum(kinds.values()) for kinds in counts.values())

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        span = year_span(self.counts, bottom, top)
        if span is None:
            return self._get_page(self.milestones.none(), number, self)  # type: ignore[attr-defined]
        newest, oldest, before = span
        shown = self.milestones.filter(year__lte=newest, year__gte=oldest)
        # The years are part of what the SQL says: kept apart per span (compiled_once.py).
        shown = compiled_once(shown, "years", newest, oldest)
        rows = shown[bottom - before : top - before]
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]
