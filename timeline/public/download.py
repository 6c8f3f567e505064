"""The public milestone download's table: the staff columns, then read-only ones.

The staff export (``exportcsv milestones``) gives the columns a file can be imported with;
a researcher also needs what those columns only point to. So the public file has the staff
columns without ``is_published`` (always true there), then:

* ``kind``: initiative, policy or institution;
* ``subject_name_ko`` / ``subject_name_en``: the subject's name;
* ``themes``: the subject's published theme slugs (``|``-separated in the CSV, a list in
  JSON);
* ``url``: the milestone's page, in the language of the address the file came from;
* ``images`` and ``documents``: the files' addresses (``|``-separated in the CSV; in JSON,
  objects with the texts, credit and licence each needs to be reused);

and ``sources`` stays where the staff file has it: in the CSV the staff cell (``title <url>``
entries separated by ``|``), in JSON a list of objects with ``outlet``, ``title``,
``title_is_label``, ``date``, ``date_precision`` and ``url``.

``opendata.MILESTONE_COLUMNS`` documents every column in this order (a test keeps them
equal). It is made a batch of milestones at a time, in a fixed number of queries per
batch (``milestone_batches``).
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import quote

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import slugify

from timeline.models import (
    SUBJECT_FIELDS,
    SUBJECT_MODELS,
    Citation,
    Document,
    Image,
    Theme,
    partial_iso_date,
)
from timeline.transfer import exporting, resources

MODEL_KEY = "milestones"
DROPPED = ("is_published",)
EXTRA = ("kind", "subject_name_ko", "subject_name_en", "themes", "url", "images", "documents")
JOIN = "|"
# What ``reverse`` leaves unquoted in a path (django.urls.resolvers).
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


def source_object(citation: Citation) -> dict:
    """A cited source as the JSON download gives it."""
    source = citation.source
    return {
        "outlet": source.outlet.name,
        "title": source.title,
        "title_is_label": source.title_is_label,
        "date": partial_iso_date(source.published, source.date_precision)
        if source.published
        else None,
        "date_precision": source.date_precision or None,
        "url": source.url or None,
    }


def image_object(image: Image, page_url: Callable[[str], str]) -> dict:
    """An image as the JSON download gives it: where it is, and what reusing it needs."""
    return {
        "url": page_url(image.file.url),
        "width": image.width,
        "height": image.height,
        # modeltranslation's columns, unseen by the stubs.
        **{f"alt_text_{code}": getattr(image, f"alt_text_{code}") for code in ("ko", "en")},
        **{f"caption_{code}": getattr(image, f"caption_{code}") for code in ("ko", "en")},
        "credit": image.credit,
        "licence": image.licence,
    }


def document_object(document: Document, page_url: Callable[[str], str]) -> dict:
    return {
        "url": page_url(document.file.url),
        "format": "PDF",
        "bytes": document.size,
        **{f"title_{code}": getattr(document, f"title_{code}") for code in ("ko", "en")},
        "credit": document.credit,
        "licence": document.licence,
    }


class Listed(NamedTuple):
    """What a milestone's read-only columns need of its own row and its subject's: read as
    plain values, since making 100,000 model instances took a quarter of a large file's time."""

    pk: Any
    slug: str
    year: int
    kind: str
    subject_id: Any
    subject_name_ko: str | None
    subject_name_en: str | None


# The columns ``Listed`` is read from, after pk, slug and year: each kind's id, then each
# kind's name in Korean and English.
SUBJECT_IDS = tuple(f"{kind}_id" for kind in SUBJECT_FIELDS)
SUBJECT_NAMES = tuple(f"{kind}__name_{code}" for kind in SUBJECT_FIELDS for code in ("ko", "en"))


def listed(queryset: QuerySet, slugs: list[str]) -> list[Listed]:
    """The milestones of ``queryset`` with these slugs, as ``Listed`` rows (one query)."""
    rows = exporting.untranslated(queryset.filter(slug__in=slugs)).values_list(
        "pk", "slug", "year_id", *SUBJECT_IDS, *SUBJECT_NAMES
    )
    found = []
    for pk, slug, year, *rest in rows:
        ids, names = rest[: len(SUBJECT_IDS)], rest[len(SUBJECT_IDS) :]
        # The database holds each milestone to exactly one subject.
        at = next(index for index, ident in enumerate(ids) if ident is not None)
        kind = SUBJECT_FIELDS[at]
        found.append(Listed(pk, slug, year, kind, ids[at], names[2 * at], names[2 * at + 1]))
    return found


def milestone_paths() -> Callable[[int, str], str]:
    """A milestone page's path from its year and slug, as ``get_absolute_url`` gives it in
    the active language: one ``reverse`` for a whole file rather than one a row (a fifth of a
    large file's time). Only the year and the slug differ, the slug quoted as reverse does."""
    marker = reverse("timeline:milestone-detail", kwargs={"year": 1000, "slug": "slug"})
    head, tail = marker.rsplit("/1000/slug/", 1)
    return lambda year, slug: f"{head}/{year}/{quote(slug, safe=URL_SAFE)}/{tail}"


@dataclass
class Attached:
    """What a batch of milestones points to, by milestone (or subject) id: read in one query
    per relation for the whole batch, not one per milestone."""

    citations: dict[Any, list[Citation]]
    images: dict[Any, list[Image]]
    documents: dict[Any, list[Document]]
    themes: dict[tuple[str, Any], list[str]]  # (kind, subject id): published theme slugs

    @classmethod
    def of(cls, milestones: list[Listed]) -> "Attached":
        ids = [milestone.pk for milestone in milestones]
        citations = Citation.objects.select_related("source__outlet").filter(milestone__pk__in=ids)
        return cls(
            citations=grouped(citations, "milestone_id"),
            images=grouped(Image._default_manager.filter(milestone__pk__in=ids), "milestone_id"),
            documents=grouped(
                Document._default_manager.filter(milestone__pk__in=ids), "milestone_id"
            ),
            themes=subject_themes(milestones),
        )


