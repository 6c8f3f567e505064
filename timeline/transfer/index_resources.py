"""The CSV contract of the Human Rights Index: areas, indicator sets, indicators,
evaluations and observations.

Column rules that a person editing these files should know:

* Every record is named by its ``slug``; relations name records by slug too
  (an indicator's ``area``, an evaluation's ``indicator_set``, an observation's
  ``indicator`` and ``evaluation``).
* ``sources`` (indicator sets, evaluations, observations): the cited sources, as in the
  milestones file: ``title <url>`` entries separated by ``|``. What each citation supports
  is edited in the admin; an unchanged cell keeps it.
* ``area_results`` (evaluations): each area's rate and/or how many improved, e.g.
  ``happy-life: +22.9% | vulnerable-groups: 13/16`` (``index_columns``).
* ``value`` (observations): the number as the source prints it; ``decimals`` says how many
  digits after the point it prints (``18.0`` has one), so the page shows it the same way.
* A year with no public results is an evaluation with ``status`` ``not_found`` and no
  figures: the pages show it as a gap.

The index's citations are not in the ``citations`` file (which names milestones): they
travel in these files' ``sources`` columns.
"""

from typing import Any

from import_export import fields

from timeline.models import (
    Evaluation,
    IndexArea,
    Indicator,
    IndicatorSet,
    Observation,
    constraint_message,
)
from timeline.models.index import RESERVED_AREA_SLUGS
from timeline.transfer.declared import ExternalWidget, SourcesWidget
from timeline.transfer.index_columns import AreaResultsColumn
from timeline.transfer.resource_base import (
    Problem,
    TimelineResource,
    ref,
    require_date_precision,
    require_either_language,
)


def sources_field(owner: str) -> fields.Field:
    return fields.Field(attribute="citations", column_name="sources", widget=SourcesWidget(owner))


class NamedIndexResource(TimelineResource):
    """Index records that have a name in Korean or English, their slug made from it."""

    header_one_of = (("name_ko", "name_en"),)
    slug_sources = ("name_en",)

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        require_either_language(self._meta.model, values, "name", problem)


class IndexAreaResource(NamedIndexResource):
    model_key = "indexareas"

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        super().check_row(values, existing, problem)
        if values.get("slug") in RESERVED_AREA_SLUGS:
            problem("slug", constraint_message(IndexArea, "indexarea_slug_not_reserved"))

    class Meta:
        model = IndexArea
        fields = (
            "slug",
            "name_ko",
            "name_en",
            "short_name_ko",
            "short_name_en",
            "description_ko",
            "description_en",
            "order",
            "is_published",
        )


class IndicatorSetResource(NamedIndexResource):
    model_key = "indicatorsets"
    sources = sources_field("indicator_set")

    class Meta:
        model = IndicatorSet
        fields = (
            "slug",
            "name_ko",
            "name_en",
            "stage",
            "year",
            "indicator_count",
            "sub_indicator_count",
            "note_ko",
            "note_en",
            "sources",
            "is_published",
        )


class IndicatorResource(NamedIndexResource):
    model_key = "indicators"
    area = ref("area", IndexArea)

    class Meta:
        model = Indicator
        fields = (
            "slug",
            "name_ko",
            "name_en",
            "area",
            "unit",
            "direction",
            "description_ko",
            "description_en",
            "order",
            "is_published",
        )


class EvaluationResource(TimelineResource):
    model_key = "evaluations"
    slug_sources = ("data_year",)
    indicator_set = ref("indicator_set", IndicatorSet)
    area_results = fields.Field(
        attribute="area_results",
        column_name="area_results",
        widget=ExternalWidget(AreaResultsColumn),
    )
    sources = sources_field("evaluation")

    class Meta:
        model = Evaluation
        fields = (
            "slug",
            "data_year",
            "status",
            "indicator_set",
            "published_on",
            "date_precision",
            "indicators_evaluated",
            "improved",
            "worsened",
            "improved_percent",
            "overall_rate",
            "areas_improved",
            "area_results",
            "note_ko",
            "note_en",
            "sources",
            "is_published",
        )

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        dated = ("published_on", "date_precision")
        require_date_precision(Evaluation, values, dated, "evaluation_date_has_precision", problem)
        improved, evaluated = values.get("improved"), values.get("indicators_evaluated")
        if improved is not None and evaluated is not None and improved > evaluated:
            message = constraint_message(Evaluation, "evaluation_improved_within_evaluated")
            problem(("improved", "indicators_evaluated"), message)
        figures = ("indicator_set_id", "improved", "overall_rate", "improved_percent")
        if values.get("status") == Evaluation.Status.NOT_FOUND and any(
            values.get(name) is not None for name in figures
        ):
            message = constraint_message(Evaluation, "evaluation_gap_has_no_figures")
            problem(("status", "indicator_set", "improved", "overall_rate"), message)

    def fallback_slug(self, values: dict[str, Any]) -> str:
        return f"evaluation-{values.get('data_year')}"


class ObservationResource(TimelineResource):
    model_key = "observations"
    indicator = ref("indicator", Indicator)
    evaluation = ref("evaluation", Evaluation)
    sources = sources_field("observation")

    class Meta:
        model = Observation
        fields = (
            "slug",
            "indicator",
            "year",
            "measure",
            "value",
            "decimals",
            "unit",
            "evaluation",
            "note_ko",
            "note_en",
            "sources",
            "is_published",
        )

    def fallback_slug(self, values: dict[str, Any]) -> str:
        return f"observation-{values.get('year')}"


# In dependency order, after the record's sources (resources.py registers them).
INDEX_RESOURCES = (
    IndexAreaResource,
    IndicatorSetResource,
    IndicatorResource,
    EvaluationResource,
    ObservationResource,
)
