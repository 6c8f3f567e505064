"""/sitemap.xml: every public page in Korean and English, each with its hreflang alternates.

Only published records: the same querysets the public pages use.
"""

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from timeline.models import (
    IndexArea,
    Indicator,
    Initiative,
    Institution,
    Milestone,
    Policy,
    Subject,
    Year,
)

if TYPE_CHECKING:  # django.contrib.sites is not installed: the request gives the domain
    from django.contrib.sites.models import Site
    from django.contrib.sites.requests import RequestSite


class BilingualSitemap(Sitemap):
    # One <url> per language, each listing the page in every language and an x-default.
    i18n = True
    alternates = True
    x_default = True

    def get_urls(
        self,
        page: int | str = 1,
        site: "Site | RequestSite | None" = None,
        protocol: str | None = None,
    ) -> list[dict[str, Any]]:
        """Django writes the x-default without a language prefix (/timeline/), a redirect
        here; point it at the Korean page instead, as the pages' own hreflang links do."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            alternates = {alt["lang_code"]: alt for alt in url.get("alternates", [])}
            default = alternates.get(settings.LANGUAGE_CODE)
            if default and "x-default" in alternates:
                alternates["x-default"]["location"] = default["location"]
        return urls


class ListPagesSitemap(BilingualSitemap):
    """The home page, the timeline, the directories and the pages about the site."""

    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "home",
            "timeline",
            "initiative-list",
            "policy-list",
            "institution-list",
            "source-list",
            "index",
            "open-data",
            "privacy",
            "accessibility",
        ]

    def location(self, item: str) -> str:
        return reverse(f"timeline:{item}")

    def priority(self, item: str) -> float:
        return 1.0 if item in {"home", "timeline"} else 0.5


class YearSitemap(BilingualSitemap):
    def items(self) -> QuerySet[Year]:
        return Year.objects.published().order_by("year")


class MilestoneSitemap(BilingualSitemap):
    def items(self) -> QuerySet[Milestone]:
        return Milestone.objects.published().order_by("year_id", "order", "pk")

    def lastmod(self, milestone: Milestone) -> datetime.datetime:
        return milestone.updated


class SubjectSitemap(BilingualSitemap):
    model: type[Subject]

    def items(self) -> QuerySet[Subject]:
        return self.model.objects.published().order_by("slug")

    def lastmod(self, subject: Subject) -> datetime.datetime:
        return subject.updated


class InitiativeSitemap(SubjectSitemap):
    model = Initiative


class PolicySitemap(SubjectSitemap):
    model = Policy


class InstitutionSitemap(SubjectSitemap):
    model = Institution


class IndexAreaSitemap(BilingualSitemap):
    def items(self) -> QuerySet[IndexArea]:
        return IndexArea.objects.published().order_by("order", "slug")


class IndicatorSitemap(BilingualSitemap):
    def items(self) -> QuerySet[Indicator]:
        return Indicator.objects.published().order_by("order", "slug")


SITEMAPS = {
    "pages": ListPagesSitemap,
    "years": YearSitemap,
    "milestones": MilestoneSitemap,
    "initiatives": InitiativeSitemap,
    "policies": PolicySitemap,
    "institutions": InstitutionSitemap,
    "index-areas": IndexAreaSitemap,
    "indicators": IndicatorSitemap,
}
