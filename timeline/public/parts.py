"""Cards as ready parts: rendered once per content version, language and variant, then
joined into every page that lists them (timeline/caching/parts.py).

A page reads only the keys of the records it shows; the cards not yet stored are rendered
together, from one query for what a card shows.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from timeline.caching.parts import ready_parts
from timeline.models import Milestone, Subject
from timeline.models.milestones import MilestoneQuerySet
from timeline.public.querysets import public_milestones, public_subjects


def ready_cards(
    template: str,
    name: str,
    records: Iterable[Model],
    shown: Callable[[], QuerySet[Any]],
    **context: object,
) -> dict[int, SafeString]:
    """Each record's card, by primary key: ``template`` rendered with the record as ``name``
    and ``context``; the missing ones read from ``shown()`` (with what a card shows), which
    is only built when some are missing: its joins and annotations cost time to build.

    The records are of one model. It is part of the cards' key: an initiative and a policy
    may share a primary key, and one template shows both."""

    def render(missing: list[int]) -> dict[int, str]:
        return {
            record.pk: render_to_string(template, {name: record, **context})
            for record in shown().filter(pk__in=missing)
        }

    records = list(records)
    if not records:
        return {}
    ids = [record.pk for record in records]
    (model,) = {record._meta.label_lower for record in records}
    parts = ready_parts(template, ids, render, get_language(), model, *sorted(context.items()))
    # Rendered from our template just above; a cache may hand back a plain str.
    return {ident: mark_safe(html) for ident, html in parts.items()}


def milestone_cards(
    milestones: Iterable[Milestone],
    *,
    listed: MilestoneQuerySet | None = None,
    level: int = 3,
    hide_subject: bool = False,
) -> dict[int, SafeString]:
    """Each milestone's card (includes/milestone_card.html), by primary key.

    ``listed``: the page's milestones (by default the published ones), for the cards not
    yet stored.
    """
    return ready_cards(
        "includes/milestone_card.html",
        "milestone",
        milestones,
        lambda: public_milestones(listed),
        level=level,
        hide_subject=hide_subject,
    )


def subject_cards(subjects: Iterable[Subject], model: type[Subject]) -> dict[int, SafeString]:
    """Each subject's directory card (includes/subject_card.html), by primary key."""
    return ready_cards(
        "includes/subject_card.html", "subject", subjects, lambda: public_subjects(model)
    )
