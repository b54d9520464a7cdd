"""How much of a topic the codebook already covers; topics it does not cover are new.

Two measures per topic and theme:

- ``coverage``: the share of the topic's answers that the codebook's coder
  (``textmine.coding.default_coder_factory``: keywords + zero-shot, trained
  on the project's human codes when there are any) codes with that theme at
  its confident threshold;
- ``similarity``: cosine of the topic's centroid to the theme's centroid
  (the theme's label + description, and its example answers, embedded; as
  the zero-shot coder builds it). For flagging it is standardised against
  all answer-theme similarities of the run (``similarity_z``: how many
  standard deviations the topic's mean answer-theme similarity lies above the
  mean), so the rule does not depend on the embedding backend's scale.

A topic is flagged ``new`` when no theme covers at least ``coverage_max`` of
its answers AND no theme is closer than ``similarity_z_max``. The defaults
were tuned on real Dutch texts (scripts/eval_topics.py, tuning split) and
checked on a held-out choice of themes (scripts/eval_topics_results.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..codebook import Codebook


@dataclass(frozen=True)
class NoveltyRule:
    coverage_max: float = 0.25
    similarity_z_max: float = 1.0

    def is_new(self, top_coverage: float, top_similarity_z: float) -> bool:
        return top_coverage < self.coverage_max and top_similarity_z < self.similarity_z_max


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def theme_prototypes(codebook: Codebook, embedder: Any, example_weight: float = 0.25) -> np.ndarray:
    """One unit vector per theme: its text (label + description), mixed with its examples' mean."""
    from ..coders import theme_text
    from ..coders.base import encode

    D = encode(embedder, [theme_text(t) for t in codebook])
    P = D.copy()
    for j, t in enumerate(codebook):
        if t.examples and example_weight > 0:
            E = encode(embedder, list(t.examples))
            P[j] = (1 - example_weight) * D[j] + example_weight * _unit(E.mean(0))
    return _unit(P).astype(np.float32)


def codebook_codes(answers: Sequence[dict[str, Any]], embeddings: np.ndarray, codebook: Codebook,
                   embedder: Any, train: tuple[Sequence[dict[str, Any]], np.ndarray, np.ndarray] | None = None
                   ) -> list[list[str]]:
    """Confident codebook themes per answer, from the project's coder.

    ``train``: (answers, their vectors, indicator matrix) of human-coded
    answers; without it the codebook alone decides."""
    from ..coders import Answer
    from ..coding import default_coder_factory

    def as_answers(rows: Sequence[dict[str, Any]], V: np.ndarray) -> list[Any]:
        return [Answer(a.get("normalized_text") or a["text"], tuple(a.get("lemmas") or ()), v, False)
                for a, v in zip(rows, V)]

    coder = default_coder_factory(codebook, embedder)
    X = as_answers(answers, embeddings)
    if train is not None and len(train[0]):
        coder.fit(as_answers(train[0], train[1]), train[2])
    else:
        coder.fit(X)
    return coder.code(X)


def coverage_matrix(codes: Sequence[Sequence[str]], topics: np.ndarray, k: int,
                    theme_ids: Sequence[str]) -> np.ndarray:
    """(k, n_themes): share of each topic's answers coded with each theme."""
    pos = {t: j for j, t in enumerate(theme_ids)}
    C = np.zeros((k, len(theme_ids)))
    sizes = np.bincount(topics[topics >= 0], minlength=k).astype(float)
    for c, t in zip(codes, topics):
        if t < 0:
            continue
        for theme in c:
            if theme in pos:
                C[t, pos[theme]] += 1
    return C / np.where(sizes > 0, sizes, 1.0)[:, None]


@dataclass
class Novelty:
    coverage: np.ndarray      # (k, n_themes)
    similarity: np.ndarray    # (k, n_themes) cosine of centroids
    similarity_z: np.ndarray  # (k, n_themes) standardised mean answer-theme similarity
    new: np.ndarray           # (k,) bool


def assess(codes: Sequence[Sequence[str]], topics: np.ndarray, embeddings: np.ndarray,
           centroids: np.ndarray, prototypes: np.ndarray, theme_ids: Sequence[str],
           rule: NoveltyRule | None = None) -> Novelty:
    rule = rule or NoveltyRule()
    k = len(centroids)
    cov = coverage_matrix(codes, topics, k, theme_ids)
    sim = centroids @ prototypes.T
    S = embeddings @ prototypes.T                      # answer x theme
    mu, sd = float(S.mean()), float(max(S.std(), 1e-6))
    mean_sim = np.vstack([S[topics == t].mean(0) if (topics == t).any() else np.full(S.shape[1], mu)
                          for t in range(k)]) if k else np.zeros((0, S.shape[1]))
    z = (mean_sim - mu) / sd
    top_cov = cov.max(1) if cov.size else np.zeros(k)
    top_z = z.max(1) if z.size else np.full(k, -np.inf)
    new = np.array([rule.is_new(float(c), float(s)) for c, s in zip(top_cov, top_z)], dtype=bool)
    return Novelty(cov, sim, z, new)
