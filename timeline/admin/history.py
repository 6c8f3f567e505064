"""History in the admin: every record's versions, restore, and recovery of deleted records.

reversion's ``VersionAdmin`` gives each record a History page (who, when, what; open a
version to restore it) and each list a "Recover deleted ..." page, and records a revision
for every change made by a form. The publish actions record theirs (publishing.py).
What is versioned, and why reversion: timeline/history.py.

Restore and recover are ours, not reversion's: reversion reverts the version's whole
revision, which may group a bulk action or an import, so restoring one record would undo
later changes to others. Ours put back that record alone, with what it owns
(``history.restore_record``), and say beforehand, asking for a tick, when saving would
change what the public sees.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

import reversion
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field, Model, ProtectedError
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.formats import localize
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from timeline.history import record_baseline, restore_record
from timeline.permissions import PUBLISHED_FIELD

# The id fields of a changelist's list-editable rows ("form" is Django's prefix there).
LIST_EDITABLE_ID = re.compile(r"^form-\d+-id$")
# The request attribute a restore sets: what the public saw of the record before it.
RESTORING = "timeline_restoring_over"
# The fields that name a record on the public site, by model: their every language's column.
NAME_FIELDS = ("title", "name", "headline")
# The changelist action that asks before it acts: nothing happens until "post" comes back.
CONFIRMED_ACTIONS = {"delete_selected": "post"}


@dataclass(frozen=True)
class PublicView:
    """What the public site shows of a record: whether it is published, and its names."""

    published: bool
    names: dict[str, str]  # column (e.g. "title_en") -> text


@dataclass(frozen=True)
class Restoring:
    """Set on the request by a restore or recovery: what the public saw before it (None: the
    record was not there, or the public never sees it by a flag of its own)."""

    before: PublicView | None
    saved_on: datetime.datetime | None = None  # when the version being restored was saved


class ShownNotSaved(Exception):
    """Leaves a restore's transaction, undoing it, with the page that shows the version."""

    def __init__(self, response: TemplateResponse) -> None:
        super().__init__()
        self.response = response


def name_fields(model: type[Model]) -> list[str]:
    """The columns that name a ``model`` record on the public site, in every language."""
    columns = {field.name for field in model._meta.concrete_fields}
    return [
        f"{base}_{code}"
        for base in NAME_FIELDS
        for code, _name in settings.LANGUAGES
        if f"{base}_{code}" in columns
    ]


def public_view(model: type[Model], value: Callable[[str], Any]) -> PublicView | None:
    """What the public would see of a ``model`` record whose column values ``value(name)``
    gives; None for a model without a publish flag."""
    if PUBLISHED_FIELD not in {field.name for field in model._meta.concrete_fields}:
        return None
    names = {name: value(name) or "" for name in name_fields(model)}
    return PublicView(published=bool(value(PUBLISHED_FIELD)), names=names)


def describe_public_changes(
    model: type[Model], before: PublicView | None, after: PublicView
) -> list[str]:
    """In plain words, how the public site would change from ``before`` to ``after``."""
    name = model._meta.verbose_name
    was_public = before is not None and before.published
    if after.published and not was_public:
        return [
            gettext("This will publish the %(name)s: the public site will show it again.")
            % {"name": name}
        ]
    if was_public and not after.published:
        return [
            gettext("This will unpublish the %(name)s: the public site will no longer show it.")
            % {"name": name}
        ]
    if before is None or not after.published:
        return []
    return [
        gettext("This will replace the public %(field)s “%(old)s” with “%(new)s”.")
        % {
            "field": cast("Field[Any, Any]", model._meta.get_field(column)).verbose_name,
            "old": old,
            "new": after.names[column],
        }
        for column, old in before.names.items()
        if after.names.get(column) != old
    ]


def confirming_public_changes(
    form_class: type[ModelForm], model: type[Model], before: PublicView | None
) -> type[ModelForm]:
    """``form_class`` for a restore: saving refuses, until ticked, a change the public sees."""

    class ConfirmPublicChangesForm(form_class):  # type: ignore[valid-type,misc]  # made per call
        confirm_public_changes = forms.BooleanField(
            required=False,
            label=_("I understand: save this version and change what the public sees."),
        )

        def public_changes(self) -> list[str]:
            """What saving would change on the public site (for the page, and to refuse)."""
            # Bound: the posted values; unbound, or a field not posted: the restored record.
            posted = getattr(self, "cleaned_data", {})
            after = public_view(model, lambda name: posted.get(name, getattr(self.instance, name)))
            return [] if after is None else describe_public_changes(model, before, after)

        def clean(self) -> dict[str, Any]:
            cleaned: dict[str, Any] = super().clean()
            if self.public_changes() and not cleaned.get("confirm_public_changes"):
                self.add_error(
                    "confirm_public_changes",
                    gettext(
                        "Saving this version changes what the public sees: read what changes "
                        "and tick the box to confirm."
                    ),
                )
            return cleaned

        @property
        def changed_data(self) -> list[str]:
            # The tick is not part of the record: the history's "Changed ..." leaves it out.
            return [name for name in super().changed_data if name != "confirm_public_changes"]

    return ConfirmPublicChangesForm


def for_restore(request: HttpRequest, model: type[Model], form: type[ModelForm]) -> type[ModelForm]:
    """``form``, or, on a restore's page (``HistoryAdmin.restore_view``), ``form`` asking
    for a tick before a save that changes what the public sees. For a model admin's
    ``get_form`` (PublishableAdmin's: only published records change what the public sees)."""
    restoring: Restoring | None = getattr(request, RESTORING, None)
    if restoring is None:
        return form
    return confirming_public_changes(form, model, restoring.before)


