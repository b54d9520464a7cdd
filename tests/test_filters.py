"""Response filters (``include:``): previews, tests and unfinished responses left out on
purpose, counted per rule, and stated by tally, compare and the report."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tm_testutil import dump_db, old_store, store_version
from textmine.errors import InputError
from textmine.ingest import ingest, read_table, validate
from textmine.schema import Schema, load_schema
from textmine.store import Store
from textmine.tally import tally, tally_rows

REAL = Path(os.environ.get("TEXTMINE_REAL_EXPORTS", "/work/shared/data/real_exports"))

# Qualtrics layout: tags, texts, ImportIds. R_c is a preview (Status 1), R_d did not finish,
# R_e is both (counted once, under the first rule it fails) and holds an answer no option
# allows: excluded responses are not checked.
QUALTRICS = (
    'StartDate,Status,Finished,ResponseId,Q1\n'
    '"Start Date","Response Type","Finished","Response ID","How satisfied are you?"\n'
    '"{""ImportId"":""startDate""}","{""ImportId"":""status""}","{""ImportId"":""finished""}",'
    '"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"\n'
    '2024-01-01 10:00:00,0,1,R_a,4\n'
    '2024-01-01 10:05:00,0,True,R_b,5\n'
    '2024-01-01 10:07:00,1,1,R_c,3\n'
    '2024-01-01 10:09:00,0,0,R_d,2\n'
    '2024-01-01 10:10:00,1,0,,not a score\n'
)

SCHEMA = """\
survey: q
header_rows: 3
id_column: ResponseId
include:
  - column: Finished
    in: ["1", True]
    why: niet afgewerkt
  - column: Status
    not_in: ["Survey Preview", "1", "Spam", "8"]
questions:
  - id: sat
    type: likert
    column: Q1
    options: ["1", "2", "3", "4", "5"]
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    export = tmp_path / "q.csv"
    export.write_text(QUALTRICS, encoding="utf-8")
    schema = tmp_path / "q.yaml"
    schema.write_text(SCHEMA, encoding="utf-8")
    return export, schema


def test_rules_count_per_rule_first_rule_wins(files):
    export, schema_path = files
    data = validate(read_table(export, header_rows=3), load_schema(schema_path))
    assert [r[0] for r in data.respondents] == ["R_a", "R_b"] and data.responses == 5
    assert [(e["rule"], e["why"], e["count"]) for e in data.exclusions] == [
        ("Finished in [1, True]", "niet afgewerkt", 2),
        ("Status not in [Survey Preview, 1, Spam, 8]", "Status is Survey Preview or 1 or Spam or 8", 1)]


def test_tally_states_left_out(files, tmp_path: Path, cli):
    export, schema = files
    res = cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", "2024")
    assert res.exit_code == 0, res.output
    assert "left out 3 of 5 responses in the export: 2 niet afgewerkt" in res.stdout
    js = json.loads(cli("tally", "-p", tmp_path / "p", "-f", "json").stdout)
    assert js["respondents"] == 2 and js["responses_in_export"] == 5
    assert js["excluded"] == [
        {"rule": "Finished in [1, True]", "why": "niet afgewerkt", "count": 2},
        {"rule": "Status not in [Survey Preview, 1, Spam, 8]", "why": "Status is Survey Preview or 1 or Spam or 8",
         "count": 1}]
    table = cli("tally", "-p", tmp_path / "p")
    assert "left out 3 of 5 responses in the export: 2 niet afgewerkt; 1 Status is" in " ".join(table.stdout.split())
    rows = tally_rows([js])
    assert {"survey": "q", "wave": "2024", "item": "excluded: niet afgewerkt", "label": "Finished in [1, True]",
            "count": 2} in rows


def test_compare_and_report_state_left_out(files, tmp_path: Path, cli):
    from textmine.report import build_report

    export, schema = files
    for wave in ("2023", "2024"):
        assert cli("ingest", export, "-p", tmp_path / "p", "-s", schema, "-w", wave).exit_code == 0
    res = cli("compare", "-p", tmp_path / "p", "--survey", "q", "--waves", "2023", "2024", "-f", "json")
    assert res.exit_code == 0, res.output
    assert "wave 2024: 2 respondents; left out 3 of 5 responses in the export: 2 niet afgewerkt" in res.stderr
    json.loads(res.stdout)  # stdout stays the comparison rows
    with Store(tmp_path / "p") as store:
        html = build_report(store, "q", "2024", "2023")
    text = " ".join(html.split())
    assert ("3 van de 5 antwoorden in de export zijn weggelaten: 2 niet afgewerkt (Finished is niet ‘1’ of "
            "‘True’); 1 Status is ‘Survey Preview’, ‘1’, ‘Spam’ of ‘8’.") in text, text[:3000]


def test_limesurvey_submitdate_filled(tmp_path: Path):
    export = tmp_path / "lime.csv"
    export.write_text("id,submitdate,lastpage,Q1\n1,2024-03-01 10:00,3,Ja\n2,,1,\n3,2024-03-02 11:00,3,Nee\n"
                      "4,,2,Misschien\n", encoding="utf-8")
    schema = Schema.from_dict({"survey": "l", "id_column": "id", "include": [{"column": "submitdate", "filled": True}],
                               "questions": [{"id": "q1", "type": "single", "column": "Q1", "options": ["Ja", "Nee"]}]})
    data = validate(read_table(export), schema)
    assert [r[0] for r in data.respondents] == ["1", "3"]
    assert data.exclusions[0]["count"] == 2 and data.exclusions[0]["why"] == "submitdate is blank"


