"""Findable and shareable: sitemap, feeds, robots.txt, canonical links, sharing cards, JSON-LD."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from timeline.public import sitemaps

from .factories import make_initiative, make_institution, make_milestone, make_policy, make_year
from .sitemap_helpers import sitemap_documents, sitemap_entries, sitemap_pages

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def record():
    parent = make_institution(slug="city-hall", name_en="City Hall", name_ko="광주광역시청")
    office = make_institution(
        slug="office", name_en="Human Rights Office", name_ko="인권담당관실", parent=parent
    )
    forum = make_initiative(slug="forum", name_en="World Forum")
    charter = make_policy(slug="charter", name_en="Charter")
    return {
        "office": office,
        "forum": forum,
        "charter": charter,
        "held": make_milestone(2011, forum, slug="forum-held", title_en="Forum held"),
        "created": make_milestone(
            2010,
            office,
            slug="office-created",
            title_en="Office created",
            title_ko="인권담당관실 설치",
            summary_en="The first in Korea.",
        ),
    }


def test_sitemap_lists_every_public_page_in_both_languages_with_alternates(client, record):
    entries = sitemap_entries(client)
    paths = {loc.removeprefix("http://testserver") for loc in entries}
    for lang in ("ko", "en"):
        for path in (
            "/",
            "/timeline/",
            "/initiatives/",
            "/policies/",
            "/institutions/",
            "/privacy/",
            "/accessibility/",
            "/open-data/",
            "/years/2010/",
            "/years/2011/",
            "/timeline/2011/forum-held/",
            "/timeline/2010/office-created/",
            "/initiatives/forum/",
            "/policies/charter/",
            "/institutions/office/",
            "/institutions/city-hall/",
        ):
            assert f"/{lang}{path}" in paths
    # Each page names itself, its other language and a default (the Korean page).
    alternates = entries["http://testserver/en/timeline/2011/forum-held/"]
    assert alternates == {
        "ko": "http://testserver/ko/timeline/2011/forum-held/",
        "en": "http://testserver/en/timeline/2011/forum-held/",
        "x-default": "http://testserver/ko/timeline/2011/forum-held/",
    }


def test_sitemap_leaves_out_everything_unpublished(client, record):
    secret = make_initiative(slug="secret", is_published=False)
    make_milestone(2011, secret, slug="step-of-a-secret")
    make_milestone(2011, record["forum"], slug="draft", is_published=False)
    make_year(2030, is_published=False)
    make_milestone(2030, record["forum"], slug="future")
    locations = "\n".join(sitemap_entries(client))
    for hidden in ("/secret/", "step-of-a-secret", "/draft/", "2030", "/future/"):
        assert hidden not in locations


def test_sitemap_lastmod_is_the_records_update_date(client, record):
    response = b"".join(sitemap_documents(client)).decode()
    milestone = record["created"]
    block = re.search(
        r"<url><loc>[^<]*/ko/timeline/2010/office-created/</loc>(.*?)</url>", response
    )
    assert f"<lastmod>{milestone.updated.date().isoformat()}</lastmod>" in block.group(1)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_atom_feed_lists_recent_milestones_in_its_language(client, record, lang):
    response = client.get(f"/{lang}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    entries = feed.findall(f"{ATOM}entry")
    links = {entry.find(f"{ATOM}link").get("href") for entry in entries}
    assert links == {
        f"http://testserver/{lang}/timeline/2011/forum-held/",
        f"http://testserver/{lang}/timeline/2010/office-created/",
    }
    titles = {entry.find(f"{ATOM}title").text for entry in entries}
    expected = "인권담당관실 설치 (2010" if lang == "ko" else "Office created (2010)"
    assert any(title.startswith(expected) for title in titles), titles


def test_feed_leaves_out_unpublished_milestones(client, record):
    make_milestone(2011, record["forum"], slug="draft", title_en="Draft", is_published=False)
    assert b"Draft" not in client.get("/en/feed/").content


def test_every_page_links_its_feed_canonical_and_sharing_card(client, record):
    html = client.get("/en/timeline/2010/office-created/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/en/feed/"' in html
    assert (
        '<link rel="canonical" href="http://testserver/en/timeline/2010/office-created/">' in html
    )
    assert '<meta property="og:title" content="Office created (2010)">' in html
    assert '<meta property="og:description" content="The first in Korea.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:locale" content="en_US">' in html
    assert (
        '<meta property="og:image" content="http://testserver/static/timeline/share-card.png">'
        in html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_share_image_is_a_1200_by_630_png():
    path = settings.BASE_DIR / "timeline" / "static" / "timeline" / "share-card.png"
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20], "big") == 1200
    assert int.from_bytes(header[20:24], "big") == 630


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("/ko/timeline/", "http://testserver/ko/timeline/"),
        # Filters are views of records that have their own pages: one canonical list.
        ("/ko/timeline/?kind=policy&year=2011", "http://testserver/ko/timeline/"),
        ("/en/initiatives/?q=forum", "http://testserver/en/initiatives/"),
        ("/ko/timeline/?year=abc", "http://testserver/ko/timeline/"),
        # A page of the unfiltered list is its own page.
        ("/ko/timeline/?page=2", "http://testserver/ko/timeline/?page=2"),
        ("/ko/timeline/?page=2&kind=policy", "http://testserver/ko/timeline/"),
    ],
)
def test_canonical_url_drops_filters_and_keeps_the_page_number(client, address, canonical):
    for n in range(settings.TIMELINE_PAGE_SIZE + 1):
        make_milestone(2012, slug=f"m-{n}")
    html = client.get(address).content.decode()
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert html.count('rel="canonical"') == 1


def test_not_found_page_has_no_canonical(client):
    response = client.get("/ko/no-such-page/")
    assert response.status_code == 404
    assert 'rel="canonical"' not in response.content.decode()


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_milestone_page_describes_the_milestone_as_an_event(client, record):
    (data,) = json_ld(client.get("/en/timeline/2010/office-created/").content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Office created"
    assert data["alternateName"] == "인권담당관실 설치"
    assert data["startDate"] == "2010"
    assert data["url"] == "http://testserver/en/timeline/2010/office-created/"
    assert data["location"]["address"]["addressCountry"] == "KR"
    assert data["about"] == {
        "@type": "GovernmentOrganization",
        "name": "Human Rights Office",
        "url": "http://testserver/en/institutions/office/",
    }


def test_institution_page_describes_a_government_organisation(client, record):
    (data,) = json_ld(client.get("/en/institutions/office/").content.decode())
    assert data["@type"] == "GovernmentOrganization"
    assert data["name"] == "Human Rights Office"
    assert data["parentOrganization"]["url"] == "http://testserver/en/institutions/city-hall/"
    civic = make_institution(slug="civic", institution_type="civic_group")
    (data,) = json_ld(client.get("/en/institutions/civic/").content.decode())
    assert data["@type"] == "NGO"
    assert civic.name_en == data["name"]


def test_json_ld_cannot_be_broken_out_of_by_record_text(client, record):
    # Text from the database must never close the <script> element it is written into.
    milestone = record["created"]
    milestone.title_en = "</script><script>alert(1)</script> & <!--"
    milestone.save()
    html = client.get("/en/timeline/2010/office-created/").content.decode()
    (data,) = json_ld(html)
    assert data["name"] == milestone.title_en
    assert "<script>alert(1)" not in html


def test_robots_txt_allows_the_site_points_at_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@override_settings(ADMIN_PATH="staff-only-7f3a/")
def test_robots_txt_does_not_reveal_a_custom_admin_address(client):
    assert b"staff-only-7f3a" not in client.get("/robots.txt").content


# --- A sitemap that scales ---------------------------------------------------------------


@pytest.mark.parametrize("limit", [5, 6])  # addresses per page: a record split across two
def test_the_sitemap_is_an_index_of_sections_cut_into_pages(client, record, monkeypatch, limit):
    for n in range(5):
        make_milestone(2011, record["forum"], slug=f"more-{n}")
    monkeypatch.setattr(sitemaps.BilingualSitemap, "limit", limit)

    pages = [page.removeprefix("http://testserver") for page in sitemap_pages(client)]

    # 7 published milestones, in two languages: 14 addresses on pages of 5 or 6.
    assert pages.count("/sitemap-milestones.xml") == 1
    assert "/sitemap-milestones.xml?p=2" in pages and "/sitemap-milestones.xml?p=3" in pages
    assert "/sitemap-milestones.xml?p=4" not in pages
    assert {"/sitemap-years.xml", "/sitemap-policies.xml"} <= set(pages)
    entries = sitemap_entries(client)
    # Every milestone is on exactly one page, in both languages.
    milestones = [loc for loc in entries if "/timeline/20" in loc]
    assert len(milestones) == len(set(milestones)) == 2 * 7


@pytest.mark.parametrize(
    "address",
    [
        "/sitemap-nothing.xml",
        "/sitemap-milestones.xml?p=99",
        "/sitemap-milestones.xml?p=0",
        "/sitemap-milestones.xml?p=-1",
        "/sitemap-milestones.xml?p=abc",
        "/sitemap-milestones.xml?p=%00",
        "/sitemap-milestones.xml?p=99999999999999999999999",
    ],
)
def test_a_sitemap_page_that_does_not_exist_is_a_404(client, record, address):
    assert client.get(address).status_code == 404


def test_sitemap_pages_are_rendered_once_per_content_version(
    client, record, django_assert_num_queries
):
    client.get("/sitemap.xml")
    client.get("/sitemap-milestones.xml")
    with django_assert_num_queries(0):
        assert client.get("/sitemap.xml").status_code == 200
        assert client.get("/sitemap-milestones.xml").status_code == 200
    milestone = record["held"]
    milestone.slug = "forum-hosted"
    milestone.save()
    locations = "\n".join(sitemap_entries(client))
    assert "/timeline/2011/forum-hosted/" in locations
    assert "/timeline/2011/forum-held/" not in locations


def test_a_sitemap_page_runs_the_same_queries_for_many_records(client, record):
    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/sitemap-milestones.xml").status_code == 200
            assert client.get("/sitemap.xml").status_code == 200
        return len(captured)

    few = queries()
    for n in range(30):
        make_milestone(2011, record["forum"], slug=f"many-{n}")
    assert queries() == few
