"""``exportcsv`` of 10,000 milestones, against a plain ``csv.writer`` over ``values_list``.

    python bench/exports.py          (or: make bench-export)

* ``exportcsv``: ``call_command("exportcsv", "milestones", "-o", FILE)`` in this process:
  every column of the CSV contract, formula-looking cells neutralised, UTF-8 with BOM.
* plain: the same columns from one ``values_list`` (subjects' slugs by join) plus one
  query for the sources, written by ``csv.writer`` to a UTF-8-with-BOM file; no
  neutralising, no column logic.

Runs alternate; the medians and their ratio are printed (goal: within 2×), then the peak
Python allocation of one export (tracemalloc) and the peak resident memory of
``manage.py exportcsv`` in its own process.
"""

import argparse
import csv
import io
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    PYTHON,
    RESULTS,
    ROOT,
    machine,
    median,
    prepare_database,
    production_env,
    setup_django,
    verdict,
)
from bench.imports import process_peak_mib

OURS = RESULTS / "export-exportcsv.csv"
PLAIN = RESULTS / "export-plain.csv"
COLUMNS = (
    "year",
    "order",
    "slug",
    "date",
    "date_precision",
    "title_ko",
    "title_en",
    "summary_ko",
    "summary_en",
    "note_ko",
    "note_en",
    "initiative__slug",
    "policy__slug",
    "institution__slug",
)


def run_exportcsv():
    from django.core.management import call_command

    call_command("exportcsv", "milestones", "-o", str(OURS), stderr=io.StringIO())


def run_plain():
    from timeline.models import Citation, Milestone

    sources = {}
    cited = Citation.objects.order_by("milestone", "order", "id")
    for milestone, title, url in cited.values_list("milestone", "source__title", "source__url"):
        sources.setdefault(milestone, []).append(f"{title} <{url}>" if url else title)
    with open(PLAIN, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([*COLUMNS, "sources", "is_published"])
        for pk, *values, published in Milestone.objects.values_list("pk", *COLUMNS, "is_published"):
            writer.writerow([*values, "|".join(sources.get(pk, ())), published])


# A fresh process, page cache off, asks for a public download and reads it to its end.
DOWNLOAD_PEAK_SCRIPT = """
import sys
import django
django.setup()
from django.test import Client
response = Client().get(sys.argv[1], HTTP_HOST="localhost")
assert response.status_code == 200, response.status_code
size = sum(map(len, response.streaming_content)) if response.streaming else len(response.content)
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(size, int(response.streaming), hwm)
"""


def download_peak(path):
    """(bytes, streamed, peak RSS MiB) of a fresh process that downloads ``path``."""
    result = subprocess.run(
        [PYTHON, "-c", DOWNLOAD_PEAK_SCRIPT, path],
        cwd=ROOT,
        env=production_env(DJANGO_PAGE_CACHE_SECONDS=0),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    size, streamed, hwm = result.stdout.split()[-3:]
    return int(size), streamed == "1", int(hwm) / 1024


def python_peak_mib(function):
    import tracemalloc

    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024 / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-setup", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    print(f"bench-export · {machine()}")
    if not args.skip_setup:
        prepare_database(args.rows)
    setup_django()
    from timeline.models import Milestone

    count = Milestone.objects.count()
    print(f"{count} milestones; {args.repeat} alternating runs")
    run_exportcsv(), run_plain()  # warm up: imports, query compilation
    times = {"exportcsv": [], "plain": []}
    for number in range(args.repeat):
        order = (run_exportcsv, run_plain) if number % 2 == 0 else (run_plain, run_exportcsv)
        for function in order:
            started = time.perf_counter()
            function()
            name = "exportcsv" if function is run_exportcsv else "plain"
            times[name].append(time.perf_counter() - started)
    ours, plain = median(times["exportcsv"]), median(times["plain"])
    for name, value in (("exportcsv", ours), ("plain csv.writer", plain)):
        runs = ", ".join(f"{t:.3f}" for t in times[name.split()[0]])
        print(f"  {name:<17} {value:7.3f} s   (runs: {runs})")
    ratio = ours / plain
    print(
        f"  exportcsv ÷ plain: {ratio:.2f}×   goal ≤ 2×: {verdict(ratio, 2, higher_is_better=False)}"
    )
    print(
        f"  files: {OURS.stat().st_size / 1024:.0f} KiB (exportcsv), "
        f"{PLAIN.stat().st_size / 1024:.0f} KiB (plain)"
    )
    print(
        f"  Python peak allocation (tracemalloc): exportcsv {python_peak_mib(run_exportcsv):.0f} MiB, "
        f"plain {python_peak_mib(run_plain):.0f} MiB"
    )
    print(
        f"  peak RSS: manage.py exportcsv {process_peak_mib('exportcsv', 'milestones', '-o', str(OURS)):.0f} MiB"
    )
    for path in ("/ko/timeline/export.csv", "/ko/timeline/export.json"):
        size, streamed, peak = download_peak(path)
        how = "streamed" if streamed else "whole"
        print(f"  peak RSS: GET {path} {peak:.0f} MiB ({size / 1024:.0f} KiB, {how})")


if __name__ == "__main__":
    main()
