"""Effort, measured: how many human codes before the machine may code the rest on its own.

A simulated coder works through real labelled answers the way staff work in the workbench:
the project starts from the codebook alone; the coder codes 10 answers at a time, in the
queue's order (``textmine.queue.queue_order``, order "uncertain": the machine's least certain
answers first, the question's audit sample last, answers the gate auto-coded left out) or, for
comparison, in random order (any answer not coded by hand); after
each batch the coder the product uses (``textmine.coding.default_coder_factory``) is trained
again on the human codes so far, and the product's gate (``textmine.gate.AutoGate``, target
precision 0.9) is fit as the product fits it: on the coder's honest (out-of-fold) scores of
the human-coded answers (``honest_scores_``), the themes it gives them from those scores and
their human codes -- never on the truth of the answers still to code -- and judges the rest
on their cross-fit scores (``cross_fit_proba``), as a coding run does. Measured after each batch, on the answers not yet coded by hand
(the "rest"):

* auto share: the share of the rest the gate marks ``auto``;
* real precision of those: the share of their machine codes that the truth confirms
  (micro precision over (answer, theme) codes);
* alpha: Krippendorff's alpha machine vs truth on the rest, pooled over every (answer, theme)
  presence/absence decision -- ``textmine.agreement.trust_table``'s ``alpha_audit``, with the
  truth of the rest entered as a random audit sample's codes.

Data (``--data``):

* ``chamber``: written questions of the Belgian federal Chamber, 2017 dev file
  (../shared/data/real_texts/chamber_questions_2017_dev.csv), titles only (about six words,
  like a short survey answer), as scripts/eval_coding.py reads it: 18 main themes, the codebook
  their bare names (``bare_codebook``); one theme per text, so the simulated coder gives the
  main theme only and a second machine code counts as wrong.
* ``lmb_trots``, ``sdg_trots``, ...: the synthetic sample's open questions (both waves) with
  their gold themes (data/sample/gold_themes_SYNTHETIC.csv) and the shipped codebook
  data/codebooks/<survey>_<question>.yaml. Answers the cleaner flags as non-answers are left
  out (the queue never shows them and they are never auto).

Seeds: each seed's project holds a random ``--share`` (0.8) of the data's answers in a random
stored order (the queue breaks ties on it) and has its own random order, so the two orders
are compared on the same answers. Answers are cleaned (lemmas) and embedded once per run.

    PYTHONPATH=. .venv/bin/python scripts/eval_effort.py            # full run, writes the results
    PYTHONPATH=. .venv/bin/python scripts/eval_effort.py --quick    # 1 seed, fewer labels, prints only

Writes scripts/eval_effort_results.md (table) and scripts/eval_effort.png (plot) unless
``--no-write``; ``--quick`` never writes them.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textmine.codebook import Codebook, load_codebook  # noqa: E402
from textmine.coders import Answer, bare_codebook  # noqa: E402
from textmine.coders.base import encode  # noqa: E402
from textmine.coders.thresholds import codes_to_indicator  # noqa: E402
from textmine.coding import default_coder_factory, honest_themes  # noqa: E402

CHAMBER = Path("/work/shared/data/real_texts/chamber_questions_2017_dev.csv")
SAMPLE = REPO / "data" / "sample"
CODEBOOKS = REPO / "data" / "codebooks"
SCHEMAS = REPO / "data" / "schemas"
OUT_MD = REPO / "scripts" / "eval_effort_results.md"
OUT_PNG = REPO / "scripts" / "eval_effort.png"
BATCH = 10           # answers a coder codes between two retrainings
TARGET = 0.9         # the bar for the real precision: the product gate's target (AutoGate default)
AUTO_GOAL = 0.5      # the share of the rest auto-coded that the headline figure asks for
ORDERS = ("uncertain", "random")
DATASETS = ("chamber", "lmb_trots", "sdg_trots")
MAX_LABELS = {"chamber": 400}  # others: every answer of the question (the sample is small)
SHOWN_AT = (0, 10, 20, 30, 50, 80, 100, 150, 200, 250, 300, 400)

warnings.filterwarnings("ignore", category=UserWarning)
warnings.filterwarnings("ignore", category=FutureWarning)


def log(*a: object) -> None:
    print(*a, file=sys.stderr, flush=True)


# --- data ------------------------------------------------------------------------------------------

@dataclass
class Pool:
    """A data set as the simulation takes it: answers (with lemmas and vectors), their true
    themes (n x k, 0/1, codebook order), the codebook and the embedder that made the vectors."""

    name: str
    answers: list[Answer]
    truth: np.ndarray
    codebook: Codebook
    embedder: object

    def __len__(self) -> int:
        return len(self.answers)


def _nlp():
    """The product's cleaning pipeline (lemmas, non-answer flags), or None where it is missing."""
    try:
        from textmine.nlp import clean_answers, load_pipeline
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nlp, _ = load_pipeline()
        return nlp, clean_answers
    except Exception as exc:  # pragma: no cover - the shipped pipeline is in the repo
        log(f"textmine.nlp unavailable ({exc}): lowercase word split for lemmas")
        return None


