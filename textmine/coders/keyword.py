"""KeywordCoder: the codebook's keywords and patterns as rules.

Per theme, an answer collects evidence from

* single-word keywords, matched against the answer's lemmas and its
  lowercase words (accents folded: ``financiele`` = ``financiële``); with
  ``compounds`` also as the first or last part of a Dutch compound of at
  least ``min_compound_len`` letters (``subsidie`` in ``projectsubsidies``,
  ``fairtrade`` in ``fairtradekoffie``);
* multi-word keywords, matched as a lemma sequence and as a phrase in the
  lowercase text (a plural ``-s``/``-n``/``-en`` on the last word allowed);
* the theme's regular expressions, on the text (case-insensitive); a search that
  runs out of time on a very long answer counts as no match and is reported
  (``StoppedSearch`` warning, collected by the coding run).

Each distinct keyword found counts ``1 / (number of themes listing it)`` (a
keyword two themes share is half the evidence), each pattern that matches
counts 1. The score is ``1 - 2 ** -evidence``: one clear hit gives 0.5, two
give 0.75, three 0.875. The default threshold, 0.5, codes a theme on one
clear hit. A theme with neither keywords nor patterns uses its label as a
phrase (``use_label``), so a bare list of labels still does something.

No labels needed: ``fit(X=None, Y=None)``. With labels, per-theme thresholds
are learned (the scores do not depend on the labels, so in-sample).
"""
from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from textmine.codebook import Codebook
from textmine.patterns import SEARCH_SECONDS, PatternTimeout, SafePattern

from .base import Batch, BaseCoder, fold

_PLURAL = r"(?:s|n|en|'s)?"


def _variants(token: str) -> list[str]:
    """The token and its likely singulars (enough for compound heads)."""
    out = [token]
    if token.endswith("en") and len(token) > 4:
        out.append(token[:-2])
    if token.endswith(("s", "n")) and len(token) > 3:
        out.append(token[:-1])
    return out



class StoppedSearch(UserWarning):
    """A codebook pattern stopped after ``SEARCH_SECONDS`` on one answer (that answer is
    coded without it)."""

    def __init__(self, theme: str, pattern: str, chars: int, codebook: str | None) -> None:
        super().__init__(f"theme '{theme}': pattern '{pattern}' was stopped after {SEARCH_SECONDS:g} s "
                         f"on an answer of {chars:,} characters")
        self.theme, self.pattern, self.chars, self.codebook = theme, pattern, chars, codebook


