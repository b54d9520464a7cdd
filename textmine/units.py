"""Responding units: match municipality names to the reference list.

The list (data/municipalities) gives province and inhabitants; pre-2025 names
of merged municipalities map to the merged one, so older waves match too.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process

from .paths import data_dir

# Size classes by inhabitants (2020 population of the 2025 territory).
SIZE_CLASSES = [(10_000, "< 10.000"), (20_000, "10.000-19.999"), (50_000, "20.000-49.999"),
                (100_000, "50.000-99.999"), (float("inf"), ">= 100.000")]
_PREFIX = re.compile(r"^(stad|gemeente|lokaal bestuur|ocmw|stadsbestuur|gemeentebestuur|"
                     r"lokaal bestuur van|stad en ocmw|gemeente en ocmw)\s+", re.I)


@dataclass(frozen=True)
class Municipality:
    """A municipality of the reference list: name, NIS code, province and inhabitants."""

    name: str
    nis: str
    province: str
    inhabitants: int

    @property
    def size_class(self) -> str:
        return next(label for limit, label in SIZE_CLASSES if self.inhabitants < limit)


@dataclass(frozen=True)
class UnitMatch:
    """A unit as a respondent typed it, the municipality it matched (None when none) and close names."""

    unit: str
    municipality: Municipality | None
    suggestions: tuple[str, ...] = ()


def strip_prefixes(name: str) -> str:
    """The name without 'Stad', 'Gemeente', 'Lokaal bestuur', ... in front (repeatedly), case kept."""
    while (stripped := _PREFIX.sub("", name)) != name:
        name = stripped
    return name


def normalise_name(name: str) -> str:
    """Matching form: accents, case, hyphens, apostrophes and 'Stad'/'Gemeente' prefixes folded."""
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return strip_prefixes(" ".join(s.replace("-", " ").replace("'", " ").split()).casefold())


@lru_cache(maxsize=1)
def _reference() -> tuple[dict[str, Municipality], list[str]]:
    by_key: dict[str, Municipality] = {}
    names: list[str] = []
    path = data_dir() / "municipalities" / "flemish_municipalities_2025.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            m = Municipality(row["municipality_NL"], row["NIS_2025"], row["province_NL"],
                             int(row["inhabitants_2020_sum"]))
            names.append(m.name)
            by_key[normalise_name(m.name)] = m
            for old in filter(None, (row.get("merged_from") or "").split(";")):
                by_key.setdefault(normalise_name(old), m)
    return by_key, names


def municipality_names() -> list[str]:
    """The 285 municipality names of 2025."""
    return list(_reference()[1])


def match_unit(unit: str) -> UnitMatch:
    """Exact match after normalisation (case, accents, hyphens, 'Stad'/'Gemeente' prefixes).

    Close matches are only suggested, never assigned: a wrong province is worse
    than a missing one.
    """
    by_key, _ = _reference()
    key = normalise_name(unit)
    if key in by_key:
        return UnitMatch(unit, by_key[key])
    hits = process.extract(key, list(by_key), limit=3, score_cutoff=80)
    suggestions = tuple(dict.fromkeys(by_key[k].name for k, _score, _ in hits))
    return UnitMatch(unit, None, suggestions)


HIDDEN_RESPONDENT = "respondent (id niet getoond)"  # a respondent without place whose id may hold personal data


def plain_respondent_id(respondent_id: object) -> bool:
    """Whether a respondent id may be published as it is: no letters (survey tools number their
    respondents) and nothing the redactor takes (a phone number used as an id). An export may
    use e-mail addresses or names as ids ("sofie.wouters@gent.be", "VanAckerTom")."""
    text = str(respondent_id)
    if any(c.isalpha() for c in text):
        return False
    from .nlp.pii import find_pattern_pii

    return not find_pattern_pii(text)


def respondent_name(municipality: object, unit: object, respondent_id: object) -> str:
    """What reports and exports call a respondent: the municipality, else the unit as typed,
    redacted (a respondent may type a name or an e-mail address there), else the respondent id
    when it holds no personal data (``plain_respondent_id``)."""
    if isinstance(municipality, str) and municipality.strip():
        return municipality
    if isinstance(unit, str) and unit.strip():
        from .nlp.answers import redact_field

        return redact_field(unit)
    return f"respondent {respondent_id}" if plain_respondent_id(respondent_id) else HIDDEN_RESPONDENT
