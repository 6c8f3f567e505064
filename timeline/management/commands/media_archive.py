"""``python manage.py media_archive create|restore FILE``: the uploaded images and documents
as one ``.tar.gz``, beside the JSON backup (``make backup``, ``make restore``).

Only for media on the file system (``MEDIA_ROOT``); on S3 the bucket is the copy to keep
(README: versioning, or ``aws s3 sync``), and the command says so rather than archive nothing.
"""

import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Archive MEDIA_ROOT into a .tar.gz, or restore one into it (files are never deleted)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "restore"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.S3_BUCKET:
            raise CommandError(
                f"Media are on S3 (bucket {settings.S3_BUCKET}), not in MEDIA_ROOT: back up the "
                "bucket itself (README, “Backup and restore”)."
            )
        root = Path(settings.MEDIA_ROOT)
        archive: Path = options["file"]
        if options["action"] == "create":
            root.mkdir(parents=True, exist_ok=True)
            with tarfile.open(archive, "w:gz") as tar:
                # Names relative to MEDIA_ROOT, so the archive restores into any MEDIA_ROOT.
                for path in sorted(root.rglob("*")):
                    if path.is_file():
                        tar.add(path, arcname=str(path.relative_to(root)))
            self.stdout.write(f"Media files of {root} written to {archive}")
            return
        if not archive.is_file():
            raise CommandError(f"No such file: {archive}")
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out of the folder and
            # device files: an archive can only add files under MEDIA_ROOT.
            tar.extractall(root, filter="data")
        self.stdout.write(f"Media files of {archive} restored into {root}")
