#!/usr/bin/env python
"""Train textmine's Dutch spaCy 3.8 pipeline (nl_textmine_core) from UD Dutch.

Run by hand, never in CI:

    .venv/bin/python scripts/train_nl_pipeline.py --out models/nl_textmine_core [--seed 0]
    .venv/bin/python scripts/train_nl_pipeline.py --evaluate-only models/nl_textmine_core
    .venv/bin/python scripts/train_nl_pipeline.py --out build/smoke_model --smoke   # quick check

Steps (all deterministic given the seed):

1. Read the UD Dutch files (../shared/data/ud_dutch, see SOURCES.md), convert
   the old UD v1.4 LassySmall train file to UD v2 labels and trees
   (scripts/nl_pipeline/ud_data.py), drop its sentences that also occur in the
   v2.16 dev or test files, strip the ``_`` marks from all lemmas.
2. Split: train = converted v1.4 train + about 85% of the v2.16 dev files
   (whole source documents, chosen by a stable hash; given twice, as they are
   in-domain gold v2 data); tune = the other ~15% of the dev documents (model selection and the
   choice of the lemma back-up only); test = the two v2.16 test files (held
   out: used by no training or selection step, only for the final scores).
3. Train tok2vec + morphologizer + parser + trainable lemmatizer on ONE
   thread with scripts/nl_pipeline/config.cfg (spaCy's own progress table).
4. Add the ``textmine_lemma_backup`` component (textmine/nlp/lemmas.py) when
   it raises lemma accuracy on the tune set, save the model with meta.json,
   scores.json, LICENSE and README.md, and print the held-out scores.
"""
from __future__ import annotations

import os

# One thread only, set before numpy / thinc are imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "nl_pipeline"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from ud_data import (  # noqa: E402
    Sentence,
    build_feats_lookup,
    clean_lemma,
    convert_v14,
    guess_spaces,
    norm_text,
    read_conllu,
    stable_hash,
    strip_feature,
)

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ud_dutch"
CONFIG = HERE / "config.cfg"
MODEL_NAME = "nl_textmine_core"
MODEL_VERSION = "0.1.0"
SENTS_PER_DOC = 10
TUNE_SHARE = 0.15  # share of each dev file's sentences (whole documents) kept for tuning
DEV_COPIES = 2  # the in-domain v2 dev training part is given twice

FILES = {
    "alpino_dev": "alpino_nl_alpino-ud-dev.conllu",
    "alpino_test": "alpino_nl_alpino-ud-test.conllu",
    "lassy_dev": "lassy_nl_lassysmall-ud-dev.conllu",
    "lassy_test": "lassy_nl_lassysmall-ud-test.conllu",
    "lassy_r14_train": "lassy_r1.4_train.conllu",
}
TEST_SETS = ("alpino_test", "lassy_test")
COMMITS = {
    "UD_Dutch-Alpino": "95e374a608d114ec6c6b32f0fbd5f324d29ef286",
    "UD_Dutch-LassySmall": "7880e0bc4c8138607c8e9724db2294dc89d4e2b5",
}
# nl_core_news_sm 3.8 as published (for the README table)
REFERENCE_SM = {"pos_acc": 95.8, "lemma_acc": 95.0, "dep_las": 80.5}

T0 = time.time()


def log(msg: str) -> None:
    print(f"[{time.time() - T0:7.1f}s] {msg}", flush=True)


def pin_one_core() -> None:
    """Never use more than one core for training."""
    try:
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[-1]})
    except (AttributeError, OSError):
        pass


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def doc_id(sent: Sentence) -> str:
    """The source document of a sentence (sent_id up to '.p.'/'.s.')."""
    sid = sent.sent_id.replace("\\", "/").split("/")[-1]
    for sep in (".p.", ".s.", ".h.", ".t."):
        if sep in sid:
            return sid.split(sep)[0]
    return sid


