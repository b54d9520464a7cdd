"""CombinedCoder: the codebook first, the coded answers more and more.

Codebook score (no labels needed), per theme, from the KeywordCoder and
ZeroShotCoder scores (both in [0, 1]). With ``combine='noisy_or'`` (default)::

    codebook = 1 - (1 - 2 a * keyword_score) * (1 - 2 (1 - a) * zero_shot_score)

with ``a = keyword_weight`` (0.5: the plain noisy-or ``1 - (1-kw)(1-zs)``):
either source alone can carry a theme, and agreement adds up. Codebook-only
threshold 0.4: one clear keyword or pattern hit (0.5), or a zero-shot score
of 0.4 (the zero-shot coder's own cut is 0.3), or e.g. a shared keyword
(0.29) plus zero-shot 0.2. So an answer that names a partner town without
any keyword, or an English answer with one keyword, is no longer
``overig``. With ``combine='mean'`` (the earlier rule)::

    codebook = keyword_weight * keyword_score + (1 - keyword_weight) * zero_shot_score

and threshold 0.3: both sources must roughly agree. On development answers
written apart from the codebooks (scripts/eval_coding.py --part answers on
data/eval/handwritten_answers_SPENT_SYNTHETIC.csv and dev_trots_SYNTHETIC.csv)
noisy-or put the right main theme first more often at the same macro-F1;
cuts from 0.3 to 0.5 did about equally well there, and on a further set
written after those choices (dev2_trots_SYNTHETIC.csv) 0.3-0.4 did better
than 0.5, hence 0.4.

The first code of an answer may rest on one source; a further code from
the codebook alone needs both to agree: its ``combine='mean'`` score must
reach ``secondary_threshold`` (0.3, the earlier rule's cut). Respondents name
side themes in passing ("... met fairtrade-producten"), and one shared word
should not make them a code. Themes with enough human codes (a supervised
weight) pass on their threshold alone. On the development answers this kept
the macro-F1 of the earlier rule while the first code improved.

The same agreement decides between an exclusive theme ("nothing concrete
yet") and a project theme: the project wins when both sources agree on it
or it scores higher, not on one generic word ("het beleid wordt volgend
jaar opnieuw opgestart").

Order of the codes: by score, minus ``position_weight`` times where the
theme's first keyword or pattern match starts in the answer (0 = at the
start, 1 = at the end or no match): respondents tend to name their main
project first, so of two themes of about equal strength the one named first
leads. Which themes pass does not depend on it. (Weights 0.2-0.5 did
about as well on the development answers; 0.2 leaves the scores in charge.)

With human codes, a ``SupervisedCoder`` is trained on them (plus the
codebook's examples) and mixed in per theme::

    score = w * supervised + (1 - w) * codebook_mean,   w = n / (n + prior_strength)

with ``codebook_mean`` the ``combine='mean'`` codebook score whatever
``combine`` says (noisy-or would double the zero-shot share next to the
classifier; it measured worse at 5 and 10 labels a theme on the Chamber
learning curve) and ``n`` the number of human-coded answers that carry the
theme (its positives: what the supervised model knows about that theme). With the
default ``prior_strength=5``: 5 coded answers give w = 0.5, 20 give 0.8, 50
give 0.91; a theme with fewer than 2 coded answers keeps w = 0. So the
codebook alone decides at the start, and the coded answers take over as they
accumulate, theme by theme.

Thresholds: 0.4 without labels (0.3 for ``combine='mean'`` and for blended
themes); per theme learned on out-of-fold scores once a theme has
``min_threshold_pos`` coded answers.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from textmine.codebook import Codebook

from .base import Batch, BaseCoder, fit_embedder, resolve_embedder
from .codebook_scores import MEAN_RULE_CUT, CodebookScorer, combine_scores
from .supervised import SupervisedCoder
from .zeroshot import theme_text


class CombinedCoder(BaseCoder, BaseEstimator):
    """Keyword + zero-shot from the codebook, blended with a supervised coder
    per theme as human codes accumulate (see the module docstring).

    Parameters: ``codebook``; ``embedder`` (name, ``None`` for the default
    backend, or an Embedder); ``keyword_weight``; ``prior_strength`` (the k in
    w = n / (n + k)); ``example_weight``, ``example_pooling``, ``term_weight`` (zero-shot);
    ``combine`` ('noisy_or' or 'mean': keyword + zero-shot, module doc);
    ``position_weight`` (order of the codes) and ``secondary_threshold``
    (further codes from the codebook alone; None: off), module doc;
    ``use_tfidf``, ``use_examples``, ``C``, ``calibrate``, ``char_weight`` (passed to the
    SupervisedCoder); ``threshold`` ('auto' or a number), ``min_threshold_pos``.

    Fitted: ``theme_ids_``, ``codebook_scorer_``, ``supervised_`` (None
    without labels), ``weights_`` (w per theme), ``thresholds_``, ``embedder_``."""

    needs_oof_for_thresholds = True

    def __init__(self, codebook: Codebook, embedder: Any = None, keyword_weight: float = 0.5,
                 prior_strength: float = 5.0, example_weight: float = 0.5, example_pooling: str = "max",
                 term_weight: float = 0.0, combine: str = "noisy_or", position_weight: float = 0.2,
                 secondary_threshold: float | None = MEAN_RULE_CUT, use_tfidf: bool = True,
                 use_examples: bool = True, C: float = 4.0, calibrate: bool = True,
                 threshold: Any = "auto", min_threshold_pos: int = 5, char_weight: float = 1.0) -> None:
        self.codebook = codebook
        self.embedder = embedder
        self.keyword_weight = keyword_weight
        self.prior_strength = prior_strength
        self.example_weight = example_weight
        self.example_pooling = example_pooling
        self.term_weight = term_weight
        self.combine = combine
        self.position_weight = position_weight
        self.secondary_threshold = secondary_threshold
        self.use_tfidf = use_tfidf
        self.use_examples = use_examples
        self.C = C
        self.calibrate = calibrate
        self.threshold = threshold
        self.min_threshold_pos = min_threshold_pos
        self.char_weight = char_weight

    def _fit(self, batch: Batch, Y: np.ndarray | None, ids: list[str]) -> None:
        cb = self.codebook
        self.theme_ids_ = cb.ids
        emb = resolve_embedder(self.embedder)
        corpus = list(batch.texts) + [theme_text(t) for t in cb] + [e for t in cb for e in t.examples]
        self.embedder_ = fit_embedder(emb, corpus)
        self.codebook_scorer_ = CodebookScorer(cb, emb, self.keyword_weight, self.example_weight,
                                               self.example_pooling, self.combine,
                                               self.term_weight).fit_batch(batch)
        k = len(cb)
        self.weights_ = np.zeros(k)
        self.supervised_ = None
        if Y is not None and Y[~batch.non_answer].sum() > 0:
            sup = SupervisedCoder(emb, use_tfidf=self.use_tfidf, codebook=cb,
                                  use_examples=self.use_examples, C=self.C, calibrate=self.calibrate,
                                  threshold=0.5, char_weight=self.char_weight)
            # only its models are blended in: the codebook part is ours, so no fallback scorer
            sup._fit_models(batch, Y, cb.ids)
            self.supervised_ = sup
            n = sup.n_positive_.astype(float)
            has_model = np.array([m is not None for m in sup.models_])
            self.weights_ = np.where(has_model & (n >= 2), n / (n + float(self.prior_strength)), 0.0)

    @property
    def default_threshold(self) -> float:  # type: ignore[override]
        """The codebook-only cut: 0.4 for noisy-or, 0.3 for the mean (module doc)."""
        return MEAN_RULE_CUT if getattr(self, "combine", "noisy_or") == "mean" else 0.4

    def code(self, X: Any, scores: np.ndarray | None = None) -> list[list[str]]:
        """Codes per answer: passing themes ordered by score and by where the
        answer names them (``position_weight``); see ``assign_themes``.
        ``scores``: this coder's ``predict_proba(X)`` when already computed
        (the keyword and zero-shot parts are still needed for the order and
        the agreement: ``score_and_code`` computes everything once)."""
        return self._score_and_code(X, scores)[1]

    def score_and_code(self, X: Any) -> tuple[np.ndarray, list[list[str]]]:
        """``(predict_proba(X), code(X))`` with the answers scored once."""
        return self._score_and_code(X, None)

    def _score_and_code(self, X: Any, scores: np.ndarray | None
                        ) -> tuple[np.ndarray, list[list[str]]]:
        from .base import as_batch
        from .thresholds import assign_themes
        self._check_fitted()
        batch = as_batch(X)
        if not len(batch):
            return self._proba(batch), []
        # once: scores, order and agreement use them
        kw, zs, pos = self.codebook_scorer_.parts_and_positions(batch)
        S = self._proba(batch, self._scores(batch, (kw, zs)) if scores is None else scores)
        rank = S
        if self.position_weight:
            rank = S - float(self.position_weight) * pos
        strict = self.combine == "noisy_or" and bool(self.secondary_threshold)
        agree = combine_scores(kw, zs, float(self.keyword_weight), "mean")
        select = S
        excl = np.array([self.codebook.theme(t).exclusive for t in self.theme_ids_], dtype=bool)
        if strict and excl.any():
            # "nothing yet" (an exclusive theme) gives way to a project only when the project
            # is clearly there: both sources agree on it, or it scores higher
            passing = S >= self.thresholds_
            best_excl = np.where(passing & excl, S, -1.0).max(axis=1, keepdims=True)
            weak = (~excl & (self.weights_ == 0) & (agree < float(self.secondary_threshold))
                    & (S <= best_excl) & (best_excl >= 0))
            select = np.where(weak, 0.0, S)
        codes = assign_themes(select, self.thresholds_, self.codebook, batch.non_answer,
                              ids=self.theme_ids_, rank=rank)
        if not strict:
            return S, codes
        col = {t: j for j, t in enumerate(self.theme_ids_)}
        out = []
        for i, row in enumerate(codes):
            keep = row[:1] + [t for t in row[1:] if t not in col or self.weights_[col[t]] > 0
                              or agree[i, col[t]] >= float(self.secondary_threshold)]
            out.append(keep)
        return S, out

    def _fresh(self, **overrides: Any) -> Any:
        # folds share the fitted embedder: vectors already on the batch stay valid
        overrides.setdefault("embedder", getattr(self, "embedder_", self.embedder))
        return super()._fresh(**overrides)

    def _scores(self, batch: Batch, parts: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        kw, zs = self.codebook_scorer_.parts(batch) if parts is None else parts
        S = combine_scores(kw, zs, float(self.keyword_weight), self.combine)
        if self.supervised_ is not None and self.weights_.any():
            sup = self.supervised_.model_scores(batch)
            w = self.weights_
            use = w > 0
            # the supervised blend keeps the mean rule's scale: noisy-or would double the
            # zero-shot share next to the classifier (measured worse at 5-10 labels a theme)
            cb = combine_scores(kw, zs, float(self.keyword_weight), "mean")
            S[:, use] = w[use] * sup[:, use] + (1 - w[use]) * cb[:, use]
        return S

    def _fold_scores(self, batch: Batch) -> np.ndarray:
        # keyword scores depend on the codebook only (KeywordCoder learns nothing from answers):
        # one keyword pass serves every fold; each fold keeps its own zero-shot part and model
        kw = self.codebook_scorer_.keyword._scores(batch)
        return np.mean([f._scores(batch, (kw, f.codebook_scorer_.zero_shot._scores(batch)))
                        for f in self.fold_coders_], axis=0)

    def _default_thresholds(self, k: int) -> np.ndarray:
        # blended themes are on the mean rule's scale, so they keep its cut
        out = np.full(k, float(self.default_threshold))
        w = getattr(self, "weights_", None)
        if w is not None and len(w) == k:
            out[w > 0] = MEAN_RULE_CUT
        return out
