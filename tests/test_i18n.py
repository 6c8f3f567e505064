"""Korean first, English second, as a reader of either meets the site.

Every public page in both languages (lang, hreflang alternates, translated headings, no stray
text of the other language), the language switch keeping page and filters, English fallback
marked for screen readers, dates in each language's form, search across both languages, and
the admin in Korean for a Korean browser.
"""

import re
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import URLPattern, reverse
from django.utils import translation
from modeltranslation.translator import translator

from timeline.admin.filters import MissingKoreanFilter
from timeline.models import Document, Image, Milestone
from timeline.public import urls as timeline_urls

from .factories import (
    cite,
    make_initiative,
    make_institution,
    make_milestone,
    make_policy,
    make_source,
    make_theme,
    make_year,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("ko", "en")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
WEB_ADDRESS = re.compile(r"(https?://|www\.)\S+|\b[\w.-]+\.(kr|org|com|net)\b\S*")
# Latin that belongs in Korean text: acronyms (CSV, UN, KOGL …) and the feed format's name.
ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z][A-Z0-9]+(?![A-Za-z])")
LATIN_IN_KOREAN = {"Atom"}
# The reader's word for the site in each language: what a page's <h1> must say.
HEADINGS = {
    "home": {"ko": "인권도시 광주", "en": "Human Rights City Gwangju"},
    "timeline": {"ko": "연혁", "en": "Timeline"},
    "initiative-list": {"ko": "사업", "en": "Initiatives"},
    "policy-list": {"ko": "정책", "en": "Policies"},
    "institution-list": {"ko": "기관", "en": "Institutions"},
}


@pytest.fixture
def record():
    """A small record written in both languages throughout."""
    rights = make_theme(slug="rights", name_ko="인권 증진", name_en="Human rights")
    make_year(2012, headline_ko="인권헌장의 해", headline_en="The year of the charter")
    make_year(2011, headline_ko="첫 포럼", headline_en="The first forum")
    forum = make_initiative(
        slug="forum",
        name_ko="세계인권도시포럼",
        name_en="World Human Rights Cities Forum",
        summary_ko="해마다 열리는 국제 포럼",
        summary_en="A yearly international forum",
        themes=[rights],
    )
    charter = make_policy(
        slug="charter",
        name_ko="광주인권헌장",
        name_en="Gwangju Human Rights Charter",
        period_start=2012,
        period_end=2016,
        themes=[rights],
    )
    hall = make_institution(slug="hall", name_ko="광주광역시청", name_en="Gwangju City Hall")
    office = make_institution(
        slug="office", name_ko="인권담당관실", name_en="Division on Human Rights", parent=hall
    )
    proclaimed = make_milestone(
        2012,
        charter,
        slug="charter-proclaimed",
        title_ko="광주인권헌장 선포",
        title_en="Gwangju Human Rights Charter proclaimed",
        summary_ko="시민의 날에 선포",
        summary_en="Proclaimed on Citizens' Day",
        note_ko="자료마다 날짜가 다릅니다",
        note_en="Sources give different dates",
        date=date(2012, 5, 21),
        date_precision="day",
        order=1,
    )
    cite(proclaimed, make_source(title="광주광역시 보도자료"))
    make_milestone(
        2011,
        forum,
        slug="first-forum",
        title_ko="제1회 세계인권도시포럼",
        title_en="First World Human Rights Cities Forum",
        date=date(2011, 5, 1),
        date_precision="month",
    )
    make_milestone(
        2011, office, slug="office-opens", title_ko="인권담당관실 신설", title_en="Office opens"
    )
    return {"milestone": proclaimed, "initiative": forum, "policy": charter, "institution": office}


def contract_pages(record):
    """{name: path-in-Korean} for every page type of the public URL contract."""
    with translation.override("ko"):
        pages = {name: reverse(f"timeline:{name}") for name in HEADINGS}
        pages["milestone-detail"] = record["milestone"].get_absolute_url()
        pages["year-detail"] = reverse("timeline:year-detail", kwargs={"year": 2012})
        for kind in ("initiative", "policy", "institution"):
            pages[f"{kind}-detail"] = record[kind].get_absolute_url()
    return pages


