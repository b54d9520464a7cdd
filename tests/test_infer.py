"""`schema infer`: each guessing rule, through the CLI where the user meets it.

Every draft here is yaml-loaded AND load_schema'd, and most are ingested on the file
they came from: a draft must ingest unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from textmine.infer import classify, detect_separator, draft_from_records, draft_schema, match_scale
from textmine.schema import load_schema


def write_csv(tmp_path: Path, headers: list[str], rows: list[list[str]], name: str = "export.csv",
              sep: str = ",", encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(rows)
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def infer(cli, path: Path, tmp_path: Path) -> tuple[str, dict, object]:
    """Run `schema infer`; return the YAML text, the yaml-loaded mapping and the loaded schema."""
    out = tmp_path / (path.stem + ".yaml")
    res = cli("schema", "infer", path, "--out", out)
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    return text, yaml.safe_load(text), load_schema(out)


def flat(text: str) -> str:
    """The draft's comments as one line: long comments wrap."""
    return " ".join(text.replace("\n#", " ").replace("\n  #", " ").split())


def ingest_and_tally(cli, path: Path, schema_path: Path, tmp_path: Path) -> dict:
    project = tmp_path / "project"
    res = cli("ingest", path, "--project", project, "--schema", schema_path, "--wave", "2025")
    assert res.exit_code == 0, res.output
    res = cli("tally", "--project", project, "--format", "json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def by_column(schema) -> dict:
    """Question by the header text of its (first) column."""
    out = {}
    for q in schema.questions:
        refs = list(q.columns.values()) if q.columns else [q.column]
        out[refs[0]] = q
    return out


# --- Likert scales: recognised in three languages, ordered by the scale -------------------

@pytest.mark.parametrize("answers, scale", [
    (["Eens", "Eens", "Eens", "Oneens", "Helemaal eens", "Neutraal"],
     ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]),
    (["Agree", "Agree", "Agree", "Strongly agree", "Disagree", "Neither agree nor disagree"],
     ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]),
    (["D'accord", "D'accord", "D'accord", "Pas d'accord", "Tout à fait d'accord", "Neutre"],
     ["Pas du tout d'accord", "Pas d'accord", "Neutre", "D'accord", "Tout à fait d'accord"]),
    (["Tevreden", "Tevreden", "Zeer tevreden", "Ontevreden"],
     ["Zeer ontevreden", "Ontevreden", "Neutraal", "Tevreden", "Zeer tevreden"]),
    (["Satisfied", "Very satisfied", "Satisfied", "Dissatisfied", "Neutral"],
     ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]),
    (["Satisfait", "Très satisfait", "Satisfait", "Insatisfait"],
     ["Très insatisfait", "Insatisfait", "Neutre", "Satisfait", "Très satisfait"]),
    (["Belangrijk", "Zeer belangrijk", "Belangrijk", "Niet belangrijk"],
     ["Helemaal niet belangrijk", "Niet belangrijk", "Neutraal", "Belangrijk", "Zeer belangrijk"]),
    (["Very important", "Moderately important", "Extremely important", "Very important"],
     ["Not at all important", "Slightly important", "Moderately important", "Very important",
      "Extremely important"]),
    (["Souvent", "Parfois", "Jamais", "Souvent", "Toujours"], ["Jamais", "Rarement", "Parfois", "Souvent", "Toujours"]),
    (["Soms", "Vaak", "Nooit", "Vaak", "Altijd"], ["Nooit", "Zelden", "Soms", "Vaak", "Altijd"]),
    (["Often", "Never", "Sometimes", "Often", "Rarely", "Always"], ["Never", "Rarely", "Sometimes", "Often", "Always"]),
    (["Goed", "Zeer goed", "Goed", "Slecht"], ["Zeer slecht", "Slecht", "Matig", "Goed", "Zeer goed"]),
    (["Good", "Excellent", "Good", "Poor", "Fair"], ["Very poor", "Poor", "Fair", "Good", "Excellent"]),
    (["Bon", "Très bon", "Bon", "Mauvais"], ["Très mauvais", "Mauvais", "Moyen", "Bon", "Très bon"]),
    (["Waarschijnlijk", "Zeer waarschijnlijk", "Onwaarschijnlijk", "Waarschijnlijk"],
     ["Zeer onwaarschijnlijk", "Onwaarschijnlijk", "Neutraal", "Waarschijnlijk", "Zeer waarschijnlijk"]),
    (["Likely", "Very likely", "Unlikely", "Likely"], ["Very unlikely", "Unlikely", "Neutral", "Likely", "Very likely"]),
    (["Probable", "Très probable", "Peu probable", "Probable"],
     ["Très improbable", "Peu probable", "Ni probable ni improbable", "Probable", "Très probable"]),
    # Qualtrics' default 5-point agree scale, the French one with "plutôt"
    (["Somewhat agree", "Strongly agree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree"],
     ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree", "Strongly agree"]),
    (["Plutôt d'accord", "Ni d'accord ni pas d'accord", "Plutôt pas d'accord", "Tout à fait d'accord"],
     ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
      "Tout à fait d'accord"]),
    # 4-, 7- and 9-point agree scales
    (["Somewhat agree", "Agree", "Strongly disagree", "Somewhat disagree", "Agree"],
     ["Strongly disagree", "Disagree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree",
      "Agree", "Strongly agree"]),
    (["Eerder eens", "Eens", "Helemaal eens", "Eerder oneens", "Neutraal"],
     ["Helemaal oneens", "Oneens", "Eerder oneens", "Neutraal", "Eerder eens", "Eens", "Helemaal eens"]),
    (["Completely agree", "Strongly agree", "Slightly agree", "Agree", "Completely disagree", "Neutral"],
     ["Completely disagree", "Strongly disagree", "Disagree", "Somewhat disagree", "Neutral", "Slightly agree",
      "Agree", "Strongly agree", "Completely agree"]),
])
def test_likert_scales_in_scale_order_not_frequency(answers: list[str], scale: list[str]):
    kind, details, why = classify(answers * 3)
    assert kind == "likert", why
    assert details["options"] == scale


def test_an_even_scale_needs_enough_answers_without_a_middle():
    # Few answers and nobody in the middle: no evidence against the usual 5 points.
    answers = ["Plutôt d'accord", "Plutôt pas d'accord", "Tout à fait d'accord", "Pas du tout d'accord"]
    assert len(classify(answers * 3)[1]["options"]) == 5
    # Forty answers and still nobody in the middle: a 4-point scale.
    assert classify(answers * 10)[1]["options"] == ["Pas du tout d'accord", "Plutôt pas d'accord",
                                                    "Plutôt d'accord", "Tout à fait d'accord"]
    assert classify(["Never", "Rarely", "Sometimes", "Frequently"] * 10)[1]["options"] == [
        "Never", "Rarely", "Sometimes", "Frequently"]


