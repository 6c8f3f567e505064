"""Reading and writing the files staff keep in spreadsheets: CSV and Excel (.xlsx).

What this module promises:

* Reading: the encoding and the file type are detected, never asked. CSV in UTF-8
  (with or without BOM), UTF-16 with BOM (Excel's "Unicode text") and CP949/EUC-KR
  (what Korean Excel writes as "CSV"); comma, semicolon or tab separated; and .xlsx.
  Anything else is refused with a plain sentence (``SpreadsheetError``), never a
  Python exception name. Files over ``max_upload_bytes()`` (20 MB unless the setting
  ``TIMELINE_IMPORT_MAX_BYTES`` says otherwise) are refused before they are parsed.
* Hostile files cost little: see "Reading a workbook safely" below.
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
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A workbook's text compresses 3 to 10 times (a 20 MB export of milestones unpacks to about
# 60 MB), so 100 MB fits every file the upload limit lets in, and bounds the parsing.
DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# A part of a real workbook packs at most some 30 times smaller; a zip bomb, some 1,000.
MAX_PACKING_RATIO = 100
_RATIO_CHECKED_FROM = 1024 * 1024  # small parts (styles, themes) may pack tighter
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


def max_unpacked_bytes() -> int:
    """The most an .xlsx file may unpack to (its zip members' sizes added up)."""
    return getattr(settings, "TIMELINE_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)


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


def megabytes(size: float) -> str:
    """``size`` bytes in MB as a person reads it: 20, 1.5."""
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


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


# --- Reading a workbook safely ----------------------------------------------------
#
# An .xlsx file is a zip of XML. Four things make a tiny one expensive, and each is cut
# off before its cost is paid:
#
# * It may unpack to gigabytes. The zip's directory declares every member's size, and
#   ``zipfile`` never returns more than declared, so the sizes are added up (and each
#   member's packing ratio checked) before anything is unpacked.
# * It may hold more rows than an import takes, each tiny. The sheet's row tags are
#   counted in its raw bytes (fast: no XML is built) before it is parsed.
# * The sheet declares its size (``<dimension ref="A1:XFD100000">``): openpyxl's
#   read-only worksheet pads every row to it, and when the sheet declares none it parses
#   the whole sheet to find out, before the first row is read. So the worksheet object is
#   never made (the declared size is never read, as ``reset_dimensions`` would have it):
#   the rows come from openpyxl's own streaming parser, the one that object reads with.
# * A row may hold a cell in column XFD: the row API pads each row to 16,384 cells. The
#   parser yields only the cells the XML holds; a row is as wide as the header, and a
#   value beyond the header's last column refuses the file at the row that has it.
#
# openpyxl's reader steps and parser are not its documented API, so they are used here
# only; tests/test_hostile_files.py and the import round trips pin what they yield.

# The sheet's root element tells the namespace prefix its row tags carry, if any.
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")


def _check_unpacked_size(data: bytes, not_a_workbook: SpreadsheetError) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise not_a_workbook from None
    unpacked, limit = sum(member.file_size for member in members), max_unpacked_bytes()
    if unpacked > limit:
        raise SpreadsheetError(
            _(
                "The workbook unpacks to %(size)s MB; the limit is %(limit)s MB. "
                "Split it into smaller files."
            )
            % {"size": megabytes(unpacked), "limit": megabytes(limit)}
        )
    for member in members:
        packed = max(member.compress_size, 1)
        if member.file_size > _RATIO_CHECKED_FROM and member.file_size > MAX_PACKING_RATIO * packed:
            raise SpreadsheetError(
                _(
                    "The workbook unpacks to %(size)s MB from %(packed)s MB, more than "
                    "%(ratio)d times smaller than its contents: a spreadsheet never packs "
                    "that tightly, so the file is not read. Save it again from Excel."
                )
                % {
                    "size": megabytes(member.file_size),
                    "packed": megabytes(packed),
                    "ratio": MAX_PACKING_RATIO,
                }
            )


def _check_row_count(archive: zipfile.ZipFile, path: str) -> None:
    """Refuse a sheet with more row tags than the header and ``MAX_ROWS`` rows.

    Counted in the raw bytes, as fast as they unpack: ``<`` never stands for itself in
    XML text, so each ``<row`` is a tag (a ``<rowBreaks`` adds one, which a bound allows).
    """
    rows, tag, kept = 0, b"", b""
    with archive.open(path) as part:
        for chunk in iter(lambda: part.read(1024 * 1024), b""):
            if not tag:
                root = _ROOT_TAG.search(chunk)
                prefix = (root.group(1) or b"") if root else b""
                tag = b"<" + prefix + b"row"
            text = kept + chunk  # a tag cut by the chunk's end is whole next time
            rows += text.count(tag)
            if rows > MAX_ROWS + 1:
                raise SpreadsheetError(_too_many_rows())
            kept = text[-(len(tag) - 1) :]


class _FirstSheet:
    """The workbook's first worksheet, opened without openpyxl's worksheet object."""

    def __init__(self, data: bytes) -> None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        # load_workbook's first steps: the parts, shared strings, sheets and date styles.
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        self.archive = reader.archive
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.parser.wb)
        self.book = reader.parser.wb
        self.shared_strings = reader.shared_strings
        self.path = next(
            (
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ),
            None,
        )

    def rows(self) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
        """Each row the sheet's XML holds: (row number, [(column number, value), ...])."""
        from openpyxl.worksheet._reader import WorkSheetParser

        assert self.path is not None
        with self.archive.open(self.path) as source:
            parser = WorkSheetParser(
                source,
                self.shared_strings,
                data_only=True,
                epoch=self.book.epoch,
                date_formats=self.book._date_formats,
                timedelta_formats=self.book._timedelta_formats,
            )
            for number, cells in parser.parse():
                yield number, [(cell["column"], cell["value"]) for cell in cells]


def _read_xlsx(data: bytes) -> tuple[list[str], list[list]]:
    not_a_workbook = SpreadsheetError(
        _("This is not an Excel workbook (.xlsx) we can read. Choose a .csv or .xlsx file.")
    )
    _check_unpacked_size(data, not_a_workbook)
    try:
        sheet = _FirstSheet(data)
    except Exception:
        # Whatever the zip or XML library trips over, the file is not a workbook we can read.
        raise not_a_workbook from None
    try:
        if sheet.path is None:
            raise SpreadsheetError(_("The file is empty."))
        _check_row_count(sheet.archive, sheet.path)
        records = _sheet_records(sheet.rows(), not_a_workbook)
    except SpreadsheetError:
        raise
    except Exception:
        # The sheet is parsed lazily, so a damaged one fails here rather than on opening.
        raise not_a_workbook from None
    finally:
        sheet.archive.close()
    return _shape(records)


def _sheet_records(
    rows: Iterator[tuple[int, list[tuple[int, Any]]]], not_a_workbook: SpreadsheetError
) -> list[list]:
    """The header (line 1) and each line up to the last with a value, as wide as the header.

    Blank lines between rows are kept (as ``[]``) so line numbers stay right; formatted
    but empty rows, common at the bottom of a sheet, are skipped wherever they are.
    """
    records: list[list] = []
    width = 0
    for number, cells in rows:
        values = [(column, value) for column, value in cells if not is_blank(value)]
        if number == 1:
            width = max((column for column, value in values), default=0)
            if not width:
                break  # no header: the file is empty, whatever follows
        elif not values:
            continue
        if number <= len(records):
            raise not_a_workbook  # rows out of order: no workbook program writes them
        if number > MAX_ROWS + 1:
            raise SpreadsheetError(_too_many_rows())
        if not records and number != 1:
            break  # the first row with a value is not line 1: there is no header
        row: list = [None] * width
        for column, value in values:
            if column > width:
                raise SpreadsheetError(_beyond_the_header(number, column, width))
            row[column - 1] = value
        records.extend([] for _blank in range(number - 1 - len(records)))  # each its own list
        records.append(row)
    return records


def _beyond_the_header(line: int, column: int, width: int) -> str:
    from openpyxl.utils import get_column_letter

    return _(
        "Line %(line)d has a value in column %(letter)s, beyond the last column with a "
        "header (%(last)s). Give that column a header, or delete what is in it."
    ) % {"line": line, "letter": get_column_letter(column), "last": get_column_letter(width)}


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
    # In place: a copy of every row would double what a large file holds while it is read.
    rows = records[1:]
    for row in rows:
        del row[width:]
        row += [None] * (width - len(row))
    return header, rows


# --- Writing ----------------------------------------------------------------------


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
