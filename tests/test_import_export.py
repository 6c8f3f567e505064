"""CSV and Excel import/export as staff use it: round trips, refusals, encodings, formulas."""

import csv
import datetime
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from timeline.models import (
    Citation,
    Evaluation,
    EvaluationAreaResult,
    IndexArea,
    Indicator,
    IndicatorSet,
    Initiative,
    Institution,
    Milestone,
    Observation,
    Outlet,
)
from timeline.models.sources import UNKNOWN_OUTLET_SLUG
from timeline.transfer import cells, relations, resources, spreadsheets, tables, writers
from timeline.transfer.resources import MODEL_KEYS, export_file, import_file

from .factories import make_initiative, make_institution, make_milestone, make_year, with_em_dash

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "gwangju.json"
INDEX_FIXTURE = FIXTURE.with_name("index.json")  # the Human Rights Index: every key has rows
MODELS = {key: resource._meta.model for key, resource in resources.RESOURCES.items()}
# What a person must never see: Python's names for what went wrong.
PYTHON_WORDS = re.compile(r"Traceback|Error\b|Exception|DoesNotExist|ConversionSyntax|\w+\.\w+\(")

FORUM_2021 = "world-human-rights-cities-forum-2021"  # a milestone about an initiative, line 3


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def gwangju():
    call_command("loaddata", str(FIXTURE), str(INDEX_FIXTURE), verbosity=0)


# --- helpers ----------------------------------------------------------------------


def in_file(key):
    """How many records the file of ``key`` holds."""
    resource = resources.RESOURCES[key]
    return resource.exportable(MODELS[key].objects.all()).count()


INDEX_MODELS = (
    IndexArea,
    IndicatorSet,
    Indicator,
    Evaluation,
    EvaluationAreaResult,
    Observation,
    Citation,
)


def natural_key(record):
    """How a file names a record: its slug, a source's URL, a user's name."""
    for name in ("slug", "url", "username"):
        if hasattr(record, name):
            return getattr(record, name)
    raise AssertionError(record)


def database_content():
    """Every field of the index's records and of every citation, relations by their natural
    keys (ids change when records are made again), an empty text and NULL alike."""
    content = {}
    for model in INDEX_MODELS:
        rows = []
        for record in model._base_manager.all():
            row = {}
            for field in model._meta.concrete_fields:
                if field.primary_key:
                    continue
                value = getattr(record, field.attname)
                if field.is_relation and value is not None:
                    value = natural_key(getattr(record, field.name))
                row[field.name] = "" if value is None else value
            rows.append(row)
        content[model.__name__] = sorted(rows, key=repr)
    return content


def snapshot():
    """Everything an import could change, including when each record was last written."""
    state = {key: export_file(key) for key in MODEL_KEYS}
    for key in ("institutions", "policies", "initiatives", "milestones"):
        state[f"{key}-updated"] = sorted(MODELS[key].objects.values_list("pk", "updated"))
    return state


def table(key, file_type="csv"):
    """The export of ``key`` read back as (headers, rows of text)."""
    read = spreadsheets.read_table(export_file(key, file_type=file_type))
    return read.headers, [[tables.cell_text(cell) for cell in row] for row in read.rows]


