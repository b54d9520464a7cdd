"""How well machine codes match human codes.

* ``theme_report(y_true, y_pred)``: per theme precision, recall, F1, support,
  Cohen's kappa and Krippendorff's alpha (presence/absence); macro and micro
  F1, mean kappa and a pooled alpha. ``CodingReport.to_markdown()`` prints it.
* ``cohen_kappa(a, b)`` and ``krippendorff_alpha(data, level)``, written
  from their definitions (Cohen 1960; Krippendorff 2011, "Computing
  Krippendorff's Alpha-Reliability"), nominal/ordinal/interval/ratio, with
  missing values.
* ``coverage_precision_curve`` / ``coverage_at_precision``: if only answers
  whose best score clears a cut are coded automatically, how many is that and
  how precise are they (the rest goes to a human).
* ``cross_validated_report(coder_factory, X, Y)``: out-of-fold predictions,
  a fresh coder per fold.

Conventions (all documented in the functions): precision of a theme never
predicted is 0; a theme with neither support nor predictions is left out of
the macro average (nothing to measure); kappa and alpha are NaN when chance
agreement is total (both coders constant and equal), and means skip NaN.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

# --- agreement --------------------------------------------------------------------


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two coders over the same units (nominal categories):
    (p_o - p_e) / (1 - p_e), p_e from each coder's own marginals.
    NaN when p_e = 1 (both coders used one and the same category throughout)."""
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise ValueError("both coders must code the same units")
    n = len(a)
    if n == 0:
        return float("nan")
    cats = sorted(set(a) | set(b), key=repr)
    idx = {c: i for i, c in enumerate(cats)}
    m = np.zeros((len(cats), len(cats)))
    for x, y in zip(a, b):
        m[idx[x], idx[y]] += 1
    po = np.trace(m) / n
    pe = float((m.sum(1) / n) @ (m.sum(0) / n))
    if np.isclose(pe, 1.0):
        return float("nan")
    return float((po - pe) / (1 - pe))


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def krippendorff_alpha(data: Any, level: str = "nominal") -> float:
    """Krippendorff's alpha from the coincidence matrix (Krippendorff 2011).

    ``data``: reliability data, one row per coder, one column per unit;
    ``None``/NaN for a missing value. ``level``: 'nominal', 'ordinal',
    'interval' or 'ratio' (the last three need numbers). Units with fewer
    than two values are not pairable and left out. Returns
    1 - (n - 1) * sum_ck o_ck d2_ck / sum_ck n_c n_k d2_ck;
    NaN when there is no pairable unit or only one value overall."""
    rows = [list(r) for r in (data.tolist() if isinstance(data, np.ndarray) else data)]
    if not rows:
        return float("nan")
    n_units = max(len(r) for r in rows)
    units = []
    for u in range(n_units):
        vals = [r[u] for r in rows if u < len(r) and not _missing(r[u])]
        if len(vals) >= 2:
            units.append(vals)
    if not units:
        return float("nan")
    values = sorted({v for vals in units for v in vals}, key=lambda v: (repr(type(v)), v)
                    if level == "nominal" else float(v))
    if len(values) < 2:
        return float("nan")
    idx = {v: i for i, v in enumerate(values)}
    V = len(values)
    o = np.zeros((V, V))
    for vals in units:
        m = len(vals)
        counts = np.zeros(V)
        for v in vals:
            counts[idx[v]] += 1
        # ordered pairs of values from different coders: n_c n_k (c != k), n_c (n_c - 1) (c == k)
        pairs = np.outer(counts, counts) - np.diag(counts)
        o += pairs / (m - 1)
    n_c = o.sum(1)
    n = n_c.sum()
    d2 = _delta2(values, n_c, level)
    num = (o * d2).sum()
    den = (np.outer(n_c, n_c) * d2).sum()
    if den == 0:
        return float("nan")
    return float(1.0 - (n - 1) * num / den)


