"""A list page's query is compiled to SQL once per question and language, and run again from
the kept SQL with each request's own time (issue 15; timeline/models/compiled_once.py)."""

import datetime
import re
from collections.abc import Iterator

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.utils import timezone

from timeline.models import Milestone
from timeline.models import compiled_once as kept_sql
from timeline.models.compiled_once import compiled_once

from .factories import make_milestone, make_policy

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 5, 17, 23, 0, tzinfo=datetime.UTC)
MAY_18 = START + datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def nothing_kept(settings) -> Iterator[None]:
    settings.PAGE_CACHE_SECONDS = 0  # every request runs its query
    kept_sql.forget_all()
    yield
    kept_sql.forget_all()


@pytest.fixture
def kept_sql_alone(settings):
    """The kept SQL is run as it is, not compiled afresh and compared as the suite does."""
    settings.TIMELINE_CHECK_COMPILED_ONCE = False


@pytest.fixture
def compilations(monkeypatch) -> list[str]:
    compiled: list[str] = []
    original = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        sql, params = original(self, *args, **kwargs)
        compiled.append(sql)
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return compiled


@pytest.mark.parametrize("address", ["/en/timeline/", "/ko/timeline/?kind=policy", "/en/policies/"])
def test_a_list_asked_again_is_not_compiled_again(kept_sql_alone, compilations, address):
    policy = make_policy(slug="charter", name_en="Charter")
    make_milestone(2011, policy, title_en="Charter adopted")
    client = Client()
    first = client.get(address)
    assert compilations
    compilations.clear()
    again = client.get(address)
    assert compilations == []
    assert again.text == first.text


def test_the_kept_sql_compares_with_each_requests_time(kept_sql_alone, monkeypatch, settings):
    # One milestone a page, newest first: the first page is the same slice before and after.
    settings.TIMELINE_PAGE_SIZE = 1
    clock = [START]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    make_milestone(2011, title_en="Charter adopted")
    make_milestone(2012, title_en="Office opens", publish_at=MAY_18)
    client = Client()
    for _ in range(2):
        page = client.get("/en/timeline/").text
        assert "Charter adopted" in page and "Office opens" not in page
    clock[0] = MAY_18
    page = client.get("/en/timeline/").text
    assert "Office opens" in page and "Charter adopted" not in page


def test_a_query_changed_after_it_was_marked_is_compiled_afresh(kept_sql_alone):
    make_milestone(2011, slug="first")
    make_milestone(2012, slug="second")
    marked = compiled_once(Milestone.objects.published().order_by("slug"), "list")
    assert [m.slug for m in marked] == ["first", "second"]
    assert [m.slug for m in marked.filter(slug="second")] == ["second"]
    assert [m.slug for m in marked[1:]] == ["second"]
    assert marked.count() == 2


def test_a_key_that_misses_what_the_sql_depends_on_fails_the_tests():
    make_milestone(2011, slug="first")
    make_milestone(2012, slug="second")
    published = Milestone.objects.published()
    list(compiled_once(published.filter(slug="first"), "same"))
    with pytest.raises(AssertionError, match="kept SQL"):
        list(compiled_once(published.filter(slug="second"), "same"))


def test_each_milestone_page_finds_its_own_milestone_from_the_kept_sql(
    kept_sql_alone, compilations
):
    make_milestone(2011, slug="charter-adopted", title_en="Charter adopted")
    make_milestone(2012, slug="office-opens", title_en="Office opens")
    make_milestone(2012, slug="draft", title_en="Draft", is_published=False)
    client = Client()
    assert heading(client.get("/en/timeline/2011/charter-adopted/").text) == "Charter adopted"
    compilations.clear()
    assert heading(client.get("/en/timeline/2012/office-opens/").text) == "Office opens"
    assert not any('"timeline_milestone"."slug" =' in sql for sql in compilations)
    assert client.get("/en/timeline/2012/draft/").status_code == 404
    assert client.get("/en/timeline/2012/charter-adopted/").status_code == 404  # not its year
    assert client.get("/en/timeline/2012/no-such-milestone/").status_code == 404


def heading(page: str) -> str:
    return re.search(r"<h1[^>]*>([^<]+)</h1>", page).group(1)
