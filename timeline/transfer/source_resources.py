"""The CSV contract of the record's sources: outlets, sources and citations (the
milestones' and the Human Rights Index's).

Column rules that a person editing these files should know:

* ``outlets``: ``slug`` identifies the outlet, as for themes; an empty one makes a slug
  from the English name.
* ``sources``: ``url`` identifies the source, and ``outlet`` names its outlet by slug.
  A source without a URL (a printed document) cannot be named in a file: such a row is
  refused, and such sources are left out of the export; staff edit them in the admin.
* ``citations``: ``milestone`` (by slug) and ``source`` (by URL) together identify the
  citation; ``order`` places it among the milestone's sources.
* ``indexcitations``: the same for the Human Rights Index's figures: ``source`` (by URL)
  and exactly one of ``indicator_set``, ``evaluation`` or ``observation`` (by slug, the
  other two empty) identify the citation. It is the last file of ``MODEL_KEYS``, after the
  records it names: their ``sources`` columns make the citations, this file adds what each
  supports.

Nothing here has a publish flag of its own, but what a published record cites is public,
and the role rule (timeline/permissions.py, as the admin applies it in admin/sources.py)
holds for files too: someone who may not publish milestones (an editor) may add outlets
and sources and change those no published milestone cites, but may not change one that a
published milestone cites, nor add or change a published record's citations. Such rows
are refused, and the import, all-or-nothing, writes nothing.
"""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Case, Q, When
from django.db.models.functions import Coalesce
from django.db.models.query import QuerySet
from django.utils.translation import gettext as _

from timeline import permissions
from timeline.models import (
    CITING_FIELDS,
    Citation,
    Evaluation,
    IndicatorSet,
    Milestone,
    Observation,
    Outlet,
    Source,
    constraint_message,
)
from timeline.transfer.cells import chunks
from timeline.transfer.pipeline import Importer
from timeline.transfer.report import ImportReport, RowOutcome
from timeline.transfer.resource_base import (
    Problem,
    TimelineResource,
    ref,
    require_date_precision,
    require_either_language,
)


def refuse_rows(importer: Importer, refusal: Callable[[RowOutcome], str | None]) -> None:
    """Report the planned rows ``refusal`` has a reason for, and drop them from the plan."""
    report = importer.report
    allowed = []
    for outcome in report.rows:
        message = refusal(outcome)
        if message is None:
            allowed.append(outcome)
            continue
        columns = outcome.changed if outcome.action == ImportReport.UPDATE else ()
        raw = importer.cells(outcome.line)
        names = ", ".join(columns) or importer.key_names(raw)
        report.add(outcome.line, names, importer.key_text(raw), message)
        report.invalid_raw[outcome.line] = raw
    report.rows = allowed


def may_change_the_public_record(user: Any) -> bool:
    """Whether ``user`` may change what public milestones show: their sources included."""
    return user is None or permissions.can_publish(user, Milestone)


class CitedRecordResource(TimelineResource):
    """Outlets and sources: public once a published milestone cites them (``published()``),
    and from then on changed only by whoever may publish milestones."""

    def check_user(self, importer: Importer) -> None:
        if may_change_the_public_record(importer.user):
            return
        updated = [
            row.values["pk"] for row in importer.report.rows if row.action == ImportReport.UPDATE
        ]
        public: set[Any] = set()
        manager = self._meta.model.objects
        for chunk in chunks(updated):
            public.update(manager.published().filter(pk__in=chunk).values_list("pk", flat=True))
        message = self.cited_message()

        def refusal(outcome: RowOutcome) -> str | None:
            is_public = outcome.action == ImportReport.UPDATE and outcome.values["pk"] in public
            return message % {"key": outcome.key} if is_public else None

        refuse_rows(importer, refusal)

    def cited_message(self) -> str:
        raise NotImplementedError


class OutletResource(CitedRecordResource):
    model_key = "outlets"
    header_one_of = (("name_ko", "name_en"),)
    slug_sources = ("name_en",)

    class Meta:
        model = Outlet
        fields = ("slug", "name_ko", "name_en", "website")

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        require_either_language(Outlet, values, "name", problem)

    def cited_message(self) -> str:
        return _(
            "Published milestones cite sources of “%(key)s”, and only a publisher can change "
            "it. Leave this row out of the file, or ask a publisher to import it."
        )


class SourceResource(CitedRecordResource):
    model_key = "sources"
    key_column = "url"
    generates_keys = False
    outlet = ref("outlet", Outlet)

    class Meta:
        model = Source
        fields = (
            "url",
            "outlet",
            "title",
            "title_is_label",
            "published",
            "date_precision",
            "language",
            "kind",
        )

    @classmethod
    def exportable(cls, queryset: QuerySet) -> QuerySet:
        return queryset.exclude(url="")  # no key to import them back by

    def missing_key_message(self) -> str:
        return _(
            "A source is known by its URL, and this row has none. Add a document that is "
            "not online in the admin (Sources → Add source)."
        )

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        dated = ("published", "date_precision")
        require_date_precision(Source, values, dated, "source_date_has_precision", problem)

    def cited_message(self) -> str:
        return _(
            "A published milestone cites “%(key)s”, and only a publisher can change it. "
            "Leave this row out of the file, or ask a publisher to import it."
        )


