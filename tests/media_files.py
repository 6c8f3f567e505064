"""Files for the media tests, made here: real images, an image with GPS, a decompression
bomb, a PDF, and impostors; and saved images and documents of a record."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from timeline.models import Document
from timeline.models import Image as StoredImage

from .factories import make_milestone

# A minimal valid PDF (one empty page).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def image_bytes(fmt="PNG", size=(1600, 900), color=(200, 40, 40), exif=None):
    output = io.BytesIO()
    image = Image.new("RGB", size, color)
    options = {"exif": exif} if exif is not None else {}
    image.save(output, format=fmt, **options)
    return output.getvalue()


def jpeg_with_gps(size=(800, 600)):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (35.0, 9.0, 0.0)
    gps[3] = "E"
    gps[4] = (126.0, 51.0, 0.0)
    return image_bytes("JPEG", size, exif=exif)


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width, height):
    """A tiny, well-formed PNG whose header declares ``width`` × ``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


ALT = {
    "alt_text_ko": "광주 인권헌장 선포식 사진",
    "alt_text_en": "The proclamation of the Gwangju Human Rights Charter",
}


def make_image(record=None, content=None, name="photo.png", **fields):
    record = record or make_milestone()
    fields = {**ALT, **fields}
    image = StoredImage(
        file=upload(name, content if content is not None else image_bytes(size=(700, 400))),
        **{record._meta.model_name: record},
        **fields,
    )
    image.full_clean()
    image.save()
    return image


def make_document(record=None, content=PDF, name="white-paper.pdf", **fields):
    record = record or make_milestone()
    fields.setdefault("title_ko", "인권백서")
    fields.setdefault("title_en", "White Paper on Human Rights")
    document = Document(file=upload(name, content), **{record._meta.model_name: record}, **fields)
    document.full_clean()
    document.save()
    return document
