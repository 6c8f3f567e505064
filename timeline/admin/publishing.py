"""Publishing in the admin: the one publish rule, the publish/unpublish actions, "view on site".

Every path that can change ``is_published`` from the admin asks ``can_publish``, which
asks timeline.permissions (the rule for every door: admin, import). For those it refuses
(editors):

- the publish/unpublish actions are not offered;
- the flag is read-only on change forms and in inlines, so a crafted POST cannot set it;
- a record they create, restore or recover is a draft, whatever the form or version says;
- a published record is view-only to them (form, inline row, list-editable row, restore):
  what the public sees changes only through a publisher;
- delete is refused (editors have no delete permission).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import model_ngettext, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.forms import BaseFormSet, BaseInlineFormSet, BaseModelFormSet, ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, override
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from timeline import permissions
from timeline.admin.history import for_restore
from timeline.history import record_revision, restored_with, with_versioned_relations
from timeline.models import SCHEDULE_FIELDS, PublishableQuerySet, ReviewState
from timeline.permissions import PUBLISHED_FIELD

if TYPE_CHECKING:
    from timeline.models.base import PublishableManager

# The records a restore may touch that must stay drafts: set on the request by the
# restore and recover views, for those who may not publish.
HELD_AS_DRAFTS = "timeline_held_as_drafts"

_M = TypeVar("_M", bound=Model)
_FormSetT = TypeVar("_FormSetT", bound=type[BaseFormSet])

# The mixins below are combined with Django's admin classes; the type checker sees them on those.
if TYPE_CHECKING:
    AdminBase = admin.options.BaseModelAdmin[Any]
    ModelAdminBase = admin.ModelAdmin[Any]
    InlineBase = admin.options.InlineModelAdmin[Any, Any]
else:
    AdminBase = ModelAdminBase = InlineBase = object


def can_publish(request: HttpRequest, model: type[Model]) -> bool:
    """Whether this request's user may publish and unpublish records of ``model``."""
    return permissions.can_publish(request.user, model)


def is_publishable(model: type[Model]) -> bool:
    return any(field.name == PUBLISHED_FIELD for field in model._meta.concrete_fields)


def drafts_only(formset_class: _FormSetT) -> _FormSetT:
    """``formset_class``, refusing any change to a row whose record is published."""

    class DraftsOnlyFormSet(formset_class):  # type: ignore[valid-type,misc]  # made per call
        def clean(self) -> None:
            super().clean()
            # The flag is never a field of these forms, so the instance still holds it as stored.
            published = [
                str(form.instance)
                for form in self.initial_forms
                if form.has_changed() and getattr(form.instance, PUBLISHED_FIELD, False)
            ]
            if published:
                raise ValidationError(
                    gettext("Only a publisher can change a published record: %(records)s.")
                    % {"records": ", ".join(published)}
                )

    return cast(_FormSetT, DraftsOnlyFormSet)  # a subclass of formset_class


def new_records_as_drafts(form_class: type[ModelForm]) -> type[ModelForm]:
    """``form_class`` whose new record starts unpublished, as the form then shows it."""

    class DraftForm(form_class):  # type: ignore[valid-type,misc]  # made per call
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            setattr(self.instance, PUBLISHED_FIELD, False)

    return DraftForm


class PublishFlagMixin(AdminBase):
    """For model admins and inlines: the published flag is read-only to those who may not publish."""

    def has_publish_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_publish(request, self.model)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request, obj):
            # The times make a published record public: setting them is publishing too.
            own = {field.name for field in self.model._meta.concrete_fields}
            for name in (PUBLISHED_FIELD, *SCHEDULE_FIELDS):
                if name in own and name not in fields:
                    fields.append(name)
        return fields


