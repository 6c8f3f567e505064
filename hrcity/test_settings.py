"""The test suite's settings: production's (hrcity/settings.py), and every difference here.

pytest selects this module (``DJANGO_SETTINGS_MODULE`` in pyproject.toml). What only
production does (HTTPS redirect, HSTS, secure cookies, JSON logs, the secret-key check, the
shared file cache) is tested in subprocesses under the real production settings
(tests/production.py).
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Read by the production settings as they are imported below, so set first. The suite is the
# production configuration whatever a developer's `.env` or shell says (DEBUG off), served
# over plain HTTP as `make serve` does: the test client speaks no TLS.
os.environ["DJANGO_ENV_FILE"] = ""
os.environ["DJANGO_DEBUG"] = "0"
os.environ["DJANGO_HTTPS"] = "0"
# Production refuses to start without a secret; the suite's needs no secrecy.
os.environ["DJANGO_SECRET_KEY"] = "test-settings-only-never-used-in-production"

from hrcity.settings import *  # noqa: F403

# Hashing is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Hashed static names come from collectstatic at release time, which tests do not run.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Each test process has its own cache: parallel workers (pytest -n) each have their own test
# database, so they must not share pages or a content version, and every test starts with an
# empty cache (tests/conftest.py). Tests that need a cache shared between processes configure
# the production file cache themselves (tests/test_caching.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Uploaded files go to a temporary folder of this test process, never the checkout's media/;
# it is served like `make run` does, so the browser tests see the images.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hrcity-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
SERVE_MEDIA = True

# Tasks run at once, in the test's process; the few tests of a real worker choose the database
# backend themselves (tests/test_jobs_worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Warming pages after each change (timeline/jobs/warming.py) would run at every commit of every
# test with the backend above; the tests of the warm-up turn it on.
TIMELINE_WARM_PAGES = False

# Every query compiled once and run again from the kept SQL (timeline/models/compiled_once.py)
# is compiled afresh too and compared: a key that misses what the SQL depends on fails a test.
TIMELINE_CHECK_COMPILED_ONCE = True
