"""Rule-based entities from gazetteers: ``textmine_entities``.

Labels: GEMEENTE (Flemish municipalities, 2025 and pre-2025 names), LAND,
STAD (cities outside Flanders: abroad, Brussels, Wallonia), REGIO (continents, world regions), ORGANISATIE
(development-cooperation organisations) and SDG (mentions of the goals).
Each entity's ``id_`` holds the canonical form (the 2025 municipality a
pre-2025 name merged into, the country's CLDR name, ...), so counts add up.

Ambiguous names are handled by the ``case`` column that
scripts/make_gazetteers.py writes for every pattern:

* ``i`` — matched case-insensitively ("kortrijk", "Sint-Niklaas");
* ``s`` — only when capitalised ("Zele", "Bree", "Hamme", "Lille");
* ``c`` — only when capitalised *and* in a place where a common Dutch word or
  a first name is unlikely: not at the start of a sentence (unless a tagger
  says PROPN), and, for names that are also first names, not when a
  capitalised word follows ("Brecht Wouters" is a person, "in Brecht" a
  municipality). "Landen", "Voeren", "Peer", "Ham", "Mol", "Geel" are ``c``.

A municipality or city right after a capitalised surname particle ("Jan Van
Damme", "Toon Van Hove") is part of a surname, never a place. "Lille" is
always the municipality in the province of Antwerp: Flemish answers call the
French city "Rijsel", which is a STAD.

Hyphenated compounds are single tokens in spaCy's Dutch tokenizer
("11.11.11-comité", "Oxfam-Wereldwinkels"); when the part before the first
hyphen is a known name, the whole token becomes the entity.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from textmine.nlp.extensions import register_extensions
from textmine.nlp.resources import gazetteer_dir, read_curated_tsv, read_lines, read_tsv

ENTITY_LABELS = ("GEMEENTE", "ORGANISATIE", "LAND", "STAD", "REGIO", "SDG")
# Capitalised particles that start Flemish/Dutch surnames ("Van Damme").
SURNAME_PARTICLES = {"van", "de", "der", "den", "vande", "vanden", "vander", "ter", "ten", "te",
                     "le", "la", "du", "d'", "des", "del", "della", "di", "da", "dos", "von", "el"}
SENTENCE_BREAKS = {".", "!", "?", ":", ";", "-", "(", '"', "'", "*", "/", "…", "..."}


@dataclass(frozen=True)
class Entry:
    """A gazetteer pattern's entity: its label, the canonical name it counts as, and its case mode."""

    label: str
    canonical: str
    mode: str  # 'i', 's' or 'c' (see module doc)


def load_gazetteer(directory: Path, labels: Iterable[str] = ENTITY_LABELS) -> dict[str, list[tuple[str, Entry]]]:
    """Patterns per label: {label: [(pattern, Entry), ...]} in priority order."""
    wanted = set(labels)
    out: dict[str, list[tuple[str, Entry]]] = {label: [] for label in ENTITY_LABELS if label in wanted}
    if "GEMEENTE" in out:
        for row in read_tsv(directory / "municipalities.tsv"):
            out["GEMEENTE"].append((row["pattern"], Entry("GEMEENTE", row["canonical"], row["case"])))
    if "ORGANISATIE" in out:
        for row in read_curated_tsv(directory / "organisations.tsv"):
            canonical, spelling = row[0], row[1]
            mode = "s" if len(row) > 2 and "cs" in row[2].split(",") else "i"
            out["ORGANISATIE"].append((spelling, Entry("ORGANISATIE", canonical, mode)))
    if "LAND" in out:
        for row in read_tsv(directory / "countries.tsv"):
            out["LAND"].append((row["pattern"], Entry("LAND", row["canonical"], row["case"])))
    if "STAD" in out:
        for row in read_tsv(directory / "cities.tsv"):
            out["STAD"].append((row["pattern"], Entry("STAD", row["canonical"], row["case"])))
    if "REGIO" in out:
        for row in read_tsv(directory / "regions.tsv"):
            out["REGIO"].append((row["pattern"], Entry("REGIO", row["pattern"], row["case"])))
    return out


def first_name_set(directory: Path) -> frozenset[str]:
    """The first names in the gazetteer directory's first_names.tsv."""
    return frozenset(row["name"] for row in read_tsv(directory / "first_names.tsv"))


def is_sentence_start(token: Token) -> bool:
    """True at the start of the text, a line, or after sentence punctuation."""
    if token.i == 0:
        return True
    prev = token.doc[token.i - 1]
    return prev.is_space or "\n" in prev.whitespace_ or prev.text in SENTENCE_BREAKS


def after_surname_particle(doc: Doc, start: int) -> bool:
    """'Van Damme', 'De Haan' after a name: the place is part of a surname."""
    if start == 0:
        return False
    prev = doc[start - 1]
    if prev.text.lower() not in SURNAME_PARTICLES or not prev.text[:1].isupper():
        return False
    # "Jan Van Damme", "Van Damme" at the start, "Van den Broeck"
    return start == 1 or is_sentence_start(prev) or doc[start - 2].text[:1].isupper() or \
        doc[start - 2].text.lower() in SURNAME_PARTICLES


