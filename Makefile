# Frontline: the README's commands. Each does its own set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format services migrate worker beat bench clean search-worker messages messages-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --no-input

## make run: the embedded default (SQLite, in-memory channel layer, eager tasks, demo data)
run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py search_rebuild
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/daphne -b $(HOST) -p $(PORT) frontline.asgi:application

## make test: the whole suite on whatever DATABASE_URL / REDIS_URL say (SQLite by default)
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Translations (needs GNU gettext): update the ru catalogues from the code and compile
## them; messages-check fails on any missing, untranslated or fuzzy string or stale .mo.
messages: install
	$(BIN)/python manage.py makemessages -l ru --no-obsolete --ignore=tests --ignore=bench --ignore=scripts --ignore=static --ignore=var
	$(BIN)/python manage.py makemessages -d djangojs -l ru --no-obsolete --ignore=static/vendor --ignore=var --ignore=tests --ignore=bench --ignore=scripts
	$(BIN)/python manage.py compilemessages -l ru --ignore=.venv --ignore=var

messages-check: install
	PYTHON=$(BIN)/python scripts/check_catalogues.sh

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Services mode: run these beside `make run` with DATABASE_URL and REDIS_URL set.
worker: install
	$(BIN)/celery -A frontline worker -Q celery -l info

# The search index's one writer: the only consumer of the "search" queue, or with
# FRONTLINE_SEARCH_BROADCAST=1 this host's consumer of the broadcast, writing its own copy.
SEARCH_QUEUE = $(if $(filter 1 true yes on,$(FRONTLINE_SEARCH_BROADCAST)),search_broadcast,search)
search-worker: install
	$(BIN)/celery -A frontline worker -Q $(SEARCH_QUEUE) --concurrency 1 -n search@%h -l info

beat: install
	$(BIN)/celery -A frontline beat -l info

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
