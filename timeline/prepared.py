"""Which statements are worth preparing on PostgreSQL: those whose SQL starts with ``MARK``.

PostgreSQL plans each statement it is sent. The query of a timeline or milestone page
(four joined tables, the public filter's conditions) took 1.0–1.2 ms to plan and 0.1 ms
to run (bench/README.md). A prepared statement is planned once per connection, but Django
prepares nothing (its SQL is not written to be prepared, Django ticket #20516), and preparing
every statement a connection repeats would give a search, whose best plan depends on the
words asked, one generic plan for every question. So the SQL that compiled_once.py keeps,
the same text every time with only the time, a year or a slug changing, says so itself, and
the database connection (hrcity/database.py) prepares exactly those statements, with the
generic plan. A leading comment changes nothing for SQLite, which ignores it.
"""

MARK = "/* prepared */ "


def marked(sql: str) -> str:
    return MARK + sql


def is_marked(sql: object) -> bool:
    return isinstance(sql, str) and sql.startswith(MARK)
