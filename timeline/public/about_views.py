"""The pages about the record rather than in it: its sources, the privacy and accessibility
statements, the open-data page, and robots.txt.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from timeline import previews
from timeline.models import Citation, Milestone, Outlet, Source
from timeline.public import opendata
from timeline.public.evaluation_columns import EVALUATION_COLUMNS
from timeline.public.views import SectionMixin


def public_outlets() -> list[Outlet]:
    """Outlets with public sources, by name; each with ``public_sources``, and each source
    with ``public_citations`` (by published milestones, in timeline order, then by the
    index's published figures). Three queries."""
    # Milestones first, newest first; then the index's figures (they cite with no milestone).
    citing = Citation.objects.published().select_related(
        "milestone", "indicator_set", "evaluation__indicator_set", "observation__indicator"
    )
    sources = Source.objects.published().prefetch_related(
        Prefetch(
            "citations",
            queryset=citing.order_by(
                F("milestone__year_id").desc(nulls_last=True),
                "milestone__order",
                "milestone_id",
                "id",
            ),
            to_attr="public_citations",
        )
    )
    outlets = Outlet.objects.published().prefetch_related(
        Prefetch("sources", queryset=sources, to_attr="public_sources")
    )
    # By the name shown, whatever the language: Hangul syllables sort in 가나다 order.
    return sorted(outlets, key=lambda outlet: (outlet.name.casefold(), outlet.slug))


class SourceListView(SectionMixin, TemplateView):
    """Every public source, grouped by outlet, with the milestones that cite it."""

    template_name = "timeline/source_list.html"
    section = "sources"

    def get_context_data(self, **kwargs: object) -> dict:
        return super().get_context_data(sources=PublicSources(), **kwargs)


class PublicSources:
    """The source list, read only when its ready part is not stored
    (templates/timeline/source_list.html, ``{% ready "sources" %}``)."""

    @cached_property
    def outlets(self) -> list[Any]:
        return public_outlets()  # each with its prefetched public_sources

    @cached_property
    def count(self) -> int:
        return sum(len(outlet.public_sources) for outlet in self.outlets)


# --- About the site: privacy, accessibility, open data ----------------------------------


class AboutPageView(SectionMixin, TemplateView):
    section = "about"


class PrivacyView(AboutPageView):
    template_name = "timeline/privacy.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # What the policy promises follows the setting (DJANGO_PREVIEW_LINK_DAYS).
        days = max(1, previews.max_age() // (24 * 60 * 60))
        return super().get_context_data(preview_link_days=days, **kwargs)


class AccessibilityView(AboutPageView):
    template_name = "timeline/accessibility.html"


class OpenDataView(AboutPageView):
    template_name = "timeline/open_data.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            columns=opendata.MILESTONE_COLUMNS,
            evaluation_columns=EVALUATION_COLUMNS,
            figures=OpenDataFigures(),
            kogl_name_ko=opendata.KOGL_NAME["ko"],
            kogl_name_en=opendata.KOGL_NAME["en"],
            attribution_ko=opendata.KOGL_ATTRIBUTION["ko"],
            attribution_en=opendata.KOGL_ATTRIBUTION["en"],
            kogl_url=opendata.KOGL_URL,
            **kwargs,
        )


class OpenDataFigures:
    """The open-data page's figures, read only when its ready part is not stored
    (templates/timeline/open_data.html): both read every public milestone."""

    @cached_property
    def reference_date(self) -> datetime.date | None:
        return opendata.reference_date()

    @cached_property
    def milestone_count(self) -> int:
        return Milestone.objects.published().count()


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Everything public may be crawled; the admin may not; the sitemap lists every page."""
    lines = ["User-agent: *", "Allow: /"]
    if settings.ADMIN_PATH == "admin/":
        # A custom admin address is kept out of this public file: listing it would reveal it.
        # (The admin's own pages tell robots not to index them either way.)
        lines.append(f"Disallow: /{settings.ADMIN_PATH}")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
