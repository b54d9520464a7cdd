"""Lemmas, stop words and key phrases: ``textmine_clean``.

Fills ``doc._.lemmas``, ``doc._.content_lemmas`` and ``doc._.key_phrases``.
Runs after ``textmine_pii`` so that personal data never turns into lemmas:
each PII span becomes a single placeholder lemma ("[NAAM]") in ``lemmas``
and is left out of content lemmas and key phrases.

Stop words are spaCy's Dutch list plus the domain list in
``data/stopwords_nl_domain.txt`` (config: another file, extra words, words to
keep). They are set on the vocabulary (``token.is_stop``), the spaCy way, and
also compared with each token's lemma.

Key phrases, usable as candidate labels, come from the best analysis the
pipeline has:

* a parser: spaCy's Dutch ``noun_chunks``, trimmed of determiners and stop
  words and kept when they hold a noun, plus the POS runs below over the
  tokens no chunk covers (the Dutch chunker misses some nouns);
* a tagger but no parser: runs of ADJ/NOUN/PROPN ending in a NOUN or PROPN
  ("duurzame gemeente");
* neither (blank pipeline): runs of consecutive content lemmas, at most
  ``max_phrase_tokens`` long, split at stop words and punctuation.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from textmine.nlp.extensions import register_extensions
from textmine.nlp.pii import DEFAULT_PLACEHOLDERS
from textmine.nlp.resources import data_dir, read_lines

PHRASE_POS = {"ADJ", "NOUN", "PROPN"}
HEAD_POS = {"NOUN", "PROPN"}


def default_stop_words_path() -> Path:
    """The bundled Dutch stop-word list for survey answers."""
    return data_dir() / "stopwords_nl_domain.txt"


def load_stop_words(path: str | Path | None = None, extra: Iterable[str] = (), keep: Iterable[str] = (),
                    use_spacy: bool = True) -> frozenset[str]:
    """spaCy's Dutch stop words + the domain list + ``extra`` - ``keep``."""
    from spacy.lang.nl.stop_words import STOP_WORDS

    words = set(STOP_WORDS) if use_spacy else set()
    file = Path(path) if path else default_stop_words_path()
    if file.exists():
        words.update(w.strip().lower() for w in read_lines(file))
    words.update(w.lower() for w in extra)
    words.difference_update(w.lower() for w in keep)
    return frozenset(words)


