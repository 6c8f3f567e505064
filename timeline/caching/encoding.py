"""A stored page in the two forms clients ask for: as rendered, and compressed with gzip.

Every browser sends ``Accept-Encoding: gzip``. A timeline page is about 90 KiB of HTML and
9 KiB gzipped: on a phone, one round trip instead of several; on the server, a hit that
moves 9 KiB from Redis and to the client instead of 90 cost 0.08 ms of CPU more than the
benchmark's trivial view, where the page as rendered cost 0.21 ms more (bench/README.md,
fourth pass). Compressing takes 0.65 ms for that page, so it is done once, when the page
is stored, never per request: the page cache keeps both forms (timeline/caching/pages.py),
each under its own key, and a hit sends the bytes of the form the client takes as they are.

Only pages the cache stores are compressed: pages for anonymous visitors, the same for all
of them, setting no cookie and holding no secret (no CSRF token, no session), so a
compressed page reveals nothing through its length (BREACH). Searches, which reflect what a
visitor typed, are never stored and so never compressed here.
"""

import gzip

from django.http import HttpRequest

# What the cache keeps of a page: status, headers, body.
Stored = tuple[int, list[tuple[str, str]], bytes]

GZIP_SUFFIX = ":gzip"  # the key of a page's gzip form: the page's own key and this
# Level 6, gzip's default. For a timeline page (91,486 bytes): level 1 gives 10,907 bytes in
# 0.27 ms, level 6 9,182 in 0.65 ms, level 9 9,020 in 1.09 ms.
LEVEL = 6
# Headers that describe the body as sent, replaced in the compressed form.
BODY_HEADERS = frozenset({"content-length", "content-encoding"})


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client takes a gzip body: ``gzip`` (or ``x-gzip``, its old name) or ``*``
    in ``Accept-Encoding`` with a weight above 0 (RFC 9110, 12.5.3).

    A weight that is not a number counts as 0: the client then gets the page as rendered,
    which every client can read.
    """
    weights: dict[str, float] = {}
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, *parameters = (part.strip().lower() for part in item.split(";"))
        if not name:
            continue
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights["gzip" if name == "x-gzip" else name] = weight
    if "gzip" in weights:
        return weights["gzip"] > 0
    return weights.get("*", 0.0) > 0


def gzipped(stored: Stored) -> Stored:
    """The page for a client that takes gzip: compressed, or as it is if that is no smaller."""
    status, headers, body = stored
    compressed = gzip.compress(body, compresslevel=LEVEL, mtime=0)
    if len(compressed) >= len(body):
        return stored
    kept = [(name, value) for name, value in headers if name.lower() not in BODY_HEADERS]
    described = [("Content-Encoding", "gzip"), ("Content-Length", str(len(compressed)))]
    return status, kept + described, compressed
