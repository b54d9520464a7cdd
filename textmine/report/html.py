"""The report page: one self-contained Dutch HTML file (inline CSS and SVG, no scripts, nothing fetched)."""

from __future__ import annotations

from datetime import datetime, timezone

from ..version import __version__
from . import blocks
from .evidence import Evidence
from .fmt import count, esc
from .sections import SurveyReport

CSS = """
:root{--ink:#1d2733;--muted:#5b6675;--line:#d9dee5;--bar:#2f6f9f;--accent:#b5462f;--bg:#fff}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 "DejaVu Sans",system-ui,"Segoe UI",Roboto,Arial,"Liberation Sans",sans-serif;
 color:var(--ink);background:var(--bg)}
header.top{background:#17364f;color:#fff;padding:22px 32px}
header.top h1{margin:0 0 4px;font-size:26px}
header.top p{margin:0;color:#d6e2ec} header.top p.small{font-size:13px;margin-top:2px}
.layout{display:flex;gap:28px;max-width:1320px;margin:0 auto;padding:0 24px}
nav.toc{flex:0 0 230px;position:sticky;top:0;align-self:flex-start;max-height:100vh;overflow:auto;
 padding:18px 0;font-size:14px}
nav.toc ul{list-style:none;margin:0;padding:0 0 0 10px}
nav.toc>ul{padding:0}
nav.toc li{margin:3px 0}
nav.toc a{color:var(--ink);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
main{flex:1 1 auto;min-width:0;max-width:1040px;padding-bottom:60px}
h2{font-size:22px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:34px}
h3{font-size:17px;margin:22px 0 6px}
.part>h2.survey{font-size:24px;border:0;color:#17364f;margin-top:26px}
a{color:#1f5f8f}
.muted{color:var(--muted)} .small{font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:14px;margin:14px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:190px}
.card .big{font-size:28px;font-weight:bold}
ul.figures li{margin:4px 0}
a.fig{font-weight:bold;font-size:16px}
figure.q{margin:18px 0 26px;padding:0}
figure.q figcaption h3{display:inline;margin-right:8px}
svg.chart{display:block;margin:8px 0;font-family:inherit}
svg.chart .lbl,svg.chart .val{font-size:13px;fill:var(--ink)}
svg.chart .axis{font-size:12px;fill:var(--muted)}
svg.chart .bar{fill:var(--bar)} svg.chart .bar.muted{fill:#9aa7b4}
svg.chart .ci{stroke:#111;stroke-width:1.4;fill:none}
svg.chart .grid{stroke:var(--line);stroke-width:1}
svg.chart a.bar-link:hover .bar{fill:var(--accent)}
svg.chart a.bar-link:hover .lbl{text-decoration:underline}
table{border-collapse:collapse;margin:8px 0 14px;font-size:14px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f2f5f8}
table.num td.r,table.num td:not(:first-child),table.num th:not(:first-child){text-align:right}
table.themes{width:100%} table.themes td.r{text-align:right;white-space:nowrap}
tr.over td:first-child::after{content:" ▲";color:var(--accent)}
tr.under td:first-child::after{content:" ▼";color:#2f6f9f}
tr.grp td{background:#f7f9fb;font-weight:bold;text-align:left!important}
tr.sig td{background:#fff4e5}
blockquote{margin:4px 0 8px;padding:2px 0 2px 10px;border-left:3px solid var(--line);font-style:italic}
blockquote cite{font-style:normal;color:var(--muted);font-size:13px}
.tag{background:var(--accent);color:#fff;border-radius:3px;padding:0 5px;font-size:12px}
.scroll{overflow-x:auto} .nowrap{white-space:nowrap}
p.likert{margin:2px 0}
section.evidence{border-top:1px solid var(--line);padding:6px 0}
section.evidence h4{margin:6px 0;font-size:15px}
section.evidence ol{margin:4px 0;padding-left:22px;font-size:14px}
section.evidence p{font-size:14px;margin:4px 0}
:target{background:#fff8d6}
@media print{nav.toc{display:none}}
"""

SECTIONS = [("samenvatting", "Samenvatting"), ("methode", "Methode"), ("gesloten", "Gesloten vragen"),
            ("open", "Open vragen"), ("clusters", "Nieuwe clusters"), ("kruistabellen", "Kruistabellen"),
            ("vergelijking", "Vergelijking met een vorige golf")]


def _section_title(rep: SurveyReport, key: str, title: str) -> str:
    if key == "vergelijking" and rep.comparison:
        return f"Vergelijking met {rep.comparison['other']}"
    return title


