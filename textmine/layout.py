"""How a survey export lays out its cells: raw records, header rows, column names.

Survey tools write one to three header rows: SurveyMonkey puts the question
text above the first column of each question and the sub-answers
(``Response``, option names, ``Other (please specify)``) in a second row;
Qualtrics writes export tags, question texts and ``{"ImportId": ...}``.
``read_records`` reads a file's cells as text, ``detect_header_rows`` guesses
how many rows are headers and ``header_names`` turns them into one name per
column. Reading never interprets answers: that is ``ingest``'s job.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .errors import InputError
from .values import is_blank
from .workbook import cell_text, not_xlsx_inside

DELIMITERS = (";", ",", "\t")
# Python's csv module refuses a field longer than this many characters. No survey
# answer is that long (Excel itself stops at 32,767), so a bigger cell is refused
# with a message that says so instead of being passed on to the text pipeline.
CSV_CELL_LIMIT = csv.field_size_limit()

# Sub-answers SurveyMonkey writes in its last header row that are no option name.
GENERIC_SUBANSWERS = {"response", "open-ended response", "antwoord", "open antwoord", "reactie",
                      "open reactie", "réponse", "réponse ouverte", "antwort", "offene antwort"}
# "Other (please specify)": the free-text column beside an "other" option, not an option name
# ("Other IT (e.g., Sys Admin)" is an option).
_OTHER_SPECIFY = re.compile(r"^(other|others|anders|andere|autre|autres|sonstige)\b[^(]*\(\s*(please\s+)?"
                            r"(specify|explain|describe|gelieve|te specificeren|pr[ée]cise|bitte angeben)", re.I)
_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:')
_NOT_ALNUM = re.compile(r"[\W_]+")


@dataclass
class Records:
    """Every non-blank record of an export as text cells (ragged, as written).

    ``rows[i]`` is spreadsheet row ``row_numbers[i]`` (CSV: the i-th record, so
    multi-line cells do not shift it; XLSX: the sheet's row)."""
    file: str
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str | None = None   # CSV only
    delimiter: str | None = None  # CSV only
    sha256: str = ""
    titles: list[tuple[int, str]] = field(default_factory=list)  # (row, text) of title lines above the table
    r_missing: bool = False  # CSV written by R: its unquoted NA cells were read as blank
    no_line_end: bool = False  # CSV whose last record has no line break after it (maybe cut short)
    merged: list[str] = field(default_factory=list)  # XLSX: the sheet's merged ranges ('B2:B4')
    sheet_hint: str = ""  # XLSX read from its first of several sheets: which they are


@dataclass(frozen=True)
class ColumnHead:
    """One export column: ``position`` 1-based (A = 1); ``name`` is what a schema refers
    to; ``label`` the question text; ``option`` the sub-answer when it names an option."""
    position: int
    name: str
    label: str
    option: str | None = None


# --- reading ------------------------------------------------------------------------

def read_records(path: str | Path, sheet: str | int | None = None) -> Records:
    """Read a CSV, XLSX or SPSS file's non-blank records as text, or raise InputError."""
    import hashlib

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
        records = _read_xlsx(path, data, sheet)
    elif suffix == ".xls":
        raise InputError("old Excel .xls files are not supported: save the sheet as .xlsx or CSV", file=path)
    elif suffix in (".sav", ".zsav"):
        records = _read_sav(path)
    elif data[:4] == b"PK\x03\x04":
        raise InputError("this is an Excel workbook (XLSX) with a .csv name: rename it to .xlsx", file=path)
    elif problem := not_xlsx_inside(data[:65536]):
        raise InputError(problem, file=path)
    else:
        records = _read_csv(path, data)
    records.sha256 = hashlib.sha256(data).hexdigest()
    if not records.rows:
        raise InputError("file holds no table", file=path)
    _drop_titles(records)
    return records


FRAME_NAME = "<DataFrame>"  # how messages name a table passed in memory


def is_frame(source: object) -> bool:
    """Whether ``source`` is a pandas DataFrame (checked without importing pandas)."""
    return hasattr(source, "columns") and hasattr(source, "itertuples")


def frame_records(frame: Any, name: str = FRAME_NAME) -> Records:
    """A pandas DataFrame's cells as text records, numbered as the spreadsheet it stands for:
    the column names are row 1, the first data row is row 2 (the index is not read).

    Cells become the text a survey export would hold (``workbook.cell_text``): missing
    values (NaN, None, NaT, pd.NA) are blank, 3.0 is "3", True is "1"."""
    import hashlib

    import numpy as np
    import pandas as pd

    def text(value: object) -> str:
        try:
            if value is None or pd.isna(value):  # type: ignore[arg-type]
                return ""
        except (TypeError, ValueError):  # a list or array in a cell: not missing
            pass
        if isinstance(value, np.generic):
            value = value.item()
        return cell_text(value)

    if len(frame.columns) == 0:
        raise InputError("the DataFrame has no columns", file=name)
    rows = [[str(c) for c in frame.columns]]
    numbers = [1]
    _check_cells(rows[0], rows[0], 1, name)
    for i, rec in enumerate(frame.itertuples(index=False, name=None)):
        cells = [text(v) for v in rec]
        _check_cells(cells, rows[0], i + 2, name)
        if any(c.strip() for c in cells):  # blank rows are skipped, as in a file, keeping the numbering
            rows.append(cells)
            numbers.append(i + 2)
    digest = hashlib.sha256()
    for cells in rows:
        digest.update("\x1f".join(cells).encode("utf-8", "surrogatepass") + b"\x1e")
    return Records(name, rows, numbers, sha256=digest.hexdigest())


def _check_cells(cells: list[str], header: list[str], row: int, name: str) -> None:
    """A frame's cells as a file's: longer than a CSV cell may be is refused (the text pipeline
    would fail on it later), and so is a lone surrogate (half a UTF-16 pair, e.g. from text decoded
    with errors="surrogateescape"), which cannot be stored: an InputError naming the cell."""
    from .args import lone_surrogate

    def shown(text: str) -> str:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")

    for cell, column in zip(cells, header):
        if len(cell) > CSV_CELL_LIMIT:
            raise InputError(f"a cell holds {len(cell):,} characters, more than the {CSV_CELL_LIMIT:,} a CSV cell "
                             "may hold; no answer is that long: shorten it", file=name, row=row, column=shown(column))
        if lone_surrogate(cell):
            raise InputError(f"the cell holds a lone surrogate, not valid text: {shown(cell)[:60]!r}", file=name,
                             row=row, column=shown(column))


def _drop_titles(records: Records) -> None:
    """Leave out title lines above the table ('Survey_2019_Data_PII_removed'): a first row
    with one filled cell over a header row and data rows of three or more cells."""
    def filled(row: list[str]) -> int:
        return sum(1 for c in row if c.strip())

    while len(records.rows) > 2 and filled(records.rows[0]) == 1 and records.rows[0][0].strip():
        below = [filled(r) for r in records.rows[1:31]]
        if below[0] < 3 or sum(1 for n in below if n >= 3) < 0.5 * len(below):
            return
        records.titles.append((records.row_numbers[0], records.rows[0][0].strip()))
        del records.rows[0], records.row_numbers[0]


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
    if _mostly_utf8(data):
        # One cell pasted from another program into a UTF-8 file: read as Windows-1252, every
        # other accent would be garbled without a word. _read_csv names the cell.
        return data.decode("utf-8", errors="surrogateescape"), _MIXED
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


_MIXED = "utf-8 with bytes of another encoding"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NOT_UTF8 = re.compile("[\udc80-\udcff]+")


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 accents among bytes that are not UTF-8: Windows-1252 text has next to none (an
    accented letter followed by two of its punctuation marks), so a few mean UTF-8."""
    valid = len(_UTF8_MULTIBYTE.findall(data))
    invalid = data.decode("utf-8", errors="replace").count("\ufffd") - data.count("\ufffd".encode())
    return valid > 0 and (valid >= invalid or valid >= 3)


def _first_not_utf8(path: Path, rows: list[list[str]], numbers: list[int]) -> InputError:
    """The first cell of a mostly-UTF-8 file holding bytes that are not UTF-8, as an error."""
    header = rows[0] if rows else []
    for rec, number in zip(rows, numbers):
        for i, cell in enumerate(rec):
            if _NOT_UTF8.search(cell):
                shown = _NOT_UTF8.sub(lambda m: "".join(f"\\x{ord(c) - 0xDC00:02x}" for c in m.group()), cell)
                column = header[i].strip() if rec is not header and i < len(header) and header[i].strip() else None
                return InputError(f"not UTF-8 text in '{_short(shown)}', though the file holds UTF-8 text "
                                  "elsewhere (pasted from another program, or two files joined?): retype these "
                                  "characters, or save the file as CSV UTF-8", file=path, row=number, column=column)
    return InputError("the file mixes UTF-8 with another encoding: save it as CSV UTF-8", file=path)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first records into the most, consistent, columns."""
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for d in DELIMITERS:
        records = []
        try:
            for rec in csv.reader(io.StringIO(sample, newline=""), delimiter=d):
                records.append(len(rec))
                if len(records) >= 30:
                    break
        except csv.Error:
            continue
        if not records:
            continue
        if len(records) > 1 and len(text) > len(sample):
            records = records[:-1]  # the last record of a cut sample may be partial
        # The most common width, not the first record's: a title line may sit above the table.
        width = max(set(records), key=lambda n: (records.count(n), n))
        consistent = sum(1 for n in records if n == width)
        score = (consistent if width > 1 else 0, width)
        if score > best_score:
            best, best_score = d, score
    return best


def _read_csv(path: Path, data: bytes) -> Records:
    text, encoding = _decode(path, data)
    # A byte-order mark inside the text (cells pasted from another UTF-8 file: '\ufeff1 (None
    # at all)') is invisible and means nothing; left in, '1 (None at all)' would not match.
    text = text.replace("\ufeff", "")
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    if "\x00" in text or control > 8:
        raise InputError("not a text table (binary data); export the survey as CSV or XLSX", file=path)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    numbers: list[int] = []
    record = 0  # spreadsheet row: records, not lines, so multi-line cells do not shift it
    line = 0
    try:
        for rec in reader:
            record += 1
            spanned, line = reader.line_num - line > 1, reader.line_num
            if not any(c.strip() for c in rec):
                continue
            if spanned:  # only a record over several lines can hold a line break in a cell
                rec = [c.replace("\r\n", "\n").replace("\r", "\n") for c in rec]
            rows.append(rec)
            numbers.append(record)
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            unquoted = _read_unquoted_tsv(text) if delimiter == "\t" else None
            if unquoted is not None:
                if encoding == _MIXED:
                    raise _first_not_utf8(path, *unquoted)
                return Records(str(path), unquoted[0], unquoted[1], encoding, delimiter)
            raise InputError(f"cannot parse as CSV ({exc}); is a quote unbalanced?", file=path,
                             row=record + 1) from None
    else:
        if encoding == _MIXED:
            raise _first_not_utf8(path, rows, numbers)
        records = Records(str(path), rows, numbers, encoding, delimiter)
        records.no_line_end = not text.rstrip(" \t").endswith(("\n", "\r"))
        if _written_by_r(text, delimiter):
            # R's write.csv quotes every text and writes a missing value as a bare NA.
            records.rows = [[("" if c == "NA" else c) for c in r] for r in rows]
            records.rows = [r for r in records.rows if any(c.strip() for c in r)]
            records.row_numbers = [n for r, n in zip(rows, numbers) if any(c.strip() and c != "NA" for c in r)]
            records.r_missing = True
        return records
    del reader  # frees the first parse's buffer before the second look
    raise _oversized_cell(path, text, delimiter, rows[0] if rows else [])


def _written_by_r(text: str, delimiter: str) -> bool:
    """A CSV written by R (write.csv): every header quoted, and bare NA cells among the data."""
    first = re.split(r"[\r\n]", text, maxsplit=1)[0]  # a bare CR ends a line too (old Mac CSV)
    fields = next(csv.reader([first], delimiter=delimiter), [])
    if len(fields) < 2 or first.count('"') < 2 * len(fields):
        return False  # headers not all quoted: no R
    d = re.escape(delimiter)
    return re.search(rf"(?:^|[\r\n]|{d})NA(?={d}|[\r\n]|$)", text[len(first):len(first) + 200_000]) is not None


def _read_unquoted_tsv(text: str) -> tuple[list[list[str]], list[int]] | None:
    """A tab-separated file that does not quote (Google Sheets' .tsv download writes a cell
    '"Native" graphics' as it is): one line per record, when every line has the same number
    of tabs; None otherwise (then the quote really is unbalanced)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    tabs = {line.count("\t") for line in lines if line.strip()}
    if len(tabs) != 1 or tabs == {0}:
        return None
    rows, numbers = [], []
    for number, line in enumerate(lines, start=1):
        cells = line.split("\t")
        if any(c.strip() for c in cells):
            rows.append(cells)
            numbers.append(number)
    return rows, numbers


def _oversized_cell(path: Path, text: str, delimiter: str, header: list[str]) -> InputError:
    """The true error for a cell over the CSV limit: where it is and how big it is.

    Parsed again without the limit (linear in the file size, which is already in memory)
    only to find the cell; the cell is refused either way."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, len(text) + 1))
    record = 0
    try:
        for rec in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            record += 1
            for i, cell in enumerate(rec):
                if len(cell) > CSV_CELL_LIMIT:
                    name = header[i].strip() if i < len(header) and header[i].strip() else f"position {i + 1}"
                    return InputError(
                        f"a cell holds {len(cell):,} characters, more than the {CSV_CELL_LIMIT:,} a CSV cell "
                        "may hold; no answer is that long: shorten it, or look for a quote that is never "
                        "closed", file=path, row=record, column=name)
    except csv.Error:
        return InputError(f"a quoted cell starting on this row runs to the end of the file (more than "
                          f"{CSV_CELL_LIMIT:,} characters): is a quote unbalanced?", file=path, row=record + 1)
    finally:
        csv.field_size_limit(old)
    return InputError(f"a cell is longer than the {CSV_CELL_LIMIT:,} characters a CSV cell may hold", file=path)


def _read_xlsx(path: Path, data: bytes, sheet: str | int | None) -> Records:
    from .workbook import open_workbook  # imports openpyxl: CSV users never pay for it

    rows: list[list[str]] = []
    numbers: list[int] = []
    with open_workbook(path, "XLSX", data=data) as wb:
        for excel_row, cells in wb.rows(sheet):  # the real rows, whatever size the file claims
            if any(c.strip() for c in cells):
                rows.append(cells)
                numbers.append(excel_row)
        names, merged, read = wb.sheetnames, sum(wb.merged.values(), []), wb.first_table
        others = [f"'{n}'" + (" (a chart)" if wb.is_chart(n) else "") for n in names if n != read]
    hint = ""
    if sheet is None and others:  # a cover sheet in front of the answers is a common edit
        which = "the first sheet" if names[0] == read else "the first sheet that is not a chart"
        hint = (f" (read {which}, '{read}'; the workbook also has "
                f"{', '.join(others[:5])}: choose one with --sheet NAME)")
    if not rows:
        shown = f"'{sheet}'" if isinstance(sheet, str) else f"{sheet} ('{names[sheet]}')"
        raise InputError(("the first sheet is empty" + hint) if sheet is None else f"sheet {shown} is empty",
                         file=path)
    return Records(str(path), rows, numbers, merged=merged, sheet_hint=hint)


def _read_sav(path: Path) -> Records:
    try:
        import pyreadstat
    except ImportError:
        raise InputError("reading SPSS .sav needs the 'sav' extra: pip install 'textmine[sav]'",
                         file=path) from None
    try:
        frame, _meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    except Exception as exc:  # pyreadstat raises its own untyped errors
        raise InputError(f"not a readable SPSS file: {exc}", file=path) from None
    rows = [[str(c) for c in frame.columns]]
    rows += [[cell_text(None if is_blank(v) else v) for v in rec]
             for rec in frame.itertuples(index=False, name=None)]
    return Records(str(path), rows, list(range(1, len(rows) + 1)))


# --- header rows ----------------------------------------------------------------------

def loose_key(text: str) -> str:
    """Header comparison across tools: letters and digits only ('ResponseId' = 'Response ID')."""
    return _NOT_ALNUM.sub("", str(text).casefold())


def is_import_id(cell: str) -> bool:
    """A Qualtrics third-row cell: ``{"ImportId":"QID5_2"}``."""
    return bool(_IMPORT_ID.match(cell))


def _is_import_id_row(row: Sequence[str]) -> bool:
    filled = [c for c in row if c.strip()]
    hits = sum(1 for c in filled if is_import_id(c))
    return hits >= 2 and 2 * hits >= len(filled)


# Humanitarian Exchange Language hashtags ('#affected+f', '#adm1+name'): KoboToolbox writes
# them as a second header row under the question labels.
_HXL = re.compile(r"^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$", re.I)
_KOBO_META = {"uuid", "submissiontime", "validationstatus", "submittedby"}


def is_hxl_row(row: Sequence[str], above: Sequence[str] = ()) -> bool:
    """A row of HXL hashtags: every filled cell a tag, two or more of them (one is enough
    under a KoboToolbox header row, whose data rows always fill _uuid and _submission_time)."""
    filled = [c.strip() for c in row if c.strip()]
    if not filled or not all(_HXL.match(c) for c in filled):
        return False
    return len(filled) >= 2 or bool(_KOBO_META & {loose_key(c) for c in above})


def _spanned(row: Sequence[str]) -> list[int]:
    """Positions of blank cells to the right of a filled one: a question text spanning them."""
    out, seen = [], False
    for i, c in enumerate(row):
        if c.strip():
            seen = True
        elif seen:
            out.append(i)
    return out


def _is_generic(cell: str) -> bool:
    return " ".join(cell.split()).casefold() in GENERIC_SUBANSWERS


def _subanswer_row(above: Sequence[str], row: Sequence[str]) -> str | None:
    """Why ``row`` is a SurveyMonkey-style sub-answer row under ``above``, or None."""
    spans = _spanned(above)
    if not spans:
        return None
    width = max(len(above), len(row))
    above = list(above) + [""] * (width - len(above))
    row = list(row) + [""] * (width - len(row))
    # The first cell: sub-answer rows repeat the first header, leave it blank, or (the first
    # header being blank) name the id column there ('#', 'Respondent ID'); a respondent's
    # id, row number or timestamp holds digits.
    first_named = not above[0].strip() and _header_word(row[0])
    if row[0].strip() and loose_key(row[0]) != loose_key(above[0]) and not first_named:
        return None
    markers = sum(1 for c in row if c.strip() and _is_generic(c))
    repeats = sum(1 for a, c in zip(above, row) if a.strip() and loose_key(a) and loose_key(a) == loose_key(c))
    under = [row[i] for i in spans if i < width]
    filled_under = sum(1 for c in under if c.strip())
    if markers >= 2 or (markers and repeats):
        return f"{markers} cells read 'Response' or 'Open-Ended Response'"
    if repeats >= 3 and filled_under >= 0.9 * len(under):
        return f"{repeats} cells repeat the header above and every sub-column is named"
    others = sum(1 for c in row if _OTHER_SPECIFY.match(c))
    if (((above[0].strip() and not row[0].strip()) or first_named) and filled_under >= 0.9 * len(under)
            and len({loose_key(c) for c in under}) >= 0.9 * len(under) and (markers or others or len(under) >= 3)):
        return "the first cell is blank and every sub-column is named"
    return None


def _header_word(cell: str) -> bool:
    """A short label with no digit ('#', 'Respondent ID'): a header, never a respondent's id."""
    cell = cell.strip()
    return bool(cell) and len(cell) <= 40 and not any(ch.isdigit() for ch in cell)


# Qualtrics' legacy CSV: row 1 numbers the columns V1, V2 ... over row 2's names (ResponseID ...).
_LEGACY_TAG = re.compile(r"^V\d+$")


def _is_legacy_qualtrics(top: Sequence[str], below: Sequence[str]) -> bool:
    tags = [c.strip() for c in top[:10]]
    return (len(tags) >= 5 and all(_LEGACY_TAG.match(t) for t in tags[:5]) and tags[0] == "V1"
            and any(loose_key(c) in ("responseid", "responseset") for c in below[:12]))


def header_evidence(records: Sequence[Sequence[str]]) -> tuple[int, str]:
    """(number of header rows, why) from the first records of an export."""
    head = [list(r) for r in records[:4]]
    for i, row in enumerate(head[1:], start=1):
        if _is_import_id_row(row):
            return i + 1, f"row {i + 1} holds Qualtrics ImportIds"
    if len(head) > 2 and _is_legacy_qualtrics(head[0], head[1]):
        return 2, "row 1 numbers the columns V1, V2 ... over row 2's names (Qualtrics legacy export)"
    if len(head) > 2 and is_hxl_row(head[1], head[0]):
        return 2, "row 2 holds HXL hashtags (#...) under the question labels (KoboToolbox)"
    for k in range(min(2, len(head) - 1)):
        why = _subanswer_row(head[k], head[k + 1])
        if why:
            return k + 2, f"row {k + 2} holds sub-answers under the question texts ({why})"
    return 1, "one header row"


def detect_header_rows(records: "Records | Sequence[Sequence[str]]") -> int:
    """How many of the first records are header rows: Qualtrics (ImportId row) 3,
    SurveyMonkey 2 (3 with an analysts' label row on top), otherwise 1."""
    rows = records.rows if isinstance(records, Records) else records
    return header_evidence(rows)[0]


def header_names(header_cells: list[list[str]]) -> list[ColumnHead]:
    """One ColumnHead per column of these header rows (see the module doc).

    Qualtrics (an ImportId row, or a row of export tags over a row of texts): name =
    the tag, label = the question text. SurveyMonkey and the like: blank cells of
    every row but the last take the text to their left; name = the top text, plus
    " - " and the last row's sub-answer unless that is blank, generic or the same
    text; label = the longest question text. Names may repeat or be blank: schemas
    then refer to those columns by ``{position: N}``."""
    rows = [[str(c).strip() for c in r] for r in header_cells if r is not None]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if len(rows) == 1:
        return [ColumnHead(i + 1, c, c) for i, c in enumerate(rows[0])]
    if len(rows) == 2 and _is_legacy_qualtrics(rows[0], rows[1]):
        # V1 ... V10 number the metadata columns: their names are row 2's (ResponseID, Status ...).
        return [ColumnHead(i + 1, rows[1][i] if _LEGACY_TAG.match(rows[0][i]) else rows[0][i],
                           rows[1][i] or rows[0][i]) for i in range(width)]
    rows = [r for i, r in enumerate(rows) if not (i and is_hxl_row(r, rows[i - 1]))]  # tags name nothing
    if len(rows) == 1:
        return [ColumnHead(i + 1, c, c) for i, c in enumerate(rows[0])]
    kept = [r for r in rows if not _is_import_id_row(r)] or rows[:1]
    qualtrics = len(kept) < len(rows)
    if not qualtrics and len(kept) == 2 and not _spanned(kept[0]) \
            and not any(_is_generic(c) for c in kept[1] if c):
        # Tags over texts (older Qualtrics and hand-made sheets): no spans, no sub-answers.
        qualtrics = True
    if qualtrics:
        names, texts = kept[0], kept[1] if len(kept) > 1 else kept[0]
        return [ColumnHead(i + 1, names[i], texts[i] or names[i]) for i in range(width)]
    top = [fill_right(r) for r in kept[:-1]]
    last = kept[-1]
    heads = []
    for i in range(width):
        if not any(r[i] for r in kept):
            # blank in every header row: a column staff inserted, not part of the question on its left
            heads.append(ColumnHead(i + 1, "", ""))
            continue
        texts = [r[i] for r in top if r[i]]
        sub = last[i]
        first = texts[0] if texts else ""
        label = max(texts, key=len) if texts else sub
        generic = not sub or _is_generic(sub) or any(loose_key(sub) == loose_key(t) for t in texts)
        if not first:
            name = sub
        elif generic:
            name = first
        else:
            name = f"{first} - {sub}"
        option = None if generic or _OTHER_SPECIFY.match(sub) else sub
        heads.append(ColumnHead(i + 1, name, label, option))
    return heads


def fill_right(row: list[str]) -> list[str]:
    """A header row with each blank cell taken from its left (a question text spans its columns)."""
    out, last = [], ""
    for c in row:
        last = c or last
        out.append(c or last)
    return out


# --- header-like data rows ------------------------------------------------------------

def header_like(cells: Sequence[str], heads: Sequence[ColumnHead], id_position: int | None = None) -> str | None:
    """Why a data row looks like a header row (a header pasted twice, two exports joined),
    or None. Precise on purpose: one answer such as 'Response' is not a header row, and
    a row whose id cell holds a real id is a respondent."""
    share = 0.8  # of the filled cells that must repeat headers when there is no id to go by
    if id_position is not None and id_position <= len(cells):
        cell = cells[id_position - 1].strip()
        head = heads[id_position - 1]
        if cell and loose_key(cell) in {loose_key(head.name), loose_key(head.label)}:
            return f"its id cell reads '{cell}'"
        if cell and not is_import_id(cell):
            return None
        share = 0.5
    filled = imports = repeats = markers = 0
    for cell, head in zip(cells, heads):
        if not cell.strip():
            continue
        filled += 1
        if is_import_id(cell):
            imports += 1
        elif _is_generic(cell):
            markers += 1
        elif (head.name or head.label) and loose_key(cell) in {loose_key(head.name), loose_key(head.label)}:
            repeats += 1
        elif id_position is not None and head.option and loose_key(cell) == loose_key(head.option):
            # the option-name row pasted again (its id cell is blank); a respondent's ticked
            # options repeat them too, but a respondent has an id
            repeats += 1
    if imports >= 2 and 2 * imports >= filled:
        return f"{imports} cells are Qualtrics ImportIds"
    if repeats + markers >= 3 and repeats + markers >= share * filled:
        parts = [f"{repeats} cells repeat their column's header"] if repeats else []
        parts += [f"{markers} read 'Response'"] if markers else []
        return "; ".join(parts)
    return None
