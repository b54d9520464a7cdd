#!/usr/bin/env python3
"""Make textmine's seeded SYNTHETIC sample data (no real respondent is in it).

Writes, relative to the repository root:

* data/sample/{lmb,sdg}_{2022,2025}_SYNTHETIC.{csv,xlsx}  -- survey exports
  as Excel writes them in Belgium (';', cp1252, decimal comma, CRLF) and as XLSX
* data/sample/gold_themes_SYNTHETIC.csv                 -- intended theme(s) of
  every non-empty open answer
* data/sample/README.md                                  -- what it is, bases
* data/schemas/lmb.yaml, data/schemas/sdg.yaml           -- the survey schemas

Deterministic: the same files, byte for byte, on every run (fixed seeds, fixed
XLSX timestamps). Ends with a self-check that re-reads the written CSVs with
pandas and recomputes every published 2025 figure; it fails loudly if one is off.

    .venv/bin/python scripts/make_sample_data.py            # write + self-check
    .venv/bin/python scripts/make_sample_data.py --check    # self-check only

Only the standard library, numpy, pandas, openpyxl and pyyaml are used.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import random
import re
import sys
import zipfile
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
SCHEMA_DIR = ROOT / "data" / "schemas"
MUNI_FILE = ROOT / "data" / "municipalities" / "flemish_municipalities_2025.csv"

SEED = 20250611
FIXED_DT = datetime(2025, 6, 1, 12, 0, 0)
MARK_COL = "SYNTHETIC_SAMPLE"
MARK_VAL = "synthetic data made by scripts/make_sample_data.py"
ID_COL = "Respondent ID"
UNIT_COL = "Gemeente"
DATE_COL = "Ingediend op"
ROLE_COL = "Functie van de invuller"


def rng_for(*parts: str) -> tuple[random.Random, np.random.Generator]:
    """Independent, reproducible random streams per purpose (crc32, not the salted hash())."""
    key = zlib.crc32("/".join(parts).encode()) ^ SEED
    return random.Random(key), np.random.default_rng(key)


def pct(count: int, base: int) -> int:
    """Percentage rounded half up, in exact integer arithmetic."""
    return (200 * count + base) // (2 * base)


# =============================================================================
# Questionnaires: export headers, schema entries
# =============================================================================

LIKERT_AGREE = ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]
SATISFACTION = ["Zeer ontevreden", "Ontevreden", "Neutraal", "Tevreden", "Zeer tevreden"]
JNW = ["Ja", "Nee", "Weet niet"]

STELLING = "In welke mate bent u het eens met de volgende stelling? "

LMB_QUESTIONS = [
    dict(id="voert_lmb", label="Voert het bestuur een lokaal mondiaal beleid?", type="single",
         column="Voert uw lokaal bestuur vandaag een lokaal mondiaal beleid (ontwikkelingssamenwerking, "
                "stedenbanden, wereldburgerschap, fair trade)?",
         options=["Ja", "Nee"]),
    dict(id="reden_geen_lmb", label="Waarom (nog) geen lokaal mondiaal beleid?", type="open",
         column="Waarom voert uw bestuur (nog) geen lokaal mondiaal beleid? Wat houdt u tegen?"),
    dict(id="schepen_ambtenaar", label="Bevoegde schepen en ambtenaar", type="single",
         column="Is er binnen uw bestuur zowel een schepen als een ambtenaar bevoegd voor lokaal "
                "mondiaal beleid?",
         options=["Ja", "Nee"]),
    dict(id="vte", label="Personeelsinzet voor LMB (VTE)", type="numeric", min=0, max=10,
         column="Hoeveel personeelsinzet (in VTE) gaat er in uw bestuur naar lokaal mondiaal beleid? "
                "Gebruik een komma voor decimalen (bv. 0,5)."),
    dict(id="budget_evolutie", label="Evolutie LMB-budget vorige legislatuur", type="single",
         column="Hoe is het budget voor lokaal mondiaal beleid geëvolueerd tijdens de vorige legislatuur?",
         options=["Gestegen", "Stabiel", "Gedaald"]),
    dict(id="partners", label="Partners van het lokaal mondiaal beleid", type="multi",
         column="Met welke partners werkt uw bestuur samen rond lokaal mondiaal beleid? "
                "(meerdere antwoorden mogelijk)",
         options=["11.11.11", "Wereldwinkel", "Scholen", "Adviesraad (GROS)", "Lokale vzw's (4de pijler)",
                  "Provincie", "Andere"]),
    dict(id="aandacht_toekomst", label="Aandacht voor LMB onder het nieuwe bestuur", type="single",
         column="Verwacht u dat het bestuur de komende jaren meer, evenveel of minder aandacht zal "
                "besteden aan lokaal mondiaal beleid?",
         options=["Meer", "Evenveel", "Minder", "Nog onduidelijk"]),
    dict(id="personeel_toekomst", label="Verwachte evolutie personeelsinzet", type="single",
         column="Welke evolutie verwacht u voor de personeelsinzet voor lokaal mondiaal beleid in deze "
                "legislatuur?",
         options=["Stijging", "Gelijk", "Daling"]),
    dict(id="budget_toekomst", label="Verwachte evolutie budget", type="single",
         column="Welke evolutie verwacht u voor het budget voor lokaal mondiaal beleid in deze legislatuur?",
         options=["Stijging", "Status quo", "Daling"]),
    dict(id="steun_lmb", label="Ondersteuning versterkt ons lokaal mondiaal beleid", type="likert",
         column=STELLING + "De ondersteuning door de vereniging versterkt ons lokaal mondiaal beleid.",
         options=LIKERT_AGREE, extra_options=["Niet van toepassing"],
         exclude_from_base=["Niet van toepassing"]),
    dict(id="steun_partnerschappen", label="Ondersteuning versterkt onze internationale partnerschappen",
         type="likert",
         column=STELLING + "De ondersteuning door de vereniging versterkt onze internationale "
                           "partnerschappen (stedenbanden).",
         options=LIKERT_AGREE, extra_options=["Niet van toepassing"],
         exclude_from_base=["Niet van toepassing"]),
    dict(id="wat_werkt", label="Welke ondersteuning werkt?", type="open",
         column="Welke ondersteuning van de vereniging werkt voor u het best, en waarom?"),
    dict(id="noden", label="Noden en suggesties", type="open",
         column="Welke noden heeft u nog, of welke suggesties heeft u voor onze ondersteuning van het "
                "lokaal mondiaal beleid?"),
    dict(id="trots", label="Project waarop u trots bent", type="open",
         column="Op welk project of initiatief rond lokaal mondiaal beleid bent u het meest trots? "
                "Beschrijf het kort."),
]

_JNW_ITEMS = [
    # id, label, question text
    ("interne_communicatie", "Interne communicatie over de SDG's",
     "Communiceert uw bestuur intern (naar medewerkers en mandatarissen) over de SDG's?"),
    ("werkgroep", "Domeinoverschrijdende SDG-werkgroep",
     "Is er een domeinoverschrijdende werkgroep of stuurgroep die de SDG-werking opvolgt?"),
    ("engagement", "Formeel engagement van het college",
     "Is het college formeel een engagement aangegaan rond de SDG's (bv. ondertekening van de "
     "SDG-engagementsverklaring)?"),
    ("externe_communicatie", "Externe communicatie over de SDG's",
     "Communiceert uw bestuur extern (naar inwoners, verenigingen, bedrijven) over de SDG's?"),
    ("ambassadeurs", "SDG-ambassadeurs",
     "Zijn er binnen uw bestuur SDG-ambassadeurs of -trekkers aangeduid?"),
    ("lokale_actoren", "Samenwerking met lokale actoren",
     "Werkt uw bestuur rond de SDG's samen met lokale actoren (scholen, verenigingen, bedrijven, ...)?"),
    ("internationale_samenwerking", "Internationale samenwerking",
     "Werkt uw bestuur rond de SDG's internationaal samen (stedenband, internationale netwerken, ...)?"),
    ("bestuursakkoord", "SDG's in het bestuursakkoord",
     "Zijn de SDG's opgenomen in het bestuursakkoord?"),
    ("mjp_vorige", "SDG's in het meerjarenplan (vorige legislatuur)",
     "Waren de SDG's gekoppeld aan het meerjarenplan van de vorige legislatuur?"),
    ("mjp_huidig", "SDG's in het meerjarenplan (huidige legislatuur)",
     "Worden de SDG's gekoppeld aan het meerjarenplan van de huidige legislatuur?"),
    ("kwetsbare_groepen", "Aandacht voor kwetsbare groepen",
     "Houdt uw bestuur bij de SDG-werking bewust rekening met kwetsbare groepen (leave no one behind)?"),
    ("aankoopbeleid", "Duurzaamheidscriteria in het aankoopbeleid",
     "Hanteert uw bestuur duurzaamheidscriteria in zijn aankoop- en aanbestedingsbeleid?"),
]
MONITORING_OPTIONS = ["Ja, in de vorige legislatuur", "Ja, gepland voor deze legislatuur", "Nee", "Weet niet"]
_IMPACT = [
    ("impact_integraal", "Impact: meer geïntegreerd beleid",
     "Door met de SDG's te werken, voert ons bestuur een meer geïntegreerd beleid."),
    ("impact_rechtvaardigheid", "Impact: meer oog voor mondiale rechtvaardigheid",
     "Door met de SDG's te werken, heeft ons bestuur meer oog voor mondiale rechtvaardigheid."),
    ("impact_duurzaam", "Impact: duurzamer beleid",
     "Door met de SDG's te werken, voert ons bestuur een duurzamer beleid."),
]
_TEVREDEN = [
    ("tevreden_vorming", "Tevredenheid: vormingen en webinars", "vormingen en webinars"),
    ("tevreden_campagne", "Tevredenheid: campagne Week van de Duurzame Gemeente",
     "campagnemateriaal voor de Week van de Duurzame Gemeente"),
    ("tevreden_publicaties", "Tevredenheid: SDG-wegwijzer en publicaties", "SDG-wegwijzer en publicaties"),
    ("tevreden_netwerk", "Tevredenheid: lerende netwerken", "lerende netwerken en intervisie"),
    ("tevreden_begeleiding", "Tevredenheid: begeleiding op maat", "begeleiding op maat"),
    ("tevreden_nieuwsbrief", "Tevredenheid: nieuwsbrief en website", "nieuwsbrief en website"),
]
_TOEKOMST = [
    ("toekomst_campagne", "Toekomst: campagneweek blijven organiseren",
     "De vereniging moet de Week van de Duurzame Gemeente blijven organiseren."),
    ("toekomst_op_maat", "Toekomst: meer begeleiding op maat",
     "De vereniging moet meer begeleiding op maat aanbieden."),
    ("toekomst_netwerk", "Toekomst: lerend netwerk SDG-coördinatoren",
     "De vereniging moet een lerend netwerk voor SDG-coördinatoren opstarten."),
    ("toekomst_monitoring", "Toekomst: eigen monitoringinstrument",
     "De vereniging moet een eigen monitoringinstrument met indicatoren ontwikkelen."),
]
_INVLOED = [
    ("invloed_vereniging", "Invloed: de vereniging", "de vereniging (VVSG)"),
    ("invloed_vlaamse_overheid", "Invloed: Vlaamse overheid", "de Vlaamse overheid"),
    ("invloed_andere_gemeenten", "Invloed: andere gemeenten", "andere gemeenten"),
    ("invloed_lokale_actoren", "Invloed: lokale actoren", "lokale actoren (verenigingen, scholen, bedrijven)"),
    ("invloed_andere", "Invloed: andere", "andere actoren"),
]

SDG_QUESTIONS = (
    [dict(id=i, label=lab, type="single", column=text, options=JNW) for i, lab, text in _JNW_ITEMS[:10]]
    + [dict(id="monitoring", label="Monitoring met indicatoren", type="single",
            column="Volgt uw bestuur de SDG-werking op met indicatoren (monitoring)?",
            options=MONITORING_OPTIONS),
       dict(id="rapportering", label="Rapportering over de SDG's", type="single",
            column="Rapporteert uw bestuur over de voortgang op de SDG's (bv. in het jaarverslag of een "
                   "Voluntary Local Review)?",
            options=JNW)]
    + [dict(id=i, label=lab, type="single", column=text, options=JNW) for i, lab, text in _JNW_ITEMS[10:]]
    + [dict(id="kanalen", label="Communicatiekanalen over de SDG's", type="multi",
            column="Via welke kanalen communiceert uw bestuur over de SDG's? (meerdere antwoorden mogelijk)",
            options=["Website", "Infoblad", "Sociale media", "Nieuwsbrief", "Evenementen", "Intranet",
                     "Andere"])]
    + [dict(id=i, label=lab, type="likert", column=STELLING + text, options=LIKERT_AGREE,
            extra_options=["Weet niet"]) for i, lab, text in _IMPACT]
    + [dict(id=i, label=lab, type="likert",
            column=f"Hoe tevreden bent u over de volgende ondersteuning door de vereniging? - {what}",
            options=SATISFACTION, extra_options=["Niet gebruikt"], exclude_from_base=["Niet gebruikt"])
       for i, lab, what in _TEVREDEN]
    + [dict(id=i, label=lab, type="likert", column=STELLING + text, options=LIKERT_AGREE)
       for i, lab, text in _TOEKOMST]
    + [dict(id=i, label=lab, type="numeric", min=0, max=5,
            column=f"Hoeveel invloed hebben de volgende actoren op de SDG-werking van uw bestuur? "
                   f"(0 = geen invloed, 5 = zeer veel invloed) - {who}")
       for i, lab, who in _INVLOED]
    + [dict(id="andere_actoren", label="Andere invloeden op de SDG-werking", type="open",
            column="Welke andere actoren of factoren beïnvloeden de SDG-werking van uw bestuur?"),
       dict(id="tips", label="Noden en tips", type="open",
            column="Welke noden heeft u nog en welke tips heeft u voor de ondersteuning rond de SDG's?"),
       dict(id="trots", label="SDG-initiatief waarop u trots bent", type="open",
            column="Op welk SDG-initiatief van uw bestuur bent u het meest trots? Beschrijf het kort.")]
)

SURVEYS = {
    "lmb": dict(label="Bevraging lokaal mondiaal beleid (LMB) - SYNTHETISCHE STAALDATA",
                questions=LMB_QUESTIONS),
    "sdg": dict(label="Bevraging SDG's in het lokaal beleid - SYNTHETISCHE STAALDATA",
                questions=SDG_QUESTIONS),
}


def multi_header(q: dict, option: str) -> str:
    return f"{q['column']} - {option}"


def export_columns(survey: str) -> list[str]:
    cols = [MARK_COL, ID_COL, DATE_COL, UNIT_COL, ROLE_COL]
    for q in SURVEYS[survey]["questions"]:
        if q["type"] == "multi":
            cols += [multi_header(q, o) for o in q["options"]]
        else:
            cols.append(q["column"])
    return cols


def schema_dict(survey: str) -> dict:
    out = {"survey": survey, "label": SURVEYS[survey]["label"], "population": 285,
           "id_column": ID_COL, "unit_column": UNIT_COL, "questions": []}
    for q in SURVEYS[survey]["questions"]:
        e = {"id": q["id"], "label": q["label"], "type": q["type"]}
        if q["type"] == "multi":
            e["columns"] = {o: multi_header(q, o) for o in q["options"]}
        else:
            e["column"] = q["column"]
        for k in ("options", "extra_options", "exclude_from_base", "min", "max"):
            if q["type"] != "multi" and q.get(k) not in (None, []):
                e[k] = q[k]
        out["questions"].append(e)
    return out


def write_schema(survey: str) -> Path:
    import yaml

    path = SCHEMA_DIR / f"{survey}.yaml"
    head = (f"# Survey schema for the {survey.upper()} questionnaire (waves 2022 and 2025 share it).\n"
            f"# Written by scripts/make_sample_data.py; the column headers are those of the\n"
            f"# SYNTHETIC sample exports in data/sample/. Check: textmine schema check {path.relative_to(ROOT)}\n")
    body = yaml.safe_dump(schema_dict(survey), allow_unicode=True, sort_keys=False, width=100,
                          default_flow_style=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + body, encoding="utf-8", newline="\n")
    return path


# =============================================================================
# Figures: the published 2025 targets, and choices for 2022
# =============================================================================

def fit(targets: dict[str, int], pref: int, lo: int, hi: int,
        rest: dict[str, float] | None = None) -> tuple[int, dict[str, int]]:
    """Smallest change from base ``pref`` so that every target option rounds (half up) to its %.

    ``rest`` shares the remainder of the base among options without a target;
    without ``rest`` the targeted options must fill the base exactly.
    """
    order = [pref] + [b for d in range(1, hi - lo + 1) for b in (pref - d, pref + d) if lo <= b <= hi]
    for b in order:
        cands = []
        for t in targets.values():
            cs = sorted((c for c in range(b + 1) if pct(c, b) == t), key=lambda c: abs(c - t * b / 100))
            if not cs:
                break
            cands.append(cs[:3])
        else:
            for combo in itertools.product(*cands):
                r = b - sum(combo)
                if (rest is None and r != 0) or r < 0:
                    continue
                counts = dict(zip(targets, combo))
                if rest:
                    counts.update(share(r, rest))
                return b, counts
    raise SystemExit(f"no base in {lo}..{hi} fits {targets}")


def share(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` by weights with the largest-remainder method (deterministic)."""
    s = sum(weights.values())
    raw = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    left = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), list(weights).index(k)))[:left]:
        out[k] += 1
    return out


