"""Benchmark the cleaning stage: textmine's cleaning vs bare ``nlp.pipe`` on the same pipeline.

For each size (answers): bare ``nlp.pipe`` over the texts, then ``clean_project``
on a fresh project holding the same texts (cache empty), then the re-run (all
cached). Each size runs in its own process so peak memory is its own.
Targets: textmine/bare time ratio <= 1.2; re-run >= 10x faster than the first run.

    .venv/bin/python scripts/bench_clean.py [--sizes 1000 10000 100000] [--pipeline NAME]
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

REPO = Path(__file__).resolve().parent.parent


def answer_texts(n: int, seed: int = 0) -> list[str]:
    """Unique answer-like texts: sentences of the synthetic sample's answers recombined."""
    import re

    import pandas as pd

    frames = [pd.read_csv(REPO / "data" / "sample" / f, sep=";", encoding="cp1252", dtype=str)
              for f in ("lmb_2025_SYNTHETIC.csv", "sdg_2025_SYNTHETIC.csv")]
    sentences = sorted({s.strip() for f in frames for col in f.columns[-4:] for t in f[col].dropna()
                        for s in re.split(r"(?<=[.!?])\s+", t) if len(s.strip()) > 15})
    rng = random.Random(seed)
    return [" ".join(rng.sample(sentences, rng.randint(1, 3))) + f" ({i})" for i in range(n)]


def run_one(n: int, pipeline: str | None) -> dict:
    sys.path.insert(0, str(REPO))
    from textmine.clean import clean_project, component_config
    from textmine.config import NlpSettings
    from textmine.ingest import ingest
    from textmine.nlp import load_pipeline
    from textmine.schema import Schema
    from textmine.store import Store

    texts = answer_texts(n)
    settings = NlpSettings(pipeline=pipeline)
    t0 = time.perf_counter()
    nlp, info = load_pipeline(pipeline, config=component_config(settings))
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=settings.batch_size):
        pass
    bare = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "e.csv"
        with export.open("w", encoding="utf-8", newline="") as fh:
            fh.write("id;antwoord\n")
            for i, t in enumerate(texts):
                fh.write(f'{i};"{t.replace(chr(34), chr(34) * 2)}"\n')
        schema = Schema.from_dict({"survey": "b", "id_column": "id",
                                   "questions": [{"id": "q", "column": "antwoord", "type": "open"}]})
        ingest(export, schema, Path(tmp) / "p", "1")
        with Store(Path(tmp) / "p") as store:
            t0 = time.perf_counter()
            first = clean_project(store, settings=settings, pipeline=(nlp, info))
            textmine_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = clean_project(store, settings=settings)
            cached_s = time.perf_counter() - t0
    assert first.processed == n and again.processed == 0
    return {"answers": n, "pipeline": f"{info.name.split('/')[-1]}", "load_s": load_s, "bare_s": bare,
            "textmine_s": textmine_s, "cached_s": cached_s,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--pipeline", default=None, help="pipeline name or path (default: best available)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.pipeline)))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="cleaning: textmine vs bare nlp.pipe, same pipeline, 1 process")
    for col in ("answers", "pipeline", "load s", "bare s", "textmine s", "answers/s", "ratio", "re-run s",
                "speed-up", "peak MB"):
        table.add_column(col, justify="right")
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n)] + (["--pipeline", args.pipeline] if args.pipeline else [])
        r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        table.add_row(f"{n:,}", r["pipeline"], f"{r['load_s']:.1f}", f"{r['bare_s']:.1f}", f"{r['textmine_s']:.1f}",
                      f"{n / r['textmine_s']:.0f}", f"{r['textmine_s'] / r['bare_s']:.2f}", f"{r['cached_s']:.2f}",
                      f"{r['textmine_s'] / r['cached_s']:.0f}x", f"{r['peak_rss_mb']:.0f}")
    Console().print(table)


if __name__ == "__main__":
    main()
