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


# --- issue 11: header rows, positions, optional id column -------------------------------

def test_old_schemas_keep_their_hash(fixture_schema: Path):
    # Stored waves carry the schema hash: new optional keys must not change an old schema's.
    assert load_schema(fixture_schema).hash == "81c6f17c0f9bb8bb"


def test_position_references_and_header_rows(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text("""
survey: s
header_rows: 2
id_column: {position: 1}
unit_column: {position: B}
questions:
  - id: a
    type: open
    column: {position: 27}
  - id: m
    type: multi
    columns: {Website: "Kanalen - Website", Infoblad: {position: AB}}
""", encoding="utf-8")
    s = load_schema(path)
    assert (s.header_rows, s.id_column, s.unit_column) == (2, 1, 2)
    assert s.question("a").column == 27 and s.question("m").columns == {"Website": "Kanalen - Website", "Infoblad": 28}
    d = s.to_dict()
    assert d["id_column"] == {"position": 1} and d["questions"][1]["columns"]["Infoblad"] == {"position": 28}
    assert Schema.from_dict(d).hash == s.hash
    # Without id_column, respondents are numbered by their row.
    assert Schema.from_dict({"survey": "g", "questions": [{"id": "a", "type": "open", "column": "A"}]}).id_column is None


@pytest.mark.parametrize("text,row,message", [
    ("header_rows: 0\n", 1, "'header_rows' must be a whole number from 1 to 10"),
    ("header_rows: two\n", 1, "'header_rows' must be a whole number"),
    ("id_column:\n", 1, "'id_column' is empty"),
    ("id_column: {position: 2, name: x}\n", 2, "not a mapping with name, position"),
    ("id_column: {position: -3}\n", 2, "position must be a whole number from 1"),
    ("questions:\n  - {id: a, type: open, column: {position: 2}}\n  - {id: b, type: open, column: {position: 2}}\n",
     5, "column \"position 2\" is used by both 'a' and 'b'"),
    ("questions:\n  - {id: a, type: open, column: [A, B]}\n", 4, "a column is a header text or {position: N}"),
    ("questions:\n  - {id: a, type: multi, columns: {X: A, Y: B}, chosen: all}\n", 4, "'chosen' can only be 'any'"),
    ("questions:\n  - {id: a, type: single, column: A, options: [x], chosen: any}\n", 4,
     "'chosen' is for multi questions with a column per option"),
])
def test_new_schema_keys_errors(tmp_path: Path, text: str, row: int, message: str):
    base = {"header_rows": "", "id_column": "id_column: ID\n",
            "questions": "questions:\n  - {id: q, type: open, column: Q}\n"}
    for key in base:
        if text.startswith(key):
            base[key] = text
    path = tmp_path / "bad.yaml"
    path.write_text("survey: s\n" + "".join(base.values()), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_schema(path)
    msg = str(info.value)
    assert f"bad.yaml, row {row}:" in msg and message in msg, msg


def test_single_and_likert_read_from_a_column_per_option(tmp_path: Path):
    # SurveyMonkey's expanded export: a select-one question or a scale, a column per option.
    from textmine.ingest import read_table, validate
    from textmine.errors import InputError as Err

    path = tmp_path / "schema.yaml"
    path.write_text("""
survey: s
questions:
  - id: voert
    type: single
    columns: {Ja: "Voert - Ja", Nee: "Voert - Nee"}
  - id: steun
    type: likert
    columns: {Oneens: "S - Oneens", Neutraal: "S - Neutraal", Eens: "S - Eens", "N.v.t.": "S - N.v.t."}
    extra_options: [N.v.t.]
    exclude_from_base: [N.v.t.]
""", encoding="utf-8")
    s = load_schema(path)
    steun = s.question("steun")
    assert steun.options == ["Oneens", "Neutraal", "Eens"] and steun.extra_options == ["N.v.t."]
    assert steun.source_columns == ["S - Oneens", "S - Neutraal", "S - Eens", "S - N.v.t."]
    assert Schema.from_dict(s.to_dict()).hash == s.hash and "options" not in s.to_dict()["questions"][1]
    export = tmp_path / "e.csv"
    export.write_text("Voert - Ja,Voert - Nee,S - Oneens,S - Neutraal,S - Eens,S - N.v.t.\n"
                      "Ja,,,,Eens,\n,Nee,,,,N.v.t.\n,,,,,\nJa,,Oneens,,,\n", encoding="utf-8")
    data = validate(read_table(export), s)
    answers = sorted((a[0], a[1], a[3]) for a in data.answers)
    # The 'Nee' column's cell 'Nee' is that option chosen, not a 'no'.
    assert answers == [("steun", "2", "Eens"), ("steun", "3", "N.v.t."), ("steun", "5", "Oneens"),
                       ("voert", "2", "Ja"), ("voert", "3", "Nee"), ("voert", "5", "Ja")]
    export.write_text("Voert - Ja,Voert - Nee,S - Oneens,S - Neutraal,S - Eens,S - N.v.t.\n"
                      "Ja,Nee,,,Eens,\n", encoding="utf-8")
    with pytest.raises(Err, match=r"row 2.*2 options chosen \('Ja', 'Nee'\) for single question 'voert'"):
        validate(read_table(export), s)


@pytest.mark.parametrize("text,message", [
    ("{id: a, type: single, columns: {X: A, Y: B}, options: [X, Y]}", "the options are its keys"),
    ("{id: a, type: likert, columns: {X: A, Y: B}, extra_options: [Z]}", "extra option 'Z' is not one of"),
    ("{id: a, type: single, columns: {X: A, x: B}}", "options repeat"),
    ("{id: a, type: likert, columns: {}}", "'columns' maps each option"),
])
def test_columns_on_single_and_likert_errors(tmp_path: Path, text: str, message: str):
    path = tmp_path / "bad.yaml"
    path.write_text(f"survey: s\nquestions:\n  - {text}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_schema(path)
