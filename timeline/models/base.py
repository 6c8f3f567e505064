"""What every record shares: the year range, bilingual required text, publishing."""

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
