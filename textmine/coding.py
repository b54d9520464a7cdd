"""The coding stage: codebook themes for a project's open answers.

``code_question`` cleans the answers (cached), builds the coder from a factory,
fits it on the human codes the project has (none at first: the codebook alone
then decides), scores every answer, and stores the machine codes with their
provenance and rank, and fits the auto-coding gate (``textmine.gate``: each machine-coded
answer is ``auto`` or ``suggested``). Human codes always win (``codes.current_themes``): they are
never overwritten or hidden, and an answer with a human code reports ``source: human``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .codebook import NON_ANSWER, Codebook
from .codes import answer_themes, current_themes, human_coded, human_labels
from .gate import AUTO, HUMAN, AutoGate
from .patterns import SEARCH_SECONDS
from .questions import open_question_survey, resolve_codebook
from .saved_coder import save_coder, versions
from .store import Store


CoderFactory = Callable[[Codebook, Any], Any]


def default_coder_factory(codebook: Codebook, embedder: Any) -> Any:
    """The coder of a run, rebuilt from scratch each time (small-text style)."""
    from .coders import CombinedCoder

    return CombinedCoder(codebook, embedder=embedder)


@dataclass
class CodingResult:
    """One coding run of a question: every answer with its themes, the run id, codebook hash,
    embedder and coder used."""

    survey: str
    question: str
    answers: list[dict[str, Any]]
    run_id: int
    codebook_hash: str
    embedder: str
    human_coded: int
    coder_path: Path | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # one line each, for the user
    gate: AutoGate | None = None  # the auto-coding gate of the run (textmine.gate)

    @property
    def auto_needed(self) -> int:
        """Human codes still needed before any answer can be auto-coded (0 when some theme can be)."""
        return 0 if self.gate is None else int(self.gate.needed_)

    def gate_line(self) -> str:
        """One line on the auto-coding: how many answers are auto, per theme how many at what
        estimated precision, or how many more human codes are needed."""
        return gate_line(self.answers, self.gate)


def answers_for_coder(rows: list[dict[str, Any]]) -> list[Any]:
    """Cleaned answers as the coders take them."""
    from .coders import Answer

    return [Answer(a["normalized_text"], tuple(a["lemmas"]), None, "non_answer" in a["flags"]) for a in rows]


def code_question(store: Store, question: str, *, survey: str | None = None, wave: str | None = None,
                  codebook: Codebook | None = None, embedder: str | None = None,
                  settings: Any = None, factory: CoderFactory = default_coder_factory,
                  progress: Callable[[int, int], None] | None = None) -> CodingResult:
    """Code the answers of one open question; store machine codes; human codes win."""
    from .clean import clean_project
    from .coders.keyword import StoppedSearch
    from .embed import CachedEmbedder, StoreCache, get_embedder

    survey = open_question_survey(store, question, survey)
    codebook = codebook or resolve_codebook(store, survey, question)
    # Every wave is cleaned (cached): human codes of any wave train the coder.
    cleaned = clean_project(store, survey=survey, question=question, settings=settings).answers
    emb = CachedEmbedder(get_embedder(embedder), StoreCache(store), progress=progress)
    # Audit codes (a random sample kept to estimate accuracy) never train the coder.
    labels = human_labels(store, codebook, survey, question, audit=False)
    coder = factory(codebook, emb)
    train_keys, train_rows, Y = human_coded(labels, cleaned, codebook.ids)
    if train_keys:
        coder.fit(answers_for_coder(train_rows), Y)
    else:
        coder.fit(answers_for_coder(cleaned))  # the codebook alone
    target = [a for a in cleaned if wave is None or a["wave"] == wave]
    X = answers_for_coder(target)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StoppedSearch)
        if hasattr(coder, "score_and_code"):  # textmine's coders: the answers are scored once
            scores, themes = coder.score_and_code(X)
        else:
            scores, themes = coder.predict_proba(X), coder.code(X)
    # The auto-coding gate: from scores of human-coded answers the coder did not learn from.
    gate = fit_gate(store, codebook, survey, question, cleaned, coder, train_keys, Y)
    gate_scores = judged_scores(coder, X, scores) if len(target) else scores
    status = gate.status(gate_scores, themes, ["non_answer" in a["flags"] for a in target]) if len(target) else []
    provenance = _provenance(codebook, emb.key, coder, len(train_keys))
    run_id = store.start_run("code", settings={"survey": survey, "question": question, "wave": wave,
                                               "embedder": emb.key}, provenance=provenance)
    machine_rows = []
    for a, s, g, t in zip(target, scores, gate_scores, themes):
        if "non_answer" in a["flags"]:
            continue
        ranked = [x for x in t if x in codebook]  # the coder's order: its first theme is the main one
        for j, theme in enumerate(codebook.ids):
            machine_rows.append({"survey": survey, "wave": a["wave"], "question": question,
                                 "respondent_id": a["respondent_id"], "theme": theme,
                                 "score": float(s[j]), "applies": theme in ranked,
                                 "rank": ranked.index(theme) + 1 if theme in ranked else None,
                                 "gate_score": float(g[j])})
    store.save_machine_codes(machine_rows, coder=type(coder).__name__, run_id=run_id)
    store.save_gate(run_id, survey, question, gate.to_dict())
    # What the answers' codes are now, read back as every reader reads them (human codes win).
    current = _current(store, codebook, survey, question, wave)
    out = []
    for a, s, t, st in zip(target, scores, themes, status):
        source, applied = current.get((a["wave"], a["respondent_id"]), ("machine", None))
        if source == "machine" and (applied is None or NON_ANSWER in a["flags"]):
            shown = list(t)  # a non-answer gets no stored codes: the coder's call stands
        else:
            shown = answer_themes(source, applied, codebook)
        out.append({"respondent_id": a["respondent_id"], "wave": a["wave"], "text": a["text"],
                    "redacted_text": a["redacted_text"], "themes": shown,
                    "scores": {theme: round(float(s[j]), 4) for j, theme in enumerate(codebook.ids)},
                    "source": source, "status": HUMAN if source == "human" else str(st)})
    path = save_coder(store.dir, survey, question, coder, codebook, emb.key, len(train_keys))
    store.finish_run(run_id)
    return CodingResult(survey, question, out, run_id, codebook.hash, emb.key, len(train_keys), path,
                        provenance, _stopped_searches(caught), gate)


def fit_gate(store: Store, codebook: Codebook, survey: str, question: str, cleaned: list[dict[str, Any]],
             coder: Any, train_keys: list[tuple[str, str]], Y: np.ndarray) -> AutoGate:
    """The ``AutoGate`` of a coding run: the human codes with honest scores, i.e. the coder's
    out-of-fold scores of the answers it learned from (``honest_scores_``) and its scores of the
    audit sample's answers (human-coded, never trained on; ``cross_fit_proba``, the footing the
    gate judges every answer on), with the themes the coder gives those
    answers from those scores (the gate's answer-level cut). Answers without honest scores (too
    few to cross-validate) still count towards the gate's ``min_human``."""
    k = len(codebook.ids)
    S = getattr(coder, "honest_scores_", None)
    if S is None or np.shape(S) != (len(train_keys), k):
        S = np.full((len(train_keys), k), np.nan)
    by_key = {(a["wave"], a["respondent_id"]): a for a in cleaned}
    A = honest_themes(coder, answers_for_coder([by_key[key] for key in train_keys]), S)
    every = human_labels(store, codebook, survey, question)  # with the audit codes
    trained = set(train_keys)
    audit = every.loc[np.array([key not in trained for key in zip(every.wave, every.respondent_id)], dtype=bool)]
    _, audit_rows, Ya = human_coded(audit, cleaned, codebook.ids)
    if audit_rows:
        Xa = answers_for_coder(audit_rows)
        Sa = np.asarray(judged_scores(coder, Xa), dtype=float)
        Sa[["non_answer" in a["flags"] for a in audit_rows]] = np.nan
        Aa = honest_themes(coder, Xa, Sa)
        Y, S, A = np.r_[np.asarray(Y).reshape(-1, k), Ya], np.r_[S, Sa], A + Aa
    return AutoGate(theme_ids=codebook.ids).fit(np.asarray(Y).reshape(-1, k), S, A)


