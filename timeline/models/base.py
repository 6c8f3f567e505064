"""What every record shares: the year range, bilingual required text, publishing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
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


def exactly_one(fields: tuple[str, ...] | list[str]) -> Q:
    """The condition that exactly one of the foreign keys ``fields`` is set.

    Each alternative spells out which others are NULL, so the database checks it as plainly
    as a person reads it.
    """
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__isnull": False}) & Q(
            **{f"{other}__isnull": True for other in fields if other != field}
        )
    return condition


class DatePrecision(models.TextChoices):
    """How much of a date is known; the date is stored with 01 for the unknown parts."""

    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


def date_precision_field(help_text: str) -> models.CharField:
    """The precision that goes with a nullable date field: empty exactly when the date is."""
    return models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text=help_text,
    )


def date_has_precision(date_field: str, name: str) -> models.CheckConstraint:
    """A date needs its precision (``date_precision``), and a precision its date."""
    return models.CheckConstraint(
        condition=(Q(**{f"{date_field}__isnull": True}) & Q(date_precision=""))
        | (
            Q(**{f"{date_field}__isnull": False})
            & Q(date_precision__in=[choice.value for choice in DatePrecision])
        ),
        name=name,
        violation_error_message=_("A date needs its precision, and a precision its date."),
    )


def require_date_precision(instance: models.Model, date_field: str) -> None:
    """The form-level check of ``date_has_precision``, with the message on the right field."""
    if getattr(instance, date_field) and not instance.date_precision:
        raise ValidationError({"date_precision": _("Say how precise the date is.")})
    if instance.date_precision and not getattr(instance, date_field):
        raise ValidationError({date_field: _("Enter the date, or clear its precision.")})


def partial_iso_date(date: datetime.date, precision: str) -> str:
    """``date`` as far as ``precision`` knows it, in ISO 8601: 2020-05-12, 2020-05 or 2020."""
    if precision == DatePrecision.DAY:
        return date.isoformat()
    if precision == DatePrecision.MONTH:
        return date.strftime("%Y-%m")
    return str(date.year)
