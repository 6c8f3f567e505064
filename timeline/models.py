"""The record: themes, years, the subjects milestones are about, and the milestones.

Translated text lives in ``*_ko`` / ``*_en`` columns added by modeltranslation
(see translation.py). Korean is the default language; either may be empty, but a
record must have its name or title in at least one language.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 1900
MAX_YEAR = 2100


def either_language(field):
    """A condition true when ``field`` has text in Korean or in English.

    Each side tests for NULL explicitly: a CHECK whose condition is NULL passes.
    """
    return Q(**{f"{field}_ko__isnull": False, f"{field}_ko__gt": ""}) | Q(
        **{f"{field}_en__isnull": False, f"{field}_en__gt": ""}
    )


def require_either_language(instance, field):
    if not (getattr(instance, f"{field}_ko", "") or getattr(instance, f"{field}_en", "")):
        label = instance._meta.get_field(field).verbose_name
        message = _("Enter the %(field)s in Korean or in English.") % {"field": label}
        raise ValidationError({f"{field}_ko": message, f"{field}_en": message})


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Theme(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        permissions = [("publish_theme", "Can publish and unpublish themes")]
        ordering = ["order", "slug"]
        constraints = [
            models.CheckConstraint(condition=either_language("name"), name="theme_has_name")
        ]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return f"{reverse('timeline:timeline')}?theme={self.slug}"

    def clean(self):
        require_either_language(self, "name")


class Year(models.Model):
    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("year")
        verbose_name_plural = _("years")
        permissions = [("publish_year", "Can publish and unpublish years")]
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="year_in_sane_range"
            )
        ]

    def __str__(self):
        return str(self.year)

    def get_absolute_url(self):
        return reverse("timeline:year-detail", kwargs={"year": self.year})


class SubjectQuerySet(PublishableQuerySet):
    def with_milestone_counts(self):
        """Annotate each subject with how many public milestones it has."""
        return self.annotate(
            milestone_count=models.Count(
                "milestones",
                filter=Q(milestones__is_published=True, milestones__year__is_published=True),
            )
        )


class Subject(models.Model):
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

    objects = SubjectQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(condition=either_language("name"), name="%(class)s_has_name")
        ]
        indexes = [
            models.Index(fields=["is_published", "slug"], name="%(class)s_published_slug_idx")
        ]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse(f"timeline:{self.KIND}-detail", kwargs={"slug": self.slug})

    def clean(self):
        require_either_language(self, "name")

    @property
    def kind(self):
        return self.KIND


class Initiative(Subject):
    KIND = "initiative"

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
    def type_label(self):
        return self.get_initiative_type_display()


class Policy(Subject):
    KIND = "policy"

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
            ),
        ]

    @property
    def type_label(self):
        return self.get_policy_type_display()

    @property
    def period(self):
        if self.period_start and self.period_end:
            return f"{self.period_start}–{self.period_end}"
        if self.period_start:
            return f"{self.period_start}–"
        return ""

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})


class Institution(Subject):
    KIND = "institution"

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
                condition=~Q(parent=models.F("pk")), name="institution_not_its_own_parent"
            ),
        ]

    @property
    def type_label(self):
        return self.get_institution_type_display()

    def clean(self):
        super().clean()
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An institution cannot be its own parent.")})


SUBJECT_FIELDS = ("initiative", "policy", "institution")


def only_subject(field):
    """The condition that ``field`` is the milestone's one and only subject."""
    return Q(**{f"{field}__isnull": False}) & Q(
        **{f"{other}__isnull": True for other in SUBJECT_FIELDS if other != field}
    )


def subject_link(model):
    """A milestone's optional link to one kind of subject; the constraint makes one required."""
    return models.ForeignKey(
        model,
        verbose_name=model._meta.verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestones",
    )