@pytest.mark.parametrize("outside", ["Weet niet", "n.v.t.", "Niet van toepassing", "Don't know", "Not applicable",
                                     "Ne sais pas", "N/A"])
def test_dont_know_is_counted_outside_the_base(outside: str):
    kind, details, _ = classify(["Eens", "Oneens", "Eens", outside, "Helemaal eens"] * 2)
    assert kind == "likert"
    assert details["extra_options"] == [outside] and details["exclude_from_base"] == [outside]
    assert outside not in details["options"]


def test_likert_draft_ingests_and_tallies_in_scale_order(cli, tmp_path: Path):
    rows = [[f"R{i}", a] for i, a in enumerate(["Agree", "Agree", "Agree", "Agree", "Disagree", "Neutral",
                                                 "Strongly agree", "Don't know"])]
    path = write_csv(tmp_path, ["Respondent ID", "The association's support helps us"], rows)
    _, _, schema = infer(cli, path, tmp_path)
    data = ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)
    q = data["questions"][0]
    assert q["type"] == "likert"
    assert list(q["counts"]) == ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree", "Don't know"]
    assert q["base"] == 7 and q["counts"]["Agree"] == 4  # "Don't know" counted, not in the base


# --- numeric scales -------------------------------------------------------------------------

def test_numeric_scale_from_the_header():
    kind, details, _ = classify(["3", "7", "9", "8", "7"], "Hoe waarschijnlijk beveelt u ons aan? (0-10)")
    assert kind == "numeric" and details == {"min": 0, "max": 10}
    kind, details, _ = classify(["2", "3", "1"] * 3, "Invloed van de provincie (0 = geen, 5 = zeer veel)")
    assert kind == "numeric" and details == {"min": 0, "max": 5}


def test_coded_agree_scale_is_likert_with_the_whole_range():
    kind, details, _ = classify(["2", "3", "4", "4", "6"], "Please indicate how much you agree - Vaccines are safe")
    assert kind == "likert" and details["options"] == ["1", "2", "3", "4", "5", "6", "7"]
    kind, details, _ = classify(["4", "5", "3", "4"], "Hoe tevreden bent u over de webinars?")
    assert kind == "likert" and details["options"] == ["1", "2", "3", "4", "5"]


def test_numbered_scale_points_ordered_by_number():
    kind, details, _ = classify(["2 – Very critical", "5 – Not at all critical", "1 – Extremely critical",
                                 "2 – Very critical"])
    assert kind == "likert"
    assert details["options"] == ["1 – Extremely critical", "2 – Very critical", "3", "4", "5 – Not at all critical"]


def test_amounts_stay_numeric():
    assert classify(["0,5", "0,25", "1", "0,1"], "VTE voor LMB")[0] == "numeric"
    assert classify(["1", "2", "0", "3", "1", "2"] * 3, "How many children do you have?")[0] == "numeric"


# --- metadata and personal data: never a question ---------------------------------------------

META = ["IP Address", "Email", "E-mailadres", "Name", "Naam", "First Name", "Last Name", "Start time",
        "Completion time", "Begintijd", "Tijd van voltooien", "Duration (in seconds)", "Progress", "Finished",
        "Collector ID", "Language", "User Agent", "Referer", "LocationLatitude", "LocationLongitude",
        "RecipientEmail", "ExternalReference", "DistributionChannel", "seed", "token", "lastpage",
        "Contactpersoon", "Telefoonnummer"]


def test_metadata_and_personal_data_are_never_questions(cli, tmp_path: Path):
    # Values chosen so each would pass as a question if its header were not recognised.
    values = {"Progress": ["100", "50", "100", "100"], "Finished": ["1", "0", "1", "1"],
              "Language": ["nl", "nl", "fr", "nl"], "lastpage": ["3", "1", "3", "3"]}
    headers = ["Respondent ID"] + META + ["Welke steun heeft u nodig?"]
    rows = []
    for i in range(4):
        row = [f"R{i}"]
        for h in META:
            row.append(values.get(h, [f"{h} waarde {i}", "x", "x", "y"])[i])
        rows.append(row + ["Meer vorming" if i % 2 else "Een lerend netwerk"])
    path = write_csv(tmp_path, headers, rows)
    text, data, schema = infer(cli, path, tmp_path)
    used = {q.column for q in schema.questions}
    assert used == {"Welke steun heeft u nodig?"}
    for h in META:
        assert f'# - "{h}" (column' in text, h  # listed among the columns left out
    assert "IP address (personal data)" in flat(text) and "name (personal data)" in flat(text)
    ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)


def test_a_question_asking_for_names_is_left_out(cli, tmp_path: Path):
    path = write_csv(tmp_path, ["Id", "What are the names of the course instructors?", "Course level"],
                     [[str(i), n, lvl] for i, (n, lvl) in enumerate([("An Peeters", "Intro"), ("Jan Maes", "Intro"),
                                                                     ("Els Claes", "Advanced")])])
    text, data, _ = infer(cli, path, tmp_path)
    assert [q["column"] for q in data["questions"]] == ["Course level"]
    assert "names or contact details (personal data)" in flat(text)


# --- the id column: a real id column, never names --------------------------------------------

def test_id_never_a_names_or_email_column(cli, tmp_path: Path):
    rows = [[f"{f} {l}", f"{f.lower()}@example.org", a] for f, l, a in
            [("An", "Peeters", "Ja"), ("Jan", "Maes", "Nee"), ("Els", "Claes", "Ja"), ("Tom", "Aerts", "Ja")]]
    path = write_csv(tmp_path, ["Naam", "E-mail", "Voert uw bestuur een LMB?"], rows)
    text, data, schema = infer(cli, path, tmp_path)
    assert "id_column" not in data and schema.id_column is None
    assert "spreadsheet row number" in flat(text) and "never used as ids" in flat(text)
    assert ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)["respondents"] == 4


def test_id_chosen_among_real_id_columns(cli, tmp_path: Path):
    rows = [[name, f"{100 + i}", f"R_{i}", "Ja"] for i, name in enumerate(["An Peeters", "Jan Maes", "Els Claes"])]
    path = write_csv(tmp_path, ["Respondent", "Seq", "ResponseId", "Voert uw bestuur een LMB?"], rows)
    _, data, _ = infer(cli, path, tmp_path)
    assert data["id_column"] == "ResponseId"


