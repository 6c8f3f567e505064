"""Records out as rows of file columns, in a fixed number of queries whatever their number.

The columns of the record's own row come from one ``values_list`` (related records' slugs
by join); each column whose values live in other tables (themes, sources) adds one query
for all the records. Rows hold native values (int, bool, date, str); the writers in
``spreadsheets`` turn them into cells.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models.query import QuerySet

from timeline.transfer.columns import Column


def table(columns: Sequence[Column], queryset: QuerySet) -> tuple[list[str], list[list]]:
    """(headers, rows) of ``queryset``'s records in these columns."""
    queryset = queryset.prefetch_related(None)
    scalar = [column for column in columns if not column.external]
    # Only external columns (read by export_map below) have no path in the record's own row.
    paths = [column.export_path for column in scalar if column.export_path is not None]
    records = list(queryset.values_list("pk", *paths))
    external = [column for column in columns if column.external]
    maps: dict[str, dict[Any, str]] = {}
    if external:
        owners: Any
        if queryset.query.is_sliced:
            owners = [record[0] for record in records]
        else:
            owners = queryset.order_by().values("pk")
        maps = {column.name: column.export_map(owners) for column in external}  # type: ignore[attr-defined]
    plan: list[tuple[int | None, dict[Any, str] | None, Callable[[Any], Any] | None]] = []
    position = 1
    for column in columns:
        if column.external:
            plan.append((None, maps[column.name], None))
        else:
            # Columns that export their value as it is skip the call, row after row.
            plain = type(column).export_value is Column.export_value
            plan.append((position, None, None if plain else column.export_value))
            position += 1
    rows = [
        [
            (convert(record[index]) if convert else record[index])
            if index is not None
            else mapping.get(record[0], "")  # type: ignore[union-attr]
            for index, mapping, convert in plan
        ]
        for record in records
    ]
    return [column.name for column in columns], rows
