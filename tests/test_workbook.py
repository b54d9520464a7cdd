"""Reading XLSX (textmine.workbook): the real rows whatever size the file claims, in bounded time
and memory, and formulas without a computed value refused, for ingest and the curation import."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import openpyxl
import pytest

from tm_testutil import REPO, dump_db, rewrite_xlsx, set_dimension
from textmine.catalogue.curation import HASH, HIGHLIGHT, INCLUDE, KEY, SHEET, TITLE, import_curation
from textmine.errors import InputError
from textmine.ingest import ingest, read_table
from textmine.schema import Schema, load_schema
from textmine.store import Store

SAMPLE = REPO / "data" / "sample" / "lmb_2025_SYNTHETIC.xlsx"
SCHEMA = REPO / "data" / "schemas" / "lmb.yaml"


def _xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_understated_sheet_size_ingests_every_respondent(tmp_path: Path):
    truth = read_table(SAMPLE)
    assert len(truth.rows) == 127
    for ref in ("A1:Y10", "A1:E10", "A1"):  # rows, rows and columns, a single cell
        faulty = tmp_path / f"lmb_{ref.replace(':', '_')}.xlsx"
        faulty.write_bytes(set_dimension(SAMPLE.read_bytes(), ref))
        table = read_table(faulty)
        assert (table.headers, table.rows, table.row_numbers) == (truth.headers, truth.rows, truth.row_numbers), ref
    report, _ = ingest(faulty, load_schema(SCHEMA), tmp_path / "p", "2025")
    assert report.respondents == 127


_CHILD = """
import io, sys, time, openpyxl
from openpyxl.styles import Font
from textmine.ingest import read_table
wb = openpyxl.Workbook()
ws = wb.active
for r in range(100):
    ws.append(["id", "antwoord"] if r == 0 else [f"R{r}", f"antwoord {r}"])  # 200 real cells
if sys.argv[1] == "formatted corner":
    ws["XFD1048576"].font = Font(bold=True)  # a formatted, empty last cell: Excel stores it
