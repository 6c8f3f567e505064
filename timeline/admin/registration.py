"""The staff door: the Django admin for every model of the record.

Translated fields get Korean/English tabs (modeltranslation's tabbed admin, with jQuery UI
served from our own static files). Shared pieces live beside it: publishing.py (publish
rule, actions, "view on site"), history.py (history, restore, recover deleted), transfer.py
(Import and Export buttons) and filters.py (changelist filters).
"""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models
from django.db.models import Count, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms import Field as FormField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from timeline.admin.filters import (
    MilestoneKindFilter,
    MilestoneThemeFilter,
    missing_korean_filter,
    subject_field,
)
from timeline.admin.history import HistoryAdmin, posted_ids, valid_pks
from timeline.admin.media import inlines_for
from timeline.admin.messages import SavedMessagesAdmin
from timeline.admin.publishing import (
    PublishableAdmin,
    PublishFlagInlineMixin,
    ViewOnSiteMixin,
    with_public_flag,
)
from timeline.admin.review import LOCAL_TIME, ReviewAdmin
from timeline.admin.sources import HTTPS_URLS, CitationInline
from timeline.admin.transfer import SpreadsheetImportExportMixin
from timeline.models import (
    SUBJECT_FIELDS,
    Editorial,
    Initiative,
    Institution,
    Milestone,
    Policy,
    Subject,
    Theme,
    Year,
    partial_iso_date,
)
from timeline.models.milestones import MilestoneQuerySet

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.contrib.admin.options import InlineModelAdmin, _FieldsetSpec
    from django.utils.datastructures import _ListOrTuple

    ModelAdminBase = admin.ModelAdmin[Any]
else:
    ModelAdminBase = object

# One native date-and-time field, labelled and keyboard-operable, for the schedule.
LOCAL_TIMES: "Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]" = {
    models.DateTimeField: {"form_class": forms.DateTimeField, "widget": LOCAL_TIME}
}

SLUG_HELP = _(
    "The last part of the record's public address. Filled in from the English name or title "
    "as you type it; small letters, digits and hyphens. Changing it later breaks links that "
    "people have saved."
)

# The published flag and the times it takes effect: only publishers set them.
PUBLISHING_FIELDS = ("is_published", ("publish_at", "withdraw_at"))

admin.site.site_header = _("Gwangju Human Rights City records")
admin.site.site_title = _("Gwangju Human Rights City records")
admin.site.index_title = _("Records")


def admin_change_url(obj: Model) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@admin.display(description=_("subject"))
def subject_link(milestone: Milestone) -> SafeString | None:
    subject = milestone.subject
    if subject is None:
        return None
    return format_html('<a href="{}">{}</a>', admin_change_url(subject), subject)


@admin.display(description=_("subject"))
def subject_with_kind(milestone: Milestone) -> SafeString | None:
    """The subject's link under its kind: one column where two did not fit at 1280 px."""
    link = subject_link(milestone)
    if link is None:
        return None
    kind = capfirst(subject_field(milestone.kind).verbose_name)
    return format_html('<span class="list-aside">{}</span>{}', kind, link)


class MilestoneCountAdmin(ModelAdminBase):
    """Adds a ``milestone_total`` column: how many milestones (public or not) point here.

    The count is a subquery, so it stays right whatever joins the changelist's filters add.
    """

    milestone_fk = ""  # Milestone's field pointing at this model
    milestone_target = "pk"  # the field of this model that the foreign key holds

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        counts = (
            Milestone.objects.filter(**{self.milestone_fk: OuterRef(self.milestone_target)})
            .order_by()
            .values(self.milestone_fk)
            .annotate(total=Count("pk"))
            .values("total")
        )
        return super().get_queryset(request).annotate(milestone_total=Coalesce(Subquery(counts), 0))

    @admin.display(description=_("milestones"), ordering="milestone_total")
    def milestone_total(self, obj: Any) -> SafeString:  # a row annotated by get_queryset
        url = reverse("admin:timeline_milestone_changelist")
        # The same parameter the milestone list's own filters use, so they show it as chosen.
        link = cast("models.ForeignKey[Any, Any]", Milestone._meta.get_field(self.milestone_fk))
        target = link.target_field.name
        param = f"{self.milestone_fk}__{target}__exact"
        query = urlencode({param: getattr(obj, self.milestone_target)})
        return format_html('<a href="{}?{}">{}</a>', url, query, obj.milestone_total)


