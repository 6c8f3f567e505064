"""Import and export: the CSV contract in code.

One django-import-export resource per model declares the columns, in file order (its
``Meta.fields`` and declared fields, which the admin's Export screen lists too). The
library's per-row import is not used: ``import_table`` runs our engine
(``pipeline.Importer``) and ``export`` / ``export_rows`` read the records in a few queries
(``exporting``). The import is all-or-nothing: every problem is reported with its line (as
Excel numbers it), column, value and a plain reason, and if there is any, nothing is
written.

Column rules that a person editing the file should know:

* ``slug`` (``year`` for years) identifies the record: a known slug updates it, an
  empty one creates a new record whose slug is made from its English name/title
  (``milestone-2014``, ``initiative-2`` ... when there is only Korean text). Sources are
  identified by ``url``, citations by ``milestone`` and ``source`` together, the index's
  citations by ``source`` and the figure citing it (``source_resources``).
* A column left out of the file leaves that field alone; an empty cell clears a text,
  but keeps the current value of ``order`` and ``is_published`` (new records: default).
* ``themes``: theme slugs separated by ``|``. ``sources``: entries separated by ``|``,
  each ``label <url>`` or just ``label``; a ``|`` or ``\\`` inside a label is written
  ``\\|`` or ``\\\\``.
* ``initiative`` / ``policy`` / ``institution``: a milestone names exactly one of them.
* Booleans: true/false, 1/0, yes/no, y/n, 예/아니오. Dates: YYYY-MM-DD (2014. 5. 18. too).

A rule across a row's columns reports the model's own sentence for it (the constraint's
``violation_error_message``: ``timeline.models.constraint_message``), as its forms do.

Public API (for the admin, the public export views and the commands): ``RESOURCES``,
``MODEL_KEYS``, ``resource_for``, ``export_rows``, ``export_file``, ``export_filename``,
``import_file`` and ``import_table``, which return an ``ImportReport``. Who imports
(``user``; None: the operator) matters: see ``roles`` and ``versions``.
"""

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import models
from django.db.models.query import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, widgets

from timeline.models import (
    SUBJECT_FIELDS,
    Initiative,
    Institution,
    Milestone,
    Policy,
    Theme,
    Year,
    constraint_message,
)
from timeline.transfer import spreadsheets, tables, writers
from timeline.transfer.declared import SourcesWidget
from timeline.transfer.index_resources import INDEX_RESOURCES
from timeline.transfer.pipeline import Importer, Progress, Row
from timeline.transfer.relations import Pending
from timeline.transfer.report import ImportReport
from timeline.transfer.resource_base import (
    Problem,
    TimelineResource,
    ref,
    register,
    require_date_precision,
    require_either_language,
)
from timeline.transfer.source_resources import (
    CitationResource,
    IndexCitationResource,
    OutletResource,
    SourceResource,
)

# --- The record's resources -------------------------------------------------------


def _themes_field(model: type[models.Model]) -> fields.Field:
    return fields.Field(
        attribute="themes",
        column_name="themes",
        widget=widgets.ManyToManyWidget(model, separator="|", field="slug"),
    )


class ThemeResource(TimelineResource):
    model_key = "themes"
    header_one_of = (("name_ko", "name_en"),)
    slug_sources = ("name_en",)

    class Meta:
        model = Theme
        fields = (
            "slug",
            "name_ko",
            "name_en",
            "description_ko",
            "description_en",
            "order",
            "is_published",
        )

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        require_either_language(Theme, values, "name", problem)


class YearResource(TimelineResource):
    model_key = "years"
    key_column = "year"
    generates_keys = False

    class Meta:
        model = Year
        fields = ("year", "headline_ko", "headline_en", "summary_ko", "summary_en", "is_published")


class SubjectResource(TimelineResource):
    header_one_of = (("name_ko", "name_en"),)
    slug_sources = ("name_en",)
    themes = _themes_field(Theme)

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        require_either_language(self._meta.model, values, "name", problem)

    def fallback_slug(self, values: dict[str, Any]) -> str:
        return self._meta.model.KIND


def subject_columns(*own: str) -> tuple[str, ...]:
    """A subject file's columns, with the kind's ``own`` after its names."""
    text = ("summary_ko", "summary_en", "description_ko", "description_en")
    return ("slug", "name_ko", "name_en", *own, *text, "themes", "website", "is_published")


