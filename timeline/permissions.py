"""Who may publish: the one rule, for the admin, imports and anything else that writes.

Two roles, created as groups by migration 0003_roles:

- **Editor** adds and changes drafts (and their sources) and views everything. An editor
  cannot publish, unpublish or delete, and cannot change a record that is published:
  what the public sees changes only through a publisher.
- **Publisher** may do everything an editor may, and also publish, unpublish and delete.

Superusers may do everything. Each publishable model has its own permission,
``timeline.publish_<model>`` ("Can publish and unpublish ..."), so a site may also grant
publishing per model.
"""

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

PUBLISHED_FIELD = "is_published"
EDITOR_GROUP = "Editor"
PUBLISHER_GROUP = "Publisher"


def publish_permission(model: type[models.Model]) -> str:
    """The permission (``app_label.codename``) to publish and unpublish ``model``'s records."""
    opts = model._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def can_publish(user: "User | AnonymousUser | None", model: type[models.Model]) -> bool:
    """Whether ``user`` may publish and unpublish records of ``model``.

    Without it, records the user creates are drafts, and the published state of existing
    records stays as it is, whatever a form or a file says.
    """
    return user is not None and user.has_perm(publish_permission(model))


def may_change(user: "User | AnonymousUser | None", obj: models.Model) -> bool:
    """Whether ``user``, who may change ``obj``'s model, may change this record.

    Publishers may change any record; others only drafts. Judged on ``obj`` as stored:
    pass the record loaded from the database, not one a form or a file has changed.
    """
    return can_publish(user, type(obj)) or not getattr(obj, PUBLISHED_FIELD, False)
