"""A project's human codes: importing them, reading them as labels, and the one rule
"human codes win" that the coding run, report, comparison and catalogue share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .codebook import NON_ANSWER, OVERIG, Codebook
from .errors import InputError
from .ingest import read_table
from .store import Store


def import_training_codes(store: Store, codebook: Codebook, survey: str, question: str,
                          path: "str | Path | pd.DataFrame", wave: str | None = None) -> int:
    """Import existing human codes (CSV/XLSX or a pandas DataFrame: respondent id, theme id,
    optional coder and wave).

    One row per (answer, theme); theme ``overig`` marks an answer coded with no theme.
    An answer's themes keep the order of its rows (stored as their rank: the first
    row's theme is its main theme). Validated completely before anything is written.
    """
    table = read_table(path)
    cols = {" ".join(h.split()).casefold().replace("_", " "): i for i, h in enumerate(table.headers)}

    def find(*names: str, required: bool = True) -> int | None:
        for n in names:
            if n in cols:
                return cols[n]
        if required:
            raise InputError(f"needs a column named '{names[0]}'", file=table.file, row=1)
        return None

    rid_col = find("respondent id", "respondent", "id")
    theme_col = find("theme", "theme id", "thema", "code")
    coder_col = find("coder", "codeur", required=False)
    wave_col = find("wave", "golf", required=False)
    answers = store.open_answers(survey, wave, question)
    by_rid: dict[str, list[str]] = {}
    for a in answers.itertuples():
        by_rid.setdefault(str(a.respondent_id), []).append(a.wave)
    named = _theme_names(codebook)
    rows: dict[str, list[dict[str, Any]]] = {}
    for cells, n in zip(table.rows, table.row_numbers):
        rid, typed = cells[rid_col].strip(), cells[theme_col].strip()
        theme = named.get(" ".join(typed.split()).casefold())
        if theme is None:
            raise InputError(f"theme '{typed}' is not in the codebook (by id or label)", file=table.file, row=n,
                             column=table.headers[theme_col])
        waves = by_rid.get(rid, [])
        w = cells[wave_col].strip() if wave_col is not None and cells[wave_col].strip() else None
        if w is None and len(waves) > 1:
            raise InputError(f"respondent {rid} answered in waves {', '.join(waves)}: add a 'wave' column",
                             file=table.file, row=n, column=table.headers[rid_col])
        w = w or (waves[0] if waves else None)
        if w not in waves:
            raise InputError(f"respondent {rid} has no answer to '{question}'", file=table.file, row=n,
                             column=table.headers[rid_col])
        coder = (cells[coder_col].strip() if coder_col is not None else "") or f"import:{Path(table.file).name}"
        rows.setdefault(coder, []).append({"survey": survey, "wave": w, "question": question,
                                           "respondent_id": rid, "theme": theme, "applies": True})
    # The themes an answer was not given count as "no" for it; those it was given keep
    # the coder's order (their order in the file: the first is the main theme).
    total = 0
    for coder, items in rows.items():
        given: dict[tuple, list[str]] = {}
        for r in items:
            themes = given.setdefault((r["wave"], r["respondent_id"]), [])
            if r["theme"] != OVERIG and r["theme"] not in themes:
                themes.append(r["theme"])
        full = [{"survey": survey, "wave": w, "question": question, "respondent_id": rid, "theme": t,
                 "applies": t in themes, "rank": themes.index(t) + 1 if t in themes else None}
                for (w, rid), themes in given.items() for t in codebook.ids]
        existing = store.codes(survey, None, question, source="human")
        existing = {(r.wave, r.respondent_id, r.theme): (bool(r.applies), _rank(r.rank))
                    for r in existing[existing.coder == coder].itertuples()}
        new = [r for r in full
               if existing.get((r["wave"], r["respondent_id"], r["theme"])) != (r["applies"], r["rank"])]
        if new:
            total += store.add_codes(new, source="human", coder=coder)
    return total


def _theme_names(codebook: Codebook) -> dict[str, str]:
    """Theme id by what a coding sheet may call it: its id or its label, in any case and
    spacing ('Beleid', 'Fair Trade en Faire Gemeente'); a label two themes share is left out."""
    labels: dict[str, list[str]] = {}
    for t in codebook.themes:
        labels.setdefault(" ".join(str(t.label).split()).casefold(), []).append(t.id)
    names = {label: ids[0] for label, ids in labels.items() if len(ids) == 1}
    names.update({t.casefold(): t for t in [*codebook.ids, OVERIG]})  # an id wins over a label
    return names


def _rank(value: Any) -> int | None:
    """A stored rank as an int (None for NULL, which pandas reads as NaN)."""
    return None if value is None or pd.isna(value) else int(value)


def human_labels(store: Store, codebook: Codebook, survey: str, question: str,
                 wave: str | None = None, *, audit: bool = True) -> pd.DataFrame:
    """Indicator frame (wave, respondent_id, one column per theme) of human-coded answers.

    Several coders: the latest code per theme wins (a reviewer's correction).
    ``audit=False``: without the codes given in the workbench's random audit sample, as the
    coder is trained (they estimate its accuracy, so it must not learn from them).
    """
    codes = store.codes(survey, wave, question, source="human")
    if not audit:
        codes = codes[codes["audit"] == 0]
    return label_matrix(codes, codebook.ids).reset_index()


def label_matrix(codes: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """0/1 frame indexed by (wave, respondent_id), one column per theme, of the answers that have
    codes in ``codes`` (filter the source first): the latest call per theme wins (a reviewer's
    correction when several coders coded an answer; a run's call for machine codes)."""
    codes = codes[codes["theme"].isin(theme_ids)].sort_values("code_id", kind="stable")
    if codes.empty:
        return pd.DataFrame(columns=list(theme_ids), dtype=int,
                            index=pd.MultiIndex.from_arrays([[], []], names=["wave", "respondent_id"]))
    latest = codes.groupby(["wave", "respondent_id", "theme"]).applies.last().unstack("theme")
    return latest.reindex(columns=list(theme_ids)).fillna(0).astype(int)


def human_coded(labels: pd.DataFrame, cleaned: list[dict[str, Any]], theme_ids: list[str]
                ) -> tuple[list[tuple[str, str]], list[dict[str, Any]], np.ndarray]:
    """The cleaned answers that have human codes (``human_labels``): their (wave, respondent_id)
    keys, the answers, and their 0/1 matrix over ``theme_ids``, in the labels' order."""
    by_key = {(a["wave"], a["respondent_id"]): a for a in cleaned}
    keys = [k for k in zip(labels.wave, labels.respondent_id) if k in by_key]
    Y = (labels.set_index(["wave", "respondent_id"]).loc[keys, theme_ids].to_numpy() if keys
         else np.zeros((0, len(theme_ids)), dtype=int))
    return keys, [by_key[k] for k in keys], Y


def current_themes(codes: pd.DataFrame, by: tuple[str, ...] = ("wave", "respondent_id")
                   ) -> dict[tuple, tuple[str, dict[str, Any]]]:
    """Per answer (the ``by`` columns): (source, {theme: score} of the themes that apply),
    the themes in their stored order: the first is the answer's main theme.

    If anyone coded an answer by hand, its human codes decide (the latest call per
    theme across coders: a reviewer's correction, as in human_labels); else its
    machine codes. Every answer with a code in ``codes`` is in the result, also when
    no theme applies. Callers filter ``codes`` first (themes, the answer's current text).

    Order: by the stored ``rank`` (the coder's order; on a tie, the later call first);
    codes stored without a rank come after, by score (highest first), then in the
    order they were stored (the codebook's). Every reader takes an answer's main
    theme from here, so ``code``, the report and the catalogue agree on it.
    """
    if codes.empty:
        return {}
    by = list(by)
    human = codes["source"] == "human"
    has_human = human.groupby([codes[c] for c in by]).transform("any")
    chosen = codes[human == has_human].sort_values("code_id", kind="stable")
    latest = chosen.drop_duplicates([*by, "theme"], keep="last")
    out: dict[tuple, tuple[str, dict[str, Any]]] = {}
    for *key, source in zip(*(latest[c] for c in by), latest["source"]):
        out.setdefault(tuple(key), (source, {}))
    applied = latest[latest["applies"] == 1]
    rank = pd.to_numeric(applied["rank"], errors="coerce") if "rank" in applied else pd.Series(
        float("nan"), index=applied.index)
    score = pd.to_numeric(applied["score"], errors="coerce")
    unranked = rank.isna()
    order = pd.DataFrame({"unranked": unranked, "rank": rank.fillna(0),
                          # ranked: the later call first on a tie; unranked: best score, then stored order
                          "score": np.where(unranked, -score.fillna(-np.inf), 0.0),
                          "code_id": np.where(unranked, applied["code_id"], -applied["code_id"])},
                         index=applied.index)
    applied = applied.loc[order.sort_values(["unranked", "rank", "score", "code_id"], kind="stable").index]
    for *key, theme, score_ in zip(*(applied[c] for c in by), applied["theme"], applied["score"]):
        out[tuple(key)][1][theme] = score_
    return out


def answer_themes(source: str, applied: dict[str, Any], codebook: Codebook) -> list[str]:
    """An answer's themes as every reader shows them, from its ``current_themes`` entry:
    the codebook's themes that apply in their stored order (the main theme first),
    ``[overig]`` when none does, ``[non_answer]`` when a human coder said so."""
    if source == "human" and NON_ANSWER in applied:
        return [NON_ANSWER]
    return [t for t in applied if t in codebook] or [OVERIG]
