"""The Atom feed of recently added or changed milestones, one per language (/ko/feed/, /en/feed/)."""

import datetime
from typing import TYPE_CHECKING, cast

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from timeline.models import Milestone, Subject, kind_label
from timeline.public.dates import precise_date
from timeline.public.querysets import public_milestones

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FEED_SIZE = 30


def public_subject(milestone: Milestone) -> Subject:
    """The subject of a public milestone, which always has one (it is public only with it)."""
    return cast(Subject, milestone.subject)


class MilestoneFeed(Feed):
    feed_type = Atom1Feed
    title = _("Human Rights City Gwangju: milestones")
    subtitle = _(
        "New and updated milestones in the public record of Gwangju’s human-rights-city programme."
    )
    author_name = _("Gwangju Metropolitan City")

    def link(self) -> str:
        return reverse("timeline:timeline")

    def feed_url(self) -> str:
        return reverse("timeline:feed")

    def items(self) -> QuerySet[Milestone]:
        # Newest change first: what a feed reader has not seen yet.
        return public_milestones().order_by("-updated", "-pk")[:FEED_SIZE]

    def item_title(self, milestone: Milestone) -> str:
        return f"{milestone.title} ({precise_date(milestone)})"

    def item_description(self, milestone: Milestone) -> str:
        return milestone.summary or public_subject(milestone).name

    def item_link(self, milestone: Milestone) -> str:
        return milestone.get_absolute_url()

    def item_pubdate(self, milestone: Milestone) -> datetime.datetime:
        return milestone.created

    def item_updateddate(self, milestone: Milestone) -> datetime.datetime:
        return milestone.updated

    def item_categories(self, milestone: Milestone) -> list["StrOrPromise"]:
        subject = public_subject(milestone)
        return [kind_label(milestone.kind), *(theme.name for theme in subject.themes.all())]
