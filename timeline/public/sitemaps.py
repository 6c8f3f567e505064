"""/sitemap.xml: every public page in Korean and English, each with its hreflang alternates.

Only published records: the same querysets the public pages use. ``/sitemap.xml`` is an
index of sections (``/sitemap-milestones.xml``…), each cut into pages of ``PAGE_SIZE``
addresses (``?p=2``…): one file of every page took 10 s and 10 MB at 10,000 milestones and was
cut at 50,000 addresses. The index and every section page are rendered once per content
version (timeline/caching/remembered.py), so any change to the record retires them.
"""

import datetime
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, overload
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, F, Max, QuerySet, Window
from django.db.models.functions import Mod, RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from timeline.caching.remembered import remembered
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

# Addresses per section page (each record gives one per language): about 1 MB with their
# alternates, where the protocol allows 50,000 addresses and 50 MB, and quick to render.
PAGE_SIZE = 2000


# Records [first, last) of a section, in the section's order.
RecordWindow = Callable[[int, int], Iterable[Any]]


class EveryLanguage(Sequence[tuple[Any, str]]):
    """(record, language) pairs of a section's ``count`` records, read a window at a time.

    Django's sitemap builds this list whole, reading every record of the section for any
    page of it: seconds at 100,000 milestones. Its paginator only needs the length and one
    slice.
    """

    def __init__(self, count: int, window: RecordWindow, languages: Sequence[str]) -> None:
        self.count_of_records = count
        self.window = window
        self.languages = languages

    def __len__(self) -> int:
        return self.count_of_records * len(self.languages)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, str]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, str]]: ...
    def __getitem__(self, index: int | slice) -> tuple[Any, str] | list[tuple[Any, str]]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, step = index.indices(len(self))
        each = len(self.languages)
        first = start // each
        records = self.window(first, -(-stop // each))
        pairs = [(record, language) for record in records for language in self.languages]
        return pairs[start - first * each : stop - first * each : step]


class BilingualSitemap(Sitemap):
    # One <url> per language, each listing the page in every language and an x-default.
    i18n = True
    alternates = True
    x_default = True
    limit = PAGE_SIZE

    @property
    def paginator(self) -> Paginator:
        count, window = self.records()
        return Paginator(EveryLanguage(count, window, self.languages_of_the_site()), self.limit)

    def records(self) -> tuple[int, RecordWindow]:
        """How many records the section has, and how to read a window of them."""
        items = self.items()
        records = items if isinstance(items, QuerySet | Sequence) else list(items)
        count = records.count() if isinstance(records, QuerySet) else len(records)
        return count, lambda first, last: records[first:last]

    def languages_of_the_site(self) -> list[str]:
        return list(self.languages or [code for code, _name in settings.LANGUAGES])

    def page_xml(self, number: int, base: str) -> str:
        """One page of this section as sitemap XML; ``base`` is "https://host".

        Written here rather than by Django's sitemap view, which works out every address
        four times over (each page and its alternates, for each language) and renders a
        template: 2000 addresses took seconds. Each record's address is worked out once
        per language. The x-default is the Korean page, as the pages' own hreflang links say
        (Django would write /timeline/ without a prefix, a redirect).
        """
        pairs = self.paginator.page(number).object_list
        languages = self.languages_of_the_site()
        addresses: dict[int, dict[str, str]] = {}
        for record, _language in pairs:
            if id(record) not in addresses:
                addresses[id(record)] = {
                    code: base + self.location_in(record, code) for code in languages
                }
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
        ]
        for record, language in pairs:
            address = addresses[id(record)]
            parts = [f"<url><loc>{escape(address[language])}</loc>"]
            lastmod = self.attribute("lastmod", record)
            if lastmod is not None:
                parts.append(f"<lastmod>{lastmod.date().isoformat()}</lastmod>")
            changefreq = self.attribute("changefreq", record)
            if changefreq:
                parts.append(f"<changefreq>{escape(changefreq)}</changefreq>")
            priority = self.attribute("priority", record)
            if priority is not None:
                parts.append(f"<priority>{priority:.1f}</priority>")
            alternates = [*((code, address[code]) for code in languages)]
            alternates.append(("x-default", address[settings.LANGUAGE_CODE]))
            parts += (
                f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(href)}"/>'
                for code, href in alternates
            )
            parts.append("</url>")
            lines.append("".join(parts))
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"

    def attribute(self, name: str, record: Any) -> Any:
        """A sitemap attribute (lastmod, changefreq, priority): a value, or one per record."""
        value = getattr(self, name, None)
        return value(record) if callable(value) else value

    def location_in(self, record: Any, language: str) -> str:
        with translation.override(language):
            return str(self.location(record))


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


