"""A real edit, as staff make one, then the wait for the background worker's warm-up.

Run by bench/serving.py's ``Editor`` in a process of its own, with Django set up on the
server's settings (same database, same Redis database and key prefix). For each line it reads
(a milestone's id) it saves that milestone with a new Korean title through the ORM, in a
transaction as the admin does, so the record's signals run as after any edit: the content
version is replaced and, once committed, a warm-up job is queued (timeline/jobs/warming.py).
It then waits until the worker (``manage.py db_worker`` beside the server) has run every
warm-up queued since, and answers ``warmed SECONDS`` (from the save to the job's end) or
``timeout SECONDS``.
"""

import sys
import time

import django

WAIT_SECONDS = 120
POLL_SECONDS = 0.05
WARM_TASK = "timeline.jobs.tasks.warm_pages"


def main() -> None:
    django.setup()
    from django.db import transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    from timeline.models import Milestone

    print("ready", flush=True)
    for number, line in enumerate(sys.stdin):
        began, edited_at = time.monotonic(), timezone.now()
        with transaction.atomic():
            milestone = Milestone.objects.select_for_update().get(pk=int(line))
            milestone.title_ko = f"{milestone.title_ko.split(' · ')[0]} · {number}"
            milestone.save()
        # The warm-ups this edit queued; not one waiting for a scheduled publication (those
        # have a time to run after; the others the backend's "no time").
        jobs = DBTaskResult.objects.filter(
            task_path=WARM_TASK, enqueued_at__gte=edited_at, run_after=get_date_max()
        )
        while time.monotonic() - began < WAIT_SECONDS:
            if jobs.exists() and not jobs.filter(status__in=["READY", "RUNNING"]).exists():
                print(f"warmed {time.monotonic() - began:.3f}", flush=True)
                break
            time.sleep(POLL_SECONDS)
        else:
            print(f"timeout {time.monotonic() - began:.3f}", flush=True)


if __name__ == "__main__":
    main()
