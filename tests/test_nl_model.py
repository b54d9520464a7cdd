"""The shipped Dutch pipeline models/nl_textmine_core loads and annotates."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import spacy

import textmine.nlp.lemmas  # noqa: F401  (registers textmine_lemma_backup)

MODEL = Path(__file__).resolve().parent.parent / "models" / "nl_textmine_core"
UPOS = {"ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
        "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"}
SENTENCES = [
    "De gemeenten organiseerden een wereldmarkt op het marktplein.",
    "Ik vond de wachttijd bij het loket veel te lang.",
    "De medewerkers waren vriendelijk, maar de website werkt niet goed.",
]


@pytest.fixture(scope="module")
def nlp(monkeypatch_module):
    # Loading must not need spacy-lookups-data: the back-up table is in the model.
    monkeypatch_module.setitem(sys.modules, "spacy_lookups_data", None)
    return spacy.load(MODEL)


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_model_files_and_meta():
    for name in ("config.cfg", "meta.json", "scores.json", "LICENSE", "README.md"):
        assert (MODEL / name).is_file(), name
    meta = json.loads((MODEL / "meta.json").read_text(encoding="utf8"))
    assert meta["name"] == "nl_textmine_core"
    assert meta["version"] == "0.1.0"
    assert meta["lang"] == "nl"
    perf = meta["performance"]
    for key in ("pos_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f"):
        assert 0 < perf[key] <= 1, key
    assert "Attribution-ShareAlike 4.0" in (MODEL / "LICENSE").read_text(encoding="utf8")
    size = sum(p.stat().st_size for p in MODEL.rglob("*") if p.is_file())
    assert size <= 20 * 1024 * 1024


def test_pipeline_components(nlp):
    assert nlp.lang == "nl"
    for name in ("tok2vec", "morphologizer", "parser", "trainable_lemmatizer"):
        assert name in nlp.pipe_names
    if "lemma_backup" in nlp.pipe_names:
        assert len(nlp.get_pipe("lemma_backup").table) > 100_000


def test_annotations(nlp):
    for doc in nlp.pipe(SENTENCES):
        assert doc.has_annotation("POS")
        assert doc.has_annotation("DEP")
        assert doc.has_annotation("LEMMA")
        assert all(t.pos_ in UPOS for t in doc)
        roots = [t for t in doc if t.dep_ == "ROOT"]
        assert len(roots) == 1
        assert all(t.head.i in range(len(doc)) for t in doc)
        assert all("_" not in t.lemma_ for t in doc)


def test_lemmas_and_pos(nlp):
    doc = nlp(SENTENCES[0])
    by_text = {t.text: t for t in doc}
    assert by_text["gemeenten"].lemma_ == "gemeente"
    assert by_text["organiseerden"].lemma_ == "organiseren"
    assert by_text["gemeenten"].pos_ == "NOUN"
    assert by_text["organiseerden"].pos_ == "VERB"
    assert by_text["organiseerden"].dep_ == "ROOT"
    assert by_text["gemeenten"].head.text == "organiseerden"


def test_sentence_boundaries(nlp):
    doc = nlp(" ".join(SENTENCES))
    sents = [s.text for s in doc.sents]
    assert sents == SENTENCES
