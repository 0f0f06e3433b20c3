# `make run` and `make test` install what they need on a fresh machine, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench check-image check-compose clean system-deps vendor-plotly

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

# Lighthouse pinned into a bench-local folder (npm registry; chromium is Debian's, see bench/lighthouse.py)
LIGHTHOUSE := bench/.node/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	@command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends npm >/dev/null; }
	npm install --prefix bench/.node --no-audit --no-fund --silent lighthouse@12.2.3

# every benchmark runs (a missed target does not stop the next: `-`), then one table of all targets;
# the exit status is report.py's: 1 if any target was missed
bench: $(VENV)/.bench system-deps $(LIGHTHOUSE)
	@$(BIN)/python -c "import sys; sys.path.insert(0, 'bench'); import targets; targets.reset()"
	-$(BIN)/python bench/engine.py
	-$(BIN)/python bench/api.py
	-$(BIN)/python bench/calibrate.py
	-$(BIN)/python bench/stream.py
	-$(BIN)/python bench/load.py
	-$(BIN)/python bench/load.py --fleet
	-$(BIN)/python bench/page.py
	-$(BIN)/python bench/picture.py
	-$(BIN)/python bench/curves.py
	-CHROME_PATH=/usr/bin/chromium $(BIN)/python bench/lighthouse.py
	$(BIN)/python bench/report.py

# needs a Docker engine: builds the image, checks it is healthy, non-root, and serves first runs
# with the kernels compiled at build time
check-image:
	deploy/check_image.sh

# needs a Docker engine (not part of `make test`: CI has none): runs docker-compose.yml with 3 app
# replicas, redis and nginx, checks the fleet through nginx (deploy/check_compose.py), then down -v
check-compose: $(VENV)/.test
	PYTHON=$(BIN)/python deploy/check_compose.sh

clean:
	rm -rf $(VENV) .pytest_cache

# plotly.js' own partial bundle with the cartesian trace types (the page draws scatter and
# contour), pinned, vendored with its license; the app serves it, nothing is fetched at run time
PLOTLY_VERSION ?= 4.1.1
vendor-plotly:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent plotly.js-cartesian-dist-min@$(PLOTLY_VERSION) >/dev/null \
	  && tar xzf plotly.js-cartesian-dist-min-$(PLOTLY_VERSION).tgz && cd - >/dev/null \
	  && cp $$tmp/package/plotly-cartesian.min.js static/vendor/plotly-cartesian.min.js \
	  && sed -i 's#dflt:"https://cdn.plot.ly/un/"#dflt:"/static/vendor/topojson/"#' static/vendor/plotly-cartesian.min.js \
	  && cp $$tmp/package/LICENSE static/vendor/plotly-LICENSE && rm -rf $$tmp \
	  && sed -i 's/[0-9]\+\.[0-9]\+\.[0-9]\+/$(PLOTLY_VERSION)/g' static/vendor/README.md \
	  && head -c 120 static/vendor/plotly-cartesian.min.js | grep -o 'v[0-9][0-9.]*'
