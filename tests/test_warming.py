"""After a change, the most asked-for public pages are already in the cache (issue 15).

Tasks run at once in the suite (hrcity/test_settings.py), so a change's warm-up runs when its
transaction's commit callbacks do (``django_capture_on_commit_callbacks(execute=True)``).
The warm-up is off in the suite; these tests turn it on.
"""

import gzip
import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from django_tasks import task_backends

from timeline.caching import pages as page_cache
from timeline.caching import version
from timeline.caching.origins import ORIGINS_KEY
from timeline.jobs import tasks, warming
from timeline.models import Milestone

from .admin_helpers import admin_url, form_data
from .factories import make_milestone, make_policy

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"  # the test client's


@pytest.fixture(autouse=True)
def warm(settings):
    settings.TIMELINE_WARM_PAGES = True
    # Records of earlier tests' transactions, whose commit callbacks never ran.
    version._uncommitted_records().clear()


@pytest.fixture
def milestone():
    return make_milestone(
        2014, make_policy(), slug="charter", title_en="Charter adopted", title_ko="헌장 제정"
    )


@pytest.fixture
def visitor(milestone):
    """An anonymous visitor who has seen the home page: the cache knows the site's origin."""
    client = Client()
    assert client.get("/ko/")[page_cache.STATUS_HEADER] == "miss"
    return client


def addresses(milestone: Milestone, language: str) -> list[str]:
    with translation.override(language):
        return [
            f"/{language}/",
            f"/{language}/timeline/",
            milestone.get_absolute_url(),
            milestone.year.get_absolute_url(),
        ]


