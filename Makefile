# Two commands on a fresh machine: `make demo` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.app $@

demo: $(VENV)/.app
	$(BIN)/ctui --demo

# One worker per core (at most 4): the Pilot tests are CPU-bound. `pytest -n0` runs in one process.
test: $(VENV)/.test
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4

lint: $(VENV)/.test
	$(BIN)/ruff check ctui tests bench
	$(BIN)/mypy ctui

bench: $(VENV)/.test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
