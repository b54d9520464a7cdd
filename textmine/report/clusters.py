"""Nieuwe clusters: topic clusters of an open question, when a topics run is stored.

Uses ``Store.topic_clusters(survey, question)`` (the latest topics run); the
report says so when there is none. Quotes are redacted text of the
cleaning step only: a cluster's own quote is used when it is the redacted text
of one of its members, else the members' redacted answers are quoted.
"""

from __future__ import annotations

from typing import Any

from ..codebook import NON_ANSWER
from ..schema import Question
from ..units import respondent_name
from .context import WaveContext
from .evidence import Evidence
from .opens import QUOTE_MAX, QUOTE_MIN, Progress, codebook_for, survey_cleaned, theme_label

MAX_QUOTES = 3


def _all_waves(ctx: WaveContext, q: Question, progress: Progress | None = None) -> dict[str, list[dict[str, Any]]]:
    """Respondent id -> cleaned answers to this question in any wave, with the respondent's name."""
    key = ("all_waves", q.id)
    if key not in ctx.cache:
        names: dict[tuple[str, str], str] = {}
        for info in ctx.store.waves(ctx.survey):
            for r in ctx.store.respondents(ctx.survey, info.wave).itertuples():
                names[(info.wave, str(r.respondent_id))] = respondent_name(r.municipality, r.unit, r.respondent_id)
        out: dict[str, list[dict[str, Any]]] = {}
        for a in survey_cleaned(ctx, q, progress):
            rid = str(a["respondent_id"])
            out.setdefault(rid, []).append({"wave": a["wave"], "respondent_id": rid, "text": a["redacted_text"],
                                            "non_answer": NON_ANSWER in a["flags"],
                                            "name": names.get((a["wave"], rid)) or respondent_name(None, None, rid)})
        ctx.cache[key] = out
    return ctx.cache[key]


def _quotes(members: list[dict[str, Any]], offered: list[Any], wave: str) -> list[tuple[str, str]]:
    by_text = {m["text"].strip(): m for m in members}
    picked = [by_text[str(t).strip()] for t in offered if str(t).strip() in by_text]
    rest = sorted((m for m in members if not m["non_answer"] and m not in picked),
                  key=lambda m: (m["wave"] != wave, not QUOTE_MIN <= len(m["text"]) <= QUOTE_MAX,
                                 m["respondent_id"]))
    return [(f"{m['name']} ({m['wave']})", m["text"]) for m in (picked + rest)[:MAX_QUOTES]]


def _closest_theme(ctx: WaveContext, q: Question, coverage: Any) -> tuple[str, float] | None:
    if not isinstance(coverage, dict) or not coverage:
        return None
    theme, value = max(coverage.items(), key=lambda kv: (kv[1], kv[0]))
    book = codebook_for(ctx, q)
    label = theme_label(book, theme) if book is not None and theme in book.ids else str(theme)
    return label, float(value)


def clusters(ctx: WaveContext, evidence: Evidence, q: Question, progress: Progress | None = None
             ) -> dict[str, Any]:
    """{"status": "none"|"error"|"ok", "clusters": [...]} for one open question."""
    try:
        found = ctx.store.topic_clusters(ctx.survey, q.id) or []
    except Exception as exc:  # noqa: BLE001 - the topics stage is optional: the report must still be written
        return {"status": "error", "clusters": [], "error": f"{type(exc).__name__}: {exc}"}
    if not found:
        return {"status": "none", "clusters": []}
    answers = _all_waves(ctx, q, progress)
    wanted_waves = {str(w) for w in ((found[0].get("waves") or {}).keys())} or None
    out = []
    for c in found:
        members = [a for rid in dict.fromkeys(map(str, c.get("respondent_ids") or []))
                   for a in answers.get(rid, []) if wanted_waves is None or a["wave"] in wanted_waves]
        anchor = evidence.add((ctx.survey, "clusters", q.id, c.get("id")),
                              f"{q.label or q.id}: cluster ‘{c.get('label') or c.get('id')}’ "
                              f"({ctx.survey.upper()}, alle golven)",
                              [(f"{m['name']} ({m['wave']})", m["text"]) for m in members], kind="answers")
        out.append({"id": c.get("id"), "label": c.get("label") or f"cluster {c.get('id')}",
                    "keywords": list(c.get("keywords") or [])[:8], "size": len(members),
                    "waves": c.get("waves") or {}, "new": bool(c.get("new")), "anchor": anchor,
                    "closest": _closest_theme(ctx, q, c.get("coverage")),
                    "quotes": _quotes(members, list(c.get("quotes") or []), ctx.wave)})
    out.sort(key=lambda c: (not c["new"], -c["size"]))
    return {"status": "ok", "clusters": out}
