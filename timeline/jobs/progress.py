"""What a running job tells the world: rows done, its phase, and whether to stop.

Every progress write is one conditional UPDATE that also asks whether the job may go on: it
matches only while the job is in the phase its worker thinks and no one asked to cancel it.
When it matches nothing, the work stops with ``Stopped`` before writing anything: the job
was cancelled, or marked failed because its heartbeat had stopped.
"""

import time

from django.utils import timezone

from timeline.models.imports import Job


class Stopped(Exception):
    """The job was cancelled (or given up as failed) while it ran; nothing was written."""


# How often rows done are written while a file is read and checked: often enough for a page
# that refreshes every two seconds, seldom enough to cost nothing.
WRITE_EVERY_SECONDS = 0.5


class JobProgress:
    """``progress(done, total)`` for the import engine, writing to the job's record."""

    def __init__(self, model: type[Job], pk: int, state: str, next_state: str = "") -> None:
        self.model = model
        self.pk = pk
        self.state = state
        # The phase that begins when every row is read and checked ("writing"), if any.
        self.next_state = next_state
        self.written_at = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        finished = done >= total
        if not finished and now - self.written_at < WRITE_EVERY_SECONDS:
            return
        self.written_at = now
        changes: dict = {"rows_done": done, "rows_total": total, "heartbeat": timezone.now()}
        if finished and self.next_state:
            changes["state"] = self.next_state
        self.update(**changes)
        if "state" in changes:
            self.state = changes["state"]

    def update(self, **changes: object) -> None:
        """Write ``changes`` if the job may go on; else raise ``Stopped``."""
        going_on = self.model._default_manager.filter(
            pk=self.pk, state=self.state, cancel_requested=False
        ).update(**changes)
        if not going_on:
            raise Stopped
