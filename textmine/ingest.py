"""Read survey exports (CSV, XLSX, SPSS .sav) into validated wave data.

Everything is read and checked before the project is touched, so bad input
leaves the project exactly as it was. Problems are ``InputError``s that name
the file, the spreadsheet row (header = row 1) and the column.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process

from .errors import InputError
from .schema import Question, Schema
from .store import SaveReport, Store
from .units import UnitMatch, match_unit
from .values import is_blank, parse_number

DELIMITERS = (";", ",", "\t")
# Cells of a multi-choice column that mean "not chosen" rather than "chosen".
_NOT_CHOSEN = {"0", "nee", "no", "false", "onwaar", "niet gekozen", "not selected", "niet geselecteerd"}
MAX_ERRORS = 1000  # stop collecting problems past this; one line is printed anyway


@dataclass
class Table:
    """A survey export as text cells; ``rows[i]`` is spreadsheet row ``row_numbers[i]``."""
    file: str
    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str | None = None
    delimiter: str | None = None
    sha256: str = ""

    def column_index(self) -> dict[str, int]:
        """Header -> position, matched with white space folded and case ignored."""
        index: dict[str, int] = {}
        for i, h in enumerate(self.headers):
            index.setdefault(_header_key(h), i)
        return index


def _header_key(header: str) -> str:
    return " ".join(str(header).split()).casefold()


# --- reading ------------------------------------------------------------------

def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read a CSV, XLSX or SPSS file into a Table, or raise InputError."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    if path.is_dir():
        raise InputError("is a directory, not a survey export", file=path)
    data = path.read_bytes()
    if not data.strip():
        raise InputError("file is empty", file=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or (data[:4] == b"PK\x03\x04" and suffix not in (".csv", ".txt", ".tsv")):
        table = _read_xlsx(path, data, sheet)
    elif suffix == ".xls":
        raise InputError("old Excel .xls files are not supported: save the sheet as .xlsx or CSV", file=path)
    elif suffix in (".sav", ".zsav"):
        table = _read_sav(path)
    elif data[:4] == b"PK\x03\x04":
        raise InputError("this is an Excel workbook (XLSX) with a .csv name: rename it to .xlsx", file=path)
    else:
        table = _read_csv(path, data)
    table.sha256 = hashlib.sha256(data).hexdigest()
    if not any(h.strip() for h in table.headers):
        raise InputError("the first row holds no column headers", file=path, row=1)
    if not table.rows:
        raise InputError("has a header row but no answers", file=path, row=2)
    return table


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Detect UTF-8 (with or without BOM), UTF-16 and Windows-1252."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(f"broken {enc} text near byte {exc.start}", file=path) from None
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 without BOM: every other byte is zero for Latin text.
        if head[1::2].count(0) > len(head) // 3:
            return data.decode("utf-16-le", errors="strict"), "utf-16-le"
        if head[0::2].count(0) > len(head) // 3:
            return data.decode("utf-16-be", errors="strict"), "utf-16-be"
        raise InputError("not a text table (binary data); export the survey as CSV or XLSX", file=path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first records into the most, consistent, columns."""
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for d in DELIMITERS:
        records = []
        try:
            for rec in csv.reader(io.StringIO(sample), delimiter=d):
                records.append(len(rec))
                if len(records) >= 30:
                    break
        except csv.Error:
            continue
        if not records:
            continue
        width = records[0]
        if len(records) > 1 and len(text) > len(sample):
            records = records[:-1]  # the last record of a cut sample may be partial
        consistent = sum(1 for n in records if n == width)
        score = (consistent if width > 1 else 0, width)
        if score > best_score:
            best, best_score = d, score
    return best


def _read_csv(path: Path, data: bytes) -> Table:
    text, encoding = _decode(path, data)
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    if "\x00" in text or control > 8:
        raise InputError("not a text table (binary data); export the survey as CSV or XLSX", file=path)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    headers: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    record = 0  # spreadsheet row: records, not lines, so multi-line cells do not shift it
    try:
        for rec in reader:
            record += 1
            if not any(c.strip() for c in rec):
                continue
            if headers is None:
                headers = [c.strip() for c in rec]
                continue
            if len(rec) > len(headers):
                if any(c.strip() for c in rec[len(headers):]):
                    raise InputError(f"row has {len(rec)} cells but the header has {len(headers)}: "
                                     f"is a '{delimiter}' missing in the header or a quote unbalanced?",
                                     file=path, row=record)
                rec = rec[:len(headers)]
            elif len(rec) < len(headers):
                rec = rec + [""] * (len(headers) - len(rec))
            rows.append([c.replace("\r\n", "\n").replace("\r", "\n") for c in rec])
            numbers.append(record)
    except csv.Error as exc:
        raise InputError(f"cannot parse as CSV ({exc}); is a quote unbalanced?", file=path,
                         row=record) from None
    if headers is None:
        raise InputError("file holds no table", file=path)
    return Table(str(path), headers, rows, numbers, encoding, delimiter)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, data: bytes, sheet: str | None) -> Table:
    from .workbook import open_workbook  # imports openpyxl: CSV users never pay for it

    headers: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    with open_workbook(path, "XLSX", data=data) as wb:
        for excel_row, cells in wb.rows(sheet):  # the real rows, whatever size the file claims
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers = [c.strip() for c in cells]
                continue
            if len(cells) > len(headers):
                if any(c.strip() for c in cells[len(headers):]):
                    raise InputError("cells to the right of the last header", file=path, row=excel_row)
                cells = cells[:len(headers)]
            rows.append(cells + [""] * (len(headers) - len(cells)))
            numbers.append(excel_row)
    if headers is None:
        raise InputError(f"sheet '{sheet}' is empty" if sheet else "the first sheet is empty", file=path)
    return Table(str(path), headers, rows, numbers)


