"""Imports and exports as jobs, run at once by the Tasks framework's immediate backend.

A real worker in its own process (killed mid-job, too) is in tests/test_jobs_worker.py.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from timeline.jobs import imports
from timeline.jobs.progress import Stopped
from timeline.models import ExportJob, ImportJob, Milestone, Year
from timeline.permissions import EDITOR_GROUP, PUBLISHER_GROUP

from .admin_helpers import admin_url, client_for, messages_of, staff_member
from .factories import make_initiative, make_year

pytestmark = pytest.mark.django_db

State = ImportJob.State


@pytest.fixture
def superuser():
    return User.objects.create_superuser("chief", "chief@example.org", "x")


@pytest.fixture
def as_superuser(superuser):
    return client_for(superuser)


@pytest.fixture
def forum_2014():
    make_year(2014)
    return make_initiative(slug="forum")


@pytest.fixture
def in_background(settings):
    """Every admin import and export runs as a job, whatever its size."""
    settings.TIMELINE_IMPORT_JOB_BYTES = 0
    settings.TIMELINE_EXPORT_JOB_ROWS = 0


def milestones_file(*titles, initiative="forum"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["year", "slug", "title_en", "initiative"])
    for title in titles:
        writer.writerow(["2014", "", title, initiative])
    return out.getvalue().encode("utf-8")


def upload(client, data, filename="milestones.csv"):
    return client.post(
        admin_url(Milestone, "import"),
        {"import_file": SimpleUploadedFile(filename, data), "format": "0", "resource": "0"},
    )


def job_page(client, job):
    return client.get(admin_url(Milestone, "import_job", job.pk))


def queued_job(user, data=b"year,slug,title_en,initiative\r\n", **fields):
    fields.setdefault("state", State.QUEUED)
    return ImportJob.objects.create(
        user=user,
        model_key="milestones",
        file_name="big.csv",
        size=len(data),
        data=data,
        background=True,
        **fields,
    )


def test_a_job_keeps_its_file_byte_for_byte():
    # Every byte value: on PostgreSQL the file goes in by a way of its own (jobs.file_bytes).
    data = bytes(range(256)) * 4096
    job = imports.open_job(
        user=None, model_key="milestones", filename="big.xlsx", data=data, background=True
    )
    assert bytes(ImportJob.objects.get(pk=job.pk).data) == data
    assert job.size == len(data)


# --- The admin, above the threshold ---------------------------------------------------


def test_a_large_import_is_previewed_by_a_worker_then_imported_on_confirm(
    as_superuser, forum_2014, in_background
):
    response = upload(as_superuser, milestones_file("One", "Two"))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == admin_url(Milestone, "import_job", job.pk)
    page = job_page(as_superuser, job)
    assert page.status_code == 200
    assert page.context["confirm_form"].initial == {"job": job.pk}
    assert [row[2][2] for row in page.context["preview_rows"]] == ["One", "Two"]
    assert not Milestone.objects.exists()  # a preview writes nothing

    confirmed = as_superuser.post(admin_url(Milestone, "process_import"), {"job": job.pk})

    assert confirmed["Location"] == admin_url(Milestone, "import_job", job.pk)
    done = job_page(as_superuser, job)
    assert done["Location"] == admin_url(Milestone, "changelist")
    assert set(Milestone.objects.values_list("title_en", flat=True)) == {"One", "Two"}
    job.refresh_from_db()
    assert (job.state, job.count_new, job.background, bytes(job.data)) == (
        State.CONFIRMED,
        2,
        True,
        b"",
    )
    assert job.duration is not None and job.task_id


def test_the_preview_of_a_large_file_escapes_what_the_file_holds(
    as_superuser, forum_2014, in_background
):
    upload(as_superuser, milestones_file("<script>alert(1)</script>"))

    page = job_page(as_superuser, ImportJob.objects.get()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_large_broken_file_lists_its_problems_and_keeps_no_file(
    as_superuser, forum_2014, in_background
):
    upload(as_superuser, milestones_file("Fine", "Lost", initiative="nowhere"))

    job = ImportJob.objects.get()
    page = job_page(as_superuser, job)

    assert page.context["confirm_form"] is None
    assert any("nowhere" in str(problem) for problem in page.context["report"].problems)
    job.refresh_from_db()
    assert (job.state, job.count_refused, bytes(job.data)) == (State.REFUSED, 2, b"")
    assert job.problems[0][:3] == [2, "initiative", "nowhere"]


def test_a_job_page_is_only_for_whoever_started_it(as_superuser, forum_2014, in_background):
    upload(as_superuser, milestones_file("Mine"))
    job = ImportJob.objects.get()
    other = client_for(User.objects.create_superuser("other", "o@example.org", "x"))

    assert job_page(other, job).status_code == 404
    cancel = other.post(admin_url(Milestone, "import_cancel", job.pk))
    assert cancel.status_code == 404


# --- The progress page ----------------------------------------------------------------


def test_the_progress_page_shows_phase_rows_and_a_bar_and_refreshes_without_script(
    as_superuser, superuser
):
    job = queued_job(superuser, state=State.CHECKING, rows_total=1000, rows_done=250)
    job.heartbeat = timezone.now()
    job.save()

    with translation.override("en"):
        page = job_page(as_superuser, job).content.decode()

    assert '<progress id="job-progress" max="1000" value="250"' in page
    assert "250 of 1000 rows read and checked (25%)" in page
    assert 'role="status" aria-live="polite"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "Cancel this import" in page
    assert "No worker" not in page and "No word" not in page


def test_the_writing_phase_says_why_the_count_stops(as_superuser, superuser):
    job = queued_job(superuser, state=State.WRITING, heartbeat=timezone.now())

    with translation.override("en"):
        page = job_page(as_superuser, job).content.decode()

    assert "Writing" in page and "the whole file, or nothing" in page


def test_the_pages_script_learns_a_job_ended_without_using_up_its_message(as_superuser, superuser):
    job = queued_job(superuser, state=State.CONFIRMED, data=b"", count_new=3)

    check = as_superuser.get(admin_url(Milestone, "import_job", job.pk), HTTP_X_JOB_POLL="1")
    page = as_superuser.get(admin_url(Milestone, "import_job", job.pk), follow=True)

    assert check.status_code == 204
    (message,) = messages_of(page)  # once, on the list
    assert "big.csv" in message and "3" in message


def test_a_job_no_worker_takes_says_so_plainly(as_superuser, superuser):
    job = queued_job(superuser)
    ImportJob.objects.filter(pk=job.pk).update(created=timezone.now() - timedelta(seconds=40))

    with translation.override("en"):
        page = job_page(as_superuser, job).content.decode()

    assert "No worker has taken this job in 40 seconds" in page
    assert "make worker" in page


def test_a_job_whose_worker_went_silent_is_failed_with_the_reason(
    as_superuser, superuser, settings
):
    settings.TIMELINE_JOB_STALE_SECONDS = 30
    silent_since = timezone.now() - timedelta(seconds=31)
    job = queued_job(superuser, state=State.WRITING, heartbeat=silent_since)

    with translation.override("en"):
        page = job_page(as_superuser, job).content.decode()

    job.refresh_from_db()
    assert (job.state, bytes(job.data)) == (State.FAILED, b"")
    assert "The worker stopped answering" in job.reason
    assert "The worker stopped answering" in page and "<progress" not in page


def test_a_live_job_is_not_failed(superuser, settings):
    settings.TIMELINE_JOB_STALE_SECONDS = 30
    job = queued_job(superuser, state=State.WRITING, heartbeat=timezone.now())

    assert ImportJob.objects.fail_stale() == 0
    job.refresh_from_db()
    assert job.state == State.WRITING


def test_a_queued_import_cancelled_drops_its_file_and_never_runs(as_superuser, superuser):
    job = queued_job(superuser)

    response = as_superuser.post(admin_url(Milestone, "import_cancel", job.pk))

    assert response["Location"] == admin_url(Milestone, "import_job", job.pk)
    job.refresh_from_db()
    assert (job.state, bytes(job.data)) == (State.CANCELLED, b"")
    imports.run(job.pk, confirm=True)  # a worker that takes it late does nothing
    job.refresh_from_db()
    assert job.state == State.CANCELLED


# --- Cancelled or given up while writing: nothing written ------------------------------


def running_job(user, data):
    job = queued_job(user, data=data)
    return imports.claim(job.pk, confirm=True)


def test_a_cancel_that_comes_while_the_rows_are_written_rolls_the_import_back(
    superuser, forum_2014
):
    data = milestones_file("One", "Two")
    job = running_job(superuser, data)

    def cancel_when_checked(done, total):
        if done == total:
            ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)

    with pytest.raises(Stopped):
        imports.check_or_import(job, data, confirm=True, user=superuser, echo=cancel_when_checked)

    assert not Milestone.objects.exists()
    job.refresh_from_db()
    assert (job.state, bytes(job.data)) == (State.CANCELLED, b"")


def test_a_job_failed_as_silent_while_it_wrote_rolls_back_rather_than_end_twice(
    superuser, forum_2014, settings
):
    settings.TIMELINE_JOB_STALE_SECONDS = 1
    data = milestones_file("One")
    job = running_job(superuser, data)

    def go_silent(done, total):
        if done == total:
            long_ago = timezone.now() - timedelta(minutes=5)
            ImportJob.objects.filter(pk=job.pk).update(heartbeat=long_ago)
            assert ImportJob.objects.fail_stale() == 1

    with pytest.raises(Stopped):
        imports.check_or_import(job, data, confirm=True, user=superuser, echo=go_silent)

    assert not Milestone.objects.exists()
    job.refresh_from_db()
    assert job.state == State.FAILED


# --- The command line -----------------------------------------------------------------


def test_importcsv_background_returns_the_job_id_and_how_to_follow_it(tmp_path, forum_2014):
    path = tmp_path / "milestones.csv"
    path.write_bytes(milestones_file("Queued"))
    out = io.StringIO()

    with translation.override("en"):
        call_command("importcsv", "milestones", str(path), "--background", stdout=out)

    job = ImportJob.objects.get()
    assert f"Import job {job.pk} queued" in out.getvalue()
    assert f"importstatus {job.pk}" in out.getvalue()
    # The immediate backend has run it already; a worker would have too, by now.
    status = io.StringIO()
    with translation.override("en"):
        call_command("importstatus", str(job.pk), stdout=status)
    assert "milestones.csv: imported" in status.getvalue()
    assert "1 new" in status.getvalue()
    assert (job.source, job.background, job.user) == (ImportJob.Source.COMMAND, True, None)


def test_every_command_import_is_in_the_log_refused_ones_too(tmp_path, forum_2014):
    path = tmp_path / "bad.csv"
    path.write_bytes(milestones_file("Lost", initiative="nowhere"))

    with pytest.raises(CommandError):
        call_command(
            "importcsv", "milestones", str(path), stdout=io.StringIO(), stderr=io.StringIO()
        )

    job = ImportJob.objects.get()
    assert (job.state, job.file_name, job.count_refused) == (State.REFUSED, "bad.csv", 1)
    with pytest.raises(CommandError):
        call_command("importstatus", str(job.pk), stdout=io.StringIO(), stderr=io.StringIO())


def test_importstatus_of_an_unknown_job_is_a_plain_error():
    with translation.override("en"), pytest.raises(CommandError, match="no import job 999"):
        call_command("importstatus", "999", stdout=io.StringIO())


# --- Exports --------------------------------------------------------------------------


def test_a_large_export_runs_as_a_job_and_offers_the_file(as_superuser, forum_2014, in_background):
    make_year(2015)
    response = as_superuser.post(
        admin_url(Year, "export") + "?year__gte=2015",
        {"format": "0", "resource": "0"},
    )

    job = ExportJob.objects.get()
    assert response["Location"] == admin_url(Year, "export_job", job.pk)
    with translation.override("en"):
        page = as_superuser.get(response["Location"]).content.decode()
    assert "Download the file" in page
    download = as_superuser.get(admin_url(Year, "export_download", job.pk))
    assert download["Content-Disposition"].startswith('attachment; filename="years-')
    lines = download.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["2015"]  # only what the list showed


def test_an_export_file_is_not_offered_to_someone_else(as_superuser, superuser, in_background):
    job = ExportJob.objects.create(
        user=superuser, model_key="years", file_type="csv", state=ExportJob.State.DONE, data=b"x"
    )
    other = client_for(User.objects.create_superuser("other", "o@example.org", "x"))

    assert other.get(admin_url(Year, "export_download", job.pk)).status_code == 404
    assert as_superuser.get(admin_url(Year, "export_download", job.pk)).content == b"x"


# --- The import log -------------------------------------------------------------------


def log_entries(client):
    response = client.get(reverse("admin:timeline_importjob_changelist"))
    assert response.status_code == 200
    return {job.file_name for job in response.context["cl"].result_list}


def test_staff_see_their_own_imports_and_publishers_everyones():
    editor = staff_member(EDITOR_GROUP)
    publisher = staff_member(PUBLISHER_GROUP)
    for user, name in ((editor, "editor.csv"), (publisher, "publisher.csv")):
        ImportJob.objects.create(
            user=user, model_key="milestones", file_name=name, size=1, state=State.CONFIRMED
        )

    assert log_entries(client_for(editor)) == {"editor.csv"}
    assert log_entries(client_for(publisher)) == {"editor.csv", "publisher.csv"}


def test_the_import_log_is_read_only():
    editor = staff_member(EDITOR_GROUP)
    job = ImportJob.objects.create(
        user=editor, model_key="milestones", file_name="a.csv", size=1, state=State.CONFIRMED
    )
    client = client_for(editor)

    assert client.get(reverse("admin:timeline_importjob_add")).status_code == 403
    assert client.post(reverse("admin:timeline_importjob_delete", args=[job.pk])).status_code == 403


def test_the_import_log_lists_in_the_same_queries_however_long(superuser):
    client = client_for(superuser)

    def queries_for(entries):
        ImportJob.objects.all().delete()
        ImportJob.objects.bulk_create(
            ImportJob(user=superuser, model_key="milestones", file_name=f"{n}.csv", size=1)
            for n in range(entries)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:timeline_importjob_changelist")).status_code == 200
        return len(queries)

    queries_for(1)  # the session and the content types, once
    assert queries_for(1) == queries_for(50)


def test_prune_imports_drops_old_log_entries_and_old_export_files(superuser, settings):
    settings.TIMELINE_IMPORT_LOG_DAYS = 30
    old = ImportJob.objects.create(
        user=superuser, model_key="milestones", file_name="old.csv", size=1, state=State.CONFIRMED
    )
    ImportJob.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=31))
    ImportJob.objects.create(
        user=superuser, model_key="milestones", file_name="new.csv", size=1, state=State.CONFIRMED
    )
    export = ExportJob.objects.create(
        user=superuser,
        model_key="years",
        file_type="csv",
        state=ExportJob.State.DONE,
        data=b"x",
        finished=timezone.now() - timedelta(days=2),
    )

    call_command("prune_imports", stdout=io.StringIO())

    assert list(ImportJob.objects.values_list("file_name", flat=True)) == ["new.csv"]
    export.refresh_from_db()
    assert (export.state, bytes(export.data)) == (ExportJob.State.EXPIRED, b"")
