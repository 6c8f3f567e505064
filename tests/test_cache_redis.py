"""The page cache on Redis, as production runs it: one round trip per cached page.

Each request used to read the content version, then the page stored under it: two round
trips to Redis for every hit. The version now travels with the page, and both are read in
one MGET. These tests count the commands the Redis client sends.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import LazySettings
from django.test import Client

from timeline.caching import pages as page_cache
from timeline.models import Milestone

from .factories import make_milestone, make_policy, make_theme
from .junk_queries import REAL_PAGES, TIMELINE, send_junk

pytestmark = pytest.mark.django_db

# TEST_REDIS: another server or database, say one of your own on a shared machine.
REDIS = os.environ.get("TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache(settings: LazySettings) -> Iterator[str]:
    """Production's cache with REDIS_URL, under a key prefix of this test's own."""
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (CI and the development machine run one)")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "hrcity.cache.ReusedClientRedisCache",  # production's
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    # Not FLUSHDB: other test processes share this Redis database.
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every command the Redis client sends from now on."""
    sent: list[str] = []
    execute = redis.Redis.execute_command

    def counting(self: redis.Redis, *args: object, **options: object) -> object:
        sent.append(str(args[0]).upper())
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return sent


@pytest.fixture
def milestone() -> Milestone:
    return make_milestone(2014, make_policy(themes=[make_theme()]), title_en="Charter adopted")


def test_a_cached_page_costs_one_round_trip(redis_cache, commands, client: Client, milestone):
    assert client.get(TIMELINE)[page_cache.STATUS_HEADER] == "miss"
    commands.clear()

    response = client.get(TIMELINE)

    assert response[page_cache.STATUS_HEADER] == "hit"
    assert "Charter adopted" in response.content.decode()
    assert commands == ["MGET"]


def test_a_change_is_seen_at_once_through_redis(redis_cache, client: Client, milestone):
    client.get(TIMELINE)
    milestone.title_en = "Charter of Human Rights adopted"
    milestone.save()

    response = client.get(TIMELINE)

    assert response[page_cache.STATUS_HEADER] == "miss"
    assert "Charter of Human Rights adopted" in response.content.decode()
    assert client.get(TIMELINE)[page_cache.STATUS_HEADER] == "hit"


def test_remembered_figures_read_the_version_with_the_figure(
    redis_cache, commands, settings: LazySettings, client: Client, milestone
):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders; the figures are remembered
    client.get(TIMELINE)
    commands.clear()

    assert client.get(TIMELINE).status_code == 200

    # Each figure is one MGET of the version and the figure, never a GET of the version first.
    assert commands and set(commands) == {"MGET"}


@pytest.mark.slow  # a thousand requests: about 45 s
def test_a_thousand_junk_query_strings_leave_no_key_behind(redis_cache, client: Client, milestone):
    """Issue 13: a hundred junk requests of four kinds once took Redis from 53 keys to 576."""
    keys = redis.Redis.from_url(REDIS)
    for page in REAL_PAGES:
        assert client.get(page).status_code == 200
    kept = set(keys.scan_iter(match=f"{redis_cache}:*"))
    assert len(kept) < 24  # two pages in two forms (encoding.py), their parts and figures

    send_junk(client)

    assert set(keys.scan_iter(match=f"{redis_cache}:*")) == kept


def test_two_databases_on_one_redis_share_nothing(settings: LazySettings):
    """Cache keys are scoped to the database: two sites on one Redis never share a version."""
    from hrcity.settings import cache_key_prefix

    first = cache_key_prefix({"ENGINE": "postgresql", "NAME": "hrcity", "HOST": "db1"})
    second = cache_key_prefix({"ENGINE": "postgresql", "NAME": "hrcity", "HOST": "db2"})
    assert first != second
    assert first == cache_key_prefix({"ENGINE": "postgresql", "NAME": "hrcity", "HOST": "db1"})


def test_a_dead_redis_serves_pages_uncached(settings: LazySettings, client: Client, milestone):
    settings.CACHES = {
        "default": {
            "BACKEND": "hrcity.cache.ReusedClientRedisCache",  # production's
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client.get(TIMELINE)
    assert response.status_code == 200
    assert "Charter adopted" in response.content.decode()
