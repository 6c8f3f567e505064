"""Reading and writing the files staff keep in spreadsheets: CSV and Excel (.xlsx).

What this module promises:

* Reading: the encoding and the file type are detected, never asked. CSV in UTF-8
  (with or without BOM), UTF-16 with BOM (Excel's "Unicode text") and CP949/EUC-KR
  (what Korean Excel writes as "CSV"); comma, semicolon or tab separated; and .xlsx.
  Anything else is refused with a plain sentence (``SpreadsheetError``), never a
  Python exception name. Files over ``max_upload_bytes()`` (20 MB unless the setting
  ``TIMELINE_IMPORT_MAX_BYTES`` says otherwise) are refused before they are parsed.
* Rows keep their place: ``Table.rows[i]`` is line ``i + 2`` as Excel numbers it
  (the header is line 1), blank lines included, so error reports point at the right row.
* Writing: CSV as UTF-8 with BOM (so Excel shows Korean), XLSX with numbers, dates
  and booleans as real cell values. Every text cell that a spreadsheet could take for
  a formula is neutralised (see ``neutralise``).

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
import datetime
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_CONTENT_TYPE = "application/json"

_GUARD = re.compile(r"'*[=+\-@\t\r\n]")
_GUARDED = re.compile(r"'+[=+\-@\t\r\n]")
_GUARD_FIRST = frozenset("'=+-@\t\r\n")
# Control characters an .xlsx file cannot hold (the same set openpyxl refuses).
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, old .doc
_TEXT_EXTENSIONS = {"csv", "txt", "tsv"}
_EXCEL_EXTENSIONS = {"xlsx", "xlsm"}


class SpreadsheetError(Exception):
    """A file we cannot read. ``str(error)`` is a translated sentence for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def read_error_message(error: Exception) -> str:
    """What to tell the person when reading their file failed (never the exception's name)."""
    if isinstance(error, SpreadsheetError):
        return str(error)
    return _("This file could not be read. Choose a .csv or .xlsx file.")


def max_upload_bytes() -> int:
    return getattr(settings, "TIMELINE_IMPORT_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


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


# --- Reading ----------------------------------------------------------------------


@dataclass
class Table:
    """A sheet: the header cells, then each row's cells (``rows[i]`` is Excel line i + 2)."""

    headers: list
    rows: list = field(default_factory=list)
    file_type: str = "csv"
    encoding: str = ""


def _megabytes(size: float) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def read_table(data: bytes | str, filename: str = "") -> Table:
    """Read an uploaded or local file (bytes) into a ``Table``; ``SpreadsheetError`` if we can't."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    limit = max_upload_bytes()
    if len(data) > limit:
        raise SpreadsheetError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(limit)}
        )
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


def _read_csv(text: str) -> tuple[list[str], list[list]]:
    if "\x00" in text:
        raise SpreadsheetError(_("This is not a CSV or Excel file. Choose a .csv or .xlsx file."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_pick_delimiter(text))
    records: list[list] = []
    try:
        for record in reader:
            if len(records) > MAX_ROWS:
                raise SpreadsheetError(_too_many_rows())
            records.append(record)
    except csv.Error:
        raise SpreadsheetError(
            _("Line %(line)d could not be read: the file is not a well-formed CSV file.")
            % {"line": len(records) + 1}
        ) from None
    return _shape(records)


def _read_xlsx(data: bytes) -> tuple[list[str], list[list]]:
    import openpyxl

    not_a_workbook = SpreadsheetError(
        _("This is not an Excel workbook (.xlsx) we can read. Choose a .csv or .xlsx file.")
    )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # Whatever the zip or XML library trips over, the file is not a workbook we can read.
        raise not_a_workbook from None
    try:
        if not book.worksheets:
            raise SpreadsheetError(_("The file is empty."))
        records: list[list] = []
        pending_blank = 0
        for values in book.worksheets[0].iter_rows(values_only=True):
            # Formatted but empty rows at the bottom of a sheet are common; keep a blank
            # row only when data follows it, so line numbers stay right.
            if all(is_blank(value) for value in values):
                pending_blank += 1
                if len(records) + pending_blank > MAX_ROWS + 1:
                    break
                continue
            if len(records) + pending_blank > MAX_ROWS:
                raise SpreadsheetError(_too_many_rows())
            records.extend([[]] * pending_blank)
            pending_blank = 0
            records.append(list(values))
    except SpreadsheetError:
        raise
    except Exception:
        # The sheet is parsed lazily, so a damaged one fails here rather than on opening.
        raise not_a_workbook from None
    finally:
        book.close()
    return _shape(records)


def _too_many_rows() -> str:
    return _("The file has more than %(limit)d rows. Split it into smaller files.") % {
        "limit": MAX_ROWS
    }


def _shape(records: list[list]) -> tuple[list[str], list[list]]:
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
    rows = []
    for record in records[1:]:
        row = list(record[:width])
        row += [None] * (width - len(row))
        rows.append(row)
    return header, rows


# --- Writing ----------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if isinstance(value, str):
        return neutralise(value)
    return cell_text(value)


def write_csv(headers: Sequence[Any], rows: Sequence[Sequence[Any]]) -> bytes:
    """CSV bytes: UTF-8 with BOM, CRLF line ends, formula-looking text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(header) for header in headers])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(_XLSX_ILLEGAL.sub("", value))
    return value


def write_xlsx(
    headers: Sequence[Any], rows: Sequence[Sequence[Any]], title: str = "export"
) -> bytes:
    """XLSX bytes: one sheet, header row frozen, numbers/dates/booleans as real cells."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "export")
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(header) for header in headers])
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _json_default(value: Any) -> str:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def write_json(headers: Sequence[Any], rows: Sequence[Sequence[Any]]) -> bytes:
    """A JSON array of objects, one per row, keys in column order (no neutralising)."""
    records = [dict(zip(headers, row, strict=True)) for row in rows]
    return json.dumps(records, ensure_ascii=False, default=_json_default).encode("utf-8")


WRITERS: dict[str, tuple[Callable[..., bytes], str]] = {
    "csv": (write_csv, CSV_CONTENT_TYPE),
    "xlsx": (write_xlsx, XLSX_CONTENT_TYPE),
    "json": (write_json, JSON_CONTENT_TYPE),
}


# --- django-import-export formats (for the admin) ---------------------------------


class _SpreadsheetFormat:
    """The admin's file types: its Export writes with our neutralising writers.

    Binary for the library, so it sends our bytes unchanged. (The admin's Import reads
    the uploaded bytes itself, with ``read_table``: admin/transfer.py.)
    """

    file_type = ""

    def is_binary(self) -> bool:
        return True

    def export_data(self, dataset: Any, **kwargs: Any) -> bytes:
        writer, _content_type = WRITERS[self.file_type]
        return writer(dataset.headers or [], [list(row) for row in dataset])

    def get_content_type(self) -> str:
        return WRITERS[self.file_type][1]


class CSVFormat(_SpreadsheetFormat, base_formats.CSV):
    file_type = "csv"


class XLSXFormat(_SpreadsheetFormat, base_formats.XLSX):
    file_type = "xlsx"


ADMIN_FORMATS = [CSVFormat, XLSXFormat]
