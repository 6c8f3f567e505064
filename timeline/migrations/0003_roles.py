"""The two staff roles, as groups: Editor and Publisher (see timeline/permissions.py).

Editor: add, change and view every record of the timeline; no delete, no publish.
Publisher: everything, delete and publish/unpublish included.

The lists are written out here, not imported, so that this migration keeps meaning what
it meant when it was written. Running it again sets the same permissions; reversing it
removes the two groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["theme", "year", "initiative", "policy", "institution", "milestone", "milestonesource"]
PUBLISHABLE = ["theme", "year", "initiative", "policy", "institution", "milestone"]

EDITOR = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
PUBLISHER = [
    *EDITOR,
    *(f"delete_{model}" for model in MODELS),
    *(f"publish_{model}" for model in PUBLISHABLE),
]
ROLES = {"Editor": EDITOR, "Publisher": PUBLISHER}


def create_timeline_permissions(apps, using):
    # Django creates permissions after all migrations have run (post_migrate), too late for
    # the groups below. create_permissions skips an app without a models module, and the
    # migration's historical app config has none; lend it one for the call.
    app_config = apps.get_app_config("timeline")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    finally:
        app_config.models_module = models_module


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    create_timeline_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        permissions = list(
            Permission.objects.using(using).filter(
                content_type__app_label="timeline", codename__in=codenames
            )
        )
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise RuntimeError(f"Permissions missing for the {name} group: {sorted(missing)}")
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0002_publish_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
    ]
