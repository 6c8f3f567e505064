"""Every public HTML page under gunicorn, against a trivial view, side by side, with wrk.

    python bench/pages.py [--milestones 10000]       (or: make bench-pages)

The pages: home, timeline, a filtered timeline, a milestone, a year, a subject, the three
directories, the sources, and the three fixed pages, in Korean, on N synthetic milestones.
The baseline: ``/bench/trivial`` (bench/urls.py), a view that returns two bytes through the
same gunicorn, settings and middleware. The server is the production stack (DEBUG off,
manifest static files, the project's gunicorn.conf.py, Redis as the cache); the load is
``wrk`` (bench/serving.py).

Three modes, each on a fresh server and a flushed Redis database of the bench's own:

* ``uncached``: the page cache off (``DJANGO_PAGE_CACHE_SECONDS=0``), the pre-rendered parts
  and remembered figures warm (filled by the warm-up): what every request costs when the
  whole page is not stored. Goal (issue 15): ≥ 0.15 of the trivial view.
* ``cached``: the page cache on, through Redis, warm. Goal: ≥ 0.90 of the trivial view.
* ``cold``: the page cache on; the first request after a change, timed against the warm
  ones that follow, twice: (1) *nothing warmed*, the worst case: before each page the content
  version is replaced directly, as an edit does, and nothing renders anything before the
  request; (2) *after a real edit*: a milestone is saved through the ORM, as staff do, a real
  ``manage.py db_worker`` beside the server runs the warm-up the edit queued
  (timeline/jobs/warming.py), and the first request follows once it is done. Goal (issue
  15): on the pages the warm-up renders, that request is served from the cache.

In ``uncached`` and ``cached``, each page is loaded in alternating slices with the trivial view
(page, trivial, then trivial, page, ...), each slice preceded by an unrecorded second of the
same load, and the ratio is the median of the per-round ratios page ÷ trivial: a change in
the machine's background load hits both sides of a pair alike. Around each recorded slice
the CPU time of every process involved is read (bench/cpu.py), so each page's row says where
a request's CPU went, the page's and the trivial view's: gunicorn, Redis, the database, wrk
or anything else.
"""

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cpu
from bench.common import (
    DEMO_MILESTONES,
    database_url,
    machine,
    manage,
    median,
    prepare_database,
    verdict,
)
from bench.serving import (
    REDIS_DB,
    TRIVIAL,
    Editor,
    Load,
    Server,
    VersionBumper,
    Worker,
    ensure_wrk,
    fetch,
    flush_redis,
    measure_cold,
    redis_url,
    write_results,
    wrk,
)

MODES = ("uncached", "cached", "cold")
# What browsers send: a stored page goes to them gzipped (timeline/caching/encoding.py).
BROWSER_ENCODINGS = "gzip, deflate, br"
GOALS = {"uncached": 0.15, "cached": 0.90}
LOADED_MODES = tuple(GOALS)
# The pages the warm-up after an edit of the measured milestone renders again
# (timeline/public/warming.py): the home page, the timeline's first page, the milestone, its
# year, the directories. The others are rendered by their first visitor.
WARMED_AFTER_EDIT = {
    "home",
    "timeline",
    "milestone",
    "year",
    "initiatives",
    "policies",
    "institutions",
}
NOTHING_WARMED = "cold, nothing warmed (version replaced directly: the worst case)"
AFTER_EDIT = "cold after a real edit, once the worker's warm-up is done"

# Pages whose address does not depend on the data. Each kind of page once; Korean, the
# site's first language.
FIXED_PAGES = {
    "home": "/ko/",
    "timeline": "/ko/timeline/",
    "filtered timeline": "/ko/timeline/?theme=demo-theme-1",
    "initiatives": "/ko/initiatives/",
    "policies": "/ko/policies/",
    "institutions": "/ko/institutions/",
    "sources": "/ko/sources/",
    "index": "/ko/index/",
    "open data": "/ko/open-data/",
    "privacy": "/ko/privacy/",
    "accessibility": "/ko/accessibility/",
}
PAGE_ORDER = (
    "home",
    "timeline",
    "filtered timeline",
    "milestone",
    "year",
    "subject",
    "initiatives",
    "policies",
    "institutions",
    "sources",
    "index",
    "open data",
    "privacy",
    "accessibility",
)

