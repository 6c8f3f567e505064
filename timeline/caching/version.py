"""The content version: one token, replaced whenever any timeline record changes.

Every cached page and every remembered figure is stored under the token, so replacing it
retires all of them at once (O(1)); old entries simply expire. With Redis (``REDIS_URL``)
the token lives in Redis and all processes on all servers see it.
"""

import hashlib
import logging
import os
import tempfile
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from import_export.signals import post_import

logger = logging.getLogger(__name__)

VERSION_KEY = "timeline:content-version"


# --- The content version ----------------------------------------------------------------


def _new_token():
    return uuid.uuid4().hex


class SharedCacheVersion:
    """The token in the shared cache (Redis): every process on every server reads the same."""

    def get(self):
        token = cache.get(VERSION_KEY)
        if token is None:
            # A random first token, not 1: if Redis evicts the key, old pages are not revived.
            cache.add(VERSION_KEY, _new_token(), timeout=None)
            token = cache.get(VERSION_KEY)
        return token

    def bump(self):
        cache.set(VERSION_KEY, _new_token(), timeout=None)


class FileVersion:
    """The token in a small file: the local-memory cache is per process, the file is not."""

    def __init__(self, path):
        self.path = Path(path)

    def get(self):
        try:
            return self.path.read_text()
        except FileNotFoundError:
            # A new token rather than a fixed one: if the file is ever cleaned away, pages
            # cached before must not come back.
            self.bump()
            return self.path.read_text()

    def bump(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".version-")
        os.fchmod(handle, 0o644)  # workers and manage.py may run as different users
        with os.fdopen(handle, "w") as file:
            file.write(_new_token())
        os.replace(temporary, self.path)  # atomic: a reader sees the old or the new token


def default_version_file():
    """One file per database on this machine: processes sharing a database share the token."""
    database = connections[DEFAULT_DB_ALIAS].settings_dict
    identity = "|".join(
        str(database.get(part) or "") for part in ("ENGINE", "NAME", "HOST", "PORT")
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"hrcity-content-{digest}.version"


def content_version_store():
    if isinstance(caches["default"], LocMemCache | DummyCache):
        return FileVersion(
            getattr(settings, "PAGE_CACHE_VERSION_FILE", None) or default_version_file()
        )
    return SharedCacheVersion()


def content_version():
    return content_version_store().get()


def _bump():
    try:
        content_version_store().bump()
    except Exception:
        # A missed bump leaves pages stale for at most PAGE_CACHE_SECONDS; never fail a save.
        logger.exception("Could not invalidate the public page cache")


def content_changed(using=None, **kwargs):
    """Retire every cached public page: now, and again once the change is committed.

    The second bump matters: a page rendered between the first bump and the commit still
    shows the old data, and must not outlive the commit.
    """
    _bump()
    connection = connections[using or DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        transaction.on_commit(_bump, using=using or DEFAULT_DB_ALIAS)


def _on_model_change(sender, using=None, **kwargs):
    content_changed(using=using)


def _on_m2m_change(sender, action, using=None, **kwargs):
    if action.startswith("post_"):
        content_changed(using=using)


def _on_import(sender, model=None, **kwargs):
    content_changed()


def connect_signals():
    """Any change to any timeline record invalidates the public pages (TimelineConfig.ready)."""
    for model in apps.get_app_config("timeline").get_models():
        uid = f"page-cache-{model._meta.label_lower}"
        post_save.connect(_on_model_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_model_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _on_m2m_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m"
            )
    post_import.connect(_on_import, dispatch_uid="page-cache-import")
