#!/usr/bin/env python
"""Build data/pii_testset/*.jsonl from the hand-written, marked-up sources.

The source (`answers_marked.txt`, and the hold-out `holdout_SPENT_marked.txt`) holds one invented survey answer per line with
inline markup (see its header). This script strips the markup, fills the
``[[iban]]`` / ``[[rrn]]`` slots with valid, seeded, randomly formatted numbers,
and writes the character offsets of every planted item, so the offsets never
have to be counted by hand.

    python scripts/build_pii_testset.py            # rewrite answers.jsonl, holdout_SPENT.jsonl, issue11.jsonl
    python scripts/build_pii_testset.py --check    # fail if they are out of date
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

from stdnum import iban as std_iban
from stdnum.be import nn as std_nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from textmine.nlp.pii import iban_check  # noqa: E402
TESTSET = ROOT / "data" / "pii_testset"
# source -> output; the hold-out set was written after the rules were frozen; issue11 holds
# the forms textmine issue 11 names (names in capitals, surname first, written-out e-mail, ...)
SETS = {"answers_marked.txt": "answers.jsonl", "holdout_SPENT_marked.txt": "holdout_SPENT.jsonl",
        "issue11_marked.txt": "issue11.jsonl"}
SEEDS = [("pii", 20250611), ("hold", 20250612), ("i11", 20250613)]
KINDS = {"name", "email", "phone", "iban", "rrn", "social", "address", "plate"}
# a value may hold a single "]" ("jan [at] gemeente [dot] be"), not "]]"
MARK = re.compile(r"\[\[(?P<kind>[a-z]+)(?::(?P<value>(?:[^\]]|\](?!\]))+))?\]\]|\{\{(?P<prot>[^}]+)\}\}")


def _iban_check(country: str, bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(digits) % 97:02d}"


def make_iban(rng: random.Random) -> str:
    """A valid IBAN, mostly Belgian, in one of the notations people type."""
    country = rng.choices(["BE", "NL", "FR", "LU", "DE"], weights=[14, 3, 1, 1, 1])[0]
    while True:
        if country == "BE":
            base = f"{rng.randrange(1, 999):03d}{rng.randrange(10**7):07d}"
            check = int(base) % 97 or 97
            bban = f"{base}{check:02d}"
        elif country == "NL":
            bank = rng.choice(["ABNA", "RABO", "INGB", "TRIO", "SNSB"])
            bban = bank + f"{rng.randrange(10**9, 10**10)}"
        elif country == "FR":
            bban = f"{rng.randrange(10**9, 10**10)}{rng.randrange(10**10, 10**11)}{rng.randrange(10, 99)}"
        elif country == "LU":
            bban = f"{rng.randrange(100, 999)}{rng.randrange(10**12, 10**13)}"
        else:
            bban = f"{rng.randrange(10**17, 10**18)}"
        value = country + _iban_check(country, bban) + bban
        if std_iban.is_valid(value):
            break
    style = rng.choice(["groups", "groups", "groups", "compact", "lower-groups"])
    if style == "compact":
        return value
    grouped = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return grouped.lower() if style == "lower-groups" else grouped


def make_rrn(rng: random.Random) -> str:
    """A valid Belgian national register number in a common notation."""
    while True:
        year = rng.randrange(1940, 2007)
        yy, mm, dd = year % 100, rng.randrange(1, 13), rng.randrange(1, 29)
        serial = rng.randrange(1, 998)
        body = f"{yy:02d}{mm:02d}{dd:02d}{serial:03d}"
        base = int(("2" if year >= 2000 else "") + body)
        number = body + f"{97 - base % 97:02d}"
        if std_nn.is_valid(number):
            break
    a, b, c, d, e = number[0:2], number[2:4], number[4:6], number[6:9], number[9:11]
    return rng.choice([
        f"{a}.{b}.{c}-{d}.{e}",
        f"{a}.{b}.{c}-{d}.{e}",
        f"{a}{b}{c}{d}{e}",
        f"{a}{b}{c}-{d}-{e}",
        f"{a}{b}{c} {d} {e}",
        f"{a}.{b}.{c} {d}-{e}",
    ])


def parse_line(line: str, rng: random.Random) -> dict:
    text, pii, protected = [], [], []
    pos, out_len = 0, 0
    for m in MARK.finditer(line):
        text.append(line[pos:m.start()])
        out_len += m.start() - pos
        if m.group("prot"):
            value = m.group("prot")
            protected.append({"start": out_len, "end": out_len + len(value)})
        else:
            kind = m.group("kind")
            if kind not in KINDS:
                raise ValueError(f"unknown kind {kind!r} in: {line}")
            value = m.group("value")
            if value is None:
                value = {"iban": make_iban, "rrn": make_rrn}[kind](rng)
            pii.append({"start": out_len, "end": out_len + len(value), "kind": kind})
        text.append(value)
        out_len += len(value)
        pos = m.end()
    text.append(line[pos:])
    return {"text": "".join(text), "pii": pii, "protected": protected}


def build(src: Path, prefix: str, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for line in src.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        row = parse_line(line, rng)
        row = {"id": f"{prefix}-{len(rows) + 1:03d}", **row}
        for item in row["pii"]:
            value = row["text"][item["start"]:item["end"]]
            if item["kind"] == "iban":  # ISO 13616 mod-97; stdnum does not know every bank
                assert iban_check(value.replace(" ", "")), value
            if item["kind"] == "rrn":
                assert std_nn.is_valid(value), value
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that answers.jsonl is current")
    args = parser.parse_args()
    status = 0
    for (src_name, out_name), (prefix, seed) in zip(SETS.items(), SEEDS):
        rows = build(TESTSET / src_name, prefix, seed)
        out = TESTSET / out_name
        payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        if args.check:
            current = out.read_text(encoding="utf-8") if out.exists() else ""
            if current != payload:
                print(f"{out} is out of date; run {Path(__file__).name}", file=sys.stderr)
                status = 1
            continue
        out.write_text(payload, encoding="utf-8")
        counts: dict[str, int] = {}
        for r in rows:
            for item in r["pii"]:
                counts[item["kind"]] = counts.get(item["kind"], 0) + 1
        n_prot = sum(len(r["protected"]) for r in rows)
        print(f"{len(rows)} answers -> {out.relative_to(ROOT)}; PII {counts}; protected mentions {n_prot}")
    return status


if __name__ == "__main__":
    sys.exit(main())