def to_csv(headers, rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def edited(key, record, **cells):
    """The export of ``key`` with some cells of the record ``record`` changed, as CSV bytes."""
    headers, rows = table(key)
    row = next(row for row in rows if row[headers.index("slug")] == record)
    for column, value in cells.items():
        row[headers.index(column)] = value
    return to_csv(headers, rows)


def assert_refused(report, before, line, column, fragment):
    assert not report.ok
    assert snapshot() == before, "a refused import must write nothing"
    matching = [p for p in report.problems if p.line == line and p.column == column]
    assert matching, [str(p) for p in report.problems]
    assert fragment in matching[0].message
    for problem in report.problems:
        assert not PYTHON_WORDS.search(str(problem)), str(problem)


# --- round trips ------------------------------------------------------------------


@pytest.mark.parametrize("key", MODEL_KEYS)
@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(gwangju, key, file_type):
    before = snapshot()
    report = import_file(key, export_file(key, file_type=file_type), filename=f"x.{file_type}")

    assert report.ok, [str(p) for p in report.problems]
    assert report.counts == {
        "new": 0,
        "update": 0,
        "skip": in_file(key),
        "invalid": 0,
    }
    assert snapshot() == before


# Files that say what citations support: the records' ``sources`` columns made the
# citations already, these files add the rest.
CITATION_KEYS = ("citations", "indexcitations")
# The models of ``exportcsv`` and ``importcsv`` as DESIGN.md lists them: a check from
# outside may rebuild a database in this order.
DESIGN_ORDER = (
    "years",
    "themes",
    "initiatives",
    "policies",
    "institutions",
    "milestones",
    "outlets",
    "sources",
    "citations",
    "indexareas",
    "indicatorsets",
    "indicators",
    "evaluations",
    "observations",
)


def rebuilt_from_files(order, made_before=CITATION_KEYS):
    """Export every model, empty the database, import the files back in ``order``; returns
    the files and the database's content as they were before. The files of ``made_before``
    find their records made already, by the cells of files imported before them."""
    files = {key: export_file(key) for key in MODEL_KEYS}
    counts = {key: in_file(key) for key in MODEL_KEYS}
    content = database_content()
    Citation.objects.all().delete()
    for key in reversed(MODEL_KEYS):
        MODELS[key].objects.all().delete()

    for key in order:
        report = import_file(key, files[key])
        assert report.ok, (key, [str(p) for p in report.problems])
        made = report.counts["new"]
        if key in made_before:
            made += report.counts["update"]
        assert made == counts[key], key
    return files, content


def test_gwangju_record_rebuilt_from_csv_files_into_an_empty_database(gwangju):
    charter = Milestone.objects.get(slug=FORUM_2021)
    sources = list(charter.citations.values_list("source__title", "source__url"))

    files, content = rebuilt_from_files(MODEL_KEYS)

    assert {key: export_file(key) for key in MODEL_KEYS} == files
    rebuilt_content = database_content()
    for model, rows in content.items():
        assert rebuilt_content[model] == rows, model
    assert in_file("milestones") == 41
    # What the index's sources support came back with them.
    assert Citation.objects.filter(milestone=None).exclude(supports_en="").count() == 73
    rebuilt = Milestone.objects.get(slug=FORUM_2021)
    assert rebuilt.initiative.slug == "world-human-rights-cities-forum"
    assert list(rebuilt.citations.values_list("source__title", "source__url")) == sources


def file_lines(data):
    return sorted(data.decode("utf-8-sig").splitlines())


def test_the_record_is_rebuilt_in_the_order_design_md_lists_the_models(gwangju):
    assert set(DESIGN_ORDER) | {"indexcitations"} == set(MODEL_KEYS)

    # There milestones come before sources: their sources cells make the sources (under the
    # unknown outlet, for staff to assign), which the sources file then completes.
    made_before = (*CITATION_KEYS, "sources")
    files, content = rebuilt_from_files([*DESIGN_ORDER, "indexcitations"], made_before)

    assert database_content() == content
    rebuilt = {key: export_file(key) for key in MODEL_KEYS}
    for key in set(MODEL_KEYS) - {"outlets", "sources"}:
        assert rebuilt[key] == files[key], key
    # Sources of one title may swap places: they were made in another order.
    assert file_lines(rebuilt["sources"]) == file_lines(files["sources"])
    # The unknown outlet stays, with no source left in it.
    unknown = Outlet.objects.get(slug=UNKNOWN_OUTLET_SLUG)
    assert not unknown.sources.exists()
    assert set(file_lines(rebuilt["outlets"])) - set(file_lines(files["outlets"])) == {
        f"{unknown.slug},{unknown.name_ko},{unknown.name_en},"
    }


def test_changing_one_korean_title_updates_only_that_record(gwangju):
    data = edited("milestones", FORUM_2021, title_ko="제11회 세계인권도시포럼 (수정)")

    report = import_file("milestones", data)

    assert report.counts == {"new": 0, "update": 1, "skip": 40, "invalid": 0}
    (row,) = [row for row in report.rows if row.action == "update"]
    assert (row.line, row.changed) == (3, ("title_ko",))
    assert Milestone.objects.get(slug=FORUM_2021).title_ko == "제11회 세계인권도시포럼 (수정)"


def test_a_column_left_out_leaves_that_field_alone(gwangju):
    before = Milestone.objects.get(slug=FORUM_2021)
    data = to_csv(["slug", "year", "title_en"], [[FORUM_2021, "2021", "Forum, renamed"]])

    assert import_file("milestones", data).counts["update"] == 1

    after = Milestone.objects.get(slug=FORUM_2021)
    assert after.title_en == "Forum, renamed"
    assert (after.title_ko, after.initiative_id, after.order) == (
        before.title_ko,
        before.initiative_id,
        before.order,
    )
    assert after.citations.count() == before.citations.count()


def test_themes_and_sources_are_replaced_as_written(gwangju):
    headers, rows = table("initiatives")
    slug = rows[0][headers.index("slug")]
    data = edited("initiatives", slug, themes="trauma-healing|education-training")
    import_file("initiatives", data)
    assert set(Initiative.objects.get(slug=slug).themes.values_list("slug", flat=True)) == {
        "trauma-healing",
        "education-training",
    }

    sources = "Report \\| 2014 <https://example.org/a>|Book <1998> <>|Plain label"
    import_file("milestones", edited("milestones", FORUM_2021, sources=sources))
    assert list(
        Milestone.objects.get(slug=FORUM_2021).citations.values_list("source__title", "source__url")
    ) == [
        ("Report | 2014", "https://example.org/a"),
        ("Book <1998>", ""),
        ("Plain label", ""),
    ]
    _, rows = table("milestones")
    assert sources in [row[14] for row in rows]


# --- new records ------------------------------------------------------------------


def test_rows_without_slug_get_unique_ones_from_the_english_title():
    make_year(2014)
    forum = make_initiative(slug="forum")
    make_milestone(2014, subject=forum, slug="white-paper")
    headers = ["year", "slug", "title_ko", "title_en", "initiative"]
    rows = [
        ["2014", "", "백서", "White Paper", "forum"],
        ["2014", "", "백서 2", "White Paper", "forum"],
        ["2014", "", "한국어만", "", "forum"],
        ["2014", "", "한국어만 2", "", "forum"],
    ]

    report = import_file("milestones", to_csv(headers, rows))

    assert report.ok, [str(p) for p in report.problems]
    assert [row.key for row in report.rows] == [
        "white-paper-2",
        "white-paper-3",
        "milestone-2014",
        "milestone-2014-2",
    ]
    assert Milestone.objects.filter(slug__startswith="milestone-2014").count() == 2


def test_new_milestone_without_order_goes_after_the_others_of_its_year():
    forum = make_initiative(slug="forum")
    make_milestone(2014, subject=forum, slug="first", order=7)
    data = to_csv(["year", "slug", "title_en", "initiative"], [["2014", "next", "Next", "forum"]])

    import_file("milestones", data)

    assert Milestone.objects.get(slug="next").order == 8


def test_an_institution_may_name_a_parent_created_in_the_same_file():
    headers = ["slug", "name_en", "institution_type", "parent"]
    rows = [
        ["office", "Office", "city_office", "city"],
        ["city", "City", "city_office", ""],
    ]

    assert import_file("institutions", to_csv(headers, rows)).ok

    assert Institution.objects.get(slug="office").parent.slug == "city"


# --- refusals: every problem reported, nothing written ------------------------------

BAD_MILESTONE_CELLS = [
    ({"year": "2031"}, "year", "There is no year 2031"),
    ({"initiative": "no-such-forum"}, "initiative", "No initiative has the slug “no-such-forum”"),
    (
        {"initiative": "gwangju-human-rights-charter"},
        "initiative",
        "move it to the policy column",
    ),
    ({"initiative": ""}, "initiative, policy, institution", "exactly one subject"),
    (
        {"policy": "gwangju-human-rights-charter"},
        "initiative, policy, institution",
        "exactly one subject",
    ),
    ({"date": "2021-13-45", "date_precision": "day"}, "date", "This is not a date"),
    ({"date": "2021-05-01"}, "date_precision", "A date needs its precision"),
    ({"date": "", "date_precision": "day"}, "date", "a precision its date"),
    ({"date_precision": "week"}, "date_precision", "not one of the allowed values"),
    ({"is_published": "maybe"}, "is_published", "Write true or false"),
    ({"title_en": "x" * 301}, "title_en", "at most 300 characters, and this has 301"),
    ({"title_ko": "", "title_en": ""}, "title_ko, title_en", "Enter the title"),
    ({"order": "first"}, "order", "whole number"),
    ({"slug": "has space"}, "slug", "no spaces"),
    ({"sources": "Label <not-a-url>"}, "sources", "is not a web address"),
]


@pytest.mark.parametrize(("cells", "column", "fragment"), BAD_MILESTONE_CELLS)
def test_a_bad_milestone_cell_is_reported_at_its_line_and_nothing_is_written(
    gwangju, cells, column, fragment
):
    before = snapshot()

    report = import_file("milestones", edited("milestones", FORUM_2021, **cells))

    assert_refused(report, before, 3, column, fragment)
    assert report.counts["invalid"] == 1


@pytest.mark.parametrize(
    ("key", "cells", "column", "fragment"),
    [
        ("initiatives", {"themes": "trauma-healing|no-such-theme"}, "themes", "“no-such-theme”"),
        ("initiatives", {"initiative_type": "concert"}, "initiative_type", "allowed values"),
        ("initiatives", {"website": "not a url"}, "website", "not a web address"),
        (
            "policies",
            {"period_start": "2020", "period_end": "2010"},
            "period_start, period_end",
            "cannot end before",
        ),
        ("years", {"year": "1850"}, "year", "from 1900 to 2100"),
    ],
)
def test_bad_cells_in_other_files_are_reported(gwangju, key, cells, column, fragment):
    headers, rows = table(key)
    for column_name, value in cells.items():
        rows[0][headers.index(column_name)] = value
    before = snapshot()

    report = import_file(key, to_csv(headers, rows))

    assert_refused(report, before, 2, column, fragment)


def test_every_bad_row_is_reported_with_the_line_excel_shows(gwangju):
    headers, rows = table("milestones")
    year, title_en = headers.index("year"), headers.index("title_en")
    rows[0][title_en] = "Two\nlines in one cell"  # still one line in Excel
    rows[1][year] = "2031"
    rows.insert(2, [""] * len(headers))  # a blank line Excel still counts
    rows[5][year] = "3000"
    before = snapshot()

    report = import_file("milestones", to_csv(headers, rows))

    assert not report.ok
    assert snapshot() == before
    assert [(p.line, p.column, p.value) for p in report.problems] == [
        (3, "year", "2031"),
        (7, "year", "3000"),
    ]
    assert str(report.problems[0]).startswith("Line 3, column year, value “2031”: ")
    assert report.counts["invalid"] == 2


def test_a_slug_twice_in_one_file_is_refused(gwangju):
    headers, rows = table("milestones")
    rows.append(list(rows[1]))
    before = snapshot()

    report = import_file("milestones", to_csv(headers, rows))

    assert_refused(report, before, 43, "slug", "also on line 3")


def test_institution_parent_loops_are_refused(gwangju):
    make_institution(slug="a-office", institution_type="city_office")
    headers = ["slug", "name_en", "institution_type", "parent"]
    rows = [
        ["a-office", "A", "city_office", "b-office"],
        ["b-office", "B", "city_office", "a-office"],
    ]
    before = snapshot()

    report = import_file("institutions", to_csv(headers, rows))

    assert_refused(report, before, 2, "parent", "loop")


def test_missing_key_column_is_reported_once_for_the_header(gwangju):
    headers, rows = table("milestones")
    index = headers.index("slug")
    headers.pop(index)
    for row in rows:
        row.pop(index)
    before = snapshot()

    report = import_file("milestones", to_csv(headers, rows))

    assert_refused(report, before, 1, "slug", "The column “slug” is missing")
    assert len(report.problems) == 1


def test_columns_new_records_need_are_reported_once_for_the_header(gwangju):
    rows = [["", f"New {n}", "world-human-rights-cities-forum"] for n in range(8)]
    before = snapshot()

    report = import_file("milestones", to_csv(["slug", "title_en", "initiative"], rows))

    assert_refused(report, before, 1, "year", "new records need it (lines 2, 3, 4, 5, 6 …)")
    assert len(report.problems) == 1


def test_an_unknown_column_is_refused_rather_than_ignored(gwangju):
    headers, rows = table("milestones")
    headers[headers.index("title_ko")] = "title_kr"
    before = snapshot()

    assert_refused(
        import_file("milestones", to_csv(headers, rows)), before, 1, "title_kr", "Unknown column"
    )


def test_a_file_of_another_model_is_recognised(gwangju):
    before = snapshot()

    report = import_file("years", export_file("milestones"))

    assert_refused(report, before, 1, "", "This looks like a file of milestones.")
    assert len(report.problems) == 1


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "empty.csv", "The file is empty"),
        (b"\xef\xbb\xbf", "bom-only.csv", "The file is empty"),
        (b"year,slug,title_en,initiative\r\n", "header.csv", "no rows"),
        (b"%PDF-1.4\n\x00\x01binary", "report.pdf", "A .pdf file cannot be imported"),
        (b"\x00\x01\x02\x03 not text", "data.csv", "not a CSV or Excel file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "Excel 97-2003"),
        (b"\xff\xd8\xff\xe0 jpeg", "photo.jpg", "A .jpg file cannot be imported"),
        ("제목".encode("utf-16-le"), "odd.csv", "neither UTF-8 nor Korean"),
    ],
)
def test_unreadable_files_are_refused_with_a_plain_reason(gwangju, data, filename, fragment):
    before = snapshot()

    report = import_file("milestones", data, filename=filename)

    assert_refused(report, before, None, "", fragment)


