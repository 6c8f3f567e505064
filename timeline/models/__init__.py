"""The record: themes, years, the subjects milestones are about, and the milestones.

Translated text lives in ``*_ko`` / ``*_en`` columns added by modeltranslation
(see translation.py). Korean is the default language; either may be empty, but a
record must have its name or title in at least one language.
"""

from timeline.models.base import MAX_YEAR, MIN_YEAR, PublishableQuerySet, either_language
from timeline.models.imports import ImportJob
from timeline.models.milestones import SUBJECT_FIELDS, Milestone, MilestoneSource
from timeline.models.record import Theme, Year
from timeline.models.subjects import Initiative, Institution, Policy, Subject

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "SUBJECT_FIELDS",
    "ImportJob",
    "Initiative",
    "Institution",
    "Milestone",
    "MilestoneSource",
    "Policy",
    "PublishableQuerySet",
    "Subject",
    "Theme",
    "Year",
    "either_language",
]
