"""Review: an editor submits a draft with a message; a publisher publishes it (now or at a
set time) or returns it with a comment the editor sees on the record.

States (``review_state``, models/editorial.py): draft → waiting for review → published
(the flag), or → returned → (changed) → waiting for review again. Each step is saved with a
revision whose comment says what happened (the record's History page), and may send an
e-mail to the people concerned: publishers when a draft is submitted, the editor who
submitted it when it is published or returned (``REVIEW_EMAIL``; console in development,
SMTP by environment: hrcity/settings.py). Publishing stays a publisher's: the review page
refuses anyone else, as every other path does (timeline/permissions.py).

Publishers find what waits on the admin index (``waiting_for_review``) and on the review
queue page (``/admin/review/``).
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.text import capfirst
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from timeline.admin.publishing import can_publish
from timeline.history import record_revision
from timeline.models import Editorial, ReviewState
from timeline.permissions import PUBLISHED_FIELD, publish_permission
from timeline.previews import is_previewable, preview_url

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

    ModelAdminBase = admin.ModelAdmin[Any]
else:
    ModelAdminBase = object

logger = logging.getLogger(__name__)

SHOWN_PER_MODEL = 100
# datetime-local: a native picker every browser labels and works by keyboard.
LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def when(moment: datetime.datetime) -> str:
    return str(localize(timezone.localtime(moment)))


# --- the steps ------------------------------------------------------------------------


def submit(obj: Editorial, user: "User", message: str) -> None:
    """An editor asks for review: ``obj`` waits for a publisher, with ``message``."""
    obj.review_state = ReviewState.IN_REVIEW
    obj.review_note = message
    obj.submitted_by = user
    comment = gettext("Submitted for review.")
    save_step(obj, user, f"{comment} {message}".strip())


def publish(
    obj: Editorial,
    user: "User",
    comment: str,
    publish_at: datetime.datetime | None,
    withdraw_at: datetime.datetime | None,
) -> None:
    """A publisher approves: ``obj`` is published, from ``publish_at`` if given."""
    setattr(obj, PUBLISHED_FIELD, True)
    obj.publish_at, obj.withdraw_at = publish_at, withdraw_at
    obj.review_state = ReviewState.DRAFT
    obj.review_note = comment
    save_step(obj, user, f"{schedule_sentence(obj)} {comment}".strip())


def return_to_editor(obj: Editorial, user: "User", comment: str) -> None:
    """A publisher sends ``obj`` back with ``comment``, which the editor sees on it."""
    obj.review_state = ReviewState.RETURNED
    obj.review_note = comment
    returned = gettext("Returned to the editor:")
    save_step(obj, user, f"{returned} {comment}")


def save_step(obj: Editorial, user: "User", comment: str) -> None:
    with transaction.atomic():
        obj.save()
        record_revision([obj], user=user, comment=comment)


def schedule_sentence(obj: Editorial) -> str:
    """What publishing ``obj`` did to the public site, in a sentence."""
    now = timezone.now()
    if obj.publish_at and obj.publish_at > now:
        text = gettext("Published after review; public from %(start)s.") % {
            "start": when(obj.publish_at)
        }
    else:
        text = gettext("Published after review; public now.")
    if obj.withdraw_at:
        text += " " + gettext("Withdrawn at %(end)s.") % {"end": when(obj.withdraw_at)}
    return text


# --- e-mail ---------------------------------------------------------------------------


def publishers(model: type[Model], superusers: bool = True) -> "QuerySet[User]":
    """Active staff who may publish ``model`` (by group or by their own permission; with
    ``superusers``, superusers too)."""
    app_label, codename = publish_permission(model).split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    may = Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    if superusers:
        may |= Q(is_superuser=True)
    users = get_user_model().objects.filter(may, is_active=True, is_staff=True)
    return users.distinct()


def notify(recipients: Iterable["User"], subject: str, lines: list[str]) -> None:
    """Send the people concerned a short e-mail, if review e-mail is on; never fail a step."""
    addresses = sorted({user.email for user in recipients if user.email})
    if not addresses or not getattr(settings, "REVIEW_EMAIL", True):
        return
    try:
        send_mail(subject, "\n\n".join(lines), None, addresses)
    except Exception:
        logger.exception("Could not send the review e-mail %r", subject)


def record_line(obj: Editorial, request: HttpRequest) -> str:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    return f"{capfirst(opts.verbose_name)} “{obj}”: {request.build_absolute_uri(url)}"


def bilingual(text: "StrOrPromise", **values: str) -> str:
    """``text`` in Korean, then English: staff read either."""
    versions = []
    for language in ("ko", "en"):
        with override(language):
            versions.append(str(text) % values)
    return " / ".join(dict.fromkeys(versions))


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


def publisher_names(model: type[Model]) -> list[str]:
    """Who may publish ``model``, by name: whom a read-only record tells the editor to ask
    (superusers, the site's administrators, are not whom staff ask)."""
    users = publishers(model, superusers=False).order_by("username")
    return [user.get_full_name() or user.get_username() for user in users]


# --- the queue ------------------------------------------------------------------------


@dataclass
class Queue:
    """The records of one model waiting for review."""

    label: "StrOrPromise"
    count: int
    url: str
    items: list[Any] = field(default_factory=list)


def waiting_for_review(with_items: bool = False) -> list[Queue]:
    """Per registered publishable model, the records waiting for review (with ``with_items``,
    the first ``SHOWN_PER_MODEL`` of them, longest waiting first)."""
    queues = []
    for model in admin.site._registry:
        if not issubclass(model, Editorial):
            continue
        opts = model._meta
        waiting = model._default_manager.filter(review_state=ReviewState.IN_REVIEW)
        count = waiting.count()
        if not count:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        label = capfirst(cast("StrOrPromise", opts.verbose_name_plural))
        queue = Queue(label, count, f"{url}?review_state__exact=in_review")
        if with_items:
            queue.items = list(
                waiting.select_related("submitted_by").order_by("pk")[:SHOWN_PER_MODEL]
            )
        queues.append(queue)
    return queues


def queue_link(request: HttpRequest, obj: Model) -> str:
    """The review page for those who may publish ``obj``, its change page for others."""
    opts = obj._meta
    step = "review" if can_publish(request, type(obj)) else "change"
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{step}", args=[quote(obj.pk)])


@admin.site.admin_view
def review_queue_view(request: HttpRequest) -> HttpResponse:
    queues = waiting_for_review(with_items=True)
    for queue in queues:
        for item in queue.items:
            item.step_url = queue_link(request, item)
    context = {
        **admin.site.each_context(request),
        "title": _("Waiting for review"),
        "queues": queues,
        "total": sum(queue.count for queue in queues),
    }
    return TemplateResponse(request, "admin/timeline/review_queue.html", context)


urlpatterns = [path("review/", review_queue_view, name="review-queue")]
