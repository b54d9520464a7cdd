"""The coding stage: codebook-only coding, --train import, human codes win, persistence, review loop."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tm_testutil import REPO
from textmine.codebook import load_codebook
from textmine.coding import code_question
from textmine.saved_coder import load_coder
from textmine.errors import InputError
from textmine.ingest import ingest
from textmine.schema import load_schema
from textmine.store import Store

SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("coding") / "p"
    ingest(SAMPLE / "lmb_2025_SYNTHETIC.csv", load_schema(REPO / "data" / "schemas" / "lmb.yaml"), p, "2025")
    return p


def test_codebook_only_then_train_then_review(project: Path, cli, tmp_path: Path):
    res = cli("code", "-p", project, "-q", "trots", "-f", "json")
    assert res.exit_code == 0, res.output
    first = json.loads(res.stdout)
    assert len(first) == 95 and {"respondent_id", "text", "themes", "scores", "source"} <= set(first[0])
    assert all(a["source"] == "machine" for a in first)
    coded = [a for a in first if a["themes"] != ["non_answer"]]
    assert all(set(a["scores"]) == set(load_codebook(REPO / "data/codebooks/lmb_trots.yaml").ids) for a in coded)
    assert any(a["themes"] == ["non_answer"] for a in first)

    # --train: human codes imported first; they win in the output and survive re-runs
    ids = [a["respondent_id"] for a in coded[:3]]
    train = tmp_path / "codes.csv"
    train.write_text("respondent id;theme;coder\n" + f"{ids[0]};beleid;An\n{ids[0]};evenementen;An\n"
                     f"{ids[1]};overig;An\n{ids[2]};fairtrade;Bo\n", encoding="utf-8")
    res = cli("code", "-p", project, "-q", "trots", "--train", train, "-f", "json")
    assert res.exit_code == 0, res.output
    second = {a["respondent_id"]: a for a in json.loads(res.stdout)}
    assert second[ids[0]]["source"] == "human" and set(second[ids[0]]["themes"]) == {"beleid", "evenementen"}
    assert second[ids[1]]["themes"] == ["overig"] and second[ids[2]]["themes"] == ["fairtrade"]
    with Store(project) as store:
        human_before = store.codes("lmb", question="trots", source="human")
    assert len(human_before) == 3 * 6
    # importing the same codes again adds nothing
    res = cli("code", "-p", project, "-q", "trots", "--train", train, "-f", "json")
    assert "imported 0 human codes" in res.stderr

    # review round trip: export, edit, import twice, re-run code: every human code kept
    wb_path = tmp_path / "review.xlsx"
    assert cli("review", "export", "-p", project, "-q", "trots", "-o", wb_path).exit_code == 0
    wb = openpyxl.load_workbook(wb_path)
    ws = wb["Beoordelen"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("Beoordeeld") + 1).value = "ja"
    reviewed_rid = ws.cell(row=2, column=headers.index("Respondent") + 1).value
    wb.save(wb_path)
    first_import = cli("review", "import", wb_path, "-p", project, "--coder", "Cas")
    assert first_import.exit_code == 0 and "1 of" in first_import.stdout
    again = cli("review", "import", wb_path, "-p", project, "--coder", "Cas")
    assert "0 human codes stored" in again.stdout
    assert cli("code", "-p", project, "-q", "trots").exit_code == 0
    with Store(project) as store:
        human_after = store.codes("lmb", question="trots", source="human")
    assert set(human_before.code_id) <= set(human_after.code_id)
    assert (human_after.status == "current").all() and len(human_after) == 4 * 6
    final = {a["respondent_id"]: a for a in json.loads(cli("code", "-p", project, "-q", "trots", "-f", "json").stdout)}
    assert final[reviewed_rid]["source"] == "human"


def test_saved_coder_refuses_changed_codebook(project: Path):
    book = load_codebook(REPO / "data" / "codebooks" / "lmb_trots.yaml")
    with Store(project) as store:
        result = code_question(store, "trots", codebook=book)
    coder, meta = load_coder(project, "lmb", "trots", book)
    assert meta["codebook_hash"] == book.hash and "scikit-learn" in meta["versions"]
    assert result.coder_path and result.coder_path.stat().st_size < 5_000_000
    changed = book.add_theme("Klimaat en water", keywords=["klimaat"])
    with pytest.raises(InputError, match="codebook changed"):
        load_coder(project, "lmb", "trots", changed)


def test_bad_train_file(project: Path, cli, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent id;theme\n999999;beleid\n", encoding="utf-8")
    res = cli("code", "-p", project, "-q", "trots", "--train", bad)
    assert res.exit_code == 2 and "bad.csv, row 2" in res.stderr and "no answer" in res.stderr
    bad.write_text("respondent id;theme\nx;klimaat\n", encoding="utf-8")
    res = cli("code", "-p", project, "-q", "trots", "--train", bad)
    assert res.exit_code == 2 and "not in the codebook" in res.stderr


def test_evaluate_cross_validated_and_human_agreement(tmp_path: Path, cli):
    import csv
    p = tmp_path / "p"
    ingest(SAMPLE / "lmb_2025_SYNTHETIC.csv", load_schema(REPO / "data" / "schemas" / "lmb.yaml"), p, "2025")
    too_few = cli("evaluate", "-p", p, "-q", "trots")
    assert too_few.exit_code == 2 and "at least 10" in too_few.stderr
    gold = [r for r in csv.DictReader((SAMPLE / "gold_themes_SYNTHETIC.csv").open(encoding="utf-8"))
            if r["survey"] == "lmb" and r["wave"] == "2025" and r["question"] == "trots"
            and r["theme"] != "non_answer"]
    rids = sorted({r["respondent_id"] for r in gold})[:24]
    lines = ["respondent id;theme;coder"]
    for r in gold:
        if r["respondent_id"] in rids:
            lines.append(f"{r['respondent_id']};{r['theme']};An")
            # a second coder who disagrees on one theme of the first answer
            theme = "beleid" if r["respondent_id"] == rids[0] else r["theme"]
            lines.append(f"{r['respondent_id']};{theme};Bo")
    (tmp_path / "codes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli("code", "-p", p, "-q", "trots", "--train", tmp_path / "codes.csv").exit_code == 0
    res = cli("evaluate", "-p", p, "-q", "trots", "-f", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    cv = data["cross_validated"]
    assert data["human_coded_answers"] == 24 and 0 <= cv["macro_f1"] <= 1 and "alpha" in cv
    assert {"theme", "precision", "recall", "f1", "kappa"} <= set(cv["per_theme"][0])
    assert 0 <= data["coverage_at_precision_0.9"]["coverage"] <= 1
    hh = data["human_vs_human"]
    assert hh["coders"] == ["An", "Bo"] and hh["answers"] == 24 and hh["mean_kappa"] < 1
