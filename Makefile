# linkatlas: every target sets up its own virtualenv on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
DEMO_DIR ?= out/demo
# bench/profile.py index sizes (1M, 3M, 10M, 30M, 100M); the default finishes in minutes
PROFILE_SIZES ?= 1M,3M
# bench/web.py: seconds per endpoint and concurrency level (24 rows: about 2.5 minutes at 5)
WEB_SECONDS ?= 5

.PHONY: demo test lint bench docs clean browser

WALK := $(wildcard src/linkatlas/extract/_walk*.pyx src/linkatlas/extract/_walk*.pxi)

$(STAMP): pyproject.toml setup.py $(WALK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,frames,web]'
	touch $(STAMP)

# The contenders of the benchmarks (BeautifulSoup, lxml, Scrapy) only where they are needed.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,bench,frames,web]'
	touch $(BENCH_STAMP)

# The demo ends serving the dashboard until Ctrl-C; DEMO_SERVE=0 makes it exit instead.
DEMO_SERVE ?= 1
DEMO_PORT ?= 8000
demo: $(STAMP)
	$(BIN)/python -m linkatlas demo --dir $(DEMO_DIR) \
	  $(if $(filter 0 no false,$(DEMO_SERVE)),--no-serve,--serve --port $(DEMO_PORT))

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

# The browser tests drive Debian's chromium: installed when missing and we are root (CI);
# otherwise they skip and say why.
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; }; } || \
	  echo "chromium is not installed (needs root and apt): the browser tests will skip"

test: $(STAMP) lint browser
	$(BIN)/python -m pytest -q

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/graph.py
	$(BIN)/python bench/profile.py --sizes $(PROFILE_SIZES)
	$(BIN)/python bench/web.py --seconds $(WEB_SECONDS)

docs: $(STAMP)
	$(BIN)/python -m linkatlas settings --markdown > docs/settings.md

clean:
	rm -rf $(VENV) out build *.egg-info
