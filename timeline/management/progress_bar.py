"""The progress bar the long commands (``importcsv``, ``exportcsv``) draw on stderr.

On stderr, so it never mixes with a file written to stdout (``exportcsv MODEL > file.csv``).
"""

from django.core.management.base import OutputWrapper

PROGRESS_FROM_ROWS = 1000  # shorter work finishes before a bar would help


class ProgressBar:
    """``[#######.............]  35%  3500/10000`` redrawn in place on stderr."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper, label: str) -> None:
        self.stream = stream
        self.label = label
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM_ROWS:
            return
        filled = self.WIDTH * done // total
        percent = 100 * done // total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {percent:3d}%  {done}/{total}", ending="", style_func=str
        )
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        """Ends the bar's line, so what is written next starts on its own."""
        if self.drawn:
            self.stream.write("", style_func=str)
