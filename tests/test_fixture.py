"""The Gwangju fixture holds the whole source timeline, faithfully and published.

The source text is read from fixtures/source/ inside the repository (a copy of the
project's shared source, see fixtures/source/README.md), so a line dropped from or
mangled in the fixture shows up here.
"""

import csv
import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from timeline.models import (
    Citation,
    Initiative,
    Institution,
    Milestone,
    Outlet,
    Policy,
    Source,
    Theme,
    Year,
)

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


@pytest.fixture(autouse=True)
def korean():
    """The plain columns (``name``, ``title``) read in the active language: read them in Korean,
    whatever an earlier test in this process left active."""
    with translation.override("ko"):
        yield


REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "fixtures" / "gwangju.json"
SOURCE = REPO / "fixtures" / "source" / "gwangju-human-rights-city-timeline.txt"
RECORD = REPO / "fixtures" / "record"

SOURCE_YEARS = [2021, 2020, 2019, 2018, 2017, 2016, 2014, 2013, 2012, 2011, 2009]

# The spelling corrections listed in fixtures/README.md, as (source text, corrected text).
CORRECTIONS = [
    ("Expanision", "Expansion"),
    ("centerd", "centered"),
    ("coporations", "corporations"),
    ("muncipal", "municipal"),
    ("Offcial", "Official"),
    ("reognization", "reorganization"),
    ("villagess", "villages"),
    ("Intiation", "Initiation"),
    ("Cites Forum", "Cities Forum"),
    ("White paper", "White Paper"),
    ("Framework plan", "Framework Plan"),
    ("Declaration of Human rights", "Declaration of Human Rights"),
    ("Special Act On The", "Special Act on the"),
    ("UN organization for", "UN organizations for"),
    ("(Events", "(events"),
]
NO_SPACE_BEFORE_PARENTHESIS = re.compile(r"(?<=\S)\(")

SUBJECT_MODELS = (Initiative, Policy, Institution)


@pytest.fixture(autouse=True)
def gwangju():
    call_command("loaddata", str(FIXTURE), verbosity=0)


def source_lines_by_year():
    """{year: [corrected line, ...]} in source order, from the source text in fixtures/source."""
    assert SOURCE.exists(), f"source text not found at {SOURCE} (expected fixtures/source/)"
    lines, year = {}, None
    for raw in SOURCE.read_text(encoding="utf-8").splitlines():
        line = raw.strip().lstrip("•").strip()
        if re.fullmatch(r"\d{4}-?", line):  # "2016-" is the 2016 group
            year = int(line[:4])
            lines[year] = []
        elif line.startswith("-"):
            lines[year].append(correct(line[1:].strip()))
    return lines


def correct(line):
    for wrong, right in CORRECTIONS:
        line = line.replace(wrong, right)
    return NO_SPACE_BEFORE_PARENTHESIS.sub(" (", line)


def milestone(slug):
    return Milestone.objects.get(slug=slug)


def subject(slug):
    for model in SUBJECT_MODELS:
        found = model.objects.filter(slug=slug).first()
        if found:
            return found
    raise AssertionError(f"no subject with slug {slug!r}")


def test_the_whole_timeline_is_there_and_public():
    assert Milestone.objects.count() == 41
    assert Milestone.objects.published().count() == 41
    assert list(Year.objects.values_list("year", flat=True)) == SOURCE_YEARS
    assert Milestone.objects.filter(year=2012).count() == 9


def test_every_source_line_is_a_milestone_in_source_order_under_its_year():
    expected = source_lines_by_year()
    assert sum(len(lines) for lines in expected.values()) == 41
    assert list(expected) == SOURCE_YEARS
    for year, lines in expected.items():
        titles = list(
            Milestone.objects.filter(year=year).order_by("order").values_list("title_en", flat=True)
        )
        assert titles == lines, year
        orders = list(Milestone.objects.filter(year=year).values_list("order", flat=True))
        assert sorted(orders) == list(range(1, len(lines) + 1)), year


