"""Staff curation of the catalogue: an XLSX round trip into the project.

The catalogue workbook (written by ``writers.write_xlsx_catalogue``) has per
practice the columns Opnemen (ja/nee), Korte titel and In de kijker (ja/nee).
``import_curation`` validates the whole sheet first (all or nothing), then
stores what staff set in the project, keyed by survey, wave, question,
respondent and the answer's text hash: later runs respect it without the file,
and a row whose answer changed since the workbook was written is reported,
never applied to the new text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError
from ..export import NO, YES
from ..store import Store
from ..workbook import choice_text, open_workbook

SHEET = "Catalogus"
INFO_SHEET = "Info"
KEY, HASH = "Sleutel", "Teksthash"


def respondent_key(survey: str, wave: str, respondent_id: object) -> str:
    """The respondent in a catalogue workbook's key: the id, or "#" and a hash of it when it may
    hold personal data (an e-mail address or a name as id): the workbook is published too."""
    import hashlib

    from ..units import plain_respondent_id

    if plain_respondent_id(respondent_id):
        return str(respondent_id)
    return "#" + hashlib.sha1("\x1f".join(map(str, (survey, wave, respondent_id))).encode("utf-8")).hexdigest()[:12]
INCLUDE, TITLE, HIGHLIGHT = "Opnemen", "Korte titel", "In de kijker"
MAX_TITLE = 120  # a heading, not a paragraph


@dataclass
class CurationReport:
    """What one curation import did: workbook rows read, stored, unchanged, and the rows skipped with why."""

    file: str
    rows: int = 0          # practice rows in the workbook
    stored: int = 0        # curation rows written (new or changed)
    unchanged: int = 0     # already stored exactly like this
    skipped: list[str] = field(default_factory=list)  # "row N: why", not imported


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return ""
    return " ".join(str(value).split())


def _yes_no(value: Any, default: bool, path: Path, row: int, column: str) -> bool:
    v = choice_text(_cell(value))
    if v == "":
        return default
    if v in (YES, NO):
        return v == YES
    raise InputError(f"'{_cell(value)}' is not ja or nee", file=path, row=row, column=column)


def import_curation(store: Store, path: str | Path, *, survey: str | None = None,
                    question: str | None = None, before_storing: Callable[[], None] | None = None) -> CurationReport:
    """Store the curation of a catalogue workbook in the project (importing twice changes nothing).

    ``survey``/``question``: when given, every row must be about that question.
    ``before_storing``: called once the workbook is checked, before anything is stored (it
    raises to store nothing: the catalogue the workbook is for cannot be built).
    """
    path = Path(path)
    with open_workbook(path, "catalogue", sheet=SHEET) as wb:
        rows = list(wb.rows(SHEET))  # (spreadsheet row, cells): the real rows, whatever size the file claims
    if not rows:
        raise InputError(f"sheet '{SHEET}' is empty", file=path)
    headers = [_cell(h) for h in rows[0][1]]
    col = {h.casefold(): i for i, h in enumerate(headers)}
    for needed in (KEY, HASH, INCLUDE, TITLE, HIGHLIGHT):
        if needed.casefold() not in col:
            raise InputError(f"column '{needed}' is missing from sheet '{SHEET}'", file=path, row=rows[0][0])
    c_key, c_hash, c_inc, c_title, c_hl = (col[n.casefold()] for n in (KEY, HASH, INCLUDE, TITLE, HIGHLIGHT))

    report = CurationReport(str(path))
    parsed: list[tuple[int, dict[str, Any]]] = []
    for n, values in rows[1:]:
        values = values + [""] * (len(headers) - len(values))
        key = _cell(values[c_key])
        if not key:
            continue
        parts = key.split("|")
        if len(parts) != 4:
            raise InputError(f"'{key}' is not a textmine answer key", file=path, row=n, column=KEY)
        s, w, q, rid = parts
        if (survey and s != survey) or (question and q != question):
            raise InputError(f"this row is about question '{q}' of survey '{s}', not '{question}' of "
                             f"'{survey}'", file=path, row=n, column=KEY)
        title = _cell(values[c_title])
        if len(title) > MAX_TITLE:
            raise InputError(f"short title has {len(title)} characters (at most {MAX_TITLE})",
                             file=path, row=n, column=TITLE)
        parsed.append((n, {"survey": s, "wave": w, "question": q, "respondent_id": rid,
                           "text_hash": _cell(values[c_hash]),
                           "include": _yes_no(values[c_inc], True, path, n, INCLUDE),
                           "title": title or None,
                           "highlight": _yes_no(values[c_hl], False, path, n, HIGHLIGHT)}))
    report.rows = len(parsed)
    first: dict[tuple[str, ...], tuple[int, dict[str, Any]]] = {}
    unique: list[tuple[int, dict[str, Any]]] = []
    for n, r in parsed:  # a row copied twice: the same choice is kept once, different choices are an error
        key = (r["survey"], r["wave"], r["question"], r["respondent_id"])
        if key in first:
            m, earlier = first[key]
            if earlier != r:
                raise InputError(f"row {m} and row {n} are the same answer with different choices: keep one",
                                 file=path, row=n, column=KEY)
            report.skipped.append(f"row {n}: a copy of row {m} (same answer, same choices), read once")
            continue
        first[key] = (n, r)
        unique.append((n, r))
    parsed = unique

    current: dict[tuple[str, str], dict[tuple[str, str], str]] = {}
    stored: dict[tuple[str, str], dict[tuple[str, str], Any]] = {}
    hashed: dict[tuple[str, str], dict[tuple[str, str], str]] = {}
    new = []
    for n, r in parsed:
        sq = (r["survey"], r["question"])
        if sq not in current:
            ans = store.open_answers(sq[0], None, sq[1])
            current[sq] = {(a.wave, a.respondent_id): a.text_hash for a in ans.itertuples()}
            stored[sq] = {(c.wave, c.respondent_id): c for c in store.curation(*sq).itertuples()}
            keys = ((a.wave, a.respondent_id, respondent_key(sq[0], a.wave, a.respondent_id)) for a in ans.itertuples())
            hashed[sq] = {(w, k): rid for w, rid, k in keys if k != str(rid)}
        # "#..." stands for an id the workbook does not show
        r["respondent_id"] = hashed[sq].get((r["wave"], r["respondent_id"]), r["respondent_id"])
        wr = (r["wave"], r["respondent_id"])
        now_hash = current[sq].get(wr)
        if now_hash is None:
            report.skipped.append(f"row {n}: respondent {r['respondent_id']} ({r['survey']} {r['wave']}, "
                                  f"{r['question']}) is no longer in the project")
            continue
        if now_hash != r["text_hash"]:
            report.skipped.append(f"row {n}: the answer of respondent {r['respondent_id']} ({r['wave']}) "
                                  "changed since the workbook was written: curate it again in a new workbook")
            continue
        before = stored[sq].get(wr)
        if before is None and is_default(r):
            continue  # nothing curated: storing it would only add noise later
        if before is not None and (before.text_hash, bool(before.include), _cell(before.title) or None,
                                   bool(before.highlight)) == (r["text_hash"], r["include"], r["title"],
                                                               r["highlight"]):
            report.unchanged += 1
            continue
        new.append(r)
    if before_storing is not None:
        before_storing()
    if new:
        report.stored = store.save_curation(new, source_file=path.name)
    return report


def is_default(r: dict[str, Any]) -> bool:
    """Curation that changes nothing: included, no title, not highlighted."""
    return bool(r["include"]) and not r.get("title") and not r["highlight"]


# --- curation made in the workbench ------------------------------------------------------

def curate(store: Store, survey: str, question: str, choices: list[dict[str, Any]], *,
           source: str = "workbench") -> CurationReport:
    """Store curation choices made in the workbench, the same rows a workbook import stores.

    Each choice: wave, respondent_id, text_hash (of the answer as shown), include, title,
    highlight. Checked as a whole first (all or nothing): an answer that is gone or whose
    text changed since the page showed it is an error, never applied to the new text."""
    if not isinstance(choices, list) or not choices:
        raise InputError("'choices' must be a non-empty list of {wave, respondent_id, text_hash, include, "
                         "title, highlight}")
    current = {(a.wave, a.respondent_id): a.text_hash for a in store.open_answers(survey, None, question).itertuples()}
    stored = {(c.wave, c.respondent_id): c for c in store.curation(survey, question).itertuples()}
    report = CurationReport(source, rows=len(choices))
    new, seen = [], set()
    for n, c in enumerate(choices, start=1):
        where = f"choice {n}"
        if not isinstance(c, dict):
            raise InputError(f"{where}: must be an object")
        wave, rid, text_hash = (c.get(k) for k in ("wave", "respondent_id", "text_hash"))
        if not all(isinstance(v, str) and v for v in (wave, rid, text_hash)):
            raise InputError(f"{where}: 'wave', 'respondent_id' and 'text_hash' must be non-empty texts")
        for flag in ("include", "highlight"):
            if not isinstance(c.get(flag), bool):
                raise InputError(f"{where}: '{flag}' must be true or false")
        title = c.get("title")
        if title is not None and not isinstance(title, str):
            raise InputError(f"{where}: 'title' must be a text or null")
        title = _cell(title) or None
        if title and len(title) > MAX_TITLE:
            raise InputError(f"{where}: short title has {len(title)} characters (at most {MAX_TITLE})")
        if (wave, rid) in seen:
            raise InputError(f"{where}: respondent {rid} ({wave}) is listed twice")
        seen.add((wave, rid))
        now_hash = current.get((wave, rid))
        if now_hash is None:
            raise InputError(f"{where}: respondent {rid} ({survey} {wave}, {question}) has no answer in the project")
        if now_hash != text_hash:
            raise InputError(f"{where}: the answer of respondent {rid} ({wave}) changed since the page showed it: "
                             "reload the page and curate it again")
        r = {"survey": survey, "wave": wave, "question": question, "respondent_id": rid, "text_hash": text_hash,
             "include": c["include"], "title": title, "highlight": c["highlight"]}
        before = stored.get((wave, rid))
        if before is None and is_default(r):
            report.unchanged += 1
            continue
        if before is not None and (before.text_hash, bool(before.include), _cell(before.title) or None,
                                   bool(before.highlight)) == (text_hash, r["include"], title, r["highlight"]):
            report.unchanged += 1
            continue
        new.append(r)
    if new:
        report.stored = store.save_curation(new, source_file=source)
    return report
