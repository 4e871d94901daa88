# casepub — two commands on a fresh machine: `make pdf`, then `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CASES  := $(sort $(dir $(wildcard cases/*/case.yaml)))
OUT    ?= build
LANG_OPT ?=
LOCK   := requirements.lock
PIPLOG := $(VENV)/pip.log
LATEST := .venv-latest
SHELL  := /bin/bash

.PHONY: all pdf docx html check test test-latest lint lock docs bench clean distclean venv

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
	$(BIN)/casepub schema --of responses --output docs/responses.schema.json

venv: $(STAMP)

# Every dependency, runtime and dev, at the exact version and hash in $(LOCK); casepub itself
# is then installed on top without resolving anything again (`make lock` to upgrade).
$(STAMP): pyproject.toml $(LOCK)
	@echo "casepub: installing casepub and its locked dependencies into $(VENV) (first run only, a minute or two; log in $(PIPLOG))"
	@rm -rf $(VENV) && $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off \
		--require-hashes --no-deps -r $(LOCK) > $(PIPLOG) 2>&1 & pip=$$!; \
		if [ -t 1 ]; then while kill -0 $$pip 2>/dev/null; do \
			printf '\r  %d packages collected' "$$(grep -c '^Collecting' $(PIPLOG))"; sleep 1; \
		done; printf '\n'; fi; \
		wait $$pip || { tail -n 40 $(PIPLOG); echo "casepub: installing the locked dependencies failed (full log: $(PIPLOG))" >&2; exit 1; }
	@$(BIN)/python -m pip install --disable-pip-version-check --no-deps --no-build-isolation \
		-e . >> $(PIPLOG) 2>&1 \
		|| { tail -n 40 $(PIPLOG); echo "casepub: installing casepub failed (full log: $(PIPLOG))" >&2; exit 1; }
	@$(BIN)/python -m pip check >> $(PIPLOG) 2>&1 \
		|| { tail -n 20 $(PIPLOG); echo "casepub: the installed versions conflict (full log: $(PIPLOG))" >&2; exit 1; }
	@echo "casepub: installed $$($(BIN)/python -m pip freeze --exclude-editable | wc -l) locked packages"
	@touch $@

# Regenerate the lock from pyproject.toml: the newest versions its ranges allow, for every
# platform, with hashes. Run it to upgrade or after adding a dependency, then `make test`
# (which reinstalls .venv from the new lock) and commit both files. It needs only uv, taken
# at its locked version, so it works while .venv is out of date.
lock:
	@test -x $(BIN)/uv || { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
		awk '/^uv==/ {p = 1; print; next} p && /^ / {print; next} {p = 0}' $(LOCK) > $(VENV)/uv.req; \
		$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VENV)/uv.req; }
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
		--python-version 3.11 --custom-compile-command "make lock" --output-file $(LOCK)

# The suite against the newest versions pyproject.toml allows (what `pip install casepub`
# gets), in a venv of its own: drift in a dependency shows up here as a named failure.
test-latest:
	@echo "casepub: installing the newest allowed versions into $(LATEST)…"
	@rm -rf $(LATEST) && $(PYTHON) -m venv $(LATEST)
	@$(LATEST)/bin/python -m pip install --disable-pip-version-check --upgrade -e '.[dev]' \
		> $(LATEST)/pip.log 2>&1 || { tail -n 40 $(LATEST)/pip.log; exit 1; }
	@echo "casepub: how the newest allowed versions differ from requirements.lock:"
	@$(LATEST)/bin/python -m tests.test_lock
	CASEPUB_UNLOCKED=1 $(LATEST)/bin/python -m pytest -q -n auto --dist loadfile

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache

distclean: clean
	rm -rf $(VENV) $(LATEST)
