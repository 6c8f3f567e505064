"""Import and export in the admin, as staff use them: preview, confirm, roles, history, and
the public site showing what was imported."""

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from reversion.models import Revision, Version

from timeline.history import record_revision
from timeline.models import ImportJob, Milestone, Theme
from timeline.transfer import resources, writers

from .admin_helpers import INLINE_CODE, MODELS, admin_url, client_for, messages_of, staff_member
from .factories import cite, make_initiative, make_milestone, make_source, make_year, with_em_dash

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "gwangju.json"
FORUM_2021 = "world-human-rights-cities-forum-2021"
NEW_TITLE = "제11회 세계인권도시포럼 (수정)"
# What a person must never see: Python's names for what went wrong.
PYTHON_WORDS = re.compile(r"Traceback|Error\b|Exception|DoesNotExist|ConversionSyntax|\w+\.\w+\(")
XLSX_MAGIC = b"PK\x03\x04"


@pytest.fixture
def gwangju():
    call_command("loaddata", str(FIXTURE), verbosity=0)


@pytest.fixture
def superuser():
    return User.objects.create_superuser("chief", "chief@example.org", "x")


@pytest.fixture
def as_superuser(superuser):
    return client_for(superuser)


# --- helpers ----------------------------------------------------------------------


def to_csv(headers, rows, encoding="utf-8-sig"):
    """CSV bytes; in CP949 characters it lacks (em dashes) are replaced, as Korean Excel does."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def to_xlsx(headers, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_export(data):
    """An exported file as (headers, rows of cell values), CSV or XLSX."""
    if data.startswith(XLSX_MAGIC):
        book = openpyxl.load_workbook(io.BytesIO(data))
        rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    else:
        assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to show Korean"
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def export_via_admin(client, model, file_type="csv", query=""):
    """Open the export page as the list's Export button does, choose the file type, download."""
    url = admin_url(model, "export") + (f"?{query}" if query else "")
    page = client.get(url)
    assert page.status_code == 200
    extensions = [format_().get_extension() for format_ in writers.ADMIN_FORMATS]
    value = str(extensions.index(file_type))
    assert value in dict(page.context["form"].fields["format"].choices)
    response = client.post(url, {"format": value, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].endswith(f'.{file_type}"')
    return page, response.content


def edited_export(client, slug, file_type="csv", encoding="utf-8-sig", **cells):
    """The milestones exported from the admin, with some cells of one record changed."""
    _page, data = export_via_admin(client, Milestone)
    headers, rows = read_export(data)
    row = next(row for row in rows if row[headers.index("slug")] == slug)
    for column, value in cells.items():
        row[headers.index(column)] = value
    if file_type == "xlsx":
        return to_xlsx(headers, rows), "milestones.xlsx"
    return to_csv(headers, rows, encoding), "milestones.csv"


def preview(client, model, data, filename):
    return client.post(
        admin_url(model, "import"),
        {"import_file": _upload(data, filename), "format": "0", "resource": "0"},
    )


def _upload(data, filename):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(filename, data)


def confirm_data(response):
    form = response.context["confirm_form"]
    assert form is not None, problems_of(response)
    return {name: form.initial.get(name, "") for name in form.fields}


def confirm(client, model, data):
    return client.post(admin_url(model, "process_import"), data)


def problems_of(response):
    report = response.context["report"]
    return [str(problem) for problem in report.problems] if report else []


def pending_imports():
    return ImportJob.objects.filter(state=ImportJob.State.PREVIEWED).count()


def job_of(posted):
    return ImportJob.objects.get(pk=posted["job"])


def links(response):
    """Every link's address on the page, without its query string."""
    hrefs = re.findall(r"""href=["']([^"']*)["']""", response.content.decode())
    return {href.replace("&amp;", "&").split("?")[0] for href in hrefs}


def titles():
    return dict(Milestone.objects.values_list("slug", "title_ko"))


# --- The buttons ------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_offers_import_export_recover_and_add(as_superuser, model):
    page = links(as_superuser.get(admin_url(model, "changelist")))

    for view in ("import", "export", "recoverlist", "add"):
        assert admin_url(model, view) in page, view


def test_staff_who_may_only_view_can_export_but_not_import():
    viewer = staff_member()
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_milestone"))
    client = client_for(viewer)

    page = links(client.get(admin_url(Milestone, "changelist")))

    assert admin_url(Milestone, "export") in page
    assert admin_url(Milestone, "import") not in page
    assert client.get(admin_url(Milestone, "import")).status_code == 403


# --- Preview, then confirm -----------------------------------------------------------


@pytest.mark.parametrize(
    ("file_type", "encoding"),
    [("csv", "utf-8-sig"), ("csv", "utf-8"), ("csv", "cp949"), ("xlsx", "")],
    ids=["utf8-bom", "utf8", "cp949", "xlsx"],
)
def test_an_edited_export_is_previewed_then_imported_on_confirm(
    gwangju, as_superuser, file_type, encoding
):
    source = with_em_dash(FORUM_2021)
    data, filename = edited_export(
        as_superuser, FORUM_2021, file_type, encoding, title_ko=NEW_TITLE
    )
    before = titles()

    response = preview(as_superuser, Milestone, data, filename)

    assert response.status_code == 200, problems_of(response)
    assert response.context["counts"] == {"new": 0, "update": 1, "skip": 40, "invalid": 0}
    page = response.content.decode()
    assert "<ins" in page and "(수정)" in page  # the diff of the changed title
    assert titles() == before, "a preview writes nothing"

    response = confirm(as_superuser, Milestone, confirm_data(response))

    assert response.status_code == 302
    assert response["Location"] == admin_url(Milestone, "changelist")
    assert titles() == before | {FORUM_2021: NEW_TITLE}
    # Characters CP949 cannot hold (em dashes in source titles) are kept as they were.
    assert Milestone.objects.get(slug=FORUM_2021).citations.first().source.title == source.title
    followed = as_superuser.get(response["Location"])
    assert any("1" in message and filename in message for message in messages_of(followed))


def test_the_preview_escapes_html_in_every_cell(as_superuser):
    make_milestone(
        slug="old", year=2014, title_en="Old title", subject=make_initiative(slug="forum")
    )
    script = "<script>alert(1)</script>"
    data = to_csv(
        ["year", "slug", "title_en", "initiative"],
        [["2014", "old", f"Old {script} title", "forum"], ["2014", "new", script, "forum"]],
    )

    response = preview(as_superuser, Milestone, data, "milestones.csv")

    page = response.content.decode()
    assert response.context["counts"]["new"] == 1 and response.context["counts"]["update"] == 1
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the new row's cell
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.split("<ins", 1)[1]  # the diff
    assert not INLINE_CODE.search(page), INLINE_CODE.search(page).group(0)


def test_a_long_preview_shows_its_first_rows_and_says_how_many_more(as_superuser, monkeypatch):
    monkeypatch.setattr("timeline.admin.transfer.PREVIEW_ROWS", 2)
    make_initiative(slug="forum")
    make_year(2014)
    rows = [["2014", f"m-{n}", f"M {n}", "forum"] for n in range(5)]

    response = preview(
        as_superuser, Milestone, to_csv(["year", "slug", "title_en", "initiative"], rows), "m.csv"
    )

    assert [line for line, _action, _cells in response.context["preview_rows"]] == [2, 3]
    assert "3 more are not shown here." in response.content.decode()
    assert response.context["counts"]["new"] == 5


def test_a_file_that_changes_nothing_has_nothing_to_confirm(gwangju, as_superuser):
    _page, data = export_via_admin(as_superuser, Milestone)

    response = preview(as_superuser, Milestone, data, "milestones.csv")

    assert response.context["counts"] == {"new": 0, "update": 0, "skip": 41, "invalid": 0}
    assert response.context["confirm_form"] is None
    assert pending_imports() == 0


def test_a_broken_file_is_refused_row_by_row_and_nothing_is_written(gwangju, as_superuser):
    headers = ["year", "slug", "title_ko", "initiative"]
    data = to_csv(
        headers,
        [
            ["2021", FORUM_2021, "바뀐 제목", "world-human-rights-cities-forum"],
            ["1999", "new-one", "새 이정표", "world-human-rights-cities-forum"],
            ["2021", "new-two", "또 새 이정표", "no-such-forum"],
        ],
    )
    before = titles()

    response = preview(as_superuser, Milestone, data, "broken.csv")

    assert response.context["confirm_form"] is None
    problems = response.context["report"].problems
    assert [(p.line, p.column, p.value) for p in problems] == [
        (3, "year", "1999"),
        (4, "initiative", "no-such-forum"),
    ]
    page = response.content.decode()
    assert "There is no year 1999" in page
    assert not PYTHON_WORDS.search(re.sub(r"<[^>]+>", " ", page.split('id="content"')[1]))
    assert titles() == before
    assert pending_imports() == 0


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "milestones.csv", "empty"),
        (b"\xef\xbb\xbf\r\n", "milestones.csv", "The file is empty"),
        (b"%PDF-1.4 binary", "milestones.pdf", "A .pdf file cannot be imported"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "milestones.xls", "Excel 97-2003"),
        (b"year,slug\n\xff\xfe\xfa\x80\x81,\x82\n", "milestones.csv", "could not be read"),
        (b"PK\x03\x04 not really a workbook", "milestones.xlsx", "not an Excel workbook"),
    ],
    ids=["empty", "blank", "wrong-type", "xls", "undecodable", "broken-xlsx"],
)
def test_a_file_that_cannot_be_read_gets_a_plain_message_on_the_form(
    as_superuser, data, filename, fragment
):
    response = preview(as_superuser, Milestone, data, filename)

    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert any(fragment in error for error in errors), errors
    assert not any(PYTHON_WORDS.search(error) for error in errors), errors
    assert fragment in response.content.decode()
    assert pending_imports() == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(as_superuser, settings):
    settings.TIMELINE_IMPORT_MAX_BYTES = 1024 * 1024
    data = to_csv(["slug"], [["x" * 100]] * 20_000)

    response = preview(as_superuser, Milestone, data, "big.csv")

    (error,) = response.context["form"].errors["import_file"]
    assert "the limit is 1 MB" in error


