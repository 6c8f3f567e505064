"""Sources become records of their own: outlets, sources keyed by URL, and citations.

Each MilestoneSource (a bare label and an optional URL) becomes a citation of a Source:
the one with its URL, or, without a URL, the one with its label as title, so a label that
several milestones share is one source. The label is kept as the title, marked as our
description (``title_is_label``), and every converted source goes under one outlet,
"unknown", for staff to assign (a label rarely names its outlet reliably). Reversing turns
each citation back into a label and URL.

The Editor and Publisher roles (0003_roles) get the new models: editors add, change and
view; publishers delete too. What named the removed model goes with it: its content type,
its permissions (held by the roles) and the versions of it kept in the history, or a
backup of the database (dumpdata) could not be loaded into a fresh one. A milestone's
earlier versions then hold no sources; its labels live on as the sources' titles.
"""

import importlib

import django.db.models.deletion
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db import migrations, models
from django.db.migrations.state import StateApps

UNKNOWN_OUTLET = {
    "slug": "unknown",
    "name": "발행처 미상",
    "name_ko": "발행처 미상",
    "name_en": "Unknown outlet",
}
MODELS = ["outlet", "source", "citation"]
EDITOR = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
ROLES = {"Editor": EDITOR, "Publisher": [*EDITOR, *(f"delete_{model}" for model in MODELS)]}


