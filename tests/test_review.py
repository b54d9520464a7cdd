"""Review workbook round trip: export, edit, import twice, machine re-run keeps human codes;
faulty or mishandled workbooks are one-line errors (or warnings) and store nothing wrongly."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tm_testutil import REPO, dump_db, set_dimension
from textmine.codebook import load_codebook
from textmine.errors import InputError
from textmine.ingest import ingest
from textmine.review import import_review, export_review
from textmine.schema import Schema
from textmine.store import Store

SCHEMA = Schema.from_dict({"survey": "lmb", "id_column": "id", "questions": [
    {"id": "trots", "column": "trots", "type": "open"}]})
TEXTS = {"1": "Onze stedenband met Kaya", "2": "=HYPERLINK(\"x\") de wereldmarkt", "3": "Fairtrade-gemeente"}


def _project(tmp_path: Path, texts: dict[str, str], scores: dict[str, dict[str, float]]) -> tuple[Path, object]:
    """A project with these answers to lmb 'trots' 2025, machine-coded with these scores."""
    export = tmp_path / "e.csv"
    export.write_text("id;trots\n" + "".join(f'{k};"{v.replace(chr(34), chr(34) * 2)}"\n' for k, v in texts.items()),
                      encoding="utf-8")
    project = tmp_path / "p"
    ingest(export, SCHEMA, project, "2025")
    codebook = load_codebook(REPO / "data" / "codebooks" / "lmb_trots.yaml")
    with Store(project) as store:
        run = store.start_run("code")
        store.save_machine_codes([
            {"survey": "lmb", "wave": "2025", "question": "trots", "respondent_id": rid, "theme": t,
             "score": scores[rid].get(t, 0.05), "applies": scores[rid].get(t, 0.05) >= 0.5}
            for rid in texts for t in codebook.ids], coder="test", run_id=run)
    return project, codebook


@pytest.fixture
def setup(tmp_path: Path):
    scores = {"1": {"financiele_steun": 0.9}, "2": {"evenementen": 0.55}, "3": {"fairtrade": 0.97}}
    project, codebook = _project(tmp_path, TEXTS, scores)
    return project, codebook, tmp_path


def test_export_workbook(setup):
    project, codebook, tmp = setup
    path = tmp / "review.xlsx"
    with Store(project) as store:
        assert export_review(store, codebook, "lmb", "trots", path) == 3
    wb = openpyxl.load_workbook(path)
    ws = wb["Beoordelen"]
    headers = [c.value for c in ws[1]]
    assert "Antwoord" in headers and "Opmerking" in headers and "Zekerheid machine" in headers
    assert f"{codebook.theme('fairtrade').label} (fairtrade)" in headers
    assert ws.freeze_panes == "G2"
    assert ws.data_validations.dataValidation, "theme columns need a ja/nee drop-down"
    # least certain first: respondent 2 (0.55) before 1 (0.9) and 3 (0.95)
    order = [ws.cell(row=r, column=headers.index("Respondent") + 1).value for r in range(2, 5)]
    assert order[0] == "2"
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, str) and c.value.startswith("=HYPERLINK") for c in cells)


def edit(path: Path, respondent: str, theme: str, value: str, coder: str = "An") -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Beoordelen"]
    headers = [c.value for c in ws[1]]
    col = next(i for i, h in enumerate(headers, start=1) if h and h.endswith(f"({theme})"))
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=headers.index("Respondent") + 1).value == respondent:
            ws.cell(row=r, column=col).value = value
    info = wb["Info"]
    for r in range(1, info.max_row + 1):
        if info.cell(row=r, column=1).value == "Naam van de codeur":
            info.cell(row=r, column=2).value = coder
    wb.save(path)


def test_round_trip_import_twice_and_machine_rerun(setup):
    project, codebook, tmp = setup
    path = tmp / "review.xlsx"
    with Store(project) as store:
        export_review(store, codebook, "lmb", "trots", path)
    edit(path, "2", "sensibilisering", "ja")
    with Store(project) as store:
        first = import_review(store, codebook, path)
        second = import_review(store, codebook, path)
        human = store.codes("lmb", "2025", "trots", source="human")
    assert first.coder == "An" and first.reviewed == 1 and first.codes_added == len(codebook.ids)
    assert second.codes_added == 0 and second.unchanged == len(codebook.ids)
    # the reviewer added sensibilisering and kept the pre-filled evenementen
    assert set(human[human.applies == 1].theme) == {"sensibilisering", "evenementen"}
    # a new machine run never hides or overwrites the human codes
    with Store(project) as store:
        run = store.start_run("code")
        store.save_machine_codes([{"survey": "lmb", "wave": "2025", "question": "trots", "respondent_id": "2",
                                   "theme": t, "score": 0.01, "applies": False} for t in codebook.ids],
                                 coder="test", run_id=run)
        after = store.codes("lmb", "2025", "trots", source="human")
    assert len(after) == len(human) and (after.status == "current").all()


def test_changed_answer_is_reported_not_guessed(setup):
    project, codebook, tmp = setup
    path = tmp / "review.xlsx"
    with Store(project) as store:
        export_review(store, codebook, "lmb", "trots", path)
    edit(path, "1", "beleid", "ja")
    export = tmp / "e2.csv"
    export.write_text('id;trots\n1;Onze stedenband met Kaya in Burkina Faso\n2;"=HYPERLINK(""x"") de wereldmarkt"\n'
                      "3;Fairtrade-gemeente\n", encoding="utf-8")
    ingest(export, SCHEMA, project, "2025", replace=True)
    with Store(project) as store:
        report = import_review(store, codebook, path)
    assert report.codes_added == 0 and len(report.unmatched) == 1 and "changed" in report.unmatched[0]


def test_bad_cell_is_a_clear_error(setup):
    project, codebook, tmp = setup
    path = tmp / "review.xlsx"
    with Store(project) as store:
        export_review(store, codebook, "lmb", "trots", path)
    edit(path, "3", "beleid", "misschien")
    with Store(project) as store, pytest.raises(InputError) as info:
        import_review(store, codebook, path)
    assert "row" in str(info.value) and "(beleid)" in str(info.value) and "misschien" in str(info.value)
    with Store(project) as store:
        assert store.codes("lmb", source="human").empty  # nothing written


# --- faulty and mishandled workbooks --------------------------------------------------------------

def _exported(setup) -> tuple[Path, object, Path]:
    project, codebook, tmp = setup
    path = tmp / "review.xlsx"
    with Store(project) as store:
        export_review(store, codebook, "lmb", "trots", path)
    return project, codebook, path


def _change(path: Path, change, coder: str = "An") -> None:
    """Edit the workbook like staff in Excel: ``change(workbook, review sheet, header -> column)``."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Beoordelen"]
    change(wb, ws, {c.value: c.column for c in ws[1]})
    info = wb["Info"]
    for r in range(1, info.max_row + 1):
        if info.cell(row=r, column=1).value == "Naam van de codeur":
            info.cell(row=r, column=2).value = coder
    wb.save(path)


