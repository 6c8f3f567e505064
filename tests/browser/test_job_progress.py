"""A background import's progress page in Chromium: it follows the job in place with
JavaScript (so the live region announces a new phase), and without it by reloading."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from timeline.models import ImportJob

from .conftest import csp_violations
from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "job-watching-password-1"


@pytest.fixture
def job():
    user = get_user_model().objects.create_superuser("watcher", password=PASSWORD)
    return ImportJob.objects.create(
        user=user,
        model_key="milestones",
        file_name="big.csv",
        size=10,
        data=b"year,slug",
        state=ImportJob.State.CHECKING,
        background=True,
        rows_total=1000,
        rows_done=100,
        heartbeat=timezone.now(),
    )


def watch(site, page_factory, job, **options):
    page = page_factory(locale="en", extra_http_headers={"Accept-Language": "en"}, **options)
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "watcher")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{site}/admin/timeline/milestone/import/{job.pk}/")
    return page


def advance(job, **fields):
    ImportJob.objects.filter(pk=job.pk).update(heartbeat=timezone.now(), **fields)


def test_the_page_follows_the_job_in_place_then_shows_how_it_ended(site, page_factory, job):
    page = watch(site, page_factory, job)
    assert page.locator("#job-progress").get_attribute("value") == "100"
    assert axe_violations(page) == []
    page.evaluate("window.__samePage = true")

    advance(job, rows_done=1000, state=ImportJob.State.WRITING)
    page.locator("[role=status]", has_text="Writing").wait_for(timeout=10_000)
    assert page.evaluate("window.__samePage === true")  # updated in place, not reloaded
    assert page.locator("#job-rows").inner_text() == "1000 of 1000 rows read and checked (100%)."

    advance(job, state=ImportJob.State.FAILED, reason="Stopped for the test.", data=b"")
    page.wait_for_selector("text=Stopped for the test.", timeout=10_000)
    assert page.locator("progress").count() == 0
    assert not csp_violations(page)


def test_without_javascript_the_page_reloads_itself(site, page_factory, job):
    page = watch(site, page_factory, job, java_script_enabled=False)
    assert page.locator("#job-rows").inner_text() == "100 of 1000 rows read and checked (10%)."

    advance(job, rows_done=500)
    page.wait_for_selector("text=500 of 1000 rows read and checked", timeout=10_000)


def test_a_finished_import_lands_on_the_list_with_its_message(site, page_factory, job):
    page = watch(site, page_factory, job)

    advance(job, state=ImportJob.State.CONFIRMED, count_new=1000, data=b"")
    page.wait_for_url("**/admin/timeline/milestone/", timeout=10_000)

    assert page.locator(".messagelist li").all_inner_texts() == [
        "Imported big.csv: 1000 new, 0 updated, 0 unchanged, 0 invalid."
    ]  # said once, though the script checked the page before loading it
