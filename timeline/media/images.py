"""The rendition service: an accepted image, stripped of its metadata, and the sizes the
public pages send.

Pillow directly, not a thumbnail app: renditions are made once, when the image is saved,
and their names are kept on the record, so a page lists an image's ``srcset`` from the row
it already has, with no query and no request to the storage (django-imagekit and
easy-thumbnails decide at render time whether a thumbnail exists, which on S3 is a network
round trip per image per page, or a table of their own).
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from PIL import Image, ImageOps

from timeline.media.checks import IMAGE_FORMATS, CheckedImage
from timeline.media.names import image_name, rendition_name

# The widths a page may ask for; an image gets those below its own width, and its own
# width when it is narrower than all of them. 320 is a card's thumbnail on a phone,
# 1280 a milestone page's column on a wide screen at twice the pixel density.
RENDITION_WIDTHS = (320, 640, 960, 1280)

# Modern first (smaller), then the fallback every browser shows. The key is what the
# record keeps; the MIME type goes into <source type="…">.
RENDITION_FORMATS: dict[str, tuple[str, str, dict[str, object]]] = {
    "webp": ("image/webp", "WEBP", {"quality": 80, "method": 4}),
    "jpg": ("image/jpeg", "JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}
MIME_TYPES = {key: mime for key, (mime, _format, _options) in RENDITION_FORMATS.items()}

# Re-encoding the original drops its EXIF (GPS position, camera serial number, time) and any
# text chunks; the colour profile is kept, since it is how the colours are meant.
# What a re-encoded original may keep of what Pillow read: how to draw it, never who or where.
ANIMATION_KEYS = frozenset({"duration", "loop", "transparency", "background", "disposal"})
ORIGINAL_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 92, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 92},
    "GIF": {},
}


@dataclass
class PreparedImage:
    """What to store: the cleaned original, its renditions, and where they will be."""

    name: str
    width: int
    height: int
    # {"webp": {"320": "images/…-320w.webp", …}, "jpg": {…}}: the record keeps this.
    renditions: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


def rendition_widths(width: int) -> list[int]:
    return [w for w in RENDITION_WIDTHS if w < width] + [min(width, RENDITION_WIDTHS[-1])]


def without_metadata(checked: CheckedImage) -> tuple[bytes, int, int]:
    """The original re-encoded with its pixels turned upright and nothing else kept."""
    with Image.open(io.BytesIO(checked.content)) as source:
        icc_profile = source.info.get("icc_profile")
        if checked.format == "GIF" and getattr(source, "is_animated", False):
            # An animation keeps its frames and their timing, and loses its comments.
            output = io.BytesIO()
            source.info = {k: v for k, v in source.info.items() if k in ANIMATION_KEYS}
            source.save(output, format="GIF", save_all=True, comment=b"")
            return output.getvalue(), source.width, source.height
        upright = ImageOps.exif_transpose(source)
        # Pillow writes some of what it read back out (a GIF's comment, a PNG's text); keep
        # only what drawing the pixels needs.
        upright.info = {k: v for k, v in upright.info.items() if k in ANIMATION_KEYS}
        options = dict(ORIGINAL_OPTIONS[checked.format])
        if icc_profile:
            options["icc_profile"] = icc_profile
        output = io.BytesIO()
        upright.save(output, format=checked.format, **options)
        return output.getvalue(), upright.width, upright.height


def resized(content: bytes, widths: list[int]) -> Iterator[tuple[int, Image.Image]]:
    with Image.open(io.BytesIO(content)) as source:
        source.seek(0)  # an animation's first frame
        has_alpha = source.mode in ("RGBA", "LA") or "transparency" in source.info
        image = source.convert("RGBA" if has_alpha else "RGB")
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        yield width, image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encoded(image: Image.Image, pillow_format: str, options: dict[str, object]) -> bytes:
    if pillow_format == "JPEG" and image.mode == "RGBA":
        # JPEG has no transparency: what is see-through shows the page's white.
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    output = io.BytesIO()
    image.save(output, format=pillow_format, **options)
    return output.getvalue()


def prepare_image(checked: CheckedImage) -> PreparedImage:
    """The cleaned original and every rendition, named and encoded, nothing stored yet."""
    content, width, height = without_metadata(checked)
    name = image_name(content, IMAGE_FORMATS[checked.format])
    prepared = PreparedImage(name=name, width=width, height=height, files={name: content})
    for rendition_width, image in resized(content, rendition_widths(width)):
        for key, (_mime, pillow_format, options) in RENDITION_FORMATS.items():
            rendition = rendition_name(name, rendition_width, key)
            prepared.files[rendition] = encoded(image, pillow_format, options)
            prepared.renditions.setdefault(key, {})[str(rendition_width)] = rendition
    return prepared