def _delta2(values: list[Any], n_c: np.ndarray, level: str) -> np.ndarray:
    V = len(values)
    if level == "nominal":
        return 1.0 - np.eye(V)
    x = np.array([float(v) for v in values])
    if level == "interval":
        return (x[:, None] - x[None, :]) ** 2
    if level == "ratio":
        s = x[:, None] + x[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(s == 0, 0.0, (x[:, None] - x[None, :]) / s)
        return r ** 2
    if level == "ordinal":
        cum = np.cumsum(n_c)
        d = np.zeros((V, V))
        for c in range(V):
            for k in range(V):
                lo, hi = min(c, k), max(c, k)
                between = cum[hi] - (cum[lo - 1] if lo > 0 else 0.0)
                d[c, k] = (between - (n_c[c] + n_c[k]) / 2) ** 2
        return d
    raise ValueError(f"level must be nominal, ordinal, interval or ratio, not '{level}'")


# --- per-theme report -------------------------------------------------------------

@dataclass
class CodingReport:
    """Per-theme and overall scores of machine codes against human codes."""

    per_theme: pd.DataFrame  # theme, precision, recall, f1, support, predicted, kappa, alpha
    macro_f1: float
    micro_f1: float
    micro_precision: float
    micro_recall: float
    mean_kappa: float
    alpha: float  # pooled over all (answer, theme) presence/absence decisions
    n_answers: int
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, float]:
        return {"macro_f1": self.macro_f1, "micro_f1": self.micro_f1,
                "micro_precision": self.micro_precision, "micro_recall": self.micro_recall,
                "mean_kappa": self.mean_kappa, "alpha": self.alpha, "n_answers": self.n_answers,
                **self.extra}

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary(), "per_theme": self.per_theme.to_dict(orient="records")}

    def to_markdown(self, digits: int = 2) -> str:
        head = "| theme | P | R | F1 | support | predicted | kappa | alpha |\n|---|---|---|---|---|---|---|---|"
        f = (lambda v: "–" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.{digits}f}")
        lines = [head]
        for r in self.per_theme.itertuples():
            lines.append(f"| {r.theme} | {f(r.precision)} | {f(r.recall)} | {f(r.f1)} | {r.support} | "
                         f"{r.predicted} | {f(r.kappa)} | {f(r.alpha)} |")
        lines.append(f"| **macro** | | | {f(self.macro_f1)} | | | {f(self.mean_kappa)} | |")
        lines.append(f"| **micro** | {f(self.micro_precision)} | {f(self.micro_recall)} | "
                     f"{f(self.micro_f1)} | | | | {f(self.alpha)} |")
        return "\n".join(lines)


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return p, r, f


def theme_report(y_true: Any, y_pred: Any, theme_ids: Sequence[str] | None = None) -> CodingReport:
    """Per-theme P/R/F1/support, kappa and alpha (presence/absence of the theme,
    human vs machine), macro F1 (themes with support or predictions), micro
    P/R/F1 (all decisions pooled), mean kappa and pooled alpha.

    ``y_true``/``y_pred``: (n, n_themes) 0/1 matrices or DataFrames (their
    columns name the themes). To score ``overig``/``non_answer`` too, add
    them as columns."""
    if theme_ids is None and hasattr(y_true, "columns"):
        theme_ids = [str(c) for c in y_true.columns]
    T = (np.asarray(y_true) > 0).astype(int)
    P = (np.asarray(y_pred) > 0).astype(int)
    if T.shape != P.shape:
        raise ValueError(f"y_true {T.shape} and y_pred {P.shape} differ in shape")
    ids = list(theme_ids) if theme_ids is not None else [str(j) for j in range(T.shape[1])]
    rows = []
    for j, tid in enumerate(ids):
        t, p = T[:, j], P[:, j]
        tp, fp, fn = int((t & p).sum()), int(((1 - t) & p).sum()), int((t & (1 - p)).sum())
        prec, rec, f1 = _prf(tp, fp, fn)
        rows.append({"theme": tid, "precision": prec, "recall": rec, "f1": f1,
                     "support": int(t.sum()), "predicted": int(p.sum()),
                     "kappa": cohen_kappa(t, p), "alpha": krippendorff_alpha([t, p])})
    df = pd.DataFrame(rows, columns=["theme", "precision", "recall", "f1", "support", "predicted",
                                     "kappa", "alpha"])
    scored = (df.support > 0) | (df.predicted > 0)
    tp, fp, fn = int((T & P).sum()), int(((1 - T) & P).sum()), int((T & (1 - P)).sum())
    mp, mr, mf = _prf(tp, fp, fn)
    kappas = df.kappa.to_numpy(dtype=float)
    return CodingReport(
        per_theme=df,
        macro_f1=float(df.f1[scored].mean()) if scored.any() else float("nan"),
        micro_f1=mf, micro_precision=mp, micro_recall=mr,
        mean_kappa=float(np.nanmean(kappas)) if np.isfinite(kappas).any() else float("nan"),
        alpha=krippendorff_alpha([T.ravel(), P.ravel()]),
        n_answers=len(T))


def single_label_scores(y_true: Sequence[Hashable], y_pred: Sequence[Hashable],
                        labels: Sequence[Hashable] | None = None) -> dict[str, float]:
    """Accuracy, macro-F1 (over ``labels``, default: those in y_true) and
    micro-F1 for one label per answer (micro-F1 = accuracy when every answer
    gets exactly one label from ``labels``), plus Cohen's kappa and alpha."""
    y_true, y_pred = list(y_true), list(y_pred)
    labels = list(labels) if labels is not None else sorted(set(y_true), key=repr)
    f1s = []
    tp_all = fp_all = fn_all = 0
    for lab in labels:
        tp = sum(1 for a, b in zip(y_true, y_pred) if a == lab and b == lab)
        fp = sum(1 for a, b in zip(y_true, y_pred) if a != lab and b == lab)
        fn = sum(1 for a, b in zip(y_true, y_pred) if a == lab and b != lab)
        f1s.append(_prf(tp, fp, fn)[2])
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    return {"accuracy": float(np.mean([a == b for a, b in zip(y_true, y_pred)])) if y_true else float("nan"),
            "macro_f1": float(np.mean(f1s)) if f1s else float("nan"),
            "micro_f1": _prf(tp_all, fp_all, fn_all)[2],
            "kappa": cohen_kappa(y_true, y_pred),
            "alpha": krippendorff_alpha([y_true, y_pred])}


