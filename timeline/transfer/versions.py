"""An import's history: its records' versions, written in bulk, as reversion would write them.

A committed import records one revision -- who imported, "Import of 12 milestones from
milestones.csv" -- holding a version of every record it created or changed (with what
reversion follows: a milestone's sources), and, just before changing records older than
the history, their state then (``record_baseline``), so that the import can be undone
record by record from the admin's History pages.

Why not ``history.record_revision``: reversion serialises one record at a time with
Django's streaming serialiser, copies its bookkeeping on every record and saves versions
through model instances; for 10,000 milestones that takes four to seven seconds per
revision on SQLite, several times the import itself (about 1.5 s). Written as here it takes
about one second. The versions hold the same JSON
(tests/test_admin_import_export.py checks it against reversion's own) and are read back
by reversion's restore and recover as usual; they are built from a few queries per chunk
of records and saved with one parameterised INSERT run for every version.

What a version holds follows the options the models are registered with, read from where
they are written (``timeline.history.VERSIONED``), never from reversion's private registry.
Only ``fields``, ``follow`` and ``format`` are understood; a model registered with any
other option is refused rather than versioned differently from reversion.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, ClassVar, TypeVar, cast

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router
from django.db.models import Field, ForeignObjectRel, Model
from django.utils import timezone
from django.utils.encoding import force_str, is_protected_type
from reversion import is_registered
from reversion.models import Revision, Version

from timeline.history import DESCRIBED_WITH, VERSIONED

CHUNK = 500
UNDERSTOOD_OPTIONS = frozenset({"fields", "follow", "format"})

T = TypeVar("T")
VersionRow = tuple[int, str, str, str, str, str]


def _chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Plan:
    """What reversion serialises of one model: the fields it selects, in the serialiser's order."""

    _plans: ClassVar[dict[type[Model], "_Plan"]] = {}

    @classmethod
    def of(cls, model: type[Model]) -> "_Plan":
        if model not in cls._plans:
            cls._plans[model] = cls(model)
        return cls._plans[model]

    def __init__(self, model: type[Model]) -> None:
        options = VERSIONED[model]
        unknown = set(options) - UNDERSTOOD_OPTIONS
        if unknown:
            raise NotImplementedError(f"{model.__name__}: versions with {sorted(unknown)}")
        selected = options.get("fields")  # None: all of them, as reversion.register has it
        concrete_model = model._meta.concrete_model
        assert concrete_model is not None  # None only for an abstract model, which has no rows
        concrete = concrete_model._meta
        # The same choice as django.core.serializers.base.Serializer.serialize().
        # Field.serialize is set by Field.__init__ but missing from django-stubs, and a
        # relation's ``through`` is None in the stubs only until its model class is prepared.
        self.fields = [
            field
            for field in concrete.local_fields
            if field.serialize  # type: ignore[attr-defined]
            and (
                selected is None
                or (field.attname if field.remote_field is None else field.attname[:-3]) in selected
            )
        ]
        self.many = [
            field.name
            for field in concrete.local_many_to_many
            if field.serialize  # type: ignore[attr-defined]
            and field.remote_field.through._meta.auto_created  # type: ignore[union-attr]
            and (selected is None or field.attname in selected)
        ]
        self.model = model
        self.label = str(model._meta)
        self.pk = model._meta.pk
        self.follow = [self._follow(model, name) for name in options.get("follow", ())]
        # What each version's description (str) reads besides the row, loaded with it;
        # followed relations are loaded on their own, with what describes them.
        followed = {name for name, _model, _back in self.follow}
        self.described_with = tuple(
            path for path in DESCRIBED_WITH.get(model, ()) if path.split("__")[0] not in followed
        )
        self.object_id_field = model._meta.pk.attname
        self.format = options.get("format", "json")
        self.db = router.db_for_write(model)

    @staticmethod
    def _follow(model: type[Model], name: str) -> tuple[str, type[Model], Any]:
        """(name, related model, its field pointing back) for a followed one-to-many relation."""
        relation = model._meta.get_field(name)
        if not (
            isinstance(relation, ForeignObjectRel)
            and relation.one_to_many
            and relation.auto_created
        ):
            raise NotImplementedError(f"{model.__name__}.{name}: only reverse foreign keys")
        # A reverse relation's related model is the class holding the foreign key; the stubs
        # also allow "self", which only a field's own declaration may say.
        return name, cast("type[Model]", relation.related_model), relation.field

    @staticmethod
    def _value(obj: Model, field: Any) -> Any:
        # django.core.serializers.python.Serializer._value_from_field(), without reading a
        # text field twice: Field.value_to_string() is str(value_from_object()).
        value = field.value_from_object(obj)
        if is_protected_type(value):
            return value
        if type(value) is str and type(field).value_to_string is Field.value_to_string:
            return value
        return field.value_to_string(obj)

    def serialise(self, obj: Model) -> str:
        """What ``serializers.serialize(format, [obj], fields=...)`` gives reversion."""
        fields = {field.name: self._value(obj, field) for field in self.fields}
        for name in self.many:
            # Set by prefetch_related, which the callers use; private, so not in django-stubs.
            related = obj._prefetched_objects_cache.get(name)  # type: ignore[attr-defined]
            if related is None:
                related = getattr(obj, name).only("pk")
            fields[name] = [self._value(item, item._meta.pk) for item in related]
        record = {"model": self.label, "pk": self._value(obj, self.pk), "fields": fields}
        return json.dumps([record], cls=DjangoJSONEncoder, ensure_ascii=False)

    @property
    def content_type_id(self) -> int:
        # Not kept with the plan, which lives as long as the process: content types can be
        # recreated under new ids (a flush, a restore), and Django's own cache is cleared then.
        return ContentType.objects.get_for_model(self.model).pk

    def version_row(self, obj: Model) -> VersionRow:
        """A version's columns but its revision: content type, object id, db, format, data, repr."""
        return (
            self.content_type_id,
            force_str(getattr(obj, self.object_id_field)),
            self.db,
            self.format,
            self.serialise(obj),
            force_str(obj),
        )


