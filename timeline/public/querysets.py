"""What the public pages read: published records with what they show, in a fixed number of
queries however many there are (subjects joined, themes prefetched, counts annotated)."""

from django.db.models import Max, Min, Prefetch, QuerySet

from timeline.models import SUBJECT_FIELDS, Milestone, Subject, Theme
from timeline.models.editorial import public_now
from timeline.models.milestones import MilestoneQuerySet


def published_themes(lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=Theme.objects.published())


def public_milestones(milestones: MilestoneQuerySet | None = None) -> MilestoneQuerySet:
    """Published milestones (or ``milestones``) with what a milestone card shows: year,
    subject, its themes, its images (the first is the card's thumbnail)."""
    return (
        (Milestone.objects.published() if milestones is None else milestones)
        .select_related("year", *SUBJECT_FIELDS)
        .prefetch_related(
            *(published_themes(f"{subject}__themes") for subject in SUBJECT_FIELDS), "images"
        )
    )


def public_subjects(model: type[Subject]) -> QuerySet[Subject]:
    """Published subjects of one kind, with their themes and public milestone figures."""
    public = public_now("milestones") & public_now("milestones__year")
    return (
        model.objects.published()
        .with_milestone_counts()
        .annotate(
            first_year=Min("milestones__year", filter=public),
            last_year=Max("milestones__year", filter=public),
        )
        .prefetch_related(published_themes("themes"))
    )
