"""Fit the topic model on answers in a canonical order, reduce outliers, number topics stably.

Deterministic by construction: answers are sorted by (text hash, survey,
wave, respondent) before anything is fitted, every stage has a fixed
``random_state``, and topics are numbered by size, ties broken by their
first answer in that order. So the same answers in another order give the
same topics, with the same ids.
"""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from ..ingest import text_hash
from .features import make_features
from .model import TopicSettings, build_model

ProgressFn = Callable[[int, int], None]
MIN_ANSWERS = 5


def answer_key(a: dict[str, Any]) -> tuple[str, str, str, str]:
    """The canonical sort key of an answer (its text first, so ids cannot leak order in)."""
    return (text_hash(a["text"]), str(a.get("survey", "")), str(a.get("wave", "")),
            str(a.get("respondent_id", "")))


def lemma_doc(a: dict[str, Any]) -> str:
    """What the CountVectorizer sees: the answer's lemmas, lower case, space-joined."""
    return " ".join(str(x).lower() for x in (a.get("lemmas") or ()))


@dataclass
class TopicFit:
    """A fitted topic model of a question's answers: topic per answer, keywords and centroids, in canonical order."""

    answers: list[dict[str, Any]]     # canonical order
    embeddings: np.ndarray            # rows in that order, unit length
    topics: np.ndarray                # topic per answer, 0..k-1 (-1: still an outlier)
    model: Any                        # the fitted BERTopic, its topic ids = ours
    chosen: dict[str, Any]            # stages and sizes used
    keywords: dict[int, list[str]]
    centroids: np.ndarray             # (k, dim) unit mean vector per topic
    reduced: np.ndarray               # the reducer's output, canonical order
    docs: list[str] = field(default_factory=list)
    zeroshot_theme: dict[int, int] = field(default_factory=dict)  # topic -> index in zeroshot list
    outliers_before: int = 0
    features: np.ndarray | None = None  # what the reducer saw (features stage), canonical order
    fine_topics: np.ndarray | None = None  # before merging (reduce.py); None when nothing was merged

    @property
    def n_topics(self) -> int:
        return int(self.topics.max()) + 1 if len(self.topics) and self.topics.max() >= 0 else 0


def canonical_order(answers: Sequence[dict[str, Any]]) -> list[int]:
    """Positions of ``answers`` sorted by answer_key, so the input order does not change the topics."""
    return sorted(range(len(answers)), key=lambda i: answer_key(answers[i]))


