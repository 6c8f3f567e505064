"""Scheduled publishing: a published record reaches the public at its publish time and leaves
it at its withdraw time, with no job running, and no cache keeps the page past either."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from timeline.caching.schedule import seconds_until_next_change, upcoming_change
from timeline.models import Initiative, Milestone

from .factories import make_initiative, make_milestone
from .sitemap_helpers import sitemap_entries

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 5, 17, 23, 0, tzinfo=datetime.UTC)
MAY_18 = START + datetime.timedelta(hours=1)  # 00:00 on 18 May, UTC


class Clock:
    """timezone.now(), set by the test."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def max_ages(response):
    control = response["Cache-Control"]
    return {name: int(value) for name, value in re.findall(r"(max-age|s-maxage)=(\d+)", control)}


def test_published_follows_the_times_without_a_job():
    milestone = make_milestone(publish_at=MAY_18, withdraw_at=MAY_18 + datetime.timedelta(days=1))
    public = Milestone.objects.published
    assert milestone not in public(now=MAY_18 - datetime.timedelta(seconds=1))
    assert milestone in public(now=MAY_18)
    assert milestone not in public(now=MAY_18 + datetime.timedelta(days=1))
    assert not milestone.is_public(now=START) and milestone.is_public(now=MAY_18)


def test_an_unpublished_record_stays_hidden_whatever_its_times():
    milestone = make_milestone(is_published=False, publish_at=START)
    assert milestone not in Milestone.objects.published(now=MAY_18)


def test_a_milestone_leaves_with_its_withdrawn_subject():
    subject = make_initiative(withdraw_at=MAY_18)
    milestone = make_milestone(subject=subject)
    assert milestone in Milestone.objects.published(now=START)
    assert milestone not in Milestone.objects.published(now=MAY_18)
    assert subject not in Initiative.objects.published(now=MAY_18)


def test_withdraw_must_come_after_publish():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_milestone(publish_at=MAY_18, withdraw_at=MAY_18)


def test_the_next_change_is_one_query(django_assert_num_queries):
    make_milestone(publish_at=MAY_18 + datetime.timedelta(hours=5))
    make_initiative(withdraw_at=MAY_18)
    with django_assert_num_queries(1):
        assert upcoming_change(START) == MAY_18
    assert upcoming_change(MAY_18) == MAY_18 + datetime.timedelta(hours=5)
    assert upcoming_change(MAY_18 + datetime.timedelta(days=1)) is None


def test_the_page_appears_at_its_time_and_not_before(clock):
    milestone = make_milestone(publish_at=MAY_18)
    url = milestone.get_absolute_url()
    visitor = Client()
    assert visitor.get(url).status_code == 404
    timeline = visitor.get("/ko/timeline/")
    assert milestone.title_ko not in timeline.text
    clock.now = MAY_18
    assert visitor.get(url).status_code == 200
    # The timeline cached before the time is retired with it.
    assert milestone.title_ko in visitor.get("/ko/timeline/").text


def test_the_page_leaves_at_its_withdraw_time_though_cached(clock):
    milestone = make_milestone(withdraw_at=MAY_18)
    url = milestone.get_absolute_url()
    visitor = Client()
    assert visitor.get(url).status_code == 200
    assert visitor.get(url)["X-Page-Cache"] == "hit"
    clock.now = MAY_18
    assert visitor.get(url).status_code == 404


def test_cache_headers_are_capped_at_the_next_change(clock, settings):
    settings.PAGE_CACHE_MAX_AGE = 600
    settings.PAGE_CACHE_S_MAXAGE = 3600
    make_milestone(publish_at=START + datetime.timedelta(seconds=90))
    response = Client().get("/ko/timeline/")
    assert max_ages(response) == {"max-age": 90, "s-maxage": 90}
    assert seconds_until_next_change() == 90
    clock.now = START + datetime.timedelta(seconds=100)
    response = Client().get("/ko/timeline/")
    assert max_ages(response) == {"max-age": 600, "s-maxage": 3600}


def test_a_page_served_from_the_cache_is_not_kept_past_the_next_change(clock, settings):
    settings.PAGE_CACHE_MAX_AGE = 60
    settings.PAGE_CACHE_S_MAXAGE = 3600
    make_milestone(publish_at=START + datetime.timedelta(seconds=90))
    visitor = Client()
    assert max_ages(visitor.get("/ko/timeline/")) == {"max-age": 60, "s-maxage": 90}
    # 80 seconds on, the stored page is served: a browser or CDN keeping it for the ages it
    # was stored with would show it after the milestone appears.
    clock.now = START + datetime.timedelta(seconds=80)
    response = visitor.get("/ko/timeline/")
    assert response["X-Page-Cache"] == "hit"
    assert max_ages(response) == {"max-age": 10, "s-maxage": 10}
    assert "public" in response["Cache-Control"]


def test_sitemap_and_feed_agree_with_the_pages(clock):
    milestone = make_milestone(publish_at=MAY_18, slug="may-18-ceremony")
    visitor = Client()
    assert "may-18-ceremony" not in "\n".join(sitemap_entries(visitor))
    assert "may-18-ceremony" not in visitor.get("/ko/feed/").text
    clock.now = MAY_18
    assert "may-18-ceremony" in "\n".join(sitemap_entries(visitor))
    assert milestone.get_absolute_url() in visitor.get("/ko/feed/").text


def test_the_feed_dates_a_scheduled_milestone_from_when_it_appears(clock):
    milestone = make_milestone(publish_at=MAY_18, slug="may-18-ceremony")
    clock.now = MAY_18 + datetime.timedelta(minutes=5)
    feed = Client().get("/en/feed/").text
    entry = feed[feed.index("may-18-ceremony") :]
    assert "<published>2026-05-18T00:00:00+00:00</published>" in entry.split("</entry>")[0]
    assert "<updated>2026-05-18T00:00:00+00:00</updated>" in entry.split("</entry>")[0]
    assert milestone.created < MAY_18


def test_each_call_compares_with_its_own_time_and_assumption():
    """The public filter is built once per model and reused (models/public_filter.py): each
    call must still answer for its own time, and a preview's assumption for its own."""
    year = make_milestone(2013).year
    year.is_published = False
    year.save()
    draft_year = make_milestone(year, publish_at=MAY_18)
    for _ in range(2):
        assert draft_year not in Milestone.objects.published(now=MAY_18)
        assert draft_year in Milestone.objects.published(now=MAY_18, assuming="year")
        assert draft_year not in Milestone.objects.published(now=START, assuming="year")
        assert draft_year not in Milestone.objects.filter(year=year).published(now=MAY_18)