class PublishFlagInlineMixin(PublishFlagMixin, InlineBase):
    """For inlines of publishable records: a published row cannot be changed by a non-publisher."""

    def get_formset(
        self, request: HttpRequest, obj: Model | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        return formset if self.has_publish_permission(request, obj) else drafts_only(formset)


def published_of(model: type[Model]) -> PublishableQuerySet[Any]:
    """What the public site shows of a publishable ``model``: its manager's ``published()``."""
    return cast("PublishableManager[Any]", model._default_manager).published()


def with_public_flag(queryset: QuerySet[_M]) -> QuerySet[_M]:
    """Annotate ``public``: whether the public site shows the record, by its model's published().

    One subquery in the same query, so a list of records costs no query per row.
    """
    published = published_of(queryset.model).filter(pk=OuterRef("pk"))
    return queryset.annotate(public=Exists(published))


def is_public(obj: Model) -> bool:
    """Whether the public site shows ``obj`` (read from ``with_public_flag`` when annotated)."""
    if hasattr(obj, "public"):
        return obj.public
    return obj.pk is not None and published_of(type(obj)).filter(pk=obj.pk).exists()


class ViewOnSiteMixin(AdminBase):
    """For model admins and inlines: "view on site" only where the public URL shows the record.

    An unpublished record's public URL answers 404.
    """

    def view_on_site(self, obj: Model) -> str | None:
        if not is_public(obj):
            return None
        return reverse(
            "admin:view_on_site",
            kwargs={
                "content_type_id": ContentType.objects.get_for_model(obj).pk,
                "object_id": obj.pk,
            },
            current_app=self.admin_site.name,
        )


class PublishableAdmin(PublishFlagMixin, ViewOnSiteMixin, ModelAdminBase):
    """Publish/unpublish actions, the publish rule on forms, lists and restores, "view on site".

    Put it before the ModelAdmin base class (a reversion ``VersionAdmin``) so its hooks wrap
    the base's.
    """

    actions = ("publish_selected", "unpublish_selected")

    # --- the rule on forms, list-editable rows and restores ---

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        # Judged on the record as stored: get_object loads it before any form touches it.
        return (
            obj is None
            or not getattr(obj, PUBLISHED_FIELD)
            or self.has_publish_permission(request, obj)
        )

    # ``change`` stays in **kwargs: modeltranslation's get_form takes it only by name.
    def get_form(  # type: ignore[override]
        self, request: HttpRequest, obj: Model | None = None, **kwargs: Any
    ) -> type[ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        if obj is None and not self.has_publish_permission(request):
            form = new_records_as_drafts(form)
        return for_restore(request, self.model, form)

    def get_changelist_formset(self, request: HttpRequest, **kwargs: Any) -> type[BaseModelFormSet]:
        formset = super().get_changelist_formset(request, **kwargs)
        return formset if self.has_publish_permission(request) else drafts_only(formset)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if not self.has_publish_permission(request, obj):
            # A non-publisher may save only new records and drafts (has_change_permission);
            # a restored version may say "published", the record stays a draft.
            setattr(obj, PUBLISHED_FIELD, False)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # What a restore puts back besides this record (what it owns) stays a draft too.
        for model, pk in getattr(request, HELD_AS_DRAFTS, ()):
            for obj in model._default_manager.filter(pk=pk, **{PUBLISHED_FIELD: True}):
                setattr(obj, PUBLISHED_FIELD, False)
                obj.save()

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Model | None:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and (type(obj), str(obj.pk)) in getattr(request, HELD_AS_DRAFTS, ()):
            # What the restore will save, so the form shows it and lets a non-publisher save.
            setattr(obj, PUBLISHED_FIELD, False)
        return obj

    def revision_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        history = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history",
            args=[object_id],
        )
        refused = self.hold_as_drafts(request, version_id, unquote(object_id), history)
        # revision_view and recover_view are reversion's VersionAdmin's, which has no types.
        return refused or super().revision_view(  # type: ignore[misc]
            request, object_id, version_id, extra_context
        )

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        recover_list = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_recoverlist"
        )
        refused = self.hold_as_drafts(request, version_id, None, recover_list)
        return refused or super().recover_view(request, version_id, extra_context)  # type: ignore[misc]

    def hold_as_drafts(
        self, request: HttpRequest, version_id: str, object_id: str | None, refused_url: str
    ) -> HttpResponseRedirect | None:
        """Before a restore by someone who may not publish some of the records it puts back.

        Restoring is changing: if any of those records is published now, refuse with a
        message (a redirect to ``refused_url``); otherwise note them on the request, so they
        stay, or come back as, drafts whatever the version says.
        """
        # reversion would restore a version of any model from any model's page.
        versions = Version.objects.get_for_model(self.model).filter(pk=version_id)
        if object_id is not None:
            versions = versions.filter(object_id=object_id)
        version = versions.select_related("revision").first()
        if version is None:
            raise Http404
        held: set[tuple[type[Model], str]] = set()
        for other in restored_with(version):
            model = other.content_type.model_class()
            if model is None or not is_publishable(model) or can_publish(request, model):
                continue
            current = model._default_manager.filter(pk=other.object_id)
            if current.filter(**{PUBLISHED_FIELD: True}).exists():
                message = gettext(
                    "Only a publisher can restore this version: %(record)s is published."
                )
                self.message_user(request, message % {"record": other.object_repr}, messages.ERROR)
                return redirect(refused_url)
            held.add((model, other.object_id))
        setattr(request, HELD_AS_DRAFTS, held)
        return None

    # --- publish/unpublish actions ---

    @admin.action(
        description=_("Publish selected %(verbose_name_plural)s"), permissions=["publish"]
    )
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self.set_published(request, queryset, True)

    @admin.action(
        description=_("Unpublish selected %(verbose_name_plural)s"), permissions=["publish"]
    )
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self.set_published(request, queryset, False)

    def set_published(self, request: HttpRequest, queryset: QuerySet[Any], published: bool) -> None:
        """Set the flag on the selected records, record each change, say how many changed."""
        selected = queryset.count()
        to_change = list(with_versioned_relations(queryset.exclude(**{PUBLISHED_FIELD: published})))
        if to_change:
            values: dict[str, Any] = {PUBLISHED_FIELD: published}
            own = {field.name for field in self.model._meta.concrete_fields}
            if published and "review_state" in own:
                values["review_state"] = ReviewState.DRAFT  # reviewed: off the queue
            # update() skips auto_now; keep "updated" truthful for those that have it.
            if any(f.name == "updated" for f in self.model._meta.concrete_fields):
                values["updated"] = timezone.now()
            self.model._default_manager.filter(pk__in=[obj.pk for obj in to_change]).update(
                **values
            )
            for obj in to_change:
                for name, value in values.items():
                    setattr(obj, name, value)
            comment = gettext("Published.") if published else gettext("Unpublished.")
            record_revision(to_change, user=request.user, comment=comment)
            self.log_published(request, to_change)
        self.report_published(request, len(to_change), selected - len(to_change), published)

    def log_published(self, request: HttpRequest, objects: Iterable[Model]) -> None:
        # Same shape as the change form's log message, so each record's history reads alike.
        with override(None):
            label = str(capfirst(self.model._meta.get_field(PUBLISHED_FIELD).verbose_name))
        LogEntry.objects.log_actions(
            user_id=cast(int, request.user.pk),  # staff, signed in
            queryset=objects,
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": [label]}}],
        )

    def report_published(
        self, request: HttpRequest, changed: int, unchanged: int, published: bool
    ) -> None:
        items = model_ngettext(self.opts, changed)
        if published:
            message = gettext("Published %(count)d %(items)s.")
            already = ngettext(
                "%(count)d was already published.", "%(count)d were already published.", unchanged
            )
        else:
            message = gettext("Unpublished %(count)d %(items)s.")
            already = ngettext(
                "%(count)d was already unpublished.",
                "%(count)d were already unpublished.",
                unchanged,
            )
        text = message % {"count": changed, "items": items}
        if unchanged:
            text = f"{text} {already % {'count': unchanged}}"
        if changed:
            # What the public now sees, which "published" alone does not say.
            public = (
                gettext(
                    "The public site shows them now, unless a publish time is still to come or "
                    "their year or subject is not public."
                )
                if published
                else gettext("They are off the public site.")
            )
            text = f"{text} {public}"
        self.message_user(request, text, messages.SUCCESS if changed else messages.INFO)
