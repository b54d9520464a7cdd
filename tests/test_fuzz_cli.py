"""Careless and hostile files found by a sweep of the CLI: each failed on the code before its fix.

A file from an old Mac or a hand-edited export, a workbook with a password, a download cut
short: one line naming file, row and column, exit 2, nothing stored; never a traceback,
never text silently changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tm_testutil import FIXTURES, dump_db, one_line_exit_2
from textmine.store import Store

VALID = FIXTURES / "valid"


def _open_texts(project: Path) -> dict[str, str]:
    store = Store(project)
    try:
        answers = store.open_answers("lmb", None, "trots")
        return dict(zip(answers.respondent_id, answers.text))
    finally:
        store.close()


# --- CSV line ends and encodings ---------------------------------------------------------

def test_csv_with_old_mac_line_ends_ingests_like_the_usual_one(tmp_path: Path, fixture_schema: Path, cli):
    """Excel's 'CSV (Macintosh)' ends lines with a bare CR: a traceback before."""
    data = (VALID / "utf8_no_bom_semicolon.csv").read_bytes().replace(b"\r\n", b"\n")
    (tmp_path / "lf.csv").write_bytes(data)
    (tmp_path / "cr.csv").write_bytes(data.replace(b"\n", b"\r"))
    for name in ("lf", "cr"):
        result = cli("ingest", tmp_path / f"{name}.csv", "-p", tmp_path / name, "-s", fixture_schema, "-w", "1")
        assert result.exit_code == 0, result.output
    assert _open_texts(tmp_path / "cr") == _open_texts(tmp_path / "lf")


def test_r_csv_with_old_mac_line_ends_reads_na_as_blank(tmp_path: Path):
    from textmine.ingest import read_table

    (tmp_path / "r.csv").write_bytes(b'"id","a","b"\r"1","x",NA\r"2",NA,"y"\r')
    table = read_table(tmp_path / "r.csv")
    assert table.rows == [["1", "x", ""], ["2", "", "y"]]


def test_utf8_file_with_one_cell_in_another_encoding_is_an_error_not_garbled(tmp_path: Path, fixture_schema: Path,
                                                                            cli):
    """A UTF-8 export with one cell pasted in Windows-1252 was read wholly as Windows-1252:
    every other accent silently garbled ('café’s' stored as 'cafÃ©â€™s')."""
    data = (VALID / "utf8_no_bom_semicolon.csv").read_bytes().rstrip(b"\r\n")
    data += b"\nR9;Gent;Ja;;;Eens;1;" + "Café de wereld".encode("cp1252") + b"\n"
    (tmp_path / "mixed.csv").write_bytes(data)
    result = cli("ingest", tmp_path / "mixed.csv", "-p", tmp_path / "p", "-s", fixture_schema, "-w", "1")
    message = one_line_exit_2(result)
    assert "mixed.csv, row 6, column \"Trots\"" in message, message
    assert "UTF-8" in message and "Caf\\xe9 de wereld" in message, message
    assert not (tmp_path / "p").exists()


def test_two_exports_in_two_encodings_joined_is_an_error(tmp_path: Path):
    from textmine.errors import InputError
    from textmine.ingest import read_table

    utf8 = (VALID / "utf8_no_bom_semicolon.csv").read_bytes().rstrip(b"\r\n")
    cp1252 = (VALID / "cp1252_semicolon.csv").read_bytes().split(b"\n", 1)[1].replace(b"R", b"S")
    (tmp_path / "joined.csv").write_bytes(utf8 + b"\n" + cp1252)
    with pytest.raises(InputError, match=r'row 8, column "Trots": not UTF-8 text in .*caf\\xe9\\x92s'):
        read_table(tmp_path / "joined.csv")


def test_a_windows_1252_file_is_still_read_as_windows_1252(tmp_path: Path):
    from textmine.ingest import read_table

    table = read_table(VALID / "cp1252_semicolon.csv")
    assert table.encoding == "cp1252"
    assert any("café’s" in cell for row in table.rows for cell in row)


# --- workbooks that are not XLSX inside --------------------------------------------------

PASSWORD = FIXTURES / "hostile" / "password.xlsx"  # openpyxl workbook encrypted by msoffcrypto-tool 6.1