def _answers(texts: list[str], nlp, embedder) -> tuple[list[Answer], np.ndarray]:
    """Cleaned answers with their vectors (encoded once), and the cleaner's non-answer flags."""
    if nlp is None:
        cleaned = [Answer(t) for t in texts]
        flags = np.zeros(len(texts), bool)
    else:
        pipe, clean = nlp
        out = clean(pipe, texts)
        cleaned = [Answer(c.normalized_text or t, tuple(c.lemmas)) for c, t in zip(out, texts)]
        flags = np.array(["non_answer" in c.flags for c in out], bool)
    V = encode(embedder, [a.text for a in cleaned])
    return [Answer(a.text, a.lemmas, v, False) for a, v in zip(cleaned, V)], flags


def load_chamber(nlp, embedder, limit: int | None = None) -> Pool:
    """The Chamber titles, 18 main themes, a bare codebook of their names (scripts/eval_coding.py)."""
    d = pd.read_csv(CHAMBER)
    if limit:
        d = d.iloc[:limit]
    labels = sorted(d.question_theme_main.unique())
    codebook = bare_codebook([lab.capitalize() for lab in labels])
    y = np.array([labels.index(v) for v in d.question_theme_main])
    answers, _ = _answers(list(d.title), nlp, embedder)
    return Pool("chamber", answers, np.eye(len(labels), dtype=int)[y], codebook, embedder)


def load_sample(name: str, nlp, embedder) -> Pool:
    """One open question of the synthetic sample (``<survey>_<question>``), both waves, with its
    gold themes and shipped codebook; the cleaner's non-answers left out."""
    from textmine.schema import header_key, load_schema

    survey, question = name.split("_", 1)
    schema = load_schema(SCHEMAS / f"{survey}.yaml")
    codebook = load_codebook(CODEBOOKS / f"{name}.yaml")
    col, id_col = header_key(schema.question(question).column), header_key(schema.id_column)
    gold = pd.read_csv(SAMPLE / "gold_themes_SYNTHETIC.csv", dtype=str)
    gold = gold[(gold.survey == survey) & (gold.question == question)]
    themes = gold.groupby(["wave", "respondent_id"]).theme.apply(list).to_dict()
    texts, keys = [], []
    for wave in ("2022", "2025"):
        d = pd.read_csv(SAMPLE / f"{survey}_{wave}_SYNTHETIC.csv", sep=";", encoding="cp1252", dtype=str,
                        keep_default_na=False)
        d.columns = [header_key(c) for c in d.columns]
        for rid, text in zip(d[id_col], d[col]):
            if text.strip():
                texts.append(text)
                keys.append((wave, rid))
    answers, flags = _answers(texts, nlp, embedder)
    truth = codes_to_indicator([themes.get(k, []) for k in keys], codebook.ids)
    keep = np.flatnonzero(~flags)
    return Pool(name, [answers[i] for i in keep], truth[keep], codebook, embedder)


def cached_embedder(backend: str | None = None):
    """The product's embedder behind an in-memory cache, as a project keeps vectors in its store
    (``CachedEmbedder``): codebook texts are embedded once per run, not at every retraining."""
    from textmine.embed import CachedEmbedder, MemoryCache, get_embedder

    return CachedEmbedder(get_embedder(backend), MemoryCache())


def load(name: str, nlp, embedder) -> Pool:
    """A data set by name (``DATASETS``, or any ``<survey>_<question>`` of the sample)."""
    return load_chamber(nlp, embedder) if name == "chamber" else load_sample(name, nlp, embedder)


# --- the simulation --------------------------------------------------------------------------------

