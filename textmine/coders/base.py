"""Input records, embedder resolution and the shared coder machinery.

A coder takes ``X`` in any of these forms (all become a :class:`Batch`):

* a list of :class:`Answer` (text, lemmas, optional vector, non-answer flag);
* a list of ``textmine.nlp.CleanedAnswer`` (``normalized_text``, ``lemmas``,
  ``'non_answer' in flags``);
* a pandas DataFrame with a ``text`` column and optionally ``lemmas`` (a list
  of lowercase lemmas, or one space-separated string), ``vector`` (one array a
  row) and ``non_answer`` (bool);
* a list of plain strings (lemmas then come from a lowercase word split).

A precomputed ``vector`` must come from the same embedder the coder is given
(it is used as is; the embedder then only embeds the codebook). Lists and
DataFrames index the way scikit-learn's cross-validation expects.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from textmine.codebook import Codebook

_WORD = re.compile(r"\w+(?:[-'.]\w+)*", re.UNICODE)


# --- records ------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """One open answer as the coders see it."""

    text: str
    lemmas: tuple[str, ...] = ()
    vector: np.ndarray | None = field(default=None, compare=False)
    non_answer: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", "" if self.text is None else str(self.text))
        object.__setattr__(self, "lemmas", tuple(str(x).lower() for x in (self.lemmas or ())))


def simple_lemmas(text: str) -> tuple[str, ...]:
    """Lowercase word tokens: the stand-in for lemmas when none are given."""
    return tuple(m.group(0) for m in _WORD.finditer(str(text).lower()))


def fold(text: str) -> str:
    """Lowercase, accents removed, single spaces: the form keywords are matched in."""
    s = str(text).lower()
    if s.isascii():
        return " ".join(s.split())
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.split())


@dataclass
class Batch:
    """Columns of a set of answers (what every coder computes on)."""

    texts: list[str]
    lemmas: list[tuple[str, ...]]
    vectors: np.ndarray | None
    non_answer: np.ndarray  # bool, shape (n,)

    def __len__(self) -> int:
        return len(self.texts)

    def ensure_vectors(self, embedder: Any) -> np.ndarray:
        """Sentence vectors of the answers, embedded once and kept on the batch."""
        if self.vectors is None:
            self.vectors = encode(embedder, self.texts)
        return self.vectors


def _lemmas_of(value: Any, text: str) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return simple_lemmas(text)
    if isinstance(value, str):
        return tuple(value.lower().split()) or simple_lemmas(text)
    lem = tuple(str(x).lower() for x in value)
    return lem or simple_lemmas(text)


def _record(item: Any) -> tuple[str, tuple[str, ...], Any, bool]:
    if isinstance(item, Answer):
        return item.text, item.lemmas or simple_lemmas(item.text), item.vector, item.non_answer
    if isinstance(item, str):
        return item, simple_lemmas(item), None, False
    if isinstance(item, dict):
        text = str(item.get("text") or "")
        return (text, _lemmas_of(item.get("lemmas"), text), item.get("vector"),
                bool(item.get("non_answer", False)))
    if hasattr(item, "lemmas") and hasattr(item, "flags"):  # textmine.nlp.CleanedAnswer
        text = getattr(item, "normalized_text", None) or item.text or ""
        return text, _lemmas_of(item.lemmas, text), None, "non_answer" in (item.flags or ())
    if item is None:
        return "", (), None, False
    raise TypeError(f"cannot read an answer from {type(item).__name__}: give Answer, "
                    "CleanedAnswer, dict, str or a DataFrame with a 'text' column")


def as_batch(X: Any) -> Batch:
    """Any accepted input form as a :class:`Batch`."""
    if isinstance(X, Batch):
        return X
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ValueError("a DataFrame of answers needs a 'text' column")
        texts = ["" if (t is None or (isinstance(t, float) and np.isnan(t))) else str(t)
                 for t in X["text"]]
        lem_col = X["lemmas"] if "lemmas" in X.columns else [None] * len(texts)
        lemmas = [_lemmas_of(v, t) for v, t in zip(lem_col, texts)]
        vectors = None
        if "vector" in X.columns:
            vectors = np.vstack([np.asarray(v, dtype=np.float32) for v in X["vector"]]) \
                if len(X) else np.zeros((0, 0), np.float32)
        na = (np.asarray(X["non_answer"], dtype=bool) if "non_answer" in X.columns
              else np.zeros(len(texts), bool))
        return Batch(texts, lemmas, vectors, na)
    if pd is not None and isinstance(X, pd.Series):
        X = X.tolist()
    items = list(X)
    recs = [_record(i) for i in items]
    texts = [r[0] for r in recs]
    lemmas = [r[1] for r in recs]
    vecs = [r[2] for r in recs]
    vectors = None
    if recs and all(v is not None for v in vecs):
        vectors = np.vstack([np.asarray(v, dtype=np.float32) for v in vecs])
    na = np.array([r[3] for r in recs], dtype=bool)
    return Batch(texts, lemmas, vectors, na)


def make_answers(texts: Iterable[str], nlp: Any = None, vectors: np.ndarray | None = None) -> list[Answer]:
    """Answers from raw texts; lemmas and non-answer flags from
    ``textmine.nlp.clean_answers`` when a pipeline is given, else a lowercase
    word split and no non-answer detection."""
    texts = ["" if t is None else str(t) for t in texts]
    if nlp is not None:
        from textmine.nlp import clean_answers
        cleaned = clean_answers(nlp, texts)
        out = [Answer(c.normalized_text or t, tuple(c.lemmas), None, "non_answer" in c.flags)
               for c, t in zip(cleaned, texts)]
    else:
        out = [Answer(t, simple_lemmas(t)) for t in texts]
    if vectors is not None:
        out = [Answer(a.text, a.lemmas, v, a.non_answer) for a, v in zip(out, vectors)]
    return out


# --- embedders ----------------------------------------------------------------

_EMBEDDERS: dict[str, Any] = {}


def resolve_embedder(spec: Any) -> Any:
    """An object with ``encode(list[str]) -> ndarray`` from a backend name or
    ``None`` (``textmine.embed.get_embedder``; pretrained backends are loaded
    once per process and shared) or the object itself.

    A backend that learns from a corpus (``is_fitted`` false, e.g.
    ``tfidf-char``) is never shared: a name gives a fresh instance, an object
    is copied, and the coder fits it in ``fit`` (see :func:`fit_embedder`)."""
    if spec is None or isinstance(spec, str):
        key = spec or ""
        if key in _EMBEDDERS:
            return _EMBEDDERS[key]
        from textmine.embed import get_embedder  # lazy: heavy, and optional for keyword coding
        emb = get_embedder(spec)
        if getattr(emb, "is_fitted", True):
            _EMBEDDERS[key] = emb
        return emb
    if not hasattr(spec, "encode"):
        raise TypeError("embedder must be a backend name or an object with .encode(list[str])")
    if not getattr(spec, "is_fitted", True):
        import copy
        return copy.deepcopy(spec)
    return spec


def fit_embedder(embedder: Any, corpus: Sequence[str]) -> Any:
    """Fit a corpus-learning backend on ``corpus`` (answers + codebook texts)
    when it is not fitted yet; pretrained backends are returned as they are."""
    if not getattr(embedder, "is_fitted", True):
        embedder.fit([t for t in corpus if t and t.strip()])
    return embedder


def encode(embedder: Any, texts: Sequence[str]) -> np.ndarray:
    """L2-normalised float32 vectors (normalised again here: cosine = dot)."""
    if len(texts) == 0:
        return np.zeros((0, 0), np.float32)
    v = np.asarray(embedder.encode([t if t.strip() else "-" for t in texts]), dtype=np.float32)
    if v.ndim == 1:
        v = v[None, :]
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms > 0, norms, 1.0)


# --- labels -------------------------------------------------------------------

def as_indicator(Y: Any, ids: Sequence[str] | None = None) -> np.ndarray:
    """An (n, n_themes) 0/1 int matrix from an indicator matrix/DataFrame or from
    lists of theme ids (ids needed then; unknown ids such as overig are dropped)."""
    try:
        import pandas as pd
        if isinstance(Y, pd.DataFrame):
            if ids is not None and set(ids) <= set(Y.columns):
                Y = Y[list(ids)]
            return (Y.to_numpy() > 0).astype(int)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(Y, np.ndarray) and Y.ndim == 2:
        return (Y > 0).astype(int)
    Y = list(Y)
    if Y and isinstance(Y[0], (list, tuple, set, frozenset, str)):
        if ids is None:
            raise ValueError("lists of theme ids need the theme ids (a codebook)")
        pos = {t: j for j, t in enumerate(ids)}
        out = np.zeros((len(Y), len(ids)), int)
        for i, codes in enumerate(Y):
            codes = [c for c in (codes.split(";") if isinstance(codes, str) else codes)]
            for c in codes:
                if c.strip() in pos:
                    out[i, pos[c.strip()]] = 1
        return out
    arr = np.asarray(Y)
    if arr.ndim != 2:
        raise ValueError("Y must be an (n_answers, n_themes) indicator matrix")
    return (arr > 0).astype(int)


def bare_codebook(labels: Sequence[str]) -> Codebook:
    """A codebook of labels only (what the zero-label learning curve starts from)."""
    from textmine.codebook import Theme, slugify
    themes: list[Theme] = []
    for label in labels:
        themes.append(Theme(id=slugify(label, [t.id for t in themes]), label=label))
    return Codebook(themes=tuple(themes))


# --- the estimator base ---------------------------------------------------------

def subset(batch: Batch, idx: Sequence[int] | np.ndarray) -> Batch:
    """The answers of ``batch`` at positions ``idx``, as a new Batch."""
    idx = np.asarray(idx, dtype=int)
    return Batch([batch.texts[i] for i in idx], [batch.lemmas[i] for i in idx],
                 None if batch.vectors is None else batch.vectors[idx], batch.non_answer[idx])


class BaseCoder:
    """Shared ``predict``/``predict_proba``/``code`` on top of two hooks:
    ``_fit(batch, Y, ids)`` (Y an int indicator matrix or None, ids the
    theme ids of its columns; sets ``theme_ids_``) and
    ``_scores(batch) -> (n, n_themes)`` in [0, 1].

    Subclasses are also ``sklearn.base.BaseEstimator``s and have the
    parameters ``threshold`` ('auto' or a number) and ``min_threshold_pos``.
    After ``fit``: ``theme_ids_`` (column order), ``thresholds_`` (one per
    theme), ``threshold_source_`` ('default', 'fixed' or 'learned' per theme) and
    ``honest_scores_`` (scores of the training answers from coders that did not learn
    from them, i.e. out-of-fold when the scores depend on the labels; NaN rows for
    non-answers; None without labels, with fewer than 6 or with a fixed threshold).
    """

    default_threshold: float = 0.5  # the codebook-only cut, per coder class
    needs_oof_for_thresholds: bool = False  # scores depend on the labels -> out-of-fold

    # -- public API --
    def fit(self, X: Any = None, Y: Any = None) -> BaseCoder:
        batch = as_batch(X if X is not None else [])
        Yi = None
        if Y is not None:
            Yi = as_indicator(Y, self._ids_for_labels())
            if len(Yi) != len(batch):
                raise ValueError(f"X has {len(batch)} answers but Y has {len(Yi)} rows")
        ids = self._ids_for_labels()
        if ids is None:  # no codebook: the label matrix names the themes
            k = 0 if Yi is None else Yi.shape[1]
            ids = [str(c) for c in Y.columns] if hasattr(Y, "columns") else [str(j) for j in range(k)]
        self._fit(batch, Yi, list(ids))
        self._fit_thresholds(batch, Yi)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Scores in [0, 1], one column per theme (``theme_ids_``); rows of
        non-answers are all zero."""
        self._check_fitted()
        return self._proba(as_batch(X))

    def code(self, X: Any, scores: np.ndarray | None = None) -> list[list[str]]:
        """Codes per answer as staff see them (see ``assign_themes``).
        ``scores``: this coder's ``predict_proba(X)`` when already computed
        (saves scoring the answers again)."""
        from .thresholds import assign_themes
        self._check_fitted()
        batch = as_batch(X)
        S = self._proba(batch, scores)
        return assign_themes(S, self.thresholds_, getattr(self, "codebook", None),
                             batch.non_answer, ids=self.theme_ids_)

    def score_and_code(self, X: Any) -> tuple[np.ndarray, list[list[str]]]:
        """``(predict_proba(X), code(X))`` with the answers scored once."""
        self._check_fitted()
        batch = as_batch(X)  # one batch: its vectors are embedded once
        S = self._proba(batch)
        return S, self.code(batch, scores=S)

    def predict(self, X: Any) -> np.ndarray:
        """Indicator matrix (n, n_themes) of ``code(X)``: exclusive themes
        applied; overig and non-answer rows are all zero."""
        from .thresholds import codes_to_indicator
        return codes_to_indicator(self.code(X), self.theme_ids_)

    def top_theme(self, X: Any) -> list[str]:
        """The best-scoring theme per answer (``non_answer`` for non-answers),
        for single-label evaluation."""
        from textmine.codebook import NON_ANSWER
        batch = as_batch(X)
        S = self.predict_proba(batch)
        return [NON_ANSWER if na else self.theme_ids_[int(np.argmax(r))]
                for r, na in zip(S, batch.non_answer)]

    # -- hooks and helpers --
    def _ids_for_labels(self) -> list[str] | None:
        cb = getattr(self, "codebook", None)
        return cb.ids if cb is not None else None

    def _proba(self, batch: Batch, S: np.ndarray | None = None) -> np.ndarray:
        """Raw scores ``S`` (``_scores(batch)`` when None) as ``predict_proba``
        gives them: clipped to [0, 1], non-answer rows zero. Idempotent, so
        scores that are already probabilities pass through unchanged."""
        k = len(self.theme_ids_)
        if not len(batch):
            return np.zeros((0, k))
        if S is None:
            S = self._scores(batch)
        elif np.shape(S) != (len(batch), k):
            raise ValueError(f"scores have shape {np.shape(S)}, expected {(len(batch), k)}")
        S = np.clip(np.asarray(S, dtype=float), 0.0, 1.0)
        S[batch.non_answer] = 0.0
        return S

    def _check_fitted(self) -> None:
        from sklearn.exceptions import NotFittedError
        if not hasattr(self, "thresholds_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit first")

    def _fresh(self, **overrides: Any) -> Any:
        """An unfitted copy with the same parameters (objects shared, not
        deep-copied as ``sklearn.clone`` would: embedders are big)."""
        params = self.get_params(deep=False)  # type: ignore[attr-defined]
        params.update(overrides)
        return type(self)(**params)

    def _default_thresholds(self, k: int) -> np.ndarray:
        """The cut per theme before (or without) learning one from labels."""
        return np.full(k, float(self.default_threshold))

    def _fit_thresholds(self, batch: Batch, Y: np.ndarray | None) -> None:
        from .thresholds import learn_thresholds
        k = len(self.theme_ids_)
        default = self._default_thresholds(k)
        if self.threshold != "auto":
            self.thresholds_ = np.full(k, float(self.threshold))
            self.threshold_source_ = ["fixed"] * k
            return
        self.thresholds_ = default
        self.threshold_source_ = ["default"] * k
        self.honest_scores_ = None
        self.fold_coders_ = []
        if Y is None or len(Y) < 2 * THRESHOLD_CV:
            return
        labelled = Y.sum(0) >= self.min_threshold_pos
        S = self._oof_scores(batch, Y) if self.needs_oof_for_thresholds else self._scores(batch)
        S = np.asarray(S, dtype=float)
        ok = ~batch.non_answer
        # kept for textmine.gate: scores of the training answers from coders that did not see them
        self.honest_scores_ = np.where(ok[:, None], np.clip(S, 0.0, 1.0), np.nan)
        if not labelled.any():
            return
        self.thresholds_ = learn_thresholds(Y[ok], S[ok], default, min_pos=self.min_threshold_pos)
        self.threshold_source_ = ["learned" if labelled[j] and ok.sum() > Y[ok, j].sum() else "default"
                                  for j in range(k)]

    def _oof_scores(self, batch: Batch, Y: np.ndarray) -> np.ndarray:
        """Out-of-fold scores (``THRESHOLD_CV`` folds), each fold a fresh coder (kept in
        ``fold_coders_`` for ``cross_fit_proba``)."""
        S = np.zeros(Y.shape, dtype=float)
        self.fold_coders_ = []
        for tr, te in label_folds(Y, THRESHOLD_CV, seed=0):
            est = self._fresh(threshold=self.default_threshold)
            est._fit(subset(batch, tr), Y[tr], self.theme_ids_)
            S[te] = est._scores(subset(batch, te))
            self.fold_coders_.append(est)
        return S

    def cross_fit_proba(self, X: Any) -> np.ndarray:
        """Scores on the same footing as ``honest_scores_``: the mean score of the fold coders that
        made them (each learned from two thirds of the labels), where there are such coders;
        otherwise ``predict_proba`` (the scores do not depend on the labels). A coder trained on
        every label scores more confidently than its fold coders did, so a cut learned on honest
        scores must be applied to these, not to ``predict_proba`` (textmine.gate)."""
        self._check_fitted()
        batch = as_batch(X)
        if not self.has_fold_coders:
            return self._proba(batch)
        return self._proba(batch, self._fold_scores(batch))

    @property
    def has_fold_coders(self) -> bool:
        """Whether ``cross_fit_proba`` differs from ``predict_proba`` (fold coders were fitted)."""
        return bool(getattr(self, "fold_coders_", None)) and getattr(self, "honest_scores_", None) is not None

    def _fold_scores(self, batch: Batch) -> np.ndarray:
        """The fold coders' mean raw score (a hook: a coder may share work between its folds)."""
        return np.mean([f._scores(batch) for f in self.fold_coders_], axis=0)


THRESHOLD_CV = 3


def label_folds(Y: np.ndarray, n_splits: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds stratified on each answer's first theme (its rarest theme would be
    better for multi-label, but the first is what single-label data has);
    plain shuffled folds when a class is too small to stratify."""
    from sklearn.model_selection import KFold, StratifiedKFold
    Y = np.asarray(Y)
    n = len(Y)
    n_splits = max(2, min(n_splits, n))
    strata = np.where(Y.any(1), Y.argmax(1), -1)
    _, counts = np.unique(strata, return_counts=True)
    if counts.min() >= n_splits:
        splitter = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(n), strata))
    return list(KFold(n_splits, shuffle=True, random_state=seed).split(np.zeros(n)))
