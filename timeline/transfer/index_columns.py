"""The evaluations file's ``area_results`` column: each area's result in one cell.

One evaluation is one row, so that staff enter next year's evaluation as one line of a
spreadsheet. Its areas' results are entries separated by ``|``, each
``<area slug>: <rate>% <improved>/<of>`` with either part left out when the source does
not give it, and ``?`` for an unknown "of"::

    happy-life: +22.9% | environment-safety: -5.5% | vulnerable-groups: 13/16 | communication: 5/?

An area's note (e.g. "highest") is edited in the admin: importing keeps the note of every
area still listed, and removes the results of areas no longer listed.
"""

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.query import QuerySet
from django.utils.translation import gettext as _

from timeline.models import EvaluationAreaResult, IndexArea
from timeline.transfer.cells import BATCH_SIZE, CellError, chunks, join_cell, shown, split_cell
from timeline.transfer.columns import Column, Lookups
from timeline.transfer.tables import cell_text

# (area pk, rate, improved, of), sorted by area: one evaluation's results.
Result = tuple[Any, Decimal | None, int | None, int | None]
Results = tuple[Result, ...]

ENTRY = re.compile(
    r"^(?P<slug>[-\w]+)\s*:\s*"
    r"(?:(?P<rate>[+\-−]?\d{1,4}(?:\.\d{1,2})?)\s*%)?\s*"
    r"(?:(?P<improved>\d{1,4})\s*/\s*(?P<of>\d{1,4}|\?))?$"
)
FIELDS = ("evaluation_id", "area_id", "rate", "improved", "indicator_count")


def rate_text(rate: Decimal) -> str:
    """``+22.9%``: the sign always, no trailing zeros."""
    text = f"{rate:+f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def entry_text(slug: str, rate: Decimal | None, improved: int | None, of: int | None) -> str:
    parts = []
    if rate is not None:
        parts.append(rate_text(rate))
    if improved is not None:
        parts.append(f"{improved}/{'?' if of is None else of}")
    return f"{slug}: {' '.join(parts)}"


class AreaResultsColumn(Column):
    """An evaluation's per-area results (``EvaluationAreaResult``), written as one cell."""

    external = True
    related: type[models.Model] = IndexArea
    key = "slug"
    target = "pk"

    def __init__(self, name: str) -> None:
        self.name = name
        self.field = None
        self.attname = None
        self.export_path = None
        self.translated_field = None

    @property
    def required(self) -> bool:
        return False

    def parse(self, raw: Any, lookups: Lookups | None) -> Results:
        assert lookups is not None
        mapping = lookups.mapping(self)
        results: dict[Any, Result] = {}
        for entry in split_cell(cell_text(raw)):
            match = ENTRY.match(entry.strip())
            if match is None or not (match["rate"] or match["improved"]):
                raise CellError(
                    _(
                        "“%(entry)s” is not an area's result. Write the area's slug, a colon, "
                        "then its rate and/or how many improved, e.g. “happy-life: +22.9%%” "
                        "or “vulnerable-groups: 13/16”."
                    )
                    % {"entry": shown(entry)}
                )
            area = mapping.get(match["slug"])
            if area is None:
                raise CellError(
                    _("No index area has the slug “%(slug)s”. Known slugs: %(known)s.")
                    % {"slug": match["slug"], "known": ", ".join(sorted(mapping))}
                )
            if area in results:
                raise CellError(_("The area “%(slug)s” is listed twice.") % {"slug": match["slug"]})
            rate = Decimal(match["rate"].replace("−", "-")) if match["rate"] else None
            improved = int(match["improved"]) if match["improved"] else None
            of = int(match["of"]) if match["of"] and match["of"] != "?" else None
            if improved is not None and of is not None and improved > of:
                raise CellError(
                    _("More improved than there are indicators in “%(entry)s”.")
                    % {"entry": shown(entry)}
                )
            results[area] = (area, rate, improved, of)
        return tuple(results[area] for area in sorted(results))

    def display(self, value: Any, lookups: Lookups | None) -> str:
        assert lookups is not None
        slugs = lookups.reverse(self)
        return join_cell(
            entry_text(slugs.get(area, str(area)), *rest) for area, *rest in value or ()
        )

    def existing(self, pks: Sequence[Any]) -> dict[Any, Results]:
        found: dict[Any, list[Result]] = {pk: [] for pk in pks}
        for chunk in chunks(list(pks)):
            rows = EvaluationAreaResult.objects.filter(evaluation_id__in=chunk).order_by("area_id")
            for owner, *result in rows.values_list(*FIELDS):
                found[owner].append(tuple(result))
        return {pk: tuple(results) for pk, results in found.items()}

    def export_map(self, owners: Iterable[Any] | QuerySet) -> dict[Any, str]:
        rows = (
            EvaluationAreaResult.objects.filter(evaluation_id__in=owners)
            .order_by("evaluation_id", "area__order", "area__slug")
            .values_list("evaluation_id", "area__slug", "rate", "improved", "indicator_count")
        )
        grouped: dict[Any, list[str]] = {}
        for owner, slug, rate, improved, of in rows:
            grouped.setdefault(owner, []).append(entry_text(slug, rate, improved, of))
        return {owner: join_cell(entries) for owner, entries in grouped.items()}

    def replace(
        self, owner_values: Sequence[tuple[Any, Results]], delete_owners: Sequence[Any]
    ) -> None:
        """Each evaluation's results become those of its cell; notes of kept areas stay."""
        current: dict[tuple[Any, Any], EvaluationAreaResult] = {}
        for chunk in chunks([owner for owner, _results in owner_values]):
            for stored in EvaluationAreaResult.objects.filter(evaluation_id__in=chunk):
                current[(stored.evaluation_id, stored.area_id)] = stored
        wanted = {
            (owner, area): (rate, improved, of)
            for owner, results in owner_values
            for area, rate, improved, of in results
        }
        gone = [stored.pk for key, stored in current.items() if key not in wanted]
        for chunk in chunks(gone):
            EvaluationAreaResult.objects.filter(pk__in=chunk).delete()
        changed: list[EvaluationAreaResult] = []
        added: list[EvaluationAreaResult] = []
        for (owner, area), (rate, improved, of) in wanted.items():
            result = current.get((owner, area))
            if result is None:
                added.append(
                    EvaluationAreaResult(
                        evaluation_id=owner,
                        area_id=area,
                        rate=rate,
                        improved=improved,
                        indicator_count=of,
                    )
                )
            elif (result.rate, result.improved, result.indicator_count) != (rate, improved, of):
                result.rate, result.improved, result.indicator_count = rate, improved, of
                changed.append(result)
        EvaluationAreaResult.objects.bulk_update(
            changed, ["rate", "improved", "indicator_count"], batch_size=BATCH_SIZE
        )
        EvaluationAreaResult.objects.bulk_create(added, batch_size=BATCH_SIZE)
