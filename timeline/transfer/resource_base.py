"""What every resource of the CSV contract shares: the base class, its registry and helpers.

A resource declares one model's file columns (``Meta.fields`` and declared ``Field``s, in
file order); ``TimelineResource`` turns them into the engine's columns and runs the
engine (``pipeline.Importer``, ``exporting``). The resources themselves live in modules of
their own (``resources`` for the record, ``source_resources`` for its sources) and are
listed, in import order, by ``register`` -- the one registry behind ``resources.RESOURCES``.
"""

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

import tablib
from django.db import models
from django.db.models.query import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from timeline.models import constraint_message, missing_text_message
from timeline.transfer import declared, exporting
from timeline.transfer.columns import Column, TextColumn
from timeline.transfer.pipeline import Importer, Progress, Row
from timeline.transfer.report import ImportReport

# ``problem(columns, message)``: report a rule broken across these columns of a row.
Problem = Callable[[str | tuple[str, ...], str | Promise], None]


class TimelineResource(resources.ModelResource):
    """A model's columns (``Meta.fields``, in file order) and the engine behind them."""

    model_key = ""
    key_column = "slug"
    # Further columns that, with ``key_column``, say which record a row is (a citation:
    # its milestone and its source). A row's key is then the tuple of their values.
    key_with: tuple[str, ...] = ()
    # Key columns that may be empty, and may be left out of the file when they are linked
    # (a citation of the index names its source and one of the three figures that may
    # cite it).
    optional_key_columns: tuple[str, ...] = ()
    header_one_of: tuple[tuple[str, ...], ...] = ()  # groups new records need one column of
    linked_columns: tuple[tuple[str, ...], ...] = ()  # groups of columns holding one value
    slug_sources: tuple[str, ...] = ()  # attnames a new record's slug is made from, in order
    generates_keys = True  # a row without a key is a new record with a key made for it
    _columns: list[Column]

    # Columns -------------------------------------------------------------------

    @classmethod
    def get_columns(cls) -> list[Column]:
        if "_columns" not in cls.__dict__:
            cls._columns = declared.columns_of(cls)
        return cls._columns

    @classmethod
    def key_columns(cls) -> tuple[str, ...]:
        return (cls.key_column, *cls.key_with)

    @classmethod
    def required_key_columns(cls) -> tuple[str, ...]:
        return tuple(name for name in cls.key_columns() if name not in cls.optional_key_columns)

    @classmethod
    def key_attnames(cls) -> tuple[str, ...]:
        by_name = {column.name: column.attname for column in cls.get_columns()}
        attnames = tuple(by_name[name] for name in cls.key_columns())
        assert all(attnames)  # keys are columns of the record's own row
        return attnames  # type: ignore[return-value]

    @classmethod
    def key_attname(cls) -> str:
        return cls.key_attnames()[0]

    @classmethod
    def key_of(cls, values: dict[str, Any]) -> Any:
        """The key of a record given by its values (by attname): one value, or a tuple."""
        attnames = cls.key_attnames()
        if len(attnames) == 1:
            return values.get(attnames[0])
        return tuple(values.get(attname) for attname in attnames)

    @classmethod
    def scalar_attnames(cls) -> list[str]:
        return [column.attname for column in cls.get_columns() if column.attname]

    @classmethod
    def scalar_attname_set(cls) -> frozenset[str]:
        return frozenset(cls.scalar_attnames())

    @classmethod
    def new_record_defaults(cls) -> dict[str, Any]:
        defaults: dict[str, Any] = {}
        for column in cls.get_columns():
            if column.external:
                defaults[column.name] = ()
            else:
                default = column.field.get_default()
                if default is None and isinstance(column, TextColumn) and not column.field.null:
                    default = ""
                defaults[column.attname or column.name] = default
        return defaults

    @classmethod
    def file_with_columns(cls, names: Collection[str]) -> str | None:
        """The model key of the file that has all these columns, if any: a hint for a
        person who chose the wrong file."""
        for key, resource in REGISTRY.items():
            if set(names) <= {column.name for column in resource.get_columns()}:
                return key
        return None

    @classmethod
    def exportable(cls, queryset: QuerySet) -> QuerySet:
        """The records of ``queryset`` a file can hold (all, unless a key may be empty)."""
        return queryset

    # Checks a subclass adds ----------------------------------------------------

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        """Rules across a row's columns; ``problem(columns, message)`` reports one."""

    def check_rows(self, rows: list[Row], importer: Importer) -> None:
        """Rules across rows (e.g. loops); rows have ``merged`` values."""

    def prepare_new(self, rows: list[Row], importer: Importer) -> None:
        """Fill values new records need that the file left empty."""

    def check_user(self, importer: Importer) -> None:
        """Refuse planned rows (``importer.report.rows``) that ``importer.user`` may not
        import, beyond the drafts rule every publishable model has (``roles``)."""

    def missing_key_message(self) -> str:
        """What a row without a key is told, when a key cannot be made for it."""
        return _("This cannot be empty.")

    def fallback_slug(self, values: dict[str, Any]) -> str:
        return self._meta.model._meta.model_name

    # Import and export ---------------------------------------------------------

    def import_table(
        self,
        headers: list,
        rows: Sequence[list],
        dry_run: bool = False,
        progress: Progress | None = None,
        encoding: str = "",
        user: Any = None,
        filename: str = "",
        on_written: Callable[[ImportReport], None] | None = None,
    ) -> ImportReport:
        """Import cells already read (``rows[i]`` is line i + 2); ``encoding``: the file's.

        ``user``: who imports. Their role limits what the file may do (an editor imports
        drafts only) and a committed import is recorded in the history in their name, with
        ``filename`` in its comment. None: the operator (command line), unrestricted.
        """
        importer = Importer(
            self, headers, rows, dry_run, progress, encoding, user, filename, on_written
        )
        return importer.run()

    def export(self, queryset: QuerySet | None = None, **kwargs: Any) -> tablib.Dataset:
        """A tablib Dataset of the queryset (default: every record), in file columns: what
        the library's Export screen writes, through our writers (writers.ADMIN_FORMATS)."""
        headers, rows = self.export_rows(queryset, kwargs.get("export_fields"))
        dataset = tablib.Dataset(headers=headers)
        for row in rows:
            dataset.append(row)
        return dataset

    def export_rows(
        self, queryset: QuerySet | None = None, selected: Collection[str] | None = None
    ) -> tuple[list[str], list[list]]:
        """(headers, rows) of these records (default: all), in a few queries per batch."""
        headers, batches = self.export_batches(queryset, selected)
        return headers, [row for rows in batches for row in rows]

    def export_batches(
        self,
        queryset: QuerySet | None = None,
        selected: Collection[str] | None = None,
        keys: Sequence[Any] | None = None,
    ) -> tuple[list[str], Iterator[list[list]]]:
        """(headers, rows a batch at a time) of these records (default: all; ``keys``:
        those of the queryset with these primary keys, in this order)."""
        columns = self.get_columns()
        if selected:
            columns = [column for column in columns if column.name in selected]
        if queryset is None:
            queryset = self._meta.model.objects.all()
        queryset = self.exportable(queryset)
        return exporting.headers(columns), exporting.batches(columns, queryset, keys)


