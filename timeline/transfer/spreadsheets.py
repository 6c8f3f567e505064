"""Reading the files staff keep in spreadsheets, CSV and Excel (.xlsx), and the formula rule.

The entry point is ``read_table``; the CSV reader is here, the workbook reader in
workbooks.py, the ``Table`` they give in tables.py, the writers in writers.py.

What this module promises:

* Reading: the encoding and the file type are detected, never asked. CSV in UTF-8
  (with or without BOM), UTF-16 with BOM (Excel's "Unicode text") and CP949/EUC-KR
  (what Korean Excel writes as "CSV"); comma, semicolon or tab separated; and .xlsx.
  Anything else is refused with a plain sentence (``SpreadsheetError``), never a
  Python exception name. Files over ``max_upload_bytes()`` (20 MB unless the setting
  ``TIMELINE_IMPORT_MAX_BYTES`` says otherwise) are refused before they are parsed.
* Hostile files cost little: see workbooks.py.
* Rows keep their place: ``Table.rows[i]`` is line ``i + 2`` as Excel numbers it
  (the header is line 1), blank lines included, so error reports point at the right row.
* Writing (writers.py): CSV as UTF-8 with BOM (so Excel shows Korean), XLSX with
  numbers, dates and booleans as real cell values. Every text cell that a spreadsheet
  could take for a formula is neutralised (see ``neutralise``).

The formula rule, exactly. On export a text cell that starts with ``= + - @``, tab,
CR or LF -- possibly after one or more apostrophes -- gets one more apostrophe in front.
On import one leading apostrophe is removed from a text cell that starts with
apostrophes followed by one of those characters. So every value survives export and
import unchanged, including one that really starts with an apostrophe (it went out
with an extra one), and a cell a person typed as ``'=1+2`` comes in as ``=1+2`` --
the apostrophe means "this is text", as in Excel. A cell starting with an apostrophe
followed by anything else is left exactly as written.
"""

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from timeline.transfer.tables import (
    MAX_COLUMNS,
    MAX_ROWS,
    SpreadsheetError,
    Table,
    cell_text,
    is_blank,
    megabytes,
    too_many_columns,
)

# What the CSV reader and ``read_table`` share with workbooks.py, under the names they use.
from timeline.transfer.tables import shape as _shape
from timeline.transfer.tables import too_many_rows as _too_many_rows
from timeline.transfer.workbooks import read_xlsx as _read_xlsx

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024

_GUARD = re.compile(r"'*[=+\-@\t\r\n]")
_GUARDED = re.compile(r"'+[=+\-@\t\r\n]")
_GUARD_FIRST = frozenset("'=+-@\t\r\n")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, old .doc
_TEXT_EXTENSIONS = {"csv", "txt", "tsv"}
_EXCEL_EXTENSIONS = {"xlsx", "xlsm"}


def read_error_message(error: Exception) -> str:
    """What to tell the person when reading their file failed (never the exception's name)."""
    if isinstance(error, SpreadsheetError):
        return str(error)
    return _("This file could not be read. Choose a .csv or .xlsx file.")


