"""Measure gated auto-coding (textmine.gate) on held-out real texts.

Chamber written questions 2017 (dev file, 18 main themes, the title as the answer text,
a bare codebook of the theme names, as in scripts/eval_coding.py). Per seed and per
number of labels per theme: the shipped CombinedCoder (threshold 'auto') is fitted on the
labelled questions; the AutoGate on the coder's out-of-fold scores of those questions
(``honest_scores_``) and the themes the coder gives them from those scores, plus, with
``--audit N``, the cross-fit scores and codes of N random held-out questions (a random audit
sample: never trained on, and left out of the test set), as ``textmine.coding.fit_gate`` does.
Every other question is the test set, judged as the product judges it (``cross_fit_proba``;
``--final-scores`` and ``--no-answer-cut`` give the rules before): printed are the share of it
marked ``auto``, the REAL
precision of the auto answers (an auto answer is right when every theme the machine gave it
is its true theme) and the gate's own estimate (mean estimated precision of the auto codes).

``--data sample``: the team's synthetic LMB 'trots' answers with gold themes (data/eval, 285
answers, several themes an answer possible) and the shipped codebook; ``--sizes`` then counts
labelled answers drawn at random (0: the codebook alone, the gate resting on the audit sample only).
A development set: the codebook and the coders were tuned on it, so its figures are optimistic.
Embedder: the product's default (``--backend``).

    .venv/bin/python scripts/eval_gate.py                       # sizes 20 50, seeds 0 1 2
    .venv/bin/python scripts/eval_gate.py --sizes 20 --seeds 0 --audit 200
    .venv/bin/python scripts/eval_gate.py --data sample --sizes 0 40 80 --audit 60
"""
from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
import warnings
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textmine.coders import Answer, CombinedCoder, bare_codebook  # noqa: E402
from textmine.coders.base import encode, resolve_embedder  # noqa: E402
from textmine.coding import honest_themes  # noqa: E402
from textmine.embed import DEFAULT_BACKEND  # noqa: E402
from textmine.gate import AUTO, AutoGate  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
from eval_coding import split  # noqa: E402  (n labels per theme, at most half of a theme's)

CHAMBER = Path("/work/shared/data/real_texts/chamber_questions_2017_dev.csv")
warnings.filterwarnings("ignore")


def log(*a: object) -> None:
    print(*a, file=sys.stderr, flush=True)


def load(backend: str, cache: Path | None, text: str = "title"):
    d = pd.read_csv(CHAMBER)
    labels = sorted(d.question_theme_main.unique())
    y = np.array([labels.index(v) for v in d.question_theme_main])
    texts = list(d.title) if text == "title" else [f"{t} {q[:300]}" for t, q in zip(d.title, d.question)]
    if cache is not None and cache.exists():
        lemmas, V = pickle.loads(cache.read_bytes())
    else:
        from textmine.nlp import clean_answers, load_pipeline
        nlp, _ = load_pipeline()
        t0 = time.time()
        lemmas = [tuple(c.lemmas) for c in clean_answers(nlp, texts)]
        V = encode(resolve_embedder(backend), texts)
        log(f"lemmas and {backend} vectors of {len(texts)} titles in {time.time() - t0:.0f}s")
        if cache is not None:
            cache.write_bytes(pickle.dumps((lemmas, V)))
    answers = [Answer(t, lem, v, False) for t, lem, v in zip(texts, lemmas, V)]
    return answers, y, labels


SAMPLE_FILES = ["dev_trots_SYNTHETIC.csv", "dev2_trots_SYNTHETIC.csv", "dev3_trots_SYNTHETIC.csv",
                "handwritten_answers_SPENT_SYNTHETIC.csv", "holdout_trots_SPENT_SYNTHETIC.csv"]


def load_sample(backend: str):
    """The team's synthetic LMB 'trots' answers with gold themes (data/eval; all five files, 285
    answers), the shipped codebook: a development set (the codebook was tuned on it)."""
    from textmine.codebook import load_codebook
    from textmine.nlp import clean_answers, load_pipeline
    frames = [pd.read_csv(REPO / "data" / "eval" / f) for f in SAMPLE_FILES]
    d = pd.concat(frames, ignore_index=True)
    d = d[(d.survey == "lmb") & (d.question == "trots")].reset_index(drop=True)
    codebook = load_codebook(REPO / "data" / "codebooks" / "lmb_trots.yaml")
    Y = np.array([[int(t in str(themes).split(";")) for t in codebook.ids] for themes in d.themes])
    nlp, _ = load_pipeline()
    texts = list(d.text)
    cleaned = clean_answers(nlp, texts)
    V = encode(resolve_embedder(backend), texts)
    answers = [Answer(c.normalized_text or t, tuple(c.lemmas), v, "non_answer" in c.flags)
               for c, t, v in zip(cleaned, texts, V)]
    return answers, Y, codebook


