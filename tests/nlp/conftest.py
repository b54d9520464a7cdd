"""Shared fixtures: one blank-fallback textmine pipeline per test session.

Tests use the blank fallback (spacy.blank('nl') + lookup lemmas) unless they
need the trained model; those skip when models/nl_textmine_core is missing.
"""
from __future__ import annotations

import pytest
from spacy.language import Language

from textmine.nlp.loader import add_textmine_components, blank_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    return add_textmine_components(blank_pipeline())
