"""Themes and years: the record's cross-cutting topics and its year groups."""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from timeline.models.base import (
    MAX_YEAR,
    MIN_YEAR,
    PublishableManager,
    has_text_constraint,
    require_either_language,
    slug_unique_in_any_case,
)
from timeline.models.editorial import Editorial, schedule_in_order


class Theme(Editorial):
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    objects: ClassVar[PublishableManager["Theme"]] = PublishableManager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        permissions = [("publish_theme", "Can publish and unpublish themes")]
        ordering = ["order", "slug"]
        constraints = [
            has_text_constraint("name", _("Enter the name in Korean or in English.")),
            slug_unique_in_any_case(),
            schedule_in_order(),
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return f"{reverse('timeline:timeline')}?theme={self.slug}"

    def clean(self) -> None:
        require_either_language(self, "name")


class Year(Editorial):
    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    objects: ClassVar[PublishableManager["Year"]] = PublishableManager()

    class Meta:
        verbose_name = _("year")
        verbose_name_plural = _("years")
        permissions = [("publish_year", "Can publish and unpublish years")]
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="year_in_sane_range",
                violation_error_message=format_lazy(
                    _("The year must be between {min} and {max}."), min=MIN_YEAR, max=MAX_YEAR
                ),
            ),
            schedule_in_order(),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("timeline:year-detail", kwargs={"year": self.year})
