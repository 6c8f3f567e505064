"""Django's templates against Jinja2 on the same markup (issue 15: "measure whether Jinja2
for the hot templates adds enough to be worth it, and decide").

With pages joined from ready parts, what a warm page still renders per request is the
chrome of base.html: the head (title, description, canonical, alternates, sharing tags),
the language switcher, the main landmarks. This renders one equivalent of it in each
engine (variables, loops over languages and navigation, conditionals, translations, the
same escaping; the outputs are compared) and prints the time of each, best of 3 runs of
2,000 renders. Usage: ``python bench/templates.py`` (``make bench-templates``).
"""

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import setup_django

setup_django()
import jinja2  # noqa: E402
from django.template import engines  # noqa: E402
from django.utils import translation  # noqa: E402

translation.activate("ko")
DTL = """{% load i18n %}<!doctype html><html lang="{{ lang }}"><head><title>{% if title %}{{ title }} · {% endif %}{% translate "Human Rights City Gwangju" %}</title>
<meta name="description" content="{{ description }}"><link rel="canonical" href="{{ canonical }}">
{% for alt in alternates %}<link rel="alternate" hreflang="{{ alt.code }}" href="{{ alt.url }}">{% endfor %}
<meta property="og:title" content="{{ title|default:site }}"><meta property="og:description" content="{{ description }}"><meta property="og:url" content="{{ canonical }}">
</head><body class="{{ body_class }}"><a class="skip-link" href="#content">{% translate "Skip to content" %}</a>
<nav><ul>{% for item in nav %}<li><a href="{{ item.url }}"{% if item.section == section %} aria-current="page"{% endif %}>{% translate item.label %}</a></li>{% endfor %}</ul></nav>
<nav><ul>{% for l in languages %}<li>{% if l.current %}<span lang="{{ l.code }}">{{ l.name }}</span>{% else %}<a href="{{ l.url }}" lang="{{ l.code }}">{{ l.name }}</a>{% endif %}</li>{% endfor %}</ul></nav>
<main>{{ content }}</main><footer>{% for item in footer %}<a href="{{ item.url }}">{% translate item.label %}</a>{% endfor %}<p>{% translate "Published records only. Where public sources disagree on a date or a figure, the milestone says so." %}</p></footer></body></html>"""
J2 = """<!doctype html><html lang="{{ lang }}"><head><title>{% if title %}{{ title }} · {% endif %}{{ _("Human Rights City Gwangju") }}</title>
<meta name="description" content="{{ description }}"><link rel="canonical" href="{{ canonical }}">
{% for alt in alternates %}<link rel="alternate" hreflang="{{ alt.code }}" href="{{ alt.url }}">{% endfor %}
<meta property="og:title" content="{{ title or site }}"><meta property="og:description" content="{{ description }}"><meta property="og:url" content="{{ canonical }}">
</head><body class="{{ body_class }}"><a class="skip-link" href="#content">{{ _("Skip to content") }}</a>
<nav><ul>{% for item in nav %}<li><a href="{{ item.url }}"{% if item.section == section %} aria-current="page"{% endif %}>{{ _(item.label) }}</a></li>{% endfor %}</ul></nav>
<nav><ul>{% for l in languages %}<li>{% if l.current %}<span lang="{{ l.code }}">{{ l.name }}</span>{% else %}<a href="{{ l.url }}" lang="{{ l.code }}">{{ l.name }}</a>{% endif %}</li>{% endfor %}</ul></nav>
<main>{{ content }}</main><footer>{% for item in footer %}<a href="{{ item.url }}">{{ _(item.label) }}</a>{% endfor %}<p>{{ _("Published records only. Where public sources disagree on a date or a figure, the milestone says so.") }}</p></footer></body></html>"""
ctx = {
    "lang": "ko",
    "title": "연혁",
    "site": "인권도시 광주",
    "description": "설명 " * 20,
    "canonical": "https://example.org/ko/timeline/",
    "alternates": [
        {"code": c, "url": f"https://example.org/{c}/timeline/"} for c in ("ko", "en", "x-default")
    ],
    "body_class": "page-timeline",
    "section": "timeline",
    "nav": [
        {"url": f"/ko/{n}/", "section": n, "label": n.title()}
        for n in ("home", "timeline", "initiatives", "policies", "institutions", "index", "sources")
    ],
    "languages": [
        {"code": "ko", "name": "한국어", "url": "/ko/", "current": True},
        {"code": "en", "name": "English", "url": "/en/", "current": False},
    ],
    "footer": [
        {"url": f"/ko/{n}/", "label": n}
        for n in ("Privacy policy", "Accessibility statement", "Open data", "Atom feed")
    ],
    "content": "<p>x</p>" * 50,
}
dtl = engines["django"].from_string(DTL)
env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
env.install_gettext_translations(translation, newstyle=True)
j2 = env.from_string(J2)
a, b = dtl.render(ctx), j2.render(ctx)
assert a == b, "the two templates must produce the same page"
n = 2000
td = min(timeit.repeat(lambda: dtl.render(ctx), number=n, repeat=3)) / n * 1000
tj = min(timeit.repeat(lambda: j2.render(ctx), number=n, repeat=3)) / n * 1000
print(
    f"Django templates {td:.3f} ms, Jinja2 {tj:.3f} ms: Jinja2 is {td / tj:.1f}x as fast ({len(a)} bytes)"
)
