"""Review workbooks: staff check the machine's codes in Excel; their edits come back as human codes.

The loop is query -> label -> update: ``export_review`` writes the answers of one
open question, least certain first, with a ja/nee drop-down per theme
pre-filled with the current call; ``import_review`` stores what staff changed
as human codes under the coder's name. A row counts as reviewed when its
"Beoordeeld" cell says ja, a theme cell differs from what was pre-filled, or it
has a comment; untouched rows stay machine-coded. Importing twice changes
nothing, and rows whose answer changed or vanished are reported, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from .codebook import Codebook
from .errors import InputError
from .export import NO, YES, answer_key, open_workbook, set_text_safe, write_info_sheet, write_staff_sheet
from .store import Store

SHEET = "Beoordelen"
PREFILL_SHEET = "_voorinvulling"
INFO_SHEET = "Info"
THEMES_SHEET = "Thema's"
KEY, HASH, WAVE, RESPONDENT, UNIT, TEXT = ("Sleutel", "Teksthash", "Golf", "Respondent", "Gemeente", "Antwoord")
CONFIDENCE, SOURCE, REVIEWED, COMMENT = ("Zekerheid machine", "Bron", "Beoordeeld", "Opmerking")
_THEME_HEADER = re.compile(r"\(([a-z_][a-z0-9_]*)\)\s*$")
CODER_LABEL = "Naam van de codeur"


def review_rows(store: Store, codebook: Codebook, survey: str, question: str,
                wave: str | None = None) -> pd.DataFrame:
    """One row per coded answer with the current call per theme, least certain first."""
    answers = store.open_answers(survey, wave, question)
    flags = store.answer_flags(survey, wave, question)
    non_answers = {(r.wave, r.respondent_id) for r in flags.itertuples() if '"non_answer"' in r.flags_json}
    # A boolean Series, not a list: an empty list would select no columns (crash on an unknown wave).
    answers = answers[pd.Series([(w, r) not in non_answers for w, r in zip(answers.wave, answers.respondent_id)],
                                index=answers.index, dtype=bool)]
    machine = store.codes(survey, wave, question, source="machine")
    human = store.codes(survey, wave, question, source="human")
    units = {}
    for w in answers.wave.unique():
        resp = store.respondents(survey, w)
        units.update({(w, r): u for r, u in zip(resp.respondent_id, resp.unit)})
    m = {(r.wave, r.respondent_id, r.theme): (r.applies, r.score) for r in machine.itertuples()}
    h = {(r.wave, r.respondent_id, r.theme): r.applies for r in human.itertuples()}  # later rows win
    rows = []
    for a in answers.itertuples():
        row: dict[str, Any] = {KEY: answer_key(survey, a.wave, question, a.respondent_id), HASH: a.text_hash,
                               WAVE: a.wave, RESPONDENT: a.respondent_id,
                               UNIT: units.get((a.wave, a.respondent_id)) or "", TEXT: a.text}
        confidence, has_human = 1.0, False
        for t in codebook.ids:
            if (a.wave, a.respondent_id, t) in h:
                row[t], has_human = (YES if h[(a.wave, a.respondent_id, t)] else NO), True
            elif (a.wave, a.respondent_id, t) in m:
                applies, score = m[(a.wave, a.respondent_id, t)]
                row[t] = YES if applies else NO
                if score is not None and not pd.isna(score):
                    confidence = min(confidence, score if applies else 1 - score)
            else:
                row[t] = ""
        row[CONFIDENCE] = None if has_human else round(100 * confidence)
        row[SOURCE] = "mens" if has_human else ("machine" if any(row[t] for t in codebook.ids) else "")
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    # Active learning: the answers the machine is least sure of come first; human-coded last.
    frame["_order"] = frame[CONFIDENCE].fillna(1000)
    return frame.sort_values(["_order", KEY], kind="stable").drop(columns="_order").reset_index(drop=True)


def export_review(store: Store, codebook: Codebook, survey: str, question: str, path: str | Path,
                  wave: str | None = None) -> int:
    """Write the review workbook; returns the number of answers in it."""
    import openpyxl

    frame = review_rows(store, codebook, survey, question, wave)
    if frame.empty:
        raise InputError(f"no codable answers to question '{question}' of survey '{survey}'"
                         f"{' wave ' + wave if wave else ''}")
    theme_headers = [f"{codebook.theme(t).label} ({t})" for t in codebook.ids]
    headers = [KEY, HASH, WAVE, RESPONDENT, UNIT, TEXT, *theme_headers, CONFIDENCE, SOURCE, REVIEWED, COMMENT]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    rows = ([rec[KEY], rec[HASH], rec[WAVE], rec[RESPONDENT], rec[UNIT], rec[TEXT],
             *[rec[t] for t in codebook.ids], rec[CONFIDENCE], rec[SOURCE], NO, ""]
            for rec in frame.to_dict("records"))
    widths = {KEY: 10, HASH: 10, WAVE: 8, RESPONDENT: 14, UNIT: 16, TEXT: 70, CONFIDENCE: 12, SOURCE: 9,
              REVIEWED: 12, COMMENT: 40, **{h: 16 for h in theme_headers}}
    write_staff_sheet(ws, headers, rows, highlight=theme_headers, wrap=TEXT, yes_no=[*theme_headers, REVIEWED],
                      widths=widths, hidden=(KEY, HASH), freeze="G2")

    pre = wb.create_sheet(PREFILL_SHEET)  # what was pre-filled, to see what staff changed
    for r, rec in enumerate(frame.to_dict("records"), start=1):
        for c, v in enumerate([rec[KEY], *[rec[t] for t in codebook.ids]], start=1):
            set_text_safe(pre.cell(row=r, column=c), v)
    pre.sheet_state = "hidden"

    info = wb.create_sheet(INFO_SHEET)
    lines = [
        ("Vragenlijst", survey), ("Vraag", question), ("Golf", wave or "alle"),
        ("Codeboek", f"{codebook.title} (hash {codebook.hash})"),
        ("Aangemaakt", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        (CODER_LABEL, ""),
        ("Werkwijze", "Vul je naam in bij 'Naam van de codeur'. Kijk de antwoorden na op het blad "
                      "'Beoordelen', bovenaan de antwoorden waarover de machine het minst zeker is. "
                      "Zet per thema 'ja' of 'nee'. Zet 'Beoordeeld' op 'ja' voor elk antwoord dat je "
                      "nakeek, ook als je niets wijzigde. Rijen die je niet aanraakt, blijven "
                      "machinaal gecodeerd. Verander de kolommen Sleutel en Teksthash niet."),
    ]
    write_info_sheet(info, lines)

    th = wb.create_sheet(THEMES_SHEET)
    for r, t in enumerate([("id", "label", "omschrijving")] +
                          [(t.id, t.label, t.description) for t in codebook], start=1):
        for c, v in enumerate(t, start=1):
            set_text_safe(th.cell(row=r, column=c), v)
    th.column_dimensions["B"].width = 40
    th.column_dimensions["C"].width = 100
    th.freeze_panes = "A2"
    wb.save(path)
    return len(frame)


@dataclass
class ImportReport:
    rows: int = 0
    reviewed: int = 0
    codes_added: int = 0
    unchanged: int = 0
    coder: str = ""
    unmatched: list[str] = field(default_factory=list)  # "row N: why"


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def import_review(store: Store, codebook: Codebook, path: str | Path, coder: str | None = None) -> ImportReport:
    """Store the reviewed rows of a workbook as human codes (validated first: all or nothing)."""
    path = Path(path)
    with open_workbook(path, SHEET, "review") as wb:
        coder = coder or _workbook_coder(wb)
        if not coder:
            raise InputError(f"who coded this? fill in '{CODER_LABEL}' on the Info sheet or pass --coder NAME",
                             file=path)
        rows = list(wb[SHEET].iter_rows(values_only=True))
        prefill = {_cell(r[0]): [_cell(v) for v in r[1:]]
                   for r in wb[PREFILL_SHEET].iter_rows(values_only=True)} if PREFILL_SHEET in wb.sheetnames else {}
    if not rows:
        raise InputError("the review sheet is empty", file=path)
    headers = [_cell(h) for h in rows[0]]
    for needed in (KEY, HASH, REVIEWED):
        if needed not in headers:
            raise InputError(f"column '{needed}' is missing from the review sheet", file=path, row=1)
    themes: dict[int, str] = {}
    for i, h in enumerate(headers):
        m = _THEME_HEADER.search(h)
        if m:
            if m.group(1) not in codebook:
                raise InputError(f"theme '{m.group(1)}' is not in the codebook", file=path, row=1, column=h)
            themes[i] = m.group(1)
    col = {h: i for i, h in enumerate(headers)}
    current = {}
    report = ImportReport(coder=coder)
    pending: list[dict[str, Any]] = []
    for n, values in enumerate(rows[1:], start=2):
        values = list(values) + [None] * (len(headers) - len(values))
        key = _cell(values[col[KEY]])
        if not key:
            continue
        report.rows += 1
        parts = key.split("|")
        if len(parts) != 4:
            report.unmatched.append(f"row {n}: key '{key}' is not a textmine answer key")
            continue
        survey, wave, question, rid = parts
        if (survey, question) not in current:
            ans = store.open_answers(survey, None, question)
            current[(survey, question)] = {(a.wave, a.respondent_id): a.text_hash for a in ans.itertuples()}
        text_hash = current[(survey, question)].get((wave, rid))
        if text_hash is None:
            report.unmatched.append(f"row {n}: respondent {rid} ({survey} {wave}, {question}) is no longer in the project")
            continue
        if text_hash != _cell(values[col[HASH]]):
            report.unmatched.append(f"row {n}: the answer of respondent {rid} changed since the export")
            continue
        calls = {}
        for i, theme in themes.items():
            v = _cell(values[i]).casefold()
            if v not in ("", YES, NO):
                raise InputError(f"'{values[i]}' is not ja or nee", file=path, row=n, column=headers[i])
            calls[theme] = v
        reviewed_flag = _cell(values[col[REVIEWED]]).casefold()
        if reviewed_flag not in ("", YES, NO):
            raise InputError(f"'{values[col[REVIEWED]]}' is not ja or nee", file=path, row=n, column=REVIEWED)
        comment = _cell(values[col[COMMENT]]) if COMMENT in col else ""
        before = dict(zip(codebook.ids, prefill.get(key, [])))
        changed = any(calls[t] != before.get(t, "") for t in calls)
        if not (reviewed_flag == YES or changed or comment):
            continue
        report.reviewed += 1
        for theme, v in calls.items():
            if v:
                pending.append({"survey": survey, "wave": wave, "question": question, "respondent_id": rid,
                                "theme": theme, "applies": v == YES, "note": comment or None})
    # Only what differs from this coder's current codes is written: a second import adds nothing.
    existing = {}
    for survey, question in current:
        h = store.codes(survey, None, question, source="human")
        h = h[h.coder == coder]
        existing.update({(r.survey, r.wave, r.question, r.respondent_id, r.theme): (bool(r.applies), r.note or None)
                         for r in h.itertuples()})
    new = [p for p in pending
           if existing.get((p["survey"], p["wave"], p["question"], p["respondent_id"], p["theme"]))
           != (p["applies"], p["note"])]
    report.unchanged = len(pending) - len(new)
    if new:
        report.codes_added = store.add_codes(new, source="human", coder=coder)
    return report


def _workbook_coder(wb: Any) -> str:
    if INFO_SHEET not in wb.sheetnames:
        return ""
    for row in wb[INFO_SHEET].iter_rows(values_only=True):
        if row and _cell(row[0]) == CODER_LABEL:
            return _cell(row[1] if len(row) > 1 else "")
    return ""


def workbook_question(path: str | Path) -> tuple[str, str]:
    """(survey, question) a review workbook is about, from its first answer key."""
    with open_workbook(path, SHEET, "review") as wb:
        for row in wb[SHEET].iter_rows(min_row=2, values_only=True):
            parts = _cell(row[0] if row else "").split("|")
            if len(parts) == 4:
                return parts[0], parts[2]
    raise InputError("the review sheet holds no answers", file=path, row=2)
