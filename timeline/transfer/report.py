"""What an import found and did: problems in a person's words, outcomes, the preview.

Every problem is reported with its line (as Excel numbers it, the header being line 1),
column, value and a plain reason (``Problem``); the admin's preview shows the rows that
would change, a changed cell as an HTML diff of old and new text. A write the database
refuses is explained with the rule's own sentence, never the database's text
(``database_message``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from diff_match_patch import diff_match_patch
from django.db import DataError, IntegrityError, models
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from timeline.transfer.cells import shown

if TYPE_CHECKING:
    from timeline.transfer.columns import Column, Lookups
    from timeline.transfer.left_in_file import LeftInFile

LARGE_IMPORT_ROWS = 1000  # above this the admin preview shows values, not HTML diffs


@dataclass
class Problem:
    """Why something in the file cannot be imported, in words for the person who wrote it."""

    line: int | None  # as Excel numbers it: 1 is the header; None: the file as a whole
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return str(self.message)
        parts = [_("Line %(line)d") % {"line": self.line}]
        if self.column:
            parts.append(_("column %(column)s") % {"column": self.column})
        if self.value:
            parts.append(_("value “%(value)s”") % {"value": self.value})
        return f"{', '.join(parts)}: {self.message}"


@dataclass(slots=True)
class RowOutcome:
    """What a valid row will do. Its cells stay in the file (``Importer.cells``)."""

    line: int
    key: Any
    action: str  # "new", "update" or "skip" (unchanged)
    # attname → value after import (scalars), column name → value (external); without the
    # text values left in the file until they are written (ImportReport.left_in_file).
    values: dict
    old: dict | None = None  # same, before import (updates only)
    changed: tuple = ()  # names of the columns whose value changes


class ImportReport:
    """What an import found and did. ``ok`` is False when anything was refused."""

    NEW, UPDATE, SKIP = "new", "update", "skip"

    def __init__(self, model_key: str, resource: Any, dry_run: bool) -> None:
        self.model_key = model_key
        self.resource = resource
        self.dry_run = dry_run
        self.committed = False
        self.columns: list[Column] = []  # the file's columns, in file order
        self.positions: list[int] = []  # where each of them is in a row of the file
        self.rows: list[RowOutcome] = []  # one per non-blank valid row
        self.problems: list[Problem] = []
        self.invalid_raw: dict[int, list] = {}  # line → the row's cells, for reports
        self.total_rows = 0
        self.lookups: Lookups | None = None
        self.left_in_file: LeftInFile | None = None  # where the rows' text values wait

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def invalid_lines(self) -> list[int]:
        return sorted({problem.line for problem in self.problems if problem.line})

    @property
    def counts(self) -> dict[str, int]:
        counts = {self.NEW: 0, self.UPDATE: 0, self.SKIP: 0}
        for row in self.rows:
            counts[row.action] += 1
        counts["invalid"] = len([line for line in self.invalid_lines if line > 1])
        return counts

    def summary(self) -> str:
        counts = self.counts
        text = _(
            "%(new)d new, %(updated)d updated, %(unchanged)d unchanged, %(invalid)d invalid."
        ) % {
            "new": counts[self.NEW],
            "updated": counts[self.UPDATE],
            "unchanged": counts[self.SKIP],
            "invalid": counts["invalid"],
        }
        if self.problems:
            return text + " " + _("Nothing was imported.")
        if self.dry_run:
            return text + " " + _("Dry run: nothing was written.")
        return text

    def add(self, line: int | None, column: str, value: Any, message: str | Promise) -> None:
        self.problems.append(Problem(line, column, shown(value), str(message)))

    def display(self, column: "Column", values: dict) -> str:
        key = column.name if column.external else column.attname
        return column.display(values.get(key), self.lookups)

    def preview(self, limit: int) -> list[tuple[int, str, list[str]]]:
        """What the admin's preview shows: ``(line, action, cells)`` of the rows that would
        add or change a record, in file order, at most ``limit`` of them.

        A changed cell is an HTML diff of the old and new text (escaped: a cell's own
        ``<script>`` shows as text); other cells are plain text, for the template to escape.
        In files over LARGE_IMPORT_ROWS rows, changed cells show their new value only.
        """
        columns = self.columns or self.resource.get_columns()
        html = len(self.rows) <= LARGE_IMPORT_ROWS
        shown_rows = [row for row in self.rows if row.action != self.SKIP][:limit]
        if self.left_in_file is not None:
            for row in shown_rows:  # shown whole: a few hundred rows at most
                self.left_in_file.restore(row)
        return [(row.line, row.action, self._diff(row, columns, html)) for row in shown_rows]

    def _diff(self, outcome: RowOutcome, columns: Sequence["Column"], html: bool) -> list[str]:
        cells: list[str] = []
        differ = diff_match_patch()
        for column in columns:
            new = self.display(column, outcome.values)
            if html and outcome.action == self.UPDATE and column.name in outcome.changed:
                assert outcome.old is not None
                old = self.display(column, outcome.old)
                diff = differ.diff_main(old, new)
                differ.diff_cleanupSemantic(diff)
                cells.append(diff_html(diff))
            else:
                cells.append(new)
        return cells


_DIFF_TAGS = {
    diff_match_patch.DIFF_INSERT: "ins",
    diff_match_patch.DIFF_DELETE: "del",
    diff_match_patch.DIFF_EQUAL: "span",
}


def diff_html(diff: list[tuple[int, str]]) -> SafeString:
    """A diff as <ins>/<del> around escaped text; unlike diff_prettyHtml() no style="",
    which a strict Content-Security-Policy blocks (the admin's CSS colours them)."""
    return mark_safe(
        "".join(
            f"<{_DIFF_TAGS[op]}>{escape(text)}</{_DIFF_TAGS[op]}>".replace("\n", "&para;<br>")
            for op, text in diff
        )
    )


def database_message(model: type[models.Model], error: IntegrityError | DataError) -> str:
    """A plain sentence for a refused write; the database's own text is never shown.

    A broken constraint is explained by its own ``violation_error_message`` (the models
    keep each rule's wording there, for their forms and for this).
    """
    text = str(error)
    for constraint in model._meta.constraints:
        if constraint.name in text:
            return str(constraint.get_violation_error_message())
    if "unique" in text.lower() or "duplicate" in text.lower():
        return _("Another record already uses this slug (or year).")
    if isinstance(error, DataError):
        return _("A value is too long or out of range for the database.")
    return _("The database refused this row.")
