# Two set-up commands on a fresh machine: `make demo` and `make test` (see README).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
SCENARIO ?= scenarios/reform_2014.yaml

.PHONY: demo test lint typecheck unit bench system-deps schema clean

$(VENV)/.stamp-base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml $(VENV)/.stamp-base
	$(PIP) install -q -e '.[dev]'
	touch $@

demo: $(VENV)/.stamp-base
	$(VENV)/bin/ftztwin demo

system-deps:
	bash tools/system-deps.sh

lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.stamp-dev
	$(VENV)/bin/mypy

# pytest exits 5 when it collected no test; make treats any non-zero code as failure,
# so an empty suite can never pass silently.
unit: $(VENV)/.stamp-dev
	$(PY) -m pytest -n auto --dist loadgroup

test: system-deps lint typecheck unit

bench: $(VENV)/.stamp-dev
	$(PY) -m benchmarks

schema: $(VENV)/.stamp-base
	$(VENV)/bin/ftztwin schema

clean:
	rm -rf $(VENV) out test-artifacts .pytest_cache .mypy_cache .ruff_cache
