"""Person-name detection for Dutch (Flemish) survey answers.

Rules, in the order they fire:

1. a title or role ("dhr.", "mevrouw", "schepen", "burgemeester", "collega",
   ...) followed by a capitalised name: "Mevrouw Vandeputte", "schepen Decock";
2. a cue ("contactpersoon:", "aanvrager:", "groeten,", "t.a.v.", "namens",
   ...) followed by a capitalised name, known or not: "Contact: Xavier Dumoulin";
3. a surname before the first name, as lists and forms write it: "Peeters
   Jan", "PEETERS Jan", "Peeters, Jan", "Van den Broeck Lien";
4. a known first name (data/gazetteers/first_names.tsv, from Faker's person
   providers) followed by a surname: optional particles (van, de, der, den,
   van den, Van, De, Vanden, ...) and a capitalised word: "Lien Van den
   Broeck", "Evelien de Vos", "Griet D'hondt"; or on its own ("onze collega
   Femke") when it is not also a Dutch word or a place;
5. in English answers, two or more capitalised words that are no ordinary
   English words (data/gazetteers/english_words.txt): "Contact Siobhan
   Gallagher", but not "Thanks Great Work" or "Open Source Program Office";
6. an unknown capitalised word followed by a convincing surname (after a
   capitalised particle, in the surname list, or Flemish-looking): "Machteld
   Van Peer", "Goedele Verhaegen";
7. PERSON entities of a statistical NER, when the pipeline has one.

Names in capitals ("JAN PEETERS", "Contact: MARIE DUBOIS") follow the same
rules on their title-case form; a word in capitals alone is never a name
(it is far more often an acronym: "EVA", "LMB", "GROS"). Every name takes the
capitalised words that follow it ("Fatima Zahra Bouzid", "Maria del Carmen
Rodríguez López"), except words that are titles, cue words, stop words, and
in English answers ordinary English words.

First names that are also Dutch words ("Elke", "Leen", "Roos", "Toon", but
also "Jan", "Koen") only count at the start of a sentence when the surname is
convincing: in the surname list, after a particle, or Flemish-looking
("Vanhoutte", "Verbeke", "Dedecker"). Words inside textmine entities
(municipalities, organisations, countries, cities, SDG mentions) never become
part of a name, so "Oxfam", "Zele" or "Peer" in "gemeente Peer" are safe.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from textmine.nlp.entities import SURNAME_PARTICLES, is_sentence_start
from textmine.nlp.resources import read_curated_tsv, read_lines, read_tsv

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
    # English
    "regards", "sincerely", "dear", "name", "person", "attn",
}
CUE_PUNCT = {":", ",", "-"}
MAX_PARTICLES = 3  # "van de", "van den", "de la", "van de la"
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
# Cues after which the next words are a name whatever they look like, without
# punctuation ("namens Peeters", "t.a.v. Vos"); the other cues need ":", "," or "-".
BARE_CUES = {"namens", "t.a.v", "tav", "attentie", "bedankt", "familie", "gezin", "dear", "attn"}
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CAPS_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class FirstName:
    """What the name lists say about one first name."""

    tier: str          # 'core' (Flemish/Dutch/French/English/German) or 'intl'
    common_word: bool  # also a Dutch word ("Elke", "Roos", "Toon")
    place: bool        # also a place name ("Brecht", "Victoria")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Dutch and English function words: never (part of) a surname."""
    from textmine.nlp.language import spacy_stop_words

    return spacy_stop_words("nl") | spacy_stop_words("en")


@dataclass(frozen=True)
class NameLexicon:
    """The word lists that name finding uses: first names, surnames, English words and
    protected place and organisation words."""

    first_names: dict[str, FirstName]
    surnames: frozenset[str]
    common_surnames: frozenset[str] = frozenset()   # also a Dutch word ("Bos", "Smit")
    english_words: frozenset[str] = frozenset()      # ordinary English words, lower case
    protected: frozenset[str] = frozenset()          # lower-case municipality, organisation, country words

    @classmethod
    def load(cls, directory: Path) -> "NameLexicon":
        return _load_lexicon(Path(directory))

    def first_name(self, token: Token | str) -> FirstName | None:
        """The first-name entry for a title-case word ("Pieter-Jan" counts)."""
        text = token if isinstance(token, str) else token.text
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

    # -- lower-case word tests (handles, profile names) ----------------------
    def is_person_word(self, word: str) -> bool:
        """A first name or surname that is no ordinary word ("jan", "peeters", "sarah")."""
        title = word.title()
        entry = self.first_names.get(title)
        if entry is not None and (entry.tier == "core" or not entry.common_word):
            return True
        return title in self.surnames and title not in self.common_surnames

    def is_protected_word(self, word: str) -> bool:
        return word in self.protected

    def is_english_word(self, word: str) -> bool:
        return word.lower() in self.english_words