@pytest.mark.slow
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
def test_any_bytes_give_a_report_and_never_an_exception(data):
    report = import_file("milestones", data, filename="upload.csv")

    assert not report.ok
    assert not Milestone.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(gwangju):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    before = snapshot()

    report = import_file("milestones", buffer.getvalue(), filename="letter.xlsx")

    assert_refused(report, before, None, "", "not an Excel workbook")


def test_a_file_over_the_size_limit_is_refused_before_reading(gwangju, settings):
    settings.TIMELINE_IMPORT_MAX_BYTES = 1024 * 1024
    before = snapshot()

    report = import_file("milestones", b"x" * (1024 * 1024 + 1))

    assert_refused(report, before, None, "", "the limit is 1 MB")


def test_the_default_size_limit_is_20_megabytes():
    assert spreadsheets.max_upload_bytes() == 20 * 1024 * 1024


def test_database_refusals_are_reported_per_row_without_database_text(gwangju, monkeypatch):
    # Our own checks catch this first; switch them off to reach the database's constraint.
    monkeypatch.setattr(resources.MilestoneResource, "check_row", lambda *args: None)
    before = snapshot()

    report = import_file(
        "milestones", edited("milestones", FORUM_2021, policy="gwangju-human-rights-charter")
    )

    assert_refused(report, before, 3, "", "exactly one subject")