# --- Between preview and confirm: another server, a second click, another person ------


def test_the_confirm_step_works_on_another_app_server(gwangju, superuser):
    data, filename = edited_export(client_for(superuser), FORUM_2021, title_ko=NEW_TITLE)
    response = preview(client_for(superuser), Milestone, data, filename)
    posted = confirm_data(response)
    assert pending_imports() == 1

    # Another server: nothing of this process's memory, a session of its own.
    for cache in caches.all():
        cache.clear()
    response = confirm(client_for(superuser), Milestone, posted)

    assert response.status_code == 302
    assert Milestone.objects.get(slug=FORUM_2021).title_ko == NEW_TITLE
    assert pending_imports() == 0


def test_confirming_twice_imports_once(as_superuser):
    make_initiative(slug="forum")
    make_year(2014)
    # A row without a slug is a new record each time it is imported: a double click must
    # not make two.
    data = to_csv(["year", "slug", "title_en", "initiative"], [["2014", "", "Once", "forum"]])
    posted = confirm_data(preview(as_superuser, Milestone, data, "once.csv"))

    first = confirm(as_superuser, Milestone, posted)
    second = confirm(as_superuser, Milestone, posted)

    assert first["Location"] == admin_url(Milestone, "changelist")
    assert second["Location"] == admin_url(Milestone, "import")
    assert Milestone.objects.filter(title_en="Once").count() == 1
    assert any("already confirmed" in m for m in messages_of(as_superuser.get(second["Location"])))


