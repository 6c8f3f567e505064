"""The subjects milestones are about: initiatives, policies and institutions.

``SUBJECT_MODELS`` is the one list of subject kinds ("initiative", "policy",
"institution", in this order); the milestone's subject links, the public filters, charts
and exports, the import's columns and the demo data all read it.
"""

from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar, cast

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_save
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from timeline.models.base import (
    MAX_YEAR,
    MIN_YEAR,
    PublishableQuerySet,
    constraint_message,
    has_text_constraint,
    require_either_language,
    slug_unique_in_any_case,
)
from timeline.models.editorial import Editorial, public_now, schedule_in_order
from timeline.models.record import Theme
from timeline.models.sort_keys import SORT_KEY_LENGTH, name_sort_key

# The stored sort key per page language (sort_keys.py), one column each.
SORT_KEY_FIELDS = {"ko": "sort_key_ko", "en": "sort_key_en"}

_S = TypeVar("_S", bound=models.Model)


class SubjectQuerySet(PublishableQuerySet[_S]):
    def with_milestone_counts(self) -> Self:
        """Annotate each subject with how many public milestones it has."""
        return self.annotate(
            milestone_count=models.Count(
                "milestones",
                filter=public_now("milestones") & public_now("milestones__year"),
            )
        )


SubjectManager = models.Manager.from_queryset(SubjectQuerySet)


