# Two commands matter: `make demo` and `make test`. Both start from a machine with only python3.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export AISC_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test check audit-deps install install-dev fmt test-sqlite test-postgres test-browser test-slurm coverage bench fuzz messages clean screenshots deploy-rehearsal deploy-boot-rehearsal

# Debian splits venv (and ensurepip) into python3-venv; as root, install it when it is missing.
$(BIN)/python:
	@$(PY) -c 'import ensurepip, venv' 2>/dev/null || { [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; } || \
	  { echo "make: python3 cannot create a venv; install Debian's python3-venv" >&2; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip uv==0.13.9

# editable_mode=compat installs a plain .pth path: the import-hook finder of a default editable
# install costs every `aisc` invocation a noticeable slice of its start-up.
$(VENV)/.installed: $(BIN)/python requirements/main.lock pyproject.toml
	$(BIN)/uv pip install -q -p $(BIN)/python -r requirements/main.lock
	$(BIN)/uv pip install -q -p $(BIN)/python --no-deps -e . -C editable_mode=compat
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.lock
	$(BIN)/uv pip install -q -p $(BIN)/python -r requirements/dev.lock
	touch $@

# The static files, hashed and compressed, into $(AISC_DATA_DIR)/static (or AISC_STATIC_ROOT),
# where `aisc serve` (granian + whitenoise) serves them from; again when one of them changes.
STATIC_SOURCES := $(shell find aisc -path '*/static/*' -type f 2>/dev/null)
$(AISC_DATA_DIR)/.static-collected: $(VENV)/.installed $(STATIC_SOURCES)
	$(BIN)/aisc collectstatic
	@mkdir -p $(AISC_DATA_DIR) && touch $@

install: $(VENV)/.installed $(AISC_DATA_DIR)/.static-collected
install-dev: $(VENV)/.installed-dev

# The worker (outbox mail, Slurm reconcile on the embedded cluster) runs beside the server and
# stops with it.
demo: install
	$(BIN)/aisc migrate
	$(BIN)/aisc demo load
	$(BIN)/aisc worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/aisc serve --dev --port $(PORT)

check: install-dev
	$(BIN)/ruff format --check aisc tests benchmarks
	$(BIN)/ruff check aisc tests benchmarks
	$(BIN)/mypy aisc tests benchmarks
	$(BIN)/lint-imports
	@# One leaf per app and no model change without its migration: parallel branches that each
	@# add the next number are caught here, not by the first test that migrates.
	$(BIN)/django-admin makemigrations --check --dry-run --settings=aisc.web.settings

fmt: install-dev
	$(BIN)/ruff format aisc tests benchmarks
	$(BIN)/ruff check --fix aisc tests benchmarks

messages: install-dev
	cd aisc/web && ../../$(BIN)/django-admin makemessages -l zh_Hant --no-obsolete --settings=aisc.web.settings
	cd aisc/web && ../../$(BIN)/django-admin compilemessages --settings=aisc.web.settings

# Known vulnerabilities in the locked dependencies (pip-audit); one SKIPPED line, exit 0, when the
# advisory service cannot be reached.
audit-deps: install-dev
	bash scripts/audit-deps

test: check audit-deps
	bash scripts/run-tests

test-sqlite: install-dev
	bash scripts/run-tests sqlite

test-postgres: install-dev
	bash scripts/run-tests postgres

test-browser: install-dev
	bash scripts/run-tests browser

# The main pages in both languages at desktop and phone widths, photographed by the accessibility
# walk into docs/screenshots (CI runs the walk without writing them).
screenshots: install-dev
	bash scripts/ensure-chromium
	AISC_SCREENSHOTS=$(CURDIR)/docs/screenshots AISC_EMAIL_URL=memory:// \
	  AISC_DATA_DIR=$${AISC_TEST_DATA_DIR:-/tmp/aisc-test-data} \
	  $(BIN)/pytest -q -m browser tests/browser/test_accessibility.py -p no:cacheprovider

coverage: install-dev
	bash scripts/run-tests coverage

bench: install-dev
	bash benchmarks/run-all

# Issue 15's fuzz run: schemathesis over the whole API against `aisc serve` with six roles'
# tokens for MINUTES (a random seed, printed first; SEED=N replays one), at nice 10.
MINUTES ?= 15
fuzz: install-dev
	nice -n 10 $(BIN)/python benchmarks/api_fuzz.py --minutes $(MINUTES) $(if $(SEED),--seed $(SEED))

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# docs/deploy.md run as written on this host as root (about 5 minutes; not part of `make test`):
# packages, user, folders, install, PostgreSQL, the units, nginx, upgrade and rollback.
deploy-rehearsal: install-dev
	bash scripts/deploy-rehearsal

# The same page under a real, booted systemd: a Debian 12 container (systemd-nspawn -b, as root)
# whose base root is cached in /var/cache/aisc-boot; docs/deploy.md, "The rehearsal under systemd".
deploy-boot-rehearsal: install-dev
	bash scripts/deploy-rehearsal --booted
