"""The import engine: read the file's cells, check every row, then write them all or none.

``resources.py`` declares the columns (the CSV contract); an ``Importer`` runs one import
of one resource:

1. the header names the columns (unknown, doubled or missing ones are refused);
2. every cell is parsed by its column; related records are looked up by slug (or year)
   with one query per related model;
3. each row is merged with the record it names (a column left out keeps its value),
   checked as a whole (``resource.check_row``) and across rows (``check_rows``);
4. new, changed and unchanged rows are told apart: a row whose values equal the
   database's is "unchanged" and not written at all;
5. whoever may not publish imports drafts only (``roles.refuse_what_needs_a_publisher``),
   and what the resource adds to that rule (``resource.check_user``);
6. if there is no problem, everything is written in one transaction (``writing``).

The import is all-or-nothing: every problem is reported with its line, column and value,
and if there is any, nothing is written. What comes back is an ``ImportReport``.

Rows do not hold their cells, nor their text values between the checks: a CSV file's rows
are read again from its bytes (``csv_rows``), and text waits in the file until its row is
merged, and again until its batch is written (``left_in_file``). So a large import holds
a few small values per row, not the file's text twice over.
"""

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from timeline.transfer import roles, spreadsheets
from timeline.transfer.cells import CellError, chunks
from timeline.transfer.columns import Column, Lookups
from timeline.transfer.left_in_file import LeftInFile
from timeline.transfer.relations import RelatedColumn
from timeline.transfer.report import ImportReport, RowOutcome
from timeline.transfer.tables import cell_text, is_blank
from timeline.transfer.writing import WriteSteps

Progress = Callable[[int, int], None]


# What a row's ``values`` become once merged: they are read only until then, and for a
# large file they are the largest thing the rows hold. Shared, never written to.
READ: dict = {}


class Row:
    """A row of the file on its way through the checks. Its cells stay in the file
    (``Importer.cells``): for a large file they were the largest thing the rows held."""

    __slots__ = ("changed", "existing", "key", "line", "merged", "ok", "values")

    def __init__(self, line: int, values: dict, ok: bool) -> None:
        self.line = line
        self.values = values  # column name → parsed value
        self.ok = ok
        self.key: Any = None
        # The record's values after import, but those left in the file (left_in_file.py).
        self.merged: dict = {}
        self.existing: dict | None = None  # the record's values now; None: a new record
        self.changed: tuple = ()  # a record's columns the file changes


