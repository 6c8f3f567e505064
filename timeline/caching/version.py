"""The content version: one token, replaced whenever any timeline record changes.

Every cached page, part and remembered figure is stored with the token, so replacing it
retires all of them at once (O(1)); old entries are overwritten or expire. The token lives in the default
cache, which every process serving the same database shares (hrcity/settings.py: Redis
across servers with ``REDIS_URL``, else files in one directory of this server).
"""

import logging
import threading
import uuid
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any, Final

from django.apps import apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from import_export.signals import post_import

logger = logging.getLogger(__name__)

VERSION_KEY = "timeline:content-version"
MISSING: Final = object()  # what is found of an absent or retired entry


# --- The content version ----------------------------------------------------------------


# The token expires too, as every entry does (a Redis capped with ``volatile-lru`` may then
# evict it as well), though long after the pages stored under it: a new token only costs
# rendering each page once more.
VERSION_SECONDS = 60 * 60 * 24 * 7


def _new_token() -> str:
    return uuid.uuid4().hex


def content_version() -> str:
    """The current token, shared by every process that uses this cache."""
    token = cache.get(VERSION_KEY)
    if token is None:
        # A random new token, not 1: if the cache loses the key (evicted, expired, culled,
        # cleared), pages stored under an earlier token must not come back. ``add`` lets
        # every process that finds the key gone agree on the one token that got in first.
        fresh = _new_token()
        cache.add(VERSION_KEY, fresh, timeout=VERSION_SECONDS)
        # Evicted again at once (a cache under pressure): this request uses its own token.
        token = cache.get(VERSION_KEY) or fresh
    return token


def entries_of(token: str, found: Mapping[str, Any]) -> dict[str, Any]:
    """Of the entries ``found`` in the cache, the values stored for ``token``.

    Entries are stored as ``(token, value)`` under keys without the token, and an entry of
    another token counts as missing: so one call to the cache (one round trip to Redis:
    MGET) reads the token and the entries together, where reading the token and then
    entries named after it took two (timeline/caching/schedule.py, ``current_entries``).
    """
    return {
        key: entry[1]
        for key, entry in found.items()
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == token
    }


def bump_content_version() -> None:
    """Replace the token: every page and figure stored under the old one is retired."""
    cache.set(VERSION_KEY, _new_token(), timeout=VERSION_SECONDS)


def _bump() -> None:
    try:
        bump_content_version()
    except Exception:
        # A missed bump leaves pages stale for at most PAGE_CACHE_SECONDS; never fail a save.
        logger.exception("Could not invalidate the public page cache")


# --- What changed, once it is committed ----------------------------------------------

# One changed record: (model label, primary key, the year it belongs to if it has one), plain
# values, so that they can travel through the cache and a task's JSON arguments. The year is
# taken when the signal is sent: a deleted milestone's year page changed too.
Record = tuple[str, int, int | None]

# Sent once a change is committed (at once outside a transaction), after the version was
# replaced: ``records`` are the records the signals named (none for a bulk write, an import,
# a scheduled publication). Its receivers must not fail a save: sent robustly, errors logged.
content_committed = Signal()

# Per database alias, the records changed in this thread's open transaction. Every change
# registers a callback; the first to run after the commit takes them all, so a transaction of
# a thousand saves replaces the version and announces once. A rolled-back transaction's
# records ride along with this thread's next commit: at worst a few pages more are warmed.
_uncommitted = threading.local()


def record_of(instance: models.Model) -> Record:
    year = getattr(instance, "year_id", None)
    return (instance._meta.label_lower, instance.pk, year if isinstance(year, int) else None)


def announce(records: Iterable[Record] = ()) -> None:
    """Tell ``content_committed``'s receivers (the warm-up of timeline/jobs/) what changed."""
    for receiver, error in content_committed.send_robust(sender=None, records=tuple(records)):
        if isinstance(error, Exception):
            logger.error("%s failed on a committed change", receiver, exc_info=error)


def _uncommitted_records() -> dict[str, dict[Record, None]]:
    """Alias → the records changed in this thread's open transaction there (a dict: ordered)."""
    by_alias: dict[str, dict[Record, None]] = _uncommitted.__dict__.setdefault("by_alias", {})
    return by_alias


def _committed(alias: str) -> None:
    records = _uncommitted_records().pop(alias, None)
    if records is None:
        return  # an earlier callback of the same commit did it
    _bump()
    announce(records)


def content_changed(
    using: str | None = None, records: Iterable[Record] = (), **kwargs: object
) -> None:
    """Retire every cached public page: now, and again once the change is committed.

    The second bump matters: a page rendered between the first bump and the commit still
    shows the old data, and must not outlive the commit. Then ``content_committed`` is sent.
    """
    _bump()
    alias = using or DEFAULT_DB_ALIAS
    if not connections[alias].in_atomic_block:
        announce(records)
        return
    _uncommitted_records().setdefault(alias, {}).update(dict.fromkeys(records))
    transaction.on_commit(partial(_committed, alias), using=alias)


def _on_model_change(
    sender: type, instance: models.Model, using: str | None = None, **kwargs: object
) -> None:
    content_changed(using=using, records=[record_of(instance)])


def _on_m2m_change(
    sender: type,
    instance: models.Model,
    action: str,
    using: str | None = None,
    **kwargs: object,
) -> None:
    if action.startswith("post_"):
        content_changed(using=using, records=[record_of(instance)])


def _on_import(sender: object, model: type | None = None, **kwargs: object) -> None:
    content_changed()


def connect_signals() -> None:
    """Any change to any timeline record invalidates the public pages (TimelineConfig.ready)."""
    for model in apps.get_app_config("timeline").get_models():
        uid = f"page-cache-{model._meta.label_lower}"
        post_save.connect(_on_model_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_model_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _on_m2m_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m"
            )
    post_import.connect(_on_import, dispatch_uid="page-cache-import")
