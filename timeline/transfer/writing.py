"""The import's last step: every change in one transaction, with bulk queries.

New records are inserted with ``bulk_create``, changed fields saved by one parameterised
UPDATE run for every row (``update_rows``), many-to-many links and sources replaced in
bulk; parents that are new records of the same file are filled in afterwards. A committed
import is recorded in the same transaction: one revision in the history (who, when, what:
``versions``) and the admin's log, so the record and its history never disagree. If the
database refuses the bulk write, the rows are saved one by one (then rolled back) to say
which rows it refuses and why.

The publish rule holds under concurrency. ``roles`` checks the plan against the records as
they were read; between that read and the write a publisher may publish one of them. So
the transaction first locks the records it will change (``SELECT ... FOR UPDATE``, in
``hold_rows_being_changed``) and checks them again as locked: a record that someone may
not change any more refuses the whole import, and nothing is written. On PostgreSQL the
lock makes a publisher's later change of those rows wait until the import commits. SQLite
ignores FOR UPDATE but has one writer at a time: a publish committed before the re-check
is seen by it; one that tries after cannot commit while this transaction is open (it
waits, or one of the two gets "database is locked" and writes nothing), so the re-check
and the write see the same rows there too.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import DataError, IntegrityError, connections, models, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.signals import post_import

from timeline import permissions
from timeline.transfer import versions
from timeline.transfer.cells import BATCH_SIZE, chunks
from timeline.transfer.left_in_file import LeftInFile
from timeline.transfer.relations import Pending
from timeline.transfer.report import ImportReport, RowOutcome, database_message

if TYPE_CHECKING:
    from timeline.transfer.columns import Column

# Rows whose model instances exist at once while they are written (and logged).
WRITE_BATCH = BATCH_SIZE * 4


class WriteSteps:
    """The writing half of ``pipeline.Importer``; it reads the state the checks left."""

    model: type[models.Model]
    resource: Any
    report: ImportReport
    dry_run: bool
    # Called inside the write transaction once every row is written, before it commits:
    # what it writes commits with the import or not at all, and an exception from it rolls
    # the import back (a background job marks itself done there, or finds it was cancelled).
    on_written: Callable[[ImportReport], None] | None
    user: Any
    filename: str
    language: str
    present: list[tuple[int | None, "Column"]]
    scalar_attnames: frozenset[str]
    raw_rows: Sequence[list]
    # Which values of the rows stay in the file until a batch of them is written.
    left_in_file: LeftInFile

    @property
    def present_columns(self) -> list["Column"]:
        return [column for _index, column in self.present]

    def cells(self, line: int) -> list:
        """The cells of the file's ``line`` (as Excel numbers it), read again from the file:
        rows do not keep them, only reports of problems need them."""
        return self.raw_rows[line - 2]

    def write(self) -> None:
        """All changes in one transaction; rolled back for a dry run or any refusal."""
        outcomes = [row for row in self.report.rows if row.action != ImportReport.SKIP]
        if not outcomes:
            self.report.committed = not self.dry_run
            return
        try:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                if not self.hold_rows_being_changed(outcomes):
                    return  # nothing written yet: the empty transaction changes nothing
                if not self.dry_run:
                    updated = [r.values["pk"] for r in outcomes if r.action == ImportReport.UPDATE]
                    with translation.override(self.language):
                        comment = _("As it was before its first recorded change.")
                    versions.record_baseline(self.model, updated, comment)
                self._write(outcomes)
                if self.dry_run:
                    transaction.set_rollback(True)
                else:
                    self.record_history(outcomes)
                    if self.on_written is not None:
                        self.on_written(self.report)
        except (IntegrityError, DataError):
            self.locate_database_problems(outcomes)
            return
        if not self.dry_run:
            self.report.committed = True
            model = self.model
            transaction.on_commit(lambda: post_import.send(sender=None, model=model))

    def hold_rows_being_changed(self, outcomes: list[RowOutcome]) -> bool:
        """Lock the records this import changes; False (and reported) if one may not be now.

        Runs inside the write transaction, so the check and the write see the same rows.
        """
        flag = permissions.PUBLISHED_FIELD
        pks = [row.values["pk"] for row in outcomes if row.action == ImportReport.UPDATE]
        if not pks:
            return True
        has_flag = any(f.name == flag for f in self.model._meta.concrete_fields)
        published: set[Any] = set()
        for chunk in chunks(pks):
            # Every row is locked, so not filtered on the flag: FOR UPDATE holds only the
            # rows the query returns.
            # Only this table is locked (``of``), and unordered: a model ordered through a
            # nullable relation would otherwise join a table PostgreSQL cannot lock.
            locked = (
                self.model._base_manager.select_for_update(of=("self",))
                .filter(pk__in=chunk)
                .order_by()
            )
            if not has_flag:
                list(locked.values_list("pk"))  # a record without the flag is only locked
                continue
            published.update(
                pk for pk, is_published in locked.values_list("pk", flag) if is_published
            )
        if not published or self.user is None or permissions.can_publish(self.user, self.model):
            return True  # no user: the operator's command, with every right
        with translation.override(self.language):
            for row in outcomes:
                if row.values.get("pk") in published and row.action == ImportReport.UPDATE:
                    self.report.add(row.line, "", "", published_meanwhile_message(row.key))
                    self.report.invalid_raw[row.line] = self.cells(row.line)
        return False

    def history_comment(self, count: int) -> str:
        """“Import of 12 milestones from milestones.csv”, in the language of whoever imports."""
        opts = self.model._meta
        with translation.override(self.language):
            items = opts.verbose_name if count == 1 else opts.verbose_name_plural
            if self.filename:
                return ngettext(
                    "Import of %(count)d %(items)s from %(file)s",
                    "Import of %(count)d %(items)s from %(file)s",
                    count,
                ) % {"count": count, "items": items, "file": self.filename}
            return ngettext(
                "Import of %(count)d %(items)s from a file",
                "Import of %(count)d %(items)s from a file",
                count,
            ) % {"count": count, "items": items}

    def record_history(self, outcomes: list[RowOutcome]) -> None:
        comment = self.history_comment(len(outcomes))
        pks = [row.values["pk"] for row in outcomes]
        versions.record_revision(self.model, pks, self.user, comment)
        user = self.user
        if user is not None and user.is_authenticated:
            for action, flag in ((ImportReport.NEW, ADDITION), (ImportReport.UPDATE, CHANGE)):
                done = [row for row in outcomes if row.action == action]
                for batch in chunks(done, WRITE_BATCH):
                    with self.left_in_file.whole(batch):  # the log names each record
                        # django-stubs overload single_object on Literal[True] /
                        # Literal[False] only, so no overload takes a bool known at run
                        # time; Django does.
                        LogEntry.objects.log_actions(  # type: ignore[call-overload]
                            user.pk,
                            [self.instance(row.values) for row in batch],
                            flag,
                            change_message=comment,
                            single_object=len(done) == 1,
                        )

    def instance(self, values: dict) -> models.Model:
        """A model instance holding ``values``, built without the per-keyword work of __init__."""
        instance = self.model()
        scalar = self.scalar_attnames
        instance.__dict__.update(
            (key, value)
            for key, value in values.items()
            if key in scalar and not isinstance(value, Pending)
        )
        if "pk" in values:
            instance.pk = values["pk"]
        return instance

    def _write(self, outcomes: list[RowOutcome]) -> None:
        """Every row, a batch at a time: a batch's values left in the file are read again
        and its model instances made; both are dropped once it is written, and each row
        keeps its record's id (``values["pk"]``)."""
        model = self.model
        created = [row for row in outcomes if row.action == ImportReport.NEW]
        changed = [row for row in outcomes if row.action == ImportReport.UPDATE]
        for batch in chunks(created, WRITE_BATCH):
            with self.left_in_file.whole(batch):
                self.insert(batch)
        update_fields: set[str] = set()
        columns = {column.name: column for column in self.present_columns}
        for row in changed:
            for name in row.changed:
                column = columns[name]
                if column.attname and not isinstance(row.values.get(column.attname), Pending):
                    update_fields.add(column.field.name)
                    if column.translated_field is not None:
                        update_fields.add(column.translated_field.name)
        stamped = changed and any(f.name == "updated" for f in model._meta.concrete_fields)
        if stamped:
            update_fields.add("updated")
        now = timezone.now()
        for batch in chunks(changed, WRITE_BATCH):
            with self.left_in_file.whole(batch):
                instances = [self.instance(row.values) for row in batch]
            if stamped:
                for instance in instances:
                    instance.updated = now  # type: ignore[attr-defined]  # checked above
            update_rows(model, instances, update_fields)
            del instances
        self.resolve_pending(created + changed)
        # In the resource's order, whatever the file's: an evaluation's area notes are
        # written after the area results they annotate.
        order = {column.name: index for index, column in enumerate(self.resource.get_columns())}
        external = [column for column in self.present_columns if column.external]
        for column in sorted(external, key=lambda column: order[column.name]):
            touched = [row for row in created + changed if column.name in row.changed]
            column.replace(  # type: ignore[attr-defined]  # external columns replace
                [(row.values["pk"], row.values[column.name]) for row in touched],
                [row.values["pk"] for row in touched if row.action == ImportReport.UPDATE],
            )

    def insert(self, rows: Sequence[RowOutcome]) -> None:
        """Create these new records; each row's ``values["pk"]`` is then its record's id."""
        instances = [self.instance(row.values) for row in rows]
        self.model._base_manager.bulk_create(instances, batch_size=BATCH_SIZE)
        if any(instance.pk is None for instance in instances):
            key_attname = self.resource.key_attname()
            ids = dict(
                self.model._base_manager.filter(
                    **{f"{key_attname}__in": [row.key for row in rows]}
                ).values_list(key_attname, "pk")
            )
            for row, instance in zip(rows, instances, strict=True):
                instance.pk = ids[row.key]
        for row, instance in zip(rows, instances, strict=True):
            row.values["pk"] = instance.pk

    def resolve_pending(self, rows: list[RowOutcome]) -> None:
        """Fill in the parents that are new records of this file, now that they have ids."""
        pending = [
            (row, column)
            for row in rows
            for column in self.present_columns
            if column.attname and isinstance(row.values.get(column.attname), Pending)
        ]
        if not pending:
            return
        key_attname = self.resource.key_attname()
        keys = {row.values[column.attname].key for row, column in pending}
        ids = dict(
            self.model._base_manager.filter(**{f"{key_attname}__in": keys}).values_list(
                key_attname, "pk"
            )
        )
        fields_ = set()
        instances: dict[int, models.Model] = {}
        for row, column in pending:
            assert column.attname is not None  # a parent is a foreign key in the record's row
            instance = instances.setdefault(id(row), self.instance(row.values))
            setattr(instance, column.attname, ids[row.values[column.attname].key])
            fields_.add(column.field.name)
        update_rows(self.model, list(instances.values()), fields_)

    def locate_database_problems(self, outcomes: list[RowOutcome]) -> None:
        """The bulk write failed: save row by row (then roll back) to say which rows."""
        report = self.report
        refused = []
        columns = {column.name: column for column in self.present_columns}
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            for row in outcomes:
                with self.left_in_file.whole([row]):
                    instance = self.instance(row.values)
                try:
                    with transaction.atomic():
                        if row.action == ImportReport.NEW:
                            instance.save(force_insert=True)
                        else:
                            names = {
                                columns[name].field.name
                                for name in row.changed
                                if columns[name].attname
                            }
                            if names:
                                instance.save(update_fields=sorted(names))
                except (IntegrityError, DataError) as error:
                    refused.append((row, error))
            transaction.set_rollback(True)
        # Out of the override: messages in the language of the person importing.
        for row, refusal in refused:
            report.add(row.line, "", "", database_message(self.model, refusal))
            report.invalid_raw[row.line] = self.cells(row.line)
        if not refused:
            report.add(None, "", "", _("The database refused the import. Nothing was changed."))


