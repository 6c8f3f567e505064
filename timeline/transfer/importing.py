"""The import engine behind the resources: cells in, checked rows, one bulk write out.

``resources.py`` declares the columns (the CSV contract); this module does the work:

* every cell is read by a ``Column`` that knows its model field, and says in plain,
  translatable words what is wrong with a bad value;
* related records are looked up by slug (or year) with one query per related model;
* the import is all-or-nothing: every problem is reported with its line (as Excel
  numbers it, the header being line 1), column and value, and if there is any, nothing
  is written. Otherwise all rows are written in one transaction with bulk queries;
* a row whose values equal the database's is "unchanged" and not written at all.

What comes back is an ``ImportReport``; ``ImportReport.to_library_result()`` turns it
into django-import-export's ``Result`` for the library's admin views.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
    validate_unicode_slug,
)
from django.db import DataError, IntegrityError, connections, models, router, transaction
from django.db.models import QuerySet
from django.db.models.fields import PositiveIntegerRelDbTypeMixin
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.results import Error, Result, RowResult
from import_export.signals import post_import

from timeline import permissions
from timeline.models import Citation, Outlet, Source
from timeline.transfer import spreadsheets
from timeline.transfer import versions as import_history
from timeline.transfer.spreadsheets import cell_text, is_blank

BATCH_SIZE = 500
QUERY_CHUNK = 900  # keys per IN (...) query; below SQLite's historical 999-parameter limit
LARGE_IMPORT_ROWS = 1000  # above this the admin preview shows values, not HTML diffs
MAX_SHOWN_VALUE = 100

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "t", "예", "네", "참"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "f", "아니오", "아니요", "거짓"})
_DATE = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?$")
_WHOLE_NUMBER = re.compile(r"^[+]?\d+(\.0*)?$")
_SOURCE = re.compile(r"^(?P<label>.*?)\s*<(?P<url>[^<>\s]*)>$", re.S)
_url_validator = URLValidator()


class CellError(Exception):
    """A cell we cannot accept; ``message`` says why, for a person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Multi-valued cells -----------------------------------------------------------


def split_cell(text):
    """Split ``a|b|c`` into items; ``\\|`` is a literal bar and ``\\\\`` a backslash."""
    items, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in "\\|":
            current.append(text[index + 1])
            index += 2
            continue
        if char == "|":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def join_cell(items):
    return "|".join(item.replace("\\", "\\\\").replace("|", "\\|") for item in items)


def format_source(label, url):
    if url:
        return f"{label} <{url}>" if label else f"<{url}>"
    if _SOURCE.match(label):
        # A label ending in "<...>" would be read back as a URL; an empty "<>" says it isn't.
        return f"{label} <>"
    return label


def format_sources(pairs):
    return join_cell(format_source(label, url) for label, url in pairs)


def _same_text(old, new, legacy=""):
    """Equal as a person reads them: line ends, edge spaces and NULL vs '' don't count.

    With ``legacy`` (the file came in CP949), characters that encoding cannot hold (an em
    dash, say) and that were replaced on the way ("?", a look-alike, or iconv's "--")
    don't count either: saving a file in Korean Excel must not quietly change every dash
    in the database.
    """

    def normal(value):
        return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()

    old, new = normal(old), normal(new)
    if old == new:
        return True
    if not legacy:
        return False
    pattern, lost = [], 0
    for char in old:
        try:
            char.encode(legacy)
        except UnicodeEncodeError:
            lost += 1
            continue
        if lost:
            pattern.append(f".{{{lost},{3 * lost}}}")
            lost = 0
        pattern.append(re.escape(char))
    if lost:
        pattern.append(f".{{{lost},{3 * lost}}}")
    return re.fullmatch("".join(pattern), new, re.S) is not None


def _shown(raw):
    text = cell_text(raw)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


# --- Columns ----------------------------------------------------------------------


class Column:
    """One file column: reads a cell, compares it with the database, writes it out."""

    # An empty cell keeps the current value (new records: the default) instead of clearing.
    keep_when_empty = False
    # Values live outside the model's own row (many-to-many, sources).
    external = False

    def __init__(self, name, model_field):
        self.name = name
        self.field = model_field
        self.attname = model_field.attname
        self.export_path = self.attname
        self.translated_field = getattr(model_field, "translated_field", None)

    @property
    def required(self):
        """A new record needs a value: the field may not be blank and has no default."""
        field_ = self.field
        return not (field_.blank or field_.null or field_.has_default())

    def parse(self, raw, lookups):
        raise NotImplementedError

    def same(self, old, new, legacy=""):
        return old == new

    def display(self, value, lookups):
        return cell_text(value)

    def export_value(self, value):
        return value


class TextColumn(Column):
    def __init__(self, name, model_field):
        super().__init__(name, model_field)
        self.max_length = model_field.max_length
        self.validator = None
        self.invalid_message = ""
        # Lazy: columns are built once per process, messages are read per request.
        if isinstance(model_field, models.SlugField):
            self.validator = validate_unicode_slug
            self.invalid_message = gettext_lazy(
                "A slug may contain only letters, numbers, hyphens and underscores (no spaces)."
            )
        elif isinstance(model_field, models.URLField):
            self.validator = _url_validator
            self.invalid_message = gettext_lazy(
                "This is not a web address: write it in full, starting with https://"
            )

    def parse(self, raw, lookups):
        text = cell_text(raw).strip()
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("This is too long: at most %(max)d characters, and this has %(length)d.")
                % {"max": self.max_length, "length": len(text)}
            )
        if text and self.validator:
            try:
                self.validator(text)
            except ValidationError:
                raise CellError(str(self.invalid_message)) from None
        return text

    def same(self, old, new, legacy=""):
        return _same_text(old, new, legacy)

    def export_value(self, value):
        return value or ""