STEP_COLUMNS = ["data", "order", "seed", "labels", "rest", "auto", "auto_share", "auto_codes",
                "auto_precision", "alpha", "gate_themes", "needed", "seconds"]


def _queue_next(S: np.ndarray, thresholds: np.ndarray, ids: list[str], open_: np.ndarray, auto: np.ndarray,
                rids: list[str], k: int) -> list[int]:
    """The next ``k`` answers of the product's queue (order "uncertain"), as positions (fewer when
    the queue holds fewer). ``S``: the machine's scores of every answer of the project, ``open_``:
    no human code yet, ``auto``: auto-coded by the gate (not in the queue)."""
    from textmine.queue import queue_order

    n = len(rids)
    states = pd.DataFrame({"survey": "sim", "question": "q", "wave": "w", "respondent_id": rids,
                           "non_answer": 0, "human": ~open_})
    codes = pd.DataFrame({"wave": "w", "respondent_id": np.repeat(rids, len(ids)),
                          "theme": np.tile(ids, n), "score": S.ravel(), "source": "machine"})
    order = queue_order(states, codes, dict(zip(ids, map(float, thresholds))), "uncertain",
                        auto=[("w", rids[i]) for i in np.flatnonzero(auto)])
    at = {r: i for i, r in enumerate(rids)}
    return [at[r] for _, r in order[:k]]


def rest_alpha(T: np.ndarray, P: np.ndarray, codebook: Codebook) -> float:
    """Krippendorff's alpha machine (``P``) vs truth (``T``) on the rest, as the product's trust
    table computes it: the truth entered as the audit sample's human codes, ``alpha_audit`` of the
    pooled row (``textmine.agreement.trust_table``)."""
    from textmine.agreement import ALL_THEMES, trust_table

    n, k = T.shape
    if not n:
        return float("nan")
    rids = np.repeat([f"{i:06d}" for i in range(n)], k)
    theme = np.tile(codebook.ids, n)
    common = {"wave": "w", "respondent_id": rids, "theme": theme, "score": np.nan}
    human = pd.DataFrame({**common, "applies": T.ravel().astype(bool), "source": "human", "coder": "truth",
                          "audit": 1})
    machine = pd.DataFrame({**common, "applies": P.ravel().astype(bool), "source": "machine", "coder": None,
                            "audit": 0})
    codes = pd.concat([human, machine], ignore_index=True)
    codes["code_id"] = np.arange(len(codes))
    table = trust_table(codes, codebook)
    return float(table.loc[table.theme == ALL_THEMES, "alpha_audit"].iloc[0])


