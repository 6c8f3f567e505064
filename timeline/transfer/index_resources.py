"""The CSV contract of the Human Rights Index: areas, indicator sets, indicators,
evaluations and observations.

Column rules that a person editing these files should know:

* Every record is named by its ``slug``; relations name records by slug too
  (an indicator's ``area``, an evaluation's ``indicator_set``, an observation's
  ``indicator`` and ``evaluation``).
* ``sources`` (indicator sets, evaluations, observations): the cited sources, as in the
  milestones file: ``title <url>`` entries separated by ``|``. What each citation supports
  is in the ``indexcitations`` file (``source_resources``), as the milestones' is in
  ``citations``; an unchanged cell keeps it.
* ``area_results`` (evaluations): each area's rate and/or how many improved, e.g.
  ``happy-life: +22.9% | vulnerable-groups: 13/16``; ``area_notes_ko`` and
  ``area_notes_en``: what the sources say of a listed area's result, e.g.
  ``happy-life: Highest`` (``index_columns``).
* ``value`` (observations): the number as the source prints it; ``decimals`` says how many
  digits after the point it prints (``18.0`` has one), so the page shows it the same way.
* A year with no public results is an evaluation with ``status`` ``not_found`` and no
  figures: the pages show it as a gap.
"""

from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from import_export import fields

from timeline.models import (
    Evaluation,
    EvaluationAreaResult,
    IndexArea,
    Indicator,
    IndicatorSet,
    Observation,
    constraint_message,
)
from timeline.models.index import RESERVED_AREA_SLUGS
from timeline.transfer.cells import chunks
from timeline.transfer.declared import ExternalWidget, SourcesWidget
from timeline.transfer.index_columns import AreaNotesColumn, AreaResultsColumn
from timeline.transfer.pipeline import Importer, Row
from timeline.transfer.resource_base import (
    Problem,
    TimelineResource,
    ref,
    require_date_precision,
    require_either_language,
)


def sources_field(owner: str) -> fields.Field:
    return fields.Field(attribute="citations", column_name="sources", widget=SourcesWidget(owner))


def area_notes_field(language: str) -> fields.Field:
    name = f"area_notes_{language}"
    column = partial(AreaNotesColumn, language=language)
    return fields.Field(attribute=name, column_name=name, widget=ExternalWidget(column))


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
    area_notes_ko = area_notes_field("ko")
    area_notes_en = area_notes_field("en")
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
            "area_notes_ko",
            "area_notes_en",
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

    def check_rows(self, rows: list[Row], importer: Importer) -> None:
        """An area's note annotates its result: a notes cell names only areas that the
        evaluation has a result for (in the file's ``area_results``, or stored)."""
        notes = [c for c in importer.present_columns if isinstance(c, AreaNotesColumn)]
        if not notes:
            return
        stored: dict[Any, set[Any]] = {}
        if "area_results" not in {column.name for column in importer.present_columns}:
            owners = [row.existing["pk"] for row in rows if row.existing]
            for chunk in chunks(owners):
                results = EvaluationAreaResult.objects.filter(evaluation_id__in=chunk)
                for owner, area in results.values_list("evaluation_id", "area_id"):
                    stored.setdefault(owner, set()).add(area)
        lookups = importer.report.lookups
        assert lookups is not None  # set when the rows were read
        slugs = lookups.reverse(notes[0])
        for row in rows:
            if "area_results" in row.merged:
                areas = {result[0] for result in row.merged["area_results"]}
            else:
                areas = stored.get(row.existing["pk"], set()) if row.existing else set()
            for column in notes:
                noted = row.merged[column.name]
                unlisted = [slugs[area] for area, _note in noted if area not in areas]
                if unlisted:
                    importer.problem_reporter(row)(
                        column.name,
                        _(
                            "A note is for an area's result, and this evaluation has none for "
                            "%(areas)s: add it to area_results, or remove the note."
                        )
                        % {"areas": ", ".join(unlisted)},
                    )
                    importer.report.invalid_raw[row.line] = importer.cells(row.line)

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