class ChoiceColumn(TextColumn):
    """A choice written as its code (``framework_plan``) or its label, Korean or English."""

    _accepted = None

    def accepted(self):
        if self._accepted is None:
            accepted = {}
            for language in ("en", "ko"):
                with translation.override(language):
                    for value, label in self.field.flatchoices:
                        accepted[str(label).casefold()] = value
            for value, _label in self.field.flatchoices:
                accepted[value.casefold()] = value
            self._accepted = accepted
        return self._accepted

    def parse(self, raw, lookups):
        text = cell_text(raw).strip()
        if not text:
            return ""
        value = self.accepted().get(text.casefold())
        if value is not None:
            return value
        raise CellError(
            _("This is not one of the allowed values: %(values)s.")
            % {"values": ", ".join(value for value, _label in self.field.flatchoices)}
        )


class IntegerColumn(Column):
    def __init__(self, name, model_field):
        super().__init__(name, model_field)
        self.keep_when_empty = not model_field.null
        small = isinstance(model_field, models.SmallIntegerField)
        positive = isinstance(model_field, PositiveIntegerRelDbTypeMixin)
        self.minimum = 0 if positive else -(2**15 if small else 2**31)
        self.maximum = 2**15 - 1 if small else 2**31 - 1
        for validator in model_field.validators:
            if isinstance(validator, MinValueValidator):
                self.minimum = max(self.minimum, validator.limit_value)
            elif isinstance(validator, MaxValueValidator):
                self.maximum = min(self.maximum, validator.limit_value)

    def parse(self, raw, lookups):
        if is_blank(raw):
            return None
        if isinstance(raw, bool):
            number = None
        elif isinstance(raw, int):
            number = raw
        elif isinstance(raw, float) and raw.is_integer():
            number = int(raw)
        else:
            text = cell_text(raw).strip()
            number = int(float(text)) if _WHOLE_NUMBER.match(text) else None
        if number is None or not self.minimum <= number <= self.maximum:
            raise CellError(
                _("This must be a whole number from %(min)d to %(max)d.")
                % {"min": self.minimum, "max": self.maximum}
            )
        return number


class BooleanColumn(Column):
    keep_when_empty = True

    def parse(self, raw, lookups):
        if is_blank(raw):
            return None
        if isinstance(raw, bool):
            return raw
        word = cell_text(raw).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(_("Write true or false (1/0, yes/no and 예/아니오 work too)."))

    def export_value(self, value):
        return bool(value)


class DateColumn(Column):
    def parse(self, raw, lookups):
        if is_blank(raw):
            return None
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        match = _DATE.match(cell_text(raw).strip())
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise CellError(_("This is not a date: write it as YYYY-MM-DD, for example 2014-05-18."))


class RelatedColumn(Column):
    """A foreign key written as the related record's slug (or, for years, the year)."""

    def __init__(self, name, model_field, key):
        super().__init__(name, model_field)
        self.related = model_field.related_model
        self.key = key
        self.target = model_field.target_field.attname
        self.export_path = self.attname if key == self.target else f"{model_field.name}__{key}"
        self.siblings = ()  # columns of the same group, for "this slug is a policy" hints

    def key_text(self, raw):
        text = cell_text(raw).strip()
        if self.key == "year" and _WHOLE_NUMBER.match(text):
            text = str(int(float(text)))
        return text

    def parse(self, raw, lookups):
        key = self.key_text(raw)
        if not key:
            return None
        mapping = lookups.mapping(self)
        if key in mapping:
            return mapping[key]
        if self.related is lookups.model and key in lookups.file_keys:
            return Pending(key)
        raise CellError(self.unknown_message(key, lookups))

    def unknown_message(self, key, lookups):
        if self.key == "year":
            return _(
                "There is no year %(year)s. Add the year first (on the Years page, or import years)."
            ) % {"year": key}
        for sibling in self.siblings:
            if key in lookups.mapping(sibling):
                return _(
                    "No %(model)s has the slug “%(slug)s”, but one of the %(kinds)s has: "
                    "move it to the %(column)s column."
                ) % {
                    "model": self.related._meta.verbose_name,
                    "slug": key,
                    "kinds": sibling.related._meta.verbose_name_plural,
                    "column": sibling.name,
                }
        return _("No %(model)s has the slug “%(slug)s”.") % {
            "model": self.related._meta.verbose_name,
            "slug": key,
        }

    def display(self, value, lookups):
        if value is None:
            return ""
        if isinstance(value, Pending):
            return value.key
        return cell_text(lookups.reverse(self).get(value, value))


@dataclass(frozen=True)
class Pending:
    """A parent that is a new record in the same file: its id is known only after saving."""

    key: str


