# Set-up is part of every target: `.venv` is created and the project installed when missing or stale.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run

.PHONY: run test lint bench clean package fuzz adversarial

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# `make run` gives a user everything the README describes: UMAP and t-SNE (projections), GIF/MP4 (export).
# A stamp of its own, so `make test` does not need umap-learn (numba compiles for ~25 s).
$(RUN_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,projections,export]'
	touch $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/aeviewer

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# The property tests with many more examples (2000 per test; about 15 minutes on 2 cores).
FUZZ_EXAMPLES ?= 2000
fuzz: $(STAMP)
	AEVIEWER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q --timeout 3600 \
		tests/core/test_document_fuzz.py tests/core/test_checkpoint_fuzz.py tests/core/test_loader_fuzz.py

# Every crafted hostile input through info/train/encode/the Python API in subprocesses under a memory limit.
adversarial: $(STAMP)
	$(BIN)/python -m tests.corpus.adversarial

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run_all

# One-folder bundle in dist/aeviewer (PyInstaller, CPU torch); AEVIEWER_TORCH=cuda for the CUDA variant.
AEVIEWER_TORCH ?= cpu
package: $(STAMP)
	$(BIN)/python -m pip install -q 'pyinstaller>=6.10'
	AEVIEWER_TORCH=$(AEVIEWER_TORCH) $(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/aeviewer.spec
	QT_QPA_PLATFORM=offscreen dist/aeviewer/aeviewer --self-test
	du -sh dist/aeviewer

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
