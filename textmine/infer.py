"""Draft a survey schema from an export, for staff to correct.

Heuristics, in order: groups of "Question - Option" columns holding the option
text or 1/0 are multi-choice; columns of numbers (decimal commas too) are
numeric; values within a known Dutch scale are Likert; few distinct short
values are single choice; the rest is open text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, OrderedDict
from typing import Any

import yaml

from .schema import option_key
from .units import match_unit
from .values import is_blank, parse_number

LIKERT_SCALES: list[list[str]] = [
    ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"],
    ["Helemaal niet akkoord", "Niet akkoord", "Neutraal", "Akkoord", "Helemaal akkoord"],
    ["Zeer ontevreden", "Ontevreden", "Neutraal", "Tevreden", "Zeer tevreden"],
    ["Helemaal ontevreden", "Ontevreden", "Neutraal", "Tevreden", "Helemaal tevreden"],
    ["Helemaal niet belangrijk", "Niet belangrijk", "Neutraal", "Belangrijk", "Zeer belangrijk"],
    ["Nooit", "Zelden", "Soms", "Vaak", "Altijd"],
    ["Zeer slecht", "Slecht", "Neutraal", "Goed", "Zeer goed"],
]
# Middle points written differently in exports.
_NEUTRAL_VARIANTS = {"niet eens, niet oneens", "noch eens, noch oneens", "niet eens niet oneens",
                     "neutraal", "geen mening"}
OUTSIDE_SCALE = ["Niet van toepassing", "N.v.t.", "Nvt", "Weet niet", "Weet ik niet", "Geen antwoord"]
_MULTI_SEP = re.compile(r"^(?P<q>.+?)\s*(?: - | – | — |: |\| )\s*(?P<opt>[^-–—:|]+)$")
_ID_HEADER = re.compile(r"(respondent|response|antwoord|record|^id$|\bid\b|nummer|volgnummer)", re.I)
_UNIT_HEADER = re.compile(r"(gemeente|stad|bestuur|municipality|organisatie)", re.I)
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?$")
MAX_SINGLE_OPTIONS = 12


def _slug(text: str, taken: set[str]) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", s) if w not in {"de", "het", "een", "van", "uw", "u", "en", "in", "op", "is", "er", "wat", "welke", "hoe"}]
    base = "_".join(words[:4]) or "vraag"
    if base[0].isdigit():
        base = "q_" + base
    slug, i = base, 2
    while slug in taken:
        slug, i = f"{base}_{i}", i + 1
    taken.add(slug)
    return slug


def _likert(values: set[str]) -> tuple[list[str], list[str]] | None:
    keys = {option_key(v) for v in values}
    outside = {option_key(o): o for o in OUTSIDE_SCALE}
    for scale in LIKERT_SCALES:
        scale_keys = {option_key(o) for o in scale}
        neutral = option_key(scale[len(scale) // 2])
        mapped = {neutral if k in _NEUTRAL_VARIANTS else k for k in keys}
        inside = mapped & scale_keys
        if len(inside) >= 2 and mapped <= scale_keys | set(outside):
            extras = sorted({v for v in values if option_key(v) in outside})
            return scale, extras
    return None


def infer_schema(headers: list[str], rows: list[list[str]], survey: str = "survey") -> dict[str, Any]:
    """A draft schema (as a dict ready for YAML) from an export's headers and cells."""
    columns = {h: [r[i] for r in rows] for i, h in enumerate(headers) if h}
    taken: set[str] = set()
    id_column = next((h for h, v in columns.items() if _ID_HEADER.search(h) and _unique(v)), None) \
        or next((h for h, v in columns.items() if _unique(v)), headers[0])
    unit_column = next((h for h, v in columns.items() if h != id_column and _UNIT_HEADER.search(h)
                        and _mostly_units(v)), None) \
        or next((h for h, v in columns.items() if h != id_column and _mostly_units(v)), None)
    used = {id_column, unit_column}
    questions: list[dict[str, Any]] = []
    skipped: list[str] = []

    # Multi-choice groups first: they span several columns.
    groups: "OrderedDict[str, list[tuple[str, str]]]" = OrderedDict()
    for h in headers:
        m = _MULTI_SEP.match(h) if h not in used else None
        if m:
            groups.setdefault(m.group("q").strip(), []).append((m.group("opt").strip(), h))
    multi_cols: dict[str, dict[str, Any]] = {}
    for q_text, opts in groups.items():
        if len(opts) < 2 or not all(_multi_cells(columns[h], opt) for opt, h in opts):
            continue
        q = {"id": _slug(q_text, taken), "label": q_text, "type": "multi",
             "columns": {opt: h for opt, h in opts}}
        multi_cols[opts[0][1]] = q
        used.update(h for _, h in opts)

    for h in headers:
        if h in multi_cols:
            questions.append(multi_cols[h])
        if not h or h in used:
            continue
        values = [v.strip() for v in columns[h] if not is_blank(v)]
        if not values:
            skipped.append(f"{h} (empty)")
            continue
        if all(_DATE.match(v) for v in values):
            skipped.append(f"{h} (dates)")
            continue
        q: dict[str, Any] = {"id": _slug(h, taken), "label": h, "column": h}
        distinct = Counter()
        first_spelling: dict[str, str] = {}
        for v in values:
            distinct[first_spelling.setdefault(option_key(v), v)] += 1
        long_text = any(len(v) > 60 or "\n" in v for v in values)
        if all(parse_number(v) is not None for v in values) and not (len(distinct) <= 2 and set(distinct) <= {"0", "1"}):
            q["type"] = "numeric"
        elif (lik := _likert(set(distinct))) is not None:
            scale, extras = lik
            q.update(type="likert", options=scale)
            if extras:
                q.update(extra_options=extras, exclude_from_base=list(extras))
        elif not long_text and len(distinct) <= MAX_SINGLE_OPTIONS and \
                len(distinct) <= max(2, len(values) // 3):
            q.update(type="single", options=[v for v, _ in sorted(distinct.items(), key=lambda kv: -kv[1])])
        else:
            q["type"] = "open"
        questions.append(q)
    draft: dict[str, Any] = {"survey": survey, "id_column": id_column}
    if unit_column:
        draft["unit_column"] = unit_column
    draft["questions"] = questions
    if skipped:
        draft["_skipped"] = skipped
    return draft


def draft_to_yaml(draft: dict[str, Any], source: str) -> str:
    skipped = draft.pop("_skipped", [])
    head = [f"# Draft schema inferred by 'textmine schema infer' from {source}.",
            "# Check every question: types, option order (Likert: low to high), labels,",
            "# and add 'population:' (units in the population) and 'exclude_from_base:' where needed."]
    head += [f"# Column left out: {s}" for s in skipped]
    body = yaml.safe_dump(draft, allow_unicode=True, sort_keys=False, width=120)
    return "\n".join(head) + "\n" + body


def _unique(values: list[str]) -> bool:
    vals = [v.strip() for v in values]
    return all(vals) and len(set(vals)) == len(vals)


def _mostly_units(values: list[str]) -> bool:
    vals = [v for v in values if not is_blank(v)][:200]
    return bool(vals) and sum(match_unit(v).municipality is not None for v in vals) >= 0.6 * len(vals)


def _multi_cells(values: list[str], option: str) -> bool:
    ok = {option_key(option), "1", "0", "x", "ja", "nee", "yes", "no", "true", "false"}
    vals = {option_key(v) for v in values if not is_blank(v)}
    return bool(vals) and vals <= ok
