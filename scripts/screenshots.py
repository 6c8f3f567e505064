"""Screenshots of the running app for the README: home, timeline and the Human Rights Index,
phone and desktop.

Start the app (``make run``), then:

    .venv/bin/python scripts/screenshots.py [BASE_URL] [--lang ko|en] [--out DIR] [--full-page]

BASE_URL defaults to http://127.0.0.1:8000. Pictures go to docs/screenshots/ as
``<page>-<width name>.png`` (Korean) or ``<page>-<width name>-en.png``. Uses Playwright with
Debian's Chromium (/usr/bin/chromium, with fonts-noto-cjk for Korean); never a downloaded
browser.
"""

import argparse
import sys
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PAGES = {"home": "", "timeline": "timeline/", "index": "index/"}
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--lang", choices=["ko", "en"], default="ko")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--full-page", action="store_true", help="the whole page, not only the first screen"
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.base_url.rstrip("/") + f"/{args.lang}/"
    suffix = "" if args.lang == "ko" else f"-{args.lang}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for width_name, viewport in WIDTHS.items():
            page = browser.new_page(viewport=viewport)
            for page_name, path in PAGES.items():
                url = urljoin(base, path)
                response = page.goto(url, wait_until="load")
                if response is None or not response.ok:
                    status = response.status if response else "no response"
                    sys.exit(f"{url}: {status}. Is the app running at {args.base_url}?")
                target = args.out / f"{page_name}-{width_name}{suffix}.png"
                page.screenshot(path=str(target), full_page=args.full_page)
                print(
                    f"{url} -> {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                )
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