def test_repeated_id_values_are_no_id(cli, tmp_path: Path):
    path = write_csv(tmp_path, ["Respondent ID", "Voert uw bestuur een LMB?"],
                     [["1", "Ja"], ["2", "Nee"], ["2", "Ja"], ["3", "Ja"]])
    text, data, _ = infer(cli, path, tmp_path)
    assert "id_column" not in data and "repeats values" in flat(text)
    assert ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)["respondents"] == 4


# --- blank and duplicate headers --------------------------------------------------------------

def test_blank_and_duplicate_headers_addressed_by_position(cli, tmp_path: Path):
    rows = [[f"R{i}", note, "Ja" if i % 3 else "Nee", rem1, rem2] for i, (note, rem1, rem2) in enumerate([
        ("nagebeld", "Nieuwe schepen sinds januari", "ok na telefoon"),
        ("", "", "te bellen na de zomer"),
        ("dubbel ingevuld?", "Budget nog niet vastgelegd", ""),
        ("via mail", "Fusiegemeente", "schepen zelf ingevuld"),
    ])]
    path = write_csv(tmp_path, ["Respondent ID", "", "Voert uw bestuur een LMB?", "Opmerking", "Opmerking"], rows)
    out = tmp_path / "d.yaml"
    res = cli("schema", "infer", path, "--out", out)
    assert res.exit_code == 0
    assert "column 2 has no header" in res.stderr and "column 5 repeats the header" in res.stderr
    schema = load_schema(out)
    assert {q.column for q in schema.questions} == {2, "Voert uw bestuur een LMB?", 4, 5}
    text = out.read_text(encoding="utf-8")
    assert "position: 2" in text and "referred to by position 5" in flat(text)
    data = ingest_and_tally(cli, path, out, tmp_path)
    assert data["respondents"] == 4


# --- choices, long options, checkboxes ------------------------------------------------------------

LONG = ["Formeel: een schepen en een ambtenaar zijn bevoegd en er is een eigen budget in het meerjarenplan",
        "Informeel: enkele medewerkers nemen het op naast hun andere taken, zonder eigen budget",
        "Via een adviesraad voor ontwikkelingssamenwerking die het bestuur adviseert en ondersteunt"]


def test_long_option_texts_stay_choices():
    kind, details, _ = classify([LONG[i % 3] for i in range(12)])
    assert kind == "single" and sorted(details["options"]) == sorted(LONG)
    free = [f"Ons project nummer {i} met de scholen en de wereldwinkel, heel geslaagd dit jaar" for i in range(12)]
    assert classify(free)[0] == "open"


def test_checkbox_columns_per_option_are_multi(cli, tmp_path: Path):
    # 'x', 'X', a LimeSurvey 'Y' and an option nobody chose (its column is empty).
    marks = [["x", "", "X", ""], ["", "Y", "", ""], ["x", "x", "", ""], ["", "", "x", ""]]
    headers = ["Respondent ID", "Kanalen - Website", "Kanalen - Infoblad", "Kanalen - Sociale media",
               "Kanalen - Affiches"]
    path = write_csv(tmp_path, headers, [[f"R{i}"] + m for i, m in enumerate(marks)], sep=";", encoding="cp1252")
    _, data, _ = infer(cli, path, tmp_path)
    (q,) = data["questions"]
    assert q["type"] == "multi" and q["columns"] == {"Website": "Kanalen - Website", "Infoblad": "Kanalen - Infoblad",
                                                    "Sociale media": "Kanalen - Sociale media",
                                                    "Affiches": "Kanalen - Affiches"}
    tally = ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)
    assert tally["questions"][0]["counts"] == {"Website": 2, "Infoblad": 2, "Sociale media": 2, "Affiches": 0}


def test_one_cell_checkbox_with_an_option_holding_the_separator(cli, tmp_path: Path):
    cells = ["Website, Nieuwsbrief, digitaal en op papier", "Infoblad", "Nieuwsbrief, digitaal en op papier",
             "Website, Infoblad, Lokale radio", "Website, Infoblad", "Infoblad, Nieuwsbrief, digitaal en op papier",
             "Website", "Website, Infoblad, Nieuwsbrief, digitaal en op papier"]
    path = write_csv(tmp_path, ["Timestamp", "Via welke kanalen? (meerdere antwoorden mogelijk)"],
                     [[f"3/{i + 1}/2025 10:00:00", c] for i, c in enumerate(cells)])
    text, data, _ = infer(cli, path, tmp_path)
    (q,) = data["questions"]
    assert q["type"] == "multi" and q["separator"] == ", "
    assert q["options"] == ["Website", "Infoblad", "Nieuwsbrief, digitaal en op papier"]
    assert "Lokale radio" in flat(text)  # the 'other' value is named in the comment
    tally = ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)
    assert tally["questions"][0]["counts"]["Nieuwsbrief, digitaal en op papier"] == 4


def test_ms_forms_semicolons_with_trailing_separator():
    cells = ["Website;Infoblad;", "Website;", "Sociale media;Website;", "Infoblad;Sociale media;", "Website;Infoblad;"]
    sep, options, other = detect_separator(cells)
    assert sep == ";" and set(options) == {"Website", "Infoblad", "Sociale media"} and other == []


def test_free_text_with_commas_is_no_checkbox():
    answers = ["Virginia, USA", "Virginia", "VA", "Ohio, USA", "Virginia", "New York", "Texas, USA", "Virginia",
               "Florida", "Paris, France", "Lyon, France", "VA"]
    assert detect_separator(answers, header="What state or country were you born in?") is None


# --- YAML: always valid, whatever the headers say ---------------------------------------------------

HOSTILE = ['key: "value" # not a comment', "- item", "[x]", "&anchor", "*", "yes", "no", "null", "1.0",
           "Trots\n(project waar u trots op bent)", "{a: b}", "| literal", "> folded", "!tag", "@home",
           "%YAML", "`tick`", "'quoted'", "tab\there", "line\u2028separator", "next\x85line", "~"]


def test_yaml_hostile_headers_make_valid_drafts(cli, tmp_path: Path):
    rows = [[f"R{i}"] + [f"antwoord {i} op {j}" for j in range(len(HOSTILE))] for i in range(3)]
    path = write_csv(tmp_path, ["Respondent ID"] + HOSTILE, rows)
    text, data, schema = infer(cli, path, tmp_path)
    assert [q["column"] for q in data["questions"]] == HOSTILE  # every header read back exactly
    assert [q.column for q in schema.questions] == HOSTILE
    assert ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)["respondents"] == 3


def test_yaml_hostile_option_values_and_ids():
    records = [["Id", "yes", "Stelling: no"]] + [[str(i), v, w] for i, (v, w) in
                                                 enumerate([("yes", "null"), ("no", "1.0"), ("yes", "null"),
                                                            ("no", "1.0"), ("yes", "~"), ("yes", "~"),
                                                            ("no", "null"), ("yes", "1.0")])]
    draft = draft_from_records(records, "s", "t.csv")
    text = draft.to_yaml()
    assert yaml.safe_load(text) == draft.to_dict()
    q = draft.to_dict()["questions"]
    assert q[0]["options"] == ["yes", "no"] and q[1]["options"] == ["null", "1.0", "~"]


