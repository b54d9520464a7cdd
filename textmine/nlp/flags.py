"""Per-answer flags: ``textmine_flags`` and the batch-level duplicate check.

Flags (strings on ``doc._.flags``):

* ``non_answer`` — the *whole* answer is a non-answer ("nvt", "n.v.t.", "nee",
  "geen", "geen idee", "weet niet", "-", "/", "x", "...", "?", empty or only
  emoji / punctuation), or only passes the question on ("geen idee, vraag het
  aan mijn collega", "zie vorige bevraging", "idem", see
  ``DEFAULT_NON_ANSWER_PATTERNS``). "Nee, want er is geen budget" is an answer. Content
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
import unicodedata
from functools import lru_cache
from typing import Collection, Hashable, Iterable

from spacy.language import Language
from spacy.tokens import Doc

from textmine.nlp.extensions import register_extensions
from textmine.nlp.language import LanguageDetector

NON_ANSWER = "non_answer"
NOT_DUTCH = "not_dutch"
VERY_LONG = "very_long"
DUPLICATE = "duplicate"
CONTAINS_PII = "contains_pii"

# Whole answers that say nothing. Compared after lower-casing, collapsing
# spaces and stripping punctuation at both ends ("N.V.T." -> "n.v.t").
DEFAULT_NON_ANSWERS = [
    "nvt", "n.v.t", "n v t", "n/a", "na", "niet van toepassing", "nee", "neen", "neen hoor", "nee hoor",
    "geen", "geen idee", "weet niet", "weet ik niet", "ik weet het niet", "ik weet niet", "geen antwoord",
    "geen opmerking", "geen opmerkingen", "geen commentaar", "niets", "niks", "nihil", "x", "xx", "xxx",
    "geen mening", "blanco", "geen tips", "geen suggesties",
]
# Whole answers that only say "I don't know, ask someone else" or point at an
# earlier answer: matched in full on ``answer_key(text)``. Kept narrow on
# purpose: "geen idee wat de nieuwe schepen wil" and "zie website" say
# something and stay answers.
_DONT_KNOW = (r"(?:geen\s+(?:flauw\s+)?idee|weet\s+(?:ik\s+)?(?:het\s+)?niet|ik\s+weet\s+(?:het\s+)?niet"
              r"|geen\s+zicht\s+op|no\s+idea|i\s+don'?t\s+know|don'?t\s+know|aucune\s+id[ée]e"
              r"|je\s+ne\s+sais\s+pas|pas\s+d'?id[ée]e)")
_ASK_ELSEWHERE = (r"(?:vraag\s+(?:het|dat|maar|dit)?\s*(?:eens\s+)?(?:aan|bij|na\s+bij)?|navragen\s+bij|contacteer"
                  r"|neem\s+contact\s+op\s+met|mail|ask|demandez)\b.{0,60}")
_SEE_EARLIER = (r"(?:zie|cf\.?|idem|zelfde\s+als|zoals)\s*(?:bij\s+|in\s+de\s+|het\s+|mijn\s+)?"
                r"(?:vorige|vorig|eerdere|eerder|hierboven|boven|bovenstaand\w*|hoger|vroeger\w*|vorige?\s+vraag"
                r"|vraag\s+\d+|antwoord\s+(?:hierboven|vorige\s+vraag))(?:\s+\w+){0,3}")
DEFAULT_NON_ANSWER_PATTERNS = [
    rf"{_DONT_KNOW}(?:\s+eigenlijk|\s+hoor)?(?:[\s,.;:!-]+{_ASK_ELSEWHERE})?",
    _SEE_EARLIER,
    r"idem(?:\s+(?:als\s+)?(?:vorige|hierboven|boven)(?:\s+vraag)?)?",
    r"(?:niet\s+van\s+toepassing|not\s+applicable|sans\s+objet|pas\s+d'?application|non\s+applicable)"
    r"(?:\s+voor\s+ons(?:\s+bestuur)?)?",
    r"(?:n\.?\s*v\.?\s*t|nvt)\W*(?:voor\s+ons|bij\s+ons)?",
    r"[/\\|_.\-\s]+",
]
_NON_ANSWER_RX = re.compile("|".join(f"(?:{p})" for p in DEFAULT_NON_ANSWER_PATTERNS), re.IGNORECASE)
# The end run starts only where a run of punctuation starts: "[\W_]+$" alone tried
# every position of a long run and was quadratic.
_EDGE_PUNCT = re.compile(r"^[\W_]++|(?<![\W_])[\W_]++$")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def answer_key(text: str) -> str:
    """Comparison key: lower case, no accents' variants, single spaces,
    no punctuation at the ends."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return _EDGE_PUNCT.sub("", _SPACES.sub(" ", text).strip())


@lru_cache(maxsize=16)
def _non_answer_keys(non_answers: tuple[str, ...]) -> frozenset[str]:
    """The ``answer_key`` of each listed non-answer (built once per list)."""
    return frozenset(answer_key(n) for n in non_answers)


def _is_non_answer_key(key: str, keys: Collection[str]) -> bool:
    """``key`` (an ``answer_key``) is a listed non-answer or matches a non-answer pattern."""
    return key in keys or bool(_NON_ANSWER_RX.fullmatch(key))


def _is_non_answer(text: str, keys: Collection[str]) -> bool:
    if not _WORD.search(text or ""):
        return True  # empty, whitespace, "-", "/", "...", "?", only emoji
    return _is_non_answer_key(answer_key(text), keys)


def is_non_answer(text: str, non_answers: Iterable[str] = DEFAULT_NON_ANSWERS) -> bool:
    """True when the whole answer is a non-answer (see module doc)."""
    return _is_non_answer(text, _non_answer_keys(tuple(non_answers)))


def find_duplicates(pairs: Iterable[tuple[Hashable, str]],
                    non_answers: Iterable[str] = DEFAULT_NON_ANSWERS) -> list[int | None]:
    """For each (respondent_id, text): the index of an earlier answer of the
    same respondent with the same text (after ``answer_key`` and with all
    punctuation removed), else None. Non-answers are never duplicates."""
    non = _non_answer_keys(tuple(non_answers))
    seen: dict[tuple[Hashable, str], int] = {}
    out: list[int | None] = []
    for i, (respondent, text) in enumerate(pairs):
        key = " ".join(_WORD.findall(answer_key(text)))
        if not key or key in non or _is_non_answer(text, non):
            out.append(None)
            continue
        first = seen.setdefault((respondent, key), i)
        out.append(first if first != i else None)
    return out


class AnswerFlagger:
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
        non_answer = _is_non_answer(text, self.non_answers)
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
