"""Ready HTML for the parts pages are assembled from, kept per content version.

A timeline page shows twenty milestone cards, and rendering them was a quarter of an
uncached page (bench/README.md); a card only changes when the record does. Parts are
stored with the content version (timeline/caching/version.py), so any change retires them
all, and a page fetches all its parts and the version in one call to the cache; the
missing ones are rendered together and stored in one call.

This wing stores and retires parts; what a part looks like is the public wing's
(timeline/public/parts.py), which hands over how to render it.
"""

import hashlib
import logging
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache

from timeline.caching.schedule import current_entries

logger = logging.getLogger(__name__)

PART_KEY = "timeline:part"
# A replaced version's parts are never served; this bounds how long unasked ones linger.
TIMEOUT = 60 * 60 * 24
K = TypeVar("K", bound=Hashable)
_fresh: ContextVar[bool] = ContextVar("timeline_fresh_parts", default=False)


@contextmanager
def fresh_parts() -> Iterator[None]:
    """Within it, parts are rendered, never read from or stored in the cache: for staff,
    who see the record as it is now (timeline/caching/pages.py)."""
    token = _fresh.set(True)
    try:
        yield
    finally:
        _fresh.reset(token)


def ready_parts(
    kind: str,
    ids: Sequence[K],
    render: Callable[[list[K]], Mapping[K, str]],
    *variant: object,
) -> dict[K, str]:
    """The HTML of each of ``ids``: stored, or rendered by ``render(missing ids)``.

    ``variant``: plain values that change what a part looks like (the language, a heading
    level). An id ``render`` does not return (no longer public) has no part.
    """
    if not ids:
        return {}
    if _fresh.get():
        return dict(render(list(ids)))
    digest = hashlib.sha256(repr(variant).encode()).hexdigest()[:16]
    keys = {ident: f"{PART_KEY}:{kind}:{digest}:{ident}" for ident in ids}
    try:
        token, current = current_entries(list(keys.values()))
    except Exception:
        logger.exception("Part cache unavailable; rendering %s", kind)
        return dict(render(list(ids)))
    parts = {ident: current[key] for ident, key in keys.items() if key in current}
    missing = [ident for ident in ids if ident not in parts]
    if missing:
        rendered = render(missing)
        parts.update(rendered)
        try:
            cache.set_many(
                {keys[ident]: (token, html) for ident, html in rendered.items()}, TIMEOUT
            )
        except Exception:
            logger.exception("Could not store %s parts", kind)
    return parts
