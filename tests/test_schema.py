from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tm_testutil import FIXTURES
from textmine.errors import InputError
from textmine.infer import infer_schema
from textmine.ingest import read_table
from textmine.schema import Schema, load_schema
from textmine.units import match_unit


def test_load_and_option_matching(fixture_schema: Path):
    s = load_schema(fixture_schema)
    q = s.question("steun_lmb")
    assert q.match_option("  helemaal   EENS ") == "Helemaal eens"
    assert q.match_option("niet van toepassing") == "Niet van toepassing"
    assert q.match_option("eens?") is None
    assert not q.in_base("Niet van toepassing")
    assert Schema.from_dict(s.to_dict()).hash == s.hash


def test_error_names_file_and_line():
    with pytest.raises(InputError) as info:
        load_schema(FIXTURES / "bad_schemas" / "unknown_type.yaml")
    assert "unknown_type.yaml, row 4" in str(info.value) and "type must be one of" in str(info.value)


def test_infer_draft_roundtrip(tmp_path: Path):
    table = read_table(FIXTURES / "valid" / "cp1252_semicolon.csv")
    rows = table.rows * 3  # a few more rows so choices look like choices
    rows = [[f"R{i}"] + r[1:] for i, r in enumerate(rows)]
    draft = infer_schema(table.headers, rows, "lmb")
    types = {q.get("column") or next(iter(q["columns"].values())): q["type"] for q in draft["questions"]}
    assert draft["id_column"] == "Respondent ID" and draft["unit_column"] == "Gemeente"
    assert types["Voert uw bestuur een lokaal mondiaal beleid?"] == "single"
    assert types["Kanalen - Website"] == "multi"
    assert types["De steun van de vereniging versterkt ons lokaal mondiaal beleid"] == "likert"
    assert types["VTE voor LMB"] == "numeric"
    assert types["Trots"] == "open"
    lik = next(q for q in draft["questions"] if q["type"] == "likert")
    assert lik["options"][0] == "Helemaal oneens" and lik["exclude_from_base"] == ["Niet van toepassing"]
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
    assert len(load_schema(path).questions) == 5


def test_schema_infer_cli(tmp_path: Path, cli):
    out = tmp_path / "d.yaml"
    res = cli("schema", "infer", FIXTURES / "valid" / "excel.xlsx", "--out", out, "--survey", "lmb")
    assert res.exit_code == 0, res.output
    assert cli("schema", "check", out).exit_code == 0


def test_unit_matching():
    assert match_unit("Stad Gent").municipality.province == "Oost-Vlaanderen"
    assert match_unit("gemeente sint-niklaas").municipality.name == "Sint-Niklaas"
    # pre-2025 name of a merged municipality
    old = match_unit("Borsbeek").municipality
    assert old.name == "Antwerpen"
    miss = match_unit("Gentt")
    assert miss.municipality is None and "Gent" in miss.suggestions
    assert match_unit("Antwerpen").municipality.size_class == ">= 100.000"
