"""A year's page shows its milestones a page at a time (issue 15: the busiest year of a large
record had 1,600 on one page, 774 KiB), with the same forgiving page numbers as the lists."""

import re

import pytest
from django.test import Client

from .factories import make_milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(settings):
    settings.YEAR_PAGE_SIZE = 2
    for order, title in enumerate(["Charter adopted", "Office opens", "Forum held"], start=1):
        make_milestone(2012, title_en=title, order=order)
    return "/en/years/2012/"


def shown(page: str) -> list[str]:
    return re.findall(r'class="milestone-card__title"><a href="[^"]+"[^>]*>([^<]+)</a>', page)


def test_a_year_is_paged_in_the_sources_order(year):
    client = Client()
    first, second = client.get(year).text, client.get(f"{year}?page=2").text
    assert shown(first) == ["Charter adopted", "Office opens"]
    assert shown(second) == ["Forum held"]
    assert "3 milestones" in first and "3 milestones" in second
    assert "(showing 1–2)" in first and "(showing 3–3)" in second
    assert 'href="?page=2"' in first
    assert 'rel="prev"' in second


def test_each_page_of_a_year_is_cached_apart(year):
    client = Client()
    for _ in range(2):
        assert shown(client.get(f"{year}?page=2").text) == ["Forum held"]
        assert shown(client.get(year).text) == ["Charter adopted", "Office opens"]
    assert client.get(f"{year}?page=2")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    ("asked", "titles", "message"),
    [
        ("9", ["Forum held"], "There is no page 9; page 2 of 2 is shown."),
        ("x", ["Charter adopted", "Office opens"], "That page number is not valid"),
    ],
)
def test_a_wrong_page_number_is_explained_and_not_stored(year, asked, titles, message):
    client = Client()
    for _ in range(2):
        page = client.get(f"{year}?page={asked}")
        assert page.status_code == 200
        assert shown(page.text) == titles
        assert message in page.text
        assert page["X-Page-Cache"] == "skip"
    assert message not in client.get(year).text


def test_a_year_of_few_milestones_has_no_pages(settings):
    make_milestone(2011, title_en="Charter adopted")
    page = Client().get("/en/years/2011/").text
    assert 'class="pagination"' not in page and "showing" not in page
