"""What a single cell holds, as text: multi-valued cells, sources, and fair comparison.

The pieces every column type and the report share, with no knowledge of models: how
``a|b|c`` splits and joins, how a source is written (``label <url>``), when two texts are
the same as a person reads them, how a value is shortened for a message, and the
``CellError`` a column raises for a value it cannot accept.
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from timeline.transfer.tables import cell_text

BATCH_SIZE = 500  # rows per INSERT / executemany chunk
QUERY_CHUNK = 900  # keys per IN (...) query; below SQLite's historical 999-parameter limit
MAX_SHOWN_VALUE = 100  # characters of a value quoted in a message

SOURCE = re.compile(r"^(?P<label>.*?)\s*<(?P<url>[^<>\s]*)>$", re.S)

T = TypeVar("T")


class CellError(Exception):
    """A cell we cannot accept; ``message`` says why, for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def chunks(items: Sequence[T], size: int = QUERY_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def split_cell(text: str) -> list[str]:
    """Split ``a|b|c`` into items; ``\\|`` is a literal bar and ``\\\\`` a backslash."""
    items: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in "\\|":
            current.append(text[index + 1])
            index += 2
            continue
        if char == "|":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def join_cell(items: Iterable[str]) -> str:
    return "|".join(item.replace("\\", "\\\\").replace("|", "\\|") for item in items)


def format_source(label: str, url: str) -> str:
    if url:
        return f"{label} <{url}>" if label else f"<{url}>"
    if SOURCE.match(label):
        # A label ending in "<...>" would be read back as a URL; an empty "<>" says it isn't.
        return f"{label} <>"
    return label


def format_sources(pairs: Iterable[tuple[str, str]]) -> str:
    return join_cell(format_source(label, url) for label, url in pairs)


def same_text(old: str | None, new: str | None, legacy: str = "") -> bool:
    """Equal as a person reads them: line ends, edge spaces and NULL vs '' don't count.

    With ``legacy`` (the file came in CP949), characters that encoding cannot hold (an em
    dash, say) and that were replaced on the way ("?", a look-alike, or iconv's "--")
    don't count either: saving a file in Korean Excel must not quietly change every dash
    in the database.
    """

    def normal(value: str | None) -> str:
        return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()

    old, new = normal(old), normal(new)
    if old == new:
        return True
    if not legacy:
        return False
    pattern: list[str] = []
    lost = 0
    for char in old:
        try:
            char.encode(legacy)
        except UnicodeEncodeError:
            lost += 1
            continue
        if lost:
            pattern.append(f".{{{lost},{3 * lost}}}")
            lost = 0
        pattern.append(re.escape(char))
    if lost:
        pattern.append(f".{{{lost},{3 * lost}}}")
    return re.fullmatch("".join(pattern), new, re.S) is not None


def shown(raw: Any) -> str:
    """A cell's value as a message quotes it: its text, cut short if it is long."""
    text = cell_text(raw)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"
