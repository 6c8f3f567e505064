"""Text search that PostgreSQL's trigram indexes can answer (migration 0004).

A search looks in a milestone's own text and in its subject's name. Written as one OR
across a join, PostgreSQL has to read every milestone; written as "own text matches, or the
subject is one of those whose name matches", each part is an index lookup (a trigram index
for text, the foreign key's index for the subject), combined with BitmapOr.
"""

import re
from collections.abc import Sequence
from typing import Any, cast

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Expression, F, Model, Q, QuerySet, Subquery
from django.db.models.sql.compiler import SQLCompiler

# The dots Korean puts between the month and day of a date-name (5·18, 4·19, 6·25): the
# middle dot, and what people type for it instead (a full stop, the hyphenation point, the
# katakana and Hangul middle dots, their half-width and bullet look-alikes).
DATE_NAME_DOTS = ("·", ".", "‧", "・", "ㆍ", "･", "∙")
DOT_BETWEEN_DIGITS = re.compile(
    "(?<=[0-9])(?:" + "|".join(re.escape(dot) for dot in DATE_NAME_DOTS) + ")(?=[0-9])"
)


def spellings(term: str) -> list[str]:
    """``term`` and its other spellings: ``5.18`` -> ``5·18``, ``5.18``, ``5‧18``, ...

    Only a dot between two digits is varied, so ``5.18`` finds a title written ``5·18``
    and the other way round; any other term is searched as typed. Expanding the query,
    rather than storing a normalised copy of every text, keeps each spelling a plain
    substring match that PostgreSQL's trigram indexes answer (migration 0004).
    """
    if not DOT_BETWEEN_DIGITS.search(term):
        return [term]
    return [DOT_BETWEEN_DIGITS.sub(dot, term) for dot in DATE_NAME_DOTS]


class InSubquery(Expression):
    """``column IN (SELECT pk ...)``; on PostgreSQL ``column = ANY(ARRAY(SELECT pk ...))``.

    PostgreSQL cannot combine ``IN (subquery)`` with other index scans in an OR; it can
    combine ``= ANY(array)``, the array being computed once, before the scan.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, field_name: str, queryset: QuerySet[Any]) -> None:
        super().__init__(output_field=BooleanField())
        self.column: Any = F(field_name)  # an F until the query resolves it to a column
        self.subquery = Subquery(queryset.values("pk"))

    def get_source_expressions(self) -> list[Any]:
        return [self.column, self.subquery]

    def set_source_expressions(self, expressions: Sequence[Any]) -> None:
        self.column, self.subquery = expressions

    def _parts(self, compiler: SQLCompiler) -> tuple[str, str, tuple[Any, ...]]:
        column, column_params = compiler.compile(self.column)
        subquery, subquery_params = compiler.compile(self.subquery)  # "(SELECT ...)"
        return column, subquery, (*column_params, *subquery_params)

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        column, subquery, params = self._parts(compiler)
        return f"{column} IN {subquery}", params

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        column, subquery, params = self._parts(compiler)
        return f"{column} = ANY(ARRAY{subquery})", params


def any_contains(field: str, terms: Sequence[str]) -> Q:
    """``field`` contains any of ``terms`` (any case)."""
    condition = Q()
    for term in terms:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


def contains(model: type[Model], field: str, terms: Sequence[str]) -> Q:
    """``field`` of ``model`` contains any of ``terms`` (any case, one term's spellings);
    ``relation__field`` looks in the related record by one subquery, not by join."""
    relation, _, related_field = field.partition("__")
    if not related_field:
        return any_contains(field, terms)
    related = cast("type[Model]", model._meta.get_field(relation).related_model)
    matches = related._base_manager.filter(any_contains(related_field, terms))
    return Q(InSubquery(relation, matches))
