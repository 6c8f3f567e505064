"""Stored directory sort keys for subjects (timeline/models/sort_keys.py), filled for
existing rows here; from now on every save computes them."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from timeline.models.sort_keys import name_sort_key


def fill_sort_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Historical models have no methods: the same rule as Subject.refresh_sort_keys.
    for model_name in ("Initiative", "Policy", "Institution"):
        model = apps.get_model("timeline", model_name)
        subjects = list(model.objects.all())
        for subject in subjects:
            subject.sort_key_ko = name_sort_key(subject.name_ko or subject.name_en or "", "ko")
            subject.sort_key_en = name_sort_key(subject.name_en or subject.name_ko or "", "en")
        model.objects.bulk_update(subjects, ["sort_key_ko", "sort_key_en"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0006_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="sort_key_en",
            field=models.CharField(blank=True, editable=False, max_length=384),
        ),
        migrations.AddField(
            model_name="initiative",
            name="sort_key_ko",
            field=models.CharField(blank=True, editable=False, max_length=384),
        ),
        migrations.AddField(
            model_name="institution",
            name="sort_key_en",
            field=models.CharField(blank=True, editable=False, max_length=384),
        ),
        migrations.AddField(
            model_name="institution",
            name="sort_key_ko",
            field=models.CharField(blank=True, editable=False, max_length=384),
        ),
        migrations.AddField(
            model_name="policy",
            name="sort_key_en",
            field=models.CharField(blank=True, editable=False, max_length=384),
        ),
        migrations.AddField(
            model_name="policy",
            name="sort_key_ko",
            field=models.CharField(blank=True, editable=False, max_length=384),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["is_published", "sort_key_ko", "slug"], name="initiative_ko_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["is_published", "sort_key_en", "slug"], name="initiative_en_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="institution",
            index=models.Index(
                fields=["is_published", "sort_key_ko", "slug"], name="institution_ko_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="institution",
            index=models.Index(
                fields=["is_published", "sort_key_en", "slug"], name="institution_en_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="policy",
            index=models.Index(
                fields=["is_published", "sort_key_ko", "slug"], name="policy_ko_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="policy",
            index=models.Index(
                fields=["is_published", "sort_key_en", "slug"], name="policy_en_order_idx"
            ),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop, elidable=False),
    ]
