# conflictwatch: `make run` (set up + run the pipeline on the seeds through Airflow) and
# `make test` (set up + the whole test suite). Needs only Python 3.11 and make.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
WAREHOUSE ?= $(CURDIR)/data/warehouse.duckdb

export DO_NOT_TRACK := 1
# Python's default: each module compiled once into __pycache__ and read from there afterwards.
# With PYTHONDONTWRITEBYTECODE set (as on this machine), every process compiled every module it
# imports again: 1.8 s of CPU per dbt start (3.2 -> 1.4 s), more per Airflow command. The
# Docker image compiles at install instead (UV_COMPILE_BYTECODE=1).
unexport PYTHONDONTWRITEBYTECODE
export AIRFLOW_HOME := $(CURDIR)/airflow_home
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
# Not plugins/: Airflow imports every .py file in its plugins folder as a top-level module
# (nlp/numbers.py would replace the stdlib numbers). The package is installed in .venv instead.
export AIRFLOW__CORE__PLUGINS_FOLDER := $(AIRFLOW_HOME)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__UNIT_TEST_MODE := False
# The first parse of transform_dbt runs `dbt parse` (no manifest yet): 30 s is too short on a busy machine.
export AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT := 180
export AIRFLOW__LOGGING__LOGGING_LEVEL := WARNING
export CONFLICTWATCH_WAREHOUSE := $(WAREHOUSE)

.PHONY: help setup run test lint sources-schema eval eval-corpus error-budget train audit bench-extract bench bench-quick airflow-init clean report bench-incr report-screenshot docs

help:
	@echo "make run            set up .venv and run the pipeline on include/seeds through Airflow"
	@echo "make test           set up .venv and run the whole test suite (pytest, dbt build, ruff, sqlfluff)"
	@echo "make eval           score the pipeline's marts on the seeds against the gold file"
	@echo "make eval-corpus    score the annotated corpus's dev, val and test splits (corpus/, docs/codebook.md)"
	@echo "make error-budget   how much incident F1 each kind of error costs on a split (SPLIT=dev|train)"
	@echo "make train          rebuild the event coder's learned files from corpus/train"
	@echo "make audit          an analyst's audit of a full FA-KES run (docs/audit.md)"
	@echo "make bench-extract  main-text extraction benchmark (needs ../shared/corpora/zyte-aeb)"
	@echo "make secrets        write an untracked .env with random secrets for docker compose (scale-out)"
	@echo "make reliability    hostile inputs, crashes, locks, full disk, stalling sources: the reliability table"
	@echo "make bench          the pipeline against bare spaCy / trafilatura on FA-KES, 10x, Zyte (bench-quick: a few minutes)"
	@echo "make bench-incr     FA-KES fresh run then +1% new articles, twice, per stage (docs/benchmarks.md)"
	@echo "make report         the HTML report from the analyst copy (data/report.html), after make run"
	@echo "make docs           serve the dbt docs site on http://127.0.0.1:8580/ (Ctrl+C stops)"
	@echo "make sources-schema write include/sources.schema.json from the sources file's typed model"

# The virtualenv is rebuilt when the lock file changes. uv is bootstrapped with pip into the
# venv itself; --inexact keeps it there while uv installs exactly what uv.lock pins.
$(BIN)/.installed: pyproject.toml uv.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || { $(BIN)/python -m pip --version > /dev/null 2>&1 || $(BIN)/python -m ensurepip --quiet; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; }
	@UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --inexact --quiet
	@touch $@

setup: $(BIN)/.installed

airflow-init: setup
	@mkdir -p $(AIRFLOW_HOME) data
	@$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || { cat $(AIRFLOW_HOME)/db-migrate.log; exit 1; }
	@$(BIN)/airflow pools set warehouse 1 "The DuckDB warehouse takes one writer at a time" > /dev/null

run: airflow-init
	@start=$$(date +%s); \
	echo "== ingest_articles (airflow dags test) =="; \
	$(BIN)/airflow dags test ingest_articles > $(AIRFLOW_HOME)/ingest.log 2>&1 || { tail -50 $(AIRFLOW_HOME)/ingest.log; exit 1; }; \
	grep -E "state=|Marking run" $(AIRFLOW_HOME)/ingest.log | tail -3 || true; \
	echo "== transform_dbt (airflow dags test) =="; \
	$(BIN)/airflow dags test transform_dbt > $(AIRFLOW_HOME)/transform.log 2>&1 || { tail -50 $(AIRFLOW_HOME)/transform.log; exit 1; }; \
	grep -E "state=|Marking run" $(AIRFLOW_HOME)/transform.log | tail -3 || true; \
	$(BIN)/conflictwatch summary --warehouse $(WAREHOUSE); \
	echo "make run took $$(( $$(date +%s) - start )) s (after set-up)"

test: setup
	@bash .ci/test

sources-schema: setup
	@$(BIN)/conflictwatch sources-schema --output include/sources.schema.json

