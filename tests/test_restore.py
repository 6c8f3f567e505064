"""Restore and recover put back one record (with its own citations), never the other records
its history entry groups -- a bulk publish, an import, a first-change snapshot -- and ask
before changing what the public sees. A refused action records nothing (issue 13, finding 1).
"""

import datetime
import zoneinfo

import pytest
from reversion.models import Revision, Version

from timeline.models import Milestone

from .admin_helpers import admin_url, form_data
from .factories import cite, make_milestone, make_source

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm_public_changes": "on"}


def act(client, action, *milestones, **extra):
    return client.post(
        admin_url(Milestone, "changelist"),
        {"action": action, "_selected_action": [m.pk for m in milestones], **extra},
    )


def change_title(client, milestone, title_en):
    url = admin_url(Milestone, "change", milestone.pk)
    response = client.post(url, form_data(client.get(url)) | {"title_en": title_en})
    assert response.status_code == 302


def version_by_comment(milestone, comment):
    """The version of ``milestone`` its history lists under ``comment`` (newest such)."""
    versions = Version.objects.get_for_object(milestone).filter(revision__comment=comment)
    return versions.order_by("-pk").first()


def state(milestone):
    milestone.refresh_from_db()
    return milestone.is_published, milestone.title_en


def test_restoring_one_record_of_a_bulk_publish_leaves_the_others_as_they_are(as_publisher):
    # The reproduction: 5, 6 and 7 unpublished and published again together, then
    # 6 unpublished alone and 7 retitled.
    five, six, seven = (make_milestone(title_en=f"Milestone {n}") for n in (5, 6, 7))
    act(as_publisher, "unpublish_selected", five, six, seven)
    act(as_publisher, "publish_selected", five, six, seven)
    act(as_publisher, "unpublish_selected", six)
    change_title(as_publisher, seven, "Milestone 7, retitled")

    history = as_publisher.get(admin_url(Milestone, "history", five.pk))
    published = version_by_comment(five, "Published.")
    url = admin_url(Milestone, "revision", five.pk, published.pk)
    assert url in [action["url"] for action in history.context["action_list"]]
    response = as_publisher.post(url, form_data(as_publisher.get(url)))

    assert response.status_code == 302
    assert state(five) == (True, "Milestone 5")
    assert state(six) == (False, "Milestone 6")
    assert state(seven) == (True, "Milestone 7, retitled")
    # The restore is recorded for 5 alone.
    latest = Version.objects.get_for_object(five).order_by("-pk").first()
    assert [v.object_id for v in latest.revision.version_set.all()] == [str(five.pk)]


def test_recovering_one_deleted_record_republishes_no_other(as_publisher):
    kept, deleted = make_milestone(is_published=False), make_milestone(is_published=False)
    act(as_publisher, "publish_selected", kept, deleted)  # one revision: both published
    act(as_publisher, "unpublish_selected", kept)
    as_publisher.post(admin_url(Milestone, "delete", deleted.pk), {"post": "yes"})

    (last,) = as_publisher.get(admin_url(Milestone, "recoverlist")).context["deleted"]
    url = admin_url(Milestone, "recover", last.pk)
    response = as_publisher.post(url, form_data(as_publisher.get(url)) | CONFIRM)

    assert response.status_code == 302
    assert Milestone.objects.get(pk=deleted.pk).is_published is True
    assert state(kept)[0] is False


@pytest.mark.parametrize("action", ["publish_selected", "unpublish_selected", "delete_selected"])
@pytest.mark.parametrize("across", [False, True], ids=["selected", "select-across"])
def test_an_editors_refused_bulk_action_records_nothing(as_editor, action, across):
    records = [make_milestone(is_published=False), make_milestone(is_published=True)]
    extra = {"post": "yes"} | ({"select_across": "1"} if across else {})

    act(as_editor, action, *records, **extra)

    assert not Version.objects.exists()
    assert not Revision.objects.exists()
    assert [state(m)[0] for m in records] == [False, True]


def test_an_editors_refused_change_or_delete_of_a_published_record_records_nothing(as_editor):
    public = make_milestone(is_published=True, title_en="Public")
    url = admin_url(Milestone, "change", public.pk)

    assert as_editor.post(url, {"title_en": "Edited"}).status_code == 403
    assert (
        as_editor.post(admin_url(Milestone, "delete", public.pk), {"post": "yes"}).status_code
        == 403
    )

    assert not Version.objects.exists()
    assert state(public) == (True, "Public")


def test_a_delete_not_yet_confirmed_records_nothing(as_publisher):
    milestone = make_milestone()
    act(as_publisher, "delete_selected", milestone)  # the "Are you sure?" page
    assert not Version.objects.exists()
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_restoring_a_public_title_says_what_changes_and_waits_for_the_tick(as_publisher):
    milestone = make_milestone(title_en="Old public title")
    change_title(as_publisher, milestone, "New public title")
    first = version_by_comment(milestone, "As it was before its first recorded change.")
    url = admin_url(Milestone, "revision", milestone.pk, first.pk)
    recorded = Version.objects.count()

    page = as_publisher.get(url).content.decode()
    assert (
        "This will replace the public title [en] “New public title” with “Old public title”."
        in page
    )
    assert "I understand" in page

    untouched = as_publisher.post(url, form_data(as_publisher.get(url)))
    assert untouched.status_code == 200
    assert "tick the box to confirm" in untouched.content.decode()
    assert state(milestone) == (True, "New public title")
    assert Version.objects.count() == recorded

    confirmed = as_publisher.post(url, form_data(as_publisher.get(url)) | CONFIRM)
    assert confirmed.status_code == 302
    assert state(milestone) == (True, "Old public title")


