"""Files built to tie up a worker are refused before any row is built (issue 13.3 and 13.6).

Each is tiny on disk (tests/hostile_files.py builds them). The admin and ``importcsv``
both read through spreadsheets.read_table, so each is refused the same way on both.
How long a refusal takes and how much memory it needs is bench/hostile.py's to measure.
"""

import csv
import io
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from timeline.models import Milestone
from timeline.transfer import pipeline, resources, spreadsheets, tables

from . import hostile_files
from .admin_helpers import admin_url, client_for, staff_member
from .factories import make_milestone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


REFUSALS = {
    "value-in-column-XFD": (
        lambda: hostile_files.value_in_column_xfd(1_000),
        "Line 2 has a value in column XFD, beyond the last column with a header (B).",
    ),
    "one-cell-rows": (
        lambda: hostile_files.one_cell_rows(100_001),
        "The file has more than 100000 rows.",
    ),
    "wide-header": (
        lambda: hostile_files.wide_header(5_000),
        "Line 1 has more than 200 columns",
    ),
    "packed-shared-strings": (
        lambda: hostile_files.packed_shared_strings(50),
        "The workbook unpacks to 50 MB from 0.2 MB, more than 100 times smaller",
    ),
    "packed-sheet": (
        lambda: hostile_files.packed_sheet(50),
        "The workbook unpacks to 50 MB from 0.1 MB, more than 100 times smaller",
    ),
}


@pytest.fixture
def no_rows_built(monkeypatch):
    """Fail the test if the import gets as far as building rows from the file."""

    def parse_rows(importer):
        raise AssertionError("rows were built from a file that should have been refused")

    monkeypatch.setattr(pipeline.Importer, "parse_rows", parse_rows)


@pytest.fixture
def existing():
    """A record already there, so "nothing was written" means nothing changed or was added."""
    return make_milestone(slug="m-2", title_en="As it was")


def assert_nothing_written(existing):
    assert list(Milestone.objects.values_list("slug", "title_en")) == [("m-2", "As it was")]


@pytest.mark.parametrize("name", REFUSALS)
def test_each_hostile_workbook_is_refused_before_rows_are_built(name, existing, no_rows_built):
    make, message = REFUSALS[name]
    report = resources.import_file("milestones", make(), filename="hostile.xlsx")
    (problem,) = report.problems
    assert str(problem.message).startswith(message)
    assert not report.committed
    assert_nothing_written(existing)


def test_a_sheet_that_says_it_is_a1_to_xfd100000_is_read_as_what_it_holds(existing):
    data = hostile_files.lying_dimension(100_000)
    assert len(data) < 2048
    table = spreadsheets.read_table(data, "dimension.xlsx")
    assert (table.headers, table.rows) == (["slug", "title_en"], [])
    report = resources.import_file("milestones", data, filename="dimension.xlsx")
    assert [problem.message for problem in report.problems] == [
        "The file has a header but no rows to import."
    ]
    assert_nothing_written(existing)


def test_the_unpacked_size_limit_is_a_setting_and_the_refusal_names_it(settings, no_rows_built):
    settings.TIMELINE_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    data = hostile_files.one_cell_rows(40_000)  # 1.8 MB of honest XML: it packs 10 times
    with pytest.raises(tables.SpreadsheetError) as refusal:
        spreadsheets.read_table(data, "big.xlsx")
    assert str(refusal.value).startswith("The workbook unpacks to 1.8 MB; the limit is 1 MB.")


def test_a_value_beyond_the_header_is_refused_at_its_line_and_blank_cells_there_are_not():
    rows = [
        hostile_files.header_row(),
        hostile_files.row(2, [("A", "m-2"), ("B", "Title"), ("D", " ")]),  # blank: ignored
        hostile_files.row(4, [("A", "m-4"), ("C", "stray")]),
    ]
    data = hostile_files.workbook(lambda: hostile_files.sheet_data(iter(rows)))
    with pytest.raises(tables.SpreadsheetError) as refusal:
        spreadsheets.read_table(data, "stray.xlsx")
    assert str(refusal.value).startswith("Line 4 has a value in column C, beyond the last")


