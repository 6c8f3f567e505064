"""The sheet every reader gives (``Table``), how its cells read as text, and the refusal.

What the CSV reader (spreadsheets.py) and the workbook reader (workbooks.py) share: a file
we cannot read raises ``SpreadsheetError``, whose text is a translated sentence for the
person; neither takes more than ``MAX_ROWS`` rows; and both hand their records to
``shape`` so a CSV file and a workbook with the same cells read as the same ``Table``.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

MAX_ROWS = 100_000
# Far wider than any file of ours (17 columns at most). Every row is kept as wide as the
# header, so a header of 16,384 columns made each one-cell row take 128 KiB: a 100 KB file
# held a worker for seconds and hundreds of megabytes. Refused before any row is built.
MAX_COLUMNS = 200


class SpreadsheetError(Exception):
    """A file we cannot read. ``str(error)`` is a translated sentence for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def megabytes(size: float) -> str:
    """``size`` bytes in MB as a person reads it: 20, 1.5."""
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def too_many_rows() -> str:
    return _("The file has more than %(limit)d rows. Split it into smaller files.") % {
        "limit": MAX_ROWS
    }


def too_many_columns(line: int) -> str:
    return _(
        "Line %(line)d has more than %(limit)d columns; no file of this site has more than a "
        "few dozen. Delete the columns that are not part of the file."
    ) % {"line": line, "limit": MAX_COLUMNS}


# --- Cell values ------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text, the way a person would read it in the spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# --- The sheet --------------------------------------------------------------------


@dataclass
class Table:
    """A sheet: the header cells, then each row's cells (``rows[i]`` is Excel line i + 2).

    A workbook's rows are a list; a CSV file's are read from its bytes when asked for
    (``csv_rows.CsvRows``), so a large file is not held twice, as bytes and as cells."""

    headers: list
    rows: Sequence[list] = field(default_factory=list)
    file_type: str = "csv"
    encoding: str = ""


def shape(records: list[list]) -> tuple[list[str], list[list]]:
    """Header plus rows, all the same width; blank trailing cells and lines trimmed."""
    if not records:
        return [], []
    while records and all(is_blank(cell) for cell in records[-1]):
        records.pop()
    if not records:
        return [], []
    width = 0
    for record in records:
        for index in range(len(record) - 1, -1, -1):
            if not is_blank(record[index]):
                width = max(width, index + 1)
                break
    header = [cell_text(cell).strip() for cell in records[0][:width]]
    header += [""] * (width - len(header))
    # In place: a copy of every row would double what a large file holds while it is read.
    rows = records[1:]
    for row in rows:
        del row[width:]
        row += [None] * (width - len(row))
    return header, rows
