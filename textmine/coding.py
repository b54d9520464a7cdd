"""The coding stage: codebook themes for a project's open answers.

``code_question`` cleans the answers (cached), builds the coder from a factory,
fits it on the human codes the project has (none at first: the codebook alone
then decides), scores every answer, and stores the machine codes with their
provenance. Human codes always win: they are never overwritten or hidden, and
an answer with a human code reports ``source: human``.
"""

from __future__ import annotations

import pickle
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from .version import __version__
from .atomic import atomic_path
from .codebook import OVERIG, Codebook, load_codebook
from .errors import InputError
from .ingest import read_table
from .paths import data_dir
from .patterns import SEARCH_SECONDS
from .store import Store

CODERS_DIR = "coders"


def resolve_codebook(store: Store, survey: str, question: str, path: str | Path | None = None) -> Codebook:
    """--codebook, else the schema's ``codebook:``, else data/codebooks/<survey>_<question>.yaml."""
    if path:
        return load_codebook(path)
    for info in reversed(store.waves(survey)):
        for q in info.schema.questions:
            if q.id == question and q.codebook and Path(q.codebook).exists():
                return load_codebook(q.codebook)
    bundled = data_dir() / "codebooks" / f"{survey}_{question}.yaml"
    if bundled.exists():
        return load_codebook(bundled)
    raise InputError(f"no codebook for {survey} '{question}': pass --codebook FILE "
                     f"(YAML, .qdc or one label per line)")


def question_codebook(store: Store, question: str, survey: str | None,
                      path: str | Path | None = None) -> tuple[str, Codebook]:
    """The survey that has this open question, and the codebook to code it with."""
    survey = open_question_survey(store, question, survey)
    return survey, resolve_codebook(store, survey, question, path)


def open_question_survey(store: Store, question: str, survey: str | None) -> str:
    """The survey that has this open question (must be unambiguous)."""
    surveys = sorted({w.survey for w in store.waves(survey)
                      if any(q.id == question and q.type == "open" for q in w.schema.questions)})
    if not surveys:
        raise InputError(f"no open question '{question}' in the project" + (f" for survey '{survey}'" if survey else ""))
    if len(surveys) > 1:
        raise InputError(f"question '{question}' is in surveys {', '.join(surveys)}: choose one with --survey")
    return surveys[0]


def import_training_codes(store: Store, codebook: Codebook, survey: str, question: str,
                          path: str | Path, wave: str | None = None) -> int:
    """Import existing human codes (CSV/XLSX: respondent id, theme id, optional coder and wave).

    One row per (answer, theme); theme ``overig`` marks an answer coded with no theme.
    Validated completely before anything is written.
    """
    table = read_table(path)
    cols = {" ".join(h.split()).casefold().replace("_", " "): i for i, h in enumerate(table.headers)}

    def find(*names: str, required: bool = True) -> int | None:
        for n in names:
            if n in cols:
                return cols[n]
        if required:
            raise InputError(f"needs a column named '{names[0]}'", file=path, row=1)
        return None

    rid_col = find("respondent id", "respondent", "id")
    theme_col = find("theme", "theme id", "thema", "code")
    coder_col = find("coder", "codeur", required=False)
    wave_col = find("wave", "golf", required=False)
    answers = store.open_answers(survey, wave, question)
    by_rid: dict[str, list[str]] = {}
    for a in answers.itertuples():
        by_rid.setdefault(str(a.respondent_id), []).append(a.wave)
    allowed = set(codebook.ids) | {OVERIG}
    rows: dict[str, list[dict[str, Any]]] = {}
    for cells, n in zip(table.rows, table.row_numbers):
        rid, theme = cells[rid_col].strip(), cells[theme_col].strip()
        if theme not in allowed:
            raise InputError(f"theme '{theme}' is not in the codebook", file=path, row=n,
                             column=table.headers[theme_col])
        waves = by_rid.get(rid, [])
        w = cells[wave_col].strip() if wave_col is not None and cells[wave_col].strip() else None
        if w is None and len(waves) > 1:
            raise InputError(f"respondent {rid} answered in waves {', '.join(waves)}: add a 'wave' column",
                             file=path, row=n, column=table.headers[rid_col])
        w = w or (waves[0] if waves else None)
        if w not in waves:
            raise InputError(f"respondent {rid} has no answer to '{question}'", file=path, row=n,
                             column=table.headers[rid_col])
        coder = (cells[coder_col].strip() if coder_col is not None else "") or f"import:{Path(path).name}"
        rows.setdefault(coder, []).append({"survey": survey, "wave": w, "question": question,
                                           "respondent_id": rid, "theme": theme, "applies": True})
    # The themes an answer was not given count as "no" for it.
    total = 0
    for coder, items in rows.items():
        given: dict[tuple, set[str]] = {}
        for r in items:
            given.setdefault((r["wave"], r["respondent_id"]), set()).add(r["theme"])
        full = [{"survey": survey, "wave": w, "question": question, "respondent_id": rid, "theme": t,
                 "applies": t in themes} for (w, rid), themes in given.items() for t in codebook.ids]
        existing = store.codes(survey, None, question, source="human")
        existing = {(r.wave, r.respondent_id, r.theme): bool(r.applies)
                    for r in existing[existing.coder == coder].itertuples()}
        new = [r for r in full if existing.get((r["wave"], r["respondent_id"], r["theme"])) != r["applies"]]
        if new:
            total += store.add_codes(new, source="human", coder=coder)
    return total


