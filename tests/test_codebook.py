"""Codebooks: the shipped ones match the report's themes; bad files are refused
in one line naming file and line; REFI-QDA .qdc goes out and comes back."""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path

import pytest

from textmine.codebook import NON_ANSWER, OVERIG, Theme, import_qdc, load_codebook, slugify
from textmine.errors import InputError
from textmine.qdc import NAMESPACE, export_qdc, theme_guid
from tm_testutil import refi_xsd_validator

CODEBOOKS = Path(__file__).parent.parent / "data" / "codebooks"

# The report's themes per open question, as the BRIEF lists them (in order).
BRIEF_IDS = {
    "lmb_trots": ["financiele_steun", "sensibilisering", "evenementen", "beleid", "fairtrade",
                  "geen_project"],
    "lmb_noden": ["verankering", "kleine_besturen", "uitwisseling", "wereldburgerschap",
                  "themadagen", "zichtbaarheid"],
    "lmb_wat_werkt": ["tools_publicaties", "vorming", "netwerkmomenten", "persoonlijk",
                      "laagdrempelig"],
    "lmb_reden_geen_lmb": ["politiek_draagvlak", "budget", "personeel_capaciteit"],
    "sdg_trots": ["duurzaamheidsevenementen", "participatie", "interne_werking", "beleidsplanning",
                  "externe_communicatie", "week_duurzame_gemeente"],
    "sdg_tips": ["lokaal_vertalen", "op_maat", "thematisch", "praktische_tools",
                 "communicatie_draagvlak"],
    "sdg_andere_actoren": ["provincie", "oppositie", "medewerkers", "actualiteit"],
}
# Labels the BRIEF gives in Dutch, to the letter.
BRIEF_LABELS = {
    "financiele_steun": "Financiële steun en stedenbanden",
    "sensibilisering": "Sensibilisering en educatie",
    "evenementen": "Lokale evenementen en acties",
    "beleid": "Gemeentelijke ondersteuning en beleidsmatige verankering",
    "fairtrade": "Fair Trade en Faire Gemeente",
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# --- the shipped codebooks ---------------------------------------------------

def test_every_open_question_has_a_codebook():
    assert set(BRIEF_IDS) <= {p.stem for p in CODEBOOKS.glob("*.yaml")}


@pytest.mark.parametrize("name", sorted(BRIEF_IDS))
def test_shipped_codebook_matches_brief(name: str):
    cb = load_codebook(CODEBOOKS / f"{name}.yaml")
    survey, question = name.split("_", 1)
    assert (cb.survey, cb.question) == (survey, question)
    assert cb.ids == BRIEF_IDS[name]
    assert cb.label
    for t in cb:
        assert t.label and t.description, t.id
        assert 10 <= len(t.keywords) <= 30, (t.id, len(t.keywords))
        assert 3 <= len(t.examples) <= 5, (t.id, len(t.examples))
        assert all(k == k.lower() for k in t.keywords)
        if t.id in BRIEF_LABELS:
            assert t.label == BRIEF_LABELS[t.id]
        assert t.exclusive == (t.id == "geen_project")


@pytest.mark.parametrize("name", sorted(BRIEF_IDS))
def test_shipped_codebook_yaml_round_trip(name: str, tmp_path: Path):
    cb = load_codebook(CODEBOOKS / f"{name}.yaml")
    again = load_codebook(cb.save(tmp_path / f"{name}.yaml"))
    assert again == cb and again.hash == cb.hash


def test_shipped_examples_hit_their_own_theme():
    # A seed example that none of its theme's keywords or patterns can see
    # would teach a keyword coder nothing; lemma matching is out of scope here.
    for path in CODEBOOKS.glob("*.yaml"):
        for t in load_codebook(path):
            for example in t.examples:
                low = example.lower()
                assert any(k in low for k in t.keywords) or any(r.search(example) for r in t.regexes), \
                    (path.name, t.id, example)


def test_special_outcomes_are_constants_not_themes():
    assert (OVERIG, NON_ANSWER) == ("overig", "non_answer")
    cb = load_codebook(CODEBOOKS / "lmb_trots.yaml")
    assert OVERIG not in cb and NON_ANSWER not in cb
    assert cb.label_of(OVERIG) == "Overig"
    assert cb.label_of("fairtrade") == "Fair Trade en Faire Gemeente"


# --- bad input ---------------------------------------------------------------

GOOD_THEME = """\
  - id: budget
    label: Budget
"""

BAD = {
    "invalid_yaml": ("themes:\n  - id: a\n    label: [unclosed\n", 4, "not valid YAML"),
    "duplicate_id": (f"themes:\n{GOOD_THEME}  - id: budget\n    label: Ander\n", 4, "'budget' is used twice"),
    "unknown_theme_key": (f"themes:\n{GOOD_THEME}  - id: tijd\n    label: Tijd\n    keyword: [x]\n",
                          4, "unknown key(s) keyword"),
    "unknown_top_key": (f"survey: lmb\nthema: x\nthemes:\n{GOOD_THEME}", 1, "unknown key(s) thema"),
    "uppercase_id": ("themes:\n  - id: Budget\n    label: Budget\n", 2, "lowercase letters"),
    "digit_id": ("themes:\n  - id: 1budget\n    label: Budget\n", 2, "lowercase letters"),
    "reserved_id": ("themes:\n  - id: overig\n    label: Overig\n", 2, "not a theme"),
    "unknown_parent": (f"themes:\n{GOOD_THEME}  - id: tijd\n    label: Tijd\n    parent: geld\n",
                       6, "parent 'geld' is not a theme"),
    "parent_cycle": (("themes:\n  - id: a\n    label: A\n    parent: b\n"
                      "  - id: b\n    label: B\n    parent: a\n"), 4, "cycle (a -> b -> a)"),
    "own_parent": ("themes:\n  - id: a\n    label: A\n    parent: a\n", 4, "cycle"),
    "bad_regex": (f"themes:\n{GOOD_THEME}    patterns:\n      - '\\bok\\b'\n      - '(unclosed'\n",
                  6, "not a valid regular expression"),
    "exclusive_not_bool": ("themes:\n  - id: a\n    label: A\n    exclusive: 'ja'\n", 4,
                           "true or false"),
    "exclusive_with_children": (("themes:\n  - id: a\n    label: A\n    exclusive: true\n"
                                 "  - id: b\n    label: B\n    parent: a\n"), 4, "exclusive"),
    "missing_label": ("themes:\n  - id: a\n    description: iets\n", 2, "'label' is required"),
    "keywords_not_list": ("themes:\n  - id: a\n    label: A\n    keywords: {a: 1}\n", 4, "must be a list"),
    "repeated_key": ("themes:\n  - id: a\n    label: A\n    label: B\n", 4, "key 'label' is repeated"),
    "no_themes": ("survey: lmb\nthemes: []\n", 2, "'themes' must be a list"),
    "not_a_codebook": ("just some text\n", 1, "a codebook is a mapping"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_codebook_is_one_line_with_file_and_line(case: str, tmp_path: Path):
    text, line, message = BAD[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_codebook(path)
    shown = str(err.value)
    assert "\n" not in shown
    assert shown.startswith(f"{path}, row {line}: "), shown
    assert message in shown


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match="not found"):
        load_codebook(tmp_path / "nope.yaml")


# --- other ways to write a codebook ------------------------------------------

def test_bare_yaml_list_of_labels(tmp_path: Path):
    cb = load_codebook(write(tmp_path, "draft.yaml", """
        - Financiële steun en stedenbanden
        - Fair Trade
        - 11.11.11-campagne
        - id: eigen_id
          label: Met eigen id
          keywords: [GROS]
        """))
    assert cb.ids == ["financiele_steun_stedenbanden", "fair_trade", "t_11_11_11_campagne", "eigen_id"]
    assert cb.theme("fair_trade").label == "Fair Trade"
    assert cb.theme("eigen_id").keywords == ("gros",)  # keywords are lowercase
    assert cb.label == "" and cb.title == "draft" and cb.survey is None


def test_text_file_one_label_per_line(tmp_path: Path):
    cb = load_codebook(write(tmp_path, "themas.txt", """
        # thema's voor de vraag 'noden'
        Verankering in het meerjarenplan

        - Kleine besturen
        * Overig
        """))
    assert cb.ids == ["verankering_meerjarenplan", "kleine_besturen", "overig_2"]
    assert [t.label for t in cb] == ["Verankering in het meerjarenplan", "Kleine besturen", "Overig"]


def test_text_file_repeated_label(tmp_path: Path):
    path = write(tmp_path, "themas.txt", "Budget\nTijd\nbudget\n")
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert str(err.value).startswith(f"{path}, row 3: ")


def test_slugify():
    assert slugify("Financiële steun") == "financiele_steun"
    assert slugify("Financiële steun", ["financiele_steun"]) == "financiele_steun_2"
    assert slugify("Overig") == "overig_2"
    assert slugify("!!!") == "thema"
    assert slugify("4de pijler") == "t_4de_pijler"


# --- hash --------------------------------------------------------------------

ONE = """
survey: lmb
question: trots
themes:
  - id: fairtrade
    label: Fair Trade
    description: Alles rond eerlijke handel.
    keywords: [fairtrade, wereldwinkel]
    patterns: ['\\bfair\\s*trade']
  - id: beleid
    label: Beleid
"""
SAME = """
themes:
  - label:   Beleid
    id: beleid
  - keywords:
      - wereldwinkel
      - FairTrade
    id: fairtrade
    patterns:
      - "\\\\bfair\\\\s*trade"
    description: >
      Alles rond
      eerlijke   handel.
    label: Fair Trade
question: trots
survey: lmb
"""


def test_hash_ignores_key_order_and_layout(tmp_path: Path):
    one = load_codebook(write(tmp_path, "one.yaml", ONE))
    same = load_codebook(write(tmp_path, "same.yaml", SAME))
    assert one.hash == same.hash
    assert len(one.hash) == 16 and int(one.hash, 16) >= 0


def test_hash_changes_with_content(tmp_path: Path):
    one = load_codebook(write(tmp_path, "one.yaml", ONE))
    other = load_codebook(write(tmp_path, "other.yaml", ONE.replace("wereldwinkel", "oxfam")))
    assert one.hash != other.hash
    relabelled = load_codebook(write(tmp_path, "l.yaml", ONE.replace("label: Beleid", "label: Beleid!")))
    assert relabelled.hash != one.hash


# --- lookups and changes -----------------------------------------------------

NESTED = """
survey: lmb
question: trots
label: Met subthema's
themes:
  - id: financiele_steun
    label: Financiële steun
    description: Geld of materiaal voor het Zuiden.
    keywords: [steun, subsidie]
  - id: stedenband
    label: Stedenband
    parent: financiele_steun
    keywords: [stedenband, partnergemeente]
    examples: ["Onze stedenband met Ecuador: 25 jaar!"]
  - id: bezoek
    label: Bezoek aan de partnergemeente
    parent: stedenband
  - id: geen_project
    label: Nog geen project
    exclusive: true
"""


def test_lookups(tmp_path: Path):
    cb = load_codebook(write(tmp_path, "nested.yaml", NESTED))
    assert cb.ids == ["financiele_steun", "stedenband", "bezoek", "geen_project"]
    assert cb.theme("stedenband").parent == "financiele_steun"
    assert [t.id for t in cb.children("financiele_steun")] == ["stedenband"]
    assert cb.children("bezoek") == []
    assert cb.ancestors("bezoek") == ["stedenband", "financiele_steun"]
    assert cb.theme("geen_project").exclusive
    with pytest.raises(KeyError):
        cb.theme("nope")
    assert cb.theme("stedenband").regexes == ()


def test_patterns_are_case_insensitive():
    t = Theme(id="sdg", label="SDG", patterns=[r"\bsdg\s*\d+"])
    assert t.regexes[0].search("Wij werken rond SDG 11")


def test_add_theme(tmp_path: Path):
    cb = load_codebook(write(tmp_path, "nested.yaml", NESTED))
    new = cb.add_theme("Klimaat en water", keywords=["Klimaat", "waterproject"],
                       examples=["Een waterproject in Benin."], description="Nieuw thema uit BERTopic.")
    assert new is not cb and "klimaat_water" in new and "klimaat_water" not in cb
    t = new.theme("klimaat_water")
    assert t.keywords == ("klimaat", "waterproject") and t.examples == ("Een waterproject in Benin.",)
    assert new.hash != cb.hash
    child = new.add_theme("Noodhulp", id="noodhulp", parent="financiele_steun")
    assert [c.id for c in child.children("financiele_steun")] == ["stedenband", "noodhulp"]
    saved = load_codebook(child.save(tmp_path / "saved.yaml"))
    assert saved == child and saved.hash == child.hash
    with pytest.raises(InputError, match="already exists"):
        cb.add_theme("Wat anders", id="stedenband")
    with pytest.raises(InputError, match="parent 'nergens'"):
        cb.add_theme("Wees", parent="nergens")
    with pytest.raises(InputError, match="not a valid regular expression"):
        cb.add_theme("Fout", patterns=["(("])


# --- REFI-QDA ----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(BRIEF_IDS))
def test_qdc_round_trip_shipped(name: str, tmp_path: Path):
    cb = load_codebook(CODEBOOKS / f"{name}.yaml")
    back = import_qdc(export_qdc(cb, tmp_path / f"{name}.qdc"))
    assert back == cb  # ids, labels, descriptions, keywords, patterns, examples, exclusive
    assert back.hash == cb.hash and back.notes == ()


def test_qdc_round_trip_keeps_hierarchy_and_is_deterministic(tmp_path: Path):
    cb = load_codebook(write(tmp_path, "nested.yaml", NESTED))
    path = export_qdc(cb, tmp_path / "a.qdc")
    first = path.read_bytes()
    assert export_qdc(cb, tmp_path / "b.qdc").read_bytes() == first
    back = load_codebook(path)  # load_codebook reads .qdc too
    assert back == cb
    assert back.ancestors("bezoek") == ["stedenband", "financiele_steun"]
    # GUIDs: valid, derived from the ids, stable when a theme is added.
    guid = theme_guid(cb, "stedenband")
    assert uuid.UUID(guid).version == 5 and guid.encode() in first
    grown = cb.add_theme("Noodhulp")
    assert theme_guid(grown, "stedenband") == guid
    assert NAMESPACE.encode() in first


NVIVO = """\
<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="urn:QDA-XML:codebook:1.0 http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
  origin="NVivo 14">
  <Codes>
    <Code guid="0b9e3c52-4f1d-4d0b-9a57-1f2a8e6c7d01" name="Internationale samenwerking" isCodable="false" color="#3366CC">
      <Description>Alles rond samenwerking&#xD;
met het Zuiden.</Description>
      <Code guid="0b9e3c52-4f1d-4d0b-9a57-1f2a8e6c7d02" name="Stedenband" isCodable="true">
        <Description>Partnerschap met een gemeente in het Zuiden.</Description>
        <Code guid="0b9e3c52-4f1d-4d0b-9a57-1f2a8e6c7d03" name="Wederzijdse bezoeken" isCodable="true"/>
      </Code>
      <Code guid="0b9e3c52-4f1d-4d0b-9a57-1f2a8e6c7d04" name="Noodhulp &amp; giften" isCodable="true"/>
    </Code>
    <Code guid="{0B9E3C52-4F1D-4D0B-9A57-1F2A8E6C7D05}" name="Fair Trade" isCodable="true">
      <Description/>
    </Code>
    <Code guid="0b9e3c52-4f1d-4d0b-9a57-1f2a8e6c7d06" name="Stedenband" isCodable="true"/>
  </Codes>
  <Sets>
    <Set guid="0b9e3c52-4f1d-4d0b-9a57-1f2a8e6c7d10" name="Voor het rapport">
      <MemberCode guid="0b9e3c52-4f1d-4d0b-9a57-1f2a8e6c7d02"/>
    </Set>
  </Sets>
</CodeBook>
"""


def test_import_nvivo_style_qdc(tmp_path: Path):
    cb = import_qdc(write(tmp_path, "nvivo.qdc", NVIVO), survey="lmb", question="trots")
    assert cb.ids == ["internationale_samenwerking", "stedenband", "wederzijdse_bezoeken",
                      "noodhulp_giften", "fair_trade", "stedenband_2"]
    assert cb.theme("stedenband").parent == "internationale_samenwerking"
    assert cb.theme("wederzijdse_bezoeken").parent == "stedenband"
    assert cb.theme("noodhulp_giften").label == "Noodhulp & giften"
    assert cb.theme("internationale_samenwerking").description == "Alles rond samenwerking met het Zuiden."
    assert cb.theme("fair_trade").description == "" and cb.theme("fair_trade").keywords == ()
    assert (cb.survey, cb.question, cb.label, cb.title) == ("lmb", "trots", "", "nvivo")
    assert any("set" in n and "Voor het rapport" in n for n in cb.notes)
    assert any("not codable" in n for n in cb.notes)


def test_import_atlas_ti_namespace(tmp_path: Path):
    text = NVIVO.replace("urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:0:4")
    assert len(import_qdc(write(tmp_path, "atlas.qdc", text))) == 6


@pytest.mark.parametrize("text,line,message", [
    ("<CodeBook><Codes><Code name='a' isCodable='true'></CodeBook>", 1, "not valid XML"),
    ("<?xml version='1.0'?>\n<Project>\n</Project>", 2, "no <CodeBook>"),
    ("<?xml version='1.0'?>\n<CodeBook>\n<Codes/></CodeBook>", 2, "has no codes"),
    ("<?xml version='1.0'?>\n<Html/>", 2, "expected <CodeBook>"),
    ("<CodeBook>\n<Codes>\n<Code guid='x' isCodable='true'/>\n</Codes>\n</CodeBook>", 3, "without a name"),
    ("<!DOCTYPE x [<!ENTITY a 'aaaa'>]>\n<CodeBook/>", 1, "entity"),
    (("<CodeBook>\n<Codes>\n<Code name='A' isCodable='true'><Description>[textmine]\n"
      "pattern: ((</Description></Code>\n</Codes>\n</CodeBook>"), 3, "regular expression"),
])
def test_bad_qdc(tmp_path: Path, text: str, line: int, message: str):
    path = write(tmp_path, "bad.qdc", text)
    with pytest.raises(InputError) as err:
        import_qdc(path)
    shown = str(err.value)
    assert shown.startswith(f"{path}, row {line}: ") and message in shown, shown


def test_qdc_export_validates_against_refi_xsd(tmp_path: Path):
    check = refi_xsd_validator("Codebook.xsd")

    def validate(path: Path) -> None:
        check(Path(path).read_bytes())

    for path in sorted(CODEBOOKS.glob("*.yaml")):
        validate(export_qdc(load_codebook(path), tmp_path / f"{path.stem}.qdc"))
    validate(export_qdc(load_codebook(write(tmp_path, "n.yaml", NESTED)), tmp_path / "nested.qdc"))
    validate(write(tmp_path, "nvivo.qdc", NVIVO))  # the hand-written fixture is valid too
