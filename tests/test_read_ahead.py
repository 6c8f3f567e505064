"""A page joined from ready parts reads the cache once (issue 15): its first read fetches,
with the content version, every key its address read last time (timeline/caching/
readahead.py). Reading ahead must never show an older record: an edit shows at once."""

from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import Client

from timeline.caching import readahead

from .factories import make_milestone, make_policy, make_theme

pytestmark = pytest.mark.django_db

PAGES = (
    "/ko/",
    "/en/timeline/",
    "/en/timeline/?theme=equality",
    "/en/policies/",
    "/en/years/2011/",
)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Every request is rendered: the page cache would answer in one read anyway."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def nothing_learnt() -> Iterator[None]:
    readahead.forget_all()
    yield
    readahead.forget_all()


@pytest.fixture
def cache_reads(monkeypatch) -> list[str]:
    """The names of the cache's read calls, in order: each is one round trip to Redis.
    (The local-memory cache of the tests answers ``get_many`` with ``get``s: not counted.)"""
    calls: list[str] = []
    within_get_many = False
    backend = caches["default"]
    get, get_many = backend.get, backend.get_many

    def counted_get(*args, **kwargs):
        if not within_get_many:
            calls.append("get")
        return get(*args, **kwargs)

    def counted_get_many(*args, **kwargs):
        nonlocal within_get_many
        calls.append("get_many")
        within_get_many = True
        try:
            return get_many(*args, **kwargs)
        finally:
            within_get_many = False

    monkeypatch.setattr(backend, "get", counted_get)
    monkeypatch.setattr(backend, "get_many", counted_get_many)
    return calls


@pytest.fixture
def record():
    theme = make_theme(slug="equality", name_en="Equality", name_ko="평등")
    policy = make_policy(slug="charter", name_en="Charter", name_ko="헌장", themes=[theme])
    return make_milestone(2011, policy, slug="charter-adopted", title_en="Charter adopted")


@pytest.mark.parametrize("address", PAGES)
def test_a_page_rendered_again_reads_the_cache_once(record, cache_reads, address):
    client = Client()
    first = client.get(address)
    assert first.status_code == 200
    assert len(cache_reads) > 1  # the first rendering fills the parts one by one
    cache_reads.clear()
    again = client.get(address)
    assert cache_reads == ["get_many"]
    assert again.text == first.text


def test_an_edit_shows_at_once_though_the_page_reads_ahead(record):
    client = Client()
    client.get("/en/timeline/")
    client.get("/en/timeline/")
    record.title_en = "Charter of Gwangju adopted"
    record.save()
    page = client.get("/en/timeline/").text
    assert "Charter of Gwangju adopted" in page
    assert "Charter adopted<" not in page


def test_a_withdrawn_milestone_leaves_the_page_it_was_read_ahead_for(record):
    client = Client()
    client.get("/en/timeline/")
    assert "Charter adopted" in client.get("/en/timeline/").text
    record.is_published = False
    record.save()
    assert "Charter adopted" not in client.get("/en/timeline/").text


def test_a_search_teaches_nothing(record, cache_reads):
    client = Client()
    for _ in range(3):
        cache_reads.clear()
        assert client.get("/en/timeline/?q=charter").status_code == 200
    assert len(cache_reads) > 1  # a search's address is whatever was typed: not learnt
    assert not readahead._learnt


def test_what_is_learnt_is_bounded(record, monkeypatch):
    monkeypatch.setattr(readahead._learnt, "size", 3)
    client = Client()
    for page in range(1, 6):
        client.get(f"/en/timeline/?page={page}")
    for year in (2011, 2012):
        client.get(f"/en/timeline/?year={year}")
    assert len(readahead._learnt) == 3
