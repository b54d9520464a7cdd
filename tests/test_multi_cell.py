"""Multi-select answers in one cell (Google Forms ", ", Microsoft Forms and SurveyGizmo ";")."""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from textmine.errors import InputError
from textmine.ingest import ingest, read_table, split_multi, validate
from textmine.schema import Schema, load_schema
from textmine.store import Store
from textmine.tally import tally

REAL = Path(os.environ.get("TEXTMINE_REAL_EXPORTS", "/work/shared/data/real_exports"))

GOOGLE = (
    "Timestamp,Which channels do you use?,Why?\r\n"
    '1/15/2025 21:53:05,"Website, Newsletter, printed",because\r\n'
    '1/15/2025 21:54:43,"Newsletter, printed, Facebook, TikTok",\r\n'
    '1/15/2025 21:55:00,"website",\r\n'
    '1/15/2025 21:56:00,,\r\n'
    '1/15/2025 21:57:00,"TikTok, a blog",\r\n'
)

SCHEMA = """
survey: g
questions:
  - id: channels
    type: multi
    column: "Which channels do you use?"
    separator: ", "
    options: [Website, "Newsletter, printed", Facebook]
    other: Other
  - id: why
    type: open
    column: Why?
"""


def schema_at(tmp_path: Path, text: str = SCHEMA) -> Schema:
    path = tmp_path / "schema.yaml"
    path.write_text(text, encoding="utf-8")
    return load_schema(path)


def test_options_containing_the_separator_match_first(tmp_path: Path):
    q = schema_at(tmp_path).question("channels")
    assert split_multi(q, "Website, Newsletter, printed") == (["Website", "Newsletter, printed"], [])
    assert split_multi(q, "Newsletter, printed, Facebook, TikTok") == (["Newsletter, printed", "Facebook"], ["TikTok"])
    assert split_multi(q, "Newsletter") == ([], ["Newsletter"])  # half an option is no option
    assert q.all_options == ["Website", "Newsletter, printed", "Facebook", "Other"]


def test_google_forms_cell_counted_with_other_bucket_and_one_warning(tmp_path: Path, cli):
    export = tmp_path / "g.csv"
    export.write_text(GOOGLE, encoding="utf-8")
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    result = cli("ingest", export, "-p", tmp_path / "p", "-s", tmp_path / "schema.yaml", "-w", "2025")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stdout.splitlines() if "no option" in line]
    assert len(warnings) == 1, result.stdout  # one line per question, however many values
    assert "2 values" in warnings[0] and "'TikTok' (2×, rows 3, 6)" in warnings[0] and "'a blog'" in warnings[0]
    with Store(tmp_path / "p") as store:
        (res,) = tally(store)
    q = {e["id"]: e for e in res["questions"]}["channels"]
    assert q["counts"] == {"Website": 2, "Newsletter, printed": 2, "Facebook": 1, "Other": 2}
    assert q["base"] == 4 and q["missing"] == 1  # percent of respondents who answered the question
    assert q["percent"]["Website"] == pytest.approx(50.0)
    js = cli("tally", "-p", tmp_path / "p", "--format", "json")
    assert json.loads(js.stdout)["questions"][0]["counts"]["Other"] == 2


def test_msforms_semicolons_trailing_separator(tmp_path: Path):
    # Microsoft Forms layout: Id, Start time, Completion time, Email, Name; Windows-1252 text.
    export = tmp_path / "ms.csv"
    export.write_text("Id,Start time,Completion time,Email,Name,Channels,What is your major?\n"
                      "1,9/1/2024 11:27,9/1/2024 11:27,anonymous,,Website;Facebook;,Psych\n"
                      "2,9/1/2024 11:28,9/1/2024 11:29,anonymous,,Facebook;,Comp Sci \u2019s\n"
                      "3,9/1/2024 11:30,9/1/2024 11:31,anonymous,,;,\n", encoding="cp1252")
    schema = Schema.from_dict({"survey": "m", "id_column": "Id", "questions": [
        {"id": "ch", "type": "multi", "column": "Channels", "separator": ";", "options": ["Website", "Facebook"]},
        {"id": "major", "type": "open", "column": "What is your major?"}]})
    table = read_table(export)
    assert table.encoding == "cp1252"
    data = validate(table, schema)
    assert [r[0] for r in data.respondents] == ["1", "2", "3"] and data.open_answers[1][2] == "Comp Sci \u2019s"
    assert sorted(a[1:4] for a in data.answers if a[0] == "ch") == [("1", "Facebook", "1"), ("1", "Website", "1"),
                                                     ("2", "Facebook", "1")]
    assert data.warnings == []  # nothing outside the options; a lone ';' is no answer