def split_scale(groups: dict[str, int], scale: list[str], top_share: float = 0.3,
                bottom_share: float = 0.25) -> dict[str, int]:
    """Agree/neutral/disagree group counts -> counts per scale point."""
    out = {o: 0 for o in scale}
    a, n, d = groups.get("agree", 0), groups.get("neutral", 0), groups.get("disagree", 0)
    out[scale[4]] = round(a * top_share)
    out[scale[3]] = a - out[scale[4]]
    out[scale[2]] = n
    out[scale[0]] = round(d * bottom_share)
    out[scale[1]] = d - out[scale[0]]
    for k, v in groups.items():
        if k not in ("agree", "neutral", "disagree"):
            out[k] = v
    return out


# --- LMB ---------------------------------------------------------------------------

LMB_N = {"2025": 127, "2022": 115}
LMB_JA = {"2025": 108, "2022": 93}

# Counts among the Ja group; whatever is left of the group is blank.
LMB_COUNTS = {
    "2025": {
        "schepen_ambtenaar": {"Ja": 71, "Nee": 35},
        "budget_evolutie": {"Gestegen": 18, "Stabiel": 63, "Gedaald": 11},
        "personeel_toekomst": {"Stijging": 3, "Gelijk": 73, "Daling": 9},
        "budget_toekomst": {"Stijging": 11, "Status quo": 61, "Daling": 15},
        "steun_lmb": {"Helemaal oneens": 0, "Oneens": 1, "Neutraal": 27, "Eens": 48, "Helemaal eens": 20,
                      "Niet van toepassing": 12},
        # BRIEF: 28 (helemaal) eens, 32 neutraal, 18 n.v.t.; the other 30 of the 108 are chosen
        # here as 7 oneens + 2 helemaal oneens + 21 blank.
        "steun_partnerschappen": {"Helemaal oneens": 2, "Oneens": 7, "Neutraal": 32, "Eens": 21,
                                  "Helemaal eens": 7, "Niet van toepassing": 18},
    },
    "2022": {
        "schepen_ambtenaar": {"Ja": 55, "Nee": 36},
        "budget_evolutie": {"Gestegen": 13, "Stabiel": 52, "Gedaald": 17},
        "aandacht_toekomst": {"Meer": 21, "Evenveel": 44, "Minder": 9, "Nog onduidelijk": 12},
        "personeel_toekomst": {"Stijging": 7, "Gelijk": 66, "Daling": 5},
        "budget_toekomst": {"Stijging": 15, "Status quo": 57, "Daling": 8},
        "steun_lmb": {"Helemaal oneens": 1, "Oneens": 3, "Neutraal": 24, "Eens": 38, "Helemaal eens": 12,
                      "Niet van toepassing": 10},
        "steun_partnerschappen": {"Helemaal oneens": 1, "Oneens": 5, "Neutraal": 27, "Eens": 18,
                                  "Helemaal eens": 6, "Niet van toepassing": 21},
    },
}
AANDACHT_2025 = {"Meer": 19, "Evenveel": 45, "Minder": 14, "Nog onduidelijk": 22}
PARTNER_P = {"11.11.11": .72, "Wereldwinkel": .61, "Scholen": .48, "Adviesraad (GROS)": .66,
             "Lokale vzw's (4de pijler)": .44, "Provincie": .27, "Andere": .15}