def simulate(pool: Pool, order: str, seed: int, max_labels: int | None = None, share: float = 0.8,
             batch: int = BATCH) -> pd.DataFrame:
    """One simulated project (module doc): a row per batch (``STEP_COLUMNS``), the first at 0
    labels (the codebook alone), then one more every ``batch`` human codes up to ``max_labels``
    (default: until fewer than ``batch`` answers are left). ``attrs["labelled"]``: the answers
    coded by hand (positions in ``pool``), in the order they were coded."""
    from textmine.gate import AUTO, AutoGate

    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    rng = np.random.default_rng(seed)
    n_all = len(pool)
    take = max(batch + 1, int(round(share * n_all)))
    idx = np.sort(rng.choice(n_all, min(take, n_all), replace=False))
    idx = idx[rng.permutation(len(idx))]  # the project's stored order
    A = [pool.answers[i] for i in idx]
    T = pool.truth[idx]
    n = len(A)
    random_order = rng.permutation(n)
    rids = [f"{i:06d}" for i in range(n)]
    ids = pool.codebook.ids
    limit = n - batch if max_labels is None else min(max_labels, n - batch)
    labelled: list[int] = []
    rows = []
    while True:
        t0 = time.perf_counter()
        open_ = np.ones(n, bool)
        open_[labelled] = False
        rest = np.flatnonzero(open_)
        coder = default_coder_factory(pool.codebook, pool.embedder)
        if labelled:
            coder.fit([A[i] for i in labelled], T[labelled])
        else:
            coder.fit(A)  # the codebook alone, as a project's first run
        S, codes = coder.score_and_code([A[i] for i in rest])
        P = codes_to_indicator(codes, ids)
        # the gate as the product fits it (textmine.coding.fit_gate): the human codes with the coder's
        # honest (out-of-fold) scores of them; no audit sample here (the simulated coder never codes it)
        honest = getattr(coder, "honest_scores_", None)
        if honest is None or np.shape(honest) != (len(labelled), len(ids)):
            honest = np.full((len(labelled), len(ids)), np.nan)
        gate = AutoGate(theme_ids=ids).fit(T[labelled].reshape(-1, len(ids)), honest,
                                           honest_themes(coder, [A[i] for i in labelled], honest))
        # judged on the cross-fit scores, as the product's coding run does (textmine.gate)
        auto = gate.status(coder.cross_fit_proba([A[i] for i in rest]), P, np.zeros(len(rest), bool)) == AUTO
        Pa, Ta = P[auto], T[rest][auto]
        codes_auto = int(Pa.sum())
        rows.append({"data": pool.name, "order": order, "seed": seed, "labels": len(labelled), "rest": len(rest),
                     "auto": int(auto.sum()), "auto_share": float(auto.mean()) if len(rest) else 0.0,
                     "auto_codes": codes_auto,
                     "auto_precision": float((Pa & Ta).sum() / codes_auto) if codes_auto else float("nan"),
                     "alpha": rest_alpha(T[rest], P, pool.codebook),
                     "gate_themes": int(np.isfinite(gate.thresholds_).sum()), "needed": int(gate.needed_),
                     "seconds": 0.0})
        if len(labelled) + batch > limit:
            rows[-1]["seconds"] = time.perf_counter() - t0
            break
        if order == "uncertain":
            Sall = np.zeros((n, len(ids)))
            Sall[rest] = S  # coded answers have scores too in the product, but the queue skips them
            auto_all = np.zeros(n, bool)
            auto_all[rest] = auto
            nxt = _queue_next(Sall, coder.thresholds_, ids, open_, auto_all, rids, batch)
        else:
            nxt = [int(i) for i in random_order if open_[i]][:batch]
        rows[-1]["seconds"] = time.perf_counter() - t0
        if len(nxt) < batch:  # the queue is (nearly) empty: the rest is auto-coded
            break
        labelled += nxt
        log(f"  {pool.name} {order} seed {seed}: {rows[-1]['labels']:4d} labels, auto "
            f"{rows[-1]['auto_share']:.2f} at precision {rows[-1]['auto_precision']:.2f}, "
            f"alpha {rows[-1]['alpha']:.2f} ({rows[-1]['seconds']:.1f}s)")
    out = pd.DataFrame(rows, columns=STEP_COLUMNS)
    out.attrs["labelled"] = [int(idx[i]) for i in labelled]  # the pool's answers, in the order coded
    return out


_POOLS: dict[str, Pool] = {}  # loaded data sets, by name: forked workers find them here


def _run(name: str, order: str, seed: int, max_labels: int | None, share: float) -> pd.DataFrame:
    return simulate(_POOLS[name], order, seed, max_labels, share)


def labels_to_goal(run: pd.DataFrame, goal: float = AUTO_GOAL, target: float = TARGET) -> tuple[float, float]:
    """(first, held): the fewest labels at which at least ``goal`` of the rest is auto-coded at a
    real precision >= ``target``, and the fewest from which that holds at every later step of the
    run; NaN when never (resp. not at the run's last step)."""
    run = run.sort_values("labels")
    ok = (run.auto_share >= goal) & (run.auto_precision >= target)
    first = float(run.labels[ok].iloc[0]) if ok.any() else float("nan")
    if not ok.iloc[-1]:
        return first, float("nan")
    bad = np.flatnonzero(~ok.to_numpy())
    held = float(run.labels.iloc[bad[-1] + 1]) if len(bad) else float(run.labels.iloc[0])
    return first, held


# --- output ------------------------------------------------------------------------------------------

def _f(v: float, digits: int = 2) -> str:
    return "–" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"


def curve_table(df: pd.DataFrame, shown: tuple[int, ...] = SHOWN_AT) -> str:
    """Markdown: per data set and order, at selected label counts, the mean over seeds
    (min-max in brackets for the auto share) of the auto share, its real precision and alpha."""
    lines = ["| data | order | labels | rest | auto share (min-max) | real precision of auto | "
             "alpha machine vs truth | themes with an auto threshold |",
             "|---|---|---|---|---|---|---|---|"]
    for (data, order), g in df.groupby(["data", "order"], sort=False):
        last = int(g.labels.max())
        for n in sorted({x for x in shown if x <= last} | {last}):
            s = g[g.labels == n]
            if s.empty:
                continue
            lines.append(f"| {data} | {order} | {n} | {s.rest.mean():.0f} | {_f(s.auto_share.mean())} "
                         f"({_f(s.auto_share.min())}-{_f(s.auto_share.max())}) | "
                         f"{_f(s.auto_precision.mean())} | {_f(s.alpha.mean())} | {s.gate_themes.mean():.1f} |")
    return "\n".join(lines)


