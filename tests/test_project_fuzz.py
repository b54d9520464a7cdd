"""Odd Python arguments to the Project facade: a one-line InputError, nothing stored, never a raw
TypeError/ValueError/UnicodeEncodeError from inside, never a wave stored as "None" or "2025.0"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from textmine import InputError, Project
from tm_testutil import REPO, copy_project_db, dump_db

SAMPLE = REPO / "data" / "sample"
LMB = REPO / "data" / "schemas" / "lmb.yaml"


def read_export(wave: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / f"lmb_{wave}_SYNTHETIC.csv", sep=";", encoding="cp1252", dtype=str,
                       keep_default_na=False)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """LMB 2022 and 2025, ingested only (nothing cleaned or coded)."""
    project = Project(tmp_path_factory.mktemp("fuzz") / "base")
    for wave in ("2022", "2025"):
        project.ingest(read_export(wave), LMB, wave)
    return project


@pytest.fixture
def project(base, tmp_path):
    """A fresh copy of ``base`` for a test that may write."""
    return Project(copy_project_db(base.path, tmp_path / "copy"))


def refused(project: Project, call, match: str) -> InputError:
    """``call(project)`` raises a one-line InputError matching ``match`` and stores nothing."""
    before = dump_db(project.path)
    with pytest.raises(InputError, match=match) as exc:
        call(project)
    assert "\n" not in str(exc.value)
    assert dump_db(project.path) == before
    return exc.value


# --- ingest ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("wave", [None, float("nan"), True, 2025.5, ["2025"]])
def test_ingest_refuses_a_wave_that_is_not_a_label(tmp_path, wave):
    project = Project(tmp_path / "p")
    refused(project, lambda p: p.ingest(read_export("2025"), LMB, wave), "wave label")
    assert project.waves().empty


@pytest.mark.parametrize("wave", [2025, 2025.0, np.int64(2025)])
def test_ingest_wave_as_a_number_is_the_same_wave(tmp_path, wave):
    project = Project(tmp_path / "p")
    project.ingest(read_export("2025"), LMB, wave)
    assert list(project.waves().wave) == ["2025"]


@pytest.mark.parametrize("population", ["300", 300.5, -1, True])
def test_ingest_refuses_a_population_that_is_not_a_whole_number(tmp_path, population):
    refused(Project(tmp_path / "p"), lambda p: p.ingest(read_export("2025"), LMB, "2025", population=population),
            "population must be a positive whole number")


def test_ingest_population_as_a_float_whole_number(tmp_path):
    project = Project(tmp_path / "p")
    project.ingest(read_export("2025"), LMB, "2025", population=300.0)
    assert project.waves().population.tolist() == [300]


@pytest.mark.parametrize("source", [None, [["a", "b"]], 5])
def test_ingest_refuses_a_source_that_is_neither_file_nor_frame(tmp_path, source):
    refused(Project(tmp_path / "p"), lambda p: p.ingest(source, LMB, "2025"), "a file path or a pandas DataFrame")


def test_ingest_refuses_a_series_naming_it(tmp_path):
    frame = read_export("2025")
    refused(Project(tmp_path / "p"), lambda p: p.ingest(frame["Gemeente"], LMB, "2025"), "Series")


def test_lone_surrogate_in_a_frame_cell_names_row_and_column(tmp_path):
    frame = read_export("2025")
    column = frame.columns[-1]
    frame.loc[3, column] = "half a pair \ud800 here"
    err = refused(Project(tmp_path / "p"), lambda p: p.ingest(frame, LMB, "2025"), "surrogate")
    assert (err.file, err.row, err.column) == ("<DataFrame>", 5, column)
    str(err).encode("utf-8")  # the message itself can be printed


def test_lone_surrogate_in_a_frame_header(tmp_path):
    frame = read_export("2025").rename(columns={"Gemeente": "Gemeente\udc80"})
    err = refused(Project(tmp_path / "p"), lambda p: p.ingest(frame, LMB, "2025"), "surrogate")
    assert err.row == 1


# --- human codes ----------------------------------------------------------------------------------

def test_import_codes_lone_surrogate_in_coder_column(project):
    rid = "118400228223"
    train = pd.DataFrame({"respondent id": [rid], "theme": ["overig"], "wave": ["2025"], "coder": ["an\udc00"]})
    refused(project, lambda p: p.import_codes("noden", train), "surrogate")


@pytest.mark.parametrize("train", [None, [1, 2], 7])
def test_import_codes_refuses_a_train_that_is_neither_file_nor_frame(project, train):
    refused(project, lambda p: p.import_codes("noden", train), "a file path or a pandas DataFrame")


def key_of(project: Project) -> str:
    return project.next_answer("noden")["key"]


def test_save_answer_codes_coder_with_lone_surrogate(project):
    key = key_of(project)
    refused(project, lambda p: p.save_answer_codes(key, ["overig"], "an\ud800"), "coder's name")


def test_save_answer_codes_shown_must_be_a_dict(project):
    key = key_of(project)
    refused(project, lambda p: p.save_answer_codes(key, ["overig"], "ann", shown="x"), "shown")


def test_codebook_change_who_with_lone_surrogate(project):
    refused(project, lambda p: p.add_codebook_theme("noden", {"label": "Klimaat"}, who="an\ud800"), "name")


def test_codebook_change_version_as_text(project):
    """version "0" is version 0 (was: "changed meanwhile (now version 0, not 0)")."""
    change = project.add_codebook_theme("noden", {"label": "Klimaat"}, who="ann", version="0")
    assert change["version"] == 1
    refused(project, lambda p: p.add_codebook_theme("noden", {"label": "Water"}, who="ann", version="x"),
            "version")


# --- reading --------------------------------------------------------------------------------------

def test_codebook_version_not_a_number(base):
    refused(base, lambda p: p.codebook_version("noden", "x"), "version")


@pytest.mark.parametrize("limit", ["x", None, -1.5])
def test_recent_codes_limit_not_a_number(base, limit):
    refused(base, lambda p: p.recent_codes("noden", "ann", limit=limit), "limit")


def test_next_answer_skip_none_and_one_key(base):
    first = base.next_answer("noden")
    assert base.next_answer("noden", skip=None)["key"] == first["key"]
    assert base.next_answer("noden", skip=first["key"])["key"] != first["key"]  # one key, not its letters


def test_questions_of_an_unknown_survey(base):
    refused(base, lambda p: p.questions("zzz"), "no survey 'zzz'")


def test_wave_filters_as_numbers(base):
    assert base.tally(survey="lmb", wave=2025).equals(base.tally(survey="lmb", wave="2025"))
    with pytest.raises(InputError, match="not cleaned and coded yet"):  # was: "no wave '2025' (waves: 2022, 2025)"
        base.report(base.path / "r.html", survey="lmb", wave=2025)
    with pytest.raises(InputError, match="not cleaned and coded yet"):
        base.catalogue("trots", base.path / "c.html", wave=2025)
    refused(base, lambda p: p.tally(survey="lmb", wave=float("nan")), "wave label")


def test_unknown_wave_is_an_error_not_an_empty_frame(base):
    refused(base, lambda p: p.answers("noden", wave="1999"), "wave '1999'")
    refused(base, lambda p: p.code("noden", wave="1999"), "wave '1999'")
    refused(base, lambda p: p.clean(wave="1999"), "wave '1999'")


def test_answers_with_a_wave_as_a_number(project):
    by_int = project.answers("reden_geen_lmb", wave=2025)
    assert len(by_int) and set(by_int.wave) == {"2025"}


# --- opening --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [None, 123, ""])
def test_project_path_must_be_a_path(path):
    with pytest.raises(InputError, match="project"):
        Project(path)


def test_project_below_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(InputError, match="(?i)not a directory"):
        Project(tmp_path / "afile" / "sub")


# --- file paths and texts -----------------------------------------------------------------------

def test_export_codebook_without_a_path_does_not_overwrite_the_bundled_file(base):
    """out=None saved over data/codebooks/lmb_noden.yaml (the codebook's own file)."""
    bundled = REPO / "data" / "codebooks" / "lmb_noden.yaml"
    before = bundled.read_bytes()
    with pytest.raises(InputError, match="'out' must be a file path"):
        base.export_codebook("noden", None)
    assert bundled.read_bytes() == before


@pytest.mark.parametrize("call", [
    lambda p: p.export_qdpx(None), lambda p: p.import_review(None), lambda p: p.report(None),
    lambda p: p.catalogue("noden", None), lambda p: p.export_review("noden", None)])
def test_a_path_argument_of_none_is_an_input_error(base, call):
    refused(base, call, "must be a file path")


def test_export_review_refuses_a_name_that_is_not_xlsx(base, tmp_path):
    refused(base, lambda p: p.export_review("noden", tmp_path / "r.csv"), r"\.xlsx")
    assert not (tmp_path / "r.csv").exists()


def test_codebook_theme_with_a_lone_surrogate(project):
    refused(project, lambda p: p.add_codebook_theme("noden", {"label": "K\ud800"}, who="ann"), "invalid text")
    refused(project, lambda p: p.add_codebook_theme("noden", {"label": "K", "keywords": ["a\udc00"]}, who="ann"),
            "invalid text")


def test_saved_coder_scores_one_text_not_its_letters(tmp_path):
    from textmine.project import _texts

    assert _texts("Meer uitwisseling") == ["Meer uitwisseling"]
    assert _texts(pd.Series(["a", "b"], index=[5, 7])) == ["a", "b"]
    for bad in ([None], [float("nan")], [5], ["a\ud800"]):
        with pytest.raises(InputError, match="text 1"):
            _texts(bad)


# --- empty results ------------------------------------------------------------------------------

def test_empty_tally_has_the_dtypes_of_a_full_one(base):
    full, empty = base.tally(survey="lmb", wave="2025"), base.tally(survey="lmb", question="noden")
    assert empty.empty and list(empty.columns) == list(full.columns)
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()  # was object throughout


def test_code_of_a_question_without_answers_has_the_documented_columns_and_dtypes(tmp_path):
    frame = read_export("2025")
    noden = frame.columns[frame.columns.str.startswith("Welke noden")][0]
    project = Project(tmp_path / "p")
    project.ingest(frame.assign(**{noden: ""}), LMB, "2025")
    codes = project.code("noden")
    assert codes.empty and list(codes.columns) == ["respondent_id", "wave", "theme", "score", "rank", "source",
                                                   "survey", "question", "status"]
    assert (str(codes["score"].dtype), str(codes["rank"].dtype)) == ("float64", "int64")
    assert str(codes["theme"].dtype) == str(pd.Series(["x"]).dtype)  # text, as in a full frame
    assert "auto_needed" in codes.attrs


def test_frame_cell_longer_than_a_csv_cell_is_refused_like_a_file(tmp_path):
    """A 2-million-character answer was stored, then answers()/code() failed in spaCy (E088)."""
    frame = read_export("2025")
    noden = frame.columns[frame.columns.str.startswith("Welke noden")][0]
    frame.loc[2, noden] = "Meer uitwisseling tussen gemeenten. " * 60_000
    err = refused(Project(tmp_path / "p"), lambda p: p.ingest(frame, LMB, "2025"), "characters, more than the")
    assert (err.row, err.column) == (4, noden)


def test_double_coding_sample_size_and_seed_as_numpy_ints(project):
    """np.int64(5) was refused: "the sample's size must be a whole number of answers, 1 or more (not 5)"."""
    grid = project.grid("noden").head(20)
    themes = project.codebook("noden")[1].ids
    project.import_codes("noden", pd.DataFrame({"respondent id": grid.respondent_id, "wave": grid.wave,
                                                "theme": [themes[i % len(themes)] for i in range(len(grid))]}))
    started = project.start_double_coding("noden", size=np.int64(5), seed=np.int64(3), coder="ann")
    assert (started["sample"]["size"], started["sample"]["seed"]) == (5, 3)
    assert type(project.double_coding("noden")["sample"]["seed"]) is int


def test_import_curation_of_none(base):
    refused(base, lambda p: p.import_curation(None, "noden"), "must be a file path")


@pytest.mark.parametrize("schema", [None, {"survey": "lmb"}])
def test_ingest_schema_that_is_no_path(tmp_path, schema):
    refused(Project(tmp_path / "p"), lambda p: p.ingest(read_export("2025"), schema, "2025"), "'schema' must be")


def test_confirm_answers_keys_and_shown(project):
    refused(project, lambda p: p.confirm_answers(None, "ann"), "list of answer keys")
    key = key_of(project)
    refused(project, lambda p: p.confirm_answers([key], "ann", shown="x"), "shown")
    with pytest.raises(InputError, match="no answer"):  # one text is one key, not its letters
        project.confirm_answers("lmb:2025:noden:nobody", "ann")


def test_topics_wave_as_a_number_and_unknown(base):
    """wave=2025 said "no answers with content to 'noden' in lmb wave 2025"; the check runs before any fit."""
    refused(base, lambda p: p.topics("noden", wave="1999"), "no wave '1999'")


@pytest.mark.parametrize("call", [
    lambda p: p.report(p.path / "r.html", spec=5), lambda p: p.code("noden", codebook=5),
    lambda p: p.code("noden", codebook={"themes": []}), lambda p: p.codebook("noden", codebook=5),
    lambda p: p.write_comparison("lmb", ("2022", "2025"), None)])
def test_paths_that_are_no_paths(base, call):
    refused(base, call, "must be a file path")


def test_code_history_key_of_another_question(base):
    """The key's question silently replaced the one asked for."""
    refused(base, lambda p: p.code_history("noden", key="lmb:2025:trots:118400228223"), "not an answer to")


@pytest.mark.parametrize("call", [
    lambda p: p.parse_key("lmb:2025:noden:\ud800"), lambda p: p.tally(survey="\ud800"),
    lambda p: p.answer("lmb:2025:noden:\udc80")])
def test_lone_surrogate_in_an_argument(base, call):
    """A UnicodeEncodeError from SQLite before."""
    err = refused(base, call, "invalid text")
    str(err).encode("utf-8")


def test_score_of_none():
    from textmine.project import _texts

    with pytest.raises(InputError, match="list of strings"):
        _texts(None)


def test_a_sheet_given_by_position_is_read_as_pandas_reads_it(tmp_path):
    """``sheet=0`` was looked up as a sheet *named* "0"; pandas users pass positions."""
    import openpyxl

    frame = read_export("2025")
    wb = openpyxl.Workbook()
    wb.active.title = "Info"
    wb.active["A1"] = "Bevraging 2025: de antwoorden staan op het tweede blad"
    ws = wb.create_sheet("Antwoorden")
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    wb.save(tmp_path / "export.xlsx")
    by_position = Project(tmp_path / "a").ingest(tmp_path / "export.xlsx", LMB, "2025", sheet=1)
    by_name = Project(tmp_path / "b").ingest(tmp_path / "export.xlsx", LMB, "2025", sheet="Antwoorden")
    assert by_position.respondents == by_name.respondents == len(frame)
    project = Project(tmp_path / "c")
    for sheet, match in ((2, r"no sheet 2 \(sheets: 0 'Info', 1 'Antwoorden'\)"),
                         (-1, r"sheet must be a sheet name or a position from 0"),
                         (True, r"sheet must be a sheet name or a position from 0"),
                         (1.0, r"sheet must be a sheet name or a position from 0")):
        with pytest.raises(InputError, match=match):
            project.ingest(tmp_path / "export.xlsx", LMB, "2025", sheet=sheet)
    assert project.waves().empty


def test_replacing_a_wave_whose_respondent_ids_changed_form_is_refused_not_orphaning_human_codes(project):
    """A re-export with another id format ('R_12' for '12') replaced the wave and made every human
    code stale without a word: none of its respondents was in the new export."""
    rid = project.answers("trots", "lmb", "2025").respondent_id.iloc[0]
    project.save_answer_codes(f"lmb:2025:trots:{rid}", ["overig"], "Anna")
    frame = read_export("2025")
    renamed = frame.assign(**{"Respondent ID": "R_" + frame["Respondent ID"]})
    before = dump_db(project.path)
    with pytest.raises(InputError, match=r"<DataFrame>: none of the \d+ respondent ids of lmb wave '2025' is in "
                                         r"this export \(before e\.g\. '[^)]+; now e\.g\. 'R_[^)]+\), so the human "
                                         r"codes of 1 answer would no longer count: did the id column or its format change\? "):
        project.ingest(renamed, LMB, "2025", replace=True)
    assert dump_db(project.path) == before


def test_replacing_a_wave_says_which_human_codes_lost_their_respondent(project):
    """Respondents left out of a re-export (a withdrawal) still replace the wave; the report tells
    codes whose respondent is gone from codes whose answer text changed."""
    keys = [f"lmb:2025:trots:{rid}" for rid in project.answers("trots", "lmb", "2025").respondent_id.iloc[:2]]
    for key, coder in zip(keys, ("Anna", "Bob")):
        project.save_answer_codes(key, ["overig"], coder)
    gone = keys[0].split(":")[-1]
    frame = read_export("2025")
    report = project.ingest(frame[frame["Respondent ID"] != gone], LMB, "2025", replace=True)
    assert report.stale_human_codes == report.orphaned_human_codes == report.kept_human_codes > 0
    assert any("the human codes of 1 answer are on respondents no longer in the export" in w
               for w in report.warnings), report.warnings
