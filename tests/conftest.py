import pytest

from timeline.permissions import EDITOR_GROUP, PUBLISHER_GROUP

from .admin_helpers import client_for, staff_member


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so a cached page never hides a change."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor():
    """A staff member in the Editor group (created by the roles migration)."""
    return staff_member(EDITOR_GROUP)


@pytest.fixture
def as_editor(editor):
    return client_for(editor)


@pytest.fixture
def as_publisher():
    return client_for(staff_member(PUBLISHER_GROUP))
