"""Which language a translated field shows, so fallback text can be marked with its lang.

A record missing its Korean text shows the English (and the other way round); screen readers
need ``lang`` on that element to switch voice (WCAG 3.1.2).
"""

from django.db import models
from django.utils import translation
from django.utils.html import format_html
from modeltranslation.utils import resolution_order


def shown_language(obj: models.Model, field: str) -> str:
    """The language of the text ``obj.<field>`` shows: the active one, or its fallback."""
    active = translation.get_language()
    for lang in resolution_order(active):
        if getattr(obj, f"{field}_{lang}", None):
            return lang
    return active


def marked_text(obj: models.Model, field: str) -> str:
    """``obj.<field>`` as HTML, wrapped in ``<span lang>`` when it fell back to another language."""
    lang = shown_language(obj, field)
    text = getattr(obj, field)
    if lang == translation.get_language():
        return text
    return format_html('<span lang="{}">{}</span>', lang, text)
