# The two commands: `make demo` runs the service with demo data, `make test` runs the tests.
.DEFAULT_GOAL := help
PY := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: help setup demo test stop lint lock vllm-test-server

help:
	@echo "make demo   set up (first time: system packages, venv, database) and run the service with demo data"
	@echo "make test   set up and run the whole test suite"
	@echo "make stop   stop the local PostgreSQL and Redis"
	@echo "make lint   ruff, mypy on the core modules, makemigrations --check"

setup:
	@deploy/local/setup.sh

demo: setup
	@deploy/local/run-demo.sh

# One process per core (pytest-xdist, a database each); the tests that share a server (the vLLM
# test server, the multi-host deployment) run in one of them. The vLLM test server is built by
# the tests that need it, so a run that leaves them out never waits for it.
test: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

# The CPU vLLM server and tiny model the integration tests start (they build it themselves the
# first time; this builds it ahead, a no-op once set up).
vllm-test-server:
	@deploy/model-server/cpu-test/setup.sh

stop:
	@deploy/local/services.sh stop

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

lock:
	.venv/bin/pip freeze --exclude-editable | grep -vE '^(pip|setuptools|wheel)==' > requirements.lock
