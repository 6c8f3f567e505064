"""Writing the files staff keep in spreadsheets, and the public's downloads.

CSV as UTF-8 with BOM (so Excel shows Korean), XLSX with numbers, dates and booleans as
real cell values, JSON for programs. Every text cell of a CSV or XLSX file that a
spreadsheet could take for a formula is neutralised (the rule: spreadsheets.py); JSON is
read by programs, so its values are written exactly. A large file is made a batch of rows
at a time (``file_chunks``).
"""

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from import_export.formats import base_formats

from timeline.transfer.spreadsheets import neutralise
from timeline.transfer.tables import cell_text

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_CONTENT_TYPE = "application/json"
# Control characters an .xlsx file cannot hold (the same set openpyxl refuses).
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _csv_cell(value: Any) -> str:
    if isinstance(value, str):
        return neutralise(value)
    return cell_text(value)


def csv_chunks(
    headers: Sequence[Any], batches: Iterable[Iterable[Sequence[Any]]]
) -> Iterator[bytes]:
    """The CSV file a batch of rows at a time: its bytes joined are ``write_csv``'s."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(header) for header in headers])
    yield buffer.getvalue().encode("utf-8-sig")
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_cell(value) for value in row] for row in rows)
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")


def write_csv(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV bytes: UTF-8 with BOM, CRLF line ends, formula-looking text neutralised."""
    return b"".join(csv_chunks(headers, [rows]))


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(_XLSX_ILLEGAL.sub("", value))
    return value


def write_xlsx(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], title: str = "export"
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


def json_chunks(
    headers: Sequence[Any], batches: Iterable[Iterable[Sequence[Any]]]
) -> Iterator[bytes]:
    """The JSON array a batch of rows at a time: its bytes joined are ``write_json``'s
    (``json.dumps`` of the whole list, whose items it separates with ``", "``)."""
    yield b"["
    separator = ""
    for rows in batches:
        records = [
            json.dumps(
                dict(zip(headers, row, strict=True)), ensure_ascii=False, default=_json_default
            )
            for row in rows
        ]
        if records:
            yield (separator + ", ".join(records)).encode("utf-8")
            separator = ", "
    yield b"]"


def write_json(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A JSON array of objects, one per row, keys in column order (no neutralising)."""
    return b"".join(json_chunks(headers, [rows]))


def file_chunks(
    file_type: str,
    headers: Sequence[Any],
    batches: Iterable[Iterable[Sequence[Any]]],
    title: str = "export",
) -> Iterator[bytes]:
    """The file of this type a batch of rows at a time (an .xlsx, a zip, comes out whole:
    openpyxl's write-only workbook keeps its rows in a temporary file meanwhile)."""
    if file_type == "xlsx":
        yield write_xlsx(headers, (row for rows in batches for row in rows), title=title)
    elif file_type == "json":
        yield from json_chunks(headers, batches)
    else:
        yield from csv_chunks(headers, batches)


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
