# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Local development settings, read by hrcity/settings.py (real environment variables win).
ENV_FILE ?= .env

.PHONY: run serve worker test test-fast install lint format clean backup restore messages
.PHONY: bench-pages bench-sitemap bench-import bench-export bench-explain bench-jobs bench-admin-import bench-templates

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP) $(ENV_FILE)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py bootstrap_local --port $(PORT)
	$(BIN)/python scripts/with_worker.py $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The background task worker (large imports and exports, README "Background jobs"), started
# again if it exits. `make run` and `make serve` start one beside the server; production runs
# `manage.py db_worker` under a process manager.
worker: $(STAMP)
	$(BIN)/python scripts/with_worker.py

# Written once, never overwritten (a file target with no prerequisites): DEBUG on and a
# secret of this checkout's own, so `python manage.py ...` works here with nothing exported.
# Git-ignored; production has no such file and refuses to start without a real secret.
$(ENV_FILE):
	@umask 077 && key=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') && { \
	  echo "# Local development settings, written once by make run; never commit this file."; \
	  echo "# Real environment variables win over these lines."; \
	  echo "DJANGO_DEBUG=1"; \
	  echo "DJANGO_SECRET_KEY=$$key"; \
	} > $@.tmp && mv $@.tmp $@
	@echo "Wrote $@ (DJANGO_DEBUG=1 and a local secret key)."

# The production stack on this machine: DEBUG off, manifest static files, gunicorn.
# Uses DATABASE_URL/REDIS_URL if set; plain HTTP is allowed here since no proxy is in front,
# and the app serves uploaded media itself since no web server is either.
serve: $(STAMP)
	$(eval export DJANGO_SECRET_KEY ?= $(shell $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))"))
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --no-input -v 0
	DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SERVE_MEDIA=1 HOST=127.0.0.1 PORT=$(PORT) $(BIN)/python scripts/with_worker.py $(BIN)/gunicorn -c gunicorn.conf.py

# Every model as portable JSON (README "Backup and restore"). Content types and permissions
# are rebuilt by migrate; sessions and login-failure counts are transient.
backup: BACKUP ?= backup-$(shell date +%Y%m%d-%H%M%S).json
# With it, the uploaded images and documents: `<name>-media.tar.gz` (media on the file system;
# on S3 the bucket is backed up on its own, README).
backup: $(STAMP)
	$(BIN)/python manage.py dumpdata --natural-foreign --natural-primary --exclude contenttypes --exclude auth.permission --exclude sessions --exclude axes --indent 2 -o $(BACKUP)
	$(BIN)/python manage.py media_archive create $(basename $(BACKUP))-media.tar.gz
	@echo "Backup written to $(BACKUP) and $(basename $(BACKUP))-media.tar.gz"

# Into an empty database of the same release: `make restore BACKUP=backup-....json`.
restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=file.json"; exit 1; }
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py loaddata $(BACKUP)
	@if [ -f "$(basename $(BACKUP))-media.tar.gz" ]; then \
	  $(BIN)/python manage.py media_archive restore $(basename $(BACKUP))-media.tar.gz; \
	else echo "No $(basename $(BACKUP))-media.tar.gz beside it: media files not restored."; fi

# Benchmarks at 10,000 synthetic milestones (bench/README.md): each builds its own bench
# database (bench/results/, or DATABASE_URL) and prints its ratios side by side.
# MILESTONES=1000|10000|100000 sets the size for the pages, the sitemap, imports and exports.
MILESTONES ?= 10000
bench-pages: $(STAMP)
	$(BIN)/python bench/pages.py --milestones $(MILESTONES)

bench-sitemap: $(STAMP)
	$(BIN)/python bench/sitemap.py --milestones $(MILESTONES)

bench-import: $(STAMP)
	$(BIN)/python bench/imports.py --rows $(MILESTONES)

bench-export: $(STAMP)
	$(BIN)/python bench/exports.py --rows $(MILESTONES)

bench-explain: $(STAMP)
	$(BIN)/python bench/explain.py

bench-templates: $(STAMP)
	$(BIN)/python bench/templates.py

bench-jobs: $(STAMP)
	$(BIN)/python bench/jobs.py

# The admin's import of 100,000 milestones over HTTP (gunicorn and a worker): every request timed.
bench-admin-import: $(STAMP)
	$(BIN)/python bench/admin_import.py

# Everything, as CI runs it (README "Development" records how long it takes).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# The inner loop: everything except the tests marked slow (browser, scale, fuzzing, subprocesses).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -m "not slow" $(PYTEST_ARGS)

# Translations (needs gettext): collect every marked string into the Korean catalogue,
# then compile it. Translate the new entries in timeline/locale/ko/LC_MESSAGES/django.po
# and run it again; tests/test_translations.py fails while anything is left undone.
messages: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l ko --no-obsolete --add-location=file --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

# Style, types (mypy over timeline/ and hrcity/, pyproject [tool.mypy]) and the direction of
# imports between the wings (pyproject [tool.importlinter]). The type checker imports the
# settings, which need a secret unless DEBUG is on.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
