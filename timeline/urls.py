"""The public URL contract (DESIGN.md), mounted under /ko/ and /en/ by hrcity/urls.py."""

from django.urls import path, register_converter

from . import exports, views
from .caching import cache_public_page
from .feeds import MilestoneFeed
from .models import Initiative, Institution, Policy


class YearConverter:
    """Four digits: every valid year, and nothing a database could overflow on."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class SlugConverter:
    """Slugs as the models allow them (Unicode letters included); no NUL or other oddities."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(YearConverter, "timeline_year")
register_converter(SlugConverter, "timeline_slug")

app_name = "timeline"
urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path("timeline/", cache_public_page(views.TimelineView.as_view()), name="timeline"),
    path(
        "timeline/export.csv",
        cache_public_page(exports.MilestoneExportView.as_view(file_type="csv")),
        name="export-csv",
    ),
    path(
        "timeline/export.json",
        cache_public_page(exports.MilestoneExportView.as_view(file_type="json")),
        name="export-json",
    ),
    path(
        "timeline/<timeline_year:year>/<timeline_slug:slug>/",
        cache_public_page(views.MilestoneDetailView.as_view()),
        name="milestone-detail",
    ),
    path(
        "years/<timeline_year:year>/",
        cache_public_page(views.YearDetailView.as_view()),
        name="year-detail",
    ),
    path(
        "initiatives/",
        cache_public_page(views.SubjectListView.as_view(model=Initiative)),
        name="initiative-list",
    ),
    path(
        "initiatives/<timeline_slug:slug>/",
        cache_public_page(views.SubjectDetailView.as_view(model=Initiative)),
        name="initiative-detail",
    ),
    path(
        "policies/",
        cache_public_page(views.SubjectListView.as_view(model=Policy)),
        name="policy-list",
    ),
    path(
        "policies/<timeline_slug:slug>/",
        cache_public_page(views.SubjectDetailView.as_view(model=Policy)),
        name="policy-detail",
    ),
    path(
        "institutions/",
        cache_public_page(views.SubjectListView.as_view(model=Institution)),
        name="institution-list",
    ),
    path(
        "institutions/<timeline_slug:slug>/",
        cache_public_page(views.SubjectDetailView.as_view(model=Institution)),
        name="institution-detail",
    ),
    path("feed/", MilestoneFeed(), name="feed"),
    path("open-data/", views.OpenDataView.as_view(), name="open-data"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
]
