"""History: every change is recorded with who and what, any version can be restored, and a
deleted record can be recovered."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from timeline.history import record_revision
from timeline.models import Milestone
from timeline.permissions import PUBLISHER_GROUP

from .admin_helpers import (
    ASSET,
    INLINE_CODE,
    MODELS,
    admin_url,
    client_for,
    form_data,
    make,
    staff_member,
)
from .factories import cite, make_initiative, make_milestone, make_source, make_theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    return staff_member(PUBLISHER_GROUP, first_name="Minji", last_name="Kim")


@pytest.fixture
def as_publisher(publisher):
    return client_for(publisher)


def versions(obj):
    """``obj``'s recorded versions, oldest first."""
    return list(Version.objects.get_for_object(obj).select_related("revision").order_by("pk"))


def restore(client, url):
    """Open a version (or a deleted record's) page and save it, ticking "I understand" where
    the page asks, as a publisher who means it would."""
    return client.post(url, form_data(client.get(url)) | {"confirm_public_changes": "on"})


def change(client, obj, **fields):
    url = admin_url(type(obj), "change", obj.pk)
    response = client.post(url, form_data(client.get(url)) | fields)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_a_form_change_is_recorded_with_who_and_what_and_shown_on_the_history_page(
    as_publisher, publisher
):
    milestone = make_milestone(title_en="Human Rights Charter")
    change(as_publisher, milestone, title_en="Gwangju Human Rights Charter")

    latest = versions(milestone)[-1]
    assert latest.revision.user == publisher
    assert "Title [en]" in latest.revision.get_comment()
    assert latest.field_dict["title_en"] == "Gwangju Human Rights Charter"

    page = as_publisher.get(admin_url(Milestone, "history", milestone.pk)).content.decode()
    assert publisher.username in page
    assert "Title [en]" in page


def test_a_record_older_than_the_history_keeps_its_state_before_the_first_change(as_publisher):
    # Like the Gwangju fixture: loaded without any version.
    milestone = make_milestone(title_en="As loaded")
    assert versions(milestone) == []

    change(as_publisher, milestone, title_en="Edited")

    assert [v.field_dict["title_en"] for v in versions(milestone)] == ["As loaded", "Edited"]


def test_a_version_keeps_both_languages_the_themes_and_the_citations():
    themes = [make_theme(), make_theme()]
    subject = make_initiative(name_ko="인권도시", name_en="Human rights city", themes=themes)
    milestone = make_milestone(subject=subject)
    source = make_source(title="5·18 Foundation")
    cite(milestone, source, supports_ko="설립일", supports_en="Founding date")

    record_revision([subject, milestone], comment="Imported from a file.")

    (subject_version,) = versions(subject)
    assert subject_version.field_dict["name_ko"] == "인권도시"
    assert subject_version.field_dict["name_en"] == "Human rights city"
    assert sorted(subject_version.field_dict["themes"]) == sorted(t.pk for t in themes)
    citations = subject_version.revision.version_set.filter(content_type__model="citation")
    assert [v.field_dict["source_id"] for v in citations] == [source.pk]
    assert [v.field_dict["supports_ko"] for v in citations] == ["설립일"]


def test_record_revision_records_a_batch_as_one_revision_with_user_and_comment(publisher):
    records = [make_milestone() for _ in range(3)]

    record_revision(Milestone.objects.filter(pk__in=[r.pk for r in records]), publisher, "Import")

    revisions = {versions(record)[-1].revision for record in records}
    assert len(revisions) == 1
    (revision,) = revisions
    assert (revision.user, revision.comment) == (publisher, "Import")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_restoring_an_earlier_version_puts_back_its_text_in_both_languages(
    as_publisher, publisher, language
):
    as_publisher.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    milestone = make_milestone(title_ko="첫 제목", title_en="First title")
    change(as_publisher, milestone, title_ko="둘째 제목", title_en="Second title")
    change(as_publisher, milestone, title_ko="셋째 제목", title_en="Third title")
    first = versions(milestone)[1]  # after the baseline: the first change
    url = admin_url(Milestone, "revision", milestone.pk, first.pk)

    response = restore(as_publisher, url)

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title_ko, milestone.title_en) == ("둘째 제목", "Second title")
    # The restore is itself a recorded change, which can be undone in turn.
    restored = versions(milestone)[-1]
    assert restored.field_dict["title_en"] == "Second title"
    assert restored.revision.user == publisher


def test_restoring_a_milestone_puts_back_its_sources(as_publisher):
    milestone = make_milestone()
    cite(milestone, make_source(title="Gwangju City"))
    change(as_publisher, milestone, title_en="With one source")
    cite(milestone, make_source(title="Added later"))
    change(as_publisher, milestone, title_en="With two sources")
    one_source = versions(milestone)[1]
    url = admin_url(Milestone, "revision", milestone.pk, one_source.pk)

    restore(as_publisher, url)

    assert [c.source.title for c in milestone.citations.all()] == ["Gwangju City"]


