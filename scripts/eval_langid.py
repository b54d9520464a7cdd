#!/usr/bin/env python
"""Compare offline language detectors on short survey answers.

Reads tests/nlp/data/lang_samples.tsv and the held-out
lang_samples_holdout_SPENT.tsv (lang<TAB>text) and reports, per
detector, how well it flags non-Dutch answers (the ``not_dutch`` flag):
precision and recall of the flag, the share of Dutch answers wrongly flagged,
the time per answer, and the installed size of the detector's package.

Detectors that are not installed are skipped; the stop-word detector that
textmine ships (textmine.nlp.language) is always measured.

    python scripts/eval_langid.py
"""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [ROOT / "tests" / "nlp" / "data" / n for n in ("lang_samples.tsv", "lang_samples_holdout_SPENT.tsv")]


def load_samples(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        lang, text = line.split("\t", 1)
        rows.append((lang, text))
    return rows


def package_size(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return "?"
    root = Path(spec.origin).parent
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return f"{size / 1e6:.1f} MB"


def detectors() -> dict[str, tuple[Callable[[str], str | None], str]]:
    found: dict[str, tuple[Callable[[str], str | None], str]] = {}
    from textmine.nlp.language import detect_language

    found["textmine stop-word ratio"] = (detect_language, "0 (spaCy's lists)")
    from textmine.nlp.language import LanguageDetector, py3langid_available

    if py3langid_available():
        found["textmine hybrid (default)"] = (LanguageDetector("hybrid"), package_size("py3langid"))
    if importlib.util.find_spec("py3langid"):
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        limited = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        limited.set_languages(["nl", "fr", "en"])
        found["py3langid (all languages)"] = (lambda t: full.classify(t)[0], package_size("py3langid"))
        found["py3langid (nl/fr/en)"] = (lambda t: limited.classify(t)[0], package_size("py3langid"))
    if importlib.util.find_spec("langdetect"):
        from langdetect import DetectorFactory, detect_langs
        from langdetect.lang_detect_exception import LangDetectException

        DetectorFactory.seed = 0

        def _langdetect(text: str) -> str | None:
            try:
                langs = [(g.lang, g.prob) for g in detect_langs(text) if g.lang in {"nl", "fr", "en"}]
            except LangDetectException:
                return None
            return max(langs, key=lambda x: x[1])[0] if langs else "other"

        found["langdetect (best of nl/fr/en)"] = (_langdetect, package_size("langdetect"))
    if importlib.util.find_spec("pycld2"):
        import pycld2

        def _cld2(text: str) -> str | None:
            reliable, _, details = pycld2.detect(text, hintLanguage="nl")
            code = details[0][1]
            return None if code == "un" else code

        found["pycld2 (hint nl)"] = (_cld2, package_size("pycld2"))
    return found


def main() -> None:
    for path in SAMPLES:
        print(f"== {path.name}")
        report(load_samples(path))
        print()


def report(samples: list[tuple[str, str]]) -> None:
    n_nl = sum(1 for lang, _ in samples if lang == "nl")
    n_other = len(samples) - n_nl
    print(f"{len(samples)} answers: {n_nl} Dutch, {n_other} French/English; "
          f"median length {sorted(len(t.split()) for _, t in samples)[len(samples) // 2]} words\n")
    header = f"{'detector':32} {'flag P':>7} {'flag R':>7} {'nl wrongly flagged':>19} {'ms/answer':>10} {'size':>12}"
    print(header)
    print("-" * len(header))
    for name, (fn, size) in detectors().items():
        fn("warm up")
        tp = fp = fn_ = 0
        t0 = time.perf_counter()
        for lang, text in samples:
            guess = fn(text)
            flagged = guess is not None and guess != "nl"
            if flagged and lang != "nl":
                tp += 1
            elif flagged:
                fp += 1
            elif lang != "nl":
                fn_ += 1
        ms = (time.perf_counter() - t0) * 1000 / len(samples)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn_) if tp + fn_ else 0.0
        print(f"{name:32} {prec:7.2f} {rec:7.2f} {fp:>10d} of {n_nl:<5d} {ms:10.3f} {size:>12}")


if __name__ == "__main__":
    main()
