"""Writing tables for spreadsheets: CSV and XLSX that never run a formula.

A cell starting with = + - @ (or a tab/CR) is a formula to Excel and
LibreOffice, even in a CSV. Text like that is written with a leading
apostrophe in CSV and as an explicit text cell in XLSX; real numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_text(value: Any) -> Any:
    """Neutralise text a spreadsheet would evaluate; numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
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
    wb.save(path)


def set_text_safe(cell: Any, value: Any) -> None:
    """Assign a value to an openpyxl cell so that text can never become a formula."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store '=...' as a formula


@contextmanager
def open_workbook(path: str | Path, sheet: str, kind: str) -> Iterator[Any]:
    """A textmine workbook staff edited, opened read-only (values, not formulas); closed after.

    ``kind`` names it in errors ("review", "catalogue"): a damaged file or a missing
    ``sheet`` is one line naming the file."""
    import openpyxl

    from .errors import InputError

    path = Path(path)
    if not path.exists():
        raise InputError(f"{kind} workbook not found", file=path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"not a readable {kind} workbook: {exc}", file=path) from None
    try:
        if sheet not in wb.sheetnames:
            raise InputError(f"no sheet '{sheet}': is this a textmine {kind} workbook?", file=path)
        yield wb
    finally:
        wb.close()
