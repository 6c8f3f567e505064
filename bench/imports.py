"""``importcsv`` of 10,000 milestones, against a raw bulk_create and the stock library.

    python bench/imports.py          (or: make bench-import)

The file: ``exportcsv milestones`` of 10,000 synthetic milestones (generate_demo_data).
Before every timed run the milestones are deleted (raw SQL, no signals), so each run
imports 10,000 *new* milestones into a database that holds their years and subjects.

* ``importcsv``: the command, in this process (``call_command``), file read included.
* ``bulk_create``: the least any import can do for the same rows: ``csv.DictReader`` over
  the same file, one dict lookup per related slug, ``Milestone(...)`` and
  ``bulk_create`` (base manager, batches of 500); no validation, no error reporting.
* stock: a plain ``ModelResource`` for Milestone with django-import-export's defaults
  (``import_data`` of the stock resource's own export, id column included), run once. Its
  one change: the year column looks years up by ``year`` (the stock widget would look the
  year number up as a primary key and fail every row).

Runs alternate; the medians and ratios are printed (goals: importcsv within 3× of
bulk_create, at least 3× faster than stock). Then the number of SQL statements the
command runs, its Python peak allocation (tracemalloc, in a separate untimed run) and the
peak resident memory of ``manage.py importcsv`` in its own process.
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

CSV_FILE = RESULTS / "milestones.csv"


def delete_milestones():
    from django.db import connection

    from timeline.models import Citation, Milestone

    Citation.objects.all()._raw_delete(connection.alias)
    Milestone.objects.all()._raw_delete(connection.alias)


def run_importcsv():
    from django.core.management import call_command

    call_command(
        "importcsv", "milestones", str(CSV_FILE), stdout=io.StringIO(), stderr=io.StringIO()
    )


def run_bulk_create():
    from timeline.models import Initiative, Institution, Milestone, Policy

    ids = {
        field: dict(model.objects.values_list("slug", "pk"))
        for field, model in (
            ("initiative", Initiative),
            ("policy", Policy),
            ("institution", Institution),
        )
    }
    with open(CSV_FILE, encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        milestones = [
            Milestone(
                year_id=int(row["year"]),
                order=int(row["order"] or 0),
                slug=row["slug"],
                date=row["date"] or None,
                date_precision=row["date_precision"],
                title_ko=row["title_ko"],
                title_en=row["title_en"],
                summary_ko=row["summary_ko"],
                summary_en=row["summary_en"],
                note_ko=row["note_ko"],
                note_en=row["note_en"],
                is_published=row["is_published"].lower() in ("true", "1", "yes"),
                **{f"{field}_id": ids[field][row[field]] for field in ids if row[field]},
            )
            for row in reader
        ]
    # The base manager, as the engine uses: modeltranslation's manager rewrites every field.
    Milestone._base_manager.bulk_create(milestones, batch_size=500)


def stock_resource():
    from import_export.fields import Field
    from import_export.resources import ModelResource
    from import_export.widgets import ForeignKeyWidget

    from timeline.models import Milestone, Year

    class StockMilestoneResource(ModelResource):
        # The one change from the defaults: Milestone.year points at Year.year (to_field),
        # which the stock widget ignores (it looks the year number up as a primary key).
        year = Field(attribute="year", column_name="year", widget=ForeignKeyWidget(Year, "year"))

        class Meta:
            model = Milestone

    return StockMilestoneResource()


def timed(function, count):
    from timeline.models import Milestone

    delete_milestones()
    started = time.perf_counter()
    function()
    elapsed = time.perf_counter() - started
    imported = Milestone.objects.count()
    if imported != count:
        raise SystemExit(f"{function.__name__} left {imported} milestones, not {count}")
    return elapsed


def statements_of_import():
    """SQL statements the command sends (an executemany counts once), and rows written."""
    from django.db import connection

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql.split(None, 1)[0].upper())
        return execute(sql, params, many, context)

    delete_milestones()
    with connection.execute_wrapper(count):
        run_importcsv()
    return statements


def python_peak_mib():
    import tracemalloc

    delete_milestones()
    tracemalloc.start()
    run_importcsv()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024 / 1024


# VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would count the (large) benchmark
# process this one was forked from.
PEAK_RSS_SCRIPT = """
import sys
import django
django.setup()
from django.core.management import call_command
call_command(*sys.argv[1:])
print([line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")][0])
"""


def process_peak_mib(*args):
    """Peak RSS (MiB) of a fresh process that sets Django up and runs ``manage.py *args``."""
    result = subprocess.run(
        [PYTHON, "-c", PEAK_RSS_SCRIPT, *args],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return int(result.stdout.split()[-1]) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-stock", action="store_true", help="the stock import takes long")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    print(f"bench-import · {machine()}")
    if not args.skip_setup:
        prepare_database(args.rows)
    setup_django()
    from timeline.transfer import resources

    CSV_FILE.write_bytes(resources.export_file("milestones"))
    stock = stock_resource()
    stock_dataset = stock.export()
    print(
        f"{args.rows} milestones, {CSV_FILE.stat().st_size / 1024:.0f} KiB CSV; {args.repeat} alternating runs"
    )

    times = {"importcsv": [], "bulk_create": []}
    for _ in range(args.repeat):
        times["importcsv"].append(timed(run_importcsv, args.rows))
        times["bulk_create"].append(timed(run_bulk_create, args.rows))
    ours, raw = median(times["importcsv"]), median(times["bulk_create"])
    print(
        f"  importcsv     {ours:7.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times['importcsv'])})"
    )
    print(
        f"  bulk_create   {raw:7.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times['bulk_create'])})"
    )
    ratio = ours / raw
    print(
        f"  importcsv ÷ bulk_create: {ratio:.2f}×   goal ≤ 3×: {verdict(ratio, 3, higher_is_better=False)}"
    )
    if not args.skip_stock:

        def stock_import():
            result = stock.import_data(stock_dataset, dry_run=False)
            if result.has_errors() or result.has_validation_errors():
                raise SystemExit("the stock import reported errors")

        stock_time = timed(stock_import, args.rows)
        speedup = stock_time / ours
        print(f"  stock ModelResource {stock_time:7.2f} s")
        print(f"  stock ÷ importcsv: {speedup:.1f}×   goal ≥ 3×: {verdict(speedup, 3)}")

    statements = statements_of_import()
    kinds = {kind: statements.count(kind) for kind in sorted(set(statements))}
    print(
        f"  SQL statements in one importcsv of {args.rows} rows: {len(statements)} "
        f"({', '.join(f'{n} {kind}' for kind, n in kinds.items())}; executemany counts once)"
    )
    print(f"  Python peak allocation during importcsv (tracemalloc): {python_peak_mib():.0f} MiB")
    delete_milestones()
    baseline = process_peak_mib("check")
    delete_milestones()
    peak = process_peak_mib("importcsv", "milestones", str(CSV_FILE))
    print(f"  peak RSS: manage.py importcsv {peak:.0f} MiB (manage.py check: {baseline:.0f} MiB)")


if __name__ == "__main__":
    main()
