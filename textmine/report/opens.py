"""Open questions: the themes of each answer (human codes win), counts, quotes.

Only the redacted text of the cleaning step is used: the report is public.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any, Callable

from ..codebook import NON_ANSWER, OVERIG, Codebook
from ..errors import InputError
from ..schema import Question
from ..tally import wilson
from .context import WaveContext
from .evidence import Evidence

Progress = Callable[[str, int, int], None]
QUOTE_MIN, QUOTE_MAX = 40, 400   # characters: long enough to say something, short enough to quote


def _settings(ctx: WaveContext) -> Any:
    from ..config import load_config

    return load_config(ctx.store.dir).nlp


def preparation(ctx: WaveContext, progress: Progress | None = None) -> Any:
    """The report's ``readiness.Preparation`` (shared by its waves): reads cleaned answers and codes,
    and lists what is missing or, when the report prepares, makes it."""
    from ..readiness import Preparation

    if "prep" not in ctx.shared:
        ctx.shared["prep"] = Preparation(ctx.store, False, _settings(ctx))
    prep = ctx.shared["prep"]
    if prep.settings is None:
        prep.settings = _settings(ctx)
    return prep


def _step(prep: Any, progress: Progress | None, what: str) -> Any:
    prep.progress = (lambda d, t: progress(what, d, t)) if progress else None
    return prep


def survey_cleaned(ctx: WaveContext, q: Question, progress: Progress | None = None) -> list[dict[str, Any]]:
    """The cleaning step's rows for this question in every wave of the survey (read once per report).
    Per wave the rows are the same as a one-wave cleaning."""
    key = ("cleaned", ctx.survey, q.id)
    if key not in ctx.shared:
        prep = _step(preparation(ctx), progress, f"cleaning {ctx.survey} {q.id}")
        ctx.shared[key] = prep.cleaned(ctx.survey, q.id)
    return ctx.shared[key]


def cleaned_answers(ctx: WaveContext, q: Question, progress: Progress | None = None) -> list[dict[str, Any]]:
    """The cleaning step's rows for this question and wave."""
    key = ("cleaned", q.id)
    if key not in ctx.cache:
        whole = ctx.shared.get(("cleaned", ctx.survey, q.id))
        if whole is not None:
            ctx.cache[key] = [a for a in whole if a["wave"] == ctx.wave]
        else:
            prep = _step(preparation(ctx), progress, f"cleaning {ctx.survey} {q.id} {ctx.wave}")
            ctx.cache[key] = prep.cleaned(ctx.survey, q.id, ctx.wave)
    return ctx.cache[key]


def coded_answers(ctx: WaveContext, q: Question, codebook: Codebook,
                  progress: Progress | None = None) -> list[dict[str, Any]]:
    """One row per answer of the wave: redacted text, themes (main first), source, scores.

    Codes come from the store, per answer a human code over a machine one
    (``codes.current_themes``, in the stored order). Answers not coded yet are
    listed as missing, or coded first when the report prepares (``readiness``).
    """
    from ..codes import answer_themes, current_themes

    key = ("coded", q.id)
    if key in ctx.cache:
        return ctx.cache[key]
    cleaned = cleaned_answers(ctx, q, progress)
    prep = _step(preparation(ctx), progress, f"coding {ctx.survey} {q.id} {ctx.wave}")
    codes = prep.codes(ctx.survey, q.id, ctx.wave, codebook, cleaned)
    codes = codes.sort_values("code_id")
    current = current_themes(codes, by=("respondent_id",))
    machine = codes[codes["source"] == "machine"]
    scores: dict[str, dict[str, float]] = {}  # machine scores, also of human-coded answers (quote ranking)
    for rid, theme, score in zip(machine["respondent_id"].astype(str), machine["theme"], machine["score"]):
        scores.setdefault(rid, {})[theme] = score
    out = []
    for a in cleaned:
        rid = str(a["respondent_id"])
        source, applied = current.get((rid,), ("machine", {}))
        if source == "machine" and NON_ANSWER in a["flags"]:
            themes, source = [NON_ANSWER], "flag"
        else:
            themes = answer_themes(source, applied, codebook)  # the stored order: main theme first
        out.append({"respondent_id": rid, "name": ctx.name(rid), "text": a["redacted_text"],
                    "themes": themes, "source": source, "scores": scores.get(rid, {})})
    ctx.cache[key] = out
    return out


