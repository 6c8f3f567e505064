"""The public page cache: anonymous visitors get cached pages, nobody gets a stale one.

The suite's cache is each test process's own (hrcity/test_settings.py); the tests about
several processes sharing one content version use production's file cache in a directory of
their own.
"""

import io
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from timeline.caching import pages as page_cache
from timeline.caching import version
from timeline.models import Milestone

from .factories import cite, make_milestone, make_policy, make_theme
from .page_cache_helpers import stored_pages

pytestmark = pytest.mark.django_db

TIMELINE = "/en/timeline/"


@pytest.fixture
def milestone():
    return make_milestone(2014, make_policy(themes=[make_theme()]), title_en="Charter adopted")


def get(client, address=TIMELINE, **extra):
    response = client.get(address, **extra)
    assert response.status_code == 200, address
    return response


def assert_cached(client, django_assert_num_queries, address=TIMELINE):
    """The page is served from the cache: no query at all, marked as a hit."""
    with django_assert_num_queries(0):
        response = client.get(address)
    assert response[page_cache.STATUS_HEADER] == "hit"
    return response


def assert_fresh(client, address=TIMELINE):
    response = client.get(address)
    assert response[page_cache.STATUS_HEADER] == "miss", "expected a freshly rendered page"
    return response


# --- Anonymous visitors ----------------------------------------------------------------


def test_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, django_assert_num_queries, milestone
):
    first = get(client)
    assert first[page_cache.STATUS_HEADER] == "miss"
    second = assert_cached(client, django_assert_num_queries)
    assert second.content == first.content
    assert "Charter adopted" in second.content.decode()


@pytest.mark.parametrize(
    "address",
    ["/ko/", "/en/timeline/?page=1", "/ko/years/2014/", "/en/policies/", "milestone", "subject"],
)
def test_every_public_page_is_cached(client, django_assert_num_queries, milestone, address):
    address = {
        "milestone": milestone.get_absolute_url(),
        "subject": milestone.policy.get_absolute_url(),
    }.get(address, address)
    get(client, address)
    assert_cached(client, django_assert_num_queries, address)


def test_language_and_query_string_are_separate_entries(client, milestone):
    addresses = [
        "/en/timeline/",
        "/ko/timeline/",
        "/en/timeline/?year=2014",
        "/en/timeline/?year=2013",
        "/en/timeline/?kind=policy",
    ]
    pages = {}
    for address in addresses:
        pages[address] = assert_fresh(client, address).content
    for address in addresses:
        response = client.get(address)
        assert response[page_cache.STATUS_HEADER] == "hit"
        assert response.content == pages[address]
    assert pages["/ko/timeline/"] != pages["/en/timeline/"]
    assert b"Charter adopted" not in pages["/en/timeline/?year=2013"]


def test_searches_are_rendered_each_time_and_never_stored(client, milestone):
    # Any text is another page: storing searches would let anyone fill the cache.
    for _ in range(2):
        response = get(client, "/en/timeline/?q=Charter")
        assert response[page_cache.STATUS_HEADER] == "skip"
        assert "Charter adopted" in response.content.decode()
    assert not stored_pages()


def test_anonymous_pages_carry_cdn_headers_and_the_hit_keeps_them(client, milestone, settings):
    first = get(client)
    assert set(first["Cache-Control"].split(", ")) == {
        "public",
        f"max-age={settings.PAGE_CACHE_MAX_AGE}",
        f"s-maxage={settings.PAGE_CACHE_S_MAXAGE}",
    }
    assert "Cookie" in first["Vary"]
    hit = get(client)
    # The stored page is what the whole middleware stack sent: security headers included.
    for header in ("Cache-Control", "Vary", "Content-Security-Policy", "Content-Language"):
        assert hit[header] == first[header], header
    assert not hit.cookies


def test_a_hit_tells_browsers_and_cdns_the_ages_configured_now(client, milestone, settings):
    # An operator shortens the ages (an environment variable and a restart); pages stored
    # before must not go on telling CDNs to keep them for the old, longer time.
    assert get(client)[page_cache.STATUS_HEADER] == "miss"
    settings.PAGE_CACHE_MAX_AGE, settings.PAGE_CACHE_S_MAXAGE = 7, 11
    hit = get(client)
    assert hit[page_cache.STATUS_HEADER] == "hit"
    assert set(hit["Cache-Control"].split(", ")) == {"public", "max-age=7", "s-maxage=11"}


