"""PII detection and redaction: ``textmine_pii``.

Kinds and placeholders (Dutch, visible to users):

=========  ===================  ==============================================
kind       placeholder          how
=========  ===================  ==============================================
email      ``[E-MAIL]``         pattern, also "naam (at) gemeente.be"
iban       ``[IBAN]``           pattern, validated with python-stdnum
rrn        ``[RIJKSREGISTERNR]``  Belgian national register number, pattern,
                                validated with ``stdnum.be.nn``
phone      ``[TELEFOON]``       Belgian formats (+32 ..., 0032 ..., 04xx xx xx
                                xx, 09/123.45.67, 03 123 45 67, ...) checked
                                on digit count; other +country numbers
name       ``[NAAM]``           textmine.nlp.names (gazetteer + patterns)
=========  ===================  ==============================================

Runs after ``textmine_entities``: entity tokens (municipalities,
organisations, countries, cities, SDG mentions) are never part of a name.
Offsets are stored on ``doc._.pii_offsets`` (exact characters of
``doc.text``), Spans on ``doc._.pii``, the redacted text on
``doc._.redacted_text``. Statistical entities that overlap PII (a NER's
PERSON) are dropped from ``doc.ents`` so no name leaks through entities.
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc
from stdnum import iban as std_iban
from stdnum.be import nn as std_nn

from textmine.nlp.entities import ENTITY_LABELS
from textmine.nlp.extensions import register_extensions
from textmine.nlp.names import NameFinder, NameLexicon
from textmine.nlp.resources import gazetteer_dir

PII_KINDS = ("email", "iban", "rrn", "phone", "name")
DEFAULT_PLACEHOLDERS = {
    "email": "[E-MAIL]",
    "phone": "[TELEFOON]",
    "iban": "[IBAN]",
    "rrn": "[RIJKSREGISTERNR]",
    "name": "[NAAM]",
}

EMAIL = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._%+-]*(?:@|\s?[(\[{]\s?(?:at|AT|@)\s?[)\]}]\s?)"
    r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){10,32}")
RRN = re.compile(r"(?<![\d.])\d{2}[. ]?\d{2}[. ]?\d{2}[ .-]?\d{3}[ .-]?\d{2}(?![\d])")
PHONE_BE = re.compile(
    # not inside a longer number: "85.07.30-033.29" holds "07.30-033.29"
    r"(?<![\w+])(?<!\d[./-])(?:(?:\+|00)\s?32[\s.]?(?:\(0\)\s?)?|\(0\d{1,3}\)\s?|0)"
    r"\d(?:(?:\s?[./-]\s?|\s)?\d){6,9}(?![\w])(?![./-]\d)"
)
PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)(?!32)[1-9]\d{0,2}(?:[ ./-]?\(?\d+\)?){2,7}(?![\w])")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _valid_be_phone(text: str) -> bool:
    digits = _digits(text)
    if text.lstrip().startswith("+") or digits.startswith("0032"):
        national = digits[4:] if digits.startswith("0032") else digits[2:]
        if national.startswith("0"):  # "+32 (0)475 ..."
            national = national[1:]
    else:
        national = digits[1:]
    # landlines have 8 national digits (04 is also Liège's area code),
    # mobiles 9 starting with 4
    return len(national) == 8 or (len(national) == 9 and national.startswith("4"))


def _longest_valid_iban(text: str) -> int:
    """Length of the longest prefix of ``text`` that is a valid IBAN (0 if none)."""
    best = 0
    for end in range(len(text), 13, -1):
        if text[end - 1] == " ":
            continue
        if std_iban.is_valid(text[:end].upper()):
            best = end
            break
    return best


def find_pattern_pii(text: str) -> list[tuple[int, int, str]]:
    """E-mail, IBAN, national register and phone numbers as (start, end, kind)."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * (len(text) + 1)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def claim(start: int, end: int, kind: str) -> None:
        found.append((start, end, kind))
        for k in range(start, end):
            taken[k] = True

    for m in EMAIL.finditer(text):
        claim(m.start(), m.end(), "email")
    pos = 0
    while (m := IBAN.search(text, pos)) is not None:
        # the pattern is greedy ("BE.. .... of lu49 ...") so keep the longest
        # valid prefix and search again right after it
        length = _longest_valid_iban(m.group(0))
        if length and free(m.start(), m.start() + length):
            claim(m.start(), m.start() + length, "iban")
            pos = m.start() + length
        else:
            pos = m.start() + 1
    for m in RRN.finditer(text):
        if free(m.start(), m.end()) and std_nn.is_valid(_digits(m.group(0))):
            claim(m.start(), m.end(), "rrn")
    for m in PHONE_BE.finditer(text):
        if free(m.start(), m.end()) and _valid_be_phone(m.group(0)):
            claim(m.start(), m.end(), "phone")
    for m in PHONE_INTL.finditer(text):
        if free(m.start(), m.end()) and 8 <= len(_digits(m.group(0))) <= 15:
            claim(m.start(), m.end(), "phone")
    return sorted(found)