def prepare_data(data_dir: Path) -> tuple[dict[str, list[Sentence]], dict]:
    """Return the sentence sets train / tune / alpino_test / lassy_test and
    statistics. Deterministic: no randomness, file order kept."""
    raw = {k: read_conllu(data_dir / f, k) for k, f in FILES.items()}
    stats: dict = {"input": {k: {"sentences": len(v), "tokens": sum(len(s.tokens) for s in v)}
                             for k, v in raw.items()}}
    dev = raw["alpino_dev"] + raw["lassy_dev"]
    test = raw["alpino_test"] + raw["lassy_test"]
    dev_keys = {norm_text(s.words()) for s in dev}
    test_keys = {norm_text(s.words()) for s in test}

    # -- old train: dedup against dev + test (and itself), then convert ------
    feats_lookup = build_feats_lookup(dev)
    seen: set[str] = set()
    train_old: list[Sentence] = []
    dropped = Counter()
    for s in raw["lassy_r14_train"]:
        key = norm_text(s.words())
        if key in test_keys:
            dropped["in_v216_test"] += 1
        elif key in dev_keys:
            dropped["in_v216_dev"] += 1
        elif key in seen:
            dropped["duplicate_within_train"] += 1
        else:
            seen.add(key)
            train_old.append(convert_v14(s, feats_lookup))
    for s in train_old:  # v1.4 has neither text nor SpaceAfter
        for t, sp in zip(s.tokens, guess_spaces(s.words())):
            t.misc = "_" if sp else "SpaceAfter=No"
    stats["old_train_dedup"] = dict(dropped)

    # -- dev: split by source document into train part and tune part -------
    # Per dev file, whole source documents in stable-hash order go to the tune
    # set until it holds TUNE_SHARE of that file's sentences.
    tune_docs: set[str] = set()
    for k in ("alpino_dev", "lassy_dev"):
        sizes = Counter(doc_id(s) for s in raw[k])
        have = 0
        for d in sorted(sizes, key=lambda d: (stable_hash(d), d)):
            if have >= TUNE_SHARE * len(raw[k]):
                break
            tune_docs.add(d)
            have += sizes[d]
    dev_train: list[Sentence] = []
    tune: list[Sentence] = []
    dev_in_test = 0
    for s in dev:
        if norm_text(s.words()) in test_keys:  # safety: never train on test text
            dev_in_test += 1
            continue
        (tune if doc_id(s) in tune_docs else dev_train).append(s)
    stats["tune_documents"] = sorted(tune_docs)
    stats["dev_sentences_dropped_in_test"] = dev_in_test

    sets = {
        "train_old": train_old,
        "train_dev": dev_train,
        "tune": tune,
        "alpino_test": raw["alpino_test"],
        "lassy_test": raw["lassy_test"],
    }
    for sents in sets.values():
        for s in sents:
            for t in s.tokens:
                t.lemma = clean_lemma(t.lemma, t.form)
                # ExtPos (new in UD 2.14) is absent from the v1.4 data: not learned
                t.feats = strip_feature(t.feats, "ExtPos")
    stats["sets"] = {k: {"sentences": len(v), "tokens": sum(len(s.tokens) for s in v)}
                     for k, v in sets.items()}
    return sets, stats


def to_docs(nlp, sents: list[Sentence], per_doc: int = SENTS_PER_DOC):
    """Group consecutive sentences into spaCy Docs of `per_doc` sentences."""
    from spacy.tokens import Doc

    docs = []
    for start in range(0, len(sents), per_doc):
        group = sents[start:start + per_doc]
        words, spaces, pos, morphs, lemmas, heads, deps = [], [], [], [], [], [], []
        for k, s in enumerate(group):
            offset = len(words)
            for t in s.tokens:
                words.append(t.form)
                last = t.id == len(s.tokens)
                spaces.append(t.space_after or (last and k < len(group) - 1))
                pos.append(t.upos)
                morphs.append("" if t.feats == "_" else t.feats)
                lemmas.append(t.lemma)
                heads.append(offset + t.head - 1 if t.head else offset + t.id - 1)
                deps.append(t.deprel.lower())
        if spaces:
            spaces[-1] = False
        docs.append(Doc(nlp.vocab, words=words, spaces=spaces, pos=pos, morphs=morphs,
                        lemmas=lemmas, heads=heads, deps=deps))
    return docs


def write_corpora(sets: dict[str, list[Sentence]], build: Path) -> dict[str, Path]:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("nl")
    build.mkdir(parents=True, exist_ok=True)
    paths = {}
    train_docs = to_docs(nlp, sets["train_old"]) + to_docs(nlp, sets["train_dev"]) * DEV_COPIES
    for name, docs in (("train", train_docs), ("tune", to_docs(nlp, sets["tune"])),
                       *((n, to_docs(nlp, sets[n])) for n in TEST_SETS)):
        p = build / f"{name}.spacy"
        DocBin(docs=docs, store_user_data=False).to_disk(p)
        paths[name] = p
    return paths


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------