# --- encodings and formats --------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp949", "euc-kr", "utf-16"])
def test_korean_text_is_read_in_every_encoding_excel_writes(gwangju, encoding):
    # CP949 has no en or em dash; a file Korean Excel saved could not contain one.
    data = to_csv(
        ["slug", "year", "title_ko"],
        [[FORUM_2021, "2021", "제11회 세계인권도시포럼, 광주"]],
        encoding=encoding,
    )

    report = import_file("milestones", data)

    assert report.counts == {"new": 0, "update": 1, "skip": 0, "invalid": 0}
    assert Milestone.objects.get(slug=FORUM_2021).title_ko == "제11회 세계인권도시포럼, 광주"


@pytest.mark.parametrize(
    "lose_dashes",
    [
        lambda text: text.encode("cp949", errors="replace"),  # Excel writes "?"
        lambda text: text.replace("—", "--").replace("–", "-").encode("cp949"),  # iconv //TRANSLIT
    ],
    ids=["question-marks", "transliterated"],
)
def test_a_whole_file_saved_in_cp949_changes_only_what_was_edited(gwangju, lose_dashes):
    source = with_em_dash(FORUM_2021)
    text = export_file("milestones").decode("utf-8-sig")
    old_title = Milestone.objects.get(slug=FORUM_2021).title_ko
    assert "—" in text  # CP949 has no em dash
    data = lose_dashes(text.replace(old_title, "제11회 세계인권도시포럼 (수정)"))

    report = import_file("milestones", data)

    assert report.counts == {"new": 0, "update": 1, "skip": 40, "invalid": 0}
    forum = Milestone.objects.get(slug=FORUM_2021)
    assert forum.title_ko == "제11회 세계인권도시포럼 (수정)"
    assert forum.citations.first().source.title == source.title


