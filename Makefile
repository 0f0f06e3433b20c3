# `make run` and `make test` install what they need on a fresh machine, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench check-image clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(VENV)/.bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

run: $(VENV)/.app
	$(BIN)/python -m app.server --host $(HOST) --port $(PORT)

test: $(VENV)/.test system-deps
	node --test tests/js/*.test.mjs
	$(BIN)/python -m pytest

# Browser tests drive Debian's chromium (Playwright's own browser download cannot work here);
# the deploy test runs the compose file's nginx config with Debian's nginx-light; the link-preview
# picture draws Japanese and Chinese with fonts-noto-cjk; the page's pure modules are unit-tested
# with node's built-in runner (Debian's nodejs, no npm packages); the fleet's tests start Debian's
# redis-server on free ports.
system-deps:
	@{ command -v chromium && command -v node && command -v redis-server && { command -v nginx || test -x /usr/sbin/nginx; } \
	  && test -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc; } >/dev/null 2>&1 || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk nginx-light nodejs redis-server >/dev/null; }

# every benchmark runs (a missed target does not stop the next: `-`), then one table of all targets;
# the exit status is report.py's: 1 if any target was missed
bench: $(VENV)/.bench system-deps
	@$(BIN)/python -c "import sys; sys.path.insert(0, 'bench'); import targets; targets.reset()"
	-$(BIN)/python bench/engine.py
	-$(BIN)/python bench/api.py
	-$(BIN)/python bench/calibrate.py
	-$(BIN)/python bench/stream.py
	-$(BIN)/python bench/load.py
	-$(BIN)/python bench/load.py --fleet
	-$(BIN)/python bench/page.py
	-$(BIN)/python bench/picture.py
	$(BIN)/python bench/report.py

# needs a Docker engine: builds the image, checks it is healthy, non-root, and serves first runs
# with the kernels compiled at build time
check-image:
	deploy/check_image.sh

clean:
	rm -rf $(VENV) .pytest_cache
