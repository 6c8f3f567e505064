"""The public pages: every URL answers in both languages, and only published records appear."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from .factories import (
    cite,
    make_initiative,
    make_institution,
    make_milestone,
    make_outlet,
    make_policy,
    make_source,
    make_theme,
    make_year,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("ko", "en")


def url(name, lang="ko", **kwargs):
    with translation.override(lang):
        return reverse(f"timeline:{name}", kwargs=kwargs or None)


@pytest.fixture
def record():
    """A small published record: one subject of each kind, each with a milestone."""
    theme = make_theme(slug="governance", name_en="Governance & law", name_ko="거버넌스·법제")
    year = make_year(2012, headline_en="The charter year", headline_ko="인권헌장의 해")
    make_year(2009)
    initiative = make_initiative(slug="forum", name_en="World Forum", themes=[theme])
    policy = make_policy(slug="charter", name_en="Human Rights Charter", period_start=2012)
    parent = make_institution(slug="city-hall", name_en="City Hall")
    institution = make_institution(slug="division", name_en="Human Rights Division", parent=parent)
    return {
        "theme": theme,
        "year": year,
        "initiative": initiative,
        "policy": policy,
        "institution": institution,
        "parent": parent,
        "milestones": [
            make_milestone(year, initiative, slug="forum-held", title_en="Forum held"),
            make_milestone(year, policy, slug="charter-declared", title_en="Charter declared"),
            make_milestone(2009, institution, slug="division-created", title_en="Division created"),
        ],
    }


def every_url(record, lang):
    milestone = record["milestones"][0]
    return [
        url("home", lang),
        url("timeline", lang),
        url("milestone-detail", lang, year=milestone.year_id, slug=milestone.slug),
        url("year-detail", lang, year=2012),
        url("initiative-list", lang),
        url("initiative-detail", lang, slug="forum"),
        url("policy-list", lang),
        url("policy-detail", lang, slug="charter"),
        url("institution-list", lang),
        url("institution-detail", lang, slug="division"),
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_url_answers_in_both_languages(client, record, lang):
    for address in every_url(record, lang):
        assert address.startswith(f"/{lang}/")
        response = client.get(address)
        assert response.status_code == 200, address
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html, address
        # The site runs under a strict CSP: no inline styles or scripts. A script element
        # is either a static file or JSON-LD data, which is never executed.
        assert " style=" not in html and "<style" not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert ' src="/static/' in tag or 'type="application/ld+json"' in tag, tag
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), f"duplicate id on {address}"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [(None, "/ko/"), ("ko-KR,ko;q=0.9", "/ko/"), ("en-US,en;q=0.9", "/en/"), ("fr", "/ko/")],
)
def test_root_redirects_by_accept_language_korean_by_default(client, accept, expected):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.get("/", **headers)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_page_has_skip_link_landmarks_and_navigation(client, record):
    html = client.get(url("timeline")).content.decode()
    assert '<a class="skip-link" href="#content">' in html
    assert '<main id="content"' in html
    assert "<footer" in html
    for name in ("home", "timeline", "initiative-list", "policy-list", "institution-list"):
        assert f'href="{url(name)}"' in html


def test_language_switch_keeps_page_and_query_string(client, record):
    response = client.get(url("timeline", "ko") + "?theme=governance&kind=policy&page=1")
    # The filters as the page cache writes them: sorted, the first page implied.
    assert 'href="/en/timeline/?kind=policy&amp;theme=governance"' in response.content.decode()
    milestone = record["milestones"][0]
    detail = client.get(url("milestone-detail", "en", year=2012, slug=milestone.slug))
    assert f'href="/ko/timeline/2012/{milestone.slug}/"' in detail.content.decode()


def test_language_switch_on_a_missing_page_offers_the_other_home(client, record):
    response = client.get("/ko/no-such-page/")
    assert response.status_code == 404
    assert 'href="/en/" hreflang="en"' in response.content.decode()


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))


def links(response):
    parser = LinkCollector()
    parser.feed(response.content.decode())
    return parser.hrefs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_milestone_listing_links_to_the_milestone_page(client, record, lang):
    milestones = record["milestones"]
    listings = {
        url("home", lang): [m for m in milestones if m.year_id == 2012],
        url("timeline", lang): milestones,
        url("year-detail", lang, year=2012): [m for m in milestones if m.year_id == 2012],
        url("initiative-detail", lang, slug="forum"): milestones[:1],
        url("policy-detail", lang, slug="charter"): milestones[1:2],
        url("institution-detail", lang, slug="division"): milestones[2:],
    }
    for address, expected in listings.items():
        hrefs = links(client.get(address))
        for milestone in expected:
            assert f"/{lang}/timeline/{milestone.year_id}/{milestone.slug}/" in hrefs, address


def test_milestone_card_shows_date_precision_kind_subject_and_themes(client, record):
    import datetime

    milestone = record["milestones"][0]
    milestone.date, milestone.date_precision = datetime.date(2012, 5, 21), "month"
    milestone.save()
    html = client.get(url("timeline", "en")).content.decode()
    assert '<time datetime="2012-05">May 2012</time>' in html
    assert "Initiative</span>" in html
    assert 'href="/en/initiatives/forum/"' in html
    assert "Governance &amp; law" in html
    # Without a stated date the card shows the year group alone.
    assert '<time datetime="2009">2009</time>' in html


def test_timeline_groups_by_year_newest_first_in_source_order(client):
    year = make_year(2012)
    make_milestone(year, slug="second", title_en="Second of 2012", order=2)
    make_milestone(year, slug="first", title_en="First of 2012", order=1)
    make_milestone(2020, slug="later", title_en="Of 2020", order=5)
    html = client.get(url("timeline", "en")).content.decode()
    positions = [html.index(text) for text in ("Of 2020", "First of 2012", "Second of 2012")]
    assert positions == sorted(positions)
    assert html.count('class="year-group__heading"') == 2


def test_milestone_page_shows_summary_note_sources_and_links(client, record):
    milestone = record["milestones"][1]
    milestone.summary_en = "Proclaimed on Citizens' Day."
    milestone.note_en = "Sources disagree on the signers."
    milestone.save()
    city = make_outlet(name_en="Gwangju City")
    cite(milestone, make_source(outlet=city, title="gjhr.go.kr", url="https://gjhr.go.kr/charter"))
    cite(milestone, make_source(outlet=city, title="Printed leaflet", url=""))
    html = client.get(milestone.get_absolute_url().replace("/ko/", "/en/")).content.decode()
    assert "Proclaimed on Citizens" in html
    assert "Note: sources disagree" in html and "Sources disagree on the signers." in html
    assert '<a href="https://gjhr.go.kr/charter" rel="external noopener">gjhr.go.kr<' in html
    assert '<cite class="source__title" lang="ko">Printed leaflet</cite>' in html
    assert 'href="/en/policies/charter/"' in html
    assert 'href="/en/years/2012/"' in html
    # Its neighbours in time, as on a year page: the forum just before it, nothing later.
    assert 'href="/en/timeline/2012/forum-held/" rel="prev"' in html
    assert 'rel="next"' not in html


def test_milestone_url_with_the_wrong_year_is_not_found(client, record):
    milestone = record["milestones"][0]
    assert client.get(url("milestone-detail", year=2009, slug=milestone.slug)).status_code == 404


def test_year_page_lists_its_milestones_and_links_neighbouring_years(client, record):
    make_year(2020)
    html = client.get(url("year-detail", "en", year=2012)).content.decode()
    assert "The charter year" in html
    assert "Forum held" in html and "Charter declared" in html
    assert "Division created" not in html
    assert 'href="/en/years/2009/" rel="prev"' in html
    assert 'href="/en/years/2020/" rel="next"' in html


def test_unknown_year_is_not_found(client, record):
    assert client.get(url("year-detail", year=1999)).status_code == 404


def test_subject_page_shows_history_oldest_first_and_its_details(client, record):
    forum = record["initiative"]
    make_milestone(2020, forum, slug="tenth-forum", title_en="Tenth Forum", order=1)
    html = client.get(url("initiative-detail", "en", slug="forum")).content.decode()
    assert html.index("Forum held") < html.index("Tenth Forum")
    assert "oldest first" in html
    policy_html = client.get(url("policy-detail", "en", slug="charter")).content.decode()
    assert "2012–" in policy_html
    division_html = client.get(url("institution-detail", "en", slug="division")).content.decode()
    assert 'href="/en/institutions/city-hall/"' in division_html
    hall_html = client.get(url("institution-detail", "en", slug="city-hall")).content.decode()
    assert 'href="/en/institutions/division/"' in hall_html


def test_directory_shows_type_count_span_and_themes(client, record):
    forum = record["initiative"]
    make_milestone(2020, forum, slug="tenth-forum")
    make_milestone(2021, forum, slug="hidden-forum", is_published=False)
    html = client.get(url("initiative-list", "en")).content.decode()
    assert "World Forum" in html
    assert "Forum</span>" in html  # the initiative's type
    assert "2 milestones" in html
    assert "2012–2020" in html
    assert "Governance &amp; law" in html


def home_figures(html):
    """{label: number} of the home page's key figures (a label may follow an icon)."""
    pattern = r"<dt>(?:<svg.*?</svg>)?([^<]+)</dt><dd>(?:<a [^>]+>)?(\d+)"
    return dict(re.findall(pattern, html))


