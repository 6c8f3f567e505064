"""PostgreSQL only: trigram indexes, so the public ``q`` search finds substrings fast.

The search is Django's ``icontains``, which PostgreSQL runs as
``UPPER(column::text) LIKE UPPER('%term%')``; a trigram (pg_trgm) GIN index on
``UPPER(column)`` answers that for any substring of three characters or more, Korean
included. Shorter terms (most two-syllable Korean words) still scan, which takes
milliseconds at 10,000 milestones.

These are expression indexes that the models do not describe (the models stay portable to
SQLite, where this migration does nothing), so they are created here with SQL and
``makemigrations`` does not see them. pg_trgm is a trusted extension (PostgreSQL 13+): the
database owner may create it without being a superuser.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "timeline_milestone": ("title_ko", "title_en", "summary_ko", "summary_en"),
    "timeline_initiative": ("name_ko", "name_en"),
    "timeline_policy": ("name_ko", "name_en"),
    "timeline_institution": ("name_ko", "name_en"),
}


def index_name(table, column):
    return f"{table.removeprefix('timeline_')}_{column}_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in INDEXES.items():
        for column in columns:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{index_name(table, column)}" ON "{table}" '
                f'USING gin (UPPER("{column}") gin_trgm_ops)'
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in INDEXES.items():
        for column in columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(table, column)}"')


class Migration(migrations.Migration):
    dependencies = [("timeline", "0003_roles")]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; nothing on SQLite
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
