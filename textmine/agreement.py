"""The evaluate stage: how far a question's machine codes agree with its human codes
(cross-validated, and the latest run in-sample), human coders with each other, and the trust
figures of the workbench and the report (``trust_table``: the audit sample's unbiased estimates)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .codebook import Codebook
from .codes import human_coded, human_labels, label_matrix
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
    codes = store.codes(survey, None, question)
    m = label_matrix(codes[codes["source"] == "machine"], codebook.ids)
    both = [k for k in keys if k in m.index]
    if both:
        rep = theme_report(Y[[keys.index(k) for k in both]], m.loc[both].to_numpy(), codebook.ids)
        out["latest_run_vs_human"] = rep.to_dict() | {
            "note": "in-sample: the latest run was trained on these human codes"}
    double = double_pair(store, survey, question, codebook.ids)
    out["human_vs_human"] = _human_agreement(codes, codebook, double)
    if store.double_sample(survey, question) is not None:  # the workbench's figures, from the same function
        from .double_coding import agreement

        out["double_coding"] = agreement(store, survey, question, codebook)
    out["trust"] = trust_table(codes, codebook, coders_pair=double).to_dict("records")  # what Project.trust gives
    return out


def double_pair(store: Store, survey: str, question: str, ids: list[str]) -> Any:
    """The question's blind double-coding sample as a ``coder_pair`` (None without second codes)."""
    from .double_coding import pair

    return pair(store, survey, question, ids)


def _human_agreement(codes: pd.DataFrame, codebook: Codebook, double: Any = None) -> dict[str, Any] | None:
    """Kappa and alpha between two human codings: the blind double-coding sample's when it has
    second codes (``double``), else the two coders who coded the most answers in common."""
    from .evaluate import theme_report

    pair = double or coder_pair(codes, codebook.ids)
    if pair is None:
        return None
    a, b, common, A, B = pair
    rep = theme_report(A, B, codebook.ids)
    return {"coders": [a, b], "answers": len(common), "mean_kappa": rep.mean_kappa, "alpha": rep.alpha,
            "per_theme": rep.per_theme[["theme", "kappa", "alpha"]].to_dict("records")}


def coder_pair(codes: pd.DataFrame, theme_ids: list[str]
               ) -> tuple[str, str, list[tuple[str, str]], np.ndarray, np.ndarray] | None:
    """The two human coders who coded the most answers in common (ties: the first pair by name):
    (coder a, coder b, the common answers (wave, respondent_id), a's and b's 0/1 matrices over
    ``theme_ids`` on them); None when no two coders share an answer. ``codes``: current codes."""
    from itertools import combinations

    human = codes[(codes["source"] == "human") & codes["theme"].isin(theme_ids)]
    per_coder = {c: label_matrix(g, theme_ids) for c, g in human.groupby("coder")}
    best = None
    for a, b in combinations(sorted(per_coder), 2):
        common = sorted(set(per_coder[a].index) & set(per_coder[b].index))
        if common and (best is None or len(common) > len(best[2])):
            best = (a, b, common)
    if best is None:
        return None
    a, b, common = best
    return a, b, common, per_coder[a].loc[common].to_numpy(), per_coder[b].loc[common].to_numpy()


# --- trust figures (issue 13: the workbench and the report) ---------------------------------------

ALL_THEMES = "*"  # the theme of the pooled row (no codebook id can be it)
TRUST_COLUMNS = ["theme", "label", "audit_answers", "audit_positives", "machine_positives",
                 "precision", "precision_low", "precision_high", "recall", "recall_low", "recall_high",
                 "alpha_audit", "alpha_machine_human", "answers_machine_human", "alpha_coders", "answers_coders",
                 "kappa_coders"]


def trust_figures(store: Store, question: str, *, survey: str | None = None,
                  codebook: Codebook | None = None) -> pd.DataFrame:
    """How far the machine codes of an open question can be trusted (``Project.trust``; the report
    shows the same frame): ``trust_table`` of the question's current codes, all waves; reads only."""
    from .queue import audit_sample

    survey = open_question_survey(store, question, survey)
    codebook = codebook or resolve_codebook(store, survey, question)
    states = store.answer_states(survey, question)
    sample = audit_sample(states[states["non_answer"] == 0])
    table = trust_table(store.codes(survey, None, question), codebook, sample,
                        coders_pair=double_pair(store, survey, question, codebook.ids))
    table.attrs.update(survey=survey, question=question, audit_size=len(sample))
    if store.double_sample(survey, question) is not None:
        from .double_coding import status

        table.attrs["double_coding"] = status(store, survey, question, codebook)
    return table


