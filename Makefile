# reportc: `make build` installs everything and builds the sample; `make test` runs the tests.
# Both are quick to re-run: each install step leaves a stamp and is skipped while it holds.

SAMPLE := tests/fixtures/000_946237fb39f22908.txt
VENV := .venv
PY := $(VENV)/bin/python
DEBIAN_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
	default-jre-headless poppler-utils qpdf

.PHONY: build test setup system-packages clean

build: setup
	$(VENV)/bin/reportc build $(SAMPLE) -o build

test: setup
	$(VENV)/bin/pytest -q

setup: system-packages $(VENV)/.installed

# Debian packages: installed only when one is missing (needs root, as on the CI machine).
system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf build/*.pdf build/*.epub build/*.html
