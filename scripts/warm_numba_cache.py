"""Fill numba's on-disk cache with the UMAP/pynndescent code textmine's topics use.

Runs textmine's own topic code (``find_topics``: features, UMAP, HDBSCAN) on small random
answers, so the functions compiled are the ones a real run needs; numba saves them in the
folder ``textmine.numba_cache`` chose, and later processes load instead of compiling (~20 s
of the demo on 2 cores). Above 4,096 answers UMAP finds neighbours with pynndescent instead,
so ``--large`` also runs 4,200 answers (slower: a minute).

    .venv/bin/python scripts/warm_numba_cache.py [--large]

scripts/setup.sh runs it. Prints the cache folder and the seconds each fit took.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textmine import numba_cache  # noqa: E402

WORDS = ("gemeente stedenband school water klimaat jongeren markt fietsen onderwijs armoede "
         "partnerschap duurzaam energie afval vluchtelingen cultuur sport gezondheid bibliotheek "
         "festival subsidie vrijwilligers bedrijven landbouw voedsel").split()


def answers(n: int, seed: int) -> list[dict]:
    import random

    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = rng.sample(WORDS, rng.randint(3, 8))
        text = " ".join(words)
        out.append({"text": text, "redacted_text": text, "lemmas": words, "key_phrases": words[:2],
                    "wave": "2022" if i % 2 else "2025", "respondent_id": f"w{i}"})
    return out


def warm(n: int, embedder) -> float:
    import numpy as np

    from textmine.topics import TopicSettings
    from textmine.topics.run import find_topics

    rows = answers(n, seed=n)
    rng = np.random.default_rng(n)
    vectors = rng.normal(size=(n, embedder.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    t0 = time.perf_counter()
    find_topics(rows, embedder, None, TopicSettings(views=False, reducer="umap", clusterer="hdbscan"),
                embeddings=vectors)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="also 4,200 answers (pynndescent's neighbours)")
    args = parser.parse_args()
    folder = numba_cache.configure()
    if folder is None:
        print("numba cache: no writable folder (or switched off); nothing to warm")
        return
    from textmine.embed import get_embedder

    embedder = get_embedder("tfidf-char", dim=16).fit([a["text"] for a in answers(200, 0)])
    sizes = [200] + ([4200] if args.large else [])
    times = ", ".join(f"{n} answers {warm(n, embedder):.1f} s" for n in sizes)
    print(f"numba cache warmed in {folder} ({times})")


if __name__ == "__main__":
    main()
