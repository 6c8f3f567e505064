"""Open data: /<lang>/timeline/export.csv and export.json are exactly what the timeline shows.

Every expectation is taken from the timeline page itself (its paginator holds every match
of its filters, in its order), so these tests hold the downloads to the page, not to a
second copy of the filtering rules.
"""

import csv
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from timeline.models import Milestone
from timeline.public import opendata

from .factories import (
    cite,
    make_initiative,
    make_institution,
    make_milestone,
    make_policy,
    make_theme,
    make_year,
)

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
FORMATS = ("csv", "json")
HIDDEN = ("draft", "of-unpublished-subject", "of-unpublished-year")


def export_url(file_type, lang="ko"):
    with translation.override(lang):
        return reverse(f"timeline:export-{file_type}")


def timeline_url(lang="ko"):
    with translation.override(lang):
        return reverse("timeline:timeline")


def read_rows(response):
    """The download's records as dicts (CSV through the BOM, JSON as it is)."""
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    return json.loads(response.content)


def download(client, file_type, query="", lang="ko"):
    response = client.get(export_url(file_type, lang) + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content[:500]
    return response


def exported_slugs(client, file_type, query="", lang="ko"):
    return [row["slug"] for row in read_rows(download(client, file_type, query, lang))]


def timeline_page(client, query="", lang="ko"):
    response = client.get(timeline_url(lang) + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return response


def shown_slugs(response):
    """Every milestone the timeline page matches, on all its pages, in its order.

    Needs a freshly rendered page (a cached one has no context): request each address once.
    """
    return [milestone.slug for milestone in response.context["paginator"].object_list]


def timeline_slugs(client, query="", lang="ko"):
    return shown_slugs(timeline_page(client, query, lang))


@pytest.fixture
def record():
    """Published milestones of every kind with Korean text, and one hidden of each sort."""
    governance = make_theme(slug="governance", name_en="Governance", name_ko="거버넌스")
    education = make_theme(slug="education", name_en="Education", name_ko="교육")
    solidarity = make_theme(slug="solidarity", name_en="Solidarity", name_ko="연대")
    forum = make_initiative(
        slug="forum",
        name_en="World Human Rights Cities Forum",
        name_ko="세계인권도시포럼",
        themes=[solidarity],
    )
    charter = make_policy(
        slug="charter", name_en="Charter", name_ko="광주인권헌장", themes=[governance]
    )
    # Two of the themes asked for together: its milestones must still come once.
    office = make_institution(
        slug="office", name_en="Office", name_ko="인권담당관", themes=[governance, education]
    )
    centre = make_institution(
        slug="centre", name_en="Education Centre", name_ko="인권교육센터", themes=[education]
    )
    white_paper = make_initiative(slug="white-paper", name_en="White Paper", name_ko="광주 백서")
    for year, subject, slug, title_en, title_ko in (
        (2011, forum, "forum-first", "First forum", "제1회 세계인권도시포럼 개최"),
        (2012, charter, "charter-proclaimed", "Charter proclaimed", "광주인권헌장 선포"),
        (2012, office, "office-opened", "Office opened", "인권담당관실 신설"),
        (2014, forum, "forum-again", "Forum again", "포럼 재개최"),
        (2014, centre, "centre-opened", "Centre opened", "교육센터 개관"),
        (2016, charter, "charter-revised", "Charter revised", "헌장 개정"),
        (2016, office, "english-only", "Declaration of the human rights city", ""),
        (2019, office, "bureau", "Bureau upgraded", "인권평화협력관으로 확대"),
        (2018, white_paper, "white-paper-published", "White paper published", "백서 발간"),
    ):
        make_milestone(year, subject, slug=slug, title_en=title_en, title_ko=title_ko)
    # Each hidden milestone would match the broad filters below (인권, 2012–2016, every kind).
    make_milestone(2014, forum, slug="draft", title_ko="인권 초안", is_published=False)
    secret = make_policy(slug="secret", name_ko="비공개 인권 정책", is_published=False)
    make_milestone(2012, secret, slug="of-unpublished-subject", title_ko="인권 비공개 주체")
    make_year(2015, is_published=False)
    make_milestone(2015, charter, slug="of-unpublished-year", title_ko="인권 비공개 연도")


FILTERS = [
    "",
    "year=2012",
    "year_min=2012&year_max=2016",
    "kind=policy&kind=institution",
    "theme=governance&theme=education",
    "q=인권",  # a Korean stem: in titles (인권담당관실) and subject names only (인권교육센터)
    "q=인권도시",
    "q=human rights",  # the English-only milestone and the forum's English name
    "kind=initiative&q=포럼",
    "theme=education&year_min=2013&kind=institution",
    "year_max=2012&page=2",  # page is ignored: a download is every match
]


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("query", FILTERS)
def test_downloads_hold_exactly_what_the_timeline_shows(client, record, query, lang):
    shown = timeline_slugs(client, query, lang)
    everything = Milestone.objects.published().count()
    if query:
        assert 0 < len(shown) < everything, "the filter must narrow the record to be a test"
    for file_type in FORMATS:
        assert exported_slugs(client, file_type, query, lang) == shown
        assert not set(HIDDEN) & set(shown)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=인권",  # every hidden milestone's title has it
        "year=2015",  # the unpublished year
        "kind=policy",  # the unpublished subject is a policy
        "year=2014&kind=initiative",  # the draft
    ],
)
@pytest.mark.parametrize("file_type", FORMATS)
def test_downloads_never_hold_an_unpublished_record(client, record, query, file_type):
    response = download(client, file_type, query)
    assert not set(HIDDEN) & {row["slug"] for row in read_rows(response)}
    for secret in ("초안", "비공개", "secret"):
        assert secret.encode() not in response.content


