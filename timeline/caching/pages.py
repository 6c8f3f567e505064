"""Whole-page cache for anonymous visitors, invalidated in O(1) whenever the record changes.

How it fits together:

* ``cache_public_page(view)`` marks a public view (timeline/public/urls.py). Nothing else is cached.
* ``PublicPageCacheMiddleware`` (near the top of settings.MIDDLEWARE) serves a marked page
  from the cache before the rest of the stack runs, and stores it after the whole stack has
  run, so what is stored is exactly what was sent: its security headers included, and never a
  response that sets a cookie. A cache hit runs no database query.
* Every stored page carries the *content version*, a token replaced whenever any timeline record
  changes (``post_save``/``post_delete``/``m2m_changed`` on every timeline model, an import's
  ``post_import``, a staff member's successful POST). Changing one token retires every cached
  page at once; old entries simply expire. The token lives in the default cache, which all
  processes share: Redis across servers (``REDIS_URL``), else a directory of files on one
  server, so its several gunicorn workers (and ``manage.py`` commands) always agree.
* The key holds the page's *canonical query* (timeline/caching/canonical.py): only the
  parameters the view declared, normalised, so ``?utm_x=N``, reordered or repeated parameters
  and a spelled-out default share one entry, and the view renders from that canonical query.
  A page the view refuses to vouch for (invalid filters, a page number that does not exist:
  ``do_not_store``) and a free-text search (``q``, whose key space has no bound) are rendered
  each time and never stored, and neither are the ready parts and remembered figures
  rendered for them (timeline/caching/keeping.py). Every entry expires after
  ``PAGE_CACHE_SECONDS``.
* Each page is stored in two forms at once, as rendered and compressed with gzip
  (timeline/caching/encoding.py), each under its own key; a hit reads and sends the one the
  client's ``Accept-Encoding`` takes, as it is, and ``Vary: Accept-Encoding`` tells shared
  caches to do the same.
* A signed-in staff member (a session cookie naming a live staff session, timeline/caching/
  staff.py) bypasses the cache entirely and gets
  ``Cache-Control: private, no-store``; any other visitor is anonymous, and gets ``public`` with a short
  ``max-age`` for browsers and ``s-maxage`` for a CDN (which the content version cannot
  reach, so ``s-maxage`` bounds how stale a CDN copy can be), and ``Vary: Cookie`` so a shared
  cache never hands the anonymous page to a signed-in visitor. The language is part of the
  URL (``/ko/``, ``/en/``), and also part of the key.
* Once a change is committed, a background job renders the most asked-for pages again and
  stores them through this very middleware, as an anonymous visitor's requests
  (timeline/jobs/warming.py), at the origins visitors use (timeline/caching/origins.py).
* Scheduled publishing changes the site with no save: the content version is replaced when
  the next publish or withdraw time comes, and no stored page, ``max-age`` or ``s-maxage``
  lasts beyond it (timeline/caching/schedule.py).

If the cache itself fails (Redis unreachable, a full disk), pages are served uncached rather than failing.
"""

import hashlib
import logging
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeGuard, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_path

from timeline.caching.canonical import Parameter, asks_free_text, canonical_query
from timeline.caching.encoding import GZIP_SUFFIX, Stored, accepts_gzip, gzipped
from timeline.caching.keeping import keep_nothing_more, rendering
from timeline.caching.origins import remember_origin
from timeline.caching.readahead import reading_ahead
from timeline.caching.schedule import seconds_until_next_change, with_seconds_left
from timeline.caching.staff import has_session_cookie, is_staff_session
from timeline.caching.version import MISSING, content_changed

logger = logging.getLogger(__name__)

PAGE_KEY = "timeline:page"
STATUS_HEADER = "X-Page-Cache"  # hit / miss / skip / bypass: lets operators and benchmarks check
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MARK = "cache_public_page"
PARAMETERS = "cache_public_page_parameters"
NOT_STORED = "_page_cache_not_stored"
RENDER_FRESH = "_page_cache_render_fresh"
ADDRESS = "_page_cache_address"  # the canonical address of a marked page (readahead.py)
# A page to store once rendered: its key, the content version read before rendering it,
# and whether this client takes the gzip form (the form it is then sent).
Entry = tuple[str, str, bool]
T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def cache_public_page(view: View, parameters: Sequence[Parameter] = ()) -> View:
    """Mark ``view`` as a public page that anonymous visitors may be served from the cache.

    ``parameters`` are the query parameters the view reads; any others are dropped before it
    runs, and they alone make up the cache key (timeline/caching/canonical.py).
    """
    setattr(view, MARK, True)
    setattr(view, PARAMETERS, tuple(parameters))
    return view