def _row(ws, respondent: str) -> int:
    col = next(c.column for c in ws[1] if c.value == "Respondent")
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=col).value == respondent)


def _theme(headers: dict, theme: str) -> int:
    return next(c for h, c in headers.items() if h and h.endswith(f"({theme})"))


def _refused(project: Path, codebook, path: Path, *needles: str) -> str:
    """Import fails with one line holding every needle, and the project is unchanged."""
    before = dump_db(project)
    with Store(project) as store, pytest.raises(InputError) as info:
        import_review(store, codebook, path)
    line = str(info.value)
    assert "\n" not in line and str(path) in line
    for needle in needles:
        assert needle in line, (needle, line)
    assert dump_db(project) == before
    return line


def test_understated_sheet_size_imports_every_reviewed_row(tmp_path: Path):
    texts = {str(i): f"Project {i}: onze stedenband en de wereldmarkt" for i in range(1, 41)}
    project, codebook = _project(tmp_path, texts, {rid: {"financiele_steun": 0.8} for rid in texts})
    path = tmp_path / "review.xlsx"
    with Store(project) as store:
        export_review(store, codebook, "lmb", "trots", path)

    def all_reviewed(wb, ws, headers):
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=headers["Beoordeeld"]).value = "ja"

    _change(path, all_reviewed)
    path.write_bytes(set_dimension(path.read_bytes(), "A1:P5"))  # the sheet claims 4 answers
    with Store(project) as store:
        report = import_review(store, codebook, path)
    assert (report.rows, report.reviewed, report.codes_added) == (40, 40, 40 * len(codebook.ids))


