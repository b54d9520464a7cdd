"""Fewer topics to read: merge the fine clusters' most similar topics until a target count.

HDBSCAN (leaf, small min_cluster_size) finds many small, pure clusters: good
for spotting what the codebook misses, too many to read (about 37 for 300
answers, 190 for 3,000, 1,000 for 30,000). This stage merges them AFTER the
fine clustering, agglomeratively with Ward's criterion on the directions of
the topics' mean vectors in the features the clusterer saw (features.py):
the pair whose merge adds the least spread merges first, until ``target``
topics are left.
Ties go to the pair with the lowest topic ids (topics are numbered
canonically by size), so the result is deterministic.

BERTopic's own ``reduce_topics`` merges by c-TF-IDF similarity of the topics'
words; on answers of six words most topic pairs share no word, so that
similarity is mostly zero and ties decide: the features (sentence vector +
lemma LSA) carry the same word evidence and also the meaning.

``groups``: a key per fine topic; topics merge only within the same key. With
it ``find_topics`` keeps topics flagged new apart from covered ones (see
``TopicSettings.merge_novelty``).

The target (``target_topics``): 1.25 * sqrt(n), between 5 and 60: 16 topics
for 170 answers, 22 for 300, 46 for 1,327, 60 from 2,300 answers on: a list
that reads in a few minutes; see scripts/eval_topics_results.md for what it
costs in novelty and agreement.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Sequence

import numpy as np

from .cluster import finish

MergeFn = Callable[[np.ndarray, np.ndarray, int, Sequence[Any] | None], np.ndarray]


def merge_by_centroid(F: np.ndarray, topics: np.ndarray, target: int,
                      groups: Sequence[Any] | None = None) -> np.ndarray:
    """Merged topic per answer, named by the lowest fine topic id in it (-1 stays -1).

    Ward's criterion on the directions of the topics' mean features: the pair with the least
    ``n_i n_j / (n_i + n_j) * (2 - 2 cos(mean_i, mean_j))`` merges first. Both parts matter
    (scratch runs, scripts/eval_topics_results.md): without the size factor (cosine of the
    means only) one topic swallowed its neighbours (1,327 texts down to 46 topics: one of 879
    texts); with raw means instead of directions a mixed topic's mean, near the origin, was the
    nearest to all (30,000 answers down to 60 topics: one of 12,572). ``F``: features per answer;
    ``topics``: fine topics 0..k-1; ``groups``: merge only within equal keys."""
    topics = np.asarray(topics, dtype=int)
    k = int(topics.max()) + 1 if (topics >= 0).any() else 0
    if k <= target:
        return topics.copy()
    F = np.asarray(F, dtype=np.float64)
    inside = topics >= 0
    sizes = np.bincount(topics[inside], minlength=k).astype(np.float64)
    sums = np.zeros((k, F.shape[1]))
    np.add.at(sums, topics[inside], F[inside])
    means = sums / np.maximum(sizes, 1.0)[:, None]
    allowed = np.ones((k, k), dtype=bool)
    if groups is not None:
        _, g = np.unique(np.array([repr(x) for x in groups]), return_inverse=True)
        allowed = g[:, None] == g[None, :]
    np.fill_diagonal(allowed, False)

    def costs(i: int) -> np.ndarray:
        # on the DIRECTIONS of the means: a large mixed topic's mean lies near the origin, so
        # with raw means it is the nearest to every small topic and swallows them
        u = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        d = 2.0 - 2.0 * (u @ u[i])
        return sizes * sizes[i] / (sizes + sizes[i]) * d

    C = np.vstack([costs(i) for i in range(k)])
    C = np.where(allowed, C, np.inf)
    alive = np.ones(k, dtype=bool)
    root = np.arange(k)
    left = k
    while left > target:
        flat = int(np.argmin(C))  # first minimum in row-major order: the lowest (i, j), i < j
        i, j = divmod(flat, k)
        if not np.isfinite(C[i, j]):
            break  # no pair may merge (groups): stop above the target
        i, j = min(i, j), max(i, j)
        sums[i] += sums[j]
        sizes[i] += sizes[j]
        means[i] = sums[i] / sizes[i]
        root[root == j] = i
        alive[j] = False
        C[j, :] = np.inf
        C[:, j] = np.inf
        row = np.where(alive & allowed[i], costs(i), np.inf)
        row[i] = np.inf
        C[i, :] = row
        C[:, i] = row
        left -= 1
    return np.where(inside, root[np.maximum(topics, 0)], -1)


MERGERS: dict[str, MergeFn] = {"centroid": merge_by_centroid}


def make_merger(spec: Any) -> MergeFn:
    """The topic merge function named ``spec`` (a callable is used as given)."""
    if callable(spec):
        return spec
    if spec not in MERGERS:
        from ..errors import InputError
        raise InputError(f"unknown merge '{spec}'; available: {', '.join(MERGERS)}")
    return MERGERS[spec]


def merge_with_quotas(merger: MergeFn, F: np.ndarray, topics: np.ndarray, groups: Sequence[Any],
                      quotas: dict[Any, int]) -> np.ndarray:
    """Merge each group's topics apart, down to its quota (groups without a quota stay as they are).
    Merged topics are named by their lowest fine id, as ``merge_by_centroid`` names them."""
    out = topics.copy()
    for key, quota in sorted(quotas.items(), key=lambda kv: repr(kv[0])):
        members = [t for t, g in enumerate(groups) if g == key]
        if len(members) <= quota:
            continue
        local = {t: i for i, t in enumerate(members)}
        rows = np.isin(topics, members)
        sub = merger(F[rows], np.array([local[t] for t in topics[rows].tolist()]), max(1, quota), None)
        out[rows] = np.asarray(members)[sub]
    return out


def reduce_fit(fit: Any, target: int, settings: Any, groups: Sequence[Any] | None = None,
               quotas: dict[Any, int] | None = None) -> Any:
    """``fit`` (a TopicFit) with its topics merged down to ``target`` (fewer only when ``groups``
    forbid more merges); topics renumbered by size, model, keywords and centroids refitted.
    ``quotas``: {group: topics} to merge each group down to apart instead (``groups`` needed).
    ``fit.fine_topics`` keeps each answer's fine topic."""
    if fit.n_topics <= target:
        return fit
    F = fit.features if fit.features is not None else fit.embeddings
    groups = list(groups) if groups is not None else [0] * fit.n_topics
    for t in fit.zeroshot_theme:  # a zero-shot topic is one codebook theme: never merged
        groups[t] = ("zeroshot", t)
    merger = make_merger(settings.merge)
    if quotas:
        merged = merge_with_quotas(merger, F, fit.topics, groups, quotas)
    else:
        merged = merger(F, fit.topics, target, groups)
    topics, centroids, keywords, zs = finish(fit.model, fit.docs, fit.embeddings, merged, settings,
                                             fit.zeroshot_theme)
    chosen = dict(fit.chosen, fine_topics=fit.n_topics, max_topics=target,
                  merge=settings.merge if isinstance(settings.merge, str) else "custom")
    return replace(fit, topics=topics, centroids=centroids, keywords=keywords, zeroshot_theme=zs,
                   chosen=chosen, fine_topics=fit.topics)
