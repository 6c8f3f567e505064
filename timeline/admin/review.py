"""Review in the admin: the submit and review pages of every publishable record, and what
its change form says of where it stands.

States (``review_state``, models/editorial.py): draft → waiting for review → published
(the flag), or → returned → (changed) → waiting for review again. The steps themselves
and their e-mails are in review_steps.py, the queue in review_queue.py. Publishing stays a
publisher's: the review page refuses anyone else, as every other path does
(timeline/permissions.py).
"""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timeline.admin.publishing import can_publish
from timeline.admin.review_steps import (
    bilingual,
    notify,
    publish,
    publisher_names,
    publishers,
    record_line,
    return_to_editor,
    schedule_sentence,
    submit,
)
from timeline.models import Editorial, ReviewState
from timeline.permissions import PUBLISHED_FIELD
from timeline.previews import is_previewable, preview_url

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    ModelAdminBase = admin.ModelAdmin[Any]
else:
    ModelAdminBase = object

# datetime-local: a native picker every browser labels and works by keyboard.
LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# --- forms ----------------------------------------------------------------------------


class SubmitForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the publishers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Optional: what changed, what to check. It is kept in the record's history."),
    )


class ReviewForm(forms.Form):
    PUBLISH = "publish"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (PUBLISH, _("Publish (now, or at the time below)")),
            (RETURN, _("Return to the editor with a comment")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Needed when returning: what the editor should change. The editor sees it on the "
            "record, and it is kept in the record's history."
        ),
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=LOCAL_TIME,
        help_text=_("Empty: public as soon as you publish. Times are Korea time."),
    )
    withdraw_at = forms.DateTimeField(
        label=_("Withdraw at"),
        required=False,
        widget=LOCAL_TIME,
        help_text=_("Empty: it stays public."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.RETURN and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what the editor should change."))
        start, end = data.get("publish_at"), data.get("withdraw_at")
        if end and end <= (start or timezone.now()):
            self.add_error("withdraw_at", _("The withdraw time must come after the publish time."))
        return data


# --- the admin ------------------------------------------------------------------------


class ReviewAdmin(ModelAdminBase):
    """For admins of publishable records: the submit and review pages, and what the change
    form says of the record's review (``review_context``)."""

    def get_urls(self) -> list[URLPattern]:
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "<path:object_id>/submit/",
                self.admin_site.admin_view(self.submit_view),
                name=f"{name}_submit",
            ),
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name=f"{name}_review",
            ),
            *super().get_urls(),
        ]

    def may_submit(self, request: HttpRequest, obj: Editorial) -> bool:
        return (
            self.has_change_permission(request, obj)
            and not getattr(obj, PUBLISHED_FIELD)
            and obj.review_state != ReviewState.IN_REVIEW
        )

    def may_review(self, request: HttpRequest, obj: Editorial) -> bool:
        return can_publish(request, type(obj)) and obj.review_state == ReviewState.IN_REVIEW

    def step_url(self, obj: Model, step: str) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{step}",
            args=[quote(obj.pk)],
        )

    def editorial_object(self, request: HttpRequest, object_id: str) -> Editorial:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise PermissionDenied  # gone, or never there: nothing to act on
        return cast(Editorial, obj)

    def submit_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.editorial_object(request, object_id)
        if not self.may_submit(request, obj):
            raise PermissionDenied
        form = SubmitForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = cast("User", request.user)
            submit(obj, user, form.cleaned_data["message"])
            notify(
                publishers(type(obj)).filter(email__gt=""),
                bilingual(_("Waiting for your review: %(record)s"), record=str(obj)),
                [record_line(obj, request), obj.review_note],
            )
            self.message_user(
                request,
                gettext(
                    "Submitted %(model)s “%(record)s” for review. Publishers see it under "
                    "“Waiting for review”; it stays a draft until one publishes it."
                )
                % {"model": obj._meta.verbose_name, "record": obj},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self.step_url(obj, "change"))
        title = gettext("Submit “%(record)s” for review") % {"record": obj}
        return self.step_page(request, obj, form, title, "submit")

    def review_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.editorial_object(request, object_id)
        if not self.may_review(request, obj):
            raise PermissionDenied
        form = ReviewForm(
            request.POST or None,
            initial={"publish_at": obj.publish_at, "withdraw_at": obj.withdraw_at},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            user = cast("User", request.user)
            if data["decision"] == ReviewForm.PUBLISH:
                publish(obj, user, data["comment"], data["publish_at"], data["withdraw_at"])
                text = gettext("%(model)s “%(record)s”: %(what)s") % {
                    "model": capfirst(obj._meta.verbose_name),
                    "record": obj,
                    "what": schedule_sentence(obj),
                }
                subject = _("Published: %(record)s")
            else:
                return_to_editor(obj, user, data["comment"])
                text = gettext(
                    "Returned %(model)s “%(record)s” to the editor with your comment; it "
                    "stays a draft."
                ) % {"model": obj._meta.verbose_name, "record": obj}
                subject = _("Returned with a comment: %(record)s")
            if obj.submitted_by is not None:
                notify(
                    [obj.submitted_by],
                    bilingual(subject, record=str(obj)),
                    [record_line(obj, request), text, data["comment"]],
                )
            self.message_user(request, text, messages.SUCCESS)
            return HttpResponseRedirect(reverse("review-queue"))
        title = gettext("Review “%(record)s”") % {"record": obj}
        return self.step_page(request, obj, form, title, "review")

    def step_page(
        self, request: HttpRequest, obj: Editorial, form: forms.Form, title: str, step: str
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "original": obj,
            "form": form,
            "step": step,
            "review": self.review_context(request, obj),
        }
        return TemplateResponse(request, "admin/timeline/review_step.html", context)

    def review_context(self, request: HttpRequest, obj: Model | None) -> dict[str, Any]:
        """What the change form says of the record's review state, and the steps offered."""
        if not isinstance(obj, Editorial) or obj.pk is None:
            return {}
        context: dict[str, Any] = {
            "status": obj.status_label,
            "state": obj.review_state,
            "note": obj.review_note,
            "submitted_by": obj.submitted_by,
            "published": getattr(obj, PUBLISHED_FIELD),
            "read_only": not self.has_change_permission(request, obj),
            "publishers": publisher_names(type(obj)),
        }
        if is_previewable(obj):
            context["previews"] = [
                (code, name, request.build_absolute_uri(preview_url(obj, code)))
                for code, name in settings.LANGUAGES
            ]
        if self.may_submit(request, obj):
            context["submit_url"] = self.step_url(obj, "submit")
        if self.may_review(request, obj):
            context["review_url"] = self.step_url(obj, "review")
        return context
