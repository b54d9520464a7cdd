"""Every tool's export, drafted by `schema infer`, ingested UNCHANGED and tallied right.

For each fixture in tests/fixtures/exports (ground truth in its expected.json and README)
and each real export in TEXTMINE_REAL_EXPORTS (default /work/shared/data/real_exports; not
in the repository, their licences vary, so those cases are skipped when it is absent):

    textmine schema infer FILE  ->  yaml.safe_load + load_schema  ->  textmine ingest (exit 0)
    ->  textmine tally --format json: the true respondent count, checkbox questions multi,
        agree scales likert, no metadata or personal-data column drafted as a question.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tm_testutil import FIXTURES
from textmine.schema import load_schema

EXPORTS = FIXTURES / "exports"
EXPECTED = json.loads((EXPORTS / "expected.json").read_text(encoding="utf-8"))
REAL = Path(os.environ.get("TEXTMINE_REAL_EXPORTS", "/work/shared/data/real_exports"))

# The real exports' truth, from their SOURCES.md: responses in the file, respondents a user
# keeps (Qualtrics: Finished = 1; SurveyGizmo: Status = Complete), and questions whose type
# a user would not argue about.
REAL_TRUTH = {
    "surveymonkey_ospo2018_en.csv": dict(
        tool="surveymonkey", header_rows=2, responses=748, respondents=748, id_column="Respondent ID",
        must=[("Where is your company or organization on its open source journey? (Check all that apply)", "multi"),
              ("What are the primary responsibilities of the open source program? (Check all that apply)", "multi"),
              ("How often does your company do the following activities? - Contribute code upstream", "likert"),
              ("On a scale of 1-5, how business-critical", "likert"),
              ("How many people work for your company or organization?", "single")]),
    "surveymonkey_ospo2023_en.csv": dict(
        tool="surveymonkey", header_rows=3, responses=489, respondents=489, id_column="Respondent ID",
        must=[("q1 - Using open source code in products or services", "multi"),
              ("Are there any antipatterns", "open")]),
    "qualtrics_vaccinebeliefs_en.csv": dict(
        tool="qualtrics", header_rows=3, responses=1472, respondents=1429, id_column="ResponseId",
        must=[("hb_1", "likert"), ("vaccDanger_1", "likert"), ("medSkept_2r", "likert"),
              ("other", "open"), ("comments", "open")]),
    "limesurvey_rse_netherlands2017_en.csv": dict(
        tool="limesurvey", header_rows=1, responses=77, respondents=77, id_column=None,
        must=[("currentEmp13[1]", "multi"), ("proj4can[1]", "multi"), ("ukrse2[1]", "multi"),
              ("likert2[progRSE4]", "likert"), ("likert4[affSat1]", "likert"), ("likert1[perfCheck4]", "likert"),
              ("rse1. Do you write code", "single")]),
    "googleforms_jupyter_education_en.csv": dict(
        tool="googleforms", header_rows=1, responses=125, respondents=125, id_column=None,
        must=[("Please indicate which of the following Jupyter/IPython tools", "multi"),
              ("What types of assignments do you use the notebook for?", "multi"),
              ("What language(s) will your students be using?", "multi"),
              ("What are the biggest pain points for you in running your class?", "open")]),
    "googleforms_hotdog_sandwich_en.csv": dict(
        tool="googleforms", header_rows=1, responses=64, respondents=64, id_column=None,
        must=[("What is the rationale behind your opinion?", "open"),
              ("If you are an undergraduate, what is your current academic year?", "single")]),
    "microsoftforms_hotdog_sandwich_en.csv": dict(
        tool="msforms", header_rows=1, responses=187, respondents=187, id_column="Id",
        must=[("Is a hotdog a sandwich", "single"), ("What is your major?", "open")]),
    "surveygizmo_jupyter_notebook_ux_en.csv": dict(
        tool="surveygizmo", header_rows=1, responses=1706, respondents=779, id_column=None,
        must=[("Select all the words that best describe Jupyter Notebook.", "multi"),
              ("What, if anything, hinders you", "open"), ("How often do you use Jupyter Notebook?", "single")]),
}

# Headers (letters and digits only, lower case) that must never be drafted as a question.
NEVER_QUESTIONS = {
    "ipaddress", "ipaddr", "email", "emailaddress", "emailadres", "recipientemail", "name", "naam", "firstname",
    "lastname", "recipientfirstname", "recipientlastname", "contactpersoon", "startdate", "enddate", "starttime",
    "completiontime", "begintijd", "tijdvanvoltooien", "lastmodifiedtime", "tijdvanlaatstewijziging",
    "recordeddate", "timestamp", "timestarted", "datesubmitted", "submitdate", "datestamp", "status", "progress",
    "finished", "durationinseconds", "collectorid", "collector", "language", "userlanguage", "startlanguage",
    "useragent", "referer", "refurl", "sessionid", "locationlatitude", "locationlongitude", "latitude",
    "longitude", "distributionchannel", "externalreference", "seed", "token", "lastpage", "respondentid",
    "responseid", "workerid", "customdata1", "datumingevuld", "submittedby", "uuid", "submissiontime", "networkid",
    "totaaltijd", "validationstatus",
}


def _key(text: str) -> str:
    return "".join(ch for ch in str(text).casefold() if ch.isalnum())


def cases() -> list:
    out = [pytest.param(EXPORTS / name, truth, id=name) for name, truth in EXPECTED.items()]
    for name, truth in REAL_TRUTH.items():
        out.append(pytest.param(REAL / name, truth, id=f"real:{name}",
                                marks=pytest.mark.skipif(not (REAL / name).is_file(),
                                                         reason=f"real exports not present ({REAL})")))
    return out


def find(schema, text: str):
    """The question whose column (or one of its option columns) is, or contains, ``text``."""
    for exact in (True, False):
        for q in schema.questions:
            refs = [str(r) for r in (list(q.columns.values()) if q.columns else [q.column])]
            if any((r == text) if exact else (text in r) for r in refs + [q.label]):
                return q
    raise AssertionError(f"no question for {text!r}")


@pytest.mark.parametrize("path, truth", cases())
def test_draft_ingests_unchanged_and_counts_true(path: Path, truth: dict, cli, tmp_path: Path):
    draft = tmp_path / "draft.yaml"
    res = cli("schema", "infer", path, "--out", draft)
    assert res.exit_code == 0, res.output
    text = draft.read_text(encoding="utf-8")
    assert isinstance(yaml.safe_load(text), dict)
    schema = load_schema(draft)
    assert schema.header_rows == truth["header_rows"]
    assert f"Layout: {truth['tool']} (" in text
    assert schema.id_column == truth["id_column"]

    project = tmp_path / "project"
    res = cli("ingest", path, "--project", project, "--schema", draft, "--wave", "1")
    assert res.exit_code == 0, res.output
    res = cli("tally", "--project", project, "--format", "json")
    assert res.exit_code == 0, res.output
    tally = json.loads(res.stdout)
    assert tally["respondents"] == truth["respondents"]
    assert tally["responses_in_export"] == truth.get("responses", truth.get("responses_in_export"))

    if "types" in truth:  # the fixtures: every question's true type is known
        types: dict[str, int] = {}
        for q in tally["questions"]:
            types[q["type"]] = types.get(q["type"], 0) + 1
        assert types == truth["types"]
    for must in truth["must"]:
        column, kind = (must["column"], must["type"]) if isinstance(must, dict) else must
        assert find(schema, column).type == kind, column
    for q in schema.questions:
        refs = list(q.columns.values()) if q.columns else [q.column]
        for ref in refs:
            assert _key(ref) not in NEVER_QUESTIONS, f"metadata column {ref!r} drafted as question '{q.id}'"
