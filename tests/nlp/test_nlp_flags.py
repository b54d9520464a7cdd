"""Non-answer, very-long, language and duplicate flags."""
from __future__ import annotations

import pytest

from textmine.nlp.answers import clean_answers
from textmine.nlp.flags import find_duplicates
from textmine.nonanswers import is_non_answer

NON_ANSWERS = ["nvt", "NVT", "n.v.t.", "n.v.t", "N.V.T.", "nee", "Nee.", "neen", "geen", "Geen.", "geen idee",
               "Geen idee!", "weet niet", "Weet ik niet", "-", "/", "x", "X", "...", "?", "", "   ", "\u2026",
               "\U0001F937", "--", "n/a"]
ANSWERS = ["Nee, want er is geen budget.", "geen budget", "Geen personeel en geen tijd", "Nee hoor, we doen dat al",
           "x-as van de grafiek", "De stedenband met Nicaragua", "?! geen idee wat de nieuwe schepen wil"]


@pytest.mark.parametrize("text", NON_ANSWERS)
def test_non_answers(text: str, nlp) -> None:
    assert is_non_answer(text)
    assert "non_answer" in nlp(text)._.flags


@pytest.mark.parametrize("text", ANSWERS)
def test_real_answers_are_not_non_answers(text: str, nlp) -> None:
    assert not is_non_answer(text)
    assert "non_answer" not in nlp(text)._.flags


def test_non_answer_has_no_content(nlp) -> None:
    doc = nlp("n.v.t.")
    assert doc._.content_lemmas == [] and doc._.key_phrases == []


def test_very_long_is_configurable(nlp) -> None:
    long_text = " ".join(["Wij organiseren een wereldmarkt met veel verenigingen."] * 40)  # 280 words
    assert "very_long" in nlp(long_text)._.flags
    assert "very_long" not in nlp("Een korte zin.")._.flags
    import spacy

    from textmine.nlp.loader import add_textmine_components, blank_pipeline

    strict = add_textmine_components(blank_pipeline(), {"textmine_flags": {"very_long_words": 3}})
    assert "very_long" in strict("Een iets langere zin dan drie woorden.")._.flags
    assert isinstance(strict, spacy.language.Language)


@pytest.mark.parametrize("text,lang", [
    ("Pas de budget pour cela.", "fr"),
    ("Nous n'avons pas de politique internationale.", "fr"),
    ("We do not have a global policy yet.", "en"),
    ("No budget and no staff.", "en"),
])
def test_not_dutch(text: str, lang: str, nlp) -> None:
    doc = nlp(text)
    assert doc._.language == lang
    assert "not_dutch" in doc._.flags


@pytest.mark.parametrize("text", [
    "Geen budget en te weinig personeel.",
    "Fair Trade ontbijt",
    "Global Goals week op school",
    "De stedenband met Nicaragua.",
    "SDG-rapportering via indicatoren",
    "Vlotte communicatie",
])
def test_dutch_is_not_flagged(text: str, nlp) -> None:
    assert "not_dutch" not in nlp(text)._.flags


def test_non_answers_are_not_language_tested(nlp) -> None:
    doc = nlp("n/a")
    assert doc._.language is None and doc._.flags == ["non_answer"]


def test_find_duplicates_per_respondent() -> None:
    pairs = [("r1", "Geen budget."), ("r1", "geen  budget"), ("r2", "Geen budget"), ("r1", "nvt"),
             ("r1", "nvt"), ("r2", "Iets anders"), ("r2", "GEEN BUDGET!")]
    assert find_duplicates(pairs) == [None, 0, None, None, None, None, 2]


def test_clean_answers_flags_duplicates(nlp) -> None:
    answers = clean_answers(nlp, ["Een wereldmarkt.", "een wereldmarkt", "nvt", "nvt"],
                            respondent_ids=[7, 7, 7, 7])
    assert [a.flags for a in answers] == [[], ["duplicate"], ["non_answer"], ["non_answer"]]
    assert answers[1].duplicate_of == 0


def test_custom_non_answer_lists_are_honoured_each_call() -> None:
    custom = ["Pas"]
    assert is_non_answer("pas!", custom) and not is_non_answer("pas!")
    custom.append("Volgende keer")  # a changed list is read again, not a stale cached one
    assert is_non_answer("volgende keer.", custom)
    assert is_non_answer("geen idee", custom)  # the patterns apply whatever the list
    assert find_duplicates([(1, "pas"), (1, "pas"), (1, "echt iets"), (1, "echt iets!")], custom) == \
        [None, None, None, 2]
