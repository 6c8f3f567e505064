"""Records out as rows of file columns, a batch at a time, in a fixed number of queries per batch.

The records' keys are read first, in the queryset's order (one query); then each batch of
``settings.TIMELINE_TRANSFER_BATCH_ROWS`` keys is read: the columns of the record's own row
from one ``values_list`` (related records' slugs by join), and each column whose values
live in other tables (themes, sources) from one more query. So memory holds the keys and
one batch of rows, never every row, however many records there are. Rows hold native values
(int, bool, date, str); writers.py turns them into cells.
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db.models.query import QuerySet

from timeline.transfer.cells import chunks
from timeline.transfer.columns import Column

# One column's way into a row: its place in the values_list, or the map of an external
# column, and the conversion its values need (None: as they are).
Plan = list[tuple[int | None, dict[Any, str] | None, Callable[[Any], Any] | None]]


def batch_size() -> int:
    return settings.TIMELINE_TRANSFER_BATCH_ROWS


def untranslated(queryset: QuerySet) -> QuerySet:
    """The same query as a plain QuerySet. modeltranslation's rebuilds every row of a
    ``values_list`` as dicts to apply its language fallbacks, which the file's columns,
    one per language (``title_ko``), never use: for a large export, a third of its time."""
    return QuerySet(model=queryset.model, query=queryset.query.chain(), using=queryset.db)


def ordered_keys(queryset: QuerySet) -> list[Any]:
    """The primary keys of ``queryset``'s records, in its order."""
    return list(untranslated(queryset.prefetch_related(None)).values_list("pk", flat=True))


def key_batches(keys: Sequence[Any]) -> Iterator[Sequence[Any]]:
    return chunks(keys, batch_size())


def rows_by_key(columns: Sequence[Column], queryset: QuerySet) -> dict[Any, list]:
    """{pk: row} of ``queryset``'s records in these columns (three queries at most for a
    milestone: its row, its themes, its sources)."""
    queryset = queryset.prefetch_related(None).order_by()
    scalar = [column for column in columns if not column.external]
    # Only external columns (read by export_map below) have no path in the record's own row.
    paths = [column.export_path for column in scalar if column.export_path is not None]
    records = list(untranslated(queryset).values_list("pk", *paths))
    owners = [record[0] for record in records]
    plan: Plan = []
    position = 1
    for column in columns:
        if column.external:
            plan.append((None, column.export_map(owners), None))  # type: ignore[attr-defined]
        else:
            # Columns that export their value as it is skip the call, row after row.
            plain = type(column).export_value is Column.export_value
            plan.append((position, None, None if plain else column.export_value))
            position += 1
    return {
        record[0]: [
            (convert(record[index]) if convert else record[index])
            if index is not None
            else mapping.get(record[0], "")  # type: ignore[union-attr]
            for index, mapping, convert in plan
        ]
        for record in records
    }


def batches(
    columns: Sequence[Column], queryset: QuerySet, keys: Sequence[Any] | None = None
) -> Iterator[list[list]]:
    """The rows of ``queryset``'s records (or of those of ``keys``, in that order), a batch
    at a time. A record that left ``queryset`` after its key was read is skipped."""
    if keys is None:
        keys = ordered_keys(queryset)
    if queryset.query.is_sliced:
        # A slice cannot be filtered further; its keys already say which records it holds.
        queryset = queryset.model._base_manager.all()
    for batch in key_batches(keys):
        found = rows_by_key(columns, queryset.filter(pk__in=batch))
        yield [found[key] for key in batch if key in found]


def table(columns: Sequence[Column], queryset: QuerySet) -> tuple[list[str], list[list]]:
    """(headers, rows) of ``queryset``'s records in these columns, every row at once."""
    return headers(columns), [row for batch in batches(columns, queryset) for row in batch]


def headers(columns: Sequence[Column]) -> list[str]:
    return [column.name for column in columns]
