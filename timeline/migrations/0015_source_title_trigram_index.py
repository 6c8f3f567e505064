"""PostgreSQL only: a trigram index on source titles, which the public ``q`` search now reads.

The same kind of index as migration 0004 made for milestone and subject text (see there
why it is SQL the models do not describe): a GIN index with ``gin_trgm_ops`` on
``UPPER(title)``, which answers Django's ``icontains`` for any substring of three
characters or more. pg_trgm itself was created by 0004.
"""

from django.db import migrations

TABLE = "timeline_source"
INDEX = "source_title_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "{TABLE}" USING gin (UPPER("title") gin_trgm_ops)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("timeline", "0014_index_scheduling_and_review")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
