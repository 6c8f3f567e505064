"""Exports, public downloads and imports handle their rows a batch at a time.

The batch size (``TIMELINE_TRANSFER_BATCH_ROWS``, 900) is set to two or three rows here, so a
handful of records crosses several batch boundaries: what comes out must be what one batch
of everything gives, and what goes in must be judged and numbered as one file.
"""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from timeline.jobs import exports
from timeline.models import ExportJob, Milestone
from timeline.transfer import resources

from .factories import cite, make_initiative, make_milestone, make_theme, make_year
from .media_files import make_document, make_image

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "json")


@pytest.fixture
def one_batch(settings):
    """Every file is made in one batch, as with the default size and a small record."""
    settings.TIMELINE_TRANSFER_BATCH_ROWS = 10_000
    settings.PAGE_CACHE_SECONDS = 0  # each request makes its file
    return settings


def small_batches(settings, rows=2):
    settings.TIMELINE_TRANSFER_BATCH_ROWS = rows


def add_milestones(count, theme=None, start=0):
    """Published milestones of one kind, each with a theme, a source, an image and a PDF."""
    theme = theme or make_theme(slug="governance")
    for index in range(start, start + count):
        subject = make_initiative(themes=[theme])
        milestone = make_milestone(2010 + index % 5, subject, title_ko=f"인권 기록 {index}")
        cite(milestone)
        make_image(record=milestone)
        make_document(record=milestone)
    return theme


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def export_url(file_type, lang="ko"):
    with translation.override(lang):
        return reverse(f"timeline:export-{file_type}")


# --- Public downloads -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("file_type", FORMATS)
def test_a_download_of_several_batches_is_streamed_and_holds_what_one_batch_gives(
    client, one_batch, file_type, lang
):
    add_milestones(7)
    make_milestone(2012, make_initiative(), slug="draft", is_published=False)
    whole = client.get(export_url(file_type, lang))
    assert not whole.streaming

    small_batches(one_batch, 3)
    streamed = client.get(export_url(file_type, lang))

    assert streamed.status_code == 200
    assert streamed.streaming
    assert body(streamed) == whole.content
    for header in ("Content-Type", "Content-Disposition", "Link"):
        assert streamed[header] == whole[header]
    assert b"draft" not in whole.content
    assert f"/{lang}/timeline/".encode() in whole.content  # the pages' addresses


def test_a_milestone_withdrawn_while_its_file_is_sent_is_left_out(client, one_batch):
    add_milestones(5)
    small_batches(one_batch, 2)
    response = client.get(export_url("json"))
    chunks = iter(response.streaming_content)
    first = next(chunks) + next(chunks)  # "[" and the first batch
    last = Milestone.objects.order_by("year_id", "-order", "-id").first()  # sent last
    Milestone.objects.filter(pk=last.pk).update(is_published=False)
    rest = b"".join(chunks)
    assert last.slug.encode() not in first + rest
    assert (first + rest).count(b'"slug"') == 4


@pytest.mark.parametrize("file_type", FORMATS)
def test_a_download_runs_the_same_queries_for_each_batch(client, one_batch, file_type):
    small_batches(one_batch, 2)
    theme = add_milestones(2)
    counts = []
    for added in (2, 2):
        with CaptureQueriesContext(connection) as queries:
            body(client.get(export_url(file_type)))
        counts.append(len(queries.captured_queries))
        theme = add_milestones(added, theme, start=len(counts) * 10)
    with CaptureQueriesContext(connection) as queries:
        body(client.get(export_url(file_type)))
    counts.append(len(queries.captured_queries))
    # 1, 2 and 3 batches: each batch costs the same few queries, whatever it holds.
    assert counts[2] - counts[1] == counts[1] - counts[0] > 0


# --- Staff exports --------------------------------------------------------------------


def staff_records():
    theme = add_milestones(5)
    make_milestone(2013, make_initiative(themes=[theme]), is_published=False)
    return theme


@pytest.mark.parametrize("file_type", ["csv", "xlsx", "json"])
def test_an_export_of_several_batches_is_the_export_of_one(one_batch, file_type):
    staff_records()
    whole = resources.export_file("milestones", file_type=file_type)
    small_batches(one_batch, 2)
    batched = resources.export_file("milestones", file_type=file_type)
    if file_type == "xlsx":  # a zip: compare what it holds, not its time stamps
        from timeline.transfer.spreadsheets import read_table

        whole, batched = (read_table(data, "x.xlsx") for data in (whole, batched))
        assert (batched.headers, batched.rows) == (whole.headers, whole.rows)
    else:
        assert batched == whole


