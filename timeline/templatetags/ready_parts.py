"""``{% ready "name" value... %}…{% endready %}``: a block of a page kept as a ready part.

The block is rendered once per content version, language and ``value``s, then joined into
every page that shows it (timeline/caching/parts.py): the home page's figures and chart, a
filter form for one query string, the source list. Like Django's ``{% cache %}``, but never
older than the record — any change to it retires every part — and skipped for staff, who
see the record as it is now. A page the page cache does not store (a search, invalid
values) reads the blocks kept already but keeps none of its own (timeline/caching/keeping.py).

What the block shows must depend on nothing but the record, the language and the values
named in the tag. The context a block reads is only evaluated when the block is rendered,
so a view passes what only the block needs lazily (a callable, or a lazy object).
"""

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from timeline.caching.parts import ready_parts

register = template.Library()


class ReadyNode(template.Node):
    def __init__(self, nodelist: NodeList, name: str, vary: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> SafeString:
        vary = tuple(str(expression.resolve(context)) for expression in self.vary)

        def render(_ids: list[int]) -> dict[int, str]:
            return {0: self.nodelist.render(context)}

        # A block may be named by what was asked (the filter form, the timeline's list).
        html = ready_parts(f"block:{self.name}", [0], render, get_language(), *vary, asked=True)
        # Rendered from the template just above; a cache may hand back a plain str.
        return mark_safe(html[0])


@register.tag("ready")
def do_ready(parser: Parser, token: Token) -> ReadyNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a quoted name, then the values the block depends on"
        )
    nodelist = parser.parse(("endready",))
    parser.delete_first_token()
    return ReadyNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])