def test_every_guess_is_explained_in_comments(cli, tmp_path: Path):
    rows = [[f"R{i}", "192.0.2.1", "Ja" if i % 2 else "Nee", ["Eens", "Oneens", "Neutraal"][i % 3],
             f"Project {i} met de school"] for i in range(6)]
    path = write_csv(tmp_path, ["Respondent ID", "IP Address", "Voert uw bestuur een LMB?",
                                "De steun helpt ons", "Trots"], rows)
    text, _, _ = infer(cli, path, tmp_path)
    for phrase in ("Layout: spreadsheet", "header rows: 1", "id column:", "single: 2 distinct answers",
                   "likert: the answers fit the 5-point agree (nl) scale", "open: 6 distinct answers",
                   "Columns left out", "IP address (personal data)"):
        assert phrase in flat(text), phrase


# --- response filters ----------------------------------------------------------------------------

QUALTRICS = (
    '"StartDate","Status","Finished","ResponseId","Q1"\r\n'
    '"Start Date","Response Type","Finished","Response ID","Voert uw bestuur een LMB?"\r\n'
    '"{""ImportId"":""startDate""}","{""ImportId"":""status""}","{""ImportId"":""finished""}",'
    '"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"\r\n'
    '"2025-03-01 10:00:00","IP Address","True","R_1","Ja"\r\n'
    '"2025-03-01 11:00:00","Survey Preview","True","R_2","Nee"\r\n'
    '"2025-03-01 12:00:00","IP Address","False","R_3","Ja"\r\n'
    '"2025-03-01 13:00:00","IP Address","True","R_4","Nee"\r\n'
)


def test_qualtrics_filters_proposed_and_active(cli, tmp_path: Path):
    path = tmp_path / "q.csv"
    path.write_text(QUALTRICS, encoding="utf-8")
    text, data, schema = infer(cli, path, tmp_path)
    assert data["header_rows"] == 3 and data["id_column"] == "ResponseId"
    assert data["include"][0]["column"] == "Finished" and data["include"][0]["in"] == ["1", "True"]
    assert data["include"][1]["column"] == "Status" and "Survey Preview" in data["include"][1]["not_in"]
    assert "delete this rule" in flat(text) and "2 of 4 responses are kept" in flat(text)
    tally = ingest_and_tally(cli, path, tmp_path / "q.yaml", tmp_path)
    assert tally["respondents"] == 2 and tally["responses_in_export"] == 4


def test_limesurvey_submitdate_and_surveygizmo_status_filters(tmp_path: Path):
    lime = [["id. Response ID", "submitdate. Date submitted", "lastpage. Last page", "G01Q01. Voert u een LMB?"],
            ["1", "2025-03-01 10:00:00", "2", "Ja"], ["2", "", "1", "Nee"], ["3", "2025-03-02 10:00:00", "2", "Ja"]]
    draft = draft_from_records(lime, "s", "lime.csv")
    assert draft.tool == "limesurvey"
    assert draft.to_dict()["include"] == [{"column": "submitdate. Date submitted", "filled": True,
                                           "why": "niet ingediend (submitdate is leeg)"}]
    assert draft.kept == 2
    gizmo = [["Response ID", "Time Started", "Date Submitted", "Status", "Voert u een LMB?"],
             ["1", "2025-03-01", "2025-03-01", "Complete", "Ja"], ["2", "2025-03-01", "", "Partial", "Nee"]]
    draft = draft_from_records(gizmo, "s", "sg.csv")
    assert draft.tool == "surveygizmo" and draft.to_dict()["include"][0]["in"] == ["Complete"]


# --- the draft is checked on its own file ------------------------------------------------------------

def test_a_guess_the_file_contradicts_becomes_open_text(tmp_path: Path):
    # 'Très satisfait' and 'Tres satisfait' are one scale point to the scale matcher but two
    # spellings to ingest: the unchecked draft would not ingest; the checked one does.
    answers = ["Très satisfait", "Satisfait", "Tres satisfait", "Insatisfait", "Satisfait"]
    path = write_csv(tmp_path, ["Id", "Êtes-vous satisfait?"], [[str(i), a] for i, a in enumerate(answers)])
    unchecked = draft_schema(path, check=False)
    assert unchecked.to_dict()["questions"][0]["type"] == "likert"
    checked = draft_schema(path)
    q = checked.to_dict()["questions"][0]
    assert q["type"] == "open" and "ingest found an answer that does not fit" in flat(checked.to_yaml())


def test_match_scale_refuses_mixed_scales():
    assert match_scale(["Eens", "Tevreden", "Oneens"]) is None
    assert match_scale(["Ja", "Nee"]) is None


LEGACY_QUALTRICS = (
    "ResponseID,ResponseSet,Name,EmailAddress,IPAddress,Status,StartDate,EndDate,Finished,Q1,Q2\r\n"
    "ResponseID,ResponseSet,Name,EmailAddress,IPAddress,Status,StartDate,EndDate,Finished,"
    "Voert uw bestuur een LMB?,Op welk project bent u trots?\r\n"
    "R_1,Default Response Set,Anonymous,,192.0.2.4,0,2016-01-01 10:00:00,2016-01-01 10:05:00,1,Ja,Stedenband\r\n"
    "R_2,Default Response Set,Anonymous,,192.0.2.5,0,2016-01-01 11:00:00,2016-01-01 11:05:00,1,Nee,nvt\r\n"
    "R_3,Default Response Set,Anonymous,,192.0.2.6,0,2016-01-01 12:00:00,2016-01-01 12:05:00,0,Ja,\r\n"
    "R_4,Default Response Set,Anonymous,,192.0.2.7,1,2016-01-01 12:00:00,2016-01-01 12:05:00,1,Ja,Wereldmarkt\r\n"
)


def test_a_second_header_row_found_by_ingest_is_drafted_as_header(cli, tmp_path: Path):
    # Older Qualtrics exports: tags over texts, no ImportId row; row 2 repeats 'ResponseID'.
    path = tmp_path / "legacy.csv"
    path.write_text(LEGACY_QUALTRICS, encoding="utf-8")
    text, data, schema = infer(cli, path, tmp_path)
    assert data["header_rows"] == 2 and "row 2 repeats the headers" in flat(text)
    assert [q.column for q in schema.questions] == ["Q1", "Q2"]
    tally = ingest_and_tally(cli, path, tmp_path / "legacy.yaml", tmp_path)
    assert tally["respondents"] == 2 and tally["responses_in_export"] == 4


