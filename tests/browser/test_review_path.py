"""The whole path in Chromium, as staff walk it: an editor previews a draft and submits it for
review; a publisher finds it waiting, and schedules it; the public page shows it at the set
time and not before. And a failed save leaves the language tabs where the editor was."""

import datetime
import importlib

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone, translation

from timeline.models import Milestone

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "review-path-password-1"
# The roles as the migration that made them defines them (a transactional test flushes them).
ROLES = importlib.import_module("timeline.migrations.0003_roles").ROLES


def staff(username, role):
    group, _ = Group.objects.get_or_create(name=role)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="timeline", codename__in=ROLES[role])
    )
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


def sign_in(page_factory, site, username, lang="ko"):
    locale = {"ko": "ko-KR", "en": "en-GB"}[lang]
    page = page_factory("admin", locale=locale, extra_http_headers={"Accept-Language": lang})
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page


def test_draft_to_scheduled_publication(site, page_factory, monkeypatch):
    staff("editor", "Editor")
    staff("publisher", "Publisher")
    draft = Milestone.objects.order_by("pk").first()
    Milestone.objects.filter(pk=draft.pk).update(is_published=False)
    change = f"{site}/admin/timeline/milestone/{draft.pk}/change/"

    # The editor previews the draft as the public will see it, then submits it.
    editor = sign_in(page_factory, site, "editor")
    editor.goto(change)
    editor.get_by_role("link", name="미리보기", exact=True).click()
    assert editor.locator("h1").first.inner_text().strip() == draft.title_ko
    assert "직원용 미리보기" in editor.locator(".preview-notice").inner_text()
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

    # The public: nothing before the time, the page from then on.
    visitor = page_factory("desktop")
    with translation.override("ko"):  # the public page a Korean visitor opens
        url = f"{site}{draft.get_absolute_url()}"
    assert visitor.goto(url).status == 404
    monkeypatch.setattr(timezone, "now", lambda: moment + datetime.timedelta(seconds=1))
    assert visitor.goto(url).status == 200
    assert visitor.locator("h1").first.inner_text().strip() == draft.title_ko


def test_a_failed_save_keeps_the_language_tab(site, page_factory):
    staff("editor", "Editor")
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
