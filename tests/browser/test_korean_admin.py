"""The admin as a Korean member of staff sees it in Chromium: Korean throughout, the
translated fields under tabs named 한국어 and 영어."""

import pytest
from django.contrib.auth import get_user_model

from .conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "korean-staff-password-1"


def test_translation_tabs_carry_the_language_names_in_korean(site, page_factory):
    get_user_model().objects.create_superuser("staff", password=PASSWORD)
    page = page_factory(locale="ko-KR", extra_http_headers={"Accept-Language": "ko-KR,ko"})
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{site}/admin/timeline/milestone/1/change/")
    assert page.locator("html").get_attribute("lang") == "ko"
    tabs = page.locator(".ui-tabs-nav a")
    assert tabs.first.is_visible()
    names = set(tabs.all_inner_texts())
    assert names == {"한국어", "영어"}, names
    # The English tab still opens the English field.
    page.locator(".ui-tabs-nav a", has_text="영어").first.click()
    assert page.locator("#id_title_en").is_visible()
    assert page.locator("#modeltranslation-main-switch option").all_inner_texts() == [
        "한국어",
        "영어",
    ]
    assert not csp_violations(page)