class TimelineAdmin(
    SpreadsheetImportExportMixin,
    ReviewAdmin,
    SavedMessagesAdmin,
    PublishableAdmin,
    HistoryAdmin,
    TabbedTranslationAdmin,
):
    """Every model admin of the record: import/export, review, plain messages, publishing,
    history, Korean/English tabs, the CSS."""

    change_form_template = "admin/timeline/change_form.html"
    formfield_overrides = LOCAL_TIMES

    class Media:
        css = {"all": ("timeline/admin/admin.css",)}
        js = ("timeline/admin/language_tabs.js",)

    @admin.display(description=_("status"), ordering="review_state")
    def status(self, obj: Editorial) -> str:
        return obj.status_label

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name == "slug" and "slug" in self.prepopulated_fields:
            field.help_text = SLUG_HELP
        return field

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if obj is not None:
            context.setdefault("review", self.review_context(request, obj))
            if not self.has_change_permission(request, obj):
                # Django's "View <model>" reads as a noun in Korean ("뷰 주요 연혁").
                context.setdefault(
                    "title",
                    gettext("%(model)s (read only)") % {"model": capfirst(self.opts.verbose_name)},
                )
        return super().changeform_view(request, object_id, form_url, context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST" and not self.posted_ids_exist(request):
            message = _(
                "Nothing was changed: the list named records that do not exist (deleted "
                "meanwhile?). Reload the list and try again."
            )
            self.message_user(request, message, messages.WARNING)
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def posted_ids_exist(self, request: HttpRequest) -> bool:
        # A malformed id or one of a record gone since the list was shown would otherwise
        # end in an error page.
        ids = posted_ids(request)
        valid = set(valid_pks(self.model, ids))
        if len(valid) != len(set(ids)):
            return False
        return self.model._default_manager.filter(pk__in=valid).count() == len(valid)


# --- Inlines ----------------------------------------------------------------


class MilestoneInline(PublishFlagInlineMixin, ViewOnSiteMixin, admin.TabularInline):
    """Milestones listed on the page of the year or subject they belong to."""

    model = Milestone
    extra = 0
    can_delete = False  # deleting a milestone is done on its own page, where it is visible
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Milestone]:
        return with_public_flag(super().get_queryset(request))


class SubjectMilestoneInline(MilestoneInline, TranslationTabularInline):
    """A subject's milestones on its page. The subject is implied, so the form shows none."""

    fields = ("year", "order", "title", "slug", "is_published")
    prepopulated_fields = {"slug": ("title_en",)}

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (
            field is not None
            and db_field.name == "year"
            and isinstance(field.widget, RelatedFieldWidgetWrapper)
        ):
            # Editing or deleting a year from a row of another record's page is a trap.
            field.widget = field.widget.widget
        return field


class InitiativeMilestoneInline(SubjectMilestoneInline):
    fk_name = "initiative"


class PolicyMilestoneInline(SubjectMilestoneInline):
    fk_name = "policy"


class InstitutionMilestoneInline(SubjectMilestoneInline):
    fk_name = "institution"


class YearMilestoneInline(MilestoneInline):
    """A year's milestones, to review and reorder them; new ones need a subject, so add them
    from the milestone form or a subject's page."""

    # Django takes a callable among the fields; the stubs allow only names.
    fields = ("order", "title", subject_link, "is_published")  # type: ignore[assignment]
    readonly_fields = ("title", subject_link, "is_published")  # type: ignore[assignment]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> MilestoneQuerySet:
        return cast(MilestoneQuerySet, super().get_queryset(request)).with_subjects()


# --- Themes and years ---------------------------------------------------------


