"""History in the admin: every record's versions, restore, and recovery of deleted records.

reversion's ``VersionAdmin`` gives each record a History page (who, when, what; open a
version to restore it) and each list a "Recover deleted ..." page, and records a revision
for every change made by a form. The publish actions record theirs (admin_publishing).
What is versioned, and why reversion: timeline/history.py.
"""

import re
from collections.abc import Iterable
from typing import Any, cast

from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from reversion.admin import VersionAdmin

from timeline.history import record_baseline

# The id fields of a changelist's list-editable rows ("form" is Django's prefix there).
LIST_EDITABLE_ID = re.compile(r"^form-\d+-id$")


class HistoryAdmin(VersionAdmin):
    """Records a baseline version of a record that has none just before the admin changes
    or deletes it, so that records older than the history (the fixture) can be restored to
    how they were, and recovered once deleted."""

    history_latest_first = True

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            self.record_baseline([unquote(object_id)])
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST":
            self.record_baseline([unquote(object_id)])
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Before VersionAdmin opens the revision the list's actions and edits go into.
        if request.method == "POST" and ("action" in request.POST or "_save" in request.POST):
            if request.POST.get("select_across") == "1":
                self.record_baseline(None)
            else:
                self.record_baseline(posted_ids(request))
        return super().changelist_view(request, extra_context)

    def record_baseline(self, pks: Iterable[str] | None) -> None:
        """For the records with these ids (None: all); malformed ids are ignored."""
        records = self.model._default_manager.all()
        if pks is not None:
            records = records.filter(pk__in=valid_pks(self.model, pks))
        record_baseline(records)


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
