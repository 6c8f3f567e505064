"""Make a fresh local checkout usable: the Gwangju data and an admin account.

Run by `make run`. It only ever acts on the local SQLite default with DEBUG on, so a
production database never receives a known account or demo-style data load.
"""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from timeline.models import Milestone, Theme, Year

# The record, then the Human Rights Index, which cites some of the record's sources.
FIXTURES = [Path(settings.BASE_DIR) / "fixtures" / name for name in ("gwangju.json", "index.json")]
ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Load the Gwangju data into an empty local database and create a local admin account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default="8000", help="Port the server will listen on.")

    def handle(self, *args: Any, port: str, **options: Any) -> None:
        engine = settings.DATABASES["default"]["ENGINE"]
        if not settings.DEBUG or not engine.endswith("sqlite3"):
            raise CommandError(
                _(
                    "bootstrap_local only runs on the local SQLite default with DJANGO_DEBUG=1. "
                    "In production, load data with `loaddata` and create staff with "
                    "`createsuperuser`."
                )
            )

        if Milestone.objects.exists() or Year.objects.exists() or Theme.objects.exists():
            self.stdout.write(
                _("The database already holds records; the Gwangju data was not reloaded.")
            )
        else:
            call_command("loaddata", *map(str, FIXTURES), verbosity=0)
            # A first version of every record, so the first edit in the admin can be undone.
            call_command("createinitialrevisions", "timeline", verbosity=0)
            self.stdout.write(
                self.style.SUCCESS(
                    _("Loaded the Gwangju timeline: %(milestones)d milestones in %(years)d years.")
                    % {"milestones": Milestone.objects.count(), "years": Year.objects.count()}
                )
            )

        base = f"http://127.0.0.1:{port}"
        admin_url = f"{base}/{settings.ADMIN_PATH}"
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                _(
                    "Admin: %(url)s with your existing account "
                    "(forgot the password? python manage.py changepassword %(user)s)."
                )
                % {"url": admin_url, "user": ADMIN_USERNAME}
            )
        else:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(ADMIN_USERNAME, password=password)
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Created a local admin account (shown only this once):\n"
                        "  %(url)s  user: %(user)s  password: %(password)s"
                    )
                    % {"url": admin_url, "user": ADMIN_USERNAME, "password": password}
                )
            )
        self.stdout.write(
            _("Public site: %(ko)s (한국어) and %(en)s (English)")
            % {"ko": f"{base}/ko/", "en": f"{base}/en/"}
        )
