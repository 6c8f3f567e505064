"""A real worker (``manage.py db_worker``) in a process of its own, on a database of its own.

The worker and the commands run under production's settings with the database backend, on a
fresh SQLite file or, when the suite runs on PostgreSQL, a fresh PostgreSQL database beside
the test database: another process cannot see the suite's own test database (in memory, or
inside a transaction). Heartbeats are quick here (TIMELINE_JOB_* from the environment) so
that a killed worker's job is found silent in seconds.
"""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
STALE_SECONDS = 3

pytestmark = pytest.mark.slow


class WorkerDatabase:
    """A database for processes of their own, and a way to look into it from here."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        test_db = settings.DATABASES["default"]
        self.postgres = test_db["ENGINE"] == "django.db.backends.postgresql"
        if self.postgres:
            self.name = f"{test_db['NAME']}_worker"
            user, host, port = test_db["USER"], test_db["HOST"], test_db["PORT"] or 5432
            password = test_db.get("PASSWORD") or ""
            auth = f"{user}:{password}@" if password else f"{user}@"
            self.server = f"postgres://{auth}{host}:{port}"
            self.url = f"{self.server}/{self.name}"
            self.admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self.admin(f'CREATE DATABASE "{self.name}"')
        else:
            self.path = tmp / "worker.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    def query(self, sql: str, *params: object) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as connection:
                return connection.execute(sql.replace("?", "%s"), params).fetchall()
        with closing(sqlite3.connect(self.path, timeout=30)) as connection:
            return connection.execute(sql, params).fetchall()

    def writing(self) -> bool:
        """Whether some connection has an open write transaction now."""
        if self.postgres:
            rows = self.query(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = ? AND backend_xid IS NOT NULL AND query ILIKE 'INSERT%%'",
                self.name,
            )
            return rows[0][0] > 0
        # In write-ahead-log mode (the settings') a write leaves no -journal file: ask for
        # the write lock without waiting; only another open write transaction refuses it.
        try:
            with closing(sqlite3.connect(self.path, timeout=0, isolation_level=None)) as probe:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
        except sqlite3.OperationalError:
            return True
        return False

    def drop(self) -> None:
        if self.postgres:
            self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hrcity.settings",
            "DJANGO_ENV_FILE": "",
            "DJANGO_DEBUG": "0",
            "DJANGO_HTTPS": "0",
            "DJANGO_SECRET_KEY": "worker-test-only",
            "DATABASE_URL": self.url,
            "DJANGO_CACHE_DIR": str(self.tmp / "cache"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_JOB_HEARTBEAT_SECONDS": "0.3",
            "DJANGO_JOB_STALE_SECONDS": str(STALE_SECONDS),
            "REDIS_URL": "",
        }

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=check,
        )

    def worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    database = WorkerDatabase(tmp_path_factory.mktemp("worker"))
    database.manage("migrate", "--no-input", "-v", "0")
    folder = database.tmp
    (folder / "years.csv").write_text("year\n2014\n")
    (folder / "initiatives.csv").write_text("slug,name_en,initiative_type\nforum,Forum,forum\n")
    database.manage("importcsv", "years", str(folder / "years.csv"))
    database.manage("importcsv", "initiatives", str(folder / "initiatives.csv"))
    yield database
    database.drop()


def milestones(folder: Path, name: str, rows: int) -> Path:
    path = folder / name
    lines = ["year,slug,title_en,initiative"]
    lines += [f"2014,{name[:-4]}-{n},Milestone {n},forum" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def queue(database: WorkerDatabase, path: Path) -> int:
    out = database.manage("importcsv", "milestones", str(path), "--background").stdout
    assert "importstatus" in out, out
    return int(re.search(r"importstatus (\d+)", out)[1])  # "... importstatus 12 ..."


def state_of(database: WorkerDatabase, job: int) -> str:
    return database.query("SELECT state FROM timeline_importjob WHERE id = ?", job)[0][0]


def wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def milestone_count(database: WorkerDatabase) -> int:
    return database.query("SELECT count(*) FROM timeline_milestone")[0][0]


def test_a_worker_runs_a_queued_import_to_the_end(database):
    job = queue(database, milestones(database.tmp, "small.csv", 50))
    assert state_of(database, job) == "queued"  # the command returned at once

    worker = database.worker()
    try:
        wait_for(lambda: state_of(database, job) not in ("queued", "checking", "writing"))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    assert state_of(database, job) == "confirmed"
    counts = database.query(
        "SELECT count_new, length(data), started IS NOT NULL FROM timeline_importjob WHERE id = ?",
        job,
    )
    assert counts[0][:2] == (50, 0)
    status = database.manage("importstatus", str(job))
    assert "새 기록 50건" in status.stdout  # the command speaks the site's language


def test_a_worker_killed_while_writing_leaves_nothing_written_and_the_job_failed(database):
    before = milestone_count(database)
    job = queue(database, milestones(database.tmp, "killed.csv", 30_000))

    worker = database.worker()
    try:
        # Killed inside the import's transaction: the job is writing and rows are going in.
        wait_for(lambda: state_of(database, job) == "writing" and database.writing())
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    assert milestone_count(database) == before
    assert state_of(database, job) == "writing"  # nobody has noticed yet
    time.sleep(STALE_SECONDS + 0.5)
    status = database.manage("importstatus", str(job), check=False)
    assert status.returncode == 1
    assert state_of(database, job) == "failed"
    reason = database.query("SELECT reason FROM timeline_importjob WHERE id = ?", job)[0][0]
    assert reason and reason in status.stderr  # the worker stopped answering: said plainly
    assert milestone_count(database) == before


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("how", ["ends", "is stopped"])
def test_the_worker_beside_the_server_stops_with_it(database, how):
    """What `make run` and `make serve` do: scripts/with_worker.py starts a worker beside
    the server and stops it when the server ends, or when the script itself is stopped."""
    server = [sys.executable, "-c", "import time; time.sleep(3 if %r else 60)" % (how == "ends")]
    script = subprocess.Popen(
        [sys.executable, "scripts/with_worker.py", *server],
        cwd=ROOT,
        env=database.env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    line = script.stdout.readline()  # "Background worker started (pid 1234)."
    worker = int(line.split("pid ")[1].split(")")[0])
    assert alive(worker)
    if how == "is stopped":
        time.sleep(1)
        script.send_signal(signal.SIGTERM)

    assert script.wait(timeout=30) is not None
    script.stdout.close()
    assert not alive(worker)


def test_make_worker_starts_its_worker_again_if_it_dies(database):
    """`make worker` (scripts/with_worker.py alone) keeps one worker running until stopped."""
    script = subprocess.Popen(
        [sys.executable, "scripts/with_worker.py"],
        cwd=ROOT,
        env=database.env(),
        stdout=subprocess.PIPE,
        text=True,
    )

    def next_worker():
        line = script.stdout.readline()
        while "pid" not in line:
            line = script.stdout.readline()
        return int(line.split("pid ")[1].split(")")[0])

    first = next_worker()
    os.kill(first, signal.SIGKILL)
    second = next_worker()
    assert second != first and alive(second)

    script.send_signal(signal.SIGTERM)
    assert script.wait(timeout=30) == 0
    script.stdout.close()
    assert not alive(second)
