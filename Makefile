# cocreate: `make run` serves the sample workshop, `make test` runs every test.
#
# Installs come from uv.lock (exact versions with hashes), through a pinned uv that pip installs
# with its hashes from requirements/uv.txt. Caches live inside the checkout (.cache/), and the
# machine's pip or uv configuration is ignored, so a fresh clone installs what CI tested.
VENV ?= .venv
HOST ?= 0.0.0.0
PORT ?= 5000
WORKER ?= gevent
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_NO_CONFIG := 1
export UV_PYTHON_DOWNLOADS := never
export UV_CACHE_DIR ?= $(CURDIR)/.cache/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
UV_SYNC := $(UV) sync --locked --python $(PYTHON)

.PHONY: run test lint browser-deps translations upgrade test-latest bench-deps cluster-deps run-cluster

$(UV): requirements/uv.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --isolated --no-cache-dir --quiet --require-hashes -r requirements/uv.txt
	touch $@

$(VENV)/.installed-app: uv.lock pyproject.toml | $(UV)
	$(UV_SYNC) --inexact
	touch $@

$(VENV)/.installed-cluster: uv.lock pyproject.toml | $(UV)
	$(UV_SYNC) --inexact --extra cluster
	touch $@ $(VENV)/.installed-app

$(VENV)/.installed-test: uv.lock pyproject.toml | $(UV)
	$(UV_SYNC) --extra test --extra bench
	touch $@ $(VENV)/.installed-app $(VENV)/.installed-cluster

run: $(VENV)/.installed-app
	$(VENV)/bin/cocreate db upgrade
	$(VENV)/bin/cocreate serve --host $(HOST) --port $(PORT) --worker $(WORKER) --sample

# Browser tests drive Debian's Chromium (a browser download from the internet is not possible).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

# Several workers on this machine (docs/deploy.md): Redis, HAProxy and PostgreSQL from Debian,
# each installed only if missing. Installing them may also start their system services.
cluster-deps:
	@missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing="$$missing haproxy"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -z "$$missing" ] || { $(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; }

# Redis, a throwaway PostgreSQL, 2 workers and HAProxy on 127.0.0.1 (HAProxy on PORT), with
# the sample workshop; Ctrl+C stops all of it and removes the database.
run-cluster: $(VENV)/.installed-cluster cluster-deps
	$(VENV)/bin/python deploy/localcluster.py --port $(PORT) --worker $(WORKER)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check cocreate tests bench deploy
	$(VENV)/bin/ruff format --check cocreate tests bench deploy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

test: $(VENV)/.installed-test browser-deps cluster-deps bench/phones/node_modules/.installed lint
	$(VENV)/bin/pytest

# The newest releases pyproject.toml allows, without the lock, in a venv of their own: run it
# before `make upgrade` so that a breaking release is found here, not at a venue.
test-latest: | $(UV)
	rm -rf .venv-latest
	$(UV) venv --quiet --python $(PYTHON) .venv-latest
	VIRTUAL_ENV=.venv-latest $(UV) pip install --quiet --upgrade --refresh -e '.[test,bench]'
	.venv-latest/bin/pytest tests/unit tests/integration

# Refresh uv.lock to the newest allowed versions (then run `make test` and commit uv.lock).
upgrade: | $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# After changing any text a person sees: extract it, merge into the Danish catalogue (translate
# the new entries in cocreate/translations/da/LC_MESSAGES/messages.po), compile.
translations: $(VENV)/.installed-test
	$(VENV)/bin/pybabel extract -F babel.cfg -k t -k lazy_gettext --no-location --omit-header \
		--sort-output -o cocreate/translations/messages.pot .
	$(VENV)/bin/pybabel update -i cocreate/translations/messages.pot -d cocreate/translations \
		-l da --no-fuzzy-matching --ignore-obsolete -w 100
	$(VENV)/bin/pybabel compile -d cocreate/translations -l da

# The load benchmark's phones: Node's Socket.IO client, exactly as bench/phones/package-lock.json
# pins (installed again only when the lock changes).
bench-deps: bench/phones/node_modules/.installed

bench/phones/node_modules/.installed: bench/phones/package-lock.json
	npm ci --prefix bench/phones --no-audit --no-fund
	touch $@