def test_exportcsv_writes_its_file_in_batches(one_batch, tmp_path):
    staff_records()
    whole = resources.export_file("milestones")
    small_batches(one_batch, 2)
    stderr = io.StringIO()
    target = tmp_path / "milestones.csv"
    call_command("exportcsv", "milestones", "-o", str(target), stderr=stderr)
    assert target.read_bytes() == whole
    assert "6 records written" in stderr.getvalue()
    assert [path.name for path in tmp_path.iterdir()] == ["milestones.csv"]  # no leftover
    printed = io.StringIO()
    call_command("exportcsv", "milestones", stdout=printed)
    assert printed.getvalue() == whole.decode("utf-8-sig")


def test_an_export_job_writes_its_file_in_batches_in_the_lists_order(one_batch):
    staff_records()
    chosen = list(
        Milestone.objects.order_by("-year_id", "order", "id").values_list("pk", flat=True)
    )
    chosen = chosen[:1] + chosen[2:]  # what a filtered list held
    expected = resources.export_file("milestones", Milestone.objects.filter(pk__in=chosen))
    small_batches(one_batch, 2)
    user = User.objects.create_superuser("chief", "chief@example.org", "x")
    job = ExportJob.objects.create(
        user=user, model_key="milestones", file_type="csv", record_ids=chosen, rows_total=5
    )
    exports.run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert bytes(job.data) == expected
    assert job.rows_done == 5


# --- Imports --------------------------------------------------------------------------