# The pages that depend on the data, chosen among the heaviest of their kind: the year and
# the initiative with the most milestones, the milestone in the middle of that year (the one
# the cold mode edits, so that its page and its year's are both the edit's).
FIND_PAGES = """
import json
from django.db.models import Count
from django.utils import translation
from timeline.models import Initiative, Milestone, Year
translation.activate("ko")
milestones = Milestone.objects.published().order_by("-year", "order", "id")
busiest = (
    milestones.order_by().values("year").annotate(n=Count("id")).order_by("-n", "-year")[0]
)
in_year = milestones.filter(year=busiest["year"])
middle = in_year[in_year.count() // 2]
subject = Initiative.objects.published().annotate(n=Count("milestones")).order_by("-n", "slug")[0]
print("PAGES " + json.dumps({
    "milestone": middle.get_absolute_url(),
    "year": Year.objects.get(year=busiest["year"]).get_absolute_url(),
    "subject": subject.get_absolute_url(),
    "edited": middle.pk,
}))
"""


def find_pages(only: list[str] | None) -> tuple[dict[str, str], int]:
    """Name → address of every page kind measured, in PAGE_ORDER (or the ones asked for), and
    the id of the milestone the cold mode edits."""
    output = manage("shell", "-c", FIND_PAGES).stdout
    found = json.loads(next(line for line in output.splitlines() if line.startswith("PAGES "))[6:])
    edited = found.pop("edited")
    addresses = {**FIXED_PAGES, **found}
    names = only or list(PAGE_ORDER)
    unknown = [name for name in names if name not in addresses]
    if unknown:
        raise SystemExit(f"unknown pages {unknown}; choose among {', '.join(PAGE_ORDER)}")
    return {name: addresses[name] for name in names}, edited


def check_page(server: Server, name: str, path: str, encodings: str = "") -> dict[str, Any]:
    """The page answers 200 with HTML; what the page cache said and how many bytes it sent,
    to a client that sends ``encodings`` as its Accept-Encoding."""
    response = fetch(server.port, path, {"Accept-Encoding": encodings} if encodings else None)
    html = response.body
    if response.headers.get("Content-Encoding") == "gzip":
        html = gzip.decompress(html)
    if response.status != 200 or b"<html" not in html[:500].lower():
        raise SystemExit(f"{name} ({path}) answered {response.status}; is the database ready?")
    return {"page_cache": response.page_cache, "bytes": len(response.body)}


def load(server: Server, path: str, seconds: float, args: argparse.Namespace) -> Load:
    headers = [f"Accept-Encoding: {args.accept_encoding}"] if args.accept_encoding else []
    return wrk(server.url(path), seconds, args.threads, args.connections, headers)


