"""Readable labels and representative quotes for a topic (Dutch, redacted).

A label is made of the words respondents wrote, not lemmas: candidates are the
cleaning step's key phrases (noun phrases, stored as lemmas: "goed
praktijk"), found back in each answer's REDACTED text and shown in the
surface form the topic's answers use most ("goede praktijken"). A candidate
must occur in at least two of the topic's answers; phrases of several words
are preferred, and phrases holding the topic's keywords. A second phrase is
added when it names something else. Words of the question itself (its id,
label and wording: "trots", "noden") and generic survey words (vraag,
bijlage, project, ...) never make a label: every answer to the question
shares them. Without a phrase in two answers, the surface forms of the top
keywords make the label. Only the first letter is capitalised. Because
everything is matched in the redacted text, a name that the redaction
removed cannot come back through a label.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any, Iterable, Sequence

import numpy as np

N_QUOTES = 5
MIN_QUOTE_WORDS = 3
MIN_ANSWERS = 2
# survey words that say nothing about an answer's subject
GENERIC_WORDS = frozenset({"vraag", "bijlage", "antwoord", "bevraging", "nood", "noden", "tip", "tips",
                           "trots", "initiatief", "project", "suggestie", "idee",
                           # quantity and filler nouns ("een paar", "drie keer", "het feit dat")
                           "paar", "keer", "feit", "aantal", "soort", "manier", "ding", "extra"})
_TOKEN = re.compile(r"[^\W_][\w'’-]*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")


def same_word(word: str, lemma: str) -> bool:
    """Is ``word`` (as written, lower case) a form of ``lemma``? Equal, or sharing all but the
    last two letters of the shorter one (mondiale/mondiaal, praktijken/praktijk, nadenken/nadenk)."""
    if word == lemma:
        return True
    short = min(len(word), len(lemma))
    if short < 3 or abs(len(word) - len(lemma)) > (3 if short < 5 else 4):
        return False
    prefix = 0
    for a, b in zip(word, lemma):
        if a != b:
            break
        prefix += 1
    return prefix >= max(3, short - 2)


def excluded_words(question_text: str = "") -> set[str]:
    """The question's content words (id, label, wording) and the generic survey words."""
    from .model import stop_words

    stop = set(stop_words())
    words = {w.lower() for w in re.split(r"[^\w']+", question_text.replace("_", " ")) if w}
    return {w for w in words if len(w) > 2 and w not in stop} | set(GENERIC_WORDS)


