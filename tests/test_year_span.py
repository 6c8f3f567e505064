"""The timeline's pages read only the years they show (timeline/public/year_span.py): paging
through every page, filtered or not, shows each match once, in timeline order."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from timeline.models import Milestone
from timeline.public.year_span import year_span

from .factories import make_milestone, make_policy, make_theme

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("bottom", "top", "span"),
    [
        (0, 2, (2014, 2014, 0)),  # inside the newest year
        (2, 4, (2014, 2013, 0)),  # across two years
        (3, 5, (2013, 2013, 3)),  # starts after the newest year's three
        (4, 6, (2013, 2012, 3)),
        (5, 6, (2012, 2012, 5)),
        (6, 6, None),  # nothing
        (7, 9, None),  # past the end
    ],
)
def test_the_years_a_page_spans(bottom, top, span):
    counts = {2014: {"policy": 3}, 2013: {"policy": 1, "initiative": 1}, 2012: {"institution": 1}}
    assert year_span(counts, bottom, top) == span


@pytest.fixture
def record():
    theme = make_theme(slug="equality", name_en="Equality")
    themed = make_policy(slug="charter", themes=[theme])
    other = make_policy(slug="plan")
    for year, subjects in {
        2014: [themed, other, themed],
        2013: [other],
        2012: [themed] * 4,
    }.items():
        for subject in subjects:
            make_milestone(year, subject)
    return theme


def titles(page: str) -> list[str]:
    return re.findall(r'class="milestone-card__title"><a href="[^"]+"[^>]*>([^<]+)</a>', page)


@pytest.mark.parametrize("query", ["", "theme=equality", "year_min=2013", "kind=policy"])
def test_every_match_once_in_timeline_order(record, settings, query):
    settings.TIMELINE_PAGE_SIZE = 2
    client = Client()
    expected = client.get(f"/en/timeline/?{query}")
    count = int(re.search(r"(\d+) milestones?", expected.text).group(1))
    shown: list[str] = []
    for number in range(1, (count + 1) // 2 + 1):
        page = client.get(f"/en/timeline/?{query}&page={number}")
        assert page.status_code == 200
        shown += titles(page.text)
    milestones = Milestone.objects.published().order_by("-year_id", "order", "id")
    if query == "theme=equality":
        milestones = milestones.filter(policy__slug="charter")
    elif query == "year_min=2013":
        milestones = milestones.filter(year__gte=2013)
    assert shown == [milestone.title_en for milestone in milestones]


def test_a_page_reads_only_its_years(record, settings):
    settings.TIMELINE_PAGE_SIZE = 2
    settings.PAGE_CACHE_SECONDS = 0
    Client().get("/en/timeline/?page=3")  # its parts stored: what is left is the page's query
    with CaptureQueriesContext(connection) as read:
        Client().get("/en/timeline/?page=3")  # 2012's first two: four matches come before
    (query,) = read.captured_queries
    assert '"timeline_milestone"."year" <= 2012' in query["sql"]
    assert '"timeline_milestone"."year" >= 2012' in query["sql"]
    assert "OFFSET" not in query["sql"]
