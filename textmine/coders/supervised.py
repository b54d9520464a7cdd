"""SupervisedCoder: learns the themes from coded answers.

Features: the answer's sentence vector (centred on the training answers'
mean, then unit length), optionally next to a TF-IDF of its lemma unigrams
and bigrams (``use_tfidf``; unit length, scaled by ``tfidf_weight``) and a
TF-IDF of the character 2-5-grams within words (``char_weight``, 0 = off).
The character n-grams match the parts of Dutch compounds and spelling
variants that neither lemmas nor a sentence vector catch
("kinderopvang"/"opvang", "asielzoekers"/"asiel"): on the Chamber questions
with 20 labels a theme they added about 2 points of macro-F1 on the
development seeds (scripts/eval_coding_gains_results.md). One ``LogisticRegression(class_weight='balanced')`` per
theme (one-vs-rest, so an answer can get several themes).

Calibration rule (``calibrate=True``): a theme with at least
``min_calibration_pos`` (25) positive *and* as many negative training answers
gets ``CalibratedClassifierCV(method='sigmoid', cv=3, ensemble=False)``: the
LR is fitted on all answers and Platt's sigmoid on its 3-fold out-of-fold
decision values (each fold then holds 8 or more positives). Below that, the
raw LR probability is used: with balanced class weights it is centred on the
balanced decision boundary rather than on the theme's base rate, and the
per-theme thresholds absorb the difference. Calibration serves the
probabilities (mixing with codebook scores, review order, coverage curves),
not the ranking: on the Chamber questions it moves top-theme macro-F1 by under
a point either way (rows 'supervised' and 'supervised (never calibrated)' in
scripts/eval_coding_results.md). The high minimum keeps the sigmoid off folds
with too few positives to fit it.

Themes with fewer than 2 positive (or 2 negative) training answers get no
model: their score comes from the codebook (keyword + zero-shot, see
``CombinedCoder``) when a ``codebook`` is given, else from the share of
positives among the training answers (0 for a theme never seen).

With a ``codebook`` and ``use_examples``, the codebook's example answers are
added to the training answers (positive for their theme, negative for the
others), so a theme can be learned from its examples before anyone codes.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator

from textmine.codebook import Codebook

from .base import Batch, BaseCoder, encode, fit_embedder, resolve_embedder, simple_lemmas
from .codebook_scores import CodebookScorer


def _lemma_analyzer(lemmas: Any) -> list[str]:
    """Unigrams and bigrams of a lemma list (punctuation dropped)."""
    toks = [t for t in lemmas if any(c.isalnum() for c in t)]
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]


class SupervisedCoder(BaseCoder, BaseEstimator):
    """One-vs-rest logistic regression on sentence vectors (+ lemma TF-IDF).

    Parameters: ``embedder`` (backend name, ``None`` for textmine.embed's
    default, or an Embedder); ``use_tfidf``; ``codebook`` (optional: theme
    ids, examples and the fallback for themes without enough labels);
    ``use_examples``; ``C`` (inverse regularisation of the LR);
    ``tfidf_weight``; ``char_weight`` (character n-gram TF-IDF, 0 = off);
    ``calibrate`` and ``min_calibration_pos`` (rule above);
    ``threshold`` ('auto' or a number), ``min_threshold_pos``.

    Fitted: ``theme_ids_``, ``models_`` (per theme: estimator or None),
    ``calibrated_`` (bool per theme), ``n_positive_`` (human-coded positives
    per theme), ``thresholds_``, ``embedder_``; ``vectorizer_`` with TF-IDF,
    ``char_vectorizer_`` (None when ``char_weight`` is 0)."""

    default_threshold = 0.5
    needs_oof_for_thresholds = True

    def __init__(self, embedder: Any = None, use_tfidf: bool = True, codebook: Codebook | None = None,
                 use_examples: bool = True, C: float = 4.0, tfidf_weight: float = 1.0,
                 calibrate: bool = True, min_calibration_pos: int = 25, threshold: Any = "auto",
                 min_threshold_pos: int = 5, char_weight: float = 1.0) -> None:
        self.embedder = embedder
        self.use_tfidf = use_tfidf
        self.codebook = codebook
        self.use_examples = use_examples
        self.C = C
        self.tfidf_weight = tfidf_weight
        self.calibrate = calibrate
        self.min_calibration_pos = min_calibration_pos
        self.threshold = threshold
        self.min_threshold_pos = min_threshold_pos
        self.char_weight = char_weight

    def _fresh(self, **overrides: Any) -> Any:
        # folds share the fitted embedder: vectors already on the batch stay valid
        overrides.setdefault("embedder", getattr(self, "embedder_", self.embedder))
        return super()._fresh(**overrides)

    # -- features --
    def _features(self, V: np.ndarray, lemmas: list[tuple[str, ...]], texts: list[str]) -> Any:
        V = V - self.center_
        norms = np.linalg.norm(V, axis=1, keepdims=True)
        V = V / np.where(norms > 0, norms, 1.0)
        parts = [sparse.csr_matrix(V)]
        if self.use_tfidf:
            parts.append(self.vectorizer_.transform(lemmas) * float(self.tfidf_weight))
        if getattr(self, "char_vectorizer_", None) is not None:
            parts.append(self.char_vectorizer_.transform(texts) * float(self.char_weight))
        if len(parts) == 1:
            return V
        return sparse.hstack(parts, format="csr")

    def _fit(self, batch: Batch, Y: np.ndarray | None, ids: list[str]) -> None:
        self._fit_models(batch, Y, ids)
        needs_fallback = any(m is None for m in self.models_)
        self.fallback_ = self._make_fallback(batch) if needs_fallback else None

    def _fit_models(self, batch: Batch, Y: np.ndarray | None, ids: list[str]) -> None:
        """Everything but the fallback for themes without a model (``model_scores``
        needs no more: CombinedCoder blends its own codebook scores in)."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        cb = self.codebook
        if Y is None and cb is None:
            raise ValueError("SupervisedCoder needs labels (Y), or a codebook to learn its examples from")
        self.theme_ids_ = list(ids)
        k = len(self.theme_ids_)
        keep = ~batch.non_answer
        texts = [t for t, ok in zip(batch.texts, keep) if ok]
        lemmas = [lm for lm, ok in zip(batch.lemmas, keep) if ok]
        Yt = (Y[keep] if Y is not None else np.zeros((0, k), int)).astype(int)
        self.n_positive_ = Yt.sum(0) if len(Yt) else np.zeros(k, int)
        ex_texts: list[str] = []
        ex_rows: list[np.ndarray] = []
        if cb is not None and self.use_examples:
            for j, tid in enumerate(self.theme_ids_):
                if tid in cb:
                    for e in cb.theme(tid).examples:
                        row = np.zeros(k, int)
                        row[j] = 1
                        ex_texts.append(e)
                        ex_rows.append(row)
        emb = resolve_embedder(self.embedder)
        fit_embedder(emb, list(batch.texts) + ex_texts)
        self.embedder_ = emb
        V = batch.ensure_vectors(emb)[keep] if len(batch) else np.zeros((0, 0), np.float32)
        if ex_texts:
            Ve = encode(emb, ex_texts)
            V = Ve if len(V) == 0 else np.vstack([V, Ve])
            lemmas = lemmas + [simple_lemmas(e) for e in ex_texts]
            texts = texts + ex_texts
            Yt = np.vstack([Yt, np.array(ex_rows)]) if len(Yt) else np.array(ex_rows)
        if self.use_tfidf:
            self.vectorizer_ = TfidfVectorizer(analyzer=_lemma_analyzer, sublinear_tf=True, min_df=1)
            self.vectorizer_.fit(lemmas if lemmas else [["-"]])
        self.char_vectorizer_ = None
        if self.char_weight:
            self.char_vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                                    sublinear_tf=True, lowercase=True)
            self.char_vectorizer_.fit(texts if texts else ["-"])
        # Centre the vectors on the training mean and make them unit length
        # again: backends such as e5 put all texts in a narrow cone (cosines
        # 0.8-0.9), which would leave the TF-IDF part to dominate.
        self.center_ = V.mean(0) if len(V) else 0.0
        n = len(Yt)
        self.base_rate_ = Yt.mean(0) if n else np.zeros(k)
        self.models_: list[Any] = [None] * k
        self.calibrated_ = [False] * k
        if n == 0:
            return
        F = self._features(V, lemmas, texts)
        for j in range(k):
            pos = int(Yt[:, j].sum())
            neg = n - pos
            if pos < 2 or neg < 2:
                continue
            lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
            if self.calibrate and min(pos, neg) >= self.min_calibration_pos:
                model = CalibratedClassifierCV(lr, method="sigmoid", cv=3, ensemble=False)
                self.calibrated_[j] = True
            else:
                model = lr
            self.models_[j] = model.fit(F, Yt[:, j])

    def _make_fallback(self, batch: Batch) -> Any:
        if self.codebook is None:
            return None
        return CodebookScorer(self.codebook, self.embedder_).fit_batch(batch)

    def model_scores(self, batch: Batch) -> np.ndarray:
        """Probabilities of the themes that have a model; NaN columns for the others."""
        k = len(self.theme_ids_)
        S = np.full((len(batch), k), np.nan)
        todo = [j for j, m in enumerate(self.models_) if m is not None]
        if todo and len(batch):
            F = self._features(batch.ensure_vectors(self.embedder_), batch.lemmas, batch.texts)
            for j in todo:
                S[:, j] = self.models_[j].predict_proba(F)[:, 1]
        return S

    def _scores(self, batch: Batch) -> np.ndarray:
        S = self.model_scores(batch)
        missing = [j for j, m in enumerate(self.models_) if m is None]
        if missing and len(batch):
            if self.fallback_ is not None:
                fb = self.fallback_.scores(batch)
                cols = {t: i for i, t in enumerate(self.fallback_.theme_ids)}
                for j in missing:
                    tid = self.theme_ids_[j]
                    S[:, j] = fb[:, cols[tid]] if tid in cols else self.base_rate_[j]
            else:
                S[:, missing] = self.base_rate_[missing]
        return S
