# The two commands the README opens with: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
DATA   ?= $(or $(ANNOPROJ_DATA),../shared/data)

.PHONY: setup setup-test demo test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,crf]'
	touch $@

setup: $(VENV)/.installed

## Project the gold English Europarl entities onto de, es, it with the offline default; print F1.
demo: setup
	$(VENV)/bin/annoproj bench europarl --src en --tgt de,es,it --data-dir $(DATA)

## Run the test suite.
test: setup
	$(PY) -m pytest

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