@pytest.mark.parametrize("question,message", [
    ({"id": "m", "type": "multi", "column": "C", "options": ["a"]}, "needs 'separator'"),
    ({"id": "m", "type": "multi", "column": "C", "separator": ";"}, "needs 'options'"),
    ({"id": "m", "type": "multi", "column": "C", "columns": {"a": "A"}, "separator": ";", "options": ["a"]},
     "not both"),
    ({"id": "m", "type": "single", "column": "C", "separator": ";", "options": ["a"]}, "'separator' is for multi"),
    ({"id": "m", "type": "multi", "columns": {"a": "A"}, "separator": ";"}, "'separator' goes with 'column'"),
    ({"id": "m", "type": "open", "column": "C", "other": "x"}, "'other' is for multi"),
    ({"id": "m", "type": "multi", "column": "C", "separator": ";", "options": ["a", ";"]}, "only the separator"),
])
def test_one_cell_multi_schema_errors(tmp_path: Path, question: dict, message: str):
    import yaml

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"survey": "s", "id_column": "ID", "questions": [question]}, sort_keys=False),
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_schema(path)
    assert message in str(info.value) and "s.yaml, row 4" in str(info.value), str(info.value)


@pytest.mark.skipif(not REAL.is_dir(), reason="real exports not present (TEXTMINE_REAL_EXPORTS)")
def test_real_google_forms_checkboxes(tmp_path: Path):
    name = "googleforms_jupyter_education_en.csv"
    tools = ["Jupyter notebook", "IPython terminal", "Interactive widgets", "JupyterHub", "nbconvert", "nbgrader",
             "IPython parallel"]
    levels = ["Introductory undergraduate (freshman and sophmores)", "Intermediate undergraduate (sophmores and "
              "juniors)", "Advanced undergraduate (juniors and seniors)", "Graduate",
              "Mixed (conferences, workshops, Software Carpentry style events, etc.)", "MOOC",
              "High school (ages 14-18)"]
    schema = Schema.from_dict({"survey": "jup", "questions": [
        {"id": "tools", "type": "multi", "separator": ", ", "options": tools,
         "column": "Please indicate which of the following Jupyter/IPython tools your class is utilizing:"},
        {"id": "level", "type": "multi", "separator": ", ", "options": levels,
         "column": "What level of education is your course?"}]})
    report, data = ingest(REAL / name, schema, tmp_path / "p", "2016")
    assert report.respondents == 125
    with open(REAL / name, encoding="utf-8", newline="") as fh:
        raw = list(csv.reader(fh))[1:]
    with Store(tmp_path / "p") as store:
        (res,) = tally(store)
    q = {e["id"]: e for e in res["questions"]}
    pieces = Counter(p.strip() for r in raw for p in r[12].split(", ") if p.strip())
    assert q["tools"]["counts"] == {**{t: pieces[t] for t in tools}, "Anders": 0}
    mixed = sum(1 for r in raw if levels[4] in r[8])
    assert mixed == 14 and q["level"]["counts"][levels[4]] == 14  # the option with ", " inside
    assert q["level"]["counts"]["Graduate"] == 37
    (warning,) = data.warnings
    assert warning.startswith("question 'level'") and "9 values that are no option, counted as 'Anders'" in warning
    assert "'Community college' (1×, row 6)" in warning and "and 4 more" in warning
    def rest(cell: str) -> str:
        for level in levels:
            cell = cell.replace(level, "")
        return cell.replace(",", "").strip()
    # 'Anders' counts respondents with any value outside the options (7 here), once each.
    assert q["level"]["counts"]["Anders"] == sum(1 for r in raw if rest(r[8])) == 7


@pytest.mark.skipif(not REAL.is_dir(), reason="real exports not present (TEXTMINE_REAL_EXPORTS)")
def test_real_surveygizmo_semicolons_complete_only(tmp_path: Path):
    name = "surveygizmo_jupyter_notebook_ux_en.csv"
    words = ["comfortable", "intuitive", "convenient", "accessible", "simple", "cool", "quick", "flexible",
             "complicated", "confusing", "uncomfortable"]
    schema = Schema.from_dict({"survey": "ux", "include": [{"column": "Status", "in": ["Complete"],
                                                             "why": "partial response"}],
                               "questions": [
        {"id": "words", "type": "multi", "separator": ";", "options": words, "other": "Other word(s):",
         "column": "Select all the words that best describe Jupyter Notebook."}]})
    report, data = ingest(REAL / name, schema, tmp_path / "p", "2015")
    assert (data.responses, report.respondents) == (1706, 779)
    assert data.exclusions[0]["count"] == 927
    with open(REAL / name, encoding="utf-8", newline="") as fh:
        raw = [r for r in list(csv.reader(fh))[1:] if r[2] == "Complete"]
    pieces = Counter(p.strip() for r in raw for p in r[29].split(";") if p.strip())
    with Store(tmp_path / "p") as store:
        (res,) = tally(store)
    q = res["questions"][0]
    assert q["counts"] == {**{w: pieces[w] for w in words}, "Other word(s):": pieces["Other word(s):"]}
    assert q["base"] == sum(1 for r in raw if r[29].strip()) == 737
    assert data.warnings == []
