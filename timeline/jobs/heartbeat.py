"""A running job's sign of life, written by a thread beside the work.

The work itself cannot write it while the import's transaction is open: rows written there
are invisible to other connections, and so would be a heartbeat written through the same
connection. The thread has a connection of its own (Django gives each thread one). On SQLite
the write transaction holds the one database lock, so the thread's writes wait until it ends:
there, ``TIMELINE_JOB_STALE_SECONDS`` must be longer than the longest write (README).
"""

import logging
import threading
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from timeline.models.imports import Job

logger = logging.getLogger(__name__)


def beat(model: type[Job], pk: int) -> None:
    """Write one heartbeat, if the job is still running."""
    model._default_manager.filter(pk=pk, state__in=model.RUNNING_STATES).update(
        heartbeat=timezone.now()
    )


class Heartbeat:
    """``with Heartbeat(ImportJob, pk):`` -- beats every TIMELINE_JOB_HEARTBEAT_SECONDS."""

    def __init__(self, model: type[Job], pk: int) -> None:
        self.model = model
        self.pk = pk
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> "Heartbeat":
        # Inside a transaction (a test, or a task run at once in a request's atomic block)
        # another connection could not see the job: the work's own progress writes beat then.
        if not connection.in_atomic_block:
            self.thread = threading.Thread(target=self.run, name="job-heartbeat", daemon=True)
            self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.TIMELINE_JOB_HEARTBEAT_SECONDS):
                try:
                    beat(self.model, self.pk)
                except DatabaseError:
                    # SQLite: the import's transaction holds the lock; try again next time.
                    logger.debug("heartbeat of job %s waits for the database", self.pk)
        finally:
            connections.close_all()
