"""Sources in the admin: outlets, sources, and the citations staff add from a milestone.

Outlets and sources have no publish flag of their own: a source is public once a published
milestone cites it. The role rule still holds for them: an editor may add and change
sources no published milestone cites, and only view the others, so what the public sees
changes only through a publisher (timeline/permissions.py). A published milestone's
citations are view-only to an editor with the rest of its page (publishing.py).

All three import and export through the CSV contract, as the rest of the record does
(transfer/source_resources.py, which holds files to the same role rule).
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from timeline.admin.filters import missing_korean_filter
from timeline.admin.history import HistoryAdmin
from timeline.admin.transfer import SpreadsheetImportExportMixin
from timeline.models import Citation, Milestone, Outlet, Source, partial_iso_date
from timeline.permissions import can_publish, may_change
from timeline.transfer import resources

# Staff type "gwangju.go.kr"; public sites are on HTTPS.
HTTPS_URLS: "Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]" = {
    models.URLField: {"assume_scheme": "https"}
}


class CitationInline(TranslationTabularInline):
    """A milestone's sources, on its page: pick a source (search by outlet, title or URL)."""

    model = Citation
    fk_name = "milestone"
    fields = ("order", "source", "supports")
    autocomplete_fields = ("source",)
    extra = 0

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("source__outlet")


class TabbedSourcesAdmin(TabbedTranslationAdmin):
    """Korean/English tabs, with the CSS and tab script of the record's other admins."""

    class Media:
        css = {"all": ("timeline/admin/admin.css",)}
        js = ("timeline/admin/language_tabs.js",)


class SourcesTransferAdmin(SpreadsheetImportExportMixin):
    """Import and Export buttons; the export holds what a file can name (a source without
    a URL cannot be named, so it is edited here), and its page counts just those."""

    def get_export_queryset(self, request: HttpRequest) -> models.QuerySet:
        resource = resources.RESOURCES[self.model_key]
        return resource.exportable(super().get_export_queryset(request))


class PublicThroughCitationsAdmin(SourcesTransferAdmin, HistoryAdmin):
    """A record the public sees (``published()`` holds it) is view-only to non-publishers."""

    view_on_site = False  # its public place is an anchor on the sources page, if cited

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return (
            obj is None
            or can_publish(request.user, Milestone)
            or not self.model.objects.published().filter(pk=obj.pk).exists()
        )


@admin.register(Outlet)
class OutletAdmin(PublicThroughCitationsAdmin, TabbedSourcesAdmin):
    list_display = ("name", "slug", "website", "source_total")
    list_filter = (missing_korean_filter("name"),)
    ordering = ("slug",)  # explicit: the counted (grouped) queryset drops the model's order
    search_fields = ("name_ko", "name_en", "slug", "website")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = ("name", "slug", "website")
    formfield_overrides = HTTPS_URLS

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).annotate(source_total=Count("sources"))

    @admin.display(description=_("sources"), ordering="source_total")
    def source_total(self, obj: Any) -> int:  # an outlet annotated by get_queryset
        return obj.source_total


@admin.register(Source)
class SourceAdmin(PublicThroughCitationsAdmin, admin.ModelAdmin):
    list_display = (
        "title",
        "title_is_label",
        "outlet",
        "published_display",
        "kind",
        "language",
        "link",
        "citation_total",
    )
    list_filter = ("kind", "language", "title_is_label", "outlet")
    list_select_related = ("outlet",)
    ordering = ("title", "id")  # explicit, as for outlets
    search_fields = ("title", "url", "outlet__name_ko", "outlet__name_en", "outlet__slug")
    autocomplete_fields = ("outlet",)
    fields = (
        "url",
        "outlet",
        ("title", "title_is_label"),
        ("published", "date_precision"),
        ("language", "kind"),
    )
    formfield_overrides = HTTPS_URLS

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).annotate(citation_total=Count("citations"))

    @admin.display(description=_("publication date"), ordering="published")
    def published_display(self, obj: Source) -> str | None:
        return partial_iso_date(obj.published, obj.date_precision) if obj.published else None

    @admin.display(description=_("URL"), ordering="url")
    def link(self, obj: Source) -> str | None:
        if not obj.url:
            return None
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.url, obj.url)

    @admin.display(description=_("citations"), ordering="citation_total")
    def citation_total(self, obj: Any) -> int:  # a source annotated by get_queryset
        return obj.citation_total


@admin.register(Citation)
class CitationAdmin(SourcesTransferAdmin, HistoryAdmin, TabbedSourcesAdmin):
    """Every citation in one list: to find what lacks its Korean, or who cites a source.
    Staff usually add citations from the milestone's page."""

    list_display = ("cited_record", "source", "order", "supports")
    list_filter = (missing_korean_filter("supports"),)
    list_select_related = (
        "milestone",
        "indicator_set",
        "evaluation__indicator_set",
        "observation__indicator",
        "source__outlet",
    )
    search_fields = (
        "milestone__title_ko",
        "milestone__title_en",
        "source__title",
        "source__url",
        "supports_ko",
        "supports_en",
    )
    autocomplete_fields = ("milestone", "source")
    fields = ("milestone", "source", "order", "supports")

    def get_fields(self, request: HttpRequest, obj: Citation | None = None) -> Any:
        # A citation of the index's figures is edited on that figure's page; here it shows
        # which figure it belongs to.
        if obj is not None and obj.milestone_id is None:
            return ("cited_record", "source", "order", "supports")
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Citation | None = None) -> Any:
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.milestone_id is None:
            return (*readonly, "cited_record")
        return readonly

    def get_form(
        self, request: HttpRequest, obj: Citation | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        # ``change`` by name: modeltranslation's get_form takes it only in **kwargs.
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class OnlyDraftsUnlessPublisher(form):  # type: ignore[valid-type,misc]  # made per call
            def clean_milestone(self) -> Milestone | None:
                milestone = self.cleaned_data.get("milestone")  # as stored: fetched by the field
                if milestone is not None and not may_change(user, milestone):
                    raise ValidationError(
                        _("Only a publisher can change the sources of a published milestone.")
                    )
                return milestone

        return OnlyDraftsUnlessPublisher

    @admin.display(description=_("cited by"))
    def cited_record(self, obj: Citation) -> str:
        return str(obj.cited or "")

    def has_change_permission(self, request: HttpRequest, obj: Citation | None = None) -> bool:
        # A published milestone's citations change only through a publisher, like the rest
        # of its page (the rule judged on the milestone as stored).
        if not super().has_change_permission(request, obj):
            return False
        # The same holds for a published figure of the Human Rights Index.
        return obj is None or obj.cited is None or may_change(request.user, obj.cited)