class EntityRecognizer:
    """Gazetteer and pattern matching for textmine's entity labels."""

    def __init__(self, nlp: Language, name: str, *, gazetteer_path: str | None, labels: list[str],
                 overwrite_ents: bool) -> None:
        register_extensions()
        self.name = name
        self.labels = [label for label in ENTITY_LABELS if label in set(labels)]
        self.overwrite_ents = overwrite_ents
        directory = gazetteer_dir(gazetteer_path)
        self.first_names = first_name_set(directory)
        self.entries: dict[str, Entry] = {}
        self.prefixes: dict[str, Entry] = {}  # single-token patterns, for hyphen compounds
        self.lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.orth_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        tokenizer = getattr(nlp.tokenizer, "tokenizer", nlp.tokenizer)  # skip the normaliser
        for patterns in load_gazetteer(directory, self.labels).values():
            by_key: dict[tuple[str, str], list[str]] = {}
            for text, entry in patterns:
                key = f"{entry.label}|{entry.canonical}|{entry.mode}"
                self.entries[key] = entry
                by_key.setdefault((key, entry.mode), []).append(text)
                if " " not in text and "-" not in text:
                    pkey = text.lower() if entry.mode == "i" else text
                    self.prefixes.setdefault(pkey, entry)
            for (key, mode), texts in by_key.items():
                docs = list(tokenizer.pipe(texts))
                (self.lower_matcher if mode == "i" else self.orth_matcher).add(key, docs)
        self.sdg_patterns = []
        if "SDG" in self.labels:
            self.sdg_patterns = [re.compile(p, re.IGNORECASE) for p in read_lines(directory / "sdg_patterns.txt")]

    # -- matching -----------------------------------------------------------
    def _accept(self, doc: Doc, start: int, end: int, entry: Entry) -> bool:
        if entry.label in ("GEMEENTE", "STAD", "LAND") and after_surname_particle(doc, start):
            return False
        if entry.mode != "c":
            return True
        first = doc[start]
        if is_sentence_start(first) and first.pos_ != "PROPN":
            return False
        if first.text in self.first_names and end < len(doc):
            nxt = doc[end]
            surname_start = nxt.text[:1].isupper() and (
                (nxt.is_alpha and not nxt.is_stop) or nxt.text.lower() in SURNAME_PARTICLES)
            if surname_start:
                return False  # "Brecht Wouters", "Jos Van Dyck": a person, not a place
        return True

    def find(self, doc: Doc) -> list[Span]:
        found: list[tuple[int, Span]] = []
        priority = {label: i for i, label in enumerate(ENTITY_LABELS)}
        vocab_strings = doc.vocab.strings
        for matcher in (self.lower_matcher, self.orth_matcher):
            for match_id, start, end in matcher(doc):
                entry = self.entries[vocab_strings[match_id]]
                if self._accept(doc, start, end, entry):
                    found.append((priority[entry.label], Span(doc, start, end, label=entry.label,
                                                              span_id=entry.canonical)))
        for token in doc:
            if "-" not in token.text[1:-1]:
                continue
            head = token.text.split("-", 1)[0]
            entry = self.prefixes.get(head) or self.prefixes.get(head.lower())
            if entry and (entry.mode == "i" or head[:1].isupper()) and entry.mode != "c":
                found.append((priority[entry.label] + 10,
                              Span(doc, token.i, token.i + 1, label=entry.label, span_id=entry.canonical)))
        text = doc.text  # joined from the tokens at every call: once
        for pattern in self.sdg_patterns:
            for m in pattern.finditer(text):
                span = doc.char_span(m.start(), m.end(), label="SDG", alignment_mode="expand")
                if span is not None:
                    found.append((priority["SDG"], Span(doc, span.start, span.end, label="SDG",
                                                        span_id=_sdg_id(m.group(0)))))
        found.sort(key=lambda item: item[0])  # filter_spans keeps the first of equal spans
        return filter_spans([span for _, span in found])

    def __call__(self, doc: Doc) -> Doc:
        ours = self.find(doc)
        if not ours:
            return doc
        taken = set()
        for span in ours:
            taken.update(range(span.start, span.end))
        current = doc.ents
        if not current:
            doc.ents = ours
        elif self.overwrite_ents:
            kept = [e for e in current if not taken.intersection(range(e.start, e.end))]
            doc.ents = sorted(kept + ours, key=lambda s: s.start)
        else:
            existing = set()
            for e in current:
                existing.update(range(e.start, e.end))
            extra = [s for s in ours if not existing.intersection(range(s.start, s.end))]
            doc.ents = sorted(list(current) + extra, key=lambda s: s.start)
        return doc


def _sdg_id(text: str) -> str:
    """'SDG 13', 'doelstelling 5' -> 'SDG 13' / 'SDG 5'; other mentions -> 'SDG'."""
    numbers = re.findall(r"\d+", text)
    numbers = [n for n in numbers if n != "2030" and 1 <= int(n) <= 17]
    return "SDG " + ",".join(numbers) if numbers else "SDG"


@Language.factory(
    "textmine_entities",
    default_config={"gazetteer_path": None, "labels": list(ENTITY_LABELS), "overwrite_ents": True},
)
def make_entity_recognizer(nlp: Language, name: str, gazetteer_path: str | None, labels: list[str],
                           overwrite_ents: bool) -> EntityRecognizer:
    """Gazetteer entities; ``overwrite_ents`` lets them replace overlapping
    entities of a statistical NER (our lists are more precise for these)."""
    return EntityRecognizer(nlp, name, gazetteer_path=gazetteer_path, labels=labels,
                            overwrite_ents=overwrite_ents)
