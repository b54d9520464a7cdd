"""Reading exports: awkward-but-valid files load; bad input is refused cleanly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tm_testutil import FIXTURES, dump_db
from textmine.ingest import ingest, read_table
from textmine.schema import load_schema
from textmine.store import Store
from textmine.tally import tally

VALID = sorted((FIXTURES / "valid").iterdir())
BAD = sorted((FIXTURES / "bad").iterdir())
BAD_SCHEMAS = sorted((FIXTURES / "bad_schemas").iterdir())

EXPECTED_OPEN = {
    "R1": 'Een stedenband met Nicaragua; en een "wereldmarkt"\nop het plein',
    "R2": "nvt",
    "R3": "Fairtrade-gemeente sinds 2015 \u2014 caf\u00e9\u2019s doen mee",
}


def test_corpus_sizes():
    assert len(BAD) + len(BAD_SCHEMAS) >= 25
    assert len(VALID) >= 8


@pytest.mark.parametrize("export", VALID, ids=lambda p: p.name)
def test_valid_exports_load_identically(export: Path, tmp_path: Path, fixture_schema: Path):
    schema = load_schema(fixture_schema)
    report, data = ingest(export, schema, tmp_path / "p", "2025")
    assert report.respondents == 4 and report.open_answers == 3
    with Store(tmp_path / "p") as store:
        opens = store.open_answers("lmb", "2025", "trots")
        assert dict(zip(opens.respondent_id, opens.text)) == EXPECTED_OPEN
        (res,) = tally(store)
    q = {e["id"]: e for e in res["questions"]}
    assert q["voert_lmb"]["counts"] == {"Ja": 3, "Nee": 1}
    assert q["kanalen"]["counts"] == {"Website": 2, "Infoblad": 2} and q["kanalen"]["base"] == 3
    assert q["steun_lmb"]["counts"]["Niet van toepassing"] == 1 and q["steun_lmb"]["base"] == 3
    assert q["steun_lmb"]["summary"]["agree"]["count"] == 2
    assert q["vte"]["n"] == 3 and q["vte"]["median"] == pytest.approx(0.5)
    assert q["vte"]["mean"] == pytest.approx((0.5 + 1.25 + 0.1) / 3)
    units = dict(zip(data_units := [r[0] for r in data.respondents], [r[4] for r in data.respondents]))
    assert units == {"R1": "Oost-Vlaanderen", "R2": "Antwerpen", "R3": "Oost-Vlaanderen", "R4": "West-Vlaanderen"}


def test_encodings_and_delimiters_detected():
    assert read_table(FIXTURES / "valid" / "cp1252_semicolon.csv").encoding == "cp1252"
    assert read_table(FIXTURES / "valid" / "utf8_bom_comma.csv").delimiter == ","
    t = read_table(FIXTURES / "valid" / "utf16_tab.csv")
    assert (t.encoding, t.delimiter) == ("utf-16", "\t")


def test_second_sheet_by_name(tmp_path: Path, fixture_schema: Path):
    import openpyxl
    wb = openpyxl.load_workbook(FIXTURES / "valid" / "excel.xlsx")
    wb.move_sheet("Antwoorden", offset=0)
    front = wb.create_sheet("Info", 0)
    front.append(["Deze bevraging ..."])
    wb.save(tmp_path / "two.xlsx")
    report, _ = ingest(tmp_path / "two.xlsx", load_schema(fixture_schema), tmp_path / "p", "1",
                       sheet="Antwoorden")
    assert report.respondents == 4


BAD_EXPECT = {  # file -> (text the message must contain, row, column)
    "bad_option.csv": ("'Jaa' is not an option", 3, "Voert uw bestuur"),
    "bad_likert.csv": ("'Beetje eens' is not an option", 4, "De steun"),
    "not_a_number.csv": ("'een halve' is not a number", 2, "VTE voor LMB"),
    "number_out_of_range.csv": ("outside 0..40", 5, "VTE voor LMB"),
    "negative_number.csv": ("outside 0..40", 5, "VTE voor LMB"),
    "duplicate_id.csv": ("'R1' also on row 2", 5, "Respondent ID"),
    "empty_id.csv": ("respondent id is empty", 4, "Respondent ID"),
    "bad_option_utf8.csv": ("'Misschien' is not an option", 5, "Voert"),
    "bad_option_after_multiline.csv": ("'Jawel' is not an option", 4, "Voert"),
    "bad_option_utf16.csv": ("'Soms' is not an option", 3, "Voert"),
    "unknown_column.csv": ("is not in the export", 1, "VTE voor LMB"),
    "missing_id_column.csv": ("id column is not in the export", 1, "Respondent ID"),
    "duplicate_header.csv": ("more than once", 1, "Trots"),
    "empty.csv": ("file is empty", None, None),
    "only_whitespace.csv": ("file is empty", None, None),
    "header_only.csv": ("no answers", None, None),
    "ragged_row.csv": ("cells but the header has", 3, None),
    "unbalanced_quote.csv": ("cannot parse as CSV", None, None),
    "image_named.csv": ("not a text table", None, None),
    "pdf_named.csv": ("not a text table", None, None),
    "prose.txt": ("not in the export", 1, "Respondent ID"),
    "truncated.xlsx": ("not a readable XLSX", None, None),
    "text_named.xlsx": ("not a readable XLSX", None, None),
    "workbook_named.csv": ("rename it to .xlsx", None, None),
    "old_excel.xls": (".xls files are not supported", None, None),
    "bad_likert.xlsx": ("'Ja hoor' is not an option", 4, "De steun"),
    "duplicate_id.xlsx": ("'R3' also on row 3", 4, "Respondent ID"),
    "zip_not_workbook.xlsx": ("not a readable XLSX", None, None),
}


def test_every_bad_file_has_an_expectation():
    assert {p.name for p in BAD} == set(BAD_EXPECT)


@pytest.fixture
def populated(tmp_path: Path, fixture_schema: Path) -> Path:
    project = tmp_path / "project"
    ingest(FIXTURES / "valid" / "cp1252_semicolon.csv", load_schema(fixture_schema), project, "2022")
    return project


@pytest.mark.parametrize("export", BAD, ids=lambda p: p.name)
def test_bad_export_exit_2_one_line_project_unchanged(export: Path, populated: Path, fixture_schema: Path, cli):
    before = dump_db(populated)
    result = cli("ingest", export, "--project", populated, "--schema", fixture_schema, "--wave", "2025")
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in result.output
    text, row, column = BAD_EXPECT[export.name]
    assert export.name in message and text in message, message
    if row is not None:
        assert re.search(rf"\brow {row}[,:]", message), message
    if column is not None:
        assert f'column "{column}' in message, message
    assert dump_db(populated) == before


@pytest.mark.parametrize("schema", BAD_SCHEMAS, ids=lambda p: p.name)
def test_bad_schema_exit_2(schema: Path, populated: Path, cli):
    before = dump_db(populated)
    result = cli("ingest", FIXTURES / "valid" / "excel.xlsx", "--project", populated, "--schema", schema,
                 "--wave", "2025")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message and schema.name in message, message
    assert dump_db(populated) == before


def test_bad_input_leaves_no_new_project(tmp_path: Path, fixture_schema: Path, cli):
    result = cli("ingest", FIXTURES / "bad" / "bad_option.csv", "--project", tmp_path / "new",
                 "--schema", fixture_schema, "--wave", "2025")
    assert result.exit_code == 2
    assert not (tmp_path / "new").exists()


def test_error_count_of_further_problems(tmp_path: Path, fixture_schema: Path):
    rows = (FIXTURES / "valid" / "cp1252_semicolon.csv").read_bytes().decode("cp1252")
    rows = rows.replace(";Ja;", ";Jaaa;")
    (tmp_path / "x.csv").write_bytes(rows.encode("cp1252"))
    from textmine.errors import InputError
    with pytest.raises(InputError) as info:
        ingest(tmp_path / "x.csv", load_schema(fixture_schema), tmp_path / "p", "1")
    assert "(and 2 more problems)" in str(info.value)


def test_real_process_no_traceback(tmp_path: Path, fixture_schema: Path):
    """The installed console script, not the in-process runner."""
    exe = Path(sys.executable).parent / "textmine"
    proc = subprocess.run([str(exe), "ingest", str(FIXTURES / "bad" / "truncated.xlsx"), "--project",
                           str(tmp_path / "p"), "--schema", str(fixture_schema), "--wave", "1"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_existing_wave_refused_then_replaced(populated: Path, fixture_schema: Path, cli):
    before = dump_db(populated)
    again = cli("ingest", FIXTURES / "valid" / "excel.xlsx", "-p", populated, "-s", fixture_schema, "-w", "2022")
    assert again.exit_code == 2 and "--replace" in again.stderr
    assert dump_db(populated) == before
    ok = cli("ingest", FIXTURES / "valid" / "excel.xlsx", "-p", populated, "-s", fixture_schema, "-w", "2022",
             "--replace")
    assert ok.exit_code == 0, ok.output
    assert "replaced" in ok.stdout


def test_a_wave_label_with_a_colon_is_refused(populated: Path, fixture_schema: Path, cli):
    """':' separates the parts of an answer's key in the workbench (survey:wave:question:respondent)."""
    before = dump_db(populated)
    res = cli("ingest", FIXTURES / "valid" / "excel.xlsx", "-p", populated, "-s", fixture_schema, "-w", "2025:2")
    assert res.exit_code == 2 and "'2025-2'" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert dump_db(populated) == before


