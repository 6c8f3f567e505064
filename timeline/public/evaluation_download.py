"""Open data: the Human Rights Index's evaluations and their area results as CSV or JSON
(``/<lang>/index/evaluations.csv|json``).

The values' download (``index_download``) holds single indicators; the figures the index is
read by are the evaluations': how many indicators improved of how many, the share, the
average rate, and each area's result. This file holds them, one row per evaluation and
area, so that a spreadsheet filters one area over the years or pivots the rows back into
the index page's table:

* every published evaluation, oldest data year first, once per published area (in the
  areas' order). The citizen survey rates no area: its evaluation has one row, with the
  area columns empty;
* ``area_result`` says what an area's cells hold: ``reported`` (the sources give a rate
  and/or a count), ``not_reported`` (the evaluation's sources give none for this area) or
  ``not_found`` (no public results were found for the data year, as its ``status`` says:
  every figure is empty, never zero);
* the evaluation's columns repeat on each of its rows; its ``sources`` cite its area
  results too (in the CSV ``title <url>`` entries separated by ``|``, in JSON objects);
* figures are written as the pages print them (``22.9``, ``-5.5``, ``82``), numbers in JSON;
* filters ``area`` (slug: that area's rows, so not the survey's) and ``year`` (the data
  year) are checked as the values' download checks them: an invalid one makes no file
  (HTTP 400). The file's name says them; the licence travels in the ``Link`` header.

``evaluation_columns.EVALUATION_COLUMNS`` documents every column, in this order (the
open-data page shows them; a test keeps them equal). A fixed number of queries per batch of
evaluations, however many there are.
"""

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views import View

from timeline.caching.canonical import Parameter
from timeline.models import Citation, Evaluation, EvaluationAreaResult, IndexArea, IndicatorSet
from timeline.public.download import grouped, source_object
from timeline.public.exports import PLAIN_TEXT, as_download, file_response
from timeline.public.index_charts import trimmed
from timeline.public.index_download import IndexFilterForm, download_filename, filter_errors_text
from timeline.transfer import exporting
from timeline.transfer.cells import chunks, format_sources

# The file's columns, in order (evaluation_columns.py documents each).
HEADERS = (
    "data_year",
    "evaluation",
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
    "area",
    "area_name_ko",
    "area_name_en",
    "area_result",
    "area_rate",
    "area_improved",
    "area_indicator_count",
    "area_note_ko",
    "area_note_en",
    "note_ko",
    "note_en",
    "sources",
    "url",
)
# What ``area_result`` says of an area in an evaluation.
REPORTED, NOT_REPORTED, NOT_FOUND = "reported", "not_reported", "not_found"
# The parameters the page cache keys the files by (timeline/caching/canonical.py).
QUERY_PARAMETERS = (Parameter("area"), Parameter("year", whole_number=True))
LANGUAGES = ("ko", "en")


def row_areas(stage: str | None, areas: Sequence[IndexArea]) -> Sequence[IndexArea | None]:
    """The areas of an evaluation's rows, by its indicator set's ``stage``: the citizen
    survey scores the city as a whole, so its one row names no area."""
    return [None] if stage == IndicatorSet.Stage.SURVEY or not areas else areas


def figure(value: Decimal | None, file_type: str) -> Decimal | float | None:
    """A rate or a share as the pages print it (``82``, not ``82.00``); a number in JSON."""
    if value is None:
        return None
    return float(value) if file_type == "json" else Decimal(trimmed(value))


def translated(record: Any, field: str, prefix: str = "") -> dict[str, str]:
    """``{prefix}{field}_ko`` and ``_en`` of ``record`` (modeltranslation's columns, unseen
    by the stubs); empty for no record."""
    return {
        f"{prefix}{field}_{code}": getattr(record, f"{field}_{code}") if record else ""
        for code in LANGUAGES
    }


def area_values(
    evaluation: Evaluation,
    area: IndexArea | None,
    result: EvaluationAreaResult | None,
    file_type: str,
) -> dict[str, Any]:
    if area is None:
        state = ""
    elif evaluation.is_gap:
        state = NOT_FOUND
    else:
        state = REPORTED if result else NOT_REPORTED
    return {
        "area": area.slug if area else "",
        **translated(area, "name", "area_"),
        "area_result": state,
        "area_rate": figure(result.rate, file_type) if result else None,
        "area_improved": result.improved if result else None,
        "area_indicator_count": result.indicator_count if result else None,
        **translated(result, "note", "area_"),
    }


