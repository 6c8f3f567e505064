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
equal). A fixed number of queries whatever the number of rows.
"""

from collections.abc import Callable

from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify

from timeline.models import SUBJECT_FIELDS, Citation, Document, Image, Milestone, partial_iso_date
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


def extra_values(milestone: Milestone, page_url: Callable[[str], str]) -> dict:
    subject = milestone.subject
    assert subject is not None  # the database holds each milestone to exactly one subject
    return {
        "kind": milestone.kind,
        # name_ko and name_en are added by modeltranslation at run time, unseen by the stubs.
        **{f"subject_name_{code}": getattr(subject, f"name_{code}") for code in ("ko", "en")},
        "themes": [theme.slug for theme in subject.themes.all()],
        "url": page_url(milestone.get_absolute_url()),
        "sources": [source_object(citation) for citation in milestone.citations.all()],
        "images": [image_object(image, page_url) for image in milestone.images.all()],
        "documents": [
            document_object(document, page_url) for document in milestone.documents.all()
        ],
    }


def milestone_table(
    queryset: QuerySet, file_type: str, page_url: Callable[[str], str]
) -> tuple[list[str], list[list]]:
    """(headers, rows) of the public download of ``queryset`` (the timeline's published,
    filtered milestones, with subjects joined and their published themes prefetched).

    ``page_url`` makes a page's absolute address from its path (the request's).
    """
    headers, rows = resources.export_rows(MODEL_KEY, queryset)
    citations = Citation.objects.select_related("source__outlet")
    milestones = queryset.select_related(*SUBJECT_FIELDS).prefetch_related(
        Prefetch("citations", queryset=citations), "images", "documents"
    )
    extras = {milestone.slug: extra_values(milestone, page_url) for milestone in milestones}
    kept = [index for index, name in enumerate(headers) if name not in DROPPED]
    slug_at, sources_at = headers.index("slug"), headers.index("sources")
    table = []
    for row in rows:
        extra = extras[row[slug_at]]
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
        table.append([row[index] for index in kept] + [extra[name] for name in EXTRA])
    return [headers[index] for index in kept] + list(EXTRA), table


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
