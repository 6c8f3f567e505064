"""The sitemap's pages under gunicorn, cold after an edit and warm, at N milestones.

    python bench/sitemap.py [--milestones 10000]     (or: make bench-sitemap)

``/sitemap.xml`` is an index of section pages (``/sitemap-<section>.xml?p=N``), each cached
per content version. Timed: the index, and the first and the last page of every section it
lists (``/sitemap-milestones.xml?p=1`` and ``?p=last`` among them). Each is fetched once just
after the content version was replaced (as any edit does: nothing of it is stored), then
warm; medians over ``--rounds``. Same server as bench/pages.py: the production stack, the
project's gunicorn.conf.py, Redis in a database of the bench's own, flushed first.
Goal (issue 15): every page well under 1 s cold at 100,000 milestones.
"""

import argparse
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEMO_MILESTONES, database_url, machine, prepare_database
from bench.serving import (
    REDIS_DB,
    Server,
    VersionBumper,
    fetch,
    flush_redis,
    measure_cold,
    redis_url,
    write_results,
)

INDEX = "/sitemap.xml"
GOAL_SECONDS = 1.0
SECTION_PAGE = re.compile(r"<loc>[^<]*?(/sitemap-([\w-]+)\.xml)(?:\?p=(\d+))?</loc>")


def sitemap_pages(server: Server) -> dict[str, str]:
    """Name → address: the index, and each section's first and last page that it lists."""
    index = fetch(server.port, INDEX)
    if index.status != 200:
        raise SystemExit(f"{INDEX} answered {index.status}")
    last: dict[str, tuple[str, int]] = {}
    for path, section, number in SECTION_PAGE.findall(index.body.decode()):
        page = int(number or 1)
        if page >= last.get(section, (path, 0))[1]:
            last[section] = (path, page)
    if not last:
        raise SystemExit(f"{INDEX} lists no section pages:\n{index.body[:500]!r}")
    pages = {"index": INDEX}
    for section, (path, final) in last.items():
        if final == 1:
            pages[f"{section} p=1 (only)"] = f"{path}?p=1"
        else:
            pages[f"{section} p=1"] = f"{path}?p=1"
            pages[f"{section} p={final} (last)"] = f"{path}?p={final}"
    return pages


def print_table(results: list[dict[str, Any]]) -> None:
    print(
        f"\n{'page':<30} {'KiB':>7} {'cold ms':>9} {'warm ms':>8} {'cold ÷ warm':>12}  "
        f"goal cold < {GOAL_SECONDS:g} s"
    )
    for one in results:
        print(
            f"{one['name']:<30} {one['bytes'] / 1024:7.0f} {one['cold_ms']:9.1f} "
            f"{one['warm_ms']:8.1f} {one['cold_over_warm']:12.1f}  "
            f"{'MET' if one['cold_ms'] < 1000 * GOAL_SECONDS else 'MISSED'}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--milestones", type=int, default=DEMO_MILESTONES)
    parser.add_argument("--rounds", type=int, default=5, help="cold requests per page")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument("--redis-db", type=int, default=REDIS_DB, help="flushed at the start")
    parser.add_argument("--skip-setup", action="store_true", help="use the bench database as is")
    args = parser.parse_args()

    print(f"bench-sitemap · {machine()}", flush=True)
    if not args.skip_setup:
        prepare_database(args.milestones, static=True, reuse=True)
    cache = redis_url(args.redis_db)
    flush_redis(cache)
    with Server("sitemap", args.workers, REDIS_URL=cache) as server:
        pages = sitemap_pages(server)
        with VersionBumper(REDIS_URL=cache) as bumper:
            measured = measure_cold(server, bumper, pages, args.rounds)
    print_table(measured)
    slowest = max(measured, key=lambda one: one["cold_ms"])
    missed = [one["name"] for one in measured if one["cold_ms"] >= 1000 * GOAL_SECONDS]
    line = (
        f"{'PASS' if not missed else 'FAIL'} every sitemap page cold < {GOAL_SECONDS:g} s "
        f"at {args.milestones:,} milestones (slowest: {slowest['name']} "
        f"{slowest['cold_ms']:.0f} ms; the goal is set for 100,000)"
    )
    print(f"\ngoal (issue 15):\n  {line}")
    results = {
        "benchmark": "sitemap",
        "machine": machine(),
        "database": database_url().split(":", 1)[0],
        "milestones": args.milestones,
        "cache": cache,
        "settings": {key: value for key, value in vars(args).items() if key != "skip_setup"},
        "goal_cold_seconds": GOAL_SECONDS,
        "pages": measured,
        "verdict": line,
    }
    print(f"results: {write_results('sitemap', results)}")


if __name__ == "__main__":
    main()
