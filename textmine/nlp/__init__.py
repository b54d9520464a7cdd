"""Dutch NLP helpers for textmine (spaCy components and utilities).

Public API (store-free)::

    from textmine.nlp import load_pipeline, clean_answers
    nlp, info = load_pipeline()            # info.to_dict() goes with the run
    answers = clean_answers(nlp, texts, respondent_ids=ids)
    rows = [a.to_dict() for a in answers]  # JSON-serialisable

Components (registered when textmine.nlp.loader is imported):
``textmine_entities``, ``textmine_pii``, ``textmine_clean``,
``textmine_flags``; the normaliser wraps the tokenizer.
"""
from textmine.nlp.answers import CleanedAnswer, clean_answers, redact_field
from textmine.nlp.flags import find_duplicates
from textmine.nonanswers import is_non_answer
from textmine.nlp.loader import PipelineFallbackWarning, PipelineInfo, add_textmine_components, load_pipeline
from textmine.nlp.normalize import normalize_text
from textmine.nlp.pii import find_pattern_pii, redact

__all__ = [
    "CleanedAnswer",
    "PipelineFallbackWarning",
    "PipelineInfo",
    "add_textmine_components",
    "clean_answers",
    "find_duplicates",
    "find_pattern_pii",
    "is_non_answer",
    "load_pipeline",
    "normalize_text",
    "redact",
    "redact_field",
]