def fit_topics(answers: Sequence[dict[str, Any]], embeddings: np.ndarray, embedder: Any,
               settings: TopicSettings | None = None, *, seed_topics: list[list[str]] | None = None,
               zeroshot_topics: list[str] | None = None, progress: ProgressFn | None = None) -> TopicFit:
    """Cluster ``answers`` (dicts with text, lemmas, ...; ``embeddings`` row per answer)."""
    settings = settings or TopicSettings()
    report = progress or (lambda done, total: None)
    if len(answers) < MIN_ANSWERS:
        from ..errors import InputError
        raise InputError(f"topics need at least {MIN_ANSWERS} answers with content, got {len(answers)}")
    order = canonical_order(answers)
    answers = [answers[i] for i in order]
    E = np.asarray(embeddings, dtype=np.float32)[order]
    docs = [lemma_doc(a) for a in answers]
    n = len(answers)
    F, features = make_features(settings.features, docs, E, settings.mode, settings.random_state)
    model, chosen = build_model(n, embedder, settings, seed_topics=seed_topics,
                                zeroshot_topics=zeroshot_topics, features=features)
    report(0, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # umap/numba chatter; nothing the user can act on
        raw, _ = model.fit_transform(docs, embeddings=F.copy())  # guided mode edits it in place
    report(1, 4)
    raw = np.asarray(raw, dtype=int)
    zs = dict(getattr(model, "_topic_id_to_zeroshot_topic_idx", {}) or {})
    outliers_before = int((raw == -1).sum())
    if not (raw >= 0).any():  # no dense region at all: one topic rather than none
        raw = np.zeros_like(raw)
    outliers = settings.outliers
    if outliers == "auto":
        outliers = "reduced" if features == "embedding+lemma-svd" else "embeddings"
    chosen["outliers"] = outliers
    if outliers_before and (raw >= 0).any():
        # Short answers must not vanish into -1: move them to the nearest topic.
        if outliers == "reduced":
            raw = nearest_mean(raw, _reduced(model, F))
        else:
            raw = np.asarray(model.reduce_outliers(docs, list(raw), strategy="embeddings", embeddings=F,
                                                   threshold=settings.outlier_threshold), dtype=int)
    report(2, 4)
    topics, centroids, keywords, zeroshot_theme = finish(model, docs, E, raw, settings, zs)
    reduced = _reduced(model, F)
    report(3, 4)
    return TopicFit(answers, E, topics, model, chosen, keywords, centroids, reduced, docs,
                    zeroshot_theme, outliers_before, F)


def finish(model: Any, docs: list[str], E: np.ndarray, raw: np.ndarray, settings: TopicSettings,
           zeroshot: dict[int, int] | None = None
           ) -> tuple[np.ndarray, np.ndarray, dict[int, list[str]], dict[int, int]]:
    """Number ``raw`` topics by size and refit the model's representation on them.

    Returns (topics, centroids, keywords, zero-shot theme per topic). Used after the fit and again
    after topics are merged (reduce.py): BERTopic's ``update_topics`` resets its ``topics_``, sizes,
    c-TF-IDF and keywords, so its views show the same topics as ours."""
    topics, mapping = renumber(raw)
    model._topic_id_to_zeroshot_topic_idx = {}  # stale once renumbered; kept on the fit instead
    zeroshot_theme = {mapping[t]: int(i) for t, i in (zeroshot or {}).items() if t in mapping}
    with warnings.catch_warnings(), _quiet_bertopic():
        warnings.simplefilter("ignore")
        model.update_topics(docs, topics=list(topics), top_n_words=settings.top_n_words,
                            vectorizer_model=model.vectorizer_model, ctfidf_model=model.ctfidf_model)
    k = int(topics.max()) + 1 if (topics >= 0).any() else 0
    centroids = np.zeros((k, E.shape[1]), dtype=np.float32)
    for t in range(k):
        c = E[topics == t].mean(0)
        centroids[t] = c / (np.linalg.norm(c) or 1.0)
    # BERTopic's views and outlier step read these: our centroids, in its row order
    model.topic_embeddings_ = np.vstack(([E[topics == -1].mean(0)] if (topics == -1).any() else []) +
                                        [centroids]) if k else model.topic_embeddings_
    keywords = {t: [w for w, s in (model.get_topic(t) or []) if w and s > 0] for t in range(k)}
    return topics, centroids, keywords, zeroshot_theme


def nearest_mean(raw: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Each outlier (-1) to the topic whose mean in ``Z`` (the reducer's space) is nearest."""
    raw = raw.copy()
    out = raw < 0
    ids = np.unique(raw[~out])
    means = np.vstack([Z[raw == t].mean(0) for t in ids])
    rows = np.flatnonzero(out)
    for start in range(0, len(rows), 2000):  # in chunks: 30,000 answers x 1,000 topics is a lot of floats
        chunk = rows[start:start + 2000]
        d = ((Z[chunk][:, None, :] - means[None]) ** 2).sum(-1)
        raw[chunk] = ids[d.argmin(1)]
    return raw


@contextmanager
def _quiet_bertopic() -> Iterator[None]:
    """BERTopic warns about custom topic lists in update_topics: that is exactly our use."""
    log = logging.getLogger("BERTopic")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def renumber(raw: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Topic ids by size (largest 0), ties by the first answer (canonical order); -1 stays."""
    labels = [t for t in dict.fromkeys(raw.tolist()) if t != -1]  # in order of first answer
    first = {t: int(np.flatnonzero(raw == t)[0]) for t in labels}
    size = {t: int((raw == t).sum()) for t in labels}
    ranked = sorted(labels, key=lambda t: (-size[t], first[t]))
    mapping = {t: i for i, t in enumerate(ranked)}
    return np.array([mapping.get(t, -1) for t in raw.tolist()], dtype=int), mapping


def _reduced(model: Any, E: np.ndarray) -> np.ndarray:
    """The reducer's embedding of the answers (for the documents map)."""
    reducer = model.umap_model
    emb = getattr(reducer, "embedding_", None)
    if emb is not None and len(emb) == len(E):
        return np.asarray(emb, dtype=np.float32)
    try:
        return np.asarray(reducer.transform(E), dtype=np.float32)
    except Exception:  # an odd custom reducer: fall back on the raw vectors
        return E
