"""``python manage.py importstatus ID [--wait]``: where an import job is, from the import log."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from timeline.jobs.imports import StoredReport
from timeline.models import ImportJob


class Command(BaseCommand):
    help = (
        "Show an import job of the import log: its state, rows read and checked, counts, "
        "problems and why it failed. --wait follows it until it ends."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "job", type=int, help="The job's id, as importcsv --background gave it."
        )
        parser.add_argument(
            "--wait", action="store_true", help="Follow the job until it ends, then show it."
        )

    def handle(self, *args: Any, job: int, wait: bool = False, **options: Any) -> None:
        while True:
            ImportJob.objects.fail_stale()
            record = ImportJob.objects.defer("data").filter(pk=job).first()
            if record is None:
                raise CommandError(_("There is no import job %(id)d.") % {"id": job})
            if not (wait and record.is_active):
                break
            self.stderr.write(self.line(record))
            time.sleep(1)
        self.stdout.write(self.line(record))
        if not record.is_active:
            self.stdout.write(StoredReport(record).summary())
        for line, column, value, message in record.problems:
            self.stderr.write(f"{line or '-'}\t{column}\t{value}\t{message}")
        if record.reason:
            self.stderr.write(record.reason)
        if record.state in (ImportJob.State.FAILED, ImportJob.State.REFUSED):
            raise CommandError(record.get_state_display())

    def line(self, record: ImportJob) -> str:
        text = f"{record.pk} {record.model_key} {record.file_name}: {record.get_state_display()}"
        if record.is_active and record.rows_total:
            text += f" ({record.rows_done}/{record.rows_total})"
        return text
