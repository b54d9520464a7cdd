from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textmine.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture
def fixture_schema() -> Path:
    return FIXTURES / "schema.yaml"


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args])
    return run


def dump_db(project: Path) -> list[str]:
    """Every row of every table, to check that a failed command changed nothing."""
    db = sqlite3.connect(project / "textmine.sqlite")
    lines = list(db.iterdump())
    db.close()
    return lines
