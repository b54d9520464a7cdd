"""Auto-coding as stored: each answer's status and each theme's auto-coding, read from a project.

``textmine.gate`` decides (pure estimator); this module reads what a project holds (the gates
the coding runs stored, the current codes) and says per answer ``auto``, ``suggested`` or
``human``, and per theme how many answers are auto-coded at what estimated precision. The
workbench queue, the progress, the report, the catalogue and ``Project.auto_coding`` use it.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .codebook import NON_ANSWER, Codebook
from .gate import AUTO, HUMAN, SUGGESTED, AutoGate, machine_status
from .store import Store

AUTO_COLUMNS = ["theme", "label", "threshold", "precision", "precision_lower", "support", "positives",
                "auto_answers"]


def latest_gate(store: Store, survey: str, question: str) -> tuple[int | None, AutoGate | None]:
    """(run id, gate) of the question's latest coding run that stored one; (None, None) before any."""
    gates = store.gates(survey, question)
    if not gates:
        return None, None
    run = max(gates)
    return run, AutoGate.from_dict(gates[run])


def answer_statuses(store: Store, codebook: Codebook, survey: str, question: str,
                    codes: pd.DataFrame | None = None) -> dict[tuple[str, str], str]:
    """Per answer with current codes, (wave, respondent_id) -> 'human' (a person coded it),
    'auto' or 'suggested' (its machine codes and their run's gate; ``gate.machine_status``).
    ``codes``: the question's current codes when the caller has them (``Store.codes`` or
    ``Store.machine_scores`` plus human rows)."""
    if codes is None:
        codes = store.codes(survey, None, question)
    codes = codes[codes["theme"].isin([*codebook.ids, NON_ANSWER])]
    out = machine_status(codes, store.gates(survey, question))
    human = codes[codes["source"] == "human"]
    for k in zip(human["wave"].tolist(), human["respondent_id"].tolist()):
        out[k] = HUMAN
    return out


def auto_keys(store: Store, codebook: Codebook, survey: str, question: str,
              codes: pd.DataFrame) -> set[tuple[str, str]]:
    """The answers whose current machine codes are ``auto`` (``codes``: their machine scores,
    ``Store.machine_scores``; answers with human codes are left out by the queue anyway)."""
    codes = codes[codes["theme"].isin(codebook.ids)]
    return {k for k, s in machine_status(codes, store.gates(survey, question)).items() if s == AUTO}


def auto_coding_frame(store: Store, codebook: Codebook, survey: str, question: str) -> pd.DataFrame:
    """``Project.auto_coding``'s frame (see there)."""
    run, gate = latest_gate(store, survey, question)
    codes = store.codes(survey, None, question)
    answers = store.question_answers(survey, question)
    # codes of an answer's current text only (a changed answer's codes are stale)
    codes = codes.merge(answers[["wave", "respondent_id", "text_hash"]], on=["wave", "respondent_id", "text_hash"])
    status = answer_statuses(store, codebook, survey, question, codes)
    substantive = answers[answers["non_answer"] == 0]
    keys = set(zip(substantive["wave"].tolist(), substantive["respondent_id"].tolist()))
    auto = {k for k, s in status.items() if s == AUTO and k in keys}
    machine = codes[(codes["source"] == "machine") & (codes["applies"] == 1)]
    per_theme: dict[str, int] = {}
    for w, r, t in zip(machine["wave"].tolist(), machine["respondent_id"].tolist(), machine["theme"].tolist()):
        if (w, r) in auto:
            per_theme[t] = per_theme.get(t, 0) + 1
    rows = []
    by_theme = {t["theme"]: t for t in gate.summary()} if gate is not None else {}
    for theme in codebook:
        g = by_theme.get(theme.id, {})
        rows.append({"theme": theme.id, "label": theme.label,
                     "threshold": _nan(g.get("threshold")), "precision": _nan(g.get("precision")),
                     "precision_lower": _nan(g.get("precision_lower")), "support": int(g.get("support", 0)),
                     "positives": int(g.get("positives", 0)), "auto_answers": per_theme.get(theme.id, 0)})
    frame = pd.DataFrame(rows, columns=AUTO_COLUMNS)
    n_human = sum(1 for k, s in status.items() if s == HUMAN and k in keys)
    frame.attrs.update(survey=survey, question=question, run_id=run,
                       target_precision=gate.target_precision if gate is not None else AutoGate().target_precision,
                       n_labelled=gate.n_labelled_ if gate is not None else 0,
                       answer_threshold=float(gate.answer_threshold_) if gate is not None else float("inf"),
                       needed=gate.needed_ if gate is not None else AutoGate().min_human,
                       answers=len(keys), auto=len(auto), human=n_human,
                       suggested=sum(1 for k, s in status.items() if s == SUGGESTED and k in keys))
    return frame


def _nan(x: Any) -> float:
    return float("nan") if x is None else float(x)


def dutch_summary(frame: pd.DataFrame) -> list[str]:
    """Dutch sentences on a question's auto-coding (``auto_coding_frame``), for the report and
    the catalogue: how many answers were auto-coded, per theme how many at what estimated
    precision, or how many more human codes are needed."""
    a = frame.attrs
    target = f"{a['target_precision'] * 100:.0f}%"
    if a.get("run_id") is None:
        return []
    if not a["auto"]:
        if a["needed"]:
            return [f"Nog geen antwoorden automatisch gecodeerd: daarvoor zijn nog ongeveer {a['needed']} "
                    f"menselijke codes nodig (nu {a['n_labelled']}; doel: een geschatte precisie van {target})."]
        return [f"Geen antwoorden automatisch gecodeerd: geen thema haalt nu een geschatte precisie van {target}."]
    lines = [f"{a['auto']} van de {a['answers']} antwoorden zijn automatisch gecodeerd: hun thema's halen "
             f"een geschatte precisie van minstens {target}, geschat op {a['n_labelled']} menselijk gecodeerde "
             "antwoorden, elk gescoord door een model dat dat antwoord niet zag (kruisvalidatie; de "
             "auditsteekproef telt mee). De overige machinecodes zijn voorstellen."]
    for r in frame[frame["auto_answers"] > 0].sort_values("auto_answers", ascending=False).itertuples():
        lines.append(f"{r.label}: {r.auto_answers} antwoorden automatisch, geschatte precisie "
                     f"{r.precision * 100:.0f}% (ondergrens {r.precision_lower * 100:.0f}%, op {r.support} "
                     "antwoorden).")
    return lines


def auto_counts(frame: pd.DataFrame) -> dict[str, Any]:
    """Per theme id (auto_answers, precision) of ``auto_coding_frame``, themes with auto answers only."""
    return {r.theme: (int(r.auto_answers), None if np.isnan(r.precision) else float(r.precision))
            for r in frame.itertuples() if r.auto_answers}
