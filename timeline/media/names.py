"""Stored names made from the content, so a file's address never changes meaning.

A name that is the SHA-256 of the bytes can be cached for ever by browsers and a CDN
(``Cache-Control: immutable``): new content is a new name. Two servers writing the same file
write the same name with the same bytes, so overwriting is harmless and no server has to
ask the storage whether a name is taken first (a round trip per file on S3).
"""

import hashlib

from django.utils.text import slugify

DIGEST_LENGTH = 32  # 128 bits of SHA-256: no collision in any collection of this size


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]


def image_name(content: bytes, extension: str, suffix: str = "") -> str:
    """``images/ab/abcdef…[-640w].webp``: two-letter folders keep directory listings short."""
    key = digest(content)
    return f"images/{key[:2]}/{key}{suffix}.{extension}"


def rendition_name(original: str, width: int, extension: str) -> str:
    """A rendition beside its original, named by the original's hash, its width and format."""
    stem = original.rsplit(".", 1)[0]
    return f"{stem}-{width}w.{extension}"


def document_name(content: bytes, upload_name: str) -> str:
    """``documents/<hash>/<readable-name>.pdf``: the hash keeps it unique and cacheable, the
    readable part is what a reader's browser saves the download as."""
    stem = (upload_name or "document").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    readable = slugify(stem, allow_unicode=True)[:80] or "document"
    return f"documents/{digest(content)}/{readable}.pdf"