def measure_loaded(
    server: Server, name: str, path: str, args: argparse.Namespace
) -> dict[str, Any]:
    """Alternating slices of page and trivial load; the ratio is the median of the rounds'."""
    # Warm-up: every worker renders the page (filling the parts, or storing the page) and
    # the trivial view, and nothing from it is kept.
    load(server, path, args.warmup, args)
    load(server, TRIVIAL, args.warmup, args)
    checked = check_page(server, name, path, args.accept_encoding)
    if server.label == "cached" and checked["page_cache"] == "miss":
        print(f"  warning: {name} was not served from the cache after the warm-up", flush=True)
    rounds: list[dict[str, Any]] = []
    for number in range(args.rounds):
        order = (path, TRIVIAL) if number % 2 == 0 else (TRIVIAL, path)
        slices: dict[str, Load] = {}
        spent: dict[str, dict[str, float]] = {}  # CPU ms per request, by process (bench/cpu.py)
        for address in order:
            # An unrecorded second of the same load first: the requests still running from
            # the previous slice finish before this one is counted.
            load(server, address, 1, args)
            before = cpu.sample(server.process.pid)
            slices[address] = load(server, address, args.seconds, args)
            spent[address] = cpu.per_request(
                before, cpu.sample(server.process.pid), slices[address].requests
            )
        rounds.append(
            {
                "page": vars(slices[path]) | {"rate": slices[path].rate, "cpu_ms": spent[path]},
                "trivial": vars(slices[TRIVIAL])
                | {"rate": slices[TRIVIAL].rate, "cpu_ms": spent[TRIVIAL]},
                "ratio": slices[path].rate / slices[TRIVIAL].rate,
            }
        )
    ratios = [one["ratio"] for one in rounds]

    def typical(side: str, figure: str) -> float:
        return median([one[side][figure] for one in rounds])

    return {
        "name": name,
        "path": path,
        **checked,
        "ratio": median(ratios),
        "ratio_range": [min(ratios), max(ratios)],
        "page_rate": typical("page", "rate"),
        "page_p50_ms": typical("page", "p50_ms"),
        "page_p99_ms": typical("page", "p99_ms"),
        "trivial_rate": typical("trivial", "rate"),
        "trivial_p50_ms": typical("trivial", "p50_ms"),
        "trivial_p99_ms": typical("trivial", "p99_ms"),
        "page_cpu_ms": typical_cpu(rounds, "page"),
        "trivial_cpu_ms": typical_cpu(rounds, "trivial"),
        "errors": sum(one["page"]["errors"] + one["trivial"]["errors"] for one in rounds),
        "rounds": rounds,
    }


def typical_cpu(rounds: list[dict[str, Any]], side: str) -> dict[str, float]:
    """The median over the rounds of each process group's CPU per request."""
    groups = [*cpu.GROUPS, "total"]
    return {group: median([one[side]["cpu_ms"][group] for one in rounds]) for group in groups}


def cpu_line(spent: dict[str, float]) -> str:
    """Who spent a request's CPU, in ms: "1.08 = gunicorn 0.71 + redis 0.09 + …"."""
    shares = " + ".join(f"{group} {spent[group]:.2f}" for group in cpu.GROUPS if spent[group])
    return f"{spent['total']:.2f} = {shares}"


def print_loaded_header(mode: str) -> None:
    print(
        f"\n{mode} (goal: page ÷ trivial ≥ {GOALS[mode]:.2f})\n"
        f"{'page':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} │ {'trivial':>8} "
        f"{'p50 ms':>7} {'p99 ms':>7} │ {'ratio':>6} {'range':>11}  {'cache':<5} {'KiB':>5}  verdict",
        flush=True,
    )


def print_loaded(mode: str, one: dict[str, Any]) -> None:
    """One row of the table, printed as soon as the page is measured."""
    low, high = one["ratio_range"]
    print(
        f"{one['name']:<18} {one['page_rate']:8.1f} {one['page_p50_ms']:8.1f} "
        f"{one['page_p99_ms']:8.1f} │ {one['trivial_rate']:8.1f} {one['trivial_p50_ms']:7.1f} "
        f"{one['trivial_p99_ms']:7.1f} │ {one['ratio']:6.3f} {low:5.3f}–{high:5.3f}  "
        f"{one['page_cache']:<5} {one['bytes'] / 1024:5.0f}  {verdict(one['ratio'], GOALS[mode])}"
        + (f"  ({one['errors']} failed requests)" if one["errors"] else ""),
        flush=True,
    )
    print(
        f"{'':<18} CPU ms per request: page {cpu_line(one['page_cpu_ms'])}"
        f" │ trivial {cpu_line(one['trivial_cpu_ms'])}",
        flush=True,
    )


def print_cold(title: str, results: list[dict[str, Any]]) -> None:
    print(
        f"\n{title} (first request vs warm, page cache on)\n"
        f"{'page':<18} {'first ms':>9} {'warm ms':>8} {'first ÷ warm':>13}  {'warm-up s':>9}  "
        "first request's cache"
    )
    for one in results:
        warm_up = f"{one['warm_up_s']:9.2f}" if one.get("warm_up_s") is not None else f"{'-':>9}"
        print(
            f"{one['name']:<18} {one['cold_ms']:9.1f} {one['warm_ms']:8.1f} "
            f"{one['cold_over_warm']:13.1f}  {warm_up}  {', '.join(one['cold_page_cache'])}",
            flush=True,
        )


