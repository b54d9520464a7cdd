"""The inspiration catalogue: grouping, privacy, self-contained HTML, curation round trip, formats."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tm_testutil import REPO, dump_db
from textmine.catalogue import build_catalogue, write_catalogue
from textmine.questions import resolve_codebook
from textmine.ingest import ingest
from textmine.schema import load_schema
from textmine.store import Store

SAMPLE = REPO / "data" / "sample"
SCHEMA = REPO / "data" / "schemas" / "lmb.yaml"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """lmb 2025 ingested; a catalogue run refuses to clean or code behind the user's back
    (exit 2, store unchanged); with --prepare it cleans and codes 'trots', saying so."""
    from typer.testing import CliRunner

    from textmine.cli import app

    root = tmp_path_factory.mktemp("catalogue")
    project = root / "p"
    ingest(SAMPLE / "lmb_2025_SYNTHETIC.csv", load_schema(SCHEMA), project, "2025")
    out = root / "cat.html"
    before = dump_db(project)
    res = CliRunner().invoke(app, ["catalogue", "-p", str(project), "-q", "trots", "-o", str(out)])
    assert res.exit_code == 2 and not out.exists()
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert "lmb 'trots' all waves: 95 answers not cleaned and coded yet" in res.stderr
    assert f"run 'textmine code --project {project} --question trots --survey lmb' first" in res.stderr
    assert "--prepare" in res.stderr
    assert dump_db(project) == before
    res = CliRunner().invoke(app, ["catalogue", "-p", str(project), "-q", "trots", "-o", str(out), "--prepare"])
    assert res.exit_code == 0, res.output
    assert "cleaning lmb 'trots' all waves: 95 answers" in res.stderr and "coding lmb 'trots' all waves" in res.stderr
    prepared = dump_db(project)
    with Store(project) as store:
        practices = build_catalogue(store, "lmb", "trots")
        assert len(store.runs("code")) == 1  # coded once, by the first run; the second reused the codes
    assert dump_db(project) == prepared  # a catalogue of a prepared project writes nothing
    return {"project": project, "html": out.read_text(encoding="utf-8"), "practices": practices, "root": root}


def _copy(built: dict, tmp_path: Path) -> Path:
    dst = tmp_path / "p"
    shutil.copytree(built["project"], dst)
    return dst


def _sections(page: str) -> dict[str, tuple[list[str], list[str]]]:
    """theme id -> (ids of the practice cards in its section, ids it cross-lists)."""
    out = {}
    for theme, body in re.findall(r'<section class="theme" id="thema-([a-z_]+)"[^>]*>(.*?)</section>', page, re.S):
        out[theme] = (re.findall(r'<article [^>]*id="([^"]+)"', body), re.findall(r'data-target="([^"]+)"', body))
    return out


def _pii_strings(project: Path) -> list[str]:
    """The personal data the cleaning step found in the raw answers (names, e-mails, phones)."""
    found = []
    with Store(project) as store:
        for r in store.answer_flags("lmb", "2025", "trots").itertuples():
            data = json.loads(store.cleaned([r.text_hash], r.fingerprint)[r.text_hash])
            found += [data["normalized_text"][p["start"]:p["end"]] for p in data["pii"]]
    return found


def _xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


# --- grouping ----------------------------------------------------------------------------


def _expected_themes(store: Store, book, wave: str, rid: str) -> tuple[str, set[str]]:
    codes = store.codes("lmb", wave, "trots")
    mine = codes[codes.respondent_id == rid].sort_values("code_id")
    human = mine[mine.source == "human"]
    if len(human):
        latest = human.groupby("theme").applies.last()
        return "human", {t for t, yes in latest.items() if yes and t in book.ids} or {"overig"}
    machine = mine[(mine.source == "machine") & (mine.applies == 1)]
    return "machine", set(machine.theme) or {"overig"}


def test_grouping_matches_stored_codes_and_html(built: dict):
    practices, page = built["practices"], built["html"]
    with Store(built["project"]) as store:
        book = resolve_codebook(store, "lmb", "trots")
        answers = store.open_answers("lmb", "2025", "trots")
        non_answers = {r.respondent_id for r in store.answer_flags("lmb", "2025", "trots").itertuples()
                       if "non_answer" in json.loads(r.flags_json)}
        assert len(practices) == len(answers) - len(non_answers) > 50
        assert not {p["respondent_id"] for p in practices} & non_answers
        for p in practices:
            source, themes = _expected_themes(store, book, p["wave"], p["respondent_id"])
            assert (p["source"], {t["id"] for t in p["themes"]}) == (source, themes)
            assert p["main_theme"] == p["themes"][0]["id"]
    assert any(len(p["themes"]) > 1 for p in practices)  # cross-listing is exercised
    sections = _sections(page)
    for p in practices:
        homes = [t for t, (cards, _) in sections.items() if p["id"] in cards]
        assert homes == [p["main_theme"]]
        crossed = {t for t, (_, refs) in sections.items() if p["id"] in refs}
        assert crossed == {t["id"] for t in p["themes"][1:]}
    # every practice has municipality and province from the matched unit
    assert sum(bool(p["province"]) for p in practices) >= len(practices) - 2
    with Store(built["project"]) as store:
        resp = store.respondents("lmb", "2025").set_index("respondent_id")
    for p in practices:
        matched = resp.loc[p["respondent_id"]]
        if isinstance(matched.municipality, str):
            assert p["province"] == matched.province
            assert matched.municipality in (p["municipality"], p["merged_into"])
    # partner countries come from the cleaning step's entities, as canonical names
    assert any("Nicaragua" in p["countries"] or "Peru" in p["countries"] for p in practices)
    # links: to other practices only, by meaning or a shared partner
    ids = {p["id"] for p in practices}
    assert all(link["id"] in ids and link["id"] != p["id"] for p in practices for link in p["related"])
    assert any(link["shared"] for p in practices for link in p["related"])


def test_human_codes_win(built: dict, tmp_path: Path):
    project = _copy(built, tmp_path)
    target = next(p for p in built["practices"] if p["source"] == "machine" and p["main_theme"] != "fairtrade"
                  and len(p["themes"]) == 1)
    with Store(project) as store:
        book = resolve_codebook(store, "lmb", "trots")
        store.add_codes([{"survey": "lmb", "wave": "2025", "question": "trots", "respondent_id": target["respondent_id"],
                          "theme": t, "applies": t == "fairtrade"} for t in book.ids], source="human", coder="An")
        again = {p["id"]: p for p in build_catalogue(store, "lmb", "trots")}
    assert again[target["id"]]["source"] == "human"
    assert [t["id"] for t in again[target["id"]]["themes"]] == ["fairtrade"]


# --- HTML: self-contained, private, escaped ---------------------------------------------------


def test_html_is_self_contained_with_filters(built: dict):
    page = built["html"]
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"<link\b|<script[^>]+src|<img\b|@import|url\(", page, re.I)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    for ui in ("Inspiratiecatalogus", "Zoeken", "Thema", "Provincie", "Alle thema's", "Alle provincies",
               'id="zoeken"', 'id="thema"', 'id="provincie"', 'id="kijker"', "<script>"):
        assert ui in page, ui
    assert "synthetische voorbeelddata" in page
    # every in-page link lands on an anchor
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    anchors = set(re.findall(r'\bid="([^"]+)"', markup))
    targets = set(re.findall(r'href="#([^"]+)"', markup))
    assert targets and targets <= anchors
    assert len(re.findall(r"<article ", page)) == len(built["practices"])


def test_no_personal_data_only_redacted_text(built: dict, tmp_path: Path):
    pii = _pii_strings(built["project"])
    assert len(pii) >= 5 and any(EMAIL.fullmatch(s) for s in pii)
    with Store(built["project"]) as store:
        write_catalogue(build_catalogue(store, "lmb", "trots"), tmp_path / "c.md")
        write_catalogue(build_catalogue(store, "lmb", "trots"), tmp_path / "c.xlsx")
    outputs = {"html": built["html"], "md": (tmp_path / "c.md").read_text(encoding="utf-8"),
               "xlsx": _xlsx_text(tmp_path / "c.xlsx")}
    for name, text in outputs.items():
        leaked = [s for s in pii if s in text]
        assert not leaked, (name, leaked)
        assert not EMAIL.search(text), name
        assert "[E-MAIL]" in text and "[TELEFOON]" in text, name
    # the redacted text of a PII answer is what the catalogue shows
    p = next(p for p in built["practices"] if "[E-MAIL]" in p["redacted_text"])
    assert html.escape(p["redacted_text"].split("[E-MAIL]")[0][-30:]) in built["html"]


def _practice(**over) -> dict:
    p = {"id": "p-lmb-2025-1", "survey": "lmb", "wave": "2025", "question": "trots", "question_label": "Trots",
         "respondent_id": "1", "text_hash": "abc", "municipality": "Gent", "unit": "Gent",
         "province": "Oost-Vlaanderen", "redacted_text": "Een stedenband", "source": "machine",
         "themes": [{"id": "beleid", "label": "Beleid", "order": 0}], "main_theme": "beleid",
         "countries": [], "cities": [], "organisations": [], "related": [], "included": True, "title": None,
         "highlight": False, "heading": "Gent", "curation": "none", "curation_previous": None, "synthetic": False}
    p.update(over)
    return p


def test_answers_cannot_inject_markup_or_formulas(tmp_path: Path):
    from textmine.catalogue.model import anchor

    odd = [anchor("lmb", "2025", rid) for rid in ("a/b", "a_b", '"><script>', "123")]
    assert len(set(odd)) == 4 and all(re.fullmatch(r"[A-Za-z0-9_-]+", a) for a in odd)
    evil = _practice(redacted_text='<script>alert(1)</script> & "x" <img src=x onerror=alert(2)>',
                     title="=HYPERLINK(\"http://evil\")", heading="<b>kop</b>", municipality="-2+3",
                     organisations=["<i>Org</i>"])
    write_catalogue([evil], tmp_path / "c.html")
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img" not in page and "<b>kop" not in page and "<i>Org" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in page
    write_catalogue([evil], tmp_path / "c.md")
    md = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert "<script>" not in md and r"\<script\>" in md
    write_catalogue([evil], tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx")["Catalogus"]
    headers = [c.value for c in ws[1]]
    title = ws.cell(row=2, column=headers.index("Korte titel") + 1)
    town = ws.cell(row=2, column=headers.index("Gemeente") + 1)
    assert (title.data_type, title.value) == ("s", '=HYPERLINK("http://evil")')
    assert (town.data_type, town.value) == ("s", "-2+3")


# --- formats and bad input ------------------------------------------------------------------


def test_markdown_and_xlsx(built: dict, cli, tmp_path: Path):
    md, xlsx = tmp_path / "c.md", tmp_path / "c.xlsx"
    assert cli("catalogue", "-p", built["project"], "-q", "trots", "-o", md).exit_code == 0
    assert cli("catalogue", "-p", built["project"], "-q", "trots", "-o", xlsx).exit_code == 0
    text = md.read_text(encoding="utf-8")
    practices = built["practices"]
    assert text.startswith("# Inspiratiecatalogus")
    for p in practices:
        assert f"## {p['themes'][0]['label']} (" in text
    assert text.count("\n### ") == len(practices)
    assert all(f'<a id="{p["id"]}"></a>' in text for p in practices)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["Catalogus"]
    headers = [c.value for c in ws[1]]
    for h in ("Gemeente", "Provincie", "Hoofdthema", "Antwoord (geanonimiseerd)", "Partnerlanden",
              "Organisaties", "Verwante praktijken", "Opnemen", "Korte titel", "In de kijker"):
        assert h in headers
    assert ws.max_row == len(practices) + 1
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and all(dv.formula1 == '"ja,nee"' for dv in lists)
    assert "Info" in wb.sheetnames


def test_bad_input_one_line_exit_2(built: dict, cli, tmp_path: Path):
    before = dump_db(built["project"])
    res = cli("catalogue", "-p", built["project"], "-q", "trots", "-o", tmp_path / "cat.pdf")
    assert res.exit_code == 2 and "cat.pdf" in res.stderr and ".html, .md or .xlsx" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output
    res = cli("catalogue", "-p", built["project"], "-q", "trots", "-w", "2099", "-o", tmp_path / "c.html")
    assert res.exit_code == 2 and "2099" in res.stderr
    res = cli("catalogue", "-p", built["project"], "-q", "geen_vraag", "-o", tmp_path / "c.html")
    assert res.exit_code == 2 and "geen_vraag" in res.stderr
    assert dump_db(built["project"]) == before


# --- curation round trip --------------------------------------------------------------------


def _edit(path: Path, changes: dict[str, dict[str, str]]) -> None:
    """changes: practice key -> {column: value}."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Catalogus"]
    headers = [c.value for c in ws[1]]
    for row in range(2, ws.max_row + 1):
        key = ws.cell(row=row, column=1).value
        for column, value in changes.get(key, {}).items():
            ws.cell(row=row, column=headers.index(column) + 1).value = value
    wb.save(path)


