"""The README's backup command, restored with loaddata, gives back every record unchanged."""

import json
import shlex
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command

from timeline.models import ImportJob, Milestone

# flush is a whole-database operation: on PostgreSQL it cannot run inside the test's
# transaction. serialized_rollback puts back what migrations created, for later tests.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "python manage.py dumpdata "
# What a backup may leave out: rebuilt by migrate (content types, permissions) or
# transient (sessions, login-failure counts). Everything else must come back.
REBUILT_OR_TRANSIENT = {"contenttypes", "auth.permission", "sessions", "axes"}


def documented_dumpdata():
    """The dumpdata arguments exactly as the README tells operators to type them."""
    lines = [
        line
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith(PREFIX)
    ]
    assert len(lines) == 1, "README.md should show one dumpdata command"
    return shlex.split(lines[0])[3:]


def snapshot():
    """Every backed-up model as sorted, natural-key serialised rows: what must survive.
    Natural keys, because permissions and content types are rebuilt with new ids. JSON,
    because Django's JSON encoder keeps times to the millisecond, and that is the
    precision a JSON backup promises (README); pg_dump keeps microseconds."""
    rows = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or {meta.app_label, meta.label_lower} & REBUILT_OR_TRANSIENT:
            continue
        data = serializers.serialize(
            "json",
            model._base_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        rows[meta.label_lower] = sorted(json.dumps(row, sort_keys=True) for row in json.loads(data))
    return rows


def add_staff_records():
    """Users, groups with permissions, the admin's change log and import records (one still
    waiting with its file, bytes that JSON must carry): references by natural key."""
    editors = Group.objects.create(name="Backup test editors")
    editors.permissions.set(Permission.objects.filter(codename__in=["change_milestone"]))
    user = get_user_model().objects.create_user("restorer", password="x", is_staff=True)
    user.groups.add(editors)
    milestone = Milestone.objects.first()
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Milestone),
        object_id=str(milestone.pk),
        object_repr=str(milestone),
        action_flag=CHANGE,
        change_message="Changed title.",
    )
    ImportJob.objects.create(
        user=user,
        model_key="milestones",
        file_name="m.csv",
        size=5,
        file_type="csv",
        encoding="utf-8",
        data=b"\xef\xbb\xbfa\x00",
    )
    ImportJob.objects.create(
        user=user,
        model_key="themes",
        file_name="t.xlsx",
        size=9,
        file_type="xlsx",
        state=ImportJob.State.CONFIRMED,
    )


def test_restore_reproduces_every_record(tmp_path):
    call_command("loaddata", ROOT / "fixtures" / "gwangju.json", verbosity=0)
    add_staff_records()
    before = snapshot()
    # The comparison must cover the whole timeline, relations included.
    assert len(before["timeline.milestone"]) == 41
    assert before["timeline.citation"] and before["timeline.source"]
    assert len(before["timeline.importjob"]) == 2
    assert any(json.loads(row)["fields"]["themes"] for row in before["timeline.policy"])

    backup = tmp_path / "backup.json"
    args = documented_dumpdata()
    args[args.index("-o") + 1] = str(backup)
    call_command("dumpdata", *args, verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    assert not Milestone.objects.exists()

    call_command("loaddata", backup, verbosity=0)
    assert snapshot() == before
