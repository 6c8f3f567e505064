"""The Atom feed of recently added or changed milestones, one per language (/ko/feed/, /en/feed/)."""

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext_lazy as _

from timeline.media.pictures import file_url, mime_type
from timeline.models import Document, Image, Milestone, Subject, kind_label
from timeline.public.dates import precise_date
from timeline.public.querysets import public_milestones

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FEED_SIZE = 30
# The attribute ``items`` gives each milestone: its files, with the request's absolute URLs.
ENCLOSURES = "feed_enclosures"


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

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpRequest:
        # Enclosures need absolute addresses, which only the request knows; the view is one
        # instance for every request, so the request travels as the feed's object.
        return request

    def items(self, request: HttpRequest) -> list[Milestone]:
        # Newest change first: what a feed reader has not seen yet.
        milestones = list(
            public_milestones()
            .prefetch_related("documents")
            .order_by("-updated", "-pk")[:FEED_SIZE]
        )
        for milestone in milestones:
            attachments: list[Image | Document] = [
                *milestone.images.all(),
                *milestone.documents.all(),
            ]
            enclosures = [
                Enclosure(file_url(item, request), str(item.size), mime_type(item))
                for item in attachments
            ]
            setattr(milestone, ENCLOSURES, enclosures)
        return milestones

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

    def item_enclosures(self, milestone: Milestone) -> list[Enclosure]:
        """The milestone's images and documents, as files a reader may fetch (``items``)."""
        return cast(list[Enclosure], getattr(milestone, ENCLOSURES, []))
