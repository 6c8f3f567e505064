"""The admin's import of a large milestone file, request by request, as a staff member meets it.

    python bench/admin_import.py     (or: make bench-admin-import; --rows 10000: a quicker run)

Issue 12: through the admin, the 100,000-row milestone file imports with a visible progress
page and no request longer than a second or two. This drives that import over HTTP and
times every request, from connect to the last byte of the answer.

The stack is the production one, as ``make serve`` runs it: gunicorn with the project's
gunicorn.conf.py (bench/serving.py's Server: DEBUG off, manifest static files) and a
background worker beside it (scripts/with_worker.py, which ``make serve`` and ``make worker``
use: ``manage.py db_worker`` at its default poll interval, started again if it exits), both
on the bench database (bench/common.py). The file is bench/jobs.py's: the demo milestones'
export repeated with new slugs to ``--rows`` rows (100,000 by default, the documented row
limit), without the long text columns (13.8 MiB at 100,000 rows: under the 20 MB limit,
not at it). Before the run the milestones are deleted (raw SQL), so every row is new.

The client does what a browser does with the admin's pages: a staff member (a superuser the
script creates) signs in, opens the import form and uploads the file; the upload answers
with the job's progress page, which the client then asks again every ``data-refresh``
seconds with the ``X-Job-Poll`` header, as the page's script (job_progress.js) does, until it
answers 204 or a redirect; then it loads the page again: the preview. It confirms it and
follows the page again, until the import is done and the list of milestones shows.

Printed: each kind of request with its count, median and longest time, and how many
answered an error (on SQLite a long write can hold a read past the 5-second lock timeout,
README "Background jobs": the client then loads the page again, as a person would); the
longest request of all; the time from the upload's start to the preview on screen, from the
confirm to the list, and from the upload to the list; the phases the progress page showed.
"""

import argparse
import html
import http.client
import http.cookies
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

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
)
from bench.imports import delete_milestones
from bench.jobs import write_file
from bench.serving import HOST, Server

CSV_FILE = RESULTS / "admin-import-milestones.csv"
USERNAME = "bench-admin-import"
WORKER_START_SECONDS = 5  # django set up in the worker, its first poll of the queue
GIVE_UP_SECONDS = 3600

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PHASE = re.compile(r'class="job-phase">\s*<strong>(.*?)</strong>', re.S)
PROGRESS = re.compile(r'<progress id="job-progress" max="(\d+)" value="(\d+)"')
CONFIRM = re.compile(r'<form action="([^"]*)" method="post">(?:(?!</form>).)*name="job"', re.S)


@dataclass
class Answer:
    status: int
    location: str
    body: str
    seconds: float


@dataclass
class Staff:
    """A browser's share of the work: cookies, CSRF tokens, one timed request at a time."""

    port: int
    cookies: http.cookies.SimpleCookie = field(default_factory=http.cookies.SimpleCookie)
    # (kind, seconds, status, method, path) of every request, in order.
    log: list[tuple[str, float, int, str, str]] = field(default_factory=list)

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Answer:
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "en", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        started = time.perf_counter()
        # A new connection each time: gunicorn's sync workers close it after every answer.
        connection = http.client.HTTPConnection(HOST, self.port, timeout=GIVE_UP_SECONDS)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for cookie in response.headers.get_all("Set-Cookie") or ():
            self.cookies.load(cookie)
        self.log.append((kind, seconds, response.status, method, path))
        location = response.headers.get("Location", "")
        return Answer(response.status, location, content.decode("utf-8", "replace"), seconds)

    def relabel_last(self, kind: str) -> None:
        """Names what the last request turned out to be (the page that showed the result)."""
        self.log[-1] = (kind, *self.log[-1][1:])

    def get(self, kind: str, path: str, **headers: str) -> Answer:
        return self.request(kind, "GET", path, headers=headers)

    def post(self, kind: str, path: str, fields: dict[str, str]) -> Answer:
        body = urlencode(fields).encode()
        content_type = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request(kind, "POST", path, body, content_type)

    def upload(self, kind: str, path: str, fields: dict[str, str], name: str, file: Path) -> Answer:
        boundary = secrets.token_hex(16)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file.name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + file.read_bytes()
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        content_type = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(kind, "POST", path, b"".join(parts), content_type)


def token(answer: Answer) -> str:
    found = CSRF.search(answer.body)
    if not found:
        raise SystemExit(f"no CSRF token in the answer ({answer.status}):\n{answer.body[:2000]}")
    return found[1]


def expect(answer: Answer, status: int, what: str) -> Answer:
    if answer.status != status:
        raise SystemExit(f"{what}: {answer.status}, not {status}\n{answer.body[:2000]}")
    return answer


def phase_of(answer: Answer) -> str:
    """What the progress page says: its phase, with the share of rows read if it has it."""
    found = PHASE.search(answer.body)
    phase = html.unescape(found[1]).strip() if found else "?"
    progress = PROGRESS.search(answer.body)
    if progress and int(progress[1]):
        phase += f" {100 * int(progress[2]) // int(progress[1])}%"
    return phase


