"""What the request being answered may take from the cache, and what it may leave there.

Ready parts (parts.py) and remembered figures (remembered.py) are kept by what they depend
on: a card by its record, a filter form by the values asked, the chart's counts by the
question. For the pages the page cache stores, that is a bounded set: the record's records,
and the valid questions one can ask of it. A page it does not store is another matter:
invalid values (``?year=abc1``), a free-text search (``?q=…``), a page number that does not
exist. Anyone can ask for as many of those as they like, and each used to leave its own
filter form, counts and chart behind (issue 13: a hundred junk requests of four kinds took
Redis from 53 keys to 576). So what such a page renders for its question (its filter form,
its list, its counts and chart) is not kept. What belongs to the record alone is, as on any
page: a card, the theme choices, the years (``ready_parts`` and ``remembered`` without
``asked``), since there are only as many of them as records, and a search's cards serve
the next search.

Staff go further: their parts are neither read nor kept (``fresh_parts``), for staff see the
record as it is now, and a preview shows drafts that must not reach the cache.

One ``Rendering`` holds this for one request: the page cache middleware opens it around the
whole response (timeline/caching/pages.py), and ``pages.do_not_store`` narrows it as soon as
a view finds that its page will not be stored. It ends with the request, so nothing carries
over to the next request the same thread serves. Outside a request (a management command,
a test calling a view directly), nothing narrows anything.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Rendering:
    """What the rendering under way may do with ready parts and remembered figures.

    Mutable, and set once per request: a view narrows the one the middleware opened, and
    the change is seen wherever that request is rendered, whatever context it runs in.
    """

    read_parts: bool = True
    keep: bool = True


_current: ContextVar[Rendering | None] = ContextVar("timeline_rendering", default=None)


@contextmanager
def rendering(*, fresh: bool = False, keep: bool = True) -> Iterator[None]:
    """Within it, parts and figures are read and kept, unless ``keep`` is False (read, not
    kept) or ``fresh`` (parts rendered: neither read nor kept; figures not kept)."""
    token = _current.set(Rendering(read_parts=not fresh, keep=keep and not fresh))
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def fresh_parts() -> Iterator[None]:
    """Within it, parts are rendered, never read from or kept in the cache: for staff, who
    see the record as it is now (timeline/caching/pages.py), and previews of drafts."""
    with rendering(fresh=True):
        yield


def keep_nothing_more() -> None:
    """What the current request renders from now on is not kept: its page will not be."""
    current = _current.get()
    if current is not None:
        current.keep = False


def may_read_parts() -> bool:
    current = _current.get()
    return current is None or current.read_parts


def may_keep() -> bool:
    current = _current.get()
    return current is None or current.keep
