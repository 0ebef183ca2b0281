# Two commands for a newcomer: `make run` (the whole pipeline on the bundled sample) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# What `make run` needs (the DuckDB path) is installed first; the test and lint tools and the
# Spark extra (pyspark alone is about 470 MB) only for the targets that use them.
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
DEV_STAMP := $(VENV)/.installed-dev
HOME_DIR ?= ./data
AS_OF ?=

.PHONY: install run run-spark test test-fast lint sql-lint format dagster-dev docs semantic clean chromium java

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<27"
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[spark]'
	@touch $(SPARK_STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $(SPARK_STAMP) $(DEV_STAMP)

install: $(STAMP)

run: $(STAMP)
	@if [ -z "$$(ls -A $(HOME_DIR)/landing 2>/dev/null)" ]; then \
		$(BIN)/scorecards sample --home $(HOME_DIR); fi
	$(BIN)/scorecards run --home $(HOME_DIR) $(if $(AS_OF),--as-of $(AS_OF),)

# dbt's documentation of the project against the home's build (after `make run`): every model,
# column, test, source and exposure, with the built tables' columns and row counts, in one
# self-contained page.
DOCS_DIR := $(HOME_DIR)/warehouse/dbt_docs
docs: $(STAMP)
	@test -f $(HOME_DIR)/warehouse/build.duckdb || { echo "no build in $(HOME_DIR): run 'make run' first"; exit 1; }
	cd dbt_project && SCORECARDS_BUILD_DB=$(abspath $(HOME_DIR))/warehouse/build.duckdb \
		$(abspath $(BIN))/dbt docs generate --static --quiet --target-path $(abspath $(DOCS_DIR))
	@echo "dbt docs: open $(abspath $(DOCS_DIR))/static_index.html in a browser"

# The semantic layer's metric definitions, generated from the metric registry (dbt_project.yml,
# vars.metric_registry) into the end of models/marts/_marts__semantic_models.yml.
semantic: $(STAMP)
	$(BIN)/python -m core.metric_registry

# The same run with dbt on a local Spark (docs/ENGINES.md; needs Java 17).
run-spark: $(SPARK_STAMP) java
	@if [ -z "$$(ls -A $(HOME_DIR)/landing 2>/dev/null)" ]; then \
		$(BIN)/scorecards sample --home $(HOME_DIR); fi
	$(BIN)/scorecards run --engine spark --home $(HOME_DIR) $(if $(AS_OF),--as-of $(AS_OF),)

test: $(DEV_STAMP) chromium java
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory sql-lint
	@# Parse the dbt project once before the workers start (each would otherwise race to).
	$(BIN)/python -c "import orchestration.assets.dbt"
	@# Two workers (the machines have two cores); a test file stays on one worker, in order.
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The fast lane for a change in one module: lint and every test but the real pipeline runs
# (tests marked slow), dbt's unit tests included (tests/dbt); its time is in docs/BENCHMARKS.md.
test-fast: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -c "import orchestration.assets.dbt"
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow"

# The report test opens the HTML report in headless Chromium: Debian's package, installed once,
# with a Chinese font so that pages in Chinese render as a reader sees them.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "installing Debian's chromium for the report test"; \
		export DEBIAN_FRONTEND=noninteractive; \
		$$sudo apt-get install -y -q chromium >/dev/null \
		|| { $$sudo apt-get update -q >/dev/null && $$sudo apt-get install -y -q chromium >/dev/null; }; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "installing a Chinese font for the report's screenshots in Chinese"; \
		export DEBIAN_FRONTEND=noninteractive; \
		$$sudo apt-get install -y -q fonts-wqy-microhei >/dev/null \
		|| { $$sudo apt-get update -q >/dev/null && $$sudo apt-get install -y -q fonts-wqy-microhei >/dev/null; } \
		|| echo "no Chinese font: Chinese text shows as boxes in screenshots (the tests still pass)"; }

# Spark (the equality test, make run-spark) needs a Java 17 runtime: Debian's, when none is found.
java:
	@command -v java >/dev/null 2>&1 || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "installing Debian's Java 17 runtime for Spark"; \
		export DEBIAN_FRONTEND=noninteractive; \
		$$sudo apt-get install -y -q openjdk-17-jre-headless >/dev/null \
		|| { $$sudo apt-get update -q >/dev/null && $$sudo apt-get install -y -q openjdk-17-jre-headless >/dev/null; }; }

# sqlfluff renders the models through dbt, which opens a DuckDB file: give it a throwaway one,
# and a target folder of its own (the project's holds the parse every new home's run starts from).
sql-lint: $(DEV_STAMP)
	@tmp=$$(mktemp -d); cd dbt_project && \
		SCORECARDS_BUILD_DB=$$tmp/lint.duckdb DBT_TARGET_PATH=$$tmp/target \
		../$(BIN)/sqlfluff lint models tests; \
		status=$$?; rm -rf $$tmp; exit $$status

lint: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The UI on the home's own instance, where `make run` recorded its runs (orchestration/instance.py),
# with the partitions the last run found in the data.
dagster-dev: $(STAMP)
	@DAGSTER_HOME= $(BIN)/python -c "import sys, pathlib, orchestration.instance as i; \
		i.prepare_instance_dir(pathlib.Path(sys.argv[1]))" $(abspath $(HOME_DIR))
	SCORECARDS_HOME=$(abspath $(HOME_DIR)) DAGSTER_HOME=$(abspath $(HOME_DIR))/dagster \
		SCORECARDS_FIRST_MONTH=$${SCORECARDS_FIRST_MONTH:-$$(cat $(abspath $(HOME_DIR))/warehouse/first_month 2>/dev/null)} \
		DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS=1 \
		$(BIN)/dagster dev -h 127.0.0.1 -p 3000

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs
