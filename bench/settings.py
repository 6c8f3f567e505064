"""The production settings, plus one bench-only URL (bench/urls.py). Used only by bench/."""

from hrcity.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# 100,000 exported milestones with every column make a 24 MB file, over the upload limit of
# 20 MB; the import benchmarks read such a file with importcsv.
TIMELINE_IMPORT_MAX_BYTES = 64 * 1024 * 1024
