from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from textmine.cli import app
from tm_testutil import FIXTURES


@pytest.fixture
def fixture_schema() -> Path:
    return FIXTURES / "schema.yaml"


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args])
    return run