# Every resource by model key, in dependency order: importing in this order into an empty
# database always works. Filled by ``register``; read it as ``resources.RESOURCES``.
REGISTRY: dict[str, type[TimelineResource]] = {}


def register(*in_import_order: type[TimelineResource]) -> dict[str, type[TimelineResource]]:
    """Add these resources to the registry, after those already there; returns it."""
    for resource in in_import_order:
        REGISTRY[resource.model_key] = resource
    return REGISTRY


# --- Helpers for declaring resources -------------------------------------------------


def ref(attribute: str, model: type[models.Model], key: str = "slug") -> fields.Field:
    """A column naming a related record by ``key`` (its slug, year or URL)."""
    return fields.Field(
        attribute=attribute, column_name=attribute, widget=widgets.ForeignKeyWidget(model, key)
    )


def require_either_language(
    model: type[models.Model], values: dict[str, Any], field_name: str, problem: Problem
) -> None:
    """A name or title in at least one language, as the model's forms require."""
    if not (values.get(f"{field_name}_ko") or values.get(f"{field_name}_en")):
        columns = (f"{field_name}_ko", f"{field_name}_en")
        problem(columns, missing_text_message(model, field_name))


def require_date_precision(
    model: type[models.Model],
    values: dict[str, Any],
    names: Sequence[str],
    constraint: str,
    problem: Problem,
) -> None:
    """A date and its precision (``names``: their columns, also attnames) go together."""
    date, precision = names
    if bool(values.get(date)) != bool(values.get(precision)):
        problem(precision if values.get(date) else date, constraint_message(model, constraint))
