"""Public pages run the same number of queries for a small and a large record (no N+1).

Each test measures a page with a small record, grows the record twenty-fold, and requires
exactly the same number of queries. Both sizes hold every kind of subject, so each page
needs every one of its prefetches at both sizes.
"""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import (
    cite,
    make_initiative,
    make_institution,
    make_milestone,
    make_policy,
    make_theme,
    make_year,
)

# Each test builds a record of 200 milestones with every relation: seconds apiece.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SMALL, LARGE = 10, 200
MAKERS = (make_initiative, make_policy, make_institution)
# Newest first: the newest year (the home page's "latest") gets every kind even when small.
YEARS = (2021, 2020, 2019, 2018, 2017, 2016, 2014, 2013, 2012, 2011, 2009)


@pytest.fixture
def themes():
    return [make_theme(), make_theme(), make_theme()]


def add_milestones(count, themes, subject=None, years=YEARS):
    """``count`` published milestones, three to a year (one of each kind), with sources.

    Without ``subject`` each milestone gets a new subject with two themes, so subjects and
    themes grow with the milestones.
    """
    kinds = itertools.cycle(MAKERS)
    three_to_a_year = itertools.cycle(year for year in years for _ in MAKERS)
    for index, year in zip(range(count), three_to_a_year, strict=False):
        owner = subject or next(kinds)(themes=themes[index % 2 : index % 2 + 2])
        milestone = make_milestone(year, owner, summary_en="A summary " * 5)
        cite(milestone)


def assert_queries_do_not_grow(client, django_assert_num_queries, address, grow):
    """Same query count for ``address`` after ``grow(SMALL)`` and after ``grow(LARGE)``."""
    grow(SMALL)
    with CaptureQueriesContext(connection) as small:
        assert client.get(address).status_code == 200
    grow(LARGE - SMALL)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(address).status_code == 200


@pytest.mark.parametrize(
    "address",
    [
        "/ko/",
        "/en/timeline/",
        "/en/timeline/?page=2",
        "/ko/timeline/?theme=theme-placeholder&q=Milestone&kind=policy&kind=initiative",
        "/en/initiatives/",
        "/ko/policies/?q=Policy",
        "/en/institutions/?theme=theme-placeholder",
    ],
)
def test_lists_and_home(client, django_assert_num_queries, themes, address):
    address = address.replace("theme-placeholder", themes[1].slug)
    assert_queries_do_not_grow(
        client, django_assert_num_queries, address, lambda n: add_milestones(n, themes)
    )


@pytest.mark.parametrize("maker", MAKERS)
def test_subject_page(client, django_assert_num_queries, themes, maker):
    subject = maker(themes=themes)

    def grow(count):
        add_milestones(count, themes, subject=subject)
        if subject.KIND == "institution":
            for _ in range(count):
                make_institution(parent=subject, themes=themes)

    assert_queries_do_not_grow(client, django_assert_num_queries, subject.get_absolute_url(), grow)


def test_year_page(client, django_assert_num_queries, themes):
    make_year(2011)
    make_year(2013)
    assert_queries_do_not_grow(
        client,
        django_assert_num_queries,
        "/en/years/2012/",
        lambda n: add_milestones(n, themes, years=[2012]),
    )


def test_milestone_page(client, django_assert_num_queries, themes):
    subject = make_policy(themes=themes)
    milestone = make_milestone(2012, subject, order=5000)

    def grow(count):
        add_milestones(count, themes)
        for _ in range(count):
            cite(milestone)

    assert_queries_do_not_grow(
        client, django_assert_num_queries, milestone.get_absolute_url(), grow
    )
