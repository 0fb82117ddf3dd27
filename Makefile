# The course's commands. Versions live in requirements.txt; the repository URL in _config.yml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements
export PYTHONPATH := $(CURDIR)

.PHONY: install book test release grade-demo study bench clean

# A virtual environment with every pinned dependency, rebuilt when requirements.txt changes.
$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	cp requirements.txt $@

install: $(STAMP)

# Render the book to _build/html, executing its code (cached between builds).
book: install
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

test: install
	$(PY) -m pytest

# Regenerate the student release notebooks/ from solutions/ with nbgrader.
release: install
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PY) -m autograder.release

# Grade the bundled demo class (right, wrong, cheating, broken) into _build/grade-demo.
grade-demo: install
	$(PY) -m autograder grade --demo --out _build/grade-demo

# Speed and memory measurements: each prints its ratios against the course's targets.
bench: install
	$(PY) benchmarks/book_build.py
	$(PY) benchmarks/notebook_runtime.py
	$(PY) benchmarks/attention_timing.py
	$(PY) benchmarks/grade_vs_nbgrader.py

# The training study of the book's experiments chapter, with its figures, into study-results/.
study: install
	$(PY) -m experiments.study --out study-results

clean:
	rm -rf _build
