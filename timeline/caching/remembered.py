"""Figures computed from the whole public record, remembered until the record next changes.

Some parts of a page do not depend on the request, only on the record: the years that have
public milestones, the record's first and last year, the chart's counts for a given set of
filters. Reading every published milestone for them on each request is what made uncached
pages slow at 10,000 milestones (bench/README.md). They are kept in the cache with the
*content version* (timeline/caching/version.py), which every change to any timeline record replaces,
so a remembered figure is never older than the record it describes (nor than the last
scheduled publish or withdraw time: timeline/caching/schedule.py). This works even when the
page cache is off (``PAGE_CACHE_SECONDS = 0``): it stores data, never a page.

A page the page cache does not store (a search, invalid filters) reads the figures
remembered already and leaves none of its own: the questions it asks have no bound
(timeline/caching/keeping.py).

If the cache fails, the figure is computed as if nothing were remembered.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from timeline.caching.keeping import may_keep
from timeline.caching.schedule import with_current_version
from timeline.caching.version import MISSING

logger = logging.getLogger(__name__)

KEY = "timeline:data"
# An entry of a replaced version is never served, and is overwritten when next computed;
# this only bounds how long one that is not asked for again lingers.
TIMEOUT = 60 * 60
T = TypeVar("T")


def remembered(name: str, compute: Callable[[], T], *parts: object, asked: bool = False) -> T:
    """``compute()``, or its value from the cache for this content version and ``parts``.

    ``parts`` must be plain values whose ``repr`` identifies the question (sorted where order
    does not matter); if ``compute()``'s value depends on the language, the language must be
    one of them. ``asked``: ``parts`` hold what a visitor asked (filters, a search), which
    anyone can vary at will, so the value is not kept for a page the page cache does not
    keep (keeping.py); a figure of the record alone (its years, its themes) always is.
    """
    try:
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        key = f"{KEY}:{name}:{digest}"
        token, value = with_current_version(key)
    except Exception:
        logger.exception("Data cache unavailable; computing %s", name)
        return compute()
    if value is MISSING:
        value = compute()
        if not asked or may_keep():
            try:
                cache.set(key, (token, value), TIMEOUT)
            except Exception:
                logger.exception("Could not store %s in the data cache", name)
    return value
