"""Header rows of real survey tools: detected, named, skipped; header-like data rows refused.

Small inline exports reproduce each tool's layout (see the README's list of layouts); the
real exports in ``TEXTMINE_REAL_EXPORTS`` (default /work/shared/data/real_exports, not in
the repository: their licences vary) are checked too when present, with hand-written
schemas and counts computed straight from the CSV.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
import yaml

from textmine.errors import InputError
from textmine.ingest import ingest, read_table, validate
from textmine.layout import ColumnHead, detect_header_rows, header_names, read_records
from textmine.schema import Schema, load_schema
from textmine.store import Store
from textmine.tally import tally

REAL = Path(os.environ.get("TEXTMINE_REAL_EXPORTS", "/work/shared/data/real_exports"))


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def schema_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schema.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- SurveyMonkey: question text over its first column, sub-answers below ------------

SURVEYMONKEY = (
    "Respondent ID,Start Date,End Date,Which channels do you use?,,,How big is your organisation?,"
    "What should improve?\r\n"
    "Respondent ID,Start Date,End Date,Website,Newsletter,Other (please specify),Response,"
    "Open-Ended Response\r\n"
    "101,2024-05-01,2024-05-01,Website,,,Small,Faster answers\r\n"
    "102,2024-05-02,2024-05-02,Website,Newsletter,,Large,\r\n"
    "103,2024-05-02,2024-05-03,,,a podcast,Small,Response\r\n"
)

SURVEYMONKEY_SCHEMA = """
survey: sm
header_rows: 2
id_column: Respondent ID
questions:
  - id: channels
    type: multi
    columns:
      Website: "Which channels do you use? - Website"
      Newsletter: "Which channels do you use? - Newsletter"
  - id: channels_other
    type: open
    column: "Which channels do you use? - Other (please specify)"
  - id: size
    type: single
    column: How big is your organisation?
    options: [Small, Large]
  - id: improve
    type: open
    column: What should improve?