def lmb_counts(wave: str) -> dict[str, dict[str, int]]:
    counts = {k: dict(v) for k, v in LMB_COUNTS[wave].items()}
    if wave == "2025":
        _base, counts["aandacht_toekomst"] = fit(AANDACHT_2025, 104, 85, 108)
    return counts


# --- SDG ---------------------------------------------------------------------------

SDG_N = {"2025": 63, "2022": 105}
# (targets, preferred base) per item; ja/nee/weet niet items give the Ja %, the rest is
# shared Nee : Weet niet by the weights in JNW_REST.
JNW_REST = {"Nee": 0.75, "Weet niet": 0.25}
SDG_TARGETS = {
    "2025": {
        "interne_communicatie": ({"Ja": 82}, 62),
        "werkgroep": ({"Ja": 24}, 63),
        "engagement": ({"Ja": 49, "Nee": 35, "Weet niet": 16}, 63),
        "externe_communicatie": ({"Ja": 60}, 63),
        "ambassadeurs": ({"Ja": 36}, 62),
        "lokale_actoren": ({"Ja": 56}, 62),
        "internationale_samenwerking": ({"Ja": 53}, 62),
        "bestuursakkoord": ({"Ja": 19}, 62),
        "mjp_vorige": ({"Ja": 58}, 60),
        "mjp_huidig": ({"Ja": 73}, 62),
        "monitoring": ({"Ja, in de vorige legislatuur": 24, "Ja, gepland voor deze legislatuur": 18,
                        "Weet niet": 55}, 62),
        "rapportering": ({"Ja": 21}, 61),
        "kwetsbare_groepen": ({"Ja": 77}, 61),
        "aankoopbeleid": ({"Ja": 53}, 62),
        "impact_integraal": ({"agree": 43, "neutral": 41, "disagree": 16}, 61),
        "impact_rechtvaardigheid": ({"agree": 49, "neutral": 35, "disagree": 14}, 60),
        "impact_duurzaam": ({"agree": 57, "disagree": 8}, 61),
        "tevreden_vorming": ({"agree": 84}, 50),
        "tevreden_campagne": ({"agree": 70}, 54),
        "tevreden_publicaties": ({"agree": 68}, 44),
        "tevreden_netwerk": ({"agree": 57}, 30),
        "tevreden_begeleiding": ({"agree": 57}, 28),
        "tevreden_nieuwsbrief": ({"agree": 46}, 48),
        "toekomst_campagne": ({"agree": 89}, 62),
        "toekomst_op_maat": ({"agree": 51}, 61),
        "toekomst_netwerk": ({"agree": 40}, 60),
        "toekomst_monitoring": ({"agree": 20}, 60),
        "invloed_vereniging": (3.63, 60),
        "invloed_vlaamse_overheid": (2.08, 59),
        "invloed_andere_gemeenten": (1.97, 59),
        "invloed_lokale_actoren": (1.66, 58),
        "invloed_andere": (1.32, 44),
    },
    "2022": {
        "interne_communicatie": ({"Ja": 71}, 103),
        "werkgroep": ({"Ja": 19}, 104),
        "engagement": ({"Ja": 41, "Nee": 43, "Weet niet": 16}, 104),
        "externe_communicatie": ({"Ja": 52}, 104),
        "ambassadeurs": ({"Ja": 28}, 103),
        "lokale_actoren": ({"Ja": 49}, 103),
        "internationale_samenwerking": ({"Ja": 50}, 105),
        "bestuursakkoord": ({"Ja": 24}, 103),
        "mjp_vorige": ({"Ja": 21}, 98),
        "mjp_huidig": ({"Ja": 55}, 102),
        "monitoring": ({"Ja, in de vorige legislatuur": 12, "Ja, gepland voor deze legislatuur": 27,
                        "Weet niet": 50}, 103),
        "rapportering": ({"Ja": 14}, 101),
        "kwetsbare_groepen": ({"Ja": 68}, 100),
        "aankoopbeleid": ({"Ja": 47}, 102),
        "impact_integraal": ({"agree": 37, "neutral": 44, "disagree": 19}, 100),
        "impact_rechtvaardigheid": ({"agree": 42, "neutral": 38, "disagree": 17}, 99),
        "impact_duurzaam": ({"agree": 51, "disagree": 11}, 100),
        "tevreden_vorming": ({"agree": 78}, 81),
        "tevreden_campagne": ({"agree": 74}, 88),
        "tevreden_publicaties": ({"agree": 61}, 66),
        "tevreden_netwerk": ({"agree": 49}, 41),
        "tevreden_begeleiding": ({"agree": 52}, 37),
        "tevreden_nieuwsbrief": ({"agree": 50}, 79),
        "toekomst_campagne": ({"agree": 86}, 102),
        "toekomst_op_maat": ({"agree": 58}, 101),
        "toekomst_netwerk": ({"agree": 47}, 100),
        "toekomst_monitoring": ({"agree": 31}, 100),
        "invloed_vereniging": (3.41, 99),
        "invloed_vlaamse_overheid": (2.35, 98),
        "invloed_andere_gemeenten": (1.84, 98),
        "invloed_lokale_actoren": (1.52, 97),
        "invloed_andere": (1.18, 71),
    },
}
KANAAL_P = {"Website": .78, "Infoblad": .62, "Sociale media": .66, "Nieuwsbrief": .35, "Evenementen": .41,
            "Intranet": .30, "Andere": .10}


