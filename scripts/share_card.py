"""Draw the 1200×630 share image (OpenGraph/Twitter) into timeline/static/timeline/share-card.png.

The card is an HTML page rendered by Debian's Chromium (fonts-noto-cjk for the Korean),
so it needs no image library and can be redrawn after a change of name or colours:

    .venv/bin/python scripts/share_card.py
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "timeline" / "static" / "timeline" / "share-card.png"
CHROMIUM = "/usr/bin/chromium"

CARD = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><style>
  * { box-sizing: border-box; margin: 0; }
  body { width: 1200px; height: 630px; overflow: hidden;
         font-family: "Noto Sans CJK KR", "Noto Sans KR", sans-serif; color: #fff;
         background: linear-gradient(135deg, #0d3b66 0%, #082a4a 100%); }
  .card { position: relative; height: 100%; padding: 84px 96px; }
  .rail { position: absolute; left: 96px; top: 84px; bottom: 84px; width: 8px;
          background: rgba(255,255,255,.25); border-radius: 4px; }
  .dot { position: absolute; left: 84px; width: 32px; height: 32px; border-radius: 50%;
         background: #fff; border: 6px solid #0d3b66; box-shadow: 0 0 0 4px rgba(255,255,255,.35); }
  .dot--1 { top: 118px; background: #ffd166; }
  .dot--2 { top: 300px; }
  .dot--3 { top: 482px; }
  .text { margin-left: 90px; }
  .eyebrow { font-size: 30px; font-weight: 700; letter-spacing: 2px; color: #ffd166; }
  h1 { font-size: 112px; font-weight: 900; line-height: 1.1; margin-top: 18px; letter-spacing: -2px; }
  h2 { font-size: 54px; font-weight: 700; line-height: 1.2; margin-top: 14px; color: #e6eef6; }
  p { font-size: 32px; margin-top: 44px; color: #e6eef6; }
  p + p { font-size: 26px; margin-top: 8px; color: #cfdceb; }
</style></head><body><div class="card">
  <div class="rail"></div><div class="dot dot--1"></div><div class="dot dot--2"></div><div class="dot dot--3"></div>
  <div class="text">
    <div class="eyebrow">2009 – 광주광역시 · Gwangju Metropolitan City</div>
    <h1>인권도시 광주</h1>
    <h2>Human Rights City Gwangju</h2>
    <p>주요 연혁 · 사업 · 정책 · 기관의 공개 기록</p>
    <p>The public record of milestones, initiatives, policies and institutions</p>
  </div>
</div></body></html>"""


def main():
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(CARD)
        page.screenshot(path=str(OUTPUT))
        browser.close()
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
