# Two commands for a newcomer: `make run` and `make test`. Everything else is a step of them.
PYTHON ?= python3
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
UV := var/tools/bin/uv
# WeasyPrint's Pango, a CJK font, HarfBuzz subsetting (fast Chinese PDFs), gettext (msgfmt).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext poppler-utils
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
# Production-like environment for `check --deploy`.
DEPLOY_ENV := DEBUG=false SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	ALLOWED_HOSTS=jobs.example.cn SITE_URL=https://jobs.example.cn

# `make run` and `make dev` sign sessions, passes and resume links with a key made
# once in var/secret-key, unless SECRET_KEY or SECRET_KEY_FILE is set.
LOCAL_SECRET_KEY := var/secret-key
SERVE_ENV := PORT=$(PORT) SITE_URL=$(SITE_URL) \
	SECRET_KEY_FILE=$${SECRET_KEY_FILE:-$$([ -n "$$SECRET_KEY" ] || echo $(LOCAL_SECRET_KEY))}

# `make check-browser`: Debian's Chromium, and Java for the Nu HTML Checker and npm
# for browser/package.json when the machine has neither.
BROWSER_PACKAGES := chromium fonts-noto-cjk $(if $(shell command -v java),,default-jre-headless) \
	$(if $(shell command -v npm),,npm)

.PHONY: run dev test test-tools check check-browser journeys install system-packages messages db-start db-stop clean

# Served as in production: gunicorn, DEBUG off, collected static files.
run: install $(LOCAL_SECRET_KEY)
	$(SERVE_ENV) DEBUG=$${DEBUG:-false} $(PY) -m portal.embedded_db run -- $(PY) manage.py serve_portal

# Django's development server: reloads on code changes, DEBUG on.
dev: install $(LOCAL_SECRET_KEY)
	$(SERVE_ENV) DEBUG=$${DEBUG:-true} $(PY) -m portal.embedded_db run -- $(PY) manage.py serve_portal --dev

$(LOCAL_SECRET_KEY):
	mkdir -p $(@D)
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

test: install test-tools check

# The browser tests (tests/*/test_*_browser.py) drive Debian's Chromium, and the video
# tests relay calls through coturn's turnserver, unpacked from Debian's package under
# var/tools/coturn: installing the package would start an open relay under systemd.
TURNSERVER := var/tools/coturn/usr/bin/turnserver
test-tools: $(TURNSERVER)
	@$(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES="chromium fonts-noto-cjk"

$(TURNSERVER):
	apt-cache show coturn >/dev/null 2>&1 || apt-get update -qq
	@$(MAKE) --no-print-directory system-packages \
		SYSTEM_PACKAGES="$$(apt-cache depends coturn | awk '/Depends: lib/ {printf "%s ", $$2}')"
	mkdir -p var/tools/coturn && rm -f var/tools/coturn_*.deb
	cd var/tools && apt-get download -qq coturn
	dpkg -x var/tools/coturn_*.deb var/tools/coturn && rm var/tools/coturn_*.deb
	touch $@

check: $(MO_FILES)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py check --fail-level WARNING
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m portal.embedded_db run -- $(PY) manage.py makemigrations --check --dry-run
	@catalogues() { for po in locale/*/LC_MESSAGES/django.po; do msgcat --no-wrap --no-location $$po | grep -v POT-Creation-Date; done | md5sum; }; \
	before=$$(catalogues); \
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --add-location=file --ignore=.venv --ignore=var >/dev/null; \
	if [ "$$before" != "$$(catalogues)" ]; then \
		echo "locale/: the catalogues missed strings of the source; makemessages added them (git diff locale/): translate and commit"; exit 1; \
	fi
	@for po in locale/zh_Hans/LC_MESSAGES/*.po; do \
		untranslated=$$(msgattrib --untranslated --no-obsolete $$po | grep -c '^msgid' || true); \
		fuzzy=$$(msgattrib --only-fuzzy --no-obsolete $$po | grep -c '^msgid' || true); \
		if [ "$$untranslated$$fuzzy" != "00" ]; then \
			echo "$$po incomplete: $$untranslated untranslated, $$fuzzy fuzzy (see msgattrib --untranslated)"; exit 1; \
		fi; \
	done; echo "zh_Hans catalogues complete"
	$(VENV)/bin/pytest --create-db

# Every page for every persona, in Chinese and English, in headless Chromium: HTTP
# and console errors, axe-core's serious and critical WCAG 2.1 AA violations, the
# Nu HTML Checker's errors (browser/check_pages.py); then every page again on a
# phone (390 × 844) in Chinese, also counting pages wider than the screen.
# About 15 minutes: not in `test`.
check-browser: install browser/node_modules/.installed
	@$(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES="$(BROWSER_PACKAGES)"
	$(PY) browser/check_pages.py

browser/node_modules/.installed: browser/package.json browser/package-lock.json
	@$(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES="$(BROWSER_PACKAGES)"
	cd browser && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# The caseworker's journeys in headless Chromium (bench/journeys.py), on a demo
# database of their own made anew under var/journeys/; screenshots in
# var/journeys/screenshots/. Needs Debian's chromium.
journeys: install
	@$(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES="$(BROWSER_PACKAGES)"
	$(PY) bench/journeys.py

install: system-packages $(VENV)/.installed $(MO_FILES)

system-packages:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		else \
			echo "The portal needs these Debian/Ubuntu packages:$$missing"; \
			echo "Install them with: sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi

$(UV):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv var/tools
	var/tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --quiet
	touch $@

%.mo: %.po
	msgfmt --check -o $@ $<

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --add-location=file --ignore=.venv --ignore=var

db-start: install
	$(PY) -m portal.embedded_db start

db-stop: install
	$(PY) -m portal.embedded_db stop

clean:
	rm -rf $(VENV) var/tools var/static browser/node_modules
