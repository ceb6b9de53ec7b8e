# Every task a person runs is a target here. `make demo` and `make test` install what they need.
SHELL := /bin/bash
PY_VERSION ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PROTO_SRC := proto/skypilot_temporal/v1/pipeline.proto

.PHONY: setup proto worker demo test lint clean

setup: $(STAMP)

$(STAMP): python-worker/requirements.lock python-worker/pyproject.toml
	test -x $(PY) || $(PY_VERSION) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r python-worker/requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e python-worker
	touch $@

# Regenerate every language's contract code from proto/ (the generated files are committed).
proto: setup
	$(PY) -m grpc_tools.protoc -Iproto --python_out=python-worker/src --pyi_out=python-worker/src $(PROTO_SRC)

worker: setup
	$(VENV)/bin/skypilot-temporal-worker