def test_a_preview_can_be_confirmed_only_by_who_uploaded_it(as_superuser):
    make_initiative(slug="forum")
    make_year(2014)
    data = to_csv(["year", "slug", "title_en", "initiative"], [["2014", "mine", "Mine", "forum"]])
    posted = confirm_data(preview(as_superuser, Milestone, data, "mine.csv"))
    other = client_for(User.objects.create_superuser("other", "o@example.org", "x"))

    response = confirm(other, Milestone, posted)

    assert response["Location"] == admin_url(Milestone, "import")
    assert not Milestone.objects.filter(slug="mine").exists()


def test_a_confirm_refused_because_records_changed_meanwhile_writes_nothing(as_superuser):
    forum = make_initiative(slug="forum")
    make_year(2014)
    data = to_csv(["year", "slug", "title_en", "initiative"], [["2014", "late", "Late", "forum"]])
    posted = confirm_data(preview(as_superuser, Milestone, data, "late.csv"))
    forum.delete()  # someone else, between the two steps

    response = confirm(as_superuser, Milestone, posted)

    assert response.status_code == 200
    assert any("changed after the preview" in m for m in messages_of(response))
    assert "No initiative has the slug “forum”" in response.content.decode()
    assert not Milestone.objects.filter(slug="late").exists()
    job = job_of(posted)
    assert (job.state, bytes(job.data)) == (ImportJob.State.REFUSED, b"")


# --- The pending import's record -------------------------------------------------------


