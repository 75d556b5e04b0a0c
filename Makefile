# 省中小企业运行监测平台 — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
ENTERPRISES ?= 100000
MONTHS ?= 12

.PHONY: run test setup migrate demo lint bench messages clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## make run: set up, migrate, load the demo province once, serve on http://127.0.0.1:8000/ (SQLite, Celery eager)
run: demo
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## make test: set up and run the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test: setup
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages -l en --ignore=.venv

## make bench ENTERPRISES=100000 MONTHS=12: synthetic province, timings printed and written to bench-results.json
bench: setup
	$(PY) -m bench.run --enterprises $(ENTERPRISES) --months $(MONTHS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
