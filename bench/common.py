"""What the benchmarks share: a bench database, the production environment, figures.

Every benchmark measures its subject and its baseline side by side in the same run, in
alternating rounds, and prints the ratio: the machine is shared and noisy, so absolute
times alone mean little.

The bench database is a SQLite file in bench/results/ (git-ignored), rebuilt by each run
with ``generate_demo_data``; set ``DATABASE_URL`` to benchmark PostgreSQL instead (its
timeline tables are emptied and refilled: never point it at real data).
"""

import datetime
import os
import platform
import secrets
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEMO_MILESTONES = 10_000
VACUUM = "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"


def database_url():
    return os.environ.get("DATABASE_URL") or f"sqlite:///{RESULTS / 'bench.sqlite3'}"


def production_env(**overrides):
    """Production settings (DEBUG off, manifest static files), plain HTTP, the bench DB."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=str(RESULTS / "static"),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url(),
        PYTHONPATH=str(ROOT),
    )
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def manage(*args, **env):
    """Run ``manage.py *args`` under production_env; raises with its output if it fails."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *map(str, args)],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(map(str, args))} failed:\n{result.stderr}")
    return result


COUNT_DEMO = (
    "from timeline.models import Milestone; "
    "print(Milestone.objects.count(), Milestone.objects.filter(slug__startswith='demo-').count())"
)


def demo_milestones_in_database():
    """How many milestones the bench database holds if all are synthetic, else None."""
    try:
        counted = manage("shell", "-c", COUNT_DEMO).stdout.split()
    except SystemExit:  # no database yet, or not migrated
        return None
    total, demo = (int(number) for number in counted[-2:])
    return total if total == demo else None


def prepare_database(milestones=DEMO_MILESTONES, static=False, reuse=False):
    """A migrated bench database holding exactly the synthetic record (and static files).

    With ``reuse``, a database that already holds exactly ``milestones`` synthetic
    milestones (and nothing else) is kept: building 100,000 takes minutes.
    """
    RESULTS.mkdir(exist_ok=True)
    print(f"bench database: {database_url()} ({milestones} demo milestones)", flush=True)
    if reuse and demo_milestones_in_database() == milestones:
        print("  reused: it holds exactly those milestones", flush=True)
        manage("migrate", "--no-input")
    else:
        if database_url().startswith("sqlite:"):
            (RESULTS / "bench.sqlite3").unlink(missing_ok=True)
        manage("migrate", "--no-input")
        manage("generate_demo_data", "--milestones", milestones)
        if not database_url().startswith("sqlite:"):
            # What autovacuum would do after a bulk insert: fresh statistics, GIN pending
            # lists merged. Without it PostgreSQL plans as if the tables were empty.
            manage("shell", "-c", VACUUM)
    if static:
        manage("collectstatic", "--no-input", "-v", "0")


def setup_django(**overrides):
    """Django in this process, on the bench database and production settings."""
    os.environ.update(production_env(**overrides))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def machine():
    """One line saying what ran the benchmark."""
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    database = database_url().split(":", 1)[0]
    return (
        f"{datetime.date.today().isoformat()} · {os.cpu_count()} CPUs{memory} · "
        f"Python {platform.python_version()} · {database}"
    )


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


def median(values):
    return statistics.median(values) if values else float("nan")


def verdict(ratio, goal, higher_is_better=True):
    met = ratio >= goal if higher_is_better else ratio <= goal
    return "MET" if met else "MISSED"


def peak_rss_mib(pid):
    """The peak resident memory (VmHWM) of a live process, in MiB, or None."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid):
    """Direct children of a process (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found
