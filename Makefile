# Two commands for a new user (see README.md):
#   make run   — create the environment and start the dashboard on the bundled data
#   make test  — create the environment, install system packages the tests need, run every test
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast system-deps data bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT)

system-deps:
	bash scripts/install_system_deps.sh

test: $(VENV)/.installed system-deps
	$(PY) -m pytest

# Without the real-browser tests (they are still required in `make test` and CI).
test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not browser"

data: $(VENV)/.installed
	$(PY) scripts/reconstruct_survey.py
	$(PY) scripts/reconstruct_workshop.py

bench: $(VENV)/.installed
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