def test_home_shows_figures_latest_milestones_and_an_accessible_chart(client, record):
    make_milestone(2009, record["policy"], slug="older", title_en="An older one")
    html = client.get(url("home", "en")).content.decode()
    figures = home_figures(html)
    assert figures == {
        "Milestones": "4",
        "Years covered": "2",
        "Initiatives": "1",
        "Policies": "1",
        "Institutions": "2",
    }
    latest = html[html.index('id="latest-heading"') : html.index('id="chart-heading"')]
    assert "Forum held" in latest and "Division created" not in latest
    assert '<svg class="chart__svg"' in html and 'role="img"' in html
    assert "<details" in html and '<th scope="row">2010</th>' in html  # empty years shown
    assert " style=" not in html  # the CSP forbids inline styles


def test_fallback_language_is_marked_on_its_element(client):
    make_milestone(2012, slug="english-only", title_ko="", title_en="Only in English")
    html = client.get(url("timeline", "ko")).content.decode()
    assert '<a href="/ko/timeline/2012/english-only/" lang="en">Only in English</a>' in html
    make_milestone(2012, slug="both", title_ko="양쪽 모두", title_en="Both")
    html = client.get(url("timeline", "ko")).content.decode()
    assert '<a href="/ko/timeline/2012/both/">양쪽 모두</a>' in html


