# Two commands on a fresh machine: `make demo` (set up, build the seeds) and `make test` (also needs Chromium
# and a CJK font: .ci/need-browser installs them as root, else names the packages to install).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CORPORA ?= ../shared/corpora

.PHONY: demo test need-browser lint model evaluate bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/zhkg build seeds --out out
	@echo "open out/report.html; out/ also holds facts.jsonl facts.csv entities.jsonl damage.jsonl graph.ttl graph.nt graph.graphml graph.gexf people_units.gexf people_units.graphml vocab.ttl"

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

need-browser:
	@bash .ci/need-browser

test: need-browser $(VENV)/.installed-test lint
	$(PY) -m pytest -q

# Retrains the shipped NER model in ner/model from the public corpora (about 40 minutes on one core).
model: $(VENV)/.installed
	$(PY) -m zhkg.ner.training.train --corpora $(CORPORA)

evaluate: $(VENV)/.installed
	$(VENV)/bin/zhkg evaluate-ner --corpora $(CORPORA)

bench: $(VENV)/.installed-test
	$(PY) -m benchmarks.build
	$(PY) -m benchmarks.ner
	$(PY) -m benchmarks.sparql

clean:
	rm -rf $(VENV) out build *.egg-info