def test_replace_keeps_human_codes_of_unchanged_answers(populated: Path, fixture_schema: Path, tmp_path: Path):
    with Store(populated) as store:
        store.add_codes([
            {"survey": "lmb", "wave": "2022", "question": "trots", "respondent_id": "R1", "theme": "financiele_steun"},
            {"survey": "lmb", "wave": "2022", "question": "trots", "respondent_id": "R3", "theme": "fairtrade"},
        ], source="human", coder="an")
    # R3's answer changes; R1's does not.
    text = (FIXTURES / "valid" / "cp1252_semicolon.csv").read_bytes().decode("cp1252")
    (tmp_path / "changed.csv").write_bytes(text.replace("sinds 2015", "sinds 2016").encode("cp1252"))
    report, _ = ingest(tmp_path / "changed.csv", load_schema(fixture_schema), populated, "2022", replace=True)
    assert report.stale_human_codes == 1 and report.kept_human_codes == 1
    with Store(populated) as store:
        current = store.codes("lmb", "2022", "trots", source="human")
        everything = store.codes("lmb", "2022", "trots", status=None)
    assert list(current.respondent_id) == ["R1"]
    assert sorted(everything.status) == ["current", "stale"]  # nothing deleted


def test_spss_sav(tmp_path: Path, fixture_schema: Path):
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd
    F = FIXTURES
    table = read_table(F / "valid" / "cp1252_semicolon.csv")
    frame = pd.DataFrame(table.rows, columns=table.headers)
    frame["VTE voor LMB"] = pd.to_numeric(frame["VTE voor LMB"].str.replace(",", "."), errors="coerce")
    # SPSS variable names cannot hold spaces: a schema for .sav names the variables.
    names = {h: f"v{i}" for i, h in enumerate(table.headers)}
    pyreadstat.write_sav(frame.rename(columns=names), str(tmp_path / "e.sav"))
    text = fixture_schema.read_text(encoding="utf-8")
    for header, var in names.items():
        text = text.replace(f'"{header}"', var).replace(f": {header}\n", f": {var}\n")
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    report, _ = ingest(tmp_path / "e.sav", load_schema(tmp_path / "s.yaml"), tmp_path / "p", "1")
    assert report.respondents == 4 and report.open_answers == 3
    with Store(tmp_path / "p") as store:
        (res,) = tally(store)
    q = {e["id"]: e for e in res["questions"]}
    assert q["voert_lmb"]["counts"] == {"Ja": 3, "Nee": 1} and q["vte"]["n"] == 3