lint: setup
	@$(BIN)/ruff check plugins dags tests benchmarks scripts
	@$(BIN)/sqlfluff lint dbt_project/models dbt_project/analyses

eval: setup
	@mkdir -p data
	@$(BIN)/conflictwatch run --force --input include/seeds --warehouse data/eval.duckdb > data/eval-run.log 2>&1 || { cat data/eval-run.log; exit 1; }
	@$(BIN)/conflictwatch eval --gold tests/fixtures/gold/seed_gold.yaml --warehouse data/eval.duckdb

# The annotated corpus (corpus/README.md): dev and test scored with the whole pipeline. The test
# split is scored once per release of the event coder and never used to choose a rule.
SPLIT ?= dev
eval-corpus: setup
	@mkdir -p data
	@for split in dev val test; do \
	  $(BIN)/conflictwatch run --force --input corpus/$$split --warehouse data/corpus-$$split.duckdb > data/corpus-$$split-run.log 2>&1 || { tail -40 data/corpus-$$split-run.log; exit 1; }; \
	  echo "== $$split ($$(ls corpus/$$split/*.txt | wc -l) articles) =="; \
	  $(BIN)/conflictwatch eval --gold corpus/$$split/gold.yaml --warehouse data/corpus-$$split.duckdb $$([ $$split = val ] && echo --figures-only); \
	done

error-budget: setup
	@mkdir -p data
	@case "$(SPLIT)" in test|val) echo "the $(SPLIT) split is not for error analysis"; exit 2;; esac
	@$(BIN)/conflictwatch run --force --input corpus/$(SPLIT) --warehouse data/corpus-$(SPLIT).duckdb > data/corpus-$(SPLIT)-run.log 2>&1 || { tail -40 data/corpus-$(SPLIT)-run.log; exit 1; }
	@$(BIN)/python -c "from pathlib import Path; from conflictwatch.error_budget import budget, format_budget; \
	  print(format_budget(budget(Path('corpus/$(SPLIT)/gold.yaml'), Path('data/corpus-$(SPLIT).duckdb'))))"

train: setup
	@$(BIN)/python scripts/train_events.py

audit: setup
	@$(BIN)/python scripts/audit.py

bench-extract: setup
	@$(BIN)/python benchmarks/bench_extract.py

# The whole pipeline against bare spaCy and bare trafilatura (docs/benchmarks.md); BENCH_SCALE=quick
# (or make bench-quick) takes 100 FA-KES articles instead of 804, a few minutes in all.
bench: setup
	@$(BIN)/python benchmarks/bench_pipeline.py

bench-quick: setup
	@BENCH_SCALE=quick $(BIN)/python benchmarks/bench_pipeline.py

# Only the fresh run and the +1% run on FA-KES, twice, with every stage of both (a few minutes;
# BENCH_INCR_ARGS="--before ../main-checkout" also measures another checkout, alternating).
bench-incr: setup
	@$(BIN)/python benchmarks/bench_incremental.py $(BENCH_INCR_ARGS)

report: setup
	@$(BIN)/conflictwatch report --output data/report.html

# docs/img/report.png: the report opened from disk in headless Chromium, an incident clicked
report-screenshot: report
	@$(BIN)/python scripts/report_screenshot.py --report data/report.html --out docs/img/report.png

docs: setup
	@$(BIN)/conflictwatch docs

clean:
	rm -rf data airflow_home dbt_project/target dbt_project/logs

# --- orchestration ---
# Airflow beyond `make run`: the UI, the scale-out profile on this machine's PostgreSQL and
# Redis, the browser check and screenshots, and the Cosmos measurement (docs/orchestration.md).
.PHONY: reliability secrets airflow test-scaleout test-browser screenshots bench-dbt

airflow: setup
	@$(BIN)/python scripts/airflow_standalone.py

# Hostile inputs, crashes, a held lock, a full disk, a misbehaving HTTP source and readers during
# a run, on the seeds, a FA-KES sample (skipped when ../shared/corpora/fa-kes is absent) and a
# generated hostile corpus; prints the table the README's Reliability section shows.
SAMPLE ?= 100
reliability: setup
	@$(BIN)/python scripts/reliability.py --sample $(SAMPLE) --work $(CURDIR)/data/reliability

# The scale-out profile's secrets (database, Redis, Fernet key, API JWT secret): random values
# in an untracked .env (mode 0600), never overwritten; docker compose reads it.
secrets: .env
.env:
	@$(PYTHON) scripts/secrets_env.py $@

test-scaleout: setup secrets
	@$(BIN)/pytest -q -p no:cacheprovider -m scaleout tests/test_scaleout.py

test-browser: setup
	@$(BIN)/pytest -q -p no:cacheprovider -m browser tests/test_browser.py

screenshots: setup
	@$(BIN)/python scripts/screenshots.py

bench-dbt: setup
	@$(BIN)/python scripts/bench_dbt.py
