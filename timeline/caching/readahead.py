"""One round trip to the cache for a page rendered from ready parts.

A page that is not served whole from the page cache is joined from ready parts and
remembered figures (parts.py, remembered.py): the cards, the list, the filter form, the
chart, the theme and year choices, the navigation and the footer. Each reads the cache
when the page reaches it, so an uncached timeline page made nine round trips to Redis,
about a sixth of its time (bench/README.md). What a page reads is the same from one
request to the next until the record changes, so each process remembers, per page
address, the keys its last rendering read; the next rendering of that address fetches
them all, with the content version, in its first read (one ``MGET``), and every later read
of those keys is answered from what came back.

Every read of one rendering thus sees one content version, the one its first read found.
The keys learnt are names, never values: a change to the record retires the values as
before (version.py), and a key that was not stored is known to be missing. The middleware
opens ``reading_ahead`` around the rendering of each public page (pages.py).
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from timeline.recent import Recent

# Bounds: the addresses remembered per process (the most recent), the keys per address.
ADDRESSES = 1_000
KEYS_PER_ADDRESS = 400

_learnt: Recent[str, tuple[str, ...]] = Recent(ADDRESSES)


@dataclass
class ReadAhead:
    """What one rendering read of the cache: the version and next scheduled change its
    first read found, and the raw entries of every key read so far (absent: not stored)."""

    address: str | None
    version: str | None = None
    change: Any = None
    known: dict[str, Any] = field(default_factory=dict)
    asked: dict[str, None] = field(default_factory=dict)  # in the order first asked

    def answers(self, keys: Sequence[str]) -> bool:
        return self.version is not None and all(key in self.known for key in keys)

    def found(self, keys: Sequence[str]) -> dict[str, Any]:
        return {key: self.known[key] for key in keys if self.known[key] is not _ABSENT}

    def to_fetch(self, keys: Sequence[str]) -> list[str]:
        """``keys`` and, on the first read, what this address read last time."""
        self.asked.update(dict.fromkeys(keys))
        if self.version is not None or self.address is None:
            return list(keys)
        before = _learnt.get(self.address) or ()
        return list(dict.fromkeys([*keys, *before]))

    def remember(
        self, version: str, change: Any, fetched: Sequence[str], found: Mapping[str, Any]
    ) -> None:
        self.version, self.change = version, change
        for key in fetched:
            self.known[key] = found.get(key, _ABSENT)


_ABSENT = object()
_current: ContextVar[ReadAhead | None] = ContextVar("timeline_read_ahead", default=None)


def current() -> ReadAhead | None:
    return _current.get()


@contextmanager
def reading_ahead(address: str | None) -> Iterator[ReadAhead]:
    """Within it, the cache's entries are read once for the whole rendering of the page at
    ``address``. Once it ends, the keys it read are what the next rendering of the address
    fetches first, unless its ``address`` was set to None meanwhile (a page not stored:
    its address is whatever a visitor typed)."""
    ahead = ReadAhead(address)
    token = _current.set(ahead)
    try:
        yield ahead
    finally:
        _current.reset(token)
    if ahead.address is not None and ahead.asked:
        _learnt.put(ahead.address, tuple(ahead.asked)[:KEYS_PER_ADDRESS])


def forget_all() -> None:
    """Forget every address's keys (tests)."""
    _learnt.clear()
