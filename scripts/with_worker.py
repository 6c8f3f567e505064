"""Run a server with a background task worker beside it, and stop the worker when it stops.

``make run`` and ``make serve`` use it: ``python scripts/with_worker.py COMMAND...`` starts
``manage.py db_worker`` with the same Python and environment, then COMMAND (the dev server,
gunicorn) in the foreground. When COMMAND ends -- Ctrl-C, SIGTERM, or a crash -- the worker is
asked to stop (it finishes the task it is running, up to a few seconds) and then killed.
Without a COMMAND (``make worker``) it runs the worker alone until Ctrl-C or SIGTERM.

A worker that exits on its own is started again, as a process manager would: on SQLite an idle
worker exits when the database stays locked for more than 5 seconds (django-tasks-db takes
its queue with BEGIN EXCLUSIVE), which a long import run in the same database can cause.
Production runs the worker under the process manager instead (README "Background jobs").
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10
RESTART_AFTER_SECONDS = 2


class Worker:
    def __init__(self) -> None:
        self.process = self.start()

    def start(self) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "manage.py", "db_worker"], cwd=ROOT)
        print(f"Background worker started (pid {process.pid}).", flush=True)
        return process

    def keep_alive(self) -> None:
        if self.process.poll() is not None:
            print("The background worker exited; starting it again.", flush=True)
            time.sleep(RESTART_AFTER_SECONDS)
            self.process = self.start()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def main(command: list[str]) -> int:
    worker = Worker()
    server = subprocess.Popen(command, cwd=ROOT) if command else None
    stopping = []

    def stop(signum: int, frame: object) -> None:
        stopping.append(signum)
        if server is not None:
            server.terminate()

    # A SIGTERM to this script (a supervisor, `kill`) stops the server; Ctrl-C reaches the
    # server and the worker from the terminal by itself.
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            try:
                if server is not None and server.poll() is not None:
                    return server.returncode
                worker.keep_alive()
                time.sleep(0.5)
            except KeyboardInterrupt:
                stopping.append(signal.SIGINT)
        return server.wait() if server is not None else 0
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait()
        worker.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