def test_formula_without_computed_value_is_an_error(setup):
    project, codebook, path = _exported(setup)
    _change(path, lambda wb, ws, h: ws.cell(row=_row(ws, "2"), column=_theme(h, "beleid"),
                                             value='=IF(TRUE,"ja","nee")'))
    label = codebook.theme("beleid").label
    _refused(project, codebook, path, f'column "{label} (beleid)"', "formula without a computed value",
             "open and save the file in Excel", "of sheet 'Beoordelen'")


def test_deleted_prefill_sheet_is_refused(setup):
    """Without the pre-fill every machine call looked like a staff edit and became a human code."""
    project, codebook, path = _exported(setup)
    _change(path, lambda wb, ws, h: wb.remove(wb["_voorinvulling"]))
    _refused(project, codebook, path, "'_voorinvulling'", "export a new review workbook")


def test_every_answer_row_deleted_is_refused_not_imported_as_zero(setup):
    """'0 of 0 imported', exit 0, read as success when staff had cleared the sheet by mistake."""
    project, codebook, path = _exported(setup)
    _change(path, lambda wb, ws, h: ws.delete_rows(2, ws.max_row))
    _refused(project, codebook, path, "no answer rows left", "exported with")


@pytest.mark.parametrize("how", ["renamed", "deleted"])
def test_renamed_or_deleted_theme_column_is_an_error(setup, how: str):
    project, codebook, path = _exported(setup)

    def change(wb, ws, headers):
        col = _theme(headers, "beleid")
        ws.cell(row=_row(ws, "1"), column=col, value="ja")  # an edit that would be lost
        if how == "renamed":
            ws.cell(row=1, column=col, value="Beleid")
        else:
            ws.delete_cols(col)

    _change(path, change)
    needles = ["no column for theme beleid", f"'{codebook.theme('fairtrade').label} (fairtrade)'"]
    _refused(project, codebook, path, *needles, *(["columns not recognised: Beleid"] if how == "renamed" else []))


@pytest.mark.parametrize("key, why", [
    ("lmb|2025|noden|1", "it is an answer to question 'noden' of survey 'lmb', this workbook is about 'trots'"),
    ("sdg|2025|trots|1", "of survey 'sdg'"),
    ("lmb|2022|trots|1", "respondent 1 of wave 2022 was not in this workbook"),
    ("lmb|2025|trots|99", "respondent 99 of wave 2025 was not in this workbook"),
    ("Onze stedenband", "is not a textmine answer key"),
])
def test_key_from_elsewhere_is_an_error(setup, key: str, why: str):
    project, codebook, path = _exported(setup)

    def change(wb, ws, headers):
        row = _row(ws, "1")
        ws.cell(row=row, column=headers["Sleutel"], value=key)
        ws.cell(row=row, column=_theme(headers, "beleid"), value="ja")

    _change(path, change)
    _refused(project, codebook, path, why, 'row 3, column "Sleutel"')


def test_duplicated_rows_conflicting_is_an_error_identical_is_stored_once(setup):
    project, codebook, path = _exported(setup)

    def duplicate(call: str):
        def change(wb, ws, headers):
            src = _row(ws, "2")
            ws.append([c.value for c in ws[src]])
            for cell in ws[ws.max_row]:  # pasted as text, as Excel copies it
                if isinstance(cell.value, str):
                    cell.data_type = "s"
            ws.cell(row=src, column=_theme(headers, "beleid"), value="ja")
            ws.cell(row=ws.max_row, column=_theme(headers, "beleid"), value=call)
        return change

    _change(path, duplicate("nee"))
    line = _refused(project, codebook, path, "rows 2 and 5 are the same answer (respondent 2, wave 2025)",
                    "different calls")
    assert "row 5" in line

    project, codebook, path = _exported(setup)
    _change(path, duplicate("ja"))
    with Store(project) as store:
        report = import_review(store, codebook, path)
        human = store.codes("lmb", "2025", "trots", source="human")
    assert report.warnings == ["rows 2 and 5 are duplicates with the same calls: imported once"]
    assert report.reviewed == 1 and len(human) == len(codebook.ids)
    assert set(human[human.applies == 1].theme) == {"beleid", "evenementen"}


