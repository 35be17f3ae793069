# Two commands for a fresh machine:
#   make run    create the environment, get the data (download or local mirror), start the app
#   make test   create the environment, install test dependencies (chromium), run every check and test
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Local mirror of the official files (offline use, CI): MAPAPP_MIRROR, else ../shared/geodata if present.
MIRROR ?= $(or $(MAPAPP_MIRROR),$(wildcard ../shared/geodata))
PORT ?= 8501

.PHONY: setup data run test lint browser-deps bench

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

data: setup
	$(BIN)/mapapp fetch-data --if-missing $(if $(MIRROR),--source "$(MIRROR)")

run: data
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

browser-deps:
	@bash scripts/install_browser.sh
	@bash scripts/install_pdf.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mapapp
	$(BIN)/lint-imports

# The store tests also run on PostgreSQL/PostGIS: scripts/start_postgres.sh installs it (Debian),
# starts a throwaway server on 127.0.0.1 and prints its URL (without one, CI fails those tests).
test: setup browser-deps lint
	url="$$(bash scripts/start_postgres.sh || true)"; \
	MAPAPP_TEST_DATABASE_URL="$${MAPAPP_TEST_DATABASE_URL:-$$url}" MAPAPP_MIRROR="$(MIRROR)" \
	$(BIN)/python -m pytest