class InitiativeResource(SubjectResource):
    model_key = "initiatives"

    class Meta:
        model = Initiative
        fields = subject_columns("initiative_type")


class PolicyResource(SubjectResource):
    model_key = "policies"

    class Meta:
        model = Policy
        fields = subject_columns("policy_type", "period_start", "period_end")

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        super().check_row(values, existing, problem)
        start, end = values.get("period_start"), values.get("period_end")
        if start and end and start > end:
            message = constraint_message(Policy, "policy_period_in_order")
            problem(("period_start", "period_end"), message)


class InstitutionResource(SubjectResource):
    model_key = "institutions"
    parent = ref("parent", Institution)

    class Meta:
        model = Institution
        fields = subject_columns("institution_type", "parent")

    def check_rows(self, rows: list[Row], importer: Importer) -> None:
        """No institution may end up above itself, however long the chain of parents."""
        if not any(c.name == "parent" for c in importer.present_columns):
            return
        parent_id_of: dict[str, Any] = {}
        slug_of: dict[Any, str] = {}
        for pk, slug, parent_id in Institution._base_manager.values_list("pk", "slug", "parent_id"):
            slug_of[pk] = slug
            parent_id_of[slug] = parent_id
        parent_of = {slug: slug_of.get(parent_id) for slug, parent_id in parent_id_of.items()}
        for row in rows:
            parent = row.merged.get("parent_id")
            key = row.key or f"line {row.line}"
            parent_of[key] = parent.key if isinstance(parent, Pending) else slug_of.get(parent)
        for row in rows:
            key = row.key or f"line {row.line}"
            chain, current = [key], parent_of.get(key)
            while current and current not in chain and len(chain) < 1000:
                chain.append(current)
                current = parent_of.get(current)
            if current == key:
                index = next(i for i, c in importer.present if c.name == "parent")
                assert index is not None  # "parent" is in the file: it links to no column
                message = (
                    constraint_message(Institution, "institution_not_its_own_parent")
                    if len(chain) == 1
                    else _("These parents make a loop: %(chain)s.")
                    % {"chain": " → ".join([*chain, key])}
                )
                raw = importer.cells(row.line)
                importer.report.add(row.line, "parent", raw[index], message)
                importer.report.invalid_raw[row.line] = raw
                row.ok = False


class MilestoneResource(TimelineResource):
    model_key = "milestones"
    header_one_of = (("title_ko", "title_en"), SUBJECT_FIELDS)
    linked_columns = (SUBJECT_FIELDS,)
    slug_sources = ("title_en",)

    year = ref("year", Year, "year")
    initiative = ref("initiative", Initiative)
    policy = ref("policy", Policy)
    institution = ref("institution", Institution)
    sources = fields.Field(attribute="citations", column_name="sources", widget=SourcesWidget())

    class Meta:
        model = Milestone
        fields = (
            "year",
            "order",
            "slug",
            "date",
            "date_precision",
            "title_ko",
            "title_en",
            "summary_ko",
            "summary_en",
            "note_ko",
            "note_en",
            *SUBJECT_FIELDS,
            "sources",
            "is_published",
        )

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        require_either_language(Milestone, values, "title", problem)
        chosen = [name for name in SUBJECT_FIELDS if values.get(f"{name}_id") is not None]
        if len(chosen) != 1:
            problem(SUBJECT_FIELDS, constraint_message(Milestone, "milestone_exactly_one_subject"))
        dated = ("date", "date_precision")
        require_date_precision(Milestone, values, dated, "milestone_date_has_precision", problem)

    def prepare_new(self, rows: list[Row], importer: Importer) -> None:
        """A new milestone without an order goes after the others of its year."""
        if not any(row.merged.get("order") is None for row in rows):
            return
        last = dict(
            Milestone._base_manager.values("year_id")
            .annotate(last=models.Max("order"))
            .values_list("year_id", "last")
        )
        for row in importer.rows:
            if row.ok and row.merged and row.merged.get("order") is not None:
                year = row.merged["year_id"]
                last[year] = max(last.get(year, 0), row.merged["order"])
        for row in rows:
            if row.merged.get("order") is None:
                year = row.merged["year_id"]
                last[year] = last.get(year, 0) + 1
                row.merged["order"] = last[year]

    def fallback_slug(self, values: dict[str, Any]) -> str:
        return f"milestone-{values.get('year_id')}"

    @classmethod
    def new_record_defaults(cls) -> dict[str, Any]:
        # No order yet: prepare_new puts the milestone after the others of its year.
        return {**super().new_record_defaults(), "order": None}


