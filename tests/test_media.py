"""Images and documents: what is refused, what is stored, and what the public sees."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from PIL import Image as PillowImage

from timeline.models import Document, Image, Milestone

from .factories import make_initiative, make_milestone, make_policy
from .media_files import (
    ALT,
    PDF,
    image_bytes,
    jpeg_with_gps,
    make_document,
    make_image,
    png_declaring,
    upload,
)

pytestmark = pytest.mark.django_db


def errors_of(excinfo):
    """The refusal's messages, read in English (they are lazy: read in the active language)."""
    with translation.override("en"):
        return " ".join(
            str(message) for messages in excinfo.value.message_dict.values() for message in messages
        )


# --- Refused -------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["alt_text_ko", "alt_text_en"])
def test_an_image_without_alternative_text_in_either_language_is_refused(missing):
    with pytest.raises(ValidationError) as excinfo, translation.override("en"):
        make_image(**{missing: ""})
    assert missing in excinfo.value.message_dict
    assert "alternative text in Korean and in English" in errors_of(excinfo)


def test_the_database_refuses_an_image_without_alternative_text_too():
    image = make_image()
    with pytest.raises(IntegrityError), transaction.atomic():
        Image.objects.filter(pk=image.pk).update(alt_text_en="")


def test_a_document_without_its_title_in_both_languages_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        make_document(title_en="")
    assert "title_en" in excinfo.value.message_dict


def test_a_png_named_jpg_is_accepted_by_what_it_is():
    image = make_image(content=image_bytes("PNG"), name="photo.jpg")
    assert image.file.name.endswith(".png")
    with default_storage.open(image.file.name) as stored:
        assert PillowImage.open(stored).format == "PNG"


def test_a_text_file_named_png_is_refused():
    with pytest.raises(ValidationError) as excinfo, translation.override("en"):
        make_image(content=b"just some words, not pixels\n" * 10, name="photo.png")
    assert "not a JPEG, PNG, WebP or GIF image" in errors_of(excinfo)


def test_a_decompression_bomb_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as excinfo, translation.override("en"):
        make_image(content=png_declaring(100_000, 100_000), name="bomb.png")
    assert "more pixels than any photograph" in errors_of(excinfo)


def test_an_image_over_the_pixel_limit_is_refused_before_decoding(settings):
    settings.TIMELINE_IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as excinfo, translation.override("en"):
        make_image(content=png_declaring(2000, 1000), name="big.png")
    assert "2000 × 1000 pixels; the largest accepted is 1 megapixels" in errors_of(excinfo)


def test_an_oversize_image_is_refused(settings):
    settings.TIMELINE_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as excinfo, translation.override("en"):
        make_image(content=image_bytes("PNG", size=(400, 400)) + b"\0" * 2000)
    assert "the largest accepted is 1000" in errors_of(excinfo)


def test_a_file_named_pdf_that_is_not_one_is_refused():
    with pytest.raises(ValidationError) as excinfo, translation.override("en"):
        make_document(content=image_bytes("PNG"), name="report.pdf")
    assert "not a PDF" in errors_of(excinfo)


def test_an_oversize_pdf_is_refused(settings):
    settings.TIMELINE_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as excinfo:
        make_document()
    assert "file_en" not in excinfo.value.message_dict  # on the file, the field to fix
    assert "file" in excinfo.value.message_dict


# --- Stored --------------------------------------------------------------------------


def test_gps_and_camera_details_are_stripped_on_save():
    content = jpeg_with_gps()
    assert PillowImage.open(io.BytesIO(content)).getexif().get_ifd(0x8825)  # it had them
    image = make_image(content=content, name="phone.jpg")
    with default_storage.open(image.file.name) as stored:
        saved = PillowImage.open(stored)
        saved.load()
    exif = saved.getexif()
    assert not exif.get_ifd(0x8825)
    assert 0x010F not in exif
    for names in image.renditions.values():
        for name in names.values():
            with default_storage.open(name) as stored:
                assert not PillowImage.open(stored).getexif()


