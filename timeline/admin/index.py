"""The Human Rights Index in the admin: areas, indicator sets, indicators, evaluations and
their values.

Entering next year's evaluation is one screen: the evaluation's headline figures, its
result per area, the values of single indicators it reports and the sources for each, as
inlines of the evaluation (``EvaluationAdmin``). Publishing, history and import/export
work as for the rest of the record (``TimelineAdmin``); values and area results are
view-only to an editor once the evaluation is published, like the rest of its page.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from timeline.admin.filters import missing_korean_filter
from timeline.admin.history import HistoryAdmin
from timeline.admin.publishing import PublishFlagInlineMixin, ViewOnSiteMixin
from timeline.admin.registration import TimelineAdmin
from timeline.models import (
    Citation,
    Evaluation,
    EvaluationAreaResult,
    IndexArea,
    Indicator,
    IndicatorSet,
    Observation,
)
from timeline.permissions import may_change


class IndexCitationInline(TranslationTabularInline):
    """The sources of one figure of the index, on its page, with what each supports."""

    model = Citation
    fields = ("order", "source", "supports")
    autocomplete_fields = ("source",)
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Citation]:
        return super().get_queryset(request).select_related("source__outlet")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published figure's sources change only through a publisher, as a milestone's.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    has_add_permission = has_delete_permission = has_change_permission


class EvaluationCitationInline(IndexCitationInline):
    fk_name = "evaluation"


class IndicatorSetCitationInline(IndexCitationInline):
    fk_name = "indicator_set"


class ObservationCitationInline(IndexCitationInline):
    fk_name = "observation"


class AreaResultInline(TranslationTabularInline):
    """One row per area: its improvement rate and/or how many of its indicators improved."""

    model = EvaluationAreaResult
    fields = ("area", "rate", "improved", "indicator_count", "note")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvaluationAreaResult]:
        return super().get_queryset(request).select_related("area")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    has_add_permission = has_delete_permission = has_change_permission


class ObservationInline(PublishFlagInlineMixin, ViewOnSiteMixin, TranslationTabularInline):
    """The values of single indicators this evaluation reports. Their sources are added on
    each value's own page (the link on the row)."""

    model = Observation
    fields = ("indicator", "year", "measure", "value", "decimals", "unit", "slug", "is_published")
    autocomplete_fields = ("indicator",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Observation]:
        return super().get_queryset(request).select_related("indicator")


@admin.register(IndexArea)
class IndexAreaAdmin(TimelineAdmin):
    list_display = ("name", "short_name", "slug", "order", "is_published")
    list_editable = ("order",)
    list_filter = ("is_published", missing_korean_filter("name"))
    search_fields = ("name_ko", "name_en", "short_name_ko", "short_name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = ("name", "short_name", "description", "order", "is_published", "slug")


@admin.register(IndicatorSet)
class IndicatorSetAdmin(TimelineAdmin):
    list_display = (
        "name",
        "stage",
        "year",
        "indicator_count",
        "sub_indicator_count",
        "is_published",
    )
    list_filter = ("is_published", "stage", missing_korean_filter("name"))
    search_fields = ("name_ko", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = (
        "name",
        ("stage", "year"),
        ("indicator_count", "sub_indicator_count"),
        "note",
        "is_published",
        "slug",
    )
    inlines = (IndicatorSetCitationInline,)


@admin.register(Indicator)
class IndicatorAdmin(TimelineAdmin):
    list_display = ("name", "area", "unit", "direction", "value_total", "is_published")
    list_filter = ("is_published", "area", "unit", missing_korean_filter("name"))
    list_select_related = ("area",)
    search_fields = ("name_ko", "name_en", "slug")
    autocomplete_fields = ("area",)
    prepopulated_fields = {"slug": ("name_en",)}
    fields = ("name", "area", ("unit", "direction"), "description", "order", "is_published", "slug")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Indicator]:
        return super().get_queryset(request).annotate(value_total=Count("observations"))

    @admin.display(description=_("values"), ordering="value_total")
    def value_total(self, obj: Any) -> int:  # an indicator annotated by get_queryset
        return obj.value_total


@admin.register(Evaluation)
class EvaluationAdmin(TimelineAdmin):
    """One screen per evaluation: headline figures, area results, values, sources."""

    list_display = (
        "data_year",
        "indicator_set",
        "status",
        "improved",
        "indicators_evaluated",
        "overall_rate",
        "published_on",
        "is_published",
    )
    list_display_links = ("data_year", "indicator_set")
    list_filter = ("is_published", "status", "indicator_set", missing_korean_filter("note"))
    list_select_related = ("indicator_set",)
    search_fields = ("slug", "data_year", "indicator_set__name_ko", "indicator_set__name_en")
    autocomplete_fields = ("indicator_set",)
    fieldsets = (
        (
            _("Which evaluation"),
            {
                "fields": (
                    ("data_year", "status"),
                    "indicator_set",
                    ("published_on", "date_precision"),
                ),
                "description": _(
                    "A year for which no public results were found: choose “No public results "
                    "found” and leave the figures empty. The pages show it as a gap."
                ),
            },
        ),
        (
            _("Headline figures"),
            {
                "fields": (
                    ("indicators_evaluated", "improved", "worsened"),
                    ("improved_percent", "overall_rate", "areas_improved"),
                    "note",
                )
            },
        ),
        (_("Publishing"), {"fields": ("is_published", "slug")}),
    )
    inlines = (AreaResultInline, EvaluationCitationInline, ObservationInline)


@admin.register(EvaluationAreaResult)
class EvaluationAreaResultAdmin(HistoryAdmin, TabbedTranslationAdmin):
    """Every area's results in one list, to compare an area across evaluations or find a
    note without Korean. Staff enter them on the evaluation's page."""

    list_display = ("evaluation", "area", "rate", "improved", "indicator_count", "note")
    list_filter = ("area", missing_korean_filter("note"))
    list_select_related = ("evaluation__indicator_set", "area")
    search_fields = ("evaluation__slug", "area__name_ko", "area__name_en", "note_ko", "note_en")
    autocomplete_fields = ("evaluation", "area")
    fields = ("evaluation", "area", "rate", "improved", "indicator_count", "note")

    class Media:
        css = {"all": ("timeline/admin/admin.css",)}
        js = ("timeline/admin/language_tabs.js",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published evaluation's results change only through a publisher, as on its page.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj.evaluation))

    has_delete_permission = has_change_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added on the evaluation's page, where its other figures are


@admin.register(Observation)
class ObservationAdmin(TimelineAdmin):
    list_display = ("indicator", "year", "measure", "printed", "evaluation", "is_published")
    list_filter = ("is_published", "measure", "indicator", "year", missing_korean_filter("note"))
    list_select_related = ("indicator", "evaluation__indicator_set")
    search_fields = ("slug", "indicator__name_ko", "indicator__name_en")
    autocomplete_fields = ("indicator", "evaluation")
    fields = (
        "indicator",
        ("year", "measure"),
        ("value", "decimals", "unit"),
        "evaluation",
        "note",
        "is_published",
        "slug",
    )
    inlines = (ObservationCitationInline,)

    @admin.display(description=_("value"))
    def printed(self, obj: Observation) -> str:
        return obj.printed
