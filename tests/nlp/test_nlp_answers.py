"""clean_answers returns plain, JSON-serialisable data."""
from __future__ import annotations

import json

import pytest

from textmine.nlp.answers import clean_answers


def test_clean_answers_plain_data(nlp) -> None:
    texts = ["Onze collega Femke organiseerde de Week van de Fair Trade \U0001F389 in Zele, samen met "
             "Oxfam\u2011Wereldwinkels. Mail femke@zele.be.", None, "Pas de budget."]
    answers = clean_answers(nlp, texts, batch_size=2)
    first = answers[0].to_dict()
    json.dumps([a.to_dict() for a in answers])
    assert first["text"] == texts[0]
    assert "\U0001F389" not in first["normalized_text"] and first["emoji"] == ["\U0001F389"]
    assert first["redacted_text"] == ("Onze collega [NAAM] organiseerde de Week van de Fair Trade in Zele, "
                                      "samen met Oxfam-Wereldwinkels. Mail [E-MAIL].")
    norm = first["normalized_text"]
    at = norm.index("femke@zele.be")
    assert first["pii"] == [{"kind": "name", "start": 13, "end": 18},
                            {"kind": "email", "start": at, "end": at + len("femke@zele.be")}]
    assert {(e["text"], e["label"], e["id"]) for e in first["entities"]} == {
        ("Zele", "GEMEENTE", "Zele"), ("Oxfam-Wereldwinkels", "ORGANISATIE", "Oxfam")}
    for e in first["entities"]:
        assert first["normalized_text"][e["start"]:e["end"]] == e["text"]
    assert "organiseren" in first["lemmas"] and "[NAAM]" in first["lemmas"] and "[E-MAIL]" in first["lemmas"]
    assert "femke" not in " ".join(first["lemmas"] + first["content_lemmas"] + first["key_phrases"])
    assert "de" not in first["content_lemmas"] and "gemeente" not in first["content_lemmas"]
    assert first["flags"] == ["contains_pii"] and first["language"] == "nl"
    assert answers[1].flags == ["non_answer"] and answers[1].text == ""
    assert answers[2].flags == ["not_dutch"]


def test_key_phrases_without_parser(nlp) -> None:
    [answer] = clean_answers(nlp, ["Een klimaatwandeling en een fairtrade ontbijt voor nieuwe inwoners."])
    assert answer.key_phrases == ["klimaatwandeling", "fairtrade ontbijt", "nieuw inwoners"] or \
        answer.key_phrases[:2] == ["klimaatwandeling", "fairtrade ontbijt"]


def test_domain_stop_words_are_configurable() -> None:
    from textmine.nlp.loader import add_textmine_components, blank_pipeline

    nlp = add_textmine_components(blank_pipeline(), {"textmine_clean": {"extra_stop_words": ["klimaat"],
                                                                        "keep_words": ["geen"]}})
    [answer] = clean_answers(nlp, ["Geen klimaat, geen budget."])
    assert answer.content_lemmas == ["geen", "geen", "budget"]
    assert nlp.vocab["klimaat"].is_stop and not nlp.vocab["geen"].is_stop


def test_respondent_ids_length_is_checked(nlp) -> None:
    with pytest.raises(ValueError):
        clean_answers(nlp, ["a", "b"], respondent_ids=[1])


def test_multiprocessing_gives_the_same_result(nlp) -> None:
    texts = ["Bel Sofie De Smet op 0475 12 34 56.", "Fairtrade in Peer en Bree.", "nvt"] * 4
    single = [a.to_dict() for a in clean_answers(nlp, texts)]
    multi = [a.to_dict() for a in clean_answers(nlp, texts, batch_size=4, n_process=2)]
    assert single == multi
