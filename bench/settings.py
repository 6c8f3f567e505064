"""The production settings, plus one bench-only URL (bench/urls.py). Used only by bench/."""

from hrcity.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