@lru_cache(maxsize=8)
def _load_lexicon(directory: Path) -> NameLexicon:
    first = {
        row["name"]: FirstName(row["tier"], row["common_word"] == "1", row["place"] == "1")
        for row in read_tsv(directory / "first_names.tsv")
    }
    rows = read_tsv(directory / "surnames.tsv")
    surnames = frozenset(row["name"] for row in rows)
    common = frozenset(row["name"] for row in rows if row.get("common_word") == "1")
    english = directory / "english_words.txt"
    words = frozenset(read_lines(english)) if english.exists() else frozenset()
    protected: set[str] = set()
    for name, column in (("municipalities.tsv", "pattern"), ("countries.tsv", "pattern")):
        if (directory / name).exists():
            protected.update(_ascii_words(row[column]) for row in read_tsv(directory / name))
    if (directory / "organisations.tsv").exists():
        for row in read_curated_tsv(directory / "organisations.tsv"):
            protected.update(_ascii_words(col) for col in row[:2])
    return NameLexicon(first, surnames, common, words, frozenset(protected) - {""})


def _ascii_words(text: str) -> str:
    """'Oxfam-Wereldwinkels' -> 'oxfamwereldwinkels' (the shape a handle gives it)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _is_titlecase(text: str) -> bool:
    return len(text) > 1 and text[0].isupper() and not text.isupper() and text[0].isalpha()


def word_forms(doc: Doc) -> tuple[list[str], list[bool]]:
    """Each token's text, words in capitals in title case ("PEETERS" -> "Peeters",
    "VAN" -> "Van", "D'HONDT" -> "D'Hondt"); and which tokens were in capitals."""
    forms, caps = [], []
    for token in doc:
        text = token.text
        upper = len(text) >= 2 and text.isupper() and bool(_CAPS_WORD.fullmatch(text))
        forms.append(text.title() if upper else text)
        caps.append(upper)
    return forms, caps


class NameFinder:
    """Find person names in a Doc (token spans), skipping protected tokens."""

    def __init__(self, lexicon: NameLexicon, use_ner: bool = True) -> None:
        self.lexicon = lexicon
        self.use_ner = use_ner

    def find(self, doc: Doc, blocked: set[int], ents: tuple[Span, ...] | None = None,
             english: bool = False) -> list[tuple[int, int]]:
        """Token spans [start, end) of names; ``blocked`` tokens are never used.
        ``ents``: ``doc.ents`` if the caller has it already; ``english``: the answer is in English."""
        spans = _Scan(self.lexicon, doc, blocked, english).run()
        if self.use_ner:
            for ent in (doc.ents if ents is None else ents):
                if ent.label_ in ("PERSON", "PER") and not blocked.intersection(range(ent.start, ent.end)):
                    spans.append((ent.start, ent.end))
        return _merge(spans)


class _Scan:
    """One pass over one Doc: rules 1-6 of the module doc, left to right."""

    def __init__(self, lexicon: NameLexicon, doc: Doc, blocked: set[int], english: bool) -> None:
        self.lexicon = lexicon
        self.doc = doc
        self.n = len(doc)
        self.blocked = blocked
        self.english = english
        self.forms, self.caps = word_forms(doc)
        self.stop = stop_words()
        self.surname_order = False  # the answer writes a name surname first ("Claes Bart en ...")

    # -- token tests ----------------------------------------------------------
    def free(self, k: int) -> bool:
        return k < self.n and k not in self.blocked

    def first(self, k: int) -> FirstName | None:
        return self.lexicon.first_name(self.forms[k]) if self.free(k) else None

    def ordinary(self, k: int) -> bool:
        """An ordinary English word in an English answer ("Great", "Office")."""
        return self.english and self.lexicon.is_english_word(self.forms[k])

    def particle(self, k: int) -> bool:
        return self.free(k) and self.forms[k].lower() in SURNAME_PARTICLES

    def name_word(self, k: int) -> bool:
        """A capitalised word that can be (part of) a surname."""
        if not self.free(k):
            return False
        token, text = self.doc[k], self.forms[k]
        if not text[:1].isupper() or len(text) < 2 or not _NAME_WORD.fullmatch(text):
            return False
        if text.isupper() and len(text) <= 5 and "'" not in text:  # acronyms: LMB, MJP, GROS
            return False
        low = text.lower()
        if low in NOT_SURNAMES or low in self.stop or token.like_num or token.like_email or token.like_url:
            return False
        if self.caps[k] and len(text) < 4 and text not in self.lexicon.surnames:
            return False  # "LMB", "VZW" in capitals
        return True

    def known_surname(self, k: int, strict: bool = False) -> bool:
        """In the surname list or Flemish-looking; ``strict``: not also a Dutch word ("Bos", "Cools")."""
        text = self.forms[k]
        listed = text in self.lexicon.surnames and not (strict and text in self.lexicon.common_surnames)
        return listed or bool(SURNAME_SHAPE.match(text))

    # -- pieces of a name -----------------------------------------------------
    def surname(self, k: int, allow_lower_particle: bool = True) -> tuple[int, bool]:
        """End of a surname starting at token k (k itself if none) and
        whether it started with a particle."""
        j = k
        particle = False
        while self.particle(j) and j - k < MAX_PARTICLES:  # bounded: "Van Van Van ..." is no name
            # "Van den Broeck": only the first particle must be capitalised
            if not (allow_lower_particle or particle or self.forms[j][:1].isupper()):
                break
            j += 1
            particle = True
        if self.name_word(j) and (not particle or self.forms[j].lower() not in SURNAME_PARTICLES):
            return j + 1, particle
        return k, False

    def full_name(self, j: int, allow_lower_particle: bool, bare: bool = False) -> int:
        """End of "[First names] [particles] Surname" (or "Surname First") starting at j (j if none).
        ``bare``: no punctuation marks the slot, so an ordinary English word is no name."""
        reverse = self.surname_first(j)
        if reverse > j:
            return reverse
        k = j
        while self.first(k):
            k += 1
        end, _ = self.surname(k, allow_lower_particle)
        if end == k and k == j:
            # no first name: accept a single capitalised (surname) word
            end, _ = self.surname(j, allow_lower_particle)
            if end > j and bare and self.ordinary(end - 1):
                return j
        return max(end, k)

    def surname_first(self, i: int) -> int:
        """End of "Peeters Jan", "PEETERS Jan", "Peeters, Jan", "Van den Broeck Lien" at i (i if none)."""
        end, particle = self.surname(i, allow_lower_particle=False)
        if end == i or self.first(i) and not particle:
            return i
        surname = end - 1
        k = end + 1 if end < self.n and self.doc[end].text == "," else end
        entry = self.first(k)
        if entry is None:
            if k >= self.n:
                return i  # the answer ends on the surname: no first name can follow
            # once the answer wrote one name surname first, a Flemish surname followed by a
            # capitalised word is the next one: "Claes Bart en Verhaegen Goedele"; and
            # "Goossens, Machteld" and "VERHAEGEN Goedele" are written that way on purpose
            if (self.surname_order or k > end or self.caps[surname] and not self.caps[k]) \
                    and self.known_surname(surname, strict=True) \
                    and self.name_word(k) and _is_titlecase(self.forms[k]) and not self.ordinary(k):
                self.surname_order = True
                return k + 1
            return i
        convincing = particle or self.known_surname(surname, strict=True)
        if not convincing and not (self.caps[surname] and not entry.common_word and not self.caps[k]):
            return i  # "BOUZID Fatima": an unknown surname in capitals before a first name
        k += 1
        while self.first(k):
            k += 1
        self.surname_order = True
        return k

    def absorb(self, end: int) -> int:
        """Take the capitalised words that follow a name: "Fatima Zahra Bouzid",
        "Maria del Carmen Rodríguez López", "Mohamed El Amrani"."""
        caps = self.caps[end - 1]
        while end < self.n and not is_sentence_start(self.doc[end]):
            nxt, _ = self.surname(end, allow_lower_particle=False)
            if nxt == end or self.caps[nxt - 1] != caps:
                break
            low = self.forms[nxt - 1].lower()
            if low in TITLES or low in CUES or self.ordinary(nxt - 1):
                break
            end = nxt
        return end

    def english_name(self, i: int) -> int:
        """End of two or more capitalised words that are no ordinary English words
        ("Siobhan Gallagher"); a known first name may be one ("Mark Evans"). i if none."""
        if not self.english or self.caps[i]:
            return i
        k = i
        while self.name_word(k) and not self.caps[k] and _is_titlecase(self.forms[k]) \
                and (not self.ordinary(k) or (k == i and self.first(k))):
            k += 1
        return k if k - i >= 2 else i

    # -- the pass ---------------------------------------------------------------
    def run(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        i = 0
        while i < self.n:
            if i in self.blocked:
                i += 1
                continue
            end = self.at(i)
            if end > i:
                end = self.absorb(end)
                spans.append((self._start, end))
                i = end
                continue
            i += 1
        return spans

    def at(self, i: int) -> int:
        """End of a name found at token i (sets ``self._start``), i if none."""
        doc, n, forms = self.doc, self.n, self.forms
        token = doc[i]
        low = token.text.lower().rstrip(".")
        self._start = i
        # 1. titles / roles
        if low in TITLES:
            j = i + 1
            if j < n and doc[j].text == "." and low in ABBREVIATED_TITLES and not token.whitespace_:
                j += 1  # "Dhr ." split by the tokenizer; not "collega's. Trekker"
            end = self.full_name(j, allow_lower_particle=low in PERSONAL_TITLES)
            if end > j and (forms[j][:1].isupper() or low in PERSONAL_TITLES):
                self._start = j
                return end
        # 2. cues ("Contactpersoon: X Y", "Groeten, X")
        if low in CUES or token.text.lower() in CUES:
            j = i + 1
            while j < n and doc[j].text in CUE_PUNCT:
                j += 1
            if j > i + 1 or low in BARE_CUES:
                end = self.full_name(j, allow_lower_particle=False, bare=j == i + 1)
                if end > j:
                    self._start = j
                    return end
        # 3. surname first: "Peeters Jan", "PEETERS Jan", "Peeters, Jan"
        end = self.surname_first(i)
        if end > i:
            return end
        # 4. known first names
        entry = self.first(i)
        if entry is not None:
            common = entry.common_word or self.ordinary(i)  # "Elke", "Toon"; in English "Will", "Mark"
            k = i + 1
            while self.first(k):
                k += 1  # "Fatima Zahra Bouzid", "Jean Pierre"
            end, particle = self.surname(k)
            if end > k:
                convincing = particle or self.known_surname(end - 1)
                if not common or convincing or (not is_sentence_start(token) and not self.caps[i]):
                    return end
            elif k > i + 1:
                return k  # two first names: "Jan Pieter"
            elif self.caps[i] or self.ordinary(i):
                pass  # alone in capitals it is more often an acronym ("EVA", "TOM")
            elif not entry.common_word and not entry.place and entry.tier == "core":
                return i + 1
            elif entry.tier == "core" and not entry.place and _is_lone_capitalised_name(doc, i):
                return i + 1  # "bellen naar Griet": capitalised mid-sentence, so no fish
        # 5. English: "Siobhan Gallagher", "Mark Evans"
        end = self.english_name(i)
        if end > i:
            return end
        # 6. unknown first name + convincing surname: "Machteld Van Peer", "Goedele Verhaegen"
        if entry is None and self._unknown_first_name(i):
            end, particle = self.surname(i + 1, allow_lower_particle=False)
            if end > i + 1 and (particle or self.known_surname(end - 1)) and self.caps[i] == self.caps[end - 1]:
                return end
        return i

    def _unknown_first_name(self, i: int) -> bool:
        token, text = self.doc[i], self.forms[i]
        return (_is_titlecase(text) and token.is_alpha and len(text) >= 3
                and text.lower() not in self.stop and text.lower() not in NOT_SURNAMES
                and text.lower() not in SURNAME_PARTICLES and self.free(i + 1)
                and not self.ordinary(i))


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