"""


def test_surveymonkey_names():
    records = [r.split(",") for r in SURVEYMONKEY.split("\r\n")[:2]]
    heads = header_names(records)
    assert [h.name for h in heads] == [
        "Respondent ID", "Start Date", "End Date", "Which channels do you use? - Website",
        "Which channels do you use? - Newsletter", "Which channels do you use? - Other (please specify)",
        "How big is your organisation?", "What should improve?"]
    assert heads[3] == ColumnHead(4, "Which channels do you use? - Website", "Which channels do you use?", "Website")
    assert heads[5].option is None and heads[6].option is None  # 'Other (...)' and 'Response' are no options


def test_surveymonkey_two_rows_ingested(tmp_path: Path):
    export = write(tmp_path, "sm.csv", SURVEYMONKEY)
    assert detect_header_rows(read_records(export)) == 2
    report, data = ingest(export, load_schema(schema_file(tmp_path, SURVEYMONKEY_SCHEMA)), tmp_path / "p", "1")
    assert report.respondents == 3 and [r[-1] for r in data.respondents] == [3, 4, 5]
    with Store(tmp_path / "p") as store:
        (res,) = tally(store)
    q = {e["id"]: e for e in res["questions"]}
    assert q["channels"]["counts"] == {"Website": 2, "Newsletter": 1} and q["channels"]["base"] == 2
    assert q["size"]["counts"] == {"Small": 2, "Large": 1}
    # One respondent wrote "Response" as an answer: an answer, not a header row.
    assert q["improve"]["answered"] == 2


def test_surveymonkey_read_with_one_header_row_is_an_error(tmp_path: Path):
    export = write(tmp_path, "sm.csv", SURVEYMONKEY)
    text = SURVEYMONKEY_SCHEMA.replace("header_rows: 2\n", "")
    text = text.replace('"Which channels do you use? - Website"', '"Which channels do you use?"')
    text = text.replace('Newsletter: "Which channels do you use? - Newsletter"', "Newsletter: {position: 5}")
    text = text.replace('"Which channels do you use? - Other (please specify)"', "{position: 6}")
    schema = load_schema(schema_file(tmp_path, text))
    with pytest.raises(InputError) as info:
        ingest(export, schema, tmp_path / "p", "1")
    msg = str(info.value)
    assert "row 2" in msg and "looks like a header row" in msg and "header_rows: 2" in msg, msg
    assert not (tmp_path / "p").exists()


SURVEYMONKEY_2023 = (
    ",,,q1,,,q2\r\n"
    "Respondent ID,Collector ID,language,Where is your organization? (select all),,,Anything else?\r\n"
    ",,,Using open source,Contributing upstream,Other (please specify),Open-Ended Response\r\n"
    "9001,77,en,1,,,\r\n"
    "9002,77,ja,1,2,,none\r\n"
    "9003,78,en,,2,our own,\r\n"
    "9004,78,en,,,,\r\n"
)


def test_surveymonkey_label_row_on_top(tmp_path: Path):
    export = write(tmp_path, "sm23.csv", SURVEYMONKEY_2023)
    records = read_records(export)
    assert detect_header_rows(records) == 3
    heads = header_names(records.rows[:3])
    assert [h.name for h in heads] == ["Respondent ID", "Collector ID", "language", "q1 - Using open source",
                                       "q1 - Contributing upstream", "q1 - Other (please specify)", "q2"]
    assert heads[3].label == "Where is your organization? (select all)" and heads[3].option == "Using open source"
    schema = Schema.from_dict({"survey": "s", "header_rows": 3, "id_column": "Respondent ID", "questions": [
        {"id": "where", "type": "multi", "columns": {"Using": "q1 - Using open source",
                                                     "Upstream": "q1 - contributing  UPSTREAM"}},
        {"id": "else_", "type": "open", "column": "q2"}]})
    data = validate(read_table(export, header_rows=3), schema)
    assert [r[0] for r in data.respondents] == ["9001", "9002", "9003", "9004"]
    chosen = sorted((a[1], a[2]) for a in data.answers if a[3] == "1")
    assert chosen == [("9001", "Using"), ("9002", "Upstream"), ("9002", "Using"), ("9003", "Upstream")]
    with pytest.raises(InputError, match=r"row 3.*looks like a header row.*header_rows: 3"):
        validate(read_table(export, header_rows=2), Schema.from_dict(
            {"survey": "s", "header_rows": 2, "id_column": "Respondent ID",
             "questions": [{"id": "x", "type": "open", "column": {"position": 7}}]}))


# --- Qualtrics: export tags, question texts, ImportIds ---------------------------------

QUALTRICS = (
    'StartDate,Status,Finished,ResponseId,Q1,Q2_1,Q2_2,Q3\n'
    '"Start Date","Response Type","Finished","Response ID","How satisfied are you?",'
    '"Which do you use? - Website","Which do you use? - Newsletter","Comments"\n'
    '"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}","{""ImportId"":""status""}",'
    '"{""ImportId"":""finished""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}",'
    '"{""ImportId"":""QID2_1""}","{""ImportId"":""QID2_2""}","{""ImportId"":""QID3_TEXT""}"\n'
    '2024-01-01 10:00:00,0,1,R_a,4,1,,fine\n'
    '2024-01-01 10:05:00,0,1,R_b,5,1,1,\n'
    '2024-01-01 10:07:00,1,1,R_c,3,,1,test run\n'
    '2024-01-01 10:09:00,0,0,R_d,2,,,\n'
)


def test_qualtrics_three_rows(tmp_path: Path):
    export = write(tmp_path, "q.csv", QUALTRICS)
    records = read_records(export)
    assert detect_header_rows(records) == 3
    heads = header_names(records.rows[:3])
    assert [h.name for h in heads] == ["StartDate", "Status", "Finished", "ResponseId", "Q1", "Q2_1", "Q2_2", "Q3"]
    assert heads[5].label == "Which do you use? - Website"
    schema = Schema.from_dict({"survey": "q", "header_rows": 3, "id_column": "ResponseId", "questions": [
        {"id": "sat", "type": "likert", "column": "Q1", "options": ["1", "2", "3", "4", "5"]},
        {"id": "use", "type": "multi", "columns": {"Website": "Q2_1", "Newsletter": "Q2_2"}},
        {"id": "comments", "type": "open", "column": "Q3"}]})
    data = validate(read_table(export, header_rows=3), schema)
    assert [r[0] for r in data.respondents] == ["R_a", "R_b", "R_c", "R_d"]
    # Read with one header row: row 2 (question texts) and row 3 (ImportIds) are no respondents.
    with pytest.raises(InputError, match=r"row 2.*looks like a header row.*header_rows: 3"):
        validate(read_table(export), Schema.from_dict({**schema.to_dict(), "header_rows": 1}))


# --- LimeSurvey "code. text" headers with a blank first header -------------------------

LIMESURVEY = (
    ",socio1. In which country do you work?,rse3[SQ001]. Who uses the code? [],ukrse2[1]. How do you meet? [Mail],"
    "ukrse2[2]. How do you meet? [Events]\n"
    "1,Netherlands,0 - Mostly me,Yes,\n"
    "2,Netherlands,3,,Yes\n"
    "3,Belgium,5 - Mostly other people,Yes,Yes\n"
)


def test_limesurvey_blank_first_header_by_position(tmp_path: Path):
    export = write(tmp_path, "lime.csv", LIMESURVEY)
    assert detect_header_rows(read_records(export)) == 1
    schema = load_schema(schema_file(tmp_path, """
