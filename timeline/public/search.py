"""Text search that PostgreSQL's trigram indexes can answer (migrations 0004 and 0015).

A search looks in a milestone's own text, in its subject's name and in the titles of the
sources it cites. Written as one OR across joins, PostgreSQL has to read every milestone;
written as "own text matches, or the subject is one of those whose name matches, or the
milestone is one of those citing a source whose title matches", each part is an index
lookup (a trigram index for text, a foreign key's index for the links), combined with
BitmapOr.
"""

import re
from collections.abc import Sequence
from typing import Any, cast

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Expression,
    F,
    ForeignKey,
    ManyToOneRel,
    Model,
    Q,
    QuerySet,
    Subquery,
)
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
    combine ``= ANY(array)``, the array being computed once, before the scan. ``selected``
    is what the subquery gives, when it is not the primary key (a link back, for a reverse
    relation).
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, field_name: str, queryset: QuerySet[Any], selected: str = "pk") -> None:
        super().__init__(output_field=BooleanField())
        self.column: Any = F(field_name)  # an F until the query resolves it to a column
        self.subquery = Subquery(queryset.values(selected))

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
    """``field`` of ``model`` contains any of ``terms`` (any case, one term's spellings).

    ``relation__field`` looks in the related records by subquery, not by join, so a
    milestone citing two matching sources is still found once: ``initiative__name_ko``
    (the record it links to), ``citations__source__title`` (the records linking to it,
    and on from them).
    """
    relation, _, related_field = field.partition("__")
    if not related_field:
        return any_contains(field, terms)
    link = model._meta.get_field(relation)
    related = cast("type[Model]", link.related_model)
    # Unordered: the subquery is a set, and sorting it by the model's ordering is waste.
    matches = related._base_manager.filter(contains(related, related_field, terms)).order_by()
    if isinstance(link, ForeignKey):
        return Q(InSubquery(relation, matches))
    if isinstance(link, ManyToOneRel):
        # The records pointing here, by the name of their link back (Citation.milestone).
        # Those pointing elsewhere (an index figure's citation) would add only NULLs.
        back = link.field.name
        matches = matches.filter(**{f"{back}__isnull": False})
        return Q(InSubquery("pk", matches, selected=back))
    raise ValueError(f"Cannot search {model.__name__}.{relation}: not a foreign key either way")
