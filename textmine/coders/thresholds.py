"""Per-theme thresholds and the step from scores to codes.

``learn_thresholds`` picks, per theme, the score cut that maximises F1 on
labelled answers (give it out-of-fold scores when the coder learned from the
same labels). ``assign_themes`` turns scores into the codes staff see:
themes above their threshold, best first; ``overig`` when none passes;
``non_answer`` for answers without content; an ``exclusive`` theme only when
no other theme passes.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from textmine.codebook import NON_ANSWER, OVERIG, Codebook


def best_f1_threshold(y: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """The cut on ``s`` with the best F1 for binary ``y`` and that F1.

    The cut lies halfway between the lowest score taken as positive and the
    next lower score, so it does not sit on a training answer's exact score.
    Ties in F1 go to the higher cut (fewer codes for the same F1)."""
    y = np.asarray(y).astype(bool)
    s = np.asarray(s, dtype=float)
    P = int(y.sum())
    if P == 0 or len(s) == 0:
        return float("nan"), 0.0
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)
    k = np.arange(1, len(s) + 1)
    # only cut where the next score differs (a cut cannot split equal scores)
    last_of_run = np.r_[s_sorted[1:] != s_sorted[:-1], True]
    f1 = np.where(last_of_run, 2 * tp / (k + P), -1.0)
    i = int(np.argmax(f1))  # first (highest cut) among ties
    lower = s_sorted[i + 1] if i + 1 < len(s) else s_sorted[i] - 1e-6
    return float((s_sorted[i] + lower) / 2), float(f1[i])


def learn_thresholds(Y: np.ndarray, scores: np.ndarray, default: float | Sequence[float] = 0.5,
                     min_pos: int = 5, clip: tuple[float, float] = (0.02, 0.98)) -> np.ndarray:
    """Per-theme thresholds maximising F1; themes with fewer than ``min_pos``
    positive (or no negative) answers keep ``default``."""
    Y = np.asarray(Y).astype(bool)
    scores = np.asarray(scores, dtype=float)
    k = Y.shape[1]
    out = np.broadcast_to(np.asarray(default, dtype=float), (k,)).copy()
    for j in range(k):
        pos = int(Y[:, j].sum())
        if pos >= min_pos and pos < len(Y):
            thr, _ = best_f1_threshold(Y[:, j], scores[:, j])
            if np.isfinite(thr):
                out[j] = float(np.clip(thr, *clip))
    return out


def assign_themes(scores: np.ndarray, thresholds: float | Sequence[float], codebook: Codebook | None = None,
                  non_answer: Sequence[bool] | None = None, ids: Sequence[str] | None = None,
                  rank: np.ndarray | None = None) -> list[list[str]]:
    """Codes per answer, best-scoring first (or best by ``rank``, same shape
    as ``scores``, when given: it orders the passing themes, it does not
    decide which pass).

    * ``non_answer[i]`` true -> ``["non_answer"]`` (nothing else);
    * themes whose score is at least their threshold, by descending score;
    * an exclusive theme (``Theme.exclusive``) only when no non-exclusive
      theme passes, and then alone (the best exclusive one);
    * nothing passes -> ``["overig"]``.

    Columns of ``scores`` are ``codebook.ids`` (or ``ids``)."""
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    if ids is None:
        if codebook is None:
            raise ValueError("assign_themes needs a codebook or the theme ids")
        ids = codebook.ids
    ids = list(ids)
    if scores.shape[1] != len(ids):
        raise ValueError(f"scores have {scores.shape[1]} columns for {len(ids)} themes")
    thr = np.broadcast_to(np.asarray(thresholds, dtype=float), (len(ids),))
    exclusive = np.array([codebook is not None and t in codebook and codebook.theme(t).exclusive
                          for t in ids], dtype=bool)
    na = np.zeros(len(scores), bool) if non_answer is None else np.asarray(non_answer, dtype=bool)
    order_by = scores if rank is None else np.atleast_2d(np.asarray(rank, dtype=float))
    if order_by.shape != scores.shape:
        raise ValueError(f"rank has shape {order_by.shape}, scores {scores.shape}")
    out: list[list[str]] = []
    for i, row in enumerate(scores):
        if na[i]:
            out.append([NON_ANSWER])
            continue
        passing = np.flatnonzero(row >= thr)
        passing = passing[np.argsort(-order_by[i, passing], kind="stable")]
        regular = [j for j in passing if not exclusive[j]]
        if regular:
            out.append([ids[j] for j in regular])
        elif len(passing):
            out.append([ids[passing[0]]])
        else:
            out.append([OVERIG])
    return out


def codes_to_indicator(codes: Sequence[Sequence[str]], ids: Sequence[str]) -> np.ndarray:
    """0/1 matrix over ``ids`` (overig and non_answer give empty rows)."""
    pos = {t: j for j, t in enumerate(ids)}
    out = np.zeros((len(codes), len(ids)), dtype=int)
    for i, row in enumerate(codes):
        for c in row:
            if c in pos:
                out[i, pos[c]] = 1
    return out