class Cleaner:
    """The ``textmine_clean`` component: sets an answer's lemmas, content lemmas and key phrases."""

    def __init__(self, nlp: Language, name: str, *, stop_words_path: str | None, extra_stop_words: list[str],
                 keep_words: list[str], use_spacy_stop_words: bool, max_phrase_tokens: int,
                 placeholders: dict[str, str]) -> None:
        register_extensions()
        self.name = name
        self.stop_words = load_stop_words(stop_words_path, extra_stop_words, keep_words, use_spacy_stop_words)
        self.max_phrase_tokens = int(max_phrase_tokens)
        self.placeholders = {**DEFAULT_PLACEHOLDERS, **placeholders}
        # the spaCy way: lexeme flags, so token.is_stop agrees with our list
        for word in self.stop_words:
            for form in {word, word.capitalize()}:
                nlp.vocab[form].is_stop = True
        for word in keep_words:
            for form in {word.lower(), word.capitalize()}:
                nlp.vocab[form].is_stop = False

    # -- token tests --------------------------------------------------------
    @staticmethod
    def lemma(token: Token) -> str:
        return (token.lemma_ or token.text).lower()

    def is_stop(self, token: Token) -> bool:
        return token.is_stop or token.lower_ in self.stop_words or self.lemma(token) in self.stop_words

    def is_content(self, token: Token) -> bool:
        if token.is_punct or token.is_space or token.like_num or token.is_currency:
            return False
        if not any(ch.isalpha() for ch in token.text) or len(token.text) < 2:
            return False
        return not self.is_stop(token)

    # -- component ----------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        pii_kind: dict[int, str] = {}
        for span in doc._.pii:
            for i in range(span.start, span.end):
                pii_kind[i] = span.label_
        lemmas: list[str] = []
        content: list[str] = []
        for token in doc:
            if token.is_space:
                continue
            if token.i in pii_kind:
                if token.i - 1 not in pii_kind or doc[token.i - 1].is_space:
                    lemmas.append(self.placeholders.get(pii_kind[token.i], "[PII]"))
                continue
            lemma = self.lemma(token)
            lemmas.append(lemma)
            if self.is_content(token):
                content.append(lemma)
        doc._.lemmas = lemmas
        doc._.content_lemmas = content
        doc._.key_phrases = self.key_phrases(doc, set(pii_kind))
        return doc

    # -- key phrases --------------------------------------------------------
    def key_phrases(self, doc: Doc, pii_tokens: set[int]) -> list[str]:
        if doc.has_annotation("DEP"):
            try:
                chunks = list(doc.noun_chunks)
            except (NotImplementedError, ValueError):
                chunks = []
            runs = [self._trim(chunk, pii_tokens) for chunk in chunks]
            # nouns the (imperfect) Dutch chunker leaves out still count
            in_chunks = {i for chunk in chunks for i in range(chunk.start, chunk.end)}
            runs += self._pos_runs(doc, pii_tokens | in_chunks)
        elif doc.has_annotation("POS"):
            runs = self._pos_runs(doc, pii_tokens)
        else:
            runs = self._content_runs(doc, pii_tokens)
        phrases: dict[str, None] = {}  # ordered and O(1) to test: an answer can hold thousands
        for run in runs:
            if not run:
                continue
            for start in range(0, max(1, len(run) - self.max_phrase_tokens + 1)):
                window = run[start:start + self.max_phrase_tokens]
                phrase = " ".join(self.lemma(t) for t in window)
                if len(phrase) > 1:
                    phrases.setdefault(phrase)
        return list(phrases)

    def _trim(self, chunk: Span, pii_tokens: set[int]) -> list[Token]:
        tokens = [t for t in chunk if t.i not in pii_tokens]
        first = 0
        while first < len(tokens) and not self._phrase_token(tokens[first]):
            first += 1
        tokens = tokens[first:]
        while tokens and not self._phrase_token(tokens[-1]):
            tokens.pop()
        if any(t.i in pii_tokens for t in chunk) or not any(t.pos_ in HEAD_POS for t in tokens):
            return []  # a label needs a noun: not "mondiaal" alone
        return tokens

    def _phrase_token(self, token: Token) -> bool:
        return self.is_content(token) and token.pos_ not in {"DET", "PRON", "NUM", "ADP", "CCONJ", "SCONJ"}

    def _pos_runs(self, doc: Doc, pii_tokens: set[int]) -> list[list[Token]]:
        runs, current = [], []
        for token in list(doc) + [None]:
            if token is not None and token.i not in pii_tokens and token.pos_ in PHRASE_POS \
                    and self.is_content(token):
                current.append(token)
                continue
            while current and current[-1].pos_ not in HEAD_POS:
                current.pop()
            if current:
                runs.append(current)
            current = []
        return runs

    def _content_runs(self, doc: Doc, pii_tokens: set[int]) -> list[list[Token]]:
        runs, current = [], []
        for token in list(doc) + [None]:
            if token is not None and token.i not in pii_tokens and self.is_content(token):
                current.append(token)
                continue
            if current:
                runs.append(current)
            current = []
        return runs


@Language.factory(
    "textmine_clean",
    default_config={
        "stop_words_path": None,
        "extra_stop_words": [],
        "keep_words": [],
        "use_spacy_stop_words": True,
        "max_phrase_tokens": 3,
        "placeholders": DEFAULT_PLACEHOLDERS,
    },
)
def make_cleaner(nlp: Language, name: str, stop_words_path: str | None, extra_stop_words: list[str],
                 keep_words: list[str], use_spacy_stop_words: bool, max_phrase_tokens: int,
                 placeholders: dict[str, str]) -> Cleaner:
    """Lemmas, content lemmas and key phrases (place after textmine_pii)."""
    return Cleaner(nlp, name, stop_words_path=stop_words_path, extra_stop_words=extra_stop_words,
                   keep_words=keep_words, use_spacy_stop_words=use_spacy_stop_words,
                   max_phrase_tokens=max_phrase_tokens, placeholders=placeholders)