@pytest.fixture(scope="module")
def sample_project(tmp_path_factory) -> Path:
    from textmine.project import Project

    project = tmp_path_factory.mktemp("sample") / "p"
    Project(project).ingest(FIXTURES / "valid" / "cp1252_semicolon.csv", FIXTURES / "schema.yaml", "1")
    return project


@pytest.mark.parametrize("command", ["ingest", "review", "catalogue"])
def test_a_password_protected_workbook_says_so(tmp_path: Path, fixture_schema: Path, cli, sample_project: Path,
                                               command: str):
    """Excel saves a workbook with a password as an encrypted OLE file, not a zip: it was
    called 'truncated or damaged?', which sends staff looking for a broken download."""
    before = dump_db(sample_project)
    args = {"ingest": ("ingest", PASSWORD, "-p", sample_project, "-s", fixture_schema, "-w", "2"),
            "review": ("review", "import", PASSWORD, "-p", sample_project, "--coder", "an"),
            "catalogue": ("catalogue", "-p", sample_project, "-q", "trots", "--curation", PASSWORD,
                          "-o", tmp_path / "c.html")}[command]
    message = one_line_exit_2(cli(*args))
    assert "password.xlsx" in message and "password" in message.split("password.xlsx", 1)[1], message
    assert "damaged" not in message, message
    assert dump_db(sample_project) == before


@pytest.mark.parametrize("name", ["old.xlsx", "old.csv"])
def test_an_old_xls_under_another_name_says_so(tmp_path: Path, fixture_schema: Path, cli, name: str):
    (tmp_path / name).write_bytes((FIXTURES / "bad" / "old_excel.xls").read_bytes())
    message = one_line_exit_2(cli("ingest", tmp_path / name, "-p", tmp_path / "p", "-s", fixture_schema,
                                   "-w", "1"))
    assert name in message and ".xls" in message.split(name, 1)[1] and "damaged" not in message, message
    assert not (tmp_path / "p").exists()


# --- hand-written schemas ----------------------------------------------------------------

SCHEMA = (FIXTURES / "schema.yaml").read_text(encoding="utf-8")


def test_schema_options_yes_and_no_are_the_words_typed(tmp_path: Path, cli):
    """YAML 1.1 reads Yes/No/On/Off as true/false: 'options: [Yes, No]' passed 'schema check'
    and then refused every answer ('Yes' is not an option of 'voert_lmb' (True, False))."""
    from textmine.schema import load_schema

    (tmp_path / "s.yaml").write_text(SCHEMA.replace("options: [Ja, Nee]", "options: [Yes, No]")
                                     + "include:\n  - {column: Gemeente, filled: yes}\n", encoding="utf-8")
    export = (VALID / "utf8_no_bom_semicolon.csv").read_text(encoding="utf-8")
    (tmp_path / "e.csv").write_text(export.replace(";Ja;", ";Yes;").replace(";Nee;", ";No;"), encoding="utf-8")
    schema = load_schema(tmp_path / "s.yaml")
    assert schema.question("voert_lmb").options == ["Yes", "No"]
    assert schema.include[0].filled is True
    result = cli("ingest", tmp_path / "e.csv", "-p", tmp_path / "p", "-s", tmp_path / "s.yaml", "-w", "1")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("repeat, row", [("    column: \"VTE voor LMB\"\n", 23), ("population: 285\n", 4)])
def test_a_key_repeated_in_a_schema_is_an_error_naming_its_line(tmp_path: Path, cli, repeat: str, row: int):
    """PyYAML keeps the last of two equal keys without a word: a question block copied and
    half edited read another column than the one staff saw first."""
    text = SCHEMA.replace(repeat, repeat + repeat.replace("VTE voor LMB", "Trots").replace("285", "300"), 1)
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    message = one_line_exit_2(cli("schema", "check", tmp_path / "s.yaml"))
    assert f"s.yaml, row {row}:" in message and "repeated" in message, message


@pytest.mark.parametrize("old, new, message", [
    ("min: 0\n    max: 40", "min: 40\n    max: 0", "'min' 40 is above 'max' 0"),
    ("max: 40", "max: .nan", "'max' is a number"),
    ("options: [Ja, Nee]", "options: [Ja, ~]", "option 2 is empty"),
    ("options: [Ja, Nee]", "options: [Ja, '  ']", "option 2 is empty"),
])
def test_schema_mistakes_that_refused_every_answer_are_caught_by_schema_check(tmp_path: Path, cli, old: str,
                                                                              new: str, message: str):
    """'schema check' said ok, then ingest refused answers that were right ('0.5 is outside
    40..0', ''Nee' is not an option (Ja, None)') or a NaN bound let every number through."""
    (tmp_path / "s.yaml").write_text(SCHEMA.replace(old, new), encoding="utf-8")
    text = one_line_exit_2(cli("schema", "check", tmp_path / "s.yaml"))
    assert "s.yaml, row " in text and message in text, text


