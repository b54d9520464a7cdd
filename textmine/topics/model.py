"""BERTopic for a few hundred short Dutch answers, stage by stage.

Each stage is swappable, BERTopic-style: the features the reducer sees
(``embedding``, ``embedding+lemma-svd``: features.py), a reducer (``umap``,
``pca``) and a clusterer (``hdbscan``, ``kmeans``) are built by name from a
small registry, or passed in as any scikit-learn-style object (a callable for
features). ``auto`` picks by data size and mode (see ``choose_stages`` and
``features.choose_features``; measured in scripts/eval_topics_results.md).

Embeddings never come from a hub model: BERTopic gets textmine's own
embedder wrapped as a ``BaseEmbedder`` (``TextmineBackend``), which it uses
only for the codebook's seed keywords (guided mode) and theme texts
(zero-shot mode); the answers' vectors are passed in precomputed (cached in
the project store).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import numpy as np

from .sizes import (LEMMA_SVD_SIZE_COEFFICIENT, SMALL_DATA, adaptive_min_cluster_size, adaptive_n_clusters,
                    adaptive_n_neighbors, resolve_max_topics)
from .vocabulary import TOKEN_PATTERN, stop_words

MODES = ("plain", "guided", "zeroshot")
MERGE_NOVELTY = ("keep-new", "within-status", "after")


@dataclass
class TopicSettings:
    """How topics are found. ``None`` means: chosen from the number of answers."""

    # guided: the codebook's keywords pull answers towards their theme; zeroshot: answers close to
    # a theme's label + description (cosine >= zeroshot_min_similarity) form that theme's topic,
    # the rest is clustered. Measured in scripts/eval_topics_results.md: neither brought back
    # more left-out themes than plain with fewer false flags (differences of one cluster, in
    # both directions, between the tuning and the test splits), so plain stays the default.
    mode: str = "plain"              # plain | guided (codebook keywords) | zeroshot (codebook labels)
    features: Any = "auto"           # auto | embedding | embedding+lemma-svd | a callable (features.py)
    reducer: Any = "auto"            # auto | umap | pca | an object with fit/transform
    clusterer: Any = "auto"          # auto | hdbscan | kmeans | an object with fit and labels_
    n_components: int = 5
    n_neighbors: int | None = None
    min_cluster_size: int | None = None
    n_clusters: int | None = None    # kmeans only
    # outliers: "reduced" moves each to the nearest topic mean in the reducer's space; "embeddings"
    # uses BERTopic's reduce_outliers on the features (with outlier_threshold); "auto": reduced
    # with the embedding+lemma-svd features, embeddings otherwise (as measured for each recipe)
    outliers: str = "auto"
    outlier_threshold: float = 0.0   # reduce_outliers: min cosine to a topic (0: every outlier moves)
    zeroshot_min_similarity: float = 0.5
    top_n_words: int = 10
    # Fewer topics to read (reduce.py): after the fine clustering, the most similar topics are merged
    # until max_topics are left. auto: 1.25 * sqrt(n) between 5 and 60; an int; None: no merging.
    max_topics: Any = "auto"
    merge: Any = "centroid"          # centroid | a callable (features, topics, target, groups) -> topics
    # Novelty and merging (measured in scripts/eval_topics_results.md): keep-new: novelty is judged on
    # the fine topics, topics flagged new are kept as they are and only covered ones merge (when more
    # than half the target is flagged, flagged topics merge among themselves down to half of it);
    # within-status: flagged topics may merge with each other, never with covered ones (both keep
    # the fine flags); after: novelty is judged on the merged topics.
    merge_novelty: str = "keep-new"
    random_state: int = 0
    views: bool = True               # write the HTML views
    # hdbscan: {"selection": "eom", "min_samples": 3, "size_coefficient": 0.15}
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            from ..errors import InputError
            raise InputError(f"topic mode must be one of {', '.join(MODES)}, not '{self.mode}'")
        if self.merge_novelty not in MERGE_NOVELTY:
            from ..errors import InputError
            raise InputError(f"merge_novelty must be one of {', '.join(MERGE_NOVELTY)}, "
                             f"not '{self.merge_novelty}'")
        resolve_max_topics(self.max_topics, 100)  # a bad value fails before the fit, not after


def choose_stages(n: int, settings: TopicSettings) -> tuple[str, str]:
    """The (reducer, clusterer) names for ``n`` answers (names or ``custom``)."""
    reducer = settings.reducer if isinstance(settings.reducer, str) else "custom"
    clusterer = settings.clusterer if isinstance(settings.clusterer, str) else "custom"
    if reducer == "auto":
        reducer = "pca" if n < SMALL_DATA else "umap"
    if clusterer == "auto":
        clusterer = "kmeans" if n < SMALL_DATA else "hdbscan"
    return reducer, clusterer


# --- the stage registry --------------------------------------------------------------

def _umap(n: int, s: TopicSettings) -> Any:
    from .. import numba_cache

    numba_cache.configure()  # before umap is imported (numba_cache.py)
    from umap import UMAP

    numba_cache.enable_caching()

    # random_state makes UMAP single-threaded and deterministic: the point here.
    return UMAP(n_neighbors=min(s.n_neighbors or adaptive_n_neighbors(n), max(2, n - 1)),
                n_components=min(s.n_components, max(2, n - 2)), min_dist=0.0, metric="cosine",
                random_state=s.random_state, low_memory=True)


def _pca(n: int, s: TopicSettings) -> Any:
    from sklearn.decomposition import PCA

    return PCA(n_components=min(s.n_components, max(1, n - 1)), svd_solver="full")


def _hdbscan(n: int, s: TopicSettings) -> Any:
    from hdbscan import HDBSCAN

    size = s.min_cluster_size or adaptive_min_cluster_size(n, s.extra.get("size_coefficient", 0.15))
    # "leaf", not HDBSCAN's default "eom": on short answers eom often swallowed
    # nearly everything into 2-6 giant clusters (measured: 1,327 real texts,
    # min_cluster_size 10 -> 6 clusters, NMI 0.08; leaf -> 38 clusters, NMI 0.37).
    return HDBSCAN(min_cluster_size=size, min_samples=s.extra.get("min_samples") or max(2, min(size, 5)),
                   metric="euclidean", cluster_selection_method=s.extra.get("selection", "leaf"),
                   prediction_data=False)


def _kmeans(n: int, s: TopicSettings) -> Any:
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=min(s.n_clusters or adaptive_n_clusters(n), n), n_init=10,
                  random_state=s.random_state)


REDUCERS: dict[str, Callable[[int, TopicSettings], Any]] = {"umap": _umap, "pca": _pca}
CLUSTERERS: dict[str, Callable[[int, TopicSettings], Any]] = {"hdbscan": _hdbscan, "kmeans": _kmeans}


class FittedRowsReducer:
    """A reducer that maps the rows it was fitted on to their fitted coordinates.

    BERTopic's zero-shot mode fits the reducer on all answers, then calls
    ``transform`` on the answers no theme claimed: for UMAP that is a second,
    approximate and slow projection of points it already placed (3,000
    answers: ~2x the whole run). Looking the rows up gives the exact fitted
    coordinates, instantly; rows it never saw go to the wrapped reducer.
    ``seed``: for the eigensolver of UMAP's spectral start (``seeded_eigsh``)."""

    def __init__(self, reducer: Any, seed: int = 0) -> None:
        self.reducer = reducer
        self.seed = seed

    def fit(self, X: np.ndarray, y: Any = None) -> FittedRowsReducer:
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X: np.ndarray, y: Any = None) -> np.ndarray:
        X = np.ascontiguousarray(X)
        with seeded_eigsh(self.seed):
            try:
                out = self.reducer.fit_transform(X, y=y)
            except TypeError:  # a reducer without y
                out = self.reducer.fit_transform(X)
        self.embedding_ = np.asarray(out)
        self._rows = {row.tobytes(): i for i, row in enumerate(X)}
        return self.embedding_

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.ascontiguousarray(X)
        idx = [self._rows.get(row.tobytes()) for row in X]
        if all(i is not None for i in idx):
            return self.embedding_[np.asarray(idx, dtype=int)] if idx else self.embedding_[:0]
        return np.asarray(self.reducer.transform(X))

    def __getattr__(self, name: str) -> Any:  # n_neighbors, n_components, ... of the wrapped one
        if name in ("reducer", "seed", "__setstate__", "__getstate__") or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.reducer, name)


@contextmanager
def seeded_eigsh(seed: int) -> Iterator[None]:
    """While UMAP fits: scipy's ``eigsh`` with a fixed ``rng`` unless the caller passes one.

    UMAP's spectral start lays out each connected component of its neighbour graph with
    ``eigsh`` and no seed. On a component of 10-13 answers (near-duplicates; with 5 components
    ARPACK's Krylov space is then the whole component) it runs out of space and scipy (>= 1.15)
    draws a new start vector from OS entropy: measured, 30,000 answers (448 components, 76 of
    them laid out differently) gave other topics on every run (scripts/check_topics_determinism.py).
    Patched for the fit only (process-wide meanwhile; older scipy has no ``rng``: left as is)."""
    import inspect

    import scipy.sparse.linalg as linalg

    original = linalg.eigsh
    if "rng" not in inspect.signature(original).parameters:
        yield
        return

    def eigsh(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("rng", seed)
        return original(*args, **kwargs)

    linalg.eigsh = eigsh
    try:
        yield
    finally:
        linalg.eigsh = original


def make_stage(spec: Any, registry: dict[str, Callable[[int, TopicSettings], Any]], n: int,
               settings: TopicSettings, what: str) -> Any:
    """The reducer or clusterer named ``spec`` from ``registry`` (an estimator object is used as given)."""
    if not isinstance(spec, str):
        return spec  # an estimator object: used as given
    if spec not in registry:
        from ..errors import InputError
        raise InputError(f"unknown {what} '{spec}'; available: auto, {', '.join(registry)}")
    return registry[spec](n, settings)


# --- the vocabulary --------------------------------------------------------------------

def make_vectorizer() -> Any:
    """Counts of lemmas (documents are space-joined lemmas) without stop words.

    ``min_df=1``: BERTopic applies it to the per-topic documents, so anything
    higher would empty the keywords of small topics."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(stop_words=list(stop_words()), min_df=1, ngram_range=(1, 2),
                           token_pattern=TOKEN_PATTERN)


def make_ctfidf() -> Any:
    """BERTopic's class TF-IDF that weighs words used everywhere less."""
    from bertopic.vectorizers import ClassTfidfTransformer

    # sqrt of term frequency: words that are everywhere (a survey's own topic) weigh less
    return ClassTfidfTransformer(reduce_frequent_words=True)


# --- our embedder as a BERTopic backend --------------------------------------------

def textmine_backend(embedder: Any) -> Any:
    """``embedder`` (anything with ``encode(list[str])``) as a BERTopic ``BaseEmbedder``."""
    from bertopic.backend import BaseEmbedder

    class TextmineBackend(BaseEmbedder):
        def __init__(self, emb: Any) -> None:
            super().__init__(embedding_model=emb)

        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            return np.asarray(self.embedding_model.encode(list(documents)), dtype=np.float32)

    return TextmineBackend(embedder)


def build_model(n: int, embedder: Any, settings: TopicSettings, *,
                seed_topics: list[list[str]] | None = None,
                zeroshot_topics: list[str] | None = None,
                features: str = "embedding") -> tuple[Any, dict[str, Any]]:
    """A BERTopic instance for ``n`` answers, and a record of what was chosen.

    ``features``: the name the features stage used (it sets HDBSCAN's size coefficient)."""
    from dataclasses import replace

    from .. import numba_cache

    numba_cache.configure()  # BERTopic imports umap: its compiled code cached from the start
    from bertopic import BERTopic

    numba_cache.enable_caching()

    if features == "embedding+lemma-svd" and "size_coefficient" not in settings.extra:
        settings = replace(settings, extra={**settings.extra, "size_coefficient": LEMMA_SVD_SIZE_COEFFICIENT})

    reducer_name, clusterer_name = choose_stages(n, settings)
    reducer = make_stage(settings.reducer if reducer_name == "custom" else reducer_name,
                         REDUCERS, n, settings, "reducer")
    clusterer = make_stage(settings.clusterer if clusterer_name == "custom" else clusterer_name,
                           CLUSTERERS, n, settings, "clusterer")
    guided = settings.mode == "guided" and bool(seed_topics)
    zeroshot = settings.mode == "zeroshot" and bool(zeroshot_topics)
    model = BERTopic(
        language="dutch", top_n_words=settings.top_n_words, min_topic_size=2,
        embedding_model=textmine_backend(embedder), umap_model=FittedRowsReducer(reducer, settings.random_state),
        hdbscan_model=clusterer,
        vectorizer_model=make_vectorizer(), ctfidf_model=make_ctfidf(),
        seed_topic_list=seed_topics if guided else None,
        zeroshot_topic_list=zeroshot_topics if zeroshot else None,
        zeroshot_min_similarity=settings.zeroshot_min_similarity, calculate_probabilities=False,
        verbose=False)
    chosen = {"features": features, "reducer": reducer_name, "clusterer": clusterer_name, "mode": settings.mode,
              "guided": guided, "zeroshot": zeroshot}
    for key in ("n_neighbors", "n_components", "min_cluster_size", "n_clusters"):
        for stage in (reducer, clusterer):
            if hasattr(stage, key):
                chosen[key] = getattr(stage, key)
    return model, chosen
