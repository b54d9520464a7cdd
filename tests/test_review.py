"""Review workbook round trip: export, edit, import twice, machine re-run keeps human codes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tm_testutil import REPO
from textmine.codebook import load_codebook
from textmine.errors import InputError
from textmine.ingest import ingest
from textmine.review import import_review, export_review
from textmine.schema import Schema
from textmine.store import Store

SCHEMA = Schema.from_dict({"survey": "lmb", "id_column": "id", "questions": [
    {"id": "trots", "column": "trots", "type": "open"}]})
TEXTS = {"1": "Onze stedenband met Kaya", "2": "=HYPERLINK(\"x\") de wereldmarkt", "3": "Fairtrade-gemeente"}


@pytest.fixture
def setup(tmp_path: Path):
    export = tmp_path / "e.csv"
    export.write_text("id;trots\n" + "".join(f'{k};"{v.replace(chr(34), chr(34) * 2)}"\n' for k, v in TEXTS.items()),
                      encoding="utf-8")
    project = tmp_path / "p"
    ingest(export, SCHEMA, project, "2025")
    codebook = load_codebook(REPO / "data" / "codebooks" / "lmb_trots.yaml")
    scores = {"1": {"financiele_steun": 0.9}, "2": {"evenementen": 0.55}, "3": {"fairtrade": 0.97}}
    with Store(project) as store:
        run = store.start_run("code")
        store.save_machine_codes([
            {"survey": "lmb", "wave": "2025", "question": "trots", "respondent_id": rid, "theme": t,
             "score": scores[rid].get(t, 0.05), "applies": scores[rid].get(t, 0.05) >= 0.5}
            for rid in TEXTS for t in codebook.ids], coder="test", run_id=run)
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
