"""Query budgets at scale: every public page and admin list runs as many queries with the
Gwangju record (41 milestones) as with 10,000 more (generate_demo_data).

The data is built once for the module (about ten seconds), inside a transaction that is
rolled back at the end, so the rest of the suite still starts from an empty database. The
budgets are measured on the Gwangju record first; each test then asks the same page, and the
same view on the synthetic records, at 10,041 milestones and requires exactly that many
queries. tests/test_query_counts.py checks the same at 10 vs 200 records with every
prefetch in use; this module checks that nothing grows with the size of the whole record
(filter choices, counts, neighbours, sidebars).
"""

import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from timeline.models import Initiative, Institution, Milestone, Policy, Theme, Year

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "gwangju.json"
DEMO_MILESTONES = 10_000
# Rendering, not the page cache, is what is measured.
NO_PAGE_CACHE = override_settings(PAGE_CACHE_SECONDS=0)


def busiest(model, **filters):
    """The subject with the most milestones: its page shows the longest history."""
    return (
        model.objects.filter(**filters).with_milestone_counts().order_by("-milestone_count").first()
    )


def public_pages():
    """Each page at the Gwangju size, by name; theme, subject, year and milestone are real."""
    theme = Theme.objects.order_by("order").first().slug
    milestone = Milestone.objects.published().order_by("year", "order").first()
    return {
        "home": "/ko/",
        "timeline": "/en/timeline/",
        "timeline page 2": "/en/timeline/?page=2",
        "timeline by theme": f"/ko/timeline/?theme={theme}",
        "timeline by theme, kind, search": (
            f"/ko/timeline/?theme={theme}&kind=policy&kind=initiative&q=인권"
        ),
        "timeline by years": "/en/timeline/?year_min=2012&year_max=2019",
        "initiatives": "/en/initiatives/",
        "policies search": "/ko/policies/?q=인권",
        "institutions by theme": f"/en/institutions/?theme={theme}",
        "initiative": busiest(Initiative).get_absolute_url(),
        "policy": busiest(Policy).get_absolute_url(),
        "institution": busiest(Institution).get_absolute_url(),
        "year": f"/en/years/{milestone.year_id}/",
        "milestone": milestone.get_absolute_url(),
    }


def demo_pages():
    """The same views on the synthetic records, where each page holds far more rows."""
    demo_milestone = Milestone.objects.filter(slug__startswith="demo-").order_by("pk").first()
    demo = {"slug__startswith": "demo-"}
    return {
        "timeline by theme": "/ko/timeline/?theme=demo-theme-1",
        "timeline by theme, kind, search": (
            "/ko/timeline/?theme=demo-theme-1&kind=policy&kind=initiative&q=인권"
        ),
        "institutions by theme": "/en/institutions/?theme=demo-theme-1",
        "initiative": busiest(Initiative, **demo).get_absolute_url(),
        "policy": busiest(Policy, **demo).get_absolute_url(),
        "institution": busiest(Institution, **demo).get_absolute_url(),
        "year": f"/en/years/{demo_milestone.year_id}/",
        "milestone": demo_milestone.get_absolute_url(),
    }


ADMIN_MODELS = {model.__name__: model for model in (Theme, Year, Initiative, Policy, Institution)}
ADMIN_MODELS["Milestone"] = Milestone


def admin_pages():
    pages = {
        name: reverse(f"admin:timeline_{model._meta.model_name}_changelist")
        for name, model in ADMIN_MODELS.items()
    }
    milestones = pages["Milestone"]
    pages["Milestone search"] = f"{milestones}?q=인권"
    pages["Milestone by kind and theme"] = (
        f"{milestones}?kind=policy&theme={Theme.objects.order_by('order').first().slug}"
    )
    return pages


# A milestone page's links to the earlier and later milestone show a title only: nothing is
# prefetched for them, so their kinds cost no query.
NEIGHBOURS = {"earlier", "later"}


def kinds_shown(response):
    """The kinds of subject among the milestones a page shows.

    A page prefetches the themes of each kind of subject it shows, so its budget is a fixed
    number plus one query per kind shown (at most three), whatever the size of the record.
    Milestones shown as ready cards (``cards``, timeline/public/parts.py) read nothing of
    their subjects once the cards are stored, as ``measure`` makes sure they are.
    """
    kinds = set()
    as_cards = "cards" in response.context
    for name in response.context.keys():  # noqa: SIM118 -- a ContextList iterates contexts
        if name in NEIGHBOURS:
            continue
        value = response.context[name]
        items = getattr(value, "object_list", value)
        if isinstance(items, QuerySet):
            items = items._result_cache or ()  # only what the template evaluated
        elif isinstance(items, Milestone):
            items = (items,)
        if isinstance(items, list | tuple) and not as_cards:
            kinds |= {item.kind for item in items if isinstance(item, Milestone)}
    return len(kinds)


