# The course's commands. Direct dependencies are pinned in pyproject.toml, every other one in
# constraints.txt; the repository URL lives in _config.yml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
COURSE := $(PY) -m autograder
# Named after what the install depends on, so a clone or checkout that only touched the files
# (newer dates, same text) finds the environment up to date.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
UV := uv==0.13.9

.PHONY: install system-deps book test lint lab release publish grade-demo study bench constraints clean

# What the tests need from the system: bubblewrap (the grader's sandbox), with apt-get, and a
# Chromium for the pages in a real browser: Debian's chromium, else (Ubuntu) playwright's own.
system-deps: install
	@scripts/system-packages.sh bwrap=bubblewrap
	@PYTHON=$(PY) scripts/install-chromium.sh

# A virtual environment with the course installed editable (so every kernel, nbgrader and
# jupyter-book import it), its dependencies held to constraints.txt.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "The course needs Python 3.11 or newer (numpy 2.4 does); $(PYTHON) is" \
	       "$$($(PYTHON) --version 2>&1). Run: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV) && scripts/system-packages.sh \
	  "$$($(PYTHON) -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')" && \
	  $(PYTHON) -m venv $(VENV); }

$(STAMP): | $(PY)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[book,test]'
	rm -f $(VENV)/.installed*
	touch $@

install: $(STAMP)

# Regenerate constraints.txt after a change of pins in pyproject.toml (needs the network).
constraints: install
	$(PY) -m pip install --quiet $(UV)
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 -o constraints.txt

# Render the book to _build/html, executing its code (cached between builds).
book: install
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

# The whole suite, the linter first, on two workers (tests that share a fixture run on one: see
# tests/conftest.py). `.venv/bin/python -m pytest -m "not slow"` is the quick loop.
test: install system-deps lint
	$(PY) -m pytest -n 2 --dist loadscope --durations=25

lint: install
	$(VENV)/bin/ruff check .

# The exercise notebooks in JupyterLab, on the course's Python (its kernel imports the course).
lab: install
	$(VENV)/bin/jupyter lab notebooks/attention

# Regenerate the student release notebooks/ from solutions/ with nbgrader.
release: install
	$(COURSE) release

# The student edition of the book (no instructor pages) into _build/student.
publish: install
	$(COURSE) publish

# Grade the bundled demo class (right, wrong, cheating, broken) into _build/grade-demo.
grade-demo: install system-deps
	$(COURSE) demo --out _build/grade-demo

# Speed and memory measurements: each prints its ratios against the course's targets.
bench: install
	$(PY) benchmarks/book_build.py
	$(PY) benchmarks/notebook_runtime.py
	$(PY) benchmarks/attention_timing.py
	$(PY) benchmarks/grade_vs_nbgrader.py
	$(PY) benchmarks/new_gradebook.py

# The training study of the book's experiments chapter, with its figures, into study-results/.
study: install
	$(PY) -m experiments.study --out study-results

clean:
	rm -rf _build