class ManyColumn(Column):
    """A many-to-many relation written as slugs separated by ``|``."""

    external = True

    def __init__(self, name, model_field, key):
        super().__init__(name, model_field)
        self.related = model_field.related_model
        self.key = key
        self.target = "pk"
        self.attname = None  # not a column of the model's own table
        self.export_path = None
        through = model_field.remote_field.through
        self.through = through
        self.source_attname = f"{model_field.m2m_field_name()}_id"
        self.target_attname = f"{model_field.m2m_reverse_field_name()}_id"

    @property
    def required(self):
        return False

    def parse(self, raw, lookups):
        keys = split_cell(cell_text(raw))
        mapping = lookups.mapping(self)
        unknown = [key for key in keys if key not in mapping]
        if unknown:
            known = sorted(mapping)
            raise CellError(
                ngettext(
                    "No %(model)s has the slug %(slugs)s. Known slugs: %(known)s.",
                    "No %(models)s have the slugs %(slugs)s. Known slugs: %(known)s.",
                    len(unknown),
                )
                % {
                    "model": self.related._meta.verbose_name,
                    "models": self.related._meta.verbose_name_plural,
                    "slugs": ", ".join(f"“{key}”" for key in unknown),
                    "known": ", ".join(known[:20]) + (" …" if len(known) > 20 else ""),
                }
            )
        return frozenset(mapping[key] for key in keys)

    def display(self, value, lookups):
        reverse = lookups.reverse(self)
        return join_cell(sorted(reverse.get(pk, str(pk)) for pk in value or ()))

    def existing(self, pks):
        """{owner pk: frozenset of related pks} for these owners (a query per chunk)."""
        found = {pk: set() for pk in pks}
        for chunk in _chunks(list(pks)):
            rows = self.through.objects.filter(**{f"{self.source_attname}__in": chunk})
            for owner, related in rows.values_list(self.source_attname, self.target_attname):
                found[owner].add(related)
        return {pk: frozenset(values) for pk, values in found.items()}

    def export_map(self, owners):
        rows = self.through.objects.filter(**{f"{self.source_attname}__in": owners})
        pairs = rows.values_list(self.source_attname, f"{self.target_attname[:-3]}__{self.key}")
        grouped = {}
        for owner, key in pairs:
            grouped.setdefault(owner, []).append(key)
        return {owner: join_cell(sorted(keys)) for owner, keys in grouped.items()}

    def replace(self, owner_values, delete_owners):
        for chunk in _chunks(list(delete_owners)):
            self.through.objects.filter(**{f"{self.source_attname}__in": chunk}).delete()
        links = [
            self.through(**{self.source_attname: owner, self.target_attname: related})
            for owner, values in owner_values
            for related in sorted(values)
        ]
        self.through.objects.bulk_create(links, batch_size=BATCH_SIZE)