def pick_quotes(rows: list[dict[str, Any]], theme: str, k: int, used: set[str]) -> list[dict[str, Any]]:
    """The k answers that say the theme best: human-coded first, then by score; quotable length;
    an answer already quoted for another theme only when nothing else is left."""
    def rank(r: dict[str, Any]) -> tuple:
        length_ok = QUOTE_MIN <= len(r["text"]) <= QUOTE_MAX
        return (not length_ok, r["respondent_id"] in used, r["source"] != "human",
                -float(r["scores"].get(theme) or 0.0), r["respondent_id"])
    ranked = sorted(rows, key=rank)
    picked: list[dict[str, Any]] = []
    for r in ranked:  # skip near-copies of a quote already chosen: show the range of answers
        if len(picked) == k:
            break
        if not any(_similar(r["text"], p["text"]) for p in picked):
            picked.append(r)
    picked += [r for r in ranked if r not in picked][: k - len(picked)]
    used.update(r["respondent_id"] for r in picked)
    return picked


def _similar(a: str, b: str, threshold: float = 0.6) -> bool:
    return SequenceMatcher(None, a.casefold()[:200], b.casefold()[:200]).ratio() >= threshold


def open_question(ctx: WaveContext, evidence: Evidence, q: Question, codebook: Codebook, quotes: int,
                  progress: Progress | None = None) -> dict[str, Any]:
    """The report data of one open question: themes with counts, percentages, 95% intervals, quotes and anchors."""
    rows = coded_answers(ctx, q, codebook, progress)
    base_rows = [r for r in rows if r["themes"] != [NON_ANSWER]]
    base = len(base_rows)
    population = ctx.info.population
    themes, used = [], set()
    for tid in [*codebook.ids, OVERIG]:
        members = [r for r in base_rows if tid in r["themes"]]
        if tid == OVERIG and not members:
            continue
        label = theme_label(codebook, tid)
        anchor = register_theme(ctx, evidence, q, tid, label, members)
        themes.append({"id": tid, "label": label, "count": len(members),
                       "percent": 100 * len(members) / base if base else None,
                       "ci95": wilson(len(members), base, population), "anchor": anchor,
                       "quotes": pick_quotes(members, tid, quotes, used) if tid != OVERIG else []})
    non_answers = [r for r in rows if r["themes"] == [NON_ANSWER]]
    return {"question": q, "codebook": codebook, "answers": len(rows), "base": base, "themes": themes,
            "non_answers": len(non_answers),
            "anchor_non_answers": register_theme(ctx, evidence, q, NON_ANSWER, theme_label(codebook, NON_ANSWER),
                                                 non_answers),
            "human": sum(r["source"] == "human" for r in rows),
            "machine": sum(r["source"] == "machine" for r in rows)}


def register_theme(ctx: WaveContext, evidence: Evidence, q: Question, theme: str, label: str,
                   members: list[dict[str, Any]]) -> str:
    """Register the answers coded ``theme`` in the appendix; returns the anchor."""
    return evidence.add((ctx.survey, ctx.wave, q.id, "theme", theme),
                        f"{q.label or q.id}: {label} ({ctx.survey.upper()} {ctx.wave})",
                        [(r["name"], r["text"]) for r in members], kind="answers")


def theme_label(book: Codebook, theme: str) -> str:
    """A theme's label as the report publishes it: redacted like the answers (staff may name a
    contact person in a label, or promote a topic whose title holds a name)."""
    from ..nlp.answers import redact_field

    return redact_field(book.label_of(theme))


def codebook_for(ctx: WaveContext, q: Question) -> Codebook | None:
    """The codebook of an open question (None when it has none or it cannot be read), loaded once per report."""
    from ..questions import resolve_codebook

    key = ("codebook", q.id)
    if key not in ctx.cache:  # loaded once per report: parsing a codebook is not free
        try:
            ctx.cache[key] = resolve_codebook(ctx.store, ctx.survey, q.id)
        except InputError:
            ctx.cache[key] = None
    return ctx.cache[key]