# --- YAML saved by Windows editors ------------------------------------------------------

CODEBOOK = (Path(__file__).parent.parent / "data" / "codebooks" / "lmb_trots.yaml").read_text(encoding="utf-8")


def test_a_codebook_saved_as_windows_1252_names_the_line(tmp_path: Path, cli):
    """Was 'not UTF-8 text (byte 480)': staff cannot find byte 480 in an editor."""
    (tmp_path / "c.yaml").write_bytes(CODEBOOK.encode("cp1252"))
    message = one_line_exit_2(cli("codebook", "check", tmp_path / "c.yaml"))
    line = next(i for i, t in enumerate(CODEBOOK.splitlines(), 1) if not t.isascii())
    assert f"c.yaml, row {line}:" in message and "UTF-8" in message, message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_codebook_saved_as_utf16_with_its_mark_reads(tmp_path: Path, cli, encoding: str):
    """Notepad's 'Unicode' is UTF-16 with a byte-order mark: unambiguous, so read it."""
    data = CODEBOOK.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (tmp_path / "c.yaml").write_bytes(data)
    result = cli("codebook", "check", tmp_path / "c.yaml")
    assert result.exit_code == 0, result.output
    assert "6 themes" in result.output


# --- a failed command stores nothing ------------------------------------------------------

@pytest.fixture(scope="module")
def sample_2025(tmp_path_factory) -> Path:
    from textmine.ingest import ingest
    from textmine.schema import load_schema

    repo = Path(__file__).parent.parent
    p = tmp_path_factory.mktemp("coding") / "p"
    ingest(repo / "data" / "sample" / "lmb_2025_SYNTHETIC.csv", load_schema(repo / "data" / "schemas" / "lmb.yaml"),
           p, "2025")
    return p


def test_code_with_train_and_a_mistyped_embedder_stores_no_human_codes(sample_2025: Path, cli, tmp_path: Path):
    """'code --train codes.csv --embedder e5int8' said 'error: unknown embedding backend' with
    exit 2, but had stored the file's human codes first."""
    from textmine.project import Project

    rid = str(_open_texts_any(sample_2025)[0])
    (tmp_path / "train.csv").write_text(f"respondent id;theme\n{rid};beleid\n", encoding="utf-8")
    before = dump_db(sample_2025)
    message = one_line_exit_2(cli("code", "-p", sample_2025, "-q", "trots", "--train", tmp_path / "train.csv",
                                   "--embedder", "e5int8"))
    assert "unknown embedding backend 'e5int8'" in message, message
    assert dump_db(sample_2025) == before
    with pytest.raises(Exception, match="unknown embedding backend"):
        Project(sample_2025).code("trots", train=tmp_path / "train.csv", embedder="e5int8")
    assert dump_db(sample_2025) == before


def _open_texts_any(project: Path) -> list[str]:
    store = Store(project)
    try:
        return list(store.open_answers("lmb", None, "trots").respondent_id)
    finally:
        store.close()


@pytest.fixture
def curation_setup(tmp_path: Path) -> tuple[Path, Path]:
    """A project ingested but not cleaned or coded, and a curation workbook for its answers."""
    import openpyxl

    from textmine.catalogue.curation import HASH, HIGHLIGHT, INCLUDE, KEY, SHEET, TITLE
    from textmine.ingest import ingest
    from textmine.schema import Schema

    export = tmp_path / "e.csv"
    export.write_text("id;trots\n" + "".join(f"{i};Project nummer {i} met de partnergemeente\n"
                                             for i in range(1, 6)), encoding="utf-8")
    ingest(export, Schema.from_dict({"survey": "lmb", "id_column": "id", "questions": [
        {"id": "trots", "column": "trots", "type": "open"}]}), tmp_path / "p", "2025")
    with Store(tmp_path / "p") as store:
        answers = store.open_answers("lmb", "2025", "trots")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([KEY, HASH, INCLUDE, TITLE, HIGHLIGHT])
    for a in answers.itertuples():
        ws.append([f"lmb|2025|trots|{a.respondent_id}", a.text_hash, "nee", f"Titel {a.respondent_id}", "nee"])
    wb.save(tmp_path / "cur.xlsx")
    return tmp_path / "p", tmp_path / "cur.xlsx"


