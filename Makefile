# Lan Tỏa — every install step lives here, so a fresh machine needs nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
DEMO_ENV := LANTOA_ENV=development

.PHONY: install demo demo-data serve test test-sqlite test-pg test-browser browser libreoffice postgres lint bench loadtest clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## make demo: set up, migrate an SQLite database under instance/, load the map and the demo, serve on :5000
demo: demo-data serve

demo-data: install
	mkdir -p instance
	$(DEMO_ENV) $(BIN)/lantoa db upgrade
	$(DEMO_ENV) $(BIN)/lantoa areas load data/areas/vn-2024-thai-nguyen-bac-kan.csv --only P19
	$(DEMO_ENV) $(BIN)/lantoa demo

serve: install
	$(DEMO_ENV) $(BIN)/lantoa run --host 127.0.0.1 --port 5000

## make test: set up and run the whole suite (SQLite, then the browser journeys)
test: test-sqlite test-browser

test-sqlite: install
	$(BIN)/python -m pytest -m "not browser" -q

test-pg: install postgres
	LANTOA_TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -m "not browser" -q

test-browser: install browser
	$(BIN)/python -m pytest -m browser -q

# Debian's Chromium drives the browser tests; Playwright never downloads a browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; }

# LibreOffice headless (Debian's packages) converts the workbooks to PDF in tests/test_workbook_printing.py;
# Carlito has Calibri's metrics (xlsxwriter's font), so pages break as in Excel; pdftoppm renders the pages.
libreoffice:
	@command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui libreoffice-writer-nogui fonts-crosextra-carlito fonts-liberation2 poppler-utils; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench

## make loadtest [DB=pg] [LOADTEST_ARGS="--duration 5 --clients 8 ..."]: the main pages under gunicorn (2 workers)
## against a hello-world floor; the province demo is built once per code version (instance/loadtest/ or lantoa_load)
DB ?= $(or $(LOADTEST_DB),sqlite)
LOADTEST_ARGS ?=
loadtest: install $(if $(filter pg,$(DB)),postgres)
	$(BIN)/python -m bench.loadtest --db $(DB) $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