@pytest.mark.parametrize("rule,message", [
    ({"column": "Status"}, "exactly one of in, not_in, filled (found none)"),
    ({"column": "Status", "in": ["1"], "filled": True}, "exactly one of in, not_in, filled (found in, filled)"),
    ({"column": "Status", "in": "1"}, "'in' is a list of cell values"),
    ({"column": "Status", "filled": "yes"}, "'filled' is true"),
    ({"in": ["1"]}, "'column' is required"),
    ({"column": "Status", "in": ["1"], "because": "x"}, "unknown key(s) because"),
    ({"column": {"position": 0}, "in": ["1"]}, "position must be a whole number from 1"),  # its own line: 5
])
def test_include_rule_errors_name_file_and_line(tmp_path: Path, rule: dict, message: str):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"survey": "s", "id_column": "ID", "include": [rule],
                                    "questions": [{"id": "a", "type": "open", "column": "A"}]}, sort_keys=False),
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_schema(path)
    msg = str(info.value)
    assert message in msg and f"s.yaml, row {5 if 'position' in message else 4}:" in msg, msg


def test_include_column_not_in_export(files, tmp_path: Path):
    export, schema_path = files
    text = schema_path.read_text(encoding="utf-8").replace("column: Status", "column: Statuss")
    schema_path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r'row 1, column "Statuss": the include rule\'s column "Statuss" is not in '
                                         r'the export \(did you mean "Status"\?\)'):
        validate(read_table(export, header_rows=3), load_schema(schema_path))


def test_population_below_respondents_kept_is_refused(files, tmp_path: Path, cli):
    export, schema = files
    project = tmp_path / "p"
    assert cli("ingest", export, "-p", project, "-s", schema, "-w", "2023").exit_code == 0
    before = dump_db(project)
    res = cli("ingest", export, "-p", project, "-s", schema, "-w", "2024", "--population", "1")
    assert res.exit_code == 2 and "\n" not in res.stderr.strip()
    assert "--population 1 is smaller than the 2 respondents kept" in res.stderr
    assert dump_db(project) == before
    # Equal is fine: everyone answered.
    assert cli("ingest", export, "-p", project, "-s", schema, "-w", "2024", "--population", "2").exit_code == 0
    schema.write_text(schema.read_text(encoding="utf-8").replace("survey: q\n", "survey: q\npopulation: 1\n"),
                      encoding="utf-8")
    res = cli("ingest", export, "-p", tmp_path / "new", "-s", schema, "-w", "2024")
    assert res.exit_code == 2 and "the schema's population 1 is smaller" in res.stderr and "q.yaml" in res.stderr
    assert not (tmp_path / "new").exists()


def test_old_project_opens_and_tallies(tmp_path: Path, fixture_schema: Path):
    """A project written before exclusions were recorded (store version 1) still opens."""
    from textmine import store as store_module

    project = tmp_path / "old"
    db = old_store(project, 1, "    responses_in_export INTEGER, exclusions_json TEXT,\n")
    schema = load_schema(fixture_schema)
    db.execute("INSERT INTO waves VALUES (?,?,?,?,?,?,?,?,?)",
               ("lmb", "2022", schema.to_json(), schema.hash, 285, "old.csv", "x", "2022-01-01", "0.1"))
    db.executemany("INSERT INTO respondents VALUES (?,?,?,?,?,?,?,?,?)",
                   [("lmb", "2022", f"R{i}", None, None, None, None, None, i + 1) for i in range(3)])
    db.execute("INSERT INTO answers VALUES ('lmb','2022','voert_lmb','R1','','Ja',NULL)")
    db.commit()
    db.close()
    with Store(project) as store:
        (res,) = tally(store)
        assert store_version(store) == str(store_module.STORE_VERSION)
    assert res["respondents"] == 3 and res["responses_in_export"] == 3 and res["excluded"] == []


@pytest.mark.skipif(not REAL.is_dir(), reason="real exports not present (TEXTMINE_REAL_EXPORTS)")
def test_real_qualtrics_unfinished_left_out(tmp_path: Path):
    schema = Schema.from_dict({"survey": "vacc", "header_rows": 3, "id_column": "ResponseId",
                               "include": [{"column": "Finished", "in": ["1", "True"], "why": "niet afgewerkt"},
                                           {"column": "Status", "not_in": ["1", "2", "8", "9", "Survey Preview",
                                                                           "Survey Test", "Spam"]}],
                               "questions": [{"id": "hb_1", "type": "likert", "column": "hb_1",
                                              "options": ["1", "2", "3", "4", "5", "6", "7"]},
                                             {"id": "comments", "type": "open", "column": "comments"}]})
    report, data = ingest(REAL / "qualtrics_vaccinebeliefs_en.csv", schema, tmp_path / "p", "2019")
    assert (data.responses, report.respondents) == (1472, 1429)
    assert [e["count"] for e in data.exclusions] == [43, 0]
    with Store(tmp_path / "p") as store:
        (res,) = tally(store)
    assert res["responses_in_export"] == 1472 and res["excluded"][0]["count"] == 43
