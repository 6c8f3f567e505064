"""Import and export: the CSV contract in code.

One django-import-export resource per model declares the columns, in file order. The
library's per-row import (a query or more per row, unknown many-to-many slugs silently
dropped, exception names on screen) is replaced by the engine in ``importing.py``,
behind the same ``Resource.import_data()`` / ``Resource.export()`` API, so the
library's admin views work unchanged. The import is all-or-nothing: every problem is
reported with its line (as Excel numbers it), column, value and a plain reason, and if
there is any, nothing is written.

Column rules that a person editing the file should know:

* ``slug`` (``year`` for years) identifies the record: a known slug updates it, an
  empty one creates a new record whose slug is made from its English name/title
  (``milestone-2014``, ``initiative-2`` ... when there is only Korean text).
* A column left out of the file leaves that field alone; an empty cell clears a text,
  but keeps the current value of ``order`` and ``is_published`` (new records: default).
* ``themes``: theme slugs separated by ``|``. ``sources``: entries separated by ``|``,
  each ``label <url>`` or just ``label``; a ``|`` or ``\\`` inside a label is written
  ``\\|`` or ``\\\\``.
* ``initiative`` / ``policy`` / ``institution``: a milestone names exactly one of them.
* Booleans: true/false, 1/0, yes/no, y/n, 예/아니오. Dates: YYYY-MM-DD (2014. 5. 18. too).

Public API (for the admin, the public export views and the commands):
``RESOURCES``, ``MODEL_KEYS``, ``resource_for(key)``, ``export_rows(key, queryset)``,
``export_file(key, queryset, file_type)``, ``export_filename(key, file_type)``,
``import_file(key, data, filename=..., dry_run=..., user=..., progress=...)``,
``import_table(...)``; ``ImportReport`` is what an import returns.

Who imports (``user``; None is the operator on the command line) matters twice: someone
who may not publish imports drafts only (rows that would publish, or change a published
record, are refused: ``Importer.check_roles``), and a committed import is one revision in
the history with their name and the file's (``import_history``).
"""

from pathlib import Path

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from timeline.models import Initiative, Institution, Milestone, Policy, Theme, Year
from timeline.transfer import spreadsheets
from timeline.transfer.importing import (
    BooleanColumn,
    ChoiceColumn,
    Column,
    DateColumn,
    Importer,
    ImportReport,
    IntegerColumn,
    ManyColumn,
    Pending,
    PlainError,
    RelatedColumn,
    SourcesColumn,
    TextColumn,
    format_sources,
    missing_translation_message,
)


class SourcesWidget(widgets.Widget):
    """The library-side view of the ``sources`` column (admin field lists, stock export)."""

    def clean(self, value, row=None, **kwargs):
        return SourcesColumn("sources").parse(value, None) if value else ()

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return format_sources(
            (citation.source.title, citation.source.url)
            for citation in value.select_related("source")
        )


class SourcesField(fields.Field):
    """The ``sources`` column for the library; an unsaved milestone has no sources yet."""

    def get_value(self, instance):
        return None if instance.pk is None else super().get_value(instance)


# --- Resources --------------------------------------------------------------------


