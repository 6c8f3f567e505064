"""Atom feeds, one per language: recently added or changed milestones (/ko/feed/, /en/feed/)
and the Human Rights Index's evaluations, newest data year first (/ko/index/feed/)."""

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext_lazy as _

from timeline.media.pictures import file_url, mime_type
from timeline.models import Document, Evaluation, Image, Milestone, Subject, kind_label
from timeline.public.dates import precise_date
from timeline.public.index_charts import percent, signed_percent
from timeline.public.index_views import public_evaluations
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
        # Newest change first: what a feed reader has not seen yet. A milestone scheduled to
        # appear is news when it appears, not when it was last saved.
        milestones = list(
            public_milestones()
            .prefetch_related("documents")
            .annotate(news_at=Greatest("updated", Coalesce("publish_at", "updated")))
            .order_by("-news_at", "-pk")[:FEED_SIZE]
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
        # On the public site from its publish time, if it was saved before.
        return max(milestone.created, milestone.publish_at or milestone.created)

    def item_updateddate(self, milestone: Milestone) -> datetime.datetime:
        return max(milestone.updated, milestone.publish_at or milestone.updated)

    def item_categories(self, milestone: Milestone) -> list["StrOrPromise"]:
        subject = public_subject(milestone)
        return [kind_label(milestone.kind), *(theme.name for theme in subject.themes.all())]

    def item_enclosures(self, milestone: Milestone) -> list[Enclosure]:
        """The milestone's images and documents, as files a reader may fetch (``items``)."""
        return cast(list[Enclosure], getattr(milestone, ENCLOSURES, []))


class EvaluationFeed(Feed):
    """Each reported evaluation of the index, so a new year's results reach feed readers.
    Years with no public results are not news, and stay on the index page."""

    feed_type = Atom1Feed
    title = _("Human Rights City Gwangju: Human Rights Index evaluations")
    subtitle = _("Each evaluation of Gwangju’s Human Rights Index that public sources report.")
    author_name = _("Gwangju Metropolitan City")

    def link(self) -> str:
        return reverse("timeline:index")

    def feed_url(self) -> str:
        return reverse("timeline:index-feed")

    def items(self) -> QuerySet[Evaluation]:
        reported = public_evaluations().filter(status=Evaluation.Status.REPORTED)
        return reported.order_by("-data_year", "-pk")[:FEED_SIZE]

    def item_title(self, evaluation: Evaluation) -> str:
        return _("Human Rights Index, %(year)s data: %(set)s") % {
            "year": evaluation.data_year,
            "set": evaluation.indicator_set or "",
        }

    def item_description(self, evaluation: Evaluation) -> str:
        parts = []
        if evaluation.improved is not None:
            parts.append(
                _("%(improved)s of %(total)s indicators improved")
                % {"improved": evaluation.improved, "total": evaluation.indicators_evaluated}
                if evaluation.indicators_evaluated is not None
                else _("%(improved)s indicators improved") % {"improved": evaluation.improved}
            )
        if evaluation.improved_percent is not None:
            parts.append(percent(evaluation.improved_percent))
        if evaluation.overall_rate is not None:
            parts.append(
                _("average rate %(rate)s") % {"rate": signed_percent(evaluation.overall_rate)}
            )
        return " · ".join(str(part) for part in parts) or evaluation.note

    def item_link(self, evaluation: Evaluation) -> str:
        return evaluation.get_absolute_url()

    def item_pubdate(self, evaluation: Evaluation) -> datetime.datetime | None:
        if evaluation.published_on is None:
            return None
        return datetime.datetime.combine(evaluation.published_on, datetime.time(), datetime.UTC)
