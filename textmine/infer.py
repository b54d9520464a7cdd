"""Draft a survey schema from an export: what a user would keep, and why.

``draft_schema(path)`` reads an export's raw records (``layout.read_records``),
recognises the tool that wrote it and its header rows, and proposes:

- the id column, chosen among real id columns only (``Respondent ID``,
  ``ResponseId``, ``id`` ...), never a name or e-mail column; none = row numbers;
- response filters (``include``) where the tool marks unfinished or test
  responses: Qualtrics ``Finished``/``Status``, LimeSurvey ``submitdate``,
  SurveyGizmo ``Status``;
- one question per column or column group: Likert scales (Dutch, English, French;
  4 to 9 points, or numeric codes when the header says so) in scale order, with
  "weet niet / n.v.t." kept outside the base; grids split into one question per
  statement sharing the scale; checkbox questions as ``multi`` (a column per
  option, or one cell joined by a separator found from recurring option texts);
  numbers; choices (long option texts too); open text.

Metadata and personal-data columns (times, status, IP address, e-mail, names,
browser ...) are never drafted as questions: they are listed in comments. Every
guess is written as a ``#`` comment next to what it produced, and every value is
written by a PyYAML SafeDumper (never by hand), so any header (``key: "v" # x``, ``- item``,
``yes``, line breaks) stays a plain string. The draft of a file ingests unchanged
on that file: the CLI checks it with ``ingest.validate`` before writing it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from .layout import ColumnHead, fill_right, header_evidence, header_names, is_hxl_row, read_records
from .nonanswers import DEFAULT_NON_ANSWERS, non_answer_keys, said_nothing
from .schema import header_key, option_key
from .slugs import make_slug
from .units import match_unit
from .values import is_blank, parse_number

# --- what survey tools write ------------------------------------------------------------


def _norm(text: str) -> str:
    """Comparison form: accents, case, apostrophe styles and white space folded."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    s = s.replace("\u2019", "'").replace("`", "'")
    return " ".join(s.casefold().split())


def _key(text: str) -> str:
    """Letters and digits only: 'ResponseId' = 'Response ID' = 'response_id'."""
    return "".join(ch for ch in _norm(text) if ch.isalnum())


# Metadata columns: key -> why it is not a question. Personal data says so.
_PERSONAL = "personal data"
_META: dict[str, str] = {}
for _keys, _why in [
    ("ipaddress ipaddr ip ipadres ipadresse adresseip", "IP address (personal data)"),
    ("email emailaddress emailadres emailadresse mail courriel adressecourriel adresseemail recipientemail "
     "adresseelectronique adressedemessagerie", "e-mail address (personal data)"),
    ("name naam fullname volledigenaam voorenachternaam firstname lastname voornaam achternaam familienaam "
     "recipientfirstname recipientlastname nom prenom nomcomplet contactpersoon contactperson "
     "naamcontactpersoon respondentname uwnaam yourname naamrespondent", "name (personal data)"),
    ("telefoon telefoonnummer phone phonenumber gsm gsmnummer tel mobile telephone",
     "phone number (personal data)"),
    ("workerid mturkworkerid", "crowd-worker id (personal data)"),
    ("respondentid responseid", "the respondent's id (not used as id_column: see above)"),
    ("startdate enddate starttime endtime completiontime begintijd eindtijd tijdvanvoltooien "
     "voltooiingstijd recordeddate timestarted datesubmitted submitdate datestarted datelastaction "
     "datestamp timestamp tijdstempel horodateur marcatemporal zeitstempel lastmodifiedtime "
     "tijdvanlaatstewijziging tijdlaatstgewijzigd laatstgewijzigd heurededebut heuredefin heuredachevement "
     "heurededernieremodification datedemodification", "date/time of the response"),
    ("duration durationinseconds duur duurinseconden interviewtime totaltime tijdsduur",
     "duration of the response"),
    ("status responsetype progress finished voortgang lastpage completed voltooid",
     "response status/progress (used by filters, not a question)"),
    ("language userlanguage startlanguage taal langue", "interface language"),
    ("collector collectorid collectorname distributionchannel", "collector / distribution channel"),
    ("networkid", "Typeform's network id (a hash of the respondent's IP address)"),
    ("stagedate ending responsetypeid", "technical metadata of the response"),
    ("useragent browser referer referrer refurl referrerurl extendedreferer sessionid seed token tags contactid responseset "
     "legacycomments externalreference externaldatareference recipientid panelid assignmentid hitid "
     "locationlatitude locationlongitude locationaccuracy latitude longitude lat long lng", "technical metadata of the response"),
]:
    for _k in _keys.split():
        _META[_k] = _why
_META_PATTERNS = [
    (re.compile(r"^customdata\d*$"), "custom data passed in the survey link"),
    (re.compile(r"^q(recaptchascore|relevantid\w*|ballotboxstuffing|totalduration|url|language)$"),
     "Qualtrics fraud/metadata field"),
    (re.compile(r"^(grouptime|groeptijd|questiontime|vraagtijd)\w*$|^(interviewtime|totaaltijd|totaletijd)$"),
     "LimeSurvey timing"),
]
_TOOL_META = {
    "surveygizmo": {"comments": "SurveyGizmo response comment field",
                    **{k: "location guessed from the IP address" for k in
                       ("country", "city", "stateregion", "postal", "postalcode", "region", "dma")}},
    "googleforms": {k: "quiz score computed by Google Forms" for k in ("score", "totalscore", "totalescore")},
    "kobotoolbox": {"submittedby": "the account that submitted the form (personal data)",
                    "username": "the account that submitted the form (personal data)",
                    "phonenumber": "phone number (personal data)", "deviceid": "device id (personal data)",
                    "imei": "device id (personal data)", "simserial": "device id (personal data)",
                    "subscriberid": "device id (personal data)",
                    **{k: "KoboToolbox metadata of the submission" for k in (
                        "id", "uuid", "submissiontime", "validationstatus", "notes", "status", "tags", "index",
                        "version", "instanceid", "today", "start", "end", "audit", "parentindex",
                        "parenttablename", "submissionid", "xformid", "geolocation", "attachments")}},
}

_ID_KEYS = ["responseid", "respondentid", "id", "recordid", "submissionid", "responsenumber",
            "respondentnummer", "antwoordid", "responsid", "uuid", "instanceid", "index", "nr", "nummer",
            "volgnummer", "idnummer", "identifier", "numero"]

_TIMESTAMP_FIRST = {"timestamp", "tijdstempel", "horodateur", "marcatemporal", "zeitstempel",
                    "informazionecronologica", "carimbodedatahora"}

# --- scales ----------------------------------------------------------------------------
# A scale is a name and its points, low to high; a point lists its spellings
# ("|"), the first being how the draft writes it when the data never show it.


def _scale(name: str, *points: str) -> tuple[str, list[list[str]]]:
    """Points as written (first spelling shown when the data never show that point);
    matching uses ``_norm`` of every spelling."""
    return name, [p.split("|") for p in points]


_NL_NEUTRAL = ("neutraal|niet eens, niet oneens|noch eens, noch oneens|niet eens niet oneens|eens noch oneens|"
               "niet eens/niet oneens|neutraal (niet eens, niet oneens)")
_EN_NEUTRAL = ("neither agree nor disagree|neither agree or disagree|neutral|neither disagree nor agree|"
               "undecided|neither agree nor disagree (neutral)")