# --- Invalidation ----------------------------------------------------------------------


def rename(milestone):
    milestone.title_en = "Charter revised"
    milestone.save()


def unpublish_subject(milestone):
    milestone.policy.is_published = False
    milestone.policy.save()


def add_milestone(milestone):
    make_milestone(2014, milestone.policy, title_en="Charter revised")


def delete(milestone):
    milestone.delete()


def add_theme(milestone):
    milestone.policy.themes.add(make_theme(name_en="Charter revised"))


def clear_themes(milestone):
    milestone.policy.themes.clear()


def change_year(milestone):
    milestone.year.headline_en = "Charter revised"
    milestone.year.save()


def add_source(milestone):
    cite(milestone)


@pytest.mark.parametrize(
    "change",
    [
        rename,
        unpublish_subject,
        add_milestone,
        delete,
        add_theme,
        clear_themes,
        change_year,
        add_source,
    ],
)
def test_any_change_to_the_record_retires_cached_pages(client, milestone, change):
    address = f"/en/years/{milestone.year_id}/"
    for page in (TIMELINE, address):
        get(client, page)
        assert client.get(page)[page_cache.STATUS_HEADER] == "hit"
    change(milestone)
    for page in (TIMELINE, address):
        assert_fresh(client, page)


def test_the_page_shows_the_change(client, milestone):
    get(client)
    rename(milestone)
    page = assert_fresh(client).content.decode()
    assert "Charter revised" in page and "Charter adopted" not in page


def test_a_page_rendered_before_the_commit_does_not_outlive_it(
    client, milestone, django_capture_on_commit_callbacks
):
    # Another process may render the page after the save but before the commit, i.e.
    # from the old data, and store it under the new version: the commit must retire it.
    with django_capture_on_commit_callbacks() as callbacks:
        rename(milestone)
        get(client)
        assert client.get(TIMELINE)[page_cache.STATUS_HEADER] == "hit"
    assert callbacks
    for callback in callbacks:
        callback()
    assert_fresh(client)


def test_an_import_retires_cached_pages(
    client, milestone, tmp_path, django_capture_on_commit_callbacks
):
    exported = io.StringIO()
    call_command("exportcsv", "milestones", stdout=exported)
    edited = tmp_path / "milestones.csv"
    edited.write_text(exported.getvalue().replace("Charter adopted", "Charter revised"))
    get(client)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("importcsv", "milestones", str(edited), stdout=io.StringIO())
    assert Milestone.objects.get().title_en == "Charter revised"
    assert "Charter revised" in assert_fresh(client).content.decode()


def test_a_publish_action_in_the_admin_retires_cached_pages(client, admin_client, milestone):
    # The admin's bulk actions write with update(), which sends no model signal.
    hidden = make_milestone(2014, milestone.policy, title_en="Hidden draft", is_published=False)
    assert "Hidden draft" not in get(client).content.decode()
    response = admin_client.post(
        reverse("admin:timeline_milestone_changelist"),
        {"action": "publish_selected", "_selected_action": [hidden.pk]},
    )
    assert response.status_code == 302
    assert Milestone.objects.get(pk=hidden.pk).is_published
    assert "Hidden draft" in assert_fresh(client).content.decode()


@pytest.fixture
def file_cache(settings: LazySettings, tmp_path: Path) -> None:
    """Production's cache without REDIS_URL (hrcity/settings.py), in this test's directory."""
    production = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    settings.CACHES = {"default": {**production, "LOCATION": str(tmp_path / "cache")}}


def another_worker_cache() -> BaseCache:
    """The cache as another gunicorn worker or a manage.py command opens it: a new connection
    from the same settings, sharing nothing in memory with this process's."""
    return caches.create_connection("default")


def test_another_process_sees_the_new_version(
    file_cache: None, client: Client, milestone: Milestone
) -> None:
    other_worker = another_worker_cache()
    get(client)
    before = other_worker.get(version.VERSION_KEY)
    assert before == version.content_version()
    rename(milestone)  # saved by this process
    assert other_worker.get(version.VERSION_KEY) not in (None, before)
    assert_fresh(client)


