"""Previews: a draft's public page, for signed-in staff only, never cached nor indexed, by a
signed link that expires."""

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.test import Client
from django.utils import translation

from timeline.models import Milestone
from timeline.previews import preview_url

from .admin_helpers import client_for, staff_member
from .factories import make_initiative, make_milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_milestone(is_published=False, title_ko="초안 이정표", title_en="Draft milestone")


def test_staff_see_the_draft_as_the_public_page_in_both_languages(as_editor, draft):
    assert Client().get(draft.get_absolute_url()).status_code == 404
    korean = as_editor.get(preview_url(draft, "ko"))
    english = as_editor.get(preview_url(draft, "en"))
    assert korean.status_code == english.status_code == 200
    # The public view's own template, in each language.
    assert "timeline/milestone_detail.html" in [t.name for t in korean.templates]
    assert "초안 이정표" in korean.text and '<html lang="ko"' in korean.text
    assert "Draft milestone" in english.text and '<html lang="en"' in english.text
    assert "Preview for staff" in english.text


def test_preview_is_never_cached_nor_indexed(as_editor, draft):
    response = as_editor.get(preview_url(draft, "en"))
    control = response["Cache-Control"]
    assert "private" in control and "no-store" in control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text


def test_the_link_alone_is_not_enough(draft):
    url = preview_url(draft, "en")
    response = Client().get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # Signed in, but not staff.
    citizen = User.objects.create_user("citizen", password="x")
    visitor = Client()
    visitor.force_login(citizen)
    assert visitor.get(url).status_code == 302
    assert "Draft milestone" not in visitor.get(url, follow=True).text


def test_staff_without_view_permission_are_refused(draft):
    assert client_for(staff_member()).get(preview_url(draft, "en")).status_code == 403


def test_an_expired_link_is_refused(as_editor, draft, settings):
    url = preview_url(draft, "en")
    settings.PREVIEW_LINK_MAX_AGE = -1
    with translation.override("en"):
        response = as_editor.get(url)
    assert response.status_code == 410
    assert "expired" in response.text
    assert "Draft milestone" not in response.text
    assert "no-store" in response["Cache-Control"]


def test_a_forged_or_altered_link_is_refused(as_editor, draft):
    other = make_milestone(is_published=False)
    good = preview_url(draft, "en")
    token = good.rstrip("/").rsplit("/", 1)[1]
    forged = signing.TimestampSigner(salt="other").sign_object(["milestone", other.pk])
    assert as_editor.get(good.replace(token, forged)).status_code == 404
    assert as_editor.get(good.replace(token, token[:-2] + "xx")).status_code == 404


def test_subjects_and_years_preview_with_their_milestones(as_editor):
    subject = make_initiative(is_published=False, name_en="Draft forum")
    make_milestone(subject=subject, title_en="Forum held")
    make_milestone(subject=subject, title_en="Forum still a draft", is_published=False)
    page = as_editor.get(preview_url(subject, "en")).text
    # As the page will be once the forum is published: its published milestones, no drafts.
    assert "Draft forum" in page and "Forum held" in page
    assert "Forum still a draft" not in page
    year = make_milestone(year=1999, title_en="In a draft year").year
    year.is_published = False
    year.save()
    assert "In a draft year" in as_editor.get(preview_url(year, "en")).text
    assert Milestone.objects.published().filter(year=year).count() == 0


@pytest.mark.parametrize(
    ("lang", "words"), [("en", ("Preview links", "Review")), ("ko", ("미리보기 링크", "검토"))]
)
def test_the_privacy_policy_covers_previews_and_review_comments(client, lang, words):
    text = client.get(f"/{lang}/privacy/").text
    assert all(word in text for word in words)


@pytest.mark.parametrize(("lang", "promise"), [("en", "after 3 days"), ("ko", "3일이 지나면")])
def test_the_privacy_policy_states_the_preview_links_configured_life(
    client, settings, lang, promise
):
    settings.PREVIEW_LINK_MAX_AGE = 3 * 24 * 60 * 60  # DJANGO_PREVIEW_LINK_DAYS=3
    settings.PAGE_CACHE_SECONDS = 0
    assert promise in client.get(f"/{lang}/privacy/").text
