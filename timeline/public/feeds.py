"""The Atom feed of recently added or changed milestones, one per language (/ko/feed/, /en/feed/)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from timeline.models import kind_label
from timeline.public.dates import precise_date
from timeline.public.views import public_milestones

FEED_SIZE = 30


class MilestoneFeed(Feed):
    feed_type = Atom1Feed
    title = _("Human Rights City Gwangju: milestones")
    subtitle = _(
        "New and updated milestones in the public record of Gwangju’s human-rights-city programme."
    )
    author_name = _("Gwangju Metropolitan City")

    def link(self):
        return reverse("timeline:timeline")

    def feed_url(self):
        return reverse("timeline:feed")

    def items(self):
        # Newest change first: what a feed reader has not seen yet.
        return public_milestones().order_by("-updated", "-pk")[:FEED_SIZE]

    def item_title(self, milestone):
        return f"{milestone.title} ({precise_date(milestone)})"

    def item_description(self, milestone):
        return milestone.summary or milestone.subject.name

    def item_link(self, milestone):
        return milestone.get_absolute_url()

    def item_pubdate(self, milestone):
        return milestone.created

    def item_updateddate(self, milestone):
        return milestone.updated

    def item_categories(self, milestone):
        subject = milestone.subject
        return [kind_label(milestone.kind), *(theme.name for theme in subject.themes.all())]
