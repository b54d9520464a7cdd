"""Readable labels and representative quotes for a topic (Dutch, redacted).

A label is built from the cleaning step's key phrases (noun phrases such as
"fair trade gemeente", "stedenband met Nicaragua"): among the phrases of the
topic's answers, the one named most often, weighted by how many of the
topic's keywords it contains; a second phrase is added when it names
something else. Without key phrases, the top keywords make the label.
Phrases that do not occur in the redacted text are never used, so a name
that the redaction removed cannot come back through a label.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

import numpy as np

N_QUOTES = 5
MIN_QUOTE_WORDS = 3


def _words(phrase: str) -> set[str]:
    return {w for w in phrase.lower().replace("-", " ").split() if len(w) > 1}


def topic_label(members: Sequence[dict[str, Any]], keywords: Sequence[str], max_phrases: int = 2) -> str:
    """A short Dutch label: one or two key phrases, else the first keywords."""
    kw_rank = {}
    for i, k in enumerate(keywords[:10]):
        for w in k.split():
            kw_rank.setdefault(w, 1.0 / (1 + i))
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for a in members:
        redacted = str(a.get("redacted_text") or "").lower()
        for p in dict.fromkeys(str(p).strip() for p in a.get("key_phrases") or ()):
            low = p.lower()
            if len(low) < 3 or low not in redacted:
                continue
            counts[low] += 1
            shown.setdefault(low, p)
    lemmas = Counter(w for a in members for w in dict.fromkeys(a.get("lemmas") or ()))

    def score(p: str) -> float:
        ws = _words(p)
        hits = sum(kw_rank.get(w, 0.0) + (kw_rank.get(_lemma_like(w, lemmas), 0.0)) for w in ws)
        return counts[p] * (1.0 + 2.0 * hits) / (1.0 + 0.15 * max(0, len(ws) - 2))

    ranked = sorted(counts, key=lambda p: (-score(p), p))
    chosen: list[str] = []
    for p in ranked:
        if counts[p] < 2 and chosen:
            break
        if any(_words(p) & _words(c) or p in c or c in p for c in chosen):
            continue
        chosen.append(p)
        if len(chosen) >= max_phrases:
            break
    if chosen and counts[chosen[0]] >= 2 or (chosen and not keywords):
        label = " · ".join(shown[p] for p in chosen)
    else:
        label = ", ".join(keywords[:3]) or "(geen trefwoorden)"
    return label[:1].upper() + label[1:]


def _lemma_like(word: str, lemmas: Counter[str]) -> str:
    """The lemma a surface word most likely has among the topic's lemmas (prefix match)."""
    if word in lemmas:
        return word
    for lemma, _ in lemmas.most_common(50):
        if len(lemma) >= 4 and word.startswith(lemma[:-1]):
            return lemma
    return word


def pick_quotes(members: Sequence[dict[str, Any]], vectors: np.ndarray, centroid: np.ndarray,
                n: int = N_QUOTES) -> list[str]:
    """The redacted answers closest to the topic's centre, distinct, preferring real sentences."""
    if not len(members):
        return []
    sims = vectors @ centroid
    order = sorted(range(len(members)), key=lambda i: (-round(float(sims[i]), 6),
                                                        str(members[i].get("redacted_text"))))
    long = [i for i in order if len(str(members[i].get("redacted_text") or "").split()) >= MIN_QUOTE_WORDS]
    out: list[str] = []
    for i in long + [i for i in order if i not in set(long)]:
        text = " ".join(str(members[i].get("redacted_text") or "").split())
        if text and text not in out:
            out.append(text)
        if len(out) >= n:
            break
    return out
