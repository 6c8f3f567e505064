"""After a change, the most asked-for public pages are rendered and stored before anyone asks.

Any change retires every cached page at once (timeline/caching/version.py), so without this the
first visitor of each page after an edit waits for it to be rendered. Once a change is
committed, ``content_committed`` names what changed and one background job (tasks.py,
``warm_pages``) renders, for the content version of the moment, the pages the public wing
lists for it (timeline/public/warming.py: home and the first page of the timeline in each
language, the changed milestones and their years...), for every origin visitors use
(timeline/caching/origins.py).

* **Through the real request path.** Each page is a GET through the whole middleware stack,
  as an anonymous browser sends it to that origin: no cookie, so never a staff member's page
  nor a preview; the page cache's middleware stores it exactly as it would store and later
  look up a visitor's (timeline/caching/pages.py). A page it would not store (a 404: an
  unpublished milestone) is not stored.
* **Never a stale version.** The middleware stores a page with the version it read before
  rendering; and the job stops as soon as the version is no longer the one it began with:
  the change that replaced it queued a warm-up of its own.
* **One job for a burst.** The first change queues a job and sets ``QUEUED_KEY``; later ones
  only add their records (``RECORDS_KEY``) to it until a worker takes it. Each version is
  warmed once (``WARMED_KEY``), whatever number of jobs find it.
* **Quietly.** Everything here is an optimisation: if the cache or the queue fails, it is
  logged and the change stands; without a worker, jobs wait in the queue (one an hour at
  most while ``QUEUED_KEY`` lasts) and each finds its version already gone.
"""

import datetime
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.utils import timezone, translation

from timeline.caching.origins import visited_origins
from timeline.caching.pages import STATUS_HEADER
from timeline.caching.schedule import changed_between, current_entries, next_change
from timeline.caching.version import VERSION_SECONDS, Record

logger = logging.getLogger(__name__)

QUEUED_KEY = "timeline:warm:queued"  # present while a queued job waits for a worker
RECORDS_KEY = "timeline:warm:records"  # what changed since the last job began
WARMED_KEY = "timeline:warm:version"  # + a version: some job warms (or warmed) it
SCHEDULED_KEY = "timeline:warm:at"  # + a timestamp: a job waits for that scheduled change
# A job no worker has taken within the hour (none runs?): the next change queues another.
QUEUED_SECONDS = 60 * 60
# The changed records whose own pages are warmed; an import names none, a burst of saves a
# few (the rest of their pages are rendered by their first visitor, as before).
MAX_RECORDS = 50
# A scheduled job runs a little after the time, so that the change has certainly come.
SCHEDULE_SLACK = datetime.timedelta(seconds=1)

PageList = Callable[[Sequence[Record]], list[str]]
_page_lists: list[PageList] = []


def register_pages(pages: PageList) -> None:
    """``pages(records)``: the addresses to warm after a change to ``records``.

    The public wing knows its addresses and registers them (TimelineConfig.ready); this
    layer knows none.
    """
    if pages not in _page_lists:
        _page_lists.append(pages)


def enabled() -> bool:
    return bool(settings.TIMELINE_WARM_PAGES) and settings.PAGE_CACHE_SECONDS > 0


# --- Queueing: one job for many changes -------------------------------------------------


def note(records: Sequence[Record]) -> bool:
    """Add ``records`` to the next warm-up; True when a job must be queued for it."""
    if not enabled():
        return False
    try:
        if records:
            pending = cache.get(RECORDS_KEY) or []
            merged = list(dict.fromkeys([*map(tuple, pending), *map(tuple, records)]))
            cache.set(RECORDS_KEY, merged[:MAX_RECORDS], QUEUED_SECONDS)
        # After the records: a job that began meanwhile took this flag off first, so this
        # change either finds its job still queued or queues the next.
        return bool(cache.add(QUEUED_KEY, True, QUEUED_SECONDS))
    except Exception:
        logger.exception("Could not queue the warm-up of public pages; is the cache down?")
        return False


def not_queued() -> None:
    """Queueing the job failed: let the next change try again."""
    try:
        cache.delete(QUEUED_KEY)
    except Exception:
        logger.exception("Could not clear the warm-up's queued flag")


