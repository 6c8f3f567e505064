"""The timeline's design as a visitor meets it: year markers, kinds shown by text and icon,
a filter panel out of the way on phones, a chart that follows the filters, and each
subject's own mini-timeline. (How it looks and works in a browser: tests/browser/.)"""

import re
from pathlib import Path

import pytest

from timeline.public.charts import year_strip

from .factories import make_initiative, make_institution, make_milestone, make_policy

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parent.parent / "timeline" / "static" / "timeline"


@pytest.fixture
def record():
    forum = make_initiative(slug="forum", name_en="World Forum")
    charter = make_policy(slug="charter", name_en="Charter")
    office = make_institution(slug="office", name_en="Office")
    return {
        "forum": forum,
        "milestones": [
            make_milestone(2011, forum, slug="forum-2011"),
            make_milestone(2012, charter, slug="charter-2012"),
            make_milestone(2012, office, slug="office-2012"),
            make_milestone(2020, forum, slug="forum-2020"),
            make_milestone(2020, forum, slug="forum-2020-b"),
        ],
    }


def chart_rows(html):
    """{year: total} as the chart's data table gives them; None for "not in the record"."""
    table = html[html.index('<details class="chart__data">') :]
    rows = re.findall(
        r'<tr><th scope="row">(\d{4})</th>(?:(?:<td>\d+</td>)*<td>(\d+)</td>|<td[^>]*>[^<\d]+</td>)</tr>',
        table,
    )
    return {int(year): int(total) if total else None for year, total in rows}


def test_timeline_has_a_marker_per_year_and_cards_with_kind_label_and_icon(client, record):
    html = client.get("/en/timeline/").content.decode()
    markers = re.findall(r'class="year-group__marker" href="/en/years/(\d{4})/"', html)
    assert markers == ["2020", "2012", "2011"]
    for kind, label in (
        ("initiative", "Initiative"),
        ("policy", "Policy"),
        ("institution", "Institution"),
    ):
        badge = re.search(rf'<span class="kind kind--{kind}">(.*?)</span>', html, re.S).group(1)
        assert f'<use href="#icon-{kind}"></use>' in badge  # an icon ...
        assert badge.endswith(label)  # ... and its name in words
        assert f'<symbol id="icon-{kind}"' in html


def test_timeline_chart_follows_the_filters(client, record):
    everything = chart_rows(client.get("/en/timeline/").content.decode())
    # Years the record has nothing for are "not in the record", never 0.
    assert everything == {2020: 2, **dict.fromkeys(range(2013, 2020), None), 2012: 2, 2011: 1}
    initiatives = chart_rows(client.get("/en/timeline/?kind=initiative").content.decode())
    assert initiatives[2011] == 1 and initiatives[2020] == 2
    assert initiatives[2012] == 0  # the gap in the filtered record shows as a gap
    one_year = chart_rows(client.get("/en/timeline/?year=2012").content.decode())
    assert one_year == {2012: 2}


def test_timeline_chart_counts_every_match_not_just_the_page(client, record, settings):
    settings.TIMELINE_PAGE_SIZE = 2
    html = client.get("/en/timeline/?page=2").content.decode()
    assert sum(total or 0 for total in chart_rows(html).values()) == 5


def test_no_chart_when_nothing_matches_or_the_filters_are_wrong(client, record):
    for query in ("?q=nothing-like-this", "?year=abc"):
        html = client.get(f"/en/timeline/{query}").content.decode()
        assert 'class="chart-panel"' not in html, query


def test_home_and_timeline_both_show_the_chart(client, record):
    for address in ("/ko/", "/ko/timeline/"):
        html = client.get(address).content.decode()
        assert '<svg class="chart__svg"' in html, address
        assert 'fill="url(#chart-fill-policy)"' in html  # kinds differ by pattern, not only colour


def test_filter_panel_folds_so_a_phone_shows_results_first(client, record):
    plain = client.get("/ko/timeline/").content.decode()
    assert '<details class="filter-panel" data-open-wide>' in plain
    filtered = client.get("/ko/timeline/?kind=policy").content.decode()
    assert re.search(r'<details class="filter-panel" data-open-wide>', filtered)
    assert 'class="filter-panel__count"' in filtered
    wrong = client.get("/en/timeline/?year_min=20x").content.decode()
    assert '<details class="filter-panel" data-open-wide open>' in wrong


def test_the_filter_panel_counts_fields_not_values(client, record):
    html = client.get("/en/timeline/?kind=policy&kind=initiative&year=2012").content.decode()
    count = re.search(r'class="filter-panel__count">([^<]+)<', html).group(1)
    assert count.startswith("2 ")


def test_subject_page_shows_its_mini_timeline_on_the_records_scale(client, record):
    html = client.get("/en/initiatives/forum/").content.decode()
    strip = html[html.index('<figure class="strip">') : html.index("</figure>")]
    assert "2011–2020" in strip  # the whole record's span, not only the forum's
    labels = re.findall(r'<text class="strip__year"[^>]*>(\d{4})</text>', strip)
    assert labels == ["2011", "2020"]
    assert 'class="strip__count"' in strip  # two milestones in 2020
    assert "2011, 2020 (2 milestones)" in strip


def test_year_strip_keeps_neighbouring_labels_apart():
    strip = year_strip([2019, 2020, 2021, 2009], span=(2009, 2021))
    by_year = {mark.year: mark for mark in strip.marks}
    # Consecutive years are too close for one row of labels: they take turns.
    assert by_year[2019].label_y != by_year[2020].label_y
    assert by_year[2020].label_y != by_year[2021].label_y
    assert strip.marks[0].x == pytest.approx(6)  # the span's ends sit at the margins
    assert strip.marks[-1].x == pytest.approx(94)
    # The span's unmarked ends are labelled, unless a year label is too close to them.
    assert [end.year for end in year_strip([2012], span=(2009, 2021)).ends] == [2009, 2021]
    assert [end.year for end in year_strip([2010], span=(2009, 2021)).ends] == [2021]
    assert year_strip([]) is None
    assert year_strip([2015]).marks[0].x == 50


def test_print_styles_hide_navigation_and_filters():
    css = (STATIC / "site.css").read_text()
    print_rules = css[css.index("@media print") :]
    for selector in (".site-header", ".with-filters__panel", ".chart-panel", ".pagination"):
        assert selector in print_rules
    assert "attr(href)" not in css  # no printed URLs after links
