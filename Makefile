# Artificial Neural Networks with Keras — course notebooks.
# Two commands do everything: `make lab` (set up, then JupyterLab) and
# `make test` (set up, then every check). Both are quick the second time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Kernel and test environment (same values as conftest.KERNEL_ENV).
# Switch backend with `make test KERAS_BACKEND=jax`.
KERAS_BACKEND ?= tensorflow
export KERAS_BACKEND
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0
export TF_DETERMINISTIC_OPS := 1

NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

.PHONY: help setup data lab test unit nbval lint format notebooks clean

help:
	@echo "make lab        set up, then start JupyterLab on notebooks/"
	@echo "make test       set up, then ruff, unit tests and nbval on every notebook"
	@echo "make notebooks  re-execute every notebook in place (refresh outputs)"
	@echo "make format     format Python and notebooks with ruff"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pins or the packaging change.
$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e . --config-settings editable_mode=compat
	touch $@

setup: $(STAMP) data

data: $(STAMP)
	$(BIN)/python tools/ensure_data.py

lab: setup
	$(BIN)/jupyter lab notebooks/

test: setup lint unit nbval

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/pytest tests/

nbval: setup
	$(BIN)/pytest --nbval notebooks/

notebooks: setup
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build