def judged_scores(coder: Any, X: list[Any], scores: Any = None) -> Any:
    """The scores the gate judges answers ``X`` on: on the footing of the honest ones it learned
    from, i.e. the coder's ``cross_fit_proba`` when it has fold coders, otherwise its scores
    (``scores`` when already computed, else ``predict_proba``)."""
    if getattr(coder, "has_fold_coders", False):
        return coder.cross_fit_proba(X)
    return scores if scores is not None else coder.predict_proba(X)


def honest_themes(coder: Any, answers: list[Any], S: np.ndarray) -> list[list[str]]:
    """The themes ``coder`` gives ``answers`` (as the coders take them) from the scores ``S``, e.g.
    its honest scores of them, for the gate's answer-level cut; rows with NaN scores get none."""
    out: list[list[str]] = [[] for _ in answers]
    ok = np.isfinite(S).all(1) if len(answers) else np.zeros(0, bool)
    if ok.any():
        import inspect
        idx = np.flatnonzero(ok)
        X = [answers[i] for i in idx]
        code = getattr(coder, "code", None)
        if code is not None and "scores" in inspect.signature(code).parameters:
            codes = code(X, scores=S[idx])
        else:  # a plain coder codes from its own scores (right for the audit sample's, not out-of-fold ones)
            codes = coder.score_and_code(X)[1] if hasattr(coder, "score_and_code") else coder.code(X)
        for i, c in zip(idx, codes):
            out[i] = list(c)
    return out