def trust_table(codes: pd.DataFrame, codebook: Codebook,
                sample: list[tuple[str, str]] | None = None, *, coders_pair: Any = None) -> pd.DataFrame:
    """Machine codes against human codes, per theme and pooled (the last row, theme ``*``).

    ``codes``: one question's current codes (``Store.codes``), human and machine; ``sample``: the
    question's audit sample (``queue.audit_sample``; None: every audit-coded answer). Columns:

    * audit_answers: answers of the random audit sample a human coded (codes marked audit, and
      no other human code: those answers never trained the coder) that the machine coded too;
      audit_positives / machine_positives: of those, the answers with the theme by the human /
      by the machine (pooled row: (answer, theme) decisions).
    * precision (share of the machine's positives the human confirms) and recall (share of the
      human's positives the machine found) on the audit answers, each with its 95% Wilson
      interval (_low, _high; 0-1). Unbiased: the coder never saw these answers' codes. Pooled
      row: over all decisions, taken as independent (an answer's themes are not quite, so read
      its interval as a little narrow).
    * alpha_audit: Krippendorff's alpha (nominal, presence/absence) machine vs human on the audit
      answers -- the honest agreement figure.
    * alpha_machine_human, answers_machine_human: the same on every human-coded answer the machine
      coded. Optimistic: apart from the audit sample those human codes trained the coder.
    * alpha_coders, answers_coders, kappa_coders: alpha between two human codings, on the answers
      both coded, and Cohen's kappa (pooled row: the themes' mean): ``coders_pair`` (a ``coder_pair``; the
      blind double-coding sample, ``double_coding.pair``) when given, else the two human coders
      with the most answers in common (their names in ``attrs["coders"]``).

    NaN where there is nothing to measure: no machine positive (precision), no human positive
    (recall), no answer or a single value throughout (alpha); the counts say which.
    Human codes: the latest call per theme wins (``codes.label_matrix``); machine codes: the
    latest run's. A human ``non_answer`` counts as "no theme".
    """
    from .evaluate import theme_report
    from .tally import wilson

    ids = codebook.ids
    human_codes = codes[(codes["source"] == "human") & codes["theme"].isin(ids)]
    human = label_matrix(human_codes, ids)
    machine = label_matrix(codes[codes["source"] == "machine"], ids)
    # an answer is an audit answer when every current human code of it was given in the audit sample
    only_audit = human_codes.groupby(["wave", "respondent_id"])["audit"].min() == 1
    coded = [k for k in human.index if k in machine.index]
    in_sample = set(sample) if sample is not None else None
    audit = [k for k in coded if only_audit.get(k, False) and (in_sample is None or k in in_sample)]

    def pair(keys: list) -> tuple[np.ndarray, np.ndarray]:
        return human.loc[keys].to_numpy(dtype=int).reshape(len(keys), len(ids)), \
            machine.loc[keys].to_numpy(dtype=int).reshape(len(keys), len(ids))

    H, M = pair(audit)
    on_audit = theme_report(H, M, ids)
    on_all = theme_report(*pair(coded), ids)
    coders = coders_pair or coder_pair(codes, ids)
    on_coders = theme_report(coders[3], coders[4], ids) if coders else None

    def rates(t: np.ndarray, p: np.ndarray) -> dict[str, Any]:
        tp, pos, mpos = int((t & p).sum()), int(t.sum()), int(p.sum())
        out: dict[str, Any] = {"audit_positives": pos, "machine_positives": mpos}
        for name, k, n in (("precision", tp, mpos), ("recall", tp, pos)):
            ci = wilson(k, n)
            out[name] = k / n if n else float("nan")
            out[f"{name}_low"], out[f"{name}_high"] = (ci[0] / 100, ci[1] / 100) if ci else (float("nan"),) * 2
        return out

    nan = float("nan")
    rows = []
    for j, tid in enumerate(ids):
        rows.append({"theme": tid, "label": codebook.label_of(tid), "audit_answers": len(audit),
                     **rates(H[:, j], M[:, j]),
                     "alpha_audit": float(on_audit.per_theme.alpha[j]),
                     "alpha_machine_human": float(on_all.per_theme.alpha[j]), "answers_machine_human": len(coded),
                     "alpha_coders": float(on_coders.per_theme.alpha[j]) if on_coders else nan,
                     "answers_coders": len(coders[2]) if coders else 0,
                     "kappa_coders": float(on_coders.per_theme.kappa[j]) if on_coders else nan})
    rows.append({"theme": ALL_THEMES, "label": "Alle thema’s", "audit_answers": len(audit), **rates(H, M),
                 "alpha_audit": on_audit.alpha, "alpha_machine_human": on_all.alpha,
                 "answers_machine_human": len(coded), "alpha_coders": on_coders.alpha if on_coders else nan,
                 "answers_coders": len(coders[2]) if coders else 0,
                 "kappa_coders": on_coders.mean_kappa if on_coders else nan})
    table = pd.DataFrame(rows, columns=TRUST_COLUMNS)
    table.attrs["coders"] = [coders[0], coders[1]] if coders else []
    return table