@pytest.mark.parametrize("extra, message", [((), "not cleaned and coded yet"),
                                            (("--wave", "2099", "--prepare"), "wave '2099'")])
def test_catalogue_that_cannot_be_built_stores_no_curation(curation_setup, cli, tmp_path: Path, extra: tuple,
                                                           message: str):
    """'catalogue --curation cur.xlsx' stored the workbook's curation, then stopped (answers not
    cleaned yet, a mistyped --wave) with exit 2: a failed command had changed the project."""
    from textmine.project import Project

    project, workbook = curation_setup
    before = dump_db(project)
    text = one_line_exit_2(cli("catalogue", "-p", project, "-q", "trots", "--curation", workbook,
                                "-o", tmp_path / "c.html", *extra))
    assert message in text, text
    assert dump_db(project) == before
    with pytest.raises(Exception, match=message):
        Project(project).catalogue("trots", tmp_path / "c.html", curation=workbook,
                                   wave="2099" if extra else None, prepare=bool(extra))
    assert dump_db(project) == before


@pytest.mark.parametrize("kind", ["spec", "settings", "codebook"])
def test_a_key_repeated_in_any_yaml_file_is_an_error_naming_its_line(tmp_path: Path, kind: str):
    """A report spec with 'quotes: 3' and, further down, 'quotes: 5' used 5 without a word."""
    from textmine.codebook import load_codebook
    from textmine.config import load_config
    from textmine.errors import InputError
    from textmine.report.spec import load_spec

    text, load = {
        "spec": ("survey: lmb\nquotes: 3\nclosed: all\nquotes: 5\n", lambda: load_spec(tmp_path / "f.yaml")),
        "settings": ("nlp:\n  batch_size: 10\n  n_process: 1\n  batch_size: 20\n",
                     lambda: load_config(tmp_path)),
        "codebook": ("themes:\n  - {id: a, label: A}\n  - id: b\n    label: B\n    label: C\n",
                     lambda: load_codebook(tmp_path / "f.yaml")),
    }[kind]
    (tmp_path / ("project.yaml" if kind == "settings" else "f.yaml")).write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"row [45]: .*key '(quotes|batch_size|label)' is repeated"):
        load()


def test_merge_keys_may_still_be_overridden(tmp_path: Path):
    from textmine.safeyaml import load

    assert load("a: &x {p: 1, q: 2}\nb:\n  <<: *x\n  q: 3\n")["b"] == {"p": 1, "q": 3}


# --- a download cut short -----------------------------------------------------------------

def test_a_csv_cut_off_in_its_last_row_is_an_error_not_a_respondent_with_blanks(tmp_path: Path, fixture_schema: Path,
                                                                               cli):
    """A download or copy cut short ended in the middle of a respondent: ingested as a
    respondent whose later answers were blank, and the rest of the file was silently missing."""
    text = (VALID / "utf8_no_bom_semicolon.csv").read_text(encoding="utf-8").rstrip("\r\n")
    (tmp_path / "cut.csv").write_text(text + "\nR9;Gent;Ja;Web", encoding="utf-8")
    message = one_line_exit_2(cli("ingest", tmp_path / "cut.csv", "-p", tmp_path / "p", "-s", fixture_schema,
                                   "-w", "1"))
    assert 'cut.csv, row 6, column "Kanalen - Website"' in message and "cut short" in message, message
    assert not (tmp_path / "p").exists()


def test_a_last_row_without_line_end_that_is_whole_still_reads(tmp_path: Path, fixture_schema: Path, cli):
    """Google Forms and SurveyMonkey end the last row without a line break: not cut."""
    text = (VALID / "utf8_no_bom_semicolon.csv").read_text(encoding="utf-8").rstrip("\r\n")
    (tmp_path / "whole.csv").write_text(text, encoding="utf-8")
    result = cli("ingest", tmp_path / "whole.csv", "-p", tmp_path / "p", "-s", fixture_schema, "-w", "1")
    assert result.exit_code == 0, result.output


# --- XLSX exports edited by hand -------------------------------------------------------------

