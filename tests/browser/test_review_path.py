"""The whole path in Chromium, as staff walk it: an editor gives a draft a photograph and a
PDF, previews it and submits it for review; a publisher finds it waiting, and schedules it;
the public page shows it, with the photograph and the PDF, at the set time and not before.
And a failed save leaves the language tabs where the editor was."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation

from tests.media_files import PDF, image_bytes
from timeline.models import Milestone
from timeline.permissions import EDITOR_GROUP, PUBLISHER_GROUP

from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "review-path-password-1"


def staff(username, role):
    """A member of ``role`` as every migration left it (the ``site`` fixture puts the roles
    back): the rights on images and documents came after the roles themselves."""
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def sign_in(page_factory, site, username, lang="ko"):
    locale = {"ko": "ko-KR", "en": "en-GB"}[lang]
    page = page_factory("admin", locale=locale, extra_http_headers={"Accept-Language": lang})
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page


ALT = {
    "ko": "광주 인권헌장 선포식에서 시민들이 헌장을 낭독하는 모습",
    "en": "Citizens reading the Gwangju Human Rights Charter aloud at its proclamation",
}
DOCUMENT_TITLE = {"ko": "광주 인권백서", "en": "Gwangju White Paper on Human Rights"}


def fill_in_both_languages(page, group, field, texts):
    """Type ``texts`` into the first row's ``field`` of inline ``group``, each language
    under its tab (한국어, 영어; the page keeps the last one chosen open everywhere)."""
    prefix = group.removesuffix("-group")
    for lang, tab in (("ko", "한국어"), ("en", "영어")):
        page.locator(f"#{group} .ui-tabs-nav a", has_text=tab).first.click()
        page.fill(f"#id_{prefix}-0-{field}_{lang}", texts[lang])


def add_a_photograph_and_a_pdf(page, tmp_path):
    """Through the image and document rows of the open change form, as an editor would."""
    photo = tmp_path / "charter.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(1200, 800), color=(30, 90, 150)))
    pdf = tmp_path / "white-paper.pdf"
    pdf.write_bytes(PDF)
    page.locator("#images-group .add-row a").click()
    page.set_input_files("#id_images-0-file", str(photo))
    fill_in_both_languages(page, "images-group", "alt_text", ALT)
    page.locator("#documents-group .add-row a").click()
    page.set_input_files("#id_documents-0-file", str(pdf))
    fill_in_both_languages(page, "documents-group", "title", DOCUMENT_TITLE)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert page.locator(".messagelist .success").count() == 1, page.locator(
        ".errorlist, .errornote"
    ).all_inner_texts()


def test_draft_to_scheduled_publication(site, page_factory, monkeypatch, tmp_path):
    staff("editor", EDITOR_GROUP)
    staff("publisher", PUBLISHER_GROUP)
    draft = Milestone.objects.order_by("pk").first()
    Milestone.objects.filter(pk=draft.pk).update(is_published=False)
    change = f"{site}/admin/timeline/milestone/{draft.pk}/change/"

    # The editor adds a photograph and a PDF, previews the draft as the public will see
    # it, then submits it.
    editor = sign_in(page_factory, site, "editor")
    editor.goto(change)
    add_a_photograph_and_a_pdf(editor, tmp_path)
    editor.get_by_role("link", name="미리보기", exact=True).click()
    assert editor.locator("h1").first.inner_text().strip() == draft.title_ko
    assert "직원용 미리보기" in editor.locator(".preview-notice").inner_text()
    assert editor.locator(f'picture img[alt="{ALT["ko"]}"]').count() == 1
    assert editor.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    editor.goto(change)
    editor.get_by_role("link", name="검토 요청").click()
    editor.fill("#id_message", "날짜를 조례와 대조했습니다.")
    editor.get_by_role("button", name="검토 요청").click()
    assert "검토를 요청했습니다" in editor.locator(".messagelist").inner_text()

    # The publisher finds it on the index and the queue, and schedules it.
    moment = (timezone.localtime() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    publisher = sign_in(page_factory, site, "publisher")
    assert "1" in publisher.locator("#waiting-for-review").inner_text()
    publisher.get_by_role("link", name="검토 대기 목록 열기").click()
    assert "날짜를 조례와 대조했습니다." in publisher.locator(".review-queue").inner_text()
    with translation.override("ko"):  # the queue as the Korean publisher reads it
        listed_as = str(draft)
    publisher.get_by_role("link", name=listed_as).click()
    publisher.get_by_label("공개(지금 또는 아래 시각에)").check()
    publisher.fill("#id_publish_at", moment.strftime("%Y-%m-%dT%H:%M"))
    publisher.get_by_role("button", name="결정 저장").click()
    assert "부터 공개됩니다" in publisher.locator(".messagelist").inner_text()

    # The public: nothing before the time, the page from then on, in either language with
    # the photograph described and the PDF's format and size on its link.
    visitor = page_factory("desktop")
    urls = {}
    for lang in ("ko", "en"):
        with translation.override(lang):  # the public page a visitor in ``lang`` opens
            urls[lang] = f"{site}{draft.get_absolute_url()}"
    assert visitor.goto(urls["ko"]).status == 404
    monkeypatch.setattr(timezone, "now", lambda: moment + datetime.timedelta(seconds=1))
    for lang, url in urls.items():
        assert visitor.goto(url).status == 200
        title = getattr(draft, f"title_{lang}")
        assert visitor.locator("h1").first.inner_text().strip() == title
        img = visitor.locator(f'picture img[alt="{ALT[lang]}"]')
        assert img.count() == 1
        assert img.evaluate("el => el.complete && el.naturalWidth") > 0  # served, not broken
        with translation.override(lang):
            size = filesizeformat(len(PDF))
        link = visitor.locator(".document a")
        assert link.inner_text() == f"{DOCUMENT_TITLE[lang]} (PDF, {size})"
        assert visitor.request.get(link.evaluate("el => el.href")).body() == PDF
        assert axe_violations(visitor) == []


def test_a_failed_save_keeps_the_language_tab(site, page_factory):
    staff("editor", EDITOR_GROUP)
    draft = Milestone.objects.order_by("pk").first()
    Milestone.objects.filter(pk=draft.pk).update(is_published=False)
    page = sign_in(page_factory, site, "editor")
    page.goto(f"{site}/admin/timeline/milestone/{draft.pk}/change/")
    # On the Korean tab (the first), empty the title in both languages: the save fails.
    page.fill("#id_title_ko", "")
    page.evaluate("document.getElementById('id_title_en').value = ''")
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".errornote")
    page.wait_for_load_state("load")
    assert page.locator("#id_title_ko").is_visible()
    assert not page.locator("#id_title_en").is_visible()
