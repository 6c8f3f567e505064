"""The timeline's figures remembered per content version stay true, and the fast year list
renders exactly what Django's own widget does.

The year choices, the chart (counts and markup), the match count and the record's span are
computed once per version of the record (timeline/caching/remembered.py); these tests change the
record between two requests and require the page to show the change.
"""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from timeline.models import Milestone
from timeline.public import charts
from timeline.public.filters import Select

from .factories import make_initiative, make_milestone, make_policy, make_theme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0  # the data cache must work without the page cache


def year_options(html):
    select = re.search(r'<select name="year_min".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


def chart_total(html):
    table = html[html.index('<details class="chart__data">') :]
    totals = re.findall(r"<td>(\d+)</td></tr>", table)
    return sum(int(total) for total in totals)


def page(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    return response, response.content.decode()


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        (None, {"id": "id_year"}),
        (2014, {"id": "id_year_min", "aria-invalid": "true", "aria-describedby": "e <&>"}),
        ("2012", {"id": "x", "required": True, "disabled": False}),
    ],
)
def test_year_select_renders_like_djangos_select(value, attrs):
    choices = [
        ("", "Any year <&>"),
        (2014, 2014),
        (2012, 2012),
        ("Older", [(2009, "2009 & before")]),
    ]
    expected = forms.Select(choices=choices).render("year", value, attrs)
    assert Select(choices=choices).render("year", value, attrs) == expected


def test_year_choices_follow_the_record(client):
    make_milestone(2014)
    _, html = page(client, "/en/timeline/")
    assert year_options(html) == ["2014"]

    make_milestone(2019)
    _, html = page(client, "/en/timeline/")
    assert year_options(html) == ["2019", "2014"]


def test_chart_and_count_follow_the_record_and_the_filters(client):
    rights, housing = make_theme(slug="rights"), make_theme(slug="housing")
    for year in (2012, 2013, 2014):
        make_milestone(year, make_policy(themes=[rights]))
    make_milestone(2015, make_initiative(themes=[housing]))

    response, html = page(client, "/en/timeline/?theme=rights")
    assert response.context["paginator"].count == 3
    assert chart_total(html) == 3
    response, html = page(client, "/en/timeline/?theme=housing")
    assert response.context["paginator"].count == 1
    assert chart_total(html) == 1

    hidden = make_milestone(2016, make_policy(themes=[rights]))
    response, html = page(client, "/en/timeline/?theme=rights")
    assert response.context["paginator"].count == 4
    assert chart_total(html) == 4

    hidden.is_published = False
    hidden.save()
    response, html = page(client, "/en/timeline/?theme=rights")
    assert response.context["paginator"].count == 3
    assert chart_total(html) == 3


def test_match_count_is_every_match_across_pages(client, settings):
    settings.TIMELINE_PAGE_SIZE = 2
    for year in (2012, 2012, 2013, 2014, 2015):
        make_milestone(year)
    response, _ = page(client, "/en/timeline/?page=3")
    assert response.context["paginator"].count == 5
    assert len(response.context["page_obj"].object_list) == 1


def chart_markup(html):
    return html[html.index('<figure class="chart">') : html.index("</figure>") + len("</figure>")]


def test_chart_is_drawn_in_each_pages_language(client):
    make_milestone(2014, make_policy())
    make_milestone(2016, make_initiative())
    for language in ("ko", "en", "ko"):
        _, html = page(client, f"/{language}/timeline/")
        with translation.override(language):
            chart = charts.year_chart(Milestone.objects.published(), compact=True)
            expected = render_to_string("includes/chart.html", {"chart": chart})
        assert chart_markup(html) == chart_markup(expected)


def test_invalid_filters_count_nothing(client):
    make_milestone(2014)
    response, _ = page(client, "/en/timeline/?year=abc")
    assert response.context["paginator"].count == 0


def test_record_span_follows_the_record():
    make_milestone(2012)
    assert charts.record_span() == (2012, 2012)
    make_milestone(2020)
    assert charts.record_span() == (2012, 2020)
