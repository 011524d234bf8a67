# cocreate: `make run` serves the sample workshop, `make test` runs every test.
VENV ?= .venv
HOST ?= 0.0.0.0
PORT ?= 5000
WORKER ?= gevent
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint browser-deps

$(VENV)/bin/pip:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(VENV)/bin/pip
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-app

run: $(VENV)/.installed-app
	$(VENV)/bin/cocreate serve --host $(HOST) --port $(PORT) --worker $(WORKER) --sample

# Browser tests drive Debian's Chromium (a browser download from the internet is not possible).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check cocreate tests bench
	$(VENV)/bin/lint-imports

test: $(VENV)/.installed-test browser-deps lint
	$(VENV)/bin/pytest
