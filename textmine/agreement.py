"""The evaluate stage: how far a question's machine codes agree with its human codes
(cross-validated, and the latest run in-sample), and human coders with each other."""

from __future__ import annotations

from typing import Any

import numpy as np

from .codebook import Codebook
from .codes import human_coded, human_labels
from .coding import CoderFactory, answers_for_coder, default_coder_factory
from .errors import InputError
from .questions import open_question_survey, resolve_codebook
from .store import Store


MIN_EVAL_ANSWERS = 10


def evaluate_question(store: Store, question: str, *, survey: str | None = None,
                      codebook: Codebook | None = None, embedder: str | None = None, settings: Any = None,
                      factory: CoderFactory = default_coder_factory, cv: int = 5, seed: int = 0) -> dict[str, Any]:
    """Machine vs human codes of one question: cross-validated (the honest figure),
    the latest run's codes (in-sample), and human vs human where two coders overlap."""
    from .clean import clean_project
    from .embed import CachedEmbedder, StoreCache, get_embedder
    from .evaluate import coverage_at_precision, coverage_precision_curve, cross_validated_report, theme_report

    survey = open_question_survey(store, question, survey)
    codebook = codebook or resolve_codebook(store, survey, question)
    labels = human_labels(store, codebook, survey, question)
    cleaned = clean_project(store, survey=survey, question=question, settings=settings).answers
    keys, rows, Y = human_coded(labels, cleaned, codebook.ids)
    if len(keys) < MIN_EVAL_ANSWERS:
        raise InputError(f"evaluation needs at least {MIN_EVAL_ANSWERS} human-coded answers to '{question}' "
                         f"(the project has {len(keys)}): code some with 'textmine review' or --train")
    X = answers_for_coder(rows)
    emb = CachedEmbedder(get_embedder(embedder), StoreCache(store))
    folds = max(2, min(cv, len(keys) // 5))
    result = cross_validated_report(lambda: factory(codebook, emb), X, Y, cv=folds, seed=seed,
                                    theme_ids=codebook.ids)
    out: dict[str, Any] = {
        "survey": survey, "question": question, "codebook_hash": codebook.hash, "embedder": emb.key,
        "human_coded_answers": len(keys),
        "cross_validated": result.report.to_dict(),
        "coverage_at_precision_0.9": coverage_at_precision(Y, result.scores, 0.9, result.predictions),
        "coverage_curve": coverage_precision_curve(Y, result.scores, result.predictions).to_dict("records"),
    }
    machine = store.codes(survey, None, question, source="machine")
    if not machine.empty:
        m = machine.pivot_table(index=["wave", "respondent_id"], columns="theme", values="applies",
                                aggfunc="last").reindex(columns=codebook.ids).fillna(0)
        both = [k for k in keys if k in m.index]
        if both:
            rep = theme_report(Y[[keys.index(k) for k in both]], m.loc[both].to_numpy().astype(int), codebook.ids)
            out["latest_run_vs_human"] = rep.to_dict() | {
                "note": "in-sample: the latest run was trained on these human codes"}
    out["human_vs_human"] = _human_agreement(store, codebook, survey, question)
    return out


def _human_agreement(store: Store, codebook: Codebook, survey: str, question: str) -> dict[str, Any] | None:
    """Kappa and alpha between the two human coders who coded the most answers in common."""
    from itertools import combinations

    from .evaluate import theme_report

    codes = store.codes(survey, None, question, source="human")
    codes = codes[codes.theme.isin(codebook.ids)]
    per_coder = {c: g.groupby(["wave", "respondent_id", "theme"]).applies.last() for c, g in codes.groupby("coder")}
    best = None
    for a, b in combinations(sorted(per_coder), 2):
        ka = set(per_coder[a].index.droplevel("theme"))
        common = sorted(ka & set(per_coder[b].index.droplevel("theme")))
        if common and (best is None or len(common) > len(best[2])):
            best = (a, b, common)
    if best is None:
        return None
    a, b, common = best

    def matrix(coder: str) -> np.ndarray:
        s = per_coder[coder].unstack("theme").reindex(columns=codebook.ids).fillna(0)
        return s.loc[common].to_numpy().astype(int)
    rep = theme_report(matrix(a), matrix(b), codebook.ids)
    return {"coders": [a, b], "answers": len(common), "mean_kappa": rep.mean_kappa, "alpha": rep.alpha,
            "per_theme": rep.per_theme[["theme", "kappa", "alpha"]].to_dict("records")}
