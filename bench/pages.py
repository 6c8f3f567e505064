"""Throughput of the timeline page under gunicorn, against a trivial view, side by side.

    python bench/pages.py            (or: make bench-pages)

The page: ``/ko/timeline/?theme=demo-theme-1`` (first page, a theme filter) on 10,000
synthetic milestones. The baseline: ``/bench/trivial`` (bench/urls.py), a view that returns
two bytes through the same gunicorn, settings and middleware. Both are served by the
production stack (DEBUG off, manifest static files, gunicorn.conf.py's workers), once with
the page cache off and once with it on; in each, the two addresses are loaded in alternating
rounds by the same client processes, and the ratio page ÷ trivial is printed with p50/p99
latency and each worker's peak memory. Goals (issue 5): ≥ 0.30 uncached, ≥ 0.80 cached.

The load generator is plain Python (http.client, one process per client, loopback only,
bounded by time and by request count); gunicorn's sync workers close every connection, so
each request opens a new one, for both addresses alike.
"""

import argparse
import http.client
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    PYTHON,
    RESULTS,
    ROOT,
    children,
    machine,
    median,
    peak_rss_mib,
    percentile,
    prepare_database,
    production_env,
    verdict,
)

PAGE = "/ko/timeline/?theme=demo-theme-1"
TRIVIAL = "/bench/trivial"
GOALS = {"uncached": 0.30, "cached": 0.80}
HOST = "127.0.0.1"
MAX_REQUESTS_PER_CLIENT_ROUND = 20_000


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def fetch(port, path):
    """(status, headers, body) of one GET on a new connection."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def client(port, path, seconds):
    """One client: sequential requests for ``seconds``; returns (latencies, errors)."""
    latencies, errors = [], 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and len(latencies) < MAX_REQUESTS_PER_CLIENT_ROUND:
        started = time.perf_counter()
        try:
            status, _headers, _body = fetch(port, path)
        except OSError:
            errors += 1
            continue
        if status != 200:
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
    return latencies, errors


class Server:
    """gunicorn with the project's gunicorn.conf.py, on the bench database and settings."""

    def __init__(self, cached, workers):
        self.port = free_port()
        env = production_env(
            HOST=HOST, PORT=self.port, DJANGO_PAGE_CACHE_SECONDS=3600 if cached else 0
        )
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        self.log = open(RESULTS / f"gunicorn-{'cached' if cached else 'uncached'}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,  # the access log: one line per request, for both alike
            stderr=self.log,
        )

    def wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log.name}")
            try:
                if fetch(self.port, TRIVIAL)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start in 60 s")

    def worker_peak_rss(self):
        peaks = [peak_rss_mib(pid) for pid in children(self.process.pid)]
        return max((peak for peak in peaks if peak), default=float("nan"))

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def check_page(port, cached):
    status, headers, body = fetch(port, PAGE)
    if status != 200 or "demo" not in body.decode().lower():
        raise SystemExit(f"{PAGE} answered {status}; is the bench database ready?")
    state = headers.get("X-Page-Cache", "none")
    expected = "hit" if cached else "none"
    if state != expected:
        raise SystemExit(f"{PAGE} was served with X-Page-Cache: {state}, expected {expected}")
    return len(body)


def measure(server, pool, clients, rounds, seconds, cached):
    """Alternating short slices of page and trivial load; per-slice throughputs kept, so a
    change in the machine's background load hits both sides of a pair alike."""
    for _ in range(10 * (os.cpu_count() or 1)):  # every worker renders (and caches) once
        fetch(server.port, PAGE)
        fetch(server.port, TRIVIAL)
    page_bytes = check_page(server.port, cached)
    latencies = {PAGE: [], TRIVIAL: []}
    rates = {PAGE: [], TRIVIAL: []}
    errors = 0
    for number in range(rounds):
        order = (PAGE, TRIVIAL) if number % 2 == 0 else (TRIVIAL, PAGE)
        for path in order:
            started = time.perf_counter()
            outcome = pool.starmap(client, [(server.port, path, seconds)] * clients)
            elapsed = time.perf_counter() - started
            done = 0
            for client_latencies, client_errors in outcome:
                latencies[path] += client_latencies
                done += len(client_latencies)
                errors += client_errors
            rates[path].append(done / elapsed)
    return latencies, rates, errors, page_bytes


def report(mode, latencies, rates, errors, page_bytes, rss):
    for path in (PAGE, TRIVIAL):
        print(
            f"  {path:<36} {median(rates[path]):8.1f} req/s   p50 {1000 * median(latencies[path]):7.2f} ms"
            f"   p99 {1000 * percentile(latencies[path], 0.99):7.2f} ms   {len(latencies[path]):6d} requests"
        )
    pairs = [page / trivial for page, trivial in zip(rates[PAGE], rates[TRIVIAL], strict=True)]
    ratio = median(pairs)
    goal = GOALS[mode]
    print(
        f"  ratio page/trivial: {ratio:.2f} (median of {len(pairs)} pairs; range "
        f"{min(pairs):.2f}–{max(pairs):.2f})   goal ≥ {goal:.2f}: {verdict(ratio, goal)}"
    )
    print(
        f"  page {page_bytes / 1024:.0f} KiB; worker peak RSS {rss:.0f} MiB; "
        f"{errors} failed requests"
    )
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=1.5, help="per address per round")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    print(f"bench-pages · {machine()}")
    if not args.skip_setup:
        prepare_database(static=True)
    print(
        f"{args.clients} clients, {args.rounds} rounds × {args.seconds:g} s per address, "
        f"alternating; page {PAGE} against {TRIVIAL}"
    )
    ratios = {}
    with multiprocessing.get_context("fork").Pool(args.clients) as pool:
        for mode in ("uncached", "cached"):
            server = Server(cached=mode == "cached", workers=args.workers)
            try:
                server.wait_ready()
                measured = measure(
                    server, pool, args.clients, args.rounds, args.seconds, mode == "cached"
                )
                print(f"{mode}:")
                ratios[mode] = report(mode, *measured, server.worker_peak_rss())
            finally:
                server.stop()
    missed = [mode for mode, ratio in ratios.items() if ratio < GOALS[mode]]
    print("all goals met" if not missed else f"goals missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
