"""Shared fixtures for the browser tests: one Chromium per session, a page per test, the
Gwangju record loaded into the live server's database for each test.

Debian's /usr/bin/chromium only, never a downloaded browser. Without it (or without
Playwright) the tests are skipped with the reason; with REQUIRE_BROWSER=1 (CI) that is a
failure instead.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.admin_helpers import roles_as_migrated

# Playwright's sync API runs an event loop in the test thread; Django refuses database
# access from a thread with a running loop unless told it is safe, which it is here: the
# loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's Chromium; BROWSER_TESTS_CHROMIUM only points elsewhere to check the skip itself.
CHROMIUM = Path(os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium"))
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "gwangju.json"
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
    # The narrowest screen staff work the admin on (issue 14).
    "admin": {"width": 1280, "height": 900},
}

# Collects Content-Security-Policy violations as the page reports them (an init script
# runs before the page's own code and is not subject to its CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def browser_missing():
    """Why the browser tests cannot run here, or "" when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (pip install -e '.[dev]')"
    return ""


@pytest.fixture(scope="session")
def browser():
    reason = browser_missing()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's base URL, with the whole Gwangju record in its database, and the
    Editor and Publisher roles as the migrations made them (a transactional test before this
    one emptied every table, those roles among them)."""
    roles_as_migrated()
    call_command("loaddata", str(FIXTURE), verbosity=0)
    return live_server.url


def open_page(browser, viewport="desktop", **options):
    context = browser.new_context(viewport=VIEWPORTS[viewport], **options)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    return context, page


@pytest.fixture
def page_factory(browser):
    """``page_factory(viewport="phone", java_script_enabled=False)`` -> a fresh page."""
    contexts = []

    def factory(viewport="desktop", **options):
        context, page = open_page(browser, viewport, **options)
        contexts.append(context)
        return page

    yield factory
    for context in contexts:
        context.close()


def csp_violations(page):
    reported = page.evaluate("window.__cspViolations || []")
    logged = [text for text in page.console_errors if "Content Security Policy" in text]
    return reported + logged
