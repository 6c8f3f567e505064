"""Images and documents in the admin: inlines on the milestone and subject pages.

An attachment has no page of its own: it is added, changed and removed with its record, so
the role rule follows the record (an editor sees a published record's files view-only, as
the rest of its page). The image row shows a thumbnail of what was saved, from the same
rendition the public card uses.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.forms import Field as FormField
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from timeline.media.pictures import picture
from timeline.models import Document, Image

# Text a reader meets as a sentence or two: a box that shows it whole while it is written.
SHORT_TEXTS = ("alt_text", "title", "caption")


class AttachmentInline(TranslationStackedInline):
    extra = 0
    fk_name = ""  # set per record kind: the attachment's foreign key to the page's record

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        if db_field.name.startswith(SHORT_TEXTS):
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ImageInline(AttachmentInline):
    model = Image
    fields = ("file", "preview", "alt_text", "caption", "credit", "licence", "order")
    readonly_fields = ("preview",)

    @admin.display(description=_("preview"))
    def preview(self, image: Image) -> SafeString | str:
        """The saved image as the public card shows it (nothing before the first save)."""
        if image.pk is None:
            return "—"
        drawn = picture(image, "card")
        # The template escapes every value; the result is markup of our own.
        return mark_safe(render_to_string("includes/picture.html", {"picture": drawn}))


class DocumentInline(AttachmentInline):
    model = Document
    fields = ("file", "title", "caption", "credit", "licence", "order")


def inlines_for(fk_name: str) -> tuple[type[AttachmentInline], ...]:
    """The image and document inlines of the record kind whose foreign key is ``fk_name``."""
    return tuple(
        type(f"{base.model.__name__}{fk_name.title()}Inline", (base,), {"fk_name": fk_name})
        for base in (ImageInline, DocumentInline)
    )