_FR_NEUTRAL = "ni d'accord ni pas d'accord|neutre|ni en accord ni en désaccord|ni d'accord, ni pas d'accord|ni d'accord ni en désaccord"
SCALES: list[tuple[str, list[list[str]]]] = [
    # agree (5 first: the most common; the scale with fewest unseen points wins)
    _scale("agree-nl-5", "helemaal oneens|volledig oneens|totaal oneens|zeer oneens|sterk oneens",
           "oneens|niet eens|eerder oneens|enigszins oneens", _NL_NEUTRAL, "eens|eerder eens|enigszins eens",
           "helemaal eens|volledig eens|totaal eens|zeer eens|sterk eens"),
    _scale("agree-nl-akkoord-5", "helemaal niet akkoord|volledig niet akkoord|totaal niet akkoord|zeker niet akkoord",
           "niet akkoord|eerder niet akkoord", "neutraal|noch akkoord, noch niet akkoord|akkoord noch niet akkoord",
           "akkoord|eerder akkoord", "helemaal akkoord|volledig akkoord|totaal akkoord"),
    _scale("agree-en-5", "strongly disagree|totally disagree|completely disagree",
           "disagree|somewhat disagree|tend to disagree", _EN_NEUTRAL, "agree|somewhat agree|tend to agree",
           "strongly agree|totally agree|completely agree"),
    _scale("agree-fr-5", "pas du tout d'accord|tout à fait en désaccord|fortement en désaccord|totalement en désaccord",
           "pas d'accord|en désaccord|plutôt pas d'accord|plutôt en désaccord", _FR_NEUTRAL,
           "d'accord|en accord|plutôt d'accord",
           "tout à fait d'accord|tout à fait en accord|fortement d'accord|totalement d'accord"),
    _scale("agree-nl-4", "helemaal oneens|volledig oneens|totaal oneens", "oneens|eerder oneens", "eens|eerder eens",
           "helemaal eens|volledig eens|totaal eens"),
    _scale("agree-nl-akkoord-4", "helemaal niet akkoord", "niet akkoord|eerder niet akkoord",
           "akkoord|eerder akkoord", "helemaal akkoord"),
    _scale("agree-en-4", "strongly disagree", "disagree|somewhat disagree", "agree|somewhat agree", "strongly agree"),
    _scale("agree-fr-4", "pas du tout d'accord", "plutôt pas d'accord|pas d'accord", "plutôt d'accord|d'accord",
           "tout à fait d'accord"),
    _scale("agree-nl-7", "helemaal oneens", "oneens", "eerder oneens|enigszins oneens|een beetje oneens|beetje oneens",
           _NL_NEUTRAL, "eerder eens|enigszins eens|een beetje eens|beetje eens", "eens", "helemaal eens"),
    _scale("agree-en-7", "strongly disagree", "disagree", "somewhat disagree|slightly disagree|mildly disagree",
           _EN_NEUTRAL, "somewhat agree|slightly agree|mildly agree", "agree", "strongly agree"),
    _scale("agree-fr-7", "pas du tout d'accord|fortement en désaccord", "pas d'accord|en désaccord",
           "plutôt pas d'accord|légèrement en désaccord", _FR_NEUTRAL, "plutôt d'accord|légèrement d'accord",
           "d'accord", "tout à fait d'accord|fortement d'accord"),
    _scale("agree-en-6", "strongly disagree", "disagree", "somewhat disagree|slightly disagree",
           "somewhat agree|slightly agree", "agree", "strongly agree"),
    _scale("agree-nl-6", "helemaal oneens", "oneens", "eerder oneens|enigszins oneens",
           "eerder eens|enigszins eens", "eens", "helemaal eens"),
    _scale("agree-en-9", "completely disagree|extremely disagree|very strongly disagree", "strongly disagree",
           "disagree|moderately disagree", "somewhat disagree|slightly disagree", _EN_NEUTRAL,
           "somewhat agree|slightly agree", "agree|moderately agree", "strongly agree",
           "completely agree|extremely agree|very strongly agree"),
    _scale("agree-nl-9", "volledig oneens|totaal oneens", "helemaal oneens|sterk oneens", "oneens",
           "eerder oneens|enigszins oneens", _NL_NEUTRAL, "eerder eens|enigszins eens", "eens",
           "helemaal eens|sterk eens", "volledig eens|totaal eens"),
    # satisfaction
    _scale("satisfied-nl-5", "zeer ontevreden|helemaal ontevreden|heel ontevreden|helemaal niet tevreden",
           "ontevreden|niet tevreden|eerder ontevreden",
           "neutraal|niet tevreden, niet ontevreden|noch tevreden, noch ontevreden|tevreden noch ontevreden",
           "tevreden|eerder tevreden", "zeer tevreden|helemaal tevreden|heel tevreden"),
    _scale("satisfied-en-5", "very dissatisfied|very unsatisfied|extremely dissatisfied",
           "dissatisfied|unsatisfied|somewhat dissatisfied",
           "neutral|neither satisfied nor dissatisfied|neither satisfied or dissatisfied",
           "satisfied|somewhat satisfied", "very satisfied|extremely satisfied"),
    _scale("satisfied-fr-5", "très insatisfait|pas du tout satisfait|très mécontent",
           "insatisfait|plutôt insatisfait|peu satisfait|mécontent", "neutre|ni satisfait ni insatisfait",
           "satisfait|plutôt satisfait|assez satisfait", "très satisfait"),
    _scale("satisfied-nl-4", "zeer ontevreden", "ontevreden|eerder ontevreden", "tevreden|eerder tevreden",
           "zeer tevreden"),
    _scale("satisfied-en-4", "very dissatisfied", "dissatisfied|somewhat dissatisfied", "satisfied|somewhat satisfied",
           "very satisfied"),
    _scale("satisfied-fr-4", "pas du tout satisfait|très insatisfait", "peu satisfait|plutôt insatisfait",
           "plutôt satisfait|assez satisfait", "très satisfait"),
    _scale("satisfied-en-7", "extremely dissatisfied", "moderately dissatisfied|dissatisfied",
           "slightly dissatisfied|somewhat dissatisfied", "neither satisfied nor dissatisfied|neutral",
           "slightly satisfied|somewhat satisfied", "moderately satisfied|satisfied", "extremely satisfied"),
    # importance
    _scale("important-nl-5", "helemaal niet belangrijk|totaal niet belangrijk|zeker niet belangrijk",
           "niet belangrijk|weinig belangrijk|eerder onbelangrijk|onbelangrijk",
           "neutraal|enigszins belangrijk|matig belangrijk|niet belangrijk, niet onbelangrijk",
           "belangrijk|eerder belangrijk", "zeer belangrijk|heel belangrijk|erg belangrijk"),
    _scale("important-en-5", "not at all important", "slightly important|of little importance",
           "moderately important", "very important", "extremely important"),
    _scale("important-en-5b", "not important at all|not at all important", "not important|unimportant",
           "neutral|somewhat important", "important", "very important"),
    _scale("important-en-5c", "not important|not important at all|unimportant", "slightly important",
           "somewhat important|moderately important", "very important", "critical|extremely important"),
    _scale("important-fr-5", "pas du tout important", "peu important", "moyennement important|neutre",
           "important|assez important", "très important"),
    _scale("important-nl-4", "helemaal niet belangrijk", "niet belangrijk|eerder onbelangrijk",
           "belangrijk|eerder belangrijk", "zeer belangrijk"),
    # frequency
    _scale("often-nl-5", "nooit", "zelden", "soms|af en toe", "vaak|dikwijls|regelmatig", "altijd|(bijna) altijd"),
    _scale("often-nl-5b", "nooit", "zelden", "soms|af en toe", "vaak|dikwijls", "heel vaak|zeer vaak"),
    _scale("often-en-5", "never", "rarely|seldom", "sometimes|occasionally", "often|frequently", "always"),
    _scale("often-en-5b", "never", "sometimes|occasionally", "often|frequently", "very often|very frequently",
           "always"),
    _scale("often-en-5c", "never", "rarely|seldom", "sometimes|occasionally", "often|frequently",
           "very often|very frequently"),
    _scale("often-fr-5", "jamais", "rarement", "parfois|de temps en temps|quelquefois", "souvent",
           "toujours|très souvent"),
    _scale("often-nl-4", "nooit", "zelden", "soms|af en toe", "vaak|dikwijls|regelmatig"),
    _scale("often-en-4", "never", "rarely|seldom", "sometimes|occasionally", "often|frequently"),
    _scale("often-en-4b", "never", "rarely|seldom", "occasionally|sometimes", "usually|mostly"),
    _scale("often-fr-4", "jamais", "rarement", "parfois|de temps en temps", "souvent"),
    # quality
    _scale("quality-nl-5", "zeer slecht|heel slecht", "slecht", "matig|neutraal|gemiddeld|redelijk|voldoende",
           "goed", "zeer goed|heel goed|uitstekend"),
    _scale("quality-en-5", "very poor|very bad", "poor|bad", "fair|average|neutral|acceptable", "good",
           "very good|excellent"),
    _scale("quality-en-5b", "poor", "fair", "good", "very good", "excellent"),
    _scale("quality-en-5c", "very poor", "below average", "average", "above average", "excellent"),
    _scale("quality-fr-5", "très mauvais|très mauvaise", "mauvais|mauvaise", "moyen|moyenne|passable|neutre",
           "bon|bonne", "très bon|très bonne|excellent|excellente"),
    # valence
    _scale("valence-en-5", "very negative|strongly negative", "negative|somewhat negative", "neutral",
           "positive|somewhat positive", "very positive|strongly positive"),
    _scale("valence-nl-5", "zeer negatief|heel negatief", "negatief|eerder negatief", "neutraal",
           "positief|eerder positief", "zeer positief|heel positief"),
    _scale("valence-fr-5", "très négatif|très négative", "négatif|négative|plutôt négatif", "neutre",
           "positif|positive|plutôt positif", "très positif|très positive"),
    # extent ('to what extent ...?')
    _scale("extent-en-5", "not at all", "slightly|a little|a little bit", "moderately|somewhat",
           "very|markedly|considerably|quite a bit|very much|a lot", "extremely|very severely|totally|completely"),
    _scale("extent-nl-5", "helemaal niet|totaal niet", "een beetje|enigszins|weinig|een klein beetje", "matig|redelijk",
           "sterk|erg|veel|in sterke mate", "heel sterk|zeer sterk|heel erg|extreem|in zeer sterke mate"),
    _scale("extent-fr-5", "pas du tout", "un peu|légèrement", "moyennement|modérément", "beaucoup|fortement",
           "énormément|extrêmement"),
    # likelihood
    _scale("likely-nl-5", "zeer onwaarschijnlijk|heel onwaarschijnlijk", "onwaarschijnlijk|eerder onwaarschijnlijk",
           "neutraal|misschien", "waarschijnlijk|eerder waarschijnlijk", "zeer waarschijnlijk|heel waarschijnlijk"),
    _scale("likely-en-5", "very unlikely|extremely unlikely", "unlikely|somewhat unlikely",
           "neutral|neither likely nor unlikely|unsure", "likely|somewhat likely", "very likely|extremely likely"),
    _scale("likely-fr-5", "très improbable|très peu probable", "improbable|peu probable",
           "ni probable ni improbable|neutre", "probable|plutôt probable", "très probable"),
]
# Answers outside any scale: counted, kept out of the base of a Likert question. (Not the
# open-answer non-answer test of textmine.nonanswers: "nee" and "geen" are options here.)
OUTSIDE_SCALE = [
    "weet niet", "weet ik niet", "niet van toepassing", "n.v.t.", "nvt", "n.v.t", "geen mening", "geen idee",
    "geen antwoord", "wil ik niet zeggen", "zeg ik liever niet",
    "don't know", "do not know", "i don't know", "not applicable", "n/a", "na", "not sure", "no opinion",
    "prefer not to say", "prefer not to answer", "don't know or not sure", "don't know or not applicable",
    "does not apply", "unsure",
    "ne sais pas", "je ne sais pas", "sans opinion", "non applicable", "pas applicable", "sans objet",
    "ne s'applique pas", "nsp", "je préfère ne pas répondre",
]
_OUTSIDE_SCALE_KEYS = {_norm(v) for v in OUTSIDE_SCALE}
# Longer spellings of the same ("N/A - skip, don't know.", "Does not apply.").
_OUTSIDE_SCALE_START = re.compile(r"^(n/a|n\.v\.t|nvt|don't know|do not know|not applicable|does not apply|"
                               r"weet (ik )?niet|niet van toepassing|geen mening|ne sais pas|sans opinion|"
                               r"prefer not to (say|answer)|i don't know|i do not know)(?![\w/])")


def _outside_scale(text: str) -> bool:
    """'Weet niet', 'N/A', 'Does not apply.': an answer outside any scale."""
    k = _norm(text)
    return k in _OUTSIDE_SCALE_KEYS or k.rstrip(" .!") in _OUTSIDE_SCALE_KEYS or bool(_OUTSIDE_SCALE_START.match(k))
_SCALE_WORDS = {
    "agree": r"\b(eens|oneens|akkoord|agree|disagree|agreement|accord|stelling(en)?|statements?|affirmations?)\b",
    "satisfied": r"(tevreden|satisf|content)",
    "important": r"(belangrijk|importan)",
    "often": r"\b(hoe vaak|hoe dikwijls|how often|how frequently|frequen|souvent)\b",
    "quality": r"\b(kwaliteit|quality|qualité|beoordeel\w*|evalue\w*|rate|rating)\b",
    "likely": r"(waarschijnlijk|likel|probab)",
}
_SCALE_WORD = re.compile("|".join(_SCALE_WORDS.values()), re.I)
# "(1-5)", "0 - 10", "op een schaal van 1 tot 10", "1 = ..., 5 = ...".
_RANGE = re.compile(r"(?<![\d.,])([01])\s*(?:-|–|to|tot|à|a|t/m|until)\s*(\d{1,2})(?![\d.,])", re.I)
_ENDPOINTS = re.compile(r"(?<![\d.,])([01])\s*=\s*[^=]{1,80}?[,;/]\s*(?:\d+\s*=\s*[^=]{1,60}?[,;/]\s*)*"
                        r"(\d{1,2})\s*=", re.I)
# "5 - Mostly other people", "1 (None at all)", "2 – Very critical": a number with its label.
_LABELLED_NUMBER = re.compile(r"^\s*\(?(\d{1,2})(?:\s*(?:[-–—:=)]|\.(?!\d)|\()\s*(.*?))?\s*\)?\s*$")
# Questions whose whole-number answers are amounts, not codes of a choice.
_QUANTITY = re.compile(r"\b(how many|how much|how old|how long|hoeveel|aantal|number of|age|leeftijd|years?|jaar|"
                       r"jaren|months?|maanden|weeks?|weken|days?|dagen|hours?|uren|uur|minutes?|minuten|percent\w*|"
                       r"procent|vte|fte|euro|eur|budget|bedrag|amount|combien|nombre|quantit\w*|âge|score|punten|"
                       r"points?|rating|times|keer)\b|%", re.I)
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?[AP]M)?)?"
                   r"( ?(GMT|UTC|CET|CEST)?[+-]?\d{0,2}:?\d{0,2})?$", re.I)
_YES_NO = [["ja", "nee"], ["yes", "no"], ["oui", "non"], ["y", "n"], ["waar", "onwaar"], ["true", "false"]]
_CHOSEN = {"1", "x", "y", "yes", "ja", "oui", "true", "waar", "checked", "selected", "gekozen", "aangevinkt",
           "\u2713", "\u2714", "v"}
_NOT_CHOSEN = {"0", "no", "nee", "n", "non", "false", "onwaar", "not selected", "niet geselecteerd",
               "niet gekozen", "unchecked"}
