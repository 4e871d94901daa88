# casepub — two commands on a fresh machine: `make pdf`, then `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CASES  := $(sort $(dir $(wildcard cases/*/case.yaml)))
OUT    ?= build
LANG_OPT ?=

.PHONY: all pdf docx html check test lint docs bench clean distclean venv

all: $(STAMP)
	$(BIN)/casepub build $(CASES) --format pdf,docx,html,jats,latex --out $(OUT) $(LANG_OPT)

pdf: $(STAMP)
	$(BIN)/casepub build $(CASES) --format pdf --out $(OUT) $(LANG_OPT)

docx: $(STAMP)
	$(BIN)/casepub build $(CASES) --format docx --out $(OUT) $(LANG_OPT)

html: $(STAMP)
	$(BIN)/casepub build $(CASES) --format html --out $(OUT) $(LANG_OPT)

check: $(STAMP)
	$(BIN)/casepub check $(CASES)

# One worker per core; a test file runs whole in one worker (its fixtures are built once).
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check casepub tests benchmarks fuzz
	$(BIN)/ruff format --check casepub tests benchmarks fuzz
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

docs: $(STAMP)
	$(BIN)/casepub schema --format markdown --output docs/format.md
	$(BIN)/casepub schema --output docs/case.schema.json

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache

distclean: clean
	rm -rf $(VENV)
