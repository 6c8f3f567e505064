"""Reading the settings' environment: real variables, then a local ``.env`` file.

A development checkout keeps ``DJANGO_DEBUG=1`` and its own secret in ``.env`` (written once
by ``make run``), so ``python manage.py ...`` works as the README writes it without anyone
exporting anything. Production has no such file and sets real environment variables, which
always win over the file.
"""

import os
from collections.abc import Iterable
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def parse_env_lines(lines: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` lines as a dict; blank lines, ``# comments`` and other lines are skipped.

    An ``export `` prefix and quotes around the whole value are allowed, so the file can also
    be sourced by a shell.
    """
    values: dict[str, str] = {}
    for raw in lines:
        line = raw.strip()
        if line.startswith("export "):
            line = line.removeprefix("export ").lstrip()
        name, equals, value = line.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name.isidentifier():
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name] = value
    return values


def load_env_file(path: Path | None) -> dict[str, str]:
    """Put the file's variables into ``os.environ`` where not already set; return the file's.

    A missing file (production) is no error. Into ``os.environ`` rather than a private dict, so
    everything that reads the environment (dj-database-url, gunicorn.conf.py, subprocesses)
    sees the same configuration.
    """
    if path is None:
        return {}
    try:
        values = parse_env_lines(path.read_text(encoding="utf-8").splitlines())
    except FileNotFoundError:
        return {}
    for name, value in values.items():
        os.environ.setdefault(name, value)
    return values


def env_file_path(default: Path) -> Path | None:
    """``DJANGO_ENV_FILE`` if set (empty: read no file, as the test settings do), else ``default``."""
    configured = os.environ.get("DJANGO_ENV_FILE")
    if configured is None:
        return default
    return Path(configured) if configured.strip() else None


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]
