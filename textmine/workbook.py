"""Reading XLSX workbooks: the real rows of a sheet, as text cells, whatever the file claims.

Every XLSX textmine reads (survey exports, review and catalogue workbooks) is read here.
openpyxl's read-only mode trusts the sheet size stored in the file (``<dimension ref>``):
a file that understates it loses rows and columns without a word, and one that claims
A1:XFD1048576 is padded to 17 billion cells. Here a sheet is streamed from its XML: only
the rows and cells present in the file are read, each row comes with its spreadsheet
number and is as wide as its last filled cell, so time and memory follow the real
content. A formula whose value was never computed (a workbook written by a script, or
saved by a tool that does not calculate) is an error naming the cell, never a blank.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from .errors import InputError

Row = tuple[int, list[str]]  # (spreadsheet row number, text cells from column A)
_UNCOMPUTED = object()  # a formula cell without a cached value
# What a damaged workbook raises while its sheet XML is streamed (zip, deflate, XML, numbers).
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, SyntaxError)


def cell_text(value: object) -> str:
    """A cell value as the text a survey export means (1/0 for booleans, 3 not 3.0, ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# Characters a paste brings that show as nothing: zero-width space/joiners, word joiner,
# byte-order mark, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def choice_text(cell: str) -> str:
    """A typed choice cell ('ja', ' Ja ', 'ja' pasted with a zero-width space) as the word
    meant: invisible characters dropped, space stripped, casefolded."""
    return cell.translate(_INVISIBLE).strip().casefold()


@lru_cache(maxsize=1)
def _parser_class() -> type:
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class SheetParser(WorkSheetParser):
        """openpyxl's cell parser, told to mark formulas that hold no computed value."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            if element.find(FORMULA_TAG) is not None:
                cached = element.find(VALUE_TAG)
                # t="str" with an empty <v> is a formula that computed "" (Excel, LibreOffice)
                if cached is None or (not cached.text and element.get("t") != "str"):
                    cell["value"] = _UNCOMPUTED
            return cell

    return SheetParser


def _parsed_rows(parser: Any, source: Any, merged: list[str] | None = None
                 ) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Each <row> of the sheet XML parsed by ``parser``; rows read are dropped from the tree
    (openpyxl keeps them), so memory stays flat however long the sheet. ``merged`` gets the
    sheet's merged ranges ('B2:B4'), which follow the rows in the file."""
    from openpyxl.worksheet._reader import DATA_TAG, ROW_TAG, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    merge_tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
    sheet_data = None
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            if element.tag == DATA_TAG:
                sheet_data = element
        elif element.tag == merge_tag:
            if merged is not None and element.get("ref"):
                merged.append(element.get("ref"))
        elif element.tag == ROW_TAG:
            yield parser.parse_row(element)
            parser.row_dimensions.clear()  # row heights are not needed
            if sheet_data is not None:
                sheet_data.clear()


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


class Workbook:
    """An open XLSX workbook; read its sheets with :meth:`rows`. Use :func:`open_workbook`."""

    def __init__(self, book: Any, file: Path, kind: str) -> None:
        self._book = book
        self.file = file
        self.kind = kind
        self.merged: dict[str, list[str]] = {}  # sheet -> merged ranges, once its rows were read

    @property
    def sheetnames(self) -> list[str]:
        return list(self._book.sheetnames)

    @property
    def first_table(self) -> str | None:
        """The name of the sheet read when none is named: the first that is not a chart."""
        return self._book.worksheets[0].title if self._book.worksheets else None

    def is_chart(self, name: str) -> bool:
        return not hasattr(self._book[name], "_get_source")

    def rows(self, sheet: str | int | None = None, *, header: bool = True) -> Iterator[Row]:
        """The sheet's rows that hold a value, in file order, as ``(row number, text cells)``.

        ``sheet``: a sheet name, or its position from 0 as pandas counts (default: the first
        sheet that is not a chart). ``header``: the first row names the columns, so an error
        names the column by its header.
        """
        ws = self._sheet(sheet)
        names: list[str] | None = None if header else []
        book = self._book
        try:
            with ws._get_source() as source:  # the sheet's XML, streamed; its <dimension> is ignored
                parser = _parser_class()(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                                         date_formats=book._date_formats,
                                         timedelta_formats=book._timedelta_formats)
                for number, cells in _parsed_rows(parser, source, self.merged.setdefault(ws.title, [])):
                    filled = [c for c in cells if c["value"] is not None and c["value"] != ""]
                    if not filled:
                        continue
                    texts = [""] * max(c["column"] for c in filled)
                    for c in filled:
                        if c["value"] is _UNCOMPUTED:
                            self._uncomputed(ws.title, number, c["column"], names)
                        texts[c["column"] - 1] = cell_text(c["value"])
                    if names is None:
                        names = [t.strip() for t in texts]
                    yield number, texts
        except InputError:
            raise
        except _DAMAGED as exc:
            raise InputError(f"{self.kind} workbook is damaged or truncated: {exc}", file=self.file) from None

    def _sheet(self, name: str | int | None) -> Any:
        if name is None:
            if not self._book.worksheets:
                raise InputError(f"the {self.kind} workbook has no sheet", file=self.file)
            return self._book.worksheets[0]
        if isinstance(name, int):
            names = self._book.sheetnames
            if not 0 <= name < len(names):
                listed = ", ".join(f"{i} '{n}'" for i, n in enumerate(names[:10]))
                raise InputError(f"no sheet {name} (sheets: {listed})", file=self.file)
            name = names[name]
        if name not in self._book.sheetnames:
            raise InputError(f"no sheet '{name}' (sheets: {', '.join(self._book.sheetnames)})", file=self.file)
        ws = self._book[name]
        if not hasattr(ws, "_get_source"):
            raise InputError(f"sheet '{name}' is a chart, not a table", file=self.file)
        return ws

    def _uncomputed(self, sheet: str, row: int, column: int, names: list[str] | None) -> None:
        letter = _column_letter(column)
        name = names[column - 1] if names and column <= len(names) and names[column - 1] else letter
        raise InputError(f"cell {letter}{row} of sheet '{sheet}' is a formula without a computed value: "
                         "open and save the file in Excel", file=self.file, row=row, column=name)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Microsoft's compound file: old .xls, or any encrypted Office file


def not_xlsx_inside(head: bytes) -> str | None:
    """What a file that starts with ``head`` (its first bytes, 8 will do; more to tell a
    password from an old .xls) is, when it is an Office file that is not an XLSX zip;
    None otherwise. Excel saves a workbook with a password as such a file."""
    if not head.startswith(_OLE):
        return None
    if "EncryptedPackage".encode("utf-16-le") in head:
        return ("this workbook is protected with a password (encrypted): open it in Excel, remove the password "
                "(File > Info > Protect Workbook) and save it again")
    return ("this is an old Excel .xls file (or another pre-2007 Office file), not an XLSX: open it in Excel "
            "and save it as .xlsx")


@contextmanager
def open_workbook(path: str | Path, kind: str = "XLSX", *, data: bytes | None = None,
                  sheet: str | None = None) -> Iterator[Workbook]:
    """Open an XLSX workbook to read (``data``: its bytes, when already read); closed after.

    ``kind`` names it in errors ("XLSX", "review", "catalogue"); ``sheet``: a sheet the
    workbook must have (a textmine workbook's main sheet). A missing, damaged or foreign
    file is one line naming the file.
    """
    import openpyxl  # imported here: CSV users never pay for it

    path = Path(path)
    if data is None and not path.exists():
        raise InputError(f"{kind} workbook not found", file=path)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data) if data is not None else path, read_only=True,
                                      data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        what = not_xlsx_inside(data[:65536] if data is not None else _head(path))
        raise InputError(what or f"not a readable {kind} workbook (truncated or damaged?): {exc}",
                         file=path) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(f"no sheet '{sheet}': is this a textmine {kind} workbook?", file=path)
        yield Workbook(book, path, kind)
    finally:
        book.close()


def _head(path: Path) -> bytes:
    """The first 64 KB of a file (enough to tell what a compound Office file holds)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(65536)
    except OSError:
        return b""
