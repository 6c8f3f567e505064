"""What the tests of the page cache read of the suite's own cache (hrcity/test_settings.py)."""

from django.core.cache import cache

from timeline.caching import encoding
from timeline.caching import pages as page_cache


def stored_pages() -> list[str]:
    """The keys of the pages stored, each page once (not its gzip form's)."""
    return [
        key
        for key in cache._cache
        if page_cache.PAGE_KEY in key and not key.endswith(encoding.GZIP_SUFFIX)
    ]
