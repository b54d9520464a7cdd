"""Tallies through the CLI: JSON shape, crosstabs, exports that never run a formula."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from tm_testutil import FIXTURES
from textmine.export import safe_text, to_csv
from textmine.ingest import ingest
from textmine.schema import load_schema


@pytest.fixture
def project(tmp_path: Path, fixture_schema: Path) -> Path:
    p = tmp_path / "project"
    ingest(FIXTURES / "valid" / "cp1252_semicolon.csv", load_schema(fixture_schema), p, "2025")
    return p


def test_json_shape(project: Path, cli):
    res = cli("tally", "--project", project, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["survey"] == "lmb" and data["wave"] == "2025" and data["respondents"] == 4
    assert data["population"] == 285 and data["response_rate"] == pytest.approx(100 * 4 / 285)
    assert data["required_sample"] == 164
    q = {e["id"]: e for e in data["questions"]}
    assert q["voert_lmb"]["percent"]["Ja"] == pytest.approx(75.0)
    assert q["voert_lmb"]["base"] == 4 and q["voert_lmb"]["missing"] == 0
    lo, hi = q["voert_lmb"]["ci95"]["Ja"]
    assert lo < 75 < hi
    # Niet van toepassing is counted but not in the base: 2 of 3 agree.
    assert q["steun_lmb"]["percent"]["Eens"] == pytest.approx(100 / 3)
    assert "Niet van toepassing" not in q["steun_lmb"]["percent"]
    assert q["steun_lmb"]["summary"]["agree"]["percent"] == pytest.approx(200 / 3)
    assert q["steun_lmb"]["summary"]["neutral"]["percent"] == pytest.approx(100 / 3)
    assert set(q["vte"]) >= {"n", "mean", "median", "q1", "q3", "min", "max"}
    assert q["vte"]["q1"] == pytest.approx(0.3) and q["vte"]["q3"] == pytest.approx(0.875)


def test_question_filter_and_unknown_question(project: Path, cli):
    res = cli("tally", "-p", project, "-q", "vte", "-f", "json")
    assert [e["id"] for e in json.loads(res.stdout)["questions"]] == ["vte"]
    bad = cli("tally", "-p", project, "-q", "nope")
    assert bad.exit_code == 2 and "no question 'nope'" in bad.stderr


def test_crosstab_by_question_and_province(project: Path, cli):
    data = json.loads(cli("tally", "-p", project, "--by", "voert_lmb", "-f", "json").stdout)
    kanalen = next(e for e in data["questions"] if e["id"] == "kanalen")
    groups = {g["group"]: g for g in kanalen["by"]["groups"]}
    assert groups["Ja"]["counts"] == {"Website": 2, "Infoblad": 1}
    assert groups["Nee"]["counts"] == {"Website": 0, "Infoblad": 1}
    data = json.loads(cli("tally", "-p", project, "--by", "province", "-f", "json").stdout)
    voert = next(e for e in data["questions"] if e["id"] == "voert_lmb")
    by_prov = {g["group"]: g["counts"] for g in voert["by"]["groups"]}
    assert by_prov == {"Antwerpen": {"Ja": 0, "Nee": 1}, "Oost-Vlaanderen": {"Ja": 2, "Nee": 0},
                       "West-Vlaanderen": {"Ja": 1, "Nee": 0}}
    assert "test" in voert["by"]
    bad = cli("tally", "-p", project, "--by", "trots")
    assert bad.exit_code == 2 and "single-choice or Likert" in bad.stderr


def test_table_view_reads_like_the_report(project: Path, cli):
    res = cli("tally", "-p", project)
    assert res.exit_code == 0
    out = res.stdout
    assert "response rate 1.4%" in out and "voert_lmb" in out and "█" in out and "not in base" in out


def test_no_project(tmp_path: Path, cli):
    res = cli("tally", "-p", tmp_path / "nothing")
    assert res.exit_code == 2 and "no textmine project" in res.stderr


def test_safe_text():
    assert safe_text("=1+1") == "'=1+1" and safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("-2+3") == "'-2+3" and safe_text("+32 9 123") == "'+32 9 123"
    assert safe_text(-0.5) == -0.5 and safe_text("Ja") == "Ja"
    text = to_csv([{"a": "=HYPERLINK(\"http://x\")", "b": -1.5}], ["a", "b"])
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row == ["'=HYPERLINK(\"http://x\")", "-1.5"]


def test_exports_never_hold_formulas(tmp_path: Path, cli):
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "survey: s\nid_column: id\nquestions:\n"
        "  - {id: q, column: Q, type: single, options: ['=SUM(A1:A9)', '+32 tel', '@cmd', 'gewoon']}\n",
        encoding="utf-8")
    export = tmp_path / "e.csv"
    export.write_text("id;Q\n1;=SUM(A1:A9)\n2;+32 tel\n3;@cmd\n4;gewoon\n", encoding="utf-8")
    p = tmp_path / "p"
    assert cli("ingest", export, "-p", p, "-s", schema, "-w", "1").exit_code == 0
    out_csv = tmp_path / "t.csv"
    assert cli("tally", "-p", p, "-f", "csv", "-o", out_csv).exit_code == 0
    for row in csv.reader(out_csv.open(encoding="utf-8")):
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
            if cell.startswith("-"):
                float(cell)  # only real negative numbers may start with '-'
    out_x = tmp_path / "t.xlsx"
    assert cli("tally", "-p", p, "-f", "xlsx", "-o", out_x).exit_code == 0
    ws = openpyxl.load_workbook(out_x).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "=SUM(A1:A9)" in {c.value for c in cells}  # kept as text, not lost
    assert ws.freeze_panes == "A2"


def test_xlsx_needs_out(project: Path, cli):
    res = cli("tally", "-p", project, "-f", "xlsx")
    assert res.exit_code == 2 and "--out" in res.stderr