class RecordSitemap(BilingualSitemap):
    """Records that say when they last changed."""

    def items(self) -> QuerySet[Any]:
        raise NotImplementedError

    def lastmod(self, record: Milestone | Subject) -> datetime.datetime:
        return record.updated

    @property
    def records_per_page(self) -> int:
        return max(1, self.limit // len(self.languages_of_the_site()))

    def summary(self) -> tuple[list[Any], int, datetime.datetime | None]:
        """The key each page starts at, how many records, the latest change: two queries
        over the section, remembered per content version."""

        def read() -> tuple[list[Any], int, datetime.datetime | None]:
            items = self.items()
            totals = items.aggregate(count=Count("pk"), latest=Max("updated"))
            # Every records_per_page-th key, counted by the database, not read into Python.
            starts = (
                items.annotate(row=Window(RowNumber(), order_by=F("pk").asc()))
                .annotate(place=Mod(F("row") - 1, self.records_per_page))
                .filter(place=0)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            return list(starts), totals["count"], totals["latest"]

        return remembered("sitemap-summary", read, type(self).__name__, self.records_per_page)

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # Django's default calls lastmod() on every record of the section.
        return self.summary()[2]

    def records(self) -> tuple[int, RecordWindow]:
        """Records in key order, each window read from the key its page starts at.

        LIMIT/OFFSET made the last pages the slowest (OFFSET 99,000 reads and checks 99,000
        published records first: 1.5 s at 100,000 on SQLite).
        """
        starts, count, _latest = self.summary()
        per_page = self.records_per_page
        items = self.items().order_by("pk")

        def window(first: int, last: int) -> Iterable[Any]:
            page = first // per_page
            if page >= len(starts):
                return []
            skip = first - page * per_page
            return items.filter(pk__gte=starts[page])[skip : skip + last - first]

        return count, window


class MilestoneSitemap(RecordSitemap):
    def location_in(self, milestone: Milestone, language: str) -> str:
        # reverse() per milestone was most of a page's time: the address differs only in
        # the year and slug, so it is filled into the one reversed for each language.
        template = milestone_address_template(language)
        return template.replace(str(PLACEHOLDER_YEAR), str(milestone.year_id), 1).replace(
            PLACEHOLDER_SLUG, milestone.slug, 1
        )

    def items(self) -> QuerySet[Milestone]:
        # Only what the address and lastmod need.
        return Milestone.objects.published().only("slug", "year_id", "updated")


class SubjectSitemap(RecordSitemap):
    model: type[Subject]

    def items(self) -> QuerySet[Subject]:
        return self.model.objects.published().only("slug", "updated")


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


SECTIONS: dict[str, type[BilingualSitemap]] = {
    "pages": ListPagesSitemap,
    "years": YearSitemap,
    "milestones": MilestoneSitemap,
    "initiatives": InitiativeSitemap,
    "policies": PolicySitemap,
    "institutions": InstitutionSitemap,
    "index-areas": IndexAreaSitemap,
    "indicators": IndicatorSitemap,
}
# The same, typed as Django's sitemap index view wants them.
SITEMAPS: "dict[str, type[Sitemap[Any]] | Sitemap[Any]]" = dict(SECTIONS)


# --- Views -------------------------------------------------------------------------------

PLACEHOLDER_YEAR = 9999
PLACEHOLDER_SLUG = "slug-placeholder"


@functools.cache
def milestone_address_template(language: str) -> str:
    with translation.override(language):
        return reverse(
            "timeline:milestone-detail",
            kwargs={"year": PLACEHOLDER_YEAR, "slug": PLACEHOLDER_SLUG},
        )


def _remembered_xml(
    request: HttpRequest, render: Callable[[], tuple[bytes, str | None]], *parts: object
) -> HttpResponse:
    """What ``render()`` gives (content, Last-Modified), once per content version, site and
    ``parts``."""
    content, last_modified = remembered(
        "sitemap", render, request.scheme, request.get_host(), *parts
    )
    response = HttpResponse(content, content_type="application/xml")
    if last_modified:
        response["Last-Modified"] = last_modified
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def sitemap_index(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: where each section's pages are."""

    def render() -> tuple[bytes, str | None]:
        response = sitemap_views.index(
            request, sitemaps=SITEMAPS, sitemap_url_name="sitemap-section"
        )
        response.render()
        return response.content, response.get("Last-Modified")

    return _remembered_xml(request, render, "index")


def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """/sitemap-<section>.xml?p=N: one page of one section."""
    sitemap = SECTIONS.get(section)
    page = request.GET.get("p", "1")
    if sitemap is None or not page.isdigit() or len(page) > 6:
        raise Http404("No such sitemap page")
    number = int(page)
    base = f"{request.scheme}://{request.get_host()}"

    def render() -> tuple[bytes, str | None]:
        try:
            return sitemap().page_xml(number, base).encode(), None
        except InvalidPage as error:
            raise Http404("No such sitemap page") from error

    return _remembered_xml(request, render, section, number)