def milestone_file(rows):
    lines = ["year,slug,title_en,title_ko,initiative,sources"]
    lines += [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


@pytest.fixture
def forum():
    make_year(2014)
    return make_initiative(slug="forum")


@pytest.fixture
def small_writes(monkeypatch):
    """Rows are written, and their history recorded, two or three at a time."""
    from timeline.transfer import versions, writing

    monkeypatch.setattr(writing, "WRITE_BATCH", 2)
    monkeypatch.setattr(versions, "CHUNK", 1)


def new_rows(count, start=0):
    return [
        [
            "2014",
            f"new-{n}",
            f"Milestone {n}",
            f"기록 {n}",
            "forum",
            f"Report {n} <https://ex.org/{n}>",
        ]
        for n in range(start, start + count)
    ]


def test_an_import_of_several_batches_writes_every_row_and_its_history(forum, small_writes):
    from reversion.models import Version

    report = resources.import_file(
        "milestones", milestone_file(new_rows(7)), filename="m.csv", user=None
    )

    assert report.ok, [str(problem) for problem in report.problems]
    assert report.committed
    slugs = set(Milestone.objects.values_list("slug", flat=True))
    assert slugs == {f"new-{n}" for n in range(7)}
    assert Milestone.objects.get(slug="new-6").citations.get().source.url == "https://ex.org/6"
    assert Version.objects.get_for_model(Milestone).count() == 7


def test_an_error_past_the_first_batch_names_its_line_and_nothing_is_written(forum, small_writes):
    rows = new_rows(6)
    rows[4][4] = "no-such-initiative"  # line 6: the file's header is line 1
    report = resources.import_file("milestones", milestone_file(rows), filename="m.csv")

    assert not report.ok
    assert report.invalid_lines == [6]
    assert report.problems[0].column == "initiative"
    assert not Milestone.objects.exists()


def test_a_failure_after_some_batches_are_written_writes_nothing(forum, small_writes):
    def fail(report):
        assert Milestone.objects.count() == 5  # every batch went in, in the one transaction
        raise RuntimeError("the job was cancelled")

    with pytest.raises(RuntimeError):
        resources.import_file(
            "milestones", milestone_file(new_rows(5)), filename="m.csv", on_written=fail
        )
    assert not Milestone.objects.exists()


# --- What an import holds while it writes ---------------------------------------------
#
# Every row is checked before anything is written, but the rows' cells and text values
# are not held from the read to the write: a CSV file's rows are read again from its
# bytes, and a row's titles, summaries and notes are read again for the batch being
# written (left_in_file.py). For 100,000 rows that was about a third of the memory.


def csv_file(rows, header=("year", "slug", "title_en", "title_ko", "summary_en", "initiative")):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


def awkward_rows(count):
    """New milestones whose text only survives an exact reading of the file: a line end
    inside a cell, a formula-guarded title (its apostrophe is the export's), Korean."""
    return [
        [
            "2014",
            f"new-{n}",
            f"'=Milestone {n}" if n % 3 == 0 else f'Milestone {n}, "quoted"',
            f"기록 {n}",
            f"First line {n}\r\nsecond line",
            "forum",
        ]
        for n in range(count)
    ]


def expected_title(n):
    return f"=Milestone {n}" if n % 3 == 0 else f'Milestone {n}, "quoted"'


@pytest.fixture
def text_held_per_write(monkeypatch):
    """For each batch written: how many of the import's rows then hold their text."""
    from timeline.transfer import writing

    counts = []
    insert = writing.WriteSteps.insert

    def counting_insert(self, rows):
        counts.append(sum("title_en" in row.values for row in self.report.rows))
        return insert(self, rows)

    monkeypatch.setattr(writing.WriteSteps, "insert", counting_insert)
    return counts


def test_only_the_batch_being_written_holds_its_text_and_every_value_is_written_exactly(
    forum, small_writes, text_held_per_write
):
    user = User.objects.create_superuser("chief", "chief@example.org", "x")
    report = resources.import_file(
        "milestones", csv_file(awkward_rows(7)), filename="m.csv", user=user
    )

    assert report.ok, [str(problem) for problem in report.problems]
    assert text_held_per_write == [2, 2, 2, 1]  # four batches of at most two rows
    for n in range(7):
        milestone = Milestone.objects.get(slug=f"new-{n}")
        assert (milestone.title_en, milestone.title_ko) == (expected_title(n), f"기록 {n}")
        assert milestone.summary_en == f"First line {n}\r\nsecond line"
    # The admin's log names each record by its title, read again for its batch.
    from django.contrib.admin.models import LogEntry

    logged = set(LogEntry.objects.values_list("object_repr", flat=True))
    assert logged == {f"2014 · 기록 {n}" for n in range(7)}  # in the default language


def test_a_dry_runs_preview_shows_the_text_left_in_the_file(forum, small_writes):
    report = resources.import_file("milestones", csv_file(awkward_rows(4)), dry_run=True)

    assert report.ok
    assert not Milestone.objects.exists()
    previewed = {line: cells for line, _action, cells in report.preview(10)}
    assert sorted(previewed) == [2, 3, 4, 5]
    assert expected_title(0) in previewed[2] and expected_title(1) in previewed[3]
    assert "First line 3\r\nsecond line" in previewed[5]


def test_a_duplicate_on_the_last_line_refuses_the_file_whose_rows_were_all_checked_first(
    forum, small_writes, text_held_per_write
):
    rows = awkward_rows(9)
    rows[-1][1] = "new-1"  # line 10 names the record of line 3 again
    with translation.override("en"):
        report = resources.import_file("milestones", csv_file(rows), filename="m.csv")

    assert [(p.line, p.column, p.value) for p in report.problems] == [(10, "slug", "new-1")]
    assert "also on line 3" in report.problems[0].message
    assert text_held_per_write == []  # no batch was written, then rolled back: none at all
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    "encoding, line_end",
    [
        ("utf-8-sig", "\r\n"),
        ("utf-8", "\n"),
        ("cp949", "\r\n"),
        ("utf-16", "\r\n"),
        ("utf-8", "\r"),
    ],
)
def test_a_csv_files_rows_read_one_by_one_are_the_rows_read_in_order(encoding, line_end):
    from timeline.transfer.spreadsheets import read_table

    lines = [
        "slug;title_ko;title_en",
        'a;"첫 줄' + line_end + '둘째 줄";One',
        "",  # a blank line keeps its number
        "b;비;",  # a short row is as wide as the header
        'c;"따옴표 ""안"";";Three;',
        "",
        "",  # blank lines at the end are not rows
    ]
    table = read_table(line_end.join(lines).encode(encoding), "rows.csv")

    expected = [
        ["a", f"첫 줄{line_end}둘째 줄", "One"],
        [None, None, None],
        ["b", "비", ""],
        ["c", '따옴표 "안";', "Three"],
    ]
    assert table.headers == ["slug", "title_ko", "title_en"]
    assert list(table.rows) == expected
    assert [table.rows[index] for index in range(len(table.rows))] == expected
    assert table.rows[-1] == expected[-1] and table.rows[1:3] == expected[1:3]
