"""How much ordinary text the pattern redactor takes: spans and words redacted per kind.

Reads ordinary answers that should hold no personal data (every text cell of at least four
words in the bundled synthetic sample exports) and, when present, the real Dutch parliamentary
questions in ../shared/data/real_texts (``question`` column). Runs ``find_pattern_pii`` (the
pattern kinds: e-mail, social, IBAN, register number, phone, address, plate; no names, which
need the pipeline) and prints, per corpus and kind, the spans and words redacted, with the
spans themselves under ``--show``. Run it before and after a pattern change:

    PYTHONPATH=. .venv/bin/python scripts/measure_pii_overredaction.py [--show]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# ../shared beside the main checkout (a worktree sits one folder deeper)
CHAMBER = next((p for p in (base / "shared" / "data" / "real_texts" / "chamber_questions_2017_dev.csv"
                            for base in (REPO.parent, REPO.parent.parent)) if p.exists()),
               REPO.parent / "shared" / "data" / "real_texts" / "chamber_questions_2017_dev.csv")


def sample_texts() -> list[str]:
    """Every cell of at least four words in the sample exports (answers, functions, units)."""
    out: list[str] = []
    for path in sorted((REPO / "data" / "sample").glob("*_SYNTHETIC.csv")):
        if path.name.startswith("gold"):
            continue
        with path.open(encoding="cp1252", newline="") as fh:
            for row in csv.reader(fh, delimiter=";"):
                out += [cell for cell in row if len(cell.split()) >= 4]
    return out


def chamber_texts() -> list[str]:
    if not CHAMBER.exists():
        return []
    csv.field_size_limit(10**7)
    with CHAMBER.open(encoding="utf-8", newline="") as fh:
        return [r["question"] for r in csv.DictReader(fh) if r.get("question")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every redacted span")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from textmine.nlp.pii import find_pattern_pii

    print("| corpus | texts | words | kind | spans | words redacted |")
    print("|---|---:|---:|---|---:|---:|")
    for name, texts in (("sample answers", sample_texts()), ("Chamber questions (real)", chamber_texts())):
        if not texts:
            continue
        words = sum(len(t.split()) for t in texts)
        spans: Counter[str] = Counter()
        redacted: Counter[str] = Counter()
        for text in texts:
            for start, end, kind in find_pattern_pii(text):
                spans[kind] += 1
                redacted[kind] += len(text[start:end].split())
                if args.show:
                    print(f"  {name} {kind}: {text[max(0, start - 30):start]}[[{text[start:end]}]]"
                          f"{text[end:end + 30]}".replace("\n", " "), file=sys.stderr)
        for kind in sorted(spans) or ["(none)"]:
            print(f"| {name} | {len(texts)} | {words} | {kind} | {spans[kind]} | {redacted[kind]} |")


if __name__ == "__main__":
    main()