_OTHER_TEXT = re.compile(r"^\s*(other|others|anders|andere|overige?|autre|autres|sonstige)\b|please specify|write in|"
                         r"gelieve te (specificeren|preciseren)|pr[ée]cisez|\b(text|tekst|texte)\s*$|^\s*\[?other\]?$", re.I)
MAX_CHOICES = 24
SEPARATORS = (";", ", ", ",", "|")
# Where each tool puts several choices in one cell. SurveyMonkey and LimeSurvey never do
# (a column per option), so a comma there is part of one option's text.
TOOL_SEPARATORS = {"surveymonkey": (), "limesurvey": (), "qualtrics": (",",), "googleforms": (", ",),
                   "msforms": (";",), "surveygizmo": (";", ","), "spreadsheet": SEPARATORS}
# Tried after the tool's own, for a file someone re-joined ('a;b' in a Google Forms sheet
# tidied by a script): people rarely type these two in an answer, so the evidence decides.
FALLBACK_SEPARATORS = (";", "|")


def separators_for(tool: str) -> tuple[str, ...]:
    """The separators to try for a one-cell multi in this tool's export, its own first."""
    own = TOOL_SEPARATORS.get(tool, SEPARATORS)
    if tool in ("surveymonkey", "limesurvey"):
        return tuple(own)
    return tuple(own) + tuple(s for s in FALLBACK_SEPARATORS if s not in own)
LONG_TEXT = 60


# --- the draft --------------------------------------------------------------------------

@dataclass
class Column:
    """One export column as infer sees it."""
    index: int               # 0-based
    head: ColumnHead
    values: list[str]        # data cells, one per data row
    ref: Any = None          # how the schema refers to it: a header text or {position: N}
    stem: str = ""           # question text shared by a group of columns
    item: str = ""           # the statement/option this column holds within its group
    group: str = ""          # neighbours with the same non-empty group are one question's columns
    import_id: str | None = None  # Qualtrics: the row-3 {"ImportId": ...} of this column

    @property
    def position(self) -> int:
        return self.index + 1

    @property
    def title(self) -> str:
        """Name for comments: the header, or the position when it has none."""
        name = " ".join(self.head.name.split())
        return f'"{name}" (column {self.position})' if name else f"column {self.position} (no header)"

    @property
    def text(self) -> str:
        """Everything the headers say about this column, for keyword tests."""
        return " ".join(dict.fromkeys([self.head.name, self.head.label, self.stem, self.item]))

    def answers(self) -> list[str]:
        return [v.strip() for v in self.values if not is_blank(v)]


@dataclass
class Drafted:
    """A question of the draft and the comments that explain it."""
    question: dict[str, Any]
    why: list[str]
    columns: list[Column]


@dataclass
class Draft:
    """A drafted schema: the YAML mapping plus everything that was guessed, for comments."""
    source: str
    survey: str
    tool: str = "spreadsheet"
    tool_why: str = ""
    header_rows: int = 1
    header_why: str = ""
    responses: int = 0
    id_column: Any = None
    id_why: str = ""
    unit_column: Any = None
    unit_why: str = ""
    include: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    kept: int = 0
    questions: list[Drafted] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"survey": self.survey}
        if self.header_rows != 1:
            d["header_rows"] = self.header_rows
        if self.id_column is not None:
            d["id_column"] = self.id_column
        if self.unit_column is not None:
            d["unit_column"] = self.unit_column
        if self.include:
            d["include"] = [rule for rule, _ in self.include]
        d["questions"] = [q.question for q in self.questions]
        return d

    def to_yaml(self) -> str:
        return render_yaml(self)


# --- entry points -----------------------------------------------------------------------

def draft_schema(path: str | Path, survey: str = "survey", sheet: str | None = None,
                 check: bool = True) -> Draft:
    """Draft a schema for the export at ``path`` (CSV, XLSX or SPSS).

    With ``check`` (the default) the draft is validated on the same file as ``ingest``
    would, and a question whose guess the file contradicts becomes open text, with a
    comment saying so: a draft always ingests unchanged on the file it came from."""
    records = read_records(path, sheet)
    header_rows = 1 if Path(path).suffix.lower() in (".sav", ".zsav") else None
    draft = draft_from_records(records.rows, survey, Path(path).name, header_rows=header_rows)
    if check:
        told = check_draft(draft, path, sheet)
        if told and told != draft.header_rows:
            # Ingest found a data row that is a header row: draft again with the rows it names.
            why = (f"first guess {draft.header_rows} ({draft.header_why}), but row {draft.header_rows + 1} "
                   f"repeats the headers: {told}")
            draft = draft_from_records(records.rows, survey, Path(path).name, header_rows=told)
            draft.header_why = why
            check_draft(draft, path, sheet)
    for row, title in records.titles:
        draft.header_why += f"; row {row} ('{title[:60]}') is a title above the table, not read"
    if records.r_missing:
        draft.header_why += "; the file was written by R: its bare NA cells are read as blank"
    return draft


def check_draft(draft: Draft, path: str | Path, sheet: str | None = None, rounds: int = 25) -> int | None:
    """Validate the draft on its export; demote what the export contradicts (see draft_schema).
    Returns the header rows ingest asks for when it finds a header row among the data."""
    from .errors import InputError
    from .ingest import read_table, validate
    from .schema import Schema

    table = read_table(path, sheet, draft.header_rows)
    for _ in range(rounds):  # each round fixes one question
        try:
            validate(table, Schema.from_dict(draft.to_dict(), str(path)))
            return
        except InputError as exc:
            wanted = re.search(r"set header_rows: (\d+)", str(exc))
            if wanted:
                return int(wanted.group(1))
            if not _demote(draft, exc):
                draft.warnings.append(f"the draft does not ingest on {Path(path).name} yet: {exc}")
                return None
    draft.warnings.append(f"the draft still does not ingest on {Path(path).name} after {rounds} corrections")
    return None


def _demote(draft: Draft, exc: Exception) -> bool:
    """Make the question an ingest error names open text (or drop a bad id column); False if
    the error is about nothing infer can change."""
    message = str(exc)
    for q in draft.questions:
        qid = q.question["id"]
        if f"'{qid}'" not in message or q.question["type"] == "open":
            continue
        old = q.question["type"]
        keep = {k: q.question[k] for k in ("id", "label") if k in q.question}
        if old == "multi" and "columns" in q.question:
            return False  # a column per option accepts any cell
        q.question.clear()
        q.question.update(keep, type="open", column=q.columns[0].ref)
        q.why.insert(0, f"open: drafted as {old}, but ingest found an answer that does not fit "
                        f"({' '.join(message.split())[:160]}); check this question")
        return True
    if draft.id_column is not None and "respondent id" in message:
        draft.id_why = (f"no id column: {draft.id_why.split(':')[0]} has an empty or repeated value "
                        f"on a kept response ({' '.join(message.split())[:120]}); respondents are known "
                        "by their row number")
        draft.id_column = None
        return True
    return False


def infer_schema(headers: list[str], rows: list[list[str]], survey: str = "survey") -> dict[str, Any]:
    """A draft schema (the YAML mapping) from one header row and its data rows."""
    return draft_from_records([list(headers)] + [list(r) for r in rows], survey, "<table>",
                              header_rows=1).to_dict()


def draft_from_records(records: Sequence[Sequence[str]], survey: str = "survey", source: str = "",
                       header_rows: int | None = None) -> Draft:
    """Draft a schema from an export's raw records (header rows first)."""
    draft = Draft(source=source, survey=survey)
    if header_rows is None:
        draft.header_rows, draft.header_why = header_evidence(records)
    else:
        draft.header_rows, draft.header_why = header_rows, "given"
    heads = header_names([list(r) for r in records[:draft.header_rows]])
    width = max([len(heads)] + [len(r) for r in records])
    heads += [ColumnHead(i + 1, "", "") for i in range(len(heads), width)]
    data = [list(r) + [""] * (width - len(r)) for r in records[draft.header_rows:]]
    draft.responses = len(data)
    columns = [Column(i, h, [r[i] for r in data]) for i, h in enumerate(heads)]
    for row in records[:draft.header_rows]:
        for c, cell in zip(columns, row):
            m = re.match(r'^\s*\{\s*"ImportId"\s*:\s*"([^"]*)"', str(cell))
            if m:
                c.import_id = m.group(1)
    _assign_refs(columns, draft)
    draft.tool, draft.tool_why = detect_tool(columns, records, draft.header_rows)
    _find_groups(columns, draft.tool, records, draft.header_rows)

    used: set[int] = set()
    meta: dict[int, str] = {}
    for c in columns:
        why = meta_reason(c, draft.tool) or _index_column(c) or _asks_personal_data(c)
        if why:
            meta[c.index] = why
    if draft.tool == "kobotoolbox":
        # Kobo writes a select_multiple twice: the chosen options joined by spaces under the
        # question, and a 1/0 column per option ('Question/Option'): the option columns count.
        stems = {c.stem for c in columns if c.group and c.group == c.stem}
        for c in columns:
            if not c.group and c.head.name.strip() in stems and c.index not in meta:
                meta[c.index] = "the chosen options joined by spaces; counted from the question's option columns"
    _choose_id(columns, meta, draft)
    if draft.id_column is not None:
        used.add(next(c.index for c in columns if c.ref == draft.id_column))
    for c in columns:
        keys = {_key(c.head.name), _key(c.head.label), _key(_limesurvey_code(c.head.name) or "")}
        if c.index not in used and c.index not in meta and keys & set(_ID_KEYS):
            meta[c.index] = "an id column, not used as the id (see id column above)"
    _choose_unit(columns, meta, used, draft)
    _propose_filters(columns, data, draft)
    for c in columns:
        if c.index in meta and c.index not in used:
            draft.left_out.append((c.title, meta[c.index]))
            used.add(c.index)
    _draft_questions(columns, used, draft)
    return draft


# --- columns, tools, groups ---------------------------------------------------------------

def _assign_refs(columns: list[Column], draft: Draft) -> None:
    """A header text where it names one column; ``{position: N}`` for blank and repeated ones."""
    count = Counter(header_key(c.head.name) for c in columns if c.head.name.strip())
    for c in columns:
        name = c.head.name.strip()
        if name and count[header_key(name)] == 1:
            c.ref = name
        else:
            # the header too: ingest then refuses a position a column inserted before it shifted
            c.ref = {"position": c.position, "header": " ".join(name.split())}
            if any(v.strip() for v in c.values):
                what = "has no header" if not name else f'repeats the header "{" ".join(name.split())}"'
                draft.warnings.append(f"column {c.position} {what}: the draft refers to it as "
                                      f"{{position: {c.position}}}")


