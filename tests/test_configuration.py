"""Configuration: a development checkout needs nothing exported, production needs its secret.

`make run` writes a `.env` (DJANGO_DEBUG=1, a generated secret) that the settings read; real
environment variables win over it; without it, DEBUG is off and a missing secret stops
everything. The subprocess tests start from an environment with no DJANGO_* variable at all,
as a newcomer's shell has.
"""

import os
import subprocess
from pathlib import Path

import pytest

from hrcity.environment import load_env_file, parse_env_lines

from .production import ROOT, run_production

NOTHING_EXPORTED: dict[str, str | None] = {
    "DJANGO_DEBUG": None,
    "DJANGO_SECRET_KEY": None,
    "DJANGO_ALLOWED_HOSTS": None,
}
SHOW_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DEBUG, settings.SECRET_KEY)"
)


def make_env_file(path: Path) -> None:
    """What `make run` does first: the Makefile's own recipe, pointed at ``path``."""
    subprocess.run(
        ["make", "-s", f"ENV_FILE={path}", str(path)], cwd=ROOT, check=True, capture_output=True
    )


def test_env_lines_are_read_as_a_shell_would_source_them() -> None:
    lines = [
        "# written by make run",
        "",
        "DJANGO_DEBUG=1",
        "export DJANGO_ADMIN_PATH=staff/",
        "DJANGO_CSRF_TRUSTED_ORIGINS='https://a.example, https://b.example'",
        'DJANGO_LOG_LEVEL = "WARNING"',
        "not a setting",
    ]
    assert parse_env_lines(lines) == {
        "DJANGO_DEBUG": "1",
        "DJANGO_ADMIN_PATH": "staff/",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://a.example, https://b.example",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def test_real_environment_variables_win_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("HRCITY_EXAMPLE_SET=from-file\nHRCITY_EXAMPLE_UNSET=from-file\n")
    monkeypatch.setenv("HRCITY_EXAMPLE_SET", "from-environment")
    assert "HRCITY_EXAMPLE_UNSET" not in os.environ
    try:
        load_env_file(env_file)
        assert os.environ["HRCITY_EXAMPLE_SET"] == "from-environment"
        assert os.environ["HRCITY_EXAMPLE_UNSET"] == "from-file"
    finally:
        os.environ.pop("HRCITY_EXAMPLE_UNSET", None)


def test_a_missing_env_file_is_no_error(tmp_path: Path) -> None:
    assert load_env_file(tmp_path / "absent.env") == {}


@pytest.mark.slow
def test_make_run_writes_the_env_file_once_and_never_overwrites_it(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    make_env_file(env_file)
    values = parse_env_lines(env_file.read_text().splitlines())
    assert values["DJANGO_DEBUG"] == "1"
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert env_file.stat().st_mode & 0o077 == 0, "the secret is readable by its owner only"

    env_file.write_text("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=kept-as-the-developer-left-it\n")
    make_env_file(env_file)
    assert "kept-as-the-developer-left-it" in env_file.read_text()


@pytest.mark.slow
def test_with_the_env_file_manage_py_works_without_exporting_anything(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    make_env_file(env_file)
    secret = parse_env_lines(env_file.read_text().splitlines())["DJANGO_SECRET_KEY"]
    env = {**NOTHING_EXPORTED, "DJANGO_ENV_FILE": str(env_file)}

    check = run_production("manage.py", "check", **env)
    assert check.returncode == 0, check.stderr

    shown = run_production("-c", SHOW_SETTINGS, **env)
    assert shown.stdout.split() == ["True", secret]


@pytest.mark.slow
def test_an_exported_variable_wins_over_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    make_env_file(env_file)
    env = {**NOTHING_EXPORTED, "DJANGO_ENV_FILE": str(env_file), "DJANGO_DEBUG": "0"}
    shown = run_production("-c", SHOW_SETTINGS, **env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[0] == "False"


@pytest.mark.slow
def test_without_env_file_or_secret_nothing_starts(tmp_path: Path) -> None:
    # Production: no .env, DJANGO_DEBUG not set at all, so off; no secret, so no start.
    result = run_production(
        "manage.py", "check", **NOTHING_EXPORTED, DJANGO_ENV_FILE=str(tmp_path / "absent.env")
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