def follow(staff: Staff, job_page: str, stage: str, phases: list[str]) -> Answer:
    """The progress page, loaded then asked again as its script does, until the job ends;
    then the page that shows how it ended (followed if it redirects)."""
    page = staff.get("progress page", job_page)
    while page.status >= 500 or "data-job-active" in page.body:
        if page.status < 500:
            seen = f"{stage}: {phase_of(page)}"
            if not phases or phases[-1] != seen:
                phases.append(seen)
        refresh = re.search(r'data-refresh="(\d+)"', page.body)
        time.sleep(int(refresh[1]) if refresh else 2)
        if page.status < 500:
            poll = staff.get("poll", job_page, **{"X-Job-Poll": "1"})
            if poll.status == 200 and "data-job-active" in poll.body:
                page = poll
                continue
        # The job ended (204, a redirect), or an error is on the screen (on SQLite a long
        # write may hold a read past the 5-second lock timeout, README "Background jobs"):
        # the page is loaded again, by its script or by the person.
        page = staff.get("progress page", job_page)
    if page.status == 302:
        staff.relabel_last(f"{stage} result (redirect)")
        page = staff.get(f"{stage} result: the list", page.location)
    else:
        staff.relabel_last(f"{stage} result page")
    return expect(page, 200, f"the page after the {stage}")


def make_staff_member() -> str:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    User._default_manager.filter(username=USERNAME).delete()
    password = secrets.token_urlsafe(24)
    User._default_manager.create_superuser(USERNAME, "bench@example.org", password)
    return password


def start_worker() -> subprocess.Popen:
    """The worker as ``make worker`` runs it (scripts/with_worker.py, nothing else)."""
    log = open(RESULTS / "worker-admin-import.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        [PYTHON, "scripts/with_worker.py"],
        cwd=ROOT,
        env=production_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)  # with_worker stops its db_worker, then exits
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def run_import(staff: Staff, password: str, rows: int) -> dict[str, float]:
    """The whole import through the admin; the moments that matter, in seconds."""
    from django.urls import reverse

    from timeline.models import ImportJob, Milestone

    login = reverse("admin:login")
    import_form = reverse("admin:timeline_milestone_import")
    changelist = reverse("admin:timeline_milestone_changelist")
    page = expect(staff.get("login page", login), 200, "the login page")
    fields = {"csrfmiddlewaretoken": token(page), "username": USERNAME, "password": password}
    signed_in = staff.post("sign in", login, {**fields, "next": changelist})
    expect(signed_in, 302, "signing in")
    form = expect(staff.get("import form", import_form), 200, "the import form")

    phases: list[str] = []
    started = time.perf_counter()
    fields = {"csrfmiddlewaretoken": token(form), "format": "0", "resource": "0"}
    uploaded = staff.upload("upload", import_form, fields, "import_file", CSV_FILE)
    job_page = expect(uploaded, 302, "the upload").location
    preview = follow(staff, job_page, "preview", phases)
    previewed = time.perf_counter()
    confirm = CONFIRM.search(preview.body)
    job = re.search(r'name="job" value="(\d+)"', preview.body)
    if not confirm or not job:
        raise SystemExit(f"the preview offers no confirmation:\n{preview.body[:3000]}")
    confirm_started = time.perf_counter()
    fields = {"csrfmiddlewaretoken": token(preview), "job": job[1]}
    confirmed = staff.post("confirm", html.unescape(confirm[1]), fields)
    done_page = follow(staff, expect(confirmed, 302, "the confirm").location, "import", phases)
    done = time.perf_counter()

    job_record = ImportJob.objects.get(pk=int(job[1]))
    if job_record.state != ImportJob.State.CONFIRMED or Milestone.objects.count() != rows:
        raise SystemExit(f"the import ended {job_record.state}: {job_record.reason}")
    if changelist not in staff.log[-1][4]:
        raise SystemExit(f"the import did not end on the list:\n{done_page.body[:2000]}")
    print("  the progress page showed: " + " → ".join(phases))
    return {
        "upload → preview on screen": previewed - started,
        "confirm → the list (done)": done - confirm_started,
        "upload → the list (done)": done - started,
    }


def report(staff: Staff, moments: dict[str, float]) -> None:
    kinds: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for kind, seconds, status, *_ in staff.log:
        kinds.setdefault(kind, []).append(seconds)
        errors[kind] = errors.get(kind, 0) + (status >= 500)
    print(f"  {'request':28} {'count':>5} {'median':>8} {'longest':>8} {'errors':>6}")
    for kind, times in kinds.items():
        print(
            f"  {kind:28} {len(times):5d} {median(times):7.2f}s {max(times):7.2f}s "
            f"{errors[kind]:6d}"
        )
    kind, seconds, status, method, path = max(staff.log, key=lambda entry: entry[1])
    print(f"  longest request: {kind} ({method} {path} → {status}) {seconds:.2f} s")
    for name, seconds in moments.items():
        print(f"  {name}: {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    print(f"bench-admin-import · {machine()}")
    if not args.skip_setup:
        prepare_database(static=True)
    setup_django()
    write_file(args.rows, CSV_FILE)
    delete_milestones()
    password = make_staff_member()
    size = CSV_FILE.stat().st_size / 1024 / 1024
    print(f"{args.rows} new milestones, {size:.1f} MiB CSV, through gunicorn and a worker")
    worker = start_worker()
    try:
        started = time.monotonic()
        with Server("admin-import", args.workers) as server:
            time.sleep(max(0.0, WORKER_START_SECONDS - (time.monotonic() - started)))
            if worker.poll() is not None:
                raise SystemExit("the worker exited; see bench/results/worker-admin-import.log")
            staff = Staff(server.port)
            moments = run_import(staff, password, args.rows)
    finally:
        stop_worker(worker)
    report(staff, moments)
    delete_milestones()


if __name__ == "__main__":
    main()
