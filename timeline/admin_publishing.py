"""Publishing in the admin: the one publish rule, the publish/unpublish actions, "view on site".

Every path that can change ``is_published`` from the admin -- the bulk actions, the flag on a
change form, the flag in an inline -- asks ``can_publish``. Roles (Editor/Publisher) will
narrow that one function.
"""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import model_ngettext
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, override
from django.utils.translation import gettext_lazy as _

PUBLISHED_FIELD = "is_published"


def can_publish(request, model):
    """Whether this user may publish and unpublish records of ``model``.

    For now whoever may change a record may publish it.
    """
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")


class PublishFlagMixin:
    """For model admins and inlines: the published flag is read-only to those who may not publish."""

    def has_publish_permission(self, request, obj=None):
        return can_publish(request, self.model)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if PUBLISHED_FIELD not in fields and not self.has_publish_permission(request, obj):
            fields.append(PUBLISHED_FIELD)
        return fields


def with_public_flag(queryset):
    """Annotate ``public``: whether the public site shows the record, by its model's published().

    One subquery in the same query, so a list of records costs no query per row.
    """
    published = queryset.model._default_manager.published().filter(pk=OuterRef("pk"))
    return queryset.annotate(public=Exists(published))


def is_public(obj):
    if hasattr(obj, "public"):
        return obj.public
    return obj.pk is not None and type(obj)._default_manager.published().filter(pk=obj.pk).exists()


class ViewOnSiteMixin:
    """For model admins and inlines: "view on site" only where the public URL shows the record.

    An unpublished record's public URL answers 404.
    """

    def view_on_site(self, obj):
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


class PublishableAdmin(PublishFlagMixin, ViewOnSiteMixin):
    """Publish/unpublish actions, the guarded published flag, and "view on site".

    Put it before the ModelAdmin base class so its hooks wrap the base's.
    """

    actions = ("publish_selected", "unpublish_selected")

    @admin.action(
        description=_("Publish selected %(verbose_name_plural)s"), permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        self.set_published(request, queryset, True)

    @admin.action(
        description=_("Unpublish selected %(verbose_name_plural)s"), permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        self.set_published(request, queryset, False)

    def set_published(self, request, queryset, published):
        """Set the flag on the selected records, log each change, and say how many changed."""
        selected = queryset.count()
        to_change = list(queryset.exclude(**{PUBLISHED_FIELD: published}))
        if to_change:
            values = {PUBLISHED_FIELD: published}
            # update() skips auto_now; keep "updated" truthful for those that have it.
            if any(f.name == "updated" for f in self.model._meta.concrete_fields):
                values["updated"] = timezone.now()
            self.model._default_manager.filter(pk__in=[obj.pk for obj in to_change]).update(
                **values
            )
            self.log_published(request, to_change)
        self.report_published(request, len(to_change), selected - len(to_change), published)

    def log_published(self, request, objects):
        # Same shape as the change form's log message, so each record's history reads alike.
        with override(None):
            label = str(capfirst(self.model._meta.get_field(PUBLISHED_FIELD).verbose_name))
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=objects,
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": [label]}}],
        )

    def report_published(self, request, changed, unchanged, published):
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
        self.message_user(request, text, messages.SUCCESS if changed else messages.INFO)
