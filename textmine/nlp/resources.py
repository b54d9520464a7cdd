"""Locate and read textmine's NLP data files (gazetteers, stop-word list).

Data live in the repository's ``data/`` folder. ``TEXTMINE_DATA_DIR`` points
elsewhere (e.g. an installed copy); component configs can also name a folder.
Files are read once per process (cached), so building several pipelines in
tests stays cheap.
"""
from __future__ import annotations

import csv
import os
from functools import lru_cache
from pathlib import Path

from textmine.paths import data_dir, models_dir  # noqa: F401  (re-exported)


def gazetteer_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The gazetteer directory: ``path`` when given, else the bundled one."""
    return Path(path) if path else data_dir() / "gazetteers"


@lru_cache(maxsize=64)
def read_tsv(path: Path) -> tuple[dict[str, str], ...]:
    """Rows of a tab-separated file with a header; '#' lines are comments."""
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(lines, delimiter="\t"))


@lru_cache(maxsize=64)
def read_lines(path: Path) -> tuple[str, ...]:
    """Non-empty lines of a text file, without comments ('#' at line start)."""
    with path.open(encoding="utf-8") as fh:
        return tuple(s for s in (line.rstrip("\n") for line in fh) if s.strip() and not s.startswith("#"))


def read_curated_tsv(path: Path) -> tuple[tuple[str, ...], ...]:
    """Rows of a hand-edited tab-separated file without a header line."""
    return tuple(tuple(col.strip() for col in line.split("\t")) for line in read_lines(path))
