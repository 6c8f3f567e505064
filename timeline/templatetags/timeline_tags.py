"""Template helpers for the public pages: languages, dates with their precision, kinds."""

from django import template
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language_info, pgettext
from modeltranslation.utils import resolution_order

from timeline.filters import kind_label as _kind_label

register = template.Library()


def shown_language(obj, field):
    """The language of the text ``obj.<field>`` shows: the active one, or its fallback."""
    active = translation.get_language()
    for lang in resolution_order(active):
        if getattr(obj, f"{field}_{lang}", None):
            return lang
    return active


@register.filter
def lang_attr(obj, field):
    """` lang="en"` when the displayed ``field`` fell back to another language, else nothing.

    Screen readers switch voice on it (WCAG 3.1.2): `<h3{{ milestone|lang_attr:"title" }}>`.
    """
    lang = shown_language(obj, field)
    if lang == translation.get_language():
        return ""
    return format_html(' lang="{}"', lang)


@register.filter
def precise_date(milestone):
    """The stated date as precisely as it is known (May 2020, 2012); else the year group."""
    date, precision = milestone.date, milestone.date_precision
    if date and precision == "day":
        return date_format(date, "DATE_FORMAT")
    if date and precision == "month":
        return date_format(date, "YEAR_MONTH_FORMAT")
    year = date.year if date else milestone.year_id
    return pgettext("a date known only to the year", "%(year)s") % {"year": year}


@register.filter
def iso_date(milestone):
    """The same date for <time datetime>: 2020-05-12, 2020-05 or 2020."""
    date, precision = milestone.date, milestone.date_precision
    if date and precision == "day":
        return date.isoformat()
    if date and precision == "month":
        return date.strftime("%Y-%m")
    return str(date.year if date else milestone.year_id)


@register.filter
def kind_label(kind):
    return _kind_label(kind)


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language, query string kept; the home page if it has none."""
    request = context.get("request")
    current = translation.get_language()
    links = []
    for code, _name in context.get("LANGUAGES", ()):
        url = ""
        if request is not None:
            url = translate_url(request.get_full_path(), code)
            if code != current and url == request.get_full_path():
                url = ""  # not a translatable page (a 404): offer that language's home
        if not url:
            with translation.override(code):
                url = reverse("timeline:home")
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links
