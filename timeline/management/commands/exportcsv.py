"""``python manage.py exportcsv MODEL [-o FILE] [--format csv|xlsx]``: every record, for staff.

The file is written a batch of records at a time (``exporting``), so memory stays flat
however many there are; with ``-o`` it appears only once it is complete. A bar on stderr
counts the records written, batch by batch, when there are many.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from timeline.management.progress_bar import ProgressBar
from timeline.transfer import exporting, resources, writers


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
        if file_type == "xlsx" and not output:
            self.check_binary_stdout()
        # The keys the batches would read first anyway, read here: their number is the
        # bar's total, with no query of its own.
        keys = exporting.ordered_keys(resource.exportable(resource._meta.model.objects.all()))
        headers, batches = resource.export_batches(keys=keys)
        progress = ProgressBar(self.stderr, model)
        written = 0

        def counted() -> Iterator[list[list]]:
            nonlocal written
            for rows in batches:
                yield rows
                written += len(rows)
                progress(written, len(keys))

        data = writers.file_chunks(file_type, headers, counted(), title=model)
        if output:
            self.write_file(Path(output), data)
            progress.finish()
            self.stderr.write(f"{model}: {written} records written to {output}")
            return
        self.write_stdout(data, file_type)
        progress.finish()

    @staticmethod
    def write_file(path: Path, data: Iterator[bytes]) -> None:
        """Beside the target first, then renamed: a failed export leaves no half file."""
        partial = path.with_name(f".{path.name}.part")
        try:
            try:
                with partial.open("wb") as file:
                    for chunk in data:
                        file.write(chunk)
                partial.replace(path)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from None

    def stream(self) -> TextIO:
        # The stream OutputWrapper wraps: private, so the stubs type it by the wrapper's
        # __getattr__ (a Callable).
        return cast(TextIO, self.stdout._out)

    def check_binary_stdout(self) -> None:
        stream = self.stream()
        if stream.isatty():
            raise CommandError("An .xlsx file is binary: give -o FILE or redirect the output.")
        if getattr(stream, "buffer", None) is None:
            raise CommandError("An .xlsx file is binary: give -o FILE.")

    def write_stdout(self, data: Iterator[bytes], file_type: str) -> None:
        stream = self.stream()
        binary = getattr(stream, "buffer", None)
        if binary is not None:
            stream.flush()
            for chunk in data:
                binary.write(chunk)
            binary.flush()
            return
        # A text stream (tests, call_command(stdout=StringIO())): the same text, no BOM.
        for index, chunk in enumerate(data):
            stream.write(chunk.decode("utf-8-sig" if index == 0 else "utf-8"))
