"""The record: themes, years, the subjects milestones are about, and the milestones.

Translated text lives in ``*_ko`` / ``*_en`` columns added by modeltranslation
(see translation.py). Korean is the default language; either may be empty, but a
record must have its name or title in at least one language.
"""

from timeline.models.base import (
    MAX_YEAR,
    MIN_YEAR,
    PublishableQuerySet,
    constraint_message,
    either_language,
    missing_text_message,
)
from timeline.models.imports import ImportJob
from timeline.models.milestones import SUBJECT_FIELDS, Milestone, MilestoneSource
from timeline.models.record import Theme, Year
from timeline.models.subjects import (
    SUBJECT_MODELS,
    Initiative,
    Institution,
    Policy,
    Subject,
    kind_label,
)

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "SUBJECT_FIELDS",
    "SUBJECT_MODELS",
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
    "constraint_message",
    "either_language",
    "kind_label",
    "missing_text_message",
]
