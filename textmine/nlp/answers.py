"""``clean_answers``: run the pipeline over open answers, return plain data.

The result is store-free: a list of ``CleanedAnswer`` (JSON-serialisable with
``to_dict``), in input order. Offsets of entities and PII refer to
``normalized_text``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, Hashable, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from textmine.nlp.entities import ENTITY_LABELS
from textmine.nlp.flags import DUPLICATE, find_duplicates
from textmine.nlp.loader import add_textmine_components
from textmine.nlp.pii import overlapping


@dataclass
class CleanedAnswer:
    """One answer after the Dutch pipeline: its text as given, normalised and redacted, lemmas,
    entities, PII and flags."""

    text: str                                   # as given
    normalized_text: str                        # after textmine.nlp.normalize
    redacted_text: str                          # normalized_text with PII placeholders
    lemmas: list[str] = field(default_factory=list)
    content_lemmas: list[str] = field(default_factory=list)
    key_phrases: list[str] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)  # {text,label,start,end,id}
    pii: list[dict[str, Any]] = field(default_factory=list)       # {kind,start,end}; no text
    flags: list[str] = field(default_factory=list)
    language: str | None = None
    emoji: list[str] = field(default_factory=list)
    duplicate_of: int | None = None             # index of the earlier identical answer

    def to_dict(self) -> dict[str, Any]:
        # Shallow: the values are already plain JSON data (asdict's deep copy is slow).
        return {f.name: getattr(self, f.name) for f in fields(self)}


def doc_to_answer(doc: Doc, text: str) -> CleanedAnswer:
    """Plain data from a processed Doc. Entities overlapping PII and
    statistical PERSON entities are left out, so no name leaks through them."""
    pii = [{"kind": k, "start": s, "end": e} for s, e, k in (doc._.pii_offsets or [])]
    ents = doc.ents
    hit = overlapping([(e.start_char, e.end_char) for e in ents], [(p["start"], p["end"]) for p in pii])
    entities = []
    for ent, covered in zip(ents, hit):
        if ent.label_ in ("PERSON", "PER") or covered:
            continue
        entities.append({"text": ent.text, "label": ent.label_, "start": ent.start_char, "end": ent.end_char,
                         "id": ent.id_ or ent.text, "source": "rules" if ent.label_ in ENTITY_LABELS else "model"})
    normalized = doc.text
    return CleanedAnswer(
        text=text,
        normalized_text=normalized,
        redacted_text=doc._.redacted_text if doc._.redacted_text is not None else normalized,
        lemmas=list(doc._.lemmas or []),
        content_lemmas=list(doc._.content_lemmas or []),
        key_phrases=list(doc._.key_phrases or []),
        entities=entities,
        pii=pii,
        flags=list(doc._.flags or []),
        language=doc._.language,
        emoji=list(doc._.emoji or []),
    )


def clean_answers(nlp: Language, texts: Iterable[str | None], batch_size: int = 256, n_process: int = 1,
                  respondent_ids: Sequence[Hashable] | None = None) -> list[CleanedAnswer]:
    """Clean open answers with ``nlp`` (from ``load_pipeline``) via ``nlp.pipe``.

    ``None`` answers count as empty. With ``respondent_ids`` (one per text),
    an answer repeating an earlier answer of the same respondent gets the
    ``duplicate`` flag and ``duplicate_of``."""
    texts = ["" if t is None else str(t) for t in texts]
    if respondent_ids is not None and len(respondent_ids) != len(texts):
        raise ValueError("respondent_ids must have one id per text")
    docs = nlp.pipe(texts, batch_size=batch_size, n_process=n_process)
    answers = [doc_to_answer(doc, text) for doc, text in zip(docs, texts)]
    if respondent_ids is not None:
        for answer, earlier in zip(answers, find_duplicates(zip(respondent_ids, texts))):
            if earlier is not None:
                answer.duplicate_of = earlier
                answer.flags.append(DUPLICATE)
    return answers


@lru_cache(maxsize=1)
def _field_pipeline() -> Language:
    import spacy

    # spacy.blank, not loader.blank_pipeline: redaction reads no lemmas, and the lookup
    # lemmatizer's tables took 1 s of the report (same redactions on 2,303 sample and PII-test
    # texts with and without it)
    return add_textmine_components(spacy.blank("nl"))


@lru_cache(maxsize=4096)
def redact_field(value: str) -> str:
    """A short text a respondent typed outside the open answers (the unit as typed: "Lokeren -
    contact Peeters Jan"), redacted like an answer, for what is published. Uses the blank
    pipeline: the same patterns and name rules, no model to load."""
    if not value or not value.strip():
        return value
    return _field_pipeline()(value)._.redacted_text
