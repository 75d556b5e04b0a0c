# 省中小企业运行监测平台 — `make run`, `make test`, `make bench` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
ENTERPRISES ?= 100000
MONTHS ?= 12
# Extra arguments: `make test PYTEST_ARGS="tests/portal -x"`, `make bench BENCH_ARGS="--database-url ..."`.
PYTEST_ARGS ?=
BENCH_ARGS ?=
# `make run` is the embedded setup whatever the shell holds: SQLite file db.sqlite3, no Redis (Celery
# runs tasks eagerly, local-memory cache), no SECRET_KEY (no HTTPS hardening), DEBUG on.
# Override with `make run RUN_ENV=` to serve against the DATABASE_URL/REDIS_URL of your shell.
RUN_ENV ?= env -u DATABASE_URL -u REDIS_URL -u SECRET_KEY DEBUG=1

.PHONY: run test setup migrate demo lint bench messages clean help

help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## //'

# A fresh machine: create the virtualenv and install the pinned dependencies (pyproject.toml) once,
# again whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(RUN_ENV) $(PY) manage.py migrate --noinput

# load_demo loads the demo province only if it is not there yet, and prints the demo logins every time;
# load_demo_filings then gives it 13 months of filings (once).
demo: migrate
	$(RUN_ENV) $(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py load_demo_filings

## make run          set up, migrate, load the demo province once, serve http://127.0.0.1:8000/ (SQLite, Celery eager)
run: demo
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

## make test         set up, ruff, mypy, makemigrations --check, the whole pytest suite (PostgreSQL/Redis if DATABASE_URL/REDIS_URL are set)
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

## make lint         ruff only
lint: setup
	$(VENV)/bin/ruff check .

## make messages     extract and compile the English translation
messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages -l en --ignore=.venv

## make bench ENTERPRISES=100000 MONTHS=12   synthetic province in its own database; prints a table, writes bench-results.json
bench: setup
	$(PY) -m bench.run --enterprises $(ENTERPRISES) --months $(MONTHS) $(BENCH_ARGS)

## make clean        remove the virtualenv, the SQLite files and collected static files
clean:
	rm -rf $(VENV) db.sqlite3 bench.sqlite3 bench-results.json staticfiles