def test_rows_sorted_without_their_hidden_keys_are_an_error(setup):
    """Sorting only the visible columns moves answers away from their keys: codes would land on
    the wrong answer."""
    project, codebook, path = _exported(setup)

    def change(wb, ws, headers):
        a, b = _row(ws, "1"), _row(ws, "3")
        col = headers["Antwoord"]
        first, second = ws.cell(row=a, column=col).value, ws.cell(row=b, column=col).value
        ws.cell(row=a, column=col, value=second)
        ws.cell(row=b, column=col, value=first)
        ws.cell(row=a, column=_theme(headers, "beleid"), value="ja")

    _change(path, change)
    _refused(project, codebook, path, 'column "Antwoord"', "not the answer of its key (respondent 1",
             "sorted or moved")


def test_other_silent_paths(setup):
    project, codebook, path = _exported(setup)
    beleid = f"{codebook.theme('beleid').label} (beleid)"
    _change(path, lambda wb, ws, h: ws.cell(row=_row(ws, "3"), column=_theme(h, "beleid"), value="jaa"))
    _refused(project, codebook, path, "'jaa' is not ja or nee", f'column "{beleid}"')

    # a call staff emptied: never read as 'no code' silently
    project, codebook, path = _exported(setup)

    def emptied(wb, ws, headers):
        ws.cell(row=_row(ws, "3"), column=_theme(headers, "fairtrade")).value = None

    _change(path, emptied)
    _refused(project, codebook, path, "empty, but it was pre-filled 'ja'",
             f'column "{codebook.theme("fairtrade").label} (fairtrade)"')

    # a row added by hand and a column of notes: warnings, nothing stored for them
    project, codebook, path = _exported(setup)

    def added(wb, ws, headers):
        ws.cell(row=1, column=ws.max_column + 1, value="Mijn notities")
        ws.cell(row=ws.max_row + 1, column=headers["Antwoord"], value="Nieuw antwoord van een gemeente")
        ws.cell(row=ws.max_row, column=_theme(headers, "beleid"), value="ja")

    _change(path, added)
    with Store(project) as store:
        report = import_review(store, codebook, path)
        assert store.codes("lmb", source="human").empty
    assert sorted(report.warnings) == ["columns not read (not review columns): Mijn notities",
                                       "row 5 without a key (Sleutel) not imported: rows added by hand cannot be "
                                       "matched to an answer"]


def test_codebook_reordered_after_export_stores_only_what_staff_changed(setup):
    """The pre-fill names its themes: a codebook whose themes moved still tells edits from pre-fill."""
    from dataclasses import replace

    project, codebook, path = _exported(setup)
    reordered = replace(codebook, themes=codebook.themes[::-1])
    assert reordered.hash == codebook.hash and reordered.ids != codebook.ids
    _change(path, lambda wb, ws, h: ws.cell(row=_row(ws, "1"), column=_theme(h, "beleid"), value="ja"))
    with Store(project) as store:
        report = import_review(store, reordered, path)
        human = store.codes("lmb", "2025", "trots", source="human")
    assert report.reviewed == 1 and set(human.respondent_id) == {"1"}
    assert set(human[human.applies == 1].theme) == {"financiele_steun", "beleid"}


def test_workbook_exported_before_the_prefill_named_its_themes(setup):
    project, codebook, path = _exported(setup)

    def legacy(wb, ws, headers):
        wb["_voorinvulling"].delete_rows(1)
        info = wb["Info"]  # nor did such a workbook carry the pre-fill's checksum
        info.delete_rows(next(r for r in range(1, info.max_row + 1)
                              if info.cell(row=r, column=1).value == "Controlegetal voorinvulling"))
        ws.cell(row=_row(ws, "2"), column=_theme(headers, "beleid"), value="ja")

    _change(path, legacy)
    from dataclasses import replace

    _refused(project, replace(codebook, themes=codebook.themes[::-1]), path, "export a new review workbook")
    with Store(project) as store:
        report = import_review(store, codebook, path)
    assert report.reviewed == 1 and report.codes_added == len(codebook.ids)