def max_upload_bytes() -> int:
    return getattr(settings, "TIMELINE_IMPORT_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def file_too_large(size: int) -> SpreadsheetError:
    """The refusal of a file of ``size`` bytes, over ``max_upload_bytes()``."""
    return SpreadsheetError(
        _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
        % {"size": megabytes(size), "limit": megabytes(max_upload_bytes())}
    )


# --- Formula neutralising ---------------------------------------------------------


def neutralise(value: Any) -> Any:
    """The cell as it must be written so no spreadsheet runs it as a formula."""
    if isinstance(value, str) and value and value[0] in _GUARD_FIRST and _GUARD.match(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """Undo ``neutralise``: the value as it was before export."""
    if isinstance(value, str) and value.startswith("'") and _GUARDED.match(value):
        return value[1:]
    return value


# --- Reading ----------------------------------------------------------------------


def read_table(data: bytes | str, filename: str = "") -> Table:
    """Read an uploaded or local file (bytes) into a ``Table``; ``SpreadsheetError`` if we can't."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > max_upload_bytes():
        raise file_too_large(len(data))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xls" or data.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            _(
                "Excel 97-2003 files (.xls) cannot be read. In Excel choose Save As and "
                "pick “Excel Workbook (.xlsx)” or “CSV UTF-8”."
            )
        )
    if extension and extension not in _TEXT_EXTENSIONS | _EXCEL_EXTENSIONS:
        raise SpreadsheetError(
            _("A .%(extension)s file cannot be imported. Choose a .csv or .xlsx file.")
            % {"extension": extension}
        )
    if not data.strip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00"):
        raise SpreadsheetError(_("The file is empty."))
    if data.startswith(_ZIP_MAGIC) or extension in _EXCEL_EXTENSIONS:
        headers, rows = _read_xlsx(data)
        table = Table(headers, rows, "xlsx", "")
    else:
        text, encoding = decode_text(data)
        headers, rows = _read_csv(text)
        table = Table(headers, rows, "csv", encoding)
    if not any(not is_blank(cell) for cell in table.headers):
        raise SpreadsheetError(_("The file is empty."))
    return table


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in (UTF-8, UTF-16 or CP949)."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data[:4096]:
            raise SpreadsheetError(
                _("This is not a CSV or Excel file. Choose a .csv or .xlsx file.")
            )
        # CP949 is Microsoft's superset of EUC-KR: it reads both.
        candidates = ["utf-8", "cp949"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _(
            "The file's text could not be read: it is neither UTF-8 nor Korean (CP949/EUC-KR). "
            "In Excel choose Save As and pick “CSV UTF-8”."
        )
    )


def _pick_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their ends, as ``io.StringIO(text, newline="")`` gives them,
    without its copy of the whole text (four bytes a character: for a large file, more
    than everything read from it). A text with a lone CR as a line end is left to it."""
    if text.count("\r") != text.count("\r\n"):
        yield from io.StringIO(text, newline="")
        return
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        end = size if end == -1 else end + 1
        yield text[start:end]
        start = end


def _read_csv(text: str) -> tuple[list[str], list[list]]:
    if "\x00" in text:
        raise SpreadsheetError(_("This is not a CSV or Excel file. Choose a .csv or .xlsx file."))
    delimiter = _pick_delimiter(text)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    records: list[list] = []
    lines_read = 0  # the physical lines before the record being read
    try:
        for record in reader:
            if len(records) > MAX_ROWS:
                raise SpreadsheetError(_too_many_rows())
            if len(record) > MAX_COLUMNS:
                raise SpreadsheetError(too_many_columns(len(records) + 1))
            records.append(record)
            lines_read = reader.line_num
    except csv.Error:
        line = len(records) + 1
        rest = "".join(io.StringIO(text, newline="").readlines()[lines_read:])
        column = _overlong_cell(rest, delimiter, csv.field_size_limit())
        if column is not None:
            header = records[0] if records and line > 1 else []
            name = cell_text(header[column]).strip() if column < len(header) else ""
            raise SpreadsheetError(_cell_too_long(line, column, name)) from None
        raise SpreadsheetError(
            _("Line %(line)d could not be read: the file is not a well-formed CSV file.")
            % {"line": line}
        ) from None
    return _shape(records)


def _overlong_cell(record: str, delimiter: str, limit: int) -> int | None:
    """The index of the first cell of the CSV record starting ``record`` longer than ``limit``."""
    separator = re.escape(delimiter)
    cell = re.compile(f'"[^"]*(?:""[^"]*)*"?[^{separator}\r\n]*|[^{separator}\r\n]*')
    position, column = 0, 0
    while True:
        match = cell.match(record, position)
        assert match is not None  # the second alternative matches the empty cell
        text = match.group()
        if text.startswith('"'):  # quotes are not the cell's; only its length matters
            text = text[1:].replace('""', '"').replace('"', "", 1)
        if len(text) > limit:
            return column
        position = match.end()
        if record[position : position + 1] != delimiter:
            return None
        position += 1
        column += 1


def _cell_too_long(line: int, column: int, name: str) -> str:
    from openpyxl.utils import get_column_letter

    values = {
        "line": line,
        "letter": get_column_letter(column + 1),
        "name": name,
        "limit": f"{csv.field_size_limit():,}",
    }
    if name:
        return (
            _(
                "Line %(line)d, column %(letter)s (“%(name)s”): the cell is longer than "
                "%(limit)s characters, the most a cell of a CSV file may hold. Shorten it."
            )
            % values
        )
    return (
        _(
            "Line %(line)d, column %(letter)s: the cell is longer than %(limit)s characters, "
            "the most a cell of a CSV file may hold. Shorten it."
        )
        % values
    )
