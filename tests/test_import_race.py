"""An editor's import never changes a record a publisher publishes while it runs (issue 13.2).

The role check reads the records before the write transaction; the write locks them and
checks them again, so a record published in between refuses the whole import.
"""

import csv
import io
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import translation

from timeline.models import Milestone
from timeline.permissions import EDITOR_GROUP
from timeline.transfer import resources, roles
from timeline.transfer.writing import WriteSteps

from .admin_helpers import staff_member
from .factories import make_initiative, make_milestone, make_year

NEW_DRAFTS = 20


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def to_csv(headers: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def editors_file(draft: Milestone) -> bytes:
    """New drafts plus a new title for ``draft``, as in the attack run."""
    initiative = draft.initiative
    assert initiative is not None
    rows = [[draft.slug, "2012", "Editor's title", initiative.slug]]
    rows += [
        [f"new-draft-{n}", "2012", f"New draft {n}", initiative.slug] for n in range(NEW_DRAFTS)
    ]
    return to_csv(["slug", "year", "title_en", "initiative"], rows)


def a_draft() -> Milestone:
    make_year(2012)
    return make_milestone(2012, subject=make_initiative(), is_published=False, title_en="Draft")


def publish_after_the_role_check(monkeypatch: pytest.MonkeyPatch, publish) -> None:
    """Run ``publish`` after the role check has passed and before the write begins."""
    check = roles.refuse_what_needs_a_publisher

    def check_then_publish(importer: WriteSteps) -> None:
        check(importer)
        publish()

    monkeypatch.setattr(roles, "refuse_what_needs_a_publisher", check_then_publish)


def assert_refused_and_nothing_written(report, draft: Milestone) -> None:
    assert not report.ok and not report.committed
    assert any(
        f"“{draft.slug}” was published while this file was being imported" in problem.message
        for problem in report.problems
    ), [str(problem) for problem in report.problems]
    draft.refresh_from_db()
    assert draft.title_en == "Draft"  # the publisher's record keeps its title
    assert not Milestone.objects.filter(slug__startswith="new-draft-").exists()  # all or nothing


@pytest.mark.django_db
def test_a_record_published_between_the_check_and_the_write_refuses_the_import(monkeypatch):
    # One connection stands in for the publisher here; the PostgreSQL test below uses two.
    draft = a_draft()
    editor = staff_member(EDITOR_GROUP)
    publish_after_the_role_check(
        monkeypatch, lambda: Milestone.objects.filter(pk=draft.pk).update(is_published=True)
    )
    report = resources.import_file("milestones", editors_file(draft), user=editor)
    assert_refused_and_nothing_written(report, draft)
    assert Milestone.objects.get(pk=draft.pk).is_published


@pytest.mark.django_db
def test_the_operator_and_publishers_still_change_a_record_published_meanwhile(monkeypatch):
    draft = a_draft()
    publish_after_the_role_check(
        monkeypatch, lambda: Milestone.objects.filter(pk=draft.pk).update(is_published=True)
    )
    report = resources.import_file("milestones", editors_file(draft), user=None)
    assert report.committed, [str(problem) for problem in report.problems]
    draft.refresh_from_db()
    assert draft.title_en == "Editor's title"


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: SQLite ignores SELECT ... FOR UPDATE and lets one "
    "writer at a time (the SQLite test above covers the re-check)",
)


def in_other_connection(work) -> BaseException | None:
    """Run ``work`` in a thread, so on a connection of its own; what it raised, if anything."""
    outcome: list[BaseException | None] = [None]

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed back to the test
            outcome[0] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome[0]


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publisher_on_another_connection_publishing_mid_import_refuses_it(monkeypatch):
    draft = a_draft()
    editor = staff_member(EDITOR_GROUP)

    def publish() -> None:
        with transaction.atomic():
            Milestone.objects.filter(pk=draft.pk).update(is_published=True)

    publish_after_the_role_check(monkeypatch, lambda: in_other_connection(publish))
    report = resources.import_file("milestones", editors_file(draft), user=editor)
    assert_refused_and_nothing_written(report, draft)
    assert Milestone.objects.get(pk=draft.pk).is_published


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_import_holds_its_rows_so_a_publisher_cannot_publish_during_the_write(monkeypatch):
    draft = a_draft()
    editor = staff_member(EDITOR_GROUP)
    hold = WriteSteps.hold_rows_being_changed
    attempts: list[BaseException | None] = []

    def lock_from_another_connection() -> None:
        with transaction.atomic():
            # What a publisher's save needs first: the row. NOWAIT: fail at once if held.
            list(Milestone.objects.select_for_update(nowait=True).filter(pk=draft.pk))
            Milestone.objects.filter(pk=draft.pk).update(is_published=True)

    def hold_then_try_to_publish(importer: WriteSteps, outcomes) -> bool:
        held = hold(importer, outcomes)
        attempts.append(in_other_connection(lock_from_another_connection))
        return held

    monkeypatch.setattr(WriteSteps, "hold_rows_being_changed", hold_then_try_to_publish)
    report = resources.import_file("milestones", editors_file(draft), user=editor)
    assert report.committed, [str(problem) for problem in report.problems]
    assert len(attempts) == 1 and isinstance(attempts[0], DatabaseError)
    draft.refresh_from_db()
    # The publisher's attempt came while the import held the row: it changed nothing.
    assert draft.title_en == "Editor's title" and not draft.is_published
    assert Milestone.objects.filter(slug__startswith="new-draft-").count() == NEW_DRAFTS