def human_labels(store: Store, codebook: Codebook, survey: str, question: str,
                 wave: str | None = None) -> pd.DataFrame:
    """Indicator frame (wave, respondent_id, one column per theme) of human-coded answers.

    Several coders: the latest code per theme wins (a reviewer's correction).
    """
    codes = store.codes(survey, wave, question, source="human")
    codes = codes[codes.theme.isin(codebook.ids)].sort_values("code_id")
    if codes.empty:
        return pd.DataFrame(columns=["wave", "respondent_id", *codebook.ids])
    latest = codes.groupby(["wave", "respondent_id", "theme"]).applies.last().unstack("theme")
    latest = latest.reindex(columns=codebook.ids).fillna(0).astype(int)
    return latest.reset_index()


def human_coded(labels: pd.DataFrame, cleaned: list[dict[str, Any]], theme_ids: list[str]
                ) -> tuple[list[tuple[str, str]], list[dict[str, Any]], np.ndarray]:
    """The cleaned answers that have human codes (``human_labels``): their (wave, respondent_id)
    keys, the answers, and their 0/1 matrix over ``theme_ids``, in the labels' order."""
    by_key = {(a["wave"], a["respondent_id"]): a for a in cleaned}
    keys = [k for k in zip(labels.wave, labels.respondent_id) if k in by_key]
    Y = (labels.set_index(["wave", "respondent_id"]).loc[keys, theme_ids].to_numpy() if keys
         else np.zeros((0, len(theme_ids)), dtype=int))
    return keys, [by_key[k] for k in keys], Y


# --- the coding run ----------------------------------------------------------------

CoderFactory = Callable[[Codebook, Any], Any]


def default_coder_factory(codebook: Codebook, embedder: Any) -> Any:
    """The coder of a run, rebuilt from scratch each time (small-text style)."""
    from .coders import CombinedCoder

    return CombinedCoder(codebook, embedder=embedder)


@dataclass
class CodingResult:
    survey: str
    question: str
    answers: list[dict[str, Any]]
    run_id: int
    codebook_hash: str
    embedder: str
    human_coded: int
    coder_path: Path | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # one line each, for the user


def _answers(rows: list[dict[str, Any]]) -> list[Any]:
    from .coders import Answer

    return [Answer(a["normalized_text"], tuple(a["lemmas"]), None, "non_answer" in a["flags"]) for a in rows]


