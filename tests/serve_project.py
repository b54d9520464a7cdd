"""A small real project for the workbench tests: the sample's LMB 2025 wave, one answer
replaced by markup, the question ``trots`` machine-coded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from textmine import Project
from tm_testutil import REPO

SAMPLE = REPO / "data" / "sample" / "lmb_2025_SYNTHETIC.csv"
SCHEMA = REPO / "data" / "schemas" / "lmb.yaml"
MARKUP = '<script>alert("x")</script> <b>fair trade</b> & <img src=x onerror=alert(1)>'


def trots_column() -> str:
    import yaml

    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    return next(q["column"] for q in schema["questions"] if q["id"] == "trots")


def build_project(path: Path) -> tuple[Project, str]:
    """The project and the respondent id whose answer is markup."""
    export = pd.read_csv(SAMPLE, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    column = trots_column()
    row = next(i for i, text in enumerate(export[column]) if len(text) > 40)
    export.loc[row, column] = MARKUP
    project = Project(path)
    project.ingest(export, SCHEMA, "2025")
    project.code("trots", "lmb")
    id_column = next(c for c in export.columns if c.lower() in ("respondent id", "respondentid", "respondent_id"))
    return project, str(export.loc[row, id_column])
