"""Writing tables for spreadsheets: CSV and XLSX that never run a formula nor break.

A cell starting with = + - @ (or a tab/CR) is a formula to Excel and
LibreOffice, even in a CSV. Text like that is written with a leading
apostrophe in CSV and as an explicit text cell in XLSX; real numbers stay numbers.
Characters an XLSX cell cannot hold (control characters that XML 1.0 forbids) are
written visibly as ``\\x0b``; text past Excel's 32,767 characters per cell is cut with
a mark. Every XLSX cell is written through ``set_text_safe``, every file whole or not
at all (``atomic``). Workbooks are read by ``workbook``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

from .atomic import atomic_path

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_text(value: Any) -> Any:
    """Neutralise text a spreadsheet would evaluate; numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV text of ``rows`` in the given columns, with spreadsheet formulas neutralised and lists/dicts as JSON."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_text(c) for c in columns])
    for r in rows:
        writer.writerow([_csv_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return safe_text(value)


def write_xlsx(path: str | Path, sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]],
               *, freeze_header: bool = True) -> None:
    """Write sheets of (headers, rows); every string cell is stored as text, never as a formula."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        for r, row in enumerate([list(headers), *rows], start=1):
            for c, value in enumerate(row, start=1):
                set_text_safe(ws.cell(row=r, column=c), value)
        if freeze_header:
            ws.freeze_panes = "A2"
        for c, h in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(c)].width = min(60, max(10, len(str(h)) + 2))
    with atomic_path(path) as tmp:
        wb.save(tmp)


# XML 1.0 cannot hold these (openpyxl refuses the first group; the rest make a file Excel repairs).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_CELL = 32767  # Excel's characters per cell
CUT_MARK = " … [ingekort]"


def excel_text(text: str) -> str:
    """``text`` as an XLSX cell can hold it: forbidden characters shown as ``\\xNN``/``\\uNNNN``
    (visible, so a reader sees something was there), cut with a mark past 32,767 characters."""
    text = _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - len(CUT_MARK)] + CUT_MARK


def set_text_safe(cell: Any, value: Any) -> None:
    """Assign a value to an openpyxl cell so that text can never become a formula nor break the file."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        value = excel_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store '=...' as a formula


YES, NO = "ja", "nee"  # the yes/no cells of the workbooks staff fill in (review, catalogue curation)


def answer_key(survey: str, wave: str, question: str, respondent_id: str) -> str:
    """The "Sleutel" cell of the staff workbooks (review, catalogue curation): one answer."""
    return f"{survey}|{wave}|{question}|{respondent_id}"


def write_staff_sheet(ws: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                      highlight: Iterable[str] = (), wrap: str | None = None, yes_no: Iterable[str] = (),
                      widths: dict[str, float] | None = None, hidden: Iterable[str] = (),
                      freeze: str = "A2") -> int:
    """Fill ``ws`` as a sheet staff edit: bold header (columns to fill in ``highlight``ed), rows as
    text that can never become a formula, ``wrap`` column wrapped, a ja/nee list on the
    ``yes_no`` columns, column ``widths``, ``hidden`` columns, frozen panes and a filter.
    Returns the last row (at least 2, so the list and filter have a row to cover)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    col = {h: get_column_letter(c) for c, h in enumerate(headers, start=1)}
    fill, marked = PatternFill("solid", fgColor="FFF2CC"), set(highlight)
    wrapped = Alignment(wrap_text=True, vertical="top")
    for c, h in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=c)
        set_text_safe(cell, h)
        cell.font, cell.alignment = Font(bold=True), wrapped
        if h in marked:
            cell.fill = fill
    wrap_at = headers.index(wrap) + 1 if wrap is not None else None
    n = 0
    for n, values in enumerate(rows, start=1):
        for c, v in enumerate(values, start=1):
            set_text_safe(ws.cell(row=n + 1, column=c), v)
        if wrap_at:
            ws.cell(row=n + 1, column=wrap_at).alignment = wrapped
    last = max(2, n + 1)
    choice = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True,
                            showErrorMessage=True, errorTitle="ja of nee", error="Kies ja of nee.")
    ws.add_data_validation(choice)
    for h in yes_no:
        choice.add(f"{col[h]}2:{col[h]}{last}")
    for h, width in (widths or {}).items():
        ws.column_dimensions[col[h]].width = width
    for h in hidden:
        ws.column_dimensions[col[h]].hidden = True
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    return last


def write_info_sheet(ws: Any, lines: Sequence[tuple[str, Any]]) -> None:
    """A two-column "what is this workbook" sheet: bold names, wrapped values."""
    from openpyxl.styles import Alignment, Font

    for r, (name, value) in enumerate(lines, start=1):
        set_text_safe(ws.cell(row=r, column=1), name)
        set_text_safe(ws.cell(row=r, column=2), value)
        ws.cell(row=r, column=1).font = Font(bold=True)
        ws.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
