"""The cleaning stage over a project: cache, per-answer flags, redaction, CLI JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from textmine.clean import clean_project, original_offsets
from textmine.config import NlpSettings
from textmine.ingest import ingest
from textmine.schema import Schema
from textmine.store import Store

SCHEMA = Schema.from_dict({"survey": "lmb", "id_column": "id", "unit_column": "gemeente", "questions": [
    {"id": "trots", "column": "trots", "type": "open"},
    {"id": "noden", "column": "noden", "type": "open"}]})

ROWS = [
    ("1", "Gent", "Onze stedenband met Kaya in Burkina Faso \U0001F30D, contact: an.peeters@gent.be of 0478 12 34 56.",
     "Meer uitwisseling met andere gemeenten"),
    ("2", "Lier", "nvt", "Een webinar over de SDG’s en “Agenda 2030”"),
    ("3", "Brugge", "De Fairtrade-week met de Wereldwinkel en Oxfam", "De Fairtrade-week met de Wereldwinkel en Oxfam"),
    ("4", "Leuven", "Notre jumelage avec une commune du Bénin, très enrichissant.", ""),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    export = tmp_path / "e.csv"
    lines = ["id;gemeente;trots;noden"] + [";".join(r) for r in ROWS]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest(export, SCHEMA, tmp_path / "p", "2025")
    return tmp_path / "p"


def by_key(run):
    return {(a["respondent_id"], a["question"]): a for a in run.answers}


def test_clean_flags_entities_redaction_and_cache(project: Path):
    with Store(project) as store:
        first = clean_project(store)
        again = clean_project(store)
    assert first.processed == 6 and first.cached == 0  # 7 answers, one text twice
    assert again.processed == 0 and again.cached == 6  # no spaCy work on a re-run
    a = by_key(first)
    one = a[("1", "trots")]
    assert "an.peeters@gent.be" not in one["redacted_text"] and "[E-MAIL]" in one["redacted_text"]
    assert "0478" not in one["redacted_text"] and "[TELEFOON]" in one["redacted_text"]
    assert {"E-MAIL", "TELEFOON"} <= set(one["pii"]) or len(one["pii"]) >= 2
    labels = {(e["text"], e["label"]) for e in one["entities"]}
    assert ("Burkina Faso", "LAND") in labels
    for ans in first.answers:  # offsets point into the original text
        for e in ans["entities"]:
            assert ans["text"][e["start"]:e["end"]] == e["text"]
    assert "\U0001F30D" not in " ".join(one["lemmas"])
    assert "non_answer" in a[("2", "trots")]["flags"]
    assert "not_dutch" in a[("4", "trots")]["flags"]
    # the same text twice by one respondent: the later answer is a duplicate
    assert "duplicate" not in a[("3", "trots")]["flags"] and "duplicate" in a[("3", "noden")]["flags"]
    sdg = {e["label"] for e in a[("2", "noden")]["entities"]}
    assert "SDG" in sdg
    assert {e["text"] for e in a[("3", "trots")]["entities"] if e["label"] == "ORGANISATIE"} >= {"Wereldwinkel", "Oxfam"}
    with Store(project) as store:
        flags = store.answer_flags("lmb")
        runs = store.runs("clean")
    assert len(flags) == 7 and "duplicate" in flags.set_index("question").loc["noden"].query("respondent_id == '3'").flags_json.iloc[0]
    provenance = json.loads(runs.provenance_json.iloc[0])
    assert provenance["pipeline"]["name"] and provenance["processed"] == 6


def test_a_clean_with_nothing_new_records_nothing(project: Path, tmp_path: Path):
    """Asking again (the demo, Project.answers, a report's --prepare) must not write a run."""
    with Store(project) as store:
        clean_project(store)
        before = len(store.runs("clean"))
        again = clean_project(store)
        assert again.run_id is None and again.processed == 0 and len(store.runs("clean")) == before
    # a new wave of texts already cached: no spaCy work, but its answers' flags are stored
    export = tmp_path / "e2.csv"
    export.write_text("id;gemeente;trots;noden\n" + ";".join(ROWS[2]) + "\n", encoding="utf-8")
    ingest(export, SCHEMA, project, "2026")
    with Store(project) as store:
        run = clean_project(store)
        assert run.processed == 0 and run.run_id is not None
        flags = store.answer_flags("lmb", "2026")
    assert len(flags) == 2 and "duplicate" in flags.set_index("question").loc["noden"].flags_json


def test_changed_settings_invalidate_cache(project: Path):
    with Store(project) as store:
        clean_project(store)
        run = clean_project(store, settings=NlpSettings(very_long_words=3))
    assert run.processed == 6
    assert "very_long" in by_key(run)[("1", "trots")]["flags"]


def test_question_filter(project: Path):
    with Store(project) as store:
        run = clean_project(store, question="noden")
    assert {a["question"] for a in run.answers} == {"noden"} and len(run.answers) == 3
    # the duplicate is still found: it repeats the respondent's answer to another question
    assert "duplicate" in by_key(run)[("3", "noden")]["flags"]


def test_original_offsets():
    original = "Caf\u00e9 \u201cDe Markt\u201d \U0001F600 in Gent"
    normalized = 'Café "De Markt"  in Gent'
    to_orig = original_offsets(original, normalized)
    s = normalized.index("Gent")
    start, end = to_orig(s, s + 4)
    assert original[start:end] == "Gent"


def test_cli_clean_json(project: Path, cli):
    res = cli("clean", "--project", project, "--question", "trots", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data) == 4
    assert {"respondent_id", "question", "text", "redacted_text", "lemmas", "entities", "flags"} <= set(data[0])
    assert all({"text", "label", "start", "end"} <= set(e) for d in data for e in d["entities"])
    assert "processed" in res.stderr