def test_out_into_a_missing_folder_is_one_line(cli, tmp_path: Path):
    path = write_csv(tmp_path, ["Id", "Voert u een LMB?"], [["1", "Ja"], ["2", "Nee"]])
    res = cli("schema", "infer", path, "--out", tmp_path / "nope" / "d.yaml")
    assert res.exit_code == 2 and "does not exist: create it first" in res.stderr  # textmine.outfile
    assert len(res.stderr.strip().splitlines()) == 1
    res = cli("schema", "infer", path, "--out", tmp_path)
    assert res.exit_code == 2 and "is a folder" in res.stderr
    res = cli("schema", "infer", path, "--out", path)
    assert res.exit_code == 2 and "would overwrite it" in res.stderr


def test_rich_markup_in_a_repeated_header_never_breaks_the_warning(cli, tmp_path: Path):
    path = write_csv(tmp_path, ["Id", "[/] [bold]x", "[/] [bold]x"], [["1", "a", "b"], ["2", "c", "d"]])
    res = cli("schema", "infer", path, "--out", tmp_path / "d.yaml")
    assert res.exit_code == 0, res.output
    assert 'repeats the header "[/] [bold]x"' in res.stderr


SM_CODES = (
    ",,q1,,,q2,,,\r\n"
    "Respondent ID,Collector ID,How many people work for your organization? (select one),,,"
    "In which region is your head office? (select one),,,\r\n"
    ",,Don't know or not sure,1 to 10,11 to 49,Don't know or not sure,Flanders,Brussels,Wallonia\r\n"
    "101,9,0,,,,1,,\r\n102,9,,1,,,1,,\r\n103,9,,,2,,,2,\r\n104,9,,1,,,,,3\r\n105,9,0,,,0,,,\r\n"
)


def test_code_zero_option_is_never_lost_silently(cli, tmp_path: Path):
    # SurveyMonkey's numeric export: each option column holds its code; "Don't know" is 0.
    path = tmp_path / "sm.csv"
    path.write_text(SM_CODES, encoding="utf-8")
    out = tmp_path / "sm.yaml"
    res = cli("schema", "infer", path, "--out", out)
    assert res.exit_code == 0, res.output
    q = load_schema(out).questions[0]
    # A select-one question, a column per option: single (each respondent chose one), read from the columns.
    assert q.type == "single" and list(q.columns) == ["Don't know or not sure", "1 to 10", "11 to 49"]
    assert q.chosen == "any"  # every filled cell is chosen, the code 0 too
    counts = ingest_and_tally(cli, path, out, tmp_path)["questions"][0]["counts"]
    assert counts == {"Don't know or not sure": 2, "1 to 10": 2, "11 to 49": 1}
    region = ingest_and_tally(cli, path, out, tmp_path / "again")["questions"][1]["counts"]
    assert region["Don't know or not sure"] == 1


# --- layouts met in exports the team had not seen (see scripts/check_exports_results.md) -------------

def test_limesurvey_code_text_separator_setting(cli, tmp_path: Path):
    # LimeSurvey lets the exporter choose the code/text separator: '._.' instead of '. '.
    headers = ["startdate._.Date started", "socio1._.In which country do you work?",
               "fund2[SQ001]._.Which sources pay for your effort? [Grants]",
               "fund2[SQ002]._.Which sources pay for your effort? [Core funding]",
               "fund2[SQ003]._.Which sources pay for your effort? [Other]"]
    rows = [["2018-03-01 10:00", "UK", "Yes", "No", "No"], ["2018-03-01 11:00", "NL", "Yes", "Yes", "No"],
            ["2018-03-02 10:00", "UK", "No", "Yes", "No"], ["2018-03-02 12:00", "DE", "", "", ""]]
    path = write_csv(tmp_path, headers, rows)
    text, data, schema = infer(cli, path, tmp_path)
    assert "Layout: limesurvey" in text
    (country, fund) = data["questions"]
    assert fund["type"] == "multi" and list(fund["columns"]) == ["Grants", "Core funding", "Other"]
    assert fund["label"] == "Which sources pay for your effort?"
    assert country["type"] != "multi" and "startdate._.Date started" in flat(text)  # left out as a date/time
    tally = ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)
    assert tally["questions"][1]["counts"] == {"Grants": 2, "Core funding": 2, "Other": 0}


def test_re_joined_checkbox_cells_in_a_google_forms_sheet(cli, tmp_path: Path):
    # A Google Forms sheet whose checkbox cells someone re-joined with ';' (pandas user survey
    # 2019); one option holds ', ' so the form's own ', ' is tried too and must lose.
    cells = ["Conda", "Virtualenv / pipenv;Conda", "No, I don't isolate environments", "Virtualenv / pipenv",
             "Virtualenv / pipenv;Docker;Conda", "Docker;Conda", "Conda;No, I don't isolate environments",
             "Conda", "Docker", "Virtualenv / pipenv;Docker", "No, I don't isolate environments", "Conda"]
    path = write_csv(tmp_path, ["Timestamp", "Which tools do you use to isolate environments? (multiple answers)"],
                     [[f"3/{i + 1}/2019 10:00:00", c] for i, c in enumerate(cells)])
    _, data, _ = infer(cli, path, tmp_path)
    (q,) = data["questions"]
    assert q["type"] == "multi" and q["separator"] == ";"
    assert set(q["options"]) == {"Conda", "Virtualenv / pipenv", "Docker", "No, I don't isolate environments"}
    tally = ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)
    assert tally["questions"][0]["counts"]["Conda"] == 7


def test_bare_comma_joins_keep_comma_space_inside_options():
    # Qualtrics joins choices with ',' and no space: ', ' belongs to an option's text.
    cells = ["Celebrities,Body health/Fitness, Beauty,Music, songs, movies", "Music, songs, movies,Art",
             "Body health/Fitness, Beauty,Art", "Art", "Celebrities,Music, songs, movies", "Body health/Fitness, Beauty"]
    sep, options, other = detect_separator(cells, (",",), "Topic of interest (check all that apply)")
    assert sep == "," and other == []
    assert set(options) == {"Celebrities", "Body health/Fitness, Beauty", "Music, songs, movies", "Art"}


def test_check_all_that_apply_with_few_combinations_is_multi():
    # Qualtrics 'Gender (Check all that apply)': two of many respondents ticked two options.
    cells = ["Female"] * 40 + ["Male"] * 30 + ["Non-binary / third gender"] * 6 + \
        ["Male,Non-binary / third gender", "Female,Non-binary / third gender"]
    kind, details, _ = classify(cells, "Gender (Check all that apply)", separators=(",",))
    assert kind == "multi" and details["options"] == ["Female", "Male", "Non-binary / third gender"]
    # Without the header's say-so too: the joined cells only combine answers others gave alone.
    assert classify(cells, "Gender", separators=(",",))[0] == "multi"
    # But one such cell is no evidence.
    assert classify(cells[:-1], "Gender", separators=(",",))[0] == "single"


