"""Gesloten vragen: tallies with the respondents behind every figure."""

from __future__ import annotations

from typing import Any

from ..schema import Question
from ..tally import tally_wave
from .context import WaveContext
from .evidence import Evidence
from .fmt import dec

LIKERT_GROUPS = {"agree": "(helemaal) eens", "neutral": "neutraal", "disagree": "(helemaal) oneens"}


def option_members(ctx: WaveContext, q: Question) -> dict[str, list[str]]:
    """Option -> respondent ids who gave it."""
    rows = ctx.answers[ctx.answers["question"] == q.id]
    if q.type == "multi":
        rows = rows[rows["value"] == "1"]
        keys = rows["option"]
    else:
        keys = rows["value"]
    out: dict[str, list[str]] = {o: [] for o in q.all_options}
    for key, rid in zip(keys, rows["respondent_id"].astype(str)):
        out.setdefault(str(key), []).append(rid)
    return out


def wave_tally(ctx: WaveContext) -> dict[str, Any]:
    """The wave's tally of closed questions, computed once per report."""
    if "tally" not in ctx.cache:
        ctx.cache["tally"] = tally_wave(ctx.store, ctx.info)
    return ctx.cache["tally"]


def register_option(ctx: WaveContext, evidence: Evidence, q: Question, option: str,
                    members: list[str]) -> str:
    """Register the respondents who chose ``option`` in the appendix; returns the anchor."""
    title = f"{q.label or q.id}: {option} ({ctx.survey.upper()} {ctx.wave})"
    return evidence.add((ctx.survey, ctx.wave, q.id, "option", option), title,
                        [(ctx.name(r), "") for r in members])


def closed_question(ctx: WaveContext, evidence: Evidence, q: Question) -> dict[str, Any]:
    """The report data of one closed question: its tally and an appendix anchor per option (or for its values)."""
    entry = next(e for e in wave_tally(ctx)["questions"] if e["id"] == q.id)
    out: dict[str, Any] = {"question": q, "entry": entry, "anchors": {}}
    if q.type == "numeric":
        rows = ctx.answers[(ctx.answers["question"] == q.id) & ctx.answers["number"].notna()]
        out["anchor_n"] = evidence.add(
            (ctx.survey, ctx.wave, q.id, "numeric"), f"{q.label or q.id} ({ctx.survey.upper()} {ctx.wave})",
            [(ctx.name(r), dec(v)) for r, v in zip(rows["respondent_id"].astype(str), rows["number"])],
            kind="values")
        return out
    members = option_members(ctx, q)
    for option in q.all_options:
        out["anchors"][option] = register_option(ctx, evidence, q, option, members.get(option, []))
    for group, s in (entry.get("summary") or {}).items():
        ids = [r for o in s["options"] for r in members.get(o, [])]
        out["anchors"][group] = evidence.add(
            (ctx.survey, ctx.wave, q.id, "summary", group),
            f"{q.label or q.id}: {LIKERT_GROUPS[group]} ({ctx.survey.upper()} {ctx.wave})",
            [(ctx.name(r), "") for r in ids])
    return out