# --- Public API -------------------------------------------------------------------

# In dependency order: importing in this order into an empty database always works.
# Sources come before milestones, whose ``sources`` column cites them by URL; citations
# after both, to say what each supports; then the Human Rights Index, whose figures cite
# sources in their own ``sources`` columns, and what those citations support. Resources of
# other modules join this list.
RESOURCES = register(
    ThemeResource,
    YearResource,
    InstitutionResource,
    PolicyResource,
    InitiativeResource,
    OutletResource,
    SourceResource,
    MilestoneResource,
    CitationResource,
    *INDEX_RESOURCES,
    # Last, after the index's records it names: a file apart from the milestones'
    # ``citations``, which may so come before the index (DESIGN.md lists it there).
    IndexCitationResource,
)
MODEL_KEYS = tuple(RESOURCES)


class UnknownModel(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(
            _("Unknown model “%(key)s”. Choose one of: %(keys)s.")
            % {"key": key, "keys": ", ".join(MODEL_KEYS)}
        )


def resource_for(model_key: str) -> TimelineResource:
    """The resource instance for ``years``, ``themes``, ... (``UnknownModel`` otherwise)."""
    try:
        return RESOURCES[model_key]()
    except KeyError:
        raise UnknownModel(model_key) from None


def export_rows(model_key: str, queryset: QuerySet | None = None) -> tuple[list[str], list[list]]:
    """(headers, rows) for these records (default: all of them, published or not).

    Rows hold native values (int, bool, date, str); the writers turn them into cells.
    """
    return resource_for(model_key).export_rows(queryset)


def export_file(model_key: str, queryset: QuerySet | None = None, file_type: str = "csv") -> bytes:
    """The file's bytes: ``csv`` (UTF-8 with BOM), ``xlsx`` or ``json`` (array of objects)."""
    return b"".join(export_chunks(model_key, queryset, file_type))


def export_chunks(
    model_key: str, queryset: QuerySet | None = None, file_type: str = "csv"
) -> Iterator[bytes]:
    """``export_file``'s bytes a batch of records at a time: what a large export writes."""
    headers, batches = resource_for(model_key).export_batches(queryset)
    return writers.file_chunks(file_type, headers, batches, title=model_key)


def content_type(file_type: str) -> str:
    return writers.WRITERS[file_type][1]


def export_filename(model_key: str, file_type: str = "csv") -> str:
    return f"{model_key}-{timezone.localdate().isoformat()}.{file_type}"


def import_table(
    model_key: str,
    headers: list,
    rows: Sequence[list],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    encoding: str = "",
    user: Any = None,
    filename: str = "",
    on_written: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import already-read cells (``rows[i]`` is line i + 2); returns an ``ImportReport``.

    ``on_written`` runs inside the write transaction, after the rows, before the commit.
    """
    return resource_for(model_key).import_table(
        headers, rows, dry_run, progress, encoding, user, filename, on_written
    )


def import_file(
    model_key: str,
    data: bytes,
    *,
    filename: str = "",
    dry_run: bool = False,
    user: Any = None,
    progress: Progress | None = None,
    on_written: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import a CSV or XLSX file's bytes, all-or-nothing; returns an ``ImportReport``.

    A file we cannot read gives a report with one problem and no rows. ``user`` is who
    imports (None: the operator): an editor may only add drafts and change drafts. A
    committed import is recorded as one revision in the history (with ``user`` and the
    file name) and, with a user, in the admin's log.
    """
    resource = resource_for(model_key)
    try:
        table = spreadsheets.read_table(data, filename=filename)
    except tables.SpreadsheetError as error:
        report = ImportReport(model_key, resource, dry_run)
        report.add(None, "", "", error.message)
        return report
    return resource.import_table(
        table.headers,
        table.rows,
        dry_run=dry_run,
        progress=progress,
        encoding=table.encoding,
        user=user,
        filename=Path(filename).name if filename else "",
        on_written=on_written,
    )
