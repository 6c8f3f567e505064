"""Roles: editors prepare drafts, publishers decide what the public sees -- on every admin path."""

import importlib
import itertools
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connection

from timeline.models import (
    Citation,
    Initiative,
    Institution,
    Milestone,
    Outlet,
    Policy,
    Source,
    Year,
)
from timeline.permissions import EDITOR_GROUP, PUBLISHER_GROUP, can_publish

from .admin_helpers import (
    MAIN_FIELD,
    MODELS,
    admin_url,
    changelist_data,
    form_data,
    make,
    messages_of,
    roles_as_migrated,
    staff_member,
)
from .factories import cite, make_initiative, make_milestone, make_source, make_year

pytestmark = pytest.mark.django_db

SOURCE_MODELS = [Outlet, Source, Citation]  # no publish flag: public when cited
ALL_MODELS = [*MODELS, *SOURCE_MODELS]
_new = itertools.count(1)


def is_published(obj):
    return type(obj).objects.get(pk=obj.pk).is_published


TYPE_FIELD = {
    Initiative: "initiative_type",
    Policy: "policy_type",
    Institution: "institution_type",
}


def new_record_data(client, model):
    """A filled-in add form for ``model``, as ``client`` would post it."""
    n = next(_new)
    data = form_data(client.get(admin_url(model, "add")))
    data[f"{MAIN_FIELD[model]}_ko"] = f"새 기록 {n}"
    if model is Year:
        return data | {"year": 2100 - n}
    data["slug"] = f"new-{n}"
    if model is Milestone:
        return data | {"year": make_year(2015).year, "initiative": make_initiative().pk}
    if model in TYPE_FIELD:
        data[TYPE_FIELD[model]] = model.Type.values[0]
    return data


# --- The groups -----------------------------------------------------------------


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_editors_add_change_and_view_but_never_delete_or_publish(model):
    editor, publisher = staff_member(EDITOR_GROUP), staff_member(PUBLISHER_GROUP)
    name = model._meta.model_name
    for action in ("add", "change", "view"):
        assert editor.has_perm(f"timeline.{action}_{name}")
        assert publisher.has_perm(f"timeline.{action}_{name}")
    assert not editor.has_perm(f"timeline.delete_{name}")
    assert publisher.has_perm(f"timeline.delete_{name}")
    if model not in SOURCE_MODELS:
        assert not can_publish(editor, model)
        assert can_publish(publisher, model)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_only_publishers_and_active_superusers_may_publish(model):
    assert can_publish(User.objects.create_superuser("root"), model)
    assert not can_publish(staff_member(), model)
    assert not can_publish(staff_member(PUBLISHER_GROUP, is_active=False), model)


def test_roles_migration_can_run_again_and_be_reversed():
    migration = importlib.import_module("timeline.migrations.0003_roles")
    schema_editor = SimpleNamespace(connection=connection)

    def permissions_of_groups():
        return {
            group.name: set(group.permissions.values_list("codename", flat=True))
            for group in Group.objects.filter(name__in=[EDITOR_GROUP, PUBLISHER_GROUP])
        }

    before = permissions_of_groups()
    assert set(before) == {EDITOR_GROUP, PUBLISHER_GROUP}
    roles_as_migrated()
    assert permissions_of_groups() == before
    migration.remove_roles(apps, schema_editor)
    assert permissions_of_groups() == {}
    roles_as_migrated()
    assert permissions_of_groups() == before


# --- Actions --------------------------------------------------------------------


def offered_actions(client, model):
    form = client.get(admin_url(model, "changelist")).context["action_form"]
    if form is None:  # no action at all
        return set()
    return {name for name, _label in form.fields["action"].choices}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_editors_are_offered_no_publish_unpublish_or_delete_action(as_editor, as_publisher, model):
    make(model)
    wanted = {"publish_selected", "unpublish_selected", "delete_selected"}
    assert not offered_actions(as_editor, model) & wanted
    assert offered_actions(as_publisher, model) >= wanted


@pytest.mark.parametrize("action", ["publish_selected", "unpublish_selected", "delete_selected"])
def test_an_editor_posting_an_action_anyway_changes_nothing(as_editor, action):
    draft = make_milestone(is_published=False)
    public = make_milestone(is_published=True)
    as_editor.post(
        admin_url(Milestone, "changelist"),
        {"action": action, "_selected_action": [draft.pk, public.pk], "post": "yes"},
    )
    assert Milestone.objects.filter(pk=draft.pk, is_published=False).exists()
    assert Milestone.objects.filter(pk=public.pk, is_published=True).exists()


