"""The CSV contract of the record's sources: outlets, sources and citations.

Column rules that a person editing these files should know:

* ``outlets``: ``slug`` identifies the outlet, as for themes; an empty one makes a slug
  from the English name.
* ``sources``: ``url`` identifies the source, and ``outlet`` names its outlet by slug.
  A source without a URL (a printed document) cannot be named in a file: such a row is
  refused, and such sources are left out of the export; staff edit them in the admin.
* ``citations``: ``milestone`` (by slug) and ``source`` (by URL) together identify the
  citation; ``order`` places it among the milestone's sources.

Nothing here has a publish flag of its own, but what a published milestone cites is
public, and the role rule (timeline/permissions.py, as the admin applies it in
admin/sources.py) holds for files too: someone who may not publish milestones (an editor)
may add outlets and sources and change those no published milestone cites, but may not
change one that a published milestone cites, nor add or change a published milestone's
citations. Such rows are refused, and the import, all-or-nothing, writes nothing.
"""

from collections.abc import Callable
from typing import Any

from django.db.models.query import QuerySet
from django.utils.translation import gettext as _

from timeline import permissions
from timeline.models import Citation, Milestone, Outlet, Source
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
        names = columns or tuple(column.name for column in importer.key_columns)
        report.add(outcome.line, ", ".join(names), importer.key_text(outcome.raw), message)
        report.invalid_raw[outcome.line] = outcome.raw
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


class CitationResource(TimelineResource):
    model_key = "citations"
    key_column = "milestone"
    key_with = ("source",)
    generates_keys = False
    milestone = ref("milestone", Milestone)
    source = ref("source", Source, "url")

    class Meta:
        model = Citation
        fields = ("milestone", "source", "order", "supports_ko", "supports_en")

    @classmethod
    def exportable(cls, queryset: QuerySet) -> QuerySet:
        # Milestones' citations of sources with a URL: what a row can name.
        return queryset.filter(milestone__isnull=False).exclude(source__url="")

    def check_user(self, importer: Importer) -> None:
        """A published milestone's citations change only through a publisher, like the rest
        of its page (the rule judged on the milestone as stored)."""
        if may_change_the_public_record(importer.user):
            return
        cited_by = {row.values["milestone_id"] for row in importer.report.rows}
        published: set[Any] = set()
        for chunk in chunks(list(cited_by)):
            published.update(
                Milestone._base_manager.filter(
                    pk__in=chunk, **{permissions.PUBLISHED_FIELD: True}
                ).values_list("pk", flat=True)
            )
        message = _("Only a publisher can change the sources of a published milestone.")

        def refusal(outcome: RowOutcome) -> str | None:
            unchanged = outcome.action == ImportReport.SKIP
            return None if unchanged or outcome.values["milestone_id"] not in published else message

        refuse_rows(importer, refusal)