def detect_tool(columns: list[Column], records: Sequence[Sequence[str]], header_rows: int) -> tuple[str, str]:
    """(tool, why) from the headers: qualtrics, surveymonkey, limesurvey, googleforms, msforms,
    surveygizmo or spreadsheet (anything else, such as a sheet kept by hand)."""
    keys = {_key(c.head.name) for c in columns} | {_key(c.head.label) for c in columns}
    codes = {_key(_limesurvey_code(c.head.name) or "") for c in columns} - {""}
    names = [c.head.name for c in columns if c.head.name.strip()]
    if header_rows >= 2 and any(any('"ImportId"' in str(x) for x in r) for r in records[:header_rows]):
        return "qualtrics", f"row {header_rows} holds Qualtrics ImportIds"
    if {"responseid", "finished"} <= keys or {"responseid", "recordeddate"} <= keys:
        return "qualtrics", "ResponseId and Finished/RecordedDate columns"
    if "respondentid" in keys and ({"collectorid", "collector"} & keys or header_rows >= 2):
        return "surveymonkey", "Respondent ID" + (" and Collector columns" if {"collectorid", "collector"} & keys
                                                  else f" and {header_rows} header rows")
    if header_rows >= 2 and any(_key(x) in ("response", "openendedresponse")
                                for r in records[:header_rows] for x in r):
        return "surveymonkey", "sub-answer row with Response / Open-Ended Response"
    lime_meta = (codes | keys) & {"submitdate", "lastpage", "startlanguage", "seed", "datestamp"}
    # 'code. text', 'code[SQ001]' or LimeSurvey's default codes G01Q01: not any identifier-like
    # header ('workshop_attended_content' in a sheet someone tidied is no LimeSurvey code).
    coded = sum(1 for n in names if _limesurvey_code(n) or re.fullmatch(r"G\d+Q\d+(\[[^\]]*\])*", n.strip()))
    if len(lime_meta) >= 2 or (names and coded >= max(3, 0.6 * len(names))):
        return "limesurvey", ("LimeSurvey metadata columns (" + ", ".join(sorted(lime_meta)) + ")" if len(lime_meta) >= 2
                              else "LimeSurvey question-code headers (code. text, code[SQ001])")
    if columns and _key(columns[0].head.name) in _TIMESTAMP_FIRST:
        return "googleforms", f'first column "{columns[0].head.name}"'
    if "id" in keys and ({"starttime", "completiontime"} <= keys or {"begintijd", "tijdvanvoltooien"} <= keys
                         or {"heurededebut", "heuredefin"} <= keys):
        return "msforms", "Id, start and completion time columns"
    if {"timestarted", "datesubmitted", "status"} <= keys:
        return "surveygizmo", "Time Started, Date Submitted and Status columns"
    if {"uuid", "submissiontime"} <= keys or {"uuid", "index", "validationstatus"} <= keys:
        return "kobotoolbox", "_uuid and _submission_time columns"
    if columns and columns[0].head.name.strip() == "#" and keys & {"networkid", "submitdateutc", "stagedateutc"}:
        return "typeform", "first column '#' (the response token) and Submit Date (UTC) / Network ID columns"
    return "spreadsheet", "no survey tool's layout recognised"


# LimeSurvey's "question code & question text" headings: 'code. text', 'code[SQ001]. text [item]';
# the code/text separator is an export setting: '. ' by default, '._.' seen in real exports.
_LIME_HEADER = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*)(?P<sub>(\[[^\]]*\])*)((\.\s+|\._\.\s*)(?P<text>.*))?$",
                          re.S)


def _limesurvey_code(name: str) -> str | None:
    m = _LIME_HEADER.match(name.strip())
    if not m or not (m.group("text") is not None or m.group("sub")):
        return None
    return m.group("code")


def _find_groups(columns: list[Column], tool: str, records: Sequence[Sequence[str]], header_rows: int) -> None:
    """Give each column its question stem and item, from how its tool writes sub-questions."""
    naming = [list(r) for i, r in enumerate(records[:header_rows]) if not (i and is_hxl_row(r, records[i - 1]))]
    if len(naming) >= 2 and tool != "qualtrics":
        # SurveyMonkey: the question text spans its sub-columns in the row above the sub-answers.
        text_row = fill_right([str(x).strip() for x in naming[-2]])
        sub_row = [str(x).strip() for x in naming[-1]]
        for c in columns:
            stem = text_row[c.index] if c.index < len(text_row) else ""
            sub = sub_row[c.index] if c.index < len(sub_row) else ""
            c.stem = c.head.label or stem
            generic = not sub or _key(sub) in ("response", "openendedresponse") or _key(sub) == _key(stem)
            c.item = "" if generic else sub
            c.group = f"{c.stem}\u0000{_span_start(text_row, c.index)}" if c.stem else ""
            if not generic and len(sub) >= 15 and sub.rstrip().endswith(("?", ":")) and _own_option(c) is None \
                    and c.answers():
                # A question of its own under the text to its left ('What version do you use most
                # often?' beside 'Do you use the following sources?'): a sub-answer names an option.
                c.stem, c.item, c.group = sub, "", ""
        # No text spans them, yet each holds its own option: an analyst's 'Q1 01-Question' over
        # 'Option' headers. Such neighbours may still be one checkbox question.
        sizes = Counter(c.group for c in columns)
        for c in columns:
            if sizes[c.group] == 1 and _own_option(c) is not None:
                c.stem = c.item = c.group = ""
        _option_runs(columns)
        return
    kobo_questions = {c.head.name.strip() for c in columns} if tool == "kobotoolbox" else set()
    for c in columns:
        name, label = c.head.name.strip(), c.head.label.strip()
        if tool == "qualtrics":
            continue  # below: common label prefixes
        m = _LIME_HEADER.match(name) if tool == "limesurvey" else None
        if m and m.group("sub"):
            text = (m.group("text") or "").strip()
            bracket = re.match(r"^(?P<stem>.*?)\s*\[(?P<item>[^\[\]]*)\]\s*$", text, re.S)
            if bracket:
                c.stem = bracket.group("stem") or m.group("code")
                c.item = bracket.group("item") or m.group("sub").strip("[]")
            elif text.startswith("[") and text.endswith("]"):  # '[... [Your career]]'
                c.stem, c.item = m.group("code"), text[1:-1].strip()
            else:
                c.stem, c.item = text or m.group("code"), m.group("sub").strip("[]")
            c.group = m.group("code")
            continue
        if tool == "kobotoolbox" and "/" in name:
            stem, _, item = name.rpartition("/")
            if stem.strip() in kobo_questions:  # 'Question/Option' beside the column 'Question'
                c.stem, c.item, c.group = stem.strip(), item.strip(), stem.strip()
                continue
        if tool == "surveygizmo":
            sg = re.match(r"^(?P<item>[^:]{1,80}?):(?P<stem>:?.{8,})$", name, re.S)
            if sg:
                c.stem, c.item = sg.group("stem").lstrip(":").strip(), sg.group("item").strip()
                continue
        gf = re.match(r"^(?P<stem>.+?)\s*\[(?P<item>[^\[\]]+)\]\s*$", label, re.S)
        if gf:
            c.stem, c.item = gf.group("stem").strip(), gf.group("item").strip()
            continue
        gen = re.match(r"^(?P<stem>.+?)\s*(?: - | – | — |: |\| )\s*(?P<item>.+)$", label, re.S)
        if gen:
            c.stem, c.item = gen.group("stem").strip(), gen.group("item").strip()
    if tool == "qualtrics":
        _qualtrics_groups(columns)
    # A lone "Budget: ..." is no group: its text is the question.
    for c in columns:
        c.group = c.group or c.stem
    by_group = Counter(c.group for c in columns if c.group)
    for c in columns:
        if c.group and by_group[c.group] < 2:
            c.stem = c.item = c.group = ""
    _option_runs(columns)


_NUMBERED = re.compile(r"^\s*[A-Za-z]{0,2}\d{1,3}[a-z]?\s*[.)_:]?\s+")


def _own_option(c: Column) -> str | None:
    """The option a column stands for when every answer in it repeats its header: the header
    itself (Typeform: 'hackathons' under 'hackathons'), the option row's text (an analyst's
    'Q1 01-Question' over 'Option'), or the header after its question number ('3. Python.')."""
    answers = {option_key(v) for v in c.answers()}
    if len(answers) != 1:
        return None
    (answer,) = answers
    name = " ".join(c.head.name.split())
    for text in (name, c.head.option or "", c.head.label, _NUMBERED.sub("", name)):
        text = " ".join(str(text).split())
        if text and option_key(text) == answer:
            return text
    return None


def _option_runs(columns: list[Column]) -> None:
    """Adjacent columns that each hold their own option when chosen are one checkbox question
    (Typeform writes no question text above them); an 'Other' column right after holds that
    question's free text."""
    i = 0
    while i < len(columns):
        if columns[i].group or _own_option(columns[i]) is None:
            i += 1
            continue
        run = [columns[i]]
        number = _NUMBERED.match(columns[i].head.name)
        j = i + 1
        while j < len(columns) and not columns[j].group and columns[j].head.name.strip():
            other = _NUMBERED.match(columns[j].head.name)
            if (number.group(0).strip() if number else "") != (other.group(0).strip() if other else ""):
                break  # the next question's number ('4. Data engineer.' after '3. R.')
            if _own_option(columns[j]) is not None:
                run.append(columns[j])
            elif not columns[j].answers() and j + 1 < len(columns) and _own_option(columns[j + 1]) is not None:
                run.append(columns[j])  # an option nobody chose, between chosen ones
            else:
                break
            j += 1
        if len([c for c in run if c.answers()]) >= 2:
            items = [_own_option(c) or " ".join(c.head.name.split()) for c in run]
            stem = _run_stem(run) or " / ".join(items[:4]) + (" / ..." if len(items) > 4 else "")
            group = f"\u0001options {run[0].position}"
            tail = columns[j] if j < len(columns) and not columns[j].group else None
            if tail is not None and _OTHER_TEXT.search(tail.head.name) and _own_option(tail) is None:
                run.append(tail)
                items.append(" ".join(tail.head.name.split()))
                j += 1
            for c, item in zip(run, items):
                c.stem, c.item, c.group = stem, item, group
        i = max(j, i + 1)


def _run_stem(run: list[Column]) -> str:
    """The question text the run's headers share ('Q1 01-Where is ...', 'Q1 02-Where is ...')."""
    names = [" ".join(c.head.name.split()) for c in run if c.head.name.strip()]
    if len(names) < 2:
        return ""
    suffix = names[0]
    for n in names[1:]:
        while suffix and not n.endswith(suffix):
            suffix = suffix[1:]
    suffix = suffix.lstrip(" -\u2014\u2013:._")
    return suffix if len(suffix) >= 10 and " " in suffix else ""


def _qualtrics_groups(columns: list[Column]) -> None:
    """Qualtrics labels read 'Question - Statement': neighbours sharing the longest
    ' - '-ended prefix (at least 10 characters) are one question's sub-columns."""
    labels = [c.head.label.strip() for c in columns]
    for i, c in enumerate(columns):
        best = ""
        for j in (i - 1, i + 1):
            if 0 <= j < len(columns):
                p = _common_dash_prefix(labels[i], labels[j])
                if len(p) > len(best):
                    best = p
        if len(best) >= 10:
            c.stem, c.item = best, labels[i][len(best) + 3:].strip()


def _common_dash_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    prefix = a[:n]
    cut = prefix.rfind(" - ")
    return prefix[:cut] if cut > 0 else ""


def _span_start(row: list[str], i: int) -> int:
    """Where the question text over column i starts (SurveyMonkey spans it to the right)."""
    while i > 0 and i < len(row) and row[i] == row[i - 1]:
        i -= 1
    return i


# --- metadata, id, unit, filters ---------------------------------------------------------

def meta_reason(c: Column, tool: str = "spreadsheet") -> str | None:
    """Why a column is metadata or personal data, never a question; None if it may be one."""
    keys = [_key(c.head.name), _key(c.head.label)]
    code = _limesurvey_code(c.head.name)
    if code and not re.search(r"\[", c.head.name.split(".")[0]):
        keys.append(_key(code))
    import_id = _import_id(c)
    if tool == "qualtrics" and import_id:
        if re.search(r"_(FIRST_CLICK|LAST_CLICK|PAGE_SUBMIT|CLICK_COUNT)$", import_id):
            return "Qualtrics page timing"
        if not import_id.upper().startswith("QID"):
            k = _key(import_id)
            return _META.get(k) or ("IP address (personal data)" if k == "ipaddress" else None) \
                or "Qualtrics metadata or embedded data (no question id)"
    if tool == "qualtrics" and re.match(r"^timing\s*-\s*(first|last) click|^timing\s*-\s*(page submit|click count)",
                                        c.head.label, re.I):
        return "Qualtrics page timing"
    for k in keys:
        if k in _META:
            return _META[k]
        if k.endswith(("utc", "gmt")) and k[:-3] in _META:  # Typeform: 'Submit Date (UTC)'
            return _META[k[:-3]]
        if k in _TOOL_META.get(tool, {}):
            return _TOOL_META[tool][k]
        for pattern, why in _META_PATTERNS:
            if pattern.match(k):
                return why
    if tool in ("surveymonkey", "msforms", "googleforms", "qualtrics") and _key(c.head.name) in ("respondentid",
                                                                                                  "collectorid"):
        return "response metadata"
    return None