def evaluation_values(
    evaluation: Evaluation,
    citations: Sequence[Citation],
    file_type: str,
    page_url: Callable[[str], str],
) -> dict[str, Any]:
    """The columns an evaluation's rows share."""
    indicator_set = evaluation.indicator_set
    if file_type == "json":
        sources: Any = [source_object(citation) for citation in citations]
    else:
        sources = format_sources((c.source.title, c.source.url or "") for c in citations)
    return {
        "data_year": evaluation.data_year,
        "evaluation": evaluation.slug,
        "status": evaluation.status,
        "indicator_set": indicator_set.slug if indicator_set else "",
        "published_on": evaluation.published_on,
        "date_precision": evaluation.date_precision or "",
        "indicators_evaluated": evaluation.indicators_evaluated,
        "improved": evaluation.improved,
        "worsened": evaluation.worsened,
        "improved_percent": figure(evaluation.improved_percent, file_type),
        "overall_rate": figure(evaluation.overall_rate, file_type),
        "areas_improved": evaluation.areas_improved,
        **translated(evaluation, "note"),
        "sources": sources,
        "url": page_url(evaluation.get_absolute_url()),
    }


def public_evaluation_rows(cleaned: dict[str, Any]) -> tuple[QuerySet[Evaluation], list[Any]]:
    """(the published evaluations the filters keep, in order; the areas of their rows: the
    published areas, or the one asked for). An area's rows leave out the survey."""
    evaluations = Evaluation.objects.published().select_related("indicator_set")
    areas = IndexArea.objects.published()
    if cleaned.get("year") is not None:
        evaluations = evaluations.filter(data_year=cleaned["year"])
    if cleaned.get("area"):
        areas = areas.filter(slug=cleaned["area"])
        evaluations = evaluations.exclude(indicator_set__stage=IndicatorSet.Stage.SURVEY)
    return evaluations.order_by("data_year", "slug"), list(areas)


def evaluation_batches(
    evaluations: QuerySet[Evaluation],
    areas: Sequence[IndexArea],
    file_type: str,
    page_url: Callable[[str], str],
    keys: Sequence[Any],
) -> Iterator[list[list]]:
    """The rows of these evaluations (``keys``: their primary keys, in order) and areas, a
    batch of evaluations at a time: three queries per batch (the evaluations, their area
    results, their citations). An evaluation withdrawn since its key was read is left out."""
    per_batch = max(1, exporting.batch_size() // max(1, len(areas)))
    area_ids = [area.pk for area in areas]
    for batch in chunks(keys, per_batch):
        found = {evaluation.pk: evaluation for evaluation in evaluations.filter(pk__in=batch)}
        results = {
            (result.evaluation_id, result.area_id): result
            for result in EvaluationAreaResult.objects.filter(
                evaluation__in=batch, area__in=area_ids
            )
        }
        citations = grouped(
            Citation.objects.select_related("source__outlet")
            .filter(evaluation__in=batch)
            .order_by("order", "id"),
            "evaluation_id",
        )
        rows = []
        for key in batch:
            evaluation = found.get(key)
            if evaluation is None:
                continue
            shared = evaluation_values(evaluation, citations.get(key, ()), file_type, page_url)
            stage = evaluation.indicator_set.stage if evaluation.indicator_set else None
            for area in row_areas(stage, areas):
                result = results.get((key, area.pk)) if area else None
                values = {**shared, **area_values(evaluation, area, result, file_type)}
                rows.append([values[name] for name in HEADERS])
        yield rows


class EvaluationExportView(View):
    """The index's published evaluations and area results as one file (``csv`` or
    ``json``)."""

    file_type = "csv"
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = IndexFilterForm(request.GET)
        if not form.is_valid():
            return HttpResponse(filter_errors_text(form), status=400, content_type=PLAIN_TEXT)
        evaluations, areas = public_evaluation_rows(form.cleaned_data)
        stages = list(exporting.untranslated(evaluations).values_list("pk", "indicator_set__stage"))
        keys = [pk for pk, _stage in stages]
        # How many rows the file holds: whether it is sent whole or streamed.
        rows = sum(len(row_areas(stage, areas)) for _pk, stage in stages)
        batches = evaluation_batches(
            evaluations, areas, self.file_type, request.build_absolute_uri, keys
        )
        response = file_response(self.file_type, list(HEADERS), batches, rows)
        filename = download_filename(form.cleaned_data, self.file_type, "index-evaluations")
        return as_download(response, request, filename)