survey: lime
id_column: {position: 1}
questions:
  - id: country
    type: single
    column: socio1. In which country do you work?
    options: [Netherlands, Belgium]
  - id: meet
    type: multi
    columns:
      Mail: "ukrse2[1]. How do you meet? [Mail]"
      Events: {position: E}
"""))
    report, data = ingest(export, schema, tmp_path / "p", "2017")
    assert report.respondents == 3 and [r[0] for r in data.respondents] == ["1", "2", "3"]
    with Store(tmp_path / "p") as store:
        (res,) = tally(store)
    q = {e["id"]: e for e in res["questions"]}
    assert q["meet"]["counts"] == {"Mail": 2, "Events": 2} and q["country"]["counts"]["Belgium"] == 1


# --- Google Forms: no id column (row number), header pasted twice ------------------------

GOOGLE = (
    "Timestamp,Is a hot dog a sandwich?,Why?\r\n"
    "1/15/2025 21:53:05,No,\"bread is one piece, folded\"\r\n"
    "1/15/2025 21:54:43,Yes,it has bread\r\n"
    "1/15/2025 21:55:00,No,\r\n"
)


def test_google_forms_row_number_is_the_id(tmp_path: Path):
    export = write(tmp_path, "g.csv", GOOGLE)
    schema = Schema.from_dict({"survey": "g", "questions": [
        {"id": "sandwich", "type": "single", "column": "Is a hot dog a sandwich?", "options": ["Yes", "No"]},
        {"id": "why", "type": "open", "column": "Why?"}]})
    assert schema.id_column is None and "id_column" not in schema.to_dict()
    report, data = ingest(export, schema, tmp_path / "p", "1")
    assert [r[0] for r in data.respondents] == ["2", "3", "4"] and report.open_answers == 2


@pytest.mark.parametrize("id_column", [None, "Timestamp"])
def test_pasted_header_row_is_an_error_not_a_respondent(tmp_path: Path, id_column: str | None):
    lines = GOOGLE.split("\r\n")
    export = write(tmp_path, "g.csv", "\r\n".join(lines[:3] + [lines[0]] + lines[3:]))
    schema = Schema.from_dict({"survey": "g", **({"id_column": id_column} if id_column else {}), "questions": [
        {"id": "why", "type": "open", "column": "Why?"}]})
    with pytest.raises(InputError) as info:
        validate(read_table(export), schema)
    assert "row 4" in str(info.value) and "looks like a header row" in str(info.value)
    assert "remove the row" in str(info.value) and "header_rows" not in str(info.value)


def test_two_exports_joined_is_an_error(tmp_path: Path):
    lines = SURVEYMONKEY.split("\r\n")
    export = write(tmp_path, "two.csv", "\r\n".join(lines[:5] + lines[:2] + lines[2:]))
    schema = load_schema(schema_file(tmp_path, SURVEYMONKEY_SCHEMA))
    with pytest.raises(InputError) as info:
        validate(read_table(export, header_rows=2), schema)
    msg = str(info.value)
    assert "row 6" in msg and "its id cell reads 'Respondent ID'" in msg and "remove the row" in msg, msg


def test_answers_that_repeat_a_header_word_are_not_a_header_row(tmp_path: Path):
    # Option columns named by their option, cells holding the option: real answers.
    export = write(tmp_path, "o.csv", "ID,Website,Facebook,Infoblad,Opmerking\nR1,Website,Facebook,Infoblad,\n"
                                      "R2,Website,,,Response\n")
    schema = Schema.from_dict({"survey": "o", "id_column": "ID", "questions": [
        {"id": "k", "type": "multi", "columns": {"Website": "Website", "Facebook": "Facebook",
                                                  "Infoblad": "Infoblad"}}]})
    assert len(validate(read_table(export), schema).respondents) == 2


# --- blank and repeated headers ------------------------------------------------------

def test_duplicate_header_names_position(tmp_path: Path):
    export = write(tmp_path, "d.csv", "ID,Comment,Comment\nR1,a,b\nR2,,c\n")
    text = "survey: d\nid_column: ID\nquestions:\n  - id: c1\n    type: open\n    column: Comment\n"
    with pytest.raises(InputError, match=r"more than once \(positions 2, 3\).*\{position: N\}"):
        ingest(export, load_schema(schema_file(tmp_path, text)), tmp_path / "p", "1")
    text = text.replace("column: Comment", "column: {position: 3}")
    report, data = ingest(export, load_schema(schema_file(tmp_path, text)), tmp_path / "p", "1")
    assert [(o[1], o[2]) for o in data.open_answers] == [("R1", "b"), ("R2", "c")]
    from textmine.topics.run import _question_text

    with Store(tmp_path / "p") as store:  # an open question addressed by position reaches topics
        assert _question_text(store, "d", "c1") == "c1"


# --- the real exports (when present) ---------------------------------------------------

def _raw(name: str, encoding: str = "utf-8") -> list[list[str]]:
    with open(REAL / name, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def _filled(rows: list[list[str]], col: int, keep=lambda r: True) -> int:
    return sum(1 for r in rows if keep(r) and r[col].strip())


real = pytest.mark.skipif(not REAL.is_dir(), reason="real exports not present (TEXTMINE_REAL_EXPORTS)")


def _ingest_real(tmp_path: Path, name: str, schema: dict) -> dict:
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "schema.yaml"
    path.write_text(yaml.safe_dump(schema, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report, data = ingest(REAL / name, load_schema(path), tmp_path / "p", "w")
    with Store(tmp_path / "p") as store:
        (res,) = tally(store)
    res["q"] = {e["id"]: e for e in res["questions"]}
    res["report"] = report
    return res


@real
def test_real_surveymonkey_2018(tmp_path: Path):
    raw = _raw("surveymonkey_ospo2018_en.csv")[2:]
    journey = "Where is your company or organization on its open source journey? (Check all that apply)"
    res = _ingest_real(tmp_path, "surveymonkey_ospo2018_en.csv", {
        "survey": "ospo", "header_rows": 2, "id_column": "Respondent ID", "questions": [
            {"id": "journey", "type": "multi", "columns": {
                "consuming": f"{journey} - Consuming open source code in products or services",
                "contributing": f"{journey} - Contributing to upstream open source projects",
                "not_involved": f"{journey} - Not involved in open source"}},
            {"id": "program", "type": "single", "options": ["Yes", "No", "No, but planning one"],
             "column": "Does your company have an open source program (either formal or informal) "
                       "or management initiative?"}]})
    assert res["respondents"] == 748 == len(raw)
    assert res["q"]["journey"]["counts"] == {"consuming": _filled(raw, 4), "contributing": _filled(raw, 5),
                                             "not_involved": _filled(raw, 8)}
    assert res["q"]["program"]["counts"]["Yes"] == sum(1 for r in raw if r[23] == "Yes")


@real
def test_real_surveymonkey_2023(tmp_path: Path):
    raw = _raw("surveymonkey_ospo2023_en.csv")[3:]
    res = _ingest_real(tmp_path, "surveymonkey_ospo2023_en.csv", {
        "survey": "ospo", "header_rows": 3, "id_column": "Respondent ID", "questions": [
            {"id": "q1", "type": "multi", "columns": {
                "using": "q1 - Using open source code in products or services",
                "upstream": "q1 - Contributing to upstream open source projects"}},
            {"id": "language", "type": "single", "column": "language", "options": ["en", "ja", "zh-tw"]}]})
    assert res["respondents"] == 489 == len(raw)
    assert res["q"]["q1"]["counts"] == {"using": _filled(raw, 6), "upstream": _filled(raw, 7)}
    assert res["q"]["language"]["counts"] == {"en": 449, "ja": 30, "zh-tw": 10}


@real
def test_real_limesurvey_and_msforms(tmp_path: Path):
    res = _ingest_real(tmp_path, "limesurvey_rse_netherlands2017_en.csv", {
        "survey": "rse", "id_column": {"position": 1}, "questions": [
            {"id": "rse1", "type": "single", "column": "rse1. Do you write code as part of your job?",
             "options": ["Yes", "No"]}]})
    assert res["respondents"] == 77 and res["q"]["rse1"]["counts"] == {"Yes": 75, "No": 2}
    res = _ingest_real(tmp_path / "ms", "microsoftforms_hotdog_sandwich_en.csv", {
        "survey": "hotdog", "id_column": "Id", "questions": [
            {"id": "sandwich", "type": "single", "column": "Is a hotdog a sandwich", "options": ["Yes", "No"]},
            {"id": "major", "type": "open", "column": "What is your major?"}]})
    assert res["respondents"] == 187 and res["q"]["sandwich"]["counts"] == {"Yes": 61, "No": 126}
    assert res["q"]["major"]["answered"] == 185


@real
def test_real_google_forms_hotdog(tmp_path: Path):
    res = _ingest_real(tmp_path, "googleforms_hotdog_sandwich_en.csv", {
        "survey": "hotdog", "questions": [
            {"id": "year", "type": "single", "column": "If you are an undergraduate, what is your current "
             "academic year?", "options": ["First year", "Second year", "Third year", "Fourth year"]},
            {"id": "why", "type": "open", "column": "What is the rationale behind your opinion?"}]})
    assert res["respondents"] == 64 and res["q"]["why"]["answered"] == 61
    assert res["q"]["year"]["counts"] == {"First year": 5, "Second year": 9, "Third year": 16, "Fourth year": 25}


@real
@pytest.mark.parametrize("name,rows", [
    ("surveymonkey_ospo2018_en.csv", 2), ("surveymonkey_ospo2023_en.csv", 3), ("qualtrics_vaccinebeliefs_en.csv", 3),
    ("limesurvey_rse_netherlands2017_en.csv", 1), ("googleforms_jupyter_education_en.csv", 1),
    ("googleforms_hotdog_sandwich_en.csv", 1), ("microsoftforms_hotdog_sandwich_en.csv", 1),
    ("surveygizmo_jupyter_notebook_ux_en.csv", 1)])
def test_real_header_rows_detected(name: str, rows: int):
    assert detect_header_rows(read_records(REAL / name)) == rows


# --- layouts met in exports the team had not seen (see scripts/check_exports_results.md) ---

# Row 1 leaves the first cell blank and spans each question over its option columns; row 2
# names the id column ('#', as Typeform calls its response token) and the options.
ID_NAMED_BELOW = (
    ",Which systems do you use?,,,Which interface do you use?,,Comments\n"
    "#,macOS,Windows,Linux,Python,MATLAB,Open-Ended Response\n"
    "r2w0retelulfeavbz8nk,macOS,,Linux,Python,,fine\n"
    "twg8u7g64abr2oatwg8u,,Windows,,Python,MATLAB,\n"
    "tka9zbm6vm95yi8htka9,macOS,,,,MATLAB,more docs\n"
)


def test_id_header_in_the_sub_answer_row(tmp_path: Path):
    export = write(tmp_path, "ids_below.csv", ID_NAMED_BELOW)
    records = read_records(export)
    assert detect_header_rows(records) == 2
    heads = header_names(records.rows[:2])
    assert [h.name for h in heads[:3]] == ["#", "Which systems do you use? - macOS", "Which systems do you use? - Windows"]
    schema = Schema.from_dict({"survey": "s", "header_rows": 2, "id_column": "#", "questions": [
        {"id": "systems", "type": "multi", "columns": {"macOS": {"position": 2}, "Windows": {"position": 3},
                                                       "Linux": {"position": 4}}}]})
    data = validate(read_table(export, header_rows=2), schema)
    assert [r[0] for r in data.respondents] == ["r2w0retelulfeavbz8nk", "twg8u7g64abr2oatwg8u", "tka9zbm6vm95yi8htka9"]
    # A data row under a blank first header holds a token with digits or a number: one header row.
    plain = write(tmp_path, "index.csv", ",Which systems?,,\n1,macOS,Windows,Linux\n2,macOS,,\n")
    assert detect_header_rows(read_records(plain)) == 1


# Qualtrics' legacy CSV: V1 ... V10 over the metadata names, question tags over their texts.
QUALTRICS_LEGACY = (
    "V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1,Q2,LocationLatitude,LocationLongitude,LocationAccuracy,\n"
    "ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,StartDate,EndDate,Finished,"
    "This is a multiple choice question.,This is a free text question.,LocationLatitude,LocationLongitude,"
    "LocationAccuracy,\n"
    "R_2YPOQ602ER1jkf1,Default Response Set,Anonymous,,,192.0.2.66,0,2017-07-18 08:28:09,2017-07-18 08:28:48,1,2,"
    "Hello World!,47.1,7.2,-1,\n"
    "R_3aaaaaaaaaaaaaa,Default Response Set,Anonymous,,,192.0.2.67,1,2017-07-18 09:28:09,2017-07-18 09:28:48,1,1,"
    "preview,47.1,7.2,-1,\n"
    "R_4bbbbbbbbbbbbbb,Default Response Set,Anonymous,,,192.0.2.68,0,2017-07-18 10:28:09,2017-07-18 10:29:48,0,,"
    ",47.1,7.2,-1,\n"
)


def test_qualtrics_legacy_two_rows(tmp_path: Path):
    export = write(tmp_path, "legacy.csv", QUALTRICS_LEGACY)
    records = read_records(export)
    assert detect_header_rows(records) == 2
    heads = header_names(records.rows[:2])
    assert [h.name for h in heads[:3]] == ["ResponseID", "ResponseSet", "Name"]
    assert heads[10] == ColumnHead(11, "Q1", "This is a multiple choice question.")
    schema = Schema.from_dict({"survey": "s", "header_rows": 2, "id_column": "ResponseID", "questions": [
        {"id": "q2", "type": "open", "column": "Q2"}]})
    data = validate(read_table(export, header_rows=2), schema)
    assert [r[0] for r in data.respondents] == ["R_2YPOQ602ER1jkf1", "R_3aaaaaaaaaaaaaa", "R_4bbbbbbbbbbbbbb"]


def test_title_line_above_the_table(tmp_path: Path):
    # An owner's title in A1 above a SurveyMonkey export (OSPO 2019): not a header, not a respondent.
    export = write(tmp_path, "titled.csv", "Survey_2019_Data_PII_removed\r\n" + SURVEYMONKEY)
    records = read_records(export)
    assert records.delimiter == "," and records.titles == [(1, "Survey_2019_Data_PII_removed")]
    assert detect_header_rows(records) == 2 and records.row_numbers[:3] == [2, 3, 4]
    report, data = ingest(export, load_schema(schema_file(tmp_path, SURVEYMONKEY_SCHEMA)), tmp_path / "p", "1")
    assert report.respondents == 3 and [r[-1] for r in data.respondents] == [4, 5, 6]
    # A one-column export keeps its header.
    single = write(tmp_path, "one.csv", "Comments\nfine\nmore docs\nnone\n")
    assert read_records(single).rows[0] == ["Comments"]


def test_tsv_without_quoting(tmp_path: Path):
    # Google Sheets' .tsv download writes a cell that starts with a quote as it is.
    text = ("Timestamp\tWhich tools do you use?\tAnything else?\n"
            "12/6/2018 12:14:44\tExcel, Python\t\"Native\" interactive graphics\n"
            "12/6/2018 12:17:26\tExcel\tmore \"docs\" please\n")
    export = write(tmp_path, "responses.tsv", text)
    records = read_records(export)
    assert records.rows[1] == ["12/6/2018 12:14:44", "Excel, Python", '"Native" interactive graphics']
    assert records.row_numbers == [1, 2, 3]
    # A quote that really is unbalanced (rows of different widths) stays an error naming the row.
    broken = write(tmp_path, "broken.tsv", "a\tb\n1\t\"x\n2\t3\t4\n")
    with pytest.raises(InputError, match="quote"):
        read_records(broken)


def test_csv_written_by_r_reads_bare_na_as_blank(tmp_path: Path):
    # LimeSurvey's export saved again by R's write.csv: texts quoted, missing values a bare NA.
    text = ('"id","submitdate","lastpage","startlanguage","advice"\n'
            '39,NA,0,"nl-informal",NA\n'
            '38,"2018-06-12 10:18:12",1,"nl-informal","Spreek vrienden aan"\n'
            '40,NA,NA,NA,NA\n')
    records = read_records(write(tmp_path, "r.csv", text))
    assert records.r_missing
    assert records.rows[1] == ["39", "", "0", "nl-informal", ""] and records.rows[2][1] == "2018-06-12 10:18:12"
    assert records.row_numbers == [1, 2, 3, 4] and records.rows[3] == ["40", "", "", "", ""]
    # Not written by R (headers unquoted): 'NA' is what the respondent typed.
    plain = read_records(write(tmp_path, "plain.csv", "id,advice\n1,NA\n2,more docs\n"))
    assert not plain.r_missing and plain.rows[1] == ["1", "NA"]


def test_byte_order_marks_inside_cells_are_dropped(tmp_path: Path):
    # LimeSurvey RSE 2018: '\ufeff1 (None at all)' in some cells, '1 (None at all)' is meant.
    export = write(tmp_path, "bom.csv", "id,time\n1,\ufeff1 (None at all)\n2,2\n3,10 (All my time)\n")
    assert [r[1] for r in read_records(export).rows[1:]] == ["1 (None at all)", "2", "10 (All my time)"]


def test_kobotoolbox_hxl_hashtag_row_is_a_header_row(tmp_path: Path):
    text = ('"start";"What is your role?";"Comments";"_id";"_uuid";"_submission_time";"_index"\r\n'
            '"";"#role";"";"";"";"";""\r\n'
            '"2017-10-23T05:40:39";"Teacher";"fine";"61";"48583952-1892";"2017-10-23T09:41:19";"1"\r\n'
            '"2017-10-23T05:41:14";"Nurse";"";"62";"317ba7b7-bea4";"2017-10-23T09:41:38";"2"\r\n')
    records = read_records(write(tmp_path, "kobo.csv", text))
    assert detect_header_rows(records) == 2
    assert [h.name for h in header_names(records.rows[:2])][:3] == ["start", "What is your role?", "Comments"]
    # A respondent's lone '#hashtag' answer under an ordinary header is an answer.
    plain = read_records(write(tmp_path, "tags.csv", "Id,Favourite tag,Comments\n1,#metoo,\n2,#blessed,nice\n"))
    assert detect_header_rows(plain) == 1
