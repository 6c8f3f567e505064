"""The Human Rights Index as data: its models, the fixture, the public pages, the downloads,
the spreadsheets, and that nothing unpublished reaches the public."""

import csv
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from timeline.models import (
    Citation,
    Evaluation,
    EvaluationAreaResult,
    Indicator,
    IndicatorSet,
    Observation,
    Policy,
)
from timeline.public.index_charts import value_chart
from timeline.transfer.resources import export_file, import_file

from .factories import (
    cite,
    cite_figure,
    make_area_result,
    make_evaluation,
    make_index_area,
    make_indicator,
    make_indicator_set,
    make_milestone,
    make_observation,
    make_source,
)
from .sitemap_helpers import sitemap_entries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def messages_in_english():
    """The import's messages are read in English here, whatever language a page requested by
    an earlier test in this process left active."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GAP_YEARS = [2015, 2017, 2020, 2021, 2023]
WOMEN = "women-senior-officials"


@pytest.fixture
def index_record():
    call_command(
        "loaddata", str(FIXTURES / "gwangju.json"), str(FIXTURES / "index.json"), verbosity=0
    )


def page(client, name, language="en", **kwargs):
    with translation.override(language):
        url = reverse(f"timeline:{name}", kwargs=kwargs or None)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def builder():
    sys.path.insert(0, str(FIXTURES))
    try:
        import build_index
    finally:
        sys.path.remove(str(FIXTURES))
    return build_index


# --- The model's rules ----------------------------------------------------------------


def test_a_citation_cites_exactly_one_record():
    evaluation = make_evaluation()
    observation = make_observation(make_indicator(), 2019, "21.7")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(
            source=make_source(), evaluation=evaluation, observation=observation
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=make_source())
    assert cite_figure(evaluation).cited == evaluation
    assert cite(make_milestone()).cited is not None


def test_a_year_without_results_holds_no_figures():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_evaluation(2015, status=Evaluation.Status.NOT_FOUND, improved=3)
    gap = make_evaluation(2015, status=Evaluation.Status.NOT_FOUND)
    assert gap.is_gap and gap.indicator_set is None and gap.improved is None


def test_more_improved_than_evaluated_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_evaluation(indicators_evaluated=50, improved=51)


def test_values_are_written_as_the_source_prints_them():
    people = make_indicator(unit="people")
    with translation.override("en"):
        assert make_observation(make_indicator(), 2017, "18.0").printed == "18.0 %"
        assert make_observation(make_indicator(), 2017, "18.05").printed == "18.05 %"
        assert make_observation(people, 2022, "3260").printed == "3,260 people"
        change = make_observation(make_indicator(), 2013, "50.85", measure="change")
        assert change.printed == "+50.85 %"


# --- The fixture ------------------------------------------------------------------------


def test_the_fixture_is_what_its_script_builds_and_cites_every_page_of_section_3():
    build_index = builder()
    built = build_index.build()
    assert built == json.loads((FIXTURES / "index.json").read_text(encoding="utf-8"))
    cited = {
        build_index.S[key] for *_, sources in build_index.OBSERVATIONS for key, _ko, _en in sources
    }
    for row in build_index.EVALUATIONS.values():
        cited |= {build_index.S[key] for key, _ko, _en in row[13]}
    for row in build_index.SETS.values():
        cited |= {build_index.S[key] for key, _ko, _en in row[8]}
    assert build_index.section_three_urls() <= cited


def test_years_with_no_results_are_gaps_never_zero(index_record):
    gaps = Evaluation.objects.filter(status=Evaluation.Status.NOT_FOUND)
    assert sorted(gaps.values_list("data_year", flat=True)) == GAP_YEARS
    assert not gaps.filter(improved__isnull=False).exists()
    assert not EvaluationAreaResult.objects.filter(evaluation__in=gaps).exists()
    assert not Observation.objects.filter(value=0).exists()


def test_disagreeing_values_are_kept_each_with_its_own_source(index_record):
    values = Observation.objects.filter(indicator__slug=WOMEN, year=2017)
    assert sorted(values.values_list("value", flat=True)) == [
        Decimal("18.00"),
        Decimal("18.05"),
        Decimal("18.10"),
    ]
    for value in values:
        assert value.citations.count() == 1
    assert len({value.citations.get().source_id for value in values}) == 3


# --- Public pages -------------------------------------------------------------------------


def test_the_index_page_shows_every_evaluation_with_its_figures_and_sources(client, index_record):
    html = page(client, "index")
    for figure in ("61 of 73", "83.6 %", "+22.9 %", "−5.5 %", "72 of 98", "+8.1 %", "+6 %"):
        assert figure in html
    for figure in ("53 of 73", "72.6 %", "+15.8 %", "+0.7 %", "10 of 11 improved", "41 of 50"):
        assert figure in html
    assert "69.62" in html and "67.30" in html  # the citizen survey, with its own set
    for evaluation in Evaluation.objects.all():
        assert f'id="evaluation-{evaluation.slug}"' in html
    cited = Citation.objects.filter(evaluation__isnull=False) | Citation.objects.filter(
        indicator_set__isnull=False
    )
    for url in cited.values_list("source__url", flat=True):
        assert f'href="{url.replace("&", "&amp;")}"' in html
    assert "comparable only within one evaluation" in html


def test_the_index_page_says_no_results_for_the_gap_years(client, index_record):
    html = page(client, "index")
    for year in GAP_YEARS:
        row = html.split(f'href="#evaluation-{year}">{year}</a></th>', 1)[1].split("</tr>", 1)[0]
        assert "No public results found" in row
        assert ">0<" not in row


def test_the_index_page_reads_in_korean(client, index_record):
    html = page(client, "index", "ko")
    assert '<html lang="ko">' in html
    assert "자유롭게 소통하고 참여하는 도시" in html
    assert "공개된 결과를 찾지 못했습니다" in html
    assert "73개 중 61개" in html


def test_an_indicator_page_shows_the_disagreement_and_every_source(client, index_record):
    html = page(client, "index-indicator", slug=WOMEN)
    assert "sources disagree" in html.lower()
    for printed in ("18.05 %", "18.1 %", "18.0 %", "20.88 %", "20.9 %", "20.8 %", "10.00 %"):
        assert printed in html
    urls = Citation.objects.filter(observation__indicator__slug=WOMEN)
    for url in urls.values_list("source__url", flat=True):
        assert url.replace("&", "&amp;") in html
    assert "No value for: 2014, 2015, 2016." in html  # the gap, said in the chart's description


def test_an_area_page_charts_its_rates_with_the_gaps(client, index_record):
    html = page(client, "index-area", slug="happy-life")
    assert "+22.9 %" in html and "−4.8 %" in html and "10 of 11 improved" in html
    assert "no public results found" in html
    assert "citizen survey" not in html.lower()  # the survey rates no area


def test_the_policy_and_its_milestone_link_to_the_index_and_back(client, index_record):
    index_url = reverse("timeline:index")
    policy = Policy.objects.get(policy_type=Policy.Type.INDEX)
    assert f'href="{index_url}"' in client.get(policy.get_absolute_url()).content.decode()
    milestone = policy.milestones.first()
    assert f'href="{index_url}"' in client.get(milestone.get_absolute_url()).content.decode()
    with translation.override("ko"):
        policy_url = policy.get_absolute_url()
    assert f'href="{policy_url}"' in page(client, "index", "ko")


def test_the_sources_page_names_the_index_figures_a_source_supports(client, index_record):
    html = page(client, "source-list")
    assert "Human Rights Index:" in html
    assert "http://www.honam.co.kr/detail/zqkReJ/602740" in html


# --- The chart --------------------------------------------------------------------------


def test_the_chart_never_joins_across_a_gap_a_change_of_set_or_a_disagreement():
    indicator = make_indicator()
    old, new = make_indicator_set(), make_indicator_set()
    by_old, by_new = make_evaluation(2018, old), make_evaluation(2019, new)
    for year, value, evaluation in [
        (2013, "10.00", by_old),
        (2016, "17.0", by_old),
        (2017, "18.0", by_old),
        (2018, "20.88", by_old),
        (2018, "20.9", by_old),
        (2018, "20.8", by_new),
        (2019, "21.7", by_new),
    ]:
        make_observation(indicator, year, value, evaluation=evaluation)
    values = indicator.observations.select_related("evaluation__indicator_set")
    chart = value_chart(list(values), "none")

    joined = {
        (segment.series.key, round(segment.x1, 1), round(segment.x2, 1))
        for segment in chart.segments
    }
    x = {mark.year: round(mark.x, 1) for mark in chart.years}
    assert joined == {(old.pk, x[2016], x[2017]), (new.pk, x[2018], x[2019])}
    assert chart.gap_years == [2014, 2015]
    assert len(chart.points) == 7
    assert len({series.marker for series in chart.series}) == 2  # a shape per set


def test_the_chart_description_says_which_lines_are_drawn(client, index_record):
    """Sources disagree on 2018 within the 2016 set, yet the 2018 set's single 2018 value is
    joined to 2019: the description must not claim that no line touches such a year."""
    html = page(client, "index-indicator", slug=WOMEN)
    description = html.split('<desc id="value-chart-desc">', 1)[1].split("</desc>", 1)[0]
    values = Observation.objects.filter(indicator__slug=WOMEN).select_related(
        "evaluation__indicator_set"
    )
    chart = value_chart(list(values), "none")
    x = {mark.year: mark.x for mark in chart.years}
    set_2018 = IndicatorSet.objects.get(slug="set-2018").pk
    assert [(s.series.key, s.x1, s.x2) for s in chart.segments] == [(set_2018, x[2018], x[2019])]
    assert "no line touches a year" not in description
    assert "no line of that set leads to or from that year" in description


# --- Downloads -----------------------------------------------------------------------------


def rows_of(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_download_filters_by_indicator_area_and_year(client, index_record):
    url = reverse("timeline:index-export-csv")
    rows = rows_of(client.get(url, {"indicator": WOMEN}))
    assert {row["indicator"] for row in rows} == {WOMEN}
    assert len(rows) == Observation.objects.filter(indicator__slug=WOMEN).count()
    rows = rows_of(client.get(url, {"year": "2022"}))
    assert rows and {row["year"] for row in rows} == {"2022"}
    Indicator.objects.filter(slug="suicide-rate").update(area_id=make_index_area(slug="safety").pk)
    rows = rows_of(client.get(url, {"area": "safety"}))
    assert [(row["indicator"], row["value"], row["area"]) for row in rows] == [
        ("suicide-rate", "22.60", "safety")
    ]


def test_the_json_download_gives_numbers_sources_and_the_licence(client, index_record):
    response = client.get(reverse("timeline:index-export-json"), {"indicator": WOMEN})
    assert 'rel="license"' in response["Link"]
    records = json.loads(response.content)
    assert sorted(record["value"] for record in records if record["year"] == 2017) == [
        18.0,
        18.05,
        18.1,
    ]
    assert all(record["sources"][0]["url"] for record in records)
    assert {record["indicator_set"] for record in records} == {"set-2016", "set-2018"}


def area_rows(rows):
    """(data year, evaluation, area result, rate, improved, of, English note) of each row."""
    return [
        (
            row["data_year"],
            row["evaluation"],
            row["area_result"],
            row["area_rate"],
            row["area_improved"],
            row["area_indicator_count"],
            row["area_note_en"],
        )
        for row in rows
    ]


def test_one_areas_results_download_with_the_years_without_results(client, index_record):
    response = client.get(reverse("timeline:index-evaluations-csv"), {"area": "vulnerable-groups"})
    assert response["Content-Disposition"] == (
        'attachment; filename="gwangju-index-evaluations-vulnerable-groups.csv"'
    )
    assert 'rel="license"' in response["Link"]
    rows = rows_of(response)
    assert {row["area"] for row in rows} == {"vulnerable-groups"}
    assert area_rows(rows) == [
        ("2013", "2013", "reported", "6.3", "", "", ""),
        ("2014", "2014", "not_reported", "", "", "", ""),
        ("2015", "2015", "not_found", "", "", "", ""),
        ("2016", "2016", "not_reported", "", "", "", ""),
        ("2017", "2017", "not_found", "", "", "", ""),
        ("2018", "2018", "reported", "", "13", "16", ""),
        ("2018", "2018-sub-indicators", "not_reported", "", "", "", ""),
        ("2019", "2019", "reported", "5.2", "", "", ""),
        ("2020", "2020", "not_found", "", "", "", ""),
        ("2021", "2021", "not_found", "", "", "", ""),
        ("2022", "2022", "reported", "0.7", "", "", "Lowest"),
        ("2023", "2023", "not_found", "", "", "", ""),
    ]
    gap = next(row for row in rows if row["data_year"] == "2015")
    assert (gap["status"], gap["improved"], gap["overall_rate"]) == ("not_found", "", "")
    assert "No public results" in gap["note_en"]


def test_the_evaluations_download_gives_the_headline_figures_with_their_sources(
    client, index_record
):
    response = client.get(reverse("timeline:index-evaluations-json"), {"year": "2019"})
    assert response["Content-Disposition"] == (
        'attachment; filename="gwangju-index-evaluations-2019.json"'
    )
    records = json.loads(response.content)
    assert [(r["area"], r["area_rate"]) for r in records] == [
        ("communication", 2.5),
        ("happy-life", 22.9),
        ("vulnerable-groups", 5.2),
        ("environment-safety", -5.5),
        ("culture-solidarity", 17.8),
    ]
    cited = Citation.objects.filter(evaluation__slug="2019").order_by("order", "id")
    for record in records:
        assert (record["indicators_evaluated"], record["improved"], record["improved_percent"]) == (
            73,
            61,
            83.6,
        )
        assert [source["url"] for source in record["sources"]] == [
            citation.source.url for citation in cited
        ]
        assert record["url"] == "http://testserver/en/index/#evaluation-2019"


def test_every_evaluation_is_in_the_whole_evaluations_download(client, index_record):
    rows = rows_of(client.get(reverse("timeline:index-evaluations-csv")))
    assert {row["evaluation"] for row in rows} == set(
        Evaluation.objects.values_list("slug", flat=True)
    )
    (survey,) = [row for row in rows if row["evaluation"] == "citizen-survey-2012-2014"]
    assert (survey["area"], survey["area_result"], survey["worsened"]) == ("", "", "11")
    assert len(rows) == 1 + 5 * (Evaluation.objects.count() - 1)  # a row per area, but the survey
    notes = {(row["evaluation"], row["area"]): row["area_note_en"] for row in rows}
    assert notes[("2014", "happy-life")] == "More cases of notifiable diseases."
    assert "0" not in {row["improved"] for row in rows if row["status"] == "not_found"}
    assert "http" in next(row["sources"] for row in rows if row["evaluation"] == "2016")


def test_the_index_pages_link_the_evaluations_download(client, index_record):
    for language in ("ko", "en"):
        with translation.override(language):
            csv_url = reverse("timeline:index-evaluations-csv")
            json_url = reverse("timeline:index-evaluations-json")
        for html in (page(client, "index", language), page(client, "open-data", language)):
            assert f'href="{csv_url}"' in html and f'href="{json_url}"' in html
        area = page(client, "index-area", language, slug="vulnerable-groups")
        assert f'href="{csv_url}?area=vulnerable-groups"' in area


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("index-evaluations-csv", {"year": "abc"}),
        ("index-evaluations-json", {"year": "1066"}),
        ("index-evaluations-csv", {"area": "<script>"}),
        ("index-evaluations-csv", {"area": "nowhere"}),
    ],
)
def test_a_bad_evaluations_filter_makes_no_file(client, index_record, name, query):
    response = client.get(reverse(f"timeline:{name}"), query)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"area": "<script>"},
        {"indicator": "nope"},
        {"indicator": "a\x00b"},
    ],
)
def test_a_bad_filter_makes_no_file_and_no_server_error(client, index_record, query):
    response = client.get(reverse("timeline:index-export-csv"), query)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/en/index/?year=%00",
        "/en/index/nope/",
        "/en/index/indicators/%E2%80%8B/",
        "/ko/index/x%00/",
    ],
)
def test_odd_addresses_never_give_a_server_error(client, index_record, address):
    assert client.get(address).status_code in (200, 404)


# --- Nothing unpublished reaches the public ------------------------------------------------


def test_drafts_never_reach_the_pages_the_downloads_or_the_sources(client):
    area = make_index_area(slug="hidden-area", is_published=False)
    public_indicator = make_indicator(slug="shown")
    draft_indicator = make_indicator(slug="draft-indicator", is_published=False)
    in_draft_area = make_indicator(slug="in-draft-area", area=area)
    draft_set = make_indicator_set(slug="draft-set", name_en="Draft set", is_published=False)
    hidden = make_evaluation(2030, draft_set, slug="under-draft-set")
    draft = make_evaluation(2031, is_published=False, slug="draft-evaluation")
    make_observation(public_indicator, 2019, "11.11")
    secret_values = [
        make_observation(public_indicator, 2020, "99.99", is_published=False),
        make_observation(public_indicator, 2021, "88.88", evaluation=draft),
        make_observation(public_indicator, 2022, "77.77", evaluation=hidden),
        make_observation(draft_indicator, 2020, "66.66"),
        make_observation(in_draft_area, 2020, "55.55"),
    ]
    secret_source = make_source(url="https://example.org/secret")
    cite_figure(draft, secret_source)
    cite_figure(secret_values[0], make_source(url="https://example.org/secret-value"))

    for language in ("ko", "en"):
        html = page(client, "index", language) + page(
            client, "index-indicator", language, slug="shown"
        )
        for secret in ("2030", "2031", "Draft set", "99.99", "88.88", "77.77", "hidden-area"):
            assert secret not in html
    for slug in ("draft-indicator", "in-draft-area"):
        assert client.get(reverse("timeline:index-indicator", args=[slug])).status_code == 404
    assert client.get(reverse("timeline:index-area", args=["hidden-area"])).status_code == 404
    download = client.get(reverse("timeline:index-export-json")).content.decode()
    assert json.loads(download)[0]["value"] == 11.11 and len(json.loads(download)) == 1
    evaluations = client.get(reverse("timeline:index-evaluations-csv")).content.decode()
    for secret in ("2030", "2031", "draft-set", "hidden-area", "secret"):
        assert secret not in evaluations
    hidden_area = client.get(reverse("timeline:index-evaluations-csv"), {"area": "hidden-area"})
    assert hidden_area.status_code == 400
    assert "secret" not in page(client, "source-list")


# --- Spreadsheets ---------------------------------------------------------------------------


def test_next_years_evaluation_is_one_spreadsheet_row(index_record):
    header = (
        "slug,data_year,status,indicator_set,published_on,date_precision,indicators_evaluated,"
        "improved,area_results,sources,is_published\n"
    )
    row = (
        "2023-new,2023,reported,set-2018,2024-10-01,day,73,60,"
        '"happy-life: +3.1% | vulnerable-groups: 13/16 | communication: 5/?",'
        "Report <https://example.org/2023>,true\n"
    )
    report = import_file("evaluations", (header + row).encode())
    assert report.ok, [str(problem) for problem in report.problems]
    evaluation = Evaluation.objects.get(slug="2023-new")
    results = {
        r.area.slug: (r.rate, r.improved, r.indicator_count) for r in evaluation.area_results.all()
    }
    assert results == {
        "happy-life": (Decimal("3.10"), None, None),
        "vulnerable-groups": (None, 13, 16),
        "communication": (None, 5, None),
    }
    assert evaluation.citations.get().source.url == "https://example.org/2023"


def test_an_area_results_cell_keeps_the_notes_of_the_areas_it_still_lists(index_record):
    evaluation = Evaluation.objects.get(slug="2016")
    data = b'slug,area_results\n2016,"happy-life: +10.7% | environment-safety: 8/9"\n'
    assert import_file("evaluations", data).counts["update"] == 1
    happy = evaluation.area_results.get(area__slug="happy-life")
    assert (happy.rate, happy.note_ko, happy.note_en) == (Decimal("10.70"), "가장 높음", "Highest")


def test_area_notes_travel_in_the_evaluations_file(index_record):
    evaluation = Evaluation.objects.get(slug="2022")
    data = export_file("evaluations", Evaluation.objects.filter(pk=evaluation.pk))
    text = data.decode("utf-8-sig")
    assert "vulnerable-groups: Lowest|culture-solidarity: Highest" in text
    text = text.replace("vulnerable-groups: Lowest", "vulnerable-groups: Lowest of the five")
    assert import_file("evaluations", text.encode()).counts["update"] == 1
    notes = dict(evaluation.area_results.values_list("area__slug", "note_en"))
    assert notes == {"culture-solidarity": "Highest", "vulnerable-groups": "Lowest of the five"}


def test_a_note_for_an_area_without_a_result_is_refused(index_record):
    for data in (
        b"slug,area_notes_en\n2022,happy-life: Highest\n",
        b'slug,area_results,area_notes_en\n2022,"culture-solidarity: +15.8%",'
        b'"vulnerable-groups: Lowest"\n',
    ):
        report = import_file("evaluations", data)
        assert not report.ok
        (problem,) = report.problems
        assert (problem.line, problem.column) == (2, "area_notes_en")
        assert "has none for" in problem.message
    assert Evaluation.objects.get(slug="2022").area_results.count() == 2


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("happy-life: lots", "is not an area's result"),
        ("nowhere: +1%", "No index area has the slug"),
        ("happy-life: +1% | happy-life: +2%", "listed twice"),
        ("happy-life: 12/11", "More improved"),
    ],
)
def test_a_bad_area_results_cell_is_refused_with_its_line(index_record, cell, fragment):
    data = f'slug,area_results\n2019,"{cell}"\n'.encode()
    report = import_file("evaluations", data)
    assert not report.ok
    (problem,) = report.problems
    assert (problem.line, problem.column) == (2, "area_results")
    assert fragment in problem.message


def test_a_gap_year_with_figures_is_refused(index_record):
    report = import_file("evaluations", b"slug,status,improved\n2015,not_found,4\n")
    assert not report.ok
    assert "no public results has no figures" in report.problems[0].message


def test_the_indexcitations_file_says_what_each_source_supports_for_the_index(index_record):
    text = export_file("indexcitations").decode("utf-8-sig")
    header, *lines = text.splitlines()
    assert header == "source,indicator_set,evaluation,observation,order,supports_ko,supports_en"
    assert len(lines) == Citation.objects.filter(milestone=None).count()
    citation = Citation.objects.filter(evaluation__slug="2019").first()
    row = [line for line in lines if citation.supports_en in line and ",,2019,," in line]
    assert len(row) == 1
    edited = text.replace(row[0], row[0].replace(citation.supports_en, "Edited"))
    report = import_file("indexcitations", edited.encode())
    assert report.counts["update"] == 1, [str(problem) for problem in report.problems]
    citation.refresh_from_db()
    assert citation.supports_en == "Edited"


def test_the_citations_file_keeps_to_the_milestones(index_record):
    header, *lines = export_file("citations").decode("utf-8-sig").splitlines()
    assert header == "milestone,source,order,supports_ko,supports_en"
    assert len(lines) == Citation.objects.exclude(milestone=None).count()
    url = Citation.objects.filter(evaluation__slug="2019").first().source.url
    report = import_file("citations", f"evaluation,source\n2019,{url}\n".encode())
    assert not report.ok
    assert "This looks like a file of indexcitations." in report.problems[0].message


@pytest.mark.parametrize(
    "row",
    [
        "{url},set-2018,2019,",  # two records
        "{url},,,",  # none
    ],
)
def test_an_index_citation_row_names_exactly_one_record(index_record, row):
    url = Citation.objects.filter(evaluation__slug="2019").first().source.url
    data = f"source,indicator_set,evaluation,observation\n{row.format(url=url)}\n"
    report = import_file("indexcitations", data.encode())
    assert not report.ok
    assert "exactly one cited record" in report.problems[0].message


# --- Sitemap and feed -------------------------------------------------------------------------


def test_the_sitemap_and_the_feed_carry_the_index(client, index_record):
    sitemap = "\n".join(sitemap_entries(client))
    for path in ("/ko/index/", "/en/index/happy-life/", f"/ko/index/indicators/{WOMEN}/"):
        assert path in sitemap
    feed = client.get("/en/index/feed/").content.decode()
    assert "2022 data" in feed and "53 of 73 indicators improved" in feed
    assert "2015 data" not in feed  # a year without results is not news


# --- Query counts ---------------------------------------------------------------------------


def grow_index(areas, count):
    """``count`` more evaluations, each with a result per area, a value of the indicator
    "grown", citations, and a year without results beside it."""
    indicator = Indicator.objects.get(slug="grown")
    for _ in range(count):
        year = 1950 + Evaluation.objects.count()
        evaluation = make_evaluation(year)
        cite_figure(evaluation)
        cite_figure(evaluation.indicator_set)
        for area in areas:
            make_area_result(evaluation, area, rate="-1.5", improved=3, indicator_count=4)
        cite_figure(make_observation(indicator, year, "12.5", evaluation=evaluation))
        make_evaluation(year + 100, status=Evaluation.Status.NOT_FOUND)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["index", "index-area", "index-indicator", "index-export-csv", "index-evaluations-csv"],
)
def test_index_pages_run_the_same_queries_for_a_small_and_a_large_record(
    client, django_assert_num_queries, name
):
    areas = [make_index_area(), make_index_area()]
    make_indicator(slug="grown")
    kwargs = {"index-area": {"slug": areas[0].slug}, "index-indicator": {"slug": "grown"}}
    with translation.override("en"):
        url = reverse(f"timeline:{name}", kwargs=kwargs.get(name))
    grow_index(areas, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow_index(areas, 20)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- Roles ---------------------------------------------------------------------------------


def test_an_editor_cannot_publish_or_change_a_published_evaluation_by_import(index_record, editor):
    new_row = b"slug,data_year,status,is_published\nnew-2024,2024,not_found,true\n"
    report = import_file("evaluations", new_row, user=editor)
    assert not report.ok  # a file that publishes is refused for an editor
    assert not Evaluation.objects.filter(slug="new-2024").exists()

    as_draft = b"slug,data_year,status,is_published\nnew-2024,2024,not_found,false\n"
    assert import_file("evaluations", as_draft, user=editor).ok
    assert Evaluation.objects.get(slug="new-2024").is_published is False

    changed = b"slug,improved\n2019,62\n"
    assert not import_file("evaluations", changed, user=editor).ok
    assert Evaluation.objects.get(slug="2019").improved == 61


def test_an_editor_cannot_change_what_a_published_evaluations_source_supports(index_record, editor):
    citation = Citation.objects.filter(evaluation__slug="2019").first()
    data = f"evaluation,source,supports_en\n2019,{citation.source.url},Edited\n".encode()
    report = import_file("indexcitations", data, user=editor)
    assert not report.ok
    assert "Only a publisher can change the sources of a published evaluation." in (
        report.problems[0].message
    )
    citation.refresh_from_db()
    assert citation.supports_en != "Edited"


def test_a_published_evaluations_page_is_view_only_to_an_editor(index_record, as_editor):
    from .admin_helpers import admin_url

    evaluation = Evaluation.objects.get(slug="2019")
    html = as_editor.get(admin_url(Evaluation, "change", evaluation.pk)).content.decode()
    assert 'name="overall_rate"' not in html  # the form is read-only
    assert 'name="area_results-0-rate"' not in html  # and so are its area results


# --- History ---------------------------------------------------------------------------------


def test_restoring_an_evaluation_brings_back_its_area_results_and_sources():
    from reversion.models import Version

    from timeline.history import record_revision, restore_record

    area = make_index_area()
    evaluation = make_evaluation()
    make_area_result(evaluation, area, rate="22.9")
    cite_figure(evaluation, make_source(url="https://example.org/kept"))
    record_revision(Evaluation.objects.filter(pk=evaluation.pk))
    evaluation.area_results.update(rate="1.0")
    evaluation.citations.all().delete()

    with transaction.atomic():
        restore_record(Version.objects.get_for_object(evaluation).first())

    assert evaluation.area_results.get().rate == Decimal("22.90")
    assert evaluation.citations.get().source.url == "https://example.org/kept"


def test_an_area_cannot_take_the_address_of_another_index_page(index_record):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_index_area(slug="feed")
    report = import_file("indexareas", b"slug,name_en\nindicators,Indicators\n")
    assert not report.ok
    assert report.problems[0].column == "slug"