def test_unpublishing_removes_the_milestone_from_the_next_download(client, record):
    # The downloads are cached like the pages: a change must retire the cached file.
    assert "bureau" in exported_slugs(client, "csv")
    assert "bureau" in exported_slugs(client, "json")
    milestone = Milestone.objects.get(slug="bureau")
    milestone.is_published = False
    milestone.save()
    assert "bureau" not in exported_slugs(client, "csv")
    assert "bureau" not in exported_slugs(client, "json")


@pytest.mark.parametrize("file_type", FORMATS)
def test_every_match_is_exported_not_one_page(client, file_type):
    subject = make_initiative()
    for _ in range(45):
        make_milestone(2014, subject)
    first_page = client.get(timeline_url()).context["page_obj"]
    assert first_page.paginator.num_pages > 1
    for query in ("", "page=2", f"kind=initiative&year=2014&page={first_page.paginator.num_pages}"):
        assert len(exported_slugs(client, file_type, query)) == 45


def test_csv_has_the_staff_exports_columns_and_bom(client, record, tmp_path):
    staff_file = tmp_path / "milestones.csv"
    call_command("exportcsv", "milestones", "-o", str(staff_file), stderr=io.StringIO())
    staff_header = staff_file.read_bytes().split(b"\r\n", 1)[0]
    response = download(client, "csv", "kind=policy")
    assert response.content.startswith(BOM)
    # The staff columns but the always-true published flag, then the read-only ones.
    assert staff_header.endswith(b",sources,is_published")
    public_header = response.content.split(b"\r\n", 1)[0]
    assert public_header.startswith(staff_header.removesuffix(b",is_published") + b",kind,")
    assert staff_header.startswith(BOM + b"year,order,slug,")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # Korean survives as UTF-8 (Excel reads it thanks to the BOM).
    assert "광주인권헌장 선포" in response.content.decode("utf-8-sig")


def test_json_is_an_array_of_objects_with_the_csv_columns(client, record):
    csv_response = download(client, "csv")
    headers = csv_response.content.decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    response = download(client, "json")
    assert response["Content-Type"].startswith("application/json")
    records = json.loads(response.content)
    assert isinstance(records, list) and len(records) == len(read_rows(csv_response))
    for item in records:
        assert isinstance(item, dict)
        assert list(item) == headers
    charter = next(item for item in records if item["slug"] == "charter-proclaimed")
    assert charter["year"] == 2012
    assert charter["policy"] == "charter"
    assert charter["initiative"] in ("", None)
    assert charter["title_ko"] == "광주인권헌장 선포"
    assert "is_published" not in charter


def test_formula_looking_title_is_neutralised_in_the_csv_only(client):
    formula = '=HYPERLINK("https://evil.example/","click")'
    make_milestone(2014, slug="formula", title_en=formula, title_ko="@SUM(1+1)")
    (row,) = read_rows(download(client, "csv"))
    assert row["title_en"] == "'" + formula
    assert row["title_ko"] == "'@SUM(1+1)"
    # JSON is read by programs, not spreadsheets: the value is given exactly.
    (item,) = read_rows(download(client, "json"))
    assert item["title_en"] == formula


