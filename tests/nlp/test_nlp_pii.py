"""PII redaction: formats, placeholders, and the targets on the test sets.

Targets (from the project brief): recall >= 0.95 for e-mail, phone, IBAN and
national register numbers, >= 0.85 for names, and at most 2% of protected
municipality/organisation mentions wrongly redacted.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from textmine.nlp.evaluate import evaluate_pii, load_pii_testset
from textmine.nlp.answers import redact_field
from textmine.nlp.pii import find_pattern_pii, iban_check, redact
from textmine.nlp.resources import data_dir

TESTSET = data_dir() / "pii_testset"
DATA = Path(__file__).parent / "data"
TARGET_RECALL = {"email": 0.95, "social": 0.95, "phone": 0.95, "iban": 0.95, "rrn": 0.95, "name": 0.85}


def kinds(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], k) for s, e, k in find_pattern_pii(text)]


@pytest.mark.parametrize("number", [
    "+32 475 12 34 56", "+32 (0)475 12 34 56", "+32(0)9 234 56 78", "0032 475 12 34 56", "0032 (0)3 456 78 90",
    "0475 12 34 56", "0475/12.34.56", "0475-12-34-56", "0475123456", "09/123.45.67", "09 / 123 45 67",
    "03 123 45 67", "011 63 42 18", "+32 9 210 10 10", "+32 4 381 02 10", "(09) 123 45 67",
    "+221 77 123 45 67", "+31 6 12345678",
])
def test_phone_formats(number: str) -> None:
    assert kinds(f"Bel {number}.") == [(number, "phone")]


@pytest.mark.parametrize("text", [
    "We hebben 0,2 VTE en 15.000 euro.", "Van 2020-2025 steeg het budget.", "Op 01/02/2024 om 10 uur.",
    "Postcode 9000 Gent, huisnummer 12.", "Het meerjarenplan 2026-2031 telt 45 acties.",
])
def test_no_phone_false_alarms(text: str) -> None:
    assert find_pattern_pii(text) == []


def test_emails() -> None:
    assert kinds("Mail Jan.Peeters@Gent.be, info(at)oxfam.be of a.b-c@x.co.uk!") == [
        ("Jan.Peeters@Gent.be", "email"), ("info(at)oxfam.be", "email"), ("a.b-c@x.co.uk", "email")]
    assert find_pattern_pii("Fairtrade@Work en @gemeente op sociale media") == []


def test_iban_validated_with_stdnum() -> None:
    assert kinds("Op BE71 0961 2345 6769 of be71096123456769.") == [
        ("BE71 0961 2345 6769", "iban"), ("be71096123456769", "iban")]
    assert kinds("NL91 ABNA 0417 1643 00 en FR14 2004 1010 0505 0001 3M02 606") == [
        ("NL91 ABNA 0417 1643 00", "iban"), ("FR14 2004 1010 0505 0001 3M02 606", "iban")]
    assert find_pattern_pii("BE71 0961 2345 6768") == []  # wrong check digits


def test_national_register_number_validated() -> None:
    for number in ("85.07.30-033.28", "85073003328", "850730-033-28", "850730 033 28"):
        assert kinds(f"RRN {number}.") == [(number, "rrn")], number
    assert kinds("born 2000: 00.01.01-001.05") == [("00.01.01-001.05", "rrn")]
    assert find_pattern_pii("85073003329") == []  # bare digits with bad check digits, not a phone either
    # written out as the card prints it: a register number even with a typo in the check digits
    assert kinds("RRN 85.07.30-033.29.") == [("85.07.30-033.29", "rrn")]


def test_redact_placeholders() -> None:
    text = "Mail jan@gent.be of bel 0475 12 34 56."
    assert redact(text, find_pattern_pii(text)) == "Mail [E-MAIL] of bel [TELEFOON]."


@pytest.mark.parametrize("text,redacted", [
    ("Contactpersoon: Lien Van den Broeck, 0476 12 34 56",
     "Contactpersoon: [NAAM], [TELEFOON]"),
    ("Mevrouw Vandeputte en dhr. Verhaeghe kwamen.", "Mevrouw [NAAM] en dhr. [NAAM] kwamen."),
    ("Onze collega Femke en Pieter-Jan D'hondt.", "Onze collega [NAAM] en [NAAM]."),
    ("Evelien de Vos en Ruben van der Linden.", "[NAAM] en [NAAM]."),
    ("Elke maand komt de werkgroep samen.", "Elke maand komt de werkgroep samen."),
    ("Elke Goossens komt elke maand.", "[NAAM] komt elke maand."),
    ("Brecht Wouters uit Brecht en Jan Van Damme uit Damme.", "[NAAM] uit Brecht en [NAAM] uit Damme."),
    ("Sofie De Smet (Oxfam, Zele) en schepen Bart Claes van Hamme.",
     "[NAAM] (Oxfam, Zele) en schepen [NAAM] van Hamme."),
    ("Met vriendelijke groeten, Nathalie Dewulf", "Met vriendelijke groeten, [NAAM]"),
    ("Laura's verhaal uit Guatemala.", "[NAAM] verhaal uit Guatemala."),
    # first names that are also Dutch words: capitalised inside a sentence, on their own, they are names
    ("Ge kunt altijd bellen naar Griet op 09 615 40 18.", "Ge kunt altijd bellen naar [NAAM] op [TELEFOON]."),
    ("Vraag het aan Elke of Koen.", "Vraag het aan [NAAM] of [NAAM]."),
    ("We aten griet. In De Roos was het feest.", "We aten griet. In De Roos was het feest."),
    ("Elke gemeente doet mee aan de Week Van De Duurzame Gemeente.",
     "Elke gemeente doet mee aan de Week Van De Duurzame Gemeente."),
])
def test_names(nlp, text: str, redacted: str) -> None:
    assert nlp(text)._.redacted_text == redacted


def test_pii_spans_and_entities(nlp) -> None:
    doc = nlp("Vraag het aan Toon Van Hove (toon@hove.be) in Hove.")
    assert [(s.text, s.label_) for s in doc._.pii] == [("Toon Van Hove", "name"), ("toon@hove.be", "email")]
    assert [(e.text, e.label_) for e in doc.ents] == [("Hove", "GEMEENTE")]
    assert "contains_pii" in doc._.flags
    assert "[NAAM]" in doc._.lemmas and "toon" not in doc._.lemmas and "hove" in doc._.lemmas


@pytest.mark.parametrize("file", ["answers.jsonl", "holdout_SPENT.jsonl", "issue11.jsonl"])
def test_pii_targets(nlp, file: str) -> None:
    rows = load_pii_testset(TESTSET / file)
    report = evaluate_pii(nlp, rows)
    for kind, target in TARGET_RECALL.items():
        assert report.kinds[kind].recall >= target, (kind, report.kinds[kind].recall, report.misses)
    assert report.protected_rate <= 0.02, report.protected_hits


def test_pii_testset_size() -> None:
    rows = load_pii_testset(TESTSET / "answers.jsonl")
    counts: dict[str, int] = {}
    for row in rows:
        for item in row["pii"]:
            counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    assert len(rows) >= 150
    assert all(counts[k] >= 30 for k in ("email", "phone", "iban", "rrn")) and counts["name"] >= 60
    assert sum(len(r["protected"]) for r in rows) >= 100


def test_answers_without_pii_stay_intact(nlp) -> None:
    lines = [line for line in (DATA / "no_pii_answers.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    touched = [doc.text for doc in nlp.pipe(lines) if doc._.pii_offsets]
    assert len(touched) <= 0.02 * len(lines) + 1, touched


# --- issue 11: the forms personal data takes in real answers ---------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Mail naar jan punt peeters at gemeente punt be voor info.", "jan punt peeters at gemeente punt be"),
    ("Contact: jan.peeters [at] gemeente [dot] be", "jan.peeters [at] gemeente [dot] be"),
    ("Stuur naar jan (at) gemeente.be.", "jan (at) gemeente.be"),
    ("Of jan apestaartje gemeente punt be!", "jan apestaartje gemeente punt be"),
    ("Write to sarah.johnson at oxfam dot org today", "sarah.johnson at oxfam dot org"),
    ("Mail JAN @ GENT.BE of bel", "JAN @ GENT.BE"),
    ("subsidies[at]lochristi[punt]be", "subsidies[at]lochristi[punt]be"),
    ("Mail jan.peeters@ gemeente.be", "jan.peeters@ gemeente.be"),
])
def test_written_out_email(text: str, expected: str) -> None:
    assert kinds(text) == [(expected, "email")]


@pytest.mark.parametrize("text", [
    "We meet at the town hall at 10.30.", "Look at oxfam.be for the campaign.", "Meer info at www.zele.be",
    "Het laatste punt is de communicatie.", "Fairtrade@Work en @gemeente op sociale media",
])
def test_no_email_false_alarms(text: str) -> None:
    assert find_pattern_pii(text) == []


@pytest.mark.parametrize("text,expected", [
    ("Volg @jan_peeters op Instagram.", ["@jan_peeters"]),
    ("Volg @jan.peeters op Instagram.", ["@jan.peeters"]),  # a handle, not "Volg" at "jan.peeters"
    ("Tag @JanPeeters, @janpeeters of @siobhangallagher.", ["@JanPeeters", "@janpeeters", "@siobhangallagher"]),
    ("Zie linkedin.com/in/jan-peeters-123.", ["linkedin.com/in/jan-peeters-123"]),
    ("Op https://www.facebook.com/jan.peeters?fbclid=IwAR3 staan foto's.",
     ["https://www.facebook.com/jan.peeters?fbclid=IwAR3"]),
    ("x.com/janpeeters en instagram.com/sarah.johnson en tiktok.com/@jan.peeters",
     ["x.com/janpeeters", "instagram.com/sarah.johnson", "tiktok.com/@jan.peeters"]),
    ("facebook.com/profile.php?id=100012345678", ["facebook.com/profile.php?id=100012345678"]),
    # organisations and places are no persons
    ("Volg @gemeentezele, @oxfam_belgie, @StadGent, @fairtrade_be, @11_11_11 en facebook.com/gemeentezele.", []),
])
def test_social_handles_and_profiles(text: str, expected: list[str]) -> None:
    assert kinds(text) == [(e, "social") for e in expected]


@pytest.mark.parametrize("iban", [
    "GB82 WEST 1234 5698 7654 32",        # stdnum knows it
    "BE81 1121 2345 6724",                # Belgian, a bank python-stdnum does not know
    "be81112123456724",
    "XK051212012345678906",               # Kosovo
    "XX57 1234 5678 9012 345",            # no such country: the check digits still say IBAN
    "MU17BOMM0101101030300200000MUR",
    "BE71-0961-2345-6769",
])
def test_iban_by_mod97_whatever_the_bank_or_country(iban: str) -> None:
    assert iban_check(iban.replace(" ", "").replace("-", ""))
    assert kinds(f"Stort op {iban} aub.") == [(iban, "iban")]


def test_iban_bad_check_digits_and_group_ends() -> None:
    assert find_pattern_pii("Stort op BE81 1121 2345 6725 aub.") == []  # one digit off
    text = "GB82 WEST 1234 5698 7654 32 of XK05 1212 0123 4567 8906"
    assert kinds(text) == [("GB82 WEST 1234 5698 7654 32", "iban"), ("XK05 1212 0123 4567 8906", "iban")]


@pytest.mark.parametrize("text,redacted", [
    # names in capitals
    ("Contactpersoon: JAN PEETERS, schepen.", "Contactpersoon: [NAAM], schepen."),
    ("Getrokken door MARIE DUBOIS en KOEN VERMEULEN.", "Getrokken door [NAAM] en [NAAM]."),
    ("WIJ WERKEN SAMEN MET ANNELIES VERBEKE VAN OXFAM.", "WIJ WERKEN SAMEN MET [NAAM] VAN OXFAM."),
    ("Het EVA en de VZW van TOM werken samen met LMB.", "Het EVA en de VZW van TOM werken samen met LMB."),
    # surname first
    ("Peeters Jan is onze contactpersoon.", "[NAAM] is onze contactpersoon."),
    ("De trekker is PEETERS Jan.", "De trekker is [NAAM]."),
    ("De aanvraag kwam van Peeters, Jan.", "De aanvraag kwam van [NAAM]."),
    ("Contact: VERHAEGEN Goedele", "Contact: [NAAM]"),
    ("In de werkgroep: Claes Bart en Verhaegen Goedele.", "In de werkgroep: [NAAM] en [NAAM]."),
    # every part of a multi-part name
    ("Fatima Zahra Bouzid coördineert het.", "[NAAM] coördineert het."),
    ("Jan-Willem van den Broeck en Mohamed El Amrani.", "[NAAM] en [NAAM]."),
    ("Onze partner Maria del Carmen Rodríguez López kwam.", "Onze partner [NAAM] kwam."),
    # English: capitalised ordinary words are no names, First Last names are
    ("Thanks Great Work!", "Thanks Great Work!"),
    ("The Open Source Program Office helped us.", "The Open Source Program Office helped us."),
    ("Best Regards, The Green Office Team", "Best Regards, The Green Office Team"),
    ("Contact Sarah Johnson for more information.", "Contact [NAAM] for more information."),
    ("Please reach out to Siobhan Gallagher or Kwame Mensah.", "Please reach out to [NAAM] or [NAAM]."),
    ("Thanks to Mark Evans and the Youth Council.", "Thanks to [NAAM] and the Youth Council."),
])
def test_issue11_names(nlp, text: str, redacted: str) -> None:
    assert nlp(text)._.redacted_text == redacted


def test_redact_field_for_units_as_typed() -> None:
    assert redact_field("Peeters Jan (Lokeren)") == "[NAAM] (Lokeren)"
    assert redact_field("lochristi.dienst@gmail.com") == "[E-MAIL]"
    assert redact_field("Gemeente Zele") == "Gemeente Zele"


@pytest.mark.parametrize("text", ["Vraag het aan PEETERS", "In het kader van dat MONITOR"])
def test_answer_ending_on_a_surname_in_capitals(nlp, text: str) -> None:
    # the surname-first scan looked past the last token (IndexError on a real Chamber question)
    assert nlp(text)._.redacted_text.split()[:3] == text.split()[:3]