class Subject(Editorial):
    """What initiatives, policies and institutions share; each has a life over many years."""

    KIND = ""  # "initiative", "policy" or "institution"; the milestone filter's vocabulary

    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    website = models.URLField(_("website or source"), max_length=500, blank=True)
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_(
            "Unpublished subjects and all their milestones are hidden from the public site."
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Derived from the name on every save (refresh_sort_keys); never edited by hand.
    sort_key_ko = models.CharField(max_length=SORT_KEY_LENGTH, blank=True, editable=False)
    sort_key_en = models.CharField(max_length=SORT_KEY_LENGTH, blank=True, editable=False)

    # Each kind inherits this manager; it names its own type below, so that
    # ``Initiative.objects`` gives initiatives.
    objects: ClassVar[SubjectManager["Subject"]] = SubjectManager()

    class Meta:
        abstract = True
        ordering = ["slug"]
        constraints = [
            has_text_constraint("name", _("Enter the name in Korean or in English.")),
            slug_unique_in_any_case(),
            schedule_in_order(),
        ]
        indexes = [
            models.Index(fields=["is_published", "slug"], name="%(class)s_published_slug_idx"),
            # The directories' order, one per page language, of the published subjects
            # alone: SQLite never reads an index for a bare boolean column (``WHERE
            # "is_published"``), so with it as the first column it sorted every subject for
            # each page (4.7 ms at 8,333 institutions); a partial index it walks in order.
            models.Index(
                fields=["sort_key_ko", "slug"],
                condition=models.Q(is_published=True),
                name="%(class)s_ko_order_idx",
            ),
            models.Index(
                fields=["sort_key_en", "slug"],
                condition=models.Q(is_published=True),
                name="%(class)s_en_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_sort_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and any(name.startswith("name") for name in update_fields):
            kwargs["update_fields"] = {*update_fields, *SORT_KEY_FIELDS.values()}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(f"timeline:{self.KIND}-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        require_either_language(self, "name")

    def refresh_sort_keys(self) -> None:
        """Recompute the directory sort keys from the names, as each page shows them.

        ``save`` calls this; code that writes with ``bulk_create``/``bulk_update`` (the
        import) must call it on each object and include ``SORT_KEY_FIELDS`` in the update.
        A page shows the other language's name when its own is empty, so it sorts by that.
        """
        for language, field in SORT_KEY_FIELDS.items():
            other = "en" if language == "ko" else "ko"
            shown = getattr(self, f"name_{language}", "") or getattr(self, f"name_{other}", "")
            setattr(self, field, name_sort_key(shown or "", language))

    @classmethod
    def directory_order(cls, language: str | None = None) -> tuple[str, str]:
        """``order_by`` arguments for a directory in ``language`` (default: the active one)."""
        language = (language or get_language() or "ko")[:2]
        return SORT_KEY_FIELDS.get(language, SORT_KEY_FIELDS["ko"]), "slug"

    @property
    def kind(self) -> str:
        return self.KIND


class Initiative(Subject):
    KIND = "initiative"
    objects: ClassVar[SubjectManager["Initiative"]]

    class Type(models.TextChoices):
        FORUM = "forum", _("Forum")
        PROGRAMME = "programme", _("Programme")
        PUBLICATION = "publication", _("Publication")
        TRAINING = "training", _("Training")
        CAMPAIGN = "campaign", _("Campaign")
        PROJECT = "project", _("Project")

    initiative_type = models.CharField(_("initiative type"), max_length=20, choices=Type.choices)

    class Meta(Subject.Meta):
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        permissions = [("publish_initiative", "Can publish and unpublish initiatives")]

    @property
    def type_label(self) -> str:
        return self.get_initiative_type_display()


class Policy(Subject):
    KIND = "policy"
    objects: ClassVar[SubjectManager["Policy"]]

    class Type(models.TextChoices):
        ORDINANCE = "ordinance", _("Ordinance")
        CHARTER = "charter", _("Charter")
        FRAMEWORK_PLAN = "framework_plan", _("Framework plan")
        LAW = "law", _("Law")
        INDEX = "index", _("Index")
        PROGRAMME = "programme", _("Programme")

    policy_type = models.CharField(_("policy type"), max_length=20, choices=Type.choices)
    period_start = models.PositiveSmallIntegerField(
        _("period from"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    period_end = models.PositiveSmallIntegerField(
        _("period to"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )

    class Meta(Subject.Meta):
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        permissions = [("publish_policy", "Can publish and unpublish policies")]
        constraints = [
            *Subject.Meta.constraints,
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=models.F("period_end")),
                name="policy_period_in_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    @property
    def type_label(self) -> str:
        return self.get_policy_type_display()

    @property
    def period(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start}–{self.period_end}"
        if self.period_start:
            return f"{self.period_start}–"
        return ""

    def clean(self) -> None:
        super().clean()
        if self.period_start and self.period_end and self.period_start > self.period_end:
            message = constraint_message(Policy, "policy_period_in_order")
            raise ValidationError({"period_end": message})


class Institution(Subject):
    KIND = "institution"
    objects: ClassVar[SubjectManager["Institution"]]
    _default_manager: ClassVar[SubjectManager["Institution"]]

    class Type(models.TextChoices):
        CITY_OFFICE = "city_office", _("City office")
        CENTRE = "centre", _("Centre")
        COMMITTEE = "committee", _("Committee")
        COUNCIL = "council", _("Council")
        CIVIC_GROUP = "civic_group", _("Civic group")
        INTERNATIONAL_BODY = "international_body", _("International body")

    institution_type = models.CharField(_("institution type"), max_length=20, choices=Type.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )

    class Meta(Subject.Meta):
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        permissions = [("publish_institution", "Can publish and unpublish institutions")]
        constraints = [
            *Subject.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="institution_not_its_own_parent",
                violation_error_message=_("An institution cannot be its own parent."),
            ),
        ]

    @property
    def type_label(self) -> str:
        return self.get_institution_type_display()

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.parent_id == self.pk:
            message = constraint_message(Institution, "institution_not_its_own_parent")
            raise ValidationError({"parent": message})


# The kinds of subject, in the order they are listed everywhere.
SUBJECT_MODELS: dict[str, type[Subject]] = {
    model.KIND: model for model in (Initiative, Policy, Institution)
}


def kind_label(kind: str) -> "StrOrPromise":
    """'Initiative', 'Policy' or 'Institution' in the active language (the models' own
    names); '' for anything else."""
    model = SUBJECT_MODELS.get(kind)
    if model is None:
        return ""
    # Django always sets verbose_name (from the class name if the model names none); the
    # stubs allow None. capfirst keeps the lazy name lazy.
    return capfirst(cast("StrOrPromise", model._meta.verbose_name))


def refresh_sort_keys_on_raw_save(
    sender: type, instance: Subject, raw: bool, **kwargs: object
) -> None:
    """``loaddata`` saves without calling ``save()``: keys for fixtures are computed here."""
    if raw:
        instance.refresh_sort_keys()


for subject_model in SUBJECT_MODELS.values():
    pre_save.connect(
        refresh_sort_keys_on_raw_save,
        sender=subject_model,
        dispatch_uid=f"sort-keys-{subject_model.KIND}",
    )
