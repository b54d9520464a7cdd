"""A hostile sweep of "personal data never reaches anything published".

The sample's LMB 2025 wave with realistic Flemish personal data planted in many shapes: names
with particles ("Van den Broeck", "D'Hondt"), aldermen and mayors named in the text, e-mail
addresses (also written with spaces: "koen . dhondt @ telenet . be"), phone numbers in the ways
people type them, a national register number, an IBAN, a street address, a licence plate, URLs
holding a name; names in the units as typed, in respondent ids, in the codebook's theme labels,
descriptions and examples, and in a curated short title. Then every publishing path is run
(the CLI, the ``Project`` facade, the workbench's publish API) and every written file is
searched, zip members (.xlsx, .qdpx) included, for each planted value and recognisable pieces
of it. ``tests/test_pii_published.py`` covers the forms of issue 11; this file the rest.
"""

from __future__ import annotations

import html
import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from serve_project import SAMPLE, SCHEMA, trots_column
from tm_testutil import REPO, published_texts

# (row of the sample, respondent id or None to keep it, unit as typed or None to keep it, trots answer)
PLANTS = [
    (0, None, None, "Ons fairtrade ontbijt werd getrokken door Marieke Van den Broeck en Koen D'Hondt, "
                    "samen met Els De Smet van de wereldwinkel."),
    (1, None, None, "Schepen Jan Peeters en burgemeester An Claes openden de fairtrade week op de markt."),
    (2, None, None, "Vragen over de stedenband? Mail naar jan [at] gent.be of naar koen . dhondt @ telenet . be "
                    "of naar els.desmet @ stad.gent."),
    (3, None, None, "Bel +32 9 123 45 67, 0477/12.34.56 of 09-123.45.67 voor de fairtrade koffie."),
    (4, None, None, "Het rijksregisternummer 85.07.30-033.61 van de vrijwilliger stond op de subsidieaanvraag "
                    "voor de stedenband."),
    (5, None, None, "Giften voor de waterput van onze partnergemeente kunnen op BE68 5390 0754 7034."),
    (6, None, None, "De fairtrade pakketten haalt u af bij de coördinator thuis, Kerkstraat 12 bus 3, 9000 Gent."),
    (7, None, None, "De bestelwagen met nummerplaat 1-ABC-234 bracht de fairtrade koffie naar de scholen."),
    (8, None, None, "Het verslag van de stedenband staat op https://www.jeroenvermeulen.be/blog en "
                    "https://www.gent.be/team/marieke-van-den-broeck."),
    (9, "sofie.wouters@gent.be", "Gent - contact Sofie Wouters", "Een fairtrade ontbijt met de scholen."),
    (10, "VanAckerTom", "Lieve Maes (Lokeren)", "De klimaatwandeling met de scholen trok 300 wandelaars."),
    (11, "kris.vermeiren@skynet.be", "", "Een fairtrade ontbijt op het gemeentehuis met de wereldwinkel."),
]
# What must never be found in a published file (case-insensitive; a word as a whole word).
PLANTED = [
    "Marieke", "Van den Broeck", "Broeck", "D'Hondt", "Hondt", "Els De Smet", "De Smet",
    "Jan Peeters", "Peeters", "An Claes", "Claes",
    "jan [at] gent.be", "dhondt", "telenet", "els.desmet", "desmet",
    "+32 9 123 45 67", "123 45 67", "0477/12.34.56", "12.34.56", "09-123.45.67", "123.45.67",
    "85.07.30-033.61", "033.61", "BE68 5390", "0754 7034", "BE68539007547034",
    "Kerkstraat 12", "Kerkstraat", "bus 3",
    "1-ABC-234", "ABC-234",
    "jeroenvermeulen", "Vermeulen", "marieke-van-den-broeck",
    "sofie.wouters", "Wouters", "Sofie", "VanAckerTom", "Lieve Maes", "Lieve", "Maes",
    "kris.vermeiren", "Vermeiren", "skynet",
    # the codebook and the curation
    "Rik Goossens", "Goossens", "Hilde Wuyts", "Wuyts", "hilde.wuyts", "Bart Mertens", "Mertens",
    "Nadia El Idrissi", "Idrissi", "Wim Lemmens", "Lemmens",
]
SAMPLE_2022 = REPO / "data" / "sample" / "lmb_2022_SYNTHETIC.csv"
CODEBOOK_PLANTS = {
    # a theme label, its description and an example pasted in from a real answer
    "label": "Stedenband (contact Rik Goossens)",
    "description": "Vragen: Hilde Wuyts, hilde.wuyts@zele.be.",
    "example": "Samen met schepen Bart Mertens organiseerden we een fairtrade ontbijt.",
}
CURATED_TITLE = "Ontbijt van Nadia El Idrissi"
PROMOTED_TITLE = "Fietsen voor Afrika (trekker Wim Lemmens)"