def grouped(queryset: QuerySet, attname: str) -> dict[Any, list]:
    """The records of ``queryset`` by the value of ``attname``, each list in its order."""
    groups: dict[Any, list] = {}
    for record in queryset:
        groups.setdefault(getattr(record, attname), []).append(record)
    return groups


def subject_themes(milestones: list[Listed]) -> dict[tuple[str, Any], list[str]]:
    """The published themes' slugs of these milestones' subjects: a query per kind shown."""
    themes: dict[tuple[str, Any], list[str]] = {}
    for kind, model in SUBJECT_MODELS.items():
        ids = {milestone.subject_id for milestone in milestones if milestone.kind == kind}
        if not ids:
            continue
        via = model._meta.get_field("themes").related_query_name()
        pairs = Theme.objects.published().filter(**{f"{via}__pk__in": ids}).values_list(via, "slug")
        for subject_id, slug in pairs:
            themes.setdefault((kind, subject_id), []).append(slug)
    return themes


def extra_values(
    milestone: Listed,
    attached: Attached,
    page_url: Callable[[str], str],
    path: Callable[[int, str], str],
) -> dict:
    key = milestone.pk
    return {
        "kind": milestone.kind,
        "subject_name_ko": milestone.subject_name_ko,
        "subject_name_en": milestone.subject_name_en,
        "themes": attached.themes.get((milestone.kind, milestone.subject_id), []),
        "url": page_url(path(milestone.year, milestone.slug)),
        "sources": [source_object(citation) for citation in attached.citations.get(key, ())],
        "images": [image_object(image, page_url) for image in attached.images.get(key, ())],
        "documents": [
            document_object(document, page_url) for document in attached.documents.get(key, ())
        ],
    }


def milestone_table(
    queryset: QuerySet, file_type: str, page_url: Callable[[str], str]
) -> tuple[list[str], list[list]]:
    """(headers, rows) of the public download of ``queryset``, every row at once."""
    headers, batches = milestone_batches(queryset, file_type, page_url)
    return headers, [row for rows in batches for row in rows]


def milestone_batches(
    queryset: QuerySet,
    file_type: str,
    page_url: Callable[[str], str],
    keys: Sequence[Any] | None = None,
) -> tuple[list[str], Iterator[list[list]]]:
    """(headers, rows a batch at a time) of the public download of ``queryset`` (the
    timeline's published, filtered milestones; ``keys``: their primary keys in its order,
    if already read).

    Each batch reads its milestones' own columns again through ``queryset``, so a milestone
    withdrawn while the file is being sent is left out rather than sent; the read-only
    columns of the rows that came back are then read by their slugs alone, without the
    public filter's joins a second time (on PostgreSQL, half a large file's database time).
    A fixed number of queries per batch. ``page_url`` makes a page's absolute address from
    its path (the request's).
    """
    resource = resources.resource_for(MODEL_KEY)
    staff_headers, staff_batches = resource.export_batches(queryset, keys=keys)
    kept = [index for index, name in enumerate(staff_headers) if name not in DROPPED]
    headers = [staff_headers[index] for index in kept] + list(EXTRA)
    slug_at, sources_at = staff_headers.index("slug"), staff_headers.index("sources")
    plain = queryset.model._base_manager.order_by()

    def batches() -> Iterator[list[list]]:
        path = milestone_paths()  # in the language the file is made in
        for rows in staff_batches:
            milestones = listed(plain, [row[slug_at] for row in rows])
            attached = Attached.of(milestones)
            extras = {
                milestone.slug: extra_values(milestone, attached, page_url, path)
                for milestone in milestones
            }
            yield [
                public_row(row, extras[row[slug_at]], kept, sources_at, file_type)
                for row in rows
                if row[slug_at] in extras
            ]

    return headers, batches()


def public_row(row: list, extra: dict, kept: list[int], sources_at: int, file_type: str) -> list:
    """A staff row made public: ``is_published`` dropped, the read-only columns added."""
    if file_type == "json":
        row = [*row]
        row[sources_at] = extra["sources"]
    else:
        extra = {
            **extra,
            "themes": JOIN.join(extra["themes"]),
            **{
                files: JOIN.join(item["url"] for item in extra[files])
                for files in ("images", "documents")
            },
        }
    return [row[index] for index in kept] + [extra[name] for name in EXTRA]


def download_filename(cleaned: dict, file_type: str) -> str:
    """``gwangju-milestones[-filters].<type>``: the filters in the name, so two downloads of
    different questions do not look alike (``gwangju-milestones-2012-policy.csv``)."""
    parts = ["gwangju", "milestones"]
    if cleaned.get("year"):
        parts.append(str(cleaned["year"]))
    low, high = cleaned.get("year_min"), cleaned.get("year_max")
    if low and high:
        parts.append(f"{low}-{high}")
    elif low or high:
        parts.append(f"from-{low}" if low else f"to-{high}")
    parts.extend(sorted(cleaned.get("kind") or ()))
    parts.extend(sorted(cleaned.get("theme") or ()))
    if cleaned.get("q"):
        parts.append(slugify(f"search-{cleaned['q']}", allow_unicode=True)[:40].strip("-"))
    return f"{'-'.join(part for part in parts if part)}.{file_type}"
