# Every task a person runs is a target here. `make demo` and `make test` install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXECUTOR ?= local
# promtool checks the alert rules and runs their tests (ops/prometheus/).
PROMTOOL_VERSION := v0.316.0
# Real SkyPilot on a local Slurm cluster in `make test`: auto = where it can run here
# (root on Debian); 1 = always; 0 = never.
E2E ?= auto
ifeq ($(E2E),auto)
  E2E := $(shell [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && echo 1 || echo 0)
endif

.PHONY: setup proto worker demo test test-python test-go test-ts lint e2e bench-e2e reliability-doc slurm-up slurm-down clean

## setup: Python venv (pinned), npm packages (package-lock.json), Go modules, bubblewrap, promtool
setup: $(STAMP) node_modules/.installed .tools/go-modules bwrap .tools/promtool-$(PROMTOOL_VERSION)

$(STAMP): python-worker/requirements.lock python-worker/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r python-worker/requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e python-worker
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.tools/go-modules: go.mod go.sum
	go mod download
	mkdir -p .tools && touch $@

# Into .tools/bin, without the service discoveries (only prometheus.yml files use them).
.tools/promtool-$(PROMTOOL_VERSION):
	GOBIN=$(CURDIR)/.tools/bin go install -tags remove_all_sd github.com/prometheus/prometheus/cmd/promtool@$(PROMTOOL_VERSION)
	touch $@

# The local executor runs every task in a bubblewrap sandbox (docs/security.md).
bwrap:
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && { apt-get update -qq && apt-get install -y -qq --no-install-recommends bubblewrap; }; } \
	  || echo "note: bubblewrap not installed; the local executor will refuse tasks (see docs/security.md)"

## proto: regenerate Python, Go and TypeScript contract code from proto/ (committed)
proto: setup
	PY=$(PY) scripts/gen-proto.sh

## worker: run the worker (Ctrl-C drains and stops it)
worker: setup
	$(VENV)/bin/skypilot-temporal-worker

## demo: dev server + worker + the pipeline from the Python, Go and TS starters
##       (EXECUTOR=skypilot: on real SkyPilot and the local Slurm cluster)
demo: setup
ifeq ($(EXECUTOR),skypilot)
	scripts/with-slurm.sh env EXECUTOR=skypilot scripts/demo.sh
else
	EXECUTOR=$(EXECUTOR) scripts/demo.sh
endif

## test: lint, then everything (Python on a real dev server, Go, TypeScript, contract vectors)
test: setup lint test-go test-ts test-python

test-python: setup
ifeq ($(E2E),1)
	scripts/with-slurm.sh $(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)
else
	@echo "note: the Slurm end-to-end tests are skipped (E2E=0; they need root on Debian)"
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)
endif

# `go vet` and `tsc --noEmit` run in lint, which `make test` runs first.
test-go: setup
	go test ./...

test-ts: setup
	npm test --silent

## lint: ruff (worker, tests, scripts, bench), mypy and the import layers of the worker
##       package (import-linter; docs/architecture.md), go vet, tsc --noEmit
lint: setup
	$(VENV)/bin/ruff check --config python-worker/pyproject.toml python-worker/src tests scripts bench
	cd python-worker && $(abspath $(VENV))/bin/mypy
	$(VENV)/bin/lint-imports --no-logo --config python-worker/pyproject.toml
	go vet ./...
	npx tsc --noEmit

## e2e: every scenario on real SkyPilot and a local Slurm cluster (root, Debian), and
##      the slow ones on the local executor; the rig runs SkyPilot's managed-jobs
##      controller for them (LOCAL_SLURM_MANAGED_JOBS=1, ~1.5 GB more)
e2e: setup
	LOCAL_SLURM_MANAGED_JOBS=1 scripts/with-slurm.sh $(PY) -m pytest -q -m "slurm or slow" $(PYTEST_ARGS)

## bench-e2e: the pipeline on real SkyPilot (local Slurm) through the worker (with and
##      without autodown), as the plainest SDK calls (the floor), and with provisioning
##      ahead; each request the pipeline waits on, by route, with and without autodown
bench-e2e: setup
	scripts/with-slurm.sh $(PY) bench/real_skypilot.py $(BENCH_ARGS)
	scripts/with-slurm.sh $(PY) bench/request_routes.py

## reliability-doc: run every fault scenario (local executor; Slurm too when E2E=1)
##      and write the measured tables into docs/reliability.md
RECORDS ?= $(CURDIR)/.records
RELIABILITY_LOCAL := tests/worker/test_durability.py tests/worker/test_fleet_faults.py tests/worker/test_teardown.py tests/worker/test_managed_steps.py
RELIABILITY_SLURM := tests/e2e/test_slurm_faults.py tests/e2e/test_slurm_pipeline.py::test_cancel_during_training_cancels_the_job_and_leaves_no_cluster tests/e2e/test_slurm_managed.py
reliability-doc: setup
	rm -rf $(RECORDS)
	SKYPILOT_TEMPORAL_RECORDS_DIR=$(RECORDS) $(PY) -m pytest -q $(RELIABILITY_LOCAL)
ifeq ($(E2E),1)
	SKYPILOT_TEMPORAL_RECORDS_DIR=$(RECORDS) LOCAL_SLURM_MANAGED_JOBS=1 scripts/with-slurm.sh $(PY) -m pytest -q -m slurm $(RELIABILITY_SLURM)
endif
	$(PY) scripts/render_tables.py $(RECORDS)

slurm-up: setup
	SKY_VENV=$(abspath $(VENV)) tests/infra/slurm/up.sh

slurm-down:
	tests/infra/slurm/down.sh

clean:
	rm -rf $(VENV) node_modules .tools .records
