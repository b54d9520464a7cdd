"""textmine's components on the shipped trained model (models/nl_textmine_core).

Skipped while the model is not there (it is trained separately)."""
from __future__ import annotations

import pytest

from textmine.nlp import loader
from textmine.nlp.evaluate import evaluate_pii, load_pii_testset
from textmine.nlp.resources import data_dir

MODEL = loader.shipped_model_path()
pytestmark = pytest.mark.skipif(MODEL is None, reason="models/nl_textmine_core is not there yet (trained separately)")
TARGET_RECALL = {"email": 0.95, "phone": 0.95, "iban": 0.95, "rrn": 0.95, "name": 0.85}


@pytest.fixture(scope="module")
def shipped():
    mp = pytest.MonkeyPatch()
    mp.delenv(loader.ENV_PIPELINE, raising=False)
    mp.setattr(loader, "is_installed", lambda package: False)
    nlp, info = loader.load_pipeline()
    yield nlp, info
    mp.undo()


def test_shipped_level_and_components(shipped) -> None:
    nlp, info = shipped
    assert info.level == "shipped"
    assert set(loader.TEXTMINE_COMPONENTS) <= set(info.components)


def test_lemmas_and_key_phrases(shipped) -> None:
    nlp, _ = shipped
    doc = nlp("De gemeenten organiseerden een duurzame wereldmarkt op het marktplein.")
    assert "organiseren" in doc._.lemmas
    assert doc._.key_phrases  # from noun chunks or POS patterns
    assert all(p == p.lower() for p in doc._.key_phrases)


@pytest.mark.parametrize("file", ["answers.jsonl", "holdout_SPENT.jsonl"])
def test_pii_targets_with_model(shipped, file: str) -> None:
    nlp, _ = shipped
    report = evaluate_pii(nlp, load_pii_testset(data_dir() / "pii_testset" / file))
    for kind, target in TARGET_RECALL.items():
        assert report.kinds[kind].recall >= target, (kind, report.misses)
    assert report.protected_rate <= 0.02, report.protected_hits
