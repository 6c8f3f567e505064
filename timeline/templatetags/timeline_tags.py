"""Template helpers for the public pages: languages, dates with their precision, kinds, and
the index's rates and shares."""

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import Model
from django.dispatch import receiver
from django.template import Context
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language_info

from timeline.languages import shown_language
from timeline.media import pictures
from timeline.models import kind_label as _kind_label
from timeline.public import dates, index_charts
from timeline.templatetags.site_tags import canonical_url

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()


@register.filter
def part_of(parts: Mapping[Any, str], record: Model) -> str:
    """The ready HTML of ``record`` among a page's ``parts`` (timeline/public/parts.py)."""
    return parts.get(record.pk, "")


@register.filter
def lang_attr(obj: Model, field: str) -> str:
    """` lang="en"` when the displayed ``field`` fell back to another language, else nothing.

    Screen readers switch voice on it (WCAG 3.1.2): `<h3{{ milestone|lang_attr:"title" }}>`.
    """
    lang = shown_language(obj, field)
    if lang == translation.get_language():
        return ""
    return format_html(' lang="{}"', lang)


year_label = register.filter(dates.year_label)
precise_date = register.filter(dates.precise_date)
iso_date = register.filter(dates.iso_date)
# `{% with picture=image|picture:"card" %}{% include "includes/picture.html" %}{% endwith %}`
picture = register.filter(pictures.picture)
partial_date = register.filter(dates.partial_date)
signed_percent = register.filter(index_charts.signed_percent)
percent = register.filter(index_charts.percent)
iso_partial_date = register.filter(dates.iso_partial_date)


@register.filter
def kind_label(kind: str) -> "StrOrPromise":
    return _kind_label(kind)


@lru_cache(maxsize=4096)
def _translated(path: str, code: str, active: str | None) -> str:
    # Resolving and reversing an address costs about half a millisecond, and a page asks
    # for each language twice (alternates, language switcher); the answer depends only on
    # the URLconf and the active language (which prefix resolves), so it is kept (cleared
    # when tests change the URLconf or the languages).
    return translate_url(path, code)


@receiver(setting_changed)
def _forget_translated(*, setting: str, **kwargs: Any) -> None:
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"}:
        _translated.cache_clear()


def in_language(path: str, code: str) -> str:
    """``path`` (query string kept) in language ``code``; "" if it has no such version.

    Only pages under a language prefix have one (not a 404 for an unknown address).
    """
    url = _translated(path, code, translation.get_language())
    if url == path and code != translation.get_language():
        return ""
    return url


@register.simple_tag(takes_context=True)
def language_links(context: Context) -> list[dict[str, Any]]:
    """The current page in every language, query string kept; the home page if it has none."""
    request = context.get("request")
    current = translation.get_language()
    links = []
    for code, _name in context.get("LANGUAGES") or ():
        url = in_language(request.get_full_path(), code) if request is not None else ""
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


@register.simple_tag(takes_context=True)
def language_alternates(context: Context) -> list[dict[str, str]]:
    """This page's canonical address in every language, for <link rel="alternate" hreflang>
    (search engines want alternates to be canonical: a filtered list points to the list).

    Korean is the x-default: the version for a reader whose language is neither.
    """
    request = context.get("request")
    if request is None:
        return []
    canonical = urlsplit(canonical_url(context))
    path = urlunsplit(("", "", canonical.path, canonical.query, ""))
    alternates = []
    for code, _name in context.get("LANGUAGES") or ():
        url = in_language(path, code)
        if not url:
            return []  # a page that exists in one language only has no alternates
        alternates.append({"hreflang": code, "url": request.build_absolute_uri(url)})
    default = next((alt for alt in alternates if alt["hreflang"] == settings.LANGUAGE_CODE), None)
    if default:
        alternates.append({"hreflang": "x-default", "url": default["url"]})
    return alternates
