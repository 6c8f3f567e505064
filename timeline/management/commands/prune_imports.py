"""``python manage.py prune_imports``: the daily clean-up of the import log and of job files."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from timeline.models import ExportJob, ImportJob


class Command(BaseCommand):
    help = (
        "Mark admin import previews that waited more than a day for confirmation as expired "
        "and delete their files; delete the files of exports made more than a day ago; mark "
        "failed the jobs whose worker stopped answering; delete import log entries older "
        "than TIMELINE_IMPORT_LOG_DAYS. Run it daily."
    )

    def handle(self, *args: object, **options: object) -> None:
        stale = ImportJob.objects.fail_stale() + ExportJob.objects.fail_stale()
        expired = ImportJob.objects.expire_abandoned()
        downloads = ExportJob.objects.expire_downloads()
        cutoff = timezone.now() - timedelta(days=settings.TIMELINE_IMPORT_LOG_DAYS)
        old, _by_model = ImportJob.objects.filter(created__lt=cutoff).delete()
        ExportJob.objects.filter(created__lt=cutoff).delete()
        self.stdout.write(f"{expired} abandoned import preview(s) expired and their files deleted.")
        self.stdout.write(f"{downloads} export file(s) older than a day deleted.")
        self.stdout.write(f"{stale} job(s) whose worker stopped answering marked failed.")
        self.stdout.write(
            f"{old} import log entries older than {settings.TIMELINE_IMPORT_LOG_DAYS} days deleted."
        )
