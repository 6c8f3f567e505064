"""Outlets, sources and citations through the CSV/XLSX contract, as staff use it: export
then import changes nothing, every refusal names its line, column, value and reason and
writes nothing, an editor cannot change what the public sees, and imports keep history."""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from reversion.models import Version

from timeline.models import Citation, Outlet, Source
from timeline.transfer import spreadsheets, tables
from timeline.transfer.resources import export_file, import_file

from .admin_helpers import admin_url, client_for, staff_member
from .factories import cite, make_milestone, make_outlet, make_source

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "gwangju.json"
RECORD_FILES = ROOT / "fixtures" / "record"
KEYS = ("outlets", "sources", "citations")
BOM = b"\xef\xbb\xbf"
PYTHON_WORDS = re.compile(r"Traceback|Error\b|Exception|DoesNotExist|\w+\.\w+\(")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def gwangju() -> None:
    call_command("loaddata", str(FIXTURE), verbosity=0)


def snapshot() -> dict[str, bytes]:
    return {key: export_file(key) for key in KEYS}


def csv_bytes(headers: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def exported_rows(key: str) -> tuple[list[str], list[list[str]]]:
    table = spreadsheets.read_table(export_file(key))
    return table.headers, [[tables.cell_text(cell) for cell in row] for row in table.rows]


def only_problem(report, line: int, column: str) -> str:
    """The message of the one problem on ``line``/``column``, checked for plain words."""
    assert not report.ok
    for problem in report.problems:
        assert not PYTHON_WORDS.search(str(problem)), str(problem)
    matching = [p for p in report.problems if p.line == line and p.column == column]
    assert len(matching) == 1, [str(p) for p in report.problems]
    return matching[0].message


# --- round trips --------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(gwangju, key, file_type):
    before = snapshot()
    report = import_file(key, export_file(key, file_type=file_type), filename=f"{key}.{file_type}")

    assert report.ok, [str(p) for p in report.problems]
    assert report.counts["new"] == report.counts["update"] == 0
    assert report.counts["skip"] > 0
    assert snapshot() == before


def test_exports_have_the_documented_columns_a_bom_and_no_live_formulas():
    outlet = make_outlet(slug="city", name_ko="광주광역시", name_en="Gwangju")
    make_source(outlet=outlet, url="https://example.org/a", title="=HYPERLINK(1)")
    files = {key: export_file(key) for key in KEYS}

    assert all(data.startswith(BOM) for data in files.values())
    assert files["outlets"].decode("utf-8-sig").startswith("slug,name_ko,name_en,website\r\n")
    header = "url,outlet,title,title_is_label,published,date_precision,language,kind"
    assert files["sources"].decode("utf-8-sig").startswith(header)
    assert "'=HYPERLINK(1)" in files["sources"].decode("utf-8-sig")
    header = "milestone,source,order,supports_ko,supports_en"
    assert files["citations"].decode("utf-8-sig").startswith(header)
    assert import_file("sources", files["sources"]).counts["skip"] == 1  # the title as it was


def test_a_source_without_url_is_left_out_of_the_export_and_refused_on_import():
    make_source(url="", title="Printed report")
    cite(make_milestone(slug="m"), Source.objects.get())

    assert len(exported_rows("sources")[1]) == 0
    assert len(exported_rows("citations")[1]) == 0
    data = csv_bytes(["url", "outlet", "title"], [["", Outlet.objects.get().slug, "Printed"]])
    report = import_file("sources", data)

    assert "known by its URL" in only_problem(report, 2, "url")
    assert Source.objects.get().title == "Printed report"


def test_the_files_build_sources_and_citations_into_an_empty_record():
    milestone = make_milestone(slug="charter", is_published=False)
    outlets = csv_bytes(["slug", "name_ko", "name_en", "website"], [["", "광주일보", "", ""]])
    sources = csv_bytes(
        ["url", "outlet", "title", "published", "date_precision", "kind"],
        [["https://example.org/1", "outlet", "헌장 선포", "2012-05-24", "day", "공공기관"]],
    )
    citations = csv_bytes(
        ["milestone", "source", "supports_ko", "supports_en"],
        [["charter", "https://example.org/1", "선포일", "The date"]],
    )

    assert import_file("outlets", outlets).counts["new"] == 1
    report = import_file("sources", sources)
    assert report.counts["new"] == 1, [str(p) for p in report.problems]
    assert import_file("citations", citations).counts["new"] == 1

    source = Source.objects.get()
    assert (source.outlet.name_ko, source.kind, source.language) == ("광주일보", "official", "ko")
    citation = milestone.citations.get()
    assert (citation.source, citation.supports_ko, citation.supports_en) == (
        source,
        "선포일",
        "The date",
    )


def test_a_korean_excel_csv_in_cp949_imports(gwangju):
    headers, rows = exported_rows("sources")
    rows[0][headers.index("title")] = "광주 인권헌장 제정 (수정)"
    data = csv_bytes(headers, rows, encoding="cp949")

    report = import_file("sources", data, filename="sources.csv")

    assert report.ok, [str(p) for p in report.problems]
    assert report.counts["update"] == 1
    assert Source.objects.get(url=rows[0][0]).title == "광주 인권헌장 제정 (수정)"


# --- refusals: all or nothing -------------------------------------------------------


def test_an_unknown_outlet_slug_is_refused_with_its_row_and_nothing_is_written(gwangju):
    headers, rows = exported_rows("sources")
    rows[0][headers.index("title")] = "Changed"
    rows[3][headers.index("outlet")] = "nowhere-daily"
    before = snapshot()

    report = import_file("sources", csv_bytes(headers, rows))

    message = only_problem(report, 5, "outlet")
    assert "nowhere-daily" in message
    assert [p.value for p in report.problems] == ["nowhere-daily"]
    assert snapshot() == before


def test_a_malformed_url_and_a_url_twice_in_one_file_are_refused(gwangju):
    headers, rows = exported_rows("sources")
    rows[1][0] = "www.example.org/no-scheme"
    rows[4][0] = rows[2][0]
    before = snapshot()

    report = import_file("sources", csv_bytes(headers, rows))

    assert "web address" in only_problem(report, 3, "url")
    assert "also on line 4" in only_problem(report, 6, "url")
    assert snapshot() == before


def test_an_unknown_milestone_or_source_in_citations_is_refused(gwangju):
    headers, rows = exported_rows("citations")
    rows[0][headers.index("milestone")] = "no-such-milestone"
    rows[1][headers.index("source")] = "https://example.org/never-cited"
    rows[2][headers.index("supports_en")] = "Changed"
    before = snapshot()

    report = import_file("citations", csv_bytes(headers, rows))

    assert "no-such-milestone" in only_problem(report, 2, "milestone")
    assert "No source has the URL" in only_problem(report, 3, "source")
    assert snapshot() == before


def test_a_citation_twice_in_one_file_is_refused(gwangju):
    headers, rows = exported_rows("citations")
    rows.append(list(rows[0]))
    report = import_file("citations", csv_bytes(headers, rows))

    message = only_problem(report, len(rows) + 1, "milestone, source")
    assert "also on line 2" in message


# --- roles ----------------------------------------------------------------------------


@pytest.fixture
def public_and_draft():
    """A source a published milestone cites, and one only a draft cites."""
    public = cite(make_milestone(slug="public"), make_source(url="https://example.org/public"))
    draft = cite(
        make_milestone(slug="draft", is_published=False),
        make_source(url="https://example.org/draft"),
    )
    return public, draft


def test_an_editors_import_may_not_change_a_source_a_published_milestone_cites(
    public_and_draft,
):
    editor = staff_member("Editor")
    headers, rows = exported_rows("sources")
    for row in rows:
        row[headers.index("title")] += " (edited)"
    before = snapshot()

    report = import_file("sources", csv_bytes(headers, rows), user=editor)

    public_line = 2 + [row[0] for row in rows].index("https://example.org/public")
    assert "only a publisher" in only_problem(report, public_line, "title")
    assert snapshot() == before
    assert not Version.objects.exists()


def test_an_editors_import_may_add_sources_and_change_drafts_but_not_public_outlets(
    public_and_draft,
):
    editor = staff_member("Editor")
    public, draft = public_and_draft
    headers = ["url", "outlet", "title"]
    rows = [
        ["https://example.org/draft", draft.source.outlet.slug, "Draft retitled"],
        ["https://example.org/new", draft.source.outlet.slug, "New"],
    ]
    report = import_file("sources", csv_bytes(headers, rows), user=editor)
    assert report.ok, [str(p) for p in report.problems]
    assert report.counts["new"] == report.counts["update"] == 1

    headers, rows = exported_rows("outlets")
    for row in rows:
        row[headers.index("name_en")] += " (edited)"
    report = import_file("outlets", csv_bytes(headers, rows), user=editor)
    public_line = 2 + [row[0] for row in rows].index(public.source.outlet.slug)
    assert [p.line for p in report.problems] == [public_line]
    assert not Outlet.objects.filter(name_en__endswith="(edited)").exists()


@pytest.mark.usefixtures("public_and_draft")
def test_an_editors_import_may_not_touch_a_published_milestones_citations():
    editor, publisher = staff_member("Editor"), staff_member("Publisher")
    headers = ["milestone", "source", "supports_en"]
    rows = [
        ["public", "https://example.org/public", "Edited"],
        ["public", "https://example.org/draft", "Added"],
        ["draft", "https://example.org/public", "Added to a draft"],
    ]
    report = import_file("citations", csv_bytes(headers, rows), user=editor)

    assert [(p.line, p.column) for p in report.problems] == [
        (2, "supports_en"),
        (3, "milestone, source"),
    ]
    assert Citation.objects.count() == 2

    report = import_file("citations", csv_bytes(headers, rows), user=publisher)
    assert report.ok and report.counts == {"new": 2, "update": 1, "skip": 0, "invalid": 0}


# --- history ----------------------------------------------------------------------------


def test_an_import_records_a_version_in_the_importers_name(public_and_draft):
    publisher = staff_member("Publisher")
    public, _draft = public_and_draft
    data = csv_bytes(["url", "title"], [["https://example.org/public", "Retitled"]])

    import_file("sources", data, user=publisher, filename="sources.csv")

    baseline, imported = Version.objects.get_for_object(public.source).order_by("pk")
    assert baseline.field_dict["title"] == public.source.title
    assert imported.field_dict["title"] == "Retitled"
    assert imported.revision.user == publisher
    assert "sources.csv" in imported.revision.comment


# --- the Gwangju record's own files ---------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_the_records_files_match_the_fixture(gwangju, key):
    """fixtures/record/*.csv hold the fixture's sources: importing them changes nothing."""
    data = (RECORD_FILES / f"{key}.csv").read_bytes()
    report = import_file(key, data, filename=f"{key}.csv", dry_run=True)

    assert report.ok, [str(p) for p in report.problems[:5]]
    assert report.counts["new"] == report.counts["update"] == 0
    assert report.counts["skip"] == len(exported_rows(key)[1])


# --- the admin ------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Outlet, Source, Citation])
def test_the_admin_lists_have_import_and_export(admin_client, public_and_draft, model):
    page = admin_client.get(admin_url(model, "changelist"))

    assert admin_url(model, "import") in page.content.decode()
    assert admin_url(model, "export") in page.content.decode()


def test_the_admin_exports_and_previews_sources_as_the_command_does(public_and_draft):
    make_source(url="", title="Printed report")  # cannot be named in a file
    client = client_for(staff_member("Publisher"))
    url = admin_url(Source, "export")

    page = client.get(url)
    response = client.post(url, {"format": "1", "resource": "0"})  # xlsx
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))

    assert page.context["export_count"] == 2
    assert {row[0] for row in rows[1:]} == {
        "https://example.org/public",
        "https://example.org/draft",
    }
    upload = SimpleUploadedFile("sources.xlsx", response.content)
    preview = client.post(admin_url(Source, "import"), {"import_file": upload, "format": "0"})
    assert preview.context["report"].counts["skip"] == 2


def test_an_imports_history_costs_the_same_queries_for_few_or_many_citations(gwangju):
    """A version's description names the citation's milestone, source and outlet: read
    for all the rows at once, not once per row."""
    headers, rows = exported_rows("citations")
    column = headers.index("supports_en")

    def queries_to_change(count: int, mark: str) -> int:
        changed = [list(row) for row in rows]
        for row in changed[:count]:
            row[column] += mark
        with CaptureQueriesContext(connection) as queries:
            report = import_file("citations", csv_bytes(headers, changed))
        assert report.counts["update"] == count
        return len(queries.captured_queries)

    queries_to_change(1, " (first)")  # what is read once and kept: content types
    assert queries_to_change(2, " (a)") == queries_to_change(len(rows), " (b)")
