"""Record quality: one admin page listing what keeps the record from being one the city can
sign — text missing in Korean, milestones that cite nothing, sources without a link, open
disputes — each item a link to the admin page that fixes it.

Every section is two queries (its count, and its first ``SHOWN_PER_SECTION`` items with what
their labels need joined in), however large the record: the page costs the same at 41
milestones and at 10,000.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib import admin
from django.db.models import Field, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from timeline.models import Initiative, Institution, Milestone, Policy, Source, Theme

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SHOWN_PER_SECTION = 100
# Text a record must have in Korean, per model: its name or title, and its summary.
KOREAN_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Milestone: ("title", "summary"),
    Initiative: ("name", "summary"),
    Policy: ("name", "summary"),
    Institution: ("name", "summary"),
    Theme: ("name",),
}


@dataclass
class Item:
    label: str
    url: str
    detail: str = ""


@dataclass
class Section:
    key: str
    title: "StrOrPromise"
    explanation: "StrOrPromise"
    count: int
    items: list[Item] = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many are counted but not listed."""
        return self.count - len(self.items)


def change_url(obj: Model) -> str:
    """The admin change page of ``obj``."""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


_M = TypeVar("_M", bound=Model)
Detail = Callable[[_M], str]


def section(
    key: str,
    title: "StrOrPromise",
    explanation: "StrOrPromise",
    records: QuerySet[_M],
    detail: Detail[_M] | None = None,
) -> Section:
    """A section from ``records`` (two queries); ``detail(record)`` says what to fix."""
    shown = list(records[:SHOWN_PER_SECTION])
    return Section(
        key=key,
        title=title,
        explanation=explanation,
        count=records.count(),
        items=[
            Item(label=str(record), url=change_url(record), detail=detail(record) if detail else "")
            for record in shown
        ],
    )


def missing_korean(fields: tuple[str, ...]) -> Q:
    missing = Q()
    for name in fields:
        missing |= Q(**{f"{name}_ko": ""}) | Q(**{f"{name}_ko__isnull": True})
    return missing


def missing_korean_detail(fields: tuple[str, ...], model: type[Model]) -> Detail[Model]:
    """Which of ``fields`` a record lacks in Korean, by their names in the admin."""

    def detail(record: Model) -> str:
        # KOREAN_FIELDS names text fields of the model itself, never a relation, which
        # get_field may also return.
        missing = [
            str(cast("Field[Any, Any]", model._meta.get_field(name)).verbose_name)
            for name in fields
            if not getattr(record, f"{name}_ko")
        ]
        return ", ".join(missing)

    return detail


def korean_sections() -> list[Section]:
    sections = []
    for model, fields in KOREAN_FIELDS.items():
        records = model._default_manager.filter(missing_korean(fields))
        if model is Milestone:
            records = records.select_related("year").order_by("-year", "order", "pk")
        sections.append(
            section(
                f"korean-{model._meta.model_name}",
                _("%(models)s missing Korean") % {"models": model._meta.verbose_name_plural},
                _("Add the Korean text named beside each item."),
                records,
                missing_korean_detail(fields, model),
            )
        )
    return sections


def record_quality() -> list[Section]:
    milestones = Milestone.objects.select_related("year").order_by("-year", "order", "pk")
    without_url = Source.objects.filter(url="").select_related("outlet").order_by("pk")
    return [
        *korean_sections(),
        section(
            "uncited",
            _("Milestones without sources"),
            _("A reader cannot check these: add the pages or documents they come from."),
            milestones.filter(citations__isnull=True),
        ),
        section(
            "no-url",
            _("Sources without a URL"),
            _("Add the address of the page, or of the document online."),
            without_url,
            lambda source: str(source.outlet),
        ),
        section(
            "disputed",
            _("Open disputes"),
            _("Milestones with a note on disputed facts: settle them, or keep each side cited."),
            milestones.filter(Q(note_ko__gt="") | Q(note_en__gt="")),  # NULL or "" is no note
            lambda milestone: Truncator(milestone.note).chars(160),
        ),
    ]


@admin.site.admin_view
def record_quality_view(request: HttpRequest) -> HttpResponse:
    sections = record_quality()
    context = {
        **admin.site.each_context(request),
        "title": _("Record quality"),
        "sections": sections,
        "total": sum(section.count for section in sections),
    }
    return TemplateResponse(request, "admin/timeline/record_quality.html", context)


urlpatterns = [path("record-quality/", record_quality_view, name="record-quality")]
