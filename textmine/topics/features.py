"""What the reducer sees per answer: a swappable features stage.

- ``embedding``: the answer's sentence vector (unit length).
- ``embedding+lemma-svd``: ``unit([e ; unit(SVD(lemma TF-IDF))])``, the
  sentence vector side by side with a 100-dimensional LSA of the answer's
  lemmas (TF-IDF on lower-case lemmas, textmine's stop words, ``min_df=2``,
  ``max_df=0.5``, sublinear tf; ``TruncatedSVD(random_state=0)``). Sentence
  vectors of short Dutch answers mix subjects that share a tone; the lemmas
  pull answers that name the same thing together. On real texts this gave
  purer clusters (scripts/eval_topics_results.md).

Small data: below ``SMALL_DATA`` answers ``auto`` uses the embedding alone.
SVD needs fewer components than terms and answers, so it uses
``min(100, terms - 1, answers - 1)``; with fewer than 2 (or no term in two
answers) the stage falls back on the embedding alone and says so in
``chosen``. Guided and zero-shot modes compare answers with theme vectors of
the embedder, so they always get the plain embedding.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .sizes import SMALL_DATA
from .vocabulary import TOKEN_PATTERN, stop_words

SVD_COMPONENTS = 100


def unit(v: np.ndarray) -> np.ndarray:
    """``v`` scaled to unit length along its last axis (zero vectors stay zero)."""
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def lemma_svd(docs: Sequence[str], n_components: int = SVD_COMPONENTS, random_state: int = 0
              ) -> np.ndarray | None:
    """Unit-length LSA rows of the lemma documents, or None when the data are too small for it."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(docs)
    if n < 4:  # min_df=2 and max_df=0.5 cannot both hold
        return None
    vec = TfidfVectorizer(stop_words=list(stop_words()), min_df=2, max_df=0.5, sublinear_tf=True,
                          token_pattern=TOKEN_PATTERN)
    try:
        X = vec.fit_transform(docs)
    except ValueError:  # no term left after pruning
        return None
    k = min(n_components, X.shape[1] - 1, n - 1)
    if k < 2:
        return None
    S = TruncatedSVD(n_components=k, random_state=random_state).fit_transform(X)
    return unit(S.astype(np.float32))


def _embedding(docs: Sequence[str], E: np.ndarray, random_state: int) -> tuple[np.ndarray, str]:
    return np.asarray(E, dtype=np.float32), "embedding"  # as given: the embedder's own scale


def _embedding_lemma_svd(docs: Sequence[str], E: np.ndarray, random_state: int) -> tuple[np.ndarray, str]:
    S = lemma_svd(docs, random_state=random_state)
    if S is None:
        return np.asarray(E, dtype=np.float32), "embedding (too few terms for lemma-svd)"
    return unit(np.hstack([unit(np.asarray(E, dtype=np.float32)), S])).astype(np.float32), "embedding+lemma-svd"


FeaturesFn = Callable[[Sequence[str], np.ndarray, int], tuple[np.ndarray, str]]
FEATURES: dict[str, FeaturesFn] = {"embedding": _embedding, "embedding+lemma-svd": _embedding_lemma_svd}


def choose_features(spec: Any, mode: str, n: int | None = None) -> Any:
    """``auto``: lemma-svd next to the embedding in plain mode from ``SMALL_DATA`` answers on (where
    UMAP + HDBSCAN run and recipe D was measured); the embedding alone below it (PCA + KMeans, as
    before: on 48 hand-written answers lemma-svd merged two subjects that share a word) and in
    guided and zero-shot mode (BERTopic compares the features with the embedder's theme vectors)."""
    if spec == "auto":
        small = n is not None and n < SMALL_DATA
        return "embedding+lemma-svd" if mode == "plain" and not small else "embedding"
    return spec


def make_features(spec: Any, docs: Sequence[str], E: np.ndarray, mode: str, random_state: int = 0
                  ) -> tuple[np.ndarray, str]:
    """(features per answer, the name of what was used). ``spec``: a name or a callable with the
    signature of the registry's functions."""
    spec = choose_features(spec, mode, len(docs))
    if callable(spec):
        F, name = spec(docs, E, random_state)
        return np.asarray(F, dtype=np.float32), name
    if spec not in FEATURES:
        from ..errors import InputError
        raise InputError(f"unknown features '{spec}'; available: auto, {', '.join(FEATURES)}")
    if spec != "embedding" and mode != "plain":
        from ..errors import InputError
        raise InputError(f"features '{spec}' work in plain mode only (guided and zero-shot compare "
                         "answers with the embedder's theme vectors)")
    return FEATURES[spec](docs, E, random_state)