def test_a_lost_version_does_not_bring_back_old_pages(client: Client, milestone: Milestone) -> None:
    get(client)
    cache.delete(version.VERSION_KEY)  # evicted, culled, or the cache directory cleaned
    assert_fresh(client)


# --- Staff -----------------------------------------------------------------------------


def test_signed_in_staff_bypass_the_cache_and_are_told_not_to_store(
    client, admin_client, milestone
):
    get(client)  # an anonymous visitor fills the cache
    for _ in range(2):
        response = get(admin_client)
        assert response[page_cache.STATUS_HEADER] == "bypass"
        directives = set(response["Cache-Control"].split(", "))
        assert {"private", "no-store"} <= directives and "public" not in directives
    # The staff request neither used nor replaced the anonymous entry.
    assert client.get(TIMELINE)[page_cache.STATUS_HEADER] == "hit"


def test_staff_see_a_change_at_once(admin_client, milestone, client):
    get(client)
    get(admin_client)
    Milestone.objects.filter(pk=milestone.pk).update(title_en="Charter revised")  # no signal
    assert "Charter revised" in get(admin_client).content.decode()


# --- What is never stored --------------------------------------------------------------


def sets_a_cookie(request):
    response = HttpResponse("personal")
    response.set_cookie("visitor", "42")
    return response


def fails(request):
    raise RuntimeError("boom")


def not_found(request):
    return HttpResponse("gone", status=404)


def plain(request):
    return HttpResponse("the same for everyone")


# Under a language prefix, where public pages live; only "plain" may be stored.
urlpatterns = [
    path("en/plain/", page_cache.cache_public_page(plain)),
    path("en/cookie/", page_cache.cache_public_page(sets_a_cookie)),
    path("en/error/", page_cache.cache_public_page(fails)),
    path("en/missing/", page_cache.cache_public_page(not_found)),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("address", ["/en/cookie/", "/en/error/", "/en/missing/"])
def test_responses_with_cookies_or_errors_are_never_stored(client, address):
    client.raise_request_exception = False
    assert client.get("/en/plain/")[page_cache.STATUS_HEADER] == "miss"
    assert client.get("/en/plain/")[page_cache.STATUS_HEADER] == "hit"
    for _ in range(2):
        response = client.get(address)
        assert response.get(page_cache.STATUS_HEADER) != "hit"
    assert len(stored_pages()) == 1


def test_a_missing_milestone_is_not_cached(client, milestone):
    address = f"/en/timeline/{milestone.year_id}/no-such-milestone/"
    assert client.get(address).status_code == 404
    assert client.get(address).status_code == 404
    assert not stored_pages()


def test_pages_are_served_uncached_when_the_cache_fails(client, milestone, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "set", unreachable)
    for _ in range(2):
        assert "Charter adopted" in get(client).content.decode()


def test_generating_demo_data_retires_cached_pages(client, django_capture_on_commit_callbacks):
    # generate_demo_data writes with bulk_create, which sends no model signal.
    get(client)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_data", "--milestones", "5", stdout=io.StringIO())
    assert "[Demo]" in assert_fresh(client).content.decode()


# --- Pre-rendered parts ----------------------------------------------------------------


def test_warm_cards_spare_a_page_reading_what_they_show(client, settings):
    """With the page cache off, a page joins ready cards: it reads the milestones it shows
    and nothing a card shows (subjects, their themes)."""
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(5):
        make_milestone(2014, make_policy(themes=[make_theme()]), title_en=f"Step {n}")

    with CaptureQueriesContext(connection) as cold:
        first = get(client).content.decode()
    with CaptureQueriesContext(connection) as warm:
        second = get(client).content.decode()

    assert second == first
    assert len(warm) < len(cold)
    read = " ".join(query["sql"] for query in warm.captured_queries)
    assert "timeline_policy_themes" not in read


def test_cards_follow_the_language_and_the_change(client, settings, milestone):
    settings.PAGE_CACHE_SECONDS = 0
    milestone.title_ko = "헌장 채택"
    milestone.save()
    assert "Charter adopted" in get(client, "/en/timeline/").content.decode()
    assert "헌장 채택" in get(client, "/ko/timeline/").content.decode()
    milestone.title_en = "Charter of Human Rights adopted"
    milestone.save()
    assert "Charter of Human Rights adopted" in get(client, "/en/timeline/").content.decode()
