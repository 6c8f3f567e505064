"""axe-core finds no WCAG 2.0/2.1 A or AA violation (nor a WCAG 2.2 target-size one) on any
kind of public page, in Korean and English, on a phone and on a desktop; the pages report
no Content-Security-Policy violation (JSON-LD is data, not script); nothing overflows
sideways on a 320 px phone."""

import pytest

from .conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Every kind of public page; the timeline in each of its states.
PAGES = {
    "home": "",
    "timeline": "timeline/",
    "timeline-filtered": "timeline/?kind=policy&kind=institution&theme=governance-law&year_min=2012",
    "timeline-empty": "timeline/?q=no-milestone-says-this",
    "timeline-bad-parameter": "timeline/?year=abc&year_min=2015&year_max=2011",
    "timeline-page-2": "timeline/?page=2",
    "year": "years/2012/",
    "milestone": "timeline/2021/international-human-rights-education-center-opens/",
    "initiatives": "initiatives/",
    "policies": "policies/",
    "institutions": "institutions/",
    "initiative": "initiatives/world-human-rights-cities-forum/",
    "policy": "policies/gwangju-human-rights-charter/",
    "institution": "institutions/division-on-human-rights/",
    "open-data": "open-data/",
    "privacy": "privacy/",
    "accessibility": "accessibility/",
    "not-found": "no-such-page/",
}


def axe_violations(page, tags=AXE_TAGS):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_no_accessibility_violations(site, page_factory, name, lang, viewport):
    page = page_factory(viewport)
    response = page.goto(f"{site}/{lang}/{PAGES[name]}")
    assert response.status == (404 if name == "not-found" else 200)
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []
    assert csp_violations(page) == []


@pytest.mark.parametrize("name", ["home", "timeline", "milestone", "institution", "open-data"])
def test_nothing_overflows_sideways_on_a_320px_phone(site, page_factory, name):
    page = page_factory("phone")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{site}/ko/{PAGES[name]}")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_structured_data_is_present_and_blocked_by_nothing(site, page_factory):
    page = page_factory()
    page.goto(f"{site}/en/{PAGES['milestone']}")
    data = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["@type"] == "Event"
    assert csp_violations(page) == []
