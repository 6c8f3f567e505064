"""A job's file written into the database in binary on PostgreSQL, not as SQL text.

Django's PostgreSQL backend binds parameters on the client by default (psycopg 3's
``ClientCursor``): a ``bytes`` value becomes a hex literal inside the SQL text, twice its
size, which the server then parses back. For the 20 MB upload the admin accepts, that was
a large part of the upload request: on a loaded two-core machine, 2.0–2.3 s to create the
job as one INSERT against 0.5–0.8 s when the bytes travel in binary, as a bound parameter
(bench/README.md, "The file's bytes"). Storing the column uncompressed (``SET STORAGE
EXTERNAL``) was measured too and saves nothing: compression is not where the time goes.

So on PostgreSQL the job is created without its file, then the file is written by one
UPDATE through a server-binding cursor, in the same transaction. Other databases take the
bytes as they are, in the ORM's INSERT.
"""

from typing import Any, TypeVar, cast

import psycopg
from django.db import connections, transaction
from django.db.models import Field, Manager

from timeline.models.imports import Job

J = TypeVar("J", bound=Job)


def create_with_file(manager: Manager[J], data: bytes, **fields: Any) -> J:
    """``manager.create(data=data, **fields)``, the bytes sent in binary on PostgreSQL."""
    connection = connections[manager.db]
    if connection.vendor != "postgresql" or not data:
        return manager.create(data=data, **fields)
    quote = connection.ops.quote_name
    meta = manager.model._meta
    table, column = quote(meta.db_table), quote(cast(Field, meta.get_field("data")).column)
    with transaction.atomic(using=manager.db):
        job = manager.create(**fields)
        # A plain psycopg cursor binds on the server (Django's own binds on the client). It
        # also stays out of Django's query log (DEBUG), which would hold the 20 MB as text.
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(
                f"UPDATE {table} SET {column} = %s WHERE {quote(meta.pk.column)} = %s",
                [data, job.pk],
            )
    job.data = data
    return job
