"""HTML of the report's sections (Dutch). Pure rendering: the data comes from sections.py."""

from __future__ import annotations

from typing import Any

from ..codebook import OVERIG
from .charts import Bar, bar_chart
from .closed import LIKERT_GROUPS
from .fmt import ci, count, dec, esc, num, pct, pp
from .sections import SurveyReport

TYPE_NL = {"single": "één antwoord", "likert": "stelling", "multi": "meerdere antwoorden mogelijk",
           "numeric": "getal", "open": "open vraag"}


def link(anchor: str | None, text: str, title: str = "") -> str:
    """An HTML link to ``anchor`` (escaped ``text`` alone when there is no anchor)."""
    if not anchor:
        return esc(text)
    tip = f' title="{esc(title)}"' if title else ""
    return f'<a href="#{esc(anchor)}"{tip}>{esc(text)}</a>'


# --- samenvatting -----------------------------------------------------------------

def summary(rep: SurveyReport) -> str:
    """HTML of the report's summary: key figures and the significant changes since the previous wave."""
    m = rep.method
    cards = [f'<div class="card"><div class="big">{link(m["anchor"], count(m["respondents"]))}</div>'
             f'<div>respondenten{" van " + count(m["population"]) if m["population"] else ""}'
             f'{" (" + pct(m["response_rate"]) + ")" if m["response_rate"] is not None else ""}</div></div>']
    if m["margin_of_error"] is not None:
        cards.append(f'<div class="card"><div class="big">±{num(m["margin_of_error"])}</div>'
                     f'<div>procentpunten foutenmarge (95%)</div></div>')
    items = "".join(
        f'<li><a class="fig" href="#{esc(f["anchor"])}">{esc(f["value"])}</a> '
        f'<a href="#{esc(f["section"])}">{esc(f["label"])}</a> <span class="muted">— {esc(f["detail"])}</span></li>'
        for f in rep.summary)
    changes = ""
    if rep.comparison and rep.comparison["status"] == "ok":
        sig = [r for r in rep.comparison["rows"] if r.get("significant")]
        if sig:
            lis = "".join(f"<li>{esc(r['question_label'])}: {esc(r['option_label'])} "
                          f"{pct(r['previous'].get('percent'))} → {pct(r['current'].get('percent'))} "
                          f"({pp(r['diff'])})</li>" for r in sig[:8])
            changes = f"<h3>Significante verschuivingen sinds {esc(rep.comparison['other'])}</h3><ul>{lis}</ul>"
        else:
            changes = (f"<p>Geen enkele verschuiving sinds {esc(rep.comparison['other'])} is statistisch "
                       "significant (na Holm-correctie).</p>")
    return (f'<div class="cards">{"".join(cards)}</div><h3>Kerncijfers</h3>'
            f'<ul class="figures">{items}</ul>{changes}')


# --- methode ------------------------------------------------------------------------

def _group_name(attr: str, group: str) -> str:
    return f"gemeenten met {group} inwoners" if attr == "size_class" else group


