"""Small .xlsx files that cost a careless reader a lot (issue 13.3), written by hand.

openpyxl writes honest files, so these are zips of hand-written XML: a few KB to a few MB
on disk, however large they claim or unpack to. Used by tests/test_hostile_files.py and
bench/hostile.py.
"""

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="{PACKAGE}/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PACKAGE}/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="{RELATIONSHIPS}/officeDocument"/>
</Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">
<sheets><sheet name="milestones" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PACKAGE}/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{RELATIONSHIPS}/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml" Type="{RELATIONSHIPS}/sharedStrings"/>
</Relationships>"""
HEADER = ("slug", "title_en")
CHUNK = 1024 * 1024


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, cells: Iterable[tuple[str, str]]) -> str:
    return (
        f'<row r="{number}">' + "".join(text_cell(f"{c}{number}", t) for c, t in cells) + "</row>"
    )


def header_row() -> str:
    return row(1, zip("AB", HEADER, strict=True))


def workbook(
    sheet_data: Callable[[], Iterator[str]],
    dimension: str = "",
    shared_strings: Callable[[], Iterator[str]] | None = None,
) -> bytes:
    """An .xlsx file: one sheet whose ``<sheetData>`` is what ``sheet_data`` yields.

    Parts are written in pieces of about 1 MB, so a file that unpacks to gigabytes is
    built without holding them.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        declared = f'<dimension ref="{dimension}"/>' if dimension else ""
        sheet = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}']
        write_part(archive, "xl/worksheets/sheet1.xml", sheet, sheet_data(), ["</worksheet>"])
        strings = shared_strings() if shared_strings else iter(())
        opening = [f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">']
        write_part(archive, "xl/sharedStrings.xml", opening, strings, ["</sst>"])
    return buffer.getvalue()


def write_part(
    archive: zipfile.ZipFile, name: str, head: list[str], body: Iterator[str], tail: list[str]
) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        part.write("".join(head).encode())
        pending: list[str] = []
        size = 0
        for piece in body:
            pending.append(piece)
            size += len(piece)
            if size >= CHUNK:
                part.write("".join(pending).encode())
                pending, size = [], 0
        part.write("".join(pending + tail).encode())


def sheet_data(rows: Iterator[str]) -> Iterator[str]:
    yield "<sheetData>"
    yield from rows
    yield "</sheetData>"


# --- The hostile files --------------------------------------------------------------


def lying_dimension(declared_rows: int = 100_000) -> bytes:
    """A header alone, in a sheet that says it spans A1:XFD<declared_rows>."""
    return workbook(lambda: sheet_data(iter([header_row()])), f"A1:XFD{declared_rows}")


def value_in_column_xfd(rows: int = 1_000) -> bytes:
    """Every row has its values, and one more in column XFD, the last Excel has."""

    def data() -> Iterator[str]:
        yield header_row()
        for number in range(2, rows + 2):
            yield row(number, [("A", f"m-{number}"), ("B", "Title"), ("XFD", "x")])

    return workbook(lambda: sheet_data(data()))


def one_cell_rows(rows: int = 100_001) -> bytes:
    """The header and ``rows`` rows of one short cell each: more rows than an import takes."""

    def data() -> Iterator[str]:
        yield header_row()
        for number in range(2, rows + 2):
            yield f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>'

    return workbook(lambda: sheet_data(data()))


def wide_header(rows: int = 5_000) -> bytes:
    """A header in every column Excel has (A to XFD), then ``rows`` rows of one cell each:
    about 100 KB on disk, but each row would be kept as wide as the header."""
    from openpyxl.utils import get_column_letter

    def data() -> Iterator[str]:
        columns = (get_column_letter(n) for n in range(1, 16_385))
        yield row(1, ((column, f"c{n}") for n, column in enumerate(columns)))
        for number in range(2, rows + 2):
            yield f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>'

    return workbook(lambda: sheet_data(data()))


def wide_csv(rows: int = 5_000) -> bytes:
    """The same as a CSV file: a header of 16,384 names, then rows of one cell."""
    header = ",".join(f"c{n}" for n in range(16_384))
    return (header + "\r\n" + "1\r\n" * rows).encode()


def packed_shared_strings(megabytes: int = 50) -> bytes:
    """A shared-strings part of ``megabytes`` MB of one repeated text: it packs to almost nothing."""
    piece = "<si><t>" + "human rights city " * 50 + "</t></si>"
    count = megabytes * CHUNK // len(piece)
    return workbook(
        lambda: sheet_data(iter([header_row()])), shared_strings=lambda: iter([piece] * count)
    )


def packed_sheet(megabytes: int = 50) -> bytes:
    """A sheet of ``megabytes`` MB: the header, then one row whose cell repeats one text."""

    def data() -> Iterator[str]:
        yield header_row()
        yield '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        yield from ["human rights city " * 1000] * (megabytes * CHUNK // 18_000)
        yield "</t></is></c></row>"

    return workbook(lambda: sheet_data(data()))


HOSTILE = {
    # name: (what it is, the file at a small and a large declared size)
    "lying-dimension": (lying_dimension, 100_000, 1_048_576),
    "value-in-column-XFD": (value_in_column_xfd, 1_000, 100_000),
    "one-cell-rows": (one_cell_rows, 100_001, 1_000_000),
    "wide-header": (wide_header, 5_000, 100_000),
    "packed-shared-strings": (packed_shared_strings, 50, 500),
    "packed-sheet": (packed_sheet, 50, 500),
}
