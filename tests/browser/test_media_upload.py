"""An editor uploads a photograph with its alternative text in the admin; once the
milestone is published, its public page shows the picture with that text in Korean and in
English, loaded from the media storage, and axe finds nothing on the pages that show it."""

import pytest

from tests.admin_helpers import staff_member
from tests.media_files import image_bytes
from timeline.models import Image, Initiative, Milestone, Year
from timeline.permissions import EDITOR_GROUP

from .conftest import csp_violations
from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "editor-password-for-media-1"
ALT_KO = "광주 인권헌장 선포식에서 시민들이 헌장을 낭독하는 모습"
ALT_EN = "Citizens reading the Gwangju Human Rights Charter aloud at its proclamation"


def draft_milestone():
    return Milestone.objects.create(
        year=Year.objects.get(year=2012),
        slug="charter-reading-photograph",
        title_ko="인권헌장 낭독",
        title_en="Reading of the Human Rights Charter",
        initiative=Initiative.objects.published().first(),
        order=99,
        is_published=False,
    )


def sign_in(page, site, username):
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_an_editor_uploads_an_image_and_the_public_page_shows_it(site, page_factory, tmp_path):
    editor = staff_member(EDITOR_GROUP)
    editor.set_password(PASSWORD)
    editor.save()
    milestone = draft_milestone()
    photo = tmp_path / "charter.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(1200, 800), color=(30, 90, 150)))

    page = page_factory(extra_http_headers={"Accept-Language": "en"})
    sign_in(page, site, editor.username)
    page.goto(f"{site}/admin/timeline/milestone/{milestone.pk}/change/")
    group = page.locator("#images-group")
    group.locator(".add-row a").click()
    page.set_input_files("#id_images-0-file", str(photo))
    page.fill("#id_images-0-alt_text_ko", ALT_KO)
    # The English field sits under its language tab.
    group.locator(".ui-tabs-nav a", has_text="English").first.click()
    page.fill("#id_images-0-alt_text_en", ALT_EN)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert page.locator(".messagelist .success").count() == 1, page.locator(
        ".errorlist, .errornote"
    ).all_inner_texts()
    # The saved image's preview in its inline row, and nothing in that row axe objects to,
    # its language tabs included.
    assert page.locator("#images-group picture img").first.is_visible()
    assert axe_violations_in(page, "#images-group") == []

    image = milestone.images.get()
    assert (image.width, image.height) == (1200, 800)
    # The subject's own photograph too (the same file, as staff may reuse one).
    Image.objects.create(
        initiative=milestone.initiative,
        file=image.file.name,
        renditions=image.renditions,
        width=image.width,
        height=image.height,
        alt_text_ko=ALT_KO,
        alt_text_en=ALT_EN,
    )
    milestone.is_published = True  # a publisher's step (tests/test_roles.py covers who)
    milestone.save()

    for lang, alt, viewport in (("ko", ALT_KO, "phone"), ("en", ALT_EN, "desktop")):
        public = page_factory(viewport)
        response = public.goto(f"{site}/{lang}/timeline/2012/{milestone.slug}/")
        assert response.status == 200
        img = public.locator("figure picture img")
        assert img.get_attribute("alt") == alt
        # Loaded from the storage, in a modern format, at its laid-out size.
        assert img.evaluate("el => el.complete && el.naturalWidth") > 0
        assert img.evaluate("el => el.currentSrc").endswith(".webp")
        assert axe_violations(public) == []
        assert csp_violations(public) == []
        # The other pages that show it: the timeline's card; the subject's page, its own
        # figure and the milestone's card.
        subject_page = milestone.initiative.get_absolute_url()[4:]
        for address, shown in (("timeline/?year=2012", 1), (subject_page, 2)):
            public.goto(f"{site}/{lang}/{address}")
            assert public.locator(f'picture img[alt="{alt}"]').count() == shown
            assert axe_violations(public) == []


def axe_violations_in(page, selector, skip=()):
    from axe_playwright_python.sync_playwright import Axe

    from .test_accessibility import AXE_TAGS

    results = Axe().run(
        page,
        context={"include": [[selector]]},
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "rules": {rule: {"enabled": False} for rule in skip},
        },
    )
    return [
        f"{violation['id']}: {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]