class KeywordCoder(BaseCoder, BaseEstimator):
    """Rule-based coder from the codebook's keywords and patterns.

    Parameters: ``codebook``; ``compounds`` (match keywords inside compounds),
    ``min_compound_len`` (shortest keyword matched that way: short ones like
    ``gift`` would hit ``vergiftiging``); ``use_label`` (label as keyword for
    themes without keywords/patterns); ``threshold`` ('auto' = 0.5 unless
    labels teach otherwise, or a number) and ``min_threshold_pos`` (positives
    a theme needs before its threshold is learned).

    Fitted: ``theme_ids_``, ``thresholds_``, ``keyword_weights_`` (per theme:
    keyword -> weight)."""

    default_threshold = 0.5

    def __init__(self, codebook: Codebook, compounds: bool = True, min_compound_len: int = 6,
                 use_label: bool = True, threshold: Any = "auto", min_threshold_pos: int = 5) -> None:
        self.codebook = codebook
        self.compounds = compounds
        self.min_compound_len = min_compound_len
        self.use_label = use_label
        self.threshold = threshold
        self.min_threshold_pos = min_threshold_pos

    def _fit(self, batch: Batch, Y: np.ndarray | None, ids: list[str]) -> None:
        themes = list(self.codebook.themes)
        self.theme_ids_ = [t.id for t in themes]
        kw_lists: list[list[str]] = []
        for t in themes:
            kws = [fold(k) for k in t.keywords]
            if not kws and not t.patterns and self.use_label:
                kws = [fold(t.label)]
            kw_lists.append(list(dict.fromkeys(k for k in kws if k)))
        listed: dict[str, int] = {}
        for kws in kw_lists:
            for k in kws:
                listed[k] = listed.get(k, 0) + 1
        self.keyword_weights_ = [{k: 1.0 / listed[k] for k in kws} for kws in kw_lists]
        # single words: word -> [(theme index, weight)]; compounds the same for long words
        self._words: dict[str, list[int]] = {}
        self._compound_words: dict[str, list[int]] = {}
        self._phrases: list[re.Pattern[str] | None] = []
        self._phrase_weight: list[dict[str, float]] = []
        for j, kws in enumerate(kw_lists):
            phrases = []
            for k in kws:
                if " " in k or not re.fullmatch(r"\w+", k):
                    phrases.append(k)
                else:
                    self._words.setdefault(k, []).append(j)
                    if self.compounds and len(k) >= self.min_compound_len:
                        self._compound_words.setdefault(k, []).append(j)
            if phrases:
                alts = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                self._phrases.append(re.compile(rf"(?<!\w)({alts}){_PLURAL}(?!\w)"))
            else:
                self._phrases.append(None)
        self._compound_lengths = sorted({len(k) for k in self._compound_words})
        # Checked when the codebook was loaded; long answers are searched with a time bound.
        self._patterns = [t.safe_patterns for t in themes]

    def _match(self, text: str, lemmas: tuple[str, ...],
               terms: list[list[str]] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """One pass over an answer: the evidence per theme and where in the
        text each theme's first match starts (a share of the length; ``inf``
        without a match, 1 when the evidence is in the lemmas only).
        ``terms``: a list to fill with, per theme, what matched (see ``matched_terms``)."""
        k = len(self.theme_ids_)
        found: list[set[str]] = [set() for _ in range(k)]
        pos = np.full(k, np.inf)
        ftext = fold(text)
        flemmas = fold(" ".join(lemmas)).split()
        n = max(len(ftext), 1)
        m = self.min_compound_len

        def hit(tok: str, at: float) -> None:
            for v in _variants(tok):  # the word and its likely singulars
                for j in self._words.get(v, ()):
                    found[j].add(v)
                    pos[j] = min(pos[j], at)
                if not self._compound_words or len(v) <= m:
                    continue
                # first or last part of a compound: only lengths some keyword has, so a
                # 40,000-letter "word" costs a few look-ups, not 40,000 slices
                for cut in self._compound_lengths:
                    if cut >= len(v):
                        break
                    for part in (v[:cut], v[-cut:]):
                        for j in self._compound_words.get(part, ()):
                            found[j].add(part)
                            pos[j] = min(pos[j], at)

        words: list[str] = []
        starts: dict[str, int] = {}  # a word's first occurrence is its place
        for mt in re.finditer(r"\w+", ftext):
            words.append(mt.group(0))
            starts.setdefault(mt.group(0), mt.start())
        for tok in set(words) | set(flemmas):  # lemmas only: evidence, but no place in the text
            hit(tok, starts[tok] / n if tok in starts else np.inf)
        lemma_text = " ".join(flemmas)
        for j, rx in enumerate(self._phrases):
            if rx is None:
                continue
            for mt in rx.finditer(ftext):
                pos[j] = min(pos[j], mt.start() / n)
                found[j].add(mt.group(1))
            for mt in rx.finditer(lemma_text):
                found[j].add(mt.group(1))
        ev = np.zeros(k)
        tn = max(len(text), 1)
        for j in range(k):
            w = self.keyword_weights_[j]
            ev[j] = sum(w.get(x, 0.0) for x in found[j])
            patterns = 0.0
            hits: list[str] = []
            for sp in self._patterns[j]:
                start = self._search(sp, j, text)
                if start >= 0:
                    patterns += 1.0
                    pos[j] = min(pos[j], start / tn)
                    if terms is not None and len(text) <= sp.max_chars_in_process:
                        m = sp.regex.search(text)  # cheap for this text (checked), and gives the words
                        if m and m.group(0).strip():
                            hits.append(m.group(0))
            ev[j] += patterns
            if terms is not None:
                terms.append(sorted(found[j]) + hits)
        # evidence found only in the lemmas has no place in the text: count it as last
        pos[(ev > 0) & ~np.isfinite(pos)] = 1.0
        return ev, pos

    def _search(self, sp: SafePattern, j: int, text: str) -> int:
        try:
            return sp.search(text)
        except PatternTimeout:
            # A respondent's text must not stop the coding of everyone else: the answer is
            # coded without this pattern, and the run says so (coding.code_question).
            warnings.warn(StoppedSearch(self.theme_ids_[j], sp.pattern, len(text),
                                        self.codebook.path), stacklevel=2)
            return -1

    def _evidence(self, text: str, lemmas: tuple[str, ...]) -> np.ndarray:
        return self._match(text, lemmas)[0]

    def _match_batch(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """Evidence and first positions, (n, n_themes) each, in one pass."""
        k = len(self.theme_ids_)
        pairs = [self._match(t, lem) for t, lem in zip(batch.texts, batch.lemmas)]
        ev = np.array([e for e, _ in pairs]).reshape(len(batch), k)
        pos = np.array([p for _, p in pairs]).reshape(len(batch), k)
        return ev, pos

    def first_positions(self, X: Any) -> np.ndarray:
        """Where in each answer each theme's first keyword or pattern match
        starts, as a share of the answer's length (0 = at the start); ``inf``
        for themes without a match. Respondents tend to name their main
        project first, so this orders themes of equal strength."""
        from .base import as_batch
        self._check_fitted()
        return self._match_batch(as_batch(X))[1]

    def scores_and_positions(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """``_scores(batch)`` and ``first_positions(batch)`` from one pass."""
        ev, pos = self._match_batch(batch)
        return _to_score(ev), pos

    def evidence(self, X: Any) -> np.ndarray:
        """Raw evidence per answer and theme (weighted hit counts)."""
        from .base import as_batch
        self._check_fitted()
        b = as_batch(X)
        return np.array([self._evidence(t, lem) for t, lem in zip(b.texts, b.lemmas)]).reshape(
            len(b), len(self.theme_ids_))

    def matches(self, text: str, lemmas: tuple[str, ...] | None = None) -> dict[str, float]:
        """Evidence per theme for one text (themes with none left out): to show
        reviewers why an answer got its keyword codes."""
        from .base import simple_lemmas
        self._check_fitted()
        ev = self._evidence(text, tuple(lemmas) if lemmas else simple_lemmas(text))
        return {t: float(e) for t, e in zip(self.theme_ids_, ev) if e > 0}

    def matched_terms(self, text: str, lemmas: tuple[str, ...] | None = None) -> dict[str, list[str]]:
        """What matched in one text, per theme with a match: the keywords found (folded: lowercase,
        accents removed; a compound's part as the keyword) and the text each pattern matched. For
        highlighting in the workbench; the evidence is that of ``matches``."""
        from .base import simple_lemmas
        self._check_fitted()
        terms: list[list[str]] = []
        self._match(text, tuple(lemmas) if lemmas else simple_lemmas(text), terms)
        return {t: found for t, found in zip(self.theme_ids_, terms) if found}

    def _scores(self, batch: Batch) -> np.ndarray:
        return _to_score(self._match_batch(batch)[0])


def _to_score(ev: np.ndarray) -> np.ndarray:
    """Evidence to a score in [0, 1): one clear hit 0.5, two 0.75 (module doc)."""
    return 1.0 - np.power(2.0, -ev)