def gate_line(answers: list[dict[str, Any]], gate: AutoGate | None) -> str:
    """The CLI's line on auto-coding (English): auto-coded answers and themes, or what is missing."""
    if gate is None:
        return "auto-coding: no gate"
    auto = [a for a in answers if a.get("status") == AUTO]
    if gate.needed_ and not auto:  # no theme, or not the answer-level cut, reachable yet
        return (f"auto-coding: nothing auto-coded yet; about {gate.needed_} more human codes needed "
                f"(gate rests on {gate.n_labelled_} human-coded answers; target precision {gate.target_precision:g})")
    per = {}
    for a in auto:
        for t in a["themes"]:
            per[t] = per.get(t, 0) + 1
    ids = list(gate.theme_ids_)
    parts = [f"{t} {n} (est. precision {gate.precision_[ids.index(t)]:.2f})" for t, n in
             sorted(per.items(), key=lambda x: -x[1]) if t in ids]
    return (f"auto-coded {len(auto)} of {len(answers)} answers at estimated precision >= "
            f"{gate.target_precision:g}" + (f": {', '.join(parts)}" if parts else "")
            + f"; {int(gate.reachable_.sum())} of {len(ids)} themes can be auto-coded")


def _current(store: Store, codebook: Codebook, survey: str, question: str, wave: str | None
             ) -> dict[tuple, tuple[str, dict[str, Any]]]:
    """``codes.current_themes`` of the question's answers, codebook themes (and non_answer) only."""
    codes = store.codes(survey, wave, question)
    return current_themes(codes[codes["theme"].isin([*codebook.ids, NON_ANSWER])])


def _stopped_searches(caught: list[warnings.WarningMessage]) -> list[str]:
    """One line per codebook pattern that ran out of time on some answers."""
    from .coders.keyword import StoppedSearch

    stopped: dict[tuple[str, str], list[StoppedSearch]] = {}
    for w in caught:
        if isinstance(w.message, StoppedSearch):
            stopped.setdefault((w.message.theme, w.message.pattern), []).append(w.message)
    lines = []
    for (theme, pattern), hits in stopped.items():
        where = f"{hits[0].codebook}: " if hits[0].codebook else ""
        lines.append(f"{where}theme '{theme}': pattern '{pattern}' was stopped after {SEARCH_SECONDS:g} s on "
                     f"{len(hits)} answer(s) (longest {max(h.chars for h in hits):,} characters); those answers "
                     "were coded without it: check them by hand, or simplify the pattern")
    return lines


def _provenance(codebook: Codebook, embedder: str, coder: Any, n_human: int) -> dict[str, Any]:
    thresholds = getattr(coder, "thresholds_", None)
    return {"coder": type(coder).__name__, "embedder": embedder, "codebook_hash": codebook.hash,
            "codebook": codebook.title, "human_coded_answers": n_human, "versions": versions(),
            "thresholds": dict(zip(codebook.ids, map(float, np.atleast_1d(thresholds))))
            if thresholds is not None and np.size(thresholds) == len(codebook.ids) else None}