def _read_sav(path: Path) -> Table:
    try:
        import pyreadstat
    except ImportError:
        raise InputError("reading SPSS .sav needs the 'sav' extra: pip install 'textmine[sav]'",
                         file=path) from None
    try:
        frame, _meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    except Exception as exc:  # pyreadstat raises its own untyped errors
        raise InputError(f"not a readable SPSS file: {exc}", file=path) from None
    headers = [str(c) for c in frame.columns]
    rows = [[_cell_text(None if is_blank(v) else v) for v in rec]
            for rec in frame.itertuples(index=False, name=None)]
    return Table(str(path), headers, rows, list(range(2, len(rows) + 2)))


# --- validation -----------------------------------------------------------------

@dataclass
class WaveData:
    """One export, checked against its schema, ready for the store."""
    schema: Schema
    table: Table
    respondents: list[tuple] = field(default_factory=list)
    answers: list[tuple] = field(default_factory=list)
    open_answers: list[tuple] = field(default_factory=list)
    unmatched_units: dict[str, tuple[str, ...]] = field(default_factory=dict)


def text_hash(text: str) -> str:
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


def validate(table: Table, schema: Schema) -> WaveData:
    """Check every cell against the schema; raise the first problem (with a count of the rest)."""
    index = table.column_index()
    f = table.file

    def col(name: str, what: str) -> int:
        key = _header_key(name)
        if key in index:
            return index[key]
        hits = process.extract(name, table.headers, limit=1, score_cutoff=60)
        hint = f" (did you mean \"{hits[0][0]}\"?)" if hits else ""
        raise InputError(f"{what} is not in the export{hint}", file=f, row=1, column=name)

    id_col = col(schema.id_column, "the id column")
    unit_col = col(schema.unit_column, "the unit column") if schema.unit_column else None
    q_cols: list[tuple[Question, list[tuple[str, int]]]] = []
    for q in schema.questions:
        if q.type == "multi":
            q_cols.append((q, [(opt, col(c, f"column of '{q.id}' option '{opt}'")) for opt, c in q.columns.items()]))
        else:
            q_cols.append((q, [("", col(q.column or "", f"column of question '{q.id}'"))]))
    dupes = {}
    for i, h in enumerate(table.headers):
        dupes.setdefault(_header_key(h), []).append(i)
    used = {id_col, unit_col} | {i for _, cols in q_cols for _, i in cols}
    for key, positions in dupes.items():
        if len(positions) > 1 and used & set(positions):
            raise InputError("column header appears more than once", file=f, row=1,
                             column=table.headers[positions[0]])

    problems = _Problems()
    data = WaveData(schema, table)
    seen: dict[str, int] = {}
    unit_cache: dict[str, UnitMatch] = {}
    memos: dict[str, dict[str, str | None]] = {q.id: {} for q in schema.questions}
    for cells, row in zip(table.rows, table.row_numbers):
        rid = cells[id_col].strip()
        if not rid:
            problems.add(InputError("respondent id is empty", file=f, row=row, column=schema.id_column))
            continue
        if rid in seen:
            problems.add(InputError(f"respondent id '{rid}' also on row {seen[rid]}", file=f, row=row,
                                    column=schema.id_column))
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
        for q, cols in q_cols:
            _read_answer(q, cols, cells, rid, row, f, data, problems, memos[q.id])
    problems.raise_if_any()
    # In primary-key order: SQLite then appends instead of splitting B-tree pages.
    data.answers.sort(key=lambda a: (a[0], a[1], a[2]))
    return data


def _read_answer(q: Question, cols: list[tuple[str, int]], cells: list[str], rid: str, row: int,
                 f: str, data: WaveData, problems: _Problems, memo: dict[str, str | None]) -> None:
    if q.type == "multi":
        for opt, i in cols:
            v = cells[i].strip()
            if v:
                chosen = "0" if v.casefold() in _NOT_CHOSEN else "1"
                data.answers.append((q.id, rid, opt, chosen, None))
        return
    raw = cells[cols[0][1]]
    stripped = raw.strip()
    if not stripped:
        return
    column = q.column
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
            problems.add(InputError(f"'{stripped}' is not an option of '{q.id}' ({shown})",
                                    file=f, row=row, column=column))
        else:
            data.answers.append((q.id, rid, "", option, None))


def ingest(export: str | Path, schema: Schema, project_dir: str | Path, wave: str, *,
           replace: bool = False, sheet: str | None = None,
           population: int | None = None) -> tuple[SaveReport, WaveData]:
    """Read, validate and store one wave. Nothing is written unless everything is valid."""
    wave = str(wave).strip()
    if not wave:
        raise InputError("the wave label is empty")
    table = read_table(export, sheet)
    data = validate(table, schema)
    with Store(project_dir, create=True) as store:
        report = store.save_wave(
            schema, wave, population=population if population is not None else schema.population,
            source_file=str(Path(export).name), source_sha256=table.sha256,
            respondents=data.respondents, answers=data.answers, open_answers=data.open_answers,
            replace=replace)
    return report, data
