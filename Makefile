# One target per habit. `make run` and `make test` are all a fresh machine needs.
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
STAMP  := $(VENV)/.installed-stamp
BENCH_STAMP := $(VENV)/.bench-installed-stamp
# axe-core, pinned in package-lock.json, checks the pages for WCAG 2.1 AA in the browser tests.
NODE_STAMP := node_modules/.installed-stamp
CHROMIUM ?= /usr/bin/chromium

.PHONY: run superuser test lint format bench load browser gettext npm messages clean-uploads

# The translations (Dutch, Traditional Chinese) are compiled from locale/*.po by the set-up,
# never committed: a .mo is rebuilt whenever its .po is newer.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Serves the portal on http://127.0.0.1:$(PORT) with its Celery workers beside it, on embedded
# defaults: SQLite and a broker in var/ that needs no server. URL checks wait on the network, so
# they get a pool of threads; logo checks and housekeeping get processes; the beat runs on its
# own, as in production, so that each stops within seconds of Ctrl-C. Links in e-mails name the
# port served.
LOCAL := DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}
CELERY := $(LOCAL) $(VENV)/bin/celery -A config
run: $(STAMP) messages
	@mkdir -p var
	$(LOCAL) $(PY) manage.py migrate --noinput
	@$(CELERY) worker --loglevel=INFO -n urls@%h -Q urls -P threads -c 16 & urls=$$!; \
	  $(CELERY) worker --loglevel=INFO -n logos@%h -Q logos,default -c 2 & logos=$$!; \
	  $(CELERY) beat --loglevel=INFO & beat=$$!; \
	  trap 'kill $$urls $$logos $$beat 2>/dev/null; wait' EXIT INT TERM; \
	  $(LOCAL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# An admin account on the same local defaults as `make run` (asks for an e-mail and a password).
superuser: $(STAMP)
	$(LOCAL) $(PY) manage.py createsuperuser

# The browser tests drive Debian's Chromium, with a Chinese font (else zh-hant pages show empty
# boxes in the screenshots); install both when we can (root with apt-get).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else echo "Chromium is missing: browser tests will be skipped (apt-get install chromium)."; fi; \
	fi
	@if ! fc-list :lang=zh-tw 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk) >/dev/null; \
	  else echo "No Chinese font: zh-hant screenshots show empty boxes (apt-get install fonts-noto-cjk)."; fi; \
	fi

# GNU gettext compiles the catalogues (and makemessages extracts them): install it when we can.
gettext:
	@if ! command -v msgfmt >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null; \
	  else echo "GNU gettext is missing (apt-get install gettext): it compiles the translations." >&2; exit 1; fi; \
	fi

# npm installs the JavaScript: htmx for the pages, axe-core for the browser tests. Install npm
# when we can, like gettext.
npm:
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm) >/dev/null; \
	  else echo "npm is missing (apt-get install npm): it installs htmx and axe-core." >&2; exit 1; fi; \
	fi

# htmx is served from our own static files: copied here from the version package-lock.json pins,
# and kept in git, so that `make run` and the image's collectstatic need no npm. The copy follows
# every change of the lock; tests/offers/test_live.py fails if the two differ.
HTMX := static/vendor/htmx.min.js
$(NODE_STAMP): package.json package-lock.json | npm
	npm ci --no-audit --no-fund
	mkdir -p $(dir $(HTMX)) && cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)
	touch $@

messages: $(MO_FILES)

locale/%.mo: locale/%.po | gettext
	msgfmt --check-format -o $@ $<

test: $(STAMP) browser messages $(NODE_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff, and no module of ours importing at import time one that imports it back.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) tools/import_cycles.py accounts api offers organisations review webhooks config

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Every benchmark runs, even after one misses its target; the exit status says if any did.
$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(BENCH_STAMP) messages
	@status=0; for script in bench/wizard.py bench/api.py bench/logos.py bench/pipeline.py bench/dashboard.py \
	  bench/load.py; do $(PY) $$script || status=1; echo; done; exit $$status

# The load test alone: the production shape on this machine under locust (bench/load.py).
load: $(BENCH_STAMP) messages
	$(PY) bench/load.py

clean-uploads: $(STAMP)
	$(LOCAL) $(PY) manage.py clean_orphaned_uploads