def sources_from_labels(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    using = schema_editor.connection.alias
    MilestoneSource = apps.get_model("timeline", "MilestoneSource")
    Outlet = apps.get_model("timeline", "Outlet")
    Source = apps.get_model("timeline", "Source")
    Citation = apps.get_model("timeline", "Citation")
    rows = MilestoneSource.objects.using(using).order_by("milestone_id", "order", "id")
    if not rows.exists():
        return
    outlet, _created = Outlet.objects.using(using).get_or_create(
        slug=UNKNOWN_OUTLET["slug"], defaults=UNKNOWN_OUTLET
    )
    sources, cited = {}, set()
    for row in rows.iterator():
        key = ("url", row.url) if row.url else ("title", row.label)
        if key not in sources:
            sources[key] = Source.objects.using(using).create(
                outlet=outlet, url=row.url, title=row.label, title_is_label=True
            )
        pair = (row.milestone_id, sources[key].pk)
        if pair not in cited:  # a milestone cites a source once
            cited.add(pair)
            Citation.objects.using(using).create(
                milestone_id=row.milestone_id, source=sources[key], order=row.order
            )


def labels_from_sources(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    using = schema_editor.connection.alias
    MilestoneSource = apps.get_model("timeline", "MilestoneSource")
    Citation = apps.get_model("timeline", "Citation")
    citations = Citation.objects.using(using).filter(milestone__isnull=False)
    MilestoneSource.objects.using(using).bulk_create(
        MilestoneSource(
            milestone_id=citation.milestone_id,
            label=citation.source.title[:300],
            url=citation.source.url,
            order=citation.order,
        )
        for citation in citations.select_related("source")
    )


def forget_removed_model(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    using = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    removed = ContentType.objects.using(using).filter(app_label="timeline", model="milestonesource")
    Version.objects.using(using).filter(content_type__in=removed).delete()
    removed.delete()  # and, with it, its permissions and the roles' hold on them


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
        ("timeline", "0007_subject_sort_keys"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.CreateModel(
            name="Outlet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        allow_unicode=True, max_length=80, unique=True, verbose_name="slug"
                    ),
                ),
                ("name", models.CharField(blank=True, max_length=200, verbose_name="name")),
                (
                    "name_ko",
                    models.CharField(blank=True, max_length=200, null=True, verbose_name="name"),
                ),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=200, null=True, verbose_name="name"),
                ),
                ("website", models.URLField(blank=True, max_length=500, verbose_name="website")),
            ],
            options={
                "verbose_name": "outlet",
                "verbose_name_plural": "outlets",
                "ordering": ["slug"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("name_ko__gt", ""), ("name_ko__isnull", False)),
                            models.Q(("name_en__gt", ""), ("name_en__isnull", False)),
                            _connector="OR",
                        ),
                        name="outlet_has_name",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Source",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        blank=True,
                        help_text="The page's address. Leave it empty only for a document not online.",
                        max_length=500,
                        verbose_name="URL",
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        help_text="The headline or title as the page gives it.",
                        max_length=500,
                        verbose_name="title",
                    ),
                ),
                (
                    "title_is_label",
                    models.BooleanField(
                        default=False,
                        help_text="The page gives no title, so the title above is our description of it; public pages mark it as such.",
                        verbose_name="title is a description",
                    ),
                ),
                (
                    "published",
                    models.DateField(blank=True, null=True, verbose_name="publication date"),
                ),
                (
                    "date_precision",
                    models.CharField(
                        blank=True,
                        choices=[("year", "Year"), ("month", "Month"), ("day", "Day")],
                        help_text="How much of the publication date is known: only the year, the month, or the day.",
                        max_length=5,
                        verbose_name="date precision",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("ko", "Korean"), ("en", "English")],
                        default="ko",
                        max_length=2,
                        verbose_name="language",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("press", "Press"),
                            ("official", "Official"),
                            ("academic", "Academic"),
                            ("other", "Other"),
                        ],
                        default="press",
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "outlet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sources",
                        to="timeline.outlet",
                        verbose_name="outlet",
                    ),
                ),
            ],
            options={
                "verbose_name": "source",
                "verbose_name_plural": "sources",
                "ordering": [models.OrderBy(models.F("published"), nulls_last=True), "title", "id"],
            },
        ),
        migrations.CreateModel(
            name="Citation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "supports",
                    models.TextField(
                        blank=True,
                        help_text="The facts this source gives for the record: a date, a figure, a name.",
                        verbose_name="what it supports",
                    ),
                ),
                (
                    "supports_ko",
                    models.TextField(
                        blank=True,
                        help_text="The facts this source gives for the record: a date, a figure, a name.",
                        null=True,
                        verbose_name="what it supports",
                    ),
                ),
                (
                    "supports_en",
                    models.TextField(
                        blank=True,
                        help_text="The facts this source gives for the record: a date, a figure, a name.",
                        null=True,
                        verbose_name="what it supports",
                    ),
                ),
                (
                    "milestone",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations",
                        to="timeline.milestone",
                        verbose_name="milestone",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="citations",
                        to="timeline.source",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "citation",
                "verbose_name_plural": "citations",
                "ordering": ["milestone", "order", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["outlet", "published"], name="source_outlet_date_idx"),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.UniqueConstraint(
                condition=models.Q(("url", ""), _negated=True),
                fields=("url",),
                name="source_unique_url",
                violation_error_message="A source with this URL already exists: cite that one instead of adding it again.",
            ),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("published__isnull", True), ("date_precision", "")),
                    models.Q(
                        ("published__isnull", False),
                        ("date_precision__in", ["year", "month", "day"]),
                    ),
                    _connector="OR",
                ),
                name="source_date_has_precision",
                violation_error_message="A date needs its precision, and a precision its date.",
            ),
        ),
        migrations.AddConstraint(
            model_name="citation",
            constraint=models.CheckConstraint(
                condition=models.Q(("milestone__isnull", False)),
                name="citation_cites_exactly_one_record",
                violation_error_message="A citation belongs to exactly one cited record.",
            ),
        ),
        migrations.AddConstraint(
            model_name="citation",
            constraint=models.UniqueConstraint(
                fields=("milestone", "source"),
                name="citation_unique_per_milestone",
                violation_error_message="This milestone already cites this source.",
            ),
        ),
        migrations.RunPython(sources_from_labels, labels_from_sources),
        migrations.DeleteModel(
            name="MilestoneSource",
        ),
        migrations.RunPython(forget_removed_model, migrations.RunPython.noop),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