def test_the_warning_speaks_korean_to_korean_staff(as_publisher):
    milestone = make_milestone(is_published=True)
    act(as_publisher, "unpublish_selected", milestone)  # its baseline: published
    first = version_by_comment(milestone, "As it was before its first recorded change.")
    as_publisher.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"

    page = as_publisher.get(admin_url(Milestone, "revision", milestone.pk, first.pk))

    text = page.content.decode()
    assert "공개 사이트에 다시 보입니다" in text
    assert "This will" not in text


def test_restoring_an_unpublished_version_of_a_public_record_warns_it_will_be_hidden(as_publisher):
    milestone = make_milestone(is_published=False)
    act(as_publisher, "publish_selected", milestone)
    draft = version_by_comment(milestone, "As it was before its first recorded change.")
    url = admin_url(Milestone, "revision", milestone.pk, draft.pk)

    page = as_publisher.get(url).content.decode()
    assert "This will unpublish the milestone: the public site will no longer show it." in page
    assert as_publisher.post(url, form_data(as_publisher.get(url))).status_code == 200
    assert state(milestone)[0] is True

    as_publisher.post(url, form_data(as_publisher.get(url)) | CONFIRM)
    assert state(milestone)[0] is False


def test_a_restore_that_changes_nothing_public_asks_nothing(as_publisher):
    milestone = make_milestone(is_published=False, title_en="Draft")
    change_title(as_publisher, milestone, "Draft, retitled")
    first = version_by_comment(milestone, "As it was before its first recorded change.")
    url = admin_url(Milestone, "revision", milestone.pk, first.pk)

    page = as_publisher.get(url)
    assert "I understand" not in page.content.decode()
    assert as_publisher.post(url, form_data(page)).status_code == 302
    assert state(milestone) == (False, "Draft")


def test_a_restored_milestone_gets_its_own_citations_back_as_they_were(as_publisher):
    restored, other = make_milestone(is_published=False), make_milestone(is_published=False)
    gwangju, foundation = make_source(title="Gwangju City"), make_source(title="5·18 Foundation")
    kept = cite(restored, gwangju, supports_en="Founding date")
    cite(restored, foundation, supports_en="A figure")
    others = cite(other, make_source(title="Other's source"), supports_en="As cited")
    act(as_publisher, "publish_selected", restored, other)  # one revision, with the citations
    # Since then: one citation reworded, one dropped, one added; the other's reworded too.
    kept.supports_en = "Reworded"
    kept.save()
    restored.citations.filter(source=foundation).delete()
    cite(restored, make_source(title="Added later"))
    others.supports_en = "Reworded too"
    others.save()

    published = version_by_comment(restored, "Published.")
    url = admin_url(Milestone, "revision", restored.pk, published.pk)
    response = as_publisher.post(url, form_data(as_publisher.get(url)))

    assert response.status_code == 302
    citations = [(c.source.title, c.supports_en) for c in restored.citations.all()]
    assert citations == [("Gwangju City", "Founding date"), ("5·18 Foundation", "A figure")]
    assert [c.supports_en for c in other.citations.all()] == ["Reworded too"]


def test_a_restore_says_which_version_it_put_back(as_publisher):
    milestone = make_milestone(is_published=False, title_en="Draft")
    change_title(as_publisher, milestone, "Draft, retitled")
    first = version_by_comment(milestone, "As it was before its first recorded change.")
    url = admin_url(Milestone, "revision", milestone.pk, first.pk)
    response = as_publisher.post(url, form_data(as_publisher.get(url)), follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Restored milestone “2012 · ")
    assert "to its version saved on" in message
    assert "It is a draft: the public site does not show it." in message


@pytest.mark.parametrize(
    ("language", "saved_on"),
    [
        ("en", "Jan. 5, 2025, 3:07 a.m. It is a draft"),
        ("ko", "2025년 1월 5일 3:07 오전에 저장된 버전으로 되돌렸습니다. "),
    ],
)
def test_a_restore_saved_at_night_ends_its_sentence_with_one_full_stop(
    as_publisher, language, saved_on
):
    milestone = make_milestone(is_published=False, title_en="Draft")
    change_title(as_publisher, milestone, "Draft, retitled")
    first = version_by_comment(milestone, "As it was before its first recorded change.")
    night = datetime.datetime(2025, 1, 5, 3, 7, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))
    Revision.objects.filter(pk=first.revision_id).update(date_created=night)
    as_publisher.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    url = admin_url(Milestone, "revision", milestone.pk, first.pk)

    response = as_publisher.post(url, form_data(as_publisher.get(url)), follow=True)

    [message] = [str(m) for m in response.context["messages"]]
    assert saved_on in message
    assert ".." not in message