class HistoryAdmin(VersionAdmin):
    """Records a baseline version of a record that has none just before the admin changes
    or deletes it, so that records older than the history (the fixture) can be restored to
    how they were, and recovered once deleted. Restores and recovers one record at a time.

    The baseline is recorded only when the change goes ahead: a refused change, delete or
    action (one the user may not take) records nothing.
    """

    history_latest_first = True
    revision_form_template = "admin/timeline/revision_form.html"
    recover_form_template = "admin/timeline/recover_form.html"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_change_permission(request, obj):
                self.record_baseline([obj.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_delete_permission(request, obj):
                self.record_baseline([obj.pk])
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Before VersionAdmin opens the revision the list's actions and edits go into.
        if request.method == "POST":
            if "_save" in request.POST:
                self.record_baseline(self.changeable(request, posted_ids(request)))
            elif "action" in request.POST and self.action_proceeds(request):
                if request.POST.get("select_across") == "1":
                    self.record_baseline(None)
                else:
                    self.record_baseline(posted_ids(request))
        return super().changelist_view(request, extra_context)

    def action_proceeds(self, request: HttpRequest) -> bool:
        """Whether the changelist action posted will act: one this user is offered (an
        editor's publish or delete is refused) and, for one that asks first, confirmed."""
        try:
            name = request.POST.getlist("action")[int(request.POST.get("index", 0))]
        except (ValueError, IndexError):
            return False
        if name not in self.get_actions(request):
            return False
        confirmation = CONFIRMED_ACTIONS.get(name)
        return confirmation is None or confirmation in request.POST

    def changeable(self, request: HttpRequest, pks: Iterable[str]) -> list[Any]:
        """Of the records with these ids, those this user may change (list-editable rows)."""
        if not self.has_change_permission(request):
            return []
        records = self.model._default_manager.filter(pk__in=valid_pks(self.model, pks))
        return [obj.pk for obj in records if self.has_change_permission(request, obj)]

    def record_baseline(self, pks: Iterable[Any] | None) -> None:
        """For the records with these ids (None: all); malformed ids are ignored."""
        records = self.model._default_manager.all()
        if pks is not None:
            records = records.filter(pk__in=valid_pks(self.model, pks))
        record_baseline(records)

    # --- restore and recover: one record, never its revision-mates ---

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The page of one of a record's versions; saving it restores the record to it."""
        object_id = unquote(object_id)
        version = get_object_or_404(
            Version.objects.get_for_model(self.model), pk=version_id, object_id=object_id
        )
        context: dict[str, Any] = {
            "title": gettext("Revert %(name)s") % {"name": version.object_repr}
        }
        context |= {"revert": True, **(extra_context or {})}
        return self.restore_view(request, version, self.revision_form_template, context)

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The page of a deleted record's last version; saving it brings the record back."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)
        context: dict[str, Any] = {
            "title": gettext("Recover %(name)s") % {"name": version.object_repr}
        }
        context |= {"recover": True, **(extra_context or {})}
        return self.restore_view(request, version, self.recover_form_template, context)

    def restore_view(
        self, request: HttpRequest, version: Version, template: str, context: dict[str, Any]
    ) -> HttpResponse:
        """Put back ``version``'s record alone and show it in its change form; a save keeps
        it, recorded as a new revision, anything else (the page, a refused save) is undone.

        Like reversion's view, but never reverting the version's revision-mates.
        """
        before = self.public_view_now(version.object_id)
        setattr(request, RESTORING, Restoring(before, version.revision.date_created))
        try:
            with transaction.atomic(using=version.db):
                restore_record(version)
                with self.create_revision(request):
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, context
                    )
                    if request.method == "POST" and response.status_code == 302:
                        saved = localize(localtime(version.revision.date_created))
                        reversion.set_comment(
                            gettext("Reverted to previous version, saved on %(datetime)s")
                            % {"datetime": saved}
                        )
                    elif isinstance(response, TemplateResponse) and response.status_code == 200:
                        response.template_name = template
                        response.render()  # now, while the restored record is there to show
                        raise ShownNotSaved(response)
                    else:
                        raise RevertError(version.object_repr)
        except ShownNotSaved as shown:
            return shown.response
        except (RevertError, IntegrityError, ProtectedError):
            message = gettext(
                "%(record)s could not be put back as it was: it conflicts with what was saved "
                "since (the same slug, or a record it needs that was deleted)."
            )
            self.message_user(request, message % {"record": version.object_repr}, messages.ERROR)
            opts = self.model._meta
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        return response

    def public_view_now(self, object_id: str) -> PublicView | None:
        """What the public sees of the record with this id now (None: it is not there)."""
        obj = self.model._default_manager.filter(pk=object_id).first()
        if obj is None:
            return None
        return public_view(self.model, lambda name: getattr(obj, name))


def posted_ids(request: HttpRequest) -> list[str]:
    """The record ids a changelist's POST acts on: selected rows and list-editable rows."""
    edited = [value for key, value in request.POST.items() if LIST_EDITABLE_ID.match(key)]
    return cast(list[str], request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) + edited)


def valid_pks(model: type[Model], values: Iterable[str]) -> list[Any]:
    """Those of ``values`` (from a request) that can be ``model`` ids, as ids."""
    field = model._meta.pk
    valid = []
    for value in values:
        try:
            pk = field.to_python(value)
            field.run_validators(pk)  # within the database's range
        except ValidationError:
            continue
        valid.append(pk)
    return valid
