"""Read survey exports (CSV, XLSX, SPSS .sav) into validated wave data.

Everything is read and checked before the project is touched, so bad input
leaves the project exactly as it was. Problems are ``InputError``s that name
the file, the spreadsheet row (header = rows 1..N) and the column. How files
and header rows are read is ``layout``'s job; this module checks the answers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from itertools import repeat
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import process

from .errors import InputError
from .layout import (ColumnHead, Records, frame_records, header_evidence, header_like, header_names, is_frame,
                     loose_key, read_records)
from .schema import ColumnRef, IncludeRule, Question, Schema, column_ref_text, header_key
from .store import SaveReport, Store
from .units import UnitMatch, match_unit
from .values import parse_number

if TYPE_CHECKING:
    import pandas as pd

# Cells of a multi-choice column that mean "not chosen" rather than "chosen".
_NOT_CHOSEN = {"0", "nee", "no", "false", "onwaar", "niet gekozen", "not selected", "niet geselecteerd"}
# An id as Excel shows a long number in a narrow column and saves it in CSV ('1.19E+10'):
# rounded to a few digits, so distinct respondents share it or carry wrong ids.
_SCIENTIFIC_ID = re.compile(r"^\d(?:[.,]\d+)?E\+\d+$", re.I)
# Column A (or the id cell) of a row staff added under the answers: Excel's total row.
_TOTAL_LABEL = re.compile(r"^(totaal|totalen|subtotaal|eindtotaal|total|totals|subtotal|grand total|som|sum|"
                          r"gemiddelde|gemiddeld|average|mean|aantal|count)\s*:?$", re.I)
# A range option ('2-50', '1-10') Excel read as a date and saved as one ('Feb-50', '10-Jan',
# Dutch '1-okt', 'mrt-50').
_EXCEL_DATE = re.compile(r"^(\d{1,2}-[A-Za-z]{3,4}\.?|[A-Za-z]{3,4}\.?-\d{2})$")
_RANGE = re.compile(r"^\s*\d+\s*-\s*\d+\s*$")
MAX_ERRORS = 1000  # stop collecting problems past this; one line is printed anyway
WARN_VALUES = 5    # values named in a warning line; the rest are counted


@dataclass
class Table:
    """A survey export as text cells; ``rows[i]`` is spreadsheet row ``row_numbers[i]``.

    ``headers`` are the column names (``layout.header_names``), ``heads`` the same with
    position, question text and option; data rows start after ``header_rows``."""
    file: str
    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str | None = None
    delimiter: str | None = None
    sha256: str = ""
    heads: list[ColumnHead] = field(default_factory=list)
    header_rows: int = 1
    detected_header_rows: int = 1
    header_why: str = ""
    sheet_hint: str = ""  # XLSX read from its first of several sheets: which they are (for errors)


# --- reading ------------------------------------------------------------------

def read_table(path: "str | Path | pd.DataFrame", sheet: str | int | None = None, header_rows: int = 1) -> Table:
    """Read a CSV, XLSX or SPSS file into a Table whose first ``header_rows`` non-blank
    rows are headers (an SPSS file has one), or raise InputError.

    ``path`` may also be a pandas DataFrame: its column names are the header row (row 1)
    and it is checked exactly as a file, with "<DataFrame>" as the file name in messages."""
    if is_frame(path):
        records = frame_records(path)
        path = Path(records.file)
    elif not isinstance(path, (str, PathLike)):  # a Series, a list, None: from a notebook
        raise InputError(f"expected a file path or a pandas DataFrame, not a {type(path).__name__}")
    else:
        path = Path(path)
        records = read_records(path, sheet)
    if path.suffix.lower() in (".sav", ".zsav"):
        header_rows = 1  # SPSS variables have one name each
    if len(records.rows) < header_rows:
        raise InputError(f"has {len(records.rows)} non-blank row(s) but the schema says header_rows: "
                         f"{header_rows}", file=path)
    header_cells = records.rows[:header_rows]
    heads = header_names(header_cells)
    if not any(h.name.strip() for h in heads):
        raise InputError("the first row holds no column headers", file=path, row=records.row_numbers[0])
    detected, why = header_evidence(records.rows)
    width = len(heads)
    rows: list[list[str]] = []
    numbers = records.row_numbers[header_rows:]
    is_csv = records.delimiter is not None
    for cells, row in zip(records.rows[header_rows:], numbers):
        n = len(cells)
        if n > width:
            if any(c.strip() for c in cells[width:]):
                if is_csv:
                    raise InputError(f"row has {n} cells but the header has {width}: is a "
                                     f"'{records.delimiter}' missing in the header or a quote unbalanced?",
                                     file=path, row=row)
                raise InputError("cells to the right of the last header", file=path, row=row)
            cells = cells[:width]
        elif n < width:
            if is_csv and records.no_line_end and row == numbers[-1] and rows and \
                    len(records.rows[-2]) >= width:
                # The last record is short, after whole ones, and no line break ends the file:
                # a download or copy cut short, not a respondent with blank answers.
                raise InputError(f"the file ends in the middle of this row ({n} of {width} cells, no line "
                                 "break after it): was the download or copy cut short? Export it again",
                                 file=path, row=row, column=heads[n - 1].name if n else None)
            cells = cells + [""] * (width - n)
        rows.append(cells)
    if not rows:
        raise InputError(("has a header row but no answers" if header_rows == 1 else
                          f"has {header_rows} header rows but no answers") + records.sheet_hint, file=path,
                         row=records.row_numbers[header_rows - 1] + 1)
    _refuse_merged_down(records, header_rows, heads, path)
    return Table(str(path), [h.name for h in heads], rows, list(numbers), records.encoding, records.delimiter,
                 records.sha256, heads, header_rows, detected, why, records.sheet_hint)


def _refuse_merged_down(records: Records, header_rows: int, heads: list[ColumnHead], path: Path) -> None:
    """Cells merged down answer rows (a municipality over its respondents, to make the sheet
    readable) are an error: the rows under the first would read blank. Merged titles and
    header cells (SurveyMonkey merges them) are not answers and stay fine."""
    from openpyxl.utils.cell import range_boundaries

    last_header = records.row_numbers[header_rows - 1]
    for ref in records.merged:
        try:
            min_col, min_row, _max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue  # a range openpyxl cannot read: nothing merged to speak of
        if max_row > min_row and max_row > last_header:
            column = heads[min_col - 1].name if min_col and min_col <= len(heads) else None
            raise InputError(f"cells {ref} are merged, so the rows under the first read blank: unmerge "
                             "them and fill in each row", file=path, row=max(min_row, last_header) + 1,
                             column=column)


# --- validation -----------------------------------------------------------------

@dataclass
class WaveData:
    """One export, checked against its schema, ready for the store.

    ``responses`` counts the export's data rows; ``exclusions`` holds, per include rule,
    how many responses it left out (the first rule a response fails gets it)."""
    schema: Schema
    table: Table
    respondents: list[tuple] = field(default_factory=list)
    answers: list[tuple] = field(default_factory=list)
    open_answers: list[tuple] = field(default_factory=list)
    unmatched_units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    responses: int = 0
    exclusions: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def excluded(self) -> int:
        return sum(e["count"] for e in self.exclusions)


def text_hash(text: str) -> str:
    """The key of an answer's text in the store (first 32 hex digits of its SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class _Problems:
    """Collects problems so the first is reported with a count of the rest."""

    def __init__(self) -> None:
        self.items: list[InputError] = []

    def add(self, err: InputError) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(err)

    def raise_if_any(self) -> None:
        if self.items:
            first = self.items[0]
            first.more = len(self.items) - 1
            raise first


