"""Pages joined from ready parts (issue 15): with the page cache off, a page whose parts are
stored reads only what it shows, and any change to the record shows at once on every page
built from them."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from timeline.models import Source
from timeline.previews import preview_url

from .factories import cite, make_institution, make_milestone, make_policy, make_theme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Every request is rendered: what is measured here is the parts, not the page cache."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def record():
    theme = make_theme(slug="equality", name_en="Equality", name_ko="평등")
    policy = make_policy(slug="charter", name_en="Charter", name_ko="헌장", themes=[theme])
    office = make_institution(slug="office", name_en="Office", name_ko="사무소", themes=[theme])
    first = make_milestone(2011, policy, slug="charter-adopted", title_en="Charter adopted")
    second = make_milestone(2012, office, slug="office-opens", title_en="Office opens")
    cite(first, make_source_titled("Charter report"))
    return first, second


def make_source_titled(title: str) -> Source:
    from .factories import make_source

    return make_source(title=title)


PAGES = {
    # address: queries once its parts are stored
    "/en/": 0,
    "/en/timeline/": 1,  # the ids of the page's milestones
    "/en/timeline/?theme=equality": 1,
    "/en/timeline/2011/charter-adopted/": 2,  # the milestone, its images (structured data)
    "/en/years/2011/": 1,  # the year
    "/en/policies/charter/": 1,  # the policy
    "/en/institutions/office/": 2,  # the institution with its parent; its images
    "/en/policies/": 1,  # the ids of the page's policies (the count is remembered)
    "/en/sources/": 0,
    "/en/open-data/": 0,
    "/en/index/": 0,
}


@pytest.mark.parametrize(("address", "queries"), PAGES.items())
def test_a_page_with_its_parts_ready_reads_only_what_it_shows(record, address, queries):
    client = Client()
    first = client.get(address)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as read:
        again = client.get(address)
    assert len(read.captured_queries) == queries, [q["sql"] for q in read.captured_queries]
    assert again.text == first.text


def test_an_edit_shows_at_once_on_every_page_built_from_parts(record):
    first, _second = record
    client = Client()
    for address in PAGES:
        client.get(address)
    first.title_en = "Charter of Gwangju adopted"
    first.save()
    source = first.citations.get().source
    source.title = "Charter report, revised"
    source.save()

    milestone_page = client.get("/en/timeline/2011/charter-adopted/").text
    assert "Charter of Gwangju adopted" in milestone_page
    assert "Charter report, revised" in milestone_page
    for address in ("/en/timeline/", "/en/years/2011/", "/en/policies/charter/"):
        page = client.get(address).text
        assert "Charter of Gwangju adopted" in page, address
        assert "Charter adopted" not in page, address


def test_a_withdrawn_milestone_leaves_every_page_built_from_parts(record):
    first, _second = record
    client = Client()
    for address in PAGES:
        client.get(address)
    first.is_published = False
    first.save()
    assert client.get("/en/timeline/2011/charter-adopted/").status_code == 404
    for address in ("/en/", "/en/timeline/", "/en/policies/charter/", "/en/sources/"):
        assert "Charter adopted" not in client.get(address).text, address


def checked(page: str, value: str) -> bool:
    """Whether the filter form's checkbox for ``value`` is ticked."""
    tag = page.split(f'value="{value}"', 1)[1].split(">", 1)[0]
    return " checked" in tag


def test_each_language_and_each_question_has_its_own_parts(record):
    first, _second = record
    client = Client()
    assert "Charter adopted" in client.get("/en/timeline/2011/charter-adopted/").text
    korean = client.get("/ko/timeline/2011/charter-adopted/").text
    assert f">{first.title_ko}</h1>" in korean and "헌장" in korean
    # The filter form shows what each address asked for, not the first one stored.
    assert checked(client.get("/en/timeline/?theme=equality").text, "equality")
    assert not checked(client.get("/en/timeline/").text, "equality")
    invalid = client.get("/en/timeline/?year_min=2012&year_max=2011").text
    assert "Choose 2012 or a later year." in invalid
    assert "Choose 2012 or a later year." not in client.get("/en/timeline/?year_min=2012").text