def part(rep: SurveyReport, heading: bool = True) -> str:
    """HTML of one survey wave's report: every section, with a heading when the page has several."""
    body = {
        "samenvatting": blocks.summary(rep),
        "methode": blocks.method(rep),
        "gesloten": "".join(blocks.closed_question(rep, c) for c in rep.closed) or "<p>Geen gesloten vragen.</p>",
        "open": "".join(blocks.open_question(rep, o) for o in rep.open)
        + "".join(f"<h3>{esc(u['question'].label or u['question'].id)}</h3><p class=\"muted\">"
                  f"{count(u['answers'])} antwoorden; geen codeboek voor deze vraag, dus geen thema’s.</p>"
                  for u in rep.uncoded),
        "clusters": blocks.clusters(rep),
        "kruistabellen": "".join(blocks.crosstab(rep, c) for c in rep.crosstabs)
        or "<p class=\"muted\">Geen kruistabellen gekozen in de rapportspecificatie.</p>",
        "vergelijking": blocks.comparison(rep),
    }
    html = [f'<div class="part" id="{esc(rep.anchor("deel"))}">'
            + (f'<h2 class="survey">{esc(rep.title)} — golf {esc(rep.wave)}</h2>' if heading else "")]
    for key, title in SECTIONS:
        html.append(f'<section id="{esc(rep.anchor(key))}"><h2>{esc(_section_title(rep, key, title))}</h2>'
                    f"{body[key]}</section>")
    return "".join(html) + "</div>"


def toc(reps: list[SurveyReport]) -> str:
    """HTML of the table of contents of the reports on the page."""
    items = []
    for rep in reps:
        subs = "".join(f'<li><a href="#{esc(rep.anchor(k))}">{esc(_section_title(rep, k, t))}</a></li>'
                       for k, t in SECTIONS)
        items.append(f'<li><a href="#{esc(rep.anchor("deel"))}"><strong>{esc(rep.survey.upper())} '
                     f"{esc(rep.wave)}</strong></a><ul>{subs}</ul></li>")
    items.append('<li><a href="#bijlage"><strong>Bijlage</strong></a></li>')
    return f'<nav class="toc" aria-label="Inhoud"><strong>Inhoud</strong><ul>{"".join(items)}</ul></nav>'


def appendix(evidence: Evidence) -> str:
    """HTML of the appendix: the respondents and answers behind each figure."""
    out = ['<section id="bijlage"><h2>Bijlage: de antwoorden achter de cijfers</h2><p>Per cijfer in het rapport: '
           "de besturen (en bij open vragen hun geanonimiseerde antwoorden) die het vormen.</p>"]
    for e in evidence.entries.values():
        more = f" (eerste {count(len(e.rows))} getoond)" if e.total > len(e.rows) else ""
        head = f'<section class="evidence" id="{esc(e.anchor)}"><h4>{esc(e.title)}</h4>' \
               f'<p class="muted">{count(e.total)} respondent{"en" if e.total != 1 else ""}{more}</p>'
        if not e.rows:
            body = ""
        elif e.kind == "answers":
            body = "<ol>" + "".join(f"<li><strong>{esc(n)}</strong>: {esc(t)}</li>" for n, t in e.rows) + "</ol>"
        elif e.kind == "values":
            body = "<p>" + "; ".join(f"{esc(n)} ({esc(v)})" for n, v in e.rows) + "</p>"
        else:
            body = "<p>" + ", ".join(esc(n) for n, _v in e.rows) + "</p>"
        out.append(head + body + "</section>")
    return "".join(out) + "</section>"


def page(reps: list[SurveyReport], evidence: Evidence) -> str:
    """The whole report as one HTML page (reports, table of contents, appendix)."""
    title = reps[0].title if len(reps) == 1 else "Rapport van de bevragingen"
    waves = " · ".join(f"{r.label}, golf {r.wave}" if r.label != title else f"golf {r.wave}" for r in reps)
    made = datetime.now(timezone.utc).strftime("%d-%m-%Y")
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<header class="top"><h1>{esc(title)}</h1><p>{esc(waves)}</p><p class="small">gemaakt met textmine '
        f"{esc(__version__)} op {made}</p></header>"
        f'<div class="layout">{toc(reps)}<main>{"".join(part(r, len(reps) > 1) for r in reps)}'
        f"{appendix(evidence)}</main></div>"
        "</body></html>")