def code_question(store: Store, question: str, *, survey: str | None = None, wave: str | None = None,
                  codebook: Codebook | None = None, embedder: str | None = None,
                  settings: Any = None, factory: CoderFactory = default_coder_factory,
                  progress: Callable[[int, int], None] | None = None) -> CodingResult:
    """Code the answers of one open question; store machine codes; human codes win."""
    from .clean import clean_project
    from .coders.keyword import StoppedSearch
    from .embed import CachedEmbedder, StoreCache, get_embedder

    survey = open_question_survey(store, question, survey)
    codebook = codebook or resolve_codebook(store, survey, question)
    # Every wave is cleaned (cached): human codes of any wave train the coder.
    cleaned = clean_project(store, survey=survey, question=question, settings=settings).answers
    emb = CachedEmbedder(get_embedder(embedder), StoreCache(store), progress=progress)
    labels = human_labels(store, codebook, survey, question)
    coder = factory(codebook, emb)
    train_keys, train_rows, Y = human_coded(labels, cleaned, codebook.ids)
    if train_keys:
        coder.fit(_answers(train_rows), Y)
    else:
        coder.fit(_answers(cleaned))  # the codebook alone
    target = [a for a in cleaned if wave is None or a["wave"] == wave]
    X = _answers(target)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StoppedSearch)
        if hasattr(coder, "score_and_code"):  # textmine's coders: the answers are scored once
            scores, themes = coder.score_and_code(X)
        else:
            scores, themes = coder.predict_proba(X), coder.code(X)
    provenance = _provenance(codebook, emb.key, coder, len(train_keys))
    run_id = store.start_run("code", settings={"survey": survey, "question": question, "wave": wave,
                                               "embedder": emb.key}, provenance=provenance)
    machine_rows = []
    for a, s, t in zip(target, scores, themes):
        if "non_answer" in a["flags"]:
            continue
        for j, theme in enumerate(codebook.ids):
            machine_rows.append({"survey": survey, "wave": a["wave"], "question": question,
                                 "respondent_id": a["respondent_id"], "theme": theme,
                                 "score": float(s[j]), "applies": theme in t})
    store.save_machine_codes(machine_rows, coder=type(coder).__name__, run_id=run_id)
    human = {(r.wave, r.respondent_id): [t for t in codebook.ids if getattr(r, t)]
             for r in labels.itertuples(index=False)}
    out = []
    for a, s, t in zip(target, scores, themes):
        key = (a["wave"], a["respondent_id"])
        is_human = key in human
        out.append({"respondent_id": a["respondent_id"], "wave": a["wave"], "text": a["text"],
                    "redacted_text": a["redacted_text"],
                    "themes": (human[key] or [OVERIG]) if is_human else list(t),
                    "scores": {theme: round(float(s[j]), 4) for j, theme in enumerate(codebook.ids)},
                    "source": "human" if is_human else "machine"})
    path = save_coder(store.dir, survey, question, coder, codebook, emb.key, len(train_keys))
    store.finish_run(run_id)
    return CodingResult(survey, question, out, run_id, codebook.hash, emb.key, len(train_keys), path,
                        provenance, _stopped_searches(caught))


def _stopped_searches(caught: list[warnings.WarningMessage]) -> list[str]:
    """One line per codebook pattern that ran out of time on some answers."""
    from .coders.keyword import StoppedSearch

    stopped: dict[tuple[str, str], list[StoppedSearch]] = {}
    for w in caught:
        if isinstance(w.message, StoppedSearch):
            stopped.setdefault((w.message.theme, w.message.pattern), []).append(w.message)
    lines = []
    for (theme, pattern), hits in stopped.items():
        where = f"{hits[0].codebook}: " if hits[0].codebook else ""
        lines.append(f"{where}theme '{theme}': pattern '{pattern}' was stopped after {SEARCH_SECONDS:g} s on "
                     f"{len(hits)} answer(s) (longest {max(h.chars for h in hits):,} characters); those answers "
                     "were coded without it: check them by hand, or simplify the pattern")
    return lines


