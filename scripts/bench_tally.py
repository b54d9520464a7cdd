"""Benchmark: ingest + tally of 1k, 10k and 100k synthetic respondents.

Each size runs in a fresh process so peak memory (max RSS) is its own.
Prints a table; copy it into the README. Target: 100k in < 30 s and < 2 GB.

    .venv/bin/python scripts/bench_tally.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SINGLE = [("voert_lmb", ["Ja", "Nee"]), ("budget", ["Gestegen", "Stabiel", "Gedaald"]),
          ("aandacht", ["Meer", "Evenveel", "Minder", "Nog onduidelijk"]),
          ("personeel", ["Stijging", "Gelijk", "Daling"]), ("intern", ["Ja", "Nee", "Weet niet"]),
          ("werkgroep", ["Ja", "Nee", "Weet niet"]), ("engagement", ["Ja", "Nee", "Weet niet"]),
          ("extern", ["Ja", "Nee", "Weet niet"])]
LIKERT = ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]
MULTI = {"kanalen": ["Website", "Infoblad", "Sociale media", "Nieuwsbrief"],
         "partners": ["NGO", "School", "Provincie", "Vereniging"]}
WORDS = ("stedenband wereldmarkt fairtrade sensibilisering scholen jeugd subsidie adviesraad "
         "klimaat water solidariteit project partner gemeente week duurzaam").split()


def schema_yaml() -> str:
    lines = ["survey: bench", "population: 300000", "id_column: ID", "unit_column: Gemeente", "questions:"]
    for qid, opts in SINGLE:
        lines.append(f"  - {{id: {qid}, column: 'Vraag {qid}', type: single, options: [{', '.join(opts)}]}}")
    for i in range(4):
        lines.append(f"  - {{id: stelling{i}, column: 'Stelling {i}', type: likert, "
                     f"options: [{', '.join(LIKERT)}], extra_options: [Niet van toepassing], "
                     f"exclude_from_base: [Niet van toepassing]}}")
    for qid, opts in MULTI.items():
        cols = ", ".join(f"'{o}': '{qid} - {o}'" for o in opts)
        lines.append(f"  - {{id: {qid}, type: multi, columns: {{{cols}}}}}")
    lines.append("  - {id: vte, column: 'VTE', type: numeric, min: 0, max: 100}")
    lines.append("  - {id: score, column: 'Score', type: numeric, min: 0, max: 5}")
    lines.append("  - {id: trots, column: 'Trots', type: open}")
    lines.append("  - {id: noden, column: 'Noden', type: open}")
    return "\n".join(lines) + "\n"


def write_export(path: Path, n: int, seed: int = 0) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from textmine.units import municipality_names

    rng = random.Random(seed)
    names = municipality_names()
    header = (["ID", "Gemeente"] + [f"Vraag {q}" for q, _ in SINGLE] + [f"Stelling {i}" for i in range(4)]
              + [f"{q} - {o}" for q, opts in MULTI.items() for o in opts] + ["VTE", "Score", "Trots", "Noden"])
    with open(path, "w", encoding="cp1252", newline="") as fh:
        fh.write(";".join(header) + "\r\n")
        for i in range(n):
            row = [f"R{i}", rng.choice(names)]
            row += [rng.choice(opts + [""]) for _, opts in SINGLE]
            row += [rng.choice(LIKERT + ["Niet van toepassing", ""]) for _ in range(4)]
            row += [o if rng.random() < 0.4 else "" for opts in MULTI.values() for o in opts]
            row += [f"{rng.random() * 2:.2f}".replace(".", ","), str(rng.randint(0, 5))]
            row += [" ".join(rng.choices(WORDS, k=rng.randint(3, 25))) if rng.random() < 0.8 else ""
                    for _ in range(2)]
            fh.write(";".join(row) + "\r\n")


def run_one(n: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from textmine.ingest import ingest
    from textmine.schema import Schema
    from textmine.store import Store
    from textmine.tally import tally
    import yaml

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        export = tmp / "export.csv"
        write_export(export, n)
        schema = Schema.from_dict(yaml.safe_load(schema_yaml()))
        t0 = time.perf_counter()
        report, _ = ingest(export, schema, tmp / "project", "1")
        t1 = time.perf_counter()
        with Store(tmp / "project") as store:
            res = tally(store)
        t2 = time.perf_counter()
        assert report.respondents == n and res[0]["respondents"] == n
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"respondents": n, "file_mb": export.stat().st_size / 1e6, "ingest_s": t1 - t0,
                "tally_s": t2 - t1, "total_s": t2 - t0, "peak_rss_mb": rss_mb}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="ingest + tally (CSV, 26 columns, 1 process)")
    for col in ("respondents", "export MB", "ingest s", "tally s", "total s", "peak RSS MB"):
        table.add_column(col, justify="right")
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True,
                             check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        table.add_row(f"{n:,}", f"{r['file_mb']:.1f}", f"{r['ingest_s']:.2f}", f"{r['tally_s']:.2f}",
                      f"{r['total_s']:.2f}", f"{r['peak_rss_mb']:.0f}")
    Console().print(table)


if __name__ == "__main__":
    main()
