# Set-up in two commands: `make run` serves the app, `make test` runs the whole suite.
SHELL := /bin/bash
# The interpreter the venv is made from: Debian's CPython 3.11 where the machine has it with venv
# (built with profile-guided and link-time optimisation, as the python:3.11-slim image of
# deploy/Dockerfile is), else python3 on the PATH. A CPython built without them, such as pyenv's
# default build (a shared libpython, no PGO), runs this project's rules 40 % slower: a nation's
# recompute_progress took 73 s on it and 46 s on Debian's, the same machine and data.
PYTHON ?= $(or $(shell /usr/bin/python3.11 -c "import ensurepip, venv" 2>/dev/null && echo /usr/bin/python3.11),python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve setup test test-sqlite test-postgres security system-packages bench bench-packages lint messages screenshots lighthouse clean

$(VENV)/.base: requirements/base.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements/base.lock
	touch $@

$(VENV)/.test: requirements/test.lock $(VENV)/.base
	$(PIP) install --quiet -r requirements/test.lock
	touch $@

## make run: venv from the lock file, migrate, load the seed plans, serve on http://127.0.0.1:8000/
setup: $(VENV)/.base
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_seed_plans

run: setup
	@echo ""
	@echo "  Staff login: $(PY) manage.py createsuperuser"
	@echo "  Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: Debian packages, a throwaway PostgreSQL cluster, the suite on SQLite and PostgreSQL side by side
system-packages:
	scripts/install-system-packages.sh

test: $(VENV)/.test system-packages
	scripts/run-tests.sh

## make security: the security tests alone (authorisation walk, bad inputs, exports, fuzzers) on
## SQLite and PostgreSQL; make test runs them too, with the rest of the suite
security: $(VENV)/.test system-packages
	scripts/run-tests.sh -m security

test-sqlite: $(VENV)/.test
	$(PY) -m pytest $(PYTEST_ARGS)

## make bench: the pages under wrk beside static files, on a throwaway PostgreSQL cluster with the
## synthetic nation (scripts/bench.sh; BENCH_SCALE=0.05 for a quick run); make bench BENCH_ARGS="seeds"
## runs the other benchmarks by name (benchmarks/README.md)
bench-packages: system-packages
	@dpkg-query -W -f='$${Status}' wrk 2>/dev/null | grep -q "install ok installed" || { \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; echo "Installing Debian packages: wrk"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

bench: $(VENV)/.test
ifeq ($(strip $(BENCH_ARGS)),)
	$(MAKE) bench-packages
	scripts/bench.sh
else
	$(PY) -m benchmarks $(BENCH_ARGS)
endif

## make lighthouse: Lighthouse (mobile) on a seed plan's goal and KPI pages, served by gunicorn with
## DEBUG=0; reports in benchmarks/lighthouse/ (npm installs lighthouse into var/node/ on first use)
lighthouse: $(VENV)/.test
	scripts/lighthouse.sh

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: $(VENV)/.base
	cd plans && ../$(PY) ../manage.py makemessages -l ja --no-obsolete && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var/static .pytest_cache