def test_csv_export_is_utf8_with_bom_and_headers_named_after_fields(gwangju):
    data = export_file("milestones")

    assert data.startswith(b"\xef\xbb\xbf")
    first_line = data.decode("utf-8-sig").split("\r\n", 1)[0]
    assert first_line == (
        "year,order,slug,date,date_precision,title_ko,title_en,summary_ko,summary_en,"
        "note_ko,note_en,initiative,policy,institution,sources,is_published"
    )


def test_xlsx_keeps_numbers_dates_and_booleans_as_cells_and_korean_round_trips(gwangju):
    book = openpyxl.load_workbook(io.BytesIO(export_file("milestones", file_type="xlsx")))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    first = {header: cell.value for header, cell in zip(headers, sheet[2], strict=True)}
    assert isinstance(first["year"], int) and isinstance(first["order"], int)
    assert first["is_published"] is True
    assert isinstance(first["date"], datetime.datetime)  # Excel stores dates as date-times

    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("slug")].value == FORUM_2021:
            row[headers.index("title_ko")].value = "세계인권도시포럼 (엑셀)"
    buffer = io.BytesIO()
    book.save(buffer)

    report = import_file("milestones", buffer.getvalue(), filename="milestones.xlsx")

    assert report.counts == {"new": 0, "update": 1, "skip": 40, "invalid": 0}
    assert Milestone.objects.get(slug=FORUM_2021).title_ko == "세계인권도시포럼 (엑셀)"