def goal_table(df: pd.DataFrame) -> str:
    """Markdown: per data set, order and seed the labels after which half the rest is auto-coded
    at real precision >= 0.9 (first reached, and held from then on)."""
    lines = [f"| data | order | seed | answers | labels: first {AUTO_GOAL:.0%} auto at real precision >= {TARGET} | "
             "held to the end from | labels in the run |", "|---|---|---|---|---|---|---|"]
    for (data, order, seed), g in df.groupby(["data", "order", "seed"], sort=False):
        first, held = labels_to_goal(g)
        total = int(g.labels.iloc[0] + g.rest.iloc[0])
        lines.append(f"| {data} | {order} | {seed} | {total} | {_f(first, 0) if np.isfinite(first) else 'not reached'} | "
                     f"{_f(held, 0) if np.isfinite(held) else '–'} | {int(g.labels.max())} |")
    return "\n".join(lines)


BANDS = ((1, 100), (101, 200), (201, 400), (401, 10**6))


def pooled_table(df: pd.DataFrame) -> str:
    """Markdown: per data set, order and band of label counts, the auto-coded answers summed over
    steps and seeds and the real precision of their codes pooled (a step with few auto answers
    weighs little, unlike in the mean of per-step precisions)."""
    lines = ["| data | order | labels | auto-coded answers (all steps and seeds) | codes | real precision, pooled | "
             "steps below 0.9 / steps with auto answers |", "|---|---|---|---|---|---|---|"]
    d = df.assign(tp=df.auto_precision.fillna(0) * df.auto_codes)
    for (data, order), g in d.groupby(["data", "order"], sort=False):
        for lo, hi in BANDS:
            s = g[(g.labels >= lo) & (g.labels <= hi)]
            if s.empty:
                continue
            codes = int(s.auto_codes.sum())
            lines.append(f"| {data} | {order} | {lo}-{min(hi, int(s.labels.max()))} | {int(s.auto.sum())} | {codes} | "
                         f"{_f(s.tp.sum() / codes) if codes else '–'} | "
                         f"{int((s.auto_precision < TARGET).sum())} / {int(s.auto_precision.notna().sum())} |")
    return "\n".join(lines)


