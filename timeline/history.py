"""History of every record: who changed what and when, and every earlier version, restorable.

Kept with django-reversion rather than django-simple-history. simple-history builds its
historical tables when a model class is prepared, before modeltranslation adds the
``*_ko`` / ``*_en`` columns, so the translated text -- most of what staff edit -- would be
missing from the history. reversion serialises the whole record (every column, the
many-to-many themes, and what it is told to follow) at save time, so a version holds
exactly what the record held, in both languages.

Every model of the record is registered with reversion by ``register_versioned_models``
(called from ``TimelineConfig.ready()``), with the options in ``VERSIONED`` -- the one place
they are written; ``transfer/versions.py`` reads them from there to write the same
versions in bulk. A milestone's versions include its
citations and its images and documents (a subject's, its images and documents), so
restoring or recovering a milestone brings back which sources it cited (and what each
supports) and the files it showed, as they were; the sources themselves are shared records with their own
history. Subjects and
years do *not* follow their milestones: restoring a subject must not undo (or delete) the
milestones added to it since.

The admin records a revision for every form, action, restore and recovery. Other writers
(the CSV import) call ``record_revision`` with what they saved.

A revision may group many records (a bulk publish, an import, a first-change snapshot), so
restoring one record never reverts its revision (reversion's ``Revision.revert``): it puts
back only that record's version and what the record follows (``restore_record``). Its
revision-mates keep whatever was done to them since.

Records that were there before the history was kept (the Gwangju fixture, an upgraded
database) have no version until something records one: ``manage.py createinitialrevisions``
does it for all at once, and the admin records one for a record just before its first
change or deletion (``record_baseline``), so that that change too can be undone.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import reversion
from django.db import models
from django.db.models import ForeignObjectRel, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from reversion.models import Version

from timeline.models import (
    ATTACHMENTS,
    Citation,
    Document,
    Evaluation,
    EvaluationAreaResult,
    Image,
    IndexArea,
    Indicator,
    IndicatorSet,
    Initiative,
    Institution,
    Milestone,
    Observation,
    Outlet,
    Policy,
    Source,
    Theme,
    Year,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

_M = TypeVar("_M", bound=models.Model)

# A record's images and documents (ATTACHMENTS) belong to it: its versions hold them, and
# restoring it puts back the rows it had then (their files are never deleted).

# Every versioned model and the options it is registered with (``reversion.register``'s
# keywords). Only ``follow`` is used: a version holds the record's whole row, its
# many-to-many fields and the relations named here.
VERSIONED: dict[type[models.Model], dict[str, Any]] = {
    Theme: {},
    Year: {},
    Initiative: {"follow": ATTACHMENTS},
    Policy: {"follow": ATTACHMENTS},
    Institution: {"follow": ATTACHMENTS},
    Milestone: {"follow": ("citations", *ATTACHMENTS)},
    Citation: {},
    Outlet: {},
    Source: {},
    Image: {},
    Document: {},
    IndexArea: {},
    IndicatorSet: {"follow": ("citations",)},
    Indicator: {},
    # One admin screen per evaluation: its area results and citations restore with it.
    Evaluation: {"follow": ("area_results", "citations")},
    EvaluationAreaResult: {},
    Observation: {"follow": ("citations",)},
}
# What a version's description (``str()`` of each record) reads besides: a citation names
# its milestone, its source and the source's outlet; a source its outlet.
DESCRIBED_WITH: dict[type[models.Model], tuple[str, ...]] = {
    Milestone: ("citations__source__outlet",),
    Citation: (
        "milestone",
        "indicator_set",
        "evaluation",
        "observation__indicator",
        "source__outlet",
    ),
    Evaluation: ("indicator_set",),
    Observation: ("indicator",),
    EvaluationAreaResult: ("evaluation__indicator_set", "area"),
    Source: ("outlet",),
}


def follow(model: type[models.Model]) -> tuple[str, ...]:
    """The relations a version of ``model`` includes besides its own row."""
    return tuple(VERSIONED.get(model, {}).get("follow", ()))


def register_versioned_models() -> None:
    """Register the record's models with reversion, with the options in ``VERSIONED``.

    reversion's admin, autodiscovered before this app is ready, registers the models it
    administers with options it guesses from their inlines; ours replace them, so what is
    versioned is decided here, whatever the order of the apps.
    """
    for model, options in VERSIONED.items():
        if reversion.is_registered(model):
            reversion.unregister(model)
        reversion.register(model, **options)


def with_versioned_relations(queryset: QuerySet[_M]) -> QuerySet[_M]:
    """``queryset`` with what a version stores beyond the row prefetched (many-to-many
    fields, followed relations), so that recording many records costs a few queries, not
    a few per record."""
    related = [field.name for field in queryset.model._meta.many_to_many]
    return queryset.prefetch_related(
        *related, *follow(queryset.model), *DESCRIBED_WITH.get(queryset.model, ())
    )


def record_revision(
    objects: Iterable[models.Model],
    user: "User | AnonymousUser | None" = None,
    comment: "str | Promise" = "",
) -> None:
    """Record the current state of ``objects`` (saved records) as one revision.

    Each record's history then shows this version, with ``user`` (who did it; None for a
    system change) and ``comment`` (what was done, e.g. "Imported from milestones.csv").
    Any earlier version can be restored from the admin. ``objects`` may be a queryset
    (related data is then fetched in a few queries) or a list of records, possibly of
    several models. Call it after saving and inside the same transaction, so that the
    history never disagrees with the data. Inside an admin request's revision, the
    records join that revision.
    """
    if isinstance(objects, QuerySet):
        objects = with_versioned_relations(objects)
    objects = list(objects)
    if not objects:
        return
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(str(comment))
        for obj in objects:
            reversion.add_to_revision(obj)


def record_baseline(queryset: QuerySet[models.Model]) -> None:
    """Record, for the records of ``queryset`` that have no version yet, their current state.

    Call it just before changing or deleting them, outside any revision being recorded
    (a revision saves once, at its end). Records with a history are left alone.
    """
    model = queryset.model
    pks = {str(pk): pk for pk in queryset.values_list("pk", flat=True)}
    if not pks:
        return
    versioned = Version.objects.get_for_model(model).filter(object_id__in=list(pks))
    missing = set(pks) - set(versioned.values_list("object_id", flat=True))
    if missing:
        record_revision(
            model._default_manager.filter(pk__in=[pks[pk] for pk in missing]),
            comment=gettext("As it was before its first recorded change."),
        )


def followed_relations(model: type[models.Model]) -> list[ForeignObjectRel]:
    """The records each record of ``model`` owns in its versions: the reverse foreign keys it
    follows (a milestone's citations). Only these are restored with it."""
    relations = []
    for name in follow(model):
        field = model._meta.get_field(name)
        if not (isinstance(field, ForeignObjectRel) and field.one_to_many):
            raise TypeError(f"{model.__name__}.{name}: only reverse foreign keys are restored")
        relations.append(field)
    return relations


def restored_with(version: Version) -> list[Version]:
    """What restoring ``version`` puts back: that version and, from the same revision, the
    versions of the records it owned then (``followed_relations``) -- never the versions of
    the revision's other records."""
    model = version.content_type.model_class()
    restored = [version]
    if model is None:
        return restored
    for relation in followed_relations(model):
        owned = version.revision.version_set.get_for_model(relation.related_model)
        # A cheap first cut (the owner's id is written somewhere in each owned version's
        # data, whatever the format); the deserialised field decides.
        for candidate in owned.filter(serialized_data__contains=version.object_id):
            if str(candidate.field_dict.get(relation.field.attname)) == version.object_id:
                restored.append(candidate)
    return restored


def restore_record(version: Version) -> None:
    """Put the record of ``version`` back as it was then, with the records it owned then (a
    milestone's citations, as they were); those it owns now but did not then are deleted.

    Nothing else changes, even where the revision holds other records. Call it inside a
    transaction (and, to record the restore, before saving the record in a revision).
    """
    versions = restored_with(version)
    model = version.content_type.model_class()
    if model is None:
        return
    for relation in followed_relations(model):
        kept = [
            v.object_id for v in versions if v.content_type.model_class() is relation.related_model
        ]
        owner = cast(type[models.Model], relation.related_model)  # never "self" here
        owned_now = owner._default_manager.filter(**{relation.field.attname: version.object_id})
        owned_now.exclude(pk__in=kept).delete()
    for restored in versions:
        restored.revert()