SCORE_KEYS = ("token_acc", "pos_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f")


def examples_for(nlp, docs):
    from spacy.training import Example

    return [Example(nlp.make_doc(d.text), d) for d in docs]


def evaluate(nlp, docs, *, backup: bool) -> dict[str, float]:
    disable = [] if backup else [n for n in nlp.pipe_names if n == "lemma_backup"]
    with nlp.select_pipes(disable=disable):
        scores = nlp.evaluate(examples_for(nlp, docs), batch_size=64)
    return {k: round(float(scores[k]) * 100, 2) for k in SCORE_KEYS if scores.get(k) is not None}


def held_out_scores(nlp, data_dir: Path) -> dict:
    """Score on the two v2.16 test files, each and combined, with and without
    the lemma back-up."""
    import spacy

    sets = {k: [] for k in TEST_SETS}
    for k in TEST_SETS:
        sents = read_conllu(data_dir / FILES[k], k)
        for s in sents:
            for t in s.tokens:
                t.lemma = clean_lemma(t.lemma, t.form)
                t.feats = strip_feature(t.feats, "ExtPos")
        sets[k] = sents
    blank = spacy.blank("nl")
    docs = {k: to_docs(blank, v) for k, v in sets.items()}
    docs["combined"] = docs["alpino_test"] + docs["lassy_test"]
    has_backup = "lemma_backup" in nlp.pipe_names
    out = {}
    for name, ds in docs.items():
        res = evaluate(nlp, ds, backup=True)
        if has_backup:
            res["lemma_acc_without_backup"] = evaluate(nlp, ds, backup=False)["lemma_acc"]
        res["sentences"] = sum(len(list(d.sents)) for d in ds)
        res["tokens"] = sum(len(d) for d in ds)
        out[name] = res
        log(f"scored {name}")
    return out


def print_table(scores: dict) -> None:
    cols = ["token_acc", "pos_acc", "morph_acc", "lemma_acc", "lemma_acc_without_backup",
            "dep_uas", "dep_las", "sents_f"]
    head = ["set", "tokens"] + [c.replace("_acc", "").replace("_without_backup", " w/o backup")
                                for c in cols]
    rows = [[name, str(s.get("tokens", ""))] + [f"{s[c]:.2f}" if c in s else "-" for c in cols]
            for name, s in scores.items()]
    rows.append(["nl_core_news_sm", "(ref)", "-", f"{REFERENCE_SM['pos_acc']:.2f}", "-",
                 f"{REFERENCE_SM['lemma_acc']:.2f}", "-", "-", f"{REFERENCE_SM['dep_las']:.2f}", "-"])
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


# ---------------------------------------------------------------------------
# Lemma back-up selection (on the tune set only)
# ---------------------------------------------------------------------------

BACKUP_GRID = [
    # (threshold, fill_unchanged, skip_pos)
    (t, f, sp)
    for sp in (("PROPN", "PUNCT", "NUM", "SYM", "X"), ("PROPN", "PUNCT", "NUM", "SYM", "X", "AUX", "ADP", "DET", "PRON"))
    for f in (False, True)
    for t in (0.0, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99, 1.01)  # 1.01: the table always wins
    if t > 0 or f
]


