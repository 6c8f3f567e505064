"""What a reader notices: gaps in the record, the direction of "earlier/later", year groups
split across pages, the home page's latest year, and the filter panel on a phone."""

import datetime
import re

import pytest
from django.test import override_settings

from .factories import make_milestone

pytestmark = pytest.mark.django_db


def page(client, path, query=None):
    response = client.get(path, query or {})
    assert response.status_code == 200
    return response.content.decode()


def table_row(html, year):
    """The chart table's row for ``year``, as text without tags."""
    row = re.search(rf'<tr><th scope="row">{year}</th>(.*?)</tr>', html, re.S)
    assert row, f"no row for {year}"
    return re.sub(r"<[^>]+>", " ", row.group(1)).split()


@pytest.fixture
def gappy_record():
    """Milestones in 2009, 2011 and 2012: the record has nothing for 2010."""
    make_milestone(2009, slug="office", title_en="Office", title_ko="사무실", order=1)
    make_milestone(2011, slug="forum", title_en="Forum", title_ko="포럼", order=1)
    make_milestone(2012, slug="charter", title_en="Charter", title_ko="헌장", order=1)
    make_milestone(2012, slug="council", title_en="Council", title_ko="위원회", order=2)


@pytest.mark.parametrize("path", ["/ko/", "/ko/timeline/"])
def test_a_year_the_record_has_nothing_for_is_not_shown_as_zero(client, gappy_record, path):
    html = page(client, path)
    assert table_row(html, 2010) == ["기록", "없음"]
    assert table_row(html, 2011)[-1] == "1"
    assert "기록 없음</text>" in html  # beside the empty bar too


def test_a_filtered_chart_tells_no_match_from_not_in_the_record(client, gappy_record):
    make_milestone(2010, slug="parade", title_en="Parade", title_ko="행진")
    html = page(client, "/en/timeline/", {"q": "o"})  # Office, Forum, Council: not Parade
    # 2010 is in the record now; nothing of it matches the search: that is a real 0.
    assert table_row(html, 2010) == ["0", "0", "0", "0"]
    assert "not in the record" not in html


def result_count(html):
    """The line above the results that says how many there are, as text."""
    line = re.search(r'<p class="result-count">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", line.group(1)).strip()


@pytest.mark.parametrize(
    "query",
    [{"year": "2010"}, {"year_min": "2010", "year_max": "2010"}, {"year": "2010", "q": "포럼"}],
)
def test_asking_for_a_year_the_record_has_nothing_for_says_so_not_zero(client, gappy_record, query):
    html = page(client, "/ko/timeline/", query)
    assert result_count(html) == "2010년은 기록에 없습니다."
    assert "0건" not in html
    assert "이 연도에는 기록된 주요 연혁이 없습니다" in html
    english = page(client, "/en/timeline/", query)
    assert result_count(english) == "2010 is not in the record."


def test_a_year_in_the_record_with_no_match_is_a_real_zero(client, gappy_record):
    html = page(client, "/ko/timeline/", {"year": "2011", "q": "헌장"})
    assert result_count(html) == "주요 연혁 0건"
    assert "기록에 없습니다" not in html


def test_earlier_and_later_run_the_same_way_on_milestone_and_year_pages(client, gappy_record):
    html = page(client, "/en/timeline/2012/charter/")
    assert re.search(r'href="/en/timeline/2011/forum/" rel="prev">.*?Earlier milestone', html)
    assert re.search(r'href="/en/timeline/2012/council/" rel="next">.*?Later milestone', html)
    html = page(client, "/en/years/2011/")
    assert re.search(r'href="/en/years/2009/" rel="prev">.*?Earlier year', html)
    assert re.search(r'href="/en/years/2012/" rel="next">.*?Later year', html)


@override_settings(TIMELINE_PAGE_SIZE=3)
def test_a_year_split_across_pages_says_it_continues(client):
    for order in range(1, 5):
        make_milestone(2012, slug=f"m{order}", title_en=f"M{order}", order=order)
    make_milestone(2011, slug="older", title_en="Older", order=1)
    first = page(client, "/en/timeline/")
    assert "2012 continues on the next page." in first
    assert "(continued)" not in first
    second = page(client, "/en/timeline/", {"page": "2"})
    heading = re.search(r'id="year-2012">(.*?)</h2>', second, re.S).group(1)
    assert "(continued)" in heading
    assert "continues on the next page" not in second
    assert "(continued)" not in re.search(r'id="year-2011">(.*?)</h2>', second, re.S).group(1)
    korean = page(client, "/ko/timeline/", {"page": "2"})
    assert "(계속)" in korean


@override_settings(TIMELINE_PAGE_SIZE=2)
def test_a_page_break_between_years_says_nothing(client):
    make_milestone(2012, slug="a", order=1)
    make_milestone(2012, slug="b", order=2)
    make_milestone(2011, slug="c", order=1)
    assert "continues on the next page" not in page(client, "/en/timeline/")
    assert "(continued)" not in page(client, "/en/timeline/", {"page": "2"})


def test_home_latest_heading_and_first_card_agree_on_the_year(client):
    make_milestone(
        2021,
        slug="centre-opens",
        title_en="Centre opens",
        date=datetime.date(2020, 5, 1),
        date_precision="month",
        order=1,
    )
    make_milestone(2019, slug="older", title_en="Older")
    html = page(client, "/en/")
    assert "Latest milestones: 2021" in html
    latest = html[html.index('id="latest-heading"') :]
    first_card = latest[latest.index("milestone-card__meta") : latest.index("</p>")]
    assert "2021" in first_card  # "May 2020 (in the record for 2021)"
    assert "May 2020" in first_card


def filter_panel(html):
    return re.search(r"<details class=\"filter-panel\"[^>]*>", html).group(0)


@pytest.mark.parametrize("path", ["/ko/timeline/", "/ko/initiatives/"])
def test_filter_panel_is_folded_whenever_there_are_results_to_show(client, path):
    make_milestone(2012, slug="one", title_en="One")
    assert " open" not in filter_panel(page(client, path))
    assert " open" not in filter_panel(page(client, path, {"q": "One"}))
    # A value to correct keeps the panel open, by its message.
    assert " open" in filter_panel(page(client, "/ko/timeline/", {"year": "abc"}))
    # Wide screens open it again with site.js; without JavaScript the summary still opens it.
    assert "data-open-wide" in filter_panel(page(client, path, {"q": "One"}))
