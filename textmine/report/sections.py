"""Assemble the data of one survey wave's report, section by section."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..agreement import trust_figures
from ..auto import auto_coding_frame
from ..codebook import OVERIG
from ..store import Store
from .closed import closed_question
from .clusters import clusters
from .compare import comparison
from .context import WaveContext, previous_wave, wave_info
from .crosstabs import crosstab
from .evidence import Evidence
from .fmt import count, dec, pct
from .method import method_data
from .opens import Progress, codebook_for, coded_answers, open_question
from .spec import ReportSpec, default_spec


@dataclass
class SurveyReport:
    """Everything the HTML report shows of one survey wave, section by section."""

    survey: str
    wave: str
    title: str
    spec: ReportSpec
    method: dict[str, Any]
    closed: list[dict[str, Any]] = field(default_factory=list)
    open: list[dict[str, Any]] = field(default_factory=list)       # with "clusters" per question
    uncoded: list[dict[str, Any]] = field(default_factory=list)    # open questions without a codebook
    crosstabs: list[dict[str, Any]] = field(default_factory=list)
    comparison: dict[str, Any] | None = None
    summary: list[dict[str, Any]] = field(default_factory=list)
    label: str = ""   # the schema's label (carries e.g. the SYNTHETIC marking of the sample)

    def anchor(self, *parts: str) -> str:
        return "-".join([self.survey, *parts])


def build_survey(store: Store, survey: str, wave: str | None, evidence: Evidence, *,
                 spec: ReportSpec | None = None, compare_with: str | None = None,
                 progress: Progress | None = None, prep: Any = None) -> SurveyReport:
    """``prep``: the report's ``readiness.Preparation`` (what is missing is listed there, or made)."""
    info = wave_info(store, survey, wave)
    spec = spec or default_spec(survey)
    spec.check(info.schema)
    ctx = WaveContext(store, info, shared={"prep": prep} if prep is not None else {})
    rep = SurveyReport(survey, info.wave, spec.title or info.schema.label or survey.upper(), spec,
                       method_data(ctx, evidence), label=info.schema.label or survey.upper())
    closed_ids = spec.closed if spec.closed is not None else [q.id for q in info.schema.questions
                                                              if q.type != "open"]
    open_ids = spec.open if spec.open is not None else [q.id for q in info.schema.questions if q.type == "open"]
    for qid in closed_ids:
        rep.closed.append(closed_question(ctx, evidence, info.schema.question(qid)))
    for qid in open_ids:
        q = info.schema.question(qid)
        book = codebook_for(ctx, q)
        if book is None:
            rep.uncoded.append({"question": q, "answers": len(store.open_answers(survey, info.wave, qid))})
            continue
        entry = open_question(ctx, evidence, q, book, spec.quotes, progress)
        entry["clusters"] = clusters(ctx, evidence, q, progress)
        # the figures Project.trust gives (all waves: the audit sample spans them)
        entry["trust"] = trust_figures(store, qid, survey=survey, codebook=book)
        entry["auto"] = auto_coding_frame(store, book, survey, qid)  # gated auto-coding (textmine.gate)
        rep.open.append(entry)
    for ct in spec.crosstabs:
        rep.crosstabs.append(crosstab(ctx, evidence, ct, progress))
    other = compare_with or spec.compare_with
    if other == "auto":
        other = previous_wave(store, survey, info.wave)
    if other and other != info.wave:
        other_ctx = WaveContext(store, wave_info(store, survey, other), shared=ctx.shared)
        shown = set(closed_ids) | {o["question"].id for o in rep.open}
        for item in rep.open:  # the other wave's answers need themes before shares can be compared
            q = item["question"]
            if any(p.id == q.id for p in other_ctx.info.schema.questions):
                coded_answers(other_ctx, q, item["codebook"], progress)
        rep.comparison = comparison(ctx, other_ctx, evidence, progress, questions=shown)
    rep.summary = key_figures(rep)
    return rep


def _closed_figure(rep: SurveyReport, item: dict[str, Any]) -> dict[str, Any] | None:
    q, e = item["question"], item["entry"]
    target = rep.anchor("q", q.id)
    if q.type == "numeric":
        if not e.get("n"):
            return None
        return {"label": q.label or q.id, "value": f"mediaan {dec(e['median'])}",
                "detail": f"gemiddelde {dec(e['mean'], 2)}, n = {count(e['n'])}",
                "anchor": item["anchor_n"], "section": target}
    if not e.get("base"):
        return None
    if q.type == "likert" and "agree" in (e.get("summary") or {}):
        s = e["summary"]["agree"]
        return {"label": q.label or q.id, "value": pct(s["percent"]),
                "detail": f"(helemaal) eens: {count(s['count'])} van {count(e['base'])}",
                "anchor": item["anchors"]["agree"], "section": target}
    shares = {o: p for o, p in e["percent"].items() if p is not None}
    option = "Ja" if "Ja" in shares else max(shares, key=lambda o: (shares[o], o))
    return {"label": q.label or q.id, "value": pct(shares[option]),
            "detail": f"{option}: {count(e['counts'][option])} van {count(e['base'])}",
            "anchor": item["anchors"][option], "section": target}


def _open_figure(rep: SurveyReport, item: dict[str, Any]) -> dict[str, Any] | None:
    themes = [t for t in item["themes"] if t["id"] != OVERIG and t["count"]]
    if not themes:
        return None
    top = max(themes, key=lambda t: t["count"])
    return {"label": item["question"].label or item["question"].id, "value": pct(top["percent"]),
            "detail": f"meest genoemd thema: {top['label']} ({count(top['count'])} van {count(item['base'])})",
            "anchor": top["anchor"], "section": rep.anchor("open", item["question"].id)}


def key_figures(rep: SurveyReport) -> list[dict[str, Any]]:
    """The samenvatting's key figures: the spec's choice, else the first closed and every open question."""
    closed = {c["question"].id: c for c in rep.closed}
    opens = {o["question"].id: o for o in rep.open}
    chosen = rep.spec.summary if rep.spec.summary is not None else list(closed)[:6] + list(opens)
    out = []
    for qid in chosen:
        fig = _closed_figure(rep, closed[qid]) if qid in closed else \
            _open_figure(rep, opens[qid]) if qid in opens else None
        if fig:
            out.append(fig)
    return out
