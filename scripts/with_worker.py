"""Run a server with a background task worker beside it, and stop the worker when it stops.

``make run`` and ``make serve`` use it: ``python scripts/with_worker.py COMMAND...`` starts
``manage.py db_worker`` with the same Python and environment, then COMMAND (the dev server,
gunicorn) in the foreground. When COMMAND ends -- Ctrl-C, SIGTERM, or a crash -- the worker is
asked to stop (it finishes the task it is running, up to a few seconds) and then killed.
Production runs the worker under the process manager instead (README "Background jobs").
"""

import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10


def main(command: list[str]) -> int:
    if not command:
        print("usage: with_worker.py COMMAND [ARGS...]", file=sys.stderr)
        return 2
    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"], cwd=ROOT)
    print(f"Background worker started (pid {worker.pid}); it stops with the server.")
    server = None
    try:
        server = subprocess.Popen(command, cwd=ROOT)
        # A SIGTERM to this script (a supervisor, `kill`) stops the server; Ctrl-C reaches
        # both children from the terminal by itself.
        signal.signal(signal.SIGTERM, lambda signum, frame: server.terminate())
        while True:
            try:
                return server.wait()
            except KeyboardInterrupt:
                continue  # the server got the Ctrl-C too: wait for it to finish
    finally:
        for process in (server, worker):
            if process is not None and process.poll() is None:
                process.terminate()
        try:
            worker.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
