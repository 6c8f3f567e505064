"""Reading the files staff keep in spreadsheets, CSV and Excel (.xlsx), and the formula rule.

The entry point is ``read_table``; the CSV reader is in csv_rows.py, the workbook reader
in workbooks.py, the ``Table`` they give in tables.py, the writers in writers.py.

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

import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from timeline.transfer.csv_rows import read_csv
from timeline.transfer.tables import SpreadsheetError, Table, is_blank, megabytes
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
        headers, csv_rows, encoding = read_csv(data)
        table = Table(headers, csv_rows, "csv", encoding)
    if not any(not is_blank(cell) for cell in table.headers):
        raise SpreadsheetError(_("The file is empty."))
    return table
