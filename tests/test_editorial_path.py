"""The whole editorial path of issue 14, as staff walk it, on the file system and on S3:

an editor adds a photograph and a PDF to a draft milestone in the admin and submits it; a
publisher schedules it for 00:00 on 18 May; the public page, the timeline, the feed, the
sitemap and the open data show it, its image and its document from then, and not before.
"""

import pytest
from django.test import Client
from django.utils import timezone, translation

from timeline.models import Milestone
from timeline.permissions import EDITOR_GROUP, PUBLISHER_GROUP

from .admin_helpers import admin_url, client_for, form_data, staff_member
from .factories import make_milestone
from .media_files import PDF, image_bytes, upload
from .sitemap_helpers import sitemap_entries
from .test_media_s3 import s3, s3_endpoint  # noqa: F401  (fixtures)
from .test_scheduling import MAY_18, START, Clock

pytestmark = pytest.mark.django_db

ALT = {
    "alt_text_ko": "광주 인권헌장 선포식에서 시민들이 헌장을 낭독하는 모습",
    "alt_text_en": "Citizens reading the Gwangju Human Rights Charter aloud at its proclamation",
}


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture(params=["file system", pytest.param("s3", marks=pytest.mark.s3)])
def storage(request):
    """Where uploads go: the default file system, or the S3-compatible bucket (moto)."""
    if request.param == "s3":
        request.getfixturevalue("s3")
    return request.param


def with_attachments(page) -> dict:
    """The milestone's change form as the browser posts it, with a new image and document."""
    data = form_data(page)
    data |= {
        "images-TOTAL_FORMS": "1",
        "images-0-file": upload("proclamation.png", image_bytes(size=(1200, 800)), "image/png"),
        "images-0-licence": "kogl-1",
        "images-0-credit": "광주광역시",
        "images-0-order": "0",
        **{f"images-0-{name}": text for name, text in ALT.items()},
        "documents-TOTAL_FORMS": "1",
        "documents-0-file": upload("charter.pdf", PDF, "application/pdf"),
        "documents-0-title_ko": "광주인권헌장 전문",
        "documents-0-title_en": "Full text of the Gwangju Human Rights Charter",
        "documents-0-licence": "kogl-1",
        "documents-0-order": "0",
    }
    return data


def public_view(visitor: Client, milestone: Milestone) -> dict[str, bool]:
    """Where the public finds the milestone, now."""
    page = visitor.get(milestone.get_absolute_url())
    return {
        "page": page.status_code == 200,
        "timeline": milestone.get_absolute_url() in visitor.get("/ko/timeline/").text,
        "feed": milestone.slug in visitor.get("/ko/feed/").text,
        "sitemap": any(milestone.slug in address for address in sitemap_entries(visitor)),
        "open data": any(
            row["slug"] == milestone.slug for row in visitor.get("/ko/timeline/export.json").json()
        ),
    }


def test_draft_to_scheduled_publication_with_an_image_and_a_pdf(clock, storage):
    milestone = make_milestone(2012, is_published=False, slug="charter-proclaimed")
    editor = client_for(staff_member(EDITOR_GROUP))
    publisher = client_for(staff_member(PUBLISHER_GROUP))
    change = admin_url(Milestone, "change", milestone.pk)

    saved = editor.post(change, with_attachments(editor.get(change)))
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    submitted = editor.post(admin_url(Milestone, "submit", milestone.pk), {"message": "Ready."})
    assert submitted.status_code == 302
    at = timezone.localtime(MAY_18).strftime("%Y-%m-%dT%H:%M")
    reviewed = publisher.post(
        admin_url(Milestone, "review", milestone.pk), {"decision": "publish", "publish_at": at}
    )
    assert reviewed.status_code == 302

    visitor = Client()
    assert not any(public_view(visitor, milestone).values())  # 23:00 on 17 May: nowhere

    clock.now = MAY_18
    assert all(public_view(visitor, milestone).values()), public_view(visitor, milestone)
    image, document = milestone.images.get(), milestone.documents.get()
    for language, alt in (("ko", ALT["alt_text_ko"]), ("en", ALT["alt_text_en"])):
        with translation.override(language):
            html = visitor.get(milestone.get_absolute_url()).text
        assert f'alt="{alt}"' in html
        assert document.file.url in html and "PDF" in html
    assert image.renditions["webp"]
    row = next(
        row
        for row in visitor.get("/ko/timeline/export.json").json()
        if row["slug"] == milestone.slug
    )
    assert row["images"][0]["url"].endswith(image.file.url)
    assert row["documents"][0]["url"].endswith(document.file.url)
    if storage == "s3":
        assert image.file.url.startswith("http")  # served from the bucket, not this server
    assert image.file.url in visitor.get("/ko/feed/").text
