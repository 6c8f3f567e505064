"""The junk query strings a fuzzer sends to a public list (issue 13, finding 4).

Each one either stands for one of a few real pages (``REAL_PAGES``) or asks for a page the
cache must not store: invalid values, a search, a page number that does not exist. Used by
tests/test_cache_bounds.py (the local-memory cache) and tests/test_cache_redis.py (Redis).
"""

from django.test import Client

TIMELINE = "/en/timeline/"
# The timeline, and its 2014 policies: what every junk address below that is valid asks for.
REAL_PAGES = (TIMELINE, f"{TIMELINE}?year=2014&kind=policy")


def junk_query(number: int) -> str:
    """The ``number``th junk query string: each different from every other."""
    kinds = [
        f"utm_source=mail&utm_x={number}",  # unknown names
        f"year=2014&kind=policy&ref={number}",  # a real filter, plus junk
        f"kind=policy&year=2014&junk{number}=1",  # reordered
        f"kind=policy&kind=policy&year=2014&kind=policy&x={number}",  # repeated
        f"page=1&q=&year=&kind=&theme=&fbclid={number}",  # defaults and empties spelled out
        f"year=02014&kind=policy&year_min=&_={number}",  # a number spelled otherwise
        f"year=abc{number}",  # invalid values: each a page of its own error messages
        f"theme=t{number}&year=2014",
        f"kind=x{number}&kind=policy",
        f"q=w{number}",  # a search: any text is another page
        f"q=Charter+{number}&kind=policy",
        f"page={number + 2}&year=2014&kind=policy",  # a page that does not exist
        f"page=x{number}",
    ]
    return kinds[number % len(kinds)]


def send_junk(client: Client, count: int = 1000) -> None:
    """``count`` junk requests to the timeline, half with a garbage session cookie."""
    for number in range(count):
        client.cookies.clear()
        if number % 2:
            client.cookies["sessionid"] = f"garbage{number}"
        assert client.get(f"{TIMELINE}?{junk_query(number)}").status_code == 200
