# The two commands: `make run` serves the portal with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := portal/translations

.PHONY: run test install lint format messages translations bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d $(TRANSLATIONS)

run: install
	$(FLASK) db upgrade
	$(FLASK) portal demo
	$(FLASK) knowledge reindex
	@echo "Serving the UNV Results Portal at http://127.0.0.1:$(PORT)"
	BASE_URL=http://127.0.0.1:$(PORT) $(BIN)/gunicorn --workers 2 --threads 4 \
		--bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

test: install
	$(BIN)/python -m pytest -n 2

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract every marked string and merge it into the catalogues (then translate the new entries).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o $(TRANSLATIONS)/messages.pot --no-location --sort-output -k InputError .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

bench: install
	$(BIN)/python bench/indicators.py
	$(BIN)/python bench/search/run.py --docs 20000

clean:
	rm -rf $(VENV) .pytest_cache
