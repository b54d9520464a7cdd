"""The topic stages' vocabulary: what counts as a word, and which words are no topic."""

from __future__ import annotations

from functools import lru_cache

TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w-]+\b"


@lru_cache(maxsize=1)
def stop_words() -> tuple[str, ...]:
    """spaCy's Dutch stop words plus data/stopwords_nl_domain.txt, as the cleaner uses them,
    plus scikit-learn's English list: a few answers are in English ("the", "with" are no topic)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from ..nlp.cleaning import load_stop_words  # spaCy: loaded when topics are made, not on import

    return tuple(sorted(load_stop_words() | ENGLISH_STOP_WORDS))


@lru_cache(maxsize=1)
def stop_set() -> frozenset[str]:
    """``stop_words()`` for membership tests (built once: word checks run per answer)."""
    return frozenset(stop_words())
