"""Changelist filters shared by the timeline's model admins."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timeline.models import SUBJECT_FIELDS, Milestone, Theme


class MissingKoreanFilter(admin.SimpleListFilter):
    """Records whose main text has no Korean yet (NULL or empty), so staff can fill it in.

    Use ``missing_korean_filter(field)`` to get one for a model's main field.
    """

    parameter_name = "korean"
    title = _("Korean text")
    field = ""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # Built per request so the field's name is in the admin's current language.
        label = model._meta.get_field(self.field).verbose_name
        self.title = gettext("Korean %(field)s") % {"field": label}

    def lookups(self, request, model_admin):
        return (("missing", _("Missing")), ("present", _("Present")))

    def queryset(self, request, queryset):
        korean = f"{self.field}_ko"
        empty = Q(**{f"{korean}__isnull": True}) | Q(**{korean: ""})
        if self.value() == "missing":
            return queryset.filter(empty)
        if self.value() == "present":
            return queryset.exclude(empty)
        return queryset


def missing_korean_filter(field):
    """A ``MissingKoreanFilter`` for the translated ``field`` (e.g. "name", "title")."""
    return type(f"MissingKorean{field.title()}Filter", (MissingKoreanFilter,), {"field": field})


class MilestoneKindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(field, Milestone._meta.get_field(field).verbose_name) for field in SUBJECT_FIELDS]

    def queryset(self, request, queryset):
        if self.value() in SUBJECT_FIELDS:
            return queryset.of_kind(self.value())
        return queryset


class MilestoneThemeFilter(admin.SimpleListFilter):
    """Milestones whose subject has the theme (milestones take their themes from the subject)."""

    title = _("theme")
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return [(theme.slug, str(theme)) for theme in Theme.objects.all()]

    def queryset(self, request, queryset):
        slug = self.value()
        if not slug:
            return queryset
        condition = Q()
        for field in SUBJECT_FIELDS:
            subjects = Milestone._meta.get_field(field).related_model.objects.filter(
                themes__slug=slug
            )
            condition |= Q(**{f"{field}__in": subjects})
        return queryset.filter(condition)
