# linkatlas: every target sets up its own virtualenv on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
DEMO_DIR ?= out/demo
# bench/profile.py index sizes (1M, 3M, 10M, 30M, 100M); the default finishes in minutes
PROFILE_SIZES ?= 1M,3M

.PHONY: demo test lint bench docs clean

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

demo: $(STAMP)
	$(BIN)/python -m linkatlas demo --dir $(DEMO_DIR)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/graph.py
	$(BIN)/python bench/profile.py --sizes $(PROFILE_SIZES)

docs: $(STAMP)
	$(BIN)/python -m linkatlas settings --markdown > docs/settings.md

clean:
	rm -rf $(VENV) out build *.egg-info
