"""History of every record: who changed what and when, and every earlier version, restorable.

Kept with django-reversion rather than django-simple-history. simple-history builds its
historical tables when a model class is prepared, before modeltranslation adds the
``*_ko`` / ``*_en`` columns, so the translated text -- most of what staff edit -- would be
missing from the history. reversion serialises the whole record (every column, the
many-to-many themes, and what it is told to follow) at save time, so a version holds
exactly what the record held, in both languages.

Every model of the record is registered here. A milestone's versions include its
citations, so restoring or recovering a milestone brings back which sources it cited (and
what each supports) as they were; the sources themselves are shared records with their own
history. Subjects and
years do *not* follow their milestones: restoring a subject must not undo (or delete) the
milestones added to it since.

The admin records a revision for every form, action, restore and recovery. Other writers
(the CSV import) call ``record_revision`` with what they saved.

Records that were there before the history was kept (the Gwangju fixture, an upgraded
database) have no version until something records one: ``manage.py createinitialrevisions``
does it for all at once, and the admin records one for a record just before its first
change or deletion (``record_baseline``), so that that change too can be undone.
"""

import reversion
from django.db.models import QuerySet
from django.utils.translation import gettext
from reversion.models import Version

from timeline.models import (
    Citation,
    Initiative,
    Institution,
    Milestone,
    Outlet,
    Policy,
    Source,
    Theme,
    Year,
)

# What a model's versions include besides its own row and many-to-many fields.
FOLLOW = {Milestone: ("citations",)}
# What a version's description (``str()`` of each record) reads besides: a citation names
# its source and the source's outlet.
DESCRIBED_WITH = {Milestone: ("citations__source__outlet",)}

for _model in (
    Theme,
    Year,
    Initiative,
    Policy,
    Institution,
    Milestone,
    Citation,
    Outlet,
    Source,
):
    reversion.register(_model, follow=FOLLOW.get(_model, ()))


def with_versioned_relations(queryset: QuerySet) -> QuerySet:
    """``queryset`` with what a version stores beyond the row prefetched (many-to-many
    fields, followed relations), so that recording many records costs a few queries, not
    a few per record."""
    related = [field.name for field in queryset.model._meta.many_to_many]
    return queryset.prefetch_related(
        *related, *FOLLOW.get(queryset.model, ()), *DESCRIBED_WITH.get(queryset.model, ())
    )


def record_revision(objects, user=None, comment=""):
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


def record_baseline(queryset):
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
