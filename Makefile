# cocreate: `make run` serves the sample workshop, `make test` runs every test.
VENV ?= .venv
HOST ?= 0.0.0.0
PORT ?= 5000
WORKER ?= gevent
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint browser-deps translations

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
	$(VENV)/bin/cocreate db upgrade
	$(VENV)/bin/cocreate serve --host $(HOST) --port $(PORT) --worker $(WORKER) --sample

# Browser tests drive Debian's Chromium (a browser download from the internet is not possible).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check cocreate tests bench
	$(VENV)/bin/lint-imports

test: $(VENV)/.installed-test browser-deps lint
	$(VENV)/bin/pytest

# After changing any text a person sees: extract it, merge into the Danish catalogue (translate
# the new entries in cocreate/translations/da/LC_MESSAGES/messages.po), compile.
translations: $(VENV)/.installed-test
	$(VENV)/bin/pybabel extract -F babel.cfg -k t -k lazy_gettext --no-location --omit-header \
		--sort-output -o cocreate/translations/messages.pot .
	$(VENV)/bin/pybabel update -i cocreate/translations/messages.pot -d cocreate/translations \
		-l da --no-fuzzy-matching --ignore-obsolete --omit-header -w 100
	$(VENV)/bin/pybabel compile -d cocreate/translations -l da
