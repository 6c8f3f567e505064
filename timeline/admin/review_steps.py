"""The review steps and who hears of them: an editor submits a draft with a message; a
publisher publishes it (now or at a set time) or returns it with a comment.

Each step saves the record with a revision whose comment says what happened (its History
page), and may e-mail the people concerned: publishers on a submission, the editor who
submitted on a decision (``REVIEW_EMAIL``; console in development, SMTP by environment:
hrcity/settings.py). Who may take which step is the admin's to check (review.py).
"""

import datetime
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.text import capfirst
from django.utils.translation import gettext, override

from timeline.history import record_revision
from timeline.models import Editorial, ReviewState
from timeline.permissions import PUBLISHED_FIELD, publish_permission

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


def when(moment: datetime.datetime) -> str:
    return str(localize(timezone.localtime(moment)))


def one_full_stop(sentence: str) -> str:
    """``sentence``, which ends with ``when(...)`` and a full stop, with one full stop only:
    an English time ends with its own ("3:07 a.m."), and English takes no second one."""
    return sentence[:-1] if sentence.endswith("..") else sentence


# --- the steps ------------------------------------------------------------------------


def submit(obj: Editorial, user: "User", message: str) -> None:
    """An editor asks for review: ``obj`` waits for a publisher, with ``message``."""
    obj.review_state = ReviewState.IN_REVIEW
    obj.review_note = message
    obj.submitted_by = user
    comment = gettext("Submitted for review.")
    save_step(obj, user, f"{comment} {message}".strip())


def publish(
    obj: Editorial,
    user: "User",
    comment: str,
    publish_at: datetime.datetime | None,
    withdraw_at: datetime.datetime | None,
) -> None:
    """A publisher approves: ``obj`` is published, from ``publish_at`` if given."""
    setattr(obj, PUBLISHED_FIELD, True)
    obj.publish_at, obj.withdraw_at = publish_at, withdraw_at
    obj.review_state = ReviewState.DRAFT
    obj.review_note = comment
    save_step(obj, user, f"{schedule_sentence(obj)} {comment}".strip())


def return_to_editor(obj: Editorial, user: "User", comment: str) -> None:
    """A publisher sends ``obj`` back with ``comment``, which the editor sees on it."""
    obj.review_state = ReviewState.RETURNED
    obj.review_note = comment
    returned = gettext("Returned to the editor:")
    save_step(obj, user, f"{returned} {comment}")


def save_step(obj: Editorial, user: "User", comment: str) -> None:
    with transaction.atomic():
        obj.save()
        record_revision([obj], user=user, comment=comment)


def schedule_sentence(obj: Editorial) -> str:
    """What publishing ``obj`` did to the public site, in a sentence."""
    now = timezone.now()
    if obj.publish_at and obj.publish_at > now:
        text = one_full_stop(
            gettext("Published after review; public from %(start)s.")
            % {"start": when(obj.publish_at)}
        )
    else:
        text = gettext("Published after review; public now.")
    if obj.withdraw_at:
        withdrawn = gettext("Withdrawn at %(end)s.") % {"end": when(obj.withdraw_at)}
        text += " " + one_full_stop(withdrawn)
    return text


# --- e-mail ---------------------------------------------------------------------------


def publishers(model: type[Model], superusers: bool = True) -> "QuerySet[User]":
    """Active staff who may publish ``model`` (by group or by their own permission; with
    ``superusers``, superusers too)."""
    app_label, codename = publish_permission(model).split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    may = Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    if superusers:
        may |= Q(is_superuser=True)
    users = get_user_model().objects.filter(may, is_active=True, is_staff=True)
    return users.distinct()


def notify(recipients: Iterable["User"], subject: str, lines: list[str]) -> None:
    """Send the people concerned a short e-mail, if review e-mail is on; never fail a step."""
    addresses = sorted({user.email for user in recipients if user.email})
    if not addresses or not getattr(settings, "REVIEW_EMAIL", True):
        return
    try:
        send_mail(subject, "\n\n".join(lines), None, addresses)
    except Exception:
        logger.exception("Could not send the review e-mail %r", subject)


def record_line(obj: Editorial, request: HttpRequest) -> str:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    return f"{capfirst(opts.verbose_name)} “{obj}”: {request.build_absolute_uri(url)}"


def bilingual(text: "StrOrPromise", **values: str) -> str:
    """``text`` in Korean, then English: staff read either."""
    versions = []
    for language in ("ko", "en"):
        with override(language):
            versions.append(str(text) % values)
    return " / ".join(dict.fromkeys(versions))


def publisher_names(model: type[Model]) -> list[str]:
    """Who may publish ``model``, by name: whom a read-only record tells the editor to ask
    (superusers, the site's administrators, are not whom staff ask)."""
    users = publishers(model, superusers=False).order_by("username")
    return [user.get_full_name() or user.get_username() for user in users]