def take_records() -> list[Record]:
    """The records noted since the last job began; the next change queues a new job."""
    cache.delete(QUEUED_KEY)
    records = cache.get(RECORDS_KEY) or []
    cache.delete(RECORDS_KEY)
    return [tuple(record) for record in records]


def next_scheduled_change() -> datetime.datetime | None:
    """When to warm again for the next scheduled publication, if no job waits for it yet.

    A scheduled change comes with no save (timeline/caching/schedule.py): a job queued to run
    just after it renders the pages then, before a visitor asks.
    """
    if not enabled():
        return None
    try:
        change = next_change()
        if change is None:
            return None
        lasts = (change - timezone.now()).total_seconds() + 3600
        if cache.add(f"{SCHEDULED_KEY}:{change.timestamp()}", True, max(60, int(lasts))):
            return change + SCHEDULE_SLACK
    except Exception:
        logger.exception("Could not plan the warm-up of the next scheduled publication")
    return None


# --- Warming -----------------------------------------------------------------------------


@dataclass
class Warmed:
    """What one job did: the version it warmed, and what the page cache said of each page."""

    version: str = ""
    answers: dict[str, str] = field(default_factory=dict)  # origin + path → X-Page-Cache
    stopped: bool = False  # the version changed while it ran
    seconds: float = 0.0


def current_version() -> str:
    """The content version now (a scheduled change that has come replaces it first)."""
    return current_entries([])[0]


def anonymous_request(origin: str, path: str) -> WSGIRequest:
    """A GET of ``path`` as a visitor's browser sends it to ``origin``: no cookie at all."""
    place, address = urlsplit(origin), urlsplit(path)
    secure = place.scheme == "https"
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        # WSGI hands the path over decoded, as bytes read as Latin-1 (PEP 3333).
        "PATH_INFO": unquote_to_bytes(address.path).decode("iso-8859-1"),
        "QUERY_STRING": address.query,
        "SERVER_NAME": place.hostname or "",
        "SERVER_PORT": str(place.port or (443 if secure else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": place.netloc,
        "HTTP_ACCEPT": "text/html,application/xhtml+xml",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": place.scheme,
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multiprocess": True,
        "wsgi.multithread": False,
        "wsgi.run_once": False,
    }
    if secure and settings.SECURE_PROXY_SSL_HEADER:
        # Behind the TLS proxy, as production is: the header it sets on every request.
        header, value = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = value
    return WSGIRequest(environ)


def pages_for(records: Sequence[Record]) -> list[str]:
    found: list[str] = []
    for pages in _page_lists:
        found += pages(records[:MAX_RECORDS])
    return list(dict.fromkeys(found))


def run(scheduled_at: str | None = None) -> Warmed:
    """Render and store the pages of the current version; stop as soon as it changes.

    ``scheduled_at``: the job waited for a scheduled publication at that time (ISO 8601).
    """
    warmed = Warmed()
    if not enabled():
        return warmed
    started = time.monotonic()
    try:
        records = take_records()
        if scheduled_at:
            moment = datetime.datetime.fromisoformat(scheduled_at)
            records += changed_between(moment - 2 * SCHEDULE_SLACK, timezone.now())
        warmed.version = current_version()
        if not cache.add(f"{WARMED_KEY}:{warmed.version}", True, VERSION_SECONDS):
            return warmed  # another job has this version
        origins = visited_origins()
        paths = pages_for(records) if origins else []
        handler = BaseHandler()
        handler.load_middleware()
        for path in paths:
            for origin in origins:
                if current_version() != warmed.version:
                    warmed.stopped = True
                    return warmed
                # The request activates its page's language; the caller's is restored.
                with translation.override(translation.get_language()):
                    response = handler.get_response(anonymous_request(origin, path))
                warmed.answers[origin + path] = response.get(STATUS_HEADER, "-")
    except Exception:
        logger.exception("Warming public pages stopped; the pages are rendered when asked")
    finally:
        warmed.seconds = time.monotonic() - started
        if warmed.answers or warmed.stopped:
            logger.info(
                "Warmed %d public pages in %.1f s%s",
                sum(answer == "miss" for answer in warmed.answers.values()),
                warmed.seconds,
                " (stopped: the record changed again)" if warmed.stopped else "",
            )
    return warmed
