"""PII detection and redaction: ``textmine_pii``.

Kinds and placeholders (Dutch, visible to users):

=========  ======================  ===========================================
kind       placeholder             how
=========  ======================  ===========================================
email      ``[E-MAIL]``            "jan@gemeente.be", also written out: "jan
                                   (at) gemeente.be", "jan.peeters [at]
                                   gemeente [dot] be", "jan punt peeters at
                                   gemeente punt be", "jan apestaartje ..."
social     ``[ACCOUNT]``           a social-media handle or profile URL that
                                   holds a name: "@jan_peeters",
                                   "linkedin.com/in/jan-peeters-123",
                                   "facebook.com/jan.peeters", x.com, ...;
                                   any web address spelling a first name and
                                   a surname: "www.jeroenvermeulen.be",
                                   "gent.be/team/marieke-van-den-broeck"
iban       ``[IBAN]``              two letters, two check digits and 11-30
                                   letters or digits that pass the ISO 13616
                                   mod-97 check, whatever the country and bank
                                   (python-stdnum does not know every bank)
rrn        ``[RIJKSREGISTERNR]``   Belgian national register number, pattern,
                                   validated with ``stdnum.be.nn``; written
                                   out ("85.07.30-033.61") also when the
                                   check digits are wrong
phone      ``[TELEFOON]``          Belgian formats (+32 ..., 0032 ..., 04xx xx
                                   xx xx, 09/123.45.67, 03 123 45 67, ...)
                                   checked on digit count; other +country
                                   numbers
name       ``[NAAM]``              textmine.nlp.names (gazetteer + patterns)
address    ``[ADRES]``             a street with a house number ("Kerkstraat
                                   12 bus 3"): a capitalised word ending in
                                   straat, laan, plein, ... and a number that
                                   ends the clause or comes before "bus", "in",
                                   a postcode (not "Kerstmarkt 12 december");
                                   the postcode and municipality stay
plate      ``[NUMMERPLAAT]``       a Belgian licence plate as issued since
                                   2010: "1-ABC-234" (or with spaces)
=========  ======================  ===========================================

Every pattern runs in time linear in the length of the answer, whatever it
holds (tests/nlp/test_nlp_linear_time.py): no pattern can start inside a run
of the characters it repeats (look-behinds), repeats are possessive, and
e-mail addresses are found from their "@"/"at" outwards instead of trying
every start position.

Runs after ``textmine_entities``: entity tokens (municipalities,
organisations, countries, cities, SDG mentions) are never part of a name.
Offsets are stored on ``doc._.pii_offsets`` (exact characters of
``doc.text``), Spans on ``doc._.pii``, the redacted text on
``doc._.redacted_text``. Statistical entities that overlap PII (a NER's
PERSON) are dropped from ``doc.ents`` so no name leaks through entities.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc
from stdnum.be import nn as std_nn

from textmine.nlp.entities import ENTITY_LABELS
from textmine.nlp.extensions import register_extensions
from textmine.nlp.language import detect_language, spacy_stop_words
from textmine.nlp.names import NameFinder, NameLexicon
from textmine.nlp.resources import gazetteer_dir

PII_KINDS = ("email", "social", "iban", "rrn", "phone", "name", "address", "plate")
DEFAULT_PLACEHOLDERS = {
    "email": "[E-MAIL]",
    "social": "[ACCOUNT]",
    "phone": "[TELEFOON]",
    "iban": "[IBAN]",
    "rrn": "[RIJKSREGISTERNR]",
    "name": "[NAAM]",
    "address": "[ADRES]",
    "plate": "[NUMMERPLAAT]",
}

# --- e-mail ------------------------------------------------------------------------------
_SP = r"[^\S\n]"  # a space within a line
_AT_WORDS = r"at|apestaartje|apenstaartje|aapje|arobase|arroba"
_DOT_WORDS = r"punt|dot|point"
# "@", "(at)", "[at]", "{a}", "<@>", or a spelled word between spaces; each
# alternative starts only where a run of spaces starts, so no run is rescanned.
AT = re.compile(
    rf"(?<!{_SP}){_SP}*+(?:"
    rf"@"
    rf"|[(\[{{<]{_SP}*+(?:{_AT_WORDS}|@|a){_SP}*+[)\]}}>]"
    rf"|(?<={_SP})(?:{_AT_WORDS})(?={_SP})"
    rf"){_SP}*+",
    re.IGNORECASE)
# The local part, matched on the REVERSED text from the character before the
# "@": words joined by ".", " punt ", " dot ", "[dot]", ...
_LOCAL_REV = re.compile(
    rf"[\w%+-]++(?:(?:\.|{_SP}++(?:tnup|tod|tniop){_SP}++"
    rf"|{_SP}*+[)\]}}>]{_SP}*+(?:tnup|tod|tniop|\.){_SP}*+[(\[{{<]{_SP}*+)[\w%+-]++)*+",
    re.IGNORECASE)
# The same with " . " between words too ("koen . dhondt @ telenet . be"): only before an "@"
# that has spaces around it, so "Dat is alles . jan@gent.be" does not take "alles".
_LOCAL_REV_SPACED = re.compile(
    rf"[\w%+-]++(?:(?:\.|{_SP}++(?:tnup|tod|tniop|\.){_SP}++"
    rf"|{_SP}*+[)\]}}>]{_SP}*+(?:tnup|tod|tniop|\.){_SP}*+[(\[{{<]{_SP}*+)[\w%+-]++)*+",
    re.IGNORECASE)
# The domain after the "@": labels joined the same ways.
_DOMAIN = re.compile(
    rf"[\w-]++(?:(?:\.|{_SP}++(?:{_DOT_WORDS}|\.){_SP}++"
    rf"|{_SP}*+[(\[{{<]{_SP}*+(?:{_DOT_WORDS}|\.){_SP}*+[)\]}}>]{_SP}*+)[\w-]++)*+",
    re.IGNORECASE)
_LABEL = re.compile(r"[\w-]++")
# Top-level domains accepted after a written-out "at" or "dot" (a plain address takes any).
KNOWN_TLDS = frozenset("""be nl lu fr de uk eu com org net info biz io co gov edu int vlaanderen brussels gent
    ch at es it pt pl dk se no fi ie cz sk hu ro bg gr us ca au nz za ma tn sn cd rw bf bj ml ne tg ci gh ke tz ug
    ug br ar cl pe mx ec bo ni gt in cn jp online org app me tv""".split())

# --- social media --------------------------------------------------------------------------
_SOCIAL_SITES = (r"linkedin\.com/(?:in|pub)/|facebook\.com/|fb\.com/|x\.com/|twitter\.com/|instagram\.com/"
                 r"|tiktok\.com/|threads\.net/|youtube\.com/|bsky\.app/profile/|mastodon\.social/|github\.com/")
PROFILE_URL = re.compile(
    rf"(?<![\w.@/-])(?:https?://)?(?:[\w-]++\.)?(?P<site>{_SOCIAL_SITES})"
    r"(?P<slug>@?[\w.%-]++)(?P<rest>[/?#][^\s<>\"'()\[\]{}]*+)?",
    re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w@./+-])@(?P<body>[^\W][\w.]{0,49}+)(?![\w.])")  # handles are short
_HANDLE_PARTS = re.compile(r"[A-Z]++(?![a-z])|[A-Z]?[a-z]++")  # "jan_peeters", "JanPeeters", "JAN"

# --- numbers -------------------------------------------------------------------------------
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}")
RRN = re.compile(r"(?<![\d.])\d{2}[. ]?\d{2}[. ]?\d{2}[ .-]?\d{3}[ .-]?\d{2}(?![\d])")
# "85.07.30-033.61", as the card prints it: a register number even when its check digits are
# wrong (a typo of a real one still points at one person); bare digits must pass the check.
RRN_WRITTEN = re.compile(r"\d{2}\.(?:[0-5]\d)\.[0-3]\d-\d{3}\.\d{2}")
PHONE_BE = re.compile(
    # not inside a longer number: "85.07.30-033.29" holds "07.30-033.29"
    r"(?<![\w+])(?<!\d[./-])(?:(?:\+|00)\s?32[\s.]?(?:\(0\)\s?)?|\(0\d{1,3}\)\s?|0)"
    r"\d(?:(?:\s?[./-]\s?|\s)?\d){6,9}(?![\w])(?![./-]\d)"
)
# Digit groups are possessive: a run of digits is one group, never split in
# every possible way (that made "+1" and 30 digits take seconds).
PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)(?!32)[1-9]\d{0,2}(?:[ ./-]?+\(?+\d++\)?+){1,7}+(?![\w])")
_NOT_DIGIT = re.compile(r"\D")

# --- licence plates, street addresses -----------------------------------------------------------
PLATE = re.compile(r"(?<![\w-])[1-9](?P<sep>[- ])[A-Z]{3}(?P=sep)\d{3}(?![\w-])")
# A capitalised word (hyphenated parts too) and a house number (letter, box) that ends the clause
# or comes before "bus", "in", "te" or a postcode; whether the word is a street is checked after.
STREET = re.compile(
    r"(?<![\w-])(?P<street>[A-Z][^\W\d_]*+(?:-[^\W\d_]++)*+)[^\S\n]++\d{1,3}+[a-zA-Z]?(?![\w%]|[.,:]\d)"
    r"(?:[^\S\n]*+(?:,[^\S\n]*+)?(?:bus|bte\.?|b\.)[^\S\n]*+\d{1,4}+[a-zA-Z]?(?!\w)|/\d{1,4}+(?!\w))?"
    r"(?=[^\S\n]*+(?:$|[,.;:)!?\n]|-[^\S\n]|(?:in|te)(?!\w)|\d{4}(?!\w)))")
STREET_ENDINGS = ("straat", "laan", "lei", "plein", "steenweg", "weg", "dreef", "kaai", "dijk", "baan", "steeg",
                  "singel", "vest", "markt", "berg", "wegel", "hof", "dries", "kouter", "pad", "park", "veld")


def _is_street(word: str) -> bool:
    """"Kerkstraat", "Sint-Pietersplein": a word ending in a street word with more in front
    (not "Markt" or "Weg" alone)."""
    lower = word.lower()
    return any(lower.endswith(e) and len(lower) >= len(e) + 2 for e in STREET_ENDINGS)


def _digits(text: str) -> str:
    return _NOT_DIGIT.sub("", text)


def _valid_be_phone(text: str) -> bool:
    digits = _digits(text)
    if text.lstrip().startswith("+") or digits.startswith("0032"):
        national = digits[4:] if digits.startswith("0032") else digits[2:]
        if national.startswith("0"):  # "+32 (0)475 ..."
            national = national[1:]
    else:
        national = digits[1:]
    # landlines have 8 national digits (04 is also Liège's area code),
    # mobiles 9 starting with 4
    return len(national) == 8 or (len(national) == 9 and national.startswith("4"))


_IBAN_DIGITS = str.maketrans({c: str(ord(c) - 55) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})  # A=10 ... Z=35
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]++")


def iban_check(compact: str) -> bool:
    """ISO 13616: two letters, check digits 02-98, 11-30 more letters or digits, mod 97 == 1."""
    compact = compact.upper()
    if not (15 <= len(compact) <= 34 and compact.isascii() and compact.isalnum() and compact[:2].isalpha()
            and compact[2:4].isdigit() and 2 <= int(compact[2:4]) <= 98):
        return False
    return int((compact[4:] + compact[:4]).translate(_IBAN_DIGITS)) % 97 == 1


def _longest_iban(text: str, start: int, end: int) -> int:
    """End of the longest IBAN in text[start:end] that ends where a group ends, or 0.

    Only group ends are tried ("BE71 0961 2345 6769 of ..." at "6769", not inside a
    group), a handful per candidate, each one integer conversion."""
    head = text[start:start + 4].upper()
    if not 2 <= int(head[2:]) <= 98:
        return 0
    tail = head.translate(_IBAN_DIGITS)  # the country and check digits go last
    best, length, digits = 0, 4, ""
    for run in _ALNUM_RUN.finditer(text, start + 4, end):
        part = run.group(0)
        digits += part.upper().translate(_IBAN_DIGITS)
        length += len(part)
        after = text[run.end()] if run.end() < len(text) else " "
        if length > 34:
            break
        if length >= 15 and not (after.isascii() and after.isalnum()) and int(digits + tail) % 97 == 1:
            best = run.end()
    return best


# --- e-mail, social ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _local_stop_words() -> frozenset[str]:
    """Words that are no mailbox before a spelled-out "at" ("look at oxfam.be", "wij at ...")."""
    return spacy_stop_words("en") | spacy_stop_words("nl") | {"look", "visit", "online", "available"}


def _find_emails(text: str) -> list[tuple[int, int]]:
    """E-mail addresses as (start, end): from each "@" or "at" marker outwards."""
    found: list[tuple[int, int]] = []
    rev: str | None = None
    last_end = 0
    for at in AT.finditer(text):
        if at.start() < last_end or at.start() == 0:
            continue
        if rev is None:
            rev = text[::-1]
        raw = at.group(0)
        marker = raw.strip().lower()
        spelled_at = marker != "@"
        spaced = not spelled_at and raw[0].isspace() and raw[-1].isspace()  # "koen . dhondt @ telenet . be"
        local = (_LOCAL_REV_SPACED if spaced else _LOCAL_REV).match(rev, len(text) - at.start())
        domain = _DOMAIN.match(text, at.end())
        if local is None or domain is None:
            continue
        if not spelled_at and raw[0].isspace() and not raw[-1].isspace():
            continue  # "volg @jan.peeters": a handle, not "volg" at "jan.peeters"
        labels = list(_LABEL.finditer(text, domain.start(), domain.end()))
        if labels[0].group(0).lower() == "www":
            continue  # "info at www.zele.be" names a website
        end = 0
        for k in range(len(labels) - 1, 0, -1):
            label = labels[k].group(0)
            between = text[labels[0].end():labels[k].start()]
            # " . " between labels is written out too: the top-level domain must be a known one,
            # in lower case ("jan@gent.be . De markt" ends at "be")
            sep = text[labels[k - 1].end():labels[k].start()]
            spelled = (spelled_at or bool(between.replace(".", "").strip(" \t")) or "(" in between or "[" in between
                       or any(c.isspace() for c in between))
            if sep != "." and sep.strip(" \t") == "." and not (label.islower() or label.isupper()
                                                               and labels[0].group(0).isupper()):
                continue
            if label.isalpha() and len(label) >= 2 and (not spelled or label.lower() in KNOWN_TLDS):
                end = labels[k].end()
                break
        if not end:
            continue
        start = at.start() - (local.end() - local.start())
        local_text = text[start:at.start()]
        if marker.isalpha() and local_text.lower() in _local_stop_words():
            continue  # "look at oxfam.be" is not an address
        found.append((start, end))
        last_end = end
    return found


# Words that make a handle an organisation's or a place's ("@gemeentezele", "@fairtrade_be").
ORGANISATION_WORDS = frozenset("""gemeente gemeentebestuur stad stadsbestuur ocmw provincie vlaanderen belgie
    belgium vzw npo ngo ong school scholen bib bibliotheek jeugd jeugddienst cultuur dienst raad adviesraad gros
    info news nieuws official officieel team org fairtrade wereld wereldwinkel klimaat duurzaam sdg sdgs
    vn un eu""".split())


def _personal_handle(body: str, lexicon: NameLexicon) -> bool:
    """Does a handle or profile name belong to a person ("jan_peeters", "JanPeeters",
    "siobhangallagher", "sarah")? Privacy first: yes, unless a part of it begins or ends with the
    name of an organisation, municipality or country, or a word such as "gemeente"
    ("oxfam_belgie", "gemeentezele", "StadGent", "fairtrade_be")."""
    plain = unicodedata.normalize("NFKD", body).encode("ascii", "ignore").decode()
    words = [p.lower() for p in _HANDLE_PARTS.findall(plain) if len(p) >= 2]
    if not words:
        return False  # "@11_11_11"
    if any(lexicon.is_person_word(p) for p in words if len(p) >= 3):
        return True
    for word in words:
        for k in range(2, min(len(word), 40) + 1):
            for piece in (word[:k], word[-k:]):
                if piece in ORGANISATION_WORDS or (k >= 4 and lexicon.is_protected_word(piece)):
                    return False
    return True


# Any other web address; it is redacted when a host label or path segment spells a person's name.
WEB_URL = re.compile(r"(?<![\w.@/-])(?:https?://|www\.)[^\s<>\"'()\[\]{}]++", re.IGNORECASE)
_URL_PARTS = re.compile(r"[^/?#&=.:]++")
_URL_WORDS = re.compile(r"[^\W\d_]++")
_PARTICLES = frozenset("van de den der d le la vanden vande ver".split())


def _names_a_person(part: str, lexicon: NameLexicon) -> bool:
    """Does one host label or path segment spell a name: "marieke-van-den-broeck",
    "jan_peeters", "jeroenvermeulen" (a first name run into a surname)? Words of organisations
    ("gemeente", "fairtrade") make it no person's."""
    words = [w.lower() for w in _URL_WORDS.findall(part)]
    if not words or any(w in ORGANISATION_WORDS for w in words):
        return False
    for i, word in enumerate(words[:-1]):
        first = lexicon.first_names.get(word.title())
        if first is not None and len(word) >= 3 and not first.common_word:
            after = words[i + 1]
            if after in _PARTICLES or (len(after) >= 3 and lexicon.is_person_word(after)):
                return True
    if len(words) == 1 and len(words[0]) <= 40:
        word = words[0]
        for k in range(3, len(word) - 3):
            first = lexicon.first_names.get(word[:k].title())
            if first is not None and not first.common_word and lexicon.is_person_word(word[k:]) \
                    and word[k:].title() not in lexicon.first_names:
                return True
    return False


