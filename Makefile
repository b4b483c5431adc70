# Two set-up commands on a fresh machine: `make demo` and `make test` (see README).
# The interpreter: Debian's python3.11 where it can make a venv, else python3.11 on PATH.
# Debian's is linked statically and built with profile-guided optimisation and LTO; the
# pyenv build first on PATH here calls a shared libpython and has neither, and costs the
# twin about 1.25x the CPU time for the same run (issue 19). `make PYTHON=...` overrides.
PYTHON ?= $(or $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' 2>/dev/null && echo /usr/bin/python3.11),python3.11)
VENV   := .venv
# The venv remembers which interpreter made it: another interpreter makes a new venv
# (a venv's packages are built against the interpreter that made it).
PY_MARK := $(VENV)/.made-by$(subst /,_,$(subst $() ,_,$(PYTHON)))
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
SCENARIO ?= scenarios/reform_2014.yaml
# The locks pin every package, the build backend included, with hashes: a fresh machine
# installs exactly the versions the suite passed with. pyproject keeps the compatible
# ranges; `make lock` resolves them anew (dev.lock first, base.lock constrained by it, so
# the two never disagree on a version).
BASE_LOCK := requirements/base.lock
DEV_LOCK  := requirements/dev.lock
LOCK_CMD  := $(VENV)/bin/uv pip compile --generate-hashes --python-version 3.11 --quiet \
             --custom-compile-command 'make lock'

.PHONY: demo test lint layers typecheck unit bench system-deps schema lock clean

$(PY_MARK):
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	touch $@

# --no-build-isolation: the project is built by the locked setuptools in the venv, not by
# whatever setuptools the index offers that day.
$(VENV)/.stamp-base: pyproject.toml $(BASE_LOCK) $(PY_MARK)
	$(PIP) install -q --require-hashes -r $(BASE_LOCK)
	$(PIP) install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml $(DEV_LOCK) $(VENV)/.stamp-base
	$(PIP) install -q --require-hashes -r $(DEV_LOCK)
	touch $@

demo: $(VENV)/.stamp-base
	$(VENV)/bin/ftztwin demo

system-deps:
	bash tools/system-deps.sh

lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The layout table of the README as contracts ([tool.importlinter] in pyproject).
layers: $(VENV)/.stamp-dev
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(VENV)/.stamp-dev
	$(VENV)/bin/mypy

# pytest exits 5 when it collected no test; make treats any non-zero code as failure,
# so an empty suite can never pass silently.
# The ratio benchmarks (marker `solo`) run after the parallel suite, on their own: a
# neighbour worker's load inflates the twin's CPU time more than the core's (caches,
# a shared physical core), and that made a gross-regression check fail on a healthy tree.
unit: $(VENV)/.stamp-dev
	$(PY) -m pytest -n auto --dist loadgroup -m "not solo"
	$(PY) -m pytest -p no:xdist -m solo tests/benchmarks

test: system-deps lint layers typecheck unit

bench: $(VENV)/.stamp-dev
	$(PY) -m benchmarks

schema: $(VENV)/.stamp-base
	$(VENV)/bin/ftztwin schema

lock: $(VENV)/.stamp-dev
	$(LOCK_CMD) --upgrade pyproject.toml requirements/build.in --extra dev -o $(DEV_LOCK)
	$(LOCK_CMD) pyproject.toml requirements/build.in -c $(DEV_LOCK) -o $(BASE_LOCK)

clean:
	rm -rf $(VENV) out test-artifacts .pytest_cache .mypy_cache .ruff_cache
