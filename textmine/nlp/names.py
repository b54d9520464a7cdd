"""Person-name detection for Dutch (Flemish) survey answers.

Rules, in the order they fire:

1. a title or role ("dhr.", "mevrouw", "schepen", "burgemeester", "collega",
   ...) followed by a capitalised name: "Mevrouw Vandeputte", "schepen Decock";
2. a cue ("contactpersoon:", "aanvrager:", "groeten,", "t.a.v.", "namens",
   ...) followed by a capitalised name, known or not: "Contact: Xavier Dumoulin";
3. a known first name (data/gazetteers/first_names.tsv, from Faker's person
   providers) followed by a surname: optional particles (van, de, der, den,
   van den, Van, De, Vanden, ...) and a capitalised word: "Lien Van den
   Broeck", "Evelien de Vos", "Griet D'hondt";
4. a known first name on its own ("onze collega Femke") when it is not also
   a Dutch word or a place;
5. an unknown capitalised word followed by a convincing surname (after a
   capitalised particle, in the surname list, or Flemish-looking): "Machteld
   Van Peer", "Goedele Verhaegen";
6. PERSON entities of a statistical NER, when the pipeline has one.

First names that are also Dutch words ("Elke", "Leen", "Roos", "Toon", but
also "Jan", "Koen") only count at the start of a sentence when the surname is
convincing: in the surname list, after a particle, or Flemish-looking
("Vanhoutte", "Verbeke", "Dedecker"). Words inside textmine entities
(municipalities, organisations, countries, cities, SDG mentions) never become
part of a name, so "Oxfam", "Zele" or "Peer" in "gemeente Peer" are safe.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from textmine.nlp.entities import SURNAME_PARTICLES, is_sentence_start
from textmine.nlp.resources import read_tsv

# Roles that precede a surname or full name. Lower-case, without final dot.
TITLES = {
    "dhr", "mevr", "mevrouw", "meneer", "mijnheer", "mr", "mw", "mme", "mevrouwen", "heer",
    "dr", "dokter", "prof", "professor", "ir", "burgemeester", "schepen", "oud-schepen",
    "raadslid", "gemeenteraadslid", "ocmw-raadslid", "collega", "collega's", "voorzitter",
    "ondervoorzitter", "secretaris", "directeur", "algemeen-directeur", "juf", "meester",
}
# Titles after which a lower-case particle may start the name ("dhr. van Dijk");
# after "schepen van ..." or "voorzitter van ..." a particle means "of".
PERSONAL_TITLES = {"dhr", "mevr", "mevrouw", "meneer", "mijnheer", "mr", "mw", "mme", "heer", "dr", "prof"}
ABBREVIATED_TITLES = {"dhr", "mevr", "mr", "mw", "mme", "dr", "prof", "ir"}
# Words after which (optionally with ':' or ',') a name is expected.
CUES = {
    "contactpersoon", "contact", "naam", "aanvrager", "begunstigde", "verantwoordelijke",
    "projectverantwoordelijke", "trekker", "coördinator", "coordinator", "aanspreekpunt",
    "ontwerp", "groeten", "groet", "namens", "t.a.v", "t.a.v.", "tav", "attentie", "bedankt",
    "contactgegevens", "deelnemer", "spreker", "begeleider", "auteur", "familie", "gezin",
}
CUE_PUNCT = {":", ",", "-"}
# Before a capitalised common word they make it a thing, not a person: "de Roos", "het Anker".
DETERMINERS = {"de", "het", "een", "den", "der", "des", "'t", "onze", "ons", "uw", "hun", "deze", "die", "dit"}
# Flemish/Dutch surname shapes, used as evidence when the first name is also
# a Dutch word ("Elke Goossens" vs "Elke Vlaamse gemeente").
SURNAME_SHAPE = re.compile(
    r"^(?:Van|Vanden|Vande|Vander|Ver|De|Des|Du|D')[a-zà-ÿ']{3,}$"
    r"|^[A-Z][a-zà-ÿ']+(?:ckx|kx|aert|aerts|eert|ghe|che|ens|ssen|mans|uyt|uyts|uys|ey|eys|aey|aeys|ier|ynck|inck)$"
)
NOT_SURNAMES = {
    "week", "dag", "jaar", "maand", "gemeente", "stad", "provincie", "vlaanderen", "belgië", "europa",
    "fair", "trade", "fairtrade", "global", "goals", "sdg", "sdgs", "agenda", "wereld",
}


@dataclass(frozen=True)
class FirstName:
    tier: str          # 'core' (Flemish/Dutch/French/English/German) or 'intl'
    common_word: bool  # also a Dutch word ("Elke", "Roos", "Toon")
    place: bool        # also a place name ("Brecht", "Victoria")


@dataclass(frozen=True)
class NameLexicon:
    first_names: dict[str, FirstName]
    surnames: frozenset[str]

    @classmethod
    def load(cls, directory: Path) -> "NameLexicon":
        first = {
            row["name"]: FirstName(row["tier"], row["common_word"] == "1", row["place"] == "1")
            for row in read_tsv(directory / "first_names.tsv")
        }
        surnames = frozenset(row["name"] for row in read_tsv(directory / "surnames.tsv"))
        return cls(first, surnames)

    def first_name(self, token: Token) -> FirstName | None:
        """The first-name entry for a title-case token ("Pieter-Jan" counts)."""
        text = token.text
        if not _is_titlecase(text):
            return None
        if text.endswith(("'s", "’s")) and text[:-2] in self.first_names:
            text = text[:-2]  # "Laura's verhaal"
        if text in self.first_names:
            return self.first_names[text]
        parts = text.split("-")
        if len(parts) > 1 and all(p in self.first_names for p in parts):
            entries = [self.first_names[p] for p in parts]
            return FirstName("core", all(e.common_word for e in entries), False)
        return None


def _is_titlecase(text: str) -> bool:
    return len(text) > 1 and text[0].isupper() and not text.isupper() and text[0].isalpha()


def _is_name_word(token: Token) -> bool:
    """A capitalised word that can be (part of) a surname."""
    text = token.text
    if not text[:1].isupper() or len(text) < 2:
        return False
    if text.isupper() and len(text) <= 5 and "'" not in text:  # acronyms: LMB, MJP, GROS
        return False
    if text.lower() in NOT_SURNAMES or token.like_num or token.like_email or token.like_url:
        return False
    return bool(re.match(r"^[^\W\d_][\w'’-]*$", text))


class NameFinder:
    """Find person names in a Doc (token spans), skipping protected tokens."""

    def __init__(self, lexicon: NameLexicon, use_ner: bool = True) -> None:
        self.lexicon = lexicon
        self.use_ner = use_ner

    # -- helpers ------------------------------------------------------------
    def _surname(self, doc: Doc, k: int, blocked: set[int], allow_lower_particle: bool = True) -> tuple[int, bool]:
        """End of a surname starting at token k (k itself if none) and
        whether it started with a particle."""
        j = k
        particle = False
        while j < len(doc) and doc[j].text.lower() in SURNAME_PARTICLES and j not in blocked:
            # "Van den Broeck": only the first particle must be capitalised
            if not (allow_lower_particle or particle or doc[j].text[:1].isupper()):
                break
            j += 1
            particle = True
        if j < len(doc) and j not in blocked and _is_name_word(doc[j]) and \
                (not particle or doc[j].text.lower() not in SURNAME_PARTICLES):
            end = j + 1
            # double surnames joined by a hyphen token are already one token;
            # "El Amrani"-style: a capitalised particle followed by a name word
            return end, particle
        return k, False

    def _full_name(self, doc: Doc, j: int, blocked: set[int], allow_lower_particle: bool) -> int:
        """End of "[First names] [particles] Surname" starting at j (j if none)."""
        k = j
        while k < len(doc) and k not in blocked and self.lexicon.first_name(doc[k]):
            k += 1
        end, _ = self._surname(doc, k, blocked, allow_lower_particle)
        if end == k and k == j:
            # no first name: accept a single capitalised (surname) word
            end, _ = self._surname(doc, j, blocked, allow_lower_particle)
        return max(end, k)

    def _unknown_first_name(self, doc: Doc, i: int, blocked: set[int]) -> bool:
        token = doc[i]
        return (_is_titlecase(token.text) and token.is_alpha and len(token.text) >= 3
                and not token.is_stop and token.text.lower() not in NOT_SURNAMES
                and token.text.lower() not in SURNAME_PARTICLES and i + 1 < len(doc)
                and (i + 1) not in blocked)

    # -- main ---------------------------------------------------------------
    def find(self, doc: Doc, blocked: set[int], ents: tuple[Span, ...] | None = None) -> list[tuple[int, int]]:
        """Token spans [start, end) of names; ``blocked`` tokens are never used.
        ``ents``: ``doc.ents`` if the caller has it already."""
        spans: list[tuple[int, int]] = []
        i = 0
        n = len(doc)
        while i < n:
            token = doc[i]
            if i in blocked:
                i += 1
                continue
            low = token.text.lower().rstrip(".")
            # 1. titles / roles
            if low in TITLES:
                j = i + 1
                if j < n and doc[j].text == "." and low in ABBREVIATED_TITLES and not token.whitespace_:
                    j += 1  # "Dhr ." split by the tokenizer; not "collega's. Trekker"
                end = self._full_name(doc, j, blocked, allow_lower_particle=low in PERSONAL_TITLES)
                if end > j and doc[j].text[:1].isupper() or (end > j and low in PERSONAL_TITLES):
                    spans.append((j, end))
                    i = end
                    continue
            # 2. cues ("Contactpersoon: X Y", "Groeten, X")
            if low in CUES or token.text.lower() in CUES:
                j = i + 1
                while j < n and doc[j].text in CUE_PUNCT:
                    j += 1
                if j > i + 1 or low in {"namens", "t.a.v", "tav", "attentie", "bedankt", "familie", "gezin"}:
                    end = self._full_name(doc, j, blocked, allow_lower_particle=False)
                    if end > j:
                        spans.append((j, end))
                        i = end
                        continue
            # 3./4. known first names
            entry = self.lexicon.first_name(token)
            if entry is not None:
                k = i + 1
                while k < n and k not in blocked and self.lexicon.first_name(doc[k]):
                    k += 1  # "Fatima Zahra Bouzid", "Jean Pierre"
                end, particle = self._surname(doc, k, blocked)
                has_surname = end > k
                if has_surname:
                    surname = doc[end - 1].text
                    convincing = (particle or surname in self.lexicon.surnames
                                  or bool(SURNAME_SHAPE.match(surname)))
                    if not entry.common_word or convincing or not is_sentence_start(token):
                        spans.append((i, end))
                        i = end
                        continue
                elif k > i + 1:
                    spans.append((i, k))  # two first names: "Jan Pieter"
                    i = k
                    continue
                elif not entry.common_word and not entry.place and entry.tier == "core":
                    spans.append((i, i + 1))
                elif entry.tier == "core" and not entry.place and _is_lone_capitalised_name(doc, i):
                    spans.append((i, i + 1))  # "bellen naar Griet": capitalised mid-sentence, so no fish
            # 6. unknown first name + convincing surname: "Machteld Van Peer",
            #    "Goedele Verhaegen"
            elif self._unknown_first_name(doc, i, blocked):
                end, particle = self._surname(doc, i + 1, blocked, allow_lower_particle=False)
                if end > i + 1:
                    surname = doc[end - 1].text
                    if particle or surname in self.lexicon.surnames or SURNAME_SHAPE.match(surname):
                        spans.append((i, end))
                        i = end
                        continue
            i += 1
        # 7. statistical NER
        if self.use_ner:
            for ent in (doc.ents if ents is None else ents):
                if ent.label_ in ("PERSON", "PER") and not blocked.intersection(range(ent.start, ent.end)):
                    spans.append((ent.start, ent.end))
        return _merge(spans)


def _is_lone_capitalised_name(doc: Doc, i: int) -> bool:
    """A first name that is also a Dutch word, written with a capital inside a sentence, on its own:
    "vraag het aan Griet" (not "De Roos", "Elke gemeente", nor a Capitalised Title Of Words)."""
    token = doc[i]
    if is_sentence_start(token) or not _is_titlecase(token.text):
        return False
    before = doc[i - 1] if i > 0 else None
    after = doc[i + 1] if i + 1 < len(doc) else None
    if before is not None and (before.lower_ in DETERMINERS or before.text[:1].isupper()):
        return False
    return not (after is not None and after.text[:1].isupper())


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
