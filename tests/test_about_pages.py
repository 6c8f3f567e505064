"""What a Korean public website owes its visitors: licence, privacy, accessibility, open data."""

import datetime
import re

import pytest

from timeline.models import Milestone
from timeline.public import evaluation_download, opendata
from timeline.public.download import milestone_table
from timeline.public.evaluation_columns import EVALUATION_COLUMNS

from .factories import make_initiative, make_milestone

pytestmark = pytest.mark.django_db

LANGUAGES = ("ko", "en")
ABOUT_PAGES = ("privacy", "accessibility", "open-data")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", ["", "timeline/", "initiatives/", "privacy/"])
def test_every_footer_links_privacy_accessibility_open_data_and_shows_the_kogl_mark(
    client, lang, page
):
    make_milestone()
    html = client.get(f"/{lang}/{page}").content.decode()
    footer = html[html.index("<footer") :]
    for about in ABOUT_PAGES:
        assert f'href="/{lang}/{about}/"' in footer
    assert 'src="/static/timeline/kogl-type1.svg"' in footer
    assert f'alt="{opendata.KOGL_NAME[lang]}"' in footer
    assert opendata.KOGL_ATTRIBUTION[lang] in footer
    assert 'rel="license external"' in footer


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", ABOUT_PAGES)
def test_about_pages_answer_in_both_languages(client, lang, page):
    response = client.get(f"/{lang}/{page}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert html.count("<h1") == 1
    assert 'aria-current="page"' in html[html.index("<footer") :]


@pytest.mark.parametrize(
    ("lang", "title", "facts"),
    [
        ("ko", "개인정보처리방침", ["쿠키를 저장하지 않으며", "sessionid", "csrftoken", "3개월"]),
        ("en", "Privacy policy", ["no cookies", "sessionid", "csrftoken", "3 months"]),
    ],
)
def test_privacy_policy_states_what_the_site_really_does(client, lang, title, facts):
    html = client.get(f"/{lang}/privacy/").content.decode()
    assert f"<h1>{title}</h1>" in html
    for fact in facts:
        assert fact in html


def test_public_pages_really_set_no_cookies(client):
    # The privacy policy promises visitors no cookies; hold the site to it.
    make_milestone(2012, slug="one")
    for address in (
        "/ko/",
        "/en/timeline/?kind=initiative",
        "/ko/timeline/2012/one/",
        "/ko/privacy/",
        "/en/open-data/",
        "/ko/feed/",
        "/sitemap.xml",
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        assert not response.cookies, address


@pytest.mark.parametrize(
    ("lang", "text"),
    [("ko", "본문 바로가기"), ("en", "Skip to content")],
)
def test_accessibility_statement_names_the_standards_and_how_to_report(client, lang, text):
    html = client.get(f"/{lang}/accessibility/").content.decode()
    assert "KWCAG 2.2" in html and "WCAG 2.1" in html
    assert text in html
    assert 'href="https://www.gwangju.go.kr/"' in html


def documented_columns(html, caption_id):
    """The column names of the open-data page's table captioned ``caption_id``."""
    table = html.split(f'<caption id="{caption_id}">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><code>([a-z_]+)</code></th>', table)


@pytest.mark.parametrize("download", ["milestones", "evaluations"])
def test_open_data_page_documents_every_export_column_in_file_order(client, download):
    caption_id, columns, headers = {
        "milestones": (
            "columns-caption",
            opendata.MILESTONE_COLUMNS,
            milestone_table(Milestone.objects.none(), "csv", str)[0],
        ),
        "evaluations": (
            "evaluation-columns-caption",
            EVALUATION_COLUMNS,
            list(evaluation_download.HEADERS),
        ),
    }[download]
    assert [column.name for column in columns] == headers
    html = client.get("/en/open-data/").content.decode()
    assert documented_columns(html, caption_id) == headers
    for column in columns:
        assert f'<td lang="ko">{column.name_ko}</td>' in html
        assert f'<td lang="en">{column.name_en}</td>' in html
    assert "ISO 8601" in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_open_data_page_links_both_downloads_and_shows_both_attributions(client, lang):
    html = client.get(f"/{lang}/open-data/").content.decode()
    assert f'href="/{lang}/timeline/export.csv"' in html
    assert f'href="/{lang}/timeline/export.json"' in html
    assert opendata.KOGL_ATTRIBUTION["ko"] in html
    assert opendata.KOGL_ATTRIBUTION["en"] in html


def test_reference_date_is_the_newest_update_of_a_published_milestone(client):
    old = make_milestone(2012, slug="old")
    newer = make_milestone(2013, slug="newer")
    hidden = make_milestone(2014, slug="hidden", is_published=False)
    secret_subject = make_initiative(is_published=False)
    hidden_by_subject = make_milestone(2014, secret_subject, slug="hidden-by-subject")
    stamps = {
        old: datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC),
        newer: datetime.datetime(2025, 6, 30, 23, tzinfo=datetime.UTC),  # 1 July in Seoul
        hidden: datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        hidden_by_subject: datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
    }
    for milestone, stamp in stamps.items():
        Milestone.objects.filter(pk=milestone.pk).update(updated=stamp)
    assert opendata.reference_date() == datetime.date(2025, 7, 1)
    html = client.get("/ko/open-data/").content.decode()
    assert '<time datetime="2025-07-01">2025-07-01</time>' in html


def test_reference_date_is_empty_without_published_milestones(client):
    assert opendata.reference_date() is None
    assert client.get("/en/open-data/").status_code == 200


def test_attribution_is_available_in_both_languages_for_the_downloads():
    assert opendata.kogl_attribution("ko").startswith("광주광역시")
    assert "KOGL" in opendata.kogl_attribution("en")
    # Any other language code falls back to Korean, the site's own language.
    assert opendata.kogl_attribution("fr") == opendata.KOGL_ATTRIBUTION["ko"]


@pytest.mark.parametrize(
    ("lang", "row"),
    [
        ("ko", "가져오기 기록(누가 어떤 파일을 가져왔는지, 건수와 문제 목록)</th><td>2년"),
        ("en", "Import log (who imported which file, its counts and problems)</th><td>2 years"),
    ],
)
def test_privacy_policy_keeps_the_import_log_as_long_as_prune_imports_does(
    client, settings, lang, row
):
    # What the page promises is what `prune_imports` does by default.
    assert settings.TIMELINE_IMPORT_LOG_DAYS == 2 * 365
    assert row in client.get(f"/{lang}/privacy/").content.decode()
