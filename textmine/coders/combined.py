"""CombinedCoder: the codebook first, the coded answers more and more.

Codebook score (no labels needed), per theme::

    codebook = keyword_weight * keyword_score + (1 - keyword_weight) * zero_shot_score

(KeywordCoder and ZeroShotCoder scores, both in [0, 1]). With the default
0.5 the two sources must roughly agree to reach the codebook-only threshold
of 0.3: one clear keyword hit (0.5) plus some zero-shot support (0.1), or a
strong zero-shot score (0.6) alone, or two keyword hits (0.75) alone. A lone
generic keyword ("steun", "concreet") without semantic support does not.

With human codes, a ``SupervisedCoder`` is trained on them (plus the
codebook's examples) and mixed in per theme::

    score = w * supervised + (1 - w) * codebook,   w = n / (n + prior_strength)

with ``n`` the number of human-coded answers that carry the theme (its
positives: what the supervised model knows about that theme). With the
default ``prior_strength=5``: 5 coded answers give w = 0.5, 20 give 0.8, 50
give 0.91; a theme with fewer than 2 coded answers keeps w = 0. So the
codebook alone decides at the start, and the coded answers take over as they
accumulate, theme by theme.

Thresholds: 0.3 without labels; per theme learned on out-of-fold scores once
a theme has ``min_threshold_pos`` coded answers.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from textmine.codebook import Codebook

from .base import Batch, BaseCoder, fit_embedder, resolve_embedder
from .keyword import KeywordCoder
from .supervised import SupervisedCoder
from .zeroshot import ZeroShotCoder, theme_text


class CodebookScorer:
    """Keyword + zero-shot scores of a codebook (a helper, not an estimator)."""

    def __init__(self, codebook: Codebook, embedder: Any, keyword_weight: float = 0.5,
                 example_weight: float = 0.25) -> None:
        self.codebook = codebook
        self.embedder = embedder
        self.keyword_weight = keyword_weight
        self.example_weight = example_weight
        self.theme_ids = codebook.ids

    def fit_batch(self, batch: Batch) -> CodebookScorer:
        self.keyword = KeywordCoder(self.codebook).fit(batch)
        self.zero_shot = ZeroShotCoder(self.codebook, self.embedder,
                                       example_weight=self.example_weight).fit(batch)
        return self

    def parts(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        return self.keyword._scores(batch), self.zero_shot._scores(batch)

    def scores(self, batch: Batch) -> np.ndarray:
        kw, zs = self.parts(batch)
        a = float(self.keyword_weight)
        return a * kw + (1 - a) * zs


class CombinedCoder(BaseCoder, BaseEstimator):
    """Keyword + zero-shot from the codebook, blended with a supervised coder
    per theme as human codes accumulate (see the module docstring).

    Parameters: ``codebook``; ``embedder`` (name, ``None`` for the default
    backend, or an Embedder); ``keyword_weight``; ``prior_strength`` (the k in
    w = n / (n + k)); ``example_weight`` (zero-shot prototypes);
    ``use_tfidf``, ``use_examples``, ``C``, ``calibrate`` (passed to the
    SupervisedCoder); ``threshold`` ('auto' or a number), ``min_threshold_pos``.

    Fitted: ``theme_ids_``, ``codebook_scorer_``, ``supervised_`` (None
    without labels), ``weights_`` (w per theme), ``thresholds_``, ``embedder_``."""

    default_threshold = 0.3
    needs_oof_for_thresholds = True

    def __init__(self, codebook: Codebook, embedder: Any = None, keyword_weight: float = 0.5,
                 prior_strength: float = 5.0, example_weight: float = 0.25, use_tfidf: bool = True,
                 use_examples: bool = True, C: float = 4.0, calibrate: bool = True,
                 threshold: Any = "auto", min_threshold_pos: int = 5) -> None:
        self.codebook = codebook
        self.embedder = embedder
        self.keyword_weight = keyword_weight
        self.prior_strength = prior_strength
        self.example_weight = example_weight
        self.use_tfidf = use_tfidf
        self.use_examples = use_examples
        self.C = C
        self.calibrate = calibrate
        self.threshold = threshold
        self.min_threshold_pos = min_threshold_pos

    def _fit(self, batch: Batch, Y: np.ndarray | None, ids: list[str]) -> None:
        cb = self.codebook
        self.theme_ids_ = cb.ids
        emb = resolve_embedder(self.embedder)
        corpus = list(batch.texts) + [theme_text(t) for t in cb] + [e for t in cb for e in t.examples]
        self.embedder_ = fit_embedder(emb, corpus)
        self.codebook_scorer_ = CodebookScorer(cb, emb, self.keyword_weight,
                                               self.example_weight).fit_batch(batch)
        k = len(cb)
        self.weights_ = np.zeros(k)
        self.supervised_ = None
        if Y is not None and Y[~batch.non_answer].sum() > 0:
            sup = SupervisedCoder(emb, use_tfidf=self.use_tfidf, codebook=cb,
                                  use_examples=self.use_examples, C=self.C, calibrate=self.calibrate,
                                  threshold=0.5)
            sup._fit(batch, Y, cb.ids)
            self.supervised_ = sup
            n = sup.n_positive_.astype(float)
            has_model = np.array([m is not None for m in sup.models_])
            self.weights_ = np.where(has_model & (n >= 2), n / (n + float(self.prior_strength)), 0.0)

    def _fresh(self, **overrides: Any) -> Any:
        # folds share the fitted embedder: vectors already on the batch stay valid
        overrides.setdefault("embedder", getattr(self, "embedder_", self.embedder))
        return super()._fresh(**overrides)

    def _scores(self, batch: Batch) -> np.ndarray:
        S = self.codebook_scorer_.scores(batch)
        if self.supervised_ is not None and self.weights_.any():
            sup = self.supervised_.model_scores(batch)
            w = self.weights_
            use = w > 0
            S[:, use] = w[use] * sup[:, use] + (1 - w[use]) * S[:, use]
        return S
