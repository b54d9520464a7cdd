"""Text normalisation for open answers, run before tokenisation.

Survey exports carry Word/Excel/phone artefacts: curly quotes, en/em dashes,
non-breaking and zero-width spaces, full-width or ligature characters, emoji.
They split the vocabulary ("fair-trade" vs "fair–trade") and emoji would
become tokens and lemmas. ``normalize_text`` fixes these; ``NormalizingTokenizer``
wraps any spaCy tokenizer so ``nlp(text)`` and ``nlp.pipe(texts)`` normalise
too, keeping the original text on ``doc._.raw_text`` and the removed emoji on
``doc._.emoji``.

A run of more than ``LONG_CHUNK`` characters without a space (a pasted URL,
"((((((", a 40 KB answer without spaces) is cut into tokens of 32 characters
instead of going through spaCy's tokenizer: spaCy strips prefixes and suffixes one
at a time and copies the rest each time, quadratic in the run's length (a
run of 20,000 "(" took 31 s). The text of the Doc stays the same.

We use NFKC rather than NFC: it also folds compatibility characters
(ligatures such as "ﬁ", full-width letters, superscripts, "…") that NFC keeps,
and survey answers have no use for the distinction. Offsets of entities and
PII refer to the normalised text (``doc.text``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from spacy.tokens import Doc

from textmine.nlp.extensions import register_extensions

_TRANSLATE = str.maketrans({
    # quotes
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    # dashes and minus signs
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "﹘": "-",
    "\u2044": "/",  # fraction slash, which NFKC produces for "½"
    # bullets become list dashes
    "•": "-", "▪": "-", "◦": "-", "‣": "-", "⁃": "-", "·": "-",
    # zero-width characters, soft hyphen, BOM
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None,
})
# Emoji and pictographs (plus their modifiers) — removed so they never become
# tokens or lemmas. Kept separately on doc._.emoji.
_EMOJI = re.compile(
    "[\U0001F1E6-\U0001F1FF]{2}|"  # flags are pairs of regional indicators
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u231A\u231B\u23E9-\u23FA\u203C\u2049"
    "\u3030\u303D\u3297\u3299\U000E0020-\U000E007F]"
    "[\uFE0E\uFE0F\u20E3\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]*"
)
_VARIATION = re.compile("[\uFE0E\uFE0F\u20E3]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r" ?\n[ \n]*")
LONG_CHUNK = 64
_LONG = re.compile(rf"(?<!\S)\S{{{LONG_CHUNK + 1},}}+")
_PIECE = re.compile(r".{1,32}", re.DOTALL)  # fixed pieces: a token per character would be 5x the work


@dataclass(frozen=True)
class Normalized:
    """An answer's normalised text and the emoji taken out of it."""

    text: str
    emoji: list[str] = field(default_factory=list)


def normalize_text(text: str | None) -> Normalized:
    """Normalise one answer (see module doc); ``None`` gives an empty text."""
    if not text:
        return Normalized("")
    text = _NEWLINES.sub("\n", str(text))
    emoji = [m.group(0) for m in _EMOJI.finditer(text)]
    if emoji:
        text = _EMOJI.sub(" ", text)
    text = _VARIATION.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _CONTROL.sub(" ", text.replace("\t", " "))
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)  # one line break between lines
    return Normalized(text.strip(), emoji)


@lru_cache(maxsize=4096)
def _char_form(ch: str) -> str:
    """What ``normalize_text`` makes of one character on its own ("" when it drops it)."""
    if _VARIATION.fullmatch(ch) or ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
        return ""
    if _EMOJI.fullmatch(ch) or "\U0001F1E6" <= ch <= "\U0001F1FF" or "\U0001F3FB" <= ch <= "\U0001F3FF":
        return " "
    if _NEWLINES.fullmatch(ch):
        return "\n"
    form = unicodedata.normalize("NFKC", ch).translate(_TRANSLATE)
    return " " if _CONTROL.fullmatch(form) or form == "\t" else form


def original_offsets(original: str, normalized: str) -> Callable[[int, int], tuple[int, int]]:
    """Map a (start, end) span of ``normalize_text(original).text`` back onto ``original``.

    One walk over both texts (linear, unlike a general diff, which took minutes on a 40 KB
    answer): each original character either gives the next characters of the normalised text
    (itself, "..." for "…", " " for a no-break space), or was dropped (spaces collapsed, zero-width
    characters, emoji)."""
    if original == normalized:
        return lambda s, e: (s, e)
    n = len(normalized)
    pos = [len(original)] * (n + 1)
    i = j = 0
    while i < n and j < len(original):
        form = _char_form(original[j])
        if form and normalized.startswith(form, i):
            pos[i:i + len(form)] = [j] * len(form)
            i += len(form)
            j += 1
        elif not form or form.isspace():
            j += 1  # dropped, or a space that was collapsed
        elif normalized[i] == " ":
            pos[i] = j  # a space the normaliser put in
            i += 1
        elif unicodedata.combining(original[j]):
            j += 1  # an accent composed with the letter before it ("e" + "\u0301" = "é")
        else:  # composed with what follows, or changed: keep both walks in step
            pos[i] = j
            i += 1
            j += 1

    def span(start: int, end: int) -> tuple[int, int]:
        start, end = max(0, min(start, n)), max(0, min(end, n))
        return pos[start], (pos[end - 1] + 1 if end > start else pos[start])
    return span


class NormalizingTokenizer:
    """Wrap a spaCy tokenizer so that it normalises its input first.

    Delegates serialisation to the wrapped tokenizer, so a pipeline saved with
    ``nlp.to_disk`` keeps its ordinary tokenizer settings.
    """

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        register_extensions()
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        norm = normalize_text(text)
        doc = self._tokenize(norm.text)
        doc._.raw_text = text
        doc._.emoji = list(norm.emoji)
        return doc

    def _tokenize(self, text: str) -> Doc:
        """spaCy's tokenizer, except on runs longer than ``LONG_CHUNK`` (see module doc)."""
        if _LONG.search(text) is None:
            return self.tokenizer(text)
        vocab = self.tokenizer.vocab
        docs, pos = [], 0
        for m in _LONG.finditer(text):
            if m.start() > pos:
                docs.append(self.tokenizer(text[pos:m.start()]))
            words = _PIECE.findall(m.group(0))
            spaces = [False] * len(words)
            pos = m.end()
            if text[pos:pos + 1] == " ":
                spaces[-1] = True
                pos += 1
            docs.append(Doc(vocab, words=words, spaces=spaces))
        if pos < len(text):
            docs.append(self.tokenizer(text[pos:]))
        return Doc.from_docs(docs, ensure_whitespace=False)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        # explain(), vocab, rules, to_disk/from_disk/to_bytes/from_bytes, ...
        if name == "tokenizer":
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


def install_normalizer(nlp: Any) -> None:
    """Make ``nlp`` normalise text before tokenising (idempotent)."""
    if not isinstance(nlp.tokenizer, NormalizingTokenizer):
        nlp.tokenizer = NormalizingTokenizer(nlp.tokenizer)
