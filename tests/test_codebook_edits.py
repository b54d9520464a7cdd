"""Codebook editing with history (textmine/codebook_edits.py, issue 15 point 1): every change a
version, human codes moved with their coder and history, split and retire sending answers back to
the queue, undo restoring codebook and codes exactly, export, errors that store nothing, and the
coding run using the project's current version."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from textmine import InputError, Project
from textmine.cli import app
from textmine.codebook import load_codebook
from tm_testutil import REPO, dump_db

SAMPLE = REPO / "data" / "sample"
LMB = REPO / "data" / "schemas" / "lmb.yaml"
Q = "trots"
FILE = REPO / "data" / "codebooks" / "lmb_trots.yaml"


def read_export(wave: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / f"lmb_{wave}_SYNTHETIC.csv", sep=";", encoding="cp1252", dtype=str,
                       keep_default_na=False)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The sample's 2025 LMB wave, not coded by the machine (tests copy it before they write)."""
    path = tmp_path_factory.mktemp("cbedit") / "base"
    Project(path).ingest(read_export("2025"), LMB, "2025")
    return path


@pytest.fixture
def project(base, tmp_path) -> Project:
    shutil.copytree(base, tmp_path / "p")
    return Project(tmp_path / "p", create=False)


def keys_of(project: Project, n: int) -> list[str]:
    grid = project.grid(Q, "lmb")
    return grid.loc[~grid["non_answer"], "key"].tolist()[:n]


def current_human(project: Project) -> pd.DataFrame:
    db = sqlite3.connect(project.path / "textmine.sqlite")
    frame = pd.read_sql_query("SELECT * FROM codes WHERE source='human' AND status='current' ORDER BY code_id", db)
    db.close()
    return frame


def code_some(project: Project) -> list[str]:
    """Four answers coded by two coders; returns their keys."""
    k = keys_of(project, 4)
    project.save_answer_codes(k[0], ["fairtrade", "beleid"], "Anna")
    project.save_answer_codes(k[1], ["sensibilisering", "beleid"], "Anna", audit=True)
    project.save_answer_codes(k[2], ["evenementen"], "Bob")
    project.save_answer_codes(k[3], ["evenementen", "fairtrade"], "Bob")
    return k


def test_merge_moves_human_codes_with_coder_and_history(project):
    k = code_some(project)
    before = current_human(project)
    done = project.merge_themes(Q, "beleid", "fairtrade", who="Lead")
    assert done["kind"] == "merge" and done["version"] == 1 and done["survey"] == "lmb"
    book = project.codebook(Q)[1]
    assert "beleid" not in book and "fairtrade" in book
    old = load_codebook(FILE)
    # the survivor keeps its label and gains the merged theme's keywords and examples
    assert book.theme("fairtrade").label == old.theme("fairtrade").label
    assert set(old.theme("beleid").keywords) <= set(book.theme("fairtrade").keywords)
    a0, a1 = project.answer(k[0]), project.answer(k[1])
    assert (a0["human"], a0["coder"]) == (["fairtrade"], "Anna")
    assert (a1["human"], a1["coder"], a1["audit"]) == (["sensibilisering", "fairtrade"], "Anna", True)
    assert project.answer(k[2])["human"] == ["evenementen"]  # untouched
    # history: the old rows are kept, set aside, and linked to the new one by the change
    hist = project.code_history(Q, key=k[1])
    added = hist[hist["action"] == "added"]
    assert len(added) == 1
    row = added.iloc[0]
    assert (row["theme"], row["from_theme"], row["coder"], row["moved_by"], row["change_kind"], row["status"]) == \
        ("fairtrade", "beleid", "Anna", "Lead", "merge", "current")
    assert row["rank"] == 2 and row["audit"] == 1
    sources = set(map(int, row["from_code_ids"].strip("[]").split(",")))
    old_rows = before[before["code_id"].isin(sources)]
    assert set(old_rows["theme"]) == {"beleid", "fairtrade"} and set(old_rows["coder"]) == {"Anna"}
    assert row["created_at"] == old_rows["created_at"].max()  # when the coder decided, not when it moved
    assert set(hist.loc[hist["code_id"].isin(sources), "status"]) == {"superseded"}
    # two answers with beleid: both themes' rows of their coder moved into one; the other two answers'
    # "no beleid" rows set aside (a theme a human code does not mention counts as not applying)
    assert done["codes_affected"] == 6 and done["codes_added"] == 2
    assert project.answer(k[3])["human"] == ["evenementen", "fairtrade"]
    assert project.codebook_state(Q)["themes"][[t["id"] for t in project.codebook_state(Q)["themes"]]
                                                .index("fairtrade")]["human"] == 3