def _is_excluded(word: str, excluded: Iterable[str]) -> bool:
    return any(same_word(word, e) for e in excluded)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, starts a sentence) for each word of ``text``."""
    out = []
    for m in _TOKEN.finditer(text):
        before = text[:m.start()]
        out.append((m.group(), not before.strip() or bool(_SENTENCE_END.search(before))))
    return out


def _find(lemmas: Sequence[str], tokens: list[tuple[str, bool]]) -> tuple[str, bool] | None:
    """The surface form of the lemma phrase in ``tokens`` (and whether it starts a sentence);
    an exact spelling first, then word forms (``same_word``)."""
    m = len(lemmas)
    for match in (lambda w, lem: w == lem, same_word):
        for i in range(len(tokens) - m + 1):
            if all(match(tokens[i + j][0].lower(), lemmas[j]) for j in range(m)):
                return " ".join(t for t, _ in tokens[i:i + m]), tokens[i][1]
    return None


def _trim(words: tuple[str, ...], stop: set[str]) -> tuple[str, ...]:
    """Without stop words at either end ("uitwerking van een" -> "uitwerking")."""
    i, j = 0, len(words)
    while i < j and words[i] in stop:
        i += 1
    while j > i and words[j - 1] in stop:
        j -= 1
    return words[i:j]


class _Forms:
    """Surface forms seen for one candidate; the display form prefers mid-sentence spellings."""

    def __init__(self) -> None:
        self.mid: Counter[str] = Counter()
        self.start: Counter[str] = Counter()

    def add(self, form: str, at_start: bool) -> None:
        if at_start and not form[:2].isupper():  # "Goede praktijken" at a sentence start: goede
            self.start[form[:1].lower() + form[1:]] += 1
        else:
            self.mid[form] += 1

    def best(self) -> str:
        forms = self.mid or self.start
        return sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _phrase_words(phrase: str) -> list[str]:
    return [w for w in phrase.lower().split() if w]


def topic_label(members: Sequence[dict[str, Any]], keywords: Sequence[str], max_phrases: int = 2,
                exclude: str = "") -> str:
    """A short Dutch label: one or two key phrases as written, else the top keywords as written.

    ``exclude``: the question's id, label and wording (their words never make a label)."""
    from .model import stop_words

    stop = set(stop_words())
    excluded = excluded_words(exclude)
    kw_rank: dict[str, float] = {}
    for i, k in enumerate(keywords[:10]):
        for w in k.split():
            kw_rank.setdefault(w, 1.0 / (1 + i))
    toks = [_tokens(str(a.get("redacted_text") or "")) for a in members]
    counts: Counter[tuple[str, ...]] = Counter()
    forms: dict[tuple[str, ...], _Forms] = defaultdict(_Forms)
    for a, tk in zip(members, toks):
        for p in dict.fromkeys(str(p).strip().lower() for p in a.get("key_phrases") or ()):
            words = _trim(tuple(_phrase_words(p)), stop)
            if (not words or len(p) < 3 or all(w in stop for w in words)
                    or any(_is_excluded(w, excluded) for w in words)):
                continue
            found = _find(words, tk)
            if found is None:  # not in the redacted text (or spelled apart): never shown
                continue
            counts[words] += 1
            forms[words].add(*found)

    def score(words: tuple[str, ...]) -> float:
        hits = sum(kw_rank.get(w, 0.0) for w in words)
        multi = 1.5 if 2 <= len(words) <= 4 else (1.0 if len(words) == 1 else 0.5)
        return counts[words] * (1.0 + 2.0 * hits) * multi

    ranked = sorted((p for p in counts if counts[p] >= MIN_ANSWERS), key=lambda p: (-score(p), p))
    chosen: list[tuple[str, ...]] = []
    for p in ranked:
        if any(set(p) & set(c) for c in chosen):
            continue
        chosen.append(p)
        if len(chosen) >= max_phrases:
            break
    if chosen:
        label = " · ".join(forms[p].best() for p in chosen)
    else:
        label = ", ".join(_keyword_forms(keywords, toks, excluded, stop)) or "(geen trefwoorden)"
    return label[:1].upper() + label[1:]


def _keyword_forms(keywords: Sequence[str], toks: list[list[tuple[str, bool]]], excluded: set[str],
                   stop: set[str], n: int = 3) -> list[str]:
    """Surface forms of the top single-word keywords (as written in the redacted answers)."""
    seen: list[tuple[str, int]] = []
    for k in keywords:
        if " " in k or k in stop or _is_excluded(k, excluded):
            continue
        f = _Forms()
        exact = [t for tk in toks for t in tk if t[0].lower() == k]
        for tk in toks:  # the keyword as spelled if it occurs so ("momenteel"), else its forms
            found = next(((t, start) for t, start in tk if t.lower() == k), None) if exact else _find((k,), tk)
            if found:
                f.add(*found)
        if f.mid or f.start:
            form = f.best()
            if form.lower() not in (o.lower() for o, _ in seen):
                seen.append((form, sum(f.mid.values()) + sum(f.start.values())))
    # words in two or more answers first (a typo of one answer is no label), in keyword order
    common = [f for f, c in seen if c >= MIN_ANSWERS]
    return (common + [f for f, c in seen if c < MIN_ANSWERS])[:n]


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
