"""The Human Rights Index's public pages: the index, one area, one indicator.

Only published records appear: an evaluation whose indicator set is a draft is hidden, and
so are the values of a draft indicator or of a hidden evaluation (``published()`` of each
model). Every page runs a fixed number of queries however many evaluations and values
there are: related records are joined and citations prefetched with their sources.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from timeline.models import (
    Citation,
    Evaluation,
    EvaluationAreaResult,
    IndexArea,
    Indicator,
    IndicatorSet,
    Observation,
    Policy,
)
from timeline.models.editorial import public_now
from timeline.public.index_charts import disagreements, rate_chart, value_chart
from timeline.public.views import SectionMixin

NO_SET = _("not part of an evaluation")


def cited() -> Prefetch:
    """A figure's citations, in order, with each source and its outlet."""
    return Prefetch(
        "citations",
        queryset=Citation.objects.select_related("source__outlet").order_by("order", "id"),
    )


def public_evaluations() -> QuerySet[Evaluation]:
    """Public evaluations, oldest data year first, with their set, public area results and
    citations."""
    results = EvaluationAreaResult.objects.filter(public_now("area")).select_related("area")
    return (
        Evaluation.objects.published()
        .select_related("indicator_set")
        .prefetch_related(
            Prefetch("area_results", queryset=results, to_attr="public_area_results"), cited()
        )
    )


def area_results(evaluation: Evaluation) -> list[EvaluationAreaResult]:
    """An evaluation's public area results, as ``public_evaluations`` prefetched them."""
    results: list[EvaluationAreaResult] = getattr(evaluation, "public_area_results")  # noqa: B009
    return results


def public_observations() -> QuerySet[Observation]:
    """Public values with their evaluation and its indicator set, and their citations."""
    return (
        Observation.objects.published()
        .select_related("indicator", "evaluation__indicator_set")
        .prefetch_related(cited())
    )


def index_policies() -> QuerySet[Policy]:
    """The published policies that are an index: the index pages link to them, and back."""
    return Policy.objects.published().filter(policy_type=Policy.Type.INDEX)


def year_span(observations: list[Observation]) -> str:
    """``2013–2019``: the first and last year of some values (oldest first), or one year."""
    if not observations:
        return ""
    first, last = observations[0].year, observations[-1].year
    return str(first) if first == last else f"{first}–{last}"


class IndexSectionMixin(SectionMixin):
    section = "index"


class IndexView(IndexSectionMixin, TemplateView):
    """What the index is, its areas and sets, every evaluation with its headline figures."""

    template_name = "timeline/index/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(index=IndexOverview(), **kwargs)


class IndexOverview:
    """What the index page shows, read only when its ready part is not stored
    (templates/timeline/index/index.html, ``{% ready "index" %}``)."""

    @cached_property
    def areas(self) -> list[IndexArea]:
        return list(IndexArea.objects.published())

    @cached_property
    def evaluations(self) -> list[Evaluation]:
        evaluations = list(public_evaluations())
        for evaluation in evaluations:
            by_area = {result.area_id: result for result in area_results(evaluation)}
            evaluation.area_cells = [by_area.get(area.pk) for area in self.areas]  # type: ignore[attr-defined]
        return evaluations

    @cached_property
    def reported(self) -> list[Evaluation]:
        return [evaluation for evaluation in self.evaluations if not evaluation.is_gap]

    @cached_property
    def gaps(self) -> list[Evaluation]:
        return [evaluation for evaluation in self.evaluations if evaluation.is_gap]

    @cached_property
    def indicators(self) -> list[Indicator]:
        indicators = list(
            Indicator.objects.published().prefetch_related(
                Prefetch(
                    "observations",
                    queryset=Observation.objects.published().order_by("year"),
                    to_attr="public_observations",
                )
            )
        )
        for indicator in indicators:
            indicator.year_span = year_span(indicator.public_observations)  # type: ignore[attr-defined]
        return indicators

    @cached_property
    def indicator_sets(self) -> QuerySet[IndicatorSet]:
        return IndicatorSet.objects.published().prefetch_related(cited())

    @cached_property
    def policies(self) -> QuerySet[Policy]:
        return index_policies()


class IndexAreaView(IndexSectionMixin, DetailView):
    """One area: its result in every evaluation, as a chart and a table, and its indicators."""

    template_name = "timeline/index/area.html"
    queryset = IndexArea.objects.published()
    context_object_name = "area"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        area = self.object
        # The citizen survey rates no area: it is not one of the area's evaluations.
        evaluations = list(
            public_evaluations().exclude(indicator_set__stage=IndicatorSet.Stage.SURVEY)
        )
        results = {
            result.evaluation_id: result
            for evaluation in evaluations
            for result in area_results(evaluation)
            if result.area_id == area.pk
        }
        rows = [(evaluation, results.get(evaluation.pk)) for evaluation in evaluations]
        return super().get_context_data(
            chart=rate_chart(evaluations, results),
            rows=rows,
            areas=IndexArea.objects.published(),
            indicators=Indicator.objects.published().filter(area=area),
            **kwargs,
        )


class IndicatorDetailView(IndexSectionMixin, DetailView):
    """One indicator's values over the years, with gaps, disagreements and sources."""

    template_name = "timeline/index/indicator.html"
    queryset = Indicator.objects.published().select_related("area")
    context_object_name = "indicator"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        observations = list(
            public_observations().filter(indicator=self.object).order_by("year", "value", "pk")
        )
        values = [o for o in observations if o.measure == Observation.Measure.VALUE]
        changes = [o for o in observations if o.measure == Observation.Measure.CHANGE]
        return super().get_context_data(
            chart=value_chart(values, NO_SET),
            values=values,
            changes=changes,
            disagreements=disagreements(observations),
            **kwargs,
        )
