# The two commands: `make run` serves the portal with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := portal/translations
PIP := $(BIN)/python -m pip --quiet
# Installs take exactly what the lock files name, checked against their hashes.
PIP_LOCKED := $(PIP) install --require-hashes --no-deps
COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-trusted-host --no-emit-find-links
# The screenshots kept in docs/ (every browser run writes all of them to build/screenshots).
CURATED_SCREENSHOTS := home-en-1280 home-ar-360 survey-volunteer-fr-360-3-page2 \
	results-dashboard-en-1280 results-indicator-en-1280 search-zh-1-results \
	knowledge-journey-5-submit-form

.PHONY: run test install install-test check lint format messages translations lock screenshots \
	bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# Runtime only: what `make run` needs.
$(VENV)/.installed-run: $(BIN)/python requirements/run.lock pyproject.toml
	$(PIP_LOCKED) -r requirements/run.lock
	$(PIP) install --no-deps -e .
	touch $@

# Runtime and test tools, from the test lock (a superset of the runtime lock, same versions).
$(VENV)/.installed-test: $(BIN)/python requirements/test.lock pyproject.toml
	$(PIP_LOCKED) -r requirements/test.lock
	$(PIP) install --no-deps -e .
	touch $@

install: $(VENV)/.installed-run
	$(MAKE) translations

install-test: $(VENV)/.installed-test
	$(MAKE) translations

translations:
	$(BIN)/pybabel compile --use-fuzzy -d $(TRANSLATIONS)

run: install
	$(FLASK) db upgrade
	$(FLASK) portal demo
	$(FLASK) knowledge reindex
	@echo "Serving the UNV Results Portal at http://127.0.0.1:$(PORT) (web server and worker)"
	BASE_URL=http://127.0.0.1:$(PORT) $(FLASK) portal serve --host 127.0.0.1 --port $(PORT)

test: install-test
	$(BIN)/python -m pytest -n 2

# What CI checks besides the tests: lint, format, types and the layer contracts.
check: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

lint: check

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh both lock files from pyproject.toml (newest versions the ranges allow).
lock: $(BIN)/python
	$(PIP) install pip-tools
	$(COMPILE) --upgrade -o requirements/run.lock pyproject.toml
	$(COMPILE) --upgrade --extra test -c requirements/run.lock -o requirements/test.lock pyproject.toml

# Run the browser tests and copy the curated screenshots into docs/screenshots.
screenshots: install-test
	PORTAL_SCREENSHOT_DIR=build/screenshots $(BIN)/python -m pytest -n 2 -m browser -q
	mkdir -p docs/screenshots
	for name in $(CURATED_SCREENSHOTS); do cp build/screenshots/$$name.png docs/screenshots/; done

# Extract every marked string and merge it into the catalogues (then translate the new entries).
messages: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o $(TRANSLATIONS)/messages.pot --no-location --sort-output -k InputError .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

bench: install-test
	$(BIN)/python bench/indicators.py
	$(BIN)/python bench/search/run.py --docs 20000

clean:
	rm -rf $(VENV) .pytest_cache build
