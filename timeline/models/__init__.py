"""The record: themes, years, the subjects milestones are about, the milestones, the
Human Rights Index (index.py, index_results.py), and the sources they cite.

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
    partial_iso_date,
)
from timeline.models.editorial import (
    SCHEDULE_FIELDS,
    Editorial,
    ReviewState,
    public_now,
)
from timeline.models.imports import ExportJob, ImportJob
from timeline.models.index import IndexArea, Indicator, IndicatorSet, Unit
from timeline.models.index_results import Evaluation, EvaluationAreaResult, Observation
from timeline.models.media import ATTACHED_TO, ATTACHMENTS, Document, Image, Licence
from timeline.models.milestones import SUBJECT_FIELDS, Milestone
from timeline.models.record import Theme, Year
from timeline.models.sources import CITING_FIELDS, Citation, Outlet, Source
from timeline.models.subjects import (
    SUBJECT_MODELS,
    Initiative,
    Institution,
    Policy,
    Subject,
    kind_label,
)

__all__ = [
    "ATTACHED_TO",
    "ATTACHMENTS",
    "CITING_FIELDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "SCHEDULE_FIELDS",
    "SUBJECT_FIELDS",
    "SUBJECT_MODELS",
    "Citation",
    "Document",
    "Editorial",
    "Evaluation",
    "EvaluationAreaResult",
    "ExportJob",
    "Image",
    "ImportJob",
    "IndexArea",
    "Indicator",
    "IndicatorSet",
    "Initiative",
    "Institution",
    "Licence",
    "Milestone",
    "Observation",
    "Outlet",
    "Policy",
    "PublishableQuerySet",
    "ReviewState",
    "Source",
    "Subject",
    "Theme",
    "Unit",
    "Year",
    "constraint_message",
    "either_language",
    "kind_label",
    "missing_text_message",
    "partial_iso_date",
    "public_now",
]