def test_undo_restores_codebook_and_codes_exactly(project):
    k = code_some(project)
    file_book, rows0 = project.codebook(Q)[1], current_human(project)
    project.merge_themes(Q, "beleid", "fairtrade", who="Lead")
    project.edit_theme(Q, "fairtrade", {"label": "Eerlijke handel"}, who="Lead")
    project.split_theme(Q, "evenementen", [{"label": "Markten"}, {"label": "Lezingen", "keywords": ["lezing"]}],
                        who="Lead")
    mid = project.codebook(Q)[1]
    assert [t.id for t in mid][:4] == ["financiele_steun", "sensibilisering", "markten", "lezingen"]
    for expected_kind in ("split", "rename", "merge"):
        assert project.undo_codebook_change(Q, who="Lead")["undone_kind"] == expected_kind
    book = project.codebook(Q)[1]
    assert book == file_book and book.hash == file_book.hash
    rows = current_human(project)
    pd.testing.assert_frame_equal(rows.reset_index(drop=True), rows0.reset_index(drop=True))  # same rows, same ids
    assert project.answer(k[0])["human"] == ["fairtrade", "beleid"]
    hist = project.codebook_history(Q)
    assert hist["kind"].tolist() == ["merge", "rename", "split", "undo", "undo", "undo"]
    assert hist["undone"].tolist() == [True, True, True, False, False, False]
    assert hist["undone_by"].tolist()[:3] == [6, 5, 4] and hist["undoes"].tolist()[3:] == [3, 2, 1]
    assert project.codebook_state(Q)["undoable"] is None
    with pytest.raises(InputError, match="nothing to undo"):
        project.undo_codebook_change(Q, who="Lead")


def test_split_sends_answers_back_with_both_themes_suggested(project):
    k = code_some(project)
    to_review = int(project.progress().set_index("question").loc[Q, "to_review"])
    done = project.split_theme(Q, "evenementen", [{"label": "Markten en feesten", "id": "markten"},
                                                  {"label": "Lezingen"}], who="Lead")
    assert done["returned"] == 2 and done["detail"]["into"] == ["markten", "lezingen"]
    assert int(project.progress().set_index("question").loc[Q, "to_review"]) == to_review + 2
    for key, rest in ((k[2], []), (k[3], ["fairtrade"])):
        a = project.answer(key)
        assert a["human"] is None  # back in the queue
        shown = {s["theme"]: s for s in a["suggestions"]}
        assert shown["markten"]["applies"] and shown["lezingen"]["applies"] and shown["markten"]["returned"]
        assert all(shown[t]["applies"] for t in rest)
    # the coder's earlier rows are kept in the history, set aside by the split
    hist = project.code_history(Q, key=k[3])
    assert set(hist.loc[hist["change_kind"] == "split", "status"]) == {"superseded"}
    assert set(hist["coder"]) == {"Bob"}
    # answers without the theme keep their human code
    assert project.answer(k[0])["human"] == ["fairtrade", "beleid"]
    # a returned answer coded again: undo would discard that decision, so it is refused
    project.save_answer_codes(k[2], ["lezingen"], "Bob")
    snapshot = dump_db(project.path)
    with pytest.raises(InputError, match="coded since"):
        project.undo_codebook_change(Q, who="Lead")
    assert dump_db(project.path) == snapshot