def is_public_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, MARK, False)


def do_not_store(request: HttpRequest) -> None:
    """The view tells the cache that this page must not be stored (say, invalid filters),
    nor the parts and figures rendered for it from now on: the same values name them."""
    setattr(request, NOT_STORED, True)
    keep_nothing_more()


# --- The middleware ---------------------------------------------------------------------


def page_key(request: HttpRequest, host: str, language: str) -> str:
    """The key of this request's page at ``host`` (validated) in ``language``; call after
    ``canonicalise``."""
    address = f"{request.scheme}://{host}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{PAGE_KEY}:{language}:{digest}"


def marked_parameters(request: HttpRequest, language: str) -> tuple[Parameter, ...] | None:
    """The declared parameters of the marked view at this address, or None if not marked."""
    return _marked_parameters(request.path_info, language, get_urlconf())


@lru_cache(maxsize=2048)
def _marked_parameters(path: str, language: str, urlconf: Any) -> tuple[Parameter, ...] | None:
    # Resolving the address was a tenth of a page served from the cache; the URLs do not
    # change while the process runs, so each address is resolved once.
    with translation.override(language):  # i18n_patterns match the active language's prefix
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return None
    if not getattr(match.func, MARK, False):
        return None
    return getattr(match.func, PARAMETERS, ())


def canonicalise(request: HttpRequest, parameters: Sequence[Parameter]) -> None:
    """Give the view only the declared parameters, canonical: what it renders is the page of
    the canonical address, the one stored under the key."""
    if not request.META.get("QUERY_STRING"):
        return  # most requests: nothing to drop or rewrite
    query = canonical_query(request.GET, parameters)
    request.GET = query  # type: ignore[assignment]  # the stubs want the read-only subclass
    request.META["QUERY_STRING"] = query.urlencode()


def storable(response: HttpResponseBase) -> TypeGuard[HttpResponse]:
    """Only a complete, successful page that sets no cookie is the same for every visitor.

    A response that is not streaming is an HttpResponse, with its whole body in ``content``.
    """
    return response.status_code == 200 and not response.streaming and not response.cookies


def capped(seconds: int, limit: int | None) -> int:
    return seconds if limit is None else min(seconds, limit)


def patch_public_ages(response: HttpResponseBase, limit: int | None) -> None:
    """Any cache may keep the page for the configured ages, but not past ``limit`` seconds."""
    patch_cache_control(
        response,
        public=True,
        max_age=capped(settings.PAGE_CACHE_MAX_AGE, limit),
        s_maxage=capped(settings.PAGE_CACHE_S_MAXAGE, limit),
    )


def send_as(response: HttpResponse, stored: Stored) -> None:
    """Make ``response`` the page ``stored``: its body and the headers that describe it."""
    _status, headers, content = stored
    response.content = content
    for name, value in headers:
        response[name] = value


def uncapped_cache_control() -> str:
    """The Cache-Control of a public page when no scheduled change is to come."""
    return _cache_control(settings.PAGE_CACHE_MAX_AGE, settings.PAGE_CACHE_S_MAXAGE)


@lru_cache(maxsize=16)
def _cache_control(max_age: int, s_maxage: int) -> str:
    probe = HttpResponse()
    patch_cache_control(probe, public=True, max_age=max_age, s_maxage=s_maxage)
    return probe["Cache-Control"]