def choose_backup(nlp, tune_docs) -> tuple[dict | None, list[dict]]:
    import textmine.nlp.lemmas as lemmas

    table = lemmas.load_lookup_table("nl")
    base = evaluate(nlp, tune_docs, backup=False)["lemma_acc"]
    log(f"tune lemma_acc without back-up: {base:.2f}")
    trials = []
    best = None
    for thr, fill, skip in BACKUP_GRID:
        cfg = {"threshold": thr, "fill_unchanged": fill, "skip_pos": list(skip)}
        pipe = nlp.add_pipe("textmine_lemma_backup", name="lemma_backup",
                            after="trainable_lemmatizer", config=cfg)
        pipe.initialize(nlp=nlp, table=table)
        acc = evaluate(nlp, tune_docs, backup=True)["lemma_acc"]
        nlp.remove_pipe("lemma_backup")
        trials.append({**cfg, "tune_lemma_acc": acc})
        log(f"  back-up threshold={thr} fill_unchanged={fill} skip={len(skip)} POS: {acc:.2f}")
        if acc > base and (best is None or acc > best["tune_lemma_acc"]):
            best = trials[-1]
    return best, [{"baseline_tune_lemma_acc": base}] + trials


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def write_readme(out: Path, scores: dict, stats: dict, info: dict) -> None:
    def row(name, s):
        wo = f"{s['lemma_acc_without_backup']:.2f}" if "lemma_acc_without_backup" in s else "-"
        return (f"| {name} | {s['tokens']:,} | {s['pos_acc']:.2f} | {s['morph_acc']:.2f} | {s['lemma_acc']:.2f} | "
                f"{wo} | {s['dep_uas']:.2f} | {s['dep_las']:.2f} | {s['sents_f']:.2f} | {s['token_acc']:.2f} |")

    st = stats["sets"]
    inp = stats["input"]
    dd = stats["old_train_dedup"]
    backup = info.get("backup")
    how = ("the table's lemma replaces the lemmatizer's whenever the table knows the word and "
           "disagrees (threshold above 1: the top-tree probability is always below it)"
           if backup and backup["threshold"] > 1 else
           "the table's lemma is used where the top edit tree's probability is below the threshold"
           + (" or where the lemmatizer left the word unchanged" if backup and backup["fill_unchanged"] else ""))
    backup_txt = (
        f"kept: {how}; threshold={backup['threshold']}, fill_unchanged={backup['fill_unchanged']}, "
        f"never for {', '.join(backup['skip_pos'])}. Chosen on the tune set out of "
        f"{len(info['backup_trials']) - 1} settings (scores.json `tune_backup_trials`): tune lemma accuracy "
        f"{info['backup_trials'][0]['baseline_tune_lemma_acc']:.2f} -> {backup['tune_lemma_acc']:.2f}; held out "
        f"(combined test) {scores['combined']['lemma_acc_without_backup']:.2f} -> {scores['combined']['lemma_acc']:.2f}"
        if backup else
        f"not kept: no setting raised lemma accuracy on the tune set "
        f"(baseline {info['backup_trials'][0]['baseline_tune_lemma_acc']:.2f})"
    )
    text = f"""# nl_textmine_core {MODEL_VERSION}

A small Dutch spaCy {info['spacy_version']} pipeline for textmine: tokenizer, tok2vec (CNN, no
static word vectors), morphologizer (UPOS + morphological features), dependency
parser (also gives the sentence boundaries), trainable edit-tree lemmatizer and
`textmine_lemma_backup` (a lookup back-up for the lemmatizer, see below).

```python
import spacy
# no textmine import needed: its spacy_factories entry points register textmine_lemma_backup
nlp = spacy.load("models/nl_textmine_core")
doc = nlp("De gemeenten organiseerden een wereldmarkt op het marktplein.")
print([(t.text, t.pos_, t.lemma_, t.dep_, t.head.i) for t in doc])
```

Lemmas never contain the `_` compound / separable-verb marks of UD Dutch
(`basis_niveau` is `basisniveau`, `aan_sporen` is `aansporen`).

## Licence and attribution

The model is trained on Universal Dependencies Dutch treebanks and is shared
under the same licence, **CC BY-SA 4.0** (see `LICENSE`):

* **UD_Dutch-Alpino** (dev and test files of UD v2.16, commit `{COMMITS['UD_Dutch-Alpino']}`)
* **UD_Dutch-LassySmall** (dev and test files of UD v2.16, commit `{COMMITS['UD_Dutch-LassySmall']}`;
  and the old LassySmall train file of UD v1.4)

Treebank authors: Gosse Bouma, Gertjan van Noord and the UD Dutch contributors.
The Alpino and Lassy Small treebanks were annotated at the University of Groningen.
The model also carries the Dutch `lemma_lookup` table of spacy-lookups-data
{info['lookups_version']} (MIT licence) inside the `lemma_backup` component.

## How it was trained

```
.venv/bin/python scripts/train_nl_pipeline.py --out models/nl_textmine_core --seed {info['seed']}
```

* Config: `scripts/nl_pipeline/config.cfg` (seed {info['seed']}, one CPU thread); data preparation:
  `scripts/nl_pipeline/ud_data.py`. Training took {info['train_minutes']:.1f} min on one core
  ({info['steps']} steps of up to 1,000 words; the checkpoint with the best weighted tune score is kept).
* **Old train file** (UD v1.4 LassySmall, {inp['lassy_r14_train']['sentences']:,} sentences,
  {inp['lassy_r14_train']['tokens']:,} tokens): sentences whose normalised text (lower case, no
  whitespace) occurs in the v2.16 test files ({dd.get('in_v216_test', 0)}) or dev files
  ({dd.get('in_v216_dev', 0)}) or earlier in the file ({dd.get('duplicate_within_train', 0)}) were
  removed (the test count includes recurring short headings such as "Geschiedenis"), leaving {st['train_old']['sentences']:,} sentences / {st['train_old']['tokens']:,} tokens.
  They were converted to UD v2 by rules (labels: dobj, nsubjpass, auxpass, name, mwe, neg,
  compound, nmod->obl, acl->acl:relcl, possessives->nmod:poss; POS: CONJ, PART, ordinals;
  trees: non-`zijn` copulas and non-auxiliary modals become heads with an xcomp, `moeten`
  becomes aux, cc and punctuation attached as in UD v2). On the {info['conversion_check']['sentences']}
  old-train sentences that also occur (same tokens) in the v2.16 *dev* files, the converted
  annotation agrees with v2.16 at UAS {info['conversion_check']['converted']['uas']:.1f} / LAS
  {info['conversion_check']['converted']['las']:.1f} / UPOS {info['conversion_check']['converted']['pos']:.1f}
  (before conversion: {info['conversion_check']['raw']['uas']:.1f} / {info['conversion_check']['raw']['las']:.1f}
  / {info['conversion_check']['raw']['pos']:.1f}).
* **v2.16 dev files** (Alpino {inp['alpino_dev']['sentences']} + LassySmall {inp['lassy_dev']['sentences']}
  sentences) split by whole source documents (stable-hash order, about 15% of each file's sentences
  to the tune set): the rest for training
  ({st['train_dev']['sentences']:,} sentences / {st['train_dev']['tokens']:,} tokens, given {DEV_COPIES}x),
  the **tune** set ({st['tune']['sentences']:,} sentences / {st['tune']['tokens']:,} tokens) for model
  selection during training and for choosing the lemma back-up.
* **v2.16 test files** are held out: no training or selection step sees them.
* All lemmas have the `_` marks removed (also in the test data the scores are computed on);
  the `ExtPos` feature (absent from the v1.4 data) is not learned and not scored.
* Lemma back-up: {backup_txt}.

## Held-out scores (UD v2.16 test files)

Scored with spaCy's scorer on raw text (spaCy's own tokenization, aligned to the gold tokens),
documents of {SENTS_PER_DOC} sentences. `lemma w/o backup` is the trainable lemmatizer alone.

| test set | tokens | POS (UPOS) | morph | lemma | lemma w/o backup | UAS | LAS | sent F | token acc |
|---|---|---|---|---|---|---|---|---|---|
{row('Alpino test', scores['alpino_test'])}
{row('LassySmall test', scores['lassy_test'])}
{row('combined', scores['combined'])}
| nl_core_news_sm 3.8 (reference, its own eval data) | | {REFERENCE_SM['pos_acc']:.1f} | | {REFERENCE_SM['lemma_acc']:.1f} | | | {REFERENCE_SM['dep_las']:.1f} | | |

nl_core_news_sm is trained on the full v2 Alpino + LassySmall train sets (not
available here) and its figures come from its own evaluation data, so the
comparison is indicative only.

Re-score the shipped model: `.venv/bin/python scripts/train_nl_pipeline.py --evaluate-only models/nl_textmine_core`
"""
    (out / "README.md").write_text(text, encoding="utf8")