@admin.register(Theme)
class ThemeAdmin(TimelineAdmin):
    list_display = ("name", "slug", "order", "status")
    list_editable = ("order",)
    list_filter = ("is_published", "review_state", missing_korean_filter("name"))
    search_fields = ("name_ko", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = ("name", "slug", "description", "order", *PUBLISHING_FIELDS)


@admin.register(Year)
class YearAdmin(MilestoneCountAdmin, TimelineAdmin):
    milestone_fk = "year"
    milestone_target = "year"
    list_display = ("year", "headline", "milestone_total", "status")
    list_filter = ("is_published", "review_state", missing_korean_filter("headline"))
    search_fields = ("year", "headline_ko", "headline_en")
    fields = ("year", "headline", "summary", *PUBLISHING_FIELDS)
    inlines = (YearMilestoneInline,)


# --- Subjects -----------------------------------------------------------------


def subject_fieldsets(*kind_fields: str | tuple[str, ...]) -> "_FieldsetSpec":
    return (
        (None, {"fields": ("name", "slug", *kind_fields)}),
        (_("Description"), {"fields": ("summary", "description", "themes", "website")}),
        (_("Publishing"), {"fields": PUBLISHING_FIELDS}),
    )


class SubjectAdmin(MilestoneCountAdmin, TimelineAdmin):
    """What the three subject admins share; each names its type field and milestone inline."""

    search_fields = ("name_ko", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("themes",)
    formfield_overrides = {**LOCAL_TIMES, **HTTPS_URLS}

    def __init__(self, model: type[Subject], admin_site: admin.AdminSite) -> None:
        self.milestone_fk = model.KIND
        super().__init__(model, admin_site)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("themes")

    def get_inlines(
        self, request: HttpRequest, obj: Model | None
    ) -> "_ListOrTuple[type[InlineModelAdmin[Any, Any]]]":
        # A subject being added has no id yet for new milestones to point at.
        return self.inlines if obj is not None else ()

    @admin.display(description=_("themes"))
    def theme_list(self, obj: Subject) -> str:
        return ", ".join(str(theme) for theme in obj.themes.all())


@admin.register(Initiative)
class InitiativeAdmin(SubjectAdmin):
    list_display = (
        "name",
        "status",
        "slug",
        "initiative_type",
        "theme_list",
        "milestone_total",
    )
    list_filter = (
        "is_published",
        "review_state",
        "initiative_type",
        "themes",
        missing_korean_filter("name"),
    )
    fieldsets = subject_fieldsets("initiative_type")
    inlines = (*inlines_for("initiative"), InitiativeMilestoneInline)


@admin.register(Policy)
class PolicyAdmin(SubjectAdmin):
    list_display = (
        "name",
        "status",
        "slug",
        "policy_type",
        "period_display",
        "theme_list",
        "milestone_total",
    )
    list_filter = (
        "is_published",
        "review_state",
        "policy_type",
        "themes",
        missing_korean_filter("name"),
    )
    fieldsets = subject_fieldsets("policy_type", ("period_start", "period_end"))
    inlines = (*inlines_for("policy"), PolicyMilestoneInline)

    @admin.display(description=_("period"), ordering="period_start")
    def period_display(self, obj: Policy) -> str | None:
        return obj.period or None


@admin.register(Institution)
class InstitutionAdmin(SubjectAdmin):
    list_display = (
        "name",
        "status",
        "slug",
        "institution_type",
        "parent",
        "theme_list",
        "milestone_total",
    )
    list_filter = (
        "is_published",
        "review_state",
        "institution_type",
        "themes",
        missing_korean_filter("name"),
    )
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    fieldsets = subject_fieldsets("institution_type", "parent")
    inlines = (*inlines_for("institution"), InstitutionMilestoneInline)


# --- Milestones ---------------------------------------------------------------


@admin.register(Milestone)
class MilestoneAdmin(TimelineAdmin):
    # Django takes a callable that gives HTML or nothing; the stubs expect text or a flag.
    # Every column fits 1280 px with the navigation open (tests/browser/
    # test_admin_accessibility.py): the date shares the year's column, the kind the subject's.
    list_display = (  # type: ignore[assignment]
        "year_and_date",
        "order",
        "title",
        "status",
        "on_public_site",
        subject_with_kind,
    )
    list_display_links = ("title",)
    list_editable = ("order",)
    list_filter = (
        "is_published",
        "review_state",
        "year",
        MilestoneKindFilter,
        MilestoneThemeFilter,
        missing_korean_filter("title"),
    )
    list_select_related = ("year", *SUBJECT_FIELDS)
    search_fields = (
        "title_ko",
        "title_en",
        "slug",
        *(f"{field}__name_{lang}" for field in SUBJECT_FIELDS for lang in ("ko", "en")),
    )
    autocomplete_fields = SUBJECT_FIELDS
    prepopulated_fields = {"slug": ("title_en",)}
    fieldsets = (
        (_("Where and when"), {"fields": ("year", "order", ("date", "date_precision"))}),
        (_("What"), {"fields": ("title", "summary")}),
        (
            _("Subject"),
            {
                "fields": SUBJECT_FIELDS,
                "description": _("Choose exactly one: an initiative, a policy or an institution."),
            },
        ),
        (_("Facts"), {"fields": ("note",)}),
        (_("Publishing"), {"fields": (*PUBLISHING_FIELDS, "slug")}),
    )
    inlines = (*inlines_for("milestone"), CitationInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Milestone]:
        return with_public_flag(super().get_queryset(request))

    @admin.display(description=_("year group and date"), ordering="year")
    def year_and_date(self, obj: Milestone) -> SafeString | str:
        if not obj.date:
            return str(obj.year)
        date = partial_iso_date(obj.date, obj.date_precision)
        return format_html('{}<span class="list-aside list-date">{}</span>', obj.year, date)

    @admin.display(description=_("on the public site"), boolean=True, ordering="public")
    def on_public_site(self, obj: Any) -> bool:  # a milestone annotated by with_public_flag
        return obj.public