def _excel_export(tmp_path: Path, edit) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(VALID / "excel.xlsx")
    edit(wb)
    wb.save(tmp_path / "e.xlsx")
    return tmp_path / "e.xlsx"


def test_municipality_cells_merged_down_rows_are_an_error_not_blank_units(tmp_path: Path, fixture_schema: Path, cli):
    """Staff merge a municipality's cells over its rows to make the sheet readable: every row
    but the first read a blank unit, ingested without a word."""
    def merge(wb):
        ws = wb.worksheets[0]
        ws["B3"] = ws["B2"].value
        ws.merge_cells("B2:B3")
    message = one_line_exit_2(cli("ingest", _excel_export(tmp_path, merge), "-p", tmp_path / "p",
                                   "-s", fixture_schema, "-w", "1"))
    assert 'e.xlsx, row 3, column "Gemeente"' in message and "B2:B3" in message and "merged" in message, message
    assert not (tmp_path / "p").exists()


def test_merged_title_and_header_cells_still_read(tmp_path: Path, fixture_schema: Path, cli):
    """A title merged across the top, and header cells merged down two header rows (as
    SurveyMonkey writes them), are not answers: they still read."""
    def title(wb):
        ws = wb.worksheets[0]
        ws.insert_rows(1)
        ws["A1"] = "Bevraging 2025"
        ws.merge_cells("A1:F1")
    result = cli("ingest", _excel_export(tmp_path, title), "-p", tmp_path / "p", "-s", fixture_schema, "-w", "1")
    assert result.exit_code == 0, result.output


def test_a_cover_sheet_before_the_answers_names_the_other_sheets(tmp_path: Path, fixture_schema: Path, cli):
    """A cover sheet added in front: 'row 2: has a header row but no answers' gave no clue that
    the answers are on another sheet."""
    def cover(wb):
        ws = wb.create_sheet("Info", 0)
        ws["A1"], ws["A2"] = "Bevraging 2025", "Antwoorden: zie het volgende blad"
    export = _excel_export(tmp_path, cover)
    answers_sheet = __import__("openpyxl").load_workbook(export).sheetnames[1]
    message = one_line_exit_2(cli("ingest", export, "-p", tmp_path / "p", "-s", fixture_schema, "-w", "1"))
    assert "'Info'" in message and f"'{answers_sheet}'" in message and "--sheet" in message, message


def _chart_first(wb):
    """A chart sheet in front of the answers, as Excel's "Move chart > New sheet" puts it."""
    from openpyxl.chart import BarChart, Reference

    ws = wb.worksheets[0]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=3))
    wb.create_chartsheet("Grafiek", 0).add_chart(chart)


def test_a_chart_sheet_in_front_is_skipped_and_errors_name_the_sheet_read(tmp_path: Path, fixture_schema: Path,
                                                                          cli):
    """The answers are read from the first table; an error's hint said "read the first sheet,
    'Grafiek'", the chart, while the answers were read from the sheet after it."""
    export = _excel_export(tmp_path, _chart_first)
    result = cli("ingest", export, "-p", tmp_path / "p", "-s", fixture_schema, "-w", "1")
    assert result.exit_code == 0, result.output

    def chart_and_cover(wb):
        _chart_first(wb)
        ws = wb.create_sheet("Info", 1)
        ws["A1"] = "Bevraging 2025"
    export = _excel_export(tmp_path, chart_and_cover)
    message = one_line_exit_2(cli("ingest", export, "-p", tmp_path / "q", "-s", fixture_schema, "-w", "1"))
    assert "read the first sheet that is not a chart, 'Info'" in message and "'Grafiek' (a chart)" in message, message
    assert not (tmp_path / "q").exists()
    message = one_line_exit_2(cli("ingest", export, "-p", tmp_path / "q", "-s", fixture_schema, "-w", "1",
                                   "--sheet", "Grafiek"))
    assert "sheet 'Grafiek' is a chart, not a table" in message, message


# --- review workbooks typed into ----------------------------------------------------------