def test_renditions_are_made_at_each_width_in_webp_and_jpeg():
    image = make_image(content=image_bytes("PNG", size=(1600, 900)))
    assert (image.width, image.height) == (1600, 900)
    assert set(image.renditions) == {"webp", "jpg"}
    for key, pillow_format in (("webp", "WEBP"), ("jpg", "JPEG")):
        assert sorted(int(width) for width in image.renditions[key]) == [320, 640, 960, 1280]
        for width, name in image.renditions[key].items():
            with default_storage.open(name) as stored:
                rendition = PillowImage.open(stored)
                assert rendition.format == pillow_format
                assert rendition.size == (int(width), round(900 * int(width) / 1600))


def test_a_small_image_gets_one_rendition_at_its_own_width():
    image = make_image(content=image_bytes("PNG", size=(200, 100)))
    assert list(image.renditions["jpg"]) == ["200"]


def test_stored_names_are_content_hashes():
    first = make_image(content=image_bytes(color=(1, 2, 3)))
    second = make_image(content=image_bytes(color=(1, 2, 3)))
    other = make_image(content=image_bytes(color=(3, 2, 1)))
    assert first.file.name == second.file.name != other.file.name
    assert "photo" not in first.file.name


def test_a_document_keeps_its_size_and_says_format_and_size():
    document = make_document(content=PDF + b"%" * 2_400_000)
    assert document.size == len(PDF) + 2_400_000
    with translation.override("en"):
        assert document.format_and_size == "PDF, 2.3\xa0MB"  # never split over two lines
    assert document.file.name.endswith("/white-paper.pdf")


# --- Public pages --------------------------------------------------------------------


def picture_of(html):
    start = html.index("<picture>")
    return html[start : html.index("</picture>", start)]


@pytest.mark.parametrize(("lang", "alt"), [("ko", ALT["alt_text_ko"]), ("en", ALT["alt_text_en"])])
def test_the_milestone_page_shows_the_picture_with_its_alternative_text(client, lang, alt):
    image = make_image(content=image_bytes(size=(1600, 900)), credit="광주광역시")
    html = client.get(f"/{lang}" + image.milestone.get_absolute_url()[3:]).content.decode()
    picture = picture_of(html)
    assert f'alt="{alt}"' in picture
    assert '<source type="image/webp" srcset="' in picture
    assert " 320w, " in picture and " 1280w" in picture
    assert 'sizes="' in picture
    assert 'width="960" height="540"' in picture  # the fallback's size: no layout shift
    assert "광주광역시" in html


def test_the_milestone_page_links_its_document_with_format_and_size(client):
    document = make_document()
    with translation.override("en"):
        html = client.get(document.milestone.get_absolute_url()).content.decode()
    assert f'href="{document.file.url}" type="application/pdf"' in html
    assert 'White Paper on Human Rights <span class="document__format">(PDF, ' in html


def test_the_timeline_card_has_the_thumbnail(client):
    image = make_image()
    with translation.override("ko"):
        html = client.get(reverse("timeline:timeline")).content.decode()
    card = html[html.index('class="milestone-card__thumbnail"') :]
    assert f'alt="{ALT["alt_text_ko"]}"' in picture_of(card)
    assert image.renditions["jpg"]["320"] in picture_of(card)


def test_a_subject_page_shows_its_own_images_and_documents(client):
    policy = make_policy()
    make_image(record=policy)
    make_document(record=policy)
    with translation.override("ko"):
        html = client.get(policy.get_absolute_url()).content.decode()
    assert ALT["alt_text_ko"] in html
    assert "인권백서" in html