TYPEFORM = [
    ["#", "Are you already working as a developer?", "coffee-and-codes", "hackathons", "conferences", "None",
     "Other", "How many hours do you spend learning each week?", "Start Date (UTC)", "Submit Date (UTC)",
     "Network ID"],
    ["995106cd710ec2af0e371cbe5e1f68fb", "0", "", "hackathons", "", "", "", "20", "2016-03-29 21:21:23",
     "2016-03-29 21:23:43", "5f57f20d14"],
    ["ee9b99ff3a221d118349598106aa06a7", "0", "coffee-and-codes", "hackathons", "conferences", "", "Meetups", "40",
     "2016-03-29 21:22:54", "2016-03-29 21:24:35", "8219d7dfee"],
    ["cef35615d61b202f1dc794ef2746df14", "1", "", "", "", "None", "", "30", "2016-03-29 21:23:13",
     "2016-03-29 21:24:53", "2c6f0af42c"],
    ["323e5a113644d18185c743c241407754", "0", "", "", "conferences", "", "local user group", "15",
     "2016-03-29 21:24:59", "2016-03-29 21:27:09", "d048ac774d"],
]


def test_typeform_option_columns_headed_by_their_option(cli, tmp_path: Path):
    # Typeform heads a checkbox question's columns with the options only, each holding its own
    # name when chosen; '#' is the response token; Network ID hashes the IP address.
    path = write_csv(tmp_path, TYPEFORM[0], TYPEFORM[1:])
    text, data, _ = infer(cli, path, tmp_path)
    assert "Layout: typeform" in text and data["id_column"] == "#"
    questions = {q["id"]: q for q in data["questions"]}
    (multi,) = [q for q in questions.values() if q["type"] == "multi"]
    assert list(multi["columns"]) == ["coffee-and-codes", "hackathons", "conferences", "None"]
    others = [q for q in questions.values() if q.get("column") == "Other"]
    assert others and others[0]["type"] == "open"
    refs = [str(q.get("column")) for q in data["questions"]]
    assert not {"Network ID", "Start Date (UTC)", "Submit Date (UTC)"} & set(refs)
    assert "Network ID" in flat(text)  # named among the columns left out
    tally = ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)
    assert tally["respondents"] == 4
    counts = next(q for q in tally["questions"] if q["type"] == "multi")["counts"]
    assert counts == {"coffee-and-codes": 1, "hackathons": 2, "conferences": 2, "None": 1}


def test_numbered_option_columns_are_one_checkbox_per_question(cli, tmp_path: Path):
    # An analyst's rewrite of a SurveyMonkey export (OSPO 2021): row 1 'Q1 01—question', row 2
    # the option each column holds when chosen; no text spans the sub-columns.
    q1 = "Where is your organization on its open source journey? (Check all that apply)"
    rows = [["Respondent ID", f"Q1 01—{q1}", f"Q1 02—{q1}", f"Q1 03—{q1}", "Q2 00—How many people work there?"],
            ["Respondent ID", "Consuming open source", "Contributing upstream", "Don't know", "Multiple choice response"],
            ["1001", "Consuming open source", "Contributing upstream", "", "2-5"],
            ["1002", "Consuming open source", "", "", "More than 10,000"],
            ["1003", "", "", "Don't know", "2-5"],
            ["1004", "", "Contributing upstream", "", "2-5"]]
    path = write_csv(tmp_path, rows[0], rows[1:])
    _, data, _ = infer(cli, path, tmp_path)
    multi = [q for q in data["questions"] if q["type"] == "multi"]
    assert len(multi) == 1 and multi[0]["label"] == q1
    assert list(multi[0]["columns"]) == ["Consuming open source", "Contributing upstream", "Don't know"]
    tally = ingest_and_tally(cli, path, tmp_path / "export.yaml", tmp_path)
    assert tally["respondents"] == 4
    # '3. Python.', '3. R.' then '4. Data engineer.': the number ends one question and starts the next.
    heads = ["Respondent ID", "3. Python.", "3. R.", "4. Data engineer.", "4. Data scientist."]
    cells = [["1", "Python.", "R.", "", "Data scientist."], ["2", "Python.", "", "Data engineer.", ""],
             ["3", "", "R.", "Data engineer.", "Data scientist."]]
    draft = draft_from_records([heads] + cells, "s", "numbered.csv")
    multis = [q.question for q in draft.questions if q.question["type"] == "multi"]
    assert [list(q["columns"]) for q in multis] == [["Python.", "R."], ["Data engineer.", "Data scientist."]]


def test_bracketed_numbers_and_long_non_answers_make_a_scale():
    answers = ["(0) Not a problem for me.", "(1)\u00a0Trivial.", "(2) Minor.", "(3) Major.", "(4) Critical.",
               "N/A - skip, don't know.", "(2) Minor.", "(3) Major."]
    kind, details, _ = classify(answers, "10a. Data is too big to fit into memory.")
    assert kind == "likert"
    assert details["options"][0] == "(0) Not a problem for me." and details["options"][-1] == "(4) Critical."
    assert details["exclude_from_base"] == ["N/A - skip, don't know."]
    kind, details, _ = classify(["Agree", "Strongly agree", "Does not apply.", "Disagree", "Agree"], "Statements")
    assert kind == "likert" and details["extra_options"] == ["Does not apply."]


def test_surveymonkey_expanded_select_one_and_scales_from_option_columns(cli, tmp_path: Path):
    # SurveyMonkey's expanded text export (OSPO 2024): every closed question a column per option.
    fixture = Path(__file__).parent / "fixtures" / "exports" / "surveymonkey_expanded.csv"
    rows = list(csv.reader(io.StringIO(fixture.read_text(encoding="utf-8-sig"))))
    _, data, schema = infer(cli, fixture, tmp_path)
    kinds = [q.type for q in schema.questions]
    assert kinds.count("likert") == 3 and kinds.count("single") == 1 and kinds.count("multi") == 1
    grid = [q for q in data["questions"] if q["type"] == "likert"][0]
    assert list(grid["columns"])[:5] == ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]
    assert grid["exclude_from_base"] == ["Niet van toepassing"]
    tally = ingest_and_tally(cli, fixture, tmp_path / "surveymonkey_expanded.yaml", tmp_path)
    voert = next(q for q in tally["questions"] if q["type"] == "single")
    nee = sum(1 for r in rows[3:] if r[6] == "Nee")
    assert nee and voert["counts"] == {"Ja": sum(1 for r in rows[3:] if r[5] == "Ja"), "Nee": nee}
    steun = next(q for q in tally["questions"] if q["type"] == "likert")
    assert steun["counts"]["Helemaal eens"] == sum(1 for r in rows[3:] if r[16] == "Helemaal eens")


