"""The subject pages: the directories of initiatives, policies and institutions, and each
subject's own page. One implementation serves the three kinds (``SubjectMixin``).
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from timeline.caching.remembered import remembered
from timeline.models import ATTACHMENTS, Institution, Milestone, Subject
from timeline.models.milestones import MilestoneQuerySet
from timeline.models.public_filter import built_once
from timeline.public import structured_data
from timeline.public.charts import record_span, year_strip
from timeline.public.filters import SUBJECT_FILTERSETS
from timeline.public.parts import milestone_cards, subject_cards
from timeline.public.querysets import published_themes
from timeline.public.views import (
    ForgivingPaginationMixin,
    ListingPage,
    PreviewableMixin,
    SectionMixin,
)


class SubjectMixin(SectionMixin):
    """One implementation for initiatives, policies and institutions: set ``model``."""

    model: type[Subject]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            kind=self.model.KIND,
            kind_plural=self.model._meta.verbose_name_plural,
            list_url_name=f"timeline:{self.model.KIND}-list",
            **kwargs,
        )

    @property
    def section(self) -> str:  # type: ignore[override]  # a class attribute on the other pages
        return self.model.KIND


# The list mixin types ``model`` as optional; here it is always a kind of subject.
class SubjectListView(SubjectMixin, ForgivingPaginationMixin, FilterView):  # type: ignore[misc]
    template_name = "timeline/subject_list.html"

    intros = {
        "initiative": _(
            "Forums, programmes, publications, training, campaigns and projects the city runs "
            "or takes part in."
        ),
        "policy": _(
            "Ordinances, charters, framework plans, laws, indices and programmes that set the "
            "rules and goals."
        ),
        "institution": _(
            "City offices, centres, committees, councils, civic groups and international "
            "bodies that carry the work."
        ),
    }

    def get_filterset_class(self) -> type[Any]:
        return SUBJECT_FILTERSETS[self.model]

    def get_queryset(self) -> QuerySet[Subject]:
        # 가나다 on /ko/, A–Z on /en/, by the stored key (models/sort_keys.py), whatever the
        # database's collation. Only the keys: each row is a ready card (subject_cards).
        model = self.model
        return built_once(
            ("directory", model, get_language()),
            lambda: model.objects.published().order_by(*model.directory_order()).only("pk"),
        )

    def get_paginate_by(self, queryset: QuerySet[Any]) -> int:
        return settings.DIRECTORY_PAGE_SIZE

    def get_paginator(
        self,
        queryset: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        **kwargs: Any,
    ) -> Paginator:
        paginator = super().get_paginator(
            queryset, per_page, orphans, allow_empty_first_page, **kwargs
        )
        question = self.filterset.question
        if question is not None and isinstance(queryset, QuerySet):
            # How many match, remembered per content version and question like the
            # timeline's counts: no COUNT query on each page of the directory.
            paginator.count = remembered(
                "directory-count",
                queryset.count,
                self.model._meta.label,
                question,
                asked=bool(question),
            )
        return paginator

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(intro=self.intros[self.model.KIND], **kwargs)
        context["cards"] = subject_cards(context["object_list"], self.model)
        return context


class SubjectDetailView(PreviewableMixin, SubjectMixin, DetailView):
    template_name = "timeline/subject_detail.html"
    context_object_name = "subject"

    def get_queryset(self) -> QuerySet[Subject]:
        # What the head shows; the rest of the page is a ready part (SubjectPage).
        subjects: QuerySet[Any] = self.records(self.model)
        if self.model is Institution:
            subjects = subjects.select_related("parent").prefetch_related("images")
        return subjects

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        subject = self.object
        # In a preview of a draft subject: its milestones as they will be once it is published.
        page = SubjectPage(subject, partial(self.milestones, assuming=subject.KIND))
        context: dict[str, Any] = {"page": page}
        if isinstance(subject, Institution):
            context["structured_data"] = structured_data.organisation(
                subject, self.request, parent=page.parent
            )
        return super().get_context_data(**context, **kwargs)


class SubjectPage(ListingPage):
    """What a subject's page shows below its heading, read only when its ready part is not
    stored (templates/timeline/subject_detail.html, ``{% ready "subject" %}``)."""

    def __init__(self, shown: Subject, listed: Callable[[], MilestoneQuerySet]) -> None:
        super().__init__(listed)
        self.shown = shown

    @cached_property
    def subject(self) -> Subject:
        return (
            type(self.shown)
            ._default_manager.filter(pk=self.shown.pk)
            .prefetch_related(published_themes("themes"), *ATTACHMENTS)
            .get()
        )

    @cached_property
    def milestones(self) -> list[Milestone]:
        # Oldest first: a subject's page tells its story in the order it happened.
        return list(
            self.listed.filter(**{self.shown.KIND: self.shown})
            .select_related("year")
            .order_by("year_id", "order", "pk")
        )

    @cached_property
    def cards(self) -> dict[int, SafeString]:
        # includes/timeline_list.html with year_level=3: cards one level below.
        return milestone_cards(self.milestones, listed=self.listed, level=4, hide_subject=True)

    @cached_property
    def strip(self) -> Any:
        return year_strip([milestone.year_id for milestone in self.milestones], record_span())

    @cached_property
    def parent(self) -> Institution | None:
        parent = getattr(self.shown, "parent", None)
        return parent if parent is not None and parent.is_public() else None

    @cached_property
    def children(self) -> QuerySet[Institution] | None:
        if not isinstance(self.shown, Institution):
            return None
        return self.shown.children.published()