def test_publishers_publish_and_unpublish_with_the_actions(as_publisher):
    draft = make_milestone(is_published=False)
    url = admin_url(Milestone, "changelist")
    as_publisher.post(url, {"action": "publish_selected", "_selected_action": [draft.pk]})
    assert is_published(draft)
    as_publisher.post(url, {"action": "unpublish_selected", "_selected_action": [draft.pk]})
    assert not is_published(draft)


# --- Forms ----------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_what_an_editor_creates_is_a_draft_even_if_the_post_says_published(as_editor, model):
    page = as_editor.get(admin_url(model, "add"))
    assert "is_published" not in page.context["adminform"].form.fields
    data = new_record_data(as_editor, model) | {"is_published": "on"}

    response = as_editor.post(admin_url(model, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    created = model.objects.latest("pk")
    # Themes and years default to published; an editor's must not be.
    assert created.is_published is False


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_what_a_publisher_creates_may_be_published(as_publisher, model):
    data = new_record_data(as_publisher, model) | {"is_published": "on"}
    assert as_publisher.post(admin_url(model, "add"), data).status_code == 302
    assert model.objects.latest("pk").is_published is True


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_an_editor_edits_a_draft_but_a_posted_published_flag_is_ignored(as_editor, model):
    draft = make(model, is_published=False)
    url = admin_url(model, "change", draft.pk)
    main = MAIN_FIELD[model]
    data = form_data(as_editor.get(url)) | {
        f"{main}_en": "Edited by an editor",
        "is_published": "on",
    }

    assert as_editor.post(url, data).status_code == 302

    draft.refresh_from_db()
    assert getattr(draft, f"{main}_en") == "Edited by an editor"
    assert draft.is_published is False


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_published_record_is_view_only_to_an_editor(as_editor, model):
    public = make(model, is_published=True)
    main = MAIN_FIELD[model]
    before = getattr(public, f"{main}_en")
    url = admin_url(model, "change", public.pk)

    page = as_editor.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()

    response = as_editor.post(url, {f"{main}_en": "Changed", "is_published": ""})
    assert response.status_code == 403
    public.refresh_from_db()
    assert (getattr(public, f"{main}_en"), public.is_published) == (before, True)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_publishers_publish_and_unpublish_on_the_form(as_publisher, model):
    record = make(model, is_published=False)
    url = admin_url(model, "change", record.pk)
    data = form_data(as_publisher.get(url))
    as_publisher.post(url, data | {"is_published": "on"})
    assert is_published(record)
    data = form_data(as_publisher.get(url))
    del data["is_published"]
    as_publisher.post(url, data)
    assert not is_published(record)


# --- Deleting -------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_editors_cannot_delete_even_drafts(as_editor, model):
    draft = make(model, is_published=False)
    url = admin_url(model, "delete", draft.pk)
    assert as_editor.get(url).status_code == 403
    assert as_editor.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=draft.pk).exists()


def test_publishers_delete(as_publisher):
    record = make_milestone(is_published=True)
    as_publisher.post(admin_url(Milestone, "delete", record.pk), {"post": "yes"})
    assert not Milestone.objects.filter(pk=record.pk).exists()


# --- Inlines and list-editable rows ---------------------------------------------


@pytest.fixture
def draft_subject_page(as_editor):
    """A draft initiative's page, with a draft milestone (row 0) and a published one (row 1)."""
    subject = make_initiative(is_published=False)
    draft = make_milestone(year=2014, subject=subject, order=1, is_published=False)
    public = make_milestone(year=2014, subject=subject, order=2, is_published=True)
    url = admin_url(Initiative, "change", subject.pk)
    return SimpleNamespace(url=url, data=form_data(as_editor.get(url)), draft=draft, public=public)


def test_an_editor_cannot_publish_a_milestone_from_a_subjects_page(as_editor, draft_subject_page):
    page = draft_subject_page
    make_year(2019)
    data = page.data | {
        "milestones-0-is_published": "on",
        "milestones-0-title_en": "Draft, edited",
        # A new row, posted as published.
        "milestones-TOTAL_FORMS": 3,
        "milestones-2-year": 2019,
        "milestones-2-order": 1,
        "milestones-2-title_ko": "새 이정표",
        "milestones-2-slug": "new-from-inline",
        "milestones-2-is_published": "on",
    }

    assert as_editor.post(page.url, data).status_code == 302

    page.draft.refresh_from_db()
    assert (page.draft.title_en, page.draft.is_published) == ("Draft, edited", False)
    assert Milestone.objects.get(slug="new-from-inline").is_published is False


def test_an_editor_cannot_change_a_published_milestone_from_a_subjects_page(
    as_editor, draft_subject_page
):
    page = draft_subject_page
    before = (page.draft.title_en, page.public.title_en)
    data = page.data | {"milestones-0-title_en": "Draft, edited", "milestones-1-title_en": "No"}

    response = as_editor.post(page.url, data)

    assert response.status_code == 200
    assert "Only a publisher can change a published record" in response.content.decode()
    page.draft.refresh_from_db()
    page.public.refresh_from_db()
    # All or nothing: the draft's change in the same post is not saved either.
    assert (page.draft.title_en, page.public.title_en) == before


def test_an_editor_reorders_drafts_but_not_published_milestones_in_the_list(as_editor):
    draft = make_milestone(year=2014, order=1, is_published=False)
    public = make_milestone(year=2014, order=2, is_published=True)
    url = admin_url(Milestone, "changelist")
    data = changelist_data(as_editor.get(url, {"year__year__exact": 2014}))
    rows = {int(data[f"form-{i}-id"]): i for i in range(2)}

    as_editor.post(url, data | {f"form-{rows[draft.pk]}-order": 7})
    assert Milestone.objects.get(pk=draft.pk).order == 7

    response = as_editor.post(url, data | {f"form-{rows[public.pk]}-order": 9})
    assert "Only a publisher can change a published record" in response.content.decode()
    assert Milestone.objects.get(pk=public.pk).order == 2


# --- Restoring a version and recovering a deleted record --------------------------


def version_urls(client, model, obj):
    """The history page's links to each version of ``obj``, newest first."""
    history = client.get(admin_url(model, "history", obj.pk))
    return [action["url"] for action in history.context["action_list"]]


def test_an_editor_restores_a_drafts_content_but_not_its_published_state(as_editor, as_publisher):
    milestone = make_milestone(is_published=False, title_en="First")
    changelist = admin_url(Milestone, "changelist")
    as_publisher.post(changelist, {"action": "publish_selected", "_selected_action": milestone.pk})
    as_publisher.post(
        changelist, {"action": "unpublish_selected", "_selected_action": milestone.pk}
    )
    url = admin_url(Milestone, "change", milestone.pk)
    as_editor.post(url, form_data(as_editor.get(url)) | {"title_en": "Second"})
    # Newest first: the editor's change, unpublished, published, the state before.
    published_version = version_urls(as_editor, Milestone, milestone)[2]

    page = as_editor.get(published_version)
    assert page.context["adminform"].form.initial["title_en"] == "First"
    response = as_editor.post(published_version, form_data(page))

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title_en, milestone.is_published) == ("First", False)


