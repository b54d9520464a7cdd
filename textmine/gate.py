"""Gated auto-coding: which machine codes may stand without a human reading them.

A machine code gets one of three statuses (``STATUSES``):

* ``auto``: every theme the machine gave the answer scores at or above that theme's
  *auto threshold*, the cut above which the theme's estimated precision is at least
  ``target_precision`` (0.9);
* ``suggested``: anything else the machine coded (to be reviewed in the queue);
* ``human``: a person coded the answer (never touched by the machine).

:class:`AutoGate` learns the auto thresholds (scikit-learn style)::

    gate = AutoGate(target_precision=0.9).fit(Y, S)   # Y: n x k 0/1 human codes
    gate.thresholds_, gate.precision_, gate.support_, gate.needed_
    gate.status(S_new, assigned)                       # array of 'auto' / 'suggested'

``S`` must be *honest* scores of the human-coded answers: out-of-fold scores of the
answers the coder learned from (``BaseCoder.oof_scores_``), or the coder's scores of the
random audit sample (never used for training). Scores of answers a coder was trained on
overstate its precision and must not be given.

The rule per theme ``j``: sort the labelled answers by score; for every cut (a distinct
score) the answers at or above it are ``support`` answers of which ``tp`` carry the theme.
The cut is accepted when the one-sided Clopper-Pearson lower bound (``confidence``,
default 0.8) of ``tp / support`` is at least ``target_precision``; the auto threshold is
the lowest accepted cut (most answers auto), set at the score of the lowest answer it
includes. So a cut needs at least 16 answers above it, all right, at 0.9 / 0.8 (``min_run``);
with one wrong answer about 28. ``precision_`` is the observed ``tp / support`` there,
``precision_lower_`` the bound. A theme with no accepted cut has threshold ``inf`` and
precision NaN. With fewer than ``min_human`` labelled answers nothing is accepted at all.

Rule for an answer with several themes: ``auto`` only when it has at least one
codebook theme and *every* theme the machine assigned passes its auto threshold (one
doubtful theme sends the whole answer to review). An answer coded ``overig`` (no theme
passed the coder's own threshold) or a non-answer is never ``auto``.

``needed_``: roughly how many more human codes before anything can be auto: the gap to
``min_human`` when below it; 0 when some theme is reachable; otherwise an extrapolation
from the theme closest to a run of ``min_run`` right answers above a cut (at least 10).

Stored: the coding run keeps each run's gate (``to_dict``; ``Store.save_gate``); an answer's
status is derived when read from its machine codes and their run's gate (``machine_status``).

This module's API (``AutoGate``, its parameters and fitted attributes, ``status``,
``auto_mask``, ``summary``, ``to_dict``/``from_dict``, ``machine_status``, ``STATUSES``) is used by the coding run, the
store and scripts/eval_effort.py: keep it stable.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

AUTO, SUGGESTED, HUMAN = "auto", "suggested", "human"
STATUSES = (AUTO, SUGGESTED, HUMAN)


def precision_lower_bound(tp: np.ndarray | int, n: np.ndarray | int, confidence: float = 0.8) -> np.ndarray:
    """One-sided Clopper-Pearson lower bound of a precision ``tp / n`` (0 where tp = 0)."""
    from scipy.stats import beta
    tp = np.asarray(tp, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = beta.ppf(1.0 - confidence, np.maximum(tp, 1e-12), np.maximum(n - tp + 1, 1e-12))
    return np.where((tp > 0) & (n > 0), lo, 0.0)


def min_run(target_precision: float = 0.9, confidence: float = 0.8) -> int:
    """The fewest answers, all right, whose precision bound reaches the target: ``target**n <= 1 - confidence``."""
    return int(math.ceil(math.log(1.0 - confidence) / math.log(target_precision) - 1e-9))


class AutoGate(BaseEstimator):
    """Per-theme auto thresholds at an estimated precision of ``target_precision`` (module doc).

    Parameters: ``target_precision`` (0.9); ``confidence`` of the lower bound (0.8);
    ``min_human``: labelled answers needed before anything can be auto (30);
    ``theme_ids``: names of the columns (optional; needed when ``status`` gets lists of ids);
    ``pool`` (off): themes without a cut of their own (and at least ``min_pool_pos`` positives)
    share one cut, estimated on their answers together; ``margin`` (0): wrong answers added to
    every cut's count, a stricter bound. Neither raised the real precision on the measured data
    (README, "Auto-coding"), so both stay off.

    Fitted: ``thresholds_`` (inf where unreachable), ``precision_`` (observed precision above
    the cut, NaN where unreachable), ``precision_lower_``, ``support_`` (labelled answers at or
    above the cut), ``positives_`` (labelled answers with the theme), ``n_labelled_``,
    ``needed_`` (int), ``theme_ids_``, ``pooled_`` (per theme: its cut is the pooled one)."""

    def __init__(self, target_precision: float = 0.9, confidence: float = 0.8, min_human: int = 30,
                 theme_ids: Sequence[str] | None = None, pool: bool = False, min_pool_pos: int = 5,
                 margin: int = 0) -> None:
        self.target_precision = target_precision
        self.confidence = confidence
        self.min_human = min_human
        self.theme_ids = theme_ids
        self.pool = pool
        self.min_pool_pos = min_pool_pos
        self.margin = margin

    def fit(self, Y: Any, S: Any) -> AutoGate:
        """Learn the auto thresholds from human codes ``Y`` (n x k, 0/1) and honest scores ``S``."""
        Y = np.atleast_2d(np.asarray(Y, dtype=float)) > 0
        S = np.atleast_2d(np.asarray(S, dtype=float))
        if Y.shape != S.shape:
            raise ValueError(f"Y has shape {Y.shape} but S has {S.shape}")
        n, k = Y.shape
        self.theme_ids_ = list(self.theme_ids) if self.theme_ids is not None else [str(j) for j in range(k)]
        if len(self.theme_ids_) != k:
            raise ValueError(f"{len(self.theme_ids_)} theme ids for {k} score columns")
        self.n_labelled_ = int(n)
        self.positives_ = Y.sum(0).astype(int)
        self.thresholds_ = np.full(k, np.inf)
        self.precision_ = np.full(k, np.nan)
        self.precision_lower_ = np.full(k, np.nan)
        self.support_ = np.zeros(k, dtype=int)
        run = min_run(self.target_precision, self.confidence)
        best_run = np.zeros(k, dtype=int)  # right answers at the top before the first wrong one
        for j in range(k):
            ok = np.isfinite(S[:, j])
            s, y = S[ok, j], Y[ok, j]
            if not len(s) or not y.any():
                continue
            order = np.argsort(-s, kind="stable")
            s, y = s[order], y[order]
            best_run[j] = int(np.argmin(y)) if not y.all() else len(y)
            if n < self.min_human:
                continue
            cut = self._cut(s, y)
            if cut is not None:
                self.thresholds_[j], self.precision_[j], self.precision_lower_[j], self.support_[j] = cut
        self.pooled_ = np.zeros(k, dtype=bool)
        pool = [j for j in range(k) if not np.isfinite(self.thresholds_[j]) and self.positives_[j] >= self.min_pool_pos]
        if self.pool and n >= self.min_human and pool:
            # themes without a cut of their own share one, estimated on their answers together
            s = S[:, pool].ravel()
            y = Y[:, pool].ravel()
            ok = np.isfinite(s)
            s, y = s[ok], y[ok]
            order = np.argsort(-s, kind="stable")
            cut = self._cut(s[order], y[order])
            if cut is not None:
                for j in pool:
                    self.thresholds_[j], self.precision_[j], self.precision_lower_[j], self.support_[j] = cut
                    self.pooled_[j] = True
        if n < self.min_human:
            self.needed_ = int(self.min_human - n)
        elif np.isfinite(self.thresholds_).any():
            self.needed_ = 0
        else:
            # extrapolate: right answers at a theme's top grow about in step with the labelled answers
            rate = best_run.max() / max(n, 1)
            gap = run - best_run.max()
            self.needed_ = int(max(10, math.ceil(gap / rate) if rate > 0 else n))
        return self

    def _cut(self, s: np.ndarray, y: np.ndarray) -> tuple[float, float, float, int] | None:
        """(threshold, precision, lower bound, support) of the lowest accepted cut on scores ``s``
        sorted descending with labels ``y``; None when no cut is accepted."""
        tp = np.cumsum(y)
        cnt = np.arange(1, len(s) + 1)
        last_of_run = np.r_[s[1:] != s[:-1], True]  # a cut cannot split equal scores
        # ``margin`` wrong answers more than seen: a cut chosen at the end of a lucky run of right
        # answers overstates the precision of the answers just above it
        lower = precision_lower_bound(tp, cnt + self.margin, self.confidence)
        ok_cut = last_of_run & (lower >= self.target_precision) & (s > 0)
        if not ok_cut.any():
            return None
        i = int(np.flatnonzero(ok_cut)[-1])
        return float(s[i]), float(tp[i] / cnt[i]), float(lower[i]), int(cnt[i])

    # -- using it --
    def auto_mask(self, S: Any) -> np.ndarray:
        """(n, k) bool: scores at or above their theme's auto threshold."""
        self._check()
        S = np.atleast_2d(np.asarray(S, dtype=float))
        return S >= self.thresholds_[None, :]

    def status(self, S: Any, assigned: Any, non_answer: Sequence[bool] | None = None) -> np.ndarray:
        """Per answer 'auto' or 'suggested' (module doc's rule). ``assigned``: the machine's themes,
        an (n, k) 0/1 matrix or one list of theme ids per answer (ids outside ``theme_ids_``,
        such as overig, count as no theme)."""
        self._check()
        S = np.atleast_2d(np.asarray(S, dtype=float))
        A = self._indicator(assigned, len(S))
        passes = self.auto_mask(S) | ~A
        auto = A.any(1) & passes.all(1)
        if non_answer is not None:
            auto &= ~np.asarray(non_answer, dtype=bool)
        return np.where(auto, AUTO, SUGGESTED)

    @property
    def reachable_(self) -> np.ndarray:
        """Per theme: has an auto threshold."""
        self._check()
        return np.isfinite(self.thresholds_)

    def summary(self) -> list[dict[str, Any]]:
        """One dict per theme: theme, threshold (None if unreachable), precision, precision_lower,
        support, positives, pooled (its cut is the pooled one)."""
        self._check()
        return [{"theme": t, "threshold": _num(self.thresholds_[j]), "precision": _num(self.precision_[j]),
                 "precision_lower": _num(self.precision_lower_[j]), "support": int(self.support_[j]),
                 "positives": int(self.positives_[j]), "pooled": bool(self.pooled_[j])}
                for j, t in enumerate(self.theme_ids_)]

    def to_dict(self) -> dict[str, Any]:
        """Parameters and fitted state as plain JSON-able values (see ``from_dict``)."""
        return {"params": {"target_precision": self.target_precision, "confidence": self.confidence,
                           "min_human": self.min_human, "pool": self.pool, "min_pool_pos": self.min_pool_pos,
                           "margin": self.margin},
                "n_labelled": self.n_labelled_, "needed": self.needed_, "themes": self.summary()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AutoGate:
        """A fitted gate from ``to_dict``'s output."""
        themes = d["themes"]
        g = cls(**d["params"], theme_ids=[t["theme"] for t in themes])
        g.theme_ids_ = [t["theme"] for t in themes]
        g.n_labelled_ = int(d["n_labelled"])
        g.needed_ = int(d["needed"])
        g.thresholds_ = np.array([np.inf if t["threshold"] is None else t["threshold"] for t in themes], float)
        g.precision_ = np.array([np.nan if t["precision"] is None else t["precision"] for t in themes], float)
        g.precision_lower_ = np.array([np.nan if t["precision_lower"] is None else t["precision_lower"]
                                       for t in themes], float)
        g.support_ = np.array([t["support"] for t in themes], int)
        g.positives_ = np.array([t["positives"] for t in themes], int)
        g.pooled_ = np.array([bool(t.get("pooled", False)) for t in themes], bool)
        return g

    # -- helpers --
    def _check(self) -> None:
        from sklearn.exceptions import NotFittedError
        if not hasattr(self, "thresholds_"):
            raise NotFittedError("AutoGate is not fitted yet: call fit first")

    def _indicator(self, assigned: Any, n: int) -> np.ndarray:
        k = len(self.theme_ids_)
        if isinstance(assigned, np.ndarray) and assigned.ndim == 2:
            A = assigned > 0
        else:
            rows = list(assigned)
            if rows and not isinstance(rows[0], (list, tuple, set, frozenset)):
                A = np.asarray(rows, dtype=float).reshape(n, k) > 0
            else:
                pos = {t: j for j, t in enumerate(self.theme_ids_)}
                A = np.zeros((len(rows), k), bool)
                for i, r in enumerate(rows):
                    for t in r:
                        if t in pos:
                            A[i, pos[t]] = True
        if A.shape != (n, k):
            raise ValueError(f"assigned has shape {A.shape}, expected {(n, k)}")
        return A


def machine_status(codes: Any, gates: Mapping[int, AutoGate | dict[str, Any]]) -> dict[tuple, str]:
    """Per answer with current machine codes, (wave, respondent_id) -> 'auto' or 'suggested', from
    its codes' scores and the gate of the run that made them (``gates``: run id -> AutoGate or its
    ``to_dict``). ``codes``: rows with wave, respondent_id, theme, score, applies, run_id and source
    (``Store.machine_scores`` or ``Store.codes``); only machine rows count. The module doc's rule:
    auto when at least one theme applies and every applying theme scores at or above its threshold;
    an answer whose run has no gate is 'suggested'. Human codes are the caller's business."""
    machine = codes[codes["source"] == "machine"]
    if machine.empty:
        return {}
    cuts: dict[tuple[int, str], float] = {}
    runs = machine["run_id"].fillna(-1).astype(int).tolist()
    present = set(runs)
    for run, g in gates.items():
        if int(run) not in present:
            continue  # a run whose codes were all replaced since
        g = g if isinstance(g, AutoGate) else AutoGate.from_dict(g)
        cuts.update({(int(run), t): float(c) for t, c in zip(g.theme_ids_, g.thresholds_)})
    thr = np.array([cuts.get((r, t), np.inf) for r, t in zip(runs, machine["theme"].tolist())], dtype=float)
    applies = machine["applies"].astype(bool).to_numpy()
    score = machine["score"].astype(float).fillna(-np.inf).to_numpy()
    frame = machine[["wave", "respondent_id"]].assign(applies=applies, ok=~applies | (score >= thr))
    per = frame.groupby(["wave", "respondent_id"], sort=False).agg(any_=("applies", "any"), all_=("ok", "all"))
    return {k: AUTO if a and b else SUGGESTED for k, a, b in zip(per.index, per["any_"], per["all_"])}


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None