class TimelineResource(resources.ModelResource):
    """A model's columns (``Meta.fields``, in file order) and the engine behind them."""

    model_key = ""
    key_column = "slug"
    header_one_of = ()  # groups of columns of which new records need at least one
    linked_columns = ()  # groups of columns that together hold one value
    slug_sources = ()  # attnames a new record's slug is made from, in order of preference
    generates_keys = True  # a row without a key is a new record with a key made for it

    class Meta:
        skip_unchanged = True
        report_skipped = True

    # Columns -------------------------------------------------------------------

    @classmethod
    def get_columns(cls):
        if "_columns" not in cls.__dict__:
            cls._columns = cls._compile_columns()
        return cls._columns

    @classmethod
    def _compile_columns(cls):
        model = cls._meta.model
        columns = []
        for name in cls._meta.fields:
            resource_field = cls.fields[name]
            widget = resource_field.widget
            if isinstance(widget, SourcesWidget):
                columns.append(SourcesColumn(name))
                continue
            model_field = model._meta.get_field(resource_field.attribute)
            if isinstance(widget, widgets.ManyToManyWidget):
                columns.append(ManyColumn(name, model_field, widget.field))
            elif isinstance(model_field, models.ForeignKey):
                key = getattr(widget, "field", None) or model_field.target_field.attname
                columns.append(RelatedColumn(name, model_field, key))
            elif isinstance(model_field, models.BooleanField):
                columns.append(BooleanColumn(name, model_field))
            elif isinstance(model_field, models.DateField):
                columns.append(DateColumn(name, model_field))
            elif isinstance(model_field, models.IntegerField):
                columns.append(IntegerColumn(name, model_field))
            elif model_field.choices:
                columns.append(ChoiceColumn(name, model_field))
            else:
                columns.append(TextColumn(name, model_field))
        by_name = {column.name: column for column in columns}
        for group in cls.linked_columns:
            for name in group:
                by_name[name].siblings = tuple(by_name[other] for other in group if other != name)
        return columns

    @classmethod
    def key_attname(cls):
        return next(c for c in cls.get_columns() if c.name == cls.key_column).attname

    @classmethod
    def scalar_attnames(cls):
        return [column.attname for column in cls.get_columns() if not column.external]

    @classmethod
    def scalar_attname_set(cls):
        return frozenset(cls.scalar_attnames())

    @classmethod
    def new_record_defaults(cls):
        defaults = {}
        for column in cls.get_columns():
            if column.external:
                defaults[column.name] = ()
            else:
                default = column.field.get_default()
                if default is None and isinstance(column, TextColumn) and not column.field.null:
                    default = ""
                defaults[column.attname] = default
        return defaults

    # Checks a subclass adds ----------------------------------------------------

    def check_row(self, values, existing, problem):
        """Rules across a row's columns; ``problem(columns, message)`` reports one."""

    def check_rows(self, rows, importer):
        """Rules across rows (e.g. loops); rows have ``merged`` values."""

    def prepare_new(self, rows, importer):
        """Fill values new records need that the file left empty."""

    def fallback_slug(self, values):
        return self._meta.model._meta.model_name

    # The library's API ---------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """Import a tablib Dataset all-or-nothing; returns the library's ``Result``.

        ``user`` and ``file_name`` (the library's admin passes both) work as in ``import_table``.
        """
        report = self.import_table(
            list(dataset.headers or []),
            [list(row) for row in dataset],
            dry_run=dry_run,
            encoding=getattr(dataset, "source_encoding", ""),
            user=kwargs.get("user"),
            filename=kwargs.get("file_name") or "",
        )
        return report.to_library_result()

    def import_table(
        self, headers, rows, dry_run=False, progress=None, encoding="", user=None, filename=""
    ):
        """Import cells already read (``rows[i]`` is line i + 2); ``encoding``: the file's.

        ``user``: who imports. Their role limits what the file may do (an editor imports
        drafts only) and a committed import is recorded in the history in their name, with
        ``filename`` in its comment. None: the operator (command line), unrestricted.
        """
        importer = Importer(self, headers, rows, dry_run, progress, encoding, user, filename)
        return importer.run()

    def export(self, queryset=None, **kwargs):
        """A tablib Dataset of the queryset (default: every record), in file columns."""
        import tablib

        headers, rows = self.export_rows(queryset, kwargs.get("export_fields"))
        dataset = tablib.Dataset(headers=headers)
        for row in rows:
            dataset.append(row)
        return dataset

    def export_rows(self, queryset=None, selected=None):
        columns = self.get_columns()
        if selected:
            columns = [column for column in columns if column.name in selected]
        model = self._meta.model
        queryset = model.objects.all() if queryset is None else queryset
        queryset = queryset.prefetch_related(None)
        scalar = [column for column in columns if not column.external]
        records = list(queryset.values_list("pk", *(column.export_path for column in scalar)))
        external = [column for column in columns if column.external]
        maps = {}
        if external:
            if queryset.query.is_sliced:
                owners = [record[0] for record in records]
            else:
                owners = queryset.order_by().values("pk")
            maps = {column.name: column.export_map(owners) for column in external}
        plan, position = [], 1
        for column in columns:
            if column.external:
                plan.append((None, maps[column.name], None))
            else:
                convert = column.export_value
                if type(column).export_value is Column.export_value:
                    convert = None
                plan.append((position, None, convert))
                position += 1
        rows = [
            [
                (convert(record[index]) if convert else record[index])
                if index is not None
                else mapping.get(record[0], "")
                for index, mapping, convert in plan
            ]
            for record in records
        ]
        return [column.name for column in columns], rows

    def get_error_result_class(self):
        return PlainError

    # The library's own per-row import stays usable (bench/ compares against it): it
    # cannot assign a reverse relation, so sources are saved after the record.
    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if not isinstance(field.widget, SourcesWidget):
            super().import_field(field, instance, row, is_m2m, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        for resource_field in self.get_import_fields():
            name = resource_field.column_name
            if isinstance(resource_field.widget, SourcesWidget) and name in row:
                pairs = resource_field.widget.clean(row[name])
                SourcesColumn(name).replace([(instance.pk, pairs)], [instance.pk])


def _themes_field(model):
    return fields.Field(
        attribute="themes",
        column_name="themes",
        widget=widgets.ManyToManyWidget(model, separator="|", field="slug"),
    )


def _ref(attribute, model, key="slug"):
    return fields.Field(
        attribute=attribute, column_name=attribute, widget=widgets.ForeignKeyWidget(model, key)
    )


def _either_language(values, field_name, problem):
    if not (values.get(f"{field_name}_ko") or values.get(f"{field_name}_en")):
        problem((f"{field_name}_ko", f"{field_name}_en"), missing_translation_message(field_name))


class ThemeResource(TimelineResource):
    model_key = "themes"
    header_one_of = (("name_ko", "name_en"),)
    slug_sources = ("name_en",)

    class Meta:
        model = Theme
        fields = (
            "slug",
            "name_ko",
            "name_en",
            "description_ko",
            "description_en",
            "order",
            "is_published",
        )
        import_id_fields = ("slug",)

    def check_row(self, values, existing, problem):
        _either_language(values, "name", problem)


class YearResource(TimelineResource):
    model_key = "years"
    key_column = "year"
    generates_keys = False

    class Meta:
        model = Year
        fields = ("year", "headline_ko", "headline_en", "summary_ko", "summary_en", "is_published")
        import_id_fields = ("year",)


class SubjectResource(TimelineResource):
    header_one_of = (("name_ko", "name_en"),)
    slug_sources = ("name_en",)
    themes = _themes_field(Theme)

    def check_row(self, values, existing, problem):
        _either_language(values, "name", problem)

    def fallback_slug(self, values):
        return self._meta.model.KIND


SUBJECT_TEXT = ("summary_ko", "summary_en", "description_ko", "description_en")


class InitiativeResource(SubjectResource):
    model_key = "initiatives"

    class Meta:
        model = Initiative
        fields = (
            "slug",
            "name_ko",
            "name_en",
            "initiative_type",
            *SUBJECT_TEXT,
            "themes",
            "website",
            "is_published",
        )
        import_id_fields = ("slug",)


class PolicyResource(SubjectResource):
    model_key = "policies"

    class Meta:
        model = Policy
        fields = (
            "slug",
            "name_ko",
            "name_en",
            "policy_type",
            "period_start",
            "period_end",
            *SUBJECT_TEXT,
            "themes",
            "website",
            "is_published",
        )
        import_id_fields = ("slug",)

    def check_row(self, values, existing, problem):
        super().check_row(values, existing, problem)
        start, end = values.get("period_start"), values.get("period_end")
        if start and end and start > end:
            problem(("period_start", "period_end"), _("The period cannot end before it starts."))


class InstitutionResource(SubjectResource):
    model_key = "institutions"
    parent = _ref("parent", Institution)

    class Meta:
        model = Institution
        fields = (
            "slug",
            "name_ko",
            "name_en",
            "institution_type",
            "parent",
            *SUBJECT_TEXT,
            "themes",
            "website",
            "is_published",
        )
        import_id_fields = ("slug",)

    def check_rows(self, rows, importer):
        """No institution may end up above itself, however long the chain of parents."""
        if not any(c.name == "parent" for i, c in importer.present):
            return
        parent_of = {}
        slug_of = {}
        for pk, slug, parent_id in Institution._base_manager.values_list("pk", "slug", "parent_id"):
            slug_of[pk] = slug
            parent_of[slug] = parent_id
        parent_of = {slug: slug_of.get(parent_id) for slug, parent_id in parent_of.items()}
        for row in rows:
            parent = row.merged.get("parent_id")
            key = row.key or f"line {row.line}"
            parent_of[key] = parent.key if isinstance(parent, Pending) else slug_of.get(parent)
        for row in rows:
            key = row.key or f"line {row.line}"
            chain, current = [key], parent_of.get(key)
            while current and current not in chain and len(chain) < 1000:
                chain.append(current)
                current = parent_of.get(current)
            if current == key:
                index = next(i for i, c in importer.present if c.name == "parent")
                message = (
                    _("An institution cannot be its own parent.")
                    if len(chain) == 1
                    else _("These parents make a loop: %(chain)s.")
                    % {"chain": " → ".join([*chain, key])}
                )
                importer.report.add(row.line, "parent", row.raw[index], message)
                importer.report.invalid_raw[row.line] = row.raw
                row.ok = False


MILESTONE_SUBJECTS = ("initiative", "policy", "institution")


class MilestoneResource(TimelineResource):
    model_key = "milestones"
    header_one_of = (("title_ko", "title_en"), MILESTONE_SUBJECTS)
    linked_columns = (MILESTONE_SUBJECTS,)
    slug_sources = ("title_en",)

    year = _ref("year", Year, "year")
    initiative = _ref("initiative", Initiative)
    policy = _ref("policy", Policy)
    institution = _ref("institution", Institution)
    sources = SourcesField(attribute="citations", column_name="sources", widget=SourcesWidget())

    class Meta:
        model = Milestone
        fields = (
            "year",
            "order",
            "slug",
            "date",
            "date_precision",
            "title_ko",
            "title_en",
            "summary_ko",
            "summary_en",
            "note_ko",
            "note_en",
            *MILESTONE_SUBJECTS,
            "sources",
            "is_published",
        )
        import_id_fields = ("slug",)

    def check_row(self, values, existing, problem):
        _either_language(values, "title", problem)
        chosen = [name for name in MILESTONE_SUBJECTS if values.get(f"{name}_id") is not None]
        if len(chosen) != 1:
            problem(
                MILESTONE_SUBJECTS,
                _("Name exactly one subject: an initiative, a policy or an institution.")
                if not chosen
                else _(
                    "Name only one subject: an initiative, a policy or an institution, not %(count)d."
                )
                % {"count": len(chosen)},
            )
        if values.get("date") and not values.get("date_precision"):
            problem("date_precision", _("Say how precise the date is: year, month or day."))
        if values.get("date_precision") and not values.get("date"):
            problem("date", _("Enter the date, or clear its precision."))

    def prepare_new(self, rows, importer):
        """A new milestone without an order goes after the others of its year."""
        if not any(row.merged.get("order") is None for row in rows):
            return
        last = dict(
            Milestone._base_manager.values("year_id")
            .annotate(last=models.Max("order"))
            .values_list("year_id", "last")
        )
        for row in importer.rows:
            if row.ok and row.merged and row.merged.get("order") is not None:
                year = row.merged["year_id"]
                last[year] = max(last.get(year, 0), row.merged["order"])
        for row in rows:
            if row.merged.get("order") is None:
                year = row.merged["year_id"]
                last[year] = last.get(year, 0) + 1
                row.merged["order"] = last[year]

    def fallback_slug(self, values):
        return f"milestone-{values.get('year_id')}"

    @classmethod
    def new_record_defaults(cls):
        # No order yet: prepare_new puts the milestone after the others of its year.
        return {**super().new_record_defaults(), "order": None}


# --- Public API -------------------------------------------------------------------

# In dependency order: importing in this order into an empty database always works.
RESOURCES = {
    "themes": ThemeResource,
    "years": YearResource,
    "institutions": InstitutionResource,
    "policies": PolicyResource,
    "initiatives": InitiativeResource,
    "milestones": MilestoneResource,
}
MODEL_KEYS = tuple(RESOURCES)


class UnknownModel(ValueError):
    def __init__(self, key):
        super().__init__(
            _("Unknown model “%(key)s”. Choose one of: %(keys)s.")
            % {"key": key, "keys": ", ".join(MODEL_KEYS)}
        )


def resource_for(model_key):
    """The resource instance for ``years``, ``themes``, ... (``UnknownModel`` otherwise)."""
    try:
        return RESOURCES[model_key]()
    except KeyError:
        raise UnknownModel(model_key) from None


def export_rows(model_key, queryset=None):
    """(headers, rows) for these records (default: all of them, published or not).

    Rows hold native values (int, bool, date, str); the writers turn them into cells.
    """
    return resource_for(model_key).export_rows(queryset)


def export_file(model_key, queryset=None, file_type="csv"):
    """The file's bytes: ``csv`` (UTF-8 with BOM), ``xlsx`` or ``json`` (array of objects)."""
    headers, rows = export_rows(model_key, queryset)
    writer, _content_type = spreadsheets.WRITERS[file_type]
    if file_type == "xlsx":
        return writer(headers, rows, title=model_key)
    return writer(headers, rows)


def content_type(file_type):
    return spreadsheets.WRITERS[file_type][1]


def export_filename(model_key, file_type="csv"):
    return f"{model_key}-{timezone.localdate().isoformat()}.{file_type}"


def import_table(
    model_key, headers, rows, *, dry_run=False, progress=None, encoding="", user=None, filename=""
):
    """Import already-read cells (``rows[i]`` is line i + 2); returns an ``ImportReport``."""
    return resource_for(model_key).import_table(
        headers, rows, dry_run, progress, encoding, user, filename
    )


def import_file(model_key, data, *, filename="", dry_run=False, user=None, progress=None):
    """Import a CSV or XLSX file's bytes, all-or-nothing; returns an ``ImportReport``.

    A file we cannot read gives a report with one problem and no rows. ``user`` is who
    imports (None: the operator): an editor may only add drafts and change drafts. A
    committed import is recorded as one revision in the history (with ``user`` and the
    file name) and, with a user, in the admin's log.
    """
    resource = resource_for(model_key)
    try:
        table = spreadsheets.read_table(data, filename=filename)
    except spreadsheets.SpreadsheetError as error:
        report = ImportReport(model_key, resource, dry_run)
        report.add(None, "", "", error.message)
        return report
    return resource.import_table(
        table.headers,
        table.rows,
        dry_run=dry_run,
        progress=progress,
        encoding=table.encoding,
        user=user,
        filename=Path(filename).name if filename else "",
    )
