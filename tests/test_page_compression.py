"""Stored pages go to browsers gzipped: compressed once when stored, sent as they are on a hit.

A timeline page is some 90 KiB of HTML, a tenth of that gzipped (timeline/caching/encoding.py).
"""

import gzip

import pytest
from django.test import Client, RequestFactory

from timeline.caching import pages as page_cache
from timeline.caching.encoding import accepts_gzip, gzipped

from .factories import make_milestone, make_policy, make_theme

pytestmark = pytest.mark.django_db

TIMELINE = "/en/timeline/"
BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends
HEADER = page_cache.STATUS_HEADER


@pytest.fixture
def milestone():
    return make_milestone(2014, make_policy(themes=[make_theme()]), title_en="Charter adopted")


@pytest.fixture
def browser():
    return Client(headers={"Accept-Encoding": BROWSER})


def assert_gzipped(response) -> bytes:
    """The response is a complete gzip body that says so; what it holds."""
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(response.content)
    assert {"Cookie", "Accept-Encoding"} <= {part.strip() for part in response["Vary"].split(",")}
    return gzip.decompress(response.content)


def test_a_browser_gets_the_stored_page_gzipped_from_the_first_request_on(
    browser, client, milestone, django_assert_num_queries
):
    first = browser.get(TIMELINE)
    assert first[HEADER] == "miss"
    page = assert_gzipped(first)
    with django_assert_num_queries(0):
        hit = browser.get(TIMELINE)
    assert hit[HEADER] == "hit"
    assert assert_gzipped(hit) == page
    assert b"Charter adopted" in page
    # The very page a client without gzip gets, at a fraction of the bytes.
    plain = client.get(TIMELINE)
    assert plain[HEADER] == "hit"
    assert plain.content == page
    assert len(hit.content) < len(page) / 3


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "br", "gzip;q=zero"])
def test_a_client_that_takes_no_gzip_is_served_the_page_as_rendered_from_the_cache(
    browser, milestone, accept, django_assert_num_queries
):
    assert browser.get(TIMELINE)[HEADER] == "miss"  # stored by a browser's visit
    headers = {} if accept is None else {"Accept-Encoding": accept}
    with django_assert_num_queries(0):
        response = Client(headers=headers).get(TIMELINE)
    assert response[HEADER] == "hit"
    assert "Content-Encoding" not in response
    assert int(response["Content-Length"]) == len(response.content)
    assert b"Charter adopted" in response.content
    assert "Accept-Encoding" in response["Vary"]


def test_a_search_is_rendered_for_each_visitor_and_never_compressed(browser, milestone):
    # It reflects what the visitor typed: no page that does is stored, none is gzipped.
    response = browser.get(f"{TIMELINE}?q=Charter")
    assert response[HEADER] == "skip"
    assert "Content-Encoding" not in response
    assert b"Charter adopted" in response.content


def test_a_page_gzip_would_not_shrink_is_sent_to_browsers_as_it_is():
    tiny = (200, [("Content-Type", "text/plain"), ("Content-Length", "2")], b"ok")
    assert gzipped(tiny) == tiny


@pytest.mark.parametrize(
    ("header", "takes"),
    [
        ("gzip, deflate, br, zstd", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0, *", False),
        ("*;q=0", False),
        ("gzip;q=0.0", False),
        ("gzip;q=", False),
        ("br, zstd", False),
        ("identity", False),
        ("", False),
        (",,;;", False),
    ],
)
def test_which_clients_take_gzip(header, takes):
    assert accepts_gzip(RequestFactory().get("/", headers={"Accept-Encoding": header})) is takes