def test_an_unpublished_records_media_never_reach_the_public(client):
    hidden = make_milestone(is_published=False)
    image = make_image(record=hidden)
    document = make_document(record=hidden)
    draft_subject = make_initiative(is_published=False)
    subject_image = make_image(record=draft_subject)
    assert not Image.objects.published().filter(pk__in=[image.pk, subject_image.pk]).exists()
    assert not Document.objects.published().exists()
    pages = [
        reverse("timeline:timeline"),
        reverse("timeline:feed"),
        reverse("timeline:export-json"),
        reverse("timeline:export-csv"),
        "/sitemap.xml",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        for name in (image.file.name, document.file.name, subject_image.file.name):
            assert name.rsplit("/", 1)[-1].split(".")[0] not in body, url
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_the_feed_encloses_the_image(client):
    image = make_image()
    body = client.get(reverse("timeline:feed")).content.decode()
    assert 'rel="enclosure"' in body
    assert image.file.url in body


def test_json_ld_names_the_image(client):
    image = make_image()
    html = client.get(image.milestone.get_absolute_url()).content.decode()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["image"][0]["contentUrl"].endswith(image.file.url)
    assert data["image"][0]["width"] == 700


def test_an_institutions_json_ld_names_its_image(client):
    from .factories import make_institution

    institution = make_institution()
    image = make_image(record=institution)
    html = client.get(institution.get_absolute_url()).content.decode()
    assert f'"contentUrl": "http://testserver{image.file.url}"' in html


def test_the_open_data_carries_image_and_document_urls(client):
    image = make_image()
    document = make_document(record=image.milestone)
    rows = client.get(reverse("timeline:export-json")).json()
    row = next(row for row in rows if row["slug"] == image.milestone.slug)
    assert row["images"][0]["url"].endswith(image.file.url)
    assert row["images"][0]["alt_text_en"] == ALT["alt_text_en"]
    assert row["documents"][0]["url"].endswith(document.file.url)
    csv = client.get(reverse("timeline:export-csv")).content.decode("utf-8-sig")
    assert image.file.url in csv


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("timeline:timeline"),
        lambda: reverse("timeline:feed"),
        lambda: reverse("timeline:export-json"),
        lambda: Milestone.objects.first().get_absolute_url(),
        lambda: Milestone.objects.first().initiative.get_absolute_url(),
    ],
    ids=["timeline", "feed", "open-data", "milestone", "subject"],
)
def test_query_counts_do_not_grow_with_images(client, django_assert_max_num_queries, url):
    subject = make_initiative()
    milestone = make_milestone(subject=subject)
    make_image(record=milestone)
    client.get(url())  # warm anything remembered
    from django.core.cache import cache

    cache.clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url())
    for _ in range(5):
        extra = make_milestone(subject=subject)
        make_image(record=extra)
        make_image(record=extra)
        make_document(record=extra)
    make_image(record=subject)
    cache.clear()
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url())


# --- Admin ---------------------------------------------------------------------------


def image_inline_post(response, **fields):
    """The milestone form as the browser posts it, with one new image in its inline."""
    from .admin_helpers import form_data

    data = form_data(response)
    prefix = "images"
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data |= {f"{prefix}-0-{name}": value for name, value in fields.items()}
    return data


def test_an_editor_uploads_an_image_with_alternative_text_on_a_draft(as_editor):
    from .admin_helpers import admin_url

    milestone = make_milestone(is_published=False)
    url = admin_url(Milestone, "change", milestone.pk)
    page = as_editor.get(url)
    assert page.status_code == 200
    data = image_inline_post(
        page,
        file=upload("event.jpg", jpeg_with_gps(), "image/jpeg"),
        licence="kogl-1",
        order="0",
        **ALT,
    )
    response = as_editor.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    image = milestone.images.get()
    assert image.alt_text_en == ALT["alt_text_en"]
    assert image.renditions["jpg"]
    # The form again: the saved image's preview thumbnail.
    assert image.renditions["jpg"][str(image.width)] in as_editor.get(url).content.decode()


def test_the_admin_refuses_an_image_without_english_alternative_text_and_a_bomb(as_editor):
    from .admin_helpers import admin_url

    milestone = make_milestone(is_published=False)
    url = admin_url(Milestone, "change", milestone.pk)
    data = image_inline_post(
        as_editor.get(url),
        file=upload("bomb.png", png_declaring(100_000, 100_000), "image/png"),
        licence="kogl-1",
        order="0",
        alt_text_ko=ALT["alt_text_ko"],
    )
    response = as_editor.post(url, data)
    assert response.status_code == 200  # the form again, with what to fix; never a 5xx
    assert "more pixels than any photograph" in image_errors(response)
    assert not milestone.images.exists()
    data["images-0-file"] = upload("fine.png", image_bytes(size=(300, 200)), "image/png")
    response = as_editor.post(url, data)
    assert response.status_code == 200
    assert "alternative text in Korean and in English" in image_errors(response)
    assert not milestone.images.exists()


