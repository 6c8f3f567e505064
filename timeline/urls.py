"""The public URL contract (DESIGN.md), mounted under /ko/ and /en/ by hrcity/urls.py."""

from django.urls import path, register_converter

from . import views
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
    path("", views.HomeView.as_view(), name="home"),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path(
        "timeline/<timeline_year:year>/<timeline_slug:slug>/",
        views.MilestoneDetailView.as_view(),
        name="milestone-detail",
    ),
    path("years/<timeline_year:year>/", views.YearDetailView.as_view(), name="year-detail"),
    path(
        "initiatives/",
        views.SubjectListView.as_view(model=Initiative),
        name="initiative-list",
    ),
    path(
        "initiatives/<timeline_slug:slug>/",
        views.SubjectDetailView.as_view(model=Initiative),
        name="initiative-detail",
    ),
    path("policies/", views.SubjectListView.as_view(model=Policy), name="policy-list"),
    path(
        "policies/<timeline_slug:slug>/",
        views.SubjectDetailView.as_view(model=Policy),
        name="policy-detail",
    ),
    path(
        "institutions/",
        views.SubjectListView.as_view(model=Institution),
        name="institution-list",
    ),
    path(
        "institutions/<timeline_slug:slug>/",
        views.SubjectDetailView.as_view(model=Institution),
        name="institution-detail",
    ),
]
