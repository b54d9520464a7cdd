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
from .codes import current_themes
from .errors import InputError
from .atomic import atomic_path
from .export import NO, YES, answer_key, excel_text, set_text_safe, write_info_sheet, write_staff_sheet
from .queue import check_coder
from .store import Store
from .workbook import Workbook, cell_text, choice_text, open_workbook

SHEET = "Beoordelen"
PREFILL_SHEET = "_voorinvulling"
INFO_SHEET = "Info"
THEMES_SHEET = "Thema's"
KEY, HASH, WAVE, RESPONDENT, UNIT, TEXT = ("Sleutel", "Teksthash", "Golf", "Respondent", "Gemeente", "Antwoord")
CONFIDENCE, SOURCE, REVIEWED, COMMENT = ("Zekerheid machine", "Bron", "Beoordeeld", "Opmerking")
_THEME_HEADER = re.compile(r"\(([a-z_][a-z0-9_]*)\)\s*$")
CODER_LABEL = "Naam van de codeur"
CHECKSUM_LABEL = "Controlegetal voorinvulling"  # of the hidden pre-fill sheet: a changed sheet is refused


def review_rows(store: Store, codebook: Codebook, survey: str, question: str,
                wave: str | None = None) -> pd.DataFrame:
    """One row per coded answer with the current call per theme, least certain first."""
    answers = store.open_answers(survey, wave, question)
    flags = store.answer_flags(survey, wave, question)
    non_answers = {(r.wave, r.respondent_id) for r in flags.itertuples() if '"non_answer"' in r.flags_json}
    # A boolean Series, not a list: an empty list would select no columns (crash on an unknown wave).
    answers = answers[pd.Series([(w, r) not in non_answers for w, r in zip(answers.wave, answers.respondent_id)],
                                index=answers.index, dtype=bool)]
    codes = store.codes(survey, wave, question)
    codes = codes[codes.theme.isin(codebook.ids)]
    current = current_themes(codes)  # human codes win: the one rule, as the report counts
    machine = codes[codes.source == "machine"]
    units = {}
    for w in answers.wave.unique():
        resp = store.respondents(survey, w)
        units.update({(w, r): u for r, u in zip(resp.respondent_id, resp.unit)})
    scores = {(r.wave, r.respondent_id, r.theme): r.score for r in machine.itertuples()}
    rows = []
    for a in answers.itertuples():
        row: dict[str, Any] = {KEY: answer_key(survey, a.wave, question, a.respondent_id), HASH: a.text_hash,
                               WAVE: a.wave, RESPONDENT: a.respondent_id,
                               UNIT: units.get((a.wave, a.respondent_id)) or "", TEXT: a.text}
        source, applied = current.get((a.wave, a.respondent_id), (None, {}))
        has_human, confidence = source == "human", 1.0
        for t in codebook.ids:
            score = scores.get((a.wave, a.respondent_id, t))
            if not has_human and (a.wave, a.respondent_id, t) not in scores:
                row[t] = ""  # not coded yet (e.g. a theme added to the codebook since)
                continue
            row[t] = YES if t in applied else NO
            if not has_human and score is not None and not pd.isna(score):
                confidence = min(confidence, score if t in applied else 1 - score)
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

    # What was pre-filled, to tell what staff changed; headed by the theme ids, so it stays
    # readable when the codebook changes before the import.
    pre = wb.create_sheet(PREFILL_SHEET)
    for r, values in enumerate([[KEY, *codebook.ids], *([rec[KEY], *[rec[t] for t in codebook.ids]]
                                                        for rec in frame.to_dict("records"))], start=1):
        for c, v in enumerate(values, start=1):
            set_text_safe(pre.cell(row=r, column=c), v)
    pre.sheet_state = "hidden"
    written = [[cell_text(v) for v in values] for values in pre.iter_rows(values_only=True)]

    info = wb.create_sheet(INFO_SHEET)
    lines = [
        ("Vragenlijst", survey), ("Vraag", question), ("Golf", wave or "alle"),
        ("Codeboek", f"{codebook.title} (hash {codebook.hash})"),
        ("Aangemaakt", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        (CODER_LABEL, ""),
        (CHECKSUM_LABEL, _checksum(written)),
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
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return len(frame)


@dataclass
class ImportReport:
    """What one review import did: rows read, answers reviewed, codes added, and rows that no longer match."""

    rows: int = 0
    reviewed: int = 0
    codes_added: int = 0
    unchanged: int = 0
    coder: str = ""
    unmatched: list[str] = field(default_factory=list)  # "row N: why": answers changed or gone since the export
    warnings: list[str] = field(default_factory=list)   # nothing stored wrongly, but worth a look


# The columns export_review writes besides the theme columns.
_COLUMNS = (KEY, HASH, WAVE, RESPONDENT, UNIT, TEXT, CONFIDENCE, SOURCE, REVIEWED, COMMENT)
_REQUIRED = (KEY, HASH, TEXT, REVIEWED)


def import_review(store: Store, codebook: Codebook, path: str | Path, coder: str | None = None) -> ImportReport:
    """Store the reviewed rows of a workbook as human codes.

    The whole workbook is checked before anything is stored (all or nothing): what staff
    changed is told from the hidden pre-fill sheet (without it: an error, never a guess);
    every exported theme needs its column; every key must be one this workbook was
    exported with; the answer text must still be the key's answer (rows sorted without
    their hidden key columns are caught); duplicated rows must agree.
    """
    path = Path(path)
    with open_workbook(path, "review", sheet=SHEET) as wb:
        info = _info(wb)
        given = coder
        coder = coder or info.get(CODER_LABEL, "")
        if not coder:
            raise InputError(f"who coded this? fill in '{CODER_LABEL}' on the Info sheet or pass --coder NAME",
                             file=path)
        try:
            coder = check_coder(coder)  # the workbench's rule: one coder, one name
        except InputError as exc:
            raise InputError(exc.message + ("" if given else f" ('{CODER_LABEL}' on the Info sheet)"),
                             file=path) from None
        if PREFILL_SHEET not in wb.sheetnames:
            raise InputError(f"the hidden sheet '{PREFILL_SHEET}' (what the machine pre-filled) was deleted, so "
                             "staff changes cannot be told from machine calls: nothing imported; export a new "
                             "review workbook and review in that one", file=path)
        rows = list(wb.rows(SHEET))
        prefill_rows = list(wb.rows(PREFILL_SHEET, header=False))
    expected = info.get(CHECKSUM_LABEL)  # absent in workbooks exported before it was written
    if expected and expected != _checksum([cells for _, cells in prefill_rows]):
        raise InputError(f"the hidden sheet '{PREFILL_SHEET}' was changed (its checksum on the Info sheet no longer "
                         "matches), so staff changes cannot be told from machine calls: nothing imported; "
                         "export a new review workbook", file=path)
    if not rows:
        raise InputError("the review sheet is empty", file=path)
    report = ImportReport(coder=coder)
    header_row, headers = rows[0][0], [h.strip() for h in rows[0][1]]
    in_sheet = [m.group(1) for m in map(_THEME_HEADER.search, headers) if m]
    exported, prefill = _prefill(prefill_rows, info, codebook, in_sheet, path)
    col, themes = _columns(headers, exported, codebook, path, header_row, report)
    theme_header = {t: headers[i] for i, t in themes.items()}
    this_survey, this_question = _workbook_question(prefill, path)

    seen: dict[str, tuple[int, tuple]] = {}
    keyless: list[int] = []
    duplicates: list[str] = []
    reviewed: list[tuple[int, list[str], str, str, dict[str, str], str]] = []  # row, key, hash, text, calls, note
    for n, cells in rows[1:]:
        cells = cells + [""] * (len(headers) - len(cells))
        key = cells[col[KEY]].strip()
        if not key:
            keyless.append(n)
            continue
        parts = key.split("|")
        if len(parts) != 4:
            raise InputError(f"'{key}' is not a textmine answer key", file=path, row=n, column=KEY)
        survey, wave, question, rid = parts
        if key not in prefill:
            why = (f"it is an answer to question '{question}' of survey '{survey}', this workbook is about "
                   f"'{this_question}' of '{this_survey}'" if (survey, question) != (this_survey, this_question)
                   else f"respondent {rid} of wave {wave} was not in this workbook when it was exported")
            raise InputError(f"key '{key}' is not one of this workbook's answers: {why} (a row pasted from "
                             "another workbook?); nothing imported", file=path, row=n, column=KEY)
        calls = {}
        for i, theme in themes.items():
            v = choice_text(cells[i])
            if v not in ("", YES, NO):
                raise InputError(f"'{cells[i].strip()}' is not {YES} or {NO}", file=path, row=n, column=headers[i])
            calls[theme] = v
        flag = choice_text(cells[col[REVIEWED]])
        if flag not in ("", YES, NO):
            raise InputError(f"'{cells[col[REVIEWED]].strip()}' is not {YES} or {NO}", file=path, row=n,
                             column=REVIEWED)
        comment = cells[col[COMMENT]].strip() if COMMENT in col else ""
        signature = (tuple(sorted(calls.items())), flag, comment)
        if key in seen:
            first, earlier = seen[key]
            if earlier != signature:
                raise InputError(f"rows {first} and {n} are the same answer (respondent {rid}, wave {wave}) with "
                                 "different calls: delete one of them; nothing imported", file=path, row=n,
                                 column=KEY)
            duplicates.append(f"{first} and {n}")
            continue
        seen[key] = (n, signature)
        before = prefill[key]
        if not (flag == YES or comment or any(calls[t] != before.get(t, "") for t in calls)):
            continue  # untouched: stays machine-coded
        for t, v in calls.items():
            if not v and before.get(t):
                raise InputError(f"empty, but it was pre-filled '{before[t]}': choose {YES} or {NO}", file=path,
                                 row=n, column=theme_header[t])
        reviewed.append((n, parts, cells[col[HASH]].strip(), cells[col[TEXT]], calls, comment))
    report.rows = len(seen)
    if not seen and prefill:  # every answer row deleted: "0 of 0 imported" read as success
        raise InputError(f"the review sheet has no answer rows left (the workbook was exported with {len(prefill)}): "
                         "nothing imported; export a new workbook if rows were deleted by mistake", file=path)
    if keyless:
        report.warnings.append(f"{_rows(keyless)} without a key ({KEY}) not imported: rows added by hand cannot be "
                               "matched to an answer")
    if duplicates:
        report.warnings.append(f"rows {_list(duplicates)} are duplicates with the same calls: imported once")

    current: dict[tuple[str, str], dict[tuple[str, str], tuple[str, str]]] = {}
    order: dict[tuple[str, str], dict[tuple[str, str], list[str]]] = {}
    pending: list[dict[str, Any]] = []
    for n, (survey, wave, question, rid), text_hash, text, calls, comment in reviewed:
        if (survey, question) not in current:
            ans = store.open_answers(survey, None, question)
            current[(survey, question)] = {(a.wave, a.respondent_id): (a.text_hash, a.text) for a in ans.itertuples()}
        now = current[(survey, question)].get((wave, rid))
        if now is None:
            report.unmatched.append(f"row {n}: respondent {rid} ({survey} {wave}, {question}) is no longer in the project")
            continue
        if now[0] != text_hash:
            report.unmatched.append(f"row {n}: the answer of respondent {rid} changed since the export")
            continue
        if _words(excel_text(now[1])) != _words(text):
            raise InputError(f"this row's answer is not the answer of its key (respondent {rid}, wave {wave}): "
                             f"were rows sorted or moved without the hidden columns {KEY} and {HASH}, or the "
                             "answer edited? Undo that or export a new workbook; nothing imported",
                             file=path, row=n, column=TEXT)
        report.reviewed += 1
        if (survey, question) not in order:
            order[(survey, question)] = _current_order(store, codebook, survey, question)
        ranks = _ranks([t for t, v in calls.items() if v == YES], order[(survey, question)].get((wave, rid), []))
        for theme, v in calls.items():
            if v:
                pending.append({"survey": survey, "wave": wave, "question": question, "respondent_id": rid,
                                "theme": theme, "applies": v == YES, "note": comment or None,
                                "rank": ranks.get(theme)})
    # Only what differs from this coder's current codes is written: a second import adds nothing.
    existing = {}
    for survey, question in current:
        h = store.codes(survey, None, question, source="human")
        h = h[h.coder == coder]
        existing.update({(r.survey, r.wave, r.question, r.respondent_id, r.theme):
                         (bool(r.applies), r.note or None, None if pd.isna(r.rank) else int(r.rank))
                         for r in h.itertuples()})
    new = [p for p in pending
           if existing.get((p["survey"], p["wave"], p["question"], p["respondent_id"], p["theme"]))
           != (p["applies"], p["note"], p["rank"])]
    report.unchanged = len(pending) - len(new)
    if new:
        report.codes_added = store.add_codes(new, source="human", coder=coder)
    return report


def _current_order(store: Store, codebook: Codebook, survey: str, question: str) -> dict[tuple[str, str], list[str]]:
    """(wave, respondent) -> the answer's current themes, main first (``codes.current_themes``)."""
    codes = store.codes(survey, None, question)
    return {key: list(applied) for key, (_, applied) in
            current_themes(codes[codes["theme"].isin(codebook.ids)]).items()}


def _ranks(chosen: list[str], before: list[str]) -> dict[str, int]:
    """The rank of each theme a reviewer said yes to. The workbook holds no order (a ja/nee
    column per theme), so the themes the answer already had keep their order (its main theme
    stays main unless the reviewer removed it), then the added ones in column order."""
    ordered = [t for t in before if t in chosen] + [t for t in chosen if t not in before]
    return {t: i + 1 for i, t in enumerate(ordered)}


def _info(wb: Workbook) -> dict[str, str]:
    """The Info sheet's name -> value lines ({} when staff deleted it)."""
    if INFO_SHEET not in wb.sheetnames:
        return {}
    return {cells[0].strip(): (cells[1].strip() if len(cells) > 1 else "")
            for _, cells in wb.rows(INFO_SHEET, header=False) if cells[0].strip()}


def _checksum(rows: list[list[str]]) -> str:
    """Of the pre-fill sheet's text cells, as read back (blank rows and trailing blanks dropped)."""
    import hashlib

    lines = []
    for cells in rows:
        cells = [c.strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append("\t".join(cells))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def _prefill(rows: list[tuple[int, list[str]]], info: dict[str, str], codebook: Codebook, in_sheet: list[str],
             path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """(the exported theme ids, {key: {theme: pre-filled call}}) from the hidden pre-fill sheet."""
    if rows and rows[0][1][0].strip() == KEY:
        exported, body = [t.strip() for t in rows[0][1][1:]], rows[1:]
    else:
        # Written before the sheet named its themes: they are in the export's codebook order,
        # known only when the codebook has the same themes (its hash ignores order) in the
        # order of the sheet's theme columns (written in that order too).
        exported_with = re.search(r"\(hash (\w+)\)\s*$", info.get("Codeboek", ""))
        if not exported_with or exported_with.group(1) != codebook.hash or in_sheet != codebook.ids:
            raise InputError(f"the codebook or the theme columns changed since this workbook was exported and its "
                             f"sheet '{PREFILL_SHEET}' does not name its themes, so staff changes cannot be told: "
                             "export a new review workbook", file=path)
        exported, body = list(codebook.ids), rows
    prefill = {}
    for _, cells in body:
        calls = [c.strip().casefold() for c in cells[1:]] + [""] * len(exported)
        prefill[cells[0].strip()] = {t: v for t, v in zip(exported, calls) if t}
    return [t for t in exported if t], prefill


def _workbook_question(prefill: dict[str, Any], path: Path) -> tuple[str, str]:
    """(survey, question) of the keys the workbook was exported with: one question per workbook."""
    questions = {(k.split("|")[0], k.split("|")[2]) if k.count("|") == 3 else None for k in prefill}
    if len(questions) != 1 or None in questions:
        raise InputError(f"the hidden sheet '{PREFILL_SHEET}' is damaged (it should hold the answer keys of one "
                         "question): export a new review workbook", file=path)
    return questions.pop()


def _columns(headers: list[str], exported: list[str], codebook: Codebook, path: Path, row: int,
             report: ImportReport) -> tuple[dict[str, int], dict[int, str]]:
    """({review column: position}, {position: theme id}); every exported theme must have its column."""
    col: dict[str, int] = {}
    themes: dict[int, str] = {}
    unknown: list[str] = []
    for i, h in enumerate(headers):
        m = _THEME_HEADER.search(h)
        if m:
            if m.group(1) not in codebook:
                raise InputError(f"theme '{m.group(1)}' is not in the codebook", file=path, row=row, column=h)
            if m.group(1) in themes.values():
                raise InputError(f"theme '{m.group(1)}' has two columns: delete one", file=path, row=row, column=h)
            themes[i] = m.group(1)
        elif h in _COLUMNS:
            if h in col:
                raise InputError("two columns have this header: delete one", file=path, row=row, column=h)
            col[h] = i
        elif h:
            unknown.append(h)
    for needed in _REQUIRED:
        if needed not in col:
            raise InputError(f"column '{needed}' is missing from the review sheet", file=path, row=row)
    missing = [t for t in exported if t in codebook and t not in themes.values()]
    if missing:
        found = f" (columns not recognised: {_list(unknown)})" if unknown else ""
        expected = _list([f"'{codebook.theme(t).label} ({t})'" for t in exported if t in codebook])
        raise InputError(f"no column for theme {_list(missing)}: was its header renamed or the column deleted?"
                         f"{found} Theme headers end in '(theme id)'; expected {expected}; nothing imported",
                         file=path, row=row)
    if unknown:
        report.warnings.append(f"columns not read (not review columns): {_list(unknown)}")
    return col, themes


def _words(text: str) -> str:
    return " ".join(str(text).split())


def _list(items: list[str], shown: int = 10) -> str:
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def _rows(numbers: list[int]) -> str:
    return f"row {numbers[0]}" if len(numbers) == 1 else f"{len(numbers)} rows ({_list([str(n) for n in numbers])})"


def workbook_question(path: str | Path) -> tuple[str, str]:
    """(survey, question) a review workbook is about, from the answer keys it was exported with."""
    with open_workbook(path, "review", sheet=SHEET) as wb:
        for sheet in ([PREFILL_SHEET] if PREFILL_SHEET in wb.sheetnames else []) + [SHEET]:
            for _, cells in wb.rows(sheet, header=False):
                parts = cells[0].strip().split("|")
                if len(parts) == 4:
                    return parts[0], parts[2]
    raise InputError("the review sheet holds no answers", file=path, row=2)
