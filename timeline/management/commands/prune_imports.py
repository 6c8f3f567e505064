"""``python manage.py prune_imports``: drop the files of admin import previews left unconfirmed."""

from django.core.management.base import BaseCommand

from timeline.models import ImportJob


class Command(BaseCommand):
    help = (
        "Mark admin import previews that waited more than a day for confirmation as expired "
        "and delete their uploaded files. The records of the imports stay. Run it daily."
    )

    def handle(self, *args: object, **options: object) -> None:
        expired = ImportJob.objects.expire_abandoned()
        self.stdout.write(f"{expired} abandoned import preview(s) expired and their files deleted.")
