# Rubric's front door: `make run` to try it, `make test` to check it, `make bench` to time it.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
FIXTURES := junior-backend-developer backend-developer

# Candidates per benchmark run: `make bench SIZES="50 500 50000"` adds the large one
# (on PostgreSQL, with DATABASE_URL set: SQLite runs sizes up to 5,000).
SIZES ?= 50 500

.PHONY: run setup test lint format bench clean api-conformance mutate deploy-check

run: setup
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py loaddata -v 0 $(FIXTURES)
	$(BIN)/python manage.py seed_demo
	@echo "Rubric is at http://127.0.0.1:8000/ (Ctrl-C stops it)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Rubric needs Python 3.12 or newer, and none was found on PATH." \
		"Install it (or set PYTHON=/path/to/python3.12) and run make again." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

test: setup
	$(BIN)/pytest -n 3  # two cores, but the browser and server tests wait: 3 keeps both busy

# The API against its live schema with Schemathesis: no 5xx, every response as documented.
api-conformance: setup
	./api/conformance.sh

# Mutation testing of scoring/selectors.py, results.py, services.py and interviews/services.py
# against the tests that cover them ([tool.mutmut] in pyproject.toml). Slow; not part of CI.
mutate: setup
	$(BIN)/mutmut run
	$(BIN)/mutmut results

# SQLite always, PostgreSQL too when DATABASE_URL is set; fails when a target is missed.
bench: setup
	$(BIN)/python -m bench --sizes $(SIZES)

# Two gunicorn processes, a worker, its own PostgreSQL and Redis, 50 simulated interviewers,
# a killed app process and a PostgreSQL restart; asserts nothing is lost (deploy/check.py).
# Needs root (it runs its PostgreSQL as the postgres user) and takes a few minutes; not in CI.
deploy-check: setup
	$(BIN)/python deploy/check.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 mutants
