"""Benchmark the whole demo flow (textmine.demo.run_demo) against its floor.

Sizes: ``demo`` is the bundled sample as ``textmine demo`` runs it (four exports, two
surveys); a number N scales the LMB sample exports (waves 2022 and 2025) up to about N open
answers: respondents are drawn with replacement from the synthetic sample, get new ids, and
each open answer is rebuilt from 1-3 sentences of the same question's answers (so texts are
new and the caches start empty).

Each size runs in a fresh process, timed from before ``import textmine.demo``, so the
figures include loading the Dutch pipeline, the embedder and UMAP's first fit (numba's
compiled code comes from its on-disk cache when scripts/setup.sh warmed it:
textmine/numba_cache.py); the peak memory (max RSS) is that size's own.

The FLOOR is the least any run must do with the same answers: in another fresh process,
load the Dutch pipeline and the embedder, clean every distinct open answer once and embed
each distinct cleaned text once (``floor_one``). The ratio demo / floor is what the flow
adds on top (coding, topics, report, catalogue, export, and any work done twice); both are
measured in the same run, pair by pair, so a busy machine slows both. ``--repeat R`` runs
each pair R times: the table shows each one's fastest run, and the ratio is the median of
the pairs' ratios (a pair shares the machine's load); CPU seconds (user + system) are shown too,
being less moved by other processes than wall time.

Prints a table with the time per stage, the floor and the ratio; copy it into
scripts/bench_end_to_end_results.md (and the README's figures).

    .venv/bin/python scripts/bench_end_to_end.py [--sizes demo 300 3000 30000] [--repeat 1]
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


def demo_waves(size: str, tmp_dir: Path) -> list[tuple[str, str, str, int | None]]:
    """The (survey, wave, export, population) list for ``size``: the demo's own, or scaled exports."""
    sys.path.insert(0, str(REPO))
    from textmine.demo import SAMPLE_WAVES

    if size == "demo":
        return [(s, w, str(SAMPLE / f), p) for s, w, f, p in SAMPLE_WAVES]
    waves = []
    for wave, seed in (("2022", 1), ("2025", 2)):
        export = tmp_dir / f"lmb_{wave}.csv"
        scaled_export(SAMPLE / f"lmb_{wave}_SYNTHETIC.csv", export, int(size) // 2, seed)
        # Many more respondents than municipalities: no finite population correction.
        waves.append(("lmb", wave, str(export), 10 ** 7))
    return waves


def run_one(waves_file: Path, out: Path) -> dict:
    """The demo flow in this (fresh) process, timed from its import."""
    t0 = time.perf_counter()
    sys.path.insert(0, str(REPO))
    from textmine.demo import run_demo

    waves = [tuple(w) for w in json.loads(waves_file.read_text())]
    result = run_demo(out, waves=waves)
    total = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stages = {"start-up (imports)": total - sum(result.timings.values()), **result.timings}
    return {"total_s": total, "cpu_s": _cpu(), "peak_mb": peak, "stages": stages}


def _cpu() -> float:
    """CPU seconds of this process so far (user + system): less moved by other processes."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def open_texts(project: Path) -> list[str]:
    """Every distinct open answer of the project, as the demo cleaned them."""
    sys.path.insert(0, str(REPO))
    from textmine.store import Store

    with Store(project) as store:
        surveys = sorted({w.survey for w in store.waves()})
        rows = [r for s in surveys for r in store.open_answers(s).to_dict("records")]
    return list(dict.fromkeys(r["text"] for r in rows))


def floor_one(texts_file: Path) -> dict:
    """Load the pipeline and the embedder, clean each text once, embed each cleaned text once."""
    t0 = time.perf_counter()
    sys.path.insert(0, str(REPO))
    from textmine.clean import component_config
    from textmine.config import NlpSettings
    from textmine.nlp import clean_answers
    from textmine.nlp.loader import load_pipeline

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    settings = NlpSettings()
    nlp, _ = load_pipeline(settings.pipeline, config=component_config(settings))
    cleaned = clean_answers(nlp, texts, batch_size=settings.batch_size)
    t1 = time.perf_counter()
    from textmine.embed import get_embedder

    embedder = get_embedder()
    to_embed = list(dict.fromkeys(c.normalized_text or t for c, t in zip(cleaned, texts) if t.strip()))
    vectors = embedder.encode(to_embed)
    t2 = time.perf_counter()
    return {"texts": len(texts), "embedded": int(vectors.shape[0]), "clean_s": t1 - t0,
            "embed_s": t2 - t1, "total_s": t2 - t0, "cpu_s": _cpu()}


def _child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(size: str, repeat: int) -> dict:
    """Demo and floor for one size, each in fresh processes, ``repeat`` times (fastest kept)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        waves_file = tmp_dir / "waves.json"
        waves_file.write_text(json.dumps(demo_waves(size, tmp_dir)))
        demos, floors = [], []
        for i in range(repeat):
            out = tmp_dir / f"out{i}"
            demos.append(_child("--one", str(waves_file), str(out)))
            if not floors:
                texts_file = tmp_dir / "texts.json"
                texts_file.write_text(json.dumps(open_texts(out / "project"), ensure_ascii=False), encoding="utf-8")
            floors.append(_child("--floor", str(texts_file)))
    from statistics import median

    demo = min(demos, key=lambda r: r["total_s"])
    floor = min(floors, key=lambda r: r["total_s"])
    # each pair ran back to back (the same load on the machine): the median of their ratios
    pairs = [d["total_s"] / f["total_s"] for d, f in zip(demos, floors)]
    return {"size": size, "answers": floor["texts"], "demo": demo, "floor": floor,
            "ratio": median(pairs), "pair_ratios": pairs,
            "cpu_ratio": median(d["cpu_s"] / f["cpu_s"] for d, f in zip(demos, floors)),
            "all_demo_s": [d["total_s"] for d in demos], "all_floor_s": [f["total_s"] for f in floors]}


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 1 else f"{value:.1f} s"


def table(results: list[dict]) -> str:
    stages = list(dict.fromkeys(s for r in results for s in r["demo"]["stages"]))
    header = ["stage"] + [f"{r['size']}: {r['answers']:,} answers" for r in results]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in stages:
        lines.append("| " + " | ".join([s] + [_seconds(r["demo"]["stages"].get(s, 0)) for r in results]) + " |")
    lines.append("| **demo total** | " + " | ".join(f"**{r['demo']['total_s']:.1f} s**" for r in results) + " |")
    lines.append("| peak memory | " + " | ".join(f"{r['demo']['peak_mb']:,.0f} MB" for r in results) + " |")
    lines.append("| floor: load pipeline + clean each answer once | "
                 + " | ".join(_seconds(r["floor"]["clean_s"]) for r in results) + " |")
    lines.append("| floor: load embedder + embed each answer once | "
                 + " | ".join(_seconds(r["floor"]["embed_s"]) for r in results) + " |")
    lines.append("| **floor total** | " + " | ".join(f"**{r['floor']['total_s']:.1f} s**" for r in results) + " |")
    lines.append("| **demo / floor** (median of the runs' pairs) | "
                 + " | ".join(f"**{r['ratio']:.2f}x**" + (f" ({', '.join(f'{x:.2f}' for x in r['pair_ratios'])})"
                                                          if len(r["pair_ratios"]) > 1 else "")
                              for r in results) + " |")
    lines.append("| CPU seconds: demo / floor | " + " | ".join(
        f"{r['demo']['cpu_s']:.1f} / {r['floor']['cpu_s']:.1f} s = {r['cpu_ratio']:.2f}x" for r in results) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["demo", "300", "3000", "30000"],
                        help="'demo' (the bundled sample) and/or numbers of open answers")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the fastest is kept")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--one", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return
    if args.floor:
        print(json.dumps(floor_one(args.floor)))
        return
    for size in args.sizes:
        if size != "demo" and not size.isdigit():
            parser.error(f"a size is 'demo' or a number, not '{size}'")
    results = [measure(size, max(1, args.repeat)) for size in args.sizes]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
