"""The milestone card as a ready part: rendered once per content version, language and
variant, then joined into every page that lists it (timeline/caching/parts.py)."""

from collections.abc import Iterable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from timeline.caching.parts import ready_parts
from timeline.models import Milestone
from timeline.models.milestones import MilestoneQuerySet
from timeline.public.querysets import public_milestones

CARD_TEMPLATE = "includes/milestone_card.html"


def milestone_cards(
    milestones: Iterable[Milestone],
    *,
    listed: MilestoneQuerySet | None = None,
    level: int = 3,
    hide_subject: bool = False,
) -> dict[int, SafeString]:
    """Each milestone's card (includes/milestone_card.html), by primary key.

    ``milestones`` need only their keys: a page reads the ids it shows and joins ready
    cards; only the cards not yet stored read the milestones with what a card shows, from
    ``listed`` (the page's milestones; by default the published ones).
    """

    def render(missing: list[int]) -> dict[int, str]:
        return {
            milestone.pk: render_to_string(
                CARD_TEMPLATE,
                {"milestone": milestone, "level": level, "hide_subject": hide_subject},
            )
            for milestone in public_milestones(listed).filter(pk__in=missing)
        }

    ids = [milestone.pk for milestone in milestones]
    parts = ready_parts("milestone-card", ids, render, get_language(), level, hide_subject)
    # Rendered from our template just above; a cache may hand back a plain str.
    return {ident: mark_safe(html) for ident, html in parts.items()}
