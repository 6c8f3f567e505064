"""Nobody can grow the page cache without limit, or skip it at will (issue 13, finding 4).

The key holds only the parameters a page reads, written one way (timeline/caching/
canonical.py); a page the cache does not store leaves no ready part or remembered figure of
its own either (timeline/caching/keeping.py); a session cookie skips the cache only when it
names a real staff session.
"""

import itertools

import pytest
from django.core.cache import cache
from django.http import QueryDict

from timeline.caching import pages as page_cache
from timeline.caching import version
from timeline.caching.canonical import Parameter, canonical_query

from .factories import make_milestone, make_policy, make_theme
from .junk_queries import REAL_PAGES, TIMELINE, send_junk
from .page_cache_helpers import stored_pages

pytestmark = pytest.mark.django_db

HEADER = page_cache.STATUS_HEADER


@pytest.fixture
def milestone():
    return make_milestone(2014, make_policy(themes=[make_theme(slug="rights")]), title_en="Charter")


@pytest.mark.slow  # a thousand requests: about 45 s
def test_a_thousand_junk_query_strings_leave_a_handful_of_entries(client, milestone):
    for page in REAL_PAGES:
        assert "Charter" in client.get(page).content.decode()
    # The two pages, each as rendered and gzipped, and what they were built from: the
    # content version, ready parts (cards, lists, filter forms, the site's navigation),
    # figures (counts, the chart).
    entries = set(cache._cache)
    assert len(stored_pages()) == 2
    assert len(entries) < 24, sorted(entries)

    send_junk(client)

    # Not one more entry of any kind: pages, parts and figures alike.
    assert set(cache._cache) == entries


def test_equivalent_addresses_share_one_entry_rendered_from_the_canonical_one(client, milestone):
    first = client.get(f"{TIMELINE}?kind=policy&kind=institution&utm_x=1")
    assert first[HEADER] == "miss"
    again = client.get(f"{TIMELINE}?kind=institution&kind=policy&kind=policy&ref=2&page=1")
    assert again[HEADER] == "hit"
    assert again.content == first.content
    # The page was rendered from the canonical query: its links carry no junk.
    assert b"utm_x" not in first.content


@pytest.mark.parametrize(
    "query",
    ["year=abc", "year=1000", "theme=no-such-theme", "kind=nothing", "page=999", "page=x"],
)
def test_pages_with_an_error_are_shown_but_never_stored(client, milestone, query):
    for _ in range(2):
        response = client.get(f"{TIMELINE}?{query}")
        assert response.status_code == 200
        assert response[HEADER] == "skip"
    assert not stored_pages()


def test_a_garbage_session_cookie_is_served_from_the_cache(client, milestone):
    assert client.get(TIMELINE)[HEADER] == "miss"
    client.cookies["sessionid"] = "not-a-session-at-all"
    assert client.get(TIMELINE)[HEADER] == "hit"


def test_a_real_session_of_someone_no_longer_staff_is_served_from_the_cache(
    client, admin_client, admin_user, milestone
):
    assert client.get(TIMELINE)[HEADER] == "miss"
    assert admin_client.get(TIMELINE)[HEADER] == "bypass"
    admin_user.is_staff = False
    admin_user.save()
    assert admin_client.get(TIMELINE)[HEADER] == "hit"


def test_every_entry_expires(client, milestone):
    client.get(TIMELINE)
    client.get(f"{TIMELINE}?year=2014")
    assert stored_pages()
    for key in cache._cache:
        assert cache._expire_info[key] is not None, key  # the content version included


def test_an_evicted_content_version_is_replaced_by_a_new_random_one(client, milestone, monkeypatch):
    client.get(TIMELINE)
    first = version.content_version()
    cache.delete(version.VERSION_KEY)  # evicted by Redis under maxmemory
    second = version.content_version()
    assert second not in (None, first)
    # Evicted again the moment it is written: this request still gets a token of its own.
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    cache.delete(version.VERSION_KEY)
    assert version.content_version() not in (None, first, second)
    assert client.get(TIMELINE)[HEADER] == "miss"


def test_the_canonical_query_keeps_known_parameters_written_one_way() -> None:
    parameters = [
        Parameter("kind", repeatable=True),
        Parameter("year", whole_number=True),
        Parameter("page", whole_number=True, default="1"),
        Parameter("q", free_text=True),
    ]
    spellings = ["year=+02014", "year=2014.0", "year= 2014 ", "year=1999&year=2014"]
    extras = ["", "&page=1", "&page=01", "&q=", "&utm=1", "&kind=b&kind=a&kind=a"]
    keys = {
        canonical_query(QueryDict(spelling + extra), parameters).urlencode()
        for spelling, extra in itertools.product(spellings, extras)
    }
    assert keys == {"year=2014", "kind=a&kind=b&year=2014"}
    searched = canonical_query(QueryDict("q=%20human%20%20rights%20"), parameters)
    assert searched.urlencode() == "q=human+rights"
