"""Gazetteer entities: countries, municipalities (incl. pre-2025 names),
cities, organisations and SDG mentions, with the ambiguous cases."""
from __future__ import annotations

import pytest


def ents(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.id_) for e in nlp(text).ents]


@pytest.mark.parametrize("text,expected", [
    ("We steunen projecten in Oeganda en Burkina Faso.", [("Oeganda", "LAND", "Oeganda"),
                                                         ("Burkina Faso", "LAND", "Burkina Faso")]),
    ("De stedenband met Congo en DR Congo.", [("Congo", "LAND", "Congo-Kinshasa"),
                                              ("DR Congo", "LAND", "Congo-Kinshasa")]),
    ("inleefreis naar zuid-afrika en de VS", [("zuid-afrika", "LAND", "Zuid-Afrika"),
                                              ("VS", "LAND", "Verenigde Staten")]),
    ("Palestina, Marokko en Ivoorkust", [("Palestina", "LAND", "Palestijnse gebieden"),
                                         ("Marokko", "LAND", "Marokko"), ("Ivoorkust", "LAND", "Ivoorkust")]),
])
def test_countries(nlp, text, expected) -> None:
    assert ents(nlp, text) == expected


def test_municipalities_and_pre_2025_names(nlp) -> None:
    found = ents(nlp, "In Kortrijk, Sint-Niklaas, Knokke-Heist en sint-truiden; vroeger ook Borsbeek, Melle en Ham.")
    assert ("Kortrijk", "GEMEENTE", "Kortrijk") in found
    assert ("Sint-Niklaas", "GEMEENTE", "Sint-Niklaas") in found
    assert ("Knokke-Heist", "GEMEENTE", "Knokke-Heist") in found
    assert ("sint-truiden", "GEMEENTE", "Sint-Truiden") in found
    assert ("Borsbeek", "GEMEENTE", "Antwerpen") in found
    assert ("Melle", "GEMEENTE", "Merelbeke-Melle") in found
    assert ("Ham", "GEMEENTE", "Tessenderlo-Ham") in found


@pytest.mark.parametrize("text,expected", [
    # common words only when capitalised
    ("We landen in de ham van de boom met een peer.", []),
    ("Landen in het Zuiden krijgen steun.", []),  # sentence start: the noun
    ("Voeren we campagne? Ja.", []),
    ("De gemeente Landen en de gemeente Voeren.", [("Landen", "GEMEENTE"), ("Voeren", "GEMEENTE")]),
    ("Samen met Peer, Bree, Zele, Hamme en Puurs-Sint-Amands.",
     [("Peer", "GEMEENTE"), ("Bree", "GEMEENTE"), ("Zele", "GEMEENTE"), ("Hamme", "GEMEENTE"),
      ("Puurs-Sint-Amands", "GEMEENTE")]),
    ("Zele en Bree doen mee.", [("Zele", "GEMEENTE"), ("Bree", "GEMEENTE")]),  # unambiguous at the start
    ("de zele mensen", []),  # lower case is no municipality
    # Lille is the municipality (Antwerp); the French city is Rijsel
    ("De wereldwinkel van Lille en een uitstap naar Rijsel.", [("wereldwinkel", "ORGANISATIE"),
                                                                ("Lille", "GEMEENTE"), ("Rijsel", "STAD")]),
    # municipalities inside surnames are no places
    ("Jan Van Damme woont in Damme.", [("Damme", "GEMEENTE")]),
    ("Brecht Wouters uit Brecht en Jos Van Dyck uit Jos.", [("Brecht", "GEMEENTE"), ("Jos", "STAD")]),
    ("Gent organiseert de Week van de Fair Trade.", [("Gent", "GEMEENTE")]),
])
def test_ambiguous_names(nlp, text, expected) -> None:
    assert [(t, label) for t, label, _ in ents(nlp, text)] == expected


def test_cities_in_dutch(nlp) -> None:
    found = ents(nlp, "Delegaties uit Parijs, Londen, Kinshasa, Dakar en Kiev.")
    assert [(t, label) for t, label, _ in found] == [
        ("Parijs", "STAD"), ("Londen", "STAD"), ("Kinshasa", "STAD"), ("Dakar", "STAD"), ("Kiev", "STAD")]
    assert ents(nlp, "Een reis naar Paris.")[0][2] == "Parijs"


def test_organisations(nlp) -> None:
    found = ents(nlp, "Het 11.11.11-comité, Broederlijk Delen, Oxfam-Wereldwinkels, Vredeseilanden, enabel en VVSG.")
    assert [(t, label, i) for t, label, i in found] == [
        ("11.11.11-comité", "ORGANISATIE", "11.11.11"), ("Broederlijk Delen", "ORGANISATIE", "Broederlijk Delen"),
        ("Oxfam-Wereldwinkels", "ORGANISATIE", "Oxfam"), ("Vredeseilanden", "ORGANISATIE", "Rikolto"),
        ("enabel", "ORGANISATIE", "Enabel"), ("VVSG", "ORGANISATIE", "VVSG")]
    assert ents(nlp, "Kom op tegen Kanker") == []  # not a development organisation


@pytest.mark.parametrize("text,expected", [
    ("We werken rond SDG 13 en SDG-5.", [("SDG 13", "SDG 13"), ("SDG-5", "SDG 5")]),
    ("De SDG's en de sdg's", [("SDG's", "SDG"), ("sdg's", "SDG")]),
    ("doelstelling 5 en duurzame ontwikkelingsdoelstellingen", [("doelstelling 5", "SDG 5"),
                                                               ("duurzame ontwikkelingsdoelstellingen", "SDG")]),
    ("Agenda 2030 en de Global Goals", [("Agenda 2030", "SDG"), ("Global Goals", "SDG")]),
    ("actiepunt 1.2 van doelstelling 1.2 en doelstelling 18", []),
])
def test_sdg_mentions(nlp, text, expected) -> None:
    assert [(t, i) for t, label, i in ents(nlp, text) if label == "SDG"] == expected


def test_regions(nlp) -> None:
    assert ("Latijns-Amerika", "REGIO", "Latijns-Amerika") in ents(nlp, "Projecten in Afrika en Latijns-Amerika.")