def measure(client, address):
    """(queries, kinds shown) for one request, after a first one warms per-process caches."""
    assert client.get(address).status_code == 200, address
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(queries), kinds_shown(response)


@dataclass
class Budgets:
    # name -> (address, queries, kinds of subject shown) at 41 milestones
    public: dict = field(default_factory=dict)
    admin: dict = field(default_factory=dict)
    demo_public: dict = field(default_factory=dict)  # name -> address on synthetic records
    staff: object = None


@pytest.fixture(scope="module")
def budgets(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), NO_PAGE_CACHE, transaction.atomic():
        call_command("loaddata", str(FIXTURE), verbosity=0)
        assert Milestone.objects.count() == 41
        staff = get_user_model().objects.create_superuser("scale", "scale@example.org", "x")
        visitor, admin = Client(), Client()
        admin.force_login(staff)
        result = Budgets(staff=staff)
        for name, address in public_pages().items():
            result.public[name] = (address, *measure(visitor, address))
        for name, address in admin_pages().items():
            result.admin[name] = (address, measure(admin, address)[0])

        call_command(
            "generate_demo_data", "--milestones", DEMO_MILESTONES, "--force", stdout=io.StringIO()
        )
        assert Milestone.objects.count() == 41 + DEMO_MILESTONES
        result.demo_public = demo_pages()
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def visitor(settings):
    settings.PAGE_CACHE_SECONDS = 0
    return Client()


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "timeline",
        "timeline page 2",
        "timeline by theme",
        "timeline by theme, kind, search",
        "timeline by years",
        "initiatives",
        "policies search",
        "institutions by theme",
        "initiative",
        "policy",
        "institution",
        "year",
        "milestone",
    ],
)
def test_public_page_runs_the_same_queries_at_10000_milestones(budgets, visitor, name):
    address, at_41, kinds_at_41 = budgets.public[name]
    queries, kinds = measure(visitor, address)
    assert queries - kinds == at_41 - kinds_at_41
    if name in ("timeline", "timeline page 2"):
        # The large record is really behind the page, not just beside it.
        assert visitor.get(address).context["paginator"].count > DEMO_MILESTONES


@pytest.mark.parametrize(
    "name",
    [
        "timeline by theme",
        "timeline by theme, kind, search",
        "institutions by theme",
        "initiative",
        "policy",
        "institution",
        "year",
        "milestone",
    ],
)
def test_the_same_view_on_large_synthetic_records_runs_the_same_queries(budgets, visitor, name):
    _gwangju_address, at_41, kinds_at_41 = budgets.public[name]
    queries, kinds = measure(visitor, budgets.demo_public[name])
    assert queries - kinds == at_41 - kinds_at_41


@pytest.mark.parametrize(
    "name",
    [
        "Theme",
        "Year",
        "Initiative",
        "Policy",
        "Institution",
        "Milestone",
        "Milestone search",
        "Milestone by kind and theme",
    ],
)
def test_admin_changelist_runs_the_same_queries_at_10000_milestones(
    budgets, django_assert_num_queries, name
):
    address, at_41 = budgets.admin[name]
    staff = Client()
    staff.force_login(budgets.staff)
    staff.get(address)
    with django_assert_num_queries(at_41):
        response = staff.get(address)
    assert response.status_code == 200
    if name == "Milestone":
        assert response.context["cl"].result_count == 41 + DEMO_MILESTONES


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("words", "found"),
    # 5.18 is searched in all its spellings (5·18, 5‧18 …): still one index lookup each.
    [("민주주의", True), ("Ordinance", True), ("위원회 출범", True), ("5.18", False)],
)
def test_search_is_answered_from_the_trigram_indexes_on_postgresql(budgets, words, found):
    from timeline.public.filters import MilestoneFilterSet

    with connection.cursor() as cursor:
        # What autovacuum does after a large insert: the 10,000 rows just added still sit in
        # each GIN index's pending list, which makes the planner shun the index.
        cursor.execute(
            "SELECT gin_clean_pending_list(indexrelid) FROM pg_index "
            "WHERE indexrelid::regclass::text LIKE '%%_trgm'"
        )
        cursor.execute("ANALYZE")
    search = MilestoneFilterSet({"q": words}).qs
    plan = search.explain()
    assert "milestone_title_ko_trgm" in plan or "milestone_title_en_trgm" in plan, plan
    assert "Seq Scan on timeline_milestone" not in plan, plan
    if found:
        assert search.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan checked is SQLite's")
@pytest.mark.parametrize("model", [Initiative, Policy, Institution])
@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_directory_page_walks_its_order_index(budgets, model, language):
    # SQLite reads no index for a bare boolean column: with ``is_published`` first in the
    # index it sorted every subject for each directory page (4.7 ms at 8,333 institutions).
    page = model.objects.published().order_by(*model.directory_order(language)).only("pk")[:30]
    plan = page.explain()
    assert f"{model._meta.model_name}_{language}_order_idx" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
