"""Migration 0005 turns each bare source label into a cited source, shared where it repeats."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Migrating back and forth needs real transactions; serialized_rollback puts back what
# migrations created (the roles), for later tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = ("timeline", "0007_subject_sort_keys")
AFTER = ("timeline", "0008_sources_and_citations")


def migrate(target: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.mark.slow  # migrates the database back and forth: about 12 s
def test_labels_become_sources_cited_by_their_milestones():
    old = migrate(BEFORE)
    try:
        year = old.get_model("timeline", "Year").objects.create(year=2012)
        initiative = old.get_model("timeline", "Initiative").objects.create(
            slug="forum", name_en="Forum", initiative_type="forum"
        )
        Milestone = old.get_model("timeline", "Milestone")
        first, second = (
            Milestone.objects.create(year=year, slug=slug, title_en=slug, initiative=initiative)
            for slug in ("first", "second")
        )
        labels = old.get_model("timeline", "MilestoneSource").objects
        labels.create(milestone=first, label="whrcf history page", order=1)
        labels.create(milestone=first, label="City page", url="https://gwangju.go.kr/a", order=2)
        labels.create(milestone=second, label="whrcf history page", order=1)
        labels.create(milestone=second, label="Same page", url="https://gwangju.go.kr/a", order=2)

        new = migrate(AFTER)
        Source = new.get_model("timeline", "Source")
        assert Source.objects.count() == 2  # one per URL, one per URL-less label
        page = Source.objects.get(url="https://gwangju.go.kr/a")
        assert (page.title, page.title_is_label, page.outlet.slug) == ("City page", True, "unknown")
        Citation = new.get_model("timeline", "Citation")
        cited = Citation.objects.order_by("milestone__slug", "order")
        assert [(c.milestone.slug, c.source.title, c.order) for c in cited] == [
            ("first", "whrcf history page", 1),
            ("first", "City page", 2),
            ("second", "whrcf history page", 1),
            ("second", "City page", 2),
        ]
        ContentType = new.get_model("contenttypes", "ContentType")
        assert not ContentType.objects.filter(model="milestonesource").exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