def _version_rows(plan: _Plan, pks: Sequence[Any], seen: set) -> Iterator[VersionRow]:
    """Version columns for these records and what reversion follows from them (a milestone's
    sources): a few queries per chunk of records, never one per record."""
    for chunk in _chunks(pks):
        records = list(
            plan.model._base_manager.filter(pk__in=chunk).prefetch_related(
                *plan.many, *plan.described_with
            )
        )
        followed: dict[str, tuple[_Plan, dict[Any, list[Model]]]] = {}
        for name, related_model, back in plan.follow:
            grouped: dict[Any, list[Model]] = {}
            related = related_model._base_manager.filter(
                **{f"{back.name}__in": chunk}
            ).prefetch_related(*_Plan.of(related_model).described_with)
            for item in related:
                grouped.setdefault(getattr(item, back.attname), []).append(item)
            followed[name] = (_Plan.of(related_model), grouped)
        for obj in records:
            key = (plan.label, obj.pk)
            if key in seen:
                continue
            seen.add(key)
            yield plan.version_row(obj)
            for follow_plan, grouped in followed.values():
                items = grouped.get(obj.pk, ())
                yield from _version_rows_of(follow_plan, items, seen)


def _version_rows_of(plan: _Plan, items: Iterable[Model], seen: set) -> Iterator[VersionRow]:
    if plan.follow:  # deeper relations: load them the same way
        yield from _version_rows(plan, [item.pk for item in items], seen)
        return
    for item in items:
        key = (plan.label, item.pk)
        if key not in seen:
            seen.add(key)
            yield plan.version_row(item)


def _insert_versions(revision: Revision, rows: Iterable[VersionRow]) -> None:
    """One parameterised INSERT run for every version: bulk_create() builds a model instance
    per row, which for thousands of versions takes longer than the import itself.

    ``rows`` are made as they are inserted, a chunk at a time: the versions' JSON of a large
    import, held at once, would be larger than everything else the import holds."""
    connection = connections[router.db_for_write(Version)]
    quote = connection.ops.quote_name
    opts = Version._meta
    names = [
        "revision",
        "content_type",
        "object_id",
        "db",
        "format",
        "serialized_data",
        "object_repr",
    ]
    columns = ", ".join(quote(opts.get_field(name).column) for name in names)
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({placeholders})"
    rows = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(rows, CHUNK * 4)):
            cursor.executemany(sql, [(revision.pk, *row) for row in chunk])


def _save(model: type[Model], pks: list[Any], user: Any, comment: str) -> Revision | None:
    if not pks or not is_registered(model):
        return None
    revision = Revision(
        date_created=timezone.now(),
        user=user if user is not None and user.is_authenticated else None,
        comment=str(comment),
    )
    revision.save()
    _insert_versions(revision, _version_rows(_Plan.of(model), pks, set()))
    return revision


def record_baseline(model: type[Model], pks: Iterable[Any], comment: str) -> Revision | None:
    """Before changing these records: a version of those that have none yet, as they are now.

    ``comment``: history.record_baseline's words, "As it was before its first recorded
    change.", so every record's history reads alike.
    """
    if not is_registered(model):
        return None
    wanted = {force_str(pk): pk for pk in pks}
    versioned: set[str] = set()
    for chunk in _chunks(wanted):
        versioned.update(
            Version.objects.get_for_model(model)
            .filter(object_id__in=chunk)
            .order_by()
            .values_list("object_id", flat=True)
            .distinct()
        )
    missing = [pk for key, pk in wanted.items() if key not in versioned]
    return _save(model, missing, None, comment)


def record_revision(
    model: type[Model], pks: Iterable[Any], user: Any, comment: str
) -> Revision | None:
    """After writing these records: one revision with their versions, ``user`` and ``comment``."""
    return _save(model, list(pks), user, comment)