class MilestoneQuerySet(PublishableQuerySet):
    def published(self):
        """What the public may see: the milestone, its year and its subject are all published.

        A milestone whose subject is unpublished is hidden rather than shown without its
        subject, so that nothing of an unpublished record reaches a public page.
        """
        subject_published = Q()
        for field in SUBJECT_FIELDS:
            subject_published |= Q(**{f"{field}__is_published": True})
        return self.filter(subject_published, is_published=True, year__is_published=True)

    def of_kind(self, *kinds):
        condition = Q()
        for kind in kinds:
            condition |= Q(**{f"{kind}__isnull": False})
        return self.filter(condition)

    def with_subjects(self):
        return self.select_related(*SUBJECT_FIELDS)


class Milestone(models.Model):
    class Precision(models.TextChoices):
        YEAR = "year", _("Year")
        MONTH = "month", _("Month")
        DAY = "day", _("Day")

    year = models.ForeignKey(
        Year,
        verbose_name=_("year group"),
        to_field="year",
        db_column="year",
        on_delete=models.PROTECT,
        related_name="milestones",
        help_text=_("The year the source lists this milestone under."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    order = models.PositiveSmallIntegerField(
        _("order within the year"), default=0, help_text=_("Source order; lower comes first.")
    )
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("The stated date, if the sources give one. It may differ from the year group."),
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=Precision.choices,
        blank=True,
        help_text=_("How much of the date is known: only the year, the month, or the day."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    note = models.TextField(
        _("note on disputed facts"),
        blank=True,
        help_text=_(
            "Where public sources disagree on a date or a figure, say so here, naming them."
        ),
    )
    initiative = subject_link(Initiative)
    policy = subject_link(Policy)
    institution = subject_link(Institution)
    is_published = models.BooleanField(_("published"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        permissions = [("publish_milestone", "Can publish and unpublish milestones")]
        ordering = ["-year_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=only_subject("initiative")
                | only_subject("policy")
                | only_subject("institution"),
                name="milestone_exactly_one_subject",
                violation_error_message=_(
                    "A milestone is about exactly one subject: an initiative, a policy or an "
                    "institution."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(date__isnull=True) & Q(date_precision=""))
                | (Q(date__isnull=False) & Q(date_precision__in=["year", "month", "day"])),
                name="milestone_date_has_precision",
                violation_error_message=_("A date needs its precision, and a precision its date."),
            ),
            models.CheckConstraint(condition=either_language("title"), name="milestone_has_title"),
        ]
        indexes = [
            models.Index(fields=["-year", "order", "id"], name="milestone_timeline_order_idx"),
            models.Index(fields=["is_published", "-year", "order"], name="milestone_public_idx"),
        ]

    def __str__(self):
        return f"{self.year_id} · {self.title or self.slug}"

    def get_absolute_url(self):
        return reverse(
            "timeline:milestone-detail", kwargs={"year": self.year_id, "slug": self.slug}
        )

    @property
    def subject(self):
        return self.initiative or self.policy or self.institution

    @property
    def kind(self):
        for field in SUBJECT_FIELDS:
            if getattr(self, f"{field}_id"):
                return field
        return ""

    def clean(self):
        require_either_language(self, "title")
        chosen = [field for field in SUBJECT_FIELDS if getattr(self, f"{field}_id")]
        if len(chosen) != 1:
            message = _("Choose exactly one subject: an initiative, a policy or an institution.")
            raise ValidationError(dict.fromkeys(chosen or SUBJECT_FIELDS, message))
        if self.date and not self.date_precision:
            raise ValidationError({"date_precision": _("Say how precise the date is.")})
        if self.date_precision and not self.date:
            raise ValidationError({"date": _("Enter the date, or clear its precision.")})


class MilestoneSource(models.Model):
    """A public source for a milestone: a label (publication, site) and, if online, its URL."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="sources"
    )
    label = models.CharField(_("label"), max_length=300)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["milestone", "order", "id"]

    def __str__(self):
        return self.label
