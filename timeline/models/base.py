"""What every record shares: the year range, bilingual required text, publishing."""

from typing import Self, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 1900
MAX_YEAR = 2100


def either_language(field: str) -> Q:
    """A condition true when ``field`` has text in Korean or in English.

    Each side tests for NULL explicitly: a CHECK whose condition is NULL passes.
    """
    return Q(**{f"{field}_ko__isnull": False, f"{field}_ko__gt": ""}) | Q(
        **{f"{field}_en__isnull": False, f"{field}_en__gt": ""}
    )


def require_either_language(instance: models.Model, field: str) -> None:
    """Refuse ``instance`` unless ``field`` has text in Korean or in English."""
    if not (getattr(instance, f"{field}_ko", "") or getattr(instance, f"{field}_en", "")):
        label = cast(models.Field, instance._meta.get_field(field)).verbose_name
        message = _("Enter the %(field)s in Korean or in English.") % {"field": label}
        raise ValidationError({f"{field}_ko": message, f"{field}_en": message})


_M = TypeVar("_M", bound=models.Model)


class PublishableQuerySet(models.QuerySet[_M]):
    def published(self) -> Self:
        return self.filter(is_published=True)


# Managers are declared rather than made with ``as_manager()`` so that their type is known:
# modeltranslation swaps a translated model's manager class at run time, which hides the
# generated one from the type checker.
# For the same reason a model that others point at names its ``_default_manager`` type: the
# type checker builds reverse relations (``year.milestones``) from it.
PublishableManager = models.Manager.from_queryset(PublishableQuerySet)
