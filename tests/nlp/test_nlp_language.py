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


@pytest.mark.parametrize("name", ["lang_samples.tsv", "lang_samples_holdout_SPENT.tsv"])
def test_stopword_detector_never_flags_dutch(name: str) -> None:
    wrong, caught, total = flag_counts(detect_language, samples(name))
    assert wrong == 0
    assert caught / total >= 0.85


@pytest.mark.skipif(not py3langid_available(), reason="py3langid is not installed")
@pytest.mark.parametrize("name", ["lang_samples.tsv", "lang_samples_holdout_SPENT.tsv"])
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


def _confusion(detect, rows) -> dict[tuple[str, str | None], int]:
    out: dict[tuple[str, str | None], int] = {}
    for lang, text in rows:
        key = (lang, detect(text))
        out[key] = out.get(key, 0) + 1
    return out


@pytest.mark.parametrize("method,min_spanish", [("stopwords", 0.7), ("hybrid", 0.9)])
def test_spanish_is_told_from_french(method: str, min_spanish: float) -> None:
    """40 short Spanish and 40 French answers saying the same things: before, 13 of the Spanish
    ones were called French and none Spanish."""
    if method == "hybrid" and not py3langid_available():
        pytest.skip("py3langid is not installed")
    rows = samples("lang_samples_es_fr.tsv")
    counts = _confusion(LanguageDetector(method), rows)
    n = {lang: sum(1 for lg, _ in rows if lg == lang) for lang in ("es", "fr")}
    assert counts.get(("es", "fr"), 0) == 0 and counts.get(("fr", "es"), 0) == 0, counts
    assert counts.get(("fr", "fr"), 0) == n["fr"], counts
    assert counts.get(("es", "es"), 0) >= min_spanish * n["es"], counts
    assert counts.get(("es", "nl"), 0) <= 1, counts  # a Spanish answer is not Dutch


@pytest.mark.parametrize("name", ["lang_samples.tsv", "lang_samples_holdout_SPENT.tsv"])
def test_no_dutch_answer_is_called_spanish(name: str) -> None:
    detect = LanguageDetector("auto")
    assert [t for lang, t in samples(name) if lang == "nl" and detect(t) == "es"] == []


def test_spanish_answer_gets_the_not_dutch_flag(nlp) -> None:
    assert "not_dutch" in nlp("Nuestro municipio es pequeño y tiene pocos recursos.")._.flags