def conversion_check(data_dir: Path) -> dict:
    """Agreement of the converted v1.4 annotation with v2.16 on the old-train
    sentences that also occur in the v2.16 DEV files (never the test files)."""
    import copy

    old = read_conllu(data_dir / FILES["lassy_r14_train"], "old")
    dev = read_conllu(data_dir / FILES["lassy_dev"], "l") + read_conllu(data_dir / FILES["alpino_dev"], "a")
    fl = build_feats_lookup(dev)
    idx = {norm_text(s.words()): s for s in dev}
    pairs = [(s, idx[norm_text(s.words())]) for s in old if norm_text(s.words()) in idx]
    pairs = [(a, b) for a, b in pairs if a.words() == b.words()]

    def agree(ps):
        n = uas = las = pos = 0
        for a, b in ps:
            for x, y in zip(a.tokens, b.tokens):
                n += 1
                uas += x.head == y.head
                las += x.head == y.head and x.deprel == y.deprel
                pos += x.upos == y.upos
        return {"uas": 100 * uas / n, "las": 100 * las / n, "pos": 100 * pos / n, "tokens": n}

    raw = agree(pairs)
    conv = agree([(convert_v14(copy.deepcopy(a), fl), b) for a, b in pairs])
    return {"sentences": len(pairs), "raw": raw, "converted": conv}


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, help="model directory to write (models/nl_textmine_core)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--build-dir", type=Path, default=ROOT / "build" / "nl_pipeline")
    ap.add_argument("--max-steps", type=int, default=None, help="override training.max_steps")
    ap.add_argument("--smoke", action="store_true", help="tiny run to check the script end to end")
    ap.add_argument("--reuse-training", action="store_true",
                    help="skip training and assemble from an existing <build-dir>/seed<N>/train/model-best")
    ap.add_argument("--evaluate-only", type=Path, metavar="MODEL",
                    help="only re-score MODEL on the held-out test files and print the table")
    args = ap.parse_args(argv)

    pin_one_core()
    import spacy
    import textmine.nlp.lemmas  # noqa: F401  (registers textmine_lemma_backup)

    if args.evaluate_only:
        log(f"loading {args.evaluate_only}")
        nlp = spacy.load(args.evaluate_only)
        scores = held_out_scores(nlp, args.data_dir)
        print_table(scores)
        log("done")
        return 0
    if not args.out:
        ap.error("--out is required (or --evaluate-only)")

    # 1. data --------------------------------------------------------------
    log("reading and converting UD Dutch data")
    sets, stats = prepare_data(args.data_dir)
    for k, v in stats["input"].items():
        log(f"  input {k:16s} {v['sentences']:6,d} sentences {v['tokens']:8,d} tokens")
    log(f"  old train dropped: {stats['old_train_dedup']}")
    for k, v in stats["sets"].items():
        log(f"  set   {k:16s} {v['sentences']:6,d} sentences {v['tokens']:8,d} tokens")
    build = args.build_dir / ("smoke" if args.smoke else f"seed{args.seed}")
    corpora = write_corpora(sets, build / "corpora")
    log(f"corpora written to {build / 'corpora'}")
    conv = conversion_check(args.data_dir)
    log(f"v1.4 conversion agreement on {conv['sentences']} dev-overlap sentences: "
        f"UAS {conv['raw']['uas']:.1f}->{conv['converted']['uas']:.1f}, "
        f"LAS {conv['raw']['las']:.1f}->{conv['converted']['las']:.1f}, "
        f"UPOS {conv['raw']['pos']:.1f}->{conv['converted']['pos']:.1f}")

    # 2. train -----------------------------------------------------------------
    from spacy.cli.train import train as spacy_train

    overrides = {
        "paths.train": str(corpora["train"]),
        "paths.dev": str(corpora["tune"]),
        "system.seed": args.seed,
    }
    if args.smoke:
        overrides.update({"training.max_steps": 60, "training.eval_frequency": 30,
                          "corpora.train.limit": 60, "corpora.dev.limit": 10})
    if args.max_steps:
        overrides["training.max_steps"] = args.max_steps
    train_dir = build / "train"
    timing_file = train_dir / "train_minutes.json"
    if args.reuse_training:
        train_minutes = json.loads(timing_file.read_text())["train_minutes"] if timing_file.exists() else 0.0
        log(f"reusing the trained pipeline in {train_dir} (trained in {train_minutes:.1f} min)")
    else:
        log(f"training ({'smoke' if args.smoke else 'full'} run, seed {args.seed}, 1 thread) -> {train_dir}")
        t_train = time.time()
        spacy_train(CONFIG, train_dir, use_gpu=-1, overrides=overrides)
        train_minutes = (time.time() - t_train) / 60
        timing_file.write_text(json.dumps({"train_minutes": train_minutes}))
        log(f"training took {train_minutes:.1f} min")

    # 3. assemble ---------------------------------------------------------------
    nlp = spacy.load(train_dir / "model-best")
    blank = spacy.blank("nl")
    tune_docs = to_docs(blank, sets["tune"])
    if args.smoke:
        tune_docs = tune_docs[:10]
    log("choosing the lemma back-up on the tune set")
    best, trials = choose_backup(nlp, tune_docs)
    import textmine.nlp.lemmas as lemmas

    if best:
        cfg = {k: best[k] for k in ("threshold", "fill_unchanged", "skip_pos")}
        pipe = nlp.add_pipe("textmine_lemma_backup", name="lemma_backup",
                            after="trainable_lemmatizer", config=cfg)
        pipe.initialize(nlp=nlp, table=lemmas.load_lookup_table("nl"))
        log(f"lemma back-up kept: {cfg}")
    else:
        log("lemma back-up not kept (no gain on the tune set)")

    # 4. held-out evaluation --------------------------------------------------------
    log("scoring on the held-out v2.16 test files")
    scores = held_out_scores(nlp, args.data_dir)
    print_table(scores)

    import spacy_lookups_data

    meta = dict(nlp.meta)
    meta.update({
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "description": "Dutch pipeline for textmine: morphologizer (UPOS+features), dependency parser, "
                       "edit-tree lemmatizer with lookup back-up. Trained on UD Dutch Alpino and "
                       "LassySmall. Needs textmine installed (its spacy_factories entry points register textmine_lemma_backup).",
        "author": "textmine developers",
        "license": "CC BY-SA 4.0",
        "spacy_version": ">=3.8.0,<3.9.0",
        "sources": [
            {"name": "UD_Dutch-Alpino (UD v2.16 dev+test)", "url": "https://github.com/UniversalDependencies/UD_Dutch-Alpino",
             "license": "CC BY-SA 4.0", "author": "Gosse Bouma, Gertjan van Noord and the UD Dutch contributors",
             "commit": COMMITS["UD_Dutch-Alpino"]},
            {"name": "UD_Dutch-LassySmall (UD v2.16 dev+test, UD v1.4 train)",
             "url": "https://github.com/UniversalDependencies/UD_Dutch-LassySmall",
             "license": "CC BY-SA 4.0", "author": "Gosse Bouma, Gertjan van Noord and the UD Dutch contributors",
             "commit": COMMITS["UD_Dutch-LassySmall"]},
            {"name": "spacy-lookups-data nl lemma_lookup", "license": "MIT",
             "version": spacy_lookups_data.__version__},
        ],
        "performance": {**{k: round(v / 100, 4) for k, v in scores["combined"].items()
                           if k in SCORE_KEYS or k == "lemma_acc_without_backup"},
                        "evaluated_on": "UD v2.16 Alpino + LassySmall test files (held out)"},
        "textmine": {"seed": args.seed, "train_minutes": round(train_minutes, 1),
                     "smoke": bool(args.smoke), "data": stats, "lemma_backup": best},
    })
    nlp.meta.clear()
    nlp.meta.update(meta)

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    shutil.copy(args.data_dir / "LICENSE-CC-BY-SA-4.0.txt", out / "LICENSE")
    steps = None
    try:
        steps = spacy.load(train_dir / "model-last").meta.get("performance", {})
    except Exception:  # pragma: no cover
        pass
    info = {
        "seed": args.seed, "train_minutes": train_minutes, "spacy_version": spacy.__version__,
        "lookups_version": spacy_lookups_data.__version__, "backup": best, "backup_trials": trials,
        "conversion_check": conv, "steps": overrides.get("training.max_steps", 6000),
    }
    full = {"held_out": scores, "tune_backup_trials": trials, "data": stats, "conversion_check": conv,
            "seed": args.seed, "train_minutes": round(train_minutes, 1), "smoke": bool(args.smoke),
            "reference_nl_core_news_sm": REFERENCE_SM, "model_last_tune_scores": steps}
    (out / "scores.json").write_text(json.dumps(full, indent=2) + "\n", encoding="utf8")
    write_readme(out, scores, stats, info)
    log(f"model written to {out} ({dir_size_mb(out):.1f} MB)")
    log(f"total time {(time.time() - T0) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