def test_a_staff_preview_of_a_draft_leaves_no_part_behind(record, as_editor):
    draft = make_milestone(
        2011, record[0].policy, slug="draft", title_en="Secret draft", is_published=False
    )
    cache.clear()
    assert "Secret draft" in as_editor.get(preview_url(draft, "en")).text
    stored = cache._cache.values()  # type: ignore[attr-defined]  # the local-memory cache
    assert not any(b"Secret draft" in value for value in stored)


def stored_parts(name: str) -> int:
    return sum(f":part:block:{name}:" in key for key in cache._cache)  # type: ignore[attr-defined]


def test_other_parameters_and_their_order_share_one_filter_form(record):
    """A crawler adding tracking parameters, or reordering them, must not fill the cache with
    copies of the same form."""
    client = Client()
    cache.clear()
    addresses = (
        "/en/timeline/?theme=equality",
        "/en/timeline/?theme=equality&utm_source=feed",
        "/en/timeline/?utm_source=mail&theme=equality&fbclid=x",
    )
    for address in addresses:
        assert checked(client.get(address).text, "equality")
    assert stored_parts("filter-form") == 1
    client.get("/en/timeline/?theme=equality&kind=policy")
    assert stored_parts("filter-form") == 2


def test_directories_of_two_kinds_never_share_a_card():
    """An initiative and a policy may have the same primary key; each directory shows its own
    subject, whichever was visited first."""
    from .factories import make_initiative

    # The same id for both, as any database's sequences may give them.
    initiative = make_initiative(pk=9001, slug="training", name_en="Officials' training")
    policy = make_policy(pk=9001, slug="charter", name_en="Charter")
    make_milestone(2011, initiative, slug="training-starts")
    make_milestone(2012, policy, slug="charter-adopted")
    client = Client()

    assert "Officials&#x27; training" in client.get("/en/initiatives/").text
    policies = client.get("/en/policies/").text
    assert "Charter" in policies
    assert "training" not in policies


@pytest.mark.parametrize(
    "query", ["year=abc", "theme=no-such-theme", "q=Charter", "q=nothing", "page=99"]
)
def test_a_page_the_cache_does_not_store_leaves_no_part_or_figure_of_its_own(record, query):
    """Its filter form, counts and chart are named by values anyone can vary without end."""
    client = Client()
    client.get("/en/timeline/")
    kept = set(cache._cache)  # type: ignore[attr-defined]  # the local-memory cache

    assert client.get(f"/en/timeline/?{query}").status_code == 200

    assert set(cache._cache) == kept  # type: ignore[attr-defined]
    # The request's rule ended with it: the next page keeps its own parts as ever.
    client.get("/en/timeline/?theme=equality")
    assert stored_parts("filter-form") == 2


def test_a_search_reads_the_cards_other_pages_kept(record):
    client = Client()
    with CaptureQueriesContext(connection) as cold:
        client.get("/en/timeline/?q=Charter")
    # Counted now: the next request empties the log these queries are read from.
    cold_queries = len(cold.captured_queries)
    client.get("/en/timeline/")  # keeps the cards, the counts of all years, the theme list
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/en/timeline/?q=Charter")
    assert "Charter adopted" in again.text
    # The search's own counts and list; the card and the rest were read from the cache.
    assert len(warm.captured_queries) == 2, [q["sql"] for q in warm.captured_queries]
    assert cold_queries > 2


def test_the_pages_links_follow_the_record(settings):
    """The pagination and download links are ready parts too: a new milestone that makes a
    second page shows its link at once, and the links keep the filters asked."""
    settings.TIMELINE_PAGE_SIZE = 1
    policy = make_policy(slug="charter", name_en="Charter")
    make_milestone(2011, policy)
    client = Client()
    for _ in range(2):
        page = client.get("/en/timeline/?kind=policy").text
        assert "?kind=policy&amp;page=2" not in page
        assert "export.csv?kind=policy" in page
    make_milestone(2012, policy)
    page = client.get("/en/timeline/?kind=policy").text
    assert "?kind=policy&amp;page=2" in page


def test_a_directorys_remembered_count_follows_the_record(record):
    client = Client()
    for _ in range(2):
        assert '<p class="result-count">1 entry' in client.get("/en/policies/").text
    make_policy(slug="plan", name_en="Plan")
    assert '<p class="result-count">2 entries' in client.get("/en/policies/").text
    assert '<p class="result-count">1 entry' in client.get("/en/policies/?q=plan").text