def test_ja_with_an_invisible_character_pasted_in_is_read_as_ja(tmp_path: Path):
    """'ja' pasted from a web page or chat often carries a zero-width space or soft hyphen:
    refused as ''​ja' is not ja or nee', a message in which the two look the same."""
    import openpyxl

    from textmine.codebook import load_codebook
    from textmine.ingest import ingest
    from textmine.review import export_review, import_review
    from textmine.schema import Schema

    (tmp_path / "e.csv").write_text("id;trots\n1;Onze stedenband met Kaya\n2;De wereldmarkt\n", encoding="utf-8")
    ingest(tmp_path / "e.csv", Schema.from_dict({"survey": "lmb", "id_column": "id", "questions": [
        {"id": "trots", "column": "trots", "type": "open"}]}), tmp_path / "p", "2025")
    codebook = load_codebook(Path(__file__).parent.parent / "data" / "codebooks" / "lmb_trots.yaml")
    with Store(tmp_path / "p") as store:
        run = store.start_run("code")
        store.save_machine_codes([{"survey": "lmb", "wave": "2025", "question": "trots", "respondent_id": rid,
                                   "theme": t, "score": 0.1, "applies": False}
                                  for rid in ("1", "2") for t in codebook.ids], coder="test", run_id=run)
        export_review(store, codebook, "lmb", "trots", tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    ws = wb["Beoordelen"]
    headers = [c.value for c in ws[1]]
    col = next(i for i, h in enumerate(headers, 1) if h and h.endswith("(financiele_steun)"))
    reviewed = headers.index("Beoordeeld") + 1
    ws.cell(2, col).value = "\u200bja\u00ad"
    ws.cell(2, reviewed).value = "\ufeffJa\u200d "
    wb.save(tmp_path / "r.xlsx")
    with Store(tmp_path / "p") as store:
        report = import_review(store, codebook, tmp_path / "r.xlsx", coder="an")
        human = store.codes("lmb", None, "trots", source="human")
    assert report.reviewed == 1
    assert set(human[human.applies.astype(bool)].theme) == {"financiele_steun"}


def test_train_file_themes_typed_as_labels_or_in_another_case_are_read(sample_2025: Path, tmp_path: Path):
    """An existing coding sheet names themes as staff see them ('Beleid', 'Fair Trade en Faire
    Gemeente'): each was refused as 'not in the codebook'. A name that is neither stays an error."""
    from textmine.codebook import load_codebook
    from textmine.codes import import_training_codes
    from textmine.errors import InputError
    from tm_testutil import copy_project_db

    project = copy_project_db(sample_2025, tmp_path / "p")
    book = load_codebook(Path(__file__).parent.parent / "data" / "codebooks" / "lmb_trots.yaml")
    rid = _open_texts_any(project)[:3]
    (tmp_path / "t.csv").write_text(f"respondent id;theme\n{rid[0]};Beleid \n{rid[1]};fair trade en faire gemeente\n"
                                    f"{rid[2]};OVERIG\n", encoding="utf-8")
    with Store(project) as store:
        import_training_codes(store, book, "lmb", "trots", tmp_path / "t.csv")
        human = store.codes("lmb", None, "trots", source="human")
    applied = human[human.applies.astype(bool)]
    assert dict(zip(applied.respondent_id, applied.theme)) == {rid[0]: "beleid", rid[1]: "fairtrade"}
    assert set(human.respondent_id) == set(rid)
    (tmp_path / "t.csv").write_text(f"respondent id;theme\n{rid[0]};Klimaat\n", encoding="utf-8")
    with Store(project) as store, pytest.raises(InputError, match=r"row 2, column \"theme\": theme 'Klimaat' is not"):
        import_training_codes(store, book, "lmb", "trots", tmp_path / "t.csv")


# --- staff's own codebook file ------------------------------------------------------------------

def test_adding_a_theme_keeps_the_comments_and_layout_of_the_codebook_file(tmp_path: Path):
    """'codebook add-theme' rewrote the whole YAML file: every comment staff wrote in their
    codebook (the shipped ones open with five lines of them) was gone without a word."""
    from textmine.codebook import load_codebook, save_added_theme

    (tmp_path / "c.yaml").write_text(CODEBOOK, encoding="utf-8")
    book = load_codebook(tmp_path / "c.yaml")
    new = book.add_theme("Klimaat en water", keywords=["klimaat", "water"], examples=["Een waterput: 'ja'"],
                         description="Uit topic 3 (12 antwoorden): klimaat, water.")
    save_added_theme(new, tmp_path / "c.yaml")
    text = (tmp_path / "c.yaml").read_text(encoding="utf-8")
    assert text.startswith(CODEBOOK.rstrip("\n")), "the file up to the new theme is unchanged"
    assert load_codebook(tmp_path / "c.yaml").to_dict() == new.to_dict()


def test_adding_a_theme_to_a_codebook_written_otherwise_still_saves_it_whole(tmp_path: Path):
    from textmine.codebook import load_codebook, save_added_theme

    (tmp_path / "c.yaml").write_text("themes: [{id: a, label: A}]\nsurvey: lmb\nquestion: trots\n", encoding="utf-8")
    new = load_codebook(tmp_path / "c.yaml").add_theme("B")
    save_added_theme(new, tmp_path / "c.yaml")
    assert load_codebook(tmp_path / "c.yaml").to_dict() == new.to_dict()


def test_converting_a_codebook_onto_itself_is_refused(tmp_path: Path, cli):
    """'codebook convert c.yaml c.yaml' rewrote the file in place, dropping its comments."""
    (tmp_path / "c.yaml").write_text(CODEBOOK, encoding="utf-8")
    message = one_line_exit_2(cli("codebook", "convert", tmp_path / "c.yaml", tmp_path / "c.yaml"))
    assert "c.yaml" in message and "itself" in message, message
    assert (tmp_path / "c.yaml").read_text(encoding="utf-8") == CODEBOOK


def test_coding_with_the_codebook_of_another_question_is_refused(sample_2025: Path, cli):
    """'code -q trots --codebook lmb_noden.yaml' (a tab completion off) coded 'trots' with the
    themes of 'noden' and stored them, though the file says 'question: noden'."""
    repo = Path(__file__).parent.parent
    before = dump_db(sample_2025)
    message = one_line_exit_2(cli("code", "-p", sample_2025, "-q", "trots", "--codebook",
                                   repo / "data" / "codebooks" / "lmb_noden.yaml"))
    assert "lmb_noden.yaml" in message and "'noden'" in message and "'trots'" in message, message
    assert dump_db(sample_2025) == before


def test_a_codebook_of_another_survey_may_be_reused(sample_2025: Path):
    from textmine.questions import resolve_codebook

    repo = Path(__file__).parent.parent
    with Store(sample_2025) as store:
        book = resolve_codebook(store, "lmb", "trots", repo / "data" / "codebooks" / "sdg_trots.yaml")
    assert book.survey == "sdg"


# --- found by the sweep, fixed after it ------------------------------------------------------

@pytest.mark.parametrize("label, said", [("[Beleid, Steun]", "'label' must be text"), ("yes", "'label' must be text")])
def test_a_theme_label_that_is_a_list_or_yes_is_an_error_naming_its_line(tmp_path: Path, cli, label: str, said: str):
    # stored as the text "['Beleid', 'Steun']" or "True" before
    (tmp_path / "c.yaml").write_text(f"themes:\n  - id: a\n    label: Ander\n  - id: beleid\n    label: {label}\n",
                                     encoding="utf-8")
    message = one_line_exit_2(cli("codebook", "check", tmp_path / "c.yaml"))
    assert "c.yaml, row 5" in message and said in message  # the label line, message


@pytest.mark.parametrize("pattern", [".*", "x?", "|gros", "(beleid)?"])
def test_a_pattern_that_matches_an_empty_text_is_refused(tmp_path: Path, cli, pattern: str):
    # it would code every answer with the theme
    (tmp_path / "c.yaml").write_text(f"themes:\n  - id: a\n    label: A\n    patterns: ['{pattern}']\n",
                                     encoding="utf-8")
    message = one_line_exit_2(cli("codebook", "check", tmp_path / "c.yaml"))
    assert "c.yaml, row" in message and "matches an empty text" in message, message
    (tmp_path / "ok.yaml").write_text("themes:\n  - id: a\n    label: A\n    patterns: ['.+gros', 'x+']\n",
                                      encoding="utf-8")
    assert cli("codebook", "check", tmp_path / "ok.yaml").exit_code == 0


@pytest.mark.parametrize("wave", ["20\n26", "20\r26", "20\x0026", "x" * 61])
def test_a_wave_label_on_two_lines_or_too_long_is_refused_and_nothing_stored(tmp_path: Path, fixture_schema: Path,
                                                                            wave: str):
    from textmine import Project
    from textmine.errors import InputError

    project = Project(tmp_path / "p")
    with pytest.raises(InputError, match="wave label .* must be one line of at most 60 characters"):
        project.ingest(VALID / "utf8_no_bom_semicolon.csv", fixture_schema, wave=wave)
    assert project.waves().empty
