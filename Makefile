# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run   - venv, pinned deps, demo data if missing, app on http://localhost:8501
#   make test  - the same set-up, then the whole suite (unit, AppTest, Chromium end-to-end)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
STORE := data/jinyun_demo.gpkg
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup data run test unit e2e lint sysdeps vendor clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $(STAMP)

data: $(STORE)

# rebuilt when the schema or the generator changes (a store of another schema version is refused)
$(STORE): $(STAMP) geo/schema.py geo/demo.py
	$(BIN)/python -m geo demo --out $(STORE)

run: setup data
	$(BIN)/python -m ui.serve --server.port $(PORT) $(ARGS)

# System packages the tests need: Debian's Chromium for the end-to-end tests,
# a CJK font for exports, poppler-utils to read exported PDFs back, and
# PostgreSQL + PostGIS, which the tests start themselves for the team store.
sysdeps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ] || ! command -v pdftotext >/dev/null \
		|| [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk poppler-utils \
			postgresql-15 postgresql-15-postgis-3 >/dev/null; \
	fi

test: setup data sysdeps
	$(BIN)/python -m pytest

unit: setup data sysdeps
	$(BIN)/python -m pytest -m "not e2e"

e2e: setup data sysdeps
	$(BIN)/python -m pytest -m e2e

lint: setup
	$(BIN)/ruff check .

vendor:
	tools/vendor_assets.sh

clean:
	rm -rf $(VENV) $(STORE) data/jinyun_demo_dem.tif