def test_control_characters_are_exported_visibly_and_imported_by_key(tmp_path: Path):
    texts = {"1": "Stedenband\x0bmet Kaya\x01 en\x1b de wereldmarkt\ufffe", "2": "Fairtrade-gemeente"}
    project, codebook = _project(tmp_path, texts, {"1": {"financiele_steun": 0.9}, "2": {"fairtrade": 0.9}})
    path = tmp_path / "review.xlsx"
    with Store(project) as store:
        assert export_review(store, codebook, "lmb", "trots", path) == 2
    wb = openpyxl.load_workbook(path)
    ws = wb["Beoordelen"]
    shown = ws.cell(row=_row(ws, "1"), column=[c.value for c in ws[1]].index("Antwoord") + 1).value
    assert shown == "Stedenband\\x0bmet Kaya\\x01 en\\x1b de wereldmarkt\\ufffe"
    _change(path, lambda wb, ws, h: ws.cell(row=_row(ws, "1"), column=_theme(h, "beleid"), value="ja"))
    with Store(project) as store:
        report = import_review(store, codebook, path)
        human = store.codes("lmb", "2025", "trots", source="human")
    assert report.reviewed == 1 and set(human.respondent_id) == {"1"}
    assert set(human[human.applies == 1].theme) == {"financiele_steun", "beleid"}



@pytest.mark.parametrize("name", ["<b>Anna</b>", "x" * 61])
def test_a_coder_name_with_markup_or_too_long_on_the_info_sheet_is_refused(setup, name):
    """The review workbook's coder name was stored as typed, while the workbench's coder page
    refused the same name: one rule for both."""
    project, codebook, tmp = setup
    path = tmp / "review.xlsx"
    with Store(project) as store:
        export_review(store, codebook, "lmb", "trots", path)
    edit(path, "1", "fairtrade", "ja", coder=name)
    before = dump_db(project)
    with Store(project) as store, pytest.raises(InputError, match=r"review\.xlsx: the coder's name .*"
                                                                  r"\('Naam van de codeur' on the Info sheet\)"):
        import_review(store, codebook, path)
    assert dump_db(project) == before
    edit(path, "1", "fairtrade", "ja", coder="  Els   D'Hondt ")
    with Store(project) as store:
        assert import_review(store, codebook, path).coder == "Els D'Hondt"


def test_a_changed_hidden_prefill_sheet_is_refused_not_trusted(setup):
    """Staff who unhide every sheet and type into '_voorinvulling' change what the machine is said to
    have pre-filled: a 'ja' typed there made the same 'ja' on the review sheet look untouched (and a
    machine call could pass as a human one). The sheet now carries a checksum on the Info sheet."""
    project, codebook, tmp = setup
    path = tmp / "review.xlsx"
    with Store(project) as store:
        export_review(store, codebook, "lmb", "trots", path)
    edit(path, "1", "evenementen", "ja")
    wb = openpyxl.load_workbook(path)
    pre = wb["_voorinvulling"]
    column = [c.value for c in pre[1]].index("evenementen") + 1
    row = next(r for r in range(2, pre.max_row + 1) if pre.cell(row=r, column=1).value.endswith("|1"))
    assert pre.cell(row=row, column=column).value == "nee"
    pre.cell(row=row, column=column).value = "ja"
    wb.save(path)
    before = dump_db(project)
    with Store(project) as store, pytest.raises(InputError, match=r"review\.xlsx: the hidden sheet '_voorinvulling' "
                                                                  r"was changed .*export a new review workbook"):
        import_review(store, codebook, path)
    assert dump_db(project) == before


def test_a_workbook_exported_before_the_checksum_still_imports(setup):
    project, codebook, tmp = setup
    path = tmp / "review.xlsx"
    with Store(project) as store:
        export_review(store, codebook, "lmb", "trots", path)
    wb = openpyxl.load_workbook(path)
    info = wb["Info"]
    for r in range(1, info.max_row + 1):
        if info.cell(row=r, column=1).value == "Controlegetal voorinvulling":
            info.cell(row=r, column=1).value = info.cell(row=r, column=2).value = None
    wb.save(path)
    edit(path, "1", "evenementen", "ja")
    with Store(project) as store:
        assert import_review(store, codebook, path).codes_added > 0
