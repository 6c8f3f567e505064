"""Text values left in the file between the checks and the write, read again to be written.

Every row of a file is checked before anything is written (all-or-nothing, and checks
across rows), so every row's values used to be held from the read to the write: for
100,000 milestones the titles, summaries and notes alone were about 40 MiB of the import's
memory (bench/README.md, "Results — imports"). No check across rows reads them. So a text
value is checked as its row is read, then left in the file (``Table.rows``, which a CSV
file reads from its bytes); it is read again as its row is merged with the record and
checked as a whole, dropped again, and read again for the rows being written, a batch at
a time.

Exact by construction: a value is left in the file only if it *is* the parsed cell (the
same object: not a stored value that replaced it because the two read the same, not a
default), and a text column's parse depends on the cell alone, so reading it again gives
an equal value. A row whose key is made from its values (``slug_sources``) keeps those.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from timeline.transfer.spreadsheets import restore

if TYPE_CHECKING:
    from timeline.transfer.columns import Column


class Planned(Protocol):
    """A row of the plan: ``report.RowOutcome`` (report.py reads this module, so this one
    does not import it)."""

    line: int
    values: dict


class LeftInFile:
    """Which values of an import's rows stay in its file, and how to read them back."""

    def __init__(
        self,
        rows: Sequence[list],
        present: Sequence[tuple[int | None, "Column"]],
        key_columns: Sequence["Column"],
        slug_sources: Sequence[str],
    ) -> None:
        self.rows = rows  # the file's rows: rows[line - 2] are a line's cells
        # (index in a row, column, attname) of the columns whose values wait in the file
        self.columns: list[tuple[int, Column, str]] = []
        for index, column in present:
            if index is None or not column.read_again or column in key_columns:
                continue
            if column.attname:  # a column of the record's own row
                self.columns.append((index, column, column.attname))
        self.names = frozenset(column.name for _index, column, _attname in self.columns)
        self.slug_sources = frozenset(slug_sources)

    def in_order(self) -> Callable[[int], list]:
        """``cells(line)`` for lines asked in file order: the file read in one pass."""
        rows = enumerate(self.rows)
        position, current = -1, list[Any]()

        def cells(line: int) -> list:
            nonlocal position, current
            index = line - 2
            while position < index:
                position, current = next(rows)
            return current if position == index else self.rows[index]

        return cells

    def read_back(self, parsed: dict[str, Any], cells: list) -> None:
        """Put the values left in the file back into a row's ``parsed`` values (column
        name → value), from its ``cells``: to merge it with its record and check it."""
        for index, column, _attname in self.columns:
            parsed[column.name] = column.parse(restore(cells[index]), None)

    def leave(self, values: dict[str, Any], parsed: dict[str, Any], keyed: bool) -> dict:
        """``values`` without those that are ``parsed`` cells (a new dict: a dict does not
        shrink when keys are deleted). ``keyed``: the row has its key (else it keeps the
        values its key will be made from)."""
        dropped = {
            attname
            for _index, column, attname in self.columns
            if values.get(attname) is parsed.get(column.name)
            and (keyed or attname not in self.slug_sources)
        }
        if not dropped:
            return values
        return {name: value for name, value in values.items() if name not in dropped}

    def restore(self, outcome: Planned) -> list[str]:
        """Put back the values of ``outcome`` left in the file; the names put back."""
        values = outcome.values
        missing = [(i, c, attname) for i, c, attname in self.columns if attname not in values]
        if not missing:
            return []
        cells = self.rows[outcome.line - 2]
        for index, column, attname in missing:
            values[attname] = column.parse(restore(cells[index]), None)
        return [attname for _index, _column, attname in missing]

    @contextmanager
    def whole(self, outcomes: Sequence[Planned]) -> Iterator[None]:
        """Within: these rows' values whole (read again from the file); after: left there
        again, so a write holds the text of one batch of rows at a time."""
        put_back = [self.restore(outcome) for outcome in outcomes]
        try:
            yield
        finally:
            for outcome, names in zip(outcomes, put_back, strict=True):
                if names:
                    dropped = frozenset(names)
                    outcome.values = {k: v for k, v in outcome.values.items() if k not in dropped}