def _key(p: dict) -> str:
    return f"{p['survey']}|{p['wave']}|{p['question']}|{p['respondent_id']}"


def test_curation_round_trip(built: dict, cli, tmp_path: Path):
    project = _copy(built, tmp_path)
    practices = built["practices"]
    raw = {r.respondent_id: r.text for r in Store(project).open_answers("lmb", "2025", "trots").itertuples()}
    csv_text = (SAMPLE / "lmb_2025_SYNTHETIC.csv").read_bytes().decode("cp1252")
    # the one to retitle is also the one whose answer will change later: one line, unique in the export
    retitle = next(p for p in practices if "\n" not in raw[p["respondent_id"]] and '"' not in raw[p["respondent_id"]]
                   and csv_text.count(raw[p["respondent_id"]][:40]) == 1)
    exclude = next(p for p in practices if p["id"] != retitle["id"])
    by_theme = [p for p in practices if p["main_theme"] == practices[0]["main_theme"]]
    highlight = by_theme[-1]  # the last of its theme: highlighting must move it first
    assert highlight["id"] not in (retitle["id"], exclude["id"])

    workbook = tmp_path / "curatie.xlsx"
    assert cli("catalogue", "-p", project, "-q", "trots", "-o", workbook).exit_code == 0
    _edit(workbook, {_key(exclude): {"Opnemen": "nee"},
                     _key(retitle): {"Korte titel": "Redactietitel zeven"},
                     _key(highlight): {"In de kijker": "ja"}})
    page_path = tmp_path / "cat.html"
    res = cli("catalogue", "-p", project, "-q", "trots", "-o", page_path, "--curation", workbook)
    assert res.exit_code == 0, res.output
    assert "3 stored" in res.stderr

    def check(page: str) -> None:
        sections = _sections(page)
        cards = [c for ids, _ in sections.values() for c in ids]
        assert exclude["id"] not in cards and len(cards) == len(practices) - 1
        assert exclude["id"] not in page  # not linked to from anywhere either
        assert re.search(rf'id="{retitle["id"]}"[^>]*>\s*<h3>Redactietitel zeven</h3>', page)
        assert sections[highlight["main_theme"]][0][0] == highlight["id"]
        assert re.search(rf'class="practice highlight" id="{highlight["id"]}"', page)
        assert page.count('class="badge"') == 1

    first = page_path.read_text(encoding="utf-8")
    check(first)
    # stored in the project: the next run respects it without the file, identically
    res = cli("catalogue", "-p", project, "-q", "trots", "-o", page_path)
    assert res.exit_code == 0, res.output
    assert page_path.read_text(encoding="utf-8") == first
    again = cli("catalogue", "-p", project, "-q", "trots", "-o", page_path, "--curation", workbook)
    assert "0 stored, 3 already there" in again.stderr
    # the workbook shows the curation back, excluded practice included
    cli("catalogue", "-p", project, "-q", "trots", "-o", tmp_path / "terug.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "terug.xlsx")["Catalogus"]
    headers = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(headers, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[_key(exclude)]["Opnemen"] == "nee" and rows[_key(retitle)]["Korte titel"] == "Redactietitel zeven"
    assert rows[_key(highlight)]["In de kijker"] == "ja"

    # the retitled answer changes in a new export: reported, not applied to the new text
    old = raw[retitle["respondent_id"]][:40]
    changed = tmp_path / "lmb_2025_SYNTHETIC.csv"
    changed.write_bytes(csv_text.replace(old, "Sinds kort ook: " + old).encode("cp1252"))
    ingest(changed, load_schema(SCHEMA), project, "2025", replace=True)
    res = cli("catalogue", "-p", project, "-q", "trots", "-o", page_path, "--prepare")  # the changed answer
    assert res.exit_code == 0, res.output
    assert "curation not applied" in res.stderr and retitle["respondent_id"] in res.stderr
    page = page_path.read_text(encoding="utf-8")
    assert "Redactietitel zeven" not in page and "Sinds kort ook" in page
    assert exclude["id"] not in page  # the other curation still holds
    # the old workbook's row for it is refused, not applied
    res = cli("catalogue", "-p", project, "-q", "trots", "-o", page_path, "--curation", workbook)
    assert res.exit_code == 0 and "changed since the workbook was written" in res.stderr


def test_bad_curation_workbook(built: dict, cli, tmp_path: Path):
    workbook = tmp_path / "curatie.xlsx"
    assert cli("catalogue", "-p", built["project"], "-q", "trots", "-o", workbook).exit_code == 0
    _edit(workbook, {_key(built["practices"][2]): {"Opnemen": "misschien"}})
    before = dump_db(built["project"])
    res = cli("catalogue", "-p", built["project"], "-q", "trots", "-o", tmp_path / "c.html", "--curation", workbook)
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "curatie.xlsx, row 4" in res.stderr and 'column "Opnemen"' in res.stderr and "misschien" in res.stderr
    assert dump_db(built["project"]) == before
    res = cli("catalogue", "-p", built["project"], "-q", "noden", "-o", tmp_path / "c.html", "--curation", workbook)
    assert res.exit_code == 2 and "not 'noden'" in res.stderr


def test_curation_row_copied_twice(built: dict, cli, tmp_path: Path):
    """A practice's row pasted twice: with different choices it is an error naming both rows
    (no silent 'last one wins'); with the same choices it is stored once."""
    workbook = tmp_path / "curatie.xlsx"
    assert cli("catalogue", "-p", built["project"], "-q", "trots", "-o", workbook).exit_code == 0
    key = _key(built["practices"][1])
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Catalogus"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == key)
    copy = [c.value for c in ws[row]]
    ws.append(copy)
    ws.cell(row=row, column=headers.index("Opnemen") + 1).value = "nee"
    wb.save(workbook)
    before = dump_db(built["project"])
    res = cli("catalogue", "-p", built["project"], "-q", "trots", "-o", tmp_path / "c.html", "--curation", workbook)
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1, res.output
    assert f"row {row} and row {ws.max_row} are the same answer with different choices" in res.stderr
    assert dump_db(built["project"]) == before
    ws.cell(row=ws.max_row, column=headers.index("Opnemen") + 1).value = "nee"
    wb.save(workbook)
    project = _copy(built, tmp_path)
    res = cli("catalogue", "-p", project, "-q", "trots", "-o", tmp_path / "c.html", "--curation", workbook)
    assert res.exit_code == 0, res.output
    said = " ".join(res.stderr.split())
    assert "1 stored" in said and f"row {ws.max_row}: a copy of row {row} (same answer, same choices), read once" in said


# --- the filters really work in a browser ----------------------------------------------------


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_filters_in_headless_chromium(built: dict, tmp_path: Path):
    page = tmp_path / "cat.html"
    page.write_text(built["html"], encoding="utf-8")
    province = next(p["province"] for p in built["practices"]
                    if p["province"] and "fairtrade" in {t["id"] for t in p["themes"]})
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          f"{page.as_uri()}?thema=fairtrade&provincie={province}"],
                         capture_output=True, text=True, timeout=120).stdout
    shown = [m for m in re.findall(r"<article [^>]*>", dom) if " hidden" not in m]
    expected = [p for p in built["practices"]
                if "fairtrade" in {t["id"] for t in p["themes"]} and p["province"] == province]
    assert 0 < len(shown) == len(expected) < len(built["practices"])
    assert f">{len(expected)} van {len(built['practices'])} praktijken<" in dom
