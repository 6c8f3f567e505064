"""The public pages of the timeline (home, the timeline, a milestone, a year) and the mixins
every public page shares. Thin: querysets come from the models, filtering from filters.py.
The subjects' pages are in subject_views.py; the sources, the about pages and robots.txt in
about_views.py; the index's in index_views.py.

Every page runs a fixed number of queries however much data there is: subjects are joined,
their themes prefetched, and counts come from annotations.
"""

from collections.abc import Callable, Hashable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView
from django.views.generic.base import ContextMixin
from django.views.generic.list import MultipleObjectMixin
from django_filters.views import FilterView

from timeline.caching.pages import do_not_store
from timeline.caching.remembered import remembered
from timeline.models import SUBJECT_FIELDS, SUBJECT_MODELS, Citation, Milestone, Year
from timeline.models.compiled_once import compiled_once
from timeline.models.milestones import MilestoneQuerySet
from timeline.models.public_filter import built_once
from timeline.public import structured_data
from timeline.public.charts import (
    YearChart,
    YearCounts,
    remembered_year_counts,
    year_chart,
    year_counts,
)
from timeline.public.filters import MilestoneFilterSet, remembered_public_years
from timeline.public.parts import milestone_cards
from timeline.public.querysets import public_milestones
from timeline.public.year_span import YearSpanPaginator

LATEST_MILESTONES = 6
_M = TypeVar("_M", bound=Model)

# The mixins below are combined with Django's views; the type checker sees them on those bases.
if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination
    from django.views import View
    from django_stubs_ext import StrOrPromise

    from timeline.models.base import PublishableManager

    ContextBase = ContextMixin

    class PaginationBase(MultipleObjectMixin[Any], View): ...

else:
    ContextBase = PaginationBase = object


class SectionMixin(ContextBase):
    """Names the navigation section the page belongs to, for the header's current link."""

    section = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(section=self.section, **kwargs)


class PreviewableMixin(ContextBase):
    """A page of one record that staff may preview before it is public.

    The staff preview (timeline/public/preview.py) runs the very same view with ``preview``
    set: the page's own record is then found among all records, drafts included; everything
    else on the page (neighbours, lists) stays what the public sees.
    """

    preview = False

    def records(self, model: type[_M]) -> QuerySet[_M]:
        manager = cast("PublishableManager[_M]", model._default_manager)
        return manager.all() if self.preview else manager.published()

    def milestones(self, assuming: str) -> MilestoneQuerySet:
        """The public milestones listed on the page; in a preview, as they will be once the
        page's own record (``assuming``: "year" or a subject kind) is published."""
        return Milestone.objects.published(assuming=assuming if self.preview else "")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(preview=self.preview, **kwargs)


class PublicMilestonesMixin(SectionMixin):
    section = "timeline"

    def get_queryset(self) -> QuerySet[Milestone]:
        return public_milestones()


class MilestoneListMixin(SectionMixin):
    """Lists of milestone cards: the page reads the milestones it shows, with their years
    (the list is grouped by year), and joins their ready cards (timeline/public/parts.py)."""

    section = "timeline"

    def get_queryset(self) -> QuerySet[Milestone]:
        # What the list itself shows of each milestone: its key and its year's heading.
        shown = ("pk", "order", "year__year", "year__headline_ko", "year__headline_en")
        return built_once(
            "milestone-list",
            lambda: Milestone.objects.published().select_related("year").only(*shown),
        )


class ForgivingPaginationMixin(PaginationBase):
    """Paging that explains a bad page number and shows a real page, instead of a bare 404."""

    page_message: "StrOrPromise" = ""

    def paginate_queryset(
        self, queryset: "_SupportsPagination[Any]", page_size: int
    ) -> tuple[Paginator, Page, Any, bool]:
        filterset = getattr(self, "filterset", None)
        question = None if filterset is None else filterset.question
        if question is not None and isinstance(queryset, QuerySet):
            # Every visitor asking this question in this language runs the same SQL.
            queryset = compiled_once(queryset, type(self).__name__, question, get_language())
        paginator = self.get_paginator(queryset, page_size)
        page, self.page_message = forgiving_page(
            paginator, self.request.GET.get(self.page_kwarg), self.request
        )
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_message"] = self.page_message
        context["page_links"] = page_links(context.get("page_obj"))
        return context