# --- issue 11: cells over the CSV limit ----------------------------------------------------

HEAD = (FIXTURES / "valid" / "cp1252_semicolon.csv").read_bytes().decode("cp1252").splitlines()[0]


def _with_big_answer(tmp_path: Path, size: int) -> Path:
    """The valid export with respondent R2's 'Trots' answer replaced by ``size`` characters."""
    text = (FIXTURES / "valid" / "cp1252_semicolon.csv").read_bytes().decode("cp1252")
    lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
    header = lines[0].split(";")
    trots = header.index("Trots")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(";")
        if cells and cells[0] == "R2":
            cells[trots] = '"' + ("lang antwoord " * (size // 14 + 1))[:size] + '"'
        out.append(";".join(cells))
    path = tmp_path / f"big_{size}.csv"
    path.write_bytes("\n".join(out).encode("utf-8"))
    return path


@pytest.mark.parametrize("size", [130 * 1024, 10 * 1024 * 1024])
def test_cell_over_csv_limit_true_message_fast(tmp_path: Path, fixture_schema: Path, cli, size: int):
    import time

    export = _with_big_answer(tmp_path, size)
    start = time.perf_counter()
    result = cli("ingest", export, "-p", tmp_path / "p", "-s", fixture_schema, "-w", "1")
    elapsed = time.perf_counter() - start
    assert result.exit_code == 2 and "Traceback" not in result.output
    message = result.stderr.strip()
    assert "\n" not in message and "quote unbalanced" not in message
    assert re.search(rf'row \d+, column "Trots": a cell holds {size:,} characters, more than the 131,072', message), \
        message
    assert elapsed < 10, elapsed  # linear: the whole 10 MB file is parsed twice at most
    assert not (tmp_path / "p").exists()


def test_unclosed_quote_in_a_long_file_says_so(tmp_path: Path, fixture_schema: Path):
    from textmine.errors import InputError

    text = HEAD + '\nR1;"Gent;Ja\n' + "R2;Gent;Nee;;;;\n" * 20000
    (tmp_path / "q.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2: a quoted cell starting on this row runs to the end of the file"):
        read_table(tmp_path / "q.csv")
