"""Shared test helpers (a plain module: conftest.py files in sub-folders would shadow it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def dump_db(project: Path) -> list[str]:
    """Every row of every table, to check that a failed command changed nothing."""
    db = sqlite3.connect(project / "textmine.sqlite")
    lines = list(db.iterdump())
    db.close()
    return lines
