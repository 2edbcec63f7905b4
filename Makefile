# Two commands on a fresh machine: `make run` builds output/, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the tests use: a browser for the HTML views, an independent RDF parser,
# a triple store, Java for the OWL reasoner.
DEBIAN_PACKAGES := chromium chromium-driver fonts-noto-cjk raptor2-utils virtuoso-opensource default-jre-headless

.PHONY: run test build install install-test install-bench system-deps bench clean

run: install
	$(BIN)/spacekg build
	@echo
	@echo "Open output/index.html in a browser (or output/spacekg.ttl in any RDF tool)."

test: system-deps install-test
	$(BIN)/spacekg build --quiet
	$(BIN)/python -m pytest

build: install
	$(BIN)/spacekg build

install: $(VENV)/.installed node_modules/.installed
install-test: $(VENV)/.installed-test node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The browser libraries of the site (YASGUI, Oxigraph's WebAssembly build), exactly as the lockfile says;
# their install scripts are not needed and not run.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-deps DEBIAN_PACKAGES="nodejs npm"
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Installs the Debian packages that are missing (needs root, as in CI); does nothing when all are there.
system-deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# Morph-KGC, measured next to the build by benchmarks/morph_kgc.py, pins pyoxigraph < 0.4 and
# rdflib < 7.3: it cannot share spacekg's environment and gets its own inside .venv.
install-bench: $(VENV)/morph-kgc/.installed

$(VENV)/morph-kgc/.installed: benchmarks/rml/requirements.txt
	$(PYTHON) -m venv $(VENV)/morph-kgc
	$(VENV)/morph-kgc/bin/pip install --quiet -r benchmarks/rml/requirements.txt
	touch $@

bench: install-test install-bench
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules output build dist src/*.egg-info .pytest_cache .hypothesis
