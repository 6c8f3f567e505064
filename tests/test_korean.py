"""Korean readers' search and order: 5·18 however it is typed, directories in 가나다 order.

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://…): the order must not depend on
the database's collation.
"""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timeline.models import Initiative, Institution, Policy
from timeline.models.sort_keys import name_sort_key

from .factories import (
    cite,
    make_initiative,
    make_institution,
    make_milestone,
    make_policy,
    make_source,
)

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "gwangju.json"
SPELLINGS_OF_5_18 = ["5·18", "5.18", "5‧18", "5・18", "5ㆍ18"]


def shown_titles(client, path, query):
    response = client.get(path, query)
    assert response.status_code == 200
    return [milestone.title for milestone in response.context["page_obj"].object_list]


@pytest.fixture
def special_act():
    act = make_policy(slug="special-act", name_ko="5·18민주화운동 특별법", name_en="Special Act")
    make_milestone(
        2021,
        act,
        slug="special-act-revision",
        title_ko="5·18민주화운동 등에 관한 특별법 개정",
        title_en="Revision of the Special Act on the May 18 Democratization Movement",
        summary_ko="역사 왜곡과 명예훼손에 대응할 수 있게 되었습니다.",
        summary_en="Distortion and defamation can now be answered in law.",
    )
    make_milestone(2019, slug="unrelated", title_ko="인권 포럼", title_en="Human rights forum")
    return act


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("typed", SPELLINGS_OF_5_18)
def test_every_way_of_typing_5_18_finds_the_special_act(client, special_act, typed, language):
    titles = shown_titles(client, f"/{language}/timeline/", {"q": typed})
    assert len(titles) == 1
    assert "Special Act" in titles[0] or "특별법" in titles[0]


def test_a_title_written_with_a_full_stop_is_found_by_the_middle_dot(client):
    make_milestone(2012, slug="dotted", title_ko="5.18 기념식", title_en="Commemoration")
    assert shown_titles(client, "/ko/timeline/", {"q": "5·18 기념식"}) == ["5.18 기념식"]


def test_dots_elsewhere_are_searched_as_typed(client, special_act):
    # "2.0" is not a date-name: it must not find 2·0 spellings, nor fail.
    assert shown_titles(client, "/ko/timeline/", {"q": "2.0"}) == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_korean_words_find_korean_summaries_on_both_pages(client, special_act, language):
    titles = shown_titles(client, f"/{language}/timeline/", {"q": "명예훼손"})
    assert len(titles) == 1


def test_english_words_find_english_summaries_on_the_korean_page(client, special_act):
    assert shown_titles(client, "/ko/timeline/", {"q": "defamation"}) == [
        "5·18민주화운동 등에 관한 특별법 개정"
    ]


def test_a_spelt_out_date_name_costs_no_more_queries(client, special_act):
    def queries(typed):
        with CaptureQueriesContext(connection) as captured:
            client.get("/ko/timeline/", {"q": typed})
        return len(captured.captured_queries)

    queries("warm-up")  # the figures every question shares are remembered now
    assert queries("5.18") == queries("인권")


# --- Cited headlines ---------------------------------------------------------------------


def found_slugs(client, query):
    response = client.get("/ko/timeline/", {"q": query})
    assert response.status_code == 200
    return [milestone.slug for milestone in response.context["page_obj"].object_list]


@pytest.mark.parametrize(
    ("words", "slug"),
    [
        # Only the cited press headlines have these words, not the milestones' own text.
        ("급물살", "national-violence-trauma-healing-center-act-passed"),
        ("내달 징역", "may-18-special-act-revision"),
    ],
)
def test_words_of_a_cited_headline_find_the_milestone_in_the_record(client, words, slug):
    call_command("loaddata", FIXTURE, verbosity=0)
    assert found_slugs(client, words) == [slug]


@pytest.fixture
def headline():
    return make_source(title="내달 5일부터 5·18 왜곡·폄훼하면 5년 이하 징역")


def test_a_headline_is_found_however_its_date_name_is_typed(client, headline):
    milestone = make_milestone(2021, slug="cites-it", title_ko="개정법 시행")
    cite(milestone, headline)
    assert found_slugs(client, "5.18 징역") == ["cites-it"]


def test_a_headline_and_the_milestones_own_words_are_searched_together(client, headline):
    cite(make_milestone(2021, slug="cites-it", title_ko="개정법 시행"), headline)
    make_milestone(2021, slug="other", title_ko="개정법 공포")
    # One word from the title, one from the headline: only the milestone with both.
    assert found_slugs(client, "개정법 내달") == ["cites-it"]


def test_a_milestone_citing_two_matching_headlines_is_listed_once(client, headline):
    milestone = make_milestone(2021, slug="cites-both")
    cite(milestone, headline)
    cite(milestone, make_source(title="내달부터 처벌 강화"))
    assert found_slugs(client, "내달") == ["cites-both"]


def test_a_draft_citing_the_headline_is_not_found(client, headline):
    cite(make_milestone(2021, slug="draft", is_published=False), headline)
    cite(make_milestone(2021, slug="public"), headline)
    assert found_slugs(client, "내달") == ["public"]


# --- Directory order -------------------------------------------------------------------

MIXED = [
    ("Zebra crossing programme", "횡단보도 사업"),
    ("apple orchard", "과수원"),
    ("Human Rights Office", "인권담당관"),
    ("2030 plan", "2030 계획"),
    ("UNESCO ICCAR", "UNESCO ICCAR"),
    ("Édition project", "“광주” 출판"),
    ("Gwangju charter", "광주 헌장"),
]


