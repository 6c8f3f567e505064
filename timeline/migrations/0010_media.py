"""Images and documents attached to milestones and subjects (timeline/models/media.py).

The Editor and Publisher roles (0003_roles) get them as they got sources (0008): editors
add, change and view; publishers delete too. The lists are written out here, so that this
migration keeps meaning what it meant when it was written.
"""

import importlib

import django.db.models.deletion
import timeline.models.media
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MODELS = ["image", "document"]
EDITOR = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
ROLES = {"Editor": EDITOR, "Publisher": [*EDITOR, *(f"delete_{model}" for model in MODELS)]}


def grant_roles(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    using = schema_editor.connection.alias
    roles = importlib.import_module("timeline.migrations.0003_roles")
    roles.create_timeline_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.using(using).filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.using(using).filter(
                    content_type__app_label="timeline", codename__in=codenames
                )
            )


class Migration(migrations.Migration):

    dependencies = [
        ('timeline', '0009_slugs_in_any_case_and_source_url_characters'),
    ]

    operations = [
        migrations.CreateModel(
            name='Document',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('caption', models.TextField(blank=True, verbose_name='caption')),
                ('caption_ko', models.TextField(blank=True, null=True, verbose_name='caption')),
                ('caption_en', models.TextField(blank=True, null=True, verbose_name='caption')),
                ('credit', models.CharField(blank=True, help_text='Who made it or holds the rights, e.g. “Gwangju Metropolitan City”.', max_length=255, verbose_name='credit')),
                ('licence', models.CharField(choices=[('kogl-1', 'KOGL Type 1: source indication'), ('kogl-2', 'KOGL Type 2: source indication, no commercial use'), ('kogl-3', 'KOGL Type 3: source indication, no changes'), ('kogl-4', 'KOGL Type 4: source indication, no commercial use, no changes'), ('cc-by', 'CC BY 4.0'), ('cc-by-sa', 'CC BY-SA 4.0'), ('cc-by-nc', 'CC BY-NC 4.0'), ('cc-by-nd', 'CC BY-ND 4.0'), ('cc-by-nc-sa', 'CC BY-NC-SA 4.0'), ('cc-by-nc-nd', 'CC BY-NC-ND 4.0'), ('cc0', 'CC0: no rights reserved'), ('all-rights-reserved', 'All rights reserved')], default='kogl-1', help_text='The terms under which the public may reuse it.', max_length=20, verbose_name='licence')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('size', models.PositiveBigIntegerField(default=0, editable=False, verbose_name='size in bytes')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('file', models.FileField(help_text='A PDF, e.g. a White Paper or a scanned document.', max_length=255, upload_to='documents/', validators=[timeline.models.media.validate_pdf_file], verbose_name='PDF file')),
                ('title', models.CharField(blank=True, help_text='The link’s text on the public page. Required in Korean and in English.', max_length=300, verbose_name='title')),
                ('title_ko', models.CharField(blank=True, help_text='The link’s text on the public page. Required in Korean and in English.', max_length=300, null=True, verbose_name='title')),
                ('title_en', models.CharField(blank=True, help_text='The link’s text on the public page. Required in Korean and in English.', max_length=300, null=True, verbose_name='title')),
                ('initiative', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='timeline.initiative', verbose_name='initiative')),
                ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='timeline.institution', verbose_name='institution')),
                ('milestone', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='timeline.milestone', verbose_name='milestone')),
                ('policy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='timeline.policy', verbose_name='policy')),
            ],
            options={
                'verbose_name': 'document',
                'verbose_name_plural': 'documents',
                'ordering': ['order', 'pk'],
                'abstract': False,
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('milestone__isnull', False), ('initiative__isnull', True), ('institution__isnull', True), ('policy__isnull', True)), models.Q(('initiative__isnull', False), ('institution__isnull', True), ('milestone__isnull', True), ('policy__isnull', True)), models.Q(('policy__isnull', False), ('initiative__isnull', True), ('institution__isnull', True), ('milestone__isnull', True)), models.Q(('institution__isnull', False), ('initiative__isnull', True), ('milestone__isnull', True), ('policy__isnull', True)), _connector='OR'), name='document_attached_to_exactly_one_record', violation_error_message='A file belongs to exactly one record: a milestone, an initiative, a policy or an institution.'), models.CheckConstraint(condition=models.Q(('title_ko__gt', ''), ('title_ko__isnull', False), ('title_en__gt', ''), ('title_en__isnull', False)), name='document_has_title_in_both_languages', violation_error_message='Enter the document’s title in Korean and in English.')],
            },
        ),
        migrations.CreateModel(
            name='Image',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('caption', models.TextField(blank=True, verbose_name='caption')),
                ('caption_ko', models.TextField(blank=True, null=True, verbose_name='caption')),
                ('caption_en', models.TextField(blank=True, null=True, verbose_name='caption')),
                ('credit', models.CharField(blank=True, help_text='Who made it or holds the rights, e.g. “Gwangju Metropolitan City”.', max_length=255, verbose_name='credit')),
                ('licence', models.CharField(choices=[('kogl-1', 'KOGL Type 1: source indication'), ('kogl-2', 'KOGL Type 2: source indication, no commercial use'), ('kogl-3', 'KOGL Type 3: source indication, no changes'), ('kogl-4', 'KOGL Type 4: source indication, no commercial use, no changes'), ('cc-by', 'CC BY 4.0'), ('cc-by-sa', 'CC BY-SA 4.0'), ('cc-by-nc', 'CC BY-NC 4.0'), ('cc-by-nd', 'CC BY-ND 4.0'), ('cc-by-nc-sa', 'CC BY-NC-SA 4.0'), ('cc-by-nc-nd', 'CC BY-NC-ND 4.0'), ('cc0', 'CC0: no rights reserved'), ('all-rights-reserved', 'All rights reserved')], default='kogl-1', help_text='The terms under which the public may reuse it.', max_length=20, verbose_name='licence')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('size', models.PositiveBigIntegerField(default=0, editable=False, verbose_name='size in bytes')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('file', models.FileField(help_text='JPEG, PNG, WebP or GIF. Location and camera details are removed when it is saved.', max_length=255, upload_to='images/', validators=[timeline.models.media.validate_image_file], verbose_name='image file')),
                ('alt_text', models.CharField(blank=True, help_text='What the image shows, for readers who cannot see it (screen readers, images turned off). Required in Korean and in English.', max_length=500, verbose_name='alternative text')),
                ('alt_text_ko', models.CharField(blank=True, help_text='What the image shows, for readers who cannot see it (screen readers, images turned off). Required in Korean and in English.', max_length=500, null=True, verbose_name='alternative text')),
                ('alt_text_en', models.CharField(blank=True, help_text='What the image shows, for readers who cannot see it (screen readers, images turned off). Required in Korean and in English.', max_length=500, null=True, verbose_name='alternative text')),
                ('width', models.PositiveIntegerField(default=0, editable=False, verbose_name='width')),
                ('height', models.PositiveIntegerField(default=0, editable=False, verbose_name='height')),
                ('renditions', models.JSONField(default=dict, editable=False)),
                ('initiative', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='timeline.initiative', verbose_name='initiative')),
                ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='timeline.institution', verbose_name='institution')),
                ('milestone', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='timeline.milestone', verbose_name='milestone')),
                ('policy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='timeline.policy', verbose_name='policy')),
            ],
            options={
                'verbose_name': 'image',
                'verbose_name_plural': 'images',
                'ordering': ['order', 'pk'],
                'abstract': False,
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('milestone__isnull', False), ('initiative__isnull', True), ('institution__isnull', True), ('policy__isnull', True)), models.Q(('initiative__isnull', False), ('institution__isnull', True), ('milestone__isnull', True), ('policy__isnull', True)), models.Q(('policy__isnull', False), ('initiative__isnull', True), ('institution__isnull', True), ('milestone__isnull', True)), models.Q(('institution__isnull', False), ('initiative__isnull', True), ('milestone__isnull', True), ('policy__isnull', True)), _connector='OR'), name='image_attached_to_exactly_one_record', violation_error_message='A file belongs to exactly one record: a milestone, an initiative, a policy or an institution.'), models.CheckConstraint(condition=models.Q(('alt_text_ko__gt', ''), ('alt_text_ko__isnull', False), ('alt_text_en__gt', ''), ('alt_text_en__isnull', False)), name='image_has_alt_text_in_both_languages', violation_error_message='Enter the alternative text in Korean and in English.')],
            },
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