def test_a_deleted_milestone_is_recovered_with_its_sources(as_publisher):
    milestone = make_milestone(title_en="Deleted by mistake")
    for title in ["Gwangju City", "5·18 Foundation"]:
        cite(milestone, make_source(title=title))
    as_publisher.post(admin_url(Milestone, "delete", milestone.pk), {"post": "yes"})
    assert not Milestone.objects.filter(pk=milestone.pk).exists()

    changelist = as_publisher.get(admin_url(Milestone, "changelist")).content.decode()
    assert admin_url(Milestone, "recoverlist") in changelist
    recover_list = as_publisher.get(admin_url(Milestone, "recoverlist"))
    assert "Deleted by mistake" in recover_list.content.decode()
    (deleted,) = recover_list.context["deleted"]
    response = restore(as_publisher, admin_url(Milestone, "recover", deleted.pk))

    assert response.status_code == 302
    recovered = Milestone.objects.get(pk=milestone.pk)
    assert recovered.title_en == "Deleted by mistake"
    titles = [citation.source.title for citation in recovered.citations.all()]
    assert titles == ["Gwangju City", "5·18 Foundation"]


def test_records_deleted_with_the_bulk_action_can_be_recovered(as_publisher):
    doomed = [make_milestone(), make_milestone()]
    as_publisher.post(
        admin_url(Milestone, "changelist"),
        {"action": "delete_selected", "_selected_action": [m.pk for m in doomed], "post": "yes"},
    )
    assert not Milestone.objects.exists()
    recover_list = as_publisher.get(admin_url(Milestone, "recoverlist"))
    assert {v.object_id for v in recover_list.context["deleted"]} == {str(m.pk) for m in doomed}


def test_publish_actions_record_who_published_each_record(as_publisher, publisher):
    drafts = [make_milestone(is_published=False) for _ in range(2)]
    as_publisher.post(
        admin_url(Milestone, "changelist"),
        {"action": "publish_selected", "_selected_action": [m.pk for m in drafts]},
    )
    for draft in drafts:
        *_, latest = versions(draft)
        assert latest.field_dict["is_published"] is True
        assert (latest.revision.user, latest.revision.comment) == (publisher, "Published.")


def test_publish_action_queries_do_not_grow_with_the_number_of_records(as_publisher):
    def publish(count):
        drafts = [make_milestone(is_published=False) for _ in range(count)]
        for draft in drafts:
            cite(draft)
        record_revision(drafts)  # a history already, as after createinitialrevisions
        with CaptureQueriesContext(connection) as queries:
            as_publisher.post(
                admin_url(Milestone, "changelist"),
                {"action": "publish_selected", "_selected_action": [d.pk for d in drafts]},
            )
        assert Milestone.objects.filter(pk__in=[d.pk for d in drafts], is_published=True)
        return len(queries)

    publish(1)  # warms caches (content types, session)
    assert publish(20) == publish(2)


# --- The pages ----------------------------------------------------------------------


def history_pages(client, model, record):
    change(client, record)
    (version, *_) = versions(record)
    return [
        admin_url(model, "history", record.pk),
        admin_url(model, "revision", record.pk, version.pk),
        admin_url(model, "recoverlist"),
    ]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_history_pages_open_and_need_nothing_a_strict_csp_blocks(as_publisher, model):
    for url in history_pages(as_publisher, model, make(model)):
        response = as_publisher.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        # Admin pages may carry style="" (the admin CSP allows inline styles), never scripts.
        assert not [c for c in INLINE_CODE.findall(page) if "style" not in c], url
        for asset in ASSET.findall(page):
            if asset.startswith(settings.STATIC_URL):
                assert finders.find(asset.removeprefix(settings.STATIC_URL).split("?")[0]), asset


def test_history_needs_a_staff_member_who_may_view_the_records(client):
    milestone = make_milestone()
    nobody = client_for(User.objects.create_user("visitor", is_staff=True))
    assert nobody.get(admin_url(Milestone, "history", milestone.pk)).status_code == 403
    assert nobody.get(admin_url(Milestone, "recoverlist")).status_code == 403
    response = client.get(admin_url(Milestone, "history", milestone.pk))
    assert response.status_code == 302  # to the login page


def test_a_version_is_restored_only_from_its_own_models_pages(as_publisher):
    theme = make_theme(name_en="Before")
    record_revision([theme])
    theme.name_en = "After"
    theme.save()
    (version,) = versions(theme)
    milestone = make_milestone()

    for url in (
        admin_url(Milestone, "recover", version.pk),
        admin_url(Milestone, "revision", milestone.pk, version.pk),
    ):
        assert as_publisher.post(url, {}).status_code == 404
    theme.refresh_from_db()
    assert theme.name_en == "After"