def other_pages():
    """Every other page without parameters (about pages, open data …), found in the URLconf."""
    with translation.override("ko"):
        return {
            pattern.name: reverse(f"timeline:{pattern.name}")
            for pattern in timeline_urls.urlpatterns
            if isinstance(pattern, URLPattern)
            and not pattern.pattern.converters
            and pattern.name not in HEADINGS
        }


def in_language(path, lang):
    return re.sub(r"^/ko/", f"/{lang}/", path)


def korean_url(obj):
    # Explicit: the active language is whatever the last request left behind.
    with translation.override("ko"):
        return obj.get_absolute_url()


class PageText(HTMLParser):
    """What a reader meets in a page's body, each piece with the language in force where it
    stands: text and accessible names (alt, aria-label, title).

    The <head> is left out: a <title> or a description cannot mark the language of a part,
    so a record's English fallback there stays unmarked."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    UNREAD = {"head", "script", "style", "code"}  # code: column names and the like

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.pieces = []
        self.feed(html)

    def lang(self):
        return next((lang for _tag, lang in reversed(self.stack) if lang), "")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang", "").split("-")[0]
        if not self.unread():
            for name in ("alt", "aria-label", "title", "placeholder"):
                if attrs.get(name):
                    self.pieces.append((lang or self.lang(), attrs[name]))
        if tag not in self.VOID:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def unread(self):
        return any(tag in self.UNREAD for tag, _lang in self.stack)

    def handle_data(self, data):
        if data.strip() and not self.unread():
            self.pieces.append((self.lang(), data.strip()))


def foreign_text(html, page_lang):
    """Text of the other language not marked with its own lang (what a screen reader would
    read in the page's voice): Latin words on a Korean page, Hangul on an English one."""
    found = []
    for lang, text in PageText(html).pieces:
        if lang != page_lang:
            continue
        if page_lang == "ko":
            prose = ACRONYM.sub("", WEB_ADDRESS.sub("", text))
            words = set(LATIN_WORD.findall(prose)) - LATIN_IN_KOREAN
            if words:
                found.append(text)
        elif HANGUL.search(text):
            found.append(text)
    return found


def heading(html):
    match = re.search(r"<h1\b[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no <h1>"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def alternates(html):
    return {
        lang: unescape(href)
        for lang, href in re.findall(
            r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html
        )
    }


def canonical(html):
    match = re.search(r'<link rel="canonical" href="([^"]+)">', html)
    return unescape(match.group(1)) if match else None


def switch_link(html, lang):
    """Where the language switcher's link to ``lang`` goes."""
    match = re.search(rf'<a\b[^>]*\bhref="([^"]+)"[^>]*\bhreflang="{lang}"', html)
    assert match, f"no link to the {lang} version"
    return unescape(match.group(1))


# --- Every page in both languages ---------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_type_has_its_language_alternates_and_translated_heading(client, record, lang):
    for name, korean_path in contract_pages(record).items():
        path = in_language(korean_path, lang)
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert f'<html lang="{lang}"' in html, path
        assert alternates(html) == {
            "ko": f"http://testserver{korean_path}",
            "en": f"http://testserver{in_language(korean_path, 'en')}",
            "x-default": f"http://testserver{korean_path}",
        }, path
        assert canonical(html) in (None, alternates(html)[lang]), path
        if name in HEADINGS:
            assert heading(html) == HEADINGS[name][lang], path
        assert not foreign_text(html, lang), (path, foreign_text(html, lang))


def test_headings_of_content_pages_are_the_records_own_words(client, record):
    milestone, policy = record["milestone"], record["policy"]
    for lang, title, name, year in (
        ("ko", "광주인권헌장 선포", "광주인권헌장", "2012년 인권헌장의 해"),
        ("en", "Gwangju Human Rights Charter proclaimed", "Gwangju Human Rights Charter",
         "2012 The year of the charter"),
    ):  # fmt: skip
        with translation.override(lang):
            assert heading(client.get(milestone.get_absolute_url()).content.decode()) == title
            assert heading(client.get(policy.get_absolute_url()).content.decode()) == name
            year_page = client.get(reverse("timeline:year-detail", kwargs={"year": 2012}))
            assert heading(year_page.content.decode()) == year


@pytest.mark.parametrize("lang", LANGUAGES)
def test_other_pages_are_translated_too(client, record, lang):
    """About pages, open data and whatever is added later: right lang, alternates, and a
    heading that differs between the languages. (Their prose is written in each language and
    names products and settings in Latin letters, so it is not scanned for stray English.)"""
    for korean_path in other_pages().values():
        response = client.get(in_language(korean_path, lang))
        if not response["Content-Type"].startswith("text/html"):
            continue  # a feed
        html = response.content.decode()
        assert f'<html lang="{lang}"' in html, korean_path
        assert set(alternates(html)) == {"ko", "en", "x-default"}, korean_path
        other = client.get(in_language(korean_path, "en" if lang == "ko" else "ko"))
        assert heading(html) != heading(other.content.decode()), korean_path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_missing_page_is_in_the_visitors_language_without_alternates(client, lang):
    response = client.get(f"/{lang}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert not alternates(html)


# --- The language switch keeps the reader's place -------------------------------------


def test_switching_language_keeps_the_timeline_filters_and_results(client, record):
    query = {"theme": ["rights"], "kind": ["policy", "initiative"], "q": ["인권"], "page": ["1"]}
    korean = client.get("/ko/timeline/", query)
    link = switch_link(korean.content.decode(), "en")
    assert urlsplit(link).path == "/en/timeline/"
    # Every filter is kept, written canonically: values sorted, page=1 (the default) left out.
    query = {"theme": ["rights"], "kind": ["initiative", "policy"], "q": ["인권"]}
    assert parse_qs(urlsplit(link).query) == query
    english = client.get(link)
    assert english.status_code == 200
    shown = [m.slug for m in korean.context["page_obj"].object_list]
    assert shown == ["charter-proclaimed", "first-forum"]
    assert [m.slug for m in english.context["page_obj"].object_list] == shown
    back = switch_link(english.content.decode(), "ko")
    assert urlsplit(back).path == "/ko/timeline/" and parse_qs(urlsplit(back).query) == query


def test_alternates_of_a_filtered_list_are_the_list_itself_in_each_language(client, record):
    """Search engines get one page per language (the reader's switch keeps the filters)."""
    html = client.get("/ko/timeline/", {"theme": "rights", "q": "인권"}).content.decode()
    assert alternates(html) == {
        "ko": "http://testserver/ko/timeline/",
        "en": "http://testserver/en/timeline/",
        "x-default": "http://testserver/ko/timeline/",
    }


def test_switching_language_keeps_every_page_and_its_query(client, record):
    # The query as the page reads it (timeline/caching/canonical.py): a list keeps its page,
    # a page that reads no parameter drops them.
    paged = {"/ko/timeline/", "/ko/initiatives/", "/ko/policies/", "/ko/institutions/"}
    for korean_path in contract_pages(record).values():
        paged_year = korean_path.startswith("/ko/years/")  # a year's milestones are paged too
        query = "?page=2" if korean_path in paged or paged_year else ""
        html = client.get(korean_path, {"page": "2"}).content.decode()
        assert switch_link(html, "en") == in_language(korean_path, "en") + query
        english = client.get(in_language(korean_path, "en"), {"page": "2"}).content.decode()
        assert switch_link(english, "ko") == korean_path + query


def test_directory_filters_survive_the_switch(client, record):
    html = client.get("/ko/policies/", {"type": "ordinance", "q": "헌장"}).content.decode()
    link = switch_link(html, "en")
    assert parse_qs(urlsplit(link).query) == {"type": ["ordinance"], "q": ["헌장"]}
    english = client.get(link)
    assert [s.slug for s in english.context["page_obj"].object_list] == ["charter"]


# --- Missing Korean: English shown, marked for screen readers ------------------------------


@pytest.fixture
def english_only():
    """Records staff have not yet translated into Korean."""
    theme = make_theme(slug="untranslated", name_ko="", name_en="Untranslated theme")
    make_year(2015, headline_ko="", headline_en="An English headline")
    subject = make_initiative(slug="english-initiative", name_ko="", name_en="English initiative",
                              summary_ko="", summary_en="Only an English summary", themes=[theme])  # fmt: skip
    milestone = make_milestone(
        2015,
        subject,
        slug="english-milestone",
        title_ko="",
        title_en="Only an English title",
        summary_en="Only an English summary",
        note_en="Only an English note",
    )
    cite(milestone, make_source(title="City press release", language="en"))
    return milestone


def test_english_fallback_is_marked_lang_en_wherever_it_shows(client, english_only):
    pages = {
        "timeline": "/ko/timeline/",
        "year": "/ko/years/2015/",
        "milestone": korean_url(english_only),
        "subject": korean_url(english_only.subject),
        "directory": "/ko/initiatives/",
        "home": "/ko/",
    }
    for name, path in pages.items():
        html = client.get(path).content.decode()
        assert "Only an English title" in html or name in {"directory"}, name
        assert not foreign_text(html, "ko"), (name, foreign_text(html, "ko"))
    timeline = client.get("/ko/timeline/").content.decode()
    assert 'lang="en">Only an English title</a>' in timeline
    assert 'lang="en">English initiative</a>' in timeline
    assert 'lang="en">Untranslated theme</a>' in timeline  # the theme's chip
    assert '<span lang="en">Untranslated theme</span>' in timeline  # and its filter checkbox
    assert 'lang="en">An English headline</p>' in timeline


def test_korean_shown_on_an_english_page_is_marked_lang_ko(client):
    milestone = make_milestone(2016, slug="korean-only", title_ko="한국어 제목만", title_en="")
    html = client.get(in_language(korean_url(milestone), "en")).content.decode()
    assert '<h1 lang="ko">한국어 제목만</h1>' in html
    assert not foreign_text(html, "en")


# --- Dates in each language's form ------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "precision", "korean", "english"),
    [
        (date(2020, 5, 18), "day", "2020년 5월 18일", "18 May 2020"),
        (date(2012, 10, 18), "day", "2012년 10월 18일", "18 October 2012"),
        (date(2020, 5, 1), "month", "2020년 5월", "May 2020"),
        (date(2012, 1, 1), "year", "2012년", "2012"),
        (None, "", "2021년", "2021"),  # no stated date: the year it is listed under
    ],
)
def test_dates_read_as_each_language_writes_them(when, precision, korean, english):
    milestone = Milestone(year_id=2021, date=when, date_precision=precision)
    template = Template("{% load timeline_tags %}{{ milestone|precise_date }}")
    for lang, expected in (("ko", korean), ("en", english)):
        with translation.override(lang):
            assert template.render(Context({"milestone": milestone})) == expected


def test_milestone_page_gives_the_date_with_its_precision_in_both_languages(client, record):
    path = korean_url(record["milestone"])
    korean = client.get(path).content.decode()
    assert '<time datetime="2012-05-21">2012년 5월 21일</time>' in korean
    english = client.get(in_language(path, "en")).content.decode()
    assert '<time datetime="2012-05-21">21 May 2012</time>' in english


# --- Search in both languages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "q", "expected"),
    [
        ("/ko/timeline/", "인권", ["charter-proclaimed", "first-forum", "office-opens"]),
        ("/en/timeline/", "인권", ["charter-proclaimed", "first-forum", "office-opens"]),
        ("/ko/timeline/", "CHARTER", ["charter-proclaimed"]),  # English, any case
        ("/ko/timeline/", "담당관", ["office-opens"]),  # inside 인권담당관실
        ("/ko/timeline/", "인권 헌장", ["charter-proclaimed"]),  # every word
        ("/en/timeline/", "division", ["office-opens"]),  # the subject's English name
        ("/ko/timeline/", "시민의", ["charter-proclaimed"]),  # a Korean summary
    ],
)
def test_search_matches_korean_inside_words_and_english_in_any_case(
    client, record, path, q, expected
):
    response = client.get(path, {"q": q})
    assert [m.slug for m in response.context["page_obj"].object_list] == expected


def test_search_finds_a_korean_word_with_its_particle_attached(client, record):
    make_milestone(2011, slug="with-particle", title_ko="인권도시와 시민", title_en="")
    response = client.get("/en/timeline/", {"q": "인권도시"})
    assert "with-particle" in [m.slug for m in response.context["page_obj"].object_list]


def test_directory_search_reads_both_languages(client, record):
    for q in ("헌장", "charter", "CHARTER"):
        response = client.get("/ko/policies/", {"q": q})
        assert [s.slug for s in response.context["page_obj"].object_list] == ["charter"], q


# --- The admin for Korean staff ---------------------------------------------------------


def test_admin_speaks_korean_to_a_korean_browser_and_english_to_an_english_one(admin_client):
    korean = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9").content.decode()
    assert '<html lang="ko"' in korean
    assert "인권도시 광주 기록 관리" in korean and "주요 연혁" in korean
    assert "로그인 보호" in korean  # django-axes' section, no bare "Axes"
    default = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "인권도시 광주 기록 관리" in default  # Korean unless the browser asks for English
    english = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in english and "Gwangju Human Rights City records" in english


def test_admin_form_has_korean_labels_help_and_language_tabs(admin_client, record):
    url = reverse("admin:timeline_milestone_change", args=[record["milestone"].pk])
    html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "출처에서 이 주요 연혁을 싣고 있는 연도입니다." in html  # help text
    assert "날짜 단위" in html and "이견 사항" in html  # labels
    assert 'id="id_title_ko"' in html and 'id="id_title_en"' in html
    assert "timeline/admin/language_tabs.js" in html  # names the tabs 한국어 / 영어


def test_model_rules_explain_themselves_in_korean(record):
    milestone = Milestone(year_id=2012, slug="x", title_ko="제목", initiative=record["initiative"],
                          policy=record["policy"])  # fmt: skip
    with pytest.raises(ValidationError) as error, translation.override("ko"):
        milestone.full_clean()
    with translation.override("ko"):
        assert "사업, 정책, 기관 가운데 정확히 하나와 연결되어야 합니다." in str(error.value)


def test_every_translated_model_has_a_missing_korean_filter_in_the_admin():
    # Images and documents have no list of their own: staff edit them in their record's
    # inlines, and their text is required in both languages (tests/test_media.py).
    inline_only = {Image, Document}
    models = [
        model
        for model in translator.get_registered_models()
        if not model._meta.abstract and model not in inline_only
    ]
    assert models
    assert not any(model in admin.site._registry for model in inline_only)
    for model in models:
        model_admin = admin.site._registry[model]
        filters = [item for item in model_admin.list_filter if isinstance(item, type)]
        assert any(issubclass(item, MissingKoreanFilter) for item in filters), model


# --- Korean typography ---------------------------------------------------------------------


def test_korean_breaks_between_words_in_a_system_font_that_has_hangul():
    css = (Path(settings.BASE_DIR) / "timeline/static/timeline/site.css").read_text()
    assert re.search(r":lang\(ko\)\s*\{[^}]*word-break:\s*keep-all", css)
    stack = re.search(r"font-family:([^;]+);", css).group(1)
    # Windows, macOS/iOS, Android and Linux each find one of these installed.
    for font in ("Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans CJK KR", "sans-serif"):
        assert font in stack, font
    assert "@font-face" not in css and "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)  # nothing fetched from elsewhere
