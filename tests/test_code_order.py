"""The stored code order: an answer's main theme is the same in `code`, the report and the catalogue,
also when the coder's order differs from both the score order and the codebook order."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tm_testutil import REPO, old_store, store_version
from textmine.catalogue import build_catalogue
from textmine.codes import current_themes
from textmine.coding import code_question
from textmine.ingest import ingest
from textmine.questions import resolve_codebook
from textmine.report.context import WaveContext, wave_info
from textmine.report.opens import coded_answers
from textmine.schema import load_schema
from textmine.store import Store

SAMPLE = REPO / "data" / "sample"


class OrderedCoder:
    """Scores rise along the codebook (the last theme scores highest) while the coder names
    the second theme first, then the first, then the third: three different orders."""

    def __init__(self, codebook, embedder) -> None:
        self.ids = codebook.ids

    def fit(self, X, Y=None):
        return self

    def score_and_code(self, X):
        k = len(self.ids)
        scores = np.tile(0.5 + 0.4 * np.arange(k) / k, (len(X), 1))
        themes = [["non_answer"] if a.non_answer else [self.ids[1], self.ids[0], self.ids[2]] for a in X]
        return scores, themes


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("order") / "p"
    ingest(SAMPLE / "lmb_2025_SYNTHETIC.csv", load_schema(REPO / "data" / "schemas" / "lmb.yaml"), p, "2025")
    return p


def _report_rows(store: Store) -> dict[str, list[str]]:
    ctx = WaveContext(store, wave_info(store, "lmb", "2025"))
    q = ctx.info.schema.question("trots")
    return {r["respondent_id"]: r["themes"] for r in coded_answers(ctx, q, resolve_codebook(store, "lmb", "trots"))}


def book_label(project: Path, theme: str) -> str:
    with Store(project) as store:
        return resolve_codebook(store, "lmb", "trots").label_of(theme)


def _qdpx_main(project: Path, tmp_path: Path) -> dict[tuple[str, str], str]:
    """(wave, respondent) -> the 'hoofdthema' of its 'trots' source in a .qdpx export."""
    import xml.etree.ElementTree as ET
    import zipfile

    from textmine.qdpx import export_qdpx, guid

    out = tmp_path / "main.qdpx"
    with Store(project) as store:
        export_qdpx(store, out, survey="lmb")
        rids = list(store.open_answers("lmb", "2025", "trots").respondent_id)
    root = ET.fromstring(zipfile.ZipFile(out).read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    main_var = guid("variable", "meta", "hoofdthema")
    by_source = {}
    for src in root.iterfind(".//q:TextSource", ns):
        for vv in src.iterfind("q:VariableValue", ns):
            if vv.find("q:VariableRef", ns).get("targetGUID") == main_var:
                by_source[src.get("guid")] = vv.find("q:TextValue", ns).text
    return {("2025", r): by_source[guid("source", "lmb", "2025", "trots", r)] for r in rids
            if guid("source", "lmb", "2025", "trots", r) in by_source}


def test_machine_main_theme_is_the_coders_first(project: Path, tmp_path: Path):
    with Store(project) as store:
        book = resolve_codebook(store, "lmb", "trots")
        result = code_question(store, "trots", survey="lmb", codebook=book, factory=OrderedCoder)
        coded = [a for a in result.answers if a["themes"] != ["non_answer"]]
        ids = book.ids
        wanted = [ids[1], ids[0], ids[2]]
        assert coded and all(a["themes"] == wanted for a in coded)
        # the three orders differ: by score the last theme leads, by codebook the first
        scores = coded[0]["scores"]
        assert max(wanted, key=scores.get) == ids[2] and min(wanted, key=ids.index) == ids[0]
        stored = store.codes("lmb", "2025", "trots")
        one = stored[stored.respondent_id == coded[0]["respondent_id"]].set_index("theme")
        assert [one.loc[t, "rank"] for t in wanted] == [1, 2, 3]
        assert one.loc[[t for t in ids if t not in wanted], "rank"].isna().all()
        report = _report_rows(store)
        practices = {p["respondent_id"]: p for p in build_catalogue(store, "lmb", "trots")}
    in_qdpx = _qdpx_main(project, tmp_path)
    for a in coded:
        rid = a["respondent_id"]
        assert report[rid] == wanted and practices[rid]["main_theme"] == ids[1]
        assert [t["id"] for t in practices[rid]["themes"]] == wanted
        assert in_qdpx[("2025", rid)] == book.label_of(ids[1])


def test_human_order_from_train_file_wins_everywhere(project: Path, cli, tmp_path: Path):
    res = cli("code", "-p", project, "-q", "trots", "-f", "json")
    assert res.exit_code == 0, res.output
    first = {a["respondent_id"]: a for a in json.loads(res.stdout)}
    with Store(project) as store:
        ids = resolve_codebook(store, "lmb", "trots").ids
    rid, answer = next((r, a) for r, a in first.items() if a["source"] == "machine" and a["themes"] != ["non_answer"])
    # three themes; the coder's main one is neither the codebook's first nor the best-scoring
    picked = sorted(ids[:4], key=lambda t: -answer["scores"][t])[:3]
    by_score, by_book = picked[0], min(picked, key=ids.index)
    main = next(t for t in picked if t not in (by_score, by_book))
    order = [main, *[t for t in picked if t != main][::-1]]
    train = tmp_path / "codes.csv"
    train.write_text("respondent id;theme\n" + "".join(f"{rid};{t}\n" for t in order), encoding="utf-8")
    res = cli("code", "-p", project, "-q", "trots", "--train", train, "-f", "json")
    assert res.exit_code == 0, res.output
    coded = {a["respondent_id"]: a for a in json.loads(res.stdout)}
    assert coded[rid]["source"] == "human" and coded[rid]["themes"] == order
    with Store(project) as store:
        report = _report_rows(store)
        practices = {p["respondent_id"]: p for p in build_catalogue(store, "lmb", "trots")}
    assert report[rid] == order
    assert practices[rid]["main_theme"] == main and [t["id"] for t in practices[rid]["themes"]] == order
    assert _qdpx_main(project, tmp_path)[("2025", rid)] == book_label(project, main)
    # importing the same file again adds nothing (the order is part of the comparison)
    again = cli("code", "-p", project, "-q", "trots", "--train", train)
    assert "imported 0 human codes" in again.stderr


def test_review_keeps_the_main_theme_and_appends_added_themes(project: Path, cli, tmp_path: Path):
    import openpyxl

    wb_path = tmp_path / "review.xlsx"
    assert cli("review", "export", "-p", project, "-q", "trots", "-o", wb_path).exit_code == 0
    with Store(project) as store:
        ids = resolve_codebook(store, "lmb", "trots").ids
        before = current_themes(store.codes("lmb", "2025", "trots").query("theme in @ids"))
    wb = openpyxl.load_workbook(wb_path)
    ws = wb["Beoordelen"]
    headers = [c.value for c in ws[1]]
    col = {t: next(i for i, h in enumerate(headers, 1) if h and h.endswith(f"({t})")) for t in ids}
    rid_col = headers.index("Respondent") + 1
    row = next(r for r in range(2, ws.max_row + 1)
               if len(before[("2025", str(ws.cell(r, rid_col).value))][1]) >= 2
               and before[("2025", str(ws.cell(r, rid_col).value))][0] == "machine")
    rid = str(ws.cell(row, rid_col).value)
    had = list(before[("2025", rid)][1])
    added = next(t for t in ids if t not in had)
    ws.cell(row, col[added]).value = "ja"    # the reviewer adds a theme and drops the second
    ws.cell(row, col[had[1]]).value = "nee"
    wb.save(wb_path)
    assert cli("review", "import", wb_path, "-p", project, "--coder", "Cas").exit_code == 0
    expected = [had[0], *had[2:], added]
    with Store(project) as store:
        src, applied = current_themes(store.codes("lmb", "2025", "trots").query("theme in @ids"))[("2025", rid)]
        assert src == "human" and list(applied) == expected
        assert _report_rows(store)[rid] == expected
        assert {p["respondent_id"]: p for p in build_catalogue(store, "lmb", "trots")}[rid]["main_theme"] == had[0]


def test_old_codes_without_rank_keep_score_order(tmp_path: Path, fixture_schema: Path):
    """A store written before ranks (version 2) is migrated: its codes get no rank and are
    ordered as before (score, then stored order)."""
    from textmine import store as store_module

    project = tmp_path / "old"
    db = old_store(project, 2, ",\n    rank INTEGER")
    db.executemany("INSERT INTO codes (survey, wave, question, respondent_id, theme, applies, source, coder, "
                   "score, text_hash, created_at) VALUES ('s','1','q','r1',?,?,'machine','m',?,'h','t')",
                   [("a", 1, 0.6), ("b", 1, 0.9), ("c", 0, 0.1)])
    db.commit()
    db.close()
    with Store(project) as store:
        assert store_version(store) == str(store_module.STORE_VERSION)
        codes = store.codes("s")
    assert codes["rank"].isna().all()
    assert list(current_themes(codes)[("1", "r1")][1]) == ["b", "a"]
