"""Columns that name other records: by slug (or year), as lists of slugs, and sources.

Related records are looked up by slug (or year) with one query per related model
(``columns.Lookups``), never one per row; the values of many-to-many and source columns live in
other tables and are read, compared and replaced in bulk.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.query import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from timeline.models import Citation, Outlet, Source
from timeline.transfer.cells import (
    BATCH_SIZE,
    SOURCE,
    CellError,
    chunks,
    format_sources,
    join_cell,
    same_text,
    shown,
    split_cell,
)
from timeline.transfer.columns import WHOLE_NUMBER, Column, Lookups, url_validator
from timeline.transfer.tables import cell_text

Pairs = tuple[tuple[str, str], ...]  # a milestone's sources: (label, url), in order


@dataclass(frozen=True)
class Pending:
    """A parent that is a new record in the same file: its id is known only after saving."""

    key: str


class RelatedColumn(Column):
    """A foreign key written as the related record's slug (or, for years, the year)."""

    def __init__(self, name: str, model_field: Any, key: str) -> None:
        super().__init__(name, model_field)
        self.related = model_field.related_model
        self.key = key
        self.target = model_field.target_field.attname
        self.export_path = self.attname if key == self.target else f"{model_field.name}__{key}"
        # Columns of the same group, for "this slug is a policy" hints.
        self.siblings: tuple[RelatedColumn, ...] = ()

    def key_text(self, raw: Any) -> str:
        text = cell_text(raw).strip()
        if self.key == "year" and WHOLE_NUMBER.match(text):
            text = str(int(float(text)))
        return text

    def parse(self, raw: Any, lookups: Lookups | None) -> Any:
        key = self.key_text(raw)
        if not key:
            return None
        assert lookups is not None
        mapping = lookups.mapping(self)
        if key in mapping:
            return mapping[key]
        if self.related is lookups.model and key in lookups.file_keys:
            return Pending(key)
        raise CellError(self.unknown_message(key, lookups))

    def unknown_message(self, key: str, lookups: Lookups) -> str:
        if self.key == "year":
            return _(
                "There is no year %(year)s. Add the year first (on the Years page, or import years)."
            ) % {"year": key}
        if self.key == "url":
            return _(
                "No %(model)s has the URL “%(url)s”. Add it first (import the sources file, "
                "or add it in the admin)."
            ) % {"model": self.related._meta.verbose_name, "url": key}
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

    def display(self, value: Any, lookups: Lookups | None) -> str:
        if value is None:
            return ""
        if isinstance(value, Pending):
            return value.key
        assert lookups is not None
        return cell_text(lookups.reverse(self).get(value, value))


class ManyColumn(Column):
    """A many-to-many relation written as slugs separated by ``|``."""

    external = True

    def __init__(self, name: str, model_field: Any, key: str) -> None:
        super().__init__(name, model_field)
        self.related = model_field.related_model
        self.key = key
        self.target = "pk"
        self.attname = None  # not a column of the model's own table
        self.export_path = None
        self.through = model_field.remote_field.through
        self.source_attname = f"{model_field.m2m_field_name()}_id"
        self.target_attname = f"{model_field.m2m_reverse_field_name()}_id"

    @property
    def required(self) -> bool:
        return False

    def parse(self, raw: Any, lookups: Lookups | None) -> frozenset:
        assert lookups is not None
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

    def display(self, value: Any, lookups: Lookups | None) -> str:
        assert lookups is not None
        reverse = lookups.reverse(self)
        return join_cell(sorted(reverse.get(pk, str(pk)) for pk in value or ()))

    def existing(self, pks: Sequence[Any]) -> dict[Any, frozenset]:
        """{owner pk: frozenset of related pks} for these owners (a query per chunk)."""
        found: dict[Any, set] = {pk: set() for pk in pks}
        for chunk in chunks(list(pks)):
            rows = self.through.objects.filter(**{f"{self.source_attname}__in": chunk})
            for owner, related in rows.values_list(self.source_attname, self.target_attname):
                found[owner].add(related)
        return {pk: frozenset(values) for pk, values in found.items()}

    def export_map(self, owners: Iterable[Any] | QuerySet) -> dict[Any, str]:
        rows = self.through.objects.filter(**{f"{self.source_attname}__in": owners})
        pairs = rows.values_list(self.source_attname, f"{self.target_attname[:-3]}__{self.key}")
        grouped: dict[Any, list[str]] = {}
        for owner, key in pairs:
            grouped.setdefault(owner, []).append(key)
        return {owner: join_cell(sorted(keys)) for owner, keys in grouped.items()}

    def replace(
        self, owner_values: Sequence[tuple[Any, frozenset]], delete_owners: Sequence[Any]
    ) -> None:
        for chunk in chunks(list(delete_owners)):
            self.through.objects.filter(**{f"{self.source_attname}__in": chunk}).delete()
        links = [
            self.through(**{self.source_attname: owner, self.target_attname: related})
            for owner, values in owner_values
            for related in sorted(values)
        ]
        self.through.objects.bulk_create(links, batch_size=BATCH_SIZE)


