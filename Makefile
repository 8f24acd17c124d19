# Two commands for a new user (see README.md):
#   make run   — create the environment and start the dashboard on the bundled data
#   make test  — create the environment, install system packages the tests need, run every test
# More: make bench / bench-load (benchmarks), make deploy-up / deploy-down (replicas behind HAProxy).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast system-deps data bench bench-load deploy-up deploy-down clean

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

# Benchmark 7 alone: simulated viewers against one replica on one core and two behind HAProxy,
# with a kill -9 (docs/performance.md). `make bench-load QUICK=1` for the short version.
bench-load: $(VENV)/.installed system-deps
	$(PY) benchmarks/load_replicas.py $(if $(QUICK),--quick)

# Several replicas behind HAProxy with PostgreSQL, on this machine (docs/deployment.md).
REPLICAS ?= 2
deploy-up: $(VENV)/.installed system-deps
	$(PY) -m deploy up --replicas $(REPLICAS)

deploy-down:
	$(PY) -m deploy down

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
