"""What the admin says after a save, a restore or a delete: what changed, in plain words, and
where the record now stands with the public.

Django's own messages ("…was changed successfully", "성공적으로 변경되었습니다") say neither. The
admin builds ours when it knows what happened (after saving, on deleting) and puts it in
place of Django's success message (``message_user``); every other message passes as it is.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.db.models.options import Options
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from timeline.admin.history import RESTORING, Restoring
from timeline.admin.publishing import can_publish, is_public
from timeline.admin.review_steps import one_full_stop, when
from timeline.models import Editorial
from timeline.permissions import PUBLISHED_FIELD

if TYPE_CHECKING:
    ModelAdminBase = admin.ModelAdmin[Any]
else:
    ModelAdminBase = object

# Set on the request once the message is known; ``message_user`` uses it once.
SAVED = "timeline_saved_message"
# What each record saved by the request changed (several when rows of a list are saved).
SAVED_ROWS = "timeline_saved_rows"


def public_sentence(request: HttpRequest, obj: Model) -> str:
    """Where ``obj`` stands with the public, in a sentence ("" if it has no published flag)."""
    if not isinstance(obj, Editorial):
        return ""
    if not getattr(obj, PUBLISHED_FIELD):
        sentence = gettext("It is a draft: the public site does not show it.")
        if not can_publish(request, type(obj)):
            sentence += " " + gettext("Submit it for review when it is ready.")
        return sentence
    if obj.publish_at and obj.publish_at > timezone.now():
        return one_full_stop(
            gettext("It will appear on the public site at %(time)s.")
            % {"time": when(obj.publish_at)}
        )
    if is_public(obj):
        return gettext("The public site shows it now.")
    return gettext(
        "It is published but not on the public site: its year or subject is not public, or "
        "its withdraw time has passed."
    )


def changed_parts(form: ModelForm, formsets: list[BaseFormSet]) -> list[str]:
    """The labels of the fields and the inline lists a save changed."""
    parts = [str(form.fields[name].label or name) for name in form.changed_data]
    for formset in formsets:
        if formset.has_changed():
            model = getattr(formset, "model", None)
            parts.append(str(model._meta.verbose_name_plural) if model else gettext("a list"))
    return parts


def saved_message(
    request: HttpRequest, form: ModelForm, formsets: list[BaseFormSet], change: bool
) -> str:
    obj = form.instance
    name = f"{obj._meta.verbose_name} “{obj}”"
    restoring: Restoring | None = getattr(request, RESTORING, None)
    if restoring is not None and restoring.saved_on is not None:
        text = one_full_stop(
            gettext("Restored %(record)s to its version saved on %(time)s.")
            % {"record": name, "time": when(restoring.saved_on)}
        )
    elif restoring is not None or not change:
        text = gettext("Added %(record)s.") % {"record": name}
    else:
        parts = changed_parts(form, formsets)
        if parts:
            text = gettext("Saved %(record)s: changed %(fields)s.") % {
                "record": name,
                "fields": ", ".join(parts),
            }
        else:
            text = gettext("Saved %(record)s: nothing had changed.") % {"record": name}
    return f"{text} {public_sentence(request, obj)}".strip()


def rows_saved_message(opts: Options[Any], rows: list[list[str]]) -> str:
    """Several rows of a list saved at once: how many, and which of its columns changed."""
    count = len(rows)
    columns = dict.fromkeys(part for parts in rows for part in parts)  # each once, in order
    return ngettext(
        "Saved %(count)d %(model)s: changed %(fields)s.",
        "Saved %(count)d %(models)s: changed %(fields)s.",
        count,
    ) % {
        "count": count,
        "model": opts.verbose_name,
        "models": opts.verbose_name_plural,
        "fields": ", ".join(columns),
    }


class SavedMessagesAdmin(ModelAdminBase):
    """Plain messages after saving, restoring and deleting; see the module docstring."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        rows = getattr(request, SAVED_ROWS, [])
        rows.append(changed_parts(form, list(formsets)))
        setattr(request, SAVED_ROWS, rows)
        if len(rows) == 1:
            setattr(request, SAVED, saved_message(request, form, list(formsets), change))
        else:
            setattr(request, SAVED, rows_saved_message(self.opts, rows))

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: int) -> HttpResponse:
        setattr(
            request,
            SAVED,
            gettext(
                "Deleted %(model)s “%(record)s”: it is off the public site. Its history is "
                "kept: “Recover deleted %(models)s” on the list brings it back."
            )
            % {
                "model": self.opts.verbose_name,
                "record": obj_display,
                "models": self.opts.verbose_name_plural,
            },
        )
        return super().response_delete(request, obj_display, obj_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = queryset.count()
        super().delete_queryset(request, queryset)
        setattr(
            request,
            SAVED,
            ngettext(
                "Deleted %(count)d %(models)s: it is off the public site. “Recover deleted "
                "%(models)s” on the list brings it back.",
                "Deleted %(count)d %(models)s: they are off the public site. “Recover deleted "
                "%(models)s” on the list brings them back.",
                count,
            )
            % {"count": count, "models": self.opts.verbose_name_plural},
        )

    def message_user(
        self,
        request: HttpRequest,
        message: Any,
        level: int | str = messages.INFO,
        extra_tags: str = "",
        fail_silently: bool = False,
    ) -> None:
        ours = getattr(request, SAVED, None)
        if hasattr(request, SAVED) and level == messages.SUCCESS:
            delattr(request, SAVED)
            message = ours or message
        super().message_user(request, message, level, extra_tags, fail_silently)