# --- formulas ---------------------------------------------------------------------

DANGEROUS = {
    "title_en": '=HYPERLINK("https://evil.example","click")',
    "summary_en": "+1+2",
    "summary_ko": "-2+3",
    "note_en": "@SUM(A1)",
    "note_ko": "\tindented",
}


@pytest.fixture
def dangerous_milestone():
    make_milestone(2014, slug="formulas", **DANGEROUS)
    return DANGEROUS


def test_formula_cells_are_neutralised_in_csv_and_survive_the_round_trip(dangerous_milestone):
    reader = csv.reader(io.StringIO(export_file("milestones").decode("utf-8-sig"), newline=""))
    headers, *rows = list(reader)
    row = next(row for row in rows if row[headers.index("slug")] == "formulas")
    for column, value in dangerous_milestone.items():
        assert row[headers.index(column)] == "'" + value

    before = snapshot()
    report = import_file("milestones", export_file("milestones"))
    assert report.counts["update"] == 0
    assert snapshot() == before


def test_formula_cells_are_text_not_formulas_in_xlsx(dangerous_milestone):
    data = export_file("milestones", file_type="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in sheet[1]]
    row = next(
        r for r in sheet.iter_rows(min_row=2) if r[headers.index("slug")].value == "formulas"
    )
    for column, value in dangerous_milestone.items():
        cell = row[headers.index(column)]
        assert (cell.data_type, cell.value) == ("s", "'" + value)

    report = import_file("milestones", data, filename="m.xlsx")
    assert report.counts == {"new": 0, "update": 0, "skip": 1, "invalid": 0}


def test_an_apostrophe_a_person_types_before_a_formula_marks_it_as_text():
    forum = make_initiative(slug="forum")
    make_milestone(2014, subject=forum, slug="m")
    data = to_csv(["slug", "year", "title_en", "title_ko"], [["m", "2014", "'=1+2", "'그대로"]])

    import_file("milestones", data)

    milestone = Milestone.objects.get(slug="m")
    assert (milestone.title_en, milestone.title_ko) == ("=1+2", "'그대로")


@pytest.mark.slow
@given(st.text())
def test_neutralising_is_undone_exactly_on_import(value):
    exported = spreadsheets.neutralise(value)
    assert spreadsheets.restore(exported) == value
    assert not exported or exported[0] not in "=+-@\t\r\n"


@pytest.mark.slow
@given(
    st.lists(
        st.tuples(
            st.text(min_size=1).map(str.strip).filter(bool),
            st.sampled_from(["", "https://example.org/a?b=c|d", "http://광주.kr/"]),
        ),
        max_size=4,
    )
)
def test_sources_cells_round_trip(pairs):
    column = relations.SourcesColumn("sources")
    cell = cells.format_sources(pairs)
    assert column.parse(cell, None) == tuple(pairs)


# --- commands ---------------------------------------------------------------------


@pytest.mark.parametrize("command", ["exportcsv", "importcsv"])
def test_commands_name_the_valid_models_when_given_an_unknown_one(command, tmp_path):
    args = ["stories"] if command == "exportcsv" else ["stories", str(tmp_path / "x.csv")]
    with pytest.raises(CommandError) as error:
        call_command(command, *args)
    models = (
        "themes, years, institutions, policies, initiatives, outlets, sources, milestones, "
        "citations, indexareas, indicatorsets, indicators, evaluations, observations, "
        "indexcitations"
    )
    assert models in str(error.value)


def test_exportcsv_writes_every_record_including_unpublished(gwangju, tmp_path):
    Milestone.objects.filter(slug=FORUM_2021).update(is_published=False)
    target = tmp_path / "milestones.csv"

    call_command("exportcsv", "milestones", "-o", str(target), stderr=io.StringIO())

    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").count("\r\n") == 42
    assert FORUM_2021 in data.decode("utf-8-sig")


def test_exportcsv_to_stdout_and_as_xlsx(gwangju, tmp_path):
    out = io.StringIO()
    call_command("exportcsv", "years", stdout=out)
    assert out.getvalue().startswith("year,headline_ko,")

    target = tmp_path / "years.xlsx"
    call_command("exportcsv", "years", "-o", str(target), stderr=io.StringIO())
    assert openpyxl.load_workbook(target).active.max_row == 12


def test_importcsv_dry_run_writes_nothing_then_the_real_run_does(gwangju, tmp_path):
    path = tmp_path / "milestones.csv"
    path.write_bytes(edited("milestones", FORUM_2021, title_en="Renamed forum"))
    before = snapshot()
    out = io.StringIO()

    call_command("importcsv", "milestones", str(path), "--dry-run", stdout=out)

    assert snapshot() == before
    assert "0 new, 1 updated, 40 unchanged, 0 invalid. Dry run" in out.getvalue()

    call_command("importcsv", "milestones", str(path), stdout=io.StringIO())
    assert Milestone.objects.get(slug=FORUM_2021).title_en == "Renamed forum"


def test_importcsv_fails_listing_every_problem_and_writes_nothing(gwangju, tmp_path):
    headers, rows = table("milestones")
    rows[0][headers.index("year")] = "2031"
    rows[3][headers.index("initiative")] = "nope"
    path = tmp_path / "milestones.csv"
    path.write_bytes(to_csv(headers, rows))
    before = snapshot()
    err = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("importcsv", "milestones", str(path), stdout=io.StringIO(), stderr=err)

    assert error.value.returncode == 1
    assert "2 lines have problems" in str(error.value)
    assert "Line 2, column year, value “2031”: There is no year 2031" in err.getvalue()
    assert "Line 5, column initiative, value “nope”" in err.getvalue()
    assert snapshot() == before


def many_milestones(count):
    """A CSV of ``count`` new milestones, long enough for the commands' progress bar."""
    make_initiative(slug="forum")
    make_year(2014)
    rows = [["2014", f"m-{n}", f"Milestone {n}", "forum"] for n in range(count)]
    return to_csv(["year", "slug", "title_en", "initiative"], rows)


def test_importcsv_shows_a_progress_bar_for_long_files(tmp_path):
    path = tmp_path / "many.csv"
    path.write_bytes(many_milestones(1200))
    err = io.StringIO()

    call_command("importcsv", "milestones", str(path), stdout=io.StringIO(), stderr=err)

    assert "100%  1200/1200" in err.getvalue()
    assert Milestone.objects.count() == 1200


def test_exportcsv_shows_its_progress_batch_by_batch_on_stderr_only(settings, tmp_path):
    assert import_file("milestones", many_milestones(1200)).ok
    settings.TIMELINE_TRANSFER_BATCH_ROWS = 500
    out, err = io.StringIO(), io.StringIO()

    call_command("exportcsv", "milestones", stdout=out, stderr=err)

    progress = err.getvalue()
    assert " 41%  500/1200" in progress and " 83%  1000/1200" in progress
    assert progress.endswith("100%  1200/1200\n")
    # The file on stdout is the file, with no bar in it.
    assert out.getvalue() == export_file("milestones").decode("utf-8-sig")

    target = tmp_path / "milestones.csv"
    err = io.StringIO()
    call_command("exportcsv", "milestones", "-o", str(target), stderr=err)
    # The summary starts a line of its own after the bar.
    assert err.getvalue().endswith(f"1200/1200\nmilestones: 1200 records written to {target}\n")


# --- speed: no query per row ------------------------------------------------------


def queries_to_import(rows):
    with CaptureQueriesContext(connection) as queries:
        report = import_file("milestones", to_csv(["year", "slug", "title_en", "initiative"], rows))
    assert report.ok
    return len(queries)


def test_import_queries_do_not_grow_with_the_rows():
    make_initiative(slug="forum")
    make_year(2014)
    few = queries_to_import([["2014", f"a-{n}", "A", "forum"] for n in range(10)])
    many = queries_to_import([["2014", f"b-{n}", "B", "forum"] for n in range(1000)])
    # Inserts are batched (SQLite takes ~50 milestones, or ~140 history versions, per
    # INSERT; the history reads records back 500 at a time); everything else is constant.
    assert many - few <= 1000 // 40 + 1000 // 100


# --- what the admin shows: preview, problems, export formats --------------------


def test_a_cp949_file_previews_its_changed_row_as_an_escaped_diff(gwangju):
    headers, rows = table("milestones")
    columns = [headers.index(name) for name in ("slug", "year", "title_ko", "title_en")]
    rows = [[row[index] for index in columns] for row in rows]
    rows[1][2] = "<script>alert(1)</script> 광주"
    # Only what a Korean Excel CSV can hold (CP949 has no en or em dash).
    rows = [
        row
        for row in rows
        if "".join(row).encode("cp949", errors="ignore").decode("cp949") == "".join(row)
    ]
    data = to_csv(["slug", "year", "title_ko", "title_en"], rows, encoding="cp949")

    report = import_file("milestones", data, filename="milestones.csv", dry_run=True)

    assert report.ok, [str(p) for p in report.problems]
    assert report.counts["update"] == 1 and report.counts["skip"] == len(rows) - 1
    ((_line, action, cells),) = report.preview(10)
    assert action == "update"
    title = cells[[column.name for column in report.columns].index("title_ko")]
    assert "<script>" not in title and "&lt;script&gt;" in title
    assert Milestone.objects.get(slug=FORUM_2021).title_ko != "<script>alert(1)</script> 광주"


def test_problems_carry_line_column_value_and_reason_without_python_words(gwangju):
    headers, rows = table("milestones")
    rows[1][headers.index("year")] = "2031"
    # An empty first column: what the person sees must still line up with the headers.
    headers, rows = ["", *headers], [["", *row] for row in rows]
    before = snapshot()

    report = import_file("milestones", to_csv(headers, rows))

    assert_refused(report, before, 3, "year", "There is no year 2031")
    (problem,) = report.problems
    assert problem.value == "2031"
    assert [column.name for column in report.columns] == headers[1:]

    headers.remove("title_ko")
    headers[headers.index("title_en")] = "title"
    header_report = import_file("milestones", to_csv(headers, []), dry_run=True)
    assert not header_report.ok
    assert all(problem.line == 1 for problem in header_report.problems)
    for problem in header_report.problems:
        assert not PYTHON_WORDS.search(str(problem)), str(problem)


def test_admin_export_formats_write_bom_csv_and_neutralised_xlsx(dangerous_milestone):
    dataset = resources.MilestoneResource().export()

    csv_bytes = writers.CSVFormat().export_data(dataset)
    xlsx_bytes = writers.XLSXFormat().export_data(dataset)

    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in csv_bytes.decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
    title = [cell.value for cell in sheet[1]].index("title_en")
    assert sheet[2][title].value.startswith("'=HYPERLINK")


def test_reading_errors_become_a_plain_sentence_for_the_admin_form():
    with pytest.raises(tables.SpreadsheetError) as error:
        spreadsheets.read_table(b"")
    assert spreadsheets.read_error_message(error.value) == "The file is empty."
    assert "Error" not in spreadsheets.read_error_message(KeyError("x"))


# --- public export ----------------------------------------------------------------


def test_export_of_a_public_queryset_has_the_csv_columns_and_only_those_records(gwangju):
    Milestone.objects.filter(slug=FORUM_2021).update(is_published=False)

    records = json.loads(export_file("milestones", Milestone.objects.published(), "json"))

    headers, _rows = table("milestones")
    assert len(records) == 40
    assert all(list(record) == headers for record in records)
    assert FORUM_2021 not in {record["slug"] for record in records}
    assert isinstance(records[0]["year"], int) and records[0]["is_published"] is True