class Importer(WriteSteps):
    def __init__(
        self,
        resource: Any,
        headers: list,
        rows: Sequence[list],
        dry_run: bool = False,
        progress: Progress | None = None,
        encoding: str = "",
        user: Any = None,
        filename: str = "",
        on_written: Callable[[ImportReport], None] | None = None,
    ) -> None:
        self.resource = resource
        self.on_written = on_written
        # Who imports: their role limits what the file may do (roles), and the history
        # names them. None: the operator, on the command line, unrestricted.
        self.user = user
        self.filename = filename
        # Rows are written in the site's default language; the history's words are read
        # by whoever imports, in theirs.
        self.language = translation.get_language() or settings.LANGUAGE_CODE
        # Korean Excel's CSV: some characters of the database cannot survive the trip.
        self.legacy_encoding = encoding if encoding == "cp949" else ""
        self.model = resource._meta.model
        self.headers = headers
        self.raw_rows = rows
        self.dry_run = dry_run
        self.progress = progress
        self.report = ImportReport(resource.model_key, resource, dry_run)
        self.scalar_attnames = resource.scalar_attname_set()
        self.present: list[tuple[int | None, Column]] = []
        self.seen: set[str] = set()
        self.rows: list[Row] = []
        self.existing: dict[Any, dict] = {}
        self.key_columns: list[Column] = []  # what says which record a row is
        self.required_key_columns: list[Column] = []  # those of them that cannot be empty
        self.left_in_file = LeftInFile(rows, [], [], ())

    def run(self) -> ImportReport:
        report = self.report
        if not self.read_header():
            return report
        self.parse_rows()
        if not self.rows:
            return report
        self.load_existing()
        self.merge()
        self.plan()
        roles.refuse_what_needs_a_publisher(self)
        self.resource.check_user(self)
        if not report.problems:
            self.write()
        return report

    # Header --------------------------------------------------------------------

    def read_header(self) -> bool:
        from openpyxl.utils import get_column_letter  # only for a file with a nameless column

        report = self.report
        spec = {column.name: column for column in self.resource.get_columns()}
        present: list[tuple[int | None, Column]] = []
        seen: set[str] = set()
        unknown: list[str] = []
        for index, header in enumerate(self.headers):
            name = cell_text(header).strip().casefold()
            if not name:
                if any(not is_blank(row[index]) for row in self.raw_rows if index < len(row)):
                    letter = get_column_letter(index + 1)
                    report.add(
                        1,
                        letter,
                        "",
                        _("Column %(letter)s has values but no header.") % {"letter": letter},
                    )
                continue
            if name not in spec:
                unknown.append(cell_text(header).strip())
                continue
            if name in seen:
                report.add(1, name, "", _("The column “%(name)s” appears twice.") % {"name": name})
                continue
            seen.add(name)
            present.append((index, spec[name]))
        if unknown:
            column = unknown[0] if len(unknown) == 1 else ""  # the message names them all
            report.add(1, column, "", self.unknown_columns_message(unknown))
        for key in self.resource.required_key_columns():
            if key not in seen:
                report.add(
                    1,
                    key,
                    "",
                    _("The column “%(name)s” is missing: it says which record each row is.")
                    % {"name": key},
                )
        # Linked columns are one value: naming one of them means the others are empty.
        for group in self.resource.linked_columns:
            if seen.intersection(group):
                present += [(None, spec[name]) for name in group if name not in seen]
        self.present = present
        self.seen = seen
        report.columns = [column for index, column in present if index is not None]
        report.positions = [index for index, column in present if index is not None]
        self.key_column = spec[self.resource.key_column]
        self.key_columns = [spec[name] for name in self.resource.key_columns()]
        self.required_key_columns = [spec[name] for name in self.resource.required_key_columns()]
        self.left_in_file = LeftInFile(
            self.raw_rows, present, self.key_columns, self.resource.slug_sources
        )
        report.left_in_file = self.left_in_file
        return not report.problems

    def unknown_columns_message(self, unknown: list[str]) -> str:
        names = {name.casefold() for name in unknown} | self.seen_names()
        message = ngettext(
            "Unknown column %(names)s. The columns are: %(columns)s.",
            "Unknown columns %(names)s. The columns are: %(columns)s.",
            len(unknown),
        ) % {
            "names": ", ".join(f"“{name}”" for name in unknown),
            "columns": ", ".join(column.name for column in self.resource.get_columns()),
        }
        other = self.resource.file_with_columns(names)
        if other:
            message += " " + _("This looks like a file of %(model)s.") % {"model": other}
        return message

    def seen_names(self) -> set[str]:
        return {cell_text(header).strip().casefold() for header in self.headers} - {""}

    # Rows ----------------------------------------------------------------------

    def parse_rows(self) -> None:
        report = self.report
        key_column = self.key_column
        key_index = next(i for i, column in self.present if column is key_column)
        assert key_index is not None  # read_header refuses a file without the key column
        # Only a column naming records of the same model (a parent) reads the file's keys:
        # another pass over the rows (a CSV file is read again from its bytes) otherwise.
        names_own_records = any(
            isinstance(column, RelatedColumn) and column.related is self.model
            for _index, column in self.present
        )
        file_keys = {
            key_column.key_text(row[key_index])
            if isinstance(key_column, RelatedColumn)
            else cell_text(spreadsheets.restore(row[key_index])).strip()
            for row in (self.raw_rows if names_own_records else ())
        }
        lookups = Lookups(self.model, file_keys - {""})
        report.lookups = lookups
        parsed: list[Row] = []
        first_line: dict[Any, int] = {}
        total = len(self.raw_rows)
        restore = spreadsheets.restore
        left = self.left_in_file.names  # checked here, kept in the file until the merge
        for position, raw in enumerate(self.raw_rows):
            line = position + 2
            if self.progress and position % 250 == 0:
                self.progress(position, total)
            if all(is_blank(cell) for cell in raw):
                continue
            values, ok = {}, True
            for index, column in self.present:
                cell = None if index is None else restore(raw[index])
                try:
                    value = column.parse(cell, lookups)
                except CellError as error:
                    report.add(line, column.name, cell, error.message)
                    ok = False
                else:
                    if column.name not in left:
                        values[column.name] = value
            row = Row(line, values, ok)
            key = self.row_key(values)
            if key:
                row.key = key
                if key in first_line:
                    shown_key = self.key_text(raw) if isinstance(key, tuple) else key
                    report.add(
                        line,
                        self.key_names(raw),
                        shown_key,
                        _(
                            "“%(key)s” is also on line %(line)d: a record may appear only once in a file."
                        )
                        % {"key": shown_key, "line": first_line[key]},
                    )
                    row.ok = False
                else:
                    first_line[key] = line
            elif ok and not self.resource.generates_keys:
                for column in self.required_key_columns:
                    if values.get(column.name) in (None, ""):
                        report.add(line, column.name, "", self.resource.missing_key_message())
                row.ok = False
            if not row.ok:
                report.invalid_raw[line] = raw
            parsed.append(row)
        report.total_rows = len(parsed)
        if self.progress:
            self.progress(total, total)
        self.rows = parsed
        if not parsed:
            report.add(None, "", "", _("The file has a header but no rows to import."))

    def row_key(self, values: dict) -> Any:
        """The key of a row from its parsed values: one value, or a tuple of all of them
        (None if a required one is missing; an optional one may be None)."""
        if len(self.key_columns) == 1:
            return values.get(self.key_column.name)
        if any(values.get(column.name) in (None, "") for column in self.required_key_columns):
            return None
        return tuple(values.get(column.name) for column in self.key_columns)

    def key_names(self, raw: list) -> str:
        """The file's columns that say which record a row is, those this row fills (a
        citation of the index: its source and the figure it names, not the two empty
        columns beside it)."""
        filled = [
            column.name
            for index, column in self.present
            if index is not None and column in self.key_columns and not is_blank(raw[index])
        ]
        return ", ".join(filled or (column.name for column in self.required_key_columns))

    def key_text(self, raw: list) -> str:
        """The cells that say which record a row is, as the file has them (empty ones of
        optional key columns left out)."""
        return ", ".join(
            cell_text(spreadsheets.restore(raw[index])).strip()
            for index, column in self.present
            if index is not None
            and column in self.key_columns
            and (column in self.required_key_columns or not is_blank(raw[index]))
        )

    def load_existing(self) -> None:
        """The records the file names, as {key: {attname: value, column name: value}}."""
        first_attname = self.resource.key_attname()  # a record with a tuple key: its first
        attnames = self.resource.scalar_attnames()
        keys = {row.key for row in self.rows if row.key is not None}
        firsts = {key[0] if isinstance(key, tuple) else key for key in keys}
        existing = {}
        for chunk in chunks(list(firsts)):
            query = self.model._base_manager.filter(**{f"{first_attname}__in": chunk})
            for values in query.values("pk", *attnames):
                key = self.resource.key_of(values)
                if key in keys:
                    existing[key] = values
        pks = [values["pk"] for values in existing.values()]
        for column in self.present_columns:
            if column.external:
                current = column.existing(pks)  # type: ignore[attr-defined]
                for values in existing.values():
                    values[column.name] = current[values["pk"]]
        self.existing = existing

    def merge(self) -> None:
        """Each row's values after import, checked as a whole; new vs changed vs unchanged."""
        report = self.report
        defaults = self.resource.new_record_defaults()
        scalar_columns = [c for c in self.present_columns if not c.external]
        external_columns = [c for c in self.present_columns if c.external]
        new_rows_refused = self.check_columns_for_new_records()
        compared = [c for c in self.present_columns if c not in self.key_columns]
        cells = self.left_in_file.in_order()
        for row in self.rows:
            if not row.ok:
                row.values = READ
                continue
            existing = self.existing.get(row.key) if row.key is not None else None
            if existing is None and new_rows_refused:
                row.ok = False
                row.values = READ
                continue
            if self.left_in_file.names:
                self.left_in_file.read_back(row.values, cells(row.line))
            merged = dict(existing) if existing else dict(defaults)
            for column in scalar_columns:
                value = row.values[column.name]
                if value is None and column.keep_when_empty:
                    continue
                merged[column.attname] = value
            for column in external_columns:
                merged[column.name] = row.values[column.name]
            problems_before = len(report.problems)
            for column in scalar_columns:
                needed = column.required and column not in self.key_columns
                if needed and merged.get(column.attname) in (None, ""):
                    message = (
                        _("This cannot be empty.")
                        if existing
                        else _("A new record needs a value here.")
                    )
                    report.add(row.line, column.name, "", message)
            self.resource.check_row(merged, existing, self.problem_reporter(row))
            if len(report.problems) > problems_before:
                row.ok = False
                row.values = READ
                report.invalid_raw[row.line] = self.cells(row.line)
                continue
            if existing is not None:
                row.changed = self.compare(merged, existing, compared)
            row.merged = self.left_in_file.leave(merged, row.values, row.key is not None)
            row.existing = existing
            row.values = READ

    def compare(self, values: dict, old: dict, compared: list[Column]) -> tuple:
        """The columns whose value the file changes in a record. Where the file's value
        reads the same as the stored one, the stored one is kept exactly (line ends,
        characters CP949 lacks). Done as each row is merged, before its text is left in
        the file; the checks across rows see the values as they will be written."""
        differing = []
        for column in compared:
            key = column.name if column.external else column.attname
            if column.same(old.get(key), values.get(key), self.legacy_encoding):
                values[key] = old.get(key)
            else:
                differing.append(column.name)
        return tuple(differing)

    def problem_reporter(self, row: Row) -> Callable[[str | tuple[str, ...], str | Promise], None]:
        """``problem(columns, message)`` for a check across ``row``'s columns."""

        def problem(columns: str | tuple[str, ...], message: str | Promise) -> None:
            names = [columns] if isinstance(columns, str) else list(columns)
            raw = self.cells(row.line)
            value = ", ".join(
                cell_text(raw[i])
                for i, c in self.present
                if i is not None and c.name in names and not is_blank(raw[i])
            )
            self.report.add(row.line, ", ".join(names), value, message)

        return problem

    def check_columns_for_new_records(self) -> bool:
        """A file may leave out columns for updates, but new records need some of them.

        Reported once, for the header; True if a column new records need is missing.
        """
        lines = [
            row.line
            for row in self.rows
            if row.ok and (row.key is None or row.key not in self.existing)
        ]
        if not lines:
            return False
        shown = ", ".join(str(line) for line in lines[:5]) + (" …" if len(lines) > 5 else "")
        report, problems_before = self.report, len(self.report.problems)
        for column in self.resource.get_columns():
            needed = column.required and column not in self.key_columns
            if needed and column.name not in self.seen:
                report.add(
                    1,
                    column.name,
                    "",
                    _(
                        "The column “%(name)s” is missing, and new records need it (lines %(lines)s)."
                    )
                    % {"name": column.name, "lines": shown},
                )
        for group in self.resource.header_one_of:
            if not self.seen.intersection(group):
                report.add(
                    1,
                    " / ".join(group),
                    "",
                    _("New records need one of the columns %(columns)s (lines %(lines)s).")
                    % {"columns": ", ".join(group), "lines": shown},
                )
        return len(report.problems) > problems_before

    def plan(self) -> None:
        """New, changed or unchanged: what each valid row will do, and which columns change."""
        report = self.report
        self.resource.check_rows([row for row in self.rows if row.ok], self)
        valid = [row for row in self.rows if row.ok]
        new_rows = [row for row in valid if row.existing is None]
        self.resource.prepare_new(new_rows, self)
        self.generate_keys(new_rows)
        every_column = tuple(c.name for c in self.present_columns)  # one tuple for all new rows
        for row in valid:
            if row.existing is None:
                action, changed = ImportReport.NEW, every_column
            else:
                changed = row.changed  # compared as it was merged
                action = ImportReport.UPDATE if changed else ImportReport.SKIP
            report.rows.append(
                RowOutcome(row.line, row.key, action, row.merged, row.existing, changed)
            )
        # From here on the plan (report.rows) is what is checked and written.
        self.rows = []

    def generate_keys(self, new_rows: list[Row]) -> None:
        """A slug for each new record without one, from its English name/title if it has."""
        missing = [row for row in new_rows if not row.key]
        if not missing:
            return
        key_attname = self.resource.key_attname()
        key_field = self.model._meta.get_field(key_attname)
        # The key is a slug field of the model itself, which always has a max_length.
        assert isinstance(key_field, models.Field) and key_field.max_length is not None
        max_length = key_field.max_length
        taken = set(self.model._base_manager.values_list(key_attname, flat=True))
        taken |= {row.key for row in self.rows if row.key}
        for row in missing:
            base = ""
            for source in self.resource.slug_sources:
                base = slugify(row.merged.get(source) or "")
                if re.search(r"[a-z]", base):
                    break
                base = ""
            base = (base or self.resource.fallback_slug(row.merged))[: max_length - 6].strip("-")
            candidate, number = base, 2
            while candidate in taken:
                candidate = f"{base}-{number}"
                number += 1
            taken.add(candidate)
            row.key = candidate
            row.merged[key_attname] = candidate