def _find_social(text: str, lexicon: NameLexicon, taken: list[bool]) -> list[tuple[int, int]]:
    found = []
    for m in PROFILE_URL.finditer(text):
        site, slug = m.group("site").lower(), m.group("slug").lstrip("@")
        # a LinkedIn profile is a person's; so is a numbered Facebook profile (profile.php?id=...)
        always = site.startswith("linkedin") or slug.lower() in ("profile.php", "people")
        if always or _personal_handle(slug.rstrip("."), lexicon):
            end = m.end()
            while end > m.start() and text[end - 1] in ".,;:!?-":
                end -= 1
            found.append((m.start(), end))
    for m in WEB_URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:!?-":
            end -= 1
        if not any(taken[m.start():end]) and all(e <= m.start() or s >= end for s, e in found) and any(
                _names_a_person(p, lexicon) for p in _URL_PARTS.findall(text, m.start(), end)):
            found.append((m.start(), end))
    for m in HANDLE.finditer(text):
        body = m.group("body").rstrip(".")
        if not any(taken[m.start():m.end()]) and _personal_handle(body, lexicon):
            found.append((m.start(), m.start() + 1 + len(body)))
    return found


@lru_cache(maxsize=4)
def _default_lexicon() -> NameLexicon:
    return NameLexicon.load(gazetteer_dir())