def run(args) -> pd.DataFrame:
    if args.data == "chamber":
        cache = Path(f"{args.cache}.{args.text}.{args.backend}.pkl") if args.cache else None
        answers, y, labels = load(args.backend, cache, args.text)
        Y = np.eye(len(labels), dtype=int)[y]
        codebook = bare_codebook([lab.capitalize() for lab in labels])
    else:
        answers, Y, codebook = load_sample(args.backend)
        y = None
    k = len(codebook.ids)
    emb = resolve_embedder(args.backend)
    rows = []
    for n in args.sizes:
        for seed in args.seeds:
            t0 = time.time()
            if y is not None:
                tr, rest = split(y, n, seed)  # n labels per theme
            else:  # n labelled answers drawn at random
                perm = np.random.default_rng(seed).permutation(len(answers))
                tr, rest = np.sort(perm[:n]), np.sort(perm[n:])
            rng = np.random.default_rng(1000 + seed)
            audit = np.sort(rng.choice(rest, min(args.audit, len(rest)), replace=False)) if args.audit else \
                np.zeros(0, int)
            te = np.setdiff1d(rest, audit)
            if len(tr):
                coder = CombinedCoder(codebook, emb).fit([answers[i] for i in tr], Y[tr])
            else:
                coder = CombinedCoder(codebook, emb).fit([answers[i] for i in rest])  # the codebook alone
            S_tr = coder.honest_scores_ if coder.honest_scores_ is not None else np.full((len(tr), k), np.nan)
            Yg, Sg = Y[tr], S_tr
            Ag = honest_themes(coder, [answers[i] for i in tr], S_tr)
            if len(audit):
                S_au = coder.cross_fit_proba([answers[i] for i in audit])
                A_au = coder.code([answers[i] for i in audit])
                Yg, Sg, Ag = np.r_[Yg, Y[audit]], np.r_[Sg, S_au], Ag + A_au
            gate = AutoGate(target_precision=args.target, confidence=args.confidence,
                            min_human=args.min_human, theme_ids=codebook.ids, pool=args.pool,
                            margin=args.margin).fit(Yg, Sg, None if args.no_answer_cut else Ag)
            S, codes = coder.score_and_code([answers[i] for i in te])
            status = gate.status(S if args.final_scores else coder.cross_fit_proba([answers[i] for i in te]), codes)
            auto = status == AUTO
            pos = {t: j for j, t in enumerate(codebook.ids)}
            right = np.array([all(t in pos and Y[i, pos[t]] for t in c) for c, i in zip(codes, te)])
            est = [gate.precision_[pos[t]] for c, a in zip(codes, auto) if a for t in c]
            rows.append(dict(text=args.text if args.data == "chamber" else "lmb-trots sample", n=n, seed=seed, labelled=len(tr), audit=len(audit), test=len(te),
                             themes_auto=int(gate.reachable_.sum()), auto_share=float(auto.mean()),
                             auto_answers=int(auto.sum()),
                             real_precision=float(right[auto].mean()) if auto.any() else float("nan"),
                             est_precision=float(np.mean(est)) if est else float("nan"),
                             suggested_precision=float(right[~auto].mean()), needed=gate.needed_))
            from textmine.gate import precision_lower_bound
            for j in range(k):
                o = np.argsort(-np.nan_to_num(Sg[:, j], nan=-1))
                yy = Yg[o, j]
                tp = np.cumsum(yy)
                lb = precision_lower_bound(tp, np.arange(1, len(yy) + 1), args.confidence)
                run = int(np.argmin(yy)) if not yy.all() else len(yy)
                log(f"   diag {codebook.ids[j][:30]:<30} pos {int(yy.sum()):>3} top-run {run:>3} "
                    f"best bound {lb.max():.2f} at n={int(lb.argmax()) + 1} prec {tp[lb.argmax()] / (lb.argmax() + 1):.2f}")
            # per theme: estimate vs real, for the themes that got an auto threshold
            for j in np.flatnonzero(gate.reachable_):
                got = np.array([codebook.ids[j] in c for c in codes]) & auto
                if got.any():
                    log(f"   {codebook.ids[j]:<40} est {gate.precision_[j]:.2f} (support {gate.support_[j]})"
                        f"  real {np.mean(right[got]):.2f} on {got.sum()}")
            log(f"n={n} seed={seed}: {rows[-1]} ({time.time() - t0:.0f}s)")
    return pd.DataFrame(rows)


def markdown(df: pd.DataFrame) -> str:
    """A pipe table (pandas' to_markdown needs tabulate, which the venv lacks)."""
    def cell(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", choices=["chamber", "sample"], default="chamber",
                    help="chamber: real texts; sample: the team's synthetic LMB 'trots' answers (data/eval)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[20, 50],
                    help="labels per theme (chamber) or labelled answers in all (sample)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--audit", type=int, default=0, help="random held-out questions used as an audit sample")
    ap.add_argument("--backend", default=DEFAULT_BACKEND, help="embedding backend (default: the product's)")
    ap.add_argument("--final-scores", action="store_true",
                    help="judge new answers by predict_proba, not cross_fit_proba (the rule before)")
    ap.add_argument("--no-answer-cut", action="store_true",
                    help="the gate without its answer-level cut (per-theme cuts only, the rule before)")
    ap.add_argument("--margin", type=int, default=AutoGate().margin, help="AutoGate's margin (wrong answers added)")
    ap.add_argument("--pool", action="store_true", help="themes without a cut of their own share one")
    ap.add_argument("--target", type=float, default=0.9)
    ap.add_argument("--confidence", type=float, default=AutoGate().confidence)
    ap.add_argument("--min-human", type=int, default=AutoGate().min_human)
    ap.add_argument("--text", choices=["title", "title+300"], default="title",
                    help="the question's title (about six words, like a survey answer) or title + 300 characters")
    ap.add_argument("--cache", default=None, help="path prefix of a pickle of lemmas and vectors (made when missing)")
    args = ap.parse_args()
    df = run(args)
    cols = ["text", "n", "seed", "labelled", "audit", "test", "themes_auto", "auto_share", "real_precision",
            "est_precision", "suggested_precision"]
    print(markdown(df[cols]))
    g = df.groupby("n").agg(auto_share_mean=("auto_share", "mean"), auto_share_min=("auto_share", "min"),
                            real_precision_mean=("real_precision", "mean"),
                            real_precision_min=("real_precision", "min")).reset_index()
    print()
    print(markdown(g))


if __name__ == "__main__":
    main()
