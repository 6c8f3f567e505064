"""The public URL contract (DESIGN.md), mounted under /ko/ and /en/ by hrcity/urls.py."""

from django.urls import URLPattern, path, register_converter

from timeline.caching.pages import cache_public_page
from timeline.models import Initiative, Institution, Policy, Subject
from timeline.public import (
    about_views,
    evaluation_download,
    exports,
    index_download,
    index_views,
    subject_views,
    views,
)
from timeline.public.feeds import EvaluationFeed, MilestoneFeed
from timeline.public.filters import PAGE_PARAMETER, SUBJECT_FILTERSETS, MilestoneFilterSet
from timeline.public.preview import PreviewView

# The query parameters each list reads: the page cache keys its pages by these alone.
TIMELINE_PAGE = MilestoneFilterSet.query_parameters(paged=True)
TIMELINE_FILE = MilestoneFilterSet.query_parameters()


class YearConverter:
    """Four digits: every valid year, and nothing a database could overflow on."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class SlugConverter:
    """Slugs as the models allow them (Unicode letters included); no NUL or other oddities."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(YearConverter, "timeline_year")
register_converter(SlugConverter, "timeline_slug")


def subject_urls(model: type[Subject], prefix: str) -> list[URLPattern]:
    """The directory and the detail page of one kind of subject."""
    return [
        path(
            f"{prefix}/",
            cache_public_page(
                subject_views.SubjectListView.as_view(model=model),
                SUBJECT_FILTERSETS[model].query_parameters(paged=True),
            ),
            name=f"{model.KIND}-list",
        ),
        path(
            f"{prefix}/<timeline_slug:slug>/",
            cache_public_page(subject_views.SubjectDetailView.as_view(model=model)),
            name=f"{model.KIND}-detail",
        ),
    ]


app_name = "timeline"
urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path(
        "timeline/",
        cache_public_page(views.TimelineView.as_view(), TIMELINE_PAGE),
        name="timeline",
    ),
    path(
        "timeline/export.csv",
        cache_public_page(exports.MilestoneExportView.as_view(file_type="csv"), TIMELINE_FILE),
        name="export-csv",
    ),
    path(
        "timeline/export.json",
        cache_public_page(exports.MilestoneExportView.as_view(file_type="json"), TIMELINE_FILE),
        name="export-json",
    ),
    path(
        "timeline/<timeline_year:year>/<timeline_slug:slug>/",
        cache_public_page(views.MilestoneDetailView.as_view()),
        name="milestone-detail",
    ),
    path(
        "years/<timeline_year:year>/",
        cache_public_page(views.YearDetailView.as_view(), (PAGE_PARAMETER,)),
        name="year-detail",
    ),
    *subject_urls(Initiative, "initiatives"),
    *subject_urls(Policy, "policies"),
    *subject_urls(Institution, "institutions"),
    path("sources/", cache_public_page(about_views.SourceListView.as_view()), name="source-list"),
    path("index/", cache_public_page(index_views.IndexView.as_view()), name="index"),
    path(
        "index/export.csv",
        cache_public_page(
            index_download.ObservationExportView.as_view(file_type="csv"),
            index_download.QUERY_PARAMETERS,
        ),
        name="index-export-csv",
    ),
    path(
        "index/export.json",
        cache_public_page(
            index_download.ObservationExportView.as_view(file_type="json"),
            index_download.QUERY_PARAMETERS,
        ),
        name="index-export-json",
    ),
    *(
        path(
            f"index/evaluations.{file_type}",
            cache_public_page(
                evaluation_download.EvaluationExportView.as_view(file_type=file_type),
                evaluation_download.QUERY_PARAMETERS,
            ),
            name=f"index-evaluations-{file_type}",
        )
        for file_type in ("csv", "json")
    ),
    path("index/feed/", EvaluationFeed(), name="index-feed"),
    path(
        "index/indicators/<timeline_slug:slug>/",
        cache_public_page(index_views.IndicatorDetailView.as_view()),
        name="index-indicator",
    ),
    path(
        "index/<timeline_slug:slug>/",
        cache_public_page(index_views.IndexAreaView.as_view()),
        name="index-area",
    ),
    path("feed/", MilestoneFeed(), name="feed"),
    # Staff only, never cached: see timeline/public/preview.py.
    path("preview/<str:token>/", PreviewView.as_view(), name="preview"),
    path("open-data/", cache_public_page(about_views.OpenDataView.as_view()), name="open-data"),
    path("privacy/", cache_public_page(about_views.PrivacyView.as_view()), name="privacy"),
    path(
        "accessibility/",
        cache_public_page(about_views.AccessibilityView.as_view()),
        name="accessibility",
    ),
]
