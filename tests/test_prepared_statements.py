"""On PostgreSQL, the statements a public page repeats are planned once per connection
(issue 15; timeline/prepared.py, hrcity/database.py); every other statement is sent as
Django sends it, and the query log still shows what ran."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from timeline.models import compiled_once as kept_sql
from timeline.prepared import MARK

from .factories import make_milestone, make_policy
from .production import run_production

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)

SHOW_OPTIONS = (
    "import django; django.setup(); from django.conf import settings; "
    "options = settings.DATABASES['default'].get('OPTIONS', {}); "
    "print(options.get('cursor_factory', 'none'), options.get('options', ''))"
)
POSTGRESQL_URL = "postgres://nobody@127.0.0.1:5432/not-connected"


@pytest.fixture(autouse=True)
def rendered_each_time(settings):
    settings.PAGE_CACHE_SECONDS = 0
    kept_sql.forget_all()
    yield
    kept_sql.forget_all()


def prepared_statements() -> list[tuple[str, int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        return cursor.fetchall()


def make_record() -> str:
    """The record's one milestone, published: its page's address."""
    policy = make_policy(slug="charter", name_en="Charter")
    milestone = make_milestone(2011, policy, slug="charter-adopted", title_en="Charter adopted")
    with translation.override("en"):
        return milestone.get_absolute_url()


@on_postgresql
def test_a_pages_repeated_query_is_prepared_once_and_planned_generically():
    make_record()
    client = Client()
    for _ in range(3):
        assert "Charter adopted" in client.get("/en/timeline/").text
    client.get("/en/timeline/?q=charter")  # a search: planned for its words, never prepared
    prepared = prepared_statements()
    assert prepared, "the timeline's query was not prepared"
    for statement, _generic_plans, custom_plans in prepared:
        assert statement.startswith(MARK.strip()), statement
        assert custom_plans == 0
    assert max(generic for _, generic, _ in prepared) >= 3


@on_postgresql
def test_the_query_log_shows_a_prepared_statement_with_its_values():
    address = make_record()
    client = Client()
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(address)
    assert "Charter adopted" in page.text
    logged = [query["sql"] for query in queries.captured_queries]
    assert any(sql.startswith(MARK) and "'charter-adopted'" in sql for sql in logged), logged


@pytest.mark.slow
def test_prepared_statements_can_be_turned_off_for_a_connection_pooler():
    on = run_production("-c", SHOW_OPTIONS, DATABASE_URL=POSTGRESQL_URL)
    assert on.returncode == 0, on.stderr
    assert "PreparingCursor" in on.stdout and "plan_cache_mode=force_generic_plan" in on.stdout

    off = run_production(
        "-c", SHOW_OPTIONS, DATABASE_URL=POSTGRESQL_URL, DJANGO_DB_PREPARED_STATEMENTS="0"
    )
    assert off.returncode == 0, off.stderr
    assert off.stdout.split() == ["none"]
