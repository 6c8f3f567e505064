"""The query plans of every public page at 10,000 milestones: which use an index, which scan.

    python bench/explain.py                     (SQLite bench database)
    DATABASE_URL=postgres://... python bench/explain.py

Each page is requested once through Django's test client; every query it runs is shown
with its plan (SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN ANALYZE``). Lines where
a large table (milestones, subjects) is read whole are marked ``<-- full scan``.
"""

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, prepare_database, setup_django

PAGES = [
    "/ko/",
    "/ko/timeline/",
    "/ko/timeline/?page=3",
    "/ko/timeline/?theme=demo-theme-1",
    "/ko/timeline/?year=2012",
    "/ko/timeline/?year_min=2000&year_max=2010",
    "/ko/timeline/?kind=policy",
    "/ko/timeline/?q=인권",
    "/en/timeline/?q=ordinance programme",
    "/ko/years/2012/",
    "/ko/timeline/2012/demo-milestone-4000/",
    "/ko/initiatives/",
    "/ko/policies/?q=조례",
    "/ko/institutions/?theme=demo-theme-1",
    "/ko/initiatives/demo-initiative-9/",
]
LARGE = ("timeline_milestone", "timeline_initiative", "timeline_policy", "timeline_institution")
SQLITE_SCAN = re.compile(r"\bSCAN (\w+)(?! USING (?:COVERING )?INDEX)")
PG_SCAN = re.compile(r"Seq Scan on (\w+)")


def plan(connection, sql):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING ON, SUMMARY ON) {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return [row[0] for row in rows]
    return [row[-1] for row in rows]


def flag(line):
    scan = SQLITE_SCAN.search(line) or PG_SCAN.search(line)
    if scan and scan.group(1) in LARGE:
        return f"{line}   <-- full scan"
    return line


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-setup", action="store_true", help="reuse the bench database")
    parser.add_argument("pages", nargs="*", help="addresses (default: every public page)")
    args = parser.parse_args()
    if not args.skip_setup:
        prepare_database()
    # Plans do not depend on how static files are named: no collectstatic needed.
    setup_django(DJANGO_DEBUG=1)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    print(f"bench-explain · {machine()}")
    client = Client(HTTP_HOST="127.0.0.1")
    for address in args.pages or PAGES:
        with CaptureQueriesContext(connection) as queries:
            status = client.get(address).status_code
        print(f"\n=== {address}  ({status}, {len(queries)} queries)")
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            print(f"--- {query['time']}s  {sql[:160]}{'…' if len(sql) > 160 else ''}")
            for line in plan(connection, sql):
                print(f"      {flag(line)}")


if __name__ == "__main__":
    main()
