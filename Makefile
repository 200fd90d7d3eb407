# The two commands the README opens with: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip install -q --disable-pip-version-check
DATA   ?= $(abspath $(or $(ANNOPROJ_DATA),../shared/data))
# The test suite exercises every optional stack (tiny models, built by the tests themselves).
TEST_EXTRAS ?= test,all

.PHONY: setup setup-test demo test bench clean

$(VENV)/.core: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e .
	touch $@

$(VENV)/.test: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e '.[$(TEST_EXTRAS)]'
	touch $@

setup: $(VENV)/.core
setup-test: $(VENV)/.test

## Project the gold English Europarl entities onto de, es, it with the offline default; print F1.
demo: setup
	$(VENV)/bin/annoproj bench europarl --src en --tgt de,es,it --data-dir $(DATA)

## Run the test suite.
test: setup-test
	ANNOPROJ_DATA=$(DATA) $(PY) -m pytest

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
