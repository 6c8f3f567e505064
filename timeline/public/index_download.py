"""Open data: the Human Rights Index's values as CSV or JSON (``/<lang>/index/export.csv|json``).

What a download promises, as the timeline's (exports.py) does:

* The published observations only, filterable by ``area`` (slug), ``indicator`` (slug) and
  ``year``, in the index pages' order (indicator, year, value).
* The staff columns of ``exportcsv observations`` without ``is_published`` (``sources`` as
  there: ``title <url>`` entries separated by ``|``), then what a
  researcher needs besides: the indicator's names, its area, the evaluation's data year
  and indicator set (values of different sets are not one series) and the value's page.
  In JSON ``value`` is a number and ``sources`` a list of objects.
* The licence (KOGL Type 1) and the open-data page travel in the ``Link`` header.
* An invalid filter makes no file: HTTP 400 with a plain-text message naming it.

Made and sent a batch of rows at a time, in a fixed number of queries per batch, as the
timeline's download is (``exports.file_response``).
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from timeline.caching.canonical import Parameter
from timeline.models import MAX_YEAR, MIN_YEAR, Citation, IndexArea, Indicator, Observation
from timeline.public.download import grouped, source_object
from timeline.public.exports import PLAIN_TEXT, as_download, file_response
from timeline.public.index_views import public_observations
from timeline.transfer import exporting, resources

MODEL_KEY = "observations"
DROPPED = ("is_published",)
EXTRA = (
    "indicator_name_ko",
    "indicator_name_en",
    "area",
    "data_year",
    "indicator_set",
    "url",
)
# The parameters the page cache keys the files by (timeline/caching/canonical.py).
QUERY_PARAMETERS = (
    Parameter("area"),
    Parameter("indicator"),
    Parameter("year", whole_number=True),
)


class IndexFilterForm(forms.Form):
    """The index downloads' filters (the values' and the evaluations'), each checked before
    anything reaches the database."""

    area = forms.SlugField(required=False, max_length=80, allow_unicode=True)
    year = forms.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)

    def clean_area(self) -> str:
        slug: str = self.cleaned_data["area"]
        if slug and not IndexArea.objects.published().filter(slug=slug).exists():
            raise forms.ValidationError(_("No published index area has this slug."))
        return slug


class ObservationFilterForm(IndexFilterForm):
    """The values' download: by area, indicator and year."""

    indicator = forms.SlugField(required=False, max_length=120, allow_unicode=True)
    field_order = ("area", "indicator", "year")

    def clean_indicator(self) -> str:
        slug: str = self.cleaned_data["indicator"]
        if slug and not Indicator.objects.published().filter(slug=slug).exists():
            raise forms.ValidationError(_("No published indicator has this slug."))
        return slug

    def filtered(self, observations: QuerySet[Observation]) -> QuerySet[Observation]:
        cleaned = self.cleaned_data
        if cleaned.get("area"):
            observations = observations.filter(indicator__area__slug=cleaned["area"])
        if cleaned.get("indicator"):
            observations = observations.filter(indicator__slug=cleaned["indicator"])
        if cleaned.get("year") is not None:
            observations = observations.filter(year=cleaned["year"])
        return observations


def extra_values(observation: Observation, page_url: Callable[[str], str]) -> dict[str, Any]:
    indicator, evaluation = observation.indicator, observation.evaluation
    indicator_set = evaluation.indicator_set if evaluation else None
    return {
        # name_ko and name_en are added by modeltranslation at run time, unseen by the stubs.
        **{f"indicator_name_{code}": getattr(indicator, f"name_{code}") for code in ("ko", "en")},
        "area": indicator.area.slug if indicator.area else "",
        "data_year": evaluation.data_year if evaluation else None,
        "indicator_set": indicator_set.slug if indicator_set else "",
        "url": page_url(observation.get_absolute_url()),
    }


def observation_table(
    observations: QuerySet[Observation], file_type: str, page_url: Callable[[str], str]
) -> tuple[list[str], list[list]]:
    """(headers, rows) of the public download of these observations, every row at once."""
    headers, batches = observation_batches(observations, file_type, page_url)
    return headers, [row for rows in batches for row in rows]


def observation_batches(
    observations: QuerySet[Observation],
    file_type: str,
    page_url: Callable[[str], str],
    keys: Sequence[Any] | None = None,
) -> tuple[list[str], Iterator[list[list]]]:
    """(headers, rows a batch at a time) of the public download of these (published,
    filtered) observations; ``keys``: their primary keys in order, if already read."""
    resource = resources.resource_for(MODEL_KEY)
    staff_headers, staff_batches = resource.export_batches(observations, keys=keys)
    kept = [index for index, name in enumerate(staff_headers) if name not in DROPPED]
    slug_at, value_at, sources_at = (
        staff_headers.index(name) for name in ("slug", "value", "sources")
    )
    plain = observations.prefetch_related(None).select_related(
        "indicator__area", "evaluation__indicator_set"
    )

    def batches() -> Iterator[list[list]]:
        for rows in staff_batches:
            records = {
                observation.slug: observation
                for observation in plain.filter(slug__in=[row[slug_at] for row in rows])
            }
            cited = (
                Citation.objects.select_related("source__outlet")
                .filter(observation__in=[observation.pk for observation in records.values()])
                .order_by("order", "id")
            )
            citations = grouped(cited, "observation_id")
            table = []
            for row in rows:
                observation = records.get(row[slug_at])
                if observation is None:
                    continue  # withdrawn since its key was read
                row = [*row]
                if file_type == "json":
                    row[value_at] = float(row[value_at])
                    row[sources_at] = [
                        source_object(citation) for citation in citations.get(observation.pk, ())
                    ]
                extra = extra_values(observation, page_url)
                table.append([row[index] for index in kept] + [extra[name] for name in EXTRA])
            yield table

    return [staff_headers[index] for index in kept] + list(EXTRA), batches()


def download_filename(cleaned: dict[str, Any], file_type: str, dataset: str = "index") -> str:
    """``gwangju-<dataset>[-area][-indicator][-year].<type>``: the name says the filters."""
    parts = ["gwangju", dataset]
    parts += [str(cleaned[name]) for name in ("area", "indicator", "year") if cleaned.get(name)]
    return f"{'-'.join(parts)}.{file_type}"


def filter_errors_text(form: forms.Form) -> str:
    lines = [gettext("No file was made, because some filters in the address are not valid:")]
    for name, messages in form.errors.items():
        lines.extend(f"- {name}: {message}" for message in messages)
    return "\n".join(lines) + "\n"


class ObservationExportView(View):
    """The index's published values as one file; ``file_type`` is ``csv`` or ``json``."""

    file_type = "csv"
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = ObservationFilterForm(request.GET)
        if not form.is_valid():
            return HttpResponse(filter_errors_text(form), status=400, content_type=PLAIN_TEXT)
        observations = form.filtered(public_observations()).order_by(
            "indicator__order", "indicator__slug", "year", "value", "slug"
        )
        keys = exporting.ordered_keys(observations)
        headers, batches = observation_batches(
            observations, self.file_type, request.build_absolute_uri, keys
        )
        response = file_response(self.file_type, headers, batches, len(keys))
        return as_download(response, request, download_filename(form.cleaned_data, self.file_type))