def test_limesurvey_saved_by_r_counts_submitted_responses_only(cli, tmp_path: Path):
    # Party Panel 18.1 (LimeSurvey, Dutch) saved again by R: NA for blank, Dutch timing columns.
    text = ('"id","submitdate","lastpage","startlanguage","startdate","adviseFriend","expertise",'
            '"Totaaltijd","Groep.tijd..group","Vraag.tijd..adviseFriend"\n')
    rows = [(39, "NA", 0, "NA", "NA", 0, "NA", "NA"), (38, '"2018-06-12 10:18:12"', 1, '"Ze willen zich er niet mee bemoeien"',
            '"Unity peer"', 426.43, 426.43, 100.2), (41, "NA", 0, "NA", "NA", 0, "NA", "NA"),
            (42, '"2018-06-12 11:18:12"', 1, '"Ze voelen zich moreel verantwoordelijk"', "NA", 1130.2, 1130.2, 300.5),
            (43, '"2018-06-12 12:18:12"', 1, '"Een goede band met de persoon"', '"Unity Peer"', 799.4, 799.4, 200.1)]
    for r in rows:
        text += (f'{r[0]},{r[1]},{r[2]},"nl-informal","2018-06-12 10:12:19",{r[3]},{r[4]},{r[5]},{r[6]},{r[7]}\n')
    path = tmp_path / "survey_180102_R_data_file.csv"
    path.write_text(text, encoding="utf-8")
    text, data, _ = infer(cli, path, tmp_path)
    assert "written by R" in flat(text)
    refs = {q["column"] for q in data["questions"]}
    assert refs == {"adviseFriend", "expertise"}  # timings, dates and language are no questions
    tally = ingest_and_tally(cli, path, tmp_path / "survey_180102_R_data_file.yaml", tmp_path)
    assert tally["respondents"] == 3 and tally["responses_in_export"] == 5


def test_a_consent_text_mentioning_names_is_no_personal_data_question():
    # Qualtrics: the consent form is the question text ('Your name will not be collected ...
    # contact nmoussavi@...'); its answers are two recurring choices, not names.
    consent = ("University of Arizona Consent to Participate in Research. " + "About the study. " * 20 +
               "The information that you give in the study will be anonymous. Your name will not be collected "
               "or linked to your answers. For questions, contact the study's e-mail address.")
    rows = [["Q1"], [consent]] + [["I consent to participate" if i % 5 else "I do not accept"] for i in range(30)]
    draft = draft_from_records(rows, "s", "consent.csv", header_rows=2)
    (q,) = [d.question for d in draft.questions]
    assert q["type"] == "single" and q["column"] == "Q1"
    # A short question that asks for names stays out, even when the names recur.
    rows = [["Id", "What are the names of the course instructors?"]] + \
        [[str(i), "[instructor names removed]"] for i in range(30)]
    assert not draft_from_records(rows, "s", "names.csv").questions


@pytest.mark.parametrize("answers, first, last", [
    (["Average", "Above Average", "Excellent", "Below Average", "Very Poor", "Don't know", "Average"],
     "Very Poor", "Excellent"),  # OSPO 2019: how good an open source citizen is ...
    (["Usually", "Occasionally", "Rarely", "Never", "I don't know what the tidyverse is", "Usually"],
     "Never", "Usually"),  # R community survey 2019
    (["Never -- I don't use Shiny", "Rarely -- I know how but seldom do", "Sometimes -- I build one now and then",
      "Frequently -- I build apps all the time", "I don't know what Shiny is", "Rarely -- I know how but seldom do"],
     "Never -- I don't use Shiny", "Frequently -- I build apps all the time"),
    (["Not at all", "Slightly", "Moderately", "Markedly", "Extremely", "Slightly"], "Not at all", "Extremely"),
    (["Helemaal niet", "Een beetje", "Matig", "Sterk", "Heel sterk", "Matig"], "Helemaal niet", "Heel sterk"),
    (["Very Important", "Somewhat important", "Critical", "Slightly Important", "Not Important", "Critical"],
     "Not Important", "Critical"),  # Spack user survey: 'Rank these features by importance [...]'
])
def test_more_scales_met_in_real_exports(answers: list[str], first: str, last: str):
    kind, details, _ = classify(answers, "")
    assert kind == "likert", details
    assert details["options"][0] == first and details["options"][-1] == last
    outside = [a for a in answers if a.startswith(("Don't", "I don't"))]
    assert details.get("extra_options", []) == outside[:1]


def test_other_texts_typed_twice_are_no_options_in_a_large_export():
    # R community survey 2019: 1,783 answers joined by ', '; 'GitLab' written in by two people
    # is no option, and would otherwise push the options past what a checkbox question has.
    options = ["RStudio Desktop (IDE)", "Microsoft Excel", "R Command Line (i.e., the native R terminal interface)",
               "Python", "Shinyapps.io", "RStudio Server", "Jupyter Notebooks", "SPSS"]
    cells = [", ".join(options[j] for j in range(len(options)) if (i >> j) & 1) or options[0] for i in range(1, 256)]
    cells = cells * 4 + [f"Microsoft Excel, Tool{k}" for k in range(45) for _ in range(2)]
    sep, found, other = detect_separator(cells, (", ",), "Which tools do you use? (please check all that apply)")
    assert sep == ", " and set(found) == set(options) and "Tool3" in other


def test_ms_forms_trailing_semicolon_marks_a_checkbox_question():
    # Microsoft Forms ends each answer of a multiple-answer question with ';' even when one
    # option was chosen; a joined option chosen once is no option of its own.
    cells = ["Higher Education - University\u00a0;"] * 20 + ["industry;", "Research Institute;",
                                                              "GLAM;Higher Education - University\u00a0;"]
    sep, options, other = detect_separator(cells, (";",), "Please select your organization type")
    assert sep == ";" and options == ["Higher Education - University"] and set(other) == {"industry",
                                                                                         "Research Institute", "GLAM"}
    funded = ["Institutionally\u00a0;through national funding\u00a0;through international funding;"] * 6 + \
        ["Institutionally\u00a0;"] * 5 + ["Not funded;", "through international funding;through commercial income;",
                                         "through national funding\u00a0;", "Some institution, some national funding;"]
    sep, options, other = detect_separator(funded, (";",), "How is your current research software work funded?")
    assert options == ["Institutionally", "through national funding", "through international funding"]
    assert "through commercial income" in other  # not glued to the option before it
    # A single choice whose one option holds ';' has no trailing ';': no checkbox.
    assert detect_separator(["Yes", "No", "Unable; not an academic member of staff", "Yes", "No", "Yes"],
                            (";",), "Are you able to act as PI?") is None


