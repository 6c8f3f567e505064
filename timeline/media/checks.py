"""Is an upload what it claims to be, and small enough? Judged by content, never by name.

Each check raises ``ValidationError`` with a sentence that says what to do, so a bad file
is a message beside its field (in the admin, or from ``full_clean``), never an error page.
The limits are settings (``TIMELINE_IMAGE_MAX_BYTES``, ``TIMELINE_IMAGE_MAX_PIXELS``,
``TIMELINE_DOCUMENT_MAX_BYTES``) so a deployment can raise them.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# Pillow's format names of the images we accept, with the extension the stored file gets.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
PDF_MAGIC = b"%PDF-"

DEFAULT_IMAGE_MAX_BYTES = 15 * 1024 * 1024
# 50 megapixels: a full-frame camera's photograph, and about 200 MB once decoded (RGBA).
DEFAULT_IMAGE_MAX_PIXELS = 50_000_000
DEFAULT_DOCUMENT_MAX_BYTES = 50 * 1024 * 1024


def image_max_bytes() -> int:
    return int(getattr(settings, "TIMELINE_IMAGE_MAX_BYTES", DEFAULT_IMAGE_MAX_BYTES))


def image_max_pixels() -> int:
    return int(getattr(settings, "TIMELINE_IMAGE_MAX_PIXELS", DEFAULT_IMAGE_MAX_PIXELS))


def document_max_bytes() -> int:
    return int(getattr(settings, "TIMELINE_DOCUMENT_MAX_BYTES", DEFAULT_DOCUMENT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    format: str  # Pillow's name: JPEG, PNG, WEBP or GIF
    width: int
    height: int


def read_limited(upload: File, limit: int, too_big: str) -> bytes:
    """The upload's bytes, refused before reading when it says it is over ``limit``, and
    after reading at most ``limit`` + 1 bytes when it lied."""
    message = _("%(what)s is %(size)s; the largest accepted is %(limit)s.")
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            message,
            code="too_big",
            params={
                "what": too_big,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            message,
            code="too_big",
            params={
                "what": too_big,
                "size": filesizeformat(len(content)),
                "limit": filesizeformat(limit),
            },
        )
    return content


def check_image(upload: File) -> CheckedImage:
    """The upload as an image we accept, or ``ValidationError`` saying why not."""
    content = read_limited(upload, image_max_bytes(), str(_("This image")))
    not_an_image = ValidationError(
        _(
            "This file is not a JPEG, PNG, WebP or GIF image (whatever its name says). "
            "Save it in one of those formats and upload it again."
        ),
        code="not_an_image",
    )
    too_many_pixels = _(
        "This image is %(width)s × %(height)s pixels; the largest accepted is %(limit)s "
        "megapixels. Make it smaller and upload it again."
    )
    limit = image_max_pixels()
    try:
        with warnings.catch_warnings():
            # Pillow warns between its own limit and twice it; ours is lower and exact.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                # Opening reads only the header: the size is known before any pixel is
                # decoded, so a small file that declares a huge picture costs nothing.
                width, height = image.size
                if width * height > limit:
                    raise ValidationError(
                        too_many_pixels,
                        code="too_many_pixels",
                        params={"width": width, "height": height, "limit": limit // 1_000_000},
                    )
                if image.format not in IMAGE_FORMATS:
                    raise not_an_image
                image_format = image.format
                image.verify()
    except Image.DecompressionBombError:
        # Pillow's own guard fires on a header over twice its limit, before ours can look.
        raise ValidationError(
            _(
                "This image declares more pixels than any photograph has (a decompression "
                "bomb?). Upload the original photograph or scan."
            ),
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_an_image from None
    return CheckedImage(content=content, format=image_format, width=width, height=height)


def check_pdf(upload: File) -> bytes:
    """The upload's bytes if it is a PDF (by its first bytes) within the size limit."""
    content = read_limited(upload, document_max_bytes(), str(_("This document")))
    # The header may follow a little junk (some scanners write it); readers accept 1 KB.
    if PDF_MAGIC not in content[:1024]:
        raise ValidationError(
            _(
                "This file is not a PDF (whatever its name says). Save or print the document "
                "as PDF and upload it again."
            ),
            code="not_a_pdf",
        )
    return content
