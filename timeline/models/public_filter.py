"""The "public now" filter, built once per model and reused with each request's time.

Every public page starts from ``published()``: for a milestone that is 25 conditions over
its year and its three kinds of subject, and turning them into SQL conditions with their
joins cost Django about 2 ms a call, most of what a page built from ready parts still
spent (bench/README.md). The conditions are the same on every call but for the time they
compare with, so for a fresh queryset the built filter is kept and copied with the time of
the call in place of a stand-in.
"""

import datetime
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q, QuerySet
from django.db.models.sql import Query
from django.db.models.sql.where import WhereNode
from django.utils import timezone

from timeline.recent import Recent

_Q = TypeVar("_Q", bound=QuerySet[Any])
# Stands for "now" in a kept filter; never a time a record is published or withdrawn at
# (years before MIN_YEAR), and compared by identity, not by value.
STAND_IN = datetime.datetime(1801, 1, 1, tzinfo=datetime.UTC)
_kept: dict[tuple[Any, ...], Query] = {}
# The attribute of a filtered query that holds the time it compares with, so that SQL
# compiled once can be run with another request's time (compiled_once.py).
NOW = "public_now"
BUILT_AS = "built_as"  # the key of a query built once (built_once)
BUILT = 256  # queries built once kept per process (the most recently used)
_built: Recent[Hashable, QuerySet[Any]] = Recent(BUILT)


def _fresh(query: Query) -> bool:
    """True for the query of ``Model.objects.all()``: nothing filtered, joined or shaped
    (but perhaps ordered: the ordering is part of the key of what is kept)."""
    return (
        not query.where.children
        and not query.alias_map
        and not query.annotations
        and not query.select_related
        and not query.extra
        and not query.distinct
        and not query.combinator
        and not query.values_select
        and not query.select
        and query.low_mark == 0
        and query.high_mark is None
        and query.deferred_loading == (frozenset(), True)
    )


def _at(node: Any, now: datetime.datetime, was: datetime.datetime = STAND_IN) -> Any:
    """A copy of the condition ``node`` comparing with ``now`` where it had ``was``."""
    if isinstance(node, WhereNode):
        copy = WhereNode(connector=node.connector, negated=node.negated)
        copy.children = [_at(child, now, was) for child in node.children]
        return copy
    if getattr(node, "rhs", None) is was:
        return type(node)(node.lhs, now)
    return node


def _with_time(queryset: _Q, kept: Query, now: datetime.datetime) -> _Q:
    """``queryset`` with a copy of the ``kept`` query comparing with ``now``."""
    query = kept.chain()
    query.where = _at(kept.where, now, getattr(kept, NOW, STAND_IN))
    setattr(query, NOW, now)
    copy = queryset._chain()  # type: ignore[attr-defined]
    copy.query = query
    return copy


def filtered_now(
    queryset: _Q,
    condition: Callable[[datetime.datetime], Q],
    variant: str = "",
    now: datetime.datetime | None = None,
) -> _Q:
    """``queryset.filter(condition(now))`` (default: the current time).

    ``condition`` must use its time only as the value of lookups (``publish_at__lte=now``);
    ``variant`` names any other thing it depends on.
    """
    now = now or timezone.now()
    if not _fresh(queryset.query):
        filtered = queryset.filter(condition(now))
        setattr(filtered.query, NOW, now)
        return filtered
    query = queryset.query
    key = (queryset.model, variant, tuple(query.order_by), query.default_ordering)
    kept = _kept.get(key)
    if kept is None:
        kept = _kept[key] = queryset.filter(condition(STAND_IN)).query
    return _with_time(queryset, kept, now)


def built_once(key: Hashable, build: Callable[[], _Q], now: datetime.datetime | None = None) -> _Q:
    """``build()``, built once per ``key`` in this process and copied with the time ``now``
    (default: the current time) in place of the one it was built with.

    For a public list's queryset, which costs more to build (the public filter, the filters
    asked, the theme subqueries) than to run. ``build`` must return a queryset filtered by
    ``published()`` once, comparing with no other time; ``key`` must name everything else
    it depends on. A queryset built once carries its key (``BUILT_AS``), so that what is
    built from it can be keyed in turn.
    """
    now = now or timezone.now()
    kept = _built.get(key)
    if kept is None:
        kept = build()
        setattr(kept.query, BUILT_AS, key)
        _built.put(key, kept)
    copy = cast(_Q, _with_time(kept, kept.query, now))
    if getattr(settings, "TIMELINE_CHECK_COMPILED_ONCE", False):
        _check(key, copy.query, build().query)
    return copy


def _check(key: Hashable, reused: Query, fresh: Query) -> None:
    """The tests' check that a query built once is the one ``build`` would give now."""
    connection = connections[DEFAULT_DB_ALIAS]
    adapt = connection.ops.adapt_datetimefield_value
    was, now = adapt(getattr(fresh, NOW)), adapt(getattr(reused, NOW))
    sql, params = fresh.sql_with_params()
    expected = (sql, tuple(now if value == was else value for value in params))
    found = reused.sql_with_params()
    if (found[0], tuple(found[1])) != expected:
        raise AssertionError(f"the query built once for {key!r} differs: {expected}")
