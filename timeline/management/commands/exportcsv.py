"""``python manage.py exportcsv MODEL [-o FILE] [--format csv|xlsx]``: every record, for staff."""

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from timeline.transfer import resources, spreadsheets


class Command(BaseCommand):
    help = (
        "Export every record of a model, published or not, in the import's columns: "
        "CSV (UTF-8 with BOM, for Excel) or XLSX. MODEL is one of: "
        + ", ".join(resources.MODEL_KEYS)
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model", help=", ".join(resources.MODEL_KEYS))
        parser.add_argument("-o", "--output", help="File to write; standard output if left out.")
        parser.add_argument(
            "--format",
            choices=("csv", "xlsx"),
            help="csv or xlsx; by default taken from the file name, else csv.",
        )

    def handle(
        self,
        *args: Any,
        model: str,
        output: str | None = None,
        format: str | None = None,
        **options: Any,
    ) -> None:
        try:
            resource = resources.resource_for(model)
        except resources.UnknownModel as error:
            raise CommandError(str(error)) from None
        file_type = format or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
        headers, rows = resource.export_rows()
        writer, _content_type = spreadsheets.WRITERS[file_type]
        data = writer(headers, rows, title=model) if file_type == "xlsx" else writer(headers, rows)
        if output:
            try:
                Path(output).write_bytes(data)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}") from None
            self.stderr.write(f"{model}: {len(rows)} records written to {output}")
            return
        self.write_stdout(data, file_type)

    def write_stdout(self, data: bytes, file_type: str) -> None:
        # The stream OutputWrapper wraps: private, so the stubs type it by the wrapper's
        # __getattr__ (a Callable).
        stream = cast(TextIO, self.stdout._out)
        if file_type == "xlsx" and stream.isatty():
            raise CommandError("An .xlsx file is binary: give -o FILE or redirect the output.")
        binary = getattr(stream, "buffer", None)
        if binary is not None:
            stream.flush()
            binary.write(data)
            binary.flush()
        elif file_type == "csv":
            # A text stream (tests, call_command(stdout=StringIO())): the same text, no BOM.
            stream.write(data.decode("utf-8-sig"))
        else:
            raise CommandError("An .xlsx file is binary: give -o FILE.")
