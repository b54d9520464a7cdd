"""Score PII redaction against a labelled test set (data/pii_testset/).

Matching is by characters, as redaction is: a planted item counts as found
when every one of its characters lies inside a predicted span *of the same
kind*; a predicted span counts as correct when it overlaps a planted item of
its kind. A protected mention (municipality, organisation) counts as wrongly
redacted when any predicted PII span overlaps it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language

from textmine.nlp.pii import PII_KINDS
from textmine.nlp.resources import data_dir


def pii_testset_path() -> Path:
    """The bundled PII test set (JSON lines of answers with their marked PII)."""
    return data_dir() / "pii_testset" / "answers.jsonl"


def load_pii_testset(path: Path | None = None) -> list[dict[str, Any]]:
    """The rows of a PII test set (the bundled one unless ``path`` is given)."""
    with (path or pii_testset_path()).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class KindScore:
    """Counts for one PII kind: gold spans, gold spans found, predicted spans, predictions that hit a gold span."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0


@dataclass
class PIIReport:
    """How redaction scored on a PII test set: per kind, and how often protected words (places,
    organisations) were redacted."""

    kinds: dict[str, KindScore] = field(default_factory=dict)
    protected: int = 0
    protected_redacted: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)         # (id, kind, text)
    false_alarms: list[tuple[str, str, str]] = field(default_factory=list)   # (id, kind, text)
    protected_hits: list[tuple[str, str]] = field(default_factory=list)      # (id, text)

    @property
    def protected_rate(self) -> float:
        return self.protected_redacted / self.protected if self.protected else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kinds": {k: {"gold": s.gold, "predicted": s.predicted, "precision": round(s.precision, 4),
                          "recall": round(s.recall, 4)} for k, s in self.kinds.items()},
            "protected": self.protected,
            "protected_redacted": self.protected_redacted,
            "protected_rate": round(self.protected_rate, 4),
        }


def score_pii(rows: Iterable[dict[str, Any]], predictions: Iterable[list[tuple[int, int, str]]]) -> PIIReport:
    """Score predicted PII spans (start, end, kind) against the test set's gold spans and protected words."""
    report = PIIReport(kinds={k: KindScore() for k in PII_KINDS})
    for row, pred in zip(rows, predictions):
        text, rid = row["text"], row.get("id", "")
        covered: dict[str, set[int]] = {}
        for s, e, k in pred:
            covered.setdefault(k, set()).update(range(s, e))
        for g in row["pii"]:
            score = report.kinds.setdefault(g["kind"], KindScore())
            score.gold += 1
            if set(range(g["start"], g["end"])) <= covered.get(g["kind"], set()):
                score.found += 1
            else:
                report.misses.append((rid, g["kind"], text[g["start"]:g["end"]]))
        for s, e, k in pred:
            score = report.kinds.setdefault(k, KindScore())
            score.predicted += 1
            if any(g["kind"] == k and g["start"] < e and s < g["end"] for g in row["pii"]):
                score.correct += 1
            else:
                report.false_alarms.append((rid, k, text[s:e]))
        for p in row.get("protected", []):
            report.protected += 1
            if any(s < p["end"] and p["start"] < e for s, e, _ in pred):
                report.protected_redacted += 1
                report.protected_hits.append((rid, text[p["start"]:p["end"]]))
    return report


def evaluate_pii(nlp: Language, rows: list[dict[str, Any]] | None = None, batch_size: int = 64) -> PIIReport:
    """Run ``nlp`` (with textmine_pii) over the test set and score it.

    Gold offsets refer to the raw text; the normaliser may replace characters
    one for one (curly quotes, dashes) but must not change the length."""
    rows = rows if rows is not None else load_pii_testset()
    predictions = []
    for row, doc in zip(rows, nlp.pipe((r["text"] for r in rows), batch_size=batch_size)):
        if len(doc.text) != len(row["text"]):
            raise ValueError(f"normalising test answer {row.get('id')} changes its length; fix the test set")
        predictions.append([tuple(x) for x in doc._.pii_offsets or []])
    return score_pii(rows, predictions)
