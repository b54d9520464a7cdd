"""Kruistabellen chosen in the report spec: a question by province, size class or another question."""

from __future__ import annotations

from typing import Any

from ..codebook import NON_ANSWER
from ..schema import Question
from ..tally import UNKNOWN_GROUP, tally_wave, unit_order
from .closed import option_members
from .context import WaveContext
from .evidence import Evidence
from .opens import Progress, codebook_for, coded_answers, theme_label
from .spec import Crosstab

BY_LABELS = {"province": "provincie", "size_class": "grootteklasse", "municipality": "gemeente"}


def group_members(ctx: WaveContext, by: str) -> tuple[str, dict[str, set[str]]]:
    """(label of the grouping, group -> respondent ids)."""
    schema = ctx.info.schema
    if by in BY_LABELS:
        series = ctx.respondents.set_index(ctx.respondents["respondent_id"].astype(str))[by].fillna(UNKNOWN_GROUP)
        groups = {g: set(series.index[series == g]) for g in unit_order(by, list(series.unique()))}
        return BY_LABELS[by], groups
    q = schema.question(by)
    members = option_members(ctx, q)
    return q.label or q.id, {o: set(members[o]) for o in q.all_options if members.get(o)}


def crosstab(ctx: WaveContext, evidence: Evidence, ct: Crosstab, progress: Progress | None = None) -> dict[str, Any]:
    """The report data of one crosstab: counts and percentages of a question per group, with appendix anchors."""
    q = ctx.info.schema.question(ct.question)
    by_label, groups = group_members(ctx, ct.by)
    out: dict[str, Any] = {"title": ct.title or f"{q.label or q.id} naar {by_label}", "question": q,
                           "by": ct.by, "by_label": by_label, "rows": [], "test": None, "note": None}
    if q.type == "open":
        return _open_crosstab(ctx, evidence, q, groups, out, progress)
    entry = tally_wave(ctx.store, ctx.info, question=q.id, by=ct.by)["questions"][0]
    members = option_members(ctx, q)
    options = [o for o in q.all_options if q.in_base(o)]
    out["columns"] = [(o, o) for o in options]
    out["test"] = (entry.get("by") or {}).get("test")
    if q.type == "multi":
        out["note"] = "Meerdere antwoorden mogelijk: percentages van wie de vraag beantwoordde."
    for g in (entry.get("by") or {}).get("groups", []):
        ids = groups.get(str(g["group"]), set())
        cells = {}
        for o in options:
            who = [r for r in members.get(o, []) if r in ids]
            cells[o] = {"count": g["counts"].get(o, 0), "percent": g["percent"].get(o),
                        "anchor": evidence.add((ctx.survey, ctx.wave, q.id, "x", ct.by, g["group"], o),
                                               f"{q.label or q.id}: {o} — {by_label} {g['group']} "
                                               f"({ctx.survey.upper()} {ctx.wave})",
                                               [(ctx.name(r), "") for r in who])}
        out["rows"].append({"group": str(g["group"]), "base": g["base"], "cells": cells})
    return out


def _open_crosstab(ctx: WaveContext, evidence: Evidence, q: Question, groups: dict[str, set[str]],
                   out: dict[str, Any], progress: Progress | None) -> dict[str, Any]:
    book = codebook_for(ctx, q)
    if book is None:
        out["note"] = "Geen codeboek voor deze vraag: geen thema's om te kruisen."
        out["columns"] = []
        return out
    rows = [r for r in coded_answers(ctx, q, book, progress) if r["themes"] != [NON_ANSWER]]
    out["columns"] = [(t, theme_label(book, t)) for t in book.ids]
    out["note"] = ("Meerdere thema's per antwoord mogelijk: percentages van de inhoudelijke antwoorden "
                   "in de groep.")
    for g, ids in groups.items():
        in_group = [r for r in rows if r["respondent_id"] in ids]
        cells = {}
        for t in book.ids:
            who = [r for r in in_group if t in r["themes"]]
            cells[t] = {"count": len(who), "percent": 100 * len(who) / len(in_group) if in_group else None,
                        "anchor": evidence.add((ctx.survey, ctx.wave, q.id, "x", out["by"], g, t),
                                               f"{q.label or q.id}: {theme_label(book, t)} — {out['by_label']} {g} "
                                               f"({ctx.survey.upper()} {ctx.wave})",
                                               [(r["name"], r["text"]) for r in who], kind="answers")}
        out["rows"].append({"group": g, "base": len(in_group), "cells": cells})
    return out