def test_no_title_keeps_a_source_misspelling_or_the_leading_dash():
    misspellings = re.compile(
        r"Expanision|villagess|Cites\b|reognization|centerd|coporations|muncipal|Offcial|Intiation"
    )
    for title in Milestone.objects.values_list("title_en", flat=True):
        assert not misspellings.search(title), title
        assert not title.startswith("-"), title
        assert not NO_SPACE_BEFORE_PARENTHESIS.search(title), title


def test_every_record_is_published():
    for model in (Theme, Year, Milestone, *SUBJECT_MODELS):
        assert not model.objects.filter(is_published=False).exists(), model.__name__
        assert model.objects.exists(), model.__name__


@pytest.mark.parametrize(
    ("model", "slug", "years"),
    [
        (Initiative, "human-rights-white-paper", [2014, 2016, 2018]),
        (Initiative, "world-human-rights-cities-forum", [2011, 2020, 2021]),
        (Policy, "human-rights-impact-evaluation", [2017, 2019]),
        (Policy, "human-rights-centered-management", [2018, 2019]),
        (Policy, "framework-plan-on-human-rights-promotion-and-city", [2012, 2017]),
        (Institution, "division-on-human-rights", [2009, 2009, 2019]),
        # One council renamed (focusi.co.kr): the 2014 launch and the 2016 reorganisation.
        (Institution, "gwangju-asia-emergency-relief-council", [2014, 2016]),
    ],
)
def test_a_recurring_subject_is_one_record_with_its_milestones(model, slug, years):
    record = model.objects.get(slug=slug)
    assert record.is_published
    assert sorted(record.milestones.values_list("year", flat=True)) == years


def test_the_two_trainings_are_two_initiatives_and_the_share_council_row_is_gone():
    # No cited page says the 2012 training of the city's officials and the 2019 training of
    # Asian officials (a KOICA project) are one programme.
    own = Initiative.objects.get(slug="human-rights-training-for-public-officials")
    asia = Initiative.objects.get(slug="human-rights-training-for-asian-public-officials")
    assert list(own.milestones.values_list("year", flat=True)) == [2012]
    assert list(asia.milestones.values_list("year", flat=True)) == [2019]
    assert not Institution.objects.filter(slug="gwangju-asia-share-council").exists()


def test_subject_types_and_the_framework_plan_period():
    assert Initiative.objects.get(slug="human-rights-white-paper").initiative_type == "publication"
    assert Initiative.objects.get(slug="world-human-rights-cities-forum").initiative_type == "forum"
    for slug in (
        "human-rights-training-for-public-officials",
        "human-rights-training-for-asian-public-officials",
    ):
        assert Initiative.objects.get(slug=slug).initiative_type == "training", slug
    assert Policy.objects.get(slug="human-rights-impact-evaluation").policy_type == "programme"
    plan = Policy.objects.get(slug="framework-plan-on-human-rights-promotion-and-city")
    assert (plan.policy_type, plan.period_start, plan.period_end) == ("framework_plan", 2012, 2022)
    division = Institution.objects.get(slug="division-on-human-rights")
    assert division.institution_type == "city_office"


def test_subjects_are_named_summarised_and_themed():
    slug_shape = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
    for model in SUBJECT_MODELS:
        for record in model.objects.prefetch_related("themes"):
            assert slug_shape.fullmatch(record.slug), record.slug
            assert record.name_en and record.summary_en, record.slug
            assert 1 <= len(record.themes.all()) <= 2, record.slug
            assert record.milestones.exists(), record.slug


def test_six_bilingual_themes_each_used():
    assert list(Theme.objects.values_list("slug", flat=True)) == [
        "governance-law",
        "education-training",
        "international-solidarity",
        "citizen-participation",
        "trauma-healing",
        "research-publications",
    ]
    for theme in Theme.objects.all():
        assert theme.name_ko and theme.name_en, theme.slug
        assert theme.description_ko and theme.description_en, theme.slug
        used = sum(model.objects.filter(themes=theme).count() for model in SUBJECT_MODELS)
        assert used, theme.slug


