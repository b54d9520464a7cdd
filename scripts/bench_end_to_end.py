"""Benchmark the whole demo flow (textmine.demo.run_demo) at 300, 3,000 and 30,000 open answers.

The LMB sample exports (waves 2022 and 2025) are scaled up: respondents are drawn
with replacement from the synthetic sample, get new ids, and each open answer is
rebuilt from 1-3 sentences of the same question's answers (so texts are new and
the caches start empty). Each size runs in a fresh process, so the figures
include loading the Dutch pipeline, the embedder and the first-fit compile, and
the peak memory (max RSS) is that size's own.

Prints a table with the time per stage; copy it into the README.

    .venv/bin/python scripts/bench_end_to_end.py [--sizes 300 3000 30000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"


def scaled_export(source: Path, target: Path, open_answers: int, seed: int) -> int:
    """Write an export like ``source`` holding about ``open_answers`` open answers; return that count."""
    import pandas as pd

    from textmine.schema import load_schema

    schema = load_schema(REPO / "data" / "schemas" / "lmb.yaml")
    open_cols = [q.column for q in schema.questions if q.type == "open"]
    frame = pd.read_csv(source, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    pools = {c: sorted({s.strip() for t in frame[c] if t.strip()
                        for s in re.split(r"(?<=[.!?])\s+", t) if len(s.strip()) > 10}) for c in open_cols}
    per_row = sum((frame[c].str.strip() != "").sum() for c in open_cols) / len(frame)
    rng = random.Random(seed)
    rows = frame.iloc[[rng.randrange(len(frame)) for _ in range(max(1, round(open_answers / per_row)))]].copy()
    rows["Respondent ID"] = [f"B{seed}-{i}" for i in range(len(rows))]
    count = 0
    for c in open_cols:
        texts = []
        for t in rows[c]:
            if t.strip():
                count += 1
                texts.append(" ".join(rng.sample(pools[c], min(len(pools[c]), rng.randint(1, 3)))) + f" ({count})")
            else:
                texts.append("")
        rows[c] = texts
    rows.to_csv(target, sep=";", encoding="cp1252", index=False, errors="replace")
    return count


def run_one(n: int) -> dict:
    sys.path.insert(0, str(REPO))
    from textmine.demo import run_demo

    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        waves, answers = [], 0
        for wave, seed in (("2022", 1), ("2025", 2)):
            export = tmp_dir / f"lmb_{wave}.csv"
            answers += scaled_export(SAMPLE / f"lmb_{wave}_SYNTHETIC.csv", export, n // 2, seed)
            # Many more respondents than municipalities: no finite population correction.
            waves.append(("lmb", wave, export, 10 ** 7))
        t0 = time.perf_counter()
        result = run_demo(tmp_dir / "out", waves=waves)
        total = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"answers": answers, "total_s": total, "peak_mb": peak, "stages": result.timings}


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 1 else f"{value:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000, 30000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    results = []
    for n in args.sizes:
        proc = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True)
        if proc.returncode:
            sys.exit(f"size {n} failed:\n{proc.stderr[-3000:]}")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    stages = list(dict.fromkeys(s for r in results for s in r["stages"]))
    header = ["stage"] + [f"{r['answers']:,} answers" for r in results]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in stages:
        lines.append("| " + " | ".join([s] + [_seconds(r["stages"].get(s, 0)) for r in results]) + " |")
    lines.append("| **total** | " + " | ".join(f"**{r['total_s']:.1f} s**" for r in results) + " |")
    lines.append("| peak memory | " + " | ".join(f"{r['peak_mb']:,.0f} MB" for r in results) + " |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
