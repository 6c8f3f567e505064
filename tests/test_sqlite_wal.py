"""A long write on SQLite (a large import) never locks out the pages that only read."""

from pathlib import Path

import pytest

from .production import run_production

pytestmark = pytest.mark.slow  # a subprocess

# A writer holds an open transaction that changed far more than SQLite's page cache holds
# (so in its default mode it would have locked the whole file), while another connection
# reads. The reader must get the committed state at once, not "database is locked".
SCRIPT = """
import threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection, connections, transaction
call_command("migrate", verbosity=0)
from timeline.models import Theme
Theme.objects.create(slug="kept", name_en="Kept")
print("mode", connection.cursor().execute("PRAGMA journal_mode").fetchone()[0])
with transaction.atomic():
    Theme.objects.bulk_create(
        Theme(slug=f"new-{n}", name_en="x" * 2000) for n in range(20000)
    )
    seen = []

    def read():
        try:
            seen.append(Theme.objects.count())
        except Exception as error:
            seen.append(repr(error))
        finally:
            connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    print("reader saw", seen[0])
"""


def test_a_reader_is_answered_while_a_large_write_is_open(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    result = run_production("-c", SCRIPT, DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "mode wal" in result.stdout
    assert "reader saw 1" in result.stdout, result.stdout