class PublicPageCacheMiddleware:
    """Serves and stores marked public pages for anonymous visitors; see the module docstring.

    Place it after SecurityMiddleware (HTTPS redirect, HSTS) and before everything that may
    set a cookie or a header (sessions, CSRF, CSP, locale), so a stored page carries them all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = self.lookup_key(request)
        entry: Entry | None = None
        if key is not None:
            # The form of the page this client takes (encoding.py): both are stored at once.
            takes_gzip = accepts_gzip(request)
            asked = key + GZIP_SUFFIX if takes_gzip else key
            found = self.cache_call(with_seconds_left, asked)
            if found is not None:
                version, stored, seconds_left = found
                if stored is not MISSING:
                    return self.rebuild(stored, seconds_left)
                entry = (key, version, takes_gzip)
        # This request's own rendering, which ends with it (timeline/caching/keeping.py),
        # reading the cache once for it all (readahead.py).
        fresh, kept = getattr(request, RENDER_FRESH, False), not getattr(request, NOT_STORED, False)
        with reading_ahead(getattr(request, ADDRESS, None)) as ahead:
            with rendering(fresh=fresh, keep=kept):
                response = self.get_response(request)
            if getattr(request, NOT_STORED, False):
                ahead.address = None  # what a visitor typed: nothing to learn from it
            if request.method not in SAFE_METHODS and has_session_cookie(request):
                self.after_staff_write(request, response)
            if is_public_page(request):
                self.prepare(request, response, entry)
        return response

    @staticmethod
    def cache_call(function: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return function(*args, **kwargs)
        except Exception:
            logger.exception("Public page cache unavailable; serving uncached")
            return None

    def lookup_key(self, request: HttpRequest) -> str | None:
        """The key this request's page would be stored under, or None if it must not be.

        Canonicalises the query of every marked page on the way, whoever asks.
        """
        language = get_language_from_path(request.path_info)
        if language is None:
            return None  # public pages live under /ko/ and /en/; spare the admin a lookup
        parameters = marked_parameters(request, language)
        if parameters is None:
            return None
        canonicalise(request, parameters)
        setattr(request, ADDRESS, f"{language}:{request.get_full_path()}")
        staff = self.cache_call(is_staff_session, request)
        if staff:
            # Staff see the record as it is now, even after a change that sent no signal.
            setattr(request, RENDER_FRESH, True)
        if asks_free_text(request.GET, parameters):
            # Searches: any text is another page, so none is stored, cache on or off.
            do_not_store(request)
            return None
        if request.method != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
            return None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None  # CommonMiddleware answers 400
        if staff is not False:
            return None  # staff, or the session store is down: render, as for staff
        return page_key(request, host, language)

    @staticmethod
    def rebuild(stored: Stored, seconds_left: int | None) -> HttpResponse:
        response = HttpResponse(status=stored[0])
        send_as(response, stored)
        if seconds_left is not None or response["Cache-Control"] != uncapped_cache_control():
            # The ages stored with the page were capped when it was rendered; by now the
            # next scheduled change is nearer, and no copy downstream may outlive it. (Or
            # the configured ages changed since.)
            patch_public_ages(response, seconds_left)
        response[STATUS_HEADER] = "hit"
        return response

    def prepare(
        self, request: HttpRequest, response: HttpResponseBase, entry: Entry | None
    ) -> None:
        if self.cache_call(is_staff_session, request) is not False:
            # Staff see the record as it is now: neither this server nor any proxy keeps it.
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            response[STATUS_HEADER] = "bypass"
            return
        # The gzip form of a stored page goes only to clients that take it (encoding.py).
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        if response.status_code != 200 or "Cache-Control" in response:
            return
        # No copy, here or downstream, outlives the next scheduled change (caching/schedule.py).
        # (The cache down, nothing is stored and the configured ages apply.)
        limit = self.cache_call(seconds_until_next_change)
        patch_public_ages(response, limit)
        if entry is not None and storable(response) and not getattr(request, NOT_STORED, False):
            # Stored with the version read before rendering: a change saved meanwhile
            # replaced it, so this page, perhaps older than that change, is never served.
            key, version, takes_gzip = entry
            stored = (response.status_code, list(response.items()), response.content)
            compressed = gzipped(stored)
            forms = {key: (version, stored), key + GZIP_SUFFIX: (version, compressed)}
            self.cache_call(cache.set_many, forms, capped(settings.PAGE_CACHE_SECONDS, limit))
            self.cache_call(remember_origin, request)  # where to warm pages (caching/origins.py)
            if takes_gzip:
                send_as(response, compressed)  # as the hits that follow will send it
            response[STATUS_HEADER] = "miss"
        else:
            response[STATUS_HEADER] = "skip"  # a search, invalid filters, a cookie set

    @staticmethod
    def after_staff_write(request: HttpRequest, response: HttpResponseBase) -> None:
        """Staff changed something: some admin paths (bulk actions) save without signals."""
        user = getattr(request, "user", None)
        if response.status_code < 400 and user is not None and user.is_authenticated:
            content_changed()
