"""The non-answer test: does a whole answer say nothing?

A non-answer is a listed one ("nvt", "n.v.t.", "nee", "geen", "geen idee",
"weet niet", "x", ...: ``DEFAULT_NON_ANSWERS``), nothing but punctuation or
emoji ("-", "/", "...", "?", empty), or an answer that only passes the
question on ("geen idee, vraag het aan mijn collega", "weet ik niet, de collega
van milieu weet dat beter", "kan ik niet beantwoorden, ik vul dit in voor een
collega", "zie vorige bevraging", "zie antwoord 2022", "idem":
``DEFAULT_NON_ANSWER_PATTERNS``). "Nee, want er is geen budget" is an
answer.

One rule for everything that asks: the cleaning pipeline's ``non_answer`` flag
(textmine.nlp.flags) and schema inference, where fillers are no evidence of a
choice (textmine.infer). Plain Python, no spaCy: inference stays fast to import.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Collection, Iterable

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
              r"|je\s+ne\s+sais\s+pas|pas\s+d'?id[ée]e"
              r"|(?:dat\s+|dit\s+)?kan\s+ik\s+niet\s+(?:beantwoorden|zeggen|invullen)|moeilijk\s+te\s+zeggen)")
_ASK_ELSEWHERE = (r"(?:vraag\s+(?:het|dat|maar|dit)?\s*(?:eens\s+)?(?:aan|bij|na\s+bij)?|navragen\s+bij|contacteer"
                  r"|neem\s+contact\s+op\s+met|mail|ask|demandez)\b.{0,120}")
# After "I don't know": a clause that only says why or who knows better ("de collega van
# milieu weet dat beter", "ik vul dit in voor de collega die met verlof is", "nog te nieuw
# in de job"). It must name a colleague, leave or being new, and stay one sentence (a dot
# inside an e-mail address does not end it): "weet niet, maar we hebben een stedenband"
# stays an answer.
_WHO_KNOWS = (r"(?=.{0,80}\b(?:collega|verlof|afwezig|nieuw\s+in|net\s+begonnen|pas\s+gestart"
              r"|weet\s+(?:dat|het)\s+(?:beter|wel)|colleague))(?:[^.!?]|\.(?=\S)){0,160}\.?")
_SEE_EARLIER = (r"(?:zie|cf\.?|idem|zelfde\s+als|zoals)\s*(?:bij\s+|in\s+de\s+|het\s+|mijn\s+)?"
                r"(?:vorige|vorig|eerdere|eerder|hierboven|boven|bovenstaand\w*|hoger|vroeger\w*|vorige?\s+vraag"
                r"|vraag\s+\d+|antwoord\s+(?:hierboven|vorige\s+vraag))(?:\s+\w+){0,3}")
# "zie antwoord bij vorige vraag", "zie antwoord 2022", "idem als bevraging 2022": a pointer
# to another answer or an earlier wave, and nothing else
_EARLIER_ANSWER = (r"(?:zie|cf\.?|idem|zelfde|zoals)\s+(?:als\s+|zoals\s+)?(?:mijn\s+|ons\s+|het\s+|de\s+)?"
                   r"(?:antwoord|bevraging|enquête|enquete|editie|vorige\s+keer)"
                   r"(?:\s+(?:bij|op|in|van|uit)\s+(?:de\s+|het\s+)?(?:vorige|eerdere|andere|vraag)(?:\s+vraag)?(?:\s+\d+)?"
                   r"|\s+(?:van\s+|uit\s+|in\s+)?(?:19|20)\d\d|\s+hierboven|\s+hoger)?")
DEFAULT_NON_ANSWER_PATTERNS = [
    rf"{_DONT_KNOW}(?:\s+eigenlijk|\s+hoor)?(?:[\s,.;:!-]+{_ASK_ELSEWHERE})?",
    rf"{_DONT_KNOW}(?:\s+eigenlijk|\s+hoor)?[\s,.;:!-]+{_WHO_KNOWS}",
    _SEE_EARLIER,
    _EARLIER_ANSWER,
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
def non_answer_keys(non_answers: tuple[str, ...]) -> frozenset[str]:
    """The ``answer_key`` of each listed non-answer (built once per list)."""
    return frozenset(answer_key(n) for n in non_answers)


def _listed_or_pattern(key: str, keys: Collection[str]) -> bool:
    """``key`` (an ``answer_key``) is a listed non-answer or matches a non-answer pattern."""
    return key in keys or bool(_NON_ANSWER_RX.fullmatch(key))


def said_nothing(text: str, keys: Collection[str]) -> bool:
    """``is_non_answer`` with the list given as its ``non_answer_keys`` (built once by the caller)."""
    if not _WORD.search(text or ""):
        return True  # empty, whitespace, "-", "/", "...", "?", only emoji
    return _listed_or_pattern(answer_key(text), keys)


def is_non_answer(text: str, non_answers: Iterable[str] = DEFAULT_NON_ANSWERS) -> bool:
    """True when the whole answer is a non-answer (module doc); ``non_answers``
    replaces the listed ones (the patterns always apply)."""
    return said_nothing(text, non_answer_keys(tuple(non_answers)))