def forgiving_page(
    paginator: Paginator, asked: str | None, request: HttpRequest
) -> tuple[Page[Any], "StrOrPromise"]:
    """The page asked for, or a real one and a message saying why it is shown instead."""
    message: StrOrPromise = ""
    try:
        number = paginator.validate_number(asked or 1)
    except PageNotAnInteger:
        number = 1
        message = _("That page number is not valid, so the first page is shown.")
    except EmptyPage:
        # validate_number only raises EmptyPage for a whole number, so int() is safe.
        number = 1 if int(cast(str, asked)) < 1 else paginator.num_pages
        message = _("There is no page %(asked)s; page %(shown)s of %(pages)s is shown.") % {
            "asked": int(cast(str, asked)),
            "shown": number,
            "pages": paginator.num_pages,
        }
    if message:
        do_not_store(request)  # every wrong number would be another key
    return paginator.page(number), message


def page_links(page: Page[Any] | None) -> list[Any]:
    """The numbers the pagination links to (with gaps), or none for a single page."""
    if page is None or not page.has_other_pages():
        return []
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


class HomeRecord:
    """What the home page shows of the record, computed only when its ready part is not
    stored (templates/timeline/home.html, ``{% ready "home" %}``)."""

    @cached_property
    def chart(self) -> YearChart | None:
        milestones = Milestone.objects.published()
        return year_chart(milestones, counts=remembered_year_counts(milestones, ()))

    @cached_property
    def latest_year(self) -> int | None:
        return self.chart.last_year if self.chart else None

    @cached_property
    def latest(self) -> list[Milestone]:
        if self.latest_year is None:
            return []
        published = Milestone.objects.published().filter(year=self.latest_year)
        return list(published.only("pk", "year_id")[:LATEST_MILESTONES])

    @cached_property
    def cards(self) -> dict[int, SafeString]:
        return milestone_cards(self.latest)

    @cached_property
    def figures(self) -> dict[str, int]:
        return {kind: model.objects.published().count() for kind, model in SUBJECT_MODELS.items()}


class HomeView(SectionMixin, TemplateView):
    template_name = "timeline/home.html"
    section = "home"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            record=HomeRecord(),
            structured_data=structured_data.website(
                self.request,
                gettext("Human Rights City Gwangju"),
                gettext(
                    "The public record of Gwangju’s human-rights-city programme: milestones, "
                    "initiatives, policies and institutions since 2009."
                ),
            ),
            **kwargs,
        )


