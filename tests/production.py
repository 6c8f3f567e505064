"""Run Python under the production settings, in a fresh process.

The test run itself uses hrcity/test_settings.py, so what only production does (HTTPS
redirect, HSTS, secure cookies, JSON logs, the secret-key check) can only be observed from a
process started under hrcity/settings.py.
"""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Imported at the top of every script: Django set up with production settings on an empty
# in-memory database (no file to clean up, nothing shared with the test database).
PRELUDE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
"""


def production_env(**overrides: str | None) -> dict[str, str]:
    """The caller's environment minus everything that would make it not production.
    An override of None removes that variable.

    Production has no `.env` (a developer's would turn DEBUG on), and the file cache goes to
    a directory of the caller's choosing (DJANGO_CACHE_DIR), never the checkout's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "PYTEST_VERSION" and not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="hrcity.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver,hr.example.org",
        DATABASE_URL="sqlite://:memory:",
        DJANGO_ENV_FILE="",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run_production(*args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """`python *args` in the project folder under production_env(**env), with a cache of its own."""
    with tempfile.TemporaryDirectory(prefix="hrcity-cache-") as cache_dir:
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=production_env(**{"DJANGO_CACHE_DIR": cache_dir, **env}),
            capture_output=True,
            text=True,
            timeout=120,
        )


def run_production_script(script, **env):
    """Run PRELUDE + script; fail with its stderr if it raised."""
    result = run_production("-c", PRELUDE + script, **env)
    assert result.returncode == 0, result.stderr
    return result
