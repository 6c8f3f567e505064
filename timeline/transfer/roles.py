"""Who may import what: someone who may not publish (an editor) imports drafts only.

The rule is timeline.permissions', shared with the admin's forms. A new record is a draft
unless the file says it is published: that row is refused, as is any row that would
change a published record or publish a draft. Refused, not quietly changed: the person
learns which rows need a publisher, and the import stays all-or-nothing.
"""

from django.utils.translation import gettext as _

from timeline import permissions
from timeline.transfer import spreadsheets
from timeline.transfer.report import ImportReport
from timeline.transfer.writing import WriteSteps


# Typed against WriteSteps, the importer state that the pipeline's Importer inherits: the
# pipeline calls this module, so naming the Importer here would import it back.
def refuse_what_needs_a_publisher(importer: WriteSteps) -> None:
    """Report the planned rows only a publisher may import, and drop them from the plan."""
    user, model = importer.user, importer.model
    flag = permissions.PUBLISHED_FIELD
    if user is None or not any(f.name == flag for f in model._meta.concrete_fields):
        return
    if permissions.can_publish(user, model):
        return
    flag_index, flag_column = next(
        ((i, c) for i, c in importer.present if c.attname == flag), (None, None)
    )
    report = importer.report

    def cell(line: int) -> object:
        """The flag's cell on ``line``, as the file has it (rows do not keep their cells)."""
        assert flag_index is not None  # only asked where the file has the flag's column
        return importer.cells(line)[flag_index]

    allowed = []
    for outcome in report.rows:
        problems_before = len(report.problems)
        if outcome.action == ImportReport.NEW and outcome.values.get(flag):
            if (
                flag_index is not None
                and flag_column is not None
                and flag_column.parse(spreadsheets.restore(cell(outcome.line)), None)
            ):
                report.add(outcome.line, flag, cell(outcome.line), publish_message())
            else:
                outcome.values[flag] = False  # the model's default: a draft all the same
        elif outcome.action == ImportReport.UPDATE:
            assert outcome.old is not None
            if not permissions.may_change(user, importer.instance(outcome.old)):
                report.add(
                    outcome.line,
                    ", ".join(outcome.changed),
                    "",
                    _(
                        "“%(key)s” is published, and only a publisher can change a "
                        "published record. Leave this row out of the file, or ask a "
                        "publisher to import it."
                    )
                    % {"key": outcome.key},
                )
            elif flag in outcome.changed and outcome.values.get(flag):
                report.add(outcome.line, flag, cell(outcome.line), publish_message())
        if len(report.problems) > problems_before:
            report.invalid_raw[outcome.line] = importer.cells(outcome.line)
        else:
            allowed.append(outcome)
    report.rows = allowed


def publish_message() -> str:
    return _(
        "Only a publisher can publish. Leave this cell empty or write false: the record "
        "is then imported as a draft, for a publisher to review."
    )
