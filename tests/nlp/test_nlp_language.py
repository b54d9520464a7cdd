"""The language guess on short answers (see scripts/eval_langid.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from textmine.nlp.language import LanguageDetector, detect_language, py3langid_available

DATA = Path(__file__).parent / "data"


def samples(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, text = line.split("\t", 1)
            rows.append((lang, text))
    return rows


def flag_counts(detect, rows) -> tuple[int, int, int]:
    """(Dutch wrongly flagged, non-Dutch flagged, non-Dutch total)."""
    wrong = caught = total = 0
    for lang, text in rows:
        guess = detect(text)
        flagged = guess is not None and guess != "nl"
        if lang == "nl":
            wrong += flagged
        else:
            total += 1
            caught += flagged
    return wrong, caught, total


@pytest.mark.parametrize("name", ["lang_samples.tsv", "lang_samples_holdout.tsv"])
def test_stopword_detector_never_flags_dutch(name: str) -> None:
    wrong, caught, total = flag_counts(detect_language, samples(name))
    assert wrong == 0
    assert caught / total >= 0.85


@pytest.mark.skipif(not py3langid_available(), reason="py3langid is not installed")
@pytest.mark.parametrize("name", ["lang_samples.tsv", "lang_samples_holdout.tsv"])
def test_hybrid_detector(name: str) -> None:
    wrong, caught, total = flag_counts(LanguageDetector("hybrid"), samples(name))
    assert wrong == 0
    assert caught / total >= 0.95


def test_undecided_without_evidence() -> None:
    assert detect_language("Kortrijk") is None
    assert LanguageDetector("stopwords")("Oxfam") is None
    assert LanguageDetector("auto")("") is None


def test_unknown_method() -> None:
    with pytest.raises(ValueError):
        LanguageDetector("cld3")  # type: ignore[arg-type]