buf = io.BytesIO()
wb.save(buf)
data = buf.getvalue()
path = sys.argv[2]
sys.path.insert(0, sys.argv[3])
from tm_testutil import set_dimension
open(path, "wb").write(set_dimension(data, "A1:XFD1048576"))
start = time.perf_counter()
table = read_table(path)
print(time.perf_counter() - start, len(table.rows), len(table.headers))
"""


@pytest.mark.parametrize("layout", ["claimed only", "formatted corner"])
def test_sheet_claiming_every_cell_reads_its_200_cells_at_once(tmp_path: Path, layout: str):
    """A1:XFD1048576 claimed, 200 real cells: read in well under a second (openpyxl's read-only
    mode padded a million rows to 16,384 cells: ingest hung). In a child process, so a hang fails."""
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, layout, str(tmp_path / "claims.xlsx"),
                               str(Path(__file__).parent)], capture_output=True, text=True, timeout=60, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail("reading a sheet that claims A1:XFD1048576 hung (over 60 s)")
    assert proc.returncode == 0, proc.stderr
    seconds, rows, columns = proc.stdout.split()
    assert (int(rows), int(columns)) == (99, 2)
    assert float(seconds) < 0.5


def test_huge_sheet_streams_row_by_row(tmp_path: Path):
    """20,000 real rows under a claim of every cell: each row as wide as its cells, memory flat."""
    from textmine.workbook import open_workbook

    n = 20_000
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>antwoord {r}</t>'
                   f'</is></c></row>' for r in range(2, n + 2)).encode()
    data = set_dimension(rewrite_xlsx(_xlsx([["id", "tekst"]]), lambda x: x.replace(b"</sheetData>", rows + b"</sheetData>")),
                         "A1:XFD1048576")
    tracemalloc.start()
    try:
        count, widest = 0, 0
        with open_workbook(tmp_path / "huge.xlsx", data=data) as wb:
            for number, cells in wb.rows():
                count += 1
                widest = max(widest, len(cells))
                if number > 1:
                    assert cells == [str(number), f"antwoord {number}"]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (count, widest) == (n + 1, 2)
    assert peak < 5_000_000, f"reading kept {peak:,} bytes: rows are not streamed"


def test_formula_without_computed_value_is_an_error(tmp_path: Path):
    """A workbook written by a script (openpyxl here) holds formulas Excel never computed."""
    path = tmp_path / "script.xlsx"
    path.write_bytes(_xlsx([["id", "vte", "dubbel"], ["R1", 0.5, 1], ["R2", 0.25, "=B3*2"]]))
    with pytest.raises(InputError) as info:
        read_table(path)
    line = str(info.value)
    assert "\n" not in line and str(path) in line
    assert 'row 3, column "dubbel"' in line and "cell C3 of sheet 'Sheet'" in line
    assert "formula without a computed value: open and save the file in Excel" in line
    schema = Schema.from_dict({"survey": "s", "id_column": "id", "questions": [
        {"id": "vte", "column": "vte", "type": "numeric"}]})
    with pytest.raises(InputError, match="formula without a computed value"):
        ingest(path, schema, tmp_path / "p", "1")
    assert not (tmp_path / "p").exists()


def test_formula_with_computed_value_reads_the_value(tmp_path: Path):
    def computed(xml: bytes) -> bytes:  # what Excel and LibreOffice store: formula and its last value
        xml = xml.replace(b"<f>B3*2</f><v />", b"<f>B3*2</f><v>0.5</v>")
        xml = re.sub(rb'<c r="C2"([^>]*)><f>(.*?)</f><v\s*/>', rb'<c r="C2" t="str"><f>\2</f><v>ab</v>', xml)
        xml = re.sub(rb'<c r="A4"([^>]*)><f>(.*?)</f><v\s*/>', rb'<c r="A4" t="str"><f>\2</f><v></v>', xml)
        assert xml.count(b"<f>") == 3 and b"<v />" not in xml
        return xml

    data = rewrite_xlsx(_xlsx([["id", "vte", "tekst"], ["R1", 0.5, '=CONCAT("a","b")'], ["R2", 0.25, "=B3*2"],
                               ['=IF(1,"","x")', 1, "leeg id"]]), computed)
    path = tmp_path / "computed.xlsx"
    path.write_bytes(data)
    table = read_table(path)
    assert table.rows == [["R1", "0.5", "ab"], ["R2", "0.25", "0.5"], ["", "1", "leeg id"]]


def test_damaged_sheet_is_one_line(tmp_path: Path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(rewrite_xlsx(SAMPLE.read_bytes(), lambda x: x[: len(x) // 2]))
    with pytest.raises(InputError, match="damaged or truncated"):
        read_table(path)


# --- the catalogue curation workbook -----------------------------------------------------------

@pytest.fixture
def curation_project(tmp_path: Path):
    export = tmp_path / "e.csv"
    export.write_text("id;trots\n" + "".join(f"{i};Project nummer {i} met de partnergemeente\n"
                                             for i in range(1, 41)), encoding="utf-8")
    schema = Schema.from_dict({"survey": "lmb", "id_column": "id", "questions": [
        {"id": "trots", "column": "trots", "type": "open"}]})
    ingest(export, schema, tmp_path / "p", "2025")
    with Store(tmp_path / "p") as store:
        answers = store.open_answers("lmb", "2025", "trots")
    rows = [[KEY, HASH, INCLUDE, TITLE, HIGHLIGHT]] + [
        [f"lmb|2025|trots|{a.respondent_id}", a.text_hash, "nee", f"Titel {a.respondent_id}", "nee"]
        for a in answers.itertuples()]
    return tmp_path / "p", rows


def _curation_workbook(rows: list[list]) -> bytes:
    data = _xlsx(rows)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.active.title = SHEET
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_curation_workbook_with_understated_size_imports_every_row(curation_project, tmp_path: Path):
    project, rows = curation_project
    path = tmp_path / "catalogus.xlsx"
    path.write_bytes(set_dimension(_curation_workbook(rows), "A1:E5"))
    with Store(project) as store:
        report = import_curation(store, path)
        stored = store.curation("lmb", "trots")
    assert report.rows == 40 and report.stored == 40 and not stored.include.any()


def test_curation_formula_without_value_is_an_error(curation_project, tmp_path: Path):
    project, rows = curation_project
    rows[7][3] = '=CONCAT("Titel ", "8")'
    path = tmp_path / "catalogus.xlsx"
    path.write_bytes(_curation_workbook(rows))
    before = dump_db(project)
    with Store(project) as store, pytest.raises(InputError) as info:
        import_curation(store, path)
    assert 'row 8, column "Korte titel"' in str(info.value) and "formula without a computed value" in str(info.value)
    assert dump_db(project) == before


def test_text_cells_keep_their_meaning(tmp_path: Path):
    """Dates, booleans and whole numbers read as the text an export means (as before)."""
    from datetime import datetime

    path = tmp_path / "types.xlsx"
    path.write_bytes(_xlsx([["id", "datum", "ja", "n"], ["R1", datetime(2025, 3, 1, 9, 30), True, 3.0]]))
    assert read_table(path).rows == [["R1", "2025-03-01T09:30:00", "1", "3"]]


def test_xlsx_writers_hold_control_characters_visibly(tmp_path: Path):
    """openpyxl refuses control characters (IllegalCharacterError) and writes U+FFFE into a file
    Excel must repair: every XLSX writer shows them as \\xNN / \\uNNNN (export.set_text_safe)."""
    from test_catalogue import _practice
    from textmine.catalogue import write_catalogue
    from textmine.export import write_xlsx

    odd = "Ja\x0b nee\x01 \x1f\ufffe"
    write_xlsx(tmp_path / "tallies.xlsx", {"tallies": (["optie", "n"], [[odd, 3]])})
    assert openpyxl.load_workbook(tmp_path / "tallies.xlsx")["tallies"]["A2"].value == "Ja\\x0b nee\\x01 \\x1f\\ufffe"
    write_catalogue([_practice(redacted_text=odd, title=odd)], tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx")["Catalogus"]
    assert sum(c.value == "Ja\\x0b nee\\x01 \\x1f\\ufffe" for c in ws[2]) == 2
    long = "x" * 40_000
    write_xlsx(tmp_path / "long.xlsx", {"t": (["a"], [[long]])})
    cell = openpyxl.load_workbook(tmp_path / "long.xlsx")["t"]["A2"].value
    assert len(cell) == 32767 and cell.endswith("[ingekort]")
