"""The SQL of a public list's query, compiled once per process and kept.

A timeline or directory page built from ready parts runs one query for the keys it shows,
and turning that query into SQL — the public filter's 25 conditions over four joined tables
(public_filter.py), the filters asked, the ordering — cost Django 1.5–2 ms a request, where
the database answered in 0.1 ms (bench/README.md). The SQL is the same every time the same
question is asked in the same language, but for the time the public filter compares with.
So ``compiled_once(queryset, *key)`` marks a queryset, right before it is read: the first
time a key is compiled its SQL, its parameters and what Django needs to read the rows are
kept; after that the kept SQL is run with this query's own time in place of the one it was
compiled with (the query remembers the time its public filter was built with).

The ``key`` must name everything the query's SQL depends on besides that time: the page and
what was asked; and the query must compare with no other time than its public filter's.
A query changed after it was marked is not compiled from the kept SQL (its shape is
checked: the slice, the ordering, the selected columns and annotations, what is joined,
the number of conditions), and the tests compile every kept query afresh as well and
compare (``TIMELINE_CHECK_COMPILED_ONCE``). The kept SQL is marked to be prepared, so that
PostgreSQL plans it once per connection too (timeline/prepared.py).
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler

from timeline.models.public_filter import NOW
from timeline.prepared import marked
from timeline.recent import Recent

_Q = TypeVar("_Q", bound=QuerySet[Any])
KEPT = 500  # compiled queries kept per process (the most recently used)


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: tuple[Any, ...]
    now_at: tuple[int, ...]  # the parameters that are the public filter's time
    varying_at: tuple[int, ...]  # the parameters that are the query's ``varying`` values
    # What reading the rows needs of the compiler (SQLCompiler.pre_sql_setup):
    select: Any
    klass_info: Any
    annotation_col_map: Any
    col_count: int | None
    has_extra_select: bool


_kept: Recent[Hashable, Compiled] = Recent(KEPT)


class CompiledOnceQuery(Query):
    compiled_as: Hashable | None = None
    compiled_varying: tuple[str | int, ...] = ()

    def get_compiler(
        self, using: str | None = None, connection: Any = None, elide_empty: bool = True
    ) -> Any:
        compiler = super().get_compiler(using, connection, elide_empty)
        if self.compiled_as is not None and type(compiler) is compiler.connection.ops.compiler(
            "SQLCompiler"
        ):
            compiler.as_sql = partial(_as_sql, compiler, compiler.as_sql)
        return compiler


def compiled_once(queryset: _Q, *key: Hashable, varying: Sequence[str | int] = ()) -> _Q:
    """``queryset``, whose SQL is compiled once per ``key`` (and shape) in this process.

    Mark the queryset as it will run: a filter Django adds afterwards (a prefetch's) would
    change the parameters and not the shape. ``varying``: plain values (a slug, a year) the
    queryset filters by, which are not part of the key: each must be a parameter of the SQL
    exactly once, else nothing is kept. A queryset marked already, then narrowed, is marked
    again with its key extended.
    """
    copy = queryset._chain()  # type: ignore[attr-defined]
    query = copy.query.chain(CompiledOnceQuery)
    query.compiled_as = (*(query.compiled_as or (queryset.model,)), *key)
    query.compiled_varying = tuple(varying)
    copy.query = query
    return copy


def _shape(query: Query, with_limits: bool, with_col_aliases: bool) -> Hashable:
    """What could have changed the SQL since the query was marked: cheap to read."""
    return (
        with_limits,
        with_col_aliases,
        query.low_mark,
        query.high_mark,
        query.subquery,
        query.distinct,
        query.default_cols,
        query.default_ordering,
        query.standard_ordering,
        tuple(str(field) for field in query.order_by),
        tuple(query.values_select),
        tuple(query.annotation_select),
        tuple(query.extra_select),
        repr(query.select_related),
        tuple(map(str, query.select)),
        query.deferred_loading[1],
        tuple(sorted(query.deferred_loading[0])),
        tuple(query.alias_map),
        len(query.where.children),
        query.combinator,
        len(getattr(query, "compiled_varying", ())),
    )


def _as_sql(
    compiler: SQLCompiler,
    compile_now: Callable[..., tuple[str, Any]],
    with_limits: bool = True,
    with_col_aliases: bool = False,
) -> tuple[str, Any]:
    query = compiler.query
    key = (
        getattr(query, "compiled_as", None),
        compiler.connection.alias,
        _shape(query, with_limits, with_col_aliases),
    )
    now = _adapted_now(compiler, query)
    kept = _kept.get(key)
    varying = getattr(query, "compiled_varying", ())
    if kept is None:
        sql, params = compile_now(with_limits=with_limits, with_col_aliases=with_col_aliases)
        varying_at = [[i for i, value in enumerate(params) if value == v] for v in varying]
        if any(len(found) != 1 for found in varying_at):
            return sql, params  # a value the SQL does not hold once: nothing to substitute
        kept = Compiled(
            sql=marked(sql),  # worth preparing on PostgreSQL (timeline/prepared.py)
            params=tuple(params),
            now_at=tuple(i for i, value in enumerate(params) if now is not None and value == now),
            varying_at=tuple(found[0] for found in varying_at),
            select=compiler.select,
            klass_info=compiler.klass_info,
            annotation_col_map=compiler.annotation_col_map,
            col_count=compiler.col_count,
            has_extra_select=compiler.has_extra_select,
        )
        _kept.put(key, kept)
        return kept.sql, params
    compiler.select, compiler.klass_info = kept.select, kept.klass_info
    compiler.annotation_col_map, compiler.col_count = kept.annotation_col_map, kept.col_count
    compiler.has_extra_select = kept.has_extra_select
    params = list(kept.params)
    for position in kept.now_at:
        params[position] = now
    for position, value in zip(kept.varying_at, varying, strict=True):
        params[position] = value
    if getattr(settings, "TIMELINE_CHECK_COMPILED_ONCE", False):
        fresh = query.get_compiler(connection=compiler.connection)
        expected = type(fresh).as_sql(fresh, with_limits, with_col_aliases)
        if (kept.sql, tuple(params)) != (marked(expected[0]), tuple(expected[1])):
            raise AssertionError(f"kept SQL of {key[0]!r} differs from the query's: {expected}")
    return kept.sql, tuple(params)


def _adapted_now(compiler: SQLCompiler, query: Query) -> Any:
    now = getattr(query, NOW, None)
    return None if now is None else compiler.connection.ops.adapt_datetimefield_value(now)


def forget_all() -> None:
    """Forget every compiled query (tests)."""
    _kept.clear()
