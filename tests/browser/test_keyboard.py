"""A keyboard-only visitor can do what a mouse user can: skip to the content, see where the
focus is, filter the timeline, switch language. And the filters work without JavaScript."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_TABS = 80  # more tab stops than any page has before what these tests look for

FOCUSED = "document.activeElement"


def tab_to(page, selector):
    """Press Tab until ``selector`` has the focus; fail if it never gets it."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"{FOCUSED}.matches({selector!r})"):
            return
    pytest.fail(f"Tab never reached {selector}")


def focus_ring(page):
    """The focused element's outline as drawn: (style, width in px)."""
    return page.evaluate(
        f"""(() => {{
          const style = getComputedStyle({FOCUSED});
          return [style.outlineStyle, parseFloat(style.outlineWidth)];
        }})()"""
    )


def assert_focus_visible(page):
    style, width = focus_ring(page)
    description = page.evaluate(f"{FOCUSED}.outerHTML.slice(0, 120)")
    assert style != "none" and width >= 2, f"no visible focus on {description}"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_skip_link_is_first_visible_on_focus_and_moves_focus_to_the_content(
    site, page_factory, viewport
):
    page = page_factory(viewport)
    page.goto(f"{site}/ko/timeline/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate(f"{FOCUSED}.classList.contains('skip-link')")
    assert skip.get_attribute("href") == "#content"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] >= 24  # on screen, not off at -10rem
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate(f"{FOCUSED}.id") == "content"
    assert page.url.endswith("#content")
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate(f"!!{FOCUSED}.closest('main')")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_skip_link_text(site, page_factory, lang):
    page = page_factory()
    page.goto(f"{site}/{lang}/")
    expected = {"ko": "본문 바로가기", "en": "Skip to content"}[lang]
    assert page.locator(".skip-link").inner_text() == expected


@pytest.mark.parametrize("address", ["/ko/timeline/", "/en/", "/ko/open-data/"])
def test_every_tab_stop_shows_where_the_focus_is(site, page_factory, address):
    page = page_factory("desktop")
    page.goto(site + address)
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(f"{FOCUSED} === document.body"):
            break
        assert_focus_visible(page)
        seen += 1
    assert seen >= 10


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_filter_the_timeline_with_the_keyboard_alone(site, page_factory, viewport):
    page = page_factory(viewport)
    page.goto(f"{site}/en/timeline/")
    panel = page.locator("details.filter-panel")
    if viewport == "phone":
        # Collapsed on a phone so the results come first; the keyboard opens it.
        assert not panel.evaluate("element => element.open")
        tab_to(page, "summary.filter-panel__summary")
        assert_focus_visible(page)
        page.keyboard.press("Enter")
    assert panel.evaluate("element => element.open")

    tab_to(page, 'input[name="kind"][value="policy"]')
    assert_focus_visible(page)
    page.keyboard.press("Space")
    assert page.locator('input[name="kind"][value="policy"]').is_checked()
    tab_to(page, '.filters button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert re.search(r"[?&]kind=policy(&|$)", page.url)
    kinds = page.locator(".timeline .milestone-card .kind").evaluate_all(
        "badges => badges.map(badge => badge.className)"
    )
    assert kinds and set(kinds) == {"kind kind--policy"}
    # With results shown, a phone folds the panel away (the keyboard opens it again); a
    # desktop has room for both. Either way it says how many filters are on.
    assert panel.evaluate("element => element.open") == (viewport == "desktop")
    assert page.locator(".filter-panel__count").inner_text().startswith("1")
    if viewport == "phone":
        tab_to(page, "summary.filter-panel__summary")
        assert_focus_visible(page)
        page.keyboard.press("Enter")
        assert panel.evaluate("element => element.open")


def test_language_switch_with_the_keyboard(site, page_factory):
    page = page_factory("phone")
    page.goto(f"{site}/ko/timeline/2012/gwangju-human-rights-charter-proclaimed/")
    tab_to(page, '.language-switcher a[hreflang="en"]')
    assert_focus_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/en/timeline/2012/gwangju-human-rights-charter-proclaimed/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_filters_work_without_javascript(site, page_factory):
    page = page_factory("desktop", java_script_enabled=False)
    page.goto(f"{site}/ko/timeline/")
    panel = page.locator("details.filter-panel")
    assert not panel.evaluate("element => element.open")  # nothing opened it
    page.locator("summary.filter-panel__summary").click()
    page.locator('input[name="kind"][value="institution"]').check()
    page.locator('select[name="year"]').select_option("2012")
    with page.expect_navigation():
        page.locator('.filters button[type="submit"]').click()
    assert "kind=institution" in page.url and "year=2012" in page.url
    markers = page.locator(".year-group__marker").all_inner_texts()
    assert len(markers) == 1 and markers[0].startswith("2012")
    # Results shown: the panel folds away, and its summary opens it again.
    assert not panel.evaluate("element => element.open")
    page.locator("summary.filter-panel__summary").click()
    assert panel.evaluate("element => element.open")
