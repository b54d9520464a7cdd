"""Terminal views with rich: tables that read like the survey report.

Every value that comes from a user (answers, ids, units, options, waves,
labels, coder and file names) reaches rich as ``Text`` (``lit``, ``line``),
never as markup: ``[/]`` or ``[bold]`` in an answer is shown as typed and
cannot crash a view. Control characters (a terminal escape, a carriage
return) and bidirectional overrides are shown as visible symbols, so an answer
cannot rewrite or reorder what the terminal shows.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

BAR_WIDTH = 24

# C0 controls but tab and newline as the Unicode control pictures (U+2400...), DEL and C1
# controls and the bidirectional marks/overrides as <U+XXXX>.
_VISIBLE = {c: chr(0x2400 + c) for c in range(32) if chr(c) not in "\t\n"}
_VISIBLE[0x7F] = "\u2421"
_VISIBLE.update({c: f"<U+{c:04X}>" for c in [*range(0x80, 0xA0), 0x061C, 0x200E, 0x200F,
                                             *range(0x202A, 0x202F), *range(0x2066, 0x206A)]})


def visible(value: Any) -> str:
    """A value as text a terminal shows as it is (control characters made visible)."""
    s = "" if value is None else str(value)
    return s if s.isprintable() else s.translate(_VISIBLE)


def lit(value: Any, style: str | None = None) -> Text:
    """A user value for a table cell or title: literal text, never markup."""
    return Text(visible(value), style=style or "")


def line(*parts: Any) -> Text:
    """A message line: plain parts are literal text, ``(text, style)`` parts are styled."""
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            out.append(visible(part[0]), style=part[1])
        elif isinstance(part, Text):
            out.append_text(part)
        else:
            out.append(visible(part))
    return out


def _fmt(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "–"
    return f"{x:.{digits}f}"


def _bar(percent: float | None) -> str:
    if percent is None:
        return ""
    full = round(BAR_WIDTH * percent / 100)
    return "█" * full + "·" * (BAR_WIDTH - full)


def _ci(ci: list[float] | None) -> str:
    return f"{ci[0]:.1f}–{ci[1]:.1f}" if ci else "–"


def _choice_table(entry: dict[str, Any], title: str) -> Table:
    t = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    t.add_column("answer")
    t.add_column("n", justify="right")
    t.add_column("%", justify="right")
    t.add_column("95% CI", justify="right", style="dim")
    t.add_column("", no_wrap=True)
    for option, count in entry["counts"].items():
        pct = entry["percent"].get(option)
        t.add_row(lit(option), str(count), _fmt(pct), _ci(entry["ci95"].get(option)),
                  _bar(pct) if pct is not None else "[dim]not in base[/dim]")
    for name, s in (entry.get("summary") or {}).items():
        label = {"agree": "(helemaal) eens", "neutral": "neutraal", "disagree": "(helemaal) oneens"}[name]
        t.add_row(f"[italic]{label}[/italic]", str(s["count"]), _fmt(s["percent"]), _ci(s["ci95"]),
                  _bar(s["percent"]), style="cyan")
    return t


def _caption(entry: dict[str, Any]) -> Text:
    if entry["type"] in ("single", "likert", "multi"):
        extra = ""
        if entry.get("excluded_from_base"):
            extra = f", not in base: {sum(entry['excluded_from_base'].values())}"
        if "mean_score" in entry:
            extra += f", mean score {entry['mean_score']:.2f} ({entry['scale']})"
        return lit(f"base n = {entry['base']}, missing {entry['missing']}{extra}")
    if entry["type"] == "numeric":
        return lit(f"n = {entry['n']}, missing {entry['missing']}")
    return lit(f"answered {entry['answered']}, missing {entry['missing']}")


def question_view(entry: dict[str, Any]) -> Any:
    """One tallied question for the terminal: its heading and table of counts and percentages."""
    # The title goes above the table: as a table title it would wrap to the table's width.
    heading = line((entry["id"], "bold"), " ", entry.get("label") or "", " ", (f"({entry['type']})", "dim"))
    return Group(heading, _question_table(entry))


def _question_table(entry: dict[str, Any]) -> Any:
    title = None
    if entry["type"] in ("single", "likert", "multi"):
        table = _choice_table(entry, title)
        table.caption = _caption(entry)
        table.caption_justify = "left"
        return table
    if entry["type"] == "numeric":
        t = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
        for col in ("n", "mean", "median", "q1", "q3", "min", "max"):
            t.add_column(col, justify="right")
        if entry["n"]:
            t.add_row(str(entry["n"]), *(f"{entry[k]:.3g}" for k in ("mean", "median", "q1", "q3", "min", "max")))
        else:
            t.add_row("0", *("–" for _ in range(6)))
        t.caption, t.caption_justify = _caption(entry), "left"
        return t
    t = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    t.add_column("open answers", justify="right")
    t.add_column("missing", justify="right")
    t.add_row(str(entry["answered"]), str(entry["missing"]))
    return t


def wave_header(res: dict[str, Any]) -> Panel:
    """The panel above a wave's tallies: respondents, responses left out, response rate and margin of error."""
    lines = [line("respondents ", (str(res["respondents"]), "bold"))]
    left_out = [e for e in res.get("excluded", []) if e["count"]]
    if left_out:
        lines.append(line(f"left out {sum(e['count'] for e in left_out)} of {res['responses_in_export']} "
                          "responses in the export: " + "; ".join(f"{e['count']} {e['why']}" for e in left_out)))
    if res.get("population"):
        lines.append(line(f"population {res['population']} · response rate {res['response_rate']:.1f}%"))
    lines.append(line(f"margin of error ±{res['margin_of_error']:.1f} points (95%, p = 0.5"
                      f"{', finite population' if res.get('population') else ''})"))
    lines.append(line(f"needed for ±5%: {res['required_sample']} respondents"))
    if res.get("unmatched_units"):
        lines.append(line((f"units not in the municipality list: {', '.join(res['unmatched_units'][:8])}"
                           f"{' …' if len(res['unmatched_units']) > 8 else ''}", "yellow")))
    return Panel(Text("\n").join(lines), title=line((f"{res['survey']} · wave {res['wave']}", "bold")),
                 title_align="left", expand=False)


