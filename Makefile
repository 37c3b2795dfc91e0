# The two commands for a fresh machine: `make site` builds the digest, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | sha1sum | cut -c1-12)
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve bench lint typecheck unit browser-deps clean help locales

help:
	@echo "make site    set up .venv and build the site into build/site"
	@echo "make test    set up everything (venv, Chromium, CJK fonts) and run the whole suite"
	@echo "make serve   live preview at http://127.0.0.1:8000"
	@echo "make bench   benchmark the pipeline on synthetic corpora"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

site: $(STAMP)
	$(BIN)/digest build
	@echo "The site is in build/site: open build/site/index.html, or run 'make serve'."

serve: $(STAMP)
	$(BIN)/digest serve

bench: $(STAMP)
	$(BIN)/python scripts/bench.py --write-docs docs/benchmark.md

# Debian's Chromium and CJK fonts for the browser tests (without the fonts Chinese renders as boxes), and
# gettext, whose `msgfmt -c` checks the catalogs.
browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v msgfmt >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk gettext >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard scripts)
	$(BIN)/ruff format --check src tests $(wildcard scripts)

typecheck: $(STAMP)
	$(BIN)/mypy

# One worker per core (pytest-xdist), each test file on one worker: its module fixtures are built once.
unit: $(STAMP)
	$(BIN)/pytest -n auto --dist loadfile

test: $(STAMP) browser-deps lint typecheck unit

clean:
	rm -rf build

# Refresh the interface-string template and catalogs after editing templates/ (then translate the new entries).
locales: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k step:2 --sort-output --project digest --copyright-holder "the digest's translators" --msgid-bugs-address translators@digest.invalid --version 1 -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete -w 0
