"""Reading a CSV file: checked once as a whole, its rows then read from its bytes on demand.

``read_csv`` decodes and parses the whole file once, to refuse what cannot be read before
anything is imported (an encoding we do not know, a malformed line, too many rows or
columns, a cell too long), and keeps nothing of it but where each row starts. The rows
it gives (``CsvRows``) are a sequence read again from the file's bytes whenever they are
asked for: in order, a pass at a time, or one row by its index.

Why: the import of 100,000 rows held every row's cells from the read to the write, about
a third of its memory (bench/README.md, "Results — imports"). The bytes are in memory all
along anyway (the request's upload, the command's file, the job's copy), UTF-8 is the most
compact form of the text there is, and reading a row again costs microseconds. A row read
twice is the same row: the file does not change, and a CSV record ends at a line end and
is parsed the same wherever the reading starts.
"""

import codecs
import csv
import re
from array import array
from collections.abc import Iterator, Sequence
from typing import overload

from django.utils.translation import gettext as _

from timeline.transfer.tables import (
    MAX_COLUMNS,
    MAX_ROWS,
    SpreadsheetError,
    cell_text,
    is_blank,
    too_many_columns,
    too_many_rows,
)

_BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(rb"\r\n?|\n")
_CHUNK = 1 << 20  # bytes decoded at a time to check a file's encoding


def file_encoding(data: bytes) -> str:
    """The encoding a CSV file is in (UTF-8 with or without BOM, UTF-16 or CP949)."""
    if data.startswith(_BOM):
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
        if decodes(data, encoding):
            return encoding
    raise SpreadsheetError(
        _(
            "The file's text could not be read: it is neither UTF-8 nor Korean (CP949/EUC-KR). "
            "In Excel choose Save As and pick “CSV UTF-8”."
        )
    )


def decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` is text in ``encoding``: decoded a chunk at a time, so the whole
    text (up to four bytes a character) is never held."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class _Lines:
    """The text lines of ``data`` from byte ``start``, with their ends, as
    ``io.StringIO(text, newline="")`` gives them; ``position`` is where the next one starts.

    csv.reader takes a line only when the record it reads needs one, so ``position``
    before each record is where that record starts. Lines end at ``\\n`` (and, in a file
    with a lone CR as a line end, at ``\\r``): bytes that are never part of a character in
    UTF-8 or CP949, so each line decodes on its own as it would within the whole text.
    """

    __slots__ = ("data", "encoding", "lone_cr", "position", "size")

    def __init__(self, data: bytes, encoding: str, lone_cr: bool, start: int) -> None:
        self.data = data
        self.encoding = encoding
        self.lone_cr = lone_cr
        self.position = start
        self.size = len(data)

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        start = self.position
        if start >= self.size:
            raise StopIteration
        if self.lone_cr:
            match = _LINE_END.search(self.data, start)
            end = self.size if match is None else match.end()
        else:
            end = self.data.find(b"\n", start)
            end = self.size if end == -1 else end + 1
        self.position = end
        return self.data[start:end].decode(self.encoding)


class CsvRows(Sequence[list]):
    """A CSV file's rows (``rows[i]`` is line i + 2), each as wide as the header (missing
    cells None), read from the file's bytes each time they are asked for."""

    def __init__(
        self,
        data: bytes,
        encoding: str,
        delimiter: str,
        lone_cr: bool,
        starts: array,
        width: int,
    ) -> None:
        self.data = data
        self.encoding = encoding  # how the bytes are decoded (UTF-16 files are re-encoded)
        self.delimiter = delimiter
        self.lone_cr = lone_cr
        self.starts = starts  # the byte where each row starts
        self.width = width

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> list: ...

    @overload
    def __getitem__(self, index: slice) -> list[list]: ...

    def __getitem__(self, index: int | slice) -> list | list[list]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        start = self.starts[index]  # IndexError past the end, as a list's
        return self._shaped(next(self._reader(start)))

    def __iter__(self) -> Iterator[list]:
        if not self.starts:
            return
        reader = self._reader(self.starts[0])
        for _row in range(len(self.starts)):
            yield self._shaped(next(reader))

    def _reader(self, start: int) -> Iterator[list[str]]:
        lines = _Lines(self.data, self.encoding, self.lone_cr, start)
        return csv.reader(lines, delimiter=self.delimiter)

    def _shaped(self, record: list) -> list:
        width = self.width
        del record[width:]
        if len(record) < width:
            record += [None] * (width - len(record))
        return record


def read_csv(data: bytes) -> tuple[list[str], CsvRows, str]:
    """The header, the rows and the encoding of a CSV file; ``SpreadsheetError`` if it
    cannot be read. Blank trailing cells and lines are left out, as ``tables.shape`` does."""
    encoding = file_encoding(data)
    start = 0
    if encoding == "utf-16":
        # Two bytes a character, line ends included: read as UTF-8, which it becomes.
        data, decoding = data.decode("utf-16").encode("utf-8"), "utf-8"
    else:
        start = len(_BOM) if encoding == "utf-8-sig" else 0
        decoding = "utf-8" if encoding == "utf-8-sig" else encoding
    # In UTF-8 and CP949 a NUL, CR or LF byte is that character and never part of another.
    if b"\x00" in data:
        raise SpreadsheetError(_("This is not a CSV or Excel file. Choose a .csv or .xlsx file."))
    delimiter = _pick_delimiter(data, start, decoding)
    lone_cr = data.count(b"\r") != data.count(b"\r\n")
    lines = _Lines(data, decoding, lone_cr, start)
    reader = csv.reader(lines, delimiter=delimiter)
    starts = array("q")
    header: list[str] = []
    records = width = 0
    last_filled = 0  # records up to the last with a value: trailing blank lines are dropped
    record_start = start
    try:
        while True:
            record_start = lines.position
            record = next(reader, None)
            if record is None:
                break
            if records > MAX_ROWS:
                raise SpreadsheetError(too_many_rows())
            if len(record) > MAX_COLUMNS:
                raise SpreadsheetError(too_many_columns(records + 1))
            if records:
                starts.append(record_start)
            else:
                header = record
            records += 1
            for index in range(len(record) - 1, -1, -1):
                if not is_blank(record[index]):
                    width = max(width, index + 1)
                    last_filled = records
                    break
    except csv.Error:
        line = records + 1
        rest = data[record_start:].decode(decoding)
        column = _overlong_cell(rest, delimiter, csv.field_size_limit())
        if column is not None:
            name = cell_text(header[column]).strip() if line > 1 and column < len(header) else ""
            raise SpreadsheetError(_cell_too_long(line, column, name)) from None
        raise SpreadsheetError(
            _("Line %(line)d could not be read: the file is not a well-formed CSV file.")
            % {"line": line}
        ) from None
    if not last_filled:
        return [], CsvRows(data, decoding, delimiter, lone_cr, array("q"), 0), encoding
    del starts[last_filled - 1 :]
    headers = [cell_text(cell).strip() for cell in header[:width]]
    headers += [""] * (width - len(headers))
    return headers, CsvRows(data, decoding, delimiter, lone_cr, starts, width), encoding


def _pick_delimiter(data: bytes, start: int, encoding: str) -> str:
    end = data.find(b"\n", start)
    first_line = data[start : len(data) if end == -1 else end].decode(encoding)
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


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