# The records a citation may cite, by the name of its link to them (CITING_FIELDS).
CITED_MODELS: dict[str, type[models.Model]] = {
    "milestone": Milestone,
    "indicator_set": IndicatorSet,
    "evaluation": Evaluation,
    "observation": Observation,
}
assert tuple(CITED_MODELS) == CITING_FIELDS  # the model's order: the file's key columns
INDEX_CITING_FIELDS = CITING_FIELDS[1:]  # the Human Rights Index's figures


class CitingResource(TimelineResource):
    """What each source supports for the records citing it: one file per kind of citing
    record (``cites``, links of ``CITING_FIELDS``), each imported after the records it names."""

    cites: tuple[str, ...] = ()
    generates_keys = False
    source = ref("source", Source, "url")

    @classmethod
    def exportable(cls, queryset: QuerySet) -> QuerySet:
        # Citations of sources with a URL (what a row can name) by the records of this file.
        cited = Q()
        for name in cls.cites:
            cited |= Q(**{f"{name}__isnull": False})
        return queryset.filter(cited).exclude(source__url="")

    def check_row(self, values: dict[str, Any], existing: dict | None, problem: Problem) -> None:
        cited = [name for name in self.cites if values.get(f"{name}_id") is not None]
        if len(cited) != 1:
            message = constraint_message(Citation, "citation_cites_exactly_one_record")
            problem(tuple(cited) or self.cites, message)

    def check_user(self, importer: Importer) -> None:
        """A published record's citations change only through whoever may publish it, like
        the rest of its page (the rule judged on the record as stored)."""
        user = importer.user
        guarded = {
            name: CITED_MODELS[name]
            for name in self.cites
            if user is not None and not permissions.can_publish(user, CITED_MODELS[name])
        }
        published: dict[str, set[Any]] = {}
        for name, model in guarded.items():
            cited = {row.values.get(f"{name}_id") for row in importer.report.rows} - {None}
            published[name] = set()
            for chunk in chunks(list(cited)):
                published[name].update(
                    model._base_manager.filter(
                        pk__in=chunk, **{permissions.PUBLISHED_FIELD: True}
                    ).values_list("pk", flat=True)
                )

        def refusal(outcome: RowOutcome) -> str | None:
            if outcome.action == ImportReport.SKIP:
                return None
            for name, model in guarded.items():
                if outcome.values.get(f"{name}_id") in published[name]:
                    return _(
                        "Only a publisher can change the sources of a published %(model)s."
                    ) % {"model": model._meta.verbose_name}
            return None

        if guarded:
            refuse_rows(importer, refusal)


class CitationResource(CitingResource):
    """The milestones' citations: the ``citations`` file."""

    model_key = "citations"
    cites = ("milestone",)
    key_column = "milestone"
    key_with = ("source",)
    milestone = ref("milestone", Milestone)

    class Meta:
        model = Citation
        fields = ("milestone", "source", "order", "supports_ko", "supports_en")


class IndexCitationResource(CitingResource):
    """The Human Rights Index's citations: the ``indexcitations`` file. A row names its
    source and one of an indicator set, an evaluation or a value, the others left empty."""

    model_key = "indexcitations"
    cites = INDEX_CITING_FIELDS
    key_column = "source"
    key_with = INDEX_CITING_FIELDS
    optional_key_columns = INDEX_CITING_FIELDS  # a row names one of them
    linked_columns = (INDEX_CITING_FIELDS,)
    header_one_of = (INDEX_CITING_FIELDS,)
    indicator_set = ref("indicator_set", IndicatorSet)
    evaluation = ref("evaluation", Evaluation)
    observation = ref("observation", Observation)

    class Meta:
        model = Citation
        fields = (
            "source",
            "indicator_set",
            "evaluation",
            "observation",
            "order",
            "supports_ko",
            "supports_en",
        )

    @classmethod
    def exportable(cls, queryset: QuerySet) -> QuerySet:
        # The sets' citations, then the evaluations', then the values', each by the cited
        # record's slug: grouped by what they cite, so no NULL is ordered (databases put
        # NULLs in different places).
        cites = Case(
            *(When(**{f"{name}__isnull": False}, then=rank) for rank, name in enumerate(cls.cites)),
            output_field=models.IntegerField(),
        )
        slug = Coalesce(*(f"{name}__slug" for name in cls.cites))
        return (
            super()
            .exportable(queryset)
            .alias(cites=cites, cited_slug=slug)
            .order_by("cites", "cited_slug", "order", "id")
        )
