"""REFI-QDA project export (.qdpx): the coded answers for NVivo, ATLAS.ti, MAXQDA, QualCoder.

A .qdpx is a zip with ``project.qde`` (XML, ``urn:QDA-XML:project:1.0``) and a
``sources/`` folder. The export holds:

- one ``Case`` per respondent (a municipality in a survey wave) with the
  closed answers as case variables: single and Likert questions as Text,
  numeric questions as Integer (when every answer is a whole number) or
  Float, each option of a multiple-choice question as a Boolean; plus the
  respondent's municipality, province, size class, NIS code, survey and wave;
- one ``TextSource`` per open answer (``sources/<guid>.txt``, UTF-8, line
  endings normalised to ``\\n``), linked to its case by a ``SourceRef``;
- per answer and coder one ``PlainTextSelection`` over the whole answer
  (positions in characters) with a ``Coding`` per theme that applies;
- the ``CodeBook``: one parent code per open question (not codable) with the
  question's themes beneath, GUIDs shared with the .qdc export (``qdc.code_guid``);
- per source the variables ``vraag`` (survey.question) and ``hoofdthema``: the
  answer's main theme as textmine counts it (``codes.current_themes``, as the
  report and the catalogue show it);
- ``Users``: each human coder by the name the store has, each machine coder as
  "textmine (machine: <coder>)". Machine codes are left out for answers that
  have human codes: textmine's rule is that human codes win, and the export
  shows what textmine counts.

The text is the raw answer by default (staff open it in their own QDA tool,
and QDA users expect the words as written); ``redacted=True`` uses the
redacted text of the cleaning step instead. All GUIDs are uuid5 of stable
keys and the zip entries have fixed times, so exporting an unchanged project
twice gives identical bytes.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .version import __version__
from .atomic import atomic_path
from .codebook import Codebook
from .errors import InputError
from .qdc import add_code_tree, code_guid
from .store import Store, WaveInfo
from .units import plain_respondent_id, respondent_name

NAMESPACE = "urn:QDA-XML:project:1.0"
SOURCES_DIR = "sources"
MACHINE_USER = "textmine (machine: {coder})"
# Fixed namespace for the project's GUIDs: uuid5(NAMESPACE_URL, "urn:textmine:project").
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:textmine:project")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold: no clock in the bytes
# Colours for the themes of a question (Tableau 10): QDA tools show codes in them.
_PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
            "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC")
# Respondent facts every case carries, as (variable name, respondents column).
_META = (("bevraging", "survey", "Bevraging (vragenlijst)"), ("golf", "wave", "Golf van de bevraging"),
         ("respondent", "respondent_id", "Respondent-id in de export"),
         ("gemeente", "municipality", "Gemeente of bestuur"), ("provincie", "province", "Provincie"),
         ("grootteklasse", "size_class", "Grootteklasse van de gemeente"), ("NIS-code", "nis", "NIS-code"))
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ProgressFn = Callable[[int, int], None]


def guid(*key: object) -> str:
    """Stable GUID of a project element from its key parts."""
    return str(uuid.uuid5(_GUID_NAMESPACE, "/".join(str(k) for k in key)))


@dataclass
class QdpxReport:
    """What a REFI-QDA project export holds: counts of cases, sources, codings and variables,
    and notes for the user."""

    path: Path
    cases: int = 0
    sources: int = 0
    selections: int = 0
    human_codings: int = 0
    machine_codings: int = 0
    variables: int = 0
    users: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    redacted: bool = False
    # machine codes not exported because a human coded the same answer
    machine_left_out: int = 0
    notes: list[str] = field(default_factory=list)


def export_qdpx(store: Store, out: str | Path, *, survey: str | None = None, wave: str | None = None,
                redacted: bool = False, settings: Any = None,
                progress: ProgressFn | None = None, prepare: bool = False) -> QdpxReport:
    """Write the project (or one survey / wave of it) as a REFI-QDA project file.

    ``redacted``: use the cleaning step's redacted text (``settings`` are its
    NlpSettings, ``progress`` its callback). Writes nothing to the store: answers
    not cleaned yet are an InputError naming the command that cleans them, unless
    ``prepare`` (then they are cleaned first, announced on stderr). The codes are
    exported as they are: this export never codes.
    """
    out = Path(out)
    waves = check_export(store, out, survey=survey, wave=wave)
    qde, files, report = build_project(store, waves, redacted=redacted, settings=settings, progress=progress,
                                       prepare=prepare)
    report.path = out
    _write_zip(out, qde, files)
    return report


def check_export(store: Store, out: str | Path, *, survey: str | None = None,
                 wave: str | None = None) -> list[WaveInfo]:
    """The waves an export would hold; InputError for a bad target or selection."""
    out = Path(out)
    if out.suffix.lower() != ".qdpx":
        raise InputError("the REFI-QDA project file must end in .qdpx", file=out)
    if not out.parent.is_dir():
        raise InputError("the folder to write into does not exist", file=out.parent)
    waves = store.waves(survey, wave)
    if not waves:
        what = " ".join(x for x in (survey, wave) if x)
        raise InputError(f"no wave {what} in the project" if what else "the project has no waves",
                         file=store.dir)
    return waves


# --- building the project ------------------------------------------------------------

def build_project(store: Store, waves: list[WaveInfo], *, redacted: bool = False, settings: Any = None,
                  progress: ProgressFn | None = None, prepare: bool = False
                  ) -> tuple[bytes, dict[str, bytes], QdpxReport]:
    """``project.qde`` as bytes, the source files by zip path, and what went in."""
    from .questions import resolve_codebook

    report = QdpxReport(Path(), redacted=redacted)
    surveys = sorted({w.survey for w in waves})
    several = len(surveys) > 1
    texts = _answer_texts(store, waves, redacted, settings, progress, prepare)

    # --- questions, codebooks, codes ---
    open_qs: dict[tuple[str, str], Any] = {}
    closed_qs: dict[tuple[str, str], Any] = {}
    for w in waves:  # later waves' wording wins
        for q in w.schema.questions:
            (open_qs if q.type == "open" else closed_qs)[(w.survey, q.id)] = q
    codes, counted = _codes(store, waves)
    books: dict[tuple[str, str], Codebook | None] = {}
    for key in open_qs:
        try:
            books[key] = resolve_codebook(store, *key)
        except InputError:
            books[key] = None
            report.notes.append(f"no codebook for {key[0]} '{key[1]}': only themes found in its codes")
        if redacted and books[key] is not None:
            books[key] = _redacted_codebook(books[key])
    report.questions = [f"{s}.{q}" for s, q in open_qs]

    # --- users ---
    user_keys = sorted({(r.source, r.coder) for r in codes.itertuples()},
                       key=lambda k: (k[0] != "machine", k[1].casefold(), k[1]))
    users = {k: guid("user", *k) for k in user_keys}
    report.users = [_user_name(*k) for k in user_keys]

    root = ET.Element("Project", {"xmlns": NAMESPACE, "name": _xml(f"textmine {' '.join(_wave_names(waves))}"),
                                  "origin": f"textmine {__version__}"})
    if users:
        el = ET.SubElement(root, "Users")
        for (source, coder), g in users.items():
            ET.SubElement(el, "User", {"guid": g, "name": _xml(_user_name(source, coder)),
                                       "id": _xml(f"{source}:{coder}")})

    code_of = _codebook(root, open_qs, books, codes, several, report)

    # --- variables ---
    variables = _variables(store, waves, closed_qs, several)
    if variables:
        el = ET.SubElement(root, "Variables")
        for v in variables.values():
            var = ET.SubElement(el, "Variable", {"guid": v["guid"], "name": _xml(v["name"]),
                                                 "typeOfVariable": v["type"]})
            ET.SubElement(var, "Description").text = _xml(v["description"])
        report.variables = len(variables)

    # --- cases and sources ---
    cases_el = ET.SubElement(root, "Cases")
    sources_el = ET.Element("Sources")
    files: dict[str, bytes] = {}
    question_var = guid("variable", "meta", "vraag")
    main_var = guid("variable", "meta", "hoofdthema")
    by_answer: dict[tuple, list[tuple[str, str, str, str]]] = {}
    for c in codes.itertuples(index=False):
        by_answer.setdefault((c.survey, c.wave, c.question, c.respondent_id), []).append(
            (c.source, c.coder, c.theme, c.created_at))
    case_names: set[str] = set()
    for w in waves:
        respondents = store.respondents(w.survey, w.wave)
        answers = store.answers(w.survey, w.wave)
        # rows per respondent from one itertuples each (itertuples per group built a
        # namedtuple class per respondent: ~2 s of the demo's export)
        closed: dict[Any, list] = {}
        for a in answers.itertuples(index=False):
            closed.setdefault(a.respondent_id, []).append(a)
        opens_of: dict[Any, list] = {}
        for a in store.open_answers(w.survey, w.wave).itertuples(index=False):
            opens_of.setdefault(a.respondent_id, []).append(a)
        for n, r in enumerate(respondents.itertuples(index=False), 1):
            rid = str(r.respondent_id)
            # redacted: an id that may hold personal data (an e-mail address, a name) is numbered
            # instead, everywhere in the file, its GUIDs included (a GUID of an e-mail address
            # confirms a guess of it)
            pid = rid if not redacted or plain_respondent_id(rid) else f"respondent {n}"
            name = _case_name(r, w, len(waves) > 1, case_names, pid)
            case = ET.SubElement(cases_el, "Case", {"guid": guid("case", w.survey, w.wave, pid), "name": _xml(name)})
            ET.SubElement(case, "Description").text = _xml(
                f"Respondent {pid} van de bevraging {w.survey}, golf {w.wave}"
                + (f" ({r.municipality}, {r.province})" if r.municipality and r.province else ""))
            facts = {"survey": w.survey, "wave": w.wave, **r._asdict(), "respondent_id": pid}
            for var_name, column, _ in _META:
                value = facts.get(column)
                if value is not None and str(value) != "" and not pd.isna(value):
                    _value(case, guid("variable", "meta", var_name), "Text", str(value))
            if rid in closed:
                given = {(w.survey, a.question, a.option): a for a in closed[rid]}
                for vkey in [k for k in variables if k in given]:  # in schema order
                    v, a = variables[vkey], given[vkey]
                    _value(case, v["guid"], v["type"], _typed(v["type"], a.value, a.number))
            report.cases += 1
            for a in opens_of.get(rid, ()):
                key = (w.survey, w.wave, a.question, rid)
                published_key = (w.survey, w.wave, a.question, pid)
                text = _normalise(texts[key] if redacted else a.text)  # never raw when redacted
                source_guid = guid("source", *published_key)
                ET.SubElement(case, "SourceRef", {"targetGUID": source_guid})
                qlabel = open_qs[(w.survey, a.question)].label or a.question
                src = ET.SubElement(sources_el, "TextSource", {
                    "guid": source_guid, "name": _xml(f"{name} – {a.question}"),
                    "plainTextPath": f"internal://{source_guid}.txt",
                    "creationDateTime": _datetime(w.ingested_at)})
                ET.SubElement(src, "Description").text = _xml(f"{qlabel} ({w.survey}.{a.question})")
                files[f"{SOURCES_DIR}/{source_guid}.txt"] = text.encode("utf-8")
                report.sources += 1
                source, applied = counted.get(key, ("machine", {}))
                if key in by_answer and text:
                    _selections(src, published_key, text, by_answer[key], source == "human", users, code_of, report)
                _value(src, question_var, "Text", f"{w.survey}.{a.question}")
                main = next((t for t in applied if (w.survey, a.question, t) in code_of), None)
                if main is not None:  # the main theme textmine counts, as in the report and catalogue
                    book = books.get((w.survey, a.question))
                    _value(src, main_var, "Text", book.label_of(main) if book and main in book else main)
    if not len(cases_el):
        root.remove(cases_el)
    if len(sources_el):
        root.append(sources_el)
    ET.SubElement(root, "Description").text = _xml(_description(waves, redacted, report))
    ET.indent(root, space="  ")
    qde = ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
    return qde, files, report


def _answer_texts(store: Store, waves: list[WaveInfo], redacted: bool, settings: Any,
                  progress: ProgressFn | None, prepare: bool = False) -> dict[tuple, str]:
    """Redacted text per (survey, wave, question, respondent), or nothing for raw text."""
    if not redacted:
        return {}
    from .readiness import Preparation

    prep = Preparation(store, prepare, settings, progress)
    out: dict[tuple, str] = {}
    for w in waves:
        for q in (q for q in w.schema.questions if q.type == "open"):
            for a in prep.cleaned(w.survey, q.id, w.wave):
                out[(a["survey"], a["wave"], a["question"], str(a["respondent_id"]))] = a["redacted_text"]
    prep.check()
    return out


def _codes(store: Store, waves: list[WaveInfo]) -> tuple[pd.DataFrame, dict[tuple[str, str, str, str], tuple]]:
    """Current codes that apply, one row per (answer, coder, theme) with the latest
    winning; and per answer what textmine counts (``codes.current_themes``: its source,
    human when a human coded it, also with no theme: overig; its themes, main first)."""
    from .codes import current_themes

    codes = pd.concat([store.codes(w.survey, w.wave) for w in waves], ignore_index=True)
    codes["respondent_id"] = codes["respondent_id"].astype(str)
    counted = current_themes(codes, by=("survey", "wave", "question", "respondent_id"))
    codes = codes.sort_values("code_id").drop_duplicates(
        ["survey", "wave", "question", "respondent_id", "source", "coder", "theme"], keep="last")
    return codes[codes.applies == 1].reset_index(drop=True), counted


def _user_name(source: str, coder: str) -> str:
    return MACHINE_USER.format(coder=coder) if source == "machine" else coder


def _redacted_codebook(book: Codebook) -> Codebook:
    """The codebook with its labels, examples and descriptions redacted like the answers: staff
    paste real answers in as examples (and may name a contact person in a label), so a redacted
    export must not carry them as typed."""
    from dataclasses import replace

    from .nlp.answers import redact_field

    return replace(book, themes=tuple(
        replace(t, label=redact_field(t.label), description=redact_field(t.description),
                examples=tuple(redact_field(e) for e in t.examples))
        for t in book.themes))


def _codebook(root: ET.Element, open_qs: dict, books: dict, codes: pd.DataFrame, several: bool,
              report: QdpxReport) -> dict[tuple[str, str, str], str]:
    """Write the CodeBook; return the GUID of each (survey, question, theme)."""
    parents: list[tuple[tuple[str, str], str]] = []
    for (s, q), question in open_qs.items():
        label = question.label or q
        parents.append(((s, q), f"{s.upper()} – {label}" if several else label))
    # QDA tools want unique code names: a label used twice gets its question added.
    wanted: list[str] = [p for _, p in parents]
    themes_of: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for (s, q), _ in parents:
        book = books[(s, q)]
        listed = [(t.id, t.label) for t in book] if book else []
        in_codes = sorted(set(codes.theme[(codes.survey == s) & (codes.question == q)])) if not codes.empty else []
        extra = [(t, t) for t in in_codes if t not in {i for i, _ in listed}]
        if extra and book:
            report.notes.append(f"{s} '{q}': themes coded but not in the codebook: "
                                + ", ".join(t for t, _ in extra))
        themes_of[(s, q)] = listed + extra
        wanted += [label for _, label in listed + extra]
    counts = pd.Series(wanted).value_counts() if wanted else pd.Series(dtype=int)

    def unique(label: str, s: str, q: str) -> str:
        return f"{label} [{s}.{q}]" if counts.get(label, 0) > 1 else label

    code_of: dict[tuple[str, str, str], str] = {}
    codes_el = ET.Element("Codes")
    for (s, q), parent_name in parents:
        parent = ET.SubElement(codes_el, "Code", {"guid": guid("question", s, q),
                                                  "name": _xml(unique(parent_name, s, q)), "isCodable": "false"})
        ET.SubElement(parent, "Description").text = _xml(
            f"Open vraag {s}.{q}: {open_qs[(s, q)].label or q}\nDe thema's eronder komen uit het codeboek.")
        book = books[(s, q)]
        order = {tid: i for i, (tid, _) in enumerate(themes_of[(s, q)])}

        def colour(theme: Any, order: dict = order) -> str:
            return _PALETTE[order[theme.id] % len(_PALETTE)]

        if book:
            add_code_tree(parent, book, guid=lambda tid, s=s, q=q: code_guid(s, q, tid),
                          name=lambda t, s=s, q=q: _xml(unique(t.label, s, q)), color=colour)
        for tid, label in themes_of[(s, q)]:
            code_of[(s, q, tid)] = code_guid(s, q, tid)
            if book is None or tid not in book:
                el = ET.SubElement(parent, "Code", {"guid": code_guid(s, q, tid), "name": _xml(unique(label, s, q)),
                                                    "isCodable": "true",
                                                    "color": _PALETTE[order[tid] % len(_PALETTE)]})
                ET.SubElement(el, "Description").text = (f"Thema '{tid}' komt voor in de codes maar niet "
                                                         "(meer) in het codeboek.")
    if len(codes_el):
        ET.SubElement(root, "CodeBook").append(codes_el)
    return code_of


def _variables(store: Store, waves: list[WaveInfo], closed_qs: dict, several: bool) -> dict[tuple, dict]:
    """Variable per respondent fact and per closed question (per option for multiple choice).
    Keyed by ('meta', name, '') or (survey, question, option)."""
    out: dict[tuple, dict] = {}
    for name, _, description in _META:
        out[("meta", name, "")] = {"guid": guid("variable", "meta", name), "name": name, "type": "Text",
                                   "description": description}
    out[("meta", "vraag", "")] = {"guid": guid("variable", "meta", "vraag"), "name": "vraag", "type": "Text",
                                  "description": "De open vraag die de bron beantwoordt (bevraging.vraag)"}
    out[("meta", "hoofdthema", "")] = {"guid": guid("variable", "meta", "hoofdthema"), "name": "hoofdthema",
                                       "type": "Text",
                                       "description": "Het hoofdthema van het antwoord: het eerste van de codes die "
                                                      "tellen (menselijke codes gaan voor), zoals in rapport en "
                                                      "catalogus"}
    taken = {v["name"] for v in out.values()}
    numbers: dict[tuple[str, str], list[float]] = {}
    for w in waves:
        for r in store.numbers(w.survey, w.wave).itertuples(index=False):
            numbers.setdefault((w.survey, r.question), []).append(float(r.number))
    for (s, qid), q in closed_qs.items():
        base = f"{s}.{qid}" if several or qid in taken else qid
        label = q.label or qid
        if q.type == "multi":
            for option in q.all_options:
                out[(s, qid, option)] = {"guid": guid("variable", s, qid, option), "name": f"{base}: {option}",
                                         "type": "Boolean", "description": f"{label}: {option} (aangeduid of niet)"}
            continue
        if q.type == "numeric":
            values = numbers.get((s, qid), [])
            kind = "Integer" if values and all(float(v).is_integer() for v in values) else "Float"
        else:
            kind = "Text"
        out[(s, qid, "")] = {"guid": guid("variable", s, qid), "name": base, "type": kind, "description": label}
    return out


def _typed(kind: str, value: Any, number: Any) -> str:
    """A stored closed answer as the XML text of its variable type."""
    if kind == "Boolean":
        return "true" if str(value) == "1" else "false"
    if kind == "Integer":
        return str(int(float(number)))
    if kind == "Float":
        return format(Decimal(repr(float(number))), "f")  # xsd:decimal has no exponent
    return str(value)


_VALUE_TAG = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue",
              "Float": "FloatValue", "Date": "DateValue", "DateTime": "DateTimeValue"}


def _value(parent: ET.Element, variable: str, kind: str, text: str) -> None:
    el = ET.SubElement(parent, "VariableValue")
    ET.SubElement(el, "VariableRef", {"targetGUID": variable})
    ET.SubElement(el, _VALUE_TAG[kind]).text = _xml(text)


def _selections(src: ET.Element, key: tuple, text: str, codes: list[tuple[str, str, str, str]],
                human_coded: bool, users: dict, code_of: dict, report: QdpxReport) -> None:
    """One selection over the whole answer per coder, a Coding per theme.
    Human codes win: the machine's codes of a human-coded answer are left out.
    ``codes``: (source, coder, theme, created_at) of the codes that apply."""
    survey, wave, question, rid = key
    if human_coded:
        report.machine_left_out += sum(c[0] == "machine" for c in codes)
        codes = [c for c in codes if c[0] != "machine"]
    per_coder: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for source, coder, theme, created in codes:
        per_coder.setdefault((source, coder), []).append((theme, created))
    for (source, coder), given in sorted(per_coder.items()):
        user = users[(source, coder)]
        sel = ET.SubElement(src, "PlainTextSelection", {
            "guid": guid("selection", *key, source, coder), "name": _xml(_user_name(source, coder)),
            "startPosition": "0", "endPosition": str(len(text)), "creatingUser": user,
            "creationDateTime": _datetime(max(created for _, created in given))})
        for theme, created in sorted(given):
            coding = ET.SubElement(sel, "Coding", {"guid": guid("coding", *key, source, coder, theme),
                                                   "creatingUser": user, "creationDateTime": _datetime(created)})
            ET.SubElement(coding, "CodeRef", {"targetGUID": code_of[(survey, question, theme)]})
            if source == "human":
                report.human_codings += 1
            else:
                report.machine_codings += 1
        report.selections += 1


def _case_name(r: Any, w: WaveInfo, several: bool, taken: set[str], published_id: str) -> str:
    """The municipality (else the unit or respondent id); the wave added when the
    export has several, the respondent id when two cases would share a name.
    ``published_id``: the respondent id as the file may show it."""
    place = any(isinstance(v, str) and v.strip() for v in (r.municipality, r.unit))
    # a numbered id ("respondent 10") names the case itself when there is no place
    base = respondent_name(r.municipality, r.unit, published_id) if place or published_id == str(r.respondent_id) \
        else published_id
    name = f"{base} ({w.survey} {w.wave})" if several else str(base)
    if name in taken:
        name = f"{name} #{published_id}"
    taken.add(name)
    return name


def _wave_names(waves: list[WaveInfo]) -> list[str]:
    return [f"{w.survey} {w.wave}" for w in waves]


def _description(waves: list[WaveInfo], redacted: bool, report: QdpxReport) -> str:
    text = ("geredigeerde tekst (persoonsgegevens vervangen)" if redacted
            else "originele antwoorden zoals ingevuld")
    return (f"Export van textmine {__version__}: {', '.join(_wave_names(waves))}. Eén case per respondent "
            f"met de gesloten antwoorden als variabelen; elk antwoord op een open vraag is een bron ({text}). "
            "Menselijke en machinale codeurs zijn aparte gebruikers; van antwoorden met menselijke codes "
            "staan alleen die codes erin.")


def _normalise(text: str) -> str:
    """One line-ending convention: positions then mean the same in every tool."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _xml(text: str) -> str:
    """Text XML 1.0 can hold (control characters dropped)."""
    return _NOT_XML.sub("", str(text))


def _datetime(stamp: str) -> str:
    """The store's ISO time in UTC as xsd:dateTime with a Z."""
    return stamp.replace("+00:00", "Z")


def _write_zip(out: Path, qde: bytes, files: dict[str, bytes]) -> None:
    """Fixed entry times, order and permissions: the same project gives the same bytes.
    Written whole or not at all (``atomic``)."""
    with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        for name, data in [("project.qde", qde), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
