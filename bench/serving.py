"""What the HTTP benchmarks share: gunicorn on the bench database, wrk, Redis, one request.

The server is the production stack (bench/common.py's production_env: DEBUG off, manifest
static files) under the project's own gunicorn.conf.py, with Redis as the cache, as in
production. The load generator is ``wrk``, a compiled client (one thread, a few connections):
on two cores a Python load generator was the bottleneck, not the server (it capped the trivial
view at 310–420 req/s where wrk reaches 870–1,640).
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from bench.common import PYTHON, RESULTS, ROOT, children, median, peak_rss_mib, production_env

HOST = "127.0.0.1"
TRIVIAL = "/bench/trivial"
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
WRK_MARK = "WRK-JSON "
REDIS_DB = 14  # a database of the bench's own: it is flushed at the start of each server
# Requests slower than wrk's default 2 s timeout would be counted as errors and left out of
# the latencies; gunicorn's own timeout (30 s) is the one that matters.
WRK_TIMEOUT = "30s"


def ensure_wrk() -> str:
    """The path of ``wrk``; installs the Debian package when running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk", flush=True)
        install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
        if subprocess.run(install, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
            subprocess.run(install, capture_output=True, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit(
        "The benchmarks need wrk, an HTTP load generator in C (https://github.com/wg/wrk): "
        "`sudo apt-get install wrk` on Debian/Ubuntu, `brew install wrk` on macOS. "
        "A Python load generator on the same cores would measure itself, not the server."
    )


def redis_url(database: int = REDIS_DB) -> str:
    base = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
    return f"{base.rstrip('/')}/{database}"


def flush_redis(url: str) -> None:
    """Empty the bench's Redis database (never another one: the URL names its number)."""
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as error:
        raise SystemExit(f"Redis at {url} is not reachable ({error}); set BENCH_REDIS") from error


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def page_cache(self) -> str:
        """What the page cache said (hit, miss, skip, bypass), or "-" if it was not asked."""
        return self.headers.get("X-Page-Cache", "-")


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> Response:
    """One GET on a new connection, timed from connect to the last byte of the body."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        # The Host header wrk and browsers send (with the port): the page cache's key holds
        # the host, so this request and wrk's load share one entry.
        connection.request("GET", path, headers={"Host": f"{HOST}:{port}", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        return Response(response.status, dict(response.getheaders()), body, elapsed)
    finally:
        connection.close()


class Server:
    """gunicorn with the project's gunicorn.conf.py, on the bench database and settings."""

    def __init__(self, label: str, workers: int | None = None, **env: Any) -> None:
        self.label = label
        self.port = free_port()
        environment = production_env(HOST=HOST, PORT=self.port, **env)
        if workers:
            environment["WEB_CONCURRENCY"] = str(workers)
        self.log = open(RESULTS / f"gunicorn-{label}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,  # the access log: one line per request, for all alike
            stderr=self.log,
        )

    def __enter__(self) -> "Server":
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log.name}")
            try:
                if fetch(self.port, TRIVIAL).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start in 60 s")

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def worker_peak_rss(self) -> float:
        peaks = [peak_rss_mib(pid) for pid in children(self.process.pid)]
        return max((peak for peak in peaks if peak), default=float("nan"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@dataclass
class Load:
    """What one wrk run saw."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(
    url: str, seconds: float, threads: int, connections: int, headers: Sequence[str] = ()
) -> Load:
    """Load ``url`` for ``seconds`` with wrk, each request with ``headers`` ("Name: value");
    the Lua script reports its summary as JSON."""
    command = [
        ensure_wrk(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={WRK_TIMEOUT}",
        f"--script={WRK_SCRIPT}",
        *(f"--header={header}" for header in headers),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith(WRK_MARK)]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    summary = json.loads(lines[-1][len(WRK_MARK) :])
    errors = summary["errors"]
    return Load(
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        # Non-2xx/3xx answers, timeouts, refused or cut connections: any of them is a failure.
        errors=sum(errors[kind] for kind in ("connect", "read", "write", "status", "timeout")),
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
    )


class VersionBumper:
    """Retires every cached page and part, as an edit would, on demand.

    One long-lived Python process with Django set up on the server's settings (same Redis
    database, same key prefix) calls ``bump_content_version()`` for each line it reads, so a
    bump costs a Redis SET, not a Django start-up. No management command is involved.
    """

    CODE = (
        "import sys, django; django.setup()\n"
        "from timeline.caching.version import bump_content_version\n"
        "print('ready', flush=True)\n"
        "for _line in sys.stdin:\n"
        "    bump_content_version(); print('bumped', flush=True)\n"
    )

    def __init__(self, **env: Any) -> None:
        self.process = subprocess.Popen(
            [PYTHON, *self.arguments()],
            cwd=ROOT,
            env=production_env(**env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._expect("ready")

    def arguments(self) -> list[str]:
        """What the helper process runs, after ``python``."""
        return ["-c", self.CODE]

    def _expect(self, word: str) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if line != word:
            raise SystemExit(f"the content-version helper said {line!r}, expected {word!r}")

    def bump(self) -> float | None:
        """Replace the version; nothing to wait for (None)."""
        assert self.process.stdin is not None
        self.process.stdin.write("bump\n")
        self.process.stdin.flush()
        self._expect("bumped")
        return None

    def __enter__(self) -> "VersionBumper":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


class Worker:
    """``manage.py db_worker`` beside the server, on its settings, as ``make serve`` runs one."""

    def __init__(self, label: str, **env: Any) -> None:
        self.log = open(RESULTS / f"worker-{label}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, str(ROOT / "manage.py"), "db_worker", "--no-startup-delay"],
            cwd=ROOT,
            env=production_env(**env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # it finishes the task it runs
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Editor(VersionBumper):
    """Makes a real edit of one milestone and waits for the worker's warm-up (bench/edits.py).

    ``bump()`` answers the seconds from the save to the end of the warm-up job.
    """

    def __init__(self, milestone_id: int, **env: Any) -> None:
        self.milestone_id = milestone_id
        super().__init__(**env)

    def arguments(self) -> list[str]:
        return ["-m", "bench.edits"]

    def bump(self) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{self.milestone_id}\n")
        self.process.stdin.flush()
        answer, seconds = self.process.stdout.readline().split()
        if answer != "warmed":
            raise SystemExit(f"no warm-up finished {seconds} s after the edit: is the worker up?")
        return float(seconds)


def measure_cold(
    server: Server, change: VersionBumper, addresses: dict[str, str], rounds: int
) -> list[dict[str, Any]]:
    """The first request to each address after a change, against warm ones.

    Before each timed first request the change is made again (``change.bump()``): the content
    version replaced (nothing of the page stored, neither the page nor its parts), or a real
    edit followed by the worker's warm-up (``Editor``: its seconds are kept, ``warm_up_s``);
    the warm figure is the median of the three requests that follow. Medians over ``rounds``.
    """
    timings: dict[str, dict[str, list[Any]]] = {
        name: {
            "cold_ms_each": [],
            "warm_ms_each": [],
            "cold_page_cache_each": [],
            "warm_up_s_each": [],
        }
        for name in addresses
    }
    for _ in range(rounds):
        for name, path in addresses.items():
            fetch(server.port, path)  # stored, so the change really retires something
            waited = change.bump()
            first = fetch(server.port, path)
            if first.status != 200:
                raise SystemExit(f"{name} ({path}) answered {first.status} after the change")
            warm = [fetch(server.port, path).seconds for _ in range(3)]
            timings[name]["cold_ms_each"].append(1000 * first.seconds)
            timings[name]["warm_ms_each"].append(1000 * median(warm))
            timings[name]["cold_page_cache_each"].append(first.page_cache)
            if waited is not None:
                timings[name]["warm_up_s_each"].append(waited)
    results = []
    for name, path in addresses.items():
        cold, warm = median(timings[name]["cold_ms_each"]), median(timings[name]["warm_ms_each"])
        results.append(
            {
                "name": name,
                "path": path,
                "bytes": len(fetch(server.port, path).body),
                "cold_ms": cold,
                "warm_ms": warm,
                "cold_over_warm": cold / warm,
                "cold_page_cache": sorted(set(timings[name]["cold_page_cache_each"])),
                "warm_up_s": median(timings[name]["warm_up_s_each"])
                if timings[name]["warm_up_s_each"]
                else None,
                **timings[name],
            }
        )
    return results


def write_results(name: str, results: dict[str, Any]) -> Path:
    """bench/results/NAME-<milestones>-<time>.json (git-ignored), for the README's tables."""
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{name}-{results['milestones']}-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return path
