"""Doc extensions that textmine's components fill.

Values are plain, msgpack-friendly data (strings, lists, offsets) so that docs
survive ``nlp.pipe(..., n_process=2)`` and ``DocBin``; ``doc._.pii`` is a
getter that builds Span objects from the stored offsets.

==================  ==========================================================
``raw_text``        the text before normalisation (str)
``emoji``           emoji removed by the normaliser (list[str])
``lemmas``          lower-case lemmas of all non-space tokens; a PII span
                    counts as one token, its placeholder (list[str])
``content_lemmas``  lemmas without stop words, punctuation, numbers, PII
``key_phrases``     candidate labels: noun chunks / POS patterns / n-grams
``pii_offsets``     [[start_char, end_char, kind], ...] on ``doc.text``
``pii``             Spans of the PII (label = kind), from ``pii_offsets``
``redacted_text``   ``doc.text`` with each PII span replaced by a placeholder
``language``        'nl', 'fr', 'en', 'es' or None (undecided)
``flags``           e.g. ['non_answer'], ['not_dutch', 'very_long']
==================  ==========================================================
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

_DEFAULTS: dict[str, object] = {
    "raw_text": None,
    "emoji": None,
    "lemmas": None,
    "content_lemmas": None,
    "key_phrases": None,
    "pii_offsets": None,
    "redacted_text": None,
    "language": None,
    "flags": None,
}


def _pii_spans(doc: Doc) -> list[Span]:
    spans = []
    for start, end, kind in doc._.pii_offsets or []:
        span = doc.char_span(start, end, label=kind, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans


def register_extensions() -> None:
    """Register textmine's Doc extensions (safe to call repeatedly)."""
    for name, default in _DEFAULTS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    if not Doc.has_extension("pii"):
        Doc.set_extension("pii", getter=_pii_spans)


register_extensions()