@pytest.mark.parametrize(
    ("slug", "date", "precision"),
    [
        ("international-human-rights-education-center-opens", datetime.date(2020, 5, 1), "month"),
        ("human-rights-division-becomes-bureau", datetime.date(2019, 1, 1), "month"),
        ("democratic-citizens-education-ordinance-enacted", datetime.date(2020, 4, 1), "month"),
        ("gwangju-human-rights-charter-proclaimed", datetime.date(2012, 5, 21), "day"),
        ("human-rights-index-developed", datetime.date(2012, 5, 21), "day"),
        ("gwangju-trauma-center-established", datetime.date(2012, 10, 18), "day"),
        # May or June, depending on the source: only the year is agreed.
        ("human-rights-ombudsman-introduced", datetime.date(2013, 1, 1), "year"),
    ],
)
def test_stated_dates_are_kept_with_their_precision(slug, date, precision):
    record = milestone(slug)
    assert (record.date, record.date_precision) == (date, precision)


def test_the_education_center_stays_in_the_source_year_group():
    record = milestone("international-human-rights-education-center-opens")
    assert record.year_id == 2021
    assert record.date.year == 2020


def test_milestones_without_a_stated_date_have_neither_date_nor_precision():
    undated = Milestone.objects.filter(date__isnull=True)
    assert undated.count() == 41 - 7
    assert not undated.exclude(date_precision="").exists()


@pytest.mark.parametrize(
    ("slug", "facts"),
    [
        ("human-rights-framework-ordinance-enacted", ["2007", "2009", "2012", "thetimes.kr"]),
        ("division-on-human-rights-established", ["August 2010", "gjtnews", "kmib"]),
        ("human-rights-policy-round-table", ["August 2011", "jungbunews"]),
        ("gwangju-human-rights-charter-proclaimed", ["21 representatives", "18 citizens", "donga"]),
        ("human-rights-index-developed", ["100", "110", "kmib"]),
        ("human-rights-ombudsman-introduced", ["May 2013", "June 2013", "din365"]),
        ("international-human-rights-education-center-opens", ["May 2020", "2021"]),
        ("gwangju-trauma-center-established", ["18 October 2012", "2016", "pilot"]),
        ("local-governments-and-human-rights-report-adopted", ["2015–16"]),
        ("human-rights-white-paper-2014-15", ["2015–16"]),
    ],
)
def test_disputed_facts_carry_a_note_in_both_languages_and_their_sources(slug, facts):
    record = milestone(slug)
    for fact in facts:
        assert fact in record.note_en, fact
    assert record.note_ko
    assert record.citations.exists()


@pytest.mark.parametrize(
    ("slug", "facts"),
    [
        (
            "vice-chair-of-inclusive-and-sustainable-cities-coalition",
            ["UNESCO", "vice-chair", "chair (의장)", "gjdaily.net", "kmib"],
        ),
        (
            "gwangju-asia-share-council-reorganized",
            ["same body", "2015–16", "last April", "focusi.co.kr"],
        ),
        ("gwangju-asia-emergency-relief-council-launched", ["Share Council", "same body"]),
        ("universal-declaration-of-human-rights-commemoration", ["Weekly Commemoration", "week"]),
        (
            "framework-plan-phase-1",
            ["제1기 인권증진 및 인권도시 기본계획", "제1기 광주인권도시 기본계획"],
        ),
        ("human-rights-training-in-asia", ["KOICA", "separate"]),
    ],
)
def test_corrections_are_explained_in_both_notes(slug, facts):
    # Their pages are cited in fixtures/record/citations.csv.
    record = milestone(slug)
    for fact in facts:
        assert fact in record.note_en, fact
    assert record.note_ko


def test_sources_are_titled_and_no_url_is_made_up():
    assert Citation.objects.exists()
    assert not Source.objects.filter(title="").exists()
    for url in Source.objects.exclude(url="").values_list("url", flat=True):
        assert url.startswith(("https://", "http://")), url


