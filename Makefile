# Retret — developer entry points (DESIGN.md §9).
#   make run            everything on this machine without Docker (scripts/dev-run.sh)
#   make demo           seed the Kota Malang retreat, and a first wave under way, over the APIs of a running
#                       `make run` (scripts/demo.py, then scripts/demo_live.py)
#   make test           the whole suite (PYTEST_ARGS="-k nip -x" to narrow it)
#   make bench|fuzz|faults   the long runs; RETRET_LONG=1 tells those tests to run their full size
#   make compose-check  validate docker-compose.yml with .env.example (Debian's docker-compose package)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Any change to a package's dependencies (or the dev tools) reinstalls.
INSTALL_INPUTS := $(wildcard pyproject.toml shared/pyproject.toml services/*/pyproject.toml) requirements-dev.txt

.PHONY: venv run demo test bench fuzz faults compose-check clean

venv: $(STAMP)

$(STAMP): $(INSTALL_INPUTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e shared -e services/registration -e services/notifications -e services/reporting -r requirements-dev.txt
	@touch $@

run: venv
	scripts/dev-run.sh

demo: venv
	$(PY) scripts/demo.py
	$(PY) scripts/demo_live.py

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv
	RETRET_LONG=1 $(PY) -m pytest benchmarks $(PYTEST_ARGS)

fuzz: venv
	RETRET_LONG=1 $(PY) -m pytest tests/fuzz $(PYTEST_ARGS)

faults: venv
	RETRET_LONG=1 $(PY) -m pytest -m faults tests $(PYTEST_ARGS)

# docker-compose reads env_file .env from the project directory, and a user's .env must stay untouched: the
# check runs with a temporary project directory that links the repository's files next to a copy of
# .env.example named .env (so build contexts and mounted files still resolve to the real ones).
compose-check:
	@command -v docker-compose >/dev/null || { echo "compose-check: install docker-compose (apt-get install -y docker-compose)" >&2; exit 1; }
	@tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	 for f in $(CURDIR)/*; do ln -s "$$f" "$$tmp/"; done; \
	 cp .env.example "$$tmp/.env"; \
	 docker-compose --project-directory "$$tmp" -f docker-compose.yml config -q && echo "docker-compose.yml: OK"

# Build and test leftovers only: the virtualenv and var/ (databases, mail, Redis data) are kept;
# remove them by hand (rm -rf .venv var) to start from scratch.
clean:
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis build dist