def find_pattern_pii(text: str, lexicon: NameLexicon | None = None) -> list[tuple[int, int, str]]:
    """E-mail, social handles and profiles, IBAN, national register and phone numbers, licence
    plates and street addresses as (start, end, kind). ``lexicon``: the names gazetteer (the shipped one if None)."""
    lexicon = lexicon or _default_lexicon()
    found: list[tuple[int, int, str]] = []
    taken = [False] * (len(text) + 1)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def claim(start: int, end: int, kind: str) -> None:
        found.append((start, end, kind))
        taken[start:end] = [True] * (end - start)

    for start, end in _find_emails(text):
        claim(start, end, "email")
    for start, end in _find_social(text, lexicon, taken):
        if free(start, end):
            claim(start, end, "social")
    pos = 0
    while (m := IBAN.search(text, pos)) is not None:
        # the pattern is greedy ("BE.. .... of lu49 ..."): keep the longest
        # valid IBAN in it that ends where a group ends, and look again after it
        end = _longest_iban(text, m.start(), m.end())
        if end and free(m.start(), end):
            claim(m.start(), end, "iban")
            pos = end
        else:
            pos = m.start() + 1
    for m in RRN.finditer(text):
        if free(m.start(), m.end()) and (std_nn.is_valid(_digits(m.group(0))) or RRN_WRITTEN.fullmatch(m.group(0))):
            claim(m.start(), m.end(), "rrn")
    for m in PHONE_BE.finditer(text):
        if free(m.start(), m.end()) and _valid_be_phone(m.group(0)):
            claim(m.start(), m.end(), "phone")
    for m in PHONE_INTL.finditer(text):
        if free(m.start(), m.end()) and 8 <= len(_digits(m.group(0))) <= 15:
            claim(m.start(), m.end(), "phone")
    for m in PLATE.finditer(text):
        if free(m.start(), m.end()):
            claim(m.start(), m.end(), "plate")
    for m in STREET.finditer(text):
        if free(m.start(), m.end()) and _is_street(m.group("street")):
            claim(m.start(), m.end(), "address")
    return sorted(found)


