"""Changelist filters shared by the timeline's model admins."""

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timeline.models import SUBJECT_FIELDS, Milestone, Subject, Theme
from timeline.models.milestones import MilestoneQuerySet

if TYPE_CHECKING:
    from django.db.models import Field, ForeignKey
    from django_stubs_ext import StrOrPromise


class MissingKoreanFilter(admin.SimpleListFilter):
    """Records whose main text has no Korean yet (NULL or empty), so staff can fill it in.

    Use ``missing_korean_filter(field)`` to get one for a model's main field.
    """

    parameter_name = "korean"
    title: "StrOrPromise" = _("Korean text")
    field = ""

    def __init__(
        self,
        request: HttpRequest,
        params: dict[str, Any],
        model: type[Model],
        model_admin: admin.ModelAdmin,
    ) -> None:
        super().__init__(request, params, model, model_admin)
        # Built per request so the field's name is in the admin's current language.
        label = cast("Field[Any, Any]", model._meta.get_field(self.field)).verbose_name
        self.title = gettext("Korean %(field)s") % {"field": label}

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> tuple[tuple[str, "StrOrPromise"], ...]:
        return (("missing", _("Missing")), ("present", _("Present")))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        korean = f"{self.field}_ko"
        empty = Q(**{f"{korean}__isnull": True}) | Q(**{korean: ""})
        if self.value() == "missing":
            return queryset.filter(empty)
        if self.value() == "present":
            return queryset.exclude(empty)
        return queryset


def missing_korean_filter(field: str) -> type[MissingKoreanFilter]:
    """A ``MissingKoreanFilter`` for the translated ``field`` (e.g. "name", "title")."""
    return type(f"MissingKorean{field.title()}Filter", (MissingKoreanFilter,), {"field": field})


def subject_field(name: str) -> "ForeignKey[Subject | None, Subject | None]":
    """Milestone's foreign key to one kind of subject (one of ``SUBJECT_FIELDS``)."""
    return cast("ForeignKey[Subject | None, Subject | None]", Milestone._meta.get_field(name))


class MilestoneKindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, "StrOrPromise"]]:
        return [(field, subject_field(field).verbose_name) for field in SUBJECT_FIELDS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        kind = self.value()
        if kind in SUBJECT_FIELDS:
            return cast(MilestoneQuerySet, queryset).of_kind(kind)
        return queryset


class MilestoneThemeFilter(admin.SimpleListFilter):
    """Milestones whose subject has the theme (milestones take their themes from the subject)."""

    title = _("theme")
    parameter_name = "theme"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(theme.slug, str(theme)) for theme in Theme.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Milestone]) -> QuerySet[Milestone]:
        slug = self.value()
        if not slug:
            return queryset
        condition = Q()
        for field in SUBJECT_FIELDS:
            model = cast("type[Subject]", subject_field(field).related_model)
            subjects = model.objects.filter(themes__slug=slug)
            condition |= Q(**{f"{field}__in": subjects})
        return queryset.filter(condition)