# --- Only published records, anywhere public -------------------------------------------


def assert_nowhere_public(client, record, text, lang="en"):
    for address in every_url(record, lang):
        response = client.get(address)
        assert response.status_code == 200, address
        assert text not in response.content.decode(), address


def test_unpublished_milestone_is_hidden_everywhere_and_its_page_is_not_found(client, record):
    hidden = make_milestone(
        2012, record["initiative"], slug="draft", title_en="Draft milestone", is_published=False
    )
    assert_nowhere_public(client, record, "Draft milestone")
    assert client.get(url("milestone-detail", year=2012, slug=hidden.slug)).status_code == 404


def test_unpublished_subject_and_its_milestones_are_hidden_everywhere(client, record):
    secret = make_initiative(slug="secret", name_en="Secret initiative", is_published=False)
    make_milestone(2012, secret, slug="secret-step", title_en="Published step of a secret")
    assert_nowhere_public(client, record, "Secret initiative")
    assert_nowhere_public(client, record, "Published step of a secret")
    assert client.get(url("initiative-detail", slug="secret")).status_code == 404
    assert client.get(url("milestone-detail", year=2012, slug="secret-step")).status_code == 404


def test_unpublished_year_hides_its_page_and_milestones(client, record):
    draft_year = make_year(2030, is_published=False)
    make_milestone(draft_year, record["initiative"], slug="future", title_en="Future plan")
    assert_nowhere_public(client, record, "Future plan")
    assert_nowhere_public(client, record, "2030")
    assert client.get(url("year-detail", year=2030)).status_code == 404
    assert client.get(url("milestone-detail", year=2030, slug="future")).status_code == 404


def test_unpublished_theme_and_institution_parent_are_not_shown(client, record):
    record["institution"].themes.add(make_theme(name_en="Draft theme", is_published=False))
    record["parent"].is_published = False
    record["parent"].save()
    make_institution(
        slug="draft-unit", name_en="Draft unit", parent=record["institution"], is_published=False
    )
    assert_nowhere_public(client, record, "Draft theme")
    assert_nowhere_public(client, record, "City Hall")
    assert_nowhere_public(client, record, "Draft unit")
    assert client.get(url("institution-detail", slug="city-hall")).status_code == 404


def test_unpublished_records_are_not_counted_on_the_home_page(client, record):
    make_initiative(is_published=False)
    make_milestone(2012, record["policy"], is_published=False)
    html = client.get(url("home", "en")).content.decode()
    assert "<dt>Milestones</dt><dd><a" in html
    figures = home_figures(html)
    assert figures["Milestones"] == "3"
    assert figures["Initiatives"] == "1"
