"""Topics across waves: share of each wave's answers per topic; topics that appear or vanish.

One model is fitted over all waves together, so a topic means the same in
each wave; its share in a wave is the part of that wave's clustered answers
(answers with content) that fell in the topic.

The rule for ``topic_changes(clusters, a, b)``:

- a topic **appeared** in wave b when in b it has at least ``MIN_COUNT`` (3)
  answers and at least ``MIN_SHARE`` (5%) of b's answers, while in wave a it
  is near zero: at most ``NEAR_ZERO_COUNT`` (1) answer or under
  ``NEAR_ZERO_SHARE`` (1%) of a's answers;
- a topic **vanished** when the same holds with a and b swapped.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

MIN_COUNT = 3
MIN_SHARE = 0.05
NEAR_ZERO_COUNT = 1
NEAR_ZERO_SHARE = 0.01


def wave_shares(member_waves: Sequence[str], wave_totals: dict[str, int]) -> dict[str, dict[str, Any]]:
    """{wave: {"count": answers of the topic in it, "share": of that wave's answers}} for every wave."""
    counts = Counter(member_waves)
    return {w: {"count": int(counts.get(w, 0)),
                "share": round(counts.get(w, 0) / total, 4) if total else 0.0}
            for w, total in sorted(wave_totals.items())}


def _present(entry: dict[str, Any] | None) -> bool:
    return bool(entry) and entry["count"] >= MIN_COUNT and entry["share"] >= MIN_SHARE


def _near_zero(entry: dict[str, Any] | None) -> bool:
    return not entry or entry["count"] <= NEAR_ZERO_COUNT or entry["share"] < NEAR_ZERO_SHARE


def topic_changes(clusters: list[dict[str, Any]], wave_a: str, wave_b: str) -> dict[str, list[dict[str, Any]]]:
    """Topics that appeared in ``wave_b`` (near zero in ``wave_a``) and that vanished from it.

    ``clusters``: the cluster dicts of a topics run (``Store.topic_clusters``),
    each with ``waves``; see the module docstring for the rule."""
    appeared, vanished = [], []
    for c in clusters:
        waves = c.get("waves") or {}
        a, b = waves.get(wave_a), waves.get(wave_b)
        if _present(b) and _near_zero(a):
            appeared.append(c)
        elif _present(a) and _near_zero(b):
            vanished.append(c)
    return {"appeared": appeared, "vanished": vanished}