def test_valence_scale():
    kind, details, _ = classify(["neutral", "negative", "strongly negative", "positive\u00a0", "neutral"], "")
    assert kind == "likert" and details["options"][0] == "strongly negative" and details["options"][3] == "positive\u00a0"


def test_question_texts_in_the_sub_answer_row_are_questions_of_their_own():
    # Cantera user survey 2020: row 1 spans 'Do you use the following sources?' over its option
    # columns AND over follow-up questions whose text stands in row 2; one option column holds
    # an odd joined cell, yet its neighbours each hold their own option.
    heads = [["", "Do you use the following sources to install Cantera?", "", "", "", "", "",
              "Are you aware of the roles of the Steering Committee?", "", ""],
             ["#", "Anaconda", "Build from source", "Ubuntu PPA", "What version of Cantera do you use most often?",
              "How often do you use the *Python* interface?", "Which version of *MATLAB* do you use the most?",
              "I'm not aware of the Steering Committee", "Spending project funds", "Delegating responsibilities"]]
    versions = ["2.4 (released Aug. 2018)", "2.5 (released Dec. 2020)", "2.4 (released Aug. 2018)", "2.3"]
    often = ["Often", "Sometimes", "Rarely", "Often", "Never"]
    rows = []
    for i in range(20):
        rows.append([f"tok{i:03d}x", "Anaconda" if i % 2 else "", "Build from source" if i % 3 == 0 else "",
                     "Ubuntu PPA" if i % 5 == 0 else "", versions[i % 4], often[i % 5], ["R2019b", "R2020a", ""][i % 3],
                     ("I'm not aware of the Steering Committee" if i % 4 else "") if i != 7 else
                     "I'm not aware of the Steering Committee,\nSpending project funds",
                     "Spending project funds" if i % 4 == 0 else "", "Delegating responsibilities" if i % 8 == 0 else ""])
    draft = draft_from_records(heads + rows, "s", "cantera.csv")
    assert draft.header_rows == 2 and draft.id_column == "#"
    by_label = {q.question["label"]: q.question for q in draft.questions}
    sources = by_label["Do you use the following sources to install Cantera?"]
    assert sources["type"] == "multi" and list(sources["columns"]) == ["Anaconda", "Build from source", "Ubuntu PPA"]
    assert by_label["What version of Cantera do you use most often?"]["type"] == "single"
    assert by_label["How often do you use the *Python* interface?"]["type"] == "likert"
    roles = by_label["Are you aware of the roles of the Steering Committee?"]
    assert roles["type"] == "multi" and list(roles["columns"]) == ["Spending project funds", "Delegating responsibilities"]


def test_snake_case_headers_are_no_limesurvey_codes():
    # The Carpentries' long-term survey, tidied: identifier-like headers, checkbox cells joined
    # by ';'. Taking it for LimeSurvey (which never joins options in a cell) lost the checkboxes.
    heads = ["first_survey_take", "workshop_attended_content", "how_tools_help"]
    content = ["Git;Python;Unix Shell", "R", "Git;R;Unix Shell", "OpenRefine;R;Spreadsheets;SQL", "Python",
               "Git;Python;Unix Shell", "R;SQL", "Git;R;Unix Shell"]
    rows = [[("Yes" if i % 3 else "No"), c, "They are improving my overall efficiency"] for i, c in enumerate(content * 2)]
    draft = draft_from_records([heads] + rows, "s", "longterm.csv")
    assert draft.tool == "spreadsheet"
    q = next(d.question for d in draft.questions if d.question["column"] == "workshop_attended_content")
    assert q["type"] == "multi" and q["separator"] == ";"


def test_cells_that_only_combine_single_answers_are_a_checkbox():
    # pandas user survey 2019 'Python 2 or 3?': 84 of 1,235 answered '2;3', the rest '2' or '3'.
    cells = ["3"] * 1141 + ["2;3"] * 84 + ["2"] * 10
    kind, details, _ = classify(cells, "Python 2 or 3?", separators=(", ", ";", "|"))
    assert kind == "multi" and details["separator"] == ";" and details["options"] == ["2", "3"]
    # Spanish 'select all that apply' is said too (R community survey 2019, Spanish).
    cells = ["Hispánico/Latino"] * 60 + ["Blanco"] * 15 + ["Blanco, Hispánico/Latino"] * 5 + ["Asiático"] * 2
    header = "Identifico mi origen étnico como (selecciona todas las opciones que correspondan):"
    assert classify(cells, header, separators=(", ",))[0] == "multi"


def test_an_analysts_serial_number_column_is_no_question():
    # OSPO 2021: the analysts numbered the rows in 'Serial #' beside SurveyMonkey's Respondent ID.
    rows = [["Serial #", "Respondent ID", "How many people work there?"]] + \
        [[str(i + 1), str(127357079 + 7 * i), ["2-5", "More than 10,000", "11-50"][i % 3]] for i in range(12)]
    draft = draft_from_records(rows, "s", "ospo.csv")
    assert draft.id_column == "Respondent ID"
    assert [q.question["column"] for q in draft.questions] == ["How many people work there?"]
    assert any(title.startswith('"Serial #"') and "row numbers" in why for title, why in draft.left_out)


def test_an_open_question_full_of_nvt_stays_open(cli, tmp_path: Path):
    """20 typed answers beside 100 'nvt'/'geen'/'-': the fillers recur, but they are no
    evidence of a choice; drafted as a single choice, every typed answer would become an option."""
    typed = [f"Ons project nummer {i}: een stedenband, een Fairtrade ontbijt of een klimaatwandeling" for i in range(20)]
    fillers = ["nvt", "geen", "-"]
    rows = [[str(i + 1), typed[i] if i < 20 else fillers[i % 3]] for i in range(120)]
    path = write_csv(tmp_path, ["Respondent ID", "Op welk project bent u trots?"], rows)
    _, _, schema = infer(cli, path, tmp_path)
    assert schema.questions[0].type == "open"
    # a real choice with a non-answer option stays a choice
    rows = [[str(i + 1), ["Ja", "Nee", "Weet niet"][i % 3]] for i in range(60)]
    path = write_csv(tmp_path, ["Respondent ID", "Voert uw bestuur een LMB?"], rows, name="keuze.csv")
    _, _, schema = infer(cli, path, tmp_path)
    assert schema.questions[0].type == "single"