def found(needle: str, text: str) -> bool:
    """A word as a whole word ("Maes", not "Maeseik"; but "_" and "-" end a word, so an HTML id
    "p-lmb-2025-sofie_wouters_gent_be" holds "wouters"); anything else as typed, ignoring case."""
    if re.fullmatch(r"[\w-]+", needle):
        return re.search(rf"(?<![^\W_]){re.escape(needle)}(?![^\W_])", text, re.IGNORECASE) is not None
    return needle.lower() in text.lower()


def _export() -> pd.DataFrame:
    export = pd.read_csv(SAMPLE, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    column = trots_column()
    for row, rid, unit, answer in PLANTS:
        export.loc[row, column] = answer
        if rid is not None:
            export.loc[row, "Respondent ID"] = rid
        if unit is not None:
            export.loc[row, "Gemeente"] = unit
    return export


def _theme_changes() -> dict:
    """Staff's edit of a theme in the project's codebook: a name in its label, description, example."""
    book = yaml.safe_load((REPO / "data" / "codebooks" / "lmb_trots.yaml").read_text(encoding="utf-8"))
    theme = next(t for t in book["themes"] if t["id"] == "financiele_steun")
    return {"label": CODEBOOK_PLANTS["label"],
            "description": theme["description"].strip() + " " + CODEBOOK_PLANTS["description"],
            "examples": [CODEBOOK_PLANTS["example"], *theme.get("examples", [])]}


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> dict:
    from starlette.testclient import TestClient
    from typer.testing import CliRunner

    from textmine import Project
    from textmine.cli import app
    from textmine.serve import create_app

    root = tmp_path_factory.mktemp("pii_sweep")
    path = root / "project"
    export = root / "lmb_2025.csv"
    _export().to_csv(export, sep=";", index=False, encoding="utf-8")
    project = Project(path)
    project.ingest(SAMPLE_2022, SCHEMA, "2022")  # an earlier wave: the report and the comparison compare
    project.ingest(export, SCHEMA, "2025")
    project.edit_theme("trots", "financiele_steun", _theme_changes(), who="Anna", survey="lmb")
    out = root / "out"
    out.mkdir()
    runner = CliRunner()

    def cli(*args: str) -> None:
        res = runner.invoke(app, list(args))
        assert res.exit_code == 0, res.output

    # topics: their views (HTML) are published as they are written; staff promote one to a theme
    # under a title of their own that names a person
    project.code("trots", "lmb")
    cli("topics", "-p", str(path), "--survey", "lmb", "--question", "trots")
    topic = project.topic_run("trots", "lmb")["topics"][0]["id"]
    project.promote_topic("trots", int(topic), who="Anna", label=PROMOTED_TITLE, survey="lmb")
    for question in ("trots", "reden_geen_lmb", "wat_werkt", "noden"):  # the report needs every one coded
        project.code(question, "lmb")
    # a short title staff typed for a practice, with a name in it
    practice = next(p for p in project.catalogue_practices("trots", "lmb")
                    if p["respondent_id"] == _export().loc[9, "Respondent ID"])
    project.curate("trots", [{"wave": practice["wave"], "respondent_id": practice["respondent_id"],
                              "text_hash": practice["text_hash"], "include": True, "title": CURATED_TITLE,
                              "highlight": True}], "lmb")
    # the facade
    project.report(out / "facade_report.html", survey="lmb")
    for ext in ("html", "md", "xlsx"):
        project.catalogue("trots", out / f"facade_catalogue.{ext}", survey="lmb")
    project.export_qdpx(out / "facade_redacted.qdpx", redacted=True, survey="lmb")
    project.write_comparison("lmb", ["2022", "2025"], out / "facade_compare.csv")
    # the CLI
    cli("report", "-p", str(path), "-o", str(out / "cli_report.html"))
    for ext in ("html", "md", "xlsx"):
        cli("catalogue", "-p", str(path), "--survey", "lmb", "--question", "trots", "-o",
            str(out / f"cli_catalogue.{ext}"))
    cli("export", "qdpx", "-p", str(path), "-o", str(out / "cli_redacted.qdpx"), "--redacted")
    cli("compare", "-p", str(path), "--survey", "lmb", "--waves", "2022", "2025", "--format", "csv",
        "-o", str(out / "cli_compare.csv"))
    # the workbench: its publish jobs write into the project's output folder; its pages too
    pages = {}
    with TestClient(create_app(path, host="127.0.0.1", port=8765), base_url="http://127.0.0.1:8765",
                    follow_redirects=False) as c:
        c.get("/publish")
        c.headers["X-CSRF-Token"] = c.cookies["csrftoken"]
        c.cookies.set("textmine_coder", "Anna")
        for kind, body in (("report", {"survey": "lmb"}), ("qdpx", {"survey": "lmb"}),
                           ("catalogue", {"survey": "lmb", "question": "trots", "format": "html"}),
                           ("catalogue", {"survey": "lmb", "question": "trots", "format": "xlsx"}),
                           ("catalogue", {"survey": "lmb", "question": "trots", "format": "md"}),
                           ("compare", {"survey": "lmb", "waves": ["2022", "2025"]})):
            assert c.post(f"/api/publish/{kind}", json=body).status_code == 202
            deadline = time.monotonic() + 600  # a generous guard, not a timing check
            while (job := c.get("/api/publish/status").json()["jobs"][kind])["state"] == "running":
                assert time.monotonic() < deadline, f"the {kind} job did not end"
                time.sleep(0.2)
            assert job["state"] == "done", job
        for url in ("/publish", "/publish/catalogue/lmb/trots", "/api/catalogue/lmb/trots"):
            # The curation page is staff's working tool, not a published file: a practice's
            # respondent id is the key its choices carry (a data attribute, never shown as text)
            pages[url] = re.sub(r'"respondent_id":"[^"]*"|data-respondent="[^"]*"', "", c.get(url).text)
    files = (sorted(out.iterdir()) + sorted((path / "output").iterdir())
             + sorted((path / "topics").glob("*.html")))
    texts = published_texts(files)
    for url, text in pages.items():
        texts[f"workbench {url}"] = html.unescape(text)
    return {"path": path, "files": files, "texts": texts, "root": root}


def test_every_publishing_path_wrote_its_files(swept):
    names = {p.name for p in swept["files"]}
    assert {"facade_report.html", "facade_catalogue.html", "facade_catalogue.md", "facade_catalogue.xlsx",
            "facade_redacted.qdpx", "cli_report.html", "cli_catalogue.html", "cli_catalogue.md",
            "cli_catalogue.xlsx", "cli_redacted.qdpx", "rapport_lmb.html", "lmb_geanonimiseerd.qdpx",
            "facade_compare.csv", "cli_compare.csv", "vergelijking_lmb_2022_2025.csv",
            "catalogus_lmb_trots.html", "catalogus_lmb_trots.xlsx", "catalogus_lmb_trots.md"} <= names
    assert any(n.endswith(".html") and n.startswith("lmb_trots_") for n in names), names


@pytest.mark.parametrize("needle", PLANTED)
def test_no_planted_personal_data_in_any_published_file(swept, needle):
    leaks = sorted(name for name, text in swept["texts"].items() if found(needle, text))
    if leaks:
        text = swept["texts"][leaks[0]]
        at = text.lower().find(needle.lower())
        context = text[max(0, at - 80):at + 80] if at >= 0 else ""
    assert not leaks, f"{needle!r} published in {leaks}; in {leaks[0]}: ...{context}..."


# Shapes the pattern redactor takes, and ordinary text next to them that it must leave.
SHAPES = [
    ("Mail koen . dhondt @ telenet . be voor info.", "koen . dhondt @ telenet . be", "email"),
    ("JAN @ GENT . BE", "JAN @ GENT . BE", "email"),
    ("Het nummer 85.07.30-033.61 (check digits wrong) blijft geheim.", "85.07.30-033.61", "rrn"),
    ("Afhalen in de Kerkstraat 12 bus 3, 9000 Gent.", "Kerkstraat 12 bus 3", "address"),
    ("Afhalen: Sint-Pietersplein 5 in Gent.", "Sint-Pietersplein 5", "address"),
    ("Adres: Kerkstraat 12/3, Gent", "Kerkstraat 12/3", "address"),
    ("De bestelwagen 1-ABC-234 bracht de koffie.", "1-ABC-234", "plate"),
    ("Verslag: https://www.jeroenvermeulen.be/blog.", "https://www.jeroenvermeulen.be/blog", "social"),
    ("Zie gent.be/team en https://www.gent.be/team/marieke-van-den-broeck.",
     "https://www.gent.be/team/marieke-van-den-broeck", "social"),
]
LEFT_ALONE = [
    "Dat is alles . jan@gent.be . De markt",       # the e-mail only: not "alles", not "De"
    "De vergadering van 12.05.2024 om 20.00 uur.",  # dates and times are no register numbers
    "Op de Kerstmarkt 12 december stonden we er.",   # a street word and a number, but a date
    "Het Fietspad 3 km langer, de Wereldmarkt 2025.",
    "Een code 1ABC234 of SDG-123 is geen nummerplaat.",
    "Zie www.oxfamfairtrade.be, https://www.11.be/acties en https://www.gent.be/samenleving-welzijn/wereldwijd.",
]


@pytest.mark.parametrize("text, span, kind", SHAPES)
def test_the_redactor_takes_these_shapes(text, span, kind):
    from textmine.nlp.pii import find_pattern_pii

    got = [(text[s:e], k) for s, e, k in find_pattern_pii(text)]
    assert (span, kind) in got, got


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_ordinary_text_beside_them_stays(text):
    from textmine.nlp.pii import find_pattern_pii

    got = [text[s:e] for s, e, _ in find_pattern_pii(text)]
    assert all(" ." not in g and "De" not in g and "alles" not in g for g in got), got
    assert got == (["jan@gent.be"] if "@" in text else []), got


def test_a_catalogue_workbook_key_hides_an_id_that_holds_personal_data_and_still_imports(swept, tmp_path):
    """The curation workbook's key names such a respondent by "#" and a hash; importing the
    workbook maps it back to the respondent."""
    import openpyxl

    from textmine import Project
    from textmine.store import Store

    path = tmp_path / "project"
    shutil.copytree(swept["path"], path)
    project = Project(path)
    book = tmp_path / "catalogus.xlsx"
    project.catalogue("trots", book, survey="lmb")
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    key_col, title_col = headers.index("Sleutel") + 1, headers.index("Korte titel") + 1
    keys = [ws.cell(r, key_col).value for r in range(2, ws.max_row + 1)]
    hidden = [k for k in keys if k and k.split("|")[3].startswith("#")]
    assert len(hidden) == 3 and not any("@" in k or "VanAcker" in k for k in keys), hidden
    row = keys.index(hidden[0]) + 2
    ws.cell(row, title_col).value = "Een nieuwe titel"
    wb.save(book)
    report = project.import_curation(book, "trots", "lmb")
    assert report.stored >= 1 and not report.skipped, report
    with Store(path) as store:
        curated = store.curation("lmb", "trots")
    titled = curated[curated.title == "Een nieuwe titel"]
    assert list(titled.respondent_id) in (["sofie.wouters@gent.be"], ["VanAckerTom"]), curated


def test_a_redacted_qdpx_numbers_respondents_whose_id_holds_personal_data(swept):
    """Such an id is numbered in the case, its variable, its description and its GUIDs; plain
    numeric ids (as survey tools write them) stay, so the file can be linked to the export."""
    from textmine.qdpx import guid

    qde = swept["texts"]["facade_redacted.qdpx:project.qde"]
    assert "Respondent respondent 10 van de bevraging lmb" in qde
    assert guid("case", "lmb", "2025", "sofie.wouters@gent.be") not in qde
    plain = str(_export().loc[0, "Respondent ID"])
    assert plain.isdigit() and f"Respondent {plain} van de bevraging lmb" in qde


def test_labels_naming_a_person_are_published_redacted_not_dropped(swept):
    texts = swept["texts"]
    label = "Stedenband (contact [NAAM])"
    for name in ("facade_report.html", "cli_catalogue.html", "facade_compare.csv", "cli_compare.csv"):
        assert label in texts[name], name
    assert "Fietsen voor Afrika (trekker [NAAM])" in texts["facade_report.html"]
    assert f'name="{label}"' in texts["facade_redacted.qdpx:project.qde"]


def test_a_respondent_without_place_is_not_named_by_an_id_that_holds_personal_data(swept):
    """Without municipality or unit the report names a respondent by the id, unless it may hold
    personal data; the redacted .qdpx numbers it."""
    from textmine.units import HIDDEN_RESPONDENT, respondent_name

    assert respondent_name(None, "", "118400228223") == "respondent 118400228223"
    assert respondent_name(None, "", "kris.vermeiren@skynet.be") == HIDDEN_RESPONDENT
    assert f"— {HIDDEN_RESPONDENT}" in swept["texts"]["facade_report.html"]
    assert 'name="respondent 12 (lmb 2025)"' in swept["texts"]["facade_redacted.qdpx:project.qde"]
