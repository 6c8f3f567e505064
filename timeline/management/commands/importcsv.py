"""``python manage.py importcsv MODEL FILE [--dry-run] [--user USERNAME] [--background]``:
all-or-nothing, every problem listed, every import in the import log."""

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from timeline.jobs import imports, tasks
from timeline.jobs.progress import Stopped
from timeline.management.progress_bar import ProgressBar
from timeline.models import ImportJob
from timeline.transfer import resources, spreadsheets


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8, UTF-8 with BOM, CP949/EUC-KR) or XLSX file into a model, "
        "all or nothing: if any row is invalid, every problem is listed and nothing is "
        "written. MODEL is one of: " + ", ".join(resources.MODEL_KEYS)
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model", help=", ".join(resources.MODEL_KEYS))
        parser.add_argument("file", help="CSV or XLSX file; - for standard input (CSV).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing anything.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=(
                "Import as this staff member: the history names them, and their role applies "
                "(an editor may only add and change drafts). Without it the import runs as "
                "the operator, with every right."
            ),
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help=(
                "Queue the import for a worker (make worker) and return at once with the "
                "job's id; follow it with: python manage.py importstatus ID."
            ),
        )

    def handle(
        self,
        *args: Any,
        model: str,
        file: str,
        dry_run: bool = False,
        user: str | None = None,
        background: bool = False,
        **options: Any,
    ) -> None:
        if model not in resources.RESOURCES:
            raise CommandError(str(resources.UnknownModel(model)))
        importer = self.find_user(user, model) if user else None
        data = self.read(file)
        job = imports.open_job(
            user=importer,
            model_key=model,
            filename="" if file == "-" else Path(file).name,
            data=data,
            source=ImportJob.Source.COMMAND,
            background=background,
            dry_run=dry_run,
        )
        if background:
            tasks.start_import(job, confirm=not dry_run)
            self.stdout.write(
                _(
                    "Import job %(id)d queued. Follow it with: python manage.py importstatus "
                    "%(id)d (a worker must be running: make worker)."
                )
                % {"id": job.pk}
            )
            return
        progress = ProgressBar(self.stderr, model)
        try:
            report = imports.check_or_import(
                job, data, confirm=not dry_run, user=importer, echo=progress
            )
        except Stopped:
            job.refresh_from_db()
            raise CommandError(job.reason) from None
        progress.finish()
        for problem in report.problems:
            self.stderr.write(str(problem))
        self.stdout.write(f"{model}: {report.summary()}")
        if not report.ok:
            rows = len(report.invalid_lines)
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(count)d line has problems (listed above).",
                    "Nothing was imported: %(count)d lines have problems (listed above).",
                    rows,
                )
                % {"count": rows}
                if rows
                else _("Nothing was imported.")
            )

    def find_user(self, username: str, model: str) -> AbstractBaseUser:
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(_("There is no user “%(name)s”.") % {"name": username}) from None
        # The same right the admin's Import button needs.
        opts = resources.RESOURCES[model]._meta.model._meta
        if not user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}"):
            raise CommandError(
                _("“%(name)s” may not change %(models)s, so cannot import them.")
                % {"name": username, "models": opts.verbose_name_plural}
            )
        return user

    def read(self, file: str) -> bytes:
        """The file's bytes; refused unread if it is larger than the admin's upload limit."""
        limit = spreadsheets.max_upload_bytes()
        try:
            if file == "-":
                data = sys.stdin.buffer.read(limit + 1)
                if len(data) > limit:  # the rest is counted, not kept, to name the size
                    rest = iter(lambda: sys.stdin.buffer.read(1024 * 1024), b"")
                    size = len(data) + sum(len(chunk) for chunk in rest)
                    raise CommandError(str(spreadsheets.file_too_large(size)))
            else:
                path = Path(file)
                size = path.stat().st_size
                if size > limit:
                    raise CommandError(str(spreadsheets.file_too_large(size)))
                data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from None
        if len(data) > limit:  # the file grew since its size was read
            raise CommandError(str(spreadsheets.file_too_large(len(data))))
        return data