def sdg_counts(wave: str) -> dict[str, dict]:
    """Counts per option (and numeric targets) for every closed SDG item of a wave."""
    n = SDG_N[wave]
    out: dict[str, dict] = {}
    for qid, (targets, pref) in SDG_TARGETS[wave].items():
        lo = pref - 12
        if qid.startswith("invloed_"):
            out[qid] = {"mean": targets, "pref": pref}
            continue
        if qid == "monitoring":
            _b, c = fit(targets, pref, lo, n, rest={"Nee": 1.0})
            out[qid] = {o: c[o] for o in MONITORING_OPTIONS}
        elif qid == "engagement":
            _b, c = fit(targets, pref, lo, n)
            out[qid] = c
        elif "agree" not in targets:
            _b, c = fit(targets, pref, lo, n, rest=JNW_REST)
            out[qid] = {o: c[o] for o in JNW}
        elif qid.startswith("impact_"):
            if "neutral" in targets:
                _b, g = fit(targets, pref, lo, n, rest=None if sum(targets.values()) == 100
                            else {"Weet niet": 1.0})
            else:
                _b, g = fit(targets, pref, lo, n, rest={"neutral": 0.88, "Weet niet": 0.12})
            out[qid] = split_scale(g, LIKERT_AGREE)
            out[qid].setdefault("Weet niet", 0)
        elif qid.startswith("tevreden_"):
            _b, g = fit(targets, pref, lo, n, rest={"neutral": 0.6, "disagree": 0.4})
            c = split_scale(g, SATISFACTION, top_share=0.35, bottom_share=0.2)
            users_blank = n - sum(c.values())
            c["Niet gebruikt"] = users_blank - max(1, users_blank // 8)
            out[qid] = c
        else:  # toekomst_
            _b, g = fit(targets, pref, lo, n, rest={"neutral": 0.65, "disagree": 0.35})
            out[qid] = split_scale(g, LIKERT_AGREE)
    return out


def integer_scores(mean: float, pref: int, rnd: random.Random) -> list[int]:
    """``n`` whole scores 0..5 whose mean rounds to ``mean`` (safely away from a rounding edge)."""
    for n in [pref] + [pref + d * s for d in range(1, 15) for s in (-1, 1)]:
        s = round(mean * n)
        if abs(s / n - mean) < 0.004:
            break
    else:
        raise SystemExit(f"no n for mean {mean}")
    spread = [abs(k - mean) for k in range(6)]
    weights = [max(0.05, 1.6 - d) for d in spread]
    xs = rnd.choices(range(6), weights=weights, k=n)
    while sum(xs) != s:
        i = rnd.randrange(n)
        if sum(xs) < s and xs[i] < 5:
            xs[i] += 1
        elif sum(xs) > s and xs[i] > 0:
            xs[i] -= 1
    return xs


# =============================================================================
# Municipalities
# =============================================================================

def read_municipalities() -> list[dict]:
    with open(MUNI_FILE, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def unit_pool(wave: str) -> list[tuple[str, int]]:
    """(name, inhabitants) of the municipalities of a wave: 285 in 2025, 300 pre-merger ones before."""
    pool = []
    for r in read_municipalities():
        inh = int(r["inhabitants_2020_sum"])
        olds = [o for o in (r["merged_from"] or "").split(";") if o]
        if wave < "2025" and olds:
            pool += [(o, inh // len(olds)) for o in olds]
        else:
            pool.append((r["municipality_NL"], inh))
    return pool


def pick_units(survey: str, wave: str, n: int) -> list[tuple[str, int]]:
    rnd, _ = rng_for("units", survey, wave)
    pool = unit_pool(wave)
    # Larger municipalities answer somewhat more often (as in the real surveys).
    keyed = sorted(pool, key=lambda u: -rnd.random() ** (1 / (1 + np.log10(u[1] / 5000 + 1))))
    return keyed[:n]


def drop_letter(name: str, rnd: random.Random, known: set[str]) -> str:
    for _ in range(50):
        i = rnd.randrange(2, len(name) - 1)
        typo = name[:i] + name[i + 1:]
        if name[i].isalpha() and typo.casefold() not in known:
            return typo
    return name + "e"


def written_units(units: list[tuple[str, int]], survey: str, wave: str) -> list[str]:
    """How respondents typed their municipality: mostly the official name, a handful not."""
    rnd, _ = rng_for("unit-variants", survey, wave)
    known = {u.casefold() for u, _ in unit_pool("2025") + unit_pool("2022")}
    names = [u for u, _ in units]
    idx = rnd.sample(range(len(names)), 6)
    for k, i in enumerate(idx):
        name, inh = units[i]
        if k == 0:
            names[i] = ("Stad " if inh > 30000 else "gemeente ") + name
        elif k == 1:
            names[i] = "gemeente " + name
        elif k == 2:
            names[i] = "Lokaal bestuur " + name
        elif k == 3:
            names[i] = name.upper()
        elif k == 4:
            names[i] = name.replace("-", " ") if "-" in name else name + " "
        else:
            names[i] = drop_letter(name, rnd, known)
    return names


ROLES = ["Beleidsmedewerker internationale samenwerking", "Duurzaamheidsambtenaar", "Milieuambtenaar",
         "Beleidsmedewerker welzijn", "Diensthoofd vrije tijd", "Cultuurbeleidscoördinator",
         "Beleidscoördinator", "Schepen van ontwikkelingssamenwerking", "Stafmedewerker",
         "Deskundige Noord-Zuid", "Algemeen directeur", "Klimaatcoördinator", "Beleidsondersteuner",
         "Medewerker communicatie", "Diensthoofd burgerzaken"]


# =============================================================================
# Open answers
# =============================================================================

from sample_answer_bank import BANKS, FOREIGN, NON_ANSWERS, OVERIG, FILLERS, SLOTS, THEME_WEIGHTS, \
    OPEN_RATES  # noqa: E402


def expand(tpl: str, rnd: random.Random) -> str:
    """Expand {a|b|c} alternatives (nested) and [SLOT] references."""
    out, i = [], 0
    while i < len(tpl):
        ch = tpl[i]
        if ch == "{":
            depth, j, start, parts = 0, i, i + 1, []
            while True:
                c = tpl[j]
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        parts.append(tpl[start:j])
                        break
                elif c == "|" and depth == 1:
                    parts.append(tpl[start:j])
                    start = j + 1
                j += 1
            out.append(expand(rnd.choice(parts), rnd))
            i = j + 1
        elif ch == "[" and "]" in tpl[i:] and tpl[i + 1:tpl.index("]", i)] in SLOTS:
            j = tpl.index("]", i)
            slot = SLOTS[tpl[i + 1:j]]
            out.append(expand(slot(rnd) if callable(slot) else rnd.choice(slot), rnd))
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ([,.;:!?])", r"\1", text)
    return text.strip()


def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


COMMON_TYPOS = {"ook": "ok", "eigenlijk": "eigelijk", "gemeente": "gemeete", "organiseren": "organiseeren",
                "initiatief": "iniatief", "jaarlijks": "jaarlijk", "projecten": "projekten",
                "bijvoorbeeld": "bijvoorbeel", "verschillende": "verschillede", "zeker": "zekerr",
                "ondersteuning": "ondersteunig", "samenwerking": "samewerking", "interessant": "intressant",
                "momenteel": "momenteeel", "collega's": "collegas", "activiteiten": "activiteite"}


def add_typos(text: str, rnd: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rnd.choice([1, 1, 2, 3])):
        i = rnd.randrange(len(words))
        w = words[i]
        core = w.strip(".,;:!?()")
        if core.lower() in COMMON_TYPOS and rnd.random() < 0.7:
            words[i] = w.replace(core, COMMON_TYPOS[core.lower()])
            continue
        if len(core) < 5 or not core.isalpha():
            continue
        k = rnd.randrange(1, len(core) - 2)
        kind = rnd.random()
        if kind < 0.4:
            new = core[:k] + core[k + 1] + core[k] + core[k + 2:]
        elif kind < 0.7:
            new = core[:k] + core[k + 1:]
        else:
            new = core[:k] + core[k] + core[k:]
        words[i] = w.replace(core, new)
    return " ".join(words)


def roughen(text: str, rnd: random.Random) -> str:
    if rnd.random() < 0.28:
        text = add_typos(text, rnd)
    r = rnd.random()
    if r < 0.05:
        text = text.lower()
    elif r < 0.2:
        text = text[:1].lower() + text[1:]
    if rnd.random() < 0.35:
        text = text.rstrip(".")
    if rnd.random() < 0.04:
        text = text.replace(". ", ".  ", 1)
    if rnd.random() < 0.04:
        text = text.rstrip(".") + "!"
    return text


FIRST = ["An", "Els", "Sofie", "Katrien", "Lies", "Griet", "Hanne", "Ellen", "Sarah", "Nathalie", "Inge",
         "Bart", "Koen", "Pieter", "Wim", "Tom", "Jeroen", "Stijn", "Dirk", "Kristof", "Joris", "Nele",
         "Evelien", "Tine", "Ward", "Ruben", "Yasmina", "Mehmet", "Fatima", "Jonas"]
LAST = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
        "De Smet", "Vermeulen", "Van den Broeck", "Dubois", "Hermans", "Aerts", "Van Damme", "Verhoeven",
        "De Backer", "Lemmens", "Michiels", "Coppens", "De Clercq", "Smets", "Van Hecke", "El Amrani"]


def contact_line(rnd: random.Random, unit: str) -> str:
    f, l = rnd.choice(FIRST), rnd.choice(LAST)
    slug = re.sub(r"[^a-z]", "", l.lower())
    dom = rnd.choice(["voorbeeldgemeente.be", "lokaalbestuur-voorbeeld.be", "gemeente-fictief.be",
                      "stad-fictief.be"])
    mail = rnd.choice([f"{f.lower()}.{slug}@{dom}", f"{f[0].lower()}{slug}@{dom}",
                       f"mondiaal@{dom}", f"noordzuid@{dom}"])
    d = lambda k: "".join(str(rnd.randrange(10)) for _ in range(k))  # noqa: E731
    phone = rnd.choice([f"0{rnd.choice(['9', '3', '2'])} {d(3)} {d(2)} {d(2)}",
                        f"0{rnd.choice(['50', '51', '56', '11', '13', '14', '15', '16', '52', '53', '54'])}"
                        f" {d(2)} {d(2)} {d(2)}",
                        f"04{rnd.choice(['70', '71', '72', '75', '77', '78', '79', '86', '94', '95', '96', '97', '98', '99'])}"
                        f"/{d(2)}.{d(2)}.{d(2)}",
                        f"+32 4{d(2)} {d(2)} {d(2)} {d(2)}"])
    return rnd.choice([
        f"Meer info: {f} {l}, {mail}, {phone}",
        f"Contactpersoon: {f} {l} ({mail})",
        f"Vragen? Mail gerust naar {mail} of bel {phone}.",
        f"Contact: {mail} - tel. {phone}",
        f"Ge kunt altijd bellen naar {f} op {phone}.",
        f"Wie meer wil weten: {f} {l}, dienst {rnd.choice(['welzijn', 'vrije tijd', 'internationale samenwerking', 'duurzaamheid'])}, {mail}",
    ])


def pick_themes(weights: dict[str, float], rnd: random.Random, exclusive: set[str]) -> list[str]:
    k = rnd.choices([1, 2, 3], weights=[0.58, 0.32, 0.10])[0]
    pool = dict(weights)
    chosen: list[str] = []
    while pool and len(chosen) < k:
        t = rnd.choices(list(pool), weights=list(pool.values()))[0]
        if t in exclusive:
            return chosen or [t]
        chosen.append(t)
        del pool[t]
        for e in exclusive:
            pool.pop(e, None)
    return chosen


def compose(parts: list[str], rnd: random.Random) -> str:
    if len(parts) > 1 and rnd.random() < 0.12:
        bullet = rnd.choice(["- ", "* ", "", "> "])
        return "\n".join(bullet + cap(p) for p in parts)
    text = cap(parts[0])
    for p in parts[1:]:
        sep = rnd.choices([". ", " en ", "; ", ".\n", ", ", " + ", ". En "],
                          weights=[40, 22, 8, 6, 10, 3, 4])[0]
        text = text.rstrip(".") + sep + (cap(p) if sep.strip() in (".", "") or sep.endswith("\n") else p)
    return text.rstrip(".") + "."


class AnswerMaker:
    """Open answers for one survey wave: themed fragments + noise; gold themes kept alongside."""

    def __init__(self, survey: str, wave: str):
        self.survey, self.wave = survey, wave
        self.rnd, _ = rng_for("open", survey, wave)
        self.seen: set[str] = set()
        self.foreign = {q: list(v) for q, v in FOREIGN[survey].items()}
        for v in self.foreign.values():
            self.rnd.shuffle(v)

    def make(self, qid: str, unit: str) -> tuple[str, list[str]]:
        """(text, themes) for one respondent; ('', []) for an empty cell."""
        rnd = self.rnd
        rates = OPEN_RATES[self.survey][qid]
        r = rnd.random()
        if r < rates["empty"]:
            return "", []
        r -= rates["empty"]
        if r < rates["non_answer"]:
            return rnd.choice(NON_ANSWERS), ["non_answer"]
        r -= rates["non_answer"]
        if r < rates["foreign"] and self.foreign.get(qid):
            text, themes = self.foreign[qid].pop()
            return text, list(themes)
        for _attempt in range(8):
            text, themes = self._themed(qid, unit, overig=r < rates["foreign"] + rates["overig"])
            if text not in self.seen:
                break
        self.seen.add(text)
        return text, themes

    def _themed(self, qid: str, unit: str, overig: bool) -> tuple[str, list[str]]:
        rnd = self.rnd
        bank = BANKS[self.survey][qid]
        if overig:
            text = expand(rnd.choice(OVERIG[self.survey][qid]), rnd)
            return roughen(tidy(cap(text)), rnd), ["overig"]
        weights = THEME_WEIGHTS[self.survey][qid][self.wave]
        themes = pick_themes(weights, rnd, exclusive={"geen_project"})
        parts, gold = [], list(themes)
        for t in themes:
            entry = rnd.choice(bank[t])
            tpl, extra = (entry, ()) if isinstance(entry, str) else entry
            parts.append(tidy(expand(tpl, rnd)))
            gold += [e for e in extra if e not in gold]
        fillers = FILLERS[self.survey][qid]
        length = rnd.random()
        if length < 0.25 and len(parts) == 1:
            text = cap(parts[0])  # short: a bare phrase
        else:
            text = compose(parts, rnd)
            if length > 0.7 and fillers:
                for f in rnd.sample(fillers, rnd.choice([1, 1, 2])):
                    text = (text + " " if text.endswith(("!", "?")) else text.rstrip(".") + ". ") \
                        + cap(tidy(expand(f, rnd)))
        text = roughen(tidy(text) if "\n" not in text else text, rnd)
        if qid in ("trots", "wat_werkt") and rnd.random() < 0.06:
            text = text.rstrip().rstrip(".") + rnd.choice([". ", ".\n", " - ", ". "]) + contact_line(rnd, unit)
        return text, gold


# =============================================================================
# Building the waves
# =============================================================================

def assign(values: list, pool: list[int], n: int, rnd: random.Random) -> list:
    """Spread ``values`` (blank-padded) at random over respondents ``pool``; others blank."""
    col = [""] * n
    vals = list(values) + [""] * (len(pool) - len(values))
    if len(vals) != len(pool):
        raise SystemExit(f"{len(values)} values for {len(pool)} respondents")
    rnd.shuffle(vals)
    for i, v in zip(pool, vals):
        col[i] = v
    return col


def expand_counts(counts: dict[str, int]) -> list[str]:
    return [o for o, c in counts.items() for _ in range(c)]


def vte_values_2025(rnd: random.Random) -> list[float]:
    """108 FTE values (in hundredths) with mean 0.40, median 0.175, q1 0.10, q3 0.25 (numpy linear)."""
    low = sorted(rnd.choice([2, 5, 5, 8, 10, 10]) for _ in range(26)) + [10]          # idx 0..26
    mid = [10] + sorted(rnd.choice([10, 10, 12, 15]) for _ in range(25)) + [15]       # idx 27..53
    upper = [20] + sorted(rnd.choice([20, 20, 25]) for _ in range(25)) + [25, 25]     # idx 54..81
    top = sorted(rnd.choice([30, 40, 50, 50, 60, 80, 100, 100, 120, 150, 200, 250, 300]) for _ in range(26))
    need = 4320 - sum(low + mid + upper)
    i = len(top) - 1
    while sum(top) != need:                     # stretch (or shrink) the largest values
        step = 10 if sum(top) < need else -10
        if abs(sum(top) - need) < 10:
            step = need - sum(top)
        if 25 <= top[i] + step <= 1000:
            top[i] += step
        i = i - 1 if i > len(top) - 8 else len(top) - 1
        top.sort()
    xs = low + mid + upper + top
    return [x / 100 for x in xs]


def vte_values_2022(n: int, rnd: random.Random) -> list[float]:
    choices = [2, 5, 5, 5, 10, 10, 10, 10, 10, 15, 15, 20, 20, 20, 20, 25, 25, 30, 40, 50, 50, 80, 100,
               150, 200]
    return sorted(rnd.choice(choices) / 100 for _ in range(n))


def respondent_frame(survey: str, wave: str, n: int) -> dict[str, list]:
    rnd, _ = rng_for("frame", survey, wave)
    units = pick_units(survey, wave, n)
    start = datetime(int(wave), 3, 3, 8, 0) if wave == "2025" else datetime(int(wave), 2, 14, 8, 0)
    times = sorted(start + timedelta(minutes=rnd.randrange(0, 60 * 24 * 45)) for _ in range(n))
    base_id = {"2025": 118_400_000_000, "2022": 113_200_000_000}[wave] + (0 if survey == "lmb" else 7_000_000)
    ids, cur = [], base_id
    for _ in range(n):
        cur += rnd.randrange(3_000, 900_000)
        ids.append(cur)
    order = list(range(n))
    rnd.shuffle(order)  # submission order is unrelated to the unit order
    units = [units[i] for i in order]
    return {
        ID_COL: ids, DATE_COL: [t.strftime("%d/%m/%Y %H:%M") for t in times],
        UNIT_COL: written_units(units, survey, wave), "_inh": [u[1] for u in units],
        ROLE_COL: [rnd.choice(ROLES) for _ in range(n)],
    }


def build_lmb(wave: str) -> tuple[dict[str, list], list[tuple]]:
    n, n_ja = LMB_N[wave], LMB_JA[wave]
    rnd, _ = rng_for("closed", "lmb", wave)
    cols = respondent_frame("lmb", wave, n)
    q = {d["id"]: d for d in LMB_QUESTIONS}
    voert = assign(["Ja"] * n_ja + ["Nee"] * (n - n_ja), list(range(n)), n, rnd)
    ja = [i for i in range(n) if voert[i] == "Ja"]
    nee = [i for i in range(n) if voert[i] == "Nee"]
    cols[q["voert_lmb"]["column"]] = voert
    counts = lmb_counts(wave)
    for qid in ("schepen_ambtenaar", "budget_evolutie", "aandacht_toekomst", "personeel_toekomst",
                "budget_toekomst", "steun_lmb", "steun_partnerschappen"):
        cols[q[qid]["column"]] = assign(expand_counts(counts[qid]), ja, n, rnd)
    # FTE: larger municipalities get the larger values (with noise)
    vte = vte_values_2025(rnd) if wave == "2025" else vte_values_2022(len(ja), rnd)
    by_size = sorted(ja, key=lambda i: cols["_inh"][i] * rnd.lognormvariate(0, 1.2))
    col = [""] * n
    for i, v in zip(by_size, sorted(vte)):
        col[i] = v
    cols[q["vte"]["column"]] = col
    # partners (multi): option text when chosen, blank when not; a few of the Ja group skip it
    pq = q["partners"]
    for o in pq["options"]:
        cols[multi_header(pq, o)] = [""] * n
    for i in ja:
        if rnd.random() < 0.06:
            continue
        chosen = [o for o in pq["options"] if rnd.random() < PARTNER_P[o] * (0.9 if wave == "2022" else 1)]
        for o in chosen or ["11.11.11"]:
            cols[multi_header(pq, o)][i] = o
    # open answers
    maker, gold = AnswerMaker("lmb", wave), []
    for qid, group in (("reden_geen_lmb", nee), ("wat_werkt", ja), ("noden", ja), ("trots", ja)):
        col = [""] * n
        for i in group:
            text, themes = maker.make(qid, cols[UNIT_COL][i])
            col[i] = text
            gold += [("lmb", wave, cols[ID_COL][i], qid, t) for t in themes]
        cols[q[qid]["column"]] = col
    return cols, gold


def build_sdg(wave: str) -> tuple[dict[str, list], list[tuple]]:
    n = SDG_N[wave]
    rnd, _ = rng_for("closed", "sdg", wave)
    cols = respondent_frame("sdg", wave, n)
    q = {d["id"]: d for d in SDG_QUESTIONS}
    everyone = list(range(n))
    for qid, c in sdg_counts(wave).items():
        if qid.startswith("invloed_"):
            xs = integer_scores(c["mean"], c["pref"], rnd)
            cols[q[qid]["column"]] = assign(xs, everyone, n, rnd)
        else:
            cols[q[qid]["column"]] = assign(expand_counts(c), everyone, n, rnd)
    kq = q["kanalen"]
    for o in kq["options"]:
        cols[multi_header(kq, o)] = [""] * n
    for i in everyone:
        if rnd.random() < 0.08:
            continue
        chosen = [o for o in kq["options"] if rnd.random() < KANAAL_P[o] * (0.85 if wave == "2022" else 1)]
        for o in chosen or ["Website"]:
            cols[multi_header(kq, o)][i] = o
    maker, gold = AnswerMaker("sdg", wave), []
    for qid in ("andere_actoren", "tips", "trots"):
        col = [""] * n
        for i in everyone:
            text, themes = maker.make(qid, cols[UNIT_COL][i])
            col[i] = text
            gold += [("sdg", wave, cols[ID_COL][i], qid, t) for t in themes]
        cols[q[qid]["column"]] = col
    return cols, gold


# =============================================================================
# Writing
# =============================================================================

def csv_cell(v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, float):
        s = f"{v:.3f}".rstrip("0").rstrip(".")
        return s.replace(".", ",")
    return str(v)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([csv_cell(v) for v in r])
    path.write_bytes(buf.getvalue().encode("cp1252"))


def write_xlsx(path: Path, header: list[str], rows: list[list], title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for r in rows:
        ws.append([None if v == "" else v for v in r])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    wb.properties.creator = "scripts/make_sample_data.py (SYNTHETIC)"
    wb.properties.title = title
    wb.properties.created = FIXED_DT
    wb.properties.modified = FIXED_DT
    raw = io.BytesIO()
    wb.save(raw)
    # openpyxl stamps 'modified' and the zip entries with the current time: pin both.
    stamp = FIXED_DT.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_DT.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


def write_wave(survey: str, wave: str, cols: dict[str, list]) -> Path:
    header = export_columns(survey)
    n = len(cols[ID_COL])
    cols[MARK_COL] = [MARK_VAL] * n
    rows = [[cols[h][i] for h in header] for i in range(n)]
    stem = f"{survey}_{wave}_SYNTHETIC"
    write_csv(SAMPLE_DIR / f"{stem}.csv", header, rows)
    write_xlsx(SAMPLE_DIR / f"{stem}.xlsx", header, rows, title=f"{survey.upper()} {wave} SYNTHETIC")
    return SAMPLE_DIR / f"{stem}.csv"


def write_gold(gold: list[tuple]) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["survey", "wave", "respondent_id", "question", "theme"])
    for row in gold:
        w.writerow(row)
    (SAMPLE_DIR / "gold_themes_SYNTHETIC.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")


# =============================================================================
# Self-check: re-read the written CSVs and recompute the published figures
# =============================================================================

BRIEF_LMB = {
    "voert_lmb": {"Ja": 108, "Nee": 19},
    "budget_evolutie": {"Gestegen": 18, "Stabiel": 63, "Gedaald": 11},
    "personeel_toekomst": {"Stijging": 3, "Gelijk": 73, "Daling": 9},
    "budget_toekomst": {"Stijging": 11, "Status quo": 61, "Daling": 15},
}
BRIEF_LMB_PCT = {"aandacht_toekomst": {"Meer": 19, "Evenveel": 45, "Minder": 14, "Nog onduidelijk": 22}}
BRIEF_LMB_LIKERT = {  # agree / neutral / disagree counts, n.v.t.
    "steun_lmb": dict(agree=68, neutral=27, disagree=1, nvt=12),
    "steun_partnerschappen": dict(agree=28, neutral=32, nvt=18),
}
BRIEF_VTE = dict(mean=0.40, median=0.175, q1=0.1, q3=0.25)
BRIEF_SDG_PCT = {  # question: {option or likert group: % of the base}
    "interne_communicatie": {"Ja": 82}, "werkgroep": {"Ja": 24},
    "engagement": {"Ja": 49, "Nee": 35, "Weet niet": 16}, "externe_communicatie": {"Ja": 60},
    "ambassadeurs": {"Ja": 36}, "lokale_actoren": {"Ja": 56}, "internationale_samenwerking": {"Ja": 53},
    "bestuursakkoord": {"Ja": 19}, "mjp_vorige": {"Ja": 58}, "mjp_huidig": {"Ja": 73},
    "kwetsbare_groepen": {"Ja": 77}, "aankoopbeleid": {"Ja": 53},
    "monitoring": {"Ja, in de vorige legislatuur": 24, "Ja, gepland voor deze legislatuur": 18,
                   "Weet niet": 55},
    "rapportering": {"Ja": 21},
    "impact_integraal": {"agree": 43, "neutral": 41, "disagree": 16},
    "impact_rechtvaardigheid": {"agree": 49, "neutral": 35, "disagree": 14},
    "impact_duurzaam": {"agree": 57, "disagree": 8},
    "tevreden_vorming": {"agree": 84}, "tevreden_campagne": {"agree": 70},
    "tevreden_publicaties": {"agree": 68}, "tevreden_netwerk": {"agree": 57},
    "tevreden_begeleiding": {"agree": 57}, "tevreden_nieuwsbrief": {"agree": 46},
    "toekomst_campagne": {"agree": 89}, "toekomst_op_maat": {"agree": 51},
    "toekomst_netwerk": {"agree": 40}, "toekomst_monitoring": {"agree": 20},
}
BRIEF_SDG_MEANS = {"invloed_vereniging": 3.63, "invloed_vlaamse_overheid": 2.08,
                   "invloed_andere_gemeenten": 1.97, "invloed_lokale_actoren": 1.66, "invloed_andere": 1.32}
BRIEF_SDG_2022 = {"internationale_samenwerking": {"Ja": 50}}


def read_export(path: Path):
    import pandas as pd

    # Only an empty cell is missing: "n/a" or "NA" are answers a coder must see.
    return pd.read_csv(path, sep=";", encoding="cp1252", decimal=",", dtype={ID_COL: str},
                       keep_default_na=False, na_values=[""])


def _cells(df, q: dict):
    s = df[q["column"]]
    return s[s.notna()].astype(str).str.strip().loc[lambda x: x != ""]


def tally_single(df, q: dict) -> tuple[dict[str, int], int]:
    vals = _cells(df, q)
    counts = {o: int((vals.str.casefold() == o.casefold()).sum()) for o in q["options"] +
              q.get("extra_options", [])}
    if sum(counts.values()) != len(vals):
        raise AssertionError(f"{q['id']}: values outside the options: {sorted(set(vals))}")
    base = sum(c for o, c in counts.items() if o not in q.get("exclude_from_base", []))
    if q["type"] == "likert":
        sc = q["options"]
        counts["agree"] = counts[sc[-1]] + counts[sc[-2]]
        counts["disagree"] = counts[sc[0]] + counts[sc[1]]
        counts["neutral"] = counts[sc[2]]
    return counts, base


def base_report(survey: str, wave: str) -> list[tuple[str, str, int, int, str]]:
    """(question, type, n respondents, base, figures) of every closed question, from the written CSV."""
    df = read_export(SAMPLE_DIR / f"{survey}_{wave}_SYNTHETIC.csv")
    rows = []
    for q in SURVEYS[survey]["questions"]:
        if q["type"] in ("single", "likert"):
            counts, base = tally_single(df, q)
            if q["type"] == "likert":
                show = {g: counts[g] for g in ("agree", "neutral", "disagree")}
                show.update({o: counts[o] for o in q.get("extra_options", [])})
            else:
                show = {o: counts[o] for o in q["options"] + q.get("extra_options", [])}
            fig = ", ".join(f"{k} {v} ({100 * v / base:.1f}%)" if base and
                            k not in q.get("exclude_from_base", []) else f"{k} {v}" for k, v in show.items())
            rows.append((q["id"], q["type"], len(df), base, fig))
        elif q["type"] == "numeric":
            x = df[q["column"]].dropna().to_numpy(dtype=float)
            q1, med, q3 = np.percentile(x, [25, 50, 75])
            rows.append((q["id"], "numeric", len(df), len(x),
                         f"mean {x.mean():.3f}, median {med:.3f}, q1 {q1:.3f}, q3 {q3:.3f}"))
        elif q["type"] == "multi":
            sub = df[[multi_header(q, o) for o in q["options"]]].notna()
            base = int(sub.any(axis=1).sum())
            rows.append((q["id"], "multi", len(df), base,
                         ", ".join(f"{o} {int(sub[multi_header(q, o)].sum())}" for o in q["options"])))
        else:
            rows.append((q["id"], "open", len(df), int(_cells(df, q).shape[0]), "answered"))
    return rows


def self_check() -> None:
    import pandas as pd

    problems: list[str] = []

    def want(cond: bool, msg: str) -> None:
        if not cond:
            problems.append(msg)

    # --- LMB 2025 -----------------------------------------------------------------
    lmb = {q["id"]: q for q in LMB_QUESTIONS}
    df = read_export(SAMPLE_DIR / "lmb_2025_SYNTHETIC.csv")
    want(len(df) == 127, f"lmb 2025: {len(df)} respondents, want 127")
    for qid, exp in BRIEF_LMB.items():
        got, _ = tally_single(df, lmb[qid])
        want(all(got[o] == c for o, c in exp.items()), f"lmb {qid}: {got} want {exp}")
    ja = df[lmb["voert_lmb"]["column"]].str.strip() == "Ja"
    counts, base = tally_single(df[ja], lmb["schepen_ambtenaar"])
    want(0.6 <= counts["Ja"] / base <= 0.72, f"lmb schepen_ambtenaar Ja share {counts['Ja']}/{base}")
    for qid, exp in BRIEF_LMB_PCT.items():
        got, base = tally_single(df, lmb[qid])
        want(all(pct(got[o], base) == p for o, p in exp.items()), f"lmb {qid}: {got} of {base}, want {exp}%")
    for qid, exp in BRIEF_LMB_LIKERT.items():
        got, _ = tally_single(df, lmb[qid])
        got["nvt"] = got["Niet van toepassing"]
        want(all(got[k] == v for k, v in exp.items()), f"lmb {qid}: {got} want {exp}")
    x = df[lmb["vte"]["column"]].dropna().to_numpy(dtype=float)
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    got = dict(mean=round(float(x.mean()), 3), median=round(float(med), 3), q1=round(float(q1), 3),
               q3=round(float(q3), 3))
    want(x.size == 108 and got == BRIEF_VTE, f"lmb vte: n={x.size} {got} want {BRIEF_VTE}")
    want(x.min() >= 0 and x.max() <= 10, "lmb vte outside 0..10")
    # follow-ups blank for the Nee group, reason only for the Nee group
    for w in ("2025", "2022"):
        d = read_export(SAMPLE_DIR / f"lmb_{w}_SYNTHETIC.csv")
        is_ja = d[lmb["voert_lmb"]["column"]].str.strip() == "Ja"
        follow = [c for c in export_columns("lmb")[5:] if c not in (lmb["voert_lmb"]["column"],
                                                                     lmb["reden_geen_lmb"]["column"])]
        want(d.loc[~is_ja, follow].isna().all().all(), f"lmb {w}: a Nee respondent answered a follow-up")
        want(d.loc[is_ja, lmb["reden_geen_lmb"]["column"]].isna().all(), f"lmb {w}: a Ja respondent gave a reason")

    # --- SDG 2025 -----------------------------------------------------------------
    sdg = {q["id"]: q for q in SDG_QUESTIONS}
    df = read_export(SAMPLE_DIR / "sdg_2025_SYNTHETIC.csv")
    want(len(df) == 63, f"sdg 2025: {len(df)} respondents, want 63")
    for qid, exp in BRIEF_SDG_PCT.items():
        got, base = tally_single(df, sdg[qid])
        want(all(pct(got[o], base) == p for o, p in exp.items()),
             f"sdg {qid}: {got} of base {base}, want {exp}%")
    for qid, m in BRIEF_SDG_MEANS.items():
        x = df[sdg[qid]["column"]].dropna().to_numpy(dtype=float)
        want(round(float(x.mean()), 2) == m and x.min() >= 0 and x.max() <= 5 and (x == x.round()).all(),
             f"sdg {qid}: mean {x.mean():.4f} want {m}")
    d = read_export(SAMPLE_DIR / "sdg_2022_SYNTHETIC.csv")
    want(len(d) == 105, f"sdg 2022: {len(d)} respondents, want 105")
    for qid, exp in BRIEF_SDG_2022.items():
        got, base = tally_single(d, sdg[qid])
        want(all(pct(got[o], base) == p for o, p in exp.items()), f"sdg 2022 {qid}: {got} of {base}")

    # --- every export: marker, units, XLSX = CSV, gold covers the open answers ------
    gold = pd.read_csv(SAMPLE_DIR / "gold_themes_SYNTHETIC.csv", dtype=str)
    for survey in ("lmb", "sdg"):
        for w in ("2022", "2025"):
            stem = SAMPLE_DIR / f"{survey}_{w}_SYNTHETIC"
            d = read_export(stem.with_suffix(".csv"))
            want(list(d.columns) == export_columns(survey), f"{stem.name}: columns differ")
            want((d[MARK_COL] == MARK_VAL).all(), f"{stem.name}: marker column")
            want(d[ID_COL].is_unique, f"{stem.name}: duplicate ids")
            units = d[UNIT_COL].str.strip().str.casefold()
            want(units.is_unique, f"{stem.name}: a municipality answers twice")
            x = pd.read_excel(stem.with_suffix(".xlsx"), dtype={ID_COL: str}, keep_default_na=False,
                              na_values=[""])
            try:
                pd.testing.assert_frame_equal(d, x, check_dtype=False)
            except AssertionError as exc:
                problems.append(f"{stem.name}: XLSX differs from CSV: {str(exc)[:300]}")
            g = gold[(gold.survey == survey) & (gold.wave == w)]
            for q in SURVEYS[survey]["questions"]:
                if q["type"] != "open":
                    continue
                answered = set(d.loc[d[q["column"]].notna() & (d[q["column"]].astype(str).str.strip() != ""),
                                     ID_COL])
                coded = set(g.loc[g.question == q["id"], "respondent_id"])
                want(answered == coded, f"{stem.name} {q['id']}: gold rows do not match the answers "
                                        f"({len(answered)} answered, {len(coded)} coded)")
                want(len(answered) > 0, f"{stem.name} {q['id']}: no answers")
    raw = (SAMPLE_DIR / "lmb_2025_SYNTHETIC.csv").read_bytes()
    want(raw.count(b"\r\n") >= 128 and b"0,175" not in raw[:0] and b";" in raw.split(b"\r\n")[0],
         "lmb 2025 csv: not ';' + CRLF")
    if problems:
        print("SELF-CHECK FAILED:", *problems, sep="\n  ", file=sys.stderr)
        raise SystemExit(1)
    print("self-check ok: every 2025 figure of the BRIEF reproduced; 2022 SDG international cooperation 50%")


# =============================================================================

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only run the self-check on the written files")
    args = ap.parse_args()
    if not args.check:
        SAMPLE_DIR.mkdir(parents=True, exist_ok=True)
        for s in SURVEYS:
            write_schema(s)
        gold: list[tuple] = []
        for survey, build in (("lmb", build_lmb), ("sdg", build_sdg)):
            for wave in ("2022", "2025"):
                cols, g = build(wave)
                write_wave(survey, wave, cols)
                gold += g
        write_gold(gold)
        write_readme()
    self_check()


def _table(survey: str, wave: str) -> str:
    lines = ["| question | type | respondents | base (n) | figures (percent of the base) |",
             "|---|---|---|---|---|"]
    for qid, typ, n, base, fig in base_report(survey, wave):
        lines.append(f"| `{qid}` | {typ} | {n} | {base} | {fig} |")
    return "\n".join(lines)


def _open_stats() -> str:
    import pandas as pd

    gold = pd.read_csv(SAMPLE_DIR / "gold_themes_SYNTHETIC.csv", dtype=str)
    lines = ["| survey | wave | question | answers | themes (answers carrying the theme) |", "|---|---|---|---|---|"]
    for (survey, wave, q), g in gold.groupby(["survey", "wave", "question"], sort=True):
        per = g.groupby("theme")["respondent_id"].nunique().sort_values(ascending=False)
        lines.append(f"| {survey} | {wave} | `{q}` | {g.respondent_id.nunique()} | "
                     + ", ".join(f"{t} {c}" for t, c in per.items()) + " |")
    return "\n".join(lines)


README = """# SYNTHETIC sample data -- not real survey answers

Everything in this folder is **synthetic**: made by `scripts/make_sample_data.py`
(seed {seed}), with open-answer fragments from `scripts/sample_answer_bank.py`.
No respondent, answer, name, e-mail address or phone number is real. The
municipality names are real (from `data/municipalities/`), but which
municipality "answered" what is random. Every file name contains `SYNTHETIC`
and the first column of every export, `{mark_col}`, holds
`{mark_val}` in every row.

Re-create (byte-identical on every run) and self-check:

    .venv/bin/python scripts/make_sample_data.py          # write all files, then self-check
    .venv/bin/python scripts/make_sample_data.py --check  # self-check only

The self-check re-reads the written CSVs with pandas (`sep=';'`,
`encoding='cp1252'`, `decimal=','`) and recomputes every published 2025
figure of the BRIEF; it also checks that each XLSX equals its CSV, that the
LMB follow-up questions are blank for the Nee group, that no municipality
answers twice, and that the gold file covers every non-empty open answer.

## Files

| file | what |
|---|---|
| `lmb_2025_SYNTHETIC.csv/.xlsx` | LMB questionnaire, 2025 wave, n = 127 (285 municipalities) |
| `lmb_2022_SYNTHETIC.csv/.xlsx` | LMB questionnaire, 2022 wave, n = 115 (300 pre-merger municipalities) |
| `sdg_2025_SYNTHETIC.csv/.xlsx` | SDG questionnaire, 2025 wave, n = 63 |
| `sdg_2022_SYNTHETIC.csv/.xlsx` | SDG questionnaire, 2022 wave, n = 105 |
| `gold_themes_SYNTHETIC.csv` | `survey,wave,respondent_id,question,theme`: one row per (open answer, intended theme) |
| `../schemas/lmb.yaml`, `../schemas/sdg.yaml` | the survey schemas (both waves share headers and schema) |

The CSVs are written as Excel writes them in Belgium: delimiter `;`, cp1252,
decimal comma (`0,175`), CRLF line ends, cells with `;`, quotes or line breaks
quoted. The XLSX files hold the same table on their first sheet, numbers as
numbers. Besides the schema's columns, each export has `{date_col}` and
`{role_col}` (ignored by ingest, as real exports carry such columns).

Ingest (2022 waves with `--population 300`):

    textmine ingest data/sample/lmb_2025_SYNTHETIC.csv --project demo --schema data/schemas/lmb.yaml --wave 2025
    textmine ingest data/sample/lmb_2022_SYNTHETIC.csv --project demo --schema data/schemas/lmb.yaml --wave 2022 --population 300

## How the closed answers are made

Counts are fixed first and then spread at random over respondents, so the
figures are exact rather than "about right". Blank = no answer (not in the
base). Percentages are of the base: answered, minus options listed in
`exclude_from_base`. Likert agree = top two points, disagree = bottom two,
neutral = the middle point. Where the BRIEF gives only percentages, the
script searches, from a preferred base downwards, the base at which every
published percentage comes out when rounded half up; those bases are in the
tables below.

Choices that the BRIEF leaves open:

- **LMB follow-ups** (everything after `voert_lmb` except `reden_geen_lmb`) are
  blank for the 19 (2025) / 22 (2022) Nee respondents; `reden_geen_lmb` is
  answered only by them.
- **`steun_partnerschappen`**: the BRIEF gives 28 (helemaal) eens, 32 neutraal,
  18 n.v.t. of 108; the other 30 are modelled as 7 oneens + 2 helemaal oneens
  + 21 blank, so the base is 69 (28 + 32 + 9).
- **`vte`**: all 108 Ja respondents answer; values are built so that numpy's
  linear percentiles give q1 0.1, median 0.175 (0.15 and 0.2 in the middle),
  q3 0.25, and the sum is 43.2 (mean 0.40). Larger municipalities get the
  larger values.
- **`aandacht_toekomst`**: base 103 of the 108 (5 blank): 20/46/14/23 ->
  19.4 / 44.7 / 13.6 / 22.3 %.
- **SDG ja / nee / weet niet items**: `Weet niet` is an option *in* the base
  (as the 49 / 35 / 16 split of the formal commitment requires); the part not
  published is split 3:1 over Nee and Weet niet.
- **`monitoring`** is one single-choice question with four options: *Ja, in de
  vorige legislatuur* (24 %), *Ja, gepland voor deze legislatuur* (18 %), *Nee*
  (the remaining 3 %) and *Weet niet* (55 %). **`rapportering`** is a separate
  ja / nee / weet niet item (21 % ja).
- **Multi-year plan** is two items: `mjp_vorige` (58 %) and `mjp_huidig` (73 %).
- **Impact statements** (`impact_*`) have an extra option `Weet niet` that is
  *in* the base: the published global-justice split (49 / 35 / 14) adds up to 98,
  which rounding alone cannot explain, so 1 of its 57 (1.8 %) is "Weet niet".
- **Satisfaction** (`tevreden_*`, Zeer ontevreden .. Zeer tevreden) has an extra
  option `Niet gebruikt` that is excluded from the base; "tevreden" = the top two.
- **Influence scores** (`invloed_*`) are whole numbers 0-5 (numeric questions);
  their means round to the published two decimals, well away from a rounding edge.
- **Multi-choice** (not in the BRIEF, so multi tallies have data): LMB `partners`
  and SDG `kanalen`. A chosen option's cell holds the option text, others are blank.
- **2022 waves** have no published figures except SDG international cooperation
  (50 % of 105); other items are set a little different from 2025 (for example
  fewer SDG links to the multi-year plan, more Fair Trade pride, less attention
  to anchoring needs) so a wave comparison has something to show.
- **Municipalities**: each used at most once per wave; 2025 waves draw from the
  285 municipalities, 2022 waves from the 300 pre-merger names (the
  `merged_from` column). Six respondents per wave write the name differently,
  as in real exports: "Stad ...", "gemeente ...", "Lokaal bestuur ...", all
  capitals, spaces for hyphens or a trailing space, and one typo (a dropped
  letter) that the matcher will only *suggest* a municipality for.

## 2025 figures and bases (recomputed from the written CSVs)

### LMB 2025 (n = 127; population 285)

{lmb25}

### SDG 2025 (n = 63; population 285)

{sdg25}

### SDG 2022 (n = 105; population 300)

{sdg22}

### LMB 2022 (n = 115; population 300)

{lmb22}

## How the open answers are made

Every open question of the BRIEF gets answers in both waves (LMB:
`reden_geen_lmb`, `wat_werkt`, `noden`, `trots`; SDG: `andere_actoren`,
`tips`, `trots`). For each respondent and question the generator draws:

- an empty cell (8-36 % depending on the question), a non-answer ("nvt",
  "n.v.t.", "-", "/", "geen idee", "?", "n/a", ...; gold theme `non_answer`), an
  answer in English or French (a few, each used once), an answer without a
  codebook theme (gold theme `overig`), or a themed answer;
- for a themed answer 1, 2 or 3 themes (58 / 32 / 10 %) from the question's
  codebook, by per-wave weights, and for each theme a template with nested
  alternatives and slots (partner towns in Burkina Faso, Nicaragua, Zuid-Afrika,
  Benin, Ecuador, ...; organisations such as 11.11.11, Wereldwinkel, Broederlijk
  Delen; budgets, years, school groups). Some templates name a second theme by
  themselves (a Fair Trade breakfast is also an event); the gold file lists both;
- the parts are joined as one sentence, several sentences, a line-broken list or
  bullets; some answers get theme-neutral extra sentences ("Merci!", "Dat loopt
  al sinds 2016"), so lengths run from two words to five sentences;
- noise: typos (swapped, dropped or doubled letters, common misspellings),
  lower-case starts, missing final full stops, double spaces, Flemish words
  ("ge", "efkes", "plezant", "ambetant", "goesting", "zeker en vast") and
  abbreviations (LMB, MJP, GROS, OCMW, NGO, VTE, SDG, WvdDG);
- a few `trots` and `wat_werkt` answers end with a contact person and a fake
  e-mail address (`@voorbeeldgemeente.be`, `@gemeente-fictief.be`, ...) or a
  random Belgian phone number, for testing PII redaction.

An exact repeat of an answer within a question is redrawn. The gold theme
rows are the themes the generator *intended*; they are exact for the
templates, but they are template data: **do not measure coding accuracy on
them, and do not tune on them and then report accuracy** -- use the
hand-written answers in `data/eval/` (never produced from these fragments).

{open_stats}
"""


def write_readme() -> None:
    text = README.format(
        seed=SEED, mark_col=MARK_COL, mark_val=MARK_VAL, date_col=DATE_COL, role_col=ROLE_COL,
        lmb25=_table("lmb", "2025"), sdg25=_table("sdg", "2025"), sdg22=_table("sdg", "2022"),
        lmb22=_table("lmb", "2022"), open_stats=_open_stats())
    (SAMPLE_DIR / "README.md").write_text(text, encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
