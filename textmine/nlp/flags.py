"""Per-answer flags: ``textmine_flags`` and the batch-level duplicate check.

Flags (strings on ``doc._.flags``):

* ``non_answer`` — the *whole* answer is a non-answer ("nvt", "n.v.t.", "nee",
  "geen", "geen idee", "weet niet", "-", "/", "x", "...", "?", empty or only
  emoji / punctuation), or only passes the question on ("geen idee, vraag het
  aan mijn collega", "zie vorige bevraging", "idem", see
  ``textmine.nonanswers``). "Nee, want er is geen budget" is an answer. Content
  lemmas and key phrases of a non-answer are emptied.
* ``not_dutch`` — French, English or Spanish (textmine.nlp.language);
  non-answers are not tested.
* ``very_long`` — more than ``very_long_words`` words (default 250).
* ``contains_pii`` — textmine_pii found personal data.
* ``duplicate`` — set by ``clean_answers`` from ``find_duplicates``: the same
  text as an earlier answer of the same respondent (copy-paste across
  questions); needs respondent ids, so it is batch-level, not a component.
"""
from __future__ import annotations

import re
from typing import Hashable, Iterable

from spacy.language import Language
from spacy.tokens import Doc

from textmine.nlp.extensions import register_extensions
from textmine.nlp.language import LanguageDetector
from textmine.nonanswers import DEFAULT_NON_ANSWERS, answer_key, non_answer_keys, said_nothing

NON_ANSWER = "non_answer"
NOT_DUTCH = "not_dutch"
VERY_LONG = "very_long"
DUPLICATE = "duplicate"
CONTAINS_PII = "contains_pii"
_WORD = re.compile(r"\w+")

def find_duplicates(pairs: Iterable[tuple[Hashable, str]],
                    non_answers: Iterable[str] = DEFAULT_NON_ANSWERS) -> list[int | None]:
    """For each (respondent_id, text): the index of an earlier answer of the
    same respondent with the same text (after ``answer_key`` and with all
    punctuation removed), else None. Non-answers are never duplicates."""
    non = non_answer_keys(tuple(non_answers))
    seen: dict[tuple[Hashable, str], int] = {}
    out: list[int | None] = []
    for i, (respondent, text) in enumerate(pairs):
        key = " ".join(_WORD.findall(answer_key(text)))
        if not key or key in non or said_nothing(text, non):
            out.append(None)
            continue
        first = seen.setdefault((respondent, key), i)
        out.append(first if first != i else None)
    return out


class AnswerFlagger:
    """The ``textmine_flags`` component: flags non-answers, answers not in Dutch, very long
    answers and answers with PII."""

    def __init__(self, name: str, *, non_answers: list[str], very_long_words: int,
                 language_method: str, min_language_confidence: float) -> None:
        register_extensions()
        self.name = name
        self.non_answers = {answer_key(n) for n in non_answers}
        self.very_long_words = int(very_long_words)
        self.detect = LanguageDetector(language_method, min_language_confidence)  # type: ignore[arg-type]

    def __call__(self, doc: Doc) -> Doc:
        flags: list[str] = []
        text = doc.text
        non_answer = said_nothing(text, self.non_answers)
        language = None
        if non_answer:
            flags.append(NON_ANSWER)
            # a non-answer has no content to code or to label
            doc._.content_lemmas = []
            doc._.key_phrases = []
        else:
            language = self.detect(doc._.redacted_text or text)
            if language is not None and language != "nl":
                flags.append(NOT_DUTCH)
        if len(text.split()) > self.very_long_words:
            flags.append(VERY_LONG)
        if doc._.pii_offsets:
            flags.append(CONTAINS_PII)
        doc._.language = language
        doc._.flags = flags
        return doc


@Language.factory(
    "textmine_flags",
    default_config={
        "non_answers": DEFAULT_NON_ANSWERS,
        "very_long_words": 250,
        "language_method": "auto",
        "min_language_confidence": 0.8,
    },
)
def make_answer_flagger(nlp: Language, name: str, non_answers: list[str], very_long_words: int,
                        language_method: str, min_language_confidence: float) -> AnswerFlagger:
    """Flag non-answers, non-Dutch and very long answers (place last)."""
    return AnswerFlagger(name, non_answers=non_answers, very_long_words=very_long_words,
                         language_method=language_method, min_language_confidence=min_language_confidence)
