"""Sizes chosen from the number of answers, shared by the topic stages.

When the small-data recipe takes over (features.py, model.py), HDBSCAN's,
UMAP's and KMeans' sizes (model.py), and how many topics are left to read
after merging (reduce.py). Measured in scripts/eval_topics_results.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError

# Below this many answers UMAP's neighbour graph and HDBSCAN's density are too
# thin to trust: PCA + KMeans then (measured in eval_topics_results.md).
SMALL_DATA = 60


def adaptive_min_cluster_size(n: int, coefficient: float = 0.15) -> int:
    """HDBSCAN's smallest cluster: ``coefficient`` * sqrt(n), between 3 and 100.

    With the embedding+lemma-svd features the coefficient is 0.08 (3 up to
    ~1,400 answers, 4 for 3,000, 14 for 30,000): the novelty lab chose
    min_cluster_size 3 on 1,327 real texts (tuning seeds); larger sizes are
    that choice scaled with sqrt(n), not measured separately.

    With the plain embedding (0.15):
    3 up to ~600 answers (a subject named by three respondents is worth a
    look), 5 for 1,300, 8 for 3,000, 26 for 30,000. On real texts (tuning
    split of scripts/eval_topics.py) 0.15 * sqrt(n) gave twice as many
    clusters pure enough to be a theme as 0.3 * sqrt(n) (4 vs 2 of 6 dropped
    themes reachable), at the price of more topics to read."""
    return int(min(100, max(3, round(coefficient * np.sqrt(n)))))


LEMMA_SVD_SIZE_COEFFICIENT = 0.08


def adaptive_n_neighbors(n: int) -> int:
    """Few neighbours for small data (local structure), 15 (UMAP's default) from 750 on."""
    return int(min(15, max(5, n // 50)))


def adaptive_n_clusters(n: int) -> int:
    """KMeans k: about sqrt(n / 2), between 2 and 40."""
    return int(min(40, max(2, round(np.sqrt(n / 2)))))


# The number of topics to read (see reduce.py).
TARGET_COEFFICIENT = 1.25
TARGET_MIN, TARGET_MAX = 5, 60


def target_topics(n: int) -> int:
    """How many topics to show for ``n`` answers: 1.25 * sqrt(n), between 5 and 60."""
    return int(min(TARGET_MAX, max(TARGET_MIN, round(TARGET_COEFFICIENT * np.sqrt(n)))))


def resolve_max_topics(spec: Any, n: int) -> int | None:
    """``auto`` -> ``target_topics(n)``; an int >= 1 as given; None/0 -> no reduction."""
    if spec is None or spec is False or spec == 0:
        return None
    if spec == "auto":
        return target_topics(n)
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool) and spec >= 1:
        return int(spec)
    raise InputError(f"max_topics must be 'auto', a whole number >= 1, or None or 0 (no reduction), not '{spec}'")
