"""How long refusing each hostile workbook takes, and how much memory (issue 13.3).

    python bench/hostile.py [--rounds 3]

Each file of tests/hostile_files.py is built at a small and a large declared size (rows,
or megabytes unpacked) and written to a temporary file; a fresh process per file sets
Django up and reads it with ``spreadsheets.read_table``, the reader behind the admin's
Import and ``importcsv``. Printed per file: what the reader said, the best wall time of
``--rounds`` reads, Python's peak allocation during one read (``tracemalloc``) and the
process's peak RSS (``ru_maxrss``) against its RSS before the first read. The goal: under
2 s and 200 MB each, and flat from the small size to the large one. No database is used.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, production_env
from tests.hostile_files import HOSTILE

GOAL_SECONDS = 2.0
GOAL_MEGABYTES = 200

# Run in the child: Django set up as in production, then the file read ``rounds`` times.
MEASURE = """
import json, resource, sys, time, tracemalloc
import django
django.setup()
from django.utils import translation
from timeline.transfer import spreadsheets, tables

translation.activate("en")

path, rounds = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()

def read():
    try:
        table = spreadsheets.read_table(data, filename=path)
    except tables.SpreadsheetError as error:
        return "refused: " + str(error)
    return f"read: {len(table.headers)} columns, {len(table.rows)} rows"

def rss_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

before = rss_kib()
times = []
for _ in range(rounds):
    start = time.perf_counter()
    outcome = read()
    times.append(time.perf_counter() - start)
peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
read()
traced = tracemalloc.get_traced_memory()[1]
print(json.dumps({"outcome": outcome, "seconds": min(times), "traced": traced,
                  "rss_before": before * 1024, "rss_peak": peak_rss * 1024}))
"""


def measure(path: Path, rounds: int) -> dict:
    result = subprocess.run(
        [PYTHON, "-c", MEASURE, str(path), str(rounds)],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def megabytes(size: float) -> str:
    return f"{size / (1024 * 1024):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    print(
        "| file | declared size | on disk | refused with | time (s) | tracemalloc peak (MB) | peak RSS (MB), growth |"
    )
    print("|---|---|---|---|---|---|---|")
    worst_time = worst_memory = 0.0
    with tempfile.TemporaryDirectory() as directory:
        for name, (make, *sizes) in HOSTILE.items():
            for size in sizes:
                path = Path(directory) / f"{name}-{size}.xlsx"
                path.write_bytes(make(size))
                figures = measure(path, rounds)
                growth = figures["rss_peak"] - figures["rss_before"]
                worst_time = max(worst_time, figures["seconds"])
                worst_memory = max(worst_memory, growth / (1024 * 1024))
                unit = "MB" if name.startswith("packed") else "rows"
                print(
                    f"| {name} | {size:,} {unit} | {path.stat().st_size / 1024:,.0f} KiB "
                    f"| {figures['outcome'][:70]} | {figures['seconds']:.3f} "
                    f"| {megabytes(figures['traced'])} "
                    f"| {megabytes(figures['rss_peak'])}, {growth / (1024 * 1024):+.1f} |",
                    flush=True,
                )
    verdict = worst_time < GOAL_SECONDS and worst_memory < GOAL_MEGABYTES
    print(
        f"\nWorst: {worst_time:.3f} s, +{worst_memory:.1f} MB RSS; goal under {GOAL_SECONDS} s "
        f"and {GOAL_MEGABYTES} MB: {'met' if verdict else 'NOT met'}."
    )


if __name__ == "__main__":
    main()