@pytest.fixture
def one_new_milestone(forum_2014):
    """A file that adds one milestone ("Once"), and its name."""
    data = to_csv(["year", "slug", "title_en", "initiative"], [["2014", "", "Once", "forum"]])
    return data, "once.csv"


def refusal(response, client):
    """Where a refused confirm sends the user, and what it tells them there."""
    assert response.status_code == 302
    return response["Location"], messages_of(client.get(response["Location"]))


def test_a_preview_keeps_the_file_in_a_job_of_its_own_and_nothing_in_the_session(
    as_superuser, superuser, forum_2014
):
    marker = "Marker-7f3a-only-in-the-file"
    data = to_csv(["year", "slug", "title_en", "initiative"], [["2014", "m", marker, "forum"]])

    posted = confirm_data(preview(as_superuser, Milestone, data, "marked.csv"))

    assert set(posted) == {"job"}, "the confirm form carries the job's id and nothing else"
    job = job_of(posted)
    assert (job.user, job.model_key, job.file_name) == (superuser, "milestones", "marked.csv")
    assert (job.size, job.file_type, job.encoding) == (len(data), "csv", "utf-8-sig")
    assert (job.state, bytes(job.data)) == (ImportJob.State.PREVIEWED, data)
    assert marker not in str(job)
    for session in Session.objects.all():
        assert set(session.get_decoded()) <= {
            "_auth_user_id",
            "_auth_user_backend",
            "_auth_user_hash",
        }
        assert marker not in json.dumps(session.get_decoded())


def test_a_confirmed_job_keeps_its_record_but_not_its_file(
    as_superuser, superuser, one_new_milestone
):
    posted = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))

    confirm(as_superuser, Milestone, posted)

    job = job_of(posted)
    assert (job.state, bytes(job.data)) == (ImportJob.State.CONFIRMED, b"")
    assert (job.user, job.file_name, job.size) == (superuser, "once.csv", len(one_new_milestone[0]))


def test_of_two_tabs_that_loaded_the_same_preview_only_one_takes_its_file(
    as_superuser, one_new_milestone
):
    posted = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))
    first_tab, second_tab = job_of(posted), job_of(posted)  # both still see it previewed

    assert first_tab.take_file() == one_new_milestone[0]
    assert second_tab.take_file() is None
    assert second_tab.state == ImportJob.State.WRITING  # the first tab's import is under way
    # And through the admin: the page in another tab, posted after the first, imports nothing.
    other_tab = confirm(as_superuser, Milestone, posted)
    assert any("already confirmed" in m for m in refusal(other_tab, as_superuser)[1])
    assert not Milestone.objects.filter(title_en="Once").exists()


def test_another_users_job_is_refused_with_a_message_and_left_as_it_was(
    as_superuser, one_new_milestone
):
    posted = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))
    other = client_for(User.objects.create_superuser("other", "o@example.org", "x"))

    location, said = refusal(confirm(other, Milestone, posted), other)

    assert location == admin_url(Milestone, "import")
    assert any("not one of yours" in m for m in said), said
    assert job_of(posted).state == ImportJob.State.PREVIEWED
    assert bytes(job_of(posted).data) == one_new_milestone[0]
    # Its own uploader still can.
    assert confirm(as_superuser, Milestone, posted)["Location"] == admin_url(
        Milestone, "changelist"
    )
    assert Milestone.objects.filter(title_en="Once").count() == 1


@pytest.mark.parametrize(
    "forged",
    [{}, {"job": ""}, {"job": "abc"}, {"job": "-1"}, {"job": "999999"}, {"job": str(10**30)}],
    ids=["missing", "empty", "text", "negative", "unknown", "huge"],
)
def test_a_forged_job_id_gets_a_message_and_changes_nothing(
    as_superuser, one_new_milestone, forged
):
    posted = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))

    location, said = refusal(confirm(as_superuser, Milestone, forged), as_superuser)

    assert location == admin_url(Milestone, "import")
    assert any("not one of yours" in m for m in said), said
    assert job_of(posted).state == ImportJob.State.PREVIEWED
    assert not Milestone.objects.filter(title_en="Once").exists()


def test_a_job_is_confirmed_only_on_the_model_it_was_previewed_for(as_superuser, one_new_milestone):
    posted = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))

    location, said = refusal(confirm(as_superuser, Theme, posted), as_superuser)

    assert location == admin_url(Theme, "import")
    assert any("not one of yours" in m for m in said), said
    assert job_of(posted).state == ImportJob.State.PREVIEWED