def assert_served_from_cache(client, address, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(address)
    assert response.status_code == 200, address
    assert response[page_cache.STATUS_HEADER] == "hit", address
    return response.content.decode()


def rename(milestone, title_en="Charter revised", title_ko="헌장 개정"):
    milestone.title_en, milestone.title_ko = title_en, title_ko
    milestone.save()


def test_after_an_admin_edit_the_first_visit_is_served_from_the_cache_with_the_change(
    visitor, admin_client, milestone, django_capture_on_commit_callbacks, django_assert_num_queries
):
    change = admin_url(Milestone, "change", milestone.pk)
    data = form_data(admin_client.get(change)) | {
        "title_en": "Charter revised",
        "title_ko": "헌장 개정",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    for language, title in (("ko", "헌장 개정"), ("en", "Charter revised")):
        for address in addresses(milestone, language):
            page = assert_served_from_cache(visitor, address, django_assert_num_queries)
            assert title in page, address
            assert "Charter adopted" not in page and "헌장 제정" not in page, address


def test_after_a_save_a_browsers_first_visit_is_served_gzipped_from_the_cache(
    visitor, milestone, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        rename(milestone)
    browser = Client(headers={"Accept-Encoding": "gzip, deflate, br"})
    with django_assert_num_queries(0):
        response = browser.get("/en/timeline/")
    assert response[page_cache.STATUS_HEADER] == "hit"
    assert response["Content-Encoding"] == "gzip"
    assert "Charter revised" in gzip.decompress(response.content).decode()


def test_a_save_warms_the_directories_and_the_milestones_subject_too(
    visitor, milestone, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        rename(milestone)
    with translation.override("en"):
        subject = milestone.policy.get_absolute_url()
    for address in ("/ko/policies/", "/en/initiatives/", "/ko/institutions/", subject):
        page = assert_served_from_cache(visitor, address, django_assert_num_queries)
    assert "Charter revised" in page


def test_a_deleted_milestones_year_is_warmed_without_it(
    visitor, milestone, django_capture_on_commit_callbacks, django_assert_num_queries
):
    make_milestone(2014, milestone.policy, title_en="Another one")
    with django_capture_on_commit_callbacks(execute=True):
        milestone.delete()
    page = assert_served_from_cache(visitor, "/en/years/2014/", django_assert_num_queries)
    assert "Another one" in page and "Charter adopted" not in page


@pytest.mark.parametrize(
    "hide",
    [
        pytest.param({"is_published": False}, id="unpublished"),
        pytest.param({"withdraw_at": timezone.now()}, id="withdrawn"),
    ],
)
def test_a_hidden_milestones_page_is_not_warmed_and_still_404s(
    visitor, milestone, hide, django_capture_on_commit_callbacks
):
    address = milestone.get_absolute_url()
    for name, value in hide.items():
        setattr(milestone, name, value)
    with django_capture_on_commit_callbacks(execute=True):
        milestone.save()
    warmed = [key for key in cache._cache if page_cache.PAGE_KEY in key]
    assert warmed, "the other pages were warmed"
    response = visitor.get(address)
    assert response.status_code == 404
    assert response.get(page_cache.STATUS_HEADER) != "hit"
    assert "Charter adopted" not in visitor.get("/en/timeline/").content.decode()


class Queue:
    """Stands in for the task: counts what is queued, runs it when told (as a worker)."""

    def __init__(self):
        self.queued = 0

    def enqueue(self, *args):
        self.queued += 1

    def using(self, **options):
        return self

    def get_backend(self):
        return tasks.warm_pages.get_backend()


def test_a_burst_of_saves_queues_one_job_that_warms_every_changed_page(
    visitor, milestone, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    queue = Queue()
    monkeypatch.setattr(tasks, "warm_pages", queue)
    others = [make_milestone(2015, milestone.policy, title_en=f"Other {n}") for n in range(3)]
    for n in range(30):  # thirty edits, each saved in a transaction of its own
        with django_capture_on_commit_callbacks(execute=True):
            rename(others[n % 3], title_en=f"Other {n}")
    with django_capture_on_commit_callbacks(execute=True):
        for edited in others:  # and one transaction of several saves
            rename(edited, title_en=f"Final {edited.pk}")
    assert queue.queued == 1

    warming.run()  # a worker takes the job
    for edited in others:
        page = assert_served_from_cache(
            visitor, edited.get_absolute_url(), django_assert_num_queries
        )
        assert f"Final {edited.pk}" in page
    with django_capture_on_commit_callbacks(execute=True):
        rename(milestone)
    assert queue.queued == 2, "a change after the job began queues the next"


def test_one_transaction_of_many_saves_announces_once(
    milestone, django_capture_on_commit_callbacks
):
    heard = []

    def listen(sender, records, **kwargs):
        heard.append(records)

    version.content_committed.connect(listen, dispatch_uid="test-listen")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(20):
                rename(milestone, title_en=f"Charter {n}")
    finally:
        version.content_committed.disconnect(dispatch_uid="test-listen")
    assert len(heard) == 1
    # (With the records created before it: their transaction's callbacks never ran here.)
    assert heard[0].count(("timeline.milestone", milestone.pk, 2014)) == 1


def test_the_warm_up_stops_when_the_record_changes_again(visitor, milestone, monkeypatch):
    version.bump_content_version()
    made = []

    def request_then_change(origin, path):
        made.append(path)
        request = anonymous_request(origin, path)
        version.bump_content_version()  # saved by someone else while this page renders
        return request

    anonymous_request = warming.anonymous_request
    monkeypatch.setattr(warming, "anonymous_request", request_then_change)
    warmed = warming.run()
    assert warmed.stopped
    assert len(made) == 1


def test_each_version_is_warmed_once(visitor, milestone):
    version.bump_content_version()
    first = warming.run()
    assert first.answers and set(first.answers.values()) == {"miss"}
    assert not warming.run().answers


def test_pages_are_warmed_for_the_origin_visitors_use(visitor, settings, milestone):
    assert cache.get(ORIGINS_KEY) == [ORIGIN]
    Client(HTTP_HOST="localhost").get("/en/")
    assert cache.get(ORIGINS_KEY) == ["http://localhost", ORIGIN]
    version.bump_content_version()
    warmed = warming.run()
    assert {"http://localhost/ko/", "http://testserver/ko/"} <= set(warmed.answers)

    settings.TIMELINE_WARM_ORIGINS = ["https://testserver"]
    version.bump_content_version()
    assert all(page.startswith("https://testserver/") for page in warming.run().answers)
    # Stored under the address an HTTPS visitor asks for (behind the TLS proxy in production).
    assert Client().get("/ko/", secure=True)[page_cache.STATUS_HEADER] == "hit"


def test_nothing_is_warmed_when_turned_off(
    visitor, milestone, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TIMELINE_WARM_PAGES = False
    queue = Queue()
    monkeypatch.setattr(tasks, "warm_pages", queue)
    with django_capture_on_commit_callbacks(execute=True):
        rename(milestone)
    assert queue.queued == 0
    assert visitor.get("/ko/")[page_cache.STATUS_HEADER] == "miss"


def test_a_dead_cache_never_fails_an_edit(
    visitor, admin_client, milestone, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    for method in ("get", "set", "add", "delete", "get_many", "set_many"):
        monkeypatch.setattr(cache, method, unreachable)
    change = admin_url(Milestone, "change", milestone.pk)
    data = form_data(admin_client.get(change)) | {"title_en": "Charter revised"}
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change, data)
    assert response.status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).title_en == "Charter revised"
    assert "Could not queue the warm-up of public pages" in caplog.text
    assert "Charter revised" in visitor.get("/en/timeline/").content.decode()


def test_a_failing_queue_never_fails_an_edit_and_the_next_change_tries_again(
    milestone, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    class DeadQueue(Queue):
        def enqueue(self, *args):
            super().enqueue(*args)
            raise ConnectionError("database gone")

    queue = DeadQueue()
    monkeypatch.setattr(tasks, "warm_pages", queue)
    for title in ("Charter revised", "Charter revised again"):
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            rename(milestone, title_en=title)
    assert Milestone.objects.get(pk=milestone.pk).title_en == "Charter revised again"
    assert queue.queued == 2
    assert "Could not queue the warm-up of public pages" in caplog.text


def test_a_scheduled_publication_is_warmed_when_it_comes(
    visitor, milestone, django_assert_num_queries
):
    # The worker runs the job queued for just after the scheduled time; nothing was saved.
    at = timezone.now() - timezone.timedelta(seconds=1)
    draft = make_milestone(2014, milestone.policy, title_en="Scheduled", publish_at=at)
    version.bump_content_version()
    warmed = warming.run(scheduled_at=at.isoformat())
    assert ORIGIN + draft.get_absolute_url() in warmed.answers
    page = assert_served_from_cache(visitor, draft.get_absolute_url(), django_assert_num_queries)
    assert "Scheduled" in page


def test_after_a_warm_up_a_job_waits_for_the_next_scheduled_publication(settings, milestone):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    at = (timezone.now() + timezone.timedelta(days=2)).replace(microsecond=0)
    make_milestone(2014, milestone.policy, publish_at=at)
    for _ in range(2):  # two warm-ups before it comes: one job waits for it
        tasks.warm_at_next_scheduled_change()
    (waiting,) = task_backends["default"].results
    assert waiting.task.run_after == at + warming.SCHEDULE_SLACK
    assert waiting.args == [(at + warming.SCHEDULE_SLACK).isoformat()]
