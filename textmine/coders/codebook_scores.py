"""The codebook's own score of each theme: keyword and zero-shot coders combined.

Shared by ``CombinedCoder`` (its codebook part) and ``SupervisedCoder`` (the
fallback for themes without enough coded answers). The rules are explained in
``textmine.coders.combined``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from textmine.codebook import Codebook

from .base import Batch
from .keyword import KeywordCoder
from .zeroshot import ZeroShotCoder


class CodebookScorer:
    """Keyword + zero-shot scores of a codebook (a helper, not an estimator)."""

    def __init__(self, codebook: Codebook, embedder: Any, keyword_weight: float = 0.5,
                 example_weight: float = 0.5, example_pooling: str = "max",
                 combine: str = "mean", term_weight: float = 0.0) -> None:
        self.codebook = codebook
        self.embedder = embedder
        self.keyword_weight = keyword_weight
        self.example_weight = example_weight
        self.example_pooling = example_pooling
        if combine not in COMBINE_RULES:
            raise ValueError(f"combine must be one of {COMBINE_RULES}, not {combine!r}")
        self.combine = combine
        self.term_weight = term_weight
        self.theme_ids = codebook.ids

    def fit_batch(self, batch: Batch) -> CodebookScorer:
        self.keyword = KeywordCoder(self.codebook).fit(batch)
        self.zero_shot = ZeroShotCoder(self.codebook, self.embedder,
                                       example_weight=self.example_weight,
                                       example_pooling=self.example_pooling,
                                       term_weight=self.term_weight).fit(batch)
        return self

    def parts(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        return self.keyword._scores(batch), self.zero_shot._scores(batch)

    def scores(self, batch: Batch) -> np.ndarray:
        kw, zs = self.parts(batch)
        return combine_scores(kw, zs, float(self.keyword_weight), self.combine)

    def parts_and_positions(self, batch: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``parts(batch)`` and ``positions(batch)`` with one keyword pass."""
        kw, pos = self.keyword.scores_and_positions(batch)
        return kw, self.zero_shot._scores(batch), np.where(np.isfinite(pos), pos, 1.0)


COMBINE_RULES = ("noisy_or", "mean")
# the mean rule's cut: its codebook-only threshold, the cut of blended themes (on its
# scale) and the agreement a further code needs (``secondary_threshold``), module doc
MEAN_RULE_CUT = 0.3


def combine_scores(kw: np.ndarray, zs: np.ndarray, keyword_weight: float = 0.5,
                   rule: str = "noisy_or") -> np.ndarray:
    """Keyword and zero-shot scores into one codebook score (module doc)."""
    a = float(keyword_weight)
    if rule == "mean":
        return a * kw + (1 - a) * zs
    return 1.0 - np.clip(1.0 - 2 * a * kw, 0, 1) * np.clip(1.0 - 2 * (1 - a) * zs, 0, 1)
