"""Nothing cached outlives a scheduled change.

A record set to appear or leave at a time (``publish_at``, ``withdraw_at``: models/editorial.py)
changes the public site then, with no save, so no signal replaces the content version. So:

* the next scheduled change still to come is found by one query over every publishable model,
  and remembered under the content version (a save replaces the version, hence the answer);
* once that time has come, ``current_version()`` replaces the content version: every page and
  figure stored under the old one is retired at once, as after a save;
* a page is stored, and told to browsers (``max-age``) and CDNs (``s-maxage``) to keep, for no
  longer than the seconds until that change (``seconds_until_next_change``), since a CDN can
  be told nothing later.
"""

import datetime
import math
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db.models import F, QuerySet
from django.utils import timezone

from timeline.caching.version import VERSION_SECONDS, bump_content_version, content_version
from timeline.models import SCHEDULE_FIELDS, Editorial

NEXT_KEY = "timeline:next-scheduled-change"
NONE_AHEAD = 0.0  # what the cache holds when no change is scheduled


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


def next_change(version: str, now: datetime.datetime) -> datetime.datetime | None:
    """The next scheduled change as known under ``version``: from the cache, or the query."""
    key = f"{NEXT_KEY}:{version}"
    stored = cache.get(key)
    if stored is None:
        change = upcoming_change(now)
        stored = change.timestamp() if change else NONE_AHEAD
        cache.set(key, stored, VERSION_SECONDS)
    if stored == NONE_AHEAD:
        return None
    return datetime.datetime.fromtimestamp(stored, tz=datetime.UTC)


def current_version(now: datetime.datetime | None = None) -> str:
    """The content version, replaced first if a scheduled change has come since it was made."""
    now = now or timezone.now()
    version = content_version()
    change = next_change(version, now)
    if change is not None and change <= now:
        # Every process that notices agrees on one replacement: the first to add the mark.
        if cache.add(f"{NEXT_KEY}:passed:{version}", True, 60):
            bump_content_version()
        version = content_version()
    return version


def seconds_until_next_change(now: datetime.datetime | None = None) -> int | None:
    """Seconds until the public site next changes by itself (at least 1), or None if never."""
    now = now or timezone.now()
    change = next_change(current_version(now), now)
    if change is None:
        return None
    return max(1, math.ceil((change - now).total_seconds()))