def age(posted, **ago):
    ImportJob.objects.filter(pk=posted["job"]).update(created=timezone.now() - timedelta(**ago))


def test_a_preview_older_than_a_day_is_refused_as_expired(as_superuser, one_new_milestone):
    posted = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))
    age(posted, days=1, minutes=1)

    location, said = refusal(confirm(as_superuser, Milestone, posted), as_superuser)

    assert location == admin_url(Milestone, "import")
    assert any("waited more than a day" in m for m in said), said
    assert not Milestone.objects.filter(title_en="Once").exists()
    job = job_of(posted)
    assert (job.state, bytes(job.data)) == (ImportJob.State.EXPIRED, b"")


def test_prune_imports_drops_the_files_of_abandoned_previews_only(as_superuser, one_new_milestone):
    abandoned = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))
    fresh = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))
    age(abandoned, hours=25)
    out = io.StringIO()

    call_command("prune_imports", stdout=out)

    assert out.getvalue().startswith("1 ")
    old = job_of(abandoned)
    assert (old.state, bytes(old.data)) == (ImportJob.State.EXPIRED, b"")
    assert (old.file_name, old.size) == ("once.csv", len(one_new_milestone[0]))  # kept
    assert bytes(job_of(fresh).data) == one_new_milestone[0]
    assert confirm(as_superuser, Milestone, fresh)["Location"] == admin_url(Milestone, "changelist")


def test_a_new_preview_drops_the_files_of_abandoned_ones(as_superuser, one_new_milestone):
    abandoned = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))
    age(abandoned, days=2)

    preview(as_superuser, Milestone, *one_new_milestone)

    assert bytes(job_of(abandoned).data) == b""
    assert pending_imports() == 1


def test_deleting_a_staff_account_keeps_the_record_of_its_imports(one_new_milestone):
    uploader = User.objects.create_superuser("leaving", "l@example.org", "x")
    posted = confirm_data(preview(client_for(uploader), Milestone, *one_new_milestone))

    uploader.delete()

    job = job_of(posted)
    assert job.user is None and job.file_name == "once.csv"


def test_the_import_log_never_shows_a_pending_file(as_superuser, one_new_milestone):
    posted = confirm_data(preview(as_superuser, Milestone, *one_new_milestone))
    page = as_superuser.get(reverse("admin:timeline_importjob_change", args=[posted["job"]]))

    assert page.status_code == 200
    assert one_new_milestone[1] in page.content.decode()  # the file's name
    assert one_new_milestone[0].decode("utf-8-sig") not in page.content.decode()


# --- Export of what the list shows -----------------------------------------------------


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_export_from_a_filtered_and_searched_list_has_only_its_rows(as_superuser, file_type):
    forum = make_initiative(slug="forum")
    for n, (title, published) in enumerate(
        [("Charter draft", False), ("Charter adopted", True), ("Forum", False)]
    ):
        make_milestone(
            slug=f"m-{n}", year=2014, title_en=title, is_published=published, subject=forum
        )
    query = "is_published__exact=0&q=Charter"
    changelist = as_superuser.get(admin_url(Milestone, "changelist") + f"?{query}")
    export_link = (
        re.search(r'href="([^"]*/export/[^"]*)"', changelist.content.decode())
        .group(1)
        .replace("&amp;", "&")
    )
    assert export_link.endswith(f"?{query}")

    page, data = export_via_admin(as_superuser, Milestone, file_type, query=query)

    assert page.context["export_count"] == 1
    headers, rows = read_export(data)
    assert [row[headers.index("slug")] for row in rows] == ["m-0"]
    assert headers == [column.name for column in resources.MilestoneResource.get_columns()]
    if file_type == "xlsx":
        assert rows[0][headers.index("year")] == 2014  # a number, not text


def test_export_of_an_unfiltered_list_has_every_record(gwangju, as_superuser):
    page, data = export_via_admin(as_superuser, Theme)

    assert page.context["export_count"] == Theme.objects.count()
    assert len(read_export(data)[1]) == Theme.objects.count()


def test_export_with_a_filter_the_list_cannot_apply_is_no_error(as_superuser):
    response = as_superuser.get(admin_url(Milestone, "export") + "?no_such_field=1")

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


# --- Roles: an editor imports drafts --------------------------------------------------


def editor_file(rows, headers=("year", "slug", "title_en", "initiative", "is_published")):
    return to_csv(list(headers), rows)