class _Columns:
    """Resolves the schema's column references against the export's column names."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.positions: dict[str, list[int]] = {}
        for i, h in enumerate(table.headers):
            self.positions.setdefault(header_key(h), []).append(i)
        self.used: dict[int, str] = {}
        self.moved: dict[int, int] = {}  # schema position -> 0-based index, where its header moved
        self.notes: list[str] = []

    def follow(self, refs: list[ColumnRef]) -> None:
        """Positions whose header moved with a column inserted or deleted before them: the k-th
        position the schema gives a repeated header is read from the k-th column with that
        header, when the schema and the export have as many of them (otherwise __call__ refuses)."""
        groups: dict[str, set[int]] = {}
        for ref in refs:
            header = getattr(ref, "header", None)
            if header and header.strip():
                groups.setdefault(header_key(header), set()).add(int(ref))
        for key, wanted in groups.items():
            found = self.positions.get(key, [])
            if len(found) == len(wanted) and [p - 1 for p in sorted(wanted)] != found:
                moves = dict(zip(sorted(wanted), found))
                self.moved.update(moves)
                shown = ", ".join(f"{p} from column {i + 1}" for p, i in moves.items() if p - 1 != i)
                self.notes.append(f"the columns headed \"{self.table.headers[found[0]]}\" moved (a column inserted or "
                                  f"deleted before them?): position {shown}")

    def __call__(self, ref: ColumnRef, what: str, owner: str | None = None) -> int:
        """0-based index of the referenced column; ``owner`` claims it (two owners: error)."""
        t, f = self.table, self.table.file
        if isinstance(ref, int) and int(ref) in self.moved:
            i = self.moved[int(ref)]
        elif isinstance(ref, int):
            if ref > len(t.headers):
                raise InputError(f"{what}: position {ref} is past the export's last column "
                                 f"({len(t.headers)})", file=f, row=1)
            i = ref - 1
            expected = getattr(ref, "header", None)
            if expected is not None and header_key(t.headers[i]) != header_key(expected):
                found_at = [p + 1 for p in self.positions.get(header_key(expected), [])] if expected.strip() else []
                hint = f" (it is now at {', '.join(map(str, found_at[:4]))})" if found_at else ""
                shown = f'"{t.headers[i]}"' if t.headers[i].strip() else "no header"
                wanted = f'"{expected}"' if expected.strip() else "a blank header"
                raise InputError(f"{what}: position {int(ref)} has {shown}, not {wanted} as the schema says{hint}: "
                                 "was a column inserted or deleted before it? Correct the position in the schema",
                                 file=f, row=1, column=column_ref_text(ref))
        else:
            found = self.positions.get(header_key(ref), [])
            if not found:
                hits = process.extract(ref, t.headers, limit=1, score_cutoff=60)
                hint = f" (did you mean \"{hits[0][0]}\"?)" if hits else ""
                if t.detected_header_rows < t.header_rows:
                    # the names were made of a respondent's cells: a header row was deleted
                    hint += (f"; the schema says header_rows: {t.header_rows}, but row {t.header_rows} looks like "
                             "answers: was a header row deleted? Export again")
                raise InputError(f"{what} is not in the export{hint}{t.sheet_hint}", file=f, row=1, column=ref)
            if len(found) > 1:
                where = ", ".join(str(p + 1) for p in found[:6])
                raise InputError(f"column header appears more than once (positions {where}): refer to the "
                                 f"one meant as {{position: N}}", file=f, row=1, column=ref)
            i = found[0]
        if owner is not None:
            if i in self.used:
                raise InputError(f"column {i + 1} is used by both {self.used[i]} and {owner}", file=f, row=1,
                                 column=self.name(i))
            self.used[i] = owner
        return i

    def name(self, i: int) -> str:
        return self.table.headers[i] or f"position {i + 1}"


def _check_header_like_rows(table: Table, id_col: int | None) -> None:
    """A data row that looks like a header row is an error, never a respondent."""
    f = table.file
    if table.detected_header_rows > table.header_rows:
        row = table.row_numbers[0]
        raise InputError(f"row {row} looks like a header row ({table.header_why}): set header_rows: "
                         f"{table.detected_header_rows} in the schema", file=f, row=row)
    heads = table.heads
    id_pos = id_col + 1 if id_col is not None else None
    # A cheap test per row first (the id cell, or the first named column's cell, repeats
    # its header or is an ImportId); the full look only for the rows it picks out.
    probe = id_col if id_col is not None else next((i for i, h in enumerate(heads) if h.name.strip()), 0)
    probe_keys = {loose_key(heads[probe].name), loose_key(heads[probe].label)}
    for k, (cells, row) in enumerate(zip(table.rows, table.row_numbers)):
        cell = cells[probe].strip()
        suspect = cell.startswith("{") or loose_key(cell) in probe_keys if cell else id_col is not None
        if not suspect:
            continue
        why = header_like(cells, heads, id_pos)
        if why:
            fix = (f"set header_rows: {table.header_rows + 1} in the schema" if k == 0 else
                   "a header pasted twice or two exports joined? remove the row")
            raise InputError(f"row {row} looks like a header row ({why}): {fix}", file=f, row=row)


def _check_total_rows(table: Table, id_col: int | None) -> None:
    """A row labelled 'Totaal', 'Gemiddelde' ... in column A or the id column is a total row
    staff added, never a respondent (nor a response a filter leaves out)."""
    where = [0] if id_col in (None, 0) else [0, id_col]
    for cells, row in zip(table.rows, table.row_numbers):
        for i in where:
            if _TOTAL_LABEL.match(cells[i].strip()):
                raise InputError(f"row {row} looks like a total row ('{cells[i].strip()}'), not a respondent: "
                                 "remove it (textmine tally counts the answers)", file=table.file, row=row,
                                 column=table.headers[i] or f"position {i + 1}")


def _check_split_cells(table: Table, q_cols: list, columns: _Columns) -> None:
    """A one-cell checkbox column whose choices were split over blank-headed columns to its
    right (Excel's Text to Columns) is an error: only each first choice would be read."""
    for q, cols, shown, one_cell in q_cols:
        if not one_cell:
            continue
        c = cols[0][1]
        j = c + 1
        while j < len(table.headers) and not table.headers[j].strip() and j not in columns.used:
            for cells, row in zip(table.rows, table.row_numbers):
                value = cells[j].strip()
                if value and q.match_option(value) is not None:
                    raise InputError(f"column {j + 1} (no header) holds '{_clip(value)}', an option of multi "
                                     f"question '{q.id}' beside it: were its answers split over columns (Excel's "
                                     f"Text to Columns)? Join them again in one cell with '{q.separator}'",
                                     file=table.file, row=row, column=shown)
            j += 1


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _include_filter(table: Table, rules: list[IncludeRule], columns: _Columns) -> tuple[list[bool], list[dict]]:
    """Which rows the schema's include rules keep, and per rule how many it left out."""
    resolved = [(r, columns(r.column, f"the include rule's column \"{column_ref_text(r.column)}\"")) for r in rules]
    counts = [0] * len(rules)
    keep = []
    for cells in table.rows:
        for k, (rule, i) in enumerate(resolved):
            if not rule.keeps(cells[i]):
                counts[k] += 1
                keep.append(False)
                break
        else:
            keep.append(True)
    exclusions = []
    for (rule, i), n in zip(resolved, counts):
        d = rule.to_dict()
        exclusions.append({"rule": rule.condition, "why": rule.reason, "count": n, "column": columns.name(i),
                           "condition": {k: v for k, v in d.items() if k not in ("column", "why")},
                           "stated_why": rule.why})
    return keep, exclusions


def validate(table: Table, schema: Schema) -> WaveData:
    """Check every cell against the schema; raise the first problem (with a count of the rest)."""
    f = table.file
    col = _Columns(table)
    refs = [c for q in schema.questions for c in (q.columns.values() if q.columns else [q.column])]
    col.follow([r for r in (schema.id_column, schema.unit_column, *refs) if r is not None] +
               [r.column for r in schema.include])
    id_col = col(schema.id_column, "the id column", "the id column") if schema.id_column is not None else None
    unit_col = col(schema.unit_column, "the unit column", "the unit column") \
        if schema.unit_column is not None else None
    q_cols: list[tuple[Question, list[tuple[str, int]], str, bool]] = []
    for q in schema.questions:
        owner = f"question '{q.id}'"
        if q.columns:
            cols = [(opt, col(c, f"column of '{q.id}' option '{opt}'", owner)) for opt, c in q.columns.items()]
        else:
            cols = [("", col(q.column, f"column of question '{q.id}'", owner))]
        shown = q.column if isinstance(q.column, str) else col.name(cols[0][1])
        q_cols.append((q, cols, shown, q.in_one_cell))
    _check_header_like_rows(table, id_col)
    _check_total_rows(table, id_col)
    _check_split_cells(table, q_cols, col)
    keep, exclusions = _include_filter(table, schema.include, col) if schema.include else (repeat(True), [])

    problems = _Problems()
    data = WaveData(schema, table, responses=len(table.rows), exclusions=exclusions, warnings=list(col.notes))
    seen: dict[str, int] = {}
    unit_cache: dict[str, UnitMatch] = {}
    memos: dict[str, dict] = {q.id: {} for q in schema.questions}
    others: dict[str, dict[str, list]] = {q.id: {} for q in schema.questions if q.in_one_cell}
    rows_seen: dict[tuple[str, ...], int] = {}
    answer_cols = sorted({i for _q, cols, _s, _o in q_cols for _opt, i in cols})
    other_cols = [i for i in range(len(table.headers)) if i not in col.used]  # timestamp, e-mail ...
    for cells, row, kept in zip(table.rows, table.row_numbers, keep):
        if not kept:
            continue
        if id_col is None and any(cells[i].strip() for i in answer_cols) and any(cells[i].strip() for i in other_cols):
            # No id: the row number is the id, so a response pasted twice (two downloads of a
            # Google Form joined) would count twice. Identical in every cell, answers and a
            # timestamp or the like, is no coincidence (blank partial responses, or answers
            # typed in by hand without any other column, may well be).
            whole = tuple(c.strip() for c in cells)
            first = rows_seen.setdefault(whole, row)
            if first != row:
                problems.add(InputError(f"row {row} is the same as row {first} in every cell: the same response "
                                        "pasted twice (two downloads joined?)? Remove one", file=f, row=row,
                                        column=table.headers[0] or "position 1"))
                continue
        if id_col is None:
            rid = str(row)  # no id column: the spreadsheet row is the respondent's id
        else:
            rid = cells[id_col].strip()
            if not rid:
                problems.add(InputError("respondent id is empty", file=f, row=row,
                                        column=column_ref_text(schema.id_column)))  # type: ignore[arg-type]
                continue
            if _SCIENTIFIC_ID.match(rid):
                problems.add(InputError(f"respondent id '{rid}' is a number Excel rounded to scientific notation "
                                        "(distinct respondents may now share an id): save the export again with "
                                        "the id column formatted as Number without decimals, or as Text",
                                        file=f, row=row,
                                        column=column_ref_text(schema.id_column)))  # type: ignore[arg-type]
                continue
            if rid in seen:
                problems.add(InputError(f"respondent id '{rid}' also on row {seen[rid]}", file=f, row=row,
                                        column=column_ref_text(schema.id_column)))  # type: ignore[arg-type]
                continue
        seen[rid] = row
        unit = cells[unit_col].strip() if unit_col is not None else ""
        m = None
        if unit:
            if unit not in unit_cache:
                unit_cache[unit] = match_unit(unit)
            match = unit_cache[unit]
            m = match.municipality
            if m is None:
                data.unmatched_units[unit] = match.suggestions
        data.respondents.append((rid, unit or None, m.name if m else None, m.nis if m else None,
                                 m.province if m else None, m.size_class if m else None, row))
        for q, cols, shown, one_cell in q_cols:
            if one_cell:
                _read_cell_multi(q, cells[cols[0][1]], rid, row, data, memos[q.id], others[q.id])
            else:
                _read_answer(q, cols, cells, rid, row, f, shown, data, problems, memos[q.id])
    problems.raise_if_any()
    for q, cols, shown, one_cell in q_cols:
        if one_cell and others[q.id]:
            data.warnings.append(_other_warning(q, shown, others[q.id]))
    # In primary-key order: SQLite then appends instead of splitting B-tree pages.
    data.answers.sort(key=lambda a: (a[0], a[1], a[2]))
    return data


def split_multi(q: Question, text: str) -> tuple[list[str], list[str]]:
    """(options chosen, pieces that are no option) of a one-cell multi answer.

    Options that contain the separator are matched first (the longest run of pieces
    that names an option wins); the rest is split on the separator, stripped, and
    blank pieces (MS Forms ends with ';') dropped."""
    sep = q.separator or ","
    tokens = text.split(sep)
    longest = max((o.count(sep) for o in q.options), default=0) + 1
    chosen: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(tokens):
        for k in range(min(longest, len(tokens) - i), 0, -1):
            piece = sep.join(tokens[i:i + k])
            option = q.match_option(piece) if piece.strip() else None
            if option is not None:
                if option not in chosen:
                    chosen.append(option)
                i += k
                break
        else:
            piece = tokens[i].strip()
            if piece:
                unknown.append(piece)
            i += 1
    return chosen, unknown


def _read_cell_multi(q: Question, raw: str, rid: str, row: int, data: WaveData,
                     memo: dict, others: dict[str, list]) -> None:
    stripped = raw.strip()
    if not stripped:
        return
    if stripped not in memo:
        memo[stripped] = split_multi(q, stripped)
    chosen, unknown = memo[stripped]
    if unknown:
        for value in unknown:
            seen = others.setdefault(value, [0, []])
            seen[0] += 1
            if len(seen[1]) < 3:
                seen[1].append(row)
        if q.other and q.other not in chosen:
            chosen = chosen + [q.other]
    for option in chosen:
        data.answers.append((q.id, rid, option, "1", None))


def _other_warning(q: Question, shown: str, others: dict[str, list]) -> str:
    ranked = sorted(others.items(), key=lambda kv: (-kv[1][0], kv[1][1][0]))
    listed = "; ".join(f"'{v[:60]}{'…' if len(v) > 60 else ''}' ({n}×, row{'s' if len(rows) > 1 else ''} "
                       f"{', '.join(map(str, rows))}{', …' if n > len(rows) else ''})"
                       for v, (n, rows) in ranked[:WARN_VALUES])
    more = f"; and {len(ranked) - WARN_VALUES} more" if len(ranked) > WARN_VALUES else ""
    return (f"question '{q.id}' (column \"{shown}\"): {len(ranked)} value{'s' if len(ranked) != 1 else ''} "
            f"that {'are' if len(ranked) != 1 else 'is'} no option, counted as '{q.other}': {listed}{more}")


def _read_answer(q: Question, cols: list[tuple[str, int]], cells: list[str], rid: str, row: int,
                 f: str, column: str, data: WaveData, problems: _Problems, memo: dict[str, str | None]) -> None:
    if q.type == "multi":
        for opt, i in cols:
            v = cells[i].strip()
            if v:
                chosen = "1" if _is_chosen(q, opt, v) else "0"
                data.answers.append((q.id, rid, opt, chosen, None))
        return
    if q.columns:  # single or likert, a column per option: the one chosen is the answer
        chosen = [opt for opt, i in cols if cells[i].strip() and _is_chosen(q, opt, cells[i].strip())]
        if len(chosen) > 1:
            shown = ", ".join(f"'{o}'" for o in chosen[:4])
            problems.add(InputError(f"{len(chosen)} options chosen ({shown}) for {q.type} question '{q.id}', "
                                    "which takes one: make it a multi question if several are allowed",
                                    file=f, row=row, column=column))
        elif chosen:
            data.answers.append((q.id, rid, "", chosen[0], None))
        return
    raw = cells[cols[0][1]]
    stripped = raw.strip()
    if not stripped:
        return
    if q.type == "open":
        data.open_answers.append((q.id, rid, raw, text_hash(raw)))
    elif q.type == "numeric":
        number = parse_number(stripped)
        if number is None:
            problems.add(InputError(f"'{stripped}' is not a number (question '{q.id}')",
                                    file=f, row=row, column=column))
        elif (q.min is not None and number < q.min) or (q.max is not None and number > q.max):
            lo = f"{q.min:g}" if q.min is not None else "-inf"
            hi = f"{q.max:g}" if q.max is not None else "inf"
            problems.add(InputError(f"{number:g} is outside {lo}..{hi} (question '{q.id}')",
                                    file=f, row=row, column=column))
        else:
            data.answers.append((q.id, rid, "", stripped, number))
    else:
        # Exports repeat the same few spellings: match each once per question.
        if stripped not in memo:
            memo[stripped] = q.match_option(stripped)
        option = memo[stripped]
        if option is None:
            shown = ", ".join(q.all_options[:8]) + (", ..." if len(q.all_options) > 8 else "")
            ranges = [o for o in q.all_options if _RANGE.match(o)]
            hint = (f": Excel turned a range such as '{ranges[0]}' into a date? Export again and open the CSV "
                    "with the column as Text" if ranges and _EXCEL_DATE.match(stripped) else "")
            problems.add(InputError(f"'{stripped}' is not an option of '{q.id}' ({shown}){hint}",
                                    file=f, row=row, column=column))
        else:
            data.answers.append((q.id, rid, "", option, None))


def _is_chosen(q: Question, option: str, cell: str) -> bool:
    """Whether a filled cell of an option's column marks that option as chosen: '0', 'no',
    'nee' ... mean not chosen, unless every filled cell counts (SurveyMonkey's numeric export
    writes each option's code, and 0 can be one) or the cell names the option itself (the
    'No' column of a yes/no question holds 'No' when chosen)."""
    folded = cell.casefold()
    return q.chosen == "any" or folded not in _NOT_CHOSEN or " ".join(folded.split()) == " ".join(
        option.casefold().split())


def ingest(export: "str | Path | pd.DataFrame", schema: Schema, project_dir: str | Path, wave: str, *,
           replace: bool = False, sheet: str | int | None = None,
           population: int | None = None) -> tuple[SaveReport, WaveData]:
    """Read, validate and store one wave (a file, or a pandas DataFrame read as one).
    Nothing is written unless everything is valid."""
    from .args import wave_label, whole_number

    wave = wave_label(wave).strip()
    if not wave:
        raise InputError("the wave label is empty")
    if ":" in wave:  # an answer's key in the workbench is survey:wave:question:respondent
        raise InputError(f"the wave label '{wave}' holds ':': use another character, e.g. "
                         f"'{wave.replace(':', '-')}'")
    if any(ord(c) < 32 or ord(c) == 127 for c in wave) or len(wave) > 60:
        # a label is shown in every table, file name and report heading
        raise InputError(f"the wave label {wave[:60]!r} must be one line of at most 60 characters, e.g. '2026'")
    if population is not None:
        population = whole_number(population, "--population")
    table = read_table(export, sheet, schema.header_rows)
    data = validate(table, schema)
    where = "--population" if population is not None else "the schema's population"
    population = population if population is not None else schema.population
    if population is not None and population < len(data.respondents):
        raise InputError(f"{where} {population} is smaller than the {len(data.respondents)} respondents "
                         f"kept from {Path(table.file).name}: the population counts every unit that could answer",
                         file=schema.path if where != "--population" else None)
    with Store(project_dir, create=True) as store:
        report = store.save_wave(
            schema, wave, population=population,
            source_file=str(Path(table.file).name), source_sha256=table.sha256,
            respondents=data.respondents, answers=data.answers, open_answers=data.open_answers,
            replace=replace, responses_in_export=data.responses, exclusions=data.exclusions)
    return report, data