def published_meanwhile_message(key: Any) -> str:
    return _(
        "“%(key)s” was published while this file was being imported, and only a publisher "
        "can change a published record. Nothing was imported: leave this row out of the "
        "file, or ask a publisher to import it."
    ) % {"key": key}


def update_rows(
    model: type[models.Model], instances: Iterable[models.Model], field_names: Iterable[str]
) -> None:
    """Save these fields of these instances: one parameterised UPDATE, run for every row.

    Django's bulk_update() builds a CASE expression per field and row and takes seconds
    for thousands of rows; executemany() of a plain UPDATE takes milliseconds.
    """
    instances = list(instances)
    field_names = sorted(field_names)
    if not instances or not field_names:
        return
    fields_: list[models.Field] = []
    for name in field_names:
        field_ = model._meta.get_field(name)
        assert isinstance(field_, models.Field)  # a column of the model's own table
        fields_.append(field_)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field_.column)} = %s" for field_ in fields_)
    pk = model._meta.pk
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    params = [
        [
            field_.get_db_prep_save(getattr(instance, field_.attname), connection)
            for field_ in fields_
        ]
        + [pk.get_db_prep_save(instance.pk, connection)]
        for instance in instances
    ]
    with connection.cursor() as cursor:
        for chunk in chunks(params, BATCH_SIZE * 4):
            cursor.executemany(sql, chunk)