def _listing(rows: list[dict[str, Any]], attr: str) -> str:
    parts = [f"{_group_name(attr, r['group'])} ({pct(r['share_respondents'])} van de respondenten, "
             f"{pct(r['share_population'])} van alle gemeenten)" for r in rows]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def representativeness(m: dict[str, Any]) -> str:
    """HTML on why the sample is not representative, and how respondents differ from all municipalities."""
    words = {"province": "Naar provincie", "size_class": "Naar grootte"}
    sentences = []
    for rep in m["representation"]:
        over = [r for r in rep["rows"] if r["status"] == "over"]
        under = [r for r in rep["rows"] if r["status"] == "under"]
        if not over and not under:
            s = f"{words[rep['attribute']]} wijkt de respons nergens meer dan 3 procentpunten af van alle gemeenten."
        else:
            bits = []
            if over:
                bits.append(f"zijn {_listing(over, rep['attribute'])} oververtegenwoordigd")
            if under:
                bits.append(f"zijn {_listing(under, rep['attribute'])} ondervertegenwoordigd")
            s = f"{words[rep['attribute']]} " + " en ".join(bits) + "."
        t = rep["test"]
        if t:
            verdict = "groter dan je door toeval verwacht" if t["p_value"] < 0.05 else \
                "niet groter dan je door toeval kan verwachten"
            s += (f" Die afwijkingen zijn {verdict} (chi-kwadraattoets, p = {num(t['p_value'], 3)}"
                  f"{'; kleine verwachte aantallen, voorzichtig lezen' if t['small_expected'] else ''}).")
        sentences.append(s)
    return (
        "<p><strong>Waarom de steekproef niet representatief is.</strong> De besturen kozen zelf of ze de "
        "vragenlijst invulden (zelfselectie). Wie met het thema bezig is, antwoordt waarschijnlijk eerder, "
        "zodat de cijfers een positiever beeld kunnen geven dan bij alle besturen. De foutenmarge dekt alleen "
        "het toeval van wie toevallig antwoordde, niet die vertekening. Wie antwoordde, vergeleken met alle "
        "gemeenten:</p><ul>" + "".join(f"<li>{esc(s)}</li>" for s in sentences) + "</ul>"
        + ("<p>Deze golf telde een andere populatie; de vergelijking gebruikt de 285 gemeenten van 2025.</p>"
           if not m["population_is_2025"] else ""))