def print_tallies(results: list[dict[str, Any]], console: Console) -> None:
    """Print the tallies of each wave, with crosstab groups and their chi-squared test when asked for."""
    for res in results:
        console.print(wave_header(res))
        for entry in res["questions"]:
            console.print(question_view(entry))
            if entry.get("by"):
                for grp in entry["by"]["groups"]:
                    grp_title = dict(grp, label=f"— {entry['by']['question']} = {grp['group']}")
                    console.print(question_view(grp_title))
                test = entry["by"].get("test")
                if test:
                    console.print(line((f"χ² = {test['chi2']:.2f}, df = {test['df']}, p = {test['p_value']:.3g}"
                                        f"{' — ' + test['warning'] if test['warning'] else ''}", "dim")))
            console.print()


@contextmanager
def progress_bar(console: Console, description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar driven by update(done, total) calls; invisible when nothing is done."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(description, total=None, visible=False)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, visible=total > 0)
        yield update


def clean_table(answers: list[dict[str, Any]], limit: int = 200) -> Table:
    """The cleaned answers as a table (redacted text, entities, flags), at most ``limit`` rows."""
    t = Table(title=f"cleaned answers ({len(answers)})", title_justify="left", show_lines=False)
    t.add_column("respondent", no_wrap=True)
    t.add_column("question", no_wrap=True)
    t.add_column("answer (redacted)", ratio=4, overflow="fold")
    t.add_column("entities", ratio=2, overflow="fold")
    t.add_column("flags", ratio=1, overflow="fold")
    for a in answers[:limit]:
        text = a["redacted_text"]
        entities = Text(", ").join(line(e["text"], " ", (e["label"], "dim")) for e in a["entities"])
        t.add_row(lit(a["respondent_id"]), lit(a["question"]), lit(text if len(text) <= 160 else text[:157] + "..."),
                  entities, lit(" ".join(a["flags"])))
    if len(answers) > limit:
        t.caption = f"first {limit} of {len(answers)}; use --format json or csv for all"
    return t


def cleaning_view(cleaning: dict[str, Any]) -> Table:
    """Summary of a cleaning run per survey, wave and question: answers, flags, places and organisations named."""
    p = cleaning["pipeline"]
    t = Table(title=lit(f"open answers cleaned with {Path(p['name']).name} {p['version']} ({p['level']}): "
                        f"{cleaning['processed']} processed, {cleaning['cached']} from cache"),
              title_justify="left")
    for col in ("survey", "wave", "question", "answers", "flags", "places named most", "organisations"):
        t.add_column(col, overflow="fold")
    for r in cleaning["summary"]:
        t.add_row(lit(r["survey"]), lit(r["wave"]), lit(r["question"]), str(r["answers"]),
                  lit(", ".join(f"{k} {v}" for k, v in sorted(r["flags"].items()))),
                  lit(", ".join(f"{k} ({v})" for k, v in r["places"])),
                  lit(", ".join(f"{k} ({v})" for k, v in r["organisations"])))
    return t


def coding_table(answers: list[dict[str, Any]], codebook: Any, limit: int = 200) -> Group:
    """Theme counts of coded answers, then the answers with their themes and source (human or machine)."""
    from collections import Counter

    counts = Counter(t for a in answers for t in a["themes"])
    n = len(answers)
    summary = Table(title=f"themes ({n} answers)", title_justify="left")
    for col, justify in (("theme", "left"), ("n", "right"), ("%", "right"), ("", "left")):
        summary.add_column(col, justify=justify)
    for theme, c in sorted(counts.items(), key=lambda kv: -kv[1]):
        summary.add_row(lit(codebook.label_of(theme)), str(c), f"{100 * c / n:.1f}" if n else "–", _bar(100 * c / n))
    detail = Table(title="answers", title_justify="left")
    detail.add_column("respondent", no_wrap=True)
    detail.add_column("answer", ratio=4, overflow="fold")
    detail.add_column("themes", ratio=2, overflow="fold")
    detail.add_column("source", no_wrap=True)
    for a in answers[:limit]:
        text = a.get("redacted_text") or a["text"]
        detail.add_row(lit(a["respondent_id"]), lit(text if len(text) <= 160 else text[:157] + "..."),
                       lit(", ".join(a["themes"])), lit(a["source"]))
    return Group(summary, detail)


def evaluation_view(result: dict[str, Any]) -> Group:
    """Machine versus human coding per theme (precision, recall, F1, kappa, alpha) and the
    coverage at precision 0.9."""
    cv = result["cross_validated"]
    f = (lambda v: "–" if v is None or v != v else f"{v:.2f}")
    t = Table(title=lit(f"{result['survey']} {result['question']}: machine vs human, {cv.get('cv', '?')}-fold "
                        f"cross-validated on {result['human_coded_answers']} human-coded answers"), title_justify="left")
    for col in ("theme", "precision", "recall", "F1", "support", "kappa", "alpha"):
        t.add_column(col, justify="left" if col == "theme" else "right")
    for r in cv["per_theme"]:
        t.add_row(lit(r["theme"]), f(r["precision"]), f(r["recall"]), f(r["f1"]), str(r["support"]),
                  f(r["kappa"]), f(r["alpha"]))
    t.add_row("[bold]macro / micro[/bold]", "", "", f"{f(cv['macro_f1'])} / {f(cv['micro_f1'])}", "",
              f(cv["mean_kappa"]), f(cv["alpha"]))
    cov = result["coverage_at_precision_0.9"]
    lines: list[Any] = [t, line(f"coded automatically at precision >= 0.9: {100 * cov['coverage']:.0f}% of answers "
                                f"(best-score cut {cov['threshold']:.2f})")]
    if result.get("human_vs_human"):
        h = result["human_vs_human"]
        lines.append(line(f"human vs human ({' and '.join(h['coders'])}, {h['answers']} answers): "
                          f"mean kappa {f(h['mean_kappa'])}, alpha {f(h['alpha'])}"))
    if result.get("double_coding"):  # the workbench's figures (double_coding.agreement)
        d = result["double_coding"]
        g = (lambda v: "–" if v is None else f"{v:.2f}")
        lines.append(line(f"blind double coding ({d['answers']} of the sample's {d['size']} answers coded twice): "
                          f"mean kappa {g(d['pooled']['kappa'])}, alpha {g(d['pooled']['alpha'])}"))
        for r in d["themes"]:
            lines.append(line(f"  {r['theme']}: kappa {g(r['kappa'])}, alpha {g(r['alpha'])} ({r['answers']} answers)"))
    pooled = (result.get("trust") or [{}])[-1]
    if pooled.get("audit_answers"):  # the unbiased figures of Project.trust
        lines.append(line(f"audit sample ({pooled['audit_answers']} answers, never trained on): precision "
                          f"{f(pooled['precision'])}, recall {f(pooled['recall'])}, alpha {f(pooled['alpha_audit'])}"))
    return Group(*lines)


def coding_view(coding: list[dict[str, Any]]) -> Table:
    """Theme counts per open question and wave."""
    t = Table(title="themes per open question (codebook only until staff review; counts per wave)",
              title_justify="left")
    for col in ("survey", "question", "wave", "themes (n)"):
        t.add_column(col, overflow="fold")
    for q in coding:
        for wave, counts in q["counts"].items():
            t.add_row(lit(q["survey"]), lit(q["question"]), lit(wave), lit(", ".join(f"{k} {v}" for k, v in counts.items())))
    return t


def _p(p: float | None) -> str:
    return "–" if p is None else ("<0.001" if p < 0.001 else f"{p:.3f}")


def compare_view(rows: list[dict[str, Any]], wave_a: str, wave_b: str) -> Group:
    """Wave comparison: per question, both waves' shares, the difference and its test."""
    parts: list[Any] = []
    for qid in dict.fromkeys(r["question"] for r in rows):
        items = [r for r in rows if r["question"] == qid and r["kind"] != "topic"]
        topics = [r for r in rows if r["question"] == qid and r["kind"] == "topic"]
        first = (items or topics)[0]
        parts.append(line((qid, "bold"), " ", first["question_label"] if first["question_label"] != qid else "",
                          " ", (f"({'themes' if first['kind'] == 'theme' else first['kind']})", "dim")))
        tested = [r for r in items if r["option"] is not None]
        if tested:
            t = Table(show_edge=False, pad_edge=False)
            t.add_column("answer / theme", min_width=12, ratio=1, overflow="fold")
            for w in (wave_a, wave_b):
                bases = {(r["waves"].get(w) or {}).get("n") for r in tested} - {None}
                t.add_column(lit(f"{w} % (95% CI)" + (f"\nn = {bases.pop()}" if len(bases) == 1 else "")),
                             justify="right", no_wrap=True)
            for col in ("Δ", "p Holm", "test", ""):
                t.add_column(col, justify="right", no_wrap=True)
            for r in tested:
                cells: list[Any] = [lit(r["label"])]
                for w in (wave_a, wave_b):
                    s = r["waves"].get(w)
                    ci = s and s["ci95"]
                    cells.append(line(_fmt(s["percent"]), " ", (f"({ci[0]:.0f}–{ci[1]:.0f})", "dim")) if ci
                                 else (_fmt(s["percent"]) if s else "–"))
                diff = "–" if r["difference"] is None else f"{r['difference']:+.1f}"
                cells += [diff, _p(r["p_adjusted"]), {"z": "z", "fisher": "Fisher"}.get(r["test"], "–"),
                          "[bold green]*[/bold green]" if r["significant"] else ""]
                t.add_row(*cells, style="bold" if r["significant"] else ("cyan" if r["option"] == "agree" else None))
            parts.append(t)
        for note in dict.fromkeys(r["note"] for r in items if r.get("note")):
            parts.append(line((note, "yellow")))
        for r in topics:
            counts = ", ".join(f"{w}: {s['count']}" if s else f"{w}: –" for w, s in r["waves"].items())
            parts.append(line(f"  topic {r['change']} ({counts} answers): ", r["label"]))
        parts.append("")
    if not rows:
        parts.append("nothing to compare")
    parts.append(line((f"% of the base n, 95% Wilson interval; Δ = {wave_b} − {wave_a} in percentage points; "
                       "two-sided pooled z-test, Fisher's exact test when an expected count is below 5; "
                       "p Holm-adjusted within each question; * = significant change (p (Holm) < 0.05)", "dim")))
    return Group(*parts)


def topics_rows(clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat rows of a topics run (CSV)."""
    import json

    return [{"id": c["id"], "label": c["label"], "size": c["size"], "new": c["new"],
             "keywords": "; ".join(c["keywords"]),
             "coverage": json.dumps({k: v for k, v in c["coverage"].items() if v}, ensure_ascii=False),
             "waves": json.dumps(c["waves"], ensure_ascii=False), "quotes": " | ".join(c["quotes"])}
            for c in clusters]


def topics_view(clusters: list[dict[str, Any]], codebook: Any) -> Group:
    """Topics with keywords, best-covering theme, shares per wave; new ones first and marked; then
    the topics that appear or vanish between consecutive waves."""
    from .topics import topic_changes

    waves = sorted({w for c in clusters for w in c["waves"]})
    changes = {(a, b): topic_changes(clusters, a, b) for a, b in zip(waves, waves[1:])}
    t = Table(title=f"topics ({len(clusters)}); [bold yellow]NEW[/bold yellow] = not covered by the codebook",
              title_justify="left")
    t.add_column("id", justify="right")
    t.add_column("topic", ratio=2, overflow="fold")
    t.add_column("n", justify="right")
    t.add_column("keywords", ratio=2, overflow="fold")
    t.add_column("best theme (coverage)", ratio=2, overflow="fold")
    for w in waves:
        t.add_column(lit(f"% {w}"), justify="right")
    t.add_column("quote", ratio=3, overflow="fold")
    for c in sorted(clusters, key=lambda c: (not c["new"], c["id"])):
        best = max(c["coverage"].items(), key=lambda kv: kv[1], default=None)
        theme = f"{codebook.label_of(best[0])} ({100 * best[1]:.0f}%)" if best and best[1] > 0 else "–"
        quote = c["quotes"][0] if c["quotes"] else ""
        t.add_row(str(c["id"]), line(("NEW ", "bold yellow") if c["new"] else "", c["label"]),
                  str(c["size"]), lit(", ".join(c["keywords"][:6])), lit(theme),
                  *(f"{100 * c['waves'][w]['share']:.1f}" if w in c["waves"] else "–" for w in waves),
                  lit(quote if len(quote) <= 140 else quote[:137] + "..."))
    parts: list[Any] = [t]
    for (a, b), ch in changes.items():
        for kind, word in (("appeared", f"appeared in {b} (near zero in {a})"),
                           ("vanished", f"vanished in {b} (present in {a})")):
            for c in ch[kind]:
                parts.append(line(f"topic {c['id']} {word}: {c['label']} "
                                  f"({c['waves'][a]['count']} → {c['waves'][b]['count']} answers)"))
        if not ch["appeared"] and not ch["vanished"]:
            parts.append(line(f"{a} → {b}: no topic appeared or vanished"))
    return Group(*parts)
