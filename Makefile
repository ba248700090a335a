# reportc: `make build` installs everything and builds the sample; `make test` runs the tests.
# Both are quick to re-run: each install step leaves a stamp and is skipped while it holds.

SAMPLE := tests/fixtures/000_946237fb39f22908.txt
VENV := .venv
PY := $(VENV)/bin/python
DEBIAN_PACKAGES := fonts-noto-cjk fonts-noto-core fonts-symbola libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
	default-jre-headless poppler-utils qpdf
# only the tests need these: Chromium for DAISY Ace
TEST_DEBIAN_PACKAGES := chromium
ACE := tools/ace

.PHONY: build test setup test-setup system-packages test-system-packages bench clean lock

build: setup
	$(VENV)/bin/reportc build $(SAMPLE) -o build

test: test-setup
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q -n auto --dist loadfile

setup: system-packages $(VENV)/.installed

test-setup: setup test-system-packages $(ACE)/node_modules/.installed

# Debian packages: installed only when one is missing (needs root, as on the CI machine).
system-packages test-system-packages:
	@packages="$(if $(filter test-%,$@),$(TEST_DEBIAN_PACKAGES),$(DEBIAN_PACKAGES))"; \
	missing=""; for p in $$packages; do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The exact tested set of every dependency (requirements.lock, with hashes), then reportc itself
# (editable, its dependencies already there).
$(VENV)/.installed: pyproject.toml requirements.lock setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# After upgrading a dependency in the venv and running the tests: lock the set just tested.
lock: $(VENV)/.installed
	$(PY) -m pip install -q uv==0.13.8
	$(PY) -m pip freeze --exclude-editable | grep -v '^uv==' > $(VENV)/tested.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra bench --generate-hashes --python-version 3.11 \
		--constraint $(VENV)/tested.txt --custom-compile-command "make lock" -o requirements.lock

# DAISY Ace (tests/e2e/test_ace.py, via tools/ace/run-ace), at the versions pinned in tools/ace's
# package-lock.json. Chromium is Debian's (above): puppeteer must not download a browser.
# The stamp lives in node_modules, so deleting that folder re-installs.
$(ACE)/node_modules/.installed: $(ACE)/package.json $(ACE)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: Ace needs Node.js >= 20 with npm" >&2; exit 1; }
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || \
		{ echo "Ace needs Node.js >= 20, this is $$(node --version)" >&2; exit 1; }
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix $(ACE) --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf build/*.pdf build/*.epub build/*.html

# Benchmarks (figures for people, not tests): phase times, WeasyPrint alone, a 30-chapter book.
bench: setup
	$(PY) bench/run.py
