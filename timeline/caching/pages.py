"""Whole-page cache for anonymous visitors, invalidated in O(1) whenever the record changes.

How it fits together:

* ``cache_public_page(view)`` marks a public view (timeline/urls.py). Nothing else is cached.
* ``PublicPageCacheMiddleware`` (near the top of settings.MIDDLEWARE) serves a marked page
  from the cache before the rest of the stack runs, and stores it after the whole stack has
  run, so what is stored is exactly what was sent: its security headers included, and never a
  response that sets a cookie. A cache hit runs no database query.
* Every cache key holds the *content version*, a token replaced whenever any timeline record
  changes (``post_save``/``post_delete``/``m2m_changed`` on every timeline model, an import's
  ``post_import``, a staff member's successful POST). Changing one token retires every cached
  page at once; old entries simply expire. The token lives in the default cache, which all
  processes share: Redis across servers (``REDIS_URL``), else a directory of files on one
  server, so its several gunicorn workers (and ``manage.py`` commands) always agree.
* Anyone with a session cookie (staff, signed in) bypasses the cache entirely and gets
  ``Cache-Control: private, no-store``; anonymous visitors get ``public`` with a short
  ``max-age`` for browsers and ``s-maxage`` for a CDN (which the content version cannot
  reach, so ``s-maxage`` bounds how stale a CDN copy can be), and ``Vary: Cookie`` so a shared
  cache never hands the anonymous page to a signed-in visitor. The language is part of the
  URL (``/ko/``, ``/en/``), and also part of the key.

If the cache itself fails (Redis unreachable, a full disk), pages are served uncached rather than failing.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeGuard, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_path

from timeline.caching.version import content_changed, content_version

logger = logging.getLogger(__name__)

PAGE_KEY = "timeline:page"
STATUS_HEADER = "X-Page-Cache"  # hit / miss / bypass: lets operators and benchmarks check
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MARK = "cache_public_page"
# What the cache keeps of a page: status, headers, body.
Stored = tuple[int, list[tuple[str, str]], bytes]
T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def cache_public_page(view: View) -> View:
    """Mark ``view`` as a public page that anonymous visitors may be served from the cache."""
    setattr(view, MARK, True)
    return view


def is_public_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, MARK, False)


# --- The middleware ---------------------------------------------------------------------


def page_key(request: HttpRequest, version: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    language = get_language_from_path(request.path_info) or "-"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{PAGE_KEY}:{version}:{language}:{digest}"


def has_session(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def storable(response: HttpResponseBase) -> TypeGuard[HttpResponse]:
    """Only a complete, successful page that sets no cookie is the same for every visitor.

    A response that is not streaming is an HttpResponse, with its whole body in ``content``.
    """
    return response.status_code == 200 and not response.streaming and not response.cookies


class PublicPageCacheMiddleware:
    """Serves and stores marked public pages for anonymous visitors; see the module docstring.

    Place it after SecurityMiddleware (HTTPS redirect, HSTS) and before everything that may
    set a cookie or a header (sessions, CSRF, CSP, locale), so a stored page carries them all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = self.lookup_key(request)
        if key is not None:
            stored = self.cache_call(cache.get, key)
            if stored is not None:
                return self.rebuild(stored)
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and has_session(request):
            self.after_staff_write(request, response)
        if is_public_page(request):
            self.prepare(request, response, key)
        return response

    @staticmethod
    def cache_call(function: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return function(*args, **kwargs)
        except Exception:
            logger.exception("Public page cache unavailable; serving uncached")
            return None

    def lookup_key(self, request: HttpRequest) -> str | None:
        """The key this request's page would be stored under, or None if it must not be."""
        if request.method != "GET" or has_session(request) or settings.PAGE_CACHE_SECONDS <= 0:
            return None
        if get_language_from_path(request.path_info) is None:
            return None  # public pages live under /ko/ and /en/; spare the admin a lookup
        try:
            request.get_host()
        except DisallowedHost:
            return None  # CommonMiddleware answers 400
        version = self.cache_call(content_version)
        return None if version is None else page_key(request, version)

    @staticmethod
    def rebuild(stored: Stored) -> HttpResponse:
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[STATUS_HEADER] = "hit"
        return response

    def prepare(self, request: HttpRequest, response: HttpResponseBase, key: str | None) -> None:
        if has_session(request):
            # Staff see the record as it is now: neither this server nor any proxy keeps it.
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            response[STATUS_HEADER] = "bypass"
            return
        patch_vary_headers(response, ("Cookie",))
        if response.status_code != 200 or "Cache-Control" in response:
            return
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_MAX_AGE,
            s_maxage=settings.PAGE_CACHE_S_MAXAGE,
        )
        if key is not None and storable(response):
            stored = (response.status_code, list(response.items()), response.content)
            self.cache_call(cache.set, key, stored, settings.PAGE_CACHE_SECONDS)
            response[STATUS_HEADER] = "miss"

    @staticmethod
    def after_staff_write(request: HttpRequest, response: HttpResponseBase) -> None:
        """Staff changed something: some admin paths (bulk actions) save without signals."""
        user = getattr(request, "user", None)
        if response.status_code < 400 and user is not None and user.is_authenticated:
            content_changed()
