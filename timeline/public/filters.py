"""The public filters: one FilterSet per public list, shared by the HTML pages and the exports.

Every filter validates its value in Python before anything reaches the database (choices,
integer ranges, length, no NUL bytes), so a bad query string becomes a form error next to
its field, never a database error. An invalid form filters to nothing (django-filter's
``strict`` mode): the page explains what to correct instead of silently showing everything.

Without a queryset, a FilterSet starts from the *published* records, so code that forgets
to pass one (an export view, a shell session) cannot leak unpublished data.
"""

import copy
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db.models import Exists, Field, Model, OuterRef, Q, QuerySet
from django.forms.renderers import BaseRenderer
from django.http import HttpRequest, QueryDict
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, Filter, FilterSet, MultipleChoiceFilter
from django_filters.filterset import filterset_factory

from timeline.caching.canonical import Parameter
from timeline.caching.keeping import may_keep
from timeline.caching.pages import do_not_store
from timeline.caching.remembered import remembered
from timeline.languages import marked_text
from timeline.models import (
    MAX_YEAR,
    MIN_YEAR,
    SUBJECT_FIELDS,
    SUBJECT_MODELS,
    Milestone,
    Subject,
    Theme,
    kind_label,
)
from timeline.models.milestones import MilestoneQuerySet
from timeline.models.public_filter import BUILT_AS, built_once
from timeline.public.search import contains, spellings

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Long enough for any real search, short enough that a pasted essay is refused politely.
MAX_SEARCH_LENGTH = 200
# More words than anyone types; bounds the size of the generated query.
MAX_SEARCH_TERMS = 8
# The paged lists' page number (ForgivingPaginationMixin in views.py): the first by default.
PAGE_PARAMETER = Parameter("page", whole_number=True, default="1")


def kind_choices() -> list[tuple[str, "StrOrPromise"]]:
    return [(kind, kind_label(kind)) for kind in SUBJECT_MODELS]


def theme_choices() -> list[tuple[str, str]]:
    """The published themes, remembered per content version and language.

    A theme still without Korean shows its English name, marked lang="en" for screen readers.
    """

    def choices() -> list[tuple[str, str]]:
        return [(theme.slug, marked_text(theme, "name")) for theme in Theme.objects.published()]

    return remembered("theme-choices", choices, get_language())


def search_condition(text: str, fields: Sequence[str], model: type[Model]) -> Q:
    """Every word of ``text`` must appear (any case) in at least one of ``fields`` of ``model``.

    Substring matching, so a Korean stem finds its inflected forms: 인권 finds 인권도시와.
    A word is found in any of its spellings (search.spellings): 5.18 finds 5·18.
    Related fields (``initiative__name_ko``, ``citations__source__title``) are searched by
    subquery, so that PostgreSQL answers the search from its trigram indexes
    (timeline/public/search.py).
    """
    condition = Q()
    for term in text.split()[:MAX_SEARCH_TERMS]:
        any_field = Q()
        for field in fields:
            any_field |= contains(model, field, spellings(term))
        condition &= any_field
    return condition


def localized(*fields: str) -> list[str]:
    """``title`` -> ``title_ko``, ``title_en``: search both languages whatever the page's."""
    return [f"{field}_{lang}" for field in fields for lang in settings.MODELTRANSLATION_LANGUAGES]


def html_attrs(attrs: dict[str, Any]) -> str:
    """Django's django/forms/widgets/attrs.html, in Python."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """forms.Select with the very same markup, written in Python instead of one template per option.

    The year lists have some sixty options each; rendering each through the form renderer's
    option and attribute templates cost about a quarter of the timeline page (bench/README.md).
    Named ``Select`` like Django's, so the field's ``widget_type`` (its CSS class) is unchanged.
    """

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        # The year lists come as (value, label) pairs already: Django's normalising them
        # again, option by option, cost more than rendering them.
        super().__init__(attrs)
        self._choices = list(choices)

    def __deepcopy__(self, memo: dict[int, Any]) -> "Select":
        # Django's copy assigns the choices again, which normalises them again: each of the
        # three year fields is copied twice per request. The list is never changed in place,
        # so a copy may share it.
        obj = copy.copy(self)
        obj.attrs = self.attrs.copy()
        memo[id(self)] = obj
        return obj

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}"',
            html_attrs(widget["attrs"]),
        ]
        parts.append(">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{html_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the final newline
        return mark_safe("".join(parts))  # every value above went through conditional_escape


class YearField(forms.IntegerField):
    """A year chosen from a list; anything else, or outside the model's range, is an error.

    The visitor sees a dropdown, so the error says to choose from it, not Django's
    "enter a whole number" (정수를 입력하세요), which only a hand-edited link can cause.
    """

    widget = Select
    default_error_messages = {
        "invalid": _("Choose a year from the list."),
        "min_value": _("Choose a year from the list."),
        "max_value": _("Choose a year from the list."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)


class YearFilter(Filter):
    field_class = YearField


class SearchFilter(CharFilter):
    """Free-text search; the FilterSet's ``search_fields`` say where to look."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", MAX_SEARCH_LENGTH)
        kwargs.setdefault("method", "filter_search")
        super().__init__(*args, **kwargs)