@pytest.mark.parametrize("file_type", FORMATS)
def test_download_is_an_attachment_with_the_licence_linked(client, record, file_type):
    response = download(client, file_type, "kind=policy")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "milestones-" in disposition and disposition.endswith(f'.{file_type}"')
    link = response["Link"]
    assert f'<{opendata.KOGL_URL}>; rel="license"' in link
    assert '<http://testserver/ko/open-data/>; rel="describedby"' in link


@pytest.mark.parametrize("file_type", FORMATS)
@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("year=20x4", "year"),
        ("year_min=1800", "year_min"),
        ("year_min=2015&year_max=2012", "year_max"),
        ("kind=spaceship", "kind"),
        ("kind=policy&theme=no-such-theme", "theme"),
        (urlencode({"q": "인권" * 101}), "q"),
        ("q=a%00b", "q"),
    ],
)
def test_bad_filters_answer_400_naming_the_parameter(client, record, file_type, query, bad):
    for lang in ("ko", "en"):
        response = client.get(f"{export_url(file_type, lang)}?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "Content-Disposition" not in response
        text = response.content.decode()
        assert f"\n- {bad}: " in text
        assert "/open-data/" in text
    assert "not valid" in text  # the English answer says what happened in plain words


def test_timeline_download_links_carry_the_filters_but_not_the_page(client, record):
    query = "kind=policy&kind=institution&theme=governance&q=인권&page=2"
    page = timeline_page(client, query)
    html = page.content.decode()
    # The filters as the page cache writes them (sorted), without the page.
    kept = QueryDict("kind=institution&kind=policy&q=인권&theme=governance")
    for file_type in FORMATS:
        href = f"{export_url(file_type)}?{kept.urlencode()}"
        assert f'href="{escape(href)}"' in html
        # Following the link gives exactly the timeline's matches.
        assert [row["slug"] for row in read_rows(client.get(href))] == shown_slugs(page)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_unfiltered_timeline_links_the_plain_download_addresses(client, record, lang):
    html = client.get(f"{timeline_url(lang)}?page=1").content.decode()
    assert f'href="/{lang}/timeline/export.csv"' in html
    assert f'href="/{lang}/timeline/export.json"' in html
    assert f'href="/{lang}/open-data/"' in html


@pytest.mark.parametrize("query", ["year=20x4", "year=2030"])
def test_timeline_offers_no_download_when_there_is_nothing_to_download(client, record, query):
    html = client.get(f"{timeline_url('en')}?{query}").content.decode()
    assert "/timeline/export." not in html
    assert "Download CSV" not in html


def test_open_data_page_states_what_a_bad_filter_gives(client):
    html = client.get("/en/open-data/").content.decode()
    assert "HTTP 400" in html
    assert 'href="/en/timeline/export.csv"' in html


def grow(count, themes):
    """``count`` more published milestones, each with its own subject, themes and a source."""
    makers = (make_initiative, make_policy, make_institution)
    for index in range(count):
        subject = makers[index % 3](themes=themes[index % 2 : index % 2 + 2])
        milestone = make_milestone(2010 + index % 10, subject, title_ko=f"인권 기록 {index}")
        cite(milestone)


@pytest.mark.slow
@pytest.mark.parametrize("file_type", FORMATS)
@pytest.mark.parametrize("query", ["", "kind=policy&kind=initiative&theme=THEME&q=인권"])
def test_query_count_does_not_grow_with_the_rows(
    client, django_assert_num_queries, file_type, query
):
    themes = [make_theme(), make_theme(), make_theme()]
    address = export_url(file_type) + "?" + query.replace("THEME", themes[1].slug)
    grow(6, themes)
    with CaptureQueriesContext(connection) as small:
        small_rows = read_rows(client.get(address))
    grow(60, themes)
    with django_assert_num_queries(len(small.captured_queries)):
        large_rows = read_rows(client.get(address))
    assert len(large_rows) > len(small_rows) * 5


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("file_type", ["csv", "json"])
def test_each_rows_url_opens_its_milestones_page(client, record, lang, file_type):
    """The ``url`` column is the page's own address in the download's language, a Korean
    slug included (the file builds addresses without asking the URL resolver each time)."""
    korean = make_milestone(2013, Milestone.objects.first().subject, slug="인권-헌장")
    rows = read_rows(download(client, file_type, lang=lang))
    assert any(row["slug"] == korean.slug for row in rows)
    for row in rows:
        milestone = Milestone.objects.get(slug=row["slug"])
        with translation.override(lang):
            expected = f"http://testserver{milestone.get_absolute_url()}"
        assert row["url"] == expected
        assert client.get(row["url"]).status_code == 200
