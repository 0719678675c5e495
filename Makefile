# DPRK–Syria Atlas: set-up, run and test.  `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.requirements.stamp
CHROMIUM := /usr/bin/chromium
NGINX    := /usr/sbin/nginx

# `make run ADDRESS=0.0.0.0 PORT=8502` to serve elsewhere; STREAMLIT_ARGS for anything else.
ADDRESS        ?= localhost
PORT           ?= 8501
STREAMLIT_ARGS ?=
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k harness -x"`.
PYTEST_ARGS    ?=
# `make serve-replicas REPLICAS=3 PORT=8080`: app processes behind nginx on 127.0.0.1:PORT.
REPLICAS       ?= 2

.PHONY: help venv browser nginx run serve-replicas test lint bench load-test server-latency clean

help:
	@echo "make run     serve the app on http://$(ADDRESS):$(PORT) (ADDRESS=, PORT= to change)"
	@echo "make test    install what is missing, lint, run the whole test suite"
	@echo "make lint    ruff check, and the import contract (lint-imports; see pyproject.toml)"
	@echo "make bench   benchmarks with baselines, one table (python -m bench.run; about 3 min)"
	@echo "make load-test  20 concurrent browser sessions for 60 s (python -m bench.load_test)"
	@echo "make server-latency  the server's time per filter change at 1, 5, 20, 50 sessions"
	@echo "make venv    create $(VENV) and install requirements-dev.txt (when changed)"
	@echo "make browser install Debian's chromium if $(CHROMIUM) is missing"
	@echo "make nginx   install Debian's nginx if $(NGINX) is missing"
	@echo "make serve-replicas  $(REPLICAS) app processes behind nginx on 127.0.0.1:$(PORT) (REPLICAS=, PORT=)"
	@echo "make clean   remove $(VENV), caches and test artefacts"

venv: $(STAMP)

# Re-installs only when a requirements file is newer than the stamp.
$(STAMP): requirements.txt requirements-dev.txt
	@if [ -x "$(PY)" ] && "$(PY)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
	  echo "Using existing $(VENV)"; \
	else \
	  if command -v python3.11 >/dev/null 2>&1; then base=python3.11; \
	  elif command -v python3 >/dev/null 2>&1 && \
	       python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then base=python3; \
	  else echo "error: Python 3.11 is required (no python3.11, and python3 is not 3.11)" >&2; exit 1; fi; \
	  echo "Creating $(VENV) with $$(command -v $$base)"; \
	  rm -rf "$(VENV)"; \
	  "$$base" -m venv "$(VENV)"; \
	fi
	"$(PY)" -m pip install --disable-pip-version-check --no-input -q -r requirements-dev.txt
	touch "$@"

# $(call apt_install,PACKAGE,BINARY,WHO NEEDS IT,AFTER): install Debian's PACKAGE with
# apt-get (as root, or through sudo) when BINARY is missing, then run the shell AFTER.
define apt_install
	@if [ -x "$(2)" ]; then exit 0; fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else echo "error: $(2) is missing and installing it needs root or sudo." \
	          "Run as root: apt-get update && apt-get install -y $(1)" >&2; exit 1; fi; \
	echo "Installing Debian's $(1) (apt-get)"; \
	if ! { $$sudo apt-get update && \
	       $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $(1); }; then \
	  echo "error: apt-get could not install $(1); $(3) need $(2)" >&2; exit 1; fi; \
	if [ ! -x "$(2)" ]; then \
	  echo "error: $(1) installed but $(2) is still missing" >&2; exit 1; fi; \
	$(4)
endef

# The nginx package starts a service with a default site on port 80; the scale-out test
# and `make serve-replicas` run their own nginx, so a freshly installed service is stopped.
NGINX_SERVICE_OFF := if [ -d /run/systemd/system ] && systemctl is-enabled --quiet nginx 2>/dev/null; then \
	  echo "Stopping and disabling the nginx service the package started"; \
	  $$sudo systemctl disable --now nginx || true; fi

browser:
	$(call apt_install,chromium,$(CHROMIUM),browser tests)

nginx:
	$(call apt_install,nginx,$(NGINX),the scale-out test and make serve-replicas,$(NGINX_SERVICE_OFF))

run: venv
	$(VENV)/bin/streamlit run app.py --server.address "$(ADDRESS)" --server.port "$(PORT)" $(STREAMLIT_ARGS)

serve-replicas: venv nginx
	$(PY) -m deploy.replicas --replicas "$(REPLICAS)" --port "$(PORT)"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: venv browser nginx
	$(MAKE) --no-print-directory lint
	@# In-process tests (unit, data, AppTest) share both cores; tests of a served app or a
	@# browser run one at a time after them, since several time the server they drive.
	$(PY) -m pytest -n 2 -m "not browser and not served" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PY) -m pytest -p no:xdist -m "browser or served" $(PYTEST_ARGS) || [ $$? -eq 5 ]

bench: venv browser
	$(PY) -m bench.run

load-test: venv browser
	$(PY) -m bench.load_test --sessions 20 --seconds 60

# Light protocol-level clients (no browser): the server's own time per filter change.
server-latency: venv
	$(PY) -m bench.server_latency

clean:
	rm -rf "$(VENV)" .pytest_cache .ruff_cache .hypothesis tests/artifacts
	rm -rf static/extra-layers .extra-layers-tmp  # published ATLAS_EXTRA_LAYERS files
	find . -name __pycache__ -type d -prune -not -path "./.git/*" -exec rm -rf {} +