def test_retire_returns_answers_with_their_other_themes(project):
    k = code_some(project)
    done = project.retire_theme(Q, "fairtrade", who="Lead")
    assert "fairtrade" not in project.codebook(Q)[1] and done["returned"] == 2
    a = project.answer(k[3])
    assert a["human"] is None
    assert [s["theme"] for s in a["suggestions"] if s.get("returned")] == ["evenementen"]
    assert project.answer(k[2])["human"] == ["evenementen"]
    project.undo_codebook_change(Q, who="Lead")
    assert project.answer(k[3])["human"] == ["evenementen", "fairtrade"]


def test_undo_of_an_added_theme_in_use_is_refused(project):
    k = keys_of(project, 1)
    project.add_codebook_theme(Q, {"label": "Klimaat en energie", "keywords": ["klimaat", "zonnepanelen"]},
                               who="Lead")
    assert project.codebook(Q)[1].theme("klimaat_energie").keywords == ("klimaat", "zonnepanelen")
    project.save_answer_codes(k[0], ["klimaat_energie"], "Anna")
    with pytest.raises(InputError, match="klimaat_energie"):
        project.undo_codebook_change(Q, who="Lead")


def test_export_round_trip_yaml_and_qdc(project, tmp_path):
    project.add_codebook_theme(Q, {"label": "Klimaat", "description": "Klimaatacties.", "keywords": ["klimaat"],
                                   "examples": ["Zonnepanelen op het gemeentehuis."]}, who="Lead")
    project.merge_themes(Q, "beleid", "fairtrade", who="Lead")
    current = project.codebook(Q)[1]
    for suffix in (".yaml", ".qdc"):
        written = project.export_codebook(Q, tmp_path / f"cb{suffix}")
        again = load_codebook(written)
        assert again == current and again.hash == current.hash
    assert load_codebook(project.export_codebook(Q, tmp_path / "v0.yaml", version=0)) == load_codebook(FILE)
    assert "klimaat" in load_codebook(project.export_codebook(Q, tmp_path / "v1.yaml", version=1))
    with pytest.raises(InputError, match="no version 9"):
        project.export_codebook(Q, tmp_path / "v9.yaml", version=9)
    # the CLI writes the same file
    out = tmp_path / "cli.qdc"
    res = CliRunner().invoke(app, ["codebook", "export", "-p", str(project.path), "-q", Q, str(out)])
    assert res.exit_code == 0, res.output
    assert load_codebook(out) == current
    res = CliRunner().invoke(app, ["codebook", "history", "-p", str(project.path), "-q", Q, "-f", "csv"])
    assert res.exit_code == 0 and "merged beleid into fairtrade" in res.output


@pytest.mark.parametrize("change, message", [
    (lambda p: p.merge_themes(Q, "beleid", "beleid", who="L"), "into itself"),
    (lambda p: p.merge_themes(Q, "nope", "beleid", who="L"), "source theme 'nope' is not in the codebook"),
    (lambda p: p.merge_themes(Q, "beleid", "fairtrade", who="  "), "who makes this change"),
    (lambda p: p.split_theme(Q, "beleid", [{"label": "Een"}], who="L"), "at least two new themes"),
    (lambda p: p.split_theme(Q, "beleid", [{"label": "Een"}, {"label": ""}], who="L"), "'label' is required"),
    (lambda p: p.split_theme(Q, "beleid", [{"label": "Een", "id": "fairtrade"}, {"label": "Twee"}], who="L"),
     "theme id 'fairtrade' already exists"),
    (lambda p: p.add_codebook_theme(Q, {"label": "X", "id": "overig"}, who="L"), "'overig' is not a theme"),
    (lambda p: p.add_codebook_theme(Q, {"label": "X", "colour": "red"}, who="L"), "unknown field"),
    (lambda p: p.edit_theme(Q, "beleid", {"patterns": ["(a+)+$"]}, who="L"), "pattern"),
    (lambda p: p.edit_theme(Q, "beleid", {"keywords": ["a;b"]}, who="L"), "may not contain ';'"),
    (lambda p: p.edit_theme(Q, "beleid", {"label": "Gemeentelijke ondersteuning en beleidsmatige verankering"},
                            who="L"), "nothing changes"),
    (lambda p: p.edit_theme(Q, "beleid", {"id": "other"}, who="L"), "id does not change"),
    (lambda p: p.retire_theme(Q, "beleid", who="L", version=3), "changed meanwhile"),
    (lambda p: p.undo_codebook_change(Q, who="L"), "nothing to undo"),
    (lambda p: p.merge_themes("nope", "beleid", "fairtrade", who="L"), "no open question 'nope'"),
])
def test_bad_input_is_one_line_and_stores_nothing(project, change, message):
    code_some(project)
    before = dump_db(project.path)
    with pytest.raises(InputError, match=message) as caught:
        change(project)
    assert "\n" not in str(caught.value)
    assert dump_db(project.path) == before


