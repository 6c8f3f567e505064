"""Preview links: a signed, expiring token naming one record, for staff to send each other.

The token says which record (model and id) and when it was made; ``TimestampSigner`` signs it
with the site's secret, so it cannot be forged or pointed at another record, and refuses it
after ``PREVIEW_LINK_MAX_AGE`` seconds. A token is not a pass: the preview page
(timeline/public/preview.py) still wants a signed-in staff member who may view the record.
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import override

SALT = "timeline.preview"
# Models whose records have a public page to preview.
PREVIEWABLE = ("milestone", "initiative", "policy", "institution", "year")


class PreviewLinkExpired(Exception):
    """The link was genuine but is older than PREVIEW_LINK_MAX_AGE."""


@dataclass(frozen=True)
class Target:
    model: type[Model]
    pk: int


def max_age() -> int:
    return int(getattr(settings, "PREVIEW_LINK_MAX_AGE", 7 * 24 * 60 * 60))


def is_previewable(obj: Model) -> bool:
    return obj._meta.app_label == "timeline" and obj._meta.model_name in PREVIEWABLE


def preview_token(obj: Model) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object([obj._meta.model_name, obj.pk])


def preview_url(obj: Model, language: str) -> str:
    """The preview page of ``obj`` in ``language`` ("ko" or "en")."""
    with override(language):
        return reverse("timeline:preview", kwargs={"token": preview_token(obj)})


def read_token(token: str) -> Target:
    """The record ``token`` names; ``PreviewLinkExpired`` if too old, ``signing.BadSignature``
    if forged, altered or naming no previewable model."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        model_name, pk = signer.unsign_object(token, max_age=max_age())
    except signing.SignatureExpired as expired:
        raise PreviewLinkExpired from expired
    if model_name not in PREVIEWABLE or not isinstance(pk, int):
        raise signing.BadSignature(token)
    return Target(apps.get_model("timeline", model_name), pk)
