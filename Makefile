# make build: set up .venv and build the bundled example into build/
# make test:  set up .venv and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test check schema bench bench-archive bench-big clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/pack build content --out build

check: $(STAMP)
	$(BIN)/pack check content

test: $(STAMP)
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/pack schema --out docs/schemas

bench: $(STAMP)
	$(BIN)/python bench/pack_pdf.py

# whole builds of a synthetic archive at 10 and 100 meetings (long: see docs/performance.md)
bench-archive: $(STAMP)
	nice -n 10 $(BIN)/python bench/archive_build.py --code HEAD

# the 1,000-meeting archive once, beside 10 meetings: clean -j 2, no change, one word (about 35 minutes on 2 cores)
bench-big: $(STAMP)
	nice -n 5 $(BIN)/python bench/archive_big.py --code HEAD

clean:
	rm -rf build $(VENV)