def redact(text: str, spans: Iterable[tuple[int, int, str]], placeholders: dict[str, str] | None = None) -> str:
    """Replace each (start, end, kind) span of ``text`` by its placeholder."""
    placeholders = {**DEFAULT_PLACEHOLDERS, **(placeholders or {})}
    out, pos = [], 0
    for start, end, kind in sorted(spans):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(placeholders.get(kind, "[PII]"))
        pos = end
    out.append(text[pos:])
    return "".join(out)


class PIIRedactor:
    def __init__(self, nlp: Language, name: str, *, kinds: list[str], placeholders: dict[str, str],
                 gazetteer_path: str | None, use_ner: bool, drop_pii_ents: bool) -> None:
        register_extensions()
        unknown = set(kinds) - set(PII_KINDS)
        if unknown:
            raise ValueError(f"unknown PII kinds: {sorted(unknown)}")
        self.name = name
        self.kinds = set(kinds)
        self.placeholders = {**DEFAULT_PLACEHOLDERS, **placeholders}
        self.drop_pii_ents = drop_pii_ents
        self.names = NameFinder(NameLexicon.load(gazetteer_dir(gazetteer_path)), use_ner=use_ner) \
            if "name" in self.kinds else None

    def __call__(self, doc: Doc) -> Doc:
        spans = [s for s in find_pattern_pii(doc.text) if s[2] in self.kinds]
        ents = doc.ents  # the getter walks all tokens: read it once
        if self.names is not None:
            blocked: set[int] = set()
            for start, end, _ in spans:
                covering = doc.char_span(start, end, alignment_mode="expand")
                if covering is not None:
                    blocked.update(range(covering.start, covering.end))
            for ent in ents:
                if ent.label_ in ENTITY_LABELS:
                    blocked.update(range(ent.start, ent.end))
            for start, end in self.names.find(doc, blocked, ents):
                span = doc[start:end]
                spans.append((span.start_char, span.end_char, "name"))
        spans.sort()
        doc._.pii_offsets = [[s, e, k] for s, e, k in spans]
        doc._.redacted_text = redact(doc.text, spans, self.placeholders)
        if self.drop_pii_ents and spans and ents:
            doc.ents = [e for e in ents
                        if not any(s < e.end_char and e.start_char < t for s, t, _ in spans)]
        return doc


@Language.factory(
    "textmine_pii",
    default_config={
        "kinds": list(PII_KINDS),
        "placeholders": DEFAULT_PLACEHOLDERS,
        "gazetteer_path": None,
        "use_ner": True,
        "drop_pii_ents": True,
    },
)
def make_pii_redactor(nlp: Language, name: str, kinds: list[str], placeholders: dict[str, str],
                      gazetteer_path: str | None, use_ner: bool, drop_pii_ents: bool) -> PIIRedactor:
    """Detect and redact PII; place after ``textmine_entities``."""
    return PIIRedactor(nlp, name, kinds=kinds, placeholders=placeholders, gazetteer_path=gazetteer_path,
                       use_ner=use_ner, drop_pii_ents=drop_pii_ents)