def redact(text: str, spans: Iterable[tuple[int, int, str]], placeholders: dict[str, str] | None = None) -> str:
    """Replace each (start, end, kind) span of ``text`` by its placeholder."""
    placeholders = {**DEFAULT_PLACEHOLDERS, **(placeholders or {})}
    out, pos = [], 0
    for start, end, kind in sorted(spans):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(placeholders.get(kind, "[PII]"))
        pos = end
    out.append(text[pos:])
    return "".join(out)


_LETTERS = re.compile(r"[^\W\d_]+")


def looks_english(text: str, lexicon: NameLexicon) -> bool:
    """Is the answer in English? The language guess when it has one; else (no function
    words: "Best Regards, Green Office Team") when most of its words are English words."""
    language = detect_language(text)
    if language is not None:
        return language == "en"
    words = _LETTERS.findall(text)
    return len(words) >= 2 and sum(lexicon.is_english_word(w) for w in words) >= 0.6 * len(words)


def overlapping(items: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[bool]:
    """For each (start, end) item: does it overlap one of ``spans``? A sweep over both sorted
    lists (linear), not every pair: an answer can hold thousands of each."""
    order = sorted(range(len(items)), key=lambda i: items[i])
    spans = sorted(spans)
    out = [False] * len(items)
    j, reach = 0, -1  # reach: the furthest end of the spans that start before the item ends
    for i in order:
        start, end = items[i]
        while j < len(spans) and spans[j][0] < end:
            reach = max(reach, spans[j][1])
            j += 1
        # a span that starts before the item ends overlaps it when it ends after the item starts;
        # ``reach`` only grows, so an earlier span reaching past ``start`` is remembered
        out[i] = reach > start
    return out


class PIIRedactor:
    """The ``textmine_pii`` component: finds personal data (names, e-mail, phone, IBAN,
    national number, social handles) and sets the redacted text."""

    def __init__(self, nlp: Language, name: str, *, kinds: list[str], placeholders: dict[str, str],
                 gazetteer_path: str | None, use_ner: bool, drop_pii_ents: bool) -> None:
        register_extensions()
        unknown = set(kinds) - set(PII_KINDS)
        if unknown:
            raise ValueError(f"unknown PII kinds: {sorted(unknown)}")
        self.name = name
        self.kinds = set(kinds)
        self.placeholders = {**DEFAULT_PLACEHOLDERS, **placeholders}
        self.drop_pii_ents = drop_pii_ents
        self.lexicon = NameLexicon.load(gazetteer_dir(gazetteer_path))
        self.names = NameFinder(self.lexicon, use_ner=use_ner) if "name" in self.kinds else None

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text  # joined from the tokens at every call: once
        spans = [s for s in find_pattern_pii(text, self.lexicon) if s[2] in self.kinds]
        ents = doc.ents  # the getter walks all tokens: read it once
        if self.names is not None:
            blocked: set[int] = set()
            for start, end, _ in spans:
                covering = doc.char_span(start, end, alignment_mode="expand")
                if covering is not None:
                    blocked.update(range(covering.start, covering.end))
            for ent in ents:
                if ent.label_ in ENTITY_LABELS:
                    blocked.update(range(ent.start, ent.end))
            english = looks_english(text, self.lexicon)
            for start, end in self.names.find(doc, blocked, ents, english=english):
                span = doc[start:end]
                spans.append((span.start_char, span.end_char, "name"))
        spans.sort()
        doc._.pii_offsets = [[s, e, k] for s, e, k in spans]
        doc._.redacted_text = redact(text, spans, self.placeholders)
        if self.drop_pii_ents and spans and ents:
            hit = overlapping([(e.start_char, e.end_char) for e in ents], [(s, e) for s, e, _ in spans])
            doc.ents = [e for e, h in zip(ents, hit) if not h]
        return doc


@Language.factory(
    "textmine_pii",
    default_config={
        "kinds": list(PII_KINDS),
        "placeholders": DEFAULT_PLACEHOLDERS,
        "gazetteer_path": None,
        "use_ner": True,
        "drop_pii_ents": True,
    },
)
def make_pii_redactor(nlp: Language, name: str, kinds: list[str], placeholders: dict[str, str],
                      gazetteer_path: str | None, use_ner: bool, drop_pii_ents: bool) -> PIIRedactor:
    """Detect and redact PII; place after ``textmine_entities``."""
    return PIIRedactor(nlp, name, kinds=kinds, placeholders=placeholders, gazetteer_path=gazetteer_path,
                       use_ner=use_ner, drop_pii_ents=drop_pii_ents)
