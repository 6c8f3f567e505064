"""The origins visitors reach the public pages at: what a warm-up must render them under.

A cached page's key holds the scheme and host it was asked at (``pages.page_key``), so a page
rendered ahead of visitors (timeline/jobs/warming.py) is only found if it was rendered for
the origin they use: ``https://hr.example.org`` in production, ``http://127.0.0.1:8000``
under ``make run``, a benchmark's own port. ``TIMELINE_WARM_ORIGINS`` names them; without it,
the origins of the latest pages stored for anonymous visitors are remembered here, the
newest first, a few at most (the host passed ``ALLOWED_HOSTS``, but its port is the
visitor's to choose).
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

ORIGINS_KEY = "timeline:origins"
REMEMBERED = 3
SECONDS = 60 * 60 * 24 * 30


def origin_of(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def remember_origin(request: HttpRequest) -> None:
    """Note the origin of a page just stored (one read; a write only for a new origin)."""
    if settings.TIMELINE_WARM_ORIGINS or not settings.TIMELINE_WARM_PAGES:
        return
    origin = origin_of(request)
    known = cache.get(ORIGINS_KEY)
    if not isinstance(known, list) or known[:1] != [origin]:
        others = [one for one in known or () if one != origin]
        cache.set(ORIGINS_KEY, [origin, *others][:REMEMBERED], SECONDS)


def visited_origins() -> list[str]:
    """The origins to render pages for: the configured ones, else the remembered ones."""
    if settings.TIMELINE_WARM_ORIGINS:
        return [origin.rstrip("/") for origin in settings.TIMELINE_WARM_ORIGINS]
    known = cache.get(ORIGINS_KEY)
    return list(known) if isinstance(known, list) else []
