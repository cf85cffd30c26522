# survey_app — every set-up step in two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PLOTLY_JS := static/vendor/plotly-cartesian.min.js
FEATURE_CATALOGS := $(wildcard survey_app/*/translations)
CATALOG_DIRS := survey_app/translations $(FEATURE_CATALOGS)
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
CHROMIUM := /usr/bin/chromium

.PHONY: run test install install-test assets translations extract-messages migrate seed lint format bench demo-screenshots chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed assets translations

install-test: install $(VENV)/.installed-test chromium

## Compile the message catalogs (the .mo files are build output, never committed).
translations: $(VENV)/.installed
	@for dir in $(CATALOG_DIRS); do $(BIN)/pybabel compile -d $$dir --statistics || exit 1; done

## Refresh the .pot/.po files after changing user-visible strings (core catalog + one per feature; a
## feature's catalog also takes its forms, its models' labels and its templates).
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		$(foreach d,$(FEATURE_CATALOGS),--ignore-dirs=$(notdir $(patsubst %/translations,%,$(d)))) \
		-o survey_app/translations/messages.pot survey_app
	$(BIN)/pybabel update -i survey_app/translations/messages.pot -d survey_app/translations --no-fuzzy-matching
	@for dir in $(FEATURE_CATALOGS); do pkg=$${dir%/translations}; name=$${pkg#survey_app/}; \
		$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
			-o $$dir/messages.pot $$pkg $$(ls -d survey_app/forms/$$name.py survey_app/models/$$name.py \
				survey_app/templates/$$name 2>/dev/null); \
		$(BIN)/pybabel update -i $$dir/messages.pot -d $$dir --no-fuzzy-matching; done
	$(BIN)/python tools/carry_translations.py $(CATALOG_DIRS)

## Plotly's JavaScript is served from static/ (kiosks and offices sit on closed networks): its cartesian
## bundle (bar, scatter, heatmap, box, pie…: every trace the dashboards draw; a third of the full bundle's
## size and start-up time), from the npm registry at build time. Every static file is then copied to
## build/static under a content-hashed name and pre-compressed (.br, .gz) for WhiteNoise.
PLOTLY_VERSION := 4.1.1
STATIC_BUILD := build/static/manifest.json
assets: $(STATIC_BUILD)

## Without npm (or its registry) the full bundle shipped inside the plotly package stands in: 3x larger.
$(PLOTLY_JS): | $(VENV)/.installed
	mkdir -p static/vendor build/npm
	if command -v npm >/dev/null && (cd build/npm && npm pack --silent plotly.js-cartesian-dist-min@$(PLOTLY_VERSION) >/dev/null); then \
		tar -xzf build/npm/plotly.js-cartesian-dist-min-$(PLOTLY_VERSION).tgz -C build/npm && \
		cp build/npm/package/plotly-cartesian.min.js $@; \
	else \
		echo "npm unavailable: using the full Plotly bundle of the plotly package"; \
		cp "$$($(BIN)/python -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js")')" $@; \
	fi

$(STATIC_BUILD): $(VENV)/.installed $(PLOTLY_JS) $(shell find static -type f -not -path 'static/vendor/*')
	$(BIN)/python -m survey_app.core.assets static build/static

migrate: install
	$(FLASK) db upgrade

## First run only: the demo data (the marker keeps later runs fast; delete instance/ to start over).
instance/.demo-seeded: | migrate
	$(FLASK) setup
	$(FLASK) seed-demo
	touch $@

seed: migrate instance/.demo-seeded

run: seed
	$(FLASK) run --host 127.0.0.1 --port 5000

## Debian's Chromium drives the browser tests (Playwright cannot download its own here).
chromium:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null)

## Lint first (seconds), then the suite on SQLite and PostgreSQL, two workers.
test: install-test lint
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n 2

## Style (ruff) and the layer contracts of CONVENTIONS.md (import-linter, configured in pyproject.toml).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check survey_app tests bench tools
	$(BIN)/ruff format --check survey_app tests bench tools
	$(BIN)/lint-imports --no-cache

format:
	$(BIN)/ruff format survey_app tests bench tools
	$(BIN)/ruff check --fix survey_app tests bench tools

bench: install chromium
	$(BIN)/python -m bench

## The README's demo screenshots, from a full seed-demo in a scratch database.
demo-screenshots: install chromium
	$(BIN)/python -m bench.demo_screenshots

clean:
	rm -rf $(VENV) static/vendor
	find survey_app -name '*.mo' -delete
