"""Ids from free text: theme ids from labels (codebook.py), question ids from headers (infer.py).

``Steun voor de wereldwinkel`` -> ``steun_wereldwinkel``: accents folded to
ASCII, lower case, the first four words that are not stop words joined by
``_``, a prefix when it would start with a digit, and ``_2``, ``_3``, ... until
it is not taken.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

_WORD = re.compile(r"[a-z0-9]+")
MAX_WORDS = 4


def make_slug(text: str, taken: Collection[str] = (), *, stop: Collection[str] = (), fallback: str,
              digit_prefix: str, max_length: int | None = None, keep_stop_words: bool = True,
              reserved: Collection[str] = ()) -> str:
    """An id from ``text``, unique against ``taken`` and ``reserved``.

    ``keep_stop_words``: when every word is a stop word, use them (else ``fallback``);
    ``max_length``: the joined words cut to this many characters."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    words = _WORD.findall(s)
    kept = [w for w in words if w not in stop]
    if not kept and keep_stop_words:
        kept = words
    base = "_".join(kept[:MAX_WORDS])
    if max_length is not None:
        base = base[:max_length].strip("_")
    base = base or fallback
    if base[0].isdigit():
        base = digit_prefix + base
    slug, i = base, 2
    while slug in taken or slug in reserved:  # ``taken`` may be a set of thousands: no union
        slug, i = f"{base}_{i}", i + 1
    return slug