# --- coverage vs precision --------------------------------------------------------

def coverage_precision_curve(y_true: Any, scores: Any, y_pred: Any = None,
                             thresholds: Sequence[float] | None = None) -> pd.DataFrame:
    """For cuts on each answer's best score: the share of answers coded
    automatically (best score >= cut) and the precision on those.

    Precision: without ``y_pred``, the share of auto-coded answers whose
    best-scoring theme is one of their true themes; with ``y_pred`` (0/1
    matrix), the micro precision of its codes on the auto-coded answers.
    Rows by increasing threshold, so ``coverage`` never increases; default
    cuts are the distinct best scores."""
    T = (np.asarray(y_true) > 0).astype(int)
    S = np.asarray(scores, dtype=float)
    best = S.max(axis=1) if S.size else np.zeros(0)
    if y_pred is None:
        correct = T[np.arange(len(T)), S.argmax(axis=1)].astype(float) if len(T) else np.zeros(0)
        tp_row, pred_row = correct, np.ones(len(T))
    else:
        Pm = (np.asarray(y_pred) > 0).astype(int)
        tp_row, pred_row = (Pm & T).sum(1).astype(float), Pm.sum(1).astype(float)
    cuts = np.unique(best) if thresholds is None else np.sort(np.asarray(thresholds, dtype=float))
    out = []
    for c in cuts:
        cov = best >= c
        n_auto = int(cov.sum())
        denom = pred_row[cov].sum()
        prec = float(tp_row[cov].sum() / denom) if denom else float("nan")
        out.append({"threshold": float(c), "coverage": n_auto / len(best) if len(best) else 0.0,
                    "precision": prec, "n_auto": n_auto})
    return pd.DataFrame(out, columns=["threshold", "coverage", "precision", "n_auto"])


def coverage_at_precision(y_true: Any, scores: Any, target: float = 0.9, y_pred: Any = None,
                          ) -> dict[str, float]:
    """The largest coverage whose auto-coded answers reach ``target``
    precision, with its cut. Coverage 0 and cut +inf when no cut reaches it."""
    curve = coverage_precision_curve(y_true, scores, y_pred)
    ok = curve[curve.precision >= target]
    if ok.empty:
        return {"coverage": 0.0, "threshold": float("inf"), "precision": float("nan"), "target": target}
    best = ok.sort_values(["coverage", "threshold"], ascending=[False, True]).iloc[0]
    return {"coverage": float(best.coverage), "threshold": float(best.threshold),
            "precision": float(best.precision), "target": target}


# --- cross-validation -------------------------------------------------------------

@dataclass
class CVResult:
    """A cross-validated evaluation of the coder: the report, the out-of-fold scores and
    predictions, and the folds."""

    report: CodingReport
    scores: np.ndarray       # out-of-fold predict_proba
    predictions: np.ndarray  # out-of-fold predict
    folds: list[tuple[np.ndarray, np.ndarray]]


def _take(X: Any, idx: np.ndarray) -> Any:
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if isinstance(X, np.ndarray):
        return X[idx]
    return [X[i] for i in idx]


def _new_coder(factory: Any) -> Any:
    if hasattr(factory, "fit") and hasattr(factory, "get_params"):
        if hasattr(factory, "_fresh"):
            return factory._fresh()
        from sklearn.base import clone
        return clone(factory)
    return factory()


def cross_validated_report(coder_factory: Callable[[], Any] | Any, X: Any, Y: Any, cv: int = 5,
                           seed: int = 0, theme_ids: Sequence[str] | None = None) -> CVResult:
    """Per-theme P/R/F1, kappa and alpha from out-of-fold predictions.

    ``coder_factory``: a function returning a new unfitted coder, or a coder
    to copy; a fresh one is fitted per fold (as small-text does), on folds
    stratified by each answer's first theme when every class allows it."""
    from textmine.coders.base import as_indicator, label_folds
    ids = list(theme_ids) if theme_ids is not None else (
        [str(c) for c in Y.columns] if hasattr(Y, "columns") else None)
    Yi = as_indicator(Y, ids)
    n = len(Yi)
    folds = label_folds(Yi, cv, seed)
    S = np.zeros(Yi.shape, dtype=float)
    P = np.zeros(Yi.shape, dtype=int)
    for tr, te in folds:
        coder = _new_coder(coder_factory)
        coder.fit(_take(X, tr), Yi[tr] if not hasattr(Y, "iloc") else Y.iloc[tr])
        S[te] = coder.predict_proba(_take(X, te))
        P[te] = coder.predict(_take(X, te))
    if ids is None:
        ids = [str(j) for j in range(Yi.shape[1])]
    report = theme_report(Yi, P, ids)
    report.extra["cv"] = len(folds)
    assert n == len(S)
    return CVResult(report, S, P, folds)