def test_an_editor_cannot_restore_a_published_record(as_editor, as_publisher):
    milestone = make_milestone(is_published=True, title_en="First")
    url = admin_url(Milestone, "change", milestone.pk)
    as_publisher.post(url, form_data(as_publisher.get(url)) | {"title_en": "Second"})
    first = version_urls(as_editor, Milestone, milestone)[-1]

    response = as_editor.post(first, {"title_en": "First"}, follow=True)

    assert "Only a publisher can restore this version" in " ".join(messages_of(response))
    milestone.refresh_from_db()
    assert (milestone.title_en, milestone.is_published) == ("Second", True)


def test_a_deleted_published_record_recovered_by_an_editor_is_a_draft(as_editor, as_publisher):
    milestone = make_milestone(is_published=True)
    cite(milestone, make_source(title="Gwangju City"))
    as_publisher.post(admin_url(Milestone, "delete", milestone.pk), {"post": "yes"})
    recover_list = as_editor.get(admin_url(Milestone, "recoverlist"))
    (deleted,) = recover_list.context["deleted"]
    url = admin_url(Milestone, "recover", deleted.pk)

    response = as_editor.post(url, form_data(as_editor.get(url)))

    assert response.status_code == 302
    recovered = Milestone.objects.get(pk=milestone.pk)
    assert recovered.is_published is False
    assert [c.source.title for c in recovered.citations.all()] == ["Gwangju City"]
