"""PostgreSQL connections that prepare the statements the public pages repeat.

Set by settings.py when ``DATABASE_URL`` names PostgreSQL, unless
``DJANGO_DB_PREPARED_STATEMENTS=0`` (a connection pooler in transaction mode, such as
PgBouncer before 1.21, cannot keep a prepared statement).

A prepared statement needs its parameters bound by the server, while Django binds them in
the client by default, and for good reason: some of the SQL it writes cannot be prepared
(Django ticket #20516), and a search planned without seeing its words takes another plan
(the timeline's chart of a search ran 19 ms bound in the client, 36 ms bound by the server).
So the cursor binds by the server only the statements timeline/prepared.py marks, prepares
them once per connection with the generic plan (``plan_cache_mode`` concerns prepared
statements alone), and merges every other statement's parameters into its text exactly as
Django's own cursor does.
"""

from functools import cached_property
from typing import Any

from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]  # not in the stubs
    ServerBindingCursor,
)
from psycopg import ClientCursor

from timeline.prepared import is_marked

# A marked statement is prepared on its first use. ``execute`` sends no other statement
# with parameters; ``executemany`` (a batch of one statement) is bound by the server and
# prepared, as psycopg always does once preparing is on.
PREPARE_THRESHOLD = 0


class PreparingCursor(ServerBindingCursor):
    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if is_marked(query):
            result = super().execute(query, params, prepare=True, **kwargs)
            # psycopg keeps no text of a prepared statement's run; Django's query log
            # (DEBUG, tests) reads it from here.
            self._query: Any = self._query or _Ran(self.connection, query, params)
            return result
        if params is not None:
            query, params = merged(self.connection, query, params), None
        return super().execute(query, params, prepare=False, **kwargs)


def merged(connection: Any, query: str, params: Any) -> str:
    """``query`` with ``params`` merged into its text, as Django's own cursor sends it."""
    return ClientCursor(connection).mogrify(query, params)


def options(existing: dict[str, Any]) -> dict[str, Any]:
    """``existing`` PostgreSQL OPTIONS, with the marked statements prepared."""
    server = (existing.get("options", "") + " -c plan_cache_mode=force_generic_plan").strip()
    return {
        **existing,
        "cursor_factory": PreparingCursor,
        "prepare_threshold": PREPARE_THRESHOLD,
        "options": server,
    }


class _Ran:
    """The text of a prepared statement as it ran, parameters merged: made if read."""

    def __init__(self, connection: Any, query: str, params: Any) -> None:
        self.connection, self.sql, self.params = connection, query, params

    @cached_property
    def query(self) -> bytes:
        return merged(self.connection, self.sql, self.params).encode()