_PERSONAL_QUESTION = re.compile(
    r"\bnames? of (the )?(\w+ )?(contacts?|persons?|people|instructors?|teachers?|respondents?|participants?|"
    r"staff|colleagues?|students?|coordinators?)\b|\byour (full )?name\b|\buw (volledige )?naam\b|"
    r"\bnaam (en voornaam|van de contactpersoon|contactpersoon|van de respondent)\b|\be-?mail ?(address|adres)\b|"
    r"\btelefoonnummer\b|\bphone number\b|\bgsm-?nummer\b|\bvotre nom\b|\bnom et pr[ée]nom\b|"
    r"\badresse (e-?mail|électronique)\b", re.I)


def _asks_personal_data(c: Column) -> str | None:
    """A question that asks for names or contact details: personal data, never drafted."""
    text = c.head.label or c.head.name
    if _PERSONAL_QUESTION.search(text):
        answers = c.answers()
        if len(text) > 300 and len(answers) >= 10 and len({option_key(a) for a in answers}) <= 5:
            return None  # a consent text ('your name will not be collected') over a few recurring answers
        return "the question asks for names or contact details (personal data)"
    return None


_ROW_NUMBER_HEADERS = {"serial", "serialnumber", "serialno", "rownumber", "row", "rij", "rijnummer", "index", "nr",
                       "no", "volgnummer", "number", "case", "casenumber"}


def _index_column(c: Column) -> str | None:
    """A column holding 1, 2, 3 ... without a header, or under one that says so ('Serial #'):
    a row index a script, a spreadsheet or an analyst added."""
    name = c.head.name.strip()
    if name and _key(name) not in _ROW_NUMBER_HEADERS and not name.endswith("#"):
        return None
    vals = [v.strip() for v in c.values]
    if len(vals) >= 2 and all(re.fullmatch(r"\d+", v) for v in vals):
        numbers = [int(v) for v in vals]
        if all(a < b for a, b in zip(numbers, numbers[1:])):
            return (f"{'no header' if not name else 'its header'}; holds rising row numbers (1, 2, 3 ...): "
                    "an index a script, spreadsheet or analyst added")
    return None


def _import_id(c: Column) -> str | None:
    return c.import_id


def _is_personal(why: str | None) -> bool:
    return bool(why) and _PERSONAL in why  # type: ignore[operator]


def _choose_id(columns: list[Column], meta: dict[int, str], draft: Draft) -> None:
    """The id column: the best-named real id column whose values are filled and unique."""
    notes = []
    ranked = []
    for c in columns:
        keys = [_key(c.head.name), _key(c.head.label)]
        code = _limesurvey_code(c.head.name)
        if code:
            keys.append(_key(code))
        rank = min((_ID_KEYS.index(k) for k in keys if k in _ID_KEYS), default=None)
        if c.head.name.strip() == "#" and c.index == 0:
            rank = 0  # Typeform's response token, and many a sheet's row number
        if rank is None or _is_personal(meta.get(c.index)):
            continue
        ranked.append((rank, c.index, c))
    for _, _, c in sorted(ranked, key=lambda t: (t[0], t[1])):
        vals = [v.strip() for v in c.values]
        blank = [i for i, v in enumerate(vals) if not v]
        dupes = [v for v, n in Counter(vals).items() if v and n > 1]
        if blank:
            notes.append(f"{c.title} is blank on {len(blank)} row(s)")
            continue
        if dupes:
            notes.append(f"{c.title} repeats values (e.g. '{dupes[0]}')")
            continue
        draft.id_column = c.ref
        draft.id_why = (f"{c.title}: a {draft.tool} id column, filled and unique on all "
                        f"{len(vals)} rows") + (f" ({'; '.join(notes)})" if notes else "")
        return
    draft.id_why = ("no id column (none named like Respondent ID / ResponseId / id is filled and "
                    "unique" + (f": {'; '.join(notes)}" if notes else "") +
                    "): each respondent is known by its spreadsheet row number; name and e-mail "
                    "columns are never used as ids")


_UNIT_HEADER = re.compile(r"(gemeente|stad|bestuur|municipality|organisatie|organization|commune|lokaal)", re.I)


def _choose_unit(columns: list[Column], meta: dict[int, str], used: set[int], draft: Draft) -> None:
    """The column naming the responding municipality, when its answers are Flemish municipalities."""
    candidates = [c for c in columns if c.index not in used and c.index not in meta and c.head.option is None]
    named = [c for c in candidates if _UNIT_HEADER.search(c.head.label or c.head.name)]
    others = [c for c in candidates if c not in named]
    for group, how in ((named, "its header names the unit"), (others, "")):
        for c in group:
            share = _unit_share(c.values)
            if share >= 0.6:
                draft.unit_column = c.ref
                draft.unit_why = (f"{c.title}: {share:.0%} of its answers are Flemish municipalities"
                                  + (f"; {how}" if how else ""))
                used.add(c.index)
                return


def _unit_share(values: list[str]) -> float:
    """Share of the answers (first 200) that name a Flemish municipality; cheap to refuse."""
    vals = [v.strip() for v in values if not is_blank(v)][:200]
    distinct = list(dict.fromkeys(vals))
    if len(distinct) < 3 or any(len(v) > 60 for v in distinct[:50]) \
            or all(parse_number(v) is not None for v in distinct[:50]):
        return 0.0
    known = {v: match_unit(v).municipality is not None for v in distinct[:8]}
    if sum(known.values()) < 0.5 * len(known):
        return 0.0
    for v in distinct[8:]:
        known[v] = match_unit(v).municipality is not None
    return sum(known[v] for v in vals) / len(vals)


_QUALTRICS_STATUS_OUT = ["Survey Preview", "Survey Test", "Spam", "Preview Spam", "Offline Survey Preview",
                         "1", "2", "8", "9", "17"]


def _propose_filters(columns: list[Column], data: list[list[str]], draft: Draft) -> None:
    """``include`` rules where the tool marks responses that should not count."""
    def find(*keys: str) -> Column | None:
        for c in columns:
            ks = {_key(c.head.name), _key(c.head.label), _key(_limesurvey_code(c.head.name) or "")}
            if ks & set(keys):
                return c
        return None

    rules: list[tuple[dict[str, Any], list[str]]] = []
    if draft.tool == "qualtrics":
        fin = find("finished")
        if fin is not None:
            rules.append(({"column": fin.ref, "in": ["1", "True"],
                           "why": "niet afgewerkt (Finished is niet 1/True)"},
                          ["Qualtrics marks responses that were not completed with Finished = 0 / False:",
                           "only finished responses count."]))
        status = find("status", "responsetype")
        if status is not None:
            rules.append(({"column": status.ref, "not_in": list(_QUALTRICS_STATUS_OUT),
                           "why": "voorbeeld-, test- of spamantwoord (Status)"},
                          ["Qualtrics Status (Response Type): previews (1), tests (2) and spam (8, 9) are "
                           "no respondents."]))
    elif draft.tool == "limesurvey":
        sub = find("submitdate", "datesubmitted")
        if sub is not None:
            rules.append(({"column": sub.ref, "filled": True, "why": "niet ingediend (submitdate is leeg)"},
                          ["LimeSurvey leaves submitdate blank for responses that were never submitted",
                           "(the respondent stopped before the last page): only submitted ones count."]))
    elif draft.tool == "typeform":
        kind = find("responsetype")
        if kind is not None and any(_norm(v) == "completed" for v in kind.values):
            rules.append(({"column": kind.ref, "in": ["completed"], "why": "onvolledig (Response Type is partial)"},
                          ["Typeform marks responses left half-way as partial: only completed ones count."]))
    elif draft.tool == "surveygizmo":
        status = find("status")
        if status is not None and any(_norm(v) == "complete" for v in status.values):
            rules.append(({"column": status.ref, "in": ["Complete"], "why": "onvolledig (Status is niet Complete)"},
                          ["SurveyGizmo/Alchemer marks responses left half-way as Partial (and tests as",
                           "Test, Disqualified): only Complete responses count."]))
    left = list(range(len(data)))
    for rule, why in rules:
        c = next(c for c in columns if c.ref == rule["column"])
        out = [i for i in left if not _rule_keeps(rule, c.values[i])]
        left = [i for i in left if i not in set(out)]
        why.append(f"In this file it leaves out {len(out)} of {len(data)} responses. To count them "
                   "too, delete this rule (or put # before its lines).")
        draft.include.append((rule, why))
    draft.kept = len(left)


def _rule_keeps(rule: dict[str, Any], cell: str) -> bool:
    if "filled" in rule:
        return bool(cell.strip()) == bool(rule["filled"])
    if "in" in rule:
        return option_key(cell) in {option_key(v) for v in rule["in"]}
    return option_key(cell) not in {option_key(v) for v in rule["not_in"]}


# --- questions --------------------------------------------------------------------------------

def _draft_questions(columns: list[Column], used: set[int], draft: Draft) -> None:
    taken: set[str] = set()
    i = 0
    free = [c for c in columns if c.index not in used]
    while i < len(free):
        c = free[i]
        group = [c]
        if c.group:
            while i + len(group) < len(free) and free[i + len(group)].group == c.group \
                    and free[i + len(group)].index == group[-1].index + 1:
                group.append(free[i + len(group)])
        i += len(group)
        for drafted in _draft_group(group, draft, taken):
            draft.questions.append(drafted)


def _draft_group(group: list[Column], draft: Draft, taken: set[str]) -> Iterable[Drafted]:
    """Questions from columns that share a question stem (or from one column)."""
    answered = [c for c in group if c.answers()]
    if not answered:
        draft.left_out += [(c.title, "no answers in this export") for c in group]
        return
    others = [c for c in answered if len(group) > 1 and _is_other_text(c) and _distinct(c) > 1]
    options = [c for c in group if c not in others]
    drafted: list[Drafted | None] = []
    if len(options) >= 2 and all(_checkbox_column(c) for c in options):
        # A column per option; an option nobody chose is still an option.
        drafted += [_multi_columns(part, draft, taken) for part in _split_checkbox_grid(options)]
        members = []
    else:
        members = [c for c in answered if c not in others]
        # Neighbours that each hold their own option are a checkbox question even when the
        # group holds other columns too (an odd cell in the first option, a follow-up question).
        for run in _own_option_runs(members):
            drafted.append(_multi_columns(run, draft, taken))
            members = [c for c in members if c not in run]
        draft.left_out += [(c.title, "no answers in this export") for c in group if not c.answers()]
    # A grid of statements: one question per statement, sharing the scale (or options)
    # found in all of them.
    pool = [v for c in members for v in c.answers()] if len(members) > 1 else None
    for c in members:
        label = _grid_label(c) if len(members) > 1 else _stem_label(c)
        drafted.append(_single_column(c, draft, taken, label=label, pool=pool, grid=pool is not None))
    for c in others:
        drafted.append(_single_column(c, draft, taken, label=_grid_label(c),
                                      why_prefix="free text of the question's 'other' option: "))
    yield from sorted((d for d in drafted if d is not None), key=lambda d: d.columns[0].index)


