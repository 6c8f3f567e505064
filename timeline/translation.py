"""Which text fields have Korean and English columns (``*_ko``, ``*_en``)."""

from modeltranslation.translator import TranslationOptions, register

from timeline.models import (
    Citation,
    Document,
    Evaluation,
    EvaluationAreaResult,
    Image,
    IndexArea,
    Indicator,
    IndicatorSet,
    Initiative,
    Institution,
    Milestone,
    Observation,
    Outlet,
    Policy,
    Theme,
    Year,
)


class BilingualOptions(TranslationOptions):
    # Store '' (not NULL) for a missing translation, so filters and CSV see one empty value.
    empty_values = ""


@register(Theme)
class ThemeTranslation(BilingualOptions):
    fields = ("name", "description")


@register(Year)
class YearTranslation(BilingualOptions):
    fields = ("headline", "summary")


@register([Initiative, Policy, Institution])
class SubjectTranslation(BilingualOptions):
    fields = ("name", "summary", "description")


@register(Milestone)
class MilestoneTranslation(BilingualOptions):
    fields = ("title", "summary", "note")


@register(Outlet)
class OutletTranslation(BilingualOptions):
    fields = ("name",)


@register(Citation)
class CitationTranslation(BilingualOptions):
    fields = ("supports",)


@register(Image)
class ImageTranslation(BilingualOptions):
    fields = ("alt_text", "caption")


@register(Document)
class DocumentTranslation(BilingualOptions):
    fields = ("title", "caption")


@register(IndexArea)
class IndexAreaTranslation(BilingualOptions):
    fields = ("name", "short_name", "description")


@register(IndicatorSet)
class IndicatorSetTranslation(BilingualOptions):
    fields = ("name", "note")


@register(Indicator)
class IndicatorTranslation(BilingualOptions):
    fields = ("name", "description")


@register([Evaluation, EvaluationAreaResult, Observation])
class IndexNoteTranslation(BilingualOptions):
    fields = ("note",)