def goal_verdicts(results: dict[str, Any]) -> list[str]:
    """One line per goal: met, or which pages miss it and by how much."""
    lines = []
    for mode, goal in GOALS.items():
        if mode not in results:
            continue
        pages = results[mode]["pages"]
        missed = [one for one in pages if one["ratio"] < goal]
        worst = min(pages, key=lambda one: one["ratio"])
        state = "PASS" if not missed else "FAIL"
        line = f"{state} {mode}: every page ≥ {goal:.2f} of the trivial view"
        if missed:
            line += f" — {len(missed)} of {len(pages)} below: " + ", ".join(
                f"{one['name']} {one['ratio']:.3f}" for one in missed
            )
        else:
            line += f" (lowest: {worst['name']} {worst['ratio']:.3f})"
        lines.append(line)
    if "cold" in results:
        # Only the pages the page cache stores ("-": it never answers for the others).
        cached = [one for one in results["cold"]["pages"] if one["cold_page_cache"] != ["-"]]
        served = [one for one in cached if one["cold_page_cache"] == ["hit"]]
        lines.append(
            f"(worst case, no goal) first request with nothing warmed served from cache: "
            f"{len(served)} of {len(cached)} pages"
        )
        warmed = [one for one in results["cold"]["after_edit"] if one["name"] in WARMED_AFTER_EDIT]
        missed = [one for one in warmed if one["cold_page_cache"] != ["hit"]]
        state = "PASS" if warmed and not missed else "FAIL"
        line = (
            f"{state} first request after a real edit served from cache on the warmed pages: "
            f"{len(warmed) - len(missed)} of {len(warmed)}"
        )
        if missed:
            line += " — not: " + ", ".join(
                f"{one['name']} ({'/'.join(one['cold_page_cache'])})" for one in missed
            )
        lines.append(line)
    return lines


