"""Gated auto-coding: which machine codes may stand without a human reading them.

A machine code gets one of three statuses (``STATUSES``):

* ``auto``: every theme the machine gave the answer scores at or above that theme's
  *auto threshold*, the cut above which the theme's estimated precision is at least
  ``target_precision`` (0.9);
* ``suggested``: anything else the machine coded (to be reviewed in the queue);
* ``human``: a person coded the answer (never touched by the machine).

:class:`AutoGate` learns the auto thresholds (scikit-learn style)::

    gate = AutoGate(target_precision=0.9).fit(Y, S, assigned)  # Y: n x k 0/1 human codes
    gate.thresholds_, gate.precision_, gate.support_, gate.answer_threshold_, gate.needed_
    gate.status(S_new, assigned)                       # array of 'auto' / 'suggested'

``S`` must be *honest* scores of the human-coded answers: out-of-fold scores of the
answers the coder learned from (``BaseCoder.honest_scores_``), or the coder's scores of the
random audit sample (never used for training). Scores of answers a coder was trained on
overstate its precision and must not be given. And ``status`` must get scores on the same
footing: ``BaseCoder.cross_fit_proba`` (the mean of the fold coders that made the honest
scores), not ``predict_proba``: the coder trained on every label scores more confidently than
its fold coders, so a cut learned on out-of-fold scores would let through far more answers
than it was measured on (on the synthetic sample: a theme right on 21 of 21 answers above its
cut, then on 16 of 30 new answers when judged by ``predict_proba``).

The rule per theme ``j``: sort the labelled answers by score; for every cut (a distinct
score) the answers at or above it are ``support`` answers of which ``tp`` carry the theme.
The cut is accepted when the one-sided Clopper-Pearson lower bound (``confidence``,
default 0.8) of ``tp / support`` is at least ``target_precision``; the auto threshold is
the lowest accepted cut (most answers auto), set at the score of the lowest answer it
includes. So a cut needs at least 16 answers above it, all right, at 0.9 / 0.8 (``min_run``);
with one wrong answer about 28. ``precision_`` is the observed ``tp / support`` there,
``precision_lower_`` the bound. A theme with no accepted cut has threshold ``inf`` and
precision NaN. With fewer than ``min_human`` labelled answers nothing is accepted at all.

The answer-level cut (``fit``'s ``assigned``: the themes the coder gives the labelled answers
from those same honest scores). Per-theme cuts alone are optimistic: with many themes, some
pass because their 16-20 answers above a cut happen to be clean (on the Chamber texts a theme
passed on 18 of 18 right while its real precision above the cut was 0.75). So the gate also
pools the evidence over themes, per answer: an answer's *confidence* is the lowest score among
the themes the machine gave it, and it is right when every one of them is a human code. The
answer threshold (``answer_threshold_``) is the lowest confidence above which the labelled
answers are right at the same bound, on all labelled answers together (about ten times more
evidence than a theme has). Without ``assigned`` there is no answer-level cut (-inf).

Rule for an answer: ``auto`` only when it has at least one codebook theme, *every* theme
the machine assigned passes its auto threshold (one doubtful theme sends the whole answer to
review) and its confidence passes the answer threshold. An answer coded ``overig`` (no theme
passed the coder's own threshold) or a non-answer is never ``auto``.

``needed_``: roughly how many more human codes before anything can be auto: the gap to
``min_human`` when below it; 0 when some theme and the answer threshold are reachable; otherwise an extrapolation
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
    ``needed_`` (int), ``theme_ids_``, ``pooled_`` (per theme: its cut is the pooled one),
    ``answer_threshold_`` (the answer-level cut, module doc; inf when unreachable, -inf without
    ``assigned``), ``answer_precision_``, ``answer_precision_lower_``, ``answer_support_``."""

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

    def fit(self, Y: Any, S: Any, assigned: Any = None) -> AutoGate:
        """Learn the auto thresholds from human codes ``Y`` (n x k, 0/1) and honest scores ``S``;
        ``assigned``: the themes the coder gives those answers from ``S`` (as ``status`` takes
        them), for the answer-level cut (module doc); None: no answer-level cut."""
        Y = np.atleast_2d(np.asarray(Y, dtype=float)) > 0
        S = np.atleast_2d(np.asarray(S, dtype=float))
        if Y.shape != S.shape:
            raise ValueError(f"Y has shape {Y.shape} but S has {S.shape}")
        n, k = Y.shape
        self.theme_ids_ = list(self.theme_ids) if self.theme_ids is not None else [str(j) for j in range(k)]
        if len(self.theme_ids_) != k:
            raise ValueError(f"{len(self.theme_ids_)} theme ids for {k} score columns")
        self._fit_answer_cut(Y, S, None if assigned is None else self._indicator(assigned, n))
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
        elif np.isfinite(self.thresholds_).any() and self.answer_threshold_ < np.inf:
            self.needed_ = 0
        else:
            # extrapolate: right answers at the top grow about in step with the labelled answers
            top = best_run.max() if not np.isfinite(self.thresholds_).any() else self._answer_run
            rate = top / max(n, 1)
            gap = run - top
            self.needed_ = int(max(10, math.ceil(gap / rate) if rate > 0 else n))
        return self

    def _fit_answer_cut(self, Y: np.ndarray, S: np.ndarray, A: np.ndarray | None) -> None:
        """The answer-level cut (module doc) from human codes, honest scores and the machine's themes."""
        self.answer_threshold_, self.answer_precision_, self.answer_precision_lower_ = -np.inf, np.nan, np.nan
        self.answer_support_, self._answer_run = 0, 0
        if A is None:
            return
        self.answer_threshold_ = np.inf
        conf = confidence(S, A)
        ok = np.isfinite(conf)  # overig, non-answers (NaN scores): never auto, no evidence
        if not ok.any():
            return
        right = (A <= Y).all(1)[ok]  # every theme the machine gave is a human code
        order = np.argsort(-conf[ok], kind="stable")
        c, y = conf[ok][order], right[order]
        self._answer_run = int(np.argmin(y)) if not y.all() else len(y)
        if len(Y) < self.min_human:
            return
        cut = self._cut(c, y)
        if cut is not None:
            (self.answer_threshold_, self.answer_precision_, self.answer_precision_lower_,
             self.answer_support_) = cut

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
        auto = A.any(1) & passes.all(1) & (confidence(S, A) >= self.answer_threshold_)
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
                "n_labelled": self.n_labelled_, "needed": self.needed_, "themes": self.summary(),
                "answer": {"threshold": _cut_value(self.answer_threshold_),
                           "precision": _num(self.answer_precision_),
                           "precision_lower": _num(self.answer_precision_lower_),
                           "support": int(self.answer_support_)}}

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
        # gates stored before the answer-level cut had none: their codes keep the status they had
        answer = d.get("answer") or {"threshold": "-inf"}
        g.answer_threshold_ = _from_cut_value(answer["threshold"])
        g.answer_precision_ = np.nan if answer.get("precision") is None else float(answer["precision"])
        g.answer_precision_lower_ = (np.nan if answer.get("precision_lower") is None
                                     else float(answer["precision_lower"]))
        g.answer_support_ = int(answer.get("support", 0))
        g._answer_run = 0
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


