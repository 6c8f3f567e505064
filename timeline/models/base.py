"""What every record shares: the year range, bilingual required text, publishing, and the
one place each rule's wording lives: the constraints' ``violation_error_message``.

A rule the database enforces is a named ``CheckConstraint`` with its message; the model's
``clean()`` (hence the admin's forms) and the import report the same sentence by looking
the constraint up by name (``constraint_message``), so the wording cannot drift apart.
"""

import datetime
from functools import partial
from typing import TYPE_CHECKING, Self, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from timeline.models.editorial import public_now
from timeline.models.public_filter import filtered_now

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MIN_YEAR = 1900
MAX_YEAR = 2100


def constraint_message(model: type[models.Model], name: str) -> str | Promise:
    """The sentence for a record of ``model`` that breaks its constraint called ``name``.

    Lazy, as written on the constraint: a ValidationError shows it in the language of
    whoever reads it. (The messages name no ``%(name)s``, so they need no formatting.)
    """
    for constraint in model._meta.constraints:
        if constraint.name == name:
            # A constraint made without a message gets Django's default, never None; the
            # stubs type the attribute as the constructor's argument, which may be None.
            return cast("StrOrPromise", constraint.violation_error_message)
    raise LookupError(f"{model.__name__} has no constraint {name}")


def missing_text_message(model: type[models.Model], field: str) -> str | Promise:
    """The sentence for a record of ``model`` with its ``field`` in neither language."""
    return constraint_message(model, f"{model._meta.model_name}_has_{field}")


def either_language(field: str) -> Q:
    """A condition true when ``field`` has text in Korean or in English.

    Each side tests for NULL explicitly: a CHECK whose condition is NULL passes.
    """
    return Q(**{f"{field}_ko__isnull": False, f"{field}_ko__gt": ""}) | Q(
        **{f"{field}_en__isnull": False, f"{field}_en__gt": ""}
    )


def has_text_constraint(field: str, message: "StrOrPromise") -> models.CheckConstraint:
    """The constraint that a record has its ``field`` in Korean or in English."""
    return models.CheckConstraint(
        condition=either_language(field),
        name=f"%(class)s_has_{field}",
        violation_error_message=message,
    )


def slug_unique_in_any_case() -> models.UniqueConstraint:
    """Slugs differing only in capital letters are one slug: ``Charter`` and ``charter`` would
    be two addresses a reader (or a case-insensitive file system, an export's name) confuses.

    ``slug`` keeps its own ``unique=True``, whose index serves lookups; this adds the rule.
    """
    return models.UniqueConstraint(
        Lower("slug"),
        name="%(class)s_slug_unique_in_any_case",
        violation_error_message=_(
            "Another record of this kind already has this slug in other capital letters. "
            "Slugs must differ in more than capitalisation: choose another."
        ),
    )


def require_either_language(instance: models.Model, field: str) -> None:
    """Refuse ``instance`` unless ``field`` has text in Korean or in English."""
    if not (getattr(instance, f"{field}_ko", "") or getattr(instance, f"{field}_en", "")):
        message = missing_text_message(type(instance), field)
        raise ValidationError({f"{field}_ko": message, f"{field}_en": message})


_M = TypeVar("_M", bound=models.Model)


class PublishableQuerySet(models.QuerySet[_M]):
    def published(self, now: datetime.datetime | None = None) -> Self:
        """What the public sees at ``now`` (default: the current time): published, and within
        its publish and withdraw times (models/editorial.py)."""
        return filtered_now(self, partial(public_now, ""), now=now)


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


# The name a dated model gives its ``date_precision_field()``.
PRECISION_FIELD = "date_precision"


def date_precision_field(help_text: "StrOrPromise") -> models.CharField:
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


def require_date_precision(instance: models.Model, date_field: str, constraint: str) -> None:
    """The form-level check of ``date_has_precision``: its message, on the field to fix."""
    # Any dated model may come here, so both fields are read by name.
    date, precision = getattr(instance, date_field), getattr(instance, PRECISION_FIELD)
    if bool(date) != bool(precision):
        message = constraint_message(type(instance), constraint)
        raise ValidationError({date_field if precision else PRECISION_FIELD: message})


def partial_iso_date(date: datetime.date, precision: str) -> str:
    """``date`` as far as ``precision`` knows it, in ISO 8601: 2020-05-12, 2020-05 or 2020."""
    if precision == DatePrecision.DAY:
        return date.isoformat()
    if precision == DatePrecision.MONTH:
        return date.strftime("%Y-%m")
    return str(date.year)


# Managers are declared rather than made with ``as_manager()`` so that their type is known:
# modeltranslation swaps a translated model's manager class at run time, which hides the
# generated one from the type checker.
# For the same reason a model that others point at names its ``_default_manager`` type: the
# type checker builds reverse relations (``year.milestones``) from it.
PublishableManager = models.Manager.from_queryset(PublishableQuerySet)
