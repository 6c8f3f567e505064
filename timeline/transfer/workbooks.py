"""Reading a workbook (.xlsx) safely.

An .xlsx file is a zip of XML. Four things make a tiny one expensive, and each is cut
off before its cost is paid:

* It may unpack to gigabytes. The zip's directory declares every member's size, and
  ``zipfile`` never returns more than declared, so the sizes are added up (and each
  member's packing ratio checked) before anything is unpacked.
* It may hold more rows than an import takes, each tiny. The sheet's row tags are
  counted in its raw bytes (fast: no XML is built) before it is parsed.
* The sheet declares its size (``<dimension ref="A1:XFD100000">``): openpyxl's
  read-only worksheet pads every row to it, and when the sheet declares none it parses
  the whole sheet to find out, before the first row is read. So the worksheet object is
  never made (the declared size is never read, as ``reset_dimensions`` would have it):
  the rows come from openpyxl's own streaming parser, the one that object reads with.
* A row may hold a cell in column XFD: the row API pads each row to 16,384 cells. The
  parser yields only the cells the XML holds; a row is as wide as the header, and a
  value beyond the header's last column refuses the file at the row that has it.

openpyxl's reader steps and parser are not its documented API, so they are used here
only; tests/test_hostile_files.py and the import round trips pin what they yield.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from timeline.transfer.tables import (
    MAX_COLUMNS,
    MAX_ROWS,
    SpreadsheetError,
    is_blank,
    megabytes,
    shape,
    too_many_columns,
    too_many_rows,
)

# A workbook's text compresses 3 to 10 times (a 20 MB export of milestones unpacks to about
# 60 MB), so 100 MB fits every file the upload limit lets in, and bounds the parsing.
DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# A part of a real workbook packs at most some 30 times smaller; a zip bomb, some 1,000.
MAX_PACKING_RATIO = 100
_RATIO_CHECKED_FROM = 1024 * 1024  # small parts (styles, themes) may pack tighter


def max_unpacked_bytes() -> int:
    """The most an .xlsx file may unpack to (its zip members' sizes added up)."""
    return getattr(settings, "TIMELINE_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)


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
                raise SpreadsheetError(too_many_rows())
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


def read_xlsx(data: bytes) -> tuple[list[str], list[list]]:
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
    return shape(records)


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
            if width > MAX_COLUMNS:
                raise SpreadsheetError(too_many_columns(1))
        elif not values:
            continue
        if number <= len(records):
            raise not_a_workbook  # rows out of order: no workbook program writes them
        if number > MAX_ROWS + 1:
            raise SpreadsheetError(too_many_rows())
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