def _own_option_runs(columns: list[Column]) -> list[list[Column]]:
    """Runs of two or more adjacent columns that each hold only their own option."""
    runs: list[list[Column]] = []
    current: list[Column] = []
    for c in columns:
        if _own_option(c) is not None and (not current or c.index == current[-1].index + 1):
            current.append(c)
            continue
        if len(current) >= 2:
            runs.append(current)
        current = [c] if _own_option(c) is not None else []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _stem_label(c: Column) -> str:
    """A question alone in its group (beside its 'other' text): the question's own text."""
    return " ".join((c.stem or c.head.label or c.head.name).split())


def _grid_label(c: Column) -> str:
    stem, item = " ".join(c.stem.split()), " ".join(c.item.split())
    if stem and item:
        return f"{stem} - {item}"
    return " ".join((c.head.label or c.head.name).split())


def _is_other_text(c: Column) -> bool:
    return bool(_OTHER_TEXT.search(c.item or "")) or c.head.name.upper().endswith("_TEXT")


def _distinct(c: Column) -> int:
    return len({option_key(v) for v in c.answers()})


def _checkbox_column(c: Column) -> bool:
    """A column per option: chosen cells hold one mark (the option, 1, x, its code), or
    several ways of writing a tick ('x', 'X', 'Y') in a sheet kept by hand."""
    chosen = {option_key(v) for v in c.answers()} - _NOT_CHOSEN
    marks = _CHOSEN | {option_key(c.item), option_key(c.head.option or "")}
    if len(chosen) > 1:
        return chosen <= marks
    if not chosen:
        return True
    v = next(iter(chosen))
    return v in marks or bool(re.fullmatch(r"\d{1,3}", v)) or bool(c.item)


def _split_checkbox_grid(members: list[Column]) -> list[list[Column]]:
    """'Statement - Yes', 'Statement - No' ... option columns of a matrix: one multi per statement."""
    heads = [re.match(r"^(.+?) - (.+)$", c.item or "") for c in members]
    prefixes = Counter(m.group(1) for m in heads if m)
    if sum(prefixes.values()) >= 0.8 * len(members) and any(n > 1 for n in prefixes.values()):
        parts: dict[str, list[Column]] = {}
        for c, m in zip(members, heads):
            key = m.group(1) if m and prefixes[m.group(1)] > 1 else c.item or c.head.name
            parts.setdefault(key, []).append(c)
        return list(parts.values())
    return [members]


def _multi_columns(cols: list[Column], draft: Draft, taken: set[str]) -> Drafted:
    stem = " ".join(cols[0].stem.split())
    common = re.match(r"^(.+?) - ", cols[0].item or "")
    if common and all((c.item or "").startswith(common.group(0)) for c in cols):
        stem = f"{stem} - {common.group(1)}"
        options = [c.item[len(common.group(0)):] for c in cols]
    else:
        options = [c.item or c.head.option or c.head.name for c in cols]
    options = _unique_labels(options)
    values = sorted({option_key(v) for c in cols for v in c.answers()})
    q: dict[str, Any] = {"id": _slug(stem, taken), "label": stem, "type": "multi",
                         "columns": {o: c.ref for o, c in zip(options, cols)}}
    why = [f"multi (checkbox): {len(cols)} columns, one per option, each holding one mark when chosen "
           f"({', '.join(repr(v) for v in values[:6])}{', ...' if len(values) > 6 else ''})"]
    # SurveyMonkey's numeric export gives each option column its own code, and "Don't know"
    # is often code 0: by default ingest reads a 0 as "not chosen", so say every filled cell counts.
    codes = [{option_key(v) for v in c.answers()} for c in cols]
    own_codes = [next(iter(vals)) for vals in codes if len(vals) == 1]
    any_cell = "0" in own_codes and len(own_codes) == sum(1 for vals in codes if vals) and \
        len(set(own_codes)) == len(own_codes) and len(own_codes) >= 2
    if any_cell:
        q["chosen"] = "any"
        why.append("each option column holds its own code, one of them 0: every filled cell counts as chosen "
                   "(chosen: any)")
    elif any("0" in vals for vals in codes):
        why.append("a cell '0' counts as not chosen")
    if draft.tool == "surveymonkey" or (draft.tool == "spreadsheet" and draft.header_rows >= 2):
        one = _one_of_columns(q, cols, options, stem, any_cell)
        if one is not None:
            q, why = one[0], one[1] + why[1:]
    return Drafted(q, why, cols)


_ONE = re.compile(r"\((select|choose|pick|kies|selecteer|duid)( er)? (one|1|één|een)( option)?\)|\bselect one\b", re.I)


def _one_of_columns(q: dict[str, Any], cols: list[Column], options: list[str], stem: str, any_cell: bool
                    ) -> tuple[dict[str, Any], list[str]] | None:
    """SurveyMonkey's expanded export writes a select-one question or a scale as a column per
    option too: when no respondent chose two and the question does not say 'select all', it is
    a single question (a likert one when the options are a known scale), read from the columns."""
    if _MANY.search(stem):
        return None

    def chosen(v: str, option: str) -> bool:
        v = v.strip()
        return bool(v) and (any_cell or option_key(v) not in _NOT_CHOSEN or option_key(v) == option_key(option))

    rows = len(cols[0].values)
    per_row = [sum(chosen(c.values[r], o) for c, o in zip(cols, options)) for r in range(rows)]
    answered = sum(1 for n in per_row if n)
    if not answered or max(per_row) > 1 or (answered < 10 and not _ONE.search(stem)):
        return None
    by_option = dict(zip(options, cols))
    scale = match_scale(options, answers=answered)
    numbered = _numbered_scale(options) if scale is None else None
    out: dict[str, Any] = {"id": q["id"], "label": q["label"]}
    if scale is not None or numbered is not None:
        points, extra = (scale[1], scale[2]) if scale is not None else numbered  # type: ignore[misc]
        ordered = [o for o in points if o in by_option] + [o for o in options if o not in points]
        extra = [o for o in ordered if o in extra or _outside_scale(o)]
        if len(ordered) - len(extra) < 2:
            return None
        out.update(type="likert", columns={o: by_option[o].ref for o in ordered})
        if extra:
            out.update(extra_options=extra, exclude_from_base=list(extra))
        name = _scale_title(scale[0]) if scale is not None else "numbered"
        why = [f"likert: a column per scale point ({name} scale), and no respondent chose two: "
               f"one answer per respondent, in scale order"]
    else:
        out.update(type="single", columns=dict(q["columns"]))
        why = [f"single: a column per option ({len(cols)}), and none of the {answered} respondents who "
               "answered chose two: one answer each (make it multi if the question allowed several)"]
    if any_cell:
        out["chosen"] = "any"
    return out, why


def _unique_labels(options: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for o in options:
        o = " ".join(str(o).split()) or "optie"
        seen[option_key(o)] += 1
        out.append(o if seen[option_key(o)] == 1 else f"{o} ({seen[option_key(o)]})")
    return out


def _id_source(c: Column, label: str) -> str:
    tag = c.head.name.strip()
    if tag and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]{1,40}", tag) and not re.fullmatch(r"(?i)q\d+(_\d+)*", tag) \
            and c.head.label != c.head.name:
        return tag  # a Qualtrics export tag someone chose: vaccDanger_1
    if c.item and len(c.item) > 3 and label.endswith(c.item) and not _OTHER_TEXT.search(c.item):
        return c.item  # a grid statement: its own words tell the items apart
    return label


def _single_column(c: Column, draft: Draft, taken: set[str], label: str | None = None,
                   pool: list[str] | None = None, grid: bool = False, why_prefix: str = "") -> Drafted | None:
    label = label or " ".join((c.head.label or c.head.name).split()) or f"kolom {c.position}"
    kind, details, why = classify(c.answers(), c.text, pool=pool, grid=grid,
                                  separators=separators_for(draft.tool))
    if kind == "skip":
        draft.left_out.append((c.title, why[0]))
        return None
    q: dict[str, Any] = {"id": _slug(_id_source(c, label), taken), "label": label, "type": kind,
                         "column": c.ref}
    q.update(details)
    if isinstance(c.ref, dict):
        why.append(f"the column has {'no header' if not c.head.name.strip() else 'a repeated header'}: "
                   f"referred to by position {c.position}")
    return Drafted(q, [why_prefix + why[0]] + why[1:], [c])


# --- one column's answers ----------------------------------------------------------------------

def classify(values: list[str], header: str = "", pool: list[str] | None = None,
             grid: bool = False, separators: Sequence[str] = SEPARATORS) -> tuple[str, dict[str, Any], list[str]]:
    """(type, schema keys, reasons) for one column's non-blank answers.

    ``pool`` holds the answers of every statement of a grid, so a statement nobody
    rated "helemaal oneens" still gets the whole scale."""
    n = len(values)
    spelled: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for v in values:
        k = option_key(v)
        spelled.setdefault(k, v)
        counts[k] += 1
    distinct = len(counts)
    seen = [spelled[k] for k in counts]
    all_seen = list(dict.fromkeys(seen + [v for v in (pool or [])]))

    scale = match_scale(all_seen, n + len(pool or []))
    if scale is not None:
        name, options, extra = scale
        extra = [x for x in extra if option_key(x) in counts] + [x for x in extra if option_key(x) not in counts]
        extra = [x for x in extra if option_key(x) in {option_key(v) for v in all_seen}]
        details: dict[str, Any] = {"options": options}
        if extra:
            details.update(extra_options=extra, exclude_from_base=list(extra))
        why = [f"likert: the answers fit the {_scale_title(name)} scale; options in scale order"
               f" ({len([o for o in options if option_key(o) in counts])} of {len(options)} points seen)"]
        if extra:
            why.append(f"{', '.join(extra)}: outside the scale, counted but left out of the base")
        return "likert", details, why

    numbered = _numbered_scale(all_seen)
    if numbered is not None:
        options, extra = numbered
        details = {"options": options}
        if extra:
            details.update(extra_options=extra, exclude_from_base=list(extra))
        return "likert", details, [f"likert: numbered scale points ({options[0]} ... {options[-1]}), in number order"]

    numbers = [parse_number(v) for v in values]
    if all(x is not None for x in numbers):
        return _numeric(values, [x for x in numbers if x is not None], header, pool, grid, counts, spelled)

    sep = detect_separator(values, separators, header)
    if sep is not None:
        separator, options, other = sep
        details = {"separator": separator, "options": options}
        why = [f"multi (one cell): answers hold several options joined by {separator!r}; "
               f"{len(options)} options recur across respondents"]
        if other:
            why.append(f"{len(other)} other value(s) that are no option (e.g. {other[0]!r}) will be counted "
                       f"as 'Anders' and listed in a warning at ingest")
        joined = [o for o in options if separator.strip() in o]
        if joined:
            why.append(f"option(s) holding the separator itself: {', '.join(repr(o) for o in joined)}")
        return "multi", details, why

    if all(_DATE.match(v) for v in values):
        return "skip", {}, ["every answer is a date or time (no question type counts dates)"]

    if _is_choice(counts, spelled, n):
        if pool:  # a grid's statements share their options
            pool_counts: Counter[str] = Counter()
            for v in pool:
                k = option_key(v)
                spelled.setdefault(k, v)
                pool_counts[k] += 1
            if _is_choice(pool_counts, spelled, len(pool)):
                counts = pool_counts
                distinct = len(counts)
        long_values = any(len(spelled[k]) > LONG_TEXT or "\n" in spelled[k] for k in counts)
        options = _order_choices(counts, spelled)
        why = [f"single: {distinct} distinct answers, repeated across {n} respondents"
               + (" (long option texts, but the same few recur: a choice)" if long_values else "")]
        nonans = [o for o in options if _outside_scale(o)]
        if nonans:
            why.append(f"{', '.join(nonans)}: kept as options in the base; add exclude_from_base to leave them out")
        return "single", {"options": options}, why
    return "open", {}, [f"open: {distinct} distinct answers out of {n}, most of them given once"]


