"""Open data: the timeline's milestones as CSV or JSON (DESIGN.md, /<lang>/timeline/export.*).

What a download promises:

* Exactly the timeline's set: the same FilterSet over the same published milestones
  (``views.public_milestones()``), in the same order, but every match, not one page
  (``page`` is ignored). A record with an unpublished subject or year never appears.
* The staff export's columns (``exportcsv milestones``) without ``is_published``, then
  read-only ones a researcher needs (``download.py``): the CSV is written by the same
  engine (UTF-8 with BOM, formula-looking cells neutralised); the JSON is an array of
  objects with those column names as keys, its sources a list of objects.
* The file's name says its filters (``gwangju-milestones-2012-policy.csv``).
* The files hold only data, so they open as plain tables. The licence (KOGL Type 1) and the
  open-data page with its attribution text travel in the response's ``Link`` header.
* Invalid filters make no file: the answer is HTTP 400, a plain-text message naming each bad
  parameter (a silently empty or unfiltered file would be mistaken for the real answer).
  The open-data page says so.

* A file of more rows than one batch (``TIMELINE_TRANSFER_BATCH_ROWS``) is streamed as it is
  made, a batch at a time, so the server's memory stays flat however large it is; a smaller
  one is sent whole, and the page cache keeps it.

A fixed number of queries per batch of rows.
"""

from collections.abc import Iterator
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views import View
from django_filters.views import FilterMixin

from timeline.public import download, opendata
from timeline.public.filters import MilestoneFilterSet
from timeline.public.views import PublicMilestonesMixin
from timeline.transfer import exporting, writers

PLAIN_TEXT = "text/plain; charset=utf-8"


def export_query(query_dict: QueryDict) -> str:
    """The timeline's query string for its download links: every filter, without ``page``.

    Empty (no "?") when nothing is left, so an unfiltered link is the plain address.
    """
    params = query_dict.copy()
    params.pop("page", None)
    return f"?{params.urlencode()}" if params else ""


def license_links(request: HttpRequest) -> str:
    """The ``Link`` header: the licence itself, and the page with the attribution to use."""
    open_data = request.build_absolute_uri(reverse("timeline:open-data"))
    return ", ".join(
        (
            f'<{opendata.KOGL_URL}>; rel="license"',
            f'<{open_data}>; rel="describedby"; type="text/html"',
        )
    )


def as_download(
    response: HttpResponseBase, request: HttpRequest, filename: str
) -> HttpResponseBase:
    """``response`` as an attachment named ``filename``, with the licence in its ``Link``
    header (every public download: the timeline's and the index's)."""
    # Never None for an attachment.
    response["Content-Disposition"] = cast(
        str, content_disposition_header(as_attachment=True, filename=filename)
    )
    response["Link"] = license_links(request)
    return response


def file_response(
    file_type: str, headers: list[str], batches: Iterator[list[list]], rows: int
) -> HttpResponse | StreamingHttpResponse:
    """The download's file: sent as it is made, a batch of rows at a time, when it has more
    rows than one batch, so the server never holds all of it; whole otherwise, so the page
    cache (which keeps only whole answers) can keep the usual, filtered files."""
    chunks = writers.file_chunks(file_type, headers, batches)
    content_type = writers.WRITERS[file_type][1]
    if rows <= exporting.batch_size():
        return HttpResponse(b"".join(chunks), content_type=content_type)
    return StreamingHttpResponse(
        in_language(translation.get_language(), chunks), content_type=content_type
    )


def in_language(language: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks made in ``language``: a streamed file is made after the view has returned,
    and its pages' addresses (``/ko/…``, ``/en/…``) must still be the request's."""
    with translation.override(language):
        yield from chunks


def filter_errors_text(filterset: MilestoneFilterSet) -> str:
    """The 400 answer's body: what is wrong with which parameter, one line each."""
    lines = [gettext("No file was made, because some filters in the address are not valid:")]
    for name, messages in filterset.errors.items():
        label = name if name in filterset.filters else gettext("filters")
        lines.extend(f"- {label}: {message}" for message in messages)
    lines.append(
        gettext(
            "Correct them, or choose the filters on the timeline page and use its download "
            "links. See the open-data page for the parameters: %(url)s"
        )
        % {"url": reverse("timeline:open-data")}
    )
    return "\n".join(lines) + "\n"


class MilestoneExportView(PublicMilestonesMixin, FilterMixin, View):
    """The timeline's filtered milestones as one file; ``file_type`` is ``csv`` or ``json``."""

    filterset_class = MilestoneFilterSet
    file_type = "csv"
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            return HttpResponse(filter_errors_text(filterset), status=400, content_type=PLAIN_TEXT)
        keys = exporting.ordered_keys(filterset.qs)
        headers, batches = download.milestone_batches(
            filterset.qs, self.file_type, request.build_absolute_uri, keys
        )
        response = file_response(self.file_type, headers, batches, len(keys))
        cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
        return as_download(response, request, download.download_filename(cleaned, self.file_type))
