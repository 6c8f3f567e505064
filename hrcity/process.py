"""What a server process loads once, before it forks its workers.

gunicorn imports the site in its master and forks the workers from it (``preload_app``),
and recycles each worker every couple of thousand requests. Django loads much lazily: the
URL patterns of each language, the translation catalogues, each template compiled on first
use, the public filter kept per model (timeline/models/public_filter.py). A fresh worker
paid for all of it on its first requests, a stall of a few hundred milliseconds that showed
as the slowest percent of every benchmark (bench/README.md). Loaded in the master, it is
inherited by every worker at fork, recycled ones included.

Nothing here opens a database or cache connection: a connection made before the fork would
be shared by every worker.
"""

import logging
from pathlib import Path
from typing import cast

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver, reverse
from django.utils import translation

from timeline.models import SUBJECT_MODELS, Milestone, Theme, Year

logger = logging.getLogger(__name__)

# The templates of the public pages; the admin's are left to load when staff first use it.
PUBLIC_TEMPLATES = ("base.html", "404.html", "timeline", "includes")


def template_names(root: Path) -> list[str]:
    """The names of the public templates under ``root`` (a template directory)."""
    names: list[str] = []
    for entry in PUBLIC_TEMPLATES:
        path = root / entry
        found = [path] if path.is_file() else sorted(path.rglob("*.html"))
        names.extend(str(template.relative_to(root)) for template in found)
    return names


def prepare_process() -> None:
    """Load the URL patterns, catalogues, public templates and public filters now."""
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.resolve(reverse("timeline:home"))
    engine = engines["django"]
    directories = cast(list[Path], settings.TEMPLATES[0]["DIRS"])
    for directory in directories:
        for name in template_names(Path(directory)):
            try:
                engine.get_template(name)
            except TemplateSyntaxError:
                logger.exception("Template %s does not compile", name)
    Milestone.objects.published()  # each builds and keeps its filter; none runs a query
    Year.objects.published()
    Theme.objects.published()
    for subject in SUBJECT_MODELS.values():
        subject.objects.published()
