"""The content version as it is now: one read per request, and nothing outlives a scheduled
change.

A record set to appear or leave at a time (``publish_at``, ``withdraw_at``: models/editorial.py)
changes the public site then, with no save, so no signal replaces the content version. So:

* the next scheduled change still to come is found by one query over every publishable model,
  and kept in the cache with the content version it was found under (a save replaces the
  version, hence the answer);
* every read of the cache for a page, a part or a figure (``current_entries``) reads the
  version, that next change and the entries wanted in one call (one round trip to Redis);
  once the change has come, the version is replaced first: every page and figure stored
  under the old one is retired at once, and the change announced, as after a save;
* a page is stored, and told to browsers (``max-age``) and CDNs (``s-maxage``) to keep, for no
  longer than the seconds until that change (``seconds_until_next_change``), since a CDN can
  be told nothing later; served again from the cache, it is told the seconds left then
  (``with_seconds_left``), not the ages it was stored with.
"""

import datetime
import math
from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from timeline.caching import readahead
from timeline.caching.version import (
    MISSING,
    VERSION_KEY,
    VERSION_SECONDS,
    Record,
    announce,
    bump_content_version,
    content_version,
    entries_of,
    record_of,
)
from timeline.models import SCHEDULE_FIELDS, Editorial

NEXT_KEY = "timeline:next-scheduled-change"  # (version, timestamp or NONE_AHEAD)
NONE_AHEAD = 0.0  # no change is scheduled


def upcoming_change(now: datetime.datetime) -> datetime.datetime | None:
    """The first publish or withdraw time after ``now`` of any record: one query."""
    parts: list[QuerySet[Any, datetime.datetime]] = [
        model._default_manager.order_by()
        .filter(**{f"{field}__gt": now})
        .annotate(at=F(field))
        .values_list("at", flat=True)
        for model in apps.get_app_config("timeline").get_models()
        if issubclass(model, Editorial)
        for field in SCHEDULE_FIELDS
    ]
    first, *rest = parts
    return first.union(*rest).order_by("at").first()


def changed_between(start: datetime.datetime, end: datetime.datetime) -> list[Record]:
    """The records that appeared or left, as scheduled, after ``start`` and by ``end``."""
    found: list[Record] = []
    for model in apps.get_app_config("timeline").get_models():
        if issubclass(model, Editorial):
            condition = Q()
            for field in SCHEDULE_FIELDS:
                condition |= Q(**{f"{field}__gt": start, f"{field}__lte": end})
            found += map(record_of, model._default_manager.filter(condition))
    return found


def _next_change(version: str, stored: Any, now: datetime.datetime) -> datetime.datetime | None:
    """The next scheduled change as known under ``version`` (``stored``), else found now."""
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
        timestamp = stored[1]
    else:
        change = upcoming_change(now)
        timestamp = change.timestamp() if change else NONE_AHEAD
        cache.set(NEXT_KEY, (version, timestamp), VERSION_SECONDS)
    if timestamp == NONE_AHEAD:
        return None
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


def _read(
    keys: Sequence[str], now: datetime.datetime
) -> tuple[str, datetime.datetime | None, dict[str, Any]]:
    """(version, next scheduled change, the entries of ``keys`` stored for the version).

    Within a page's rendering, what its first read fetched answers the later ones
    (readahead.py)."""
    ahead = readahead.current()
    if ahead is None:
        return _fetch(keys, now)
    if not ahead.answers(keys):
        fetched = ahead.to_fetch(keys)
        version, change, found = _fetch(fetched, now)
        ahead.remember(version, change, fetched, found)
    else:
        ahead.to_fetch(keys)  # counted as read: the next rendering fetches them first
    assert ahead.version is not None
    return ahead.version, ahead.change, ahead.found(keys)


def _fetch(
    keys: Sequence[str], now: datetime.datetime
) -> tuple[str, datetime.datetime | None, dict[str, Any]]:
    found = cache.get_many([VERSION_KEY, NEXT_KEY, *keys])
    version = found.pop(VERSION_KEY, None)
    if version is None:
        version = content_version()  # a new version: nothing is stored under it yet
        return version, _next_change(version, None, now), {}
    change = _next_change(version, found.pop(NEXT_KEY, None), now)
    if change is not None and change <= now:
        # Every process that notices agrees on one replacement: the first to add the mark.
        if cache.add(f"{NEXT_KEY}:passed:{version}", True, 60):
            bump_content_version()
            announce()  # as after a save: the pages are warmed again (timeline/jobs/warming.py)
        version = content_version()
        return version, _next_change(version, None, now), {}
    return version, change, entries_of(version, found)


def current_entries(
    keys: Sequence[str], now: datetime.datetime | None = None
) -> tuple[str, dict[str, Any]]:
    """The content version as it is now and, of ``keys``, the entries stored for it."""
    version, _change, entries = _read(keys, now or timezone.now())
    return version, entries


def with_current_version(key: str, now: datetime.datetime | None = None) -> tuple[str, Any]:
    """The content version as it is now and what ``key`` holds for it (else ``MISSING``)."""
    version, stored, _seconds = with_seconds_left(key, now)
    return version, stored


def with_seconds_left(
    key: str, now: datetime.datetime | None = None
) -> tuple[str, Any, int | None]:
    """As ``with_current_version``, and the seconds until the next scheduled change (None if
    none), from the same read: a page served from the cache is told to browsers and CDNs to
    keep for no longer than that, however long ago it was stored."""
    now = now or timezone.now()
    version, change, entries = _read([key], now)
    return version, entries.get(key, MISSING), _seconds_until(change, now)


def next_change(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the public site next changes by itself (a scheduled time), or None if never."""
    _version, change, _entries = _read([], now or timezone.now())
    return change


def seconds_until_next_change(now: datetime.datetime | None = None) -> int | None:
    """Seconds until the public site next changes by itself (at least 1), or None if never."""
    now = now or timezone.now()
    return _seconds_until(next_change(now), now)


def _seconds_until(change: datetime.datetime | None, now: datetime.datetime) -> int | None:
    if change is None:
        return None
    return max(1, math.ceil((change - now).total_seconds()))