class TimelineView(MilestoneListMixin, ForgivingPaginationMixin, FilterView):
    """The whole public timeline, filtered by MilestoneFilterSet, paged, grouped by year."""

    filterset_class = MilestoneFilterSet
    template_name = "timeline/timeline.html"

    def get_paginate_by(self, queryset: QuerySet[Any]) -> int:
        return settings.TIMELINE_PAGE_SIZE

    counts: YearCounts | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The chart follows the filters: every match, not only this page's. Its counts are
        # remembered per content version and filters, and give the paginator its total too.
        question = self.filterset.question
        if question is None:
            self.counts = year_counts(self.object_list)  # invalid filters: matches nothing
        else:
            self.counts = remembered_year_counts(self.object_list, question)
        context = super().get_context_data(chart_html=self.chart_html(question), **kwargs)
        split = split_year_groups(context.get("page_obj"), self.counts)
        shown = list(context["object_list"])
        context.update(split)
        # The list is a ready part too, named by what it shows: these milestones, and where
        # their year groups break. Its cards are only fetched when the list is not stored.
        context["list_key"] = "{},{},{}".format(
            "-".join(str(milestone.pk) for milestone in shown),
            split["continued_year"],
            split["continues_year"],
        )
        context["cards"] = SimpleLazyObject(partial(milestone_cards, shown))
        return context

    def chart_html(self, question: Hashable | None) -> str:
        """The chart's markup: some sixty rows of SVG and table, the same for every visitor
        who asks the same question in the same language until the record changes."""

        def render() -> str:
            chart = year_chart(
                self.object_list,
                compact=True,
                counts=self.counts,
                record_years=remembered_public_years(),
            )
            return render_to_string("includes/chart.html", {"chart": chart}) if chart else ""

        if question is None:
            return render()
        return remembered(
            "timeline-chart-html", render, question, get_language(), asked=bool(question)
        )

    def get_paginator(
        self,
        queryset: "_SupportsPagination[Any]",
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        **kwargs: Any,
    ) -> Paginator:
        if self.counts is not None and isinstance(queryset, QuerySet):
            # Each match is counted once in the chart (one subject per milestone): the
            # counts give the total and the years each page spans (year_span.py).
            return YearSpanPaginator(queryset, per_page, self.counts)
        return super().get_paginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)


def split_year_groups(
    page: Page[Milestone] | None, counts: YearCounts | None
) -> dict[str, int | None]:
    """Which year groups this page shares with the pages before and after it.

    ``continued_year``: the first year on the page began on the previous page;
    ``continues_year``: the last year on the page goes on on the next. Worked out from the
    per-year counts the chart already has (the timeline runs newest year first), so it
    costs no query.
    """
    split: dict[str, int | None] = {"continued_year": None, "continues_year": None}
    if page is None or not counts or not page.object_list:
        return split
    first_index, last_index = page.start_index() - 1, page.end_index() - 1  # 0-based
    items = list(page.object_list)
    starts: dict[int, int] = {}
    seen = 0
    for year in sorted(counts, reverse=True):
        starts[year] = seen
        seen += sum(counts[year].values())
    first_year, last_year = items[0].year_id, items[-1].year_id
    if first_year in starts and starts[first_year] < first_index:
        split["continued_year"] = first_year
    if last_year in starts and starts[last_year] + sum(counts[last_year].values()) - 1 > last_index:
        split["continues_year"] = last_year
    return split


def timeline_neighbours(milestone: Milestone) -> tuple[Milestone | None, Milestone | None]:
    """(earlier, later): the milestones just before and after this one in time.

    Earlier and later run the same way as a year page's earlier and later year, whatever
    direction a list shows them in: within a year, the source's order is its time order.
    """
    year, order, pk = milestone.year_id, milestone.order, milestone.pk
    later = Q(year__gt=year) | Q(year=year, order__gt=order) | Q(year=year, order=order, pk__gt=pk)
    earlier = (
        Q(year__lt=year) | Q(year=year, order__lt=order) | Q(year=year, order=order, pk__lt=pk)
    )
    published = Milestone.objects.published()
    return (
        published.filter(earlier).order_by("-year_id", "-order", "-pk").first(),
        published.filter(later).order_by("year_id", "order", "pk").first(),
    )


class MilestonePage:
    """What a milestone's page shows below its heading, read only when the page's ready part
    is not stored (templates/timeline/milestone_detail.html, ``{% ready "milestone" %}``):
    its sources, documents, subject's themes and its neighbours in time."""

    def __init__(self, milestone: Milestone) -> None:
        self.shown = milestone

    @cached_property
    def milestone(self) -> Milestone:
        citations = Citation.objects.select_related("source__outlet")
        return (
            public_milestones(Milestone.objects.filter(pk=self.shown.pk))
            .prefetch_related(Prefetch("citations", queryset=citations), "documents")
            .get()
        )

    @cached_property
    def neighbours(self) -> tuple[Milestone | None, Milestone | None]:
        return timeline_neighbours(self.shown)

    @property
    def earlier(self) -> Milestone | None:
        return self.neighbours[0]

    @property
    def later(self) -> Milestone | None:
        return self.neighbours[1]