def checkboxes(**kwargs: Any) -> MultipleChoiceFilter:
    """A repeatable parameter (``?kind=a&kind=b``) matching any of its values, as checkboxes."""
    kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
    return MultipleChoiceFilter(**kwargs)


class FilterForm(forms.Form):
    """The form behind every public filter: a GET form with labels and errors by each field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # a colon after a legend or label adds nothing
        super().__init__(*args, **kwargs)


class TimelineFilterForm(FilterForm):
    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean gives cleaned_data
        start, end = cleaned.get("year_min"), cleaned.get("year_max")
        if start and end and start > end:
            self.add_error(
                "year_max",
                _("Choose %(year)s or a later year.") % {"year": start},
            )
        return cleaned


class PublicFilterSet(FilterSet):
    """Shared behaviour: published records by default, theme choices from the database."""

    search_fields: tuple[str, ...] = ()

    def __init__(
        self,
        data: QueryDict | dict[str, Any] | None = None,
        queryset: QuerySet[Any] | None = None,
        *,
        request: HttpRequest | None = None,
        prefix: str | None = None,
    ) -> None:
        if queryset is None:
            queryset = self._meta.model.objects.published()
        super().__init__(data, queryset, request=request, prefix=prefix)
        if "theme" in self.filters:
            self.filters["theme"].extra["choices"] = theme_choices()

    @property
    def qs(self) -> QuerySet[Any]:
        # Invalid input matches nothing, for every user of the FilterSet (page, CSV, JSON),
        # rather than django-filter's default of silently dropping the invalid filters.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        base = getattr(self.queryset.query, BUILT_AS, None)
        question = self.question
        if base is None or question is None or not may_keep() or hasattr(self, "_qs"):
            return super().qs
        # A page's list built once per question (public_filter.built_once); not a search's,
        # which is another question each time.
        self._qs = built_once((base, type(self), question), self.filtered)
        return self._qs

    def filtered(self) -> QuerySet[Any]:
        return super().qs

    @property
    def invalid(self) -> bool:
        """True when some filter asked for could not be used. Unlike ``errors``, it builds no
        form when nothing was asked: the form (three lists of some sixty years) is costly."""
        return self.is_bound and not self.is_valid()

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid and self.request is not None:
            do_not_store(self.request)  # a page of error messages is not worth a cache key
        return valid

    @classmethod
    def query_parameters(cls, *, paged: bool = False) -> tuple[Parameter, ...]:
        """The parameters a page of these filters reads, as the page cache keys them
        (timeline/caching/canonical.py); ``paged`` adds the page number."""
        parameters = [
            Parameter(
                name,
                repeatable=isinstance(declared, MultipleChoiceFilter),
                whole_number=isinstance(declared, YearFilter),
                free_text=isinstance(declared, SearchFilter),
            )
            for name, declared in cls.base_filters.items()
        ]
        return (*parameters, PAGE_PARAMETER) if paged else tuple(parameters)

    def given(self, name: str) -> list[Any]:
        """The values the visitor gave for the parameter ``name``, as typed."""
        data = self.data
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [value for value in values if value is not None]

    @property
    def filled(self) -> list[str]:
        """The filters the visitor set: a parameter with some value that is not blank."""
        if not self.is_bound:
            return []
        return [
            name for name in self.filters if any(str(value).strip() for value in self.given(name))
        ]

    @property
    def is_filtered(self) -> bool:
        """True when the visitor asked for something narrower than everything."""
        return bool(self.filled)

    @property
    def asked(self) -> str:
        """The values given for this FilterSet's own parameters, as typed, in a fixed order:
        what the filter form shows follows from them alone (its ready part's name), so
        other parameters and their order do not make another copy of it."""
        if not self.is_bound:
            return ""
        return urlencode(
            [(name, value) for name in sorted(self.filters) for value in self.given(name)]
        )

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(search_condition(value, self.search_fields, queryset.model))

    @property
    def question(self) -> tuple[tuple[str, Any], ...] | None:
        """What was asked, normalised and hashable (a key for remembered figures).

        ``()`` for everything (no filter, or only empty ones); None when the form is invalid.
        """
        if not self.is_bound:
            return ()
        if not self.is_valid():
            return None
        asked: list[tuple[str, Any]] = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            asked.append((name, tuple(sorted(value)) if isinstance(value, list | tuple) else value))
        return tuple(sorted(asked))


def public_years() -> list[int]:
    return list(
        Milestone.objects.published().order_by().values_list("year_id", flat=True).distinct()
    )


def remembered_public_years() -> set[int]:
    """The years the public record has milestones for, once per content version."""
    return set(remembered("public-years", public_years))


class MilestoneFilterSet(PublicFilterSet):
    """The timeline's filters (DESIGN.md: year, year_min, year_max, kind, theme, q)."""

    q = SearchFilter(
        help_text=_(
            "Words in titles, summaries, subject names or the titles of cited sources, in "
            "Korean or English."
        )
    )
    year = YearFilter(field_name="year", label=_("Year"))
    year_min = YearFilter(field_name="year", lookup_expr="gte", label=_("From year"))
    year_max = YearFilter(field_name="year", lookup_expr="lte", label=_("To year"))
    kind = checkboxes(label=_("Kind"), choices=kind_choices, method="filter_kind")
    theme = checkboxes(label=_("Theme"), method="filter_theme")

    search_fields = (
        *localized("title", "summary"),
        *(f"{subject}__{field}" for subject in SUBJECT_FIELDS for field in localized("name")),
        # A headline is in the language its page is in: one field. Only what the public sees
        # is searched, since a source is public exactly when a public milestone cites it.
        "citations__source__title",
    )

    class Meta:
        model = Milestone
        fields: list[str] = []
        form = TimelineFilterForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The years the public record has milestones for, read once per page.
        self.record_years = frozenset(remembered_public_years())
        choices = self.year_choices()
        for name in ("year", "year_min", "year_max"):
            self.filters[name].extra["widget"] = Select(choices=choices)

    def year_choices(self) -> list[tuple[Any, Any]]:
        """The years that have public milestones, plus any other valid year already asked for.

        A shared link may ask for a year outside the list (``year_min=2010``): keeping it
        selected shows the visitor what is applied.
        """
        years = set(self.record_years)
        for name in ("year", "year_min", "year_max"):
            try:
                asked = int(self.data.get(name, ""))
            except (TypeError, ValueError):
                continue
            if MIN_YEAR <= asked <= MAX_YEAR:
                years.add(asked)
        return [("", _("Any year")), *((year, year) for year in sorted(years, reverse=True))]

    @property
    def year_not_in_record(self) -> int | None:
        """The one year asked for (``year``, or ``year_min`` equal to ``year_max``) when the
        public record has nothing for it, else None.

        The page then says the year is not in the record, as the chart does for 2010 and
        2015, instead of counting 0 milestones, which would claim the year was searched and
        found empty.
        """
        if not self.is_bound or not self.is_valid():
            return None
        asked = self.form.cleaned_data
        year = asked.get("year")
        if year is None and asked.get("year_min") == asked.get("year_max"):
            year = asked.get("year_min")
        return year if year is not None and year not in self.record_years else None

    def filter_kind(
        self, queryset: MilestoneQuerySet, name: str, value: list[str]
    ) -> MilestoneQuerySet:
        return queryset.of_kind(*value)

    def filter_theme(
        self, queryset: QuerySet[Milestone], name: str, value: list[str]
    ) -> QuerySet[Milestone]:
        return queryset.filter(milestone_has_theme(tuple(sorted(value))))


@lru_cache(maxsize=256)
def milestone_has_theme(slugs: tuple[str, ...]) -> Q:
    """The milestones whose subject has one of the themes ``slugs``; built once per choice
    (three subqueries cost more to build than to run).

    Subqueries rather than joins through the M2M: a subject with two of the chosen themes
    must not make its milestones appear twice. Asked of each milestone (EXISTS), so that a
    page reads its years in timeline order and stops at twenty (year_span.py), where
    ``subject IN (…)`` had SQLite gather and sort every match.
    """
    condition = Q()
    for kind, model in SUBJECT_MODELS.items():
        themed = model.themes.through._default_manager.filter(
            **{kind: OuterRef(kind), "theme__slug__in": slugs}
        )
        condition |= Q(Exists(themed))
    return condition


class SubjectFilterSet(PublicFilterSet):
    """The directories' filters (type, theme, q); made concrete per model below."""

    q = SearchFilter(help_text=_("Words in names or summaries, in Korean or English."))
    type = checkboxes(label=_("Type"), method="filter_type")
    theme = checkboxes(label=_("Theme"), method="filter_theme")

    search_fields = (*localized("name", "summary"),)

    class Meta:
        fields: list[str] = []
        form = FilterForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["type"].extra["choices"] = self.type_field().choices

    @classmethod
    def type_field(cls) -> Field:
        model = cls._meta.model
        return model._meta.get_field(f"{model.KIND}_type")

    def filter_type(self, queryset: QuerySet[Any], name: str, value: list[str]) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.type_field().name}__in": value})

    def filter_theme(self, queryset: QuerySet[Any], name: str, value: list[str]) -> QuerySet[Any]:
        # A subquery, not a join: the directory annotates milestone counts, which a join
        # through themes would multiply.
        model = self._meta.model
        return queryset.filter(pk__in=model.objects.filter(themes__slug__in=value))


SUBJECT_FILTERSETS: dict[type[Subject], type[SubjectFilterSet]] = {
    model: filterset_factory(model, filterset=SubjectFilterSet) for model in SUBJECT_MODELS.values()
}