def plot(df: pd.DataFrame, path: Path) -> None:
    """Per data set: (a) auto share and its real precision, (b) alpha, against the labels; the
    mean over seeds, each seed thin."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datas = list(dict.fromkeys(df.data))
    fig, axes = plt.subplots(len(datas), 2, figsize=(11, 3.6 * len(datas)), squeeze=False)
    colours = {"uncertain": "tab:blue", "random": "tab:orange"}
    for r, data in enumerate(datas):
        a, b = axes[r]
        for order in ORDERS:
            g = df[(df.data == data) & (df.order == order)]
            if g.empty:
                continue
            m = g.groupby("labels")[["auto_share", "auto_precision", "alpha"]].mean()
            c = colours[order]
            for _, s in g.groupby("seed"):
                a.plot(s.labels, s.auto_share, color=c, lw=0.5, alpha=0.35)
                b.plot(s.labels, s.alpha, color=c, lw=0.5, alpha=0.35)
            a.plot(m.index, m.auto_share, color=c, lw=2, label=f"auto share, {order}")
            a.plot(m.index, m.auto_precision, color=c, lw=1.5, ls="--", label=f"real precision of auto, {order}")
            b.plot(m.index, m.alpha, color=c, lw=2, label=order)
        a.axhline(TARGET, color="grey", lw=0.8, ls=":")
        a.axhline(AUTO_GOAL, color="grey", lw=0.8, ls=":")
        b.axhline(0.8, color="grey", lw=0.8, ls=":")
        b.axhline(0.667, color="grey", lw=0.8, ls=":")
        a.set_ylim(-0.02, 1.02)
        low = df.loc[df.data == data, "alpha"].min()
        b.set_ylim(min(0.0, low - 0.05) if np.isfinite(low) else 0.0, 1.02)
        a.set_title(f"{data}: share of the rest auto-coded, and its real precision")
        b.set_title(f"{data}: alpha machine vs truth on the rest")
        for ax in (a, b):
            ax.set_xlabel("human labels")
            ax.grid(alpha=0.3)
        a.legend(fontsize=7, loc="center right")
        b.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="+", default=list(DATASETS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    ap.add_argument("--orders", nargs="+", default=list(ORDERS), choices=ORDERS)
    ap.add_argument("--max-labels", type=int, default=None,
                    help=f"labels per run at most (default: {MAX_LABELS}, others every answer)")
    ap.add_argument("--share", type=float, default=0.8, help="share of a data set's answers in a seed's project")
    ap.add_argument("--backend", default=None, help="embedding backend (default: the product's)")
    ap.add_argument("--quick", action="store_true", help="seed 0, at most 100 labels; prints, writes nothing")
    ap.add_argument("--jobs", type=int, default=1, help="runs at once (forked processes)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--render", action="store_true",
                    help="only write the table and plot again from scripts/eval_effort_results.csv")
    args = ap.parse_args(argv)
    if args.render:  # the table and plot again from a run's CSV, nothing simulated
        df = pd.read_csv(OUT_MD.with_suffix(".csv"))
        head = OUT_MD.read_text(encoding="utf-8").split("\n")[2]
        write(df, head)
        return
    if args.quick:
        args.seeds, args.no_write = args.seeds[:1], True
        args.max_labels = args.max_labels or 100
    started = time.time()
    nlp = _nlp()
    embedder = cached_embedder(args.backend)
    tasks = []
    for name in args.data:
        t0 = time.time()
        pool = load(name, nlp, embedder)
        default_coder_factory(pool.codebook, embedder).fit(pool.answers[:50])  # codebook texts into the cache
        _POOLS[name] = pool
        log(f"{name}: {len(pool)} answers, {len(pool.codebook)} themes, cleaned and embedded in "
            f"{time.time() - t0:.0f}s")
        tasks += [(name, order, seed, args.max_labels or MAX_LABELS.get(name), args.share)
                  for seed in args.seeds for order in args.orders]
    if args.jobs > 1:
        import multiprocessing
        # forked workers share the loaded pools (answers, vectors, embedding cache) with this process
        with multiprocessing.get_context("fork").Pool(args.jobs) as workers:
            runs = workers.starmap(_run, tasks, chunksize=1)
    else:
        runs = [_run(*t) for t in tasks]
    df = pd.concat(runs, ignore_index=True)
    seconds = time.time() - started
    emb_key = getattr(embedder, "key", None) or type(embedder).__name__
    head = (f"{len(args.seeds)} seed(s) {args.seeds}, orders {args.orders}, batches of {BATCH}, "
            f"share {args.share}, embedder {emb_key}; {seconds / 60:.1f} min")
    print(head)
    print(curve_table(df))
    print()
    print(goal_table(df))
    print()
    print(pooled_table(df))
    if not args.no_write:
        cmd = "PYTHONPATH=. .venv/bin/python scripts/eval_effort.py " + " ".join(argv if argv is not None
                                                                                 else sys.argv[1:])
        df.to_csv(OUT_MD.with_suffix(".csv"), index=False)
        write(df, f"Command: `{cmd.strip()}`; {head}.")


def write(df: pd.DataFrame, head: str) -> None:
    """scripts/eval_effort_results.md (``head``: its command line) and the plot."""
    OUT_MD.write_text(
        "# Effort, measured (scripts/eval_effort.py)\n\n"
        f"{head}\n\n"
        "Per data set, order and number of human labels, on the answers not coded by hand: the share the "
        "product's gate marks `auto`, the real precision of their machine codes (micro, against the truth), "
        "and Krippendorff's alpha machine vs truth on all of them (pooled presence/absence). Mean over seeds.\n\n"
        + curve_table(df) + "\n\n## Labels until half the rest is auto-coded at real precision >= 0.9\n\n"
        + goal_table(df) + "\n\n## Real precision of the auto-coded answers, pooled\n\n" + pooled_table(df)
        + "\n", encoding="utf-8")
    plot(df, OUT_PNG)
    log(f"wrote {OUT_MD.relative_to(REPO)}, {OUT_PNG.relative_to(REPO)}")


if __name__ == "__main__":
    main()
