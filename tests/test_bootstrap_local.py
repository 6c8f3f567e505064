"""`make run` calls bootstrap_local: data into an empty local database, an admin account once."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from timeline.models import Evaluation, Milestone

from .factories import make_milestone

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="bootstrap_local acts only on the local SQLite default",
)


def bootstrap(**options):
    out = io.StringIO()
    # The assertions read the English messages; without this they come out in Korean.
    with translation.override("en"):
        call_command("bootstrap_local", stdout=out, **options)
    return out.getvalue()


def test_refuses_outside_local_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        bootstrap()
    assert not get_user_model().objects.exists()


@pytest.mark.slow
@on_sqlite
@override_settings(DEBUG=True)
def test_loads_gwangju_data_and_prints_a_one_time_password():
    output = bootstrap(port="8123")
    assert Milestone.objects.count() == 41
    # The Human Rights Index comes with it, so a fresh `make run` shows /ko/index/.
    assert Evaluation.objects.published().filter(data_year=2019).exists()
    assert "http://127.0.0.1:8123/admin/" in output
    password = output.split("password: ")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)

    again = bootstrap()
    assert "password:" not in again
    assert get_user_model().objects.count() == 1
    assert Milestone.objects.count() == 41


@on_sqlite
@override_settings(DEBUG=True)
def test_leaves_a_database_with_records_alone():
    make_milestone(slug="kept")
    output = bootstrap()
    assert "not reloaded" in output
    assert list(Milestone.objects.values_list("slug", flat=True)) == ["kept"]