def _rep_table(rep: dict[str, Any]) -> str:
    head = "provincie" if rep["attribute"] == "province" else "inwoners"
    rows = "".join(
        f"<tr class=\"{r['status'] or ''}\"><td>{esc(r['group'])}</td><td>{count(r['population'])}</td>"
        f"<td>{link(r['anchor'], count(r['respondents']))}</td><td>{pct(r['response_rate'])}</td>"
        f"<td>{pct(r['share_respondents'])}</td><td>{pct(r['share_population'])}</td>"
        f"<td>{pp(r['difference'], 0) if r['difference'] is not None else '–'}</td></tr>" for r in rep["rows"])
    return (f'<table class="num"><thead><tr><th>{head}</th><th>gemeenten</th><th>respondenten</th>'
            f"<th>respons</th><th>aandeel respondenten</th><th>aandeel gemeenten</th><th>verschil</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def method(rep: SurveyReport) -> str:
    """HTML of the method section: response, margin of error, who was left out, representativeness, coding."""
    m = rep.method
    n, pop = m["respondents"], m["population"]
    resp = f"{link(m['anchor'], count(n))} van de {count(pop)} lokale besturen vulden de vragenlijst in, " \
           f"een respons van {pct(m['response_rate'], 1)}." if pop else \
           f"{link(m['anchor'], count(n))} besturen vulden de vragenlijst in (populatie onbekend)."
    moe = ""
    if m["margin_of_error"] is not None:
        moe = (f" Bij deze respons is de foutenmarge van een percentage hoogstens ±{num(m['margin_of_error'])} "
               f"procentpunten (95%-betrouwbaarheid, voor een percentage rond 50%"
               + (f", met correctie voor de eindige populatie van {count(pop)} besturen; zonder die correctie "
                  f"±{num(m['margin_of_error_no_fpc'])}" if pop else "") + ")."
               + (f" Voor ±5 procentpunten zijn {count(m['required_sample'])} respondenten nodig."
                  if m["required_sample"] else ""))
    left_out = ""
    if m.get("left_out"):
        total = sum(e["count"] for e in m["left_out"])
        reasons = (esc(m["left_out"][0]["reason"]) if len(m["left_out"]) == 1 else
                   "; ".join(f"{count(e['count'])} {esc(e['reason'])}" for e in m["left_out"]))
        left_out = (f" {count(total)} van de {count(m['responses_in_export'])} antwoorden in de export "
                    f"{'is' if total == 1 else 'zijn'} weggelaten: {reasons}.")
    unmatched = ""
    if m["unmatched"]:
        unmatched = (f"<p>{len(m['unmatched'])} respondent(en) konden niet aan een gemeente gekoppeld worden "
                     f"({esc(', '.join(m['unmatched'][:10]))}); zij tellen mee als ‘(onbekend)’.</p>")
    coded_h = sum(o["human"] for o in rep.open)
    coded_m = sum(o["machine"] for o in rep.open)
    tables = "".join(f"<h3>Respons {'per provincie' if r['attribute'] == 'province' else 'naar grootte'}</h3>"
                     f"{_rep_table(r)}" for r in m["representation"])
    return (
        f"<p><strong>Respons.</strong> {resp}{left_out}{moe}</p>{representativeness(m)}{unmatched}"
        "<p><strong>Hoe de cijfers te lezen.</strong> Percentages zijn berekend op wie de vraag beantwoordde "
        "(lege antwoorden tellen niet mee; antwoorden als ‘niet van toepassing’ staan apart en tellen niet in "
        "de basis). De streepjes bij de staven zijn 95%-betrouwbaarheidsintervallen (Wilson, met correctie "
        "voor de eindige populatie). Open antwoorden zijn ingedeeld in de thema’s van het codeboek; een "
        f"antwoord kan meerdere thema’s hebben. {count(coded_h)} antwoorden kregen hun thema’s van een "
        f"medewerker, {count(coded_m)} van het automatische codeermodel (een code van een medewerker gaat "
        "altijd voor). Citaten zijn geanonimiseerd: namen, e-mailadressen en telefoonnummers zijn vervangen. "
        "Elk cijfer linkt naar de besturen en antwoorden erachter in de bijlage.</p>" + tables)


# --- gesloten vragen ---------------------------------------------------------------

def closed_question(rep: SurveyReport, item: dict[str, Any]) -> str:
    """HTML of one closed question: a bar chart of its options, or the statistics of a numeric question."""
    q, e = item["question"], item["entry"]
    head = (f'<figure class="q" id="{esc(rep.anchor("q", q.id))}"><figcaption><h3>{esc(q.label or q.id)}</h3>'
            f'<span class="muted">{esc(TYPE_NL.get(q.type, q.type))}</span></figcaption>')
    if q.type == "numeric":
        if not e.get("n"):
            return head + "<p>Geen antwoorden.</p></figure>"
        a = item["anchor_n"]  # every statistic links to the list of values behind it
        cells = [("n", link(a, count(e["n"]))), ("gemiddelde", link(a, dec(e["mean"], 2))),
                 ("mediaan", link(a, dec(e["median"]))),
                 ("middelste helft", link(a, f"{dec(e['q1'])} tot {dec(e['q3'])}")),
                 ("minimum", link(a, dec(e["min"]))), ("maximum", link(a, dec(e["max"])))]
        row = "".join(f"<td>{v}</td>" for _k, v in cells)
        return (head + '<table class="num"><thead><tr>' + "".join(f"<th>{k}</th>" for k, _v in cells)
                + f"</tr></thead><tbody><tr>{row}</tbody></table></figure>")
    bars = []
    for option, c in e["counts"].items():
        p = e["percent"].get(option)
        bars.append(Bar(option, p, c, e["ci95"].get(option), item["anchors"].get(option), muted=p is None,
                        note="" if p is not None else f"n = {count(c)} (niet in de basis)"))
    notes = [f"basis n = {link(None, count(e['base']))}"]
    if e.get("missing"):
        notes.append(f"geen antwoord: {count(e['missing'])}")
    if q.type == "multi":
        notes.append("meerdere antwoorden mogelijk: percentages van wie de vraag beantwoordde")
    summary = ""
    if e.get("summary"):
        summary = "<p class=\"likert\">" + " · ".join(
            f"{esc(LIKERT_GROUPS[g])}: {link(item['anchors'].get(g), pct(s['percent']))} "
            f"<span class=\"muted\">(n = {count(s['count'])}, {ci(s['ci95'])})</span>"
            for g, s in e["summary"].items()) + "</p>"
    return (head + bar_chart(bars, title=q.label or q.id) + summary
            + f'<p class="muted small">{" · ".join(notes)}</p></figure>')


# --- open vragen ---------------------------------------------------------------------

def open_question(rep: SurveyReport, item: dict[str, Any]) -> str:
    """HTML of one open question: its themes as bars, with counts, percentages and quotes."""
    q = item["question"]
    bars = [Bar(t["label"], t["percent"], t["count"], t["ci95"], t["anchor"], muted=t["id"] == OVERIG)
            for t in item["themes"]]
    rows = []
    for t in item["themes"]:
        quotes = "".join(f'<blockquote>“{esc(r["text"])}” <cite>— {esc(r["name"])}</cite></blockquote>'
                         for r in t["quotes"])
        rows.append(f'<tr><td><strong>{esc(t["label"])}</strong></td>'
                    f'<td class="r">{link(t["anchor"], count(t["count"]))}</td>'
                    f'<td class="r">{pct(t["percent"])}</td><td>{quotes}</td></tr>')
    empty = link(item["anchor_non_answers"], count(item["non_answers"]))
    intro = (f"{count(item['answers'])} antwoorden, waarvan {empty} zonder inhoud (leeg, ‘nvt’, "
             f"‘geen idee’ …). Percentages van de {count(item['base'])} inhoudelijke antwoorden; een "
             f"antwoord kan meerdere thema’s hebben. Codeboek: "
             f"{esc(item['codebook'].title.rstrip('.?!: '))}.")
    return (f'<section class="q" id="{esc(rep.anchor("open", q.id))}"><h3>{esc(q.label or q.id)}</h3>'
            f"<p class=\"muted\">{intro}</p>{bar_chart(bars, title=q.label or q.id)}"
            '<table class="themes"><thead><tr><th>thema</th><th>n</th><th>%</th><th>citaten</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{trust(item.get('trust'))}"
            f"{auto_coding(item.get('auto'))}</section>")


def auto_coding(frame: Any) -> str:
    """"Automatisch gecodeerd": ``auto.auto_coding_frame`` (= ``Project.auto_coding``) of one question."""
    from ..auto import dutch_summary

    lines = dutch_summary(frame) if frame is not None else []
    if not lines:
        return ""
    return ('<div class="auto"><h4>Automatisch gecodeerd</h4><p>' + esc(lines[0]) + " Alle golven samen.</p>"
            + ("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in lines[1:]) + "</ul>" if lines[1:] else "")
            + "</div>")


def _val(x: Any) -> float | None:
    """A measured figure, None when there was nothing to measure (NaN)."""
    return None if x is None or x != x else float(x)


def _rate(row: Any, name: str) -> str:
    value = _val(row[name])
    if value is None:
        return "–"
    return (f"{pct(100 * value)} <span class=\"muted small\">"
            f"({ci([100 * row[f'{name}_low'], 100 * row[f'{name}_high']])})</span>")


def trust(table: Any) -> str:
    """"Betrouwbaarheid van de codes": ``agreement.trust_figures`` (= ``Project.trust``) of one question."""
    if table is None:
        return ""
    from ..agreement import ALL_THEMES

    pooled = table[table["theme"] == ALL_THEMES].iloc[0]
    themes = table[table["theme"] != ALL_THEMES]
    n_audit, size = int(pooled["audit_answers"]), table.attrs.get("audit_size")
    parts = ["<h4>Betrouwbaarheid van de codes</h4>"]
    if n_audit == 0:
        parts.append(
            "<p>Er is nog geen auditsteekproef gecodeerd, dus nog geen onvertekende schatting van hoe juist de "
            "automatische codes zijn. Maak er een door in de codeerwerkbank (<code>textmine serve --project "
            "&lt;projectmap&gt;</code>) deze vraag in de volgorde ‘audit’ te coderen: een vaste willekeurige "
            f"steekproef{' van ' + count(size) + ' antwoorden' if size else ''} waarvan de codes nooit "
            "gebruikt worden om het codeermodel te trainen.</p>")
    else:
        rows = "".join(
            f"<tr><td>{esc(r['label'])}</td><td>{count(int(r['audit_positives']))}</td>"
            f"<td>{count(int(r['machine_positives']))}</td><td>{_rate(r, 'precision')}</td>"
            f"<td>{_rate(r, 'recall')}</td><td>{num(_val(r['alpha_audit']), 2)}</td></tr>"
            for _, r in [*themes.iterrows(), (None, pooled)])
        parts.append(
            f"<p>{count(n_audit)} antwoorden uit de willekeurige auditsteekproef"
            f"{' (' + count(size) + ' antwoorden, alle golven)' if size else ''} zijn door een medewerker "
            "gecodeerd. Die codes zijn nooit gebruikt om het codeermodel te trainen, dus ze schatten "
            "onvertekend hoe juist de automatische codes zijn. Precisie: het deel van de antwoorden die het "
            "model een thema gaf, dat het thema volgens de medewerker ook heeft. Recall: het deel van de "
            "antwoorden met het thema volgens de medewerker, dat het model vond. Tussen haakjes het "
            "95%-betrouwbaarheidsinterval (Wilson); ‘–’: niets om te meten.</p>"
            '<table class="num trust"><thead><tr><th>thema</th><th>medewerker</th><th>model</th>'
            "<th>precisie</th><th>recall</th><th>alfa</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")
    n_all, n_coders = int(pooled["answers_machine_human"]), int(pooled["answers_coders"])
    alpha = []
    if n_all:
        on_audit = (f"{num(_val(pooled['alpha_audit']), 2)} op de {count(n_audit)} auditantwoorden en "
                    if n_audit else "")
        alpha.append(
            f"Krippendorffs alfa tussen model en medewerker: {on_audit}"
            f"{num(_val(pooled['alpha_machine_human']), 2)} op alle {count(n_all)} door een medewerker "
            "gecodeerde antwoorden (dat laatste cijfer is te gunstig: buiten de auditsteekproef heeft het "
            "model van die codes geleerd).")
    alpha.append(
        f"Tussen twee medewerkers: alfa {num(_val(pooled['alpha_coders']), 2)} op {count(n_coders)} antwoorden "
        "die ze allebei codeerden." if n_coders else
        "Nog geen antwoorden die door twee medewerkers gecodeerd zijn: de overeenstemming tussen codeurs "
        "is niet gemeten.")
    parts.append(f"<p class=\"muted\">{' '.join(alpha)} Alfa 1 is volledige overeenstemming, 0 niet beter "
                 "dan toeval (per thema: wel of niet; ‘alle thema’s’: alle beslissingen samen).</p>")
    parts.append(_double_coding(table.attrs.get("double_coding")))
    return f'<div class="trust">{"".join(parts)}</div>'


def _double_coding(status: Any) -> str:
    """The blind double coding's agreement (``double_coding.status``) for the trust section; no names."""
    if not status or not status.get("sample"):
        return ""
    ag, sample = status["agreement"], status["sample"]
    n = int(ag["answers"])
    head = (f"<p>Dubbele codering: een willekeurige steekproef van {count(int(sample['size']))} van de "
            f"{count(int(sample['population']))} door een medewerker gecodeerde antwoorden is door een tweede "
            "medewerker opnieuw gecodeerd, blind: zonder de eerste codes of de suggesties van het model te zien. ")
    if n == 0:
        return head + "Nog geen van die antwoorden is dubbel gecodeerd: de overeenstemming is nog niet gemeten.</p>"
    pooled = ag["pooled"]
    head += (f"Op de {count(n)} dubbel gecodeerde antwoorden: Cohens kappa {num(pooled['kappa'], 2)} "
             f"(gemiddeld over de thema’s) en Krippendorffs alfa {num(pooled['alpha'], 2)}; "
             f"{pct(100 * (pooled['agree'] or 0))} van de antwoorden kreeg van beiden dezelfde thema’s.")
    if status.get("complete"):
        head += (f" {count(int(status['differences']))} antwoorden verschilden; daarvan zijn er "
                 f"{count(int(status['reconciled']))} afgestemd (de eindbeslissing telt, beide oorspronkelijke "
                 "codes zijn bewaard).")
    rows = "".join(f"<tr><td>{esc(r['label'])}</td><td>{count(int(r['first']))}</td><td>{count(int(r['second']))}</td>"
                   f"<td>{num(r['kappa'], 2)}</td><td>{num(r['alpha'], 2)}</td></tr>" for r in ag["themes"])
    return (f"{head}</p>"
            '<table class="num trust double"><thead><tr><th>thema</th><th>eerste codeur</th><th>tweede codeur</th>'
            f"<th>kappa</th><th>alfa</th></tr></thead><tbody>{rows}</tbody></table>")


def _cluster_row(k: dict[str, Any]) -> str:
    tag = ' <span class="tag">nieuw</span>' if k["new"] else ""
    quotes = "".join(f"<blockquote>“{esc(t)}” <cite>— {esc(n)}</cite></blockquote>" for n, t in k["quotes"])
    waves = "<br>".join(f"{esc(w)}: {count(v.get('count'))} ({pct(100 * v.get('share', 0))})"
                        for w, v in k["waves"].items() if isinstance(v, dict))
    closest = f"{esc(k['closest'][0])} ({num(k['closest'][1], 2)})" if k["closest"] else "–"
    return (f'<tr class="{"new" if k["new"] else ""}"><td><strong>{esc(k["label"])}</strong>{tag}<br>'
            f'<span class="muted small">{esc(", ".join(map(str, k["keywords"])))}</span></td>'
            f'<td class="r">{link(k["anchor"], count(k["size"]))}</td><td class="small nowrap">{waves}</td>'
            f'<td class="small">{closest}</td><td>{quotes}</td></tr>')


def clusters(rep: SurveyReport) -> str:
    """HTML of the answer clusters per open question, new clusters (no codebook theme yet) first."""
    parts = []
    for item in rep.open:
        c = item.get("clusters") or {"status": "none", "clusters": []}
        title = f"<h3>{esc(item['question'].label or item['question'].id)}</h3>"
        if c["status"] != "ok":
            parts.append(title + "<p class=\"muted\">Geen clusteranalyse uitgevoerd voor deze vraag"
                         + (" (de clusters konden niet gelezen worden)" if c["status"] == "error" else "")
                         + ".</p>")
            continue
        rows = "".join(_cluster_row(k) for k in c["clusters"])
        parts.append(title + '<table class="themes"><thead><tr><th>cluster</th><th>n</th><th>per golf</th>'
                     "<th>dichtste thema (dekking)</th><th>citaten</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    return ("<p>Clusters van antwoorden die op elkaar lijken, los van het codeboek. Clusters die het codeboek "
            "nog niet lijkt te dekken, staan bovenaan als ‘nieuw’: kandidaten voor een nieuw thema, geen besluit. "
            "Op echte teksten bleek een kwart tot de helft van zulke kandidaten toch een bestaand thema, "
            "en niet elk ontbrekend thema wordt zo gevonden.</p>" + "".join(parts))


def crosstab(rep: SurveyReport, item: dict[str, Any]) -> str:
    """HTML of one crosstab: percentages per group, with the chi-squared test."""
    cols = item["columns"]
    if not cols:
        return f"<h3>{esc(item['title'])}</h3><p class=\"muted\">{esc(item['note'] or '')}</p>"
    head = "".join(f"<th>{esc(label)}</th>" for _c, label in cols)
    body = "".join(
        f"<tr><td>{esc(r['group'])}</td><td class=\"r\">{count(r['base'])}</td>"
        + "".join(f"<td class=\"r\">{link(r['cells'][c]['anchor'], pct(r['cells'][c]['percent']))}"
                  f" <span class=\"muted small\">({count(r['cells'][c]['count'])})</span></td>" for c, _l in cols)
        + "</tr>" for r in item["rows"])
    test = ""
    if item.get("test"):
        t = item["test"]
        test = (f"<p class=\"muted small\">Chi-kwadraattoets op onafhankelijkheid: χ² = {num(t['chi2'], 1)}, "
                f"df = {t['df']}, p = {num(t['p_value'], 3)}"
                + ("; meer dan 20% van de verwachte aantallen is kleiner dan 5: voorzichtig lezen" if t.get("warning")
                   else "") + ".</p>")
    note = f"<p class=\"muted small\">{esc(item['note'])}</p>" if item.get("note") else ""
    return (f"<h3>{esc(item['title'])}</h3><div class=\"scroll\"><table class=\"num\"><thead><tr>"
            f"<th>{esc(item['by_label'])}</th><th>n</th>{head}</tr></thead><tbody>{body}</tbody></table></div>"
            + note + test)


def comparison(rep: SurveyReport) -> str:
    """HTML of the comparison with the previous wave: shares, difference and Holm-adjusted test per answer."""
    c = rep.comparison
    if c is None:
        return "<p class=\"muted\">Geen vorige golf in het project om mee te vergelijken.</p>"
    if c["status"] != "ok":
        return (f"<p class=\"muted\">Geen golfvergelijking beschikbaar (golf {esc(c['other'])})"
                + (": de vergelijking kon niet berekend worden" if c["status"] == "error" else "") + ".</p>")
    body, last = [], None
    for r in c["rows"]:
        qlabel = r["question_label"]
        if qlabel != last:
            body.append(f'<tr class="grp"><td colspan="6">{esc(qlabel)}</td></tr>')
            last = qlabel
        cur, old = r["current"], r["previous"]

        def cell(w: dict[str, Any], anchor: str | None) -> str:
            return (f"{link(anchor, pct(w.get('percent')))} <span class=\"muted small\">"
                    f"({count(w.get('count'))}/{count(w.get('n'))})</span>")
        p = r.get("p_adjusted", r.get("p_value"))
        body.append(f"<tr class=\"{'sig' if r.get('significant') else ''}\"><td>{esc(r['option_label'])}</td>"
                    f"<td class=\"r\">{cell(old, r['anchor_previous'])}</td>"
                    f"<td class=\"r\">{cell(cur, r['anchor_current'])}</td><td class=\"r\">{pp(r['diff'])}</td>"
                    f"<td class=\"r\">{num(p, 3) if p is not None else '–'}</td>"
                    f"<td>{'ja' if r.get('significant') else 'nee'}</td></tr>")
    return (f"<p>Aandelen in golf {esc(c['other'])} en {esc(rep.wave)}, met het verschil in procentpunten en een "
            "toets (z-toets voor twee proporties, Fisher bij kleine aantallen) met Holm-correctie over de "
            "antwoorden van een vraag. ‘Significant’: aangepaste p kleiner dan 0,05.</p>"
            '<div class="scroll"><table class="num cmp"><thead><tr><th>antwoord / thema</th>'
            f"<th>{esc(c['other'])}</th><th>{esc(rep.wave)}</th><th>verschil</th><th>p (Holm)</th>"
            f"<th>significant</th></tr></thead><tbody>{''.join(body)}</tbody></table></div>")