def listed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'class="subject-card__title"><a href="[^"]+"[^>]*>([^<]+)</a>', html)


@pytest.fixture
def mixed_directory():
    for index, (english, korean) in enumerate(MIXED):
        make_initiative(slug=f"mixed-{index}", name_en=english, name_ko=korean)


def test_korean_directory_is_in_ganada_order_then_latin_then_digits(client, mixed_directory):
    assert listed(client, "/ko/initiatives/") == [
        "과수원",
        "“광주” 출판",
        "광주 헌장",
        "인권담당관",
        "횡단보도 사업",
        "UNESCO ICCAR",
        "2030 계획",
    ]


def test_english_directory_ignores_case_and_accents_then_digits(client, mixed_directory):
    assert listed(client, "/en/initiatives/") == [
        "apple orchard",
        "Édition project",
        "Gwangju charter",
        "Human Rights Office",
        "UNESCO ICCAR",
        "Zebra crossing programme",
        "2030 plan",
    ]


@pytest.mark.parametrize(
    ("maker", "path"),
    [(make_policy, "/ko/policies/"), (make_institution, "/ko/institutions/")],
)
def test_every_directory_sorts_the_same_way(client, maker, path):
    for slug, name in (("c", "다"), ("a", "Alpha"), ("b", "가"), ("d", "나")):
        maker(slug=slug, name_ko=name, name_en=name)
    assert listed(client, path) == ["가", "나", "다", "Alpha"]


def test_a_name_missing_in_one_language_sorts_as_the_page_shows_it(client):
    make_initiative(slug="a", name_ko="", name_en="Only English")
    make_initiative(slug="b", name_ko="나라", name_en="Country")
    make_initiative(slug="c", name_ko="가람", name_en="")
    assert listed(client, "/ko/initiatives/") == ["가람", "나라", "Only English"]
    assert listed(client, "/en/initiatives/") == ["Country", "Only English", "가람"]


def test_renaming_moves_the_subject(client):
    subject = make_initiative(slug="a", name_ko="하늘", name_en="Sky")
    make_initiative(slug="b", name_ko="나무", name_en="Tree")
    subject.name_ko = "가을"
    subject.save(update_fields=["name_ko"])
    assert listed(client, "/ko/initiatives/")[0] == "가을"


def test_bulk_writers_get_the_same_keys_from_the_model_method():
    subject = Initiative(slug="bulk", name_ko="광주", name_en="Gwangju", initiative_type="forum")
    subject.refresh_sort_keys()
    Initiative.objects.bulk_create([subject])
    stored = Initiative.objects.get(slug="bulk")
    assert stored.sort_key_ko == name_sort_key("광주", "ko")
    assert stored.sort_key_en == name_sort_key("Gwangju", "en")


def test_keys_are_collation_proof():
    """Only ASCII digits: every collation orders them alike, and a prefix first."""
    for name in ("광주 인권헌장", "Gwangju", "2030", "漢字 (한자)", "“인권”"):
        for language in ("ko", "en"):
            assert re.fullmatch(r"[0-9]*", name_sort_key(name, language))


def test_loaded_fixtures_get_sort_keys():
    call_command("loaddata", FIXTURE, verbosity=0)
    for model in (Initiative, Policy, Institution):
        assert not model.objects.filter(sort_key_ko="").exists()
        assert not model.objects.filter(sort_key_en="").exists()


# --- Interface terms --------------------------------------------------------------------


def test_a_bad_year_in_a_link_says_to_choose_from_the_list(client):
    make_milestone(2012)
    html = client.get("/ko/timeline/", {"year": "abc"}).content.decode()
    assert "목록에서 연도를 선택하십시오." in html
    assert "정수를 입력" not in html


def test_a_bad_choice_names_no_particle_for_the_reader_to_pick(client):
    html = client.get("/ko/timeline/", {"kind": "nope"}).content.decode()
    assert "목록에서 선택하십시오." in html
    assert "이/가" not in html


def test_saving_and_continuing_in_the_admin_reads_as_success(db):
    from django.contrib.auth.models import User
    from django.test import Client

    staff = User.objects.create_superuser("admin-ko", password="a long password")
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(staff)
    response = client.post(
        "/admin/timeline/theme/add/",
        {"slug": "rights", "name_ko": "인권", "name_en": "Rights", "order": "0", "_continue": "1"},
        follow=True,
    )
    messages = re.search(r'<ul class="messagelist">(.*?)</ul>', response.content.decode(), re.S)
    text = re.sub(r"<[^>]+>", "", messages.group(1)).strip()
    # What was done, and what the public now sees (timeline/admin/messages.py).
    assert text == "분야 “인권” 항목을 추가했습니다. 초안이므로 공개 사이트에 보이지 않습니다."


def test_one_english_term_one_korean_term():
    from django.utils import translation

    with translation.override("ko"):
        gettext = translation.gettext
        assert gettext("Year group") != gettext("Year")
        assert gettext("year group") == gettext("Year group") == "수록 연도"
        assert gettext("subject") == "관련 사업·정책·기관"
        assert gettext("published") == "공개 여부"
        programme = gettext(
            "Published milestones of Gwangju’s human-rights-city programme, newest year first, "
            "in the source’s order within each year."
        )
        assert "인권도시 만들기" in programme and "정책" not in programme
        assert gettext("Earlier milestone").startswith("이전")
        assert gettext("Earlier year").startswith("이전")