def test_next_wave_is_coded_with_the_current_version(project):
    """Once edited in the project, the coding run uses the project's version, not the file."""
    k = code_some(project)
    project.merge_themes(Q, "beleid", "fairtrade", who="Lead")
    project.add_codebook_theme(Q, {"label": "Klimaat", "keywords": ["klimaat", "zonnepanelen"]}, who="Lead")
    project.ingest(read_export("2022"), LMB, "2022")
    frame = project.code(Q, "lmb")
    current = project.codebook(Q)[1]
    with project.store() as store:
        provenance = store.latest_code_provenance("lmb", Q)
    assert provenance["codebook_hash"] == current.hash != load_codebook(FILE).hash
    assert set(frame["theme"]) <= set(current.ids) | {"overig", "non_answer"}
    assert "beleid" not in set(frame["theme"])
    assert set(frame["wave"]) == {"2022", "2025"}
    # human codes win: the merged answers keep their human themes
    mine = frame[(frame["respondent_id"] == k[0].split(":")[3]) & (frame["wave"] == "2025")]
    assert mine["source"].tolist() == ["human"] and mine["theme"].tolist() == ["fairtrade"]


def test_promoting_a_topic_into_a_file_is_refused_once_the_project_has_its_own_version(project, tmp_path):
    copy = tmp_path / "trots.yaml"
    shutil.copy(FILE, copy)
    project.add_codebook_theme(Q, {"label": "Klimaat"}, who="Lead")
    before = dump_db(project.path), copy.read_bytes()
    with pytest.raises(InputError, match="edited in the project \\(version 1\\)"):
        project.add_theme(copy, Q, 0, "lmb")
    assert (dump_db(project.path), copy.read_bytes()) == before


def test_undo_after_a_replaced_wave_changed_an_answer_keeps_its_codes_stale(project):
    """A code the undo makes current again stays stale when its answer's text changed since."""
    from serve_project import trots_column

    k = code_some(project)
    project.merge_themes(Q, "beleid", "fairtrade", who="Lead")
    export = read_export("2025")
    rid = k[0].split(":")[3]
    export.loc[export["Respondent ID"] == rid, trots_column()] = "Een heel ander antwoord over de wereldwinkel."
    assert project.ingest(export, LMB, "2025", replace=True).stale_human_codes > 0
    project.undo_codebook_change(Q, who="Lead")
    hist = project.code_history(Q, key=k[0])
    assert not (hist["status"] == "current").any()  # every code of the changed answer: stale or superseded
    assert project.answer(k[0])["human"] is None
    assert project.answer(k[1])["human"] == ["sensibilisering", "beleid"]  # unchanged answers restored


def test_cli_undo(project):
    code_some(project)
    runner = CliRunner()
    res = runner.invoke(app, ["codebook", "undo", "-p", str(project.path), "-q", Q, "--who", "Lead"])
    assert res.exit_code == 2 and "nothing to undo" in res.output
    project.retire_theme(Q, "beleid", who="Lead")
    res = runner.invoke(app, ["codebook", "undo", "-p", str(project.path), "-q", Q, "--who", "Lead"])
    assert res.exit_code == 0 and "undone version 1 (retire)" in " ".join(res.output.split())
    assert "beleid" in project.codebook(Q)[1]
    assert project.codebook_history(Q)["who"].tolist() == ["Lead", "Lead"]