def confidence(S: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Per answer, the lowest score among the themes assigned to it (``A``, n x k bool); -inf
    for an answer with no theme, NaN where an assigned theme's score is NaN."""
    S = np.atleast_2d(np.asarray(S, dtype=float))
    c = np.where(A, S, np.inf).min(1) if S.shape[1] else np.full(len(S), np.inf)
    return np.where(A.any(1), c, -np.inf) if S.shape[1] else np.full(len(S), -np.inf)


def machine_status(codes: Any, gates: Mapping[int, AutoGate | dict[str, Any]]) -> dict[tuple, str]:
    """Per answer with current machine codes, (wave, respondent_id) -> 'auto' or 'suggested', from
    its codes' scores and the gate of the run that made them (``gates``: run id -> AutoGate or its
    ``to_dict``). ``codes``: rows with wave, respondent_id, theme, score, applies, run_id and source
    (``Store.machine_scores`` or ``Store.codes``), and gate_score (the coder's ``cross_fit_proba``,
    judged instead of the score where present); only machine rows count. The module doc's rule:
    auto when at least one theme applies and every applying theme scores at or above its threshold;
    an answer whose run has no gate is 'suggested'. Human codes are the caller's business."""
    machine = codes[codes["source"] == "machine"]
    if machine.empty:
        return {}
    cuts: dict[tuple[int, str], float] = {}
    answer_cuts: dict[int, float] = {}
    runs = machine["run_id"].fillna(-1).astype(int).tolist()
    present = set(runs)
    for run, g in gates.items():
        if int(run) not in present:
            continue  # a run whose codes were all replaced since
        g = g if isinstance(g, AutoGate) else AutoGate.from_dict(g)
        cuts.update({(int(run), t): float(c) for t, c in zip(g.theme_ids_, g.thresholds_)})
        answer_cuts[int(run)] = float(g.answer_threshold_)
    thr = np.array([cuts.get((r, t), np.inf) for r, t in zip(runs, machine["theme"].tolist())], dtype=float)
    athr = np.array([answer_cuts.get(r, np.inf) for r in runs], dtype=float)
    applies = machine["applies"].astype(bool).to_numpy()
    score = machine["score"].astype(float)
    if "gate_score" in machine:  # the score the gate judges (older codes have none: their score)
        score = machine["gate_score"].astype(float).fillna(score)
    score = score.fillna(-np.inf).to_numpy()
    # a theme the machine gave must pass its theme's cut and the run's answer-level cut (the
    # answer's confidence is its lowest assigned score, so every assigned score must pass)
    ok = ~applies | ((score >= thr) & (score >= athr))
    # per answer: any theme applies, and every row is ok (counted with bincount: the workbench
    # asks on every queue page, and a pandas groupby cost most of the page's time)
    keys = list(zip(machine["wave"].tolist(), machine["respondent_id"].tolist()))
    index: dict[tuple, int] = {}
    pos = np.fromiter((index.setdefault(k, len(index)) for k in keys), dtype=np.int64, count=len(keys))
    n = len(index)
    any_ = np.bincount(pos, weights=applies, minlength=n) > 0
    all_ = np.bincount(pos, weights=~ok, minlength=n) == 0
    return {k: AUTO if any_[i] and all_[i] else SUGGESTED for k, i in index.items()}


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _cut_value(x: float) -> float | str:
    """A cut as JSON keeps it: a number, or "inf" / "-inf" (unreachable / no cut)."""
    return float(x) if np.isfinite(x) else ("inf" if x > 0 else "-inf")


def _from_cut_value(v: Any) -> float:
    return float(v) if v is not None else np.inf
