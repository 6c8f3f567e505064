"""The task path's overhead: a milestone import through a worker against the same in-process.

    python bench/jobs.py              (or: make bench-jobs; --rows 20000 for a quicker run)

The file: ``exportcsv milestones`` of the 10,000 synthetic milestones (generate_demo_data),
repeated with new slugs to ``--rows`` rows (100,000 by default: the documented row limit),
without the long text columns (summaries, notes, sources), which would take 100,000 demo
rows past the 20 MB limit.
Before every timed run the milestones are deleted (raw SQL), so each run imports every row
as new, as bench/imports.py does.

* in-process: ``importcsv milestones FILE`` in this process (``call_command``), as the admin
  runs a small file in its request: file read, checks, the all-or-nothing write, history.
* worker: ``importcsv milestones FILE --background`` in this process (the job and its file
  stored, the task enqueued), then the wait until a ``manage.py db_worker`` already running
  in its own process (started for the run, before the clock) has taken the task and
  finished the job (the job's state polled every 20 ms). So it counts everything a staff member waits for: storing the file, the queue, the
  worker's poll interval (0.1 s here, 1 s by default), its progress writes and heartbeat.

Runs alternate; the medians and the ratio are printed. Then the worker's peak resident memory
(VmHWM of the worker process after its run; the largest of the runs) against an idle worker's.
"""

import argparse
import io
import signal
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
    peak_rss_mib,
    prepare_database,
    production_env,
    setup_django,
)
from bench.imports import delete_milestones

CSV_FILE = RESULTS / "jobs-milestones.csv"
POLL_SECONDS = 0.02
LONG_COLUMNS = {"summary_ko", "summary_en", "note_ko", "note_en", "sources"}


def write_file(rows, path=CSV_FILE):
    """The demo milestones' export, repeated with new slugs to ``rows`` rows (also the file
    of bench/admin_import.py)."""
    from timeline.transfer import resources, spreadsheets, writers

    table = spreadsheets.read_table(resources.export_file("milestones"), "milestones.csv")
    kept = [i for i, name in enumerate(table.headers) if name not in LONG_COLUMNS]
    slug = table.headers.index("slug")
    out = []
    for n in range(rows):
        row = list(table.rows[n % len(table.rows)])
        row[slug] = f"{row[slug]}-{n // len(table.rows)}"
        out.append([row[i] for i in kept])
    headers = [table.headers[i] for i in kept]
    path.write_bytes(writers.WRITERS["csv"][0](headers, out))


def run_in_process(rows):
    from django.core.management import call_command

    call_command(
        "importcsv", "milestones", str(CSV_FILE), stdout=io.StringIO(), stderr=io.StringIO()
    )


def run_through_worker(rows):
    from django.core.management import call_command
    from django.db import OperationalError

    from timeline.models import ImportJob

    call_command("importcsv", "milestones", str(CSV_FILE), "--background", stdout=io.StringIO())
    job = ImportJob.objects.latest("pk")
    while job.is_active:
        time.sleep(POLL_SECONDS)
        try:
            job.refresh_from_db(fields=["state"])
        except OperationalError:
            continue  # SQLite: the worker's write transaction holds the lock; ask again
    if job.state != ImportJob.State.CONFIRMED:
        raise SystemExit(f"the worker's job ended {job.state}: {job.reason} {job.problems[:3]}")


def start_worker():
    """``manage.py db_worker`` in its own process, once Django is set up in it.

    Heartbeats as in production; a stale limit far above any run, so none is given up.
    """
    worker = subprocess.Popen(
        [
            PYTHON,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        cwd=ROOT,
        env=production_env(DJANGO_JOB_STALE_SECONDS=3600),
    )
    time.sleep(5)
    return worker


def timed(function, rows):
    from timeline.models import Milestone

    delete_milestones()
    started = time.perf_counter()
    function(rows)
    elapsed = time.perf_counter() - started
    imported = Milestone.objects.count()
    if imported != rows:
        raise SystemExit(f"{function.__name__} left {imported} milestones, not {rows}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-setup", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    print(f"bench-jobs · {machine()}")
    if not args.skip_setup:
        prepare_database()
    setup_django()
    write_file(args.rows)
    print(
        f"{args.rows} milestones, {CSV_FILE.stat().st_size / 1024 / 1024:.1f} MiB CSV; "
        f"{args.repeat} alternating runs"
    )
    times = {"in-process": [], "worker": []}
    peaks, idles = [], []
    for _ in range(args.repeat):
        times["in-process"].append(timed(run_in_process, args.rows))
        # A fresh worker for each run, started before the clock: on SQLite an idle worker
        # exits when an in-process import holds the database lock for more than 5 seconds
        # (README "Background jobs"), and its peak memory is then this run's alone.
        worker = start_worker()
        try:
            idles.append(peak_rss_mib(worker.pid))
            times["worker"].append(timed(run_through_worker, args.rows))
            peaks.append(peak_rss_mib(worker.pid))
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
    peak, idle = max(peaks), max(idles)
    delete_milestones()
    for name, runs in times.items():
        print(f"  {name:10} {median(runs):7.2f} s   (runs: {', '.join(f'{t:.2f}' for t in runs)})")
    ratio = median(times["worker"]) / median(times["in-process"])
    print(f"  worker ÷ in-process: {ratio:.2f}×")
    print(f"  worker peak RSS: {peak:.0f} MiB (idle worker: {idle:.0f} MiB)")


if __name__ == "__main__":
    main()
