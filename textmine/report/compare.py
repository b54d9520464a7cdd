"""Vergelijking met een vorige golf, from ``textmine.waves.compare_waves``."""

from __future__ import annotations

from typing import Any

from ..codebook import OVERIG
from .closed import LIKERT_GROUPS, option_members, register_option
from .context import WaveContext
from .evidence import Evidence
from .opens import Progress, codebook_for, coded_answers, register_theme, theme_label


def _evidence_for(ctx: WaveContext, evidence: Evidence, question: str, option: str,
                  progress: Progress | None) -> str | None:
    """Anchor of the respondents behind one wave's figure of a comparison row, when known."""
    try:
        q = ctx.info.schema.question(question)
    except KeyError:
        return None
    if q.type == "open":
        book = codebook_for(ctx, q)
        if book is None or (option not in book.ids and option != OVERIG):
            return None
        rows = [r for r in coded_answers(ctx, q, book, progress) if option in r["themes"]]
        return register_theme(ctx, evidence, q, option, theme_label(book, option), rows)
    members = option_members(ctx, q)
    if option in q.all_options:
        return register_option(ctx, evidence, q, option, members.get(option, []))
    if q.type == "likert" and option in LIKERT_GROUPS:
        return None  # Likert summaries link through the question's own section
    return None


def labels(ctx: WaveContext, question: str, option: str) -> tuple[str, str]:
    """Dutch labels of a comparison row: the question's, and the option's or theme's."""
    try:
        q = ctx.info.schema.question(question)
    except KeyError:
        return question, option
    if q.type == "open":
        book = codebook_for(ctx, q)
        if book is not None and (option in book.ids or option == OVERIG):
            return q.label or q.id, theme_label(book, option)
    return q.label or q.id, LIKERT_GROUPS.get(option, option)


def comparison(current: WaveContext, other: WaveContext, evidence: Evidence,
               progress: Progress | None = None, questions: set[str] | None = None) -> dict[str, Any]:
    """{"status": "none"|"error"|"ok", "rows": [...]}: rows with both waves' figures and the test."""
    from ..waves import compare_waves

    try:
        raw = compare_waves(current.store, current.survey, other.wave, current.wave) or []
    except Exception as exc:  # noqa: BLE001 - an optional stage must not stop the report
        return {"status": "error", "rows": [], "other": other.wave, "error": f"{type(exc).__name__}: {exc}"}
    rows = []
    for r in raw:
        if questions is not None and r.get("question") not in questions:
            continue  # only the questions the report shows
        waves = r.get("waves") or {}
        cur, old = waves.get(current.wave) or {}, waves.get(other.wave) or {}
        if cur.get("percent") is None and old.get("percent") is None:
            continue
        diff = (cur["percent"] - old["percent"]) if cur.get("percent") is not None and \
            old.get("percent") is not None else None
        option = str(r.get("option"))
        q_label, o_label = labels(current, r["question"], option)
        if r.get("kind") == "topic":
            o_label = f"cluster: {r.get('label') or option}"
        rows.append({**r, "option": option, "current": cur, "previous": old, "diff": diff,
                     "question_label": q_label, "option_label": o_label,
                     "anchor_current": _evidence_for(current, evidence, r["question"], option, progress),
                     "anchor_previous": _evidence_for(other, evidence, r["question"], option, progress)})
    return {"status": "ok", "rows": rows, "other": other.wave}
