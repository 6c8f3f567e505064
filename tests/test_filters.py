"""The timeline and directory filters: each alone, combined, repeated, and fed rubbish."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.models import Initiative, Milestone
from timeline.public.filters import SUBJECT_FILTERSETS, MilestoneFilterSet

from .factories import (
    make_initiative,
    make_institution,
    make_milestone,
    make_policy,
    make_theme,
    make_year,
)

pytestmark = pytest.mark.django_db

TIMELINE = "/en/timeline/"


@pytest.fixture
def record():
    rights = make_theme(slug="rights", name_en="Rights")
    training = make_theme(slug="training", name_en="Training")
    forum = make_initiative(
        slug="forum", name_en="World Forum", name_ko="세계인권도시포럼", themes=[rights, training]
    )
    charter = make_policy(slug="charter", name_en="Charter", themes=[training])
    office = make_institution(slug="office", name_en="Office", name_ko="인권담당관실")
    return {
        "forum-2011": make_milestone(
            2011, forum, slug="forum-2011", title_en="First Forum", title_ko="첫 포럼"
        ),
        "charter-2012": make_milestone(
            2012,
            charter,
            slug="charter-2012",
            title_en="Charter proclaimed",
            title_ko="광주인권헌장 선포",
            summary_en="Proclaimed on Citizens' Day",
        ),
        "office-2009": make_milestone(
            2009,
            office,
            slug="office-2009",
            title_en="Office opens",
            title_ko="인권도시와 함께하는 사무실",
        ),
        "forum-2020": make_milestone(
            2020, forum, slug="forum-2020", title_en="Tenth Forum", title_ko="제10회 포럼"
        ),
    }


def shown(client, query, path=TIMELINE):
    """The slugs of the milestones a timeline query shows, in page order."""
    response = client.get(path, query)
    assert response.status_code == 200
    return [milestone.slug for milestone in response.context["page_obj"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["forum-2020", "charter-2012", "forum-2011", "office-2009"]),
        ({"year": "2012"}, ["charter-2012"]),
        ({"year_min": "2011"}, ["forum-2020", "charter-2012", "forum-2011"]),
        ({"year_max": "2011"}, ["forum-2011", "office-2009"]),
        ({"year_min": "2010", "year_max": "2019"}, ["charter-2012", "forum-2011"]),
        ({"kind": "initiative"}, ["forum-2020", "forum-2011"]),
        ({"kind": ["policy", "institution"]}, ["charter-2012", "office-2009"]),
        ({"theme": "rights"}, ["forum-2020", "forum-2011"]),
        # A subject with both themes must not make its milestones appear twice.
        ({"theme": ["rights", "training"]}, ["forum-2020", "charter-2012", "forum-2011"]),
        ({"q": "forum"}, ["forum-2020", "forum-2011"]),  # title, any case
        ({"q": "CITIZENS"}, ["charter-2012"]),  # summary
        ({"q": "인권"}, ["forum-2020", "charter-2012", "forum-2011", "office-2009"]),
        (
            {"q": "인권도시"},
            ["forum-2020", "forum-2011", "office-2009"],
        ),  # 인권도시와, 세계인권도시포럼
        ({"q": "담당관"}, ["office-2009"]),  # the subject's Korean name
        ({"q": "world"}, ["forum-2020", "forum-2011"]),  # the subject's English name
        ({"q": "tenth forum"}, ["forum-2020"]),  # every word must match
        ({"q": "100%"}, []),  # LIKE wildcards are literal
        ({"kind": "initiative", "year_min": "2015"}, ["forum-2020"]),
        ({"theme": "training", "kind": "policy", "q": "헌장"}, ["charter-2012"]),
        ({"theme": "training", "year": "2011", "q": "first"}, ["forum-2011"]),
    ],
)
def test_timeline_filters(client, record, query, expected):
    assert shown(client, query) == expected


def test_korean_search_finds_a_word_with_its_particle_on_the_korean_page(client, record):
    html = client.get("/ko/timeline/", {"q": "인권"}).content.decode()
    assert "인권도시와 함께하는 사무실" in html


def test_filterset_alone_gives_the_published_set_for_the_exports(record):
    make_milestone(2012, slug="draft", is_published=False)
    filterset = MilestoneFilterSet(QueryDict("kind=initiative&kind=policy"))
    assert filterset.is_valid()
    assert sorted(filterset.qs.values_list("slug", flat=True)) == [
        "charter-2012",
        "forum-2011",
        "forum-2020",
    ]
    assert "draft" not in MilestoneFilterSet(QueryDict()).qs.values_list("slug", flat=True)
    # Invalid input matches nothing here too, not everything minus the bad filter.
    invalid = MilestoneFilterSet(QueryDict("kind=policy&year=abc"))
    assert not invalid.is_valid()
    assert "year" in invalid.errors
    assert list(invalid.qs) == []


def test_result_count_and_empty_state(client, record):
    html = client.get(TIMELINE, {"kind": "initiative"}).content.decode()
    assert "2 milestones" in html
    html = client.get(TIMELINE, {"q": "nothing like this"}).content.decode()
    assert "0 milestones" in html
    assert "No milestones match these filters" in html
    assert 'href="/en/timeline/">Show all milestones' in html


def test_form_keeps_what_was_chosen(client, record):
    html = client.get(TIMELINE, {"kind": "policy", "theme": "rights", "year_min": "2010"}).content
    html = html.decode()
    assert 'value="policy" id="id_kind_1" checked' in html
    assert 'value="rights" id="id_theme_0" checked' in html
    # 2010 has no milestones, but a shared link asking for it shows it selected.
    assert '<option value="2010" selected>2010</option>' in html


def test_every_field_has_a_label(client, record):
    html = client.get(TIMELINE).content.decode()
    for field in ("q", "year", "year_min", "year_max"):
        assert f'<label for="id_{field}">' in html
    for field, legend in (("kind", "Kind"), ("theme", "Theme")):
        assert f"<legend>{legend}</legend>" in html
        assert f'<label for="id_{field}_0">' in html


# --- Bad input: a message next to the field, never a 5xx ---------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"year": "abc"}, "year", "Choose a year from the list."),
        ({"year_min": "99999999999999999999"}, "year_min", "Choose a year from the list."),
        ({"year_max": "1" * 5000}, "year_max", "Choose a year from the list."),
        ({"year": "1850"}, "year", "Choose a year from the list."),
        ({"kind": "nope"}, "kind", "Select a valid choice."),
        ({"kind": ["policy", "nope"]}, "kind", "Select a valid choice."),
        ({"theme": "unknown"}, "theme", "Select a valid choice."),
        ({"theme": "rights\x00"}, "theme", "Select a valid choice."),
        ({"q": "x" * 201}, "q", "at most 200 characters"),
        ({"q": "forum\x00"}, "q", "Null characters are not allowed."),
        ({"year_min": "2020", "year_max": "2010"}, "year_max", "Choose 2020 or a later year."),
    ],
)
def test_bad_filter_value_shows_its_error_by_the_field_and_no_results(
    client, record, query, field, message
):
    response = client.get(TIMELINE, query)
    assert response.status_code == 200
    html = response.content.decode()
    error_list = html[html.index(f'id="id_{field}_error"') :]
    assert message in error_list[: error_list.index("</ul>")]
    assert "Some filters could not be used" in html
    assert list(response.context["page_obj"].object_list) == []


@override_settings(TIMELINE_PAGE_SIZE=2)
@pytest.mark.parametrize(
    ("page", "shown_page", "message"),
    [
        ("2", 2, None),
        ("999", 2, "There is no page 999; page 2 of 2 is shown."),
        ("0", 1, "There is no page 0; page 1 of 2 is shown."),
        ("-3", 1, "There is no page -3"),
        ("abc", 1, "That page number is not valid"),
        ("1.5", 1, "That page number is not valid"),
        ("9" * 5000, 1, "That page number is not valid"),
        ("\x00", 1, "That page number is not valid"),
    ],
)
def test_bad_page_number_shows_a_page_and_says_why(client, record, page, shown_page, message):
    response = client.get(TIMELINE, {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown_page
    if message:
        assert message in response.content.decode()


@override_settings(TIMELINE_PAGE_SIZE=1)
def test_paging_keeps_the_filters(client, record):
    query = {"kind": ["initiative", "policy"], "q": "forum"}
    html = client.get(TIMELINE, query).content.decode()
    assert "(showing 1–1)" in html
    assert 'href="?kind=initiative&amp;kind=policy&amp;q=forum&amp;page=2" rel="next"' in html
    assert shown(client, {**query, "page": "2"}) == ["forum-2011"]


@pytest.mark.parametrize(
    "raw",
    [
        "year=%00",
        "kind=%00&theme=%00&q=%00&page=%00",
        "q=%ff%fe",
        "year_min=%F0%9F%98%80",
        "theme=" + "a" * 10000,
        "q=%25%5F%5C",
        "year=2012&year=abc",
        "page=1&page=2&page=x",
        "&&&=&==",
    ],
)
def test_odd_query_strings_never_fail(client, record, raw):
    assert client.get(f"{TIMELINE}?{raw}").status_code == 200


PARAMS = ["year", "year_min", "year_max", "kind", "theme", "q", "page"]


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pairs=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(PARAMS), st.text(max_size=10)),
            st.one_of(
                st.text(max_size=50),
                st.integers().map(str),
                st.sampled_from(["initiative", "policy", "rights", "2012", "-1", "\x00"]),
            ),
        ),
        max_size=8,
    )
)
def test_random_query_strings_never_fail(client, pairs):
    # No record needed: validation runs on every value whether or not anything matches.
    for lang in ("ko", "en"):
        assert client.get(f"/{lang}/timeline/?{urlencode(pairs)}").status_code == 200


# --- Directories ------------------------------------------------------------------------


def test_directory_filters_by_type_theme_and_search(client, record):
    make_initiative(slug="white-paper", name_en="White Paper", initiative_type="publication")
    directory = "/en/initiatives/"

    def listed(query):
        response = client.get(directory, query)
        assert response.status_code == 200
        return [subject.slug for subject in response.context["page_obj"].object_list]

    assert listed({}) == ["white-paper", "forum"]  # White Paper, World Forum: A–Z
    assert listed({"type": "publication"}) == ["white-paper"]
    assert listed({"type": ["publication", "forum"]}) == ["white-paper", "forum"]
    assert listed({"theme": ["rights", "training"]}) == ["forum"]
    assert listed({"q": "인권도시"}) == ["forum"]
    assert listed({"q": "paper", "type": "publication"}) == ["white-paper"]
    # Each directory has its own types: a policy type is not an initiative type.
    html = client.get(directory, {"type": "ordinance"}).content.decode()
    assert "Select a valid choice." in html


def test_directory_count_is_not_multiplied_by_the_theme_filter(client, record):
    html = client.get("/en/initiatives/", {"theme": ["rights", "training"]}).content.decode()
    assert "2 milestones" in html


def test_directory_filterset_defaults_to_published_subjects(record):
    make_initiative(slug="draft", is_published=False)
    filterset = SUBJECT_FILTERSETS[Initiative](QueryDict())
    assert list(filterset.qs.values_list("slug", flat=True)) == ["forum"]


@pytest.mark.parametrize("path", ["/ko/policies/", "/en/institutions/"])
@pytest.mark.parametrize(
    "query", [{"type": "nope"}, {"theme": "nope"}, {"q": "\x00"}, {"page": "abc"}]
)
def test_directory_bad_values_never_fail(client, record, path, query):
    assert client.get(path, query).status_code == 200


def test_a_subject_milestone_count_only_counts_public_milestones(client, record):
    forum = Milestone.objects.get(slug="forum-2011").initiative
    make_milestone(make_year(2030, is_published=False), forum, slug="future")
    html = client.get("/en/initiatives/").content.decode()
    assert "2 milestones" in html
    assert "2011–2020" in html