def _versions() -> dict[str, str]:
    import sklearn
    import spacy

    return {"textmine": __version__, "scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "spacy": spacy.__version__}


def _provenance(codebook: Codebook, embedder: str, coder: Any, n_human: int) -> dict[str, Any]:
    thresholds = getattr(coder, "thresholds_", None)
    return {"coder": type(coder).__name__, "embedder": embedder, "codebook_hash": codebook.hash,
            "codebook": codebook.title, "human_coded_answers": n_human, "versions": _versions(),
            "thresholds": dict(zip(codebook.ids, map(float, np.atleast_1d(thresholds))))
            if thresholds is not None and np.size(thresholds) == len(codebook.ids) else None}


def save_coder(project: Path, survey: str, question: str, coder: Any, codebook: Codebook,
               embedder: str, n_human: int) -> Path:
    """Pickle the fitted coder with what it depends on (codebook hash, versions).

    Pretrained embedding models are not pickled: they are stored by name and
    rebuilt on load (they ship in their packages), which keeps the file small.
    """
    folder = Path(project) / CODERS_DIR
    folder.mkdir(exist_ok=True)
    path = folder / f"{survey}_{question}.pkl"
    meta = {"codebook_hash": codebook.hash, "embedder": embedder, "human_coded_answers": n_human,
            "versions": _versions(), "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    with atomic_path(path) as tmp, tmp.open("wb") as fh:  # never leave a half-written coder behind
        _CoderPickler(fh, protocol=pickle.HIGHEST_PROTOCOL).dump({"meta": meta, "coder": coder})
    return path


class _CoderPickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> Any:
        from .embed import CachedEmbedder, Embedder

        if isinstance(obj, CachedEmbedder):  # holds the store's connection
            obj = obj.embedder
        if isinstance(obj, Embedder):
            if obj.is_fitted and not hasattr(obj, "_vectorizer"):
                arg = getattr(obj, obj.spec_arg, None) if obj.spec_arg else None
                return ("embedder", f"{obj.name}:{arg}" if arg else obj.name)
            return ("fitted", pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        return None


class _CoderUnpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        kind, value = pid
        if kind == "embedder":
            from .coders import resolve_embedder

            return resolve_embedder(value)
        if kind == "fitted":
            return pickle.loads(value)
        raise pickle.UnpicklingError(f"unknown persistent id {kind}")


def load_coder(project: Path, survey: str, question: str, codebook: Codebook) -> tuple[Any, dict[str, Any]]:
    """A saved coder; refused when the codebook changed since it was trained."""
    path = Path(project) / CODERS_DIR / f"{survey}_{question}.pkl"
    if not path.exists():
        raise InputError("no saved coder for this question: run 'textmine code' first", file=path)
    try:
        with path.open("rb") as fh:
            saved = _CoderUnpickler(fh).load()
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise InputError(f"cannot read the saved coder ({exc}): run 'textmine code' again", file=path) from None
    meta = saved["meta"]
    if meta["codebook_hash"] != codebook.hash:
        raise InputError(f"the codebook changed since this coder was trained (hash {meta['codebook_hash']}, "
                         f"now {codebook.hash}): run 'textmine code' again to retrain", file=path)
    return saved["coder"], meta


# --- evaluation ----------------------------------------------------------------------

MIN_EVAL_ANSWERS = 10


def evaluate_question(store: Store, question: str, *, survey: str | None = None,
                      codebook: Codebook | None = None, embedder: str | None = None, settings: Any = None,
                      factory: CoderFactory = default_coder_factory, cv: int = 5, seed: int = 0) -> dict[str, Any]:
    """Machine vs human codes of one question: cross-validated (the honest figure),
    the latest run's codes (in-sample), and human vs human where two coders overlap."""
    from .clean import clean_project
    from .embed import CachedEmbedder, StoreCache, get_embedder
    from .evaluate import coverage_at_precision, coverage_precision_curve, cross_validated_report, theme_report

    survey = open_question_survey(store, question, survey)
    codebook = codebook or resolve_codebook(store, survey, question)
    labels = human_labels(store, codebook, survey, question)
    cleaned = clean_project(store, survey=survey, question=question, settings=settings).answers
    keys, rows, Y = human_coded(labels, cleaned, codebook.ids)
    if len(keys) < MIN_EVAL_ANSWERS:
        raise InputError(f"evaluation needs at least {MIN_EVAL_ANSWERS} human-coded answers to '{question}' "
                         f"(the project has {len(keys)}): code some with 'textmine review' or --train")
    X = _answers(rows)
    emb = CachedEmbedder(get_embedder(embedder), StoreCache(store))
    folds = max(2, min(cv, len(keys) // 5))
    result = cross_validated_report(lambda: factory(codebook, emb), X, Y, cv=folds, seed=seed,
                                    theme_ids=codebook.ids)
    out: dict[str, Any] = {
        "survey": survey, "question": question, "codebook_hash": codebook.hash, "embedder": emb.key,
        "human_coded_answers": len(keys),
        "cross_validated": result.report.to_dict(),
        "coverage_at_precision_0.9": coverage_at_precision(Y, result.scores, 0.9, result.predictions),
        "coverage_curve": coverage_precision_curve(Y, result.scores, result.predictions).to_dict("records"),
    }
    machine = store.codes(survey, None, question, source="machine")
    if not machine.empty:
        m = machine.pivot_table(index=["wave", "respondent_id"], columns="theme", values="applies",
                                aggfunc="last").reindex(columns=codebook.ids).fillna(0)
        both = [k for k in keys if k in m.index]
        if both:
            rep = theme_report(Y[[keys.index(k) for k in both]], m.loc[both].to_numpy().astype(int), codebook.ids)
            out["latest_run_vs_human"] = rep.to_dict() | {
                "note": "in-sample: the latest run was trained on these human codes"}
    out["human_vs_human"] = _human_agreement(store, codebook, survey, question)
    return out


def _human_agreement(store: Store, codebook: Codebook, survey: str, question: str) -> dict[str, Any] | None:
    """Kappa and alpha between the two human coders who coded the most answers in common."""
    from itertools import combinations

    from .evaluate import theme_report

    codes = store.codes(survey, None, question, source="human")
    codes = codes[codes.theme.isin(codebook.ids)]
    per_coder = {c: g.groupby(["wave", "respondent_id", "theme"]).applies.last() for c, g in codes.groupby("coder")}
    best = None
    for a, b in combinations(sorted(per_coder), 2):
        ka = set(per_coder[a].index.droplevel("theme"))
        common = sorted(ka & set(per_coder[b].index.droplevel("theme")))
        if common and (best is None or len(common) > len(best[2])):
            best = (a, b, common)
    if best is None:
        return None
    a, b, common = best

    def matrix(coder: str) -> np.ndarray:
        s = per_coder[coder].unstack("theme").reindex(columns=codebook.ids).fillna(0)
        return s.loc[common].to_numpy().astype(int)
    rep = theme_report(matrix(a), matrix(b), codebook.ids)
    return {"coders": [a, b], "answers": len(common), "mean_kappa": rep.mean_kappa, "alpha": rep.alpha,
            "per_theme": rep.per_theme[["theme", "kappa", "alpha"]].to_dict("records")}


# --- human codes win -----------------------------------------------------------------

def current_themes(codes: pd.DataFrame, by: tuple[str, ...] = ("wave", "respondent_id")
                   ) -> dict[tuple, tuple[str, dict[str, Any]]]:
    """Per answer (the ``by`` columns): (source, {theme: score} of the themes that apply).

    If anyone coded an answer by hand, its human codes decide (the latest call per
    theme across coders: a reviewer's correction, as in human_labels); else its
    machine codes. Every answer with a code in ``codes`` is in the result, also when
    no theme applies. Callers filter ``codes`` first (themes, the answer's current text).
    """
    if codes.empty:
        return {}
    by = list(by)
    human = codes["source"] == "human"
    has_human = human.groupby([codes[c] for c in by]).transform("any")
    chosen = codes[human == has_human].sort_values("code_id", kind="stable")
    latest = chosen.drop_duplicates([*by, "theme"], keep="last")
    out: dict[tuple, tuple[str, dict[str, Any]]] = {}
    for *key, source in zip(*(latest[c] for c in by), latest["source"]):
        out.setdefault(tuple(key), (source, {}))
    applied = latest[latest["applies"] == 1]
    for *key, theme, score in zip(*(applied[c] for c in by), applied["theme"], applied["score"]):
        out[tuple(key)][1][theme] = score
    return out