class MilestoneDetailView(PreviewableMixin, PublicMilestonesMixin, DetailView):
    template_name = "timeline/milestone_detail.html"
    context_object_name = "milestone"

    def get_queryset(self) -> QuerySet[Milestone]:
        # The year in the URL must be the milestone's own: a wrong one is a 404, not a redirect.
        # What the head shows (title, subject, the images for structured data); the rest of
        # the page is a ready part (MilestonePage).
        milestones = cast(MilestoneQuerySet, self.records(Milestone))
        return (
            milestones.filter(year=self.kwargs["year"])
            .select_related("year", *SUBJECT_FIELDS)
            .prefetch_related("images")
        )

    def get_object(self, queryset: QuerySet[Milestone] | None = None) -> Milestone:
        # The same SQL for every milestone but its year and slug: compiled once.
        year, slug = self.kwargs["year"], self.kwargs["slug"]
        found = (self.get_queryset() if queryset is None else queryset).filter(slug=slug)
        found = compiled_once(found, "milestone-page", self.preview, varying=(year, slug))
        try:
            return found.get()
        except Milestone.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            page=MilestonePage(self.object),
            structured_data=structured_data.milestone_event(self.object, self.request),
            **kwargs,
        )


class YearDetailView(PreviewableMixin, SectionMixin, DetailView):
    template_name = "timeline/year_detail.html"
    section = "timeline"
    slug_field = slug_url_kwarg = "year"
    context_object_name = "year"

    def get_queryset(self) -> QuerySet[Year]:
        return self.records(Year)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # In a preview of a draft year: its milestones as they will be once it is published.
        page = YearPage(self.object.year, partial(self.milestones, assuming="year"), self.request)
        return super().get_context_data(page=page, **kwargs)


class ListingPage:
    """A page's body that lists public milestones (``listed``: a preview's own assumption),
    read only when the body's ready part is not stored."""

    def __init__(self, listed: Callable[[], MilestoneQuerySet]) -> None:
        self._listed = listed

    @cached_property
    def listed(self) -> MilestoneQuerySet:
        return self._listed()


class YearPage(ListingPage):
    """A year page's milestones, a page of them at a time, and its neighbouring years, read
    only when its ready part is not stored (templates/timeline/year_detail.html,
    ``{% ready "year" %}``)."""

    def __init__(
        self, year: int, listed: Callable[[], MilestoneQuerySet], request: HttpRequest
    ) -> None:
        super().__init__(listed)
        self.year = year
        self.request = request

    @cached_property
    def paged(self) -> tuple[Page[Any], "StrOrPromise"]:
        in_year = self.listed.filter(year=self.year).only("pk", "year_id")
        paginator = Paginator(in_year, settings.YEAR_PAGE_SIZE)
        return forgiving_page(paginator, self.request.GET.get("page"), self.request)

    @property
    def page_obj(self) -> Page[Any]:
        return self.paged[0]

    @property
    def page_message(self) -> "StrOrPromise":
        return self.paged[1]

    @cached_property
    def page_links(self) -> list[Any]:
        return page_links(self.page_obj)

    @cached_property
    def milestones(self) -> list[Milestone]:
        return list(self.page_obj.object_list)

    @cached_property
    def cards(self) -> dict[int, SafeString]:
        return milestone_cards(self.milestones, listed=self.listed)

    @cached_property
    def earlier_year(self) -> Year | None:
        return Year.objects.published().filter(year__lt=self.year).order_by("-year").first()

    @cached_property
    def later_year(self) -> Year | None:
        return Year.objects.published().filter(year__gt=self.year).order_by("year").first()
