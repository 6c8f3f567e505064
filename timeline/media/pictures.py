"""How an image is sent: ``<picture>`` with a modern format, a JPEG fallback, ``srcset`` and
``sizes``, and width and height so the page does not shift while it loads.

Everything comes from the image's row (its renditions' names, made on save): no query, and
no request to the storage, whichever it is.
"""

import mimetypes
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models.fields.files import FieldFile
from django.http import HttpRequest

from timeline.media.images import MIME_TYPES


class StoredFile(Protocol):
    """An image or a document as the models keep it (this floor knows no model)."""

    file: FieldFile


class StoredImage(StoredFile, Protocol):
    width: int
    height: int
    renditions: dict[str, dict[str, str]]
    alt_text: str
    caption: str
    credit: str


# Where an image appears, and how wide it is drawn there (CSS, static/timeline/site.css): a card's
# thumbnail, or the column of a milestone or subject page.
SIZES = {
    "card": "(min-width: 40em) 8rem, 6rem",
    "page": "(min-width: 52em) 48rem, calc(100vw - 2rem)",
}
# The fallback ``src`` for a browser that reads no ``srcset``.
FALLBACK_WIDTH = {"card": 320, "page": 960}
FALLBACK_FORMAT = "jpg"


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    image: StoredImage
    src: str
    srcset: str
    sizes: str
    width: int
    height: int
    sources: tuple[Source, ...]


def srcset(image: StoredImage, key: str) -> str:
    storage = image.file.storage
    sizes = sorted(image.renditions.get(key, {}).items(), key=lambda item: int(item[0]))
    return ", ".join(f"{storage.url(name)} {width}w" for width, name in sizes)


def picture(image: StoredImage, use: str = "page") -> Picture | None:
    """What ``includes/picture.html`` needs to draw ``image`` as ``use`` ("card" or "page")."""
    fallback = image.renditions.get(FALLBACK_FORMAT)
    if not fallback or not image.width:
        return None
    widths = sorted(int(width) for width in fallback)
    wanted = FALLBACK_WIDTH.get(use, FALLBACK_WIDTH["page"])
    width = max([w for w in widths if w <= wanted] or widths[:1])
    return Picture(
        image=image,
        src=image.file.storage.url(fallback[str(width)]),
        srcset=srcset(image, FALLBACK_FORMAT),
        sizes=SIZES.get(use, SIZES["page"]),
        width=width,
        height=max(1, round(image.height * width / image.width)),
        sources=tuple(
            Source(type=MIME_TYPES[key], srcset=srcset(image, key))
            for key in image.renditions
            if key != FALLBACK_FORMAT and key in MIME_TYPES
        ),
    )


def file_url(attachment: StoredFile, request: HttpRequest | None = None) -> str:
    """The stored file's address, absolute when ``request`` is given (feeds, JSON-LD, data)."""
    url = attachment.file.url
    return request.build_absolute_uri(url) if request is not None else url


def mime_type(attachment: StoredFile) -> str:
    return mimetypes.guess_type(attachment.file.name or "")[0] or "application/octet-stream"


def image_object(image: StoredImage, request: HttpRequest) -> dict[str, Any]:
    """schema.org ``ImageObject`` for JSON-LD."""
    data: dict[str, Any] = {
        "@type": "ImageObject",
        "contentUrl": file_url(image, request),
        "width": image.width,
        "height": image.height,
        "caption": image.caption or image.alt_text,
    }
    if image.credit:
        data["creditText"] = image.credit
    return data
