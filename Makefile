# Artificial Neural Networks with Keras — course notebooks.
# Two commands do everything: `make lab` (set up, then JupyterLab) and
# `make test` (set up, then every check). Both are quick the second time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Kernel and test environment (same values as tools/kernel_env.py; a test checks).
# Switch backend with `make test KERAS_BACKEND=jax`.
KERAS_BACKEND ?= tensorflow
export KERAS_BACKEND
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0
export TF_DETERMINISTIC_OPS := 1

NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

# Notebook runs (nbval, the browser check, JAX) go two at a time: much of a
# notebook's time is single-threaded Python, so two share 2 cores well. Each
# notebook keeps one kernel (--dist loadfile); `make nbval XDIST=` runs serially.
XDIST ?= -n 2

.PHONY: help setup data chromium lab test test-jax unit nbval student student-check \
	browser html slides slide-metadata assets bench lint format notebooks clean

help:
	@echo "make lab            set up, then start JupyterLab on the collection's index"
	@echo "make test           set up, then ruff, unit tests, nbval on every notebook and"
	@echo "                    the student edition in JupyterLab in a real browser"
	@echo "make test-jax       the backend-sensitive unit tests and every notebook on JAX"
	@echo "make notebooks      re-execute every notebook in place (refresh outputs)"
	@echo "make student        write the student edition (solutions removed) to build/student/"
	@echo "make html           render the notebooks to static HTML handouts in build/html/"
	@echo "make slides         reveal.js decks of the notebooks and the lecture in build/slides/"
	@echo "make bench          measure notebook and training speed (bench/results.md)"
	@echo "make format         format Python and notebooks with ruff"

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
	$(BIN)/python -m tools.ensure_data

# Debian's Chromium for the browser check, installed like the data set: on
# Debian/Ubuntu as root when missing; elsewhere the check skips and says why.
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || \
	  { if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	      apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }; \
	    else echo "Chromium not installed: the browser check will be skipped (apt-get install chromium)"; fi; }

lab: setup
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00_index.ipynb

test: setup lint unit nbval browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: setup assets
	$(BIN)/pytest tests/ --ignore=tests/browser

# Every notebook's student edition in JupyterLab, in headless Chromium, as a
# student runs it: no cell fails, every exercise check prints its hint.
browser: setup chromium assets
	$(BIN)/pytest $(XDIST) --dist loadgroup tests/browser

# The student edition: solution regions become stubs (tools/make_student.py).
student: $(STAMP)
	$(BIN)/python -m tools.make_student

# The same for the student edition without a browser (quicker for one notebook;
# `make test` runs the browser check instead).
student-check: setup
	$(BIN)/pytest -m student tests/test_student_edition.py

html: $(STAMP) assets
	$(BIN)/python -m tools.build_html

# reveal.js decks of the executed notebooks (rendered, never executed again).
slides: $(STAMP) assets
	$(BIN)/python -m tools.build_slides

# Slide types for cells that have none (RESET=1: recompute all); metadata only.
slide-metadata: $(STAMP)
	$(BIN)/python -m tools.slide_metadata $(if $(RESET),--reset)

# reveal.js and MathJax for slides and handouts, at the versions package-lock.json
# pins, from the npm registry; npm from Debian's package when root and missing.
assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || \
	  { if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	      apt-get install -y -q npm || { apt-get update -q && apt-get install -y -q npm; }; \
	    else echo "npm not found: install Node.js with npm, then run make assets"; exit 1; fi; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

bench: setup
	$(BIN)/python -m bench

# The same code on Keras' JAX backend: the unit tests whose result can depend on
# the backend (marker `keras`, tests/conftest.py), and every notebook top to
# bottom with every assert (lax: JAX draws other random initial weights, so
# printed numbers differ from the TensorFlow reference outputs).
test-jax: setup
	KERAS_BACKEND=jax $(BIN)/pytest -m keras tests/ --ignore=tests/browser
	KERAS_BACKEND=jax $(BIN)/pytest $(XDIST) --dist loadfile --nbval-lax notebooks/

nbval: setup
	$(BIN)/pytest $(XDIST) --dist loadfile --nbval notebooks/

notebooks: setup
	$(BIN)/python -m tools.execute_notebooks $(NOTEBOOKS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build
