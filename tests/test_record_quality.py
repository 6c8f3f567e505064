"""The record-quality page: what staff must still fix, each item a link to fix it."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .admin_helpers import client_for
from .factories import cite, make_initiative, make_milestone, make_source, make_theme

pytestmark = pytest.mark.django_db

PAGE = "/admin/record-quality/"


def section(html, key):
    """The text of one section, from its heading to the next section."""
    start = html.index(f'id="{key}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def count_of(html, key):
    return int(re.search(r'record-quality__count">\((\d+)\)', section(html, key)).group(1))


@pytest.fixture
def as_staff(editor):
    return client_for(editor)


@pytest.fixture
def gaps():
    """One of each kind of gap, beside records that have none."""
    forum = make_initiative(slug="forum", summary_ko="포럼", summary_en="A forum")
    complete = make_milestone(
        2012, forum, slug="complete", title_en="Complete", summary_ko="요약", summary_en="S"
    )
    cite(complete, make_source(title="gjhr", url="https://gjhr.go.kr/"))
    no_korean = make_milestone(2013, forum, slug="no-korean", title_ko="", title_en="English only")
    leaflet = make_source(title="printed leaflet", url="")  # a source without a URL
    cite(no_korean, leaflet)
    disputed = make_milestone(
        2014,
        forum,
        slug="disputed",
        title_en="Disputed",
        summary_ko="요약",
        note_en="Sources disagree on the date.",
    )
    make_initiative(slug="unnamed-in-korean", name_ko="", name_en="Forum without Korean")
    make_theme(slug="rights", name_ko="", name_en="Rights")
    return {"complete": complete, "no_korean": no_korean, "disputed": disputed, "leaflet": leaflet}


def test_each_gap_is_listed_with_a_link_to_fix_it(as_staff, gaps):
    html = as_staff.get(PAGE).content.decode()
    korean = section(html, "korean-milestone")
    edit = reverse("admin:timeline_milestone_change", args=[gaps["no_korean"].pk])
    assert f'href="{edit}"' in korean and "title" in korean and "summary" in korean
    assert "Complete" not in korean and "Disputed" not in korean
    initiatives = section(html, "korean-initiative")
    assert "Forum without Korean" in initiatives and count_of(html, "korean-initiative") == 1
    assert "Rights" in section(html, "korean-theme")

    uncited = section(html, "uncited")
    assert "Disputed" in uncited and "Complete" not in uncited and "English only" not in uncited
    assert count_of(html, "uncited") == 1

    no_url = section(html, "no-url")
    edit_source = reverse("admin:timeline_source_change", args=[gaps["leaflet"].pk])
    assert "printed leaflet" in no_url and f'href="{edit_source}"' in no_url
    assert count_of(html, "no-url") == 1

    disputed = section(html, "disputed")
    edit_disputed = reverse("admin:timeline_milestone_change", args=[gaps["disputed"].pk])
    assert f'href="{edit_disputed}"' in disputed and "Sources disagree on the date." in disputed
    assert count_of(html, "disputed") == 1


def test_a_complete_record_says_nothing_is_left(as_staff):
    milestone = make_milestone(2012, summary_ko="요약", summary_en="Summary")
    milestone.subject.summary_ko = "사업 요약"
    milestone.subject.save()
    cite(milestone, make_source(title="gjhr", url="https://gjhr.go.kr/"))
    html = as_staff.get(PAGE).content.decode()
    assert "Nothing to fix" in html
    assert count_of(html, "uncited") == 0


def test_the_admin_index_links_to_it(as_staff):
    html = as_staff.get(reverse("admin:index")).content.decode()
    assert f'href="{PAGE}"' in html


def test_only_staff_see_it(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    member = User.objects.create_user("citizen")
    outsider = Client()
    outsider.force_login(member)
    assert outsider.get(PAGE).status_code == 302


def test_korean_staff_read_it_in_korean(editor, gaps):
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(editor)
    page = client.get(PAGE).content.decode()
    assert "출처가 없는 주요 연혁" in page
    assert "기록 점검" in page


def test_queries_do_not_grow_with_the_record(as_staff, gaps):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_staff.get(PAGE).status_code == 200
        return len(captured.captured_queries)

    small = queries()
    for index in range(30):
        milestone = make_milestone(2015, title_ko="", note_en="Open question")
        cite(milestone, make_source(title=f"label {index}", url=""))
    assert queries() == small
