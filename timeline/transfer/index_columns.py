"""The evaluations file's ``area_results``, ``area_notes_ko`` and ``area_notes_en`` columns:
each area's result, and what the sources say of it, in one cell each.

One evaluation is one row, so that staff enter next year's evaluation as one line of a
spreadsheet. Its areas' results are entries separated by ``|``, each
``<area slug>: <rate>% <improved>/<of>`` with either part left out when the source does
not give it, and ``?`` for an unknown "of"::

    happy-life: +22.9% | environment-safety: -5.5% | vulnerable-groups: 13/16 | communication: 5/?

An area's note (e.g. "highest") is an entry ``<area slug>: <note>`` of ``area_notes_ko``
or ``area_notes_en``, for areas the results cell lists (``|`` inside a note is ``\\|``)::

    happy-life: Highest | environment-safety: More cases of notifiable diseases.

Importing removes the results of areas no longer listed; a file without a notes column
keeps the notes of every area still listed.
"""

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.query import QuerySet
from django.utils.translation import gettext as _

from timeline.models import EvaluationAreaResult, IndexArea
from timeline.transfer.cells import (
    BATCH_SIZE,
    CellError,
    chunks,
    join_cell,
    same_text,
    shown,
    split_cell,
)
from timeline.transfer.columns import Column, Lookups
from timeline.transfer.tables import cell_text

# (area pk, rate, improved, of), sorted by area: one evaluation's results.
Result = tuple[Any, Decimal | None, int | None, int | None]
Results = tuple[Result, ...]
# (area pk, note), sorted by area: one evaluation's notes in one language.
Notes = tuple[tuple[Any, str], ...]

ENTRY = re.compile(
    r"^(?P<slug>[-\w]+)\s*:\s*"
    r"(?:(?P<rate>[+\-−]?\d{1,4}(?:\.\d{1,2})?)\s*%)?\s*"
    r"(?:(?P<improved>\d{1,4})\s*/\s*(?P<of>\d{1,4}|\?))?$"
)
NOTE_ENTRY = re.compile(r"^(?P<slug>[-\w]+)\s*:\s*(?P<note>.+)$", re.DOTALL)
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


def area_of(slug: str, mapping: dict[str, Any], listed: Iterable[Any]) -> Any:
    """The id of the area ``slug`` names in a cell, refused if unknown or listed already."""
    area = mapping.get(slug)
    if area is None:
        raise CellError(
            _("No index area has the slug “%(slug)s”. Known slugs: %(known)s.")
            % {"slug": slug, "known": ", ".join(sorted(mapping))}
        )
    if area in listed:
        raise CellError(_("The area “%(slug)s” is listed twice.") % {"slug": slug})
    return area


class AreaColumn(Column):
    """A column of the evaluations file whose cell lists the evaluation's areas by slug, and
    whose values live in ``EvaluationAreaResult``."""

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


class AreaResultsColumn(AreaColumn):
    """An evaluation's per-area results (``EvaluationAreaResult``), written as one cell."""

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
            area = area_of(match["slug"], mapping, results)
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


class AreaNotesColumn(AreaColumn):
    """What the sources say of each area's result (``EvaluationAreaResult.note``) in one
    language, written as one cell: ``area_notes_ko`` or ``area_notes_en``. Every listed
    area must have a result (``EvaluationResource.check_rows``)."""

    def __init__(self, name: str, language: str) -> None:
        super().__init__(name)
        self.note_field = f"note_{language}"
        max_length = EvaluationAreaResult._meta.get_field("note").max_length
        assert max_length is not None  # a bounded CharField
        self.max_length = max_length

    def parse(self, raw: Any, lookups: Lookups | None) -> Notes:
        assert lookups is not None
        mapping = lookups.mapping(self)
        notes: dict[Any, str] = {}
        for entry in split_cell(cell_text(raw)):
            match = NOTE_ENTRY.match(entry.strip())
            if match is None or not match["note"].strip():
                raise CellError(
                    _(
                        "“%(entry)s” is not an area's note. Write the area's slug, a colon, "
                        "then the note, e.g. “happy-life: Highest”."
                    )
                    % {"entry": shown(entry)}
                )
            area = area_of(match["slug"], mapping, notes)
            note = match["note"].strip()
            if len(note) > self.max_length:
                raise CellError(
                    _("An area's note is too long: at most %(max)d characters (“%(note)s”).")
                    % {"max": self.max_length, "note": shown(note)}
                )
            notes[area] = note
        return tuple(sorted(notes.items()))

    def same(self, old: Any, new: Any, legacy: str = "") -> bool:
        old, new = old or (), new or ()
        return len(old) == len(new) and all(
            old_area == new_area and same_text(old_note, new_note, legacy)
            for (old_area, old_note), (new_area, new_note) in zip(old, new, strict=True)
        )

    def display(self, value: Any, lookups: Lookups | None) -> str:
        assert lookups is not None
        slugs = lookups.reverse(self)
        return join_cell(f"{slugs.get(area, str(area))}: {note}" for area, note in value or ())

    def existing(self, pks: Sequence[Any]) -> dict[Any, Notes]:
        found: dict[Any, list[tuple[Any, str]]] = {pk: [] for pk in pks}
        for chunk in chunks(list(pks)):
            rows = (
                EvaluationAreaResult.objects.filter(evaluation_id__in=chunk)
                .exclude(**{self.note_field: ""})
                .order_by("area_id")
                .values_list("evaluation_id", "area_id", self.note_field)
            )
            for owner, area, note in rows:
                if note:  # NULL is no note either
                    found[owner].append((area, note))
        return {pk: tuple(notes) for pk, notes in found.items()}

    def export_map(self, owners: Iterable[Any] | QuerySet) -> dict[Any, str]:
        rows = (
            EvaluationAreaResult.objects.filter(evaluation_id__in=owners)
            .exclude(**{self.note_field: ""})
            .order_by("evaluation_id", "area__order", "area__slug")
            .values_list("evaluation_id", "area__slug", self.note_field)
        )
        grouped: dict[Any, list[str]] = {}
        for owner, slug, note in rows:
            if note:
                grouped.setdefault(owner, []).append(f"{slug}: {note}")
        return {owner: join_cell(entries) for owner, entries in grouped.items()}

    def replace(
        self, owner_values: Sequence[tuple[Any, Notes]], delete_owners: Sequence[Any]
    ) -> None:
        """Each listed area's result gets its note, the evaluation's other results none.
        Runs after ``AreaResultsColumn.replace`` (columns are written in the resource's
        order), so the results a file adds are there to take their notes."""
        wanted = {(owner, area): note for owner, notes in owner_values for area, note in notes}
        changed: list[EvaluationAreaResult] = []
        for chunk in chunks([owner for owner, _notes in owner_values]):
            for result in EvaluationAreaResult.objects.filter(evaluation_id__in=chunk):
                note = wanted.get((result.evaluation_id, result.area_id), "")
                if (getattr(result, self.note_field) or "") != note:
                    setattr(result, self.note_field, note)
                    changed.append(result)
        # The untranslated column too, as the engine writes a translated field's (it holds
        # the active language's text).
        EvaluationAreaResult.objects.bulk_update(
            changed, [self.note_field, "note"], batch_size=BATCH_SIZE
        )