# What respondents type into an open question when they have nothing to say: recurring, but
# no evidence of a choice ("nvt" 100 times beside 20 typed answers is an open question).
# The cleaning's non-answer test (textmine.nonanswers), with the English and French
# fillers exports also hold.
_FILLER_KEYS = non_answer_keys((*DEFAULT_NON_ANSWERS, "no", "none", "nothing", "nope", "rien", "non",
                                "aucun", "aucune", "no comment", "no comments"))


def _is_choice(counts: Counter[str], spelled: dict[str, str], n: int) -> bool:
    """A few answers that recur: a choice, even when the options are long sentences.
    Non-answers and fillers do not count as recurring answers."""
    said = {k: c for k, c in counts.items()
            if not (_outside_scale(spelled[k]) or said_nothing(spelled[k], _FILLER_KEYS))}
    if said and len(said) < len(counts):
        return _is_choice(said, spelled, sum(said.values()))
    distinct = len(counts)
    if any("\n" in spelled[k] for k in counts):
        return False  # no survey tool writes an option over two lines: typed text
    repeated = sum(k_n for k_n in counts.values() if k_n >= 2)
    choice = distinct <= MAX_CHOICES and distinct <= max(2, n // 2) and repeated >= 0.7 * n
    long_values = any(len(spelled[k]) > LONG_TEXT or "\n" in spelled[k] for k in counts)
    if long_values and choice and n / distinct < 2.5:
        return False
    return choice


def _numeric(values: list[str], numbers: list[float], header: str, pool: list[str] | None, grid: bool,
             counts: Counter[str], spelled: dict[str, str]) -> tuple[str, dict[str, Any], list[str]]:
    pool_numbers = [parse_number(v) for v in pool] if pool else []
    all_numbers = numbers + [x for x in pool_numbers if x is not None]
    integers = all(float(x).is_integer() for x in all_numbers)
    lo, hi = min(all_numbers), max(all_numbers)
    header_range = _header_range(header)
    scale_word = _SCALE_WORD.search(header or "")
    if integers and len(counts) <= 2 and not header_range and not (scale_word and grid):
        return "single", {"options": [spelled[k] for k in sorted(counts, key=lambda k: parse_number(k) or 0)]}, \
            [f"single: only the codes {' and '.join(spelled[k] for k in counts)} (a yes/no or two-way choice "
             "coded as numbers)"]
    if integers and lo >= 0 and hi <= 10:
        if header_range and header_range[0] <= lo and hi <= header_range[1]:
            a, b = header_range
            if scale_word and b - a <= 9 and not re.search(r"\b(invloed|influence|score|punten|points)\b", header, re.I):
                return _coded_likert(a, b, counts, spelled, f"the header gives the range {a}-{b} of a "
                                     f"'{scale_word.group(0)}' question")
            return "numeric", {"min": a, "max": b}, [f"numeric: whole numbers, the header gives the scale {a}-{b}"]
        if scale_word and (hi - lo) <= 9 and hi >= 3:
            a = 0 if lo == 0 else 1
            b = next(s for s in (4, 5, 7, 9, 10) if s >= hi)
            if b - a <= 9:
                return _coded_likert(a, b, counts, spelled, f"'{scale_word.group(0)}' in the question and codes "
                                     f"{int(lo)}-{int(hi)}")
        if grid and hi >= 3 and lo >= 0 and hi <= 7:
            a = 0 if lo == 0 else 1
            b = next(s for s in (4, 5, 7) if s >= hi)
            return _coded_likert(a, b, counts, spelled, f"a grid of statements coded {int(lo)}-{int(hi)}")
    if (integers and not header_range and -1 <= lo and hi <= 12 and len(counts) <= 12
            and len(numbers) >= 3 * len(counts) and not _QUANTITY.search(header or "")):
        options = [spelled[k] for k in sorted(counts, key=lambda k: parse_number(k) or 0)]
        return "single", {"options": options}, [
            f"single: whole-number codes {options[0]}-{options[-1]} and a question that asks no quantity: "
            "a choice exported as numbers (its labels are not in the export; make it numeric if the "
            "numbers are amounts)"]
    rng = f"{lo:g} to {hi:g}"
    why = [f"numeric: all {len(numbers)} answers are numbers ({rng})"]
    details: dict[str, Any] = {}
    if header_range and header_range[0] <= lo and hi <= header_range[1]:
        details = {"min": header_range[0], "max": header_range[1]}
        why.append(f"min/max from the header's range {header_range[0]}-{header_range[1]}")
    return "numeric", details, why


def _coded_likert(a: int, b: int, counts: Counter[str], spelled: dict[str, str], because: str
                  ) -> tuple[str, dict[str, Any], list[str]]:
    by_number: dict[int, str] = {}
    for k in counts:
        x = parse_number(k)
        if x is None:
            continue
        if int(x) in by_number:  # '1' and '1.0' both: options cannot hold both
            return "numeric", {"min": a, "max": b}, [f"numeric: scale {a}-{b} written two ways"]
        by_number[int(x)] = spelled[k]
    options = [by_number.get(i, str(i)) for i in range(a, b + 1)]
    return "likert", {"options": options}, [
        f"likert: answer codes {a}-{b} ({because}); the export holds codes, not labels: "
        f"replace the options with the scale's labels if you want them shown"]


def _header_range(header: str) -> tuple[int, int] | None:
    for pattern in (_ENDPOINTS, _RANGE):
        for m in pattern.finditer(header or ""):
            a, b = int(m.group(1)), int(m.group(2))
            if a in (0, 1) and a < b <= 10 and b - a >= 2:
                return a, b
    return None


def _scale_title(name: str) -> str:
    parts = name.split("-")
    points = parts[-1].rstrip("abc")
    return f"{points}-point {parts[0]} ({parts[1]})"


def match_scale(values: Sequence[str], answers: int = 0) -> tuple[str, list[str], list[str]] | None:
    """(scale name, options low to high, answers outside the scale) when every value is a point
    of one known scale or a non-answer, and at least two points are seen.

    The scale with the fewest points nobody chose wins (ties: 5 points first). With few
    answers (``answers`` < 30) an empty middle is no evidence of an even scale."""
    keys = {}
    for v in values:
        keys.setdefault(_norm(v), v)
    extra = [v for k, v in keys.items() if _outside_scale(k)]
    inside = {k: v for k, v in keys.items() if not _outside_scale(k)}
    if len(inside) < 2:
        return None
    best = None
    for order, (name, points) in enumerate(SCALES):
        where = {}
        for k in inside:
            spellings = [{_norm(x) for x in p} for p in points]
            hit = [i for i, p in enumerate(spellings) if k in p]
            if not hit:  # 'Never -- I don't use Shiny': the scale point, then what it means
                head = _SCALE_HEAD.split(k, maxsplit=1)[0].strip()
                hit = [i for i, p in enumerate(spellings) if head != k and head in p]
            if not hit:
                break
            where[k] = hit[0]
        else:
            if len(set(where.values())) != len(where):
                continue  # two answers on one point ('neutraal' and 'geen mening'): not this scale
            unseen = len(points) - len(set(where.values()))
            if len(points) % 2 and answers < 30 and len(points) // 2 not in where.values():
                unseen -= 1
            score = (unseen, order)
            if best is None or score < best[0]:
                best = (score, name, points, where)
    if best is None:
        # "geen mening" may be the neutral point of a scale that has no other neutral answer
        return None
    _, name, points, where = best
    seen_at = {i: inside[k] for k, i in where.items()}
    options = [seen_at.get(i, _canonical(p[0])) for i, p in enumerate(points)]
    return name, options, extra


_SCALE_HEAD = re.compile(r"\s+(?:--|-|\u2013|\u2014)\s+|\s*:\s+|\s*\(")


def _canonical(spelling: str) -> str:
    """A scale point the data never show, written as people write it: first letter capital."""
    return spelling[:1].upper() + spelling[1:]


def _numbered_scale(values: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """'1 (None at all)', '2', ..., '10 (All my time)' or '1 – Extremely critical' ... '5 – Not at all':
    numbers with labels on some points; ordered by the number."""
    by_number: dict[int, str] = {}
    extra = []
    labelled = 0
    for v in dict.fromkeys(values):
        if _outside_scale(v):
            extra.append(v)
            continue
        m = _LABELLED_NUMBER.match(v)
        if not m:
            return None
        n = int(m.group(1))
        if m.group(2):
            if not re.search(r"[^\W\d_]", m.group(2)):
                return None  # '0.4', '1-2': numbers, not a labelled scale point
            labelled += 1
        if n in by_number and option_key(by_number[n]) != option_key(v):
            return None
        by_number[n] = v
    if not labelled or len(by_number) < 2 or max(by_number) > 10:
        return None
    lo = 0 if 0 in by_number else 1
    return [by_number.get(i, str(i)) for i in range(lo, max(by_number) + 1)], extra


def _order_choices(counts: Counter[str], spelled: dict[str, str]) -> list[str]:
    """Yes before no; numbered ranges ('2-50', '51-250') by number; otherwise most chosen first;
    non-answers last."""
    keys = list(counts)
    for pair in _YES_NO:
        if all(_norm(k) in pair or _outside_scale(k) for k in keys) and any(_norm(k) in pair for k in keys):
            main = sorted([k for k in keys if _norm(k) in pair], key=lambda k: pair.index(_norm(k)))
            rest = [k for k in keys if k not in main]
            return [spelled[k] for k in main + rest]
    nonans = [k for k in keys if _outside_scale(k)]
    main = [k for k in keys if k not in nonans]
    numbers = {k: _first_number(spelled[k]) for k in main}
    if sum(x is not None for x in numbers.values()) >= 0.6 * len(main) and len(main) > 2:
        main.sort(key=lambda k: (numbers[k] is None, numbers[k] if numbers[k] is not None else 0, -counts[k]))
    else:
        main.sort(key=lambda k: -counts[k])  # stable: ties keep first appearance
    return [spelled[k] for k in main + nonans]


def _first_number(text: str) -> float | None:
    m = re.search(r"\d[\d.,\u00a0 ]*", text)
    if not m:
        return None
    token = m.group(0).strip().rstrip(".,")
    digits = token.replace(",", "").replace(".", "").replace("\u00a0", "").replace(" ", "")
    return float(digits) if digits.isdigit() else None


# --- checkbox answers in one cell ---------------------------------------------------------

# Question texts that say several answers may be ticked.
_MANY = re.compile(r"\(s\)|\b(select|check|tick|choose|kies|selecteer|duid|vink|cochez|s[ée]lectionnez)\b.{0,20}"
                   r"\b(all|alle|toutes?|tous|meerdere|several|multiple|as many)\b|\ball that apply\b|"
                   r"\bmeerdere (antwoorden|opties|keuzes)\b|\bmultiple (answers|choices)\b|"
                   r"\bplusieurs (r[ée]ponses|choix)\b|\bwhich of the following\b|\bwelke van de volgende\b|"
                   r"\bselecciona todas\b|\btodas las (opciones )?que\b|\balle zutreffenden\b", re.I)


def detect_separator(values: Sequence[str], separators: Sequence[str] = SEPARATORS, header: str = ""
                     ) -> tuple[str, list[str], list[str]] | None:
    """(separator, options in form order, other values) when the cells list several recurring
    options joined by one separator; None for free text or a single choice.

    Options that hold the separator are put back together (``_merge_joined``). A question
    that says several answers are allowed needs less evidence than one that does not
    ('Virginia, USA' in a free-text birthplace is no checkbox)."""
    vals = [v.strip() for v in values if v.strip()]
    if len(vals) < 4:
        return None
    many = bool(_MANY.search(header or ""))
    # A question that says 'check all that apply' needs two cells with several options
    # (Qualtrics 'Gender (Check all that apply)': 2 of 141 respondents ticked two).
    share = 0.01 if many else 0.1
    # Every separator the cells bear out is a candidate; the one that finds the most cells
    # holding several options wins ('No, I don't isolate' holds ', ' but ';' joins the options).
    best: tuple[int, str, list[str], list[str]] | None = None
    for sep in separators:
        token = sep.strip()
        with_sep = [v for v in vals if token in v.rstrip(token)]
        if sep == "," and sum(1 for v in vals if re.search(r",\S", v.rstrip(","))) < 2:
            continue  # every comma is followed by a space: ", " was the separator to try
        # Microsoft Forms ends every answer of a multiple-answer question with ';' ('industry;'):
        # that alone says checkbox, even when most respondents chose one option.
        signed = sep == ";" and sum(1 for v in vals if v.endswith(";")) >= 0.8 * len(vals)
        if not signed and (len(with_sep) < 2 or (len(with_sep) < share * len(vals) and
                                                 not _only_combinations(vals, sep))):
            continue
        cells = _merge_joined([_split_cell(v, sep) for v in vals], vals, sep)
        pieces = Counter(p for cell in cells for p in dict.fromkeys(cell))
        total = sum(pieces.values())
        # An option recurs; in a large export an 'other' text typed by two people does not make
        # it one (R community survey 2019: 1,783 answers, 'GitLab' twice).
        least = max(2, -(-len(vals) * 5 // 1000))
        recurring = {p for p, n in pieces.items() if n >= least}
        covered = sum(n for p, n in pieces.items() if p in recurring)
        several = sum(1 for cell in cells if len([p for p in cell if p in recurring]) >= 2)
        # Two or more cells that only combine answers others gave alone ('2;3' beside '2' and '3'):
        # a checkbox question, however few ticked two. Not for ', ' (free text has commas).
        alone = {cell[0] for cell in cells if len(cell) == 1}
        combined = [cell for cell in cells if len(cell) >= 2]
        combos = sep != ", " and len(combined) >= 2 and all(all(p in alone for p in cell) for cell in combined)
        if len(recurring) < (1 if signed else 2) or covered < (0.6 if many or signed else 0.8) * total \
                or (several < max(2, share * len(vals)) and not signed and not combos):
            continue
        if len(recurring) > 40 or any(len(p) > 150 for p in recurring):
            continue
        # Free text split on commas gives pieces that recur by chance, several unique ones per
        # cell; a checkbox cell holds options plus at most one 'other' text.
        messy = sum(1 for cell in cells if sum(p not in recurring for p in cell) >= 2)
        with_other = sum(1 for cell in cells if any(p not in recurring for p in cell))
        if messy > (0.1 if many or signed else 0.05) * len(cells) or \
                (not many and not signed and with_other > 0.25 * len(cells)):
            continue
        options = _form_order([[p for p in cell if p in recurring] for cell in cells])
        spelled = {}
        for o in options:
            spelled.setdefault(option_key(o), o)
        options = list(spelled.values())
        other = sorted({p for p in pieces if p not in recurring})
        if best is None or several > best[0]:
            best = (several, sep, options, other)
    return best[1:] if best is not None else None


def _only_combinations(vals: list[str], sep: str) -> bool:
    """Every cell that holds the separator joins answers that other cells hold alone."""
    if sep == ", ":
        return False
    alone = {option_key(v) for v in vals if sep.strip() not in v.rstrip(sep.strip())}
    joined = [_split_cell(v, sep) for v in vals if sep.strip() in v.rstrip(sep.strip())]
    return len(joined) >= 2 and all(all(option_key(p) in alone for p in cell) for cell in joined)


def _split_cell(cell: str, sep: str) -> list[str]:
    """Pieces of a cell; never between digits ('10,000') and never inside brackets. A tool that
    joins with a bare ',' (Qualtrics) leaves ', ' inside an option ('Music, songs, movies')."""
    parts = re.split(r"(?<!\d),(?!\s)|,(?![\d\s])", cell) if sep == "," else cell.split(sep)
    out: list[str] = []
    for part in parts:
        if out and out[-1].count("(") > out[-1].count(")"):
            out[-1] = f"{out[-1]}{sep}{part}"
        else:
            out.append(part)
    return [p.strip() for p in out if p.strip()]


def _merge_joined(cells: list[list[str]], vals: list[str], sep: str) -> list[list[str]]:
    """Put back together options that hold the separator ('Nieuwsbrief, digitaal en op papier',
    'No, but planning one'): a piece that never starts a cell, always follows the same piece
    and does not start like an option (no capital letter) continues that piece."""
    for _ in range(5):  # an option may hold the separator more than once
        before: dict[str, Counter[str]] = {}
        for cell in cells:
            for i, p in enumerate(cell):
                before.setdefault(p, Counter())[cell[i - 1] if i else ""] += 1
        joins = {}
        for p, prev in before.items():
            if len(prev) == 1 and "" not in prev and not p[:1].isupper() and sum(prev.values()) >= 2:
                joins[p] = next(iter(prev))
        if not joins:
            return cells
        merged = []
        for cell in cells:
            out: list[str] = []
            for p in cell:
                if p in joins and out and out[-1] == joins[p]:
                    out[-1] = _as_written(out[-1], p, sep, vals)
                else:
                    out.append(p)
            merged.append(out)
        cells = merged
    return cells


def _as_written(first: str, second: str, sep: str, vals: list[str]) -> str:
    """'first' + separator + 'second' spelled as the cells spell it (spaces after a comma)."""
    pattern = re.compile(re.escape(first) + r"\s*" + re.escape(sep.strip()) + r"\s*" + re.escape(second))
    for v in vals:
        m = pattern.search(v)
        if m:
            return m.group(0)
    return f"{first}{sep}{second}"


def _form_order(cells: list[list[str]]) -> list[str]:
    """Options in the order the form lists them: tools join chosen options in form order, so
    an option that more often comes before the others comes first."""
    options = list(dict.fromkeys(p for cell in cells for p in cell))
    before: Counter[tuple[str, str]] = Counter()
    for cell in cells:
        for i, a in enumerate(cell):
            for b in cell[i + 1:]:
                before[(a, b)] += 1
    score = {o: sum(before[(o, x)] - before[(x, o)] for x in options if x != o) for o in options}
    return sorted(options, key=lambda o: -score[o])  # stable: ties keep first appearance


# --- names ---------------------------------------------------------------------------------

_STOP = {"de", "het", "een", "van", "uw", "u", "en", "in", "op", "is", "er", "wat", "welke", "hoe", "bent",
         "the", "a", "an", "of", "your", "you", "do", "does", "is", "are", "what", "which", "how", "to", "and",
         "in", "le", "la", "les", "des", "du", "votre", "vous", "quel", "quelle", "et", "est", "q", "te", "met",
         "heeft", "voor", "over", "this", "that", "have", "has", "for", "with", "on", "at", "by", "please",
         "indicate", "following", "volgende"}


def _slug(text: str, taken: set[str]) -> str:
    slug = make_slug(text, taken, stop=_STOP, fallback="vraag", digit_prefix="q_", max_length=40,
                     keep_stop_words=False)
    taken.add(slug)
    return slug


# --- YAML ------------------------------------------------------------------------------------

_NON_PRINTABLE = re.compile("[^\x09\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _comment_text(text: str) -> str:
    """One comment line's text: no line breaks (YAML counts \\x85 and \\u2028 too), nothing unprintable."""
    text = " ".join(str(text).replace("\x85", " ").replace("\u2028", " ").replace("\u2029", " ").split())
    return _NON_PRINTABLE.sub("?", text)


def _comments(lines: Iterable[str], indent: str = "") -> list[str]:
    out = []
    for line in lines:
        text = _comment_text(line)
        while len(text) > 110:
            cut = text.rfind(" ", 40, 110)
            cut = cut if cut > 0 else 110
            out.append(f"{indent}# {text[:cut]}")
            text = text[cut:].lstrip()
        out.append(f"{indent}# {text}" if text else f"{indent}#")
    return out


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes a text holding a line break in double quotes ("a\\nb"), on one line."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = '"' if any(ch in data for ch in "\n\r\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(value: Any) -> str:
    """A YAML fragment for any value, always via a safe dumper: quoting is never ours to get wrong.

    PyYAML writes U+0085 (NEL) raw with allow_unicode and then reads it as a line break:
    such values are written with escapes instead."""
    options = dict(Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=100)
    text = yaml.dump(value, allow_unicode=True, **options)
    if yaml.safe_load(text) != value:
        text = yaml.dump(value, allow_unicode=False, **options)
    return text


def render_yaml(draft: Draft) -> str:
    """The draft as YAML with comments saying what was guessed and why."""
    lines = _comments([
        f"Draft schema written by 'textmine schema infer' from {draft.source}.",
        "Everything below is a guess: check it before you ingest (types, option order, labels),",
        "and add 'population:' (the units in the population) when you know it.",
    ])
    lines += _comments([f"Layout: {draft.tool} ({draft.tool_why}); header rows: {draft.header_rows} "
                        f"({draft.header_why}); {draft.responses} responses in the export."])
    lines.append(_dump({"survey": draft.survey}).rstrip("\n"))
    if draft.header_rows != 1:
        lines += _comments([f"rows 1-{draft.header_rows} are header rows; answers start on row {draft.header_rows + 1}"])
        lines.append(_dump({"header_rows": draft.header_rows}).rstrip("\n"))
    lines += _comments([f"id column: {draft.id_why}"])
    if draft.id_column is not None:
        lines.append(_dump({"id_column": draft.id_column}).rstrip("\n"))
    if draft.unit_column is not None:
        lines += _comments([f"unit column: {draft.unit_why}"])
        lines.append(_dump({"unit_column": draft.unit_column}).rstrip("\n"))
    if draft.include:
        lines += _comments(["Response filters: a response counts only if it meets every rule below."])
        lines.append("include:")
        for rule, why in draft.include:
            lines += _comments(why, "  ")
            lines += _indent_item(_dump([rule]))
        lines += _comments([f"{draft.kept} of {draft.responses} responses are kept by these rules."])
    lines.append("questions:")
    for q in draft.questions:
        lines += _comments([f"{q.columns[0].title}" + (f" ... {q.columns[-1].title}" if len(q.columns) > 1 else "")
                            + ": " + q.why[0]] + q.why[1:], "  ")
        lines += _indent_item(_dump([q.question]))
    if draft.left_out:
        lines += _comments(["Columns left out (metadata and personal data are never questions):"])
        lines += _comments([f"- {title}: {why}" for title, why in draft.left_out])
    if draft.warnings:
        lines += _comments(["Warnings:"] + [f"- {w}" for w in draft.warnings])
    text = "\n".join(lines) + "\n"
    check = yaml.safe_load(text)
    if check != draft.to_dict():  # the comments and layout must never change what the YAML says
        raise AssertionError("draft YAML does not read back as the draft")
    return text


def _indent_item(fragment: str) -> list[str]:
    return ["  " + line if line else line for line in fragment.rstrip("\n").split("\n")]