class SourcesColumn(Column):
    """A milestone's citations: ``title <url>`` entries of the cited sources, separated by
    ``|``. On import an entry cites the source with that URL (or, without a URL, that title);
    a source not known yet is added under the unknown outlet, for staff to complete."""

    external = True

    def __init__(self, name):
        self.name = name
        self.field = None
        self.attname = None
        self.export_path = None
        self.translated_field = None
        self.label_length = Source._meta.get_field("title").max_length
        self.url_length = Source._meta.get_field("url").max_length

    @property
    def required(self):
        return False

    def parse(self, raw, lookups):
        pairs = []
        for entry in split_cell(cell_text(raw)):
            match = _SOURCE.match(entry)
            label, url = (match["label"].strip(), match["url"]) if match else (entry, "")
            label = label or url
            if len(label) > self.label_length:
                raise CellError(
                    _("A source label is too long: at most %(max)d characters (“%(label)s”).")
                    % {"max": self.label_length, "label": _shown(label)}
                )
            if url:
                try:
                    _url_validator(url)
                except ValidationError:
                    raise CellError(
                        _(
                            "“%(url)s” is not a web address: write it in full, starting with https://"
                        )
                        % {"url": _shown(url)}
                    ) from None
                if len(url) > self.url_length:
                    raise CellError(
                        _("A source address is too long: at most %(max)d characters.")
                        % {"max": self.url_length}
                    )
            if label:
                pairs.append((label, url))
        return tuple(pairs)

    def same(self, old, new, legacy=""):
        old, new = old or (), new or ()
        return len(old) == len(new) and all(
            _same_text(old_label, new_label, legacy) and old_url == new_url
            for (old_label, old_url), (new_label, new_url) in zip(old, new, strict=True)
        )

    def display(self, value, lookups):
        return format_sources(value or ())

    @staticmethod
    def _query(owners: Iterable) -> QuerySet:
        return (
            Citation.objects.filter(milestone_id__in=owners)
            .order_by("milestone_id", "order", "id")
            .values_list("milestone_id", "source__title", "source__url")
        )

    def existing(self, pks):
        found = {pk: [] for pk in pks}
        for chunk in _chunks(list(pks)):
            for owner, label, url in self._query(chunk):
                found[owner].append((label, url or ""))
        return {pk: tuple(pairs) for pk, pairs in found.items()}

    def export_map(self, owners):
        grouped = {}
        for owner, label, url in self._query(owners):
            grouped.setdefault(owner, []).append((label, url or ""))
        return {owner: format_sources(pairs) for owner, pairs in grouped.items()}

    def replace(self, owner_values: Iterable, delete_owners: Iterable) -> None:
        owner_values = list(owner_values)
        for chunk in _chunks(list(delete_owners)):
            Citation.objects.filter(milestone_id__in=chunk).delete()
        source_ids = self._source_ids({pair for _owner, pairs in owner_values for pair in pairs})
        citations = []
        for owner, pairs in owner_values:
            cited = list(dict.fromkeys(source_ids[pair] for pair in pairs))  # once each
            citations.extend(
                Citation(milestone_id=owner, source_id=source_id, order=order)
                for order, source_id in enumerate(cited)
            )
        Citation.objects.bulk_create(citations, batch_size=BATCH_SIZE)

    @staticmethod
    def _source_ids(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """(title, url) → the id of the source cited: the one with that URL, else the oldest
        without a URL with that title; those not found are added (a few queries in all)."""

        def key(title: str, url: str) -> tuple[str, str]:
            return ("url", url) if url else ("title", title)

        urls = [url for _title, url in pairs if url]
        titles = [title for title, url in pairs if not url]
        found = {}
        for chunk in _chunks(urls):
            for pk, url in Source.objects.filter(url__in=chunk).values_list("pk", "url"):
                found[key("", url)] = pk
        for chunk in _chunks(titles):
            unlinked = Source.objects.filter(url="", title__in=chunk).order_by("-id")
            for pk, title in unlinked.values_list("pk", "title"):
                found[key(title, "")] = pk  # the oldest comes last and wins
        missing = {key(*pair): pair for pair in sorted(pairs) if key(*pair) not in found}
        if missing:
            outlet = Outlet.objects.unknown()
            added = Source.objects.bulk_create(
                [Source(outlet=outlet, title=title, url=url) for title, url in missing.values()],
                batch_size=BATCH_SIZE,
            )
            found.update(zip(missing, (source.pk for source in added), strict=True))
        return {pair: found[key(*pair)] for pair in pairs}


def _chunks(items, size=QUERY_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Lookups: one query per related model -----------------------------------------


class Lookups:
    """Slug → id maps for the related models, each loaded once, on first use."""

    def __init__(self, model, file_keys=()):
        self.model = model
        self.file_keys = frozenset(file_keys)
        self._maps = {}
        self._reverse = {}

    def mapping(self, column):
        signature = (column.related, column.key, column.target)
        if signature not in self._maps:
            manager = column.related._base_manager
            if column.key == column.target:  # years: the key is the value the FK holds
                rows = ((key, key) for key in manager.values_list(column.key, flat=True))
            else:
                rows = manager.values_list(column.key, column.target)
            self._maps[signature] = {str(key): target for key, target in rows}
        return self._maps[signature]

    def reverse(self, column):
        signature = (column.related, column.key, column.target)
        if signature not in self._reverse:
            self._reverse[signature] = {target: key for key, target in self.mapping(column).items()}
        return self._reverse[signature]


# --- The result of an import ------------------------------------------------------


@dataclass
class Problem:
    """Why something in the file cannot be imported, in words for the person who wrote it."""

    line: int | None  # as Excel numbers it: 1 is the header; None: the file as a whole
    column: str
    value: str
    message: str

    def __str__(self):
        if self.line is None:
            return str(self.message)
        parts = [_("Line %(line)d") % {"line": self.line}]
        if self.column:
            parts.append(_("column %(column)s") % {"column": self.column})
        if self.value:
            parts.append(_("value “%(value)s”") % {"value": self.value})
        return f"{', '.join(parts)}: {self.message}"


@dataclass
class RowOutcome:
    line: int
    key: object
    action: str  # "new", "update" or "skip" (unchanged)
    values: dict  # attname → value after import (scalars), column name → value (external)
    old: dict | None = None  # same, before import (updates only)
    changed: tuple = ()  # names of the columns whose value changes
    raw: list = field(default_factory=list)
    instance: object = None


class ImportReport:
    """What an import found and did. ``ok`` is False when anything was refused."""

    NEW, UPDATE, SKIP = "new", "update", "skip"

    def __init__(self, model_key, resource, dry_run):
        self.model_key = model_key
        self.resource = resource
        self.dry_run = dry_run
        self.committed = False
        self.columns = []  # the file's columns, in file order
        self.positions = []  # where each of them is in a row of the file
        self.rows = []  # RowOutcome, one per non-blank valid row
        self.problems = []
        self.invalid_raw = {}  # line → the row's cells, for reports
        self.total_rows = 0
        self.lookups = None

    @property
    def ok(self):
        return not self.problems

    @property
    def invalid_lines(self):
        return sorted({problem.line for problem in self.problems if problem.line})

    @property
    def counts(self):
        counts = {self.NEW: 0, self.UPDATE: 0, self.SKIP: 0}
        for row in self.rows:
            counts[row.action] += 1
        counts["invalid"] = len([line for line in self.invalid_lines if line > 1])
        return counts

    def summary(self):
        counts = self.counts
        text = _(
            "%(new)d new, %(updated)d updated, %(unchanged)d unchanged, %(invalid)d invalid."
        ) % {
            "new": counts[self.NEW],
            "updated": counts[self.UPDATE],
            "unchanged": counts[self.SKIP],
            "invalid": counts["invalid"],
        }
        if self.problems:
            return text + " " + _("Nothing was imported.")
        if self.dry_run:
            return text + " " + _("Dry run: nothing was written.")
        return text

    def add(self, line, column, value, message):
        self.problems.append(Problem(line, column, _shown(value), str(message)))

    def display(self, column, values):
        key = column.name if column.external else column.attname
        return column.display(values.get(key), self.lookups)

    def preview(self, limit):
        """What the admin's preview shows: ``(line, action, cells)`` of the rows that would
        add or change a record, in file order, at most ``limit`` of them.

        A changed cell is an HTML diff of the old and new text (escaped: a cell's own
        ``<script>`` shows as text); other cells are plain text, for the template to escape.
        In files over LARGE_IMPORT_ROWS rows, changed cells show their new value only.
        """
        columns = self.columns or self.resource.get_columns()
        html = len(self.rows) <= LARGE_IMPORT_ROWS
        shown = [row for row in self.rows if row.action != self.SKIP][:limit]
        return [(row.line, row.action, self._diff(row, columns, html)) for row in shown]

    # The library's result, for django-import-export's admin preview and confirm steps.
    def to_library_result(self):
        result = Result()
        columns = self.columns or self.resource.get_columns()
        result.diff_headers = [column.name for column in columns]
        result.total_rows = self.total_rows
        by_line = {}
        for problem in self.problems:
            if problem.line is None or problem.line == 1:
                result.append_base_error(PlainError(spreadsheets.SpreadsheetError(str(problem))))
            else:
                by_line.setdefault(problem.line, []).append(problem)
        for line, problems in sorted(by_line.items()):
            messages = {}
            for problem in problems:
                messages.setdefault(problem.column or _("row"), []).append(problem.message)
            raw = self.invalid_raw.get(line, [])
            row_values = {
                column.name: cell_text(raw[index]) if index < len(raw) else ""
                for column, index in zip(self.columns, self.positions, strict=True)
            }
            result.append_invalid_row(line, row_values, ValidationError(messages))
            row_result = RowResult()
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(messages)
            result.increment_row_result_total(row_result)
        large = len(self.rows) > LARGE_IMPORT_ROWS
        for outcome in self.rows:
            row_result = RowResult()
            row_result.import_type = {
                self.NEW: RowResult.IMPORT_TYPE_NEW,
                self.UPDATE: RowResult.IMPORT_TYPE_UPDATE,
                self.SKIP: RowResult.IMPORT_TYPE_SKIP,
            }[outcome.action]
            result.increment_row_result_total(row_result)
            if large and outcome.action == self.SKIP:
                continue
            row_result.diff = self._diff(outcome, columns, html=not large)
            if outcome.instance is not None:
                row_result.instance = outcome.instance
                row_result.add_instance_info(outcome.instance)
            result.append_row_result(row_result)
        return result

    def _diff(self, outcome, columns, html):
        cells = []
        differ = diff_match_patch()
        for column in columns:
            new = self.display(column, outcome.values)
            if html and outcome.action == self.UPDATE and column.name in outcome.changed:
                old = self.display(column, outcome.old)
                diff = differ.diff_main(old, new)
                differ.diff_cleanupSemantic(diff)
                cells.append(diff_html(diff))
            else:
                cells.append(new)
        return cells


_DIFF_TAGS = {
    diff_match_patch.DIFF_INSERT: "ins",
    diff_match_patch.DIFF_DELETE: "del",
    diff_match_patch.DIFF_EQUAL: "span",
}


def diff_html(diff):
    """A diff as <ins>/<del> around escaped text; unlike diff_prettyHtml() no style="",
    which a strict Content-Security-Policy blocks (the admin's CSS colours them)."""
    return mark_safe(
        "".join(
            f"<{_DIFF_TAGS[op]}>{escape(text)}</{_DIFF_TAGS[op]}>".replace("\n", "&para;<br>")
            for op, text in diff
        )
    )


class PlainError(Error):
    """An error for the library's admin page: its message, and never a traceback."""

    @property
    def traceback(self):
        return ""


# --- The engine -------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    raw: list
    values: dict  # column name → parsed value
    ok: bool
    key: object = None
    merged: dict = None
    existing: dict = None


class Importer:
    def __init__(
        self,
        resource,
        headers,
        rows,
        dry_run=False,
        progress=None,
        encoding="",
        user=None,
        filename="",
    ):
        self.resource = resource
        # Who imports: their role limits what the file may do (check_roles), and the
        # history names them. None: the operator, on the command line, unrestricted.
        self.user = user
        self.filename = filename
        # Rows are written in the site's default language; the history's words are read
        # by whoever imports, in theirs.
        self.language = translation.get_language() or settings.LANGUAGE_CODE
        # Korean Excel's CSV: some characters of the database cannot survive the trip.
        self.legacy_encoding = encoding if encoding == "cp949" else ""
        self.model = resource._meta.model
        self.headers = headers
        self.raw_rows = rows
        self.dry_run = dry_run
        self.progress = progress
        self.report = ImportReport(resource.model_key, resource, dry_run)
        self.key_column = None
        self.scalar_attnames = resource.scalar_attname_set()

    # Header --------------------------------------------------------------------

    def read_header(self):
        from openpyxl.utils import get_column_letter

        report = self.report
        spec = {column.name: column for column in self.resource.get_columns()}
        present, seen, unknown = [], set(), []
        for index, header in enumerate(self.headers):
            name = cell_text(header).strip().casefold()
            if not name:
                if any(not is_blank(row[index]) for row in self.raw_rows if index < len(row)):
                    letter = get_column_letter(index + 1)
                    report.add(
                        1,
                        letter,
                        "",
                        _("Column %(letter)s has values but no header.") % {"letter": letter},
                    )
                continue
            if name not in spec:
                unknown.append(cell_text(header).strip())
                continue
            if name in seen:
                report.add(1, name, "", _("The column “%(name)s” appears twice.") % {"name": name})
                continue
            seen.add(name)
            present.append((index, spec[name]))
        if unknown:
            column = unknown[0] if len(unknown) == 1 else ""  # the message names them all
            report.add(1, column, "", self.unknown_columns_message(unknown))
        key = self.resource.key_column
        if key not in seen:
            report.add(
                1,
                key,
                "",
                _("The column “%(name)s” is missing: it says which record each row is.")
                % {"name": key},
            )
        # Linked columns are one value: naming one of them means the others are empty.
        for group in self.resource.linked_columns:
            if seen.intersection(group):
                present += [(None, spec[name]) for name in group if name not in seen]
        self.present = present
        self.seen = seen
        report.columns = [column for index, column in present if index is not None]
        report.positions = [index for index, column in present if index is not None]
        self.key_column = spec[self.resource.key_column]
        return not report.problems

    def unknown_columns_message(self, unknown):
        names = {name.casefold() for name in unknown} | self.seen_names()
        message = ngettext(
            "Unknown column %(names)s. The columns are: %(columns)s.",
            "Unknown columns %(names)s. The columns are: %(columns)s.",
            len(unknown),
        ) % {
            "names": ", ".join(f"“{name}”" for name in unknown),
            "columns": ", ".join(column.name for column in self.resource.get_columns()),
        }
        from timeline.transfer.resources import RESOURCES  # the registry sits above this module

        for key, resource in RESOURCES.items():
            if names <= {column.name for column in resource.get_columns()}:
                message += " " + _("This looks like a file of %(model)s.") % {"model": key}
                break
        return message

    def seen_names(self):
        return {cell_text(header).strip().casefold() for header in self.headers} - {""}

    @property
    def present_columns(self):
        return [column for _index, column in self.present]

    # Rows ----------------------------------------------------------------------

    def parse_rows(self):
        report = self.report
        key_index = next(i for i, column in self.present if column is self.key_column)
        file_keys = {
            self.key_column.key_text(row[key_index])
            if isinstance(self.key_column, RelatedColumn)
            else cell_text(spreadsheets.restore(row[key_index])).strip()
            for row in self.raw_rows
        }
        lookups = Lookups(self.model, file_keys - {""})
        report.lookups = lookups
        parsed, first_line = [], {}
        total = len(self.raw_rows)
        restore = spreadsheets.restore
        for position, raw in enumerate(self.raw_rows):
            line = position + 2
            if self.progress and position % 250 == 0:
                self.progress(position, total)
            if all(is_blank(cell) for cell in raw):
                continue
            values, ok = {}, True
            for index, column in self.present:
                cell = None if index is None else restore(raw[index])
                try:
                    values[column.name] = column.parse(cell, lookups)
                except CellError as error:
                    report.add(line, column.name, cell, error.message)
                    ok = False
            row = _Row(line, raw, values, ok)
            key = values.get(self.key_column.name)
            if key:
                row.key = key
                if key in first_line:
                    report.add(
                        line,
                        self.key_column.name,
                        key,
                        _(
                            "“%(key)s” is also on line %(line)d: a record may appear only once in a file."
                        )
                        % {"key": key, "line": first_line[key]},
                    )
                    row.ok = False
                else:
                    first_line[key] = line
            elif ok and not self.resource.generates_keys:
                report.add(line, self.key_column.name, "", _("This cannot be empty."))
                row.ok = False
            if not row.ok:
                report.invalid_raw[line] = raw
            parsed.append(row)
        report.total_rows = len(parsed)
        if self.progress:
            self.progress(total, total)
        self.rows = parsed
        if not parsed:
            report.add(None, "", "", _("The file has a header but no rows to import."))

    def load_existing(self):
        """The records the file names, as {key: {attname: value, column name: value}}."""
        key_attname = self.resource.key_attname()
        attnames = self.resource.scalar_attnames()
        keys = [row.key for row in self.rows if row.key is not None]
        existing = {}
        for chunk in _chunks(keys):
            query = self.model._base_manager.filter(**{f"{key_attname}__in": chunk})
            for values in query.values("pk", *attnames):
                existing[values[key_attname]] = values
        pks = [values["pk"] for values in existing.values()]
        for column in self.present_columns:
            if column.external:
                current = column.existing(pks)
                for values in existing.values():
                    values[column.name] = current[values["pk"]]
        self.existing = existing

    def merge(self):
        """Each row's values after import, checked as a whole; new vs changed vs unchanged."""
        report = self.report
        defaults = self.resource.new_record_defaults()
        scalar_columns = [c for i, c in self.present if not c.external]
        external_columns = [c for i, c in self.present if c.external]
        new_rows_refused = self.check_columns_for_new_records()
        for row in self.rows:
            if not row.ok:
                continue
            existing = self.existing.get(row.key) if row.key is not None else None
            if existing is None and new_rows_refused:
                row.ok = False
                continue
            merged = dict(existing) if existing else dict(defaults)
            for column in scalar_columns:
                value = row.values[column.name]
                if value is None and column.keep_when_empty:
                    continue
                merged[column.attname] = value
            for column in external_columns:
                merged[column.name] = row.values[column.name]
            problems_before = len(report.problems)
            for column in scalar_columns:
                needed = column.required and column is not self.key_column
                if needed and merged.get(column.attname) in (None, ""):
                    message = (
                        _("This cannot be empty.")
                        if existing
                        else _("A new record needs a value here.")
                    )
                    report.add(row.line, column.name, "", message)

            def problem(columns, message, row=row):
                names = [columns] if isinstance(columns, str) else list(columns)
                value = ", ".join(
                    cell_text(row.raw[i])
                    for i, c in self.present
                    if i is not None and c.name in names and not is_blank(row.raw[i])
                )
                report.add(row.line, ", ".join(names), value, message)

            self.resource.check_row(merged, existing, problem)
            if len(report.problems) > problems_before:
                row.ok = False
                report.invalid_raw[row.line] = row.raw
                continue
            row.merged, row.existing = merged, existing

    def check_columns_for_new_records(self):
        """A file may leave out columns for updates, but new records need some of them.

        Reported once, for the header; True if a column new records need is missing.
        """
        lines = [
            row.line
            for row in self.rows
            if row.ok and (row.key is None or row.key not in self.existing)
        ]
        if not lines:
            return False
        shown = ", ".join(str(line) for line in lines[:5]) + (" …" if len(lines) > 5 else "")
        report, problems_before = self.report, len(self.report.problems)
        for column in self.resource.get_columns():
            if column.required and column is not self.key_column and column.name not in self.seen:
                report.add(
                    1,
                    column.name,
                    "",
                    _(
                        "The column “%(name)s” is missing, and new records need it (lines %(lines)s)."
                    )
                    % {"name": column.name, "lines": shown},
                )
        for group in self.resource.header_one_of:
            if not self.seen.intersection(group):
                report.add(
                    1,
                    " / ".join(group),
                    "",
                    _("New records need one of the columns %(columns)s (lines %(lines)s).")
                    % {"columns": ", ".join(group), "lines": shown},
                )
        return len(report.problems) > problems_before

    def plan(self):
        report = self.report
        self.resource.check_rows([row for row in self.rows if row.ok], self)
        valid = [row for row in self.rows if row.ok]
        new_rows = [row for row in valid if row.existing is None]
        self.resource.prepare_new(new_rows, self)
        self.generate_keys(new_rows)
        compared = [c for i, c in self.present if c is not self.key_column]
        for row in valid:
            values = row.merged
            if row.existing is None:
                action, changed = ImportReport.NEW, tuple(c.name for i, c in self.present)
                old = None
            else:
                old = row.existing
                changed = []
                for column in compared:
                    key = column.name if column.external else column.attname
                    if column.same(old.get(key), values.get(key), self.legacy_encoding):
                        # Keep the stored value exactly (line ends, characters CP949 lacks).
                        values[key] = old.get(key)
                    else:
                        changed.append(column.name)
                changed = tuple(changed)
                action = ImportReport.UPDATE if changed else ImportReport.SKIP
            report.rows.append(RowOutcome(row.line, row.key, action, values, old, changed, row.raw))

    def generate_keys(self, new_rows):
        missing = [row for row in new_rows if not row.key]
        if not missing:
            return
        key_attname = self.resource.key_attname()
        max_length = self.model._meta.get_field(key_attname).max_length
        taken = set(self.model._base_manager.values_list(key_attname, flat=True))
        taken |= {row.key for row in self.rows if row.key}
        for row in missing:
            base = ""
            for source in self.resource.slug_sources:
                base = slugify(row.merged.get(source) or "")
                if re.search(r"[a-z]", base):
                    break
                base = ""
            base = (base or self.resource.fallback_slug(row.merged))[: max_length - 6].strip("-")
            candidate, number = base, 2
            while candidate in taken:
                candidate = f"{base}-{number}"
                number += 1
            taken.add(candidate)
            row.key = candidate
            row.merged[key_attname] = candidate

    # Writing -------------------------------------------------------------------

    def write(self):
        """All changes in one transaction; rolled back for a dry run or any refusal.

        A committed import is recorded in the same transaction: a revision in the history
        (who, when, what: import_history) and the admin's log, so the record and its
        history never disagree.
        """
        outcomes = [row for row in self.report.rows if row.action != ImportReport.SKIP]
        if not outcomes:
            self.report.committed = not self.dry_run
            return
        try:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                if not self.dry_run:
                    updated = [r.values["pk"] for r in outcomes if r.action == ImportReport.UPDATE]
                    with translation.override(self.language):
                        comment = _("As it was before its first recorded change.")
                    import_history.record_baseline(self.model, updated, comment)
                self._write(outcomes)
                if self.dry_run:
                    transaction.set_rollback(True)
                else:
                    self.record_history(outcomes)
        except (IntegrityError, DataError):
            self.locate_database_problems(outcomes)
            return
        if not self.dry_run:
            self.report.committed = True
            model = self.model
            transaction.on_commit(lambda: post_import.send(sender=None, model=model))

    def history_comment(self, count):
        """“Import of 12 milestones from milestones.csv”, in the language of whoever imports."""
        opts = self.model._meta
        with translation.override(self.language):
            items = opts.verbose_name if count == 1 else opts.verbose_name_plural
            if self.filename:
                return ngettext(
                    "Import of %(count)d %(items)s from %(file)s",
                    "Import of %(count)d %(items)s from %(file)s",
                    count,
                ) % {"count": count, "items": items, "file": self.filename}
            return ngettext(
                "Import of %(count)d %(items)s from a file",
                "Import of %(count)d %(items)s from a file",
                count,
            ) % {"count": count, "items": items}

    def record_history(self, outcomes):
        instances = [row.instance for row in outcomes]
        comment = self.history_comment(len(instances))
        import_history.record_revision(
            self.model, [obj.pk for obj in instances], self.user, comment
        )
        user = self.user
        if user is not None and user.is_authenticated:
            from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

            for action, flag in ((ImportReport.NEW, ADDITION), (ImportReport.UPDATE, CHANGE)):
                done = [row.instance for row in outcomes if row.action == action]
                if done:
                    LogEntry.objects.log_actions(
                        user.pk, done, flag, change_message=comment, single_object=len(done) == 1
                    )

    def _instance(self, values):
        """A model instance holding ``values``, built without the per-keyword work of __init__."""
        instance = self.model()
        scalar = self.scalar_attnames
        instance.__dict__.update(
            (key, value)
            for key, value in values.items()
            if key in scalar and not isinstance(value, Pending)
        )
        if "pk" in values:
            instance.pk = values["pk"]
        return instance

    def _write(self, outcomes):
        model = self.model
        key_attname = self.resource.key_attname()
        created = [row for row in outcomes if row.action == ImportReport.NEW]
        changed = [row for row in outcomes if row.action == ImportReport.UPDATE]
        for row in created:
            row.instance = self._instance(row.values)
        model._base_manager.bulk_create([row.instance for row in created], batch_size=BATCH_SIZE)
        if any(row.instance.pk is None for row in created):
            ids = dict(
                model._base_manager.filter(
                    **{f"{key_attname}__in": [row.key for row in created]}
                ).values_list(key_attname, "pk")
            )
            for row in created:
                row.instance.pk = ids[row.key]
        update_fields = set()
        columns = {column.name: column for i, column in self.present}
        for row in changed:
            row.instance = self._instance(row.values)
            for name in row.changed:
                column = columns[name]
                if column.attname and not isinstance(row.values.get(column.attname), Pending):
                    update_fields.add(column.field.name)
                    if column.translated_field is not None:
                        update_fields.add(column.translated_field.name)
        if changed and any(f.name == "updated" for f in model._meta.concrete_fields):
            now = timezone.now()
            for row in changed:
                row.instance.updated = now
            update_fields.add("updated")
        update_rows(model, [row.instance for row in changed], update_fields)
        self.resolve_pending(created + changed)
        for column in self.present_columns:
            if not column.external:
                continue
            touched = [row for row in created + changed if column.name in row.changed]
            column.replace(
                [(row.instance.pk, row.values[column.name]) for row in touched],
                [row.instance.pk for row in touched if row.action == ImportReport.UPDATE],
            )

    def resolve_pending(self, rows):
        pending = [
            (row, column)
            for row in rows
            for i, column in self.present
            if column.attname and isinstance(row.values.get(column.attname), Pending)
        ]
        if not pending:
            return
        key_attname = self.resource.key_attname()
        keys = {row.values[column.attname].key for row, column in pending}
        ids = dict(
            self.model._base_manager.filter(**{f"{key_attname}__in": keys}).values_list(
                key_attname, "pk"
            )
        )
        fields_ = set()
        for row, column in pending:
            setattr(row.instance, column.attname, ids[row.values[column.attname].key])
            fields_.add(column.field.name)
        update_rows(
            self.model, list({id(row): row.instance for row, column in pending}.values()), fields_
        )

    def locate_database_problems(self, outcomes):
        """The bulk write failed: save row by row (then roll back) to say which rows."""
        report = self.report
        refused = []
        columns = {column.name: column for i, column in self.present}
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            for row in outcomes:
                instance = self._instance(row.values)
                try:
                    with transaction.atomic():
                        if row.action == ImportReport.NEW:
                            instance.save(force_insert=True)
                        else:
                            names = {
                                columns[name].field.name
                                for name in row.changed
                                if columns[name].attname
                            }
                            if names:
                                instance.save(update_fields=sorted(names))
                except (IntegrityError, DataError) as error:
                    refused.append((row, error))
            transaction.set_rollback(True)
        # Out of the override: messages in the language of the person importing.
        for row, error in refused:
            report.add(row.line, "", "", database_message(self.model, error))
            report.invalid_raw[row.line] = row.raw
        if not refused:
            report.add(None, "", "", _("The database refused the import. Nothing was changed."))

    def run(self):
        report = self.report
        if not self.read_header():
            return report
        self.parse_rows()
        if not self.rows:
            return report
        self.load_existing()
        self.merge()
        self.plan()
        self.check_roles()
        if not report.problems:
            self.write()
        return report

    # Roles ---------------------------------------------------------------------

    def check_roles(self):
        """Whoever may not publish (an editor) imports drafts only, as in the admin's forms.

        A new record is a draft unless the file says it is published: that row is refused,
        as is any row that would change a published record or publish a draft. Refused,
        not quietly changed: the person learns which rows need a publisher, and the import
        stays all-or-nothing. The rule is timeline.permissions', shared with the admin.
        """
        user, model = self.user, self.model
        flag = permissions.PUBLISHED_FIELD
        if user is None or not any(f.name == flag for f in model._meta.concrete_fields):
            return
        if permissions.can_publish(user, model):
            return
        flag_index, flag_column = next(
            ((i, c) for i, c in self.present if c.attname == flag), (None, None)
        )
        report = self.report
        allowed = []
        for outcome in report.rows:
            problems_before = len(report.problems)
            if outcome.action == ImportReport.NEW and outcome.values.get(flag):
                if flag_index is not None and flag_column.parse(
                    spreadsheets.restore(outcome.raw[flag_index]), None
                ):
                    report.add(outcome.line, flag, outcome.raw[flag_index], self.publish_message())
                else:
                    outcome.values[flag] = False  # the model's default: a draft all the same
            elif outcome.action == ImportReport.UPDATE:
                if not permissions.may_change(user, self._instance(outcome.old)):
                    report.add(
                        outcome.line,
                        ", ".join(outcome.changed),
                        "",
                        _(
                            "“%(key)s” is published, and only a publisher can change a "
                            "published record. Leave this row out of the file, or ask a "
                            "publisher to import it."
                        )
                        % {"key": outcome.key},
                    )
                elif flag in outcome.changed and outcome.values.get(flag):
                    report.add(outcome.line, flag, outcome.raw[flag_index], self.publish_message())
            if len(report.problems) > problems_before:
                report.invalid_raw[outcome.line] = outcome.raw
            else:
                allowed.append(outcome)
        report.rows = allowed

    @staticmethod
    def publish_message():
        return _(
            "Only a publisher can publish. Leave this cell empty or write false: the record "
            "is then imported as a draft, for a publisher to review."
        )


def update_rows(model, instances, field_names):
    """Save these fields of these instances: one parameterised UPDATE, run for every row.

    Django's bulk_update() builds a CASE expression per field and row and takes seconds
    for thousands of rows; executemany() of a plain UPDATE takes milliseconds.
    """
    if not instances or not field_names:
        return
    fields_ = [model._meta.get_field(name) for name in sorted(field_names)]
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field_.column)} = %s" for field_ in fields_)
    pk = model._meta.pk
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    params = [
        [
            field_.get_db_prep_save(getattr(instance, field_.attname), connection)
            for field_ in fields_
        ]
        + [pk.get_db_prep_save(instance.pk, connection)]
        for instance in instances
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(params, BATCH_SIZE * 4):
            cursor.executemany(sql, chunk)


_CONSTRAINT_MESSAGES = {
    "has_name": lambda: _("Enter the name in Korean or in English."),
    "has_title": lambda: _("Enter the title in Korean or in English."),
    "policy_period_in_order": lambda: _("The period cannot end before it starts."),
    "institution_not_its_own_parent": lambda: _("An institution cannot be its own parent."),
    "year_in_sane_range": lambda: _("The year must be between 1900 and 2100."),
}


def missing_translation_message(field_name):
    """The sentence for a record with its ``field_name`` in neither language."""
    return _CONSTRAINT_MESSAGES[f"has_{field_name}"]()


def database_message(model, error):
    """A plain sentence for a refused write; the database's own text is never shown."""
    text = str(error)
    for constraint in model._meta.constraints:
        if constraint.name in text:
            for suffix, message in _CONSTRAINT_MESSAGES.items():
                if constraint.name.endswith(suffix):
                    return message()
            if constraint.violation_error_message != constraint.default_violation_error_message:
                return str(constraint.violation_error_message)
    if "unique" in text.lower() or "duplicate" in text.lower():
        return _("Another record already uses this slug (or year).")
    if isinstance(error, DataError):
        return _("A value is too long or out of range for the database.")
    return _("The database refused this row.")
