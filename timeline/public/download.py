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
from typing import Any

from django.db.models import QuerySet
from django.utils.text import slugify

from timeline.models import (
    SUBJECT_FIELDS,
    SUBJECT_MODELS,
    Citation,
    Document,
    Image,
    Milestone,
    Theme,
    partial_iso_date,
)
from timeline.transfer import resources

MODEL_KEY = "milestones"
DROPPED = ("is_published",)
EXTRA = ("kind", "subject_name_ko", "subject_name_en", "themes", "url", "images", "documents")
JOIN = "|"


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


@dataclass
class Attached:
    """What a batch of milestones points to, by milestone (or subject) id: read in one query
    per relation for the whole batch, not one per milestone."""

    citations: dict[Any, list[Citation]]
    images: dict[Any, list[Image]]
    documents: dict[Any, list[Document]]
    themes: dict[tuple[str, Any], list[str]]  # (kind, subject id): published theme slugs

    @classmethod
    def of(cls, milestones: list[Milestone]) -> "Attached":
        ids = [milestone.pk for milestone in milestones]
        citations = Citation.objects.select_related("source__outlet").filter(milestone__in=ids)
        return cls(
            citations=grouped(citations, "milestone_id"),
            images=grouped(Image._default_manager.filter(milestone__in=ids), "milestone_id"),
            documents=grouped(Document._default_manager.filter(milestone__in=ids), "milestone_id"),
            themes=subject_themes(milestones),
        )


def grouped(queryset: QuerySet, attname: str) -> dict[Any, list]:
    """The records of ``queryset`` by the value of ``attname``, each list in its order."""
    groups: dict[Any, list] = {}
    for record in queryset:
        groups.setdefault(getattr(record, attname), []).append(record)
    return groups


def subject_themes(milestones: list[Milestone]) -> dict[tuple[str, Any], list[str]]:
    """The published themes' slugs of these milestones' subjects: a query per kind shown."""
    themes: dict[tuple[str, Any], list[str]] = {}
    for kind, model in SUBJECT_MODELS.items():
        ids = {getattr(milestone, f"{kind}_id") for milestone in milestones} - {None}
        if not ids:
            continue
        via = model._meta.get_field("themes").related_query_name()
        pairs = Theme.objects.published().filter(**{f"{via}__in": ids}).values_list(via, "slug")
        for subject_id, slug in pairs:
            themes.setdefault((kind, subject_id), []).append(slug)
    return themes


def extra_values(milestone: Milestone, attached: Attached, page_url: Callable[[str], str]) -> dict:
    subject = milestone.subject
    assert subject is not None  # the database holds each milestone to exactly one subject
    key = milestone.pk
    return {
        "kind": milestone.kind,
        # name_ko and name_en are added by modeltranslation at run time, unseen by the stubs.
        **{f"subject_name_{code}": getattr(subject, f"name_{code}") for code in ("ko", "en")},
        "themes": attached.themes.get((subject.KIND, subject.pk), []),
        "url": page_url(milestone.get_absolute_url()),
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

    Each batch reads its milestones again through ``queryset``, so a milestone withdrawn
    while the file is being sent is left out rather than sent. A fixed number of queries
    per batch. ``page_url`` makes a page's absolute address from its path (the request's).
    """
    resource = resources.resource_for(MODEL_KEY)
    staff_headers, staff_batches = resource.export_batches(queryset, keys=keys)
    kept = [index for index, name in enumerate(staff_headers) if name not in DROPPED]
    headers = [staff_headers[index] for index in kept] + list(EXTRA)
    slug_at, sources_at = staff_headers.index("slug"), staff_headers.index("sources")
    plain = queryset.prefetch_related(None).select_related(*SUBJECT_FIELDS)

    def batches() -> Iterator[list[list]]:
        for rows in staff_batches:
            slugs = [row[slug_at] for row in rows]
            milestones = list(plain.filter(slug__in=slugs))
            attached = Attached.of(milestones)
            extras = {
                milestone.slug: extra_values(milestone, attached, page_url)
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