@pytest.fixture
def forum_2014():
    make_year(2014)
    return make_initiative(slug="forum")


def test_an_editor_cannot_publish_by_import_in_the_admin(as_editor, forum_2014):
    data = editor_file([["2014", "new", "New", "forum", "true"]])

    response = preview(as_editor, Milestone, data, "m.csv")

    (problem,) = response.context["report"].problems
    assert (problem.line, problem.column) == (2, "is_published")
    assert "Only a publisher can publish" in problem.message
    assert response.context["confirm_form"] is None
    assert not Milestone.objects.filter(slug="new").exists()


def test_an_editor_cannot_change_a_published_record_by_import(as_editor, forum_2014):
    make_milestone(slug="public", year=2014, title_en="Public", subject=forum_2014)
    make_milestone(
        slug="draft", year=2014, title_en="Draft", is_published=False, subject=forum_2014
    )
    data = editor_file(
        [["2014", "draft", "Draft, edited", "forum", ""], ["2014", "public", "Edited", "forum", ""]]
    )

    response = preview(as_editor, Milestone, data, "m.csv")

    (problem,) = response.context["report"].problems
    assert (problem.line, problem.column) == (3, "title_en")
    assert "“public” is published" in problem.message
    assert Milestone.objects.get(slug="public").title_en == "Public"
    assert Milestone.objects.get(slug="draft").title_en == "Draft"


def test_an_editor_imports_drafts_and_edits_drafts(as_editor, forum_2014):
    make_milestone(
        slug="draft", year=2014, title_en="Draft", is_published=False, subject=forum_2014
    )
    make_milestone(slug="public", year=2014, title_en="Public", subject=forum_2014)
    # An unchanged published row is fine: editors re-import whole exports.
    data = editor_file(
        [
            ["2014", "draft", "Draft, edited", "forum", "false"],
            ["2014", "public", "Public", "forum", "true"],
            ["2014", "new", "New", "forum", ""],
        ]
    )

    response = confirm(
        as_editor, Milestone, confirm_data(preview(as_editor, Milestone, data, "m.csv"))
    )

    assert response.status_code == 302
    assert Milestone.objects.get(slug="draft").title_en == "Draft, edited"
    assert Milestone.objects.get(slug="new").is_published is False


def test_an_editors_new_theme_is_a_draft_although_themes_default_to_published(editor):
    report = resources.import_file(
        "themes", to_csv(["slug", "name_en"], [["new", "New"]]), user=editor
    )

    assert report.ok
    assert Theme.objects.get(slug="new").is_published is False


def test_a_publisher_publishes_and_changes_published_records_by_import(as_publisher, forum_2014):
    make_milestone(slug="public", year=2014, title_en="Public", subject=forum_2014)
    data = editor_file(
        [["2014", "public", "Edited", "forum", "false"], ["2014", "new", "New", "forum", "true"]]
    )

    response = confirm(
        as_publisher, Milestone, confirm_data(preview(as_publisher, Milestone, data, "m.csv"))
    )

    assert response.status_code == 302
    public = Milestone.objects.get(slug="public")
    assert (public.title_en, public.is_published) == ("Edited", False)
    assert Milestone.objects.get(slug="new").is_published is True


