"""The Human Rights Index pages in a real browser: axe-core finds no WCAG A/AA violation on
the index, an area and an indicator page, in Korean and English, on a phone and a desktop;
nothing overflows sideways on a 320 px phone; the charts are reachable as images with a
name and their figures are in tables; the keyboard reaches every area from the index."""

from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import csp_violations
from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INDEX_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "index.json"
PAGES = {
    "index": "index/",
    "area": "index/happy-life/",
    "indicator": "index/indicators/women-senior-officials/",
    "indicator-with-changes": "index/indicators/volunteering-rate/",
}


@pytest.fixture
def index_site(site):
    """The live server with the Gwangju record and the Human Rights Index."""
    call_command("loaddata", str(INDEX_FIXTURE), verbosity=0)
    return site


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_no_accessibility_violations_on_the_index_pages(
    index_site, page_factory, name, lang, viewport
):
    page = page_factory(viewport)
    response = page.goto(f"{index_site}/{lang}/{PAGES[name]}")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []
    assert csp_violations(page) == []


@pytest.mark.parametrize("name", PAGES)
def test_nothing_overflows_sideways_on_a_320px_phone(index_site, page_factory, name):
    page = page_factory("phone")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{index_site}/ko/{PAGES[name]}")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_the_indicator_chart_is_a_named_image_with_its_gaps_in_words(index_site, page_factory):
    page = page_factory()
    page.goto(f"{index_site}/en/{PAGES['indicator']}")
    chart = page.get_by_role(
        "img", name="Values of “Women at grade 5 or above among city officials” by year"
    )
    assert chart.count() == 1
    assert "No value for: 2014, 2015, 2016." in page.locator("#value-chart-desc").text_content()
    table = page.get_by_role(
        "table", name="Values of “Women at grade 5 or above among city officials”"
    )
    assert table.locator("tbody tr").count() == 9  # every value, the disagreeing ones included


def test_the_keyboard_reaches_an_area_page_from_the_index(index_site, page_factory):
    page = page_factory()
    page.goto(f"{index_site}/ko/{PAGES['index']}")
    link = page.get_by_role("link", name="행복 행복한 삶을 실현하는 도시")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/ko/index/happy-life/")
    assert page.get_by_role("heading", level=1).text_content() == "행복한 삶을 실현하는 도시"


def test_the_pages_work_without_javascript(index_site, page_factory):
    page = page_factory(java_script_enabled=False)
    page.goto(f"{index_site}/ko/{PAGES['index']}")
    assert page.get_by_role("table", name="자료 연도별 인권지표 평가").is_visible()