@pytest.mark.parametrize(
    ("slug", "name_ko"),
    [
        ("world-human-rights-cities-forum", "세계인권도시포럼"),
        ("gwangju-human-rights-charter", "광주인권헌장"),
        ("human-rights-ombudsman", "인권옴부즈맨"),
        ("gwangju-trauma-center", "광주트라우마센터"),
        ("human-rights-white-paper", "인권백서"),
        ("human-rights-impact-evaluation", "인권영향평가"),
        ("gwangjuinkkotjigi", "광주人꽃지기"),
        ("gwangju-international-human-rights-education-center", "광주국제인권교육센터"),
        ("gwangju-human-rights-conditions-survey", "인권실태조사"),
        ("democratic-citizens-education-ordinance", "민주시민교육조례"),
        ("human-rights-villages", "인권마을"),
        ("human-rights-policy-round-table", "광주인권정책라운드테이블"),
        ("human-rights-centered-management", "인권경영"),
        ("gwangju-human-rights-index", "인권지표"),
        ("human-rights-framework-ordinance", "광주광역시 인권보장 및 증진에 관한 조례"),
        ("division-on-human-rights", "인권담당관실"),
        ("division-on-human-rights", "민주인권평화국"),
    ],
)
def test_listed_korean_names_are_used_for_subjects(slug, name_ko):
    assert name_ko in subject(slug).name_ko


@pytest.mark.parametrize(
    ("slug", "name_ko"),
    [
        ("framework-plan-phase-2", "제2기 인권증진 및 인권도시 기본계획"),
        ("national-violence-trauma-healing-center-act-passed", "국립국가폭력트라우마치유센터"),
        ("gwangju-human-rights-charter-proclaimed", "광주인권헌장"),
        ("world-human-rights-cities-forum-2011", "세계인권도시포럼"),
        ("human-rights-division-becomes-bureau", "민주인권평화국"),
        ("human-rights-white-paper-2012-13", "인권백서"),
        ("framework-plan-phase-1", "제1기 광주인권도시 기본계획"),
        ("gwangju-asia-emergency-relief-council-launched", "광주아시아재해긴급구호협의회"),
        ("gwangju-asia-share-council-reorganized", "광주아시아나눔협의회"),
        (
            "vice-chair-of-inclusive-and-sustainable-cities-coalition",
            "유네스코 포용 및 지속가능도시 국제연합",
        ),
    ],
)
def test_listed_korean_names_are_used_in_milestone_titles(slug, name_ko):
    assert name_ko in milestone(slug).title_ko


@pytest.mark.parametrize(
    ("slug", "not_in_title"),
    [
        # The 2012 name of the ordinance is not its 2009 name (which no page gives).
        ("human-rights-framework-ordinance-enacted", "인권보장 및 증진에 관한 조례"),
        # 인권담당관실 is dated August 2010 by the pages the 2009 milestone cites.
        ("division-on-human-rights-established", "인권담당관실"),
        # Built by analogy with the 2nd plan's name; no page gives it.
        ("framework-plan-phase-1", "인권증진 및 인권도시"),
    ],
)
def test_korean_titles_do_not_carry_names_from_another_year(slug, not_in_title):
    assert not_in_title not in milestone(slug).title_ko


@pytest.mark.parametrize(
    ("slug", "name_ko"),
    [
        ("asia-state-violence-victims-aid-project", "아시아 국가폭력 피해자 지원 사업"),
        (
            "international-coalition-of-inclusive-and-sustainable-cities",
            "유네스코 포용 및 지속가능도시 국제연합(ICCAR)",
        ),
        ("special-act-on-the-may-18-democratization-movement", "5·18민주화운동 등에 관한 특별법"),
        ("gwangju-democratic-human-rights-memorial-park", "광주 민주·인권기념파크"),
        ("gwangju-asia-emergency-relief-council", "광주아시아재해긴급구호협의회"),
        ("gwangju-asia-emergency-relief-council", "광주아시아나눔협의회"),
        ("framework-plan-on-human-rights-promotion-and-city", "광주 인권도시 기본계획"),
    ],
)
def test_korean_names_given_by_cited_pages_replace_the_english_fallback(slug, name_ko):
    record = subject(slug)
    assert name_ko in record.name_ko
    assert record.name == record.name_ko