class SourcesColumn(Column):
    """A record's citations: ``title <url>`` entries of the cited sources, separated by
    ``|``. On import an entry cites the source with that URL (or, without a URL, that title);
    a source not known yet is added under the unknown outlet, for staff to complete.

    ``owner`` is the citation's link to the record: ``milestone``, or one of the index's
    figures (``evaluation``, ``observation``, ``indicator_set``). A replaced citation loses
    what it supports; an unchanged cell leaves the citations alone."""

    external = True

    def __init__(self, name: str, owner: str = "milestone") -> None:
        self.name = name
        self.owner = f"{owner}_id"
        self.field = None
        self.attname = None
        self.export_path = None
        self.translated_field = None
        label_length = Source._meta.get_field("title").max_length
        url_length = Source._meta.get_field("url").max_length
        assert label_length is not None and url_length is not None  # both are bounded CharFields
        self.label_length, self.url_length = label_length, url_length

    @property
    def required(self) -> bool:
        return False

    def parse(self, raw: Any, lookups: Lookups | None) -> Pairs:
        pairs = []
        for entry in split_cell(cell_text(raw)):
            match = SOURCE.match(entry)
            label, url = (match["label"].strip(), match["url"]) if match else (entry, "")
            label = label or url
            if len(label) > self.label_length:
                raise CellError(
                    _("A source label is too long: at most %(max)d characters (“%(label)s”).")
                    % {"max": self.label_length, "label": shown(label)}
                )
            if url:
                try:
                    url_validator(url)
                except ValidationError:
                    raise CellError(
                        _(
                            "“%(url)s” is not a web address: write it in full, starting with https://"
                        )
                        % {"url": shown(url)}
                    ) from None
                if len(url) > self.url_length:
                    raise CellError(
                        _("A source address is too long: at most %(max)d characters.")
                        % {"max": self.url_length}
                    )
            if label:
                pairs.append((label, url))
        return tuple(pairs)

    def same(self, old: Any, new: Any, legacy: str = "") -> bool:
        old, new = old or (), new or ()
        return len(old) == len(new) and all(
            same_text(old_label, new_label, legacy) and old_url == new_url
            for (old_label, old_url), (new_label, new_url) in zip(old, new, strict=True)
        )

    def display(self, value: Any, lookups: Lookups | None) -> str:
        return format_sources(value or ())

    def _query(self, owners: Iterable[Any] | QuerySet) -> QuerySet:
        return (
            Citation.objects.filter(**{f"{self.owner}__in": owners})
            .order_by(self.owner, "order", "id")
            .values_list(self.owner, "source__title", "source__url")
        )

    def existing(self, pks: Sequence[Any]) -> dict[Any, Pairs]:
        found: dict[Any, list[tuple[str, str]]] = {pk: [] for pk in pks}
        for chunk in chunks(list(pks)):
            for owner, label, url in self._query(chunk):
                found[owner].append((label, url or ""))
        return {pk: tuple(pairs) for pk, pairs in found.items()}

    def export_map(self, owners: Iterable[Any] | QuerySet) -> dict[Any, str]:
        grouped: dict[Any, list[tuple[str, str]]] = {}
        for owner, label, url in self._query(owners):
            grouped.setdefault(owner, []).append((label, url or ""))
        return {owner: format_sources(pairs) for owner, pairs in grouped.items()}

    def replace(
        self, owner_values: Sequence[tuple[Any, Pairs]], delete_owners: Sequence[Any]
    ) -> None:
        for chunk in chunks(list(delete_owners)):
            Citation.objects.filter(**{f"{self.owner}__in": chunk}).delete()
        source_ids = self._source_ids({pair for _owner, pairs in owner_values for pair in pairs})
        citations: list[Citation] = []
        for owner, pairs in owner_values:
            cited = list(dict.fromkeys(source_ids[pair] for pair in pairs))  # once each
            citations.extend(
                Citation(**{self.owner: owner}, source_id=source_id, order=order)
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
        found: dict[tuple[str, str], int] = {}
        for chunk in chunks(urls):
            for pk, url in Source.objects.filter(url__in=chunk).values_list("pk", "url"):
                found[key("", url)] = pk
        for chunk in chunks(titles):
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
