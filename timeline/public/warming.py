"""Which public pages to render again after a change, before anyone asks (timeline/jobs/warming.py).

The most asked-for pages and those the change touched, most asked-for first, each in every
language: the home page and the timeline's first page; the changed milestones' pages that
the public may see, their subjects' and the years they are in (a deleted one's too: a record
names its year as it changes; the year a milestone was moved out of is not known); a changed
year's or subject's own page; the three directories' first pages. Only public records are listed; a page that answers 404 would not be stored anyway.
"""

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from timeline.caching.version import Record
from timeline.models import SUBJECT_MODELS, Milestone, Year


def _ids(records: Sequence[Record], label: str) -> list[int]:
    return [pk for model, pk, _year in records if model == label]


def pages_to_warm(records: Sequence[Record]) -> list[str]:
    """The addresses to warm after a change to ``records`` (model label, pk, year)."""
    milestones = list(
        Milestone.objects.published()
        .filter(pk__in=_ids(records, "timeline.milestone"))
        .with_subjects()
    )
    touched = {year for _model, _pk, year in records if year is not None}
    touched.update(
        Year.objects.filter(pk__in=_ids(records, "timeline.year")).values_list("year", flat=True)
    )
    years = sorted(
        Year.objects.published().filter(year__in=touched).values_list("year", flat=True),
        reverse=True,
    )
    # A changed subject's page, and a changed milestone's subject's (public: the milestone is).
    subjects = [
        subject
        for model in SUBJECT_MODELS.values()
        for subject in model.objects.published()
        .filter(pk__in=_ids(records, model._meta.label_lower))
        .only("slug")
    ]
    subjects += [milestone.subject for milestone in milestones if milestone.subject]
    languages = [code for code, _name in settings.LANGUAGES]
    pages: list[str] = []
    for language in languages:
        with translation.override(language):
            pages += [reverse("timeline:home"), reverse("timeline:timeline")]
    for language in languages:
        with translation.override(language):
            pages += [milestone.get_absolute_url() for milestone in milestones]
            pages += [reverse("timeline:year-detail", kwargs={"year": year}) for year in years]
            pages += [subject.get_absolute_url() for subject in subjects]
            pages += [reverse(f"timeline:{kind}-list") for kind in SUBJECT_MODELS]
    return pages