@pytest.mark.parametrize(
    ("cells", "fragment"),
    [
        (["2014", "new", "New", "forum", "yes"], "Only a publisher can publish"),
        (["2014", "public", "Edited", "forum", ""], "is published"),
        (["2014", "draft", "Draft", "forum", "1"], "Only a publisher can publish"),
    ],
    ids=["new-published", "change-published", "publish-draft"],
)
def test_the_engine_and_the_command_hold_an_editor_to_drafts(
    editor, forum_2014, cells, fragment, tmp_path
):
    make_milestone(slug="public", year=2014, title_en="Public", subject=forum_2014)
    make_milestone(
        slug="draft", year=2014, title_en="Draft", is_published=False, subject=forum_2014
    )
    data = editor_file([cells])
    before = list(Milestone.objects.values_list("slug", "title_en", "is_published"))

    with translation.override("en"):  # the messages as an English-speaking editor reads them
        report = resources.import_file("milestones", data, user=editor)

    assert [p.line for p in report.problems] == [2]
    assert fragment in report.problems[0].message
    path = tmp_path / "m.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command(
            "importcsv",
            "milestones",
            str(path),
            user=editor.username,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert list(Milestone.objects.values_list("slug", "title_en", "is_published")) == before
    # The operator (no --user) may do anything.
    call_command("importcsv", "milestones", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert list(Milestone.objects.values_list("slug", "title_en", "is_published")) != before


def test_importcsv_names_an_unknown_user_or_one_without_the_right(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(to_csv(["slug", "name_en"], [["t", "T"]]))
    viewer = staff_member()

    with translation.override("en"), pytest.raises(CommandError, match="nobody"):
        call_command("importcsv", "themes", str(path), user="nobody")
    with translation.override("en"), pytest.raises(CommandError, match="may not change"):
        call_command("importcsv", "themes", str(path), user=viewer.username)
    assert not Theme.objects.exists()


# --- History ----------------------------------------------------------------------


def test_a_committed_import_is_one_revision_with_who_and_the_file(
    as_superuser, superuser, forum_2014
):
    older = make_milestone(slug="older", year=2014, title_en="Older", subject=forum_2014)
    make_milestone(slug="same", year=2014, title_en="Same", subject=forum_2014)
    cite(older, make_source(title="Source", url="https://example.org/"))
    data = to_csv(
        ["year", "slug", "title_en", "initiative"],
        [
            ["2014", "older", "Older, edited", "forum"],
            ["2014", "same", "Same", "forum"],
            ["2014", "added", "Added", "forum"],
        ],
    )

    confirm(
        as_superuser, Milestone, confirm_data(preview(as_superuser, Milestone, data, "edits.csv"))
    )

    revision = Revision.objects.latest("pk")
    assert revision.user == superuser
    assert revision.comment == "Import of 2 milestones from edits.csv"
    recorded = {v.object_id for v in revision.version_set.filter(content_type__model="milestone")}
    added = Milestone.objects.get(slug="added")
    assert recorded == {str(older.pk), str(added.pk)}  # not the unchanged one
    assert revision.version_set.filter(content_type__model="citation").count() == 1
    # The record older than the history kept its state before the import.
    older_versions = Version.objects.get_for_object(older).order_by("pk")
    assert [v.field_dict["title_en"] for v in older_versions] == ["Older", "Older, edited"]


def test_an_import_can_be_undone_from_the_records_history(as_superuser, forum_2014):
    milestone = make_milestone(slug="m", year=2014, title_en="Before", subject=forum_2014)
    cite(milestone, make_source(title="Kept", url="https://example.org/"))
    data = to_csv(
        ["year", "slug", "title_en", "initiative", "sources"],
        [["2014", "m", "After", "forum", "Replaced <https://example.com/>"]],
    )
    confirm(as_superuser, Milestone, confirm_data(preview(as_superuser, Milestone, data, "m.csv")))
    before_import = Version.objects.get_for_object(milestone).order_by("pk").first()

    before_import.revision.revert(delete=True)

    milestone.refresh_from_db()
    assert milestone.title_en == "Before"
    assert list(milestone.citations.values_list("source__title", flat=True)) == ["Kept"]


# A text column of each model that an edit may change.
TEXT_COLUMN = {
    "themes": "name_en",
    "years": "headline_en",
    "institutions": "name_en",
    "policies": "name_en",
    "initiatives": "name_en",
    "milestones": "title_en",
    "outlets": "name_en",
    "sources": "title",
    "citations": "supports_en",
    "indexareas": "name_en",
    "indicatorsets": "name_en",
    "indicators": "name_en",
    "evaluations": "note_en",
    "observations": "note_en",
    "indexcitations": "supports_en",
}


def reversion_json(obj):
    """What reversion itself records for ``obj`` now (through its public API, as
    history.record_revision and the admin's forms use it), recorded then rolled back: a
    reversion upgrade that versions records differently from the import fails here."""
    model = type(obj)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        record_revision(model.objects.filter(pk=obj.pk))
        version = Version.objects.get_for_object(obj).latest("pk")
        transaction.set_rollback(True)
    return json.loads(version.serialized_data)


@pytest.mark.parametrize("key", resources.MODEL_KEYS)
def test_import_versions_hold_what_reversion_itself_would_record(key, gwangju):
    call_command("loaddata", str(FIXTURE.with_name("index.json")), verbosity=0)
    resource = resources.RESOURCES[key]
    model = resource._meta.model
    headers, rows = read_export(resources.export_file(key))
    column = headers.index(TEXT_COLUMN[key])
    rows[0][column] = f"{rows[0][column]} (edited)"
    data = to_csv(headers, rows)
    # The record the row names (a citation is named by two columns): as a dry run finds it.
    (planned,) = [r for r in resources.import_file(key, data, dry_run=True).rows if r.changed]
    record = model.objects.get(pk=planned.old["pk"])
    before = reversion_json(record)

    report = resources.import_file(key, data, filename=f"{key}.csv")

    assert report.counts["update"] == 1
    baseline, imported = Version.objects.get_for_object(record).order_by("pk")
    assert json.loads(baseline.serialized_data) == before
    assert json.loads(imported.serialized_data) == reversion_json(record)
    with translation.override(settings.LANGUAGE_CODE):
        assert imported.object_repr == str(model.objects.get(pk=record.pk))


@pytest.fixture
def content_types_put_back():
    """The test's changes to content types are rolled back; Django's cache of them must be
    forgotten too, or later tests would cite a content type that no longer exists."""
    yield
    ContentType.objects.clear_cache()


def test_import_versions_name_the_content_type_the_database_has_now(
    gwangju, content_types_put_back
):
    """Content types recreated under new ids while the process lives (a flush, a restore into
    a fresh database): the import's history names the new row, not an id remembered from an
    earlier import, which PostgreSQL refuses at commit."""
    headers, rows = read_export(resources.export_file("milestones"))
    title = headers.index("title_en")
    record = Milestone.objects.get(slug=rows[0][headers.index("slug")])
    rows[0][title] = f"{rows[0][title]} (first)"
    assert resources.import_file("milestones", to_csv(headers, rows)).committed
    # The old row stays (earlier versions and permissions cite it) under another name.
    ContentType.objects.filter(app_label="timeline", model="milestone").update(model="gone")
    ContentType.objects.clear_cache()  # as Django's own flush and migrate do
    recreated = ContentType.objects.get_for_model(Milestone)

    rows[0][title] = f"{rows[0][title]} (second)"
    report = resources.import_file("milestones", to_csv(headers, rows))

    assert report.committed, [str(problem) for problem in report.problems]
    milestone_versions = Version.objects.filter(
        content_type__model__in=["milestone", "gone"], object_id=str(record.pk)
    )
    latest = milestone_versions.latest("pk")
    assert latest.content_type_id == recreated.pk
    with translation.override(settings.LANGUAGE_CODE):  # versions are described in Korean
        assert latest.object_repr == str(Milestone.objects.get(pk=record.pk))


@pytest.mark.slow
def test_history_of_ten_thousand_rows_is_recorded_in_bulk(
    django_assert_max_num_queries, forum_2014
):
    rows = [["2014", f"bulk-{n}", f"Bulk {n}", "forum"] for n in range(2000)]
    data = to_csv(["year", "slug", "title_en", "initiative"], rows)

    with django_assert_max_num_queries(120):
        report = resources.import_file("milestones", data, filename="bulk.csv")

    assert report.ok
    assert Version.objects.filter(content_type__model="milestone").count() == 2000


# --- The public site after an import --------------------------------------------------


def public_timeline():
    """The public timeline as an anonymous visitor gets it (from the page cache if there)."""
    return Client().get("/ko/timeline/").content.decode()


def cache_public_timeline():
    """Visit the timeline until it is served from the page cache; return what it shows."""
    page = public_timeline()
    assert Client().get("/ko/timeline/")["X-Page-Cache"] == "hit"
    return page


def test_the_public_timeline_shows_an_admin_import_at_once(gwangju, as_superuser):
    assert NEW_TITLE not in cache_public_timeline()

    data, filename = edited_export(as_superuser, FORUM_2021, title_ko=NEW_TITLE)
    confirm(as_superuser, Milestone, confirm_data(preview(as_superuser, Milestone, data, filename)))

    assert NEW_TITLE in public_timeline()


def test_the_public_timeline_shows_an_importcsv_at_once(
    gwangju, tmp_path, django_capture_on_commit_callbacks
):
    assert NEW_TITLE not in cache_public_timeline()
    headers, rows = read_export(resources.export_file("milestones"))
    row = next(row for row in rows if row[headers.index("slug")] == FORUM_2021)
    row[headers.index("title_ko")] = NEW_TITLE
    path = tmp_path / "milestones.csv"
    path.write_bytes(to_csv(headers, rows, "cp949"))

    # The command's transaction commits: what runs then (the engine's post_import) runs here.
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "importcsv", "milestones", str(path), stdout=io.StringIO(), stderr=io.StringIO()
        )

    assert NEW_TITLE in public_timeline()