def test_the_sheets_own_rows_keep_their_lines_and_values():
    rows = [
        hostile_files.header_row(),
        hostile_files.row(2, [("A", "m-2"), ("B", "Two")]),
        hostile_files.row(5, [("B", "Five")]),  # lines 3 and 4 are not in the XML
        '<row r="6" s="1" customFormat="1"><c r="A6" s="1"/></row>',  # formatted, empty
    ]
    data = hostile_files.workbook(lambda: hostile_files.sheet_data(iter(rows)), "A1:XFD9")
    table = spreadsheets.read_table(data, "lines.xlsx")
    assert table.headers == ["slug", "title_en"]
    assert table.rows == [["m-2", "Two"], [None, None], [None, None], [None, "Five"]]


def test_the_admin_refuses_a_hostile_workbook_with_the_same_message(existing, no_rows_built):
    client = client_for(staff_member(is_superuser=True))
    upload = SimpleUploadedFile("hostile.xlsx", hostile_files.value_in_column_xfd(1_000))
    response = client.post(
        admin_url(Milestone, "import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    (error,) = response.context["form"].errors["import_file"]
    assert error.startswith(REFUSALS["value-in-column-XFD"][1])
    assert_nothing_written(existing)


def test_importcsv_refuses_a_hostile_workbook_with_the_same_message(
    existing, no_rows_built, tmp_path, capsys
):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(hostile_files.one_cell_rows(100_001))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("importcsv", "milestones", str(path))
    assert REFUSALS["one-cell-rows"][1] in capsys.readouterr().err
    assert_nothing_written(existing)


def test_importcsv_refuses_a_file_over_the_admins_byte_limit_unread(settings, tmp_path):
    settings.TIMELINE_IMPORT_MAX_BYTES = 1024 * 1024
    path = tmp_path / "big.csv"
    path.write_bytes(b"slug\n" + b"x" * (3 * 1024 * 1024 // 2))
    with pytest.raises(CommandError, match=r"The file is 1.5 MB; the limit is 1 MB\."):
        call_command("importcsv", "milestones", str(path))


def test_importcsv_refuses_standard_input_over_the_byte_limit(settings, monkeypatch):
    settings.TIMELINE_IMPORT_MAX_BYTES = 1024 * 1024
    data = b"slug\n" + b"x" * (2 * 1024 * 1024)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    with pytest.raises(CommandError, match=r"The file is 2 MB; the limit is 1 MB\."):
        call_command("importcsv", "milestones", "-")


# --- CSV: a cell longer than the csv module takes ----------------------------------------


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_a_csv_cell_over_the_field_limit_is_named_by_line_and_column(existing):
    too_long = "긴" * (csv.field_size_limit() + 1)
    data = csv_bytes(
        [["slug", "title_en", "summary_en"], ["m-2", 'Quoted, "with" commas', too_long]]
    )
    report = resources.import_file("milestones", data, filename="long.csv")
    assert [problem.message for problem in report.problems] == [
        "Line 2, column C (“summary_en”): the cell is longer than 131,072 characters, the "
        "most a cell of a CSV file may hold. Shorten it."
    ]
    assert_nothing_written(existing)


def test_a_long_cell_in_the_header_line_is_named_without_a_column_name():
    data = csv_bytes([["slug", "x" * (csv.field_size_limit() + 1)], ["m-2", "Title"]])
    with pytest.raises(tables.SpreadsheetError) as refusal:
        spreadsheets.read_table(data, "long.csv")
    assert str(refusal.value).startswith("Line 1, column B: the cell is longer than 131,072")


def test_a_csv_with_a_header_of_16384_columns_is_refused_before_rows_are_built(
    existing, no_rows_built
):
    report = resources.import_file("milestones", hostile_files.wide_csv(), filename="wide.csv")
    (problem,) = report.problems
    assert str(problem.message).startswith("Line 1 has more than 200 columns")
    assert_nothing_written(existing)


def test_a_csv_row_wider_than_any_file_is_refused_at_its_line(existing):
    data = "slug,title_en\r\nm-3,Title\r\n" + "," * 300 + "\r\n"
    report = resources.import_file("milestones", data.encode(), filename="wide.csv")
    (problem,) = report.problems
    assert str(problem.message).startswith("Line 3 has more than 200 columns")
    assert_nothing_written(existing)
