"""The review workflow as staff live it: an editor submits a draft, a publisher publishes it
(now or at a time) or returns it with a comment; every step in the record's history; an
editor never publishes, not even by a schedule."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from reversion.models import Version

from timeline.models import Milestone, ReviewState
from timeline.permissions import PUBLISHER_GROUP

from .admin_helpers import (
    admin_url,
    changelist_data,
    client_for,
    form_data,
    messages_of,
    staff_member,
)
from .factories import make_milestone

pytestmark = pytest.mark.django_db

LATER = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)


@pytest.fixture
def draft():
    return make_milestone(is_published=False, title_en="Charter adopted")


@pytest.fixture
def publisher():
    return staff_member(PUBLISHER_GROUP, email="publisher@example.org")


def history_comments(obj):
    return [v.revision.comment for v in Version.objects.get_for_object(obj).order_by("pk")]


def submit(client, obj, message="Ready: dates checked against the ordinance."):
    return client.post(admin_url(Milestone, "submit", obj.pk), {"message": message}, follow=True)


def test_an_editor_submits_a_draft_and_publishers_hear_of_it(as_editor, editor, draft, publisher):
    page = as_editor.get(admin_url(Milestone, "change", draft.pk))
    assert admin_url(Milestone, "submit", draft.pk) in page.text
    response = submit(as_editor, draft)
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.IN_REVIEW
    assert draft.submitted_by == editor
    assert not draft.is_published
    assert any("for review" in message for message in messages_of(response))
    assert history_comments(draft) == [
        "Submitted for review. Ready: dates checked against the ordinance."
    ]
    assert [message.to for message in mail.outbox] == [["publisher@example.org"]]
    assert "Charter adopted" in mail.outbox[0].subject


def test_publishers_see_what_waits_on_the_index_and_the_queue(as_editor, draft, publisher):
    submit(as_editor, draft)
    publisher_client = client_for(publisher)
    index = publisher_client.get("/admin/")
    assert "Waiting for review" in index.text
    assert "?review_state__exact=in_review" in index.text
    queue = publisher_client.get("/admin/review/")
    assert "Charter adopted" in queue.text
    assert admin_url(Milestone, "review", draft.pk) in queue.text
    assert "dates checked" in queue.text


def test_the_queue_costs_the_same_for_many_records(as_publisher, django_assert_max_num_queries):
    for _ in range(30):
        make_milestone(is_published=False, review_state=ReviewState.IN_REVIEW)
    with django_assert_max_num_queries(20):
        response = as_publisher.get("/admin/review/")
    assert response.text.count('/review/">') == 30


def test_a_publisher_returns_it_with_a_comment_the_editor_sees(editor_with_email, draft, publisher):
    as_editor = client_for(editor_with_email)
    submit(as_editor, draft)
    client = client_for(publisher)
    review = admin_url(Milestone, "review", draft.pk)
    refused = client.post(review, {"decision": "return", "comment": ""})
    assert refused.status_code == 200 and "what the editor should change" in refused.text
    client.post(review, {"decision": "return", "comment": "Cite the ordinance's number."})
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.RETURNED
    page = as_editor.get(admin_url(Milestone, "change", draft.pk))
    assert "Returned by a publisher with this comment" in page.text
    assert "Cite the ordinance&#x27;s number." in page.text
    assert history_comments(draft)[-1] == "Returned to the editor: Cite the ordinance's number."
    assert mail.outbox[-1].to == ["editor@example.org"]
    assert "Cite the ordinance" in mail.outbox[-1].body


@pytest.fixture
def editor_with_email(editor):
    editor.email = "editor@example.org"
    editor.save()
    return editor


def test_a_publisher_schedules_it(editor_with_email, draft, publisher):
    submit(client_for(editor_with_email), draft)
    response = client_for(publisher).post(
        admin_url(Milestone, "review", draft.pk),
        {"decision": "publish", "publish_at": timezone.localtime(LATER).strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.is_published and draft.publish_at == LATER.replace(second=0)
    assert draft.review_state == ReviewState.DRAFT
    assert draft not in Milestone.objects.published()
    assert draft in Milestone.objects.published(now=LATER)
    assert any("public from" in message for message in messages_of(response))
    assert history_comments(draft)[-1].startswith("Published after review; public from")
    assert mail.outbox[-1].to == ["editor@example.org"]


def test_a_schedule_in_the_morning_says_its_times_with_one_full_stop(editor, draft, publisher):
    """English times end with their own full stop ("9:30 a.m."); a sentence adds no second."""
    submit(client_for(editor), draft)
    response = client_for(publisher).post(
        admin_url(Milestone, "review", draft.pk),
        {
            "decision": "publish",
            "publish_at": "2030-05-17T09:30",
            "withdraw_at": "2030-05-18T10:00",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    comment = history_comments(draft)[-1]
    assert comment == (
        "Published after review; public from May 17, 2030, 9:30 a.m. "
        "Withdrawn at May 18, 2030, 10 a.m."
    )
    assert not [message for message in messages_of(response) if ".." in message]


def test_the_review_refuses_a_withdraw_before_the_publish_time(as_publisher, draft):
    draft.review_state = ReviewState.IN_REVIEW
    draft.save()
    response = as_publisher.post(
        admin_url(Milestone, "review", draft.pk),
        {
            "decision": "publish",
            "publish_at": "2030-05-18T00:00",
            "withdraw_at": "2030-05-17T00:00",
        },
    )
    assert response.status_code == 200
    assert "must come after the publish time" in response.text
    draft.refresh_from_db()
    assert not draft.is_published


def test_an_editor_cannot_review_publish_or_schedule(as_editor, draft):
    submit(as_editor, draft)
    review = admin_url(Milestone, "review", draft.pk)
    assert as_editor.get(review).status_code == 403
    assert as_editor.post(review, {"decision": "publish"}).status_code == 403
    # The change form's times are read-only to an editor: a forged POST sets nothing.
    change = admin_url(Milestone, "change", draft.pk)
    data = form_data(as_editor.get(change))
    data |= {"publish_at": "2030-01-01T00:00", "is_published": "on"}
    as_editor.post(change, data)
    draft.refresh_from_db()
    assert draft.publish_at is None and not draft.is_published


def test_a_publisher_sets_the_times_on_the_change_form(as_publisher, draft):
    change = admin_url(Milestone, "change", draft.pk)
    data = form_data(as_publisher.get(change))
    data |= {"is_published": "on", "publish_at": "2030-05-18T00:00"}
    response = as_publisher.post(change, data, follow=True)
    draft.refresh_from_db()
    assert draft.is_published and draft.publish_at is not None
    assert any("will appear on the public site at" in m for m in messages_of(response))


def test_the_change_form_refuses_a_withdraw_before_publish(as_publisher, draft):
    change = admin_url(Milestone, "change", draft.pk)
    data = form_data(as_publisher.get(change))
    data |= {"publish_at": "2030-05-18T00:00", "withdraw_at": "2030-05-17T00:00"}
    response = as_publisher.post(change, data)
    assert response.status_code == 200
    assert "must come after the publish time" in response.text


def test_a_read_only_record_says_why_and_who_can_change_it(as_editor):
    staff_member(PUBLISHER_GROUP, first_name="Minji", last_name="Kim")
    published = make_milestone()
    page = as_editor.get(admin_url(Milestone, "change", published.pk))
    assert "read-only to you" in page.text
    assert "Minji Kim" in page.text
    assert "<h1>Milestone (read only)</h1>" in page.text
    with translation.override("ko"):
        korean = client_for(page.wsgi_request.user)
        korean.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"
        assert "뷰 " not in korean.get(admin_url(Milestone, "change", published.pk)).text


def test_saving_says_what_changed_and_what_the_public_sees(as_editor, draft):
    change = admin_url(Milestone, "change", draft.pk)
    data = form_data(as_editor.get(change)) | {"title_en": "Charter adopted by the council"}
    response = as_editor.post(change, data, follow=True)
    [message] = messages_of(response)
    assert message.startswith("Saved milestone “")
    assert "changed Title [en]" in message
    assert "It is a draft: the public site does not show it." in message
    assert "successfully" not in message


def test_the_publish_action_takes_records_off_the_queue(as_publisher, draft):
    draft.review_state = ReviewState.IN_REVIEW
    draft.save()
    as_publisher.post(
        admin_url(Milestone, "changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published and draft.review_state == ReviewState.DRAFT


def test_the_slug_says_where_it_comes_from(as_editor):
    page = as_editor.get(admin_url(Milestone, "add"))
    assert "Filled in from the English name or title" in page.text
    assert '"#id_title_en"' in page.context["prepopulated_fields_json"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Saved 2 milestones: changed Order within the year."),
        ("ko", "주요 연혁 2건을 저장했습니다. 바뀐 내용: 연도 내 순서."),
    ],
)
def test_saving_several_rows_of_a_list_says_how_many_and_what_changed(
    as_publisher, language, expected
):
    make_milestone(order=1)
    make_milestone(order=2)
    make_milestone(order=3)  # left as it was: not counted
    as_publisher.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    url = admin_url(Milestone, "changelist")
    data = changelist_data(as_publisher.get(url))
    for key in sorted(key for key in data if key.endswith("-order"))[:2]:
        data[key] = str(int(data[key]) + 10)
    response = as_publisher.post(url, data, follow=True)
    assert messages_of(response) == [expected]