def image_errors(response):
    """The image inline's errors as the English-speaking editor read them."""
    (images,) = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Image
    ]
    with translation.override("en"):
        return str(images.formset.errors)


# --- Backup --------------------------------------------------------------------------


def test_media_archive_round_trip(tmp_path, settings):
    from django.core.management import call_command

    image = make_image()
    archive = tmp_path / "backup-media.tar.gz"
    call_command("media_archive", "create", archive, stdout=io.StringIO())
    settings.MEDIA_ROOT = tmp_path / "restored"
    call_command("media_archive", "restore", archive, stdout=io.StringIO())
    assert (tmp_path / "restored" / image.file.name).is_file()
    for name in image.renditions["webp"].values():
        assert (tmp_path / "restored" / name).is_file()


def test_an_editor_cannot_add_an_image_to_a_published_milestone(as_editor):
    from .admin_helpers import admin_url

    milestone = make_milestone(is_published=True)
    url = admin_url(Milestone, "change", milestone.pk)
    page = as_editor.get(url)
    assert page.status_code == 200
    assert 'name="images-0-file"' not in page.content.decode()
    assert "images-__prefix__-file" not in page.content.decode()
    data = {
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-file": upload("event.png", image_bytes(size=(300, 200)), "image/png"),
        **{f"images-0-{name}": value for name, value in ALT.items()},
    }
    response = as_editor.post(url, data)
    assert response.status_code == 403
    assert not milestone.images.exists()


def test_media_on_another_host_are_allowed_by_the_content_security_policy():
    from hrcity.media import media_origins

    bucket = {"OPTIONS": {"bucket_name": "b", "endpoint_url": "https://s3.example.net/x"}}
    cdn = {"OPTIONS": {"bucket_name": "b", "custom_domain": "media.example.org"}}
    assert media_origins("/media/", {"OPTIONS": {}}) == []
    assert media_origins("/media/", bucket) == ["https://s3.example.net"]
    assert media_origins("/media/", cdn) == ["https://media.example.org"]
    assert media_origins("https://files.example.org/media/", {}) == ["https://files.example.org"]


# --- History -------------------------------------------------------------------------


def test_restoring_a_milestone_brings_back_the_images_it_had():
    import reversion
    from reversion.models import Version

    from timeline.history import restore_record

    milestone = make_milestone()
    image = make_image(record=milestone)
    with reversion.create_revision():
        milestone.save()  # a version of the milestone, following its images
    version = Version.objects.get_for_object(milestone).first()
    image.delete()
    assert not milestone.images.exists()

    restore_record(version)

    restored = milestone.images.get()
    assert restored.alt_text_en == ALT["alt_text_en"]
    with default_storage.open(restored.file.name) as stored:  # the file was never deleted
        assert PillowImage.open(stored).size == (700, 400)


def test_an_animated_gif_keeps_its_frames_and_loses_its_comment():
    frames = [PillowImage.new("RGB", (60, 40), color) for color in ("red", "green", "blue")]
    output = io.BytesIO()
    frames[0].save(
        output,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=200,
        loop=0,
        comment=b"taken at 35.15N 126.85E",
    )
    image = make_image(content=output.getvalue(), name="animation.gif")
    with default_storage.open(image.file.name) as stored:
        content = stored.read()
    saved = PillowImage.open(io.BytesIO(content))
    assert saved.n_frames == 3
    assert b"126.85E" not in content
    assert set(image.renditions["jpg"]) == {"60"}  # the first frame, as a still


def test_a_new_image_retires_the_cached_page(client):
    milestone = make_milestone()
    url = milestone.get_absolute_url()
    assert "<picture>" not in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    make_image(record=milestone)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "<picture>" in response.content.decode()


def test_an_image_belongs_to_exactly_one_record():
    with pytest.raises(ValidationError) as excinfo:
        make_image(record=make_milestone(), initiative=make_initiative())
    assert set(excinfo.value.message_dict) >= {"milestone", "initiative"}
    orphan = Image(file=upload("photo.png", image_bytes(size=(100, 100))), **ALT)
    with pytest.raises(ValidationError) as excinfo:
        orphan.full_clean()
    assert "exactly one record" in errors_of(excinfo)
