"""Template helpers for the page head and footer: canonical address, sharing, structured
data, the open-data licence, and the filter panel."""

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template import Context
from django.template.base import NodeList, Parser, Token
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from timeline.public import opendata

if TYPE_CHECKING:
    from timeline.public.filters import PublicFilterSet

register = template.Library()
# JSON in a <script> block must not contain "</script>" or "<!--": escape the characters
# that could start either (as django.utils.html.json_script does).
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: dict[str, Any]) -> SafeString:
    """``data`` as a schema.org JSON-LD block: data, not code, so a strict CSP allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),
    )


@register.simple_tag(takes_context=True)
def canonical_url(context: Context) -> str:
    """The page's one address for search engines, absolute, in the page's language.

    Filtered lists are canonicalised to the unfiltered list: any combination of filters is
    a view of records that have their own pages, and indexing every combination would
    flood search results. Pages of an unfiltered list keep their page number.
    """
    request = context.get("request")
    if request is None:
        return ""
    url = request.build_absolute_uri(request.path)
    filterset = context.get("filter")
    page = context.get("page_obj")
    if filterset is not None and filterset.is_filtered:
        return url
    if page is not None and page.number > 1:
        return f"{url}?{urlencode({'page': page.number})}"
    return url


@register.simple_tag(takes_context=True)
def absolute_static(context: Context, path: str) -> str:
    request = context.get("request")
    url = static(path)
    return request.build_absolute_uri(url) if request is not None else url


OPENGRAPH_LOCALES = {"ko": "ko_KR", "en": "en_US"}


@register.simple_tag
def og_locale(code: str | None = None) -> str:
    return OPENGRAPH_LOCALES.get((code or translation.get_language())[:2], "ko_KR")


class CaptureNode(template.Node):
    def __init__(self, nodelist: NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: Context) -> str:
        # Used at the top level of base.html, so the rest of the page sees the value.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser: Parser, token: Token) -> CaptureNode:
    """``{% capture as name %}...{% endcapture %}``: render once, use in several places.

    base.html captures the page-title block so that <title>, og:title and twitter:title all
    show it (a block can only appear once in a template). Blocks inside still inherit.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


# --- Filters panel ------------------------------------------------------------------------


@register.filter
def active_filter_count(filterset: "PublicFilterSet | None") -> int:
    """How many filter fields the visitor has set (a field with two ticked boxes counts once)."""
    return 0 if filterset is None else len(filterset.filled)


@register.simple_tag
def kogl_attribution() -> str:
    return opendata.kogl_attribution()


@register.simple_tag
def kogl_name() -> str:
    return opendata.kogl_name()


@register.simple_tag
def kogl_url() -> str:
    return opendata.KOGL_URL
