"""Ready HTML for the parts pages are assembled from, kept per content version.

A timeline page shows twenty milestone cards, and rendering them was a quarter of an
uncached page (bench/README.md); a card only changes when the record does. Parts are
stored with the content version (timeline/caching/version.py), so any change retires them
all, and a page fetches all its parts and the version in one call to the cache; the
missing ones are rendered together and stored in one call.

A page the page cache does not store (a search, invalid filters) reads the parts kept
already and keeps none of its own; staff's pages neither read nor keep any
(timeline/caching/keeping.py).

This wing stores and retires parts; what a part looks like is the public wing's
(timeline/public/parts.py), which hands over how to render it.
"""

import hashlib
import logging
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

from django.core.cache import cache

from timeline.caching.keeping import may_keep, may_read_parts
from timeline.caching.schedule import current_entries

logger = logging.getLogger(__name__)

PART_KEY = "timeline:part"
# A replaced version's parts are never served; this bounds how long unasked ones linger.
TIMEOUT = 60 * 60 * 24
K = TypeVar("K", bound=Hashable)


def ready_parts(
    kind: str,
    ids: Sequence[K],
    render: Callable[[list[K]], Mapping[K, str]],
    *variant: object,
    asked: bool = False,
) -> dict[K, str]:
    """The HTML of each of ``ids``: stored, or rendered by ``render(missing ids)``.

    ``variant``: plain values that change what a part looks like (the language, a heading
    level). An id ``render`` does not return (no longer public) has no part.
    ``asked``: the variant holds what a visitor asked (filters, a search), which anyone can
    vary at will, so the rendered parts are not kept for a page the page cache does not
    keep (keeping.py), as ``remembered``'s figures; a part of the record alone (a card: only
    as many as records) always is, and a search's cards serve the next search.
    """
    if not ids:
        return {}
    if not may_read_parts():
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
        if not asked or may_keep():
            try:
                cache.set_many(
                    {keys[ident]: (token, html) for ident, html in rendered.items()}, TIMEOUT
                )
            except Exception:
                logger.exception("Could not store %s parts", kind)
    return parts