def markdown_table(results: dict[str, Any]) -> str:
    """The run as one Markdown table, to paste into bench/README.md."""
    modes = [mode for mode in MODES if mode in results]
    heads = {
        "uncached": "uncached ÷ trivial (p50 / p99 ms)",
        "cached": "Redis-cached ÷ trivial (p50 / p99 ms)",
        "cold": "first after a change, nothing warmed / warm (ms)",
        "after_edit": "first after a real edit and its warm-up / warm (ms), cache",
    }
    columns = [*modes, *(["after_edit"] if "cold" in modes else [])]
    rows: dict[str, dict[str, str]] = {}
    for mode in modes:
        for one in results[mode]["pages"]:
            if mode == "cold":
                cell = f"{one['cold_ms']:.0f} / {one['warm_ms']:.1f}"
            else:
                cell = (
                    f"**{one['ratio']:.3f}** ({one['page_p50_ms']:.0f} / {one['page_p99_ms']:.0f})"
                )
            rows.setdefault(one["name"], {})[mode] = cell
    for one in results.get("cold", {}).get("after_edit", []):
        rows.setdefault(one["name"], {})["after_edit"] = (
            f"{one['cold_ms']:.1f} / {one['warm_ms']:.1f}, {'/'.join(one['cold_page_cache'])}"
        )
    lines = [
        "| page | " + " | ".join(heads[column] for column in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for name, cells in rows.items():
        lines.append(
            f"| {name} | " + " | ".join(cells.get(column, "") for column in columns) + " |"
        )
    return "\n".join(lines)


def cpu_table(results: dict[str, Any], mode: str) -> str:
    """Where each request's CPU went in ``mode``, page against trivial view, as Markdown."""
    groups = " / ".join(cpu.GROUPS)
    lines = [
        f"| page ({mode}) | trivial: total ({groups}) | page: total ({groups}) | page − trivial |",
        "|---|---|---|---|",
    ]

    def cell(spent: dict[str, float]) -> str:
        shares = " / ".join(f"{spent[group]:.2f}" for group in cpu.GROUPS)
        return f"{spent['total']:.2f} ({shares})"

    for one in results[mode]["pages"]:
        page, trivial = one["page_cpu_ms"], one["trivial_cpu_ms"]
        lines.append(
            f"| {one['name']} | {cell(trivial)} | {cell(page)} | "
            f"{page['total'] - trivial['total']:+.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--milestones", type=int, default=DEMO_MILESTONES)
    parser.add_argument("--seconds", type=float, default=10, help="per slice (whole seconds)")
    parser.add_argument("--rounds", type=int, default=3, help="page/trivial pairs per page")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of load before each page")
    parser.add_argument("--cold-rounds", type=int, default=3, help="first requests per page")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument(
        "--accept-encoding",
        default=BROWSER_ENCODINGS,
        metavar="VALUE",
        help=f"wrk's Accept-Encoding header (default: {BROWSER_ENCODINGS!r}, as browsers "
        "send; '' for none: each page as rendered)",
    )
    parser.add_argument("--redis-db", type=int, default=REDIS_DB, help="flushed at the start")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--pages", nargs="+", metavar="NAME", help=", ".join(PAGE_ORDER))
    parser.add_argument("--skip-setup", action="store_true", help="use the bench database as is")
    args = parser.parse_args()

    ensure_wrk()
    print(f"bench-pages · {machine()}", flush=True)
    if not args.skip_setup:
        prepare_database(args.milestones, static=True, reuse=True)
    pages, edited = find_pages(args.pages)
    cache = redis_url(args.redis_db)
    print(
        f"wrk: {args.threads} thread(s), {args.connections} connections; {args.rounds} rounds × "
        f"{args.seconds:g} s per address, alternating with {TRIVIAL}; cache: {cache}; "
        f"Accept-Encoding: {args.accept_encoding or '(none)'}",
        flush=True,
    )
    results: dict[str, Any] = {
        "benchmark": "pages",
        "machine": machine(),
        "database": database_url().split(":", 1)[0],
        "milestones": args.milestones,
        "cache": cache,
        "settings": {key: value for key, value in vars(args).items() if key != "skip_setup"},
        "goals": GOALS,
    }
    for mode in args.modes:
        flush_redis(cache)
        env = {"REDIS_URL": cache, "DJANGO_PAGE_CACHE_SECONDS": 0 if mode == "uncached" else 3600}
        with Server(mode, args.workers, **env) as server:
            if mode in LOADED_MODES:
                print_loaded_header(mode)
                measured = []
                for page in pages.items():
                    measured.append(measure_loaded(server, *page, args))
                    print_loaded(mode, measured[-1])
                results[mode] = {"pages": measured}
            else:
                # Each page stored once: the site's address is known (caching/origins.py).
                for name, path in pages.items():
                    check_page(server, name, path)
                with VersionBumper(**env) as bumper:
                    measured = measure_cold(server, bumper, pages, args.cold_rounds)
                print_cold(NOTHING_WARMED, measured)
                with Worker(mode, **env), Editor(edited, **env) as editor:
                    after_edit = measure_cold(server, editor, pages, args.cold_rounds)
                print_cold(AFTER_EDIT, after_edit)
                results[mode] = {"pages": measured, "after_edit": after_edit}
            results[mode]["worker_peak_rss_mib"] = server.worker_peak_rss()
        print(f"  worker peak RSS {results[mode]['worker_peak_rss_mib']:.0f} MiB", flush=True)
    results["verdicts"] = goal_verdicts(results)
    print(f"\n{args.milestones:,} milestones, {results['database']}:\n{markdown_table(results)}")
    for mode in (mode for mode in LOADED_MODES if mode in results):
        print(f"\nCPU ms per request, by process (bench/cpu.py):\n{cpu_table(results, mode)}")
    print("\ngoals (issue 15):")
    for line in results["verdicts"]:
        print(f"  {line}")
    print(f"results: {write_results('pages', results)}")


if __name__ == "__main__":
    main()