def test_every_milestone_and_subject_is_summarised_in_korean_and_english():
    for record in Milestone.objects.all():
        assert record.title_ko and record.summary_ko and record.summary_en, record.slug
        assert record.title == record.title_ko, record.slug
        assert record.summary == record.summary_ko, record.slug
        assert record.note == record.note_ko, record.slug
        assert " (" not in record.title_ko, record.slug
    for model in SUBJECT_MODELS:
        for record in model.objects.all():
            assert record.summary_ko and record.summary_en, record.slug
            assert record.summary == record.summary_ko, record.slug


def test_a_name_no_page_gives_stays_empty():
    # No page was found for the 2012 Joint Conference of Human Rights Policy.
    record = subject("joint-conference-of-human-rights-policy")
    assert record.name_ko == ""
    assert record.name == record.name_en


def read_record(name):
    with open(RECORD / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_milestone_a_page_supports_has_its_citations():
    # fixtures/record/ holds the citation data; build_citations.py puts it in gwangju.json.
    outlets = {row["slug"] for row in read_record("outlets.csv")}
    sources = {row["url"]: row for row in read_record("sources.csv")}
    citations = read_record("citations.csv")
    assert {row["outlet"] for row in sources.values()} <= outlets
    assert {row["source"] for row in citations} == set(sources)
    cited = {row["milestone"] for row in citations}
    assert cited <= set(Milestone.objects.values_list("slug", flat=True))
    # citations.md lists no page at all for the 2012 Joint Conference of Human Rights Policy.
    uncited = Milestone.objects.exclude(slug__in=cited).values_list("slug", flat=True)
    assert list(uncited) == ["joint-conference-of-human-rights-policy"]


def test_the_fixture_cites_exactly_what_the_record_csv_files_say():
    # If this fails, run `python fixtures/build_citations.py` after editing fixtures/record/.
    in_csv = {
        (row["milestone"], row["source"], int(row["order"]), row["supports_ko"], row["supports_en"])
        for row in read_record("citations.csv")
    }
    loaded = set(
        Citation.objects.values_list(
            "milestone__slug", "source__url", "order", "supports_ko", "supports_en"
        )
    )
    assert loaded == in_csv
    for row in read_record("sources.csv"):
        source = Source.objects.get(url=row["url"])
        assert (source.outlet.slug, source.title, source.kind) == (
            row["outlet"],
            row["title"],
            row["kind"],
        )
        assert source.title_is_label == (row["title_is_label"] == "1")
    assert Outlet.objects.count() == len(read_record("outlets.csv"))


def test_staff_can_add_records_after_loading():
    # Explicit pks must not leave PostgreSQL sequences behind: the next insert would collide.
    loaded = {model: model.objects.count() for model in (Theme, Year, *SUBJECT_MODELS, Milestone)}
    added = [
        make_theme(),
        make_year(2022),
        make_initiative(),
        make_policy(),
        make_institution(),
        make_milestone(year=2021, subject=make_institution()),
    ]
    for record in added:
        assert record.pk > loaded[type(record)], type(record).__name__
    outlet_pk = Outlet.objects.order_by("-pk").values_list("pk", flat=True).first()
    source_pk = Source.objects.order_by("-pk").values_list("pk", flat=True).first()
    citation_pk = Citation.objects.order_by("-pk").values_list("pk", flat=True).first()
    citation = cite(added[-1], make_source(outlet=make_outlet()))
    assert citation.pk > citation_pk
    assert citation.source.pk > source_pk
    assert citation.source.outlet.pk > outlet_pk
