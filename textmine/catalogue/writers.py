"""Writing the catalogue: one self-contained Dutch HTML page, Markdown, or the curation XLSX.

The HTML has no external resource at all (inline CSS and JS, a Content
Security Policy that forbids loading anything) and escapes every text, so an
answer can never inject markup. Only included practices go into HTML and
Markdown; the workbook lists every practice, so staff can include one again.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from ..version import __version__
from ..atomic import atomic_path, write_text
from ..errors import InputError
from ..export import answer_key
from .curation import (HASH, HIGHLIGHT, INCLUDE, INFO_SHEET, KEY, NO, SHEET, TITLE, YES, respondent_key)

SUFFIXES = (".html", ".htm", ".md", ".xlsx")
PRIVACY_NOTE = ("De antwoorden zijn geanonimiseerd: namen, e-mailadressen en telefoonnummers "
                "zijn vervangen door [NAAM], [E-MAIL] en [TELEFOON].")
SYNTHETIC_NOTE = "Let op: synthetische voorbeelddata, geen echte antwoorden."
UNKNOWN_PROVINCE = "onbekend"


def write_catalogue(practices: list[dict[str, Any]], out: str | Path, *, title: str | None = None) -> Path:
    """Write the catalogue in the format its suffix names: .html, .md or .xlsx."""
    out = Path(out)
    check_suffix(out)
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx_catalogue(practices, out)
        return out
    shown = [p for p in practices if p["included"]]
    text = _html(shown, title) if suffix in (".html", ".htm") else _markdown(shown, title)
    write_text(out, text)
    return out


def check_suffix(out: str | Path) -> None:
    """Fail before any work when the output format is unknown or its folder is missing."""
    out = Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise InputError("the catalogue is written as .html, .md or .xlsx", file=out)
    if not out.parent.is_dir():
        raise InputError("the folder to write the catalogue in does not exist", file=out)


# --- shared pieces ---------------------------------------------------------------------

def _groups(practices: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict], list[dict]]]:
    """Per theme, in codebook order: (theme, practices with it as main theme, cross-listed ones)."""
    themes: dict[str, dict[str, Any]] = {}
    for p in practices:
        for t in p["themes"]:
            themes.setdefault(t["id"], t)
    out = []
    for t in sorted(themes.values(), key=lambda t: (t["order"], t["id"])):
        main = [p for p in practices if p["main_theme"] == t["id"]]
        cross = [p for p in practices if p["main_theme"] != t["id"] and t["id"] in {x["id"] for x in p["themes"]}]
        out.append((t, main, cross))
    return out


def auto_line(theme: dict[str, Any], main: list[dict], cross: list[dict]) -> str:
    """Dutch: how many of a theme's practices were coded automatically (``textmine.gate``) and at
    what estimated precision; '' when none was."""
    auto = [p for p in main + cross if p.get("status") == "auto"]
    if not auto:
        return ""
    prec = next((p["auto_precision"][theme["id"]] for p in auto if theme["id"] in p.get("auto_precision", {})), None)
    est = f", geschatte precisie {prec * 100:.0f}%" if prec is not None else ""
    return (f"{len(auto)} van de {len(main) + len(cross)} praktijken kregen dit thema automatisch{est}; "
            "de andere zijn door een medewerker gecodeerd of nagekeken, of zijn voorstellen van het model.")


def _doc_title(practices: list[dict[str, Any]], title: str | None) -> tuple[str, str]:
    """(title, subtitle)."""
    if not practices:
        return title or "Inspiratiecatalogus", "Geen praktijken om te tonen."
    first = practices[0]
    waves = sorted({p["wave"] for p in practices})
    sub = (f"{first['question_label']} — vragenlijst {first['survey'].upper()}, "
           f"{'golf' if len(waves) == 1 else 'golven'} {', '.join(waves)} — {len(practices)} "
           f"{'praktijk' if len(practices) == 1 else 'praktijken'}")
    return title or "Inspiratiecatalogus", sub


def _partner_rows(p: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(label, p[key]) for label, key in (("Partnerlanden", "countries"), ("Steden", "cities"),
                                               ("Organisaties", "organisations")) if p[key]]


def _place(p: dict[str, Any]) -> str:
    name = p["municipality"] or "Onbekende gemeente"
    return f"{name} (nu {p['merged_into']})" if p.get("merged_into") else name


def _link_label(target: dict[str, Any]) -> str:
    if target["title"] and target["municipality"]:
        return f"{target['title']} ({target['municipality']})"
    return target["heading"]


def _why(link: dict[str, Any]) -> str:
    return f"zelfde partner: {', '.join(link['shared'])}" if link["shared"] else "gelijkaardig"


# --- HTML --------------------------------------------------------------------------------

_CSS = """
:root{--ink:#1f2a33;--muted:#5b6770;--line:#d9dee2;--accent:#0b6e6e;--hl:#fff4d6;--hlb:#e0a800}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);background:#f6f7f8}
header,main,footer{max-width:60rem;margin:0 auto;padding:0 1.25rem}
header{padding-top:1.5rem}
h1{margin:.2rem 0;font-size:2rem;color:var(--accent)}
.sub{margin:.2rem 0 .8rem;color:var(--muted)}
.note{margin:.4rem 0;padding:.4rem .7rem;border-left:4px solid var(--line);background:#fff;font-size:.9rem;color:var(--muted)}
.note.synthetic{border-color:#c0392b;color:#8e2a1f}
.filters{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:end;
 margin:1rem -1.25rem 0;padding:.8rem 1.25rem;background:#f6f7f8ee;border-bottom:1px solid var(--line)}
.filters label{display:flex;flex-direction:column;font-size:.8rem;font-weight:600;color:var(--muted)}
.filters label.check{flex-direction:row;align-items:center;gap:.35rem;padding-bottom:.45rem}
.filters input[type=search],.filters select{font:inherit;font-size:.95rem;padding:.35rem .5rem;border:1px solid #b9c1c7;border-radius:4px;background:#fff;min-width:11rem}
.filters input[type=search]{min-width:16rem}
.filters button{font:inherit;font-size:.9rem;padding:.38rem .8rem;border:1px solid #b9c1c7;border-radius:4px;background:#fff;cursor:pointer}
#teller{margin:0 0 .45rem auto;font-size:.9rem;color:var(--muted)}
.toc{margin:1rem 0;display:flex;flex-wrap:wrap;gap:.4rem}
.toc a{padding:.2rem .6rem;border:1px solid var(--line);border-radius:999px;background:#fff;color:var(--accent);text-decoration:none;font-size:.9rem}
section.theme{margin:2rem 0}
h2{font-size:1.4rem;border-bottom:2px solid var(--accent);padding-bottom:.2rem}
h2 .count{font-weight:400;color:var(--muted);font-size:1rem}
article.practice{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.9rem 1.1rem;margin:.9rem 0}
article.practice.highlight{background:var(--hl);border-color:var(--hlb);border-left-width:5px}
article.practice:target{outline:3px solid var(--accent);outline-offset:2px}
h3{margin:0 0 .2rem;font-size:1.12rem}
.badge{display:inline-block;margin-right:.4rem;padding:0 .45rem;border-radius:3px;background:var(--hlb);color:#000;font-size:.75rem;font-weight:700;vertical-align:middle}
.meta{margin:0 0 .5rem;color:var(--muted);font-size:.9rem}
.meta a{color:var(--muted)}
blockquote{margin:.4rem 0;padding:.1rem 0 .1rem .9rem;border-left:3px solid var(--line);white-space:pre-line;overflow-wrap:anywhere}
dl.partners{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.5rem 0;font-size:.92rem}
dl.partners dt{font-weight:600}dl.partners dd{margin:0}
.related{margin:.5rem 0 0;font-size:.92rem}
.related a,.xrefs a{color:var(--accent)}
.why{color:var(--muted);font-size:.85rem}
.xrefs{margin:.6rem 0;font-size:.92rem}
.xrefs h4{margin:.2rem 0;font-size:.95rem;color:var(--muted)}
.xrefs ul{margin:.2rem 0;padding-left:1.2rem}
footer{padding:2rem 1.25rem 3rem;color:var(--muted);font-size:.85rem}
[hidden]{display:none!important}
@media (max-width:40rem){.filters input[type=search],.filters select{min-width:0;width:100%}.filters label{flex:1 1 100%}}
@media print{.filters,.toc{display:none}article.practice{break-inside:avoid}}
"""

_JS = r"""
(function () {
  var q = document.getElementById('zoeken'), th = document.getElementById('thema'),
      pr = document.getElementById('provincie'), gw = document.getElementById('golf'),
      hl = document.getElementById('kijker'), teller = document.getElementById('teller');
  var cards = Array.prototype.slice.call(document.querySelectorAll('article.practice'));
  function norm(s) { return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }
  cards.forEach(function (c) { c.zoektekst = norm(c.textContent); });
  function each(sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); }
  function apply() {
    var terms = norm(q.value).split(/\s+/).filter(Boolean), t = th.value, p = pr.value,
        w = gw ? gw.value : '', only = hl.checked, shown = 0;
    cards.forEach(function (c) {
      var ok = (!t || (' ' + c.dataset.themes + ' ').indexOf(' ' + t + ' ') >= 0) &&
               (!p || c.dataset.province === p) && (!w || c.dataset.wave === w) &&
               (!only || c.dataset.highlight === '1') &&
               terms.every(function (x) { return c.zoektekst.indexOf(x) >= 0; });
      c.hidden = !ok;
      if (ok) { shown++; }
    });
    each('li.xref', function (x) { var c = document.getElementById(x.dataset.target); x.hidden = !c || c.hidden; });
    each('.xrefs', function (d) { d.hidden = !d.querySelector('li.xref:not([hidden])'); });
    each('section.theme', function (s) {
      s.hidden = !s.querySelector('article.practice:not([hidden]), li.xref:not([hidden])');
      var link = document.querySelector('.toc a[href="#' + s.id + '"]');
      if (link) { link.hidden = s.hidden; }
    });
    teller.textContent = shown + ' van ' + cards.length + ' praktijken';
  }
  function reset() { q.value = ''; th.value = ''; pr.value = ''; if (gw) { gw.value = ''; } hl.checked = false; apply(); }
  [q, th, pr, gw, hl].forEach(function (el) {
    if (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); }
  });
  document.getElementById('wissen').addEventListener('click', reset);
  // Filters can come from the address (catalogus.html?thema=fairtrade&provincie=Limburg): shareable views.
  var params = new URLSearchParams(window.location.search);
  if (params.get('zoeken')) { q.value = params.get('zoeken'); }
  [[th, 'thema'], [pr, 'provincie'], [gw, 'golf']].forEach(function (pair) {
    var v = params.get(pair[1]);
    if (pair[0] && v && Array.prototype.some.call(pair[0].options, function (o) { return o.value === v; })) {
      pair[0].value = v;
    }
  });
  if (params.get('kijker') === 'ja') { hl.checked = true; }
  // A link to a practice the filters hide: show everything again, then jump.
  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a[href^="#"]') : null;
    if (!a) { return; }
    var el = document.getElementById(a.getAttribute('href').slice(1));
    if (el && (el.hidden || el.closest('[hidden]'))) { reset(); }
  });
  apply();
})();
"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _province_value(p: dict[str, Any]) -> str:
    return p["province"] or UNKNOWN_PROVINCE


def _html(practices: list[dict[str, Any]], title: str | None) -> str:
    doc_title, sub = _doc_title(practices, title)
    by_id = {p["id"]: p for p in practices}
    groups = _groups(practices)
    provinces = sorted({_province_value(p) for p in practices}, key=lambda v: (v == UNKNOWN_PROVINCE, v))
    waves = sorted({p["wave"] for p in practices})
    out = ['<!DOCTYPE html>', '<html lang="nl">', '<head>', '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           # Nothing may be loaded from anywhere: the page is one file.
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'; script-src \'unsafe-inline\'; img-src data:">',
           f'<meta name="generator" content="textmine {_e(__version__)}">',
           f'<title>{_e(doc_title)}{" – " + _e(practices[0]["question_label"]) if practices else ""}</title>',
           f'<style>{_CSS}</style>', '</head>', '<body>', '<header>',
           f'<h1>{_e(doc_title)}</h1>', f'<p class="sub">{_e(sub)}</p>',
           f'<p class="note">{_e(PRIVACY_NOTE)}</p>']
    if any(p.get("synthetic") for p in practices):
        out.append(f'<p class="note synthetic">{_e(SYNTHETIC_NOTE)}</p>')
    out += ['<nav class="filters" role="search" aria-label="Filters">',
            '<label for="zoeken">Zoeken<input type="search" id="zoeken" '
            'placeholder="gemeente, partner, trefwoord…" autocomplete="off"></label>',
            '<label for="thema">Thema<select id="thema"><option value="">Alle thema\'s</option>']
    out += [f'<option value="{_e(t["id"])}">{_e(t["label"])}</option>' for t, _, _ in groups]
    out += ['</select></label>', '<label for="provincie">Provincie<select id="provincie">'
            '<option value="">Alle provincies</option>']
    out += [f'<option value="{_e(v)}">{_e(v)}</option>' for v in provinces]
    out.append('</select></label>')
    if len(waves) > 1:
        out.append('<label for="golf">Golf<select id="golf"><option value="">Alle golven</option>'
                   + "".join(f'<option value="{_e(w)}">{_e(w)}</option>' for w in waves) + '</select></label>')
    out += ['<label class="check"><input type="checkbox" id="kijker"> Alleen in de kijker</label>',
            '<button type="button" id="wissen">Filters wissen</button>',
            f'<p id="teller" aria-live="polite">{len(practices)} van {len(practices)} praktijken</p>',
            '</nav>', '<nav class="toc" aria-label="Thema\'s">']
    out += [f'<a href="#thema-{_e(t["id"])}">{_e(t["label"])} ({len(main) + len(cross)})</a>'
            for t, main, cross in groups]
    out += ['</nav>', '</header>', '<main>']
    if not practices:
        out.append('<p>Geen praktijken om te tonen.</p>')
    for t, main, cross in groups:
        out.append(f'<section class="theme" id="thema-{_e(t["id"])}" data-theme="{_e(t["id"])}">')
        out.append(f'<h2>{_e(t["label"])} <span class="count">({len(main)}'
                   f'{f" + {len(cross)} ook onder dit thema" if cross else ""})</span></h2>')
        if auto_line(t, main, cross):
            out.append(f'<p class="auto">{_e(auto_line(t, main, cross))}</p>')
        out += [_html_card(p, by_id) for p in main]
        if cross:
            out.append('<div class="xrefs"><h4>Ook onder dit thema</h4><ul>')
            for p in cross:
                out.append(f'<li class="xref" data-target="{_e(p["id"])}"><a href="#{_e(p["id"])}">'
                           f'{_e(_link_label(p))}</a> <span class="why">hoofdthema: '
                           f'{_e(p["themes"][0]["label"])}</span></li>')
            out.append('</ul></div>')
        out.append('</section>')
    out += ['</main>', f'<footer>Gemaakt met textmine {_e(__version__)}. Thema\'s uit het codeboek; '
            'een antwoord met meerdere thema\'s staat onder zijn hoofdthema en wordt bij de andere '
            'vermeld. Verwante praktijken: gelijkaardige antwoorden of een gedeelde partner.</footer>',
            f'<script>{_JS}</script>', '</body>', '</html>', '']
    return "\n".join(out)


def _html_card(p: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    classes = "practice highlight" if p["highlight"] else "practice"
    theme_ids = " ".join(t["id"] for t in p["themes"])
    parts = [f'<article class="{classes}" id="{_e(p["id"])}" data-themes="{_e(theme_ids)}" '
             f'data-province="{_e(_province_value(p))}" data-wave="{_e(p["wave"])}" '
             f'data-highlight="{1 if p["highlight"] else 0}">']
    badge = '<span class="badge">In de kijker</span>' if p["highlight"] else ""
    parts.append(f'<h3>{badge}{_e(p["heading"])}</h3>')
    # The heading is the municipality unless staff gave a title: then say where it is.
    meta = [_place(p)] if p["title"] or p.get("merged_into") else []
    meta += [f'provincie {p["province"] or UNKNOWN_PROVINCE}', f'golf {p["wave"]}']
    meta_html = " · ".join(_e(m) for m in meta)
    if len(p["themes"]) > 1:
        meta_html += " · ook onder: " + ", ".join(
            f'<a href="#thema-{_e(t["id"])}">{_e(t["label"])}</a>' for t in p["themes"][1:])
    parts.append(f'<p class="meta">{meta_html}</p>')
    parts.append(f'<blockquote>{_e(p["redacted_text"])}</blockquote>')
    rows = _partner_rows(p)
    if rows:
        parts.append('<dl class="partners">' + "".join(
            f'<dt>{_e(label)}</dt><dd>{_e(", ".join(names))}</dd>' for label, names in rows) + '</dl>')
    links = [link for link in p["related"] if link["id"] in by_id]
    if links:
        parts.append('<p class="related">Verwante praktijken: ' + "; ".join(
            f'<a href="#{_e(link["id"])}">{_e(_link_label(by_id[link["id"]]))}</a> '
            f'<span class="why">({_e(_why(link))})</span>' for link in links) + '</p>')
    parts.append('</article>')
    return "\n".join(parts)


# --- Markdown ----------------------------------------------------------------------------

# Markup characters; "[" and "]" only where they could start a link ("[x](y)", "[x]: y"), so
# placeholders such as [NAAM] stay readable.
_MD_SPECIAL = re.compile(r"([\\`*_<>#|~&]|\](?=[(\[:]))")


def _md(text: Any) -> str:
    """Text that Markdown shows as written (no markup, no HTML, no links)."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def _markdown(practices: list[dict[str, Any]], title: str | None) -> str:
    doc_title, sub = _doc_title(practices, title)
    by_id = {p["id"]: p for p in practices}
    groups = _groups(practices)
    lines = [f"# {_md(doc_title)}", "", _md(sub), "", _md(PRIVACY_NOTE), ""]
    if any(p.get("synthetic") for p in practices):
        lines += [f"**{_md(SYNTHETIC_NOTE)}**", ""]
    if groups:
        lines += ["## Inhoud", ""]
        lines += [f"- [{_md(t['label'])}](#thema-{t['id']}) ({len(main) + len(cross)})" for t, main, cross in groups]
        lines.append("")
    for t, main, cross in groups:
        lines += [f'<a id="thema-{_e(t["id"])}"></a>', "", f"## {_md(t['label'])} ({len(main)})", ""]
        if auto_line(t, main, cross):
            lines += [f"*{_md(auto_line(t, main, cross))}*", ""]
        for p in main:
            star = "★ " if p["highlight"] else ""
            lines += [f'<a id="{_e(p["id"])}"></a>', "", f"### {star}{_md(p['heading'])}", ""]
            meta = [f"**Gemeente:** {_md(_place(p))}",
                    f"**Provincie:** {_md(p['province'] or UNKNOWN_PROVINCE)}", f"**Golf:** {_md(p['wave'])}"]
            if p["highlight"]:
                meta.insert(0, "**In de kijker**")
            if len(p["themes"]) > 1:
                meta.append("**Ook onder:** " + ", ".join(f"[{_md(x['label'])}](#thema-{x['id']})"
                                                          for x in p["themes"][1:]))
            lines += [" · ".join(meta), ""]
            lines += [f"> {_md(line)}" if line.strip() else ">" for line in p["redacted_text"].splitlines()]
            lines.append("")
            for label, names in _partner_rows(p):
                lines.append(f"- **{label}:** {_md(', '.join(names))}")
            links = [link for link in p["related"] if link["id"] in by_id]
            if links:
                lines.append("- **Verwante praktijken:** " + "; ".join(
                    f"[{_md(_link_label(by_id[link['id']]))}](#{link['id']}) ({_md(_why(link))})" for link in links))
            lines.append("")
        if cross:
            lines += ["**Ook onder dit thema:** " + "; ".join(
                f"[{_md(_link_label(p))}](#{p['id']}) (hoofdthema: {_md(p['themes'][0]['label'])})"
                for p in cross), ""]
    lines += ["---", "", f"Gemaakt met textmine {_md(__version__)}.", ""]
    return "\n".join(lines)


# --- XLSX (curation workbook) -------------------------------------------------------------

COLUMNS = [KEY, HASH, "Golf", "Gemeente", "Provincie", "Hoofdthema", "Andere thema's",
           "Antwoord (geanonimiseerd)", "Partnerlanden", "Steden", "Organisaties",
           "Verwante praktijken", "Codering", INCLUDE, TITLE, HIGHLIGHT, "Opmerking"]
WIDTHS = {"Golf": 7, "Gemeente": 18, "Provincie": 16, "Hoofdthema": 26, "Andere thema's": 26,
          "Antwoord (geanonimiseerd)": 70, "Partnerlanden": 18, "Steden": 16, "Organisaties": 20,
          "Verwante praktijken": 30, "Codering": 10, INCLUDE: 10, TITLE: 30, HIGHLIGHT: 12, "Opmerking": 40}


def _note(p: dict[str, Any]) -> str:
    if p["curation"] != "changed":
        return ""
    prev = p["curation_previous"] or {}
    was = [f"opnemen {YES if prev.get('include', True) else NO}"]
    if prev.get("title"):
        was.append(f"titel '{prev['title']}'")
    if prev.get("highlight"):
        was.append("in de kijker")
    return ("Antwoord gewijzigd sinds de vorige curatie; die is niet toegepast (" + ", ".join(was)
            + "). Beoordeel opnieuw.")


def _rows(practices: Iterable[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for p in practices:
        rows.append([
            answer_key(p["survey"], p["wave"], p["question"],
                       respondent_key(p["survey"], p["wave"], p["respondent_id"])),
            p["text_hash"], p["wave"],
            _place(p) if p["municipality"] else "", p["province"] or "", p["themes"][0]["label"],
            "; ".join(t["label"] for t in p["themes"][1:]), p["redacted_text"],
            ", ".join(p["countries"]), ", ".join(p["cities"]), ", ".join(p["organisations"]),
            "; ".join(_link_label(by_id[link["id"]]) for link in p["related"] if link["id"] in by_id),
            "mens" if p["source"] == "human" else "machine",
            YES if p["included"] else NO, p["title"] or "", YES if p["highlight"] else NO, _note(p)])
    return rows


def write_xlsx_catalogue(practices: list[dict[str, Any]], path: str | Path) -> None:
    """One row per practice (excluded ones too), with the curation columns to fill in."""
    import openpyxl

    from ..export import write_info_sheet, write_staff_sheet

    by_id = {p["id"]: p for p in practices}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    # never a formula, whatever the answer says (write_staff_sheet writes every cell as text)
    write_staff_sheet(ws, COLUMNS, _rows(practices, by_id), highlight=(INCLUDE, TITLE, HIGHLIGHT),
                      wrap="Antwoord (geanonimiseerd)", yes_no=(INCLUDE, HIGHLIGHT), widths=WIDTHS,
                      hidden=(KEY, HASH), freeze="D2")

    info = wb.create_sheet(INFO_SHEET)
    first = practices[0] if practices else None
    counts = Counter(p["included"] for p in practices)
    command = f" --survey {first['survey']} --question {first['question']}" if first else " --question VRAAG"
    lines = [
        ("Inspiratiecatalogus", first["question_label"] if first else ""),
        ("Vragenlijst", first["survey"] if first else ""), ("Vraag", first["question"] if first else ""),
        ("Golven", ", ".join(sorted({p["wave"] for p in practices}))),
        ("Praktijken", f"{len(practices)} ({counts[True]} opgenomen, {counts[False]} niet opgenomen)"),
        ("Werkwijze", "Zet 'Opnemen' op nee om een praktijk uit de catalogus te laten. Een 'Korte titel' "
                      "wordt de kop van de praktijk (anders de gemeente). 'In de kijker' = ja zet de praktijk "
                      "bovenaan haar thema, gemarkeerd. Lees het workbook daarna in met: textmine catalogue "
                      f"--project MAP{command} --out catalogus.html --curation DIT-BESTAND.xlsx. "
                      "Volgende runs onthouden de curatie. Verander de verborgen kolommen Sleutel en "
                      "Teksthash niet: is een antwoord sindsdien gewijzigd, dan wordt de curatie ervan "
                      "gemeld en niet toegepast."),
        ("Privacy", PRIVACY_NOTE),
    ]
    if first and first.get("synthetic"):
        lines.append(("Data", SYNTHETIC_NOTE))
    write_info_sheet(info, lines)
    with atomic_path(path) as tmp:
        wb.save(tmp)
