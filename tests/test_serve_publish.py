"""Curate and publish in the workbench, through its JSON API (Starlette's TestClient) on a real
project: curation stored where the XLSX import stores it and respected by the built catalogue,
the XLSX round trip both ways, the background jobs, the previews, a new wave's upload."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from starlette.testclient import TestClient

from serve_project import SCHEMA, build_project
from tm_testutil import REPO, dump_db
from textmine import Project
from textmine.errors import InputError
from textmine.serve import create_app, publish
from textmine.store import Store

BASE = "http://127.0.0.1:8765"
SAMPLE_2022 = REPO / "data" / "sample" / "lmb_2022_SYNTHETIC.csv"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("publish") / "project"
    build_project(path)
    return path


@pytest.fixture
def project(built, tmp_path) -> Path:
    """A copy of the built project per test: the tests change it."""
    dst = tmp_path / "project"
    shutil.copytree(built, dst)
    return dst


@pytest.fixture
def client(project):
    app = create_app(project, host="127.0.0.1", port=8765)
    with TestClient(app, base_url=BASE, follow_redirects=False) as c:
        c.get("/publish")
        c.headers["X-CSRF-Token"] = c.cookies["csrftoken"]
        c.cookies.set("textmine_coder", "Anna")
        yield c


def wait(c: TestClient, kind: str) -> dict:
    """The job of this kind once it is no longer running (a generous guard, not a timing check)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        job = c.get("/api/publish/status").json()["jobs"][kind]
        if job["state"] != "running":
            return job
        time.sleep(0.1)
    raise AssertionError(f"the {kind} job did not end")


def choice(p: dict, **change) -> dict:
    return {"wave": p["wave"], "respondent_id": p["respondent_id"], "text_hash": p["text_hash"],
            "include": p["included"], "title": p["title"], "highlight": p["highlight"], **change}


def three(practices: list[dict]) -> tuple[dict, dict, dict]:
    """An answer to leave out, one to retitle, and the last of the first theme to highlight."""
    first_theme = [p for p in practices if p["main_theme"] == practices[0]["main_theme"]]
    highlight = first_theme[-1]
    rest = [p for p in practices if p["id"] != highlight["id"]]
    return rest[0], rest[1], highlight


def curate_three(c: TestClient) -> tuple[dict, dict, dict]:
    practices = c.get("/api/catalogue/lmb/trots").json()["practices"]
    exclude, retitle, highlight = three(practices)
    res = c.post("/api/catalogue/lmb/trots/curation", json={"choices": [
        choice(exclude, include=False), choice(retitle, title="  Zonnepanelen   op de school "),
        choice(highlight, highlight=True)]})
    assert res.status_code == 200, res.text
    assert res.json() == {"rows": 3, "stored": 3, "unchanged": 0}
    return exclude, retitle, highlight


def articles(page: str) -> list[str]:
    return re.findall(r'<article [^>]*id="([^"]+)"', page)


def test_curation_is_stored_and_the_built_catalogue_follows_it(client, project):
    exclude, retitle, highlight = curate_three(client)
    with Store(project) as store:  # the table the XLSX import fills, under the coder's name
        rows = {r.respondent_id: r for r in store.curation("lmb", "trots").itertuples()}
    assert set(rows) == {exclude["respondent_id"], retitle["respondent_id"], highlight["respondent_id"]}
    assert rows[retitle["respondent_id"]].title == "Zonnepanelen op de school"  # spaces folded as the XLSX import does
    assert not rows[exclude["respondent_id"]].include and rows[highlight["respondent_id"]].highlight
    assert {r.source_file for r in rows.values()} == {"workbench (Anna)"}
    # the API and the page show it back
    shown = {p["id"]: p for p in client.get("/api/catalogue/lmb/trots").json()["practices"]}
    assert shown[exclude["id"]]["included"] is False and shown[highlight["id"]]["highlight"] is True
    assert shown[retitle["id"]]["title"] == "Zonnepanelen op de school"
    page = client.get("/publish/catalogue/lmb/trots").text
    assert 'value="Zonnepanelen op de school"' in page
    # saving the same again changes nothing
    again = client.post("/api/catalogue/lmb/trots/curation", json={"choices": [choice(shown[exclude["id"]])]})
    assert again.json() == {"rows": 1, "stored": 0, "unchanged": 1}

    res = client.post("/api/publish/catalogue", json={"survey": "lmb", "question": "trots"})
    assert res.status_code == 202 and res.json()["state"] == "running"
    job = wait(client, "catalogue")
    assert job["state"] == "done" and job["file"] == "catalogus_lmb_trots.html", job
    written = (project / "output" / "catalogus_lmb_trots.html").read_text(encoding="utf-8")
    cards = articles(written)
    assert exclude["id"] not in written and retitle["id"] in cards and highlight["id"] in cards
    assert re.search(rf'id="{retitle["id"]}"[^>]*>\s*<h3>Zonnepanelen op de school</h3>', written)
    assert re.search(rf'class="practice highlight" id="{highlight["id"]}"', written)
    # identical to what the CLI writes from the same project
    cli_out = project.parent / "cli.html"
    Project(project, create=False).catalogue("trots", cli_out, "lmb")
    assert cli_out.read_text(encoding="utf-8") == written
    # the preview serves that file with its own strict policy, sandboxed, frameable by the workbench only
    res = client.get("/publish/output/catalogus_lmb_trots.html")
    assert res.status_code == 200 and res.text == written
    csp = res.headers["content-security-policy"]
    assert "sandbox allow-scripts" in csp and "frame-ancestors 'self'" in csp and "default-src 'none'" in csp
    assert "allow-same-origin" not in csp and res.headers["x-frame-options"] == "SAMEORIGIN"
    assert client.get("/publish").headers["x-frame-options"] == "DENY"  # the workbench itself: never framed


def test_xlsx_round_trip_after_browser_curation(client, project):
    exclude, retitle, highlight = curate_three(client)
    # browser -> workbook: the written XLSX carries the browser's choices
    client.post("/api/publish/catalogue", json={"survey": "lmb", "question": "trots", "format": "xlsx"})
    assert wait(client, "catalogue")["state"] == "done"
    path = project / "output" / "catalogus_lmb_trots.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Catalogus"]
    headers = [c.value for c in ws[1]]
    key = lambda p: f"lmb|{p['wave']}|trots|{p['respondent_id']}"  # noqa: E731
    rows = {r[0]: dict(zip(headers, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[key(exclude)]["Opnemen"] == "nee"
    assert rows[key(retitle)]["Korte titel"] == "Zonnepanelen op de school"
    assert rows[key(highlight)]["In de kijker"] == "ja"
    # workbook -> browser: staff edit the workbook, import it as `textmine catalogue --curation` does
    for row in range(2, ws.max_row + 1):
        k = ws.cell(row=row, column=1).value
        change = {key(exclude): {"Opnemen": "ja"}, key(retitle): {"Korte titel": "Uit het werkboek"},
                  key(highlight): {"In de kijker": "nee"}}.get(k, {})
        for column, value in change.items():
            ws.cell(row=row, column=headers.index(column) + 1).value = value
    wb.save(path)
    report = Project(project, create=False).import_curation(path, "trots", "lmb")
    assert report.stored == 3 and not report.skipped
    shown = {p["id"]: p for p in client.get("/api/catalogue/lmb/trots").json()["practices"]}
    assert shown[exclude["id"]]["included"] is True
    assert shown[retitle["id"]]["title"] == "Uit het werkboek"
    assert shown[highlight["id"]]["highlight"] is False
    assert 'value="Uit het werkboek"' in client.get("/publish/catalogue/lmb/trots").text


def test_bad_curation_is_one_line_and_stores_nothing(client, project):
    practices = client.get("/api/catalogue/lmb/trots").json()["practices"]
    a, b = practices[0], practices[1]
    before = dump_db(project)
    cases = [
        ({"choices": [choice(a, include=False), choice(b, title="x" * 121)]},
         "choice 2: short title has 121 characters (at most 120)"),
        ({"choices": [choice(a, include=False), choice(b, text_hash="0" * 32, highlight=True)]},
         f"choice 2: the answer of respondent {b['respondent_id']} ({b['wave']}) changed since the page showed it"),
        ({"choices": [choice(a, include="nee")]}, "choice 1: 'include' must be true or false"),
        ({"choices": [choice(a, respondent_id="nobody")]}, "choice 1: respondent nobody (lmb 2025, trots) has no answer"),
        ({"choices": []}, "'choices' must be a non-empty list"),
    ]
    for body, message in cases:
        res = client.post("/api/catalogue/lmb/trots/curation", json=body)
        assert res.status_code == 400 and message in res.json()["error"], (body, res.text)
        assert "\n" not in res.json()["error"]
    del client.headers["X-CSRF-Token"]
    assert client.post("/api/catalogue/lmb/trots/curation",
                       json={"choices": [choice(a, include=False)]}).status_code == 403
    assert dump_db(project) == before


def test_pages_show_no_personal_data(client, project):
    """The curation page and its API show the redacted answers, as the catalogue publishes them."""
    import json as _json

    found = []
    with Store(project) as store:
        for r in store.answer_flags("lmb", "2025", "trots").itertuples():
            data = _json.loads(store.cleaned([r.text_hash], r.fingerprint)[r.text_hash])
            found += [data["normalized_text"][p["start"]:p["end"]] for p in data["pii"]]
    assert found, "the sample's 'trots' answers hold names, e-mail addresses or phone numbers"
    page = client.get("/publish/catalogue/lmb/trots").text
    api = client.get("/api/catalogue/lmb/trots").text
    for pii in found:
        assert pii not in page and pii not in api, pii
    assert "[NAAM]" in page or "[E-MAIL]" in page or "[TELEFOON]" in page


def test_jobs_write_every_file_one_at_a_time(client, project, monkeypatch):
    proj = client.app.state.workbench.project
    # an error is the one line the facade raises, shown as the job's outcome; nothing written
    with pytest.raises(InputError) as direct:
        proj.report(project.parent / "r.html", survey="lmb")
    client.post("/api/publish/report", json={"survey": "lmb"})
    job = wait(client, "report")
    assert job["state"] == "failed" and job["error"] == str(direct.value)
    assert not (project / "output" / "rapport_lmb.html").exists()
    # with prepare: cleaned and coded first, progress reported, the report written
    steps = []
    real_report = proj.report

    def report(*args, progress=None, **kw):
        return real_report(*args, progress=lambda *a: (steps.append(a), progress(*a)), **kw)
    monkeypatch.setattr(proj, "report", report)
    client.post("/api/publish/report", json={"survey": "lmb", "prepare": True})
    job = wait(client, "report")
    assert job["state"] == "done" and job["file"] == "rapport_lmb.html", job
    assert steps and job["step"] == steps[-1][0] and (job["done"], job["total"]) == steps[-1][1:]
    report_html = (project / "output" / "rapport_lmb.html").read_text(encoding="utf-8")
    assert "<html" in report_html and "Traceback" not in report_html
    # REFI-QDA: redacted by default, raw only when asked
    client.post("/api/publish/qdpx", json={"survey": "lmb"})
    assert wait(client, "qdpx")["file"] == "lmb_geanonimiseerd.qdpx"
    client.post("/api/publish/qdpx", json={"survey": "lmb", "redacted": False})
    assert wait(client, "qdpx")["file"] == "lmb.qdpx"
    res = client.get("/publish/output/lmb.qdpx")
    assert res.status_code == 200 and res.content[:2] == b"PK" and "attachment" in res.headers["content-disposition"]
    # one job per kind: a second catalogue while one runs is refused (409), another kind is not
    release = threading.Event()
    real_catalogue = proj.catalogue

    def slow_catalogue(*args, **kw):
        release.wait(60)
        return real_catalogue(*args, **kw)
    monkeypatch.setattr(proj, "catalogue", slow_catalogue)
    body = {"survey": "lmb", "question": "trots"}
    assert client.post("/api/publish/catalogue", json=body).status_code == 202
    second = client.post("/api/publish/catalogue", json=body)
    assert second.status_code == 409 and "Catalogus wordt al gemaakt" in second.json()["error"]
    # a wave the project does not have: a 400 at once, not a job that fails a moment later
    res = client.post("/api/publish/compare", json={"survey": "lmb", "waves": ["2025", "2022"]})
    assert res.status_code == 400 and "survey 'lmb' has no wave '2022' (waves: 2025)" in res.json()["error"]
    assert "compare" not in client.get("/api/publish/status").json()["jobs"]  # no job started
    release.set()
    assert wait(client, "catalogue")["state"] == "done"
    names = {f["name"] for f in client.get("/api/publish/status").json()["files"]}
    assert names == {"rapport_lmb.html", "lmb_geanonimiseerd.qdpx", "lmb.qdpx", "catalogus_lmb_trots.html"}
    # bad requests: 400 at once, no job
    for kind, body, message in [("nope", {}, "kind must be one of"), ("report", {}, "'survey' is missing"),
                                ("compare", {"survey": "lmb", "waves": ["2025"]}, "'waves' must be two"),
                                ("catalogue", {"survey": "lmb", "question": "trots", "format": "pdf"}, "format"),
                                ("report", {"survey": "nope"}, "survey 'nope' is not in the project"),
                                ("qdpx", {"survey": "nope"}, "survey 'nope' is not in the project"),
                                ("catalogue", {"survey": "lmb", "question": "nope"}, "nope")]:
        res = client.post(f"/api/publish/{kind}", json=body)
        assert res.status_code == 400 and message in res.json()["error"], res.text
    # only files of the output folder are served
    for name in ("..%2Ftextmine.sqlite", "textmine.sqlite", ".hidden"):
        assert client.get(f"/publish/output/{name}").status_code in (400, 404)


def bad_export(tmp_path: Path) -> Path:
    """The 2022 export with a header renamed: `ingest` refuses it with one line."""
    raw = SAMPLE_2022.read_bytes().decode("cp1252")
    header, rest = raw.split("\n", 1)
    path = tmp_path / "lmb_2026.csv"
    path.write_bytes((header.replace("Gemeente", "Gemeent", 1) + "\n" + rest).encode("cp1252"))
    return path


def test_bad_upload_is_the_ingest_error_and_stores_nothing(client, project, tmp_path, monkeypatch):
    path = bad_export(tmp_path)
    schema = Project(project, create=False).survey_schema("lmb")
    monkeypatch.chdir(tmp_path)  # `textmine ingest lmb_2026.csv` from the folder holding it
    with pytest.raises(InputError) as cli:
        Project(project, create=False).ingest(Path(path.name), schema, "2026")
    before = dump_db(project)
    res = client.post("/api/waves?survey=lmb&wave=2026&name=lmb_2026.csv", content=path.read_bytes(),
                      headers={"Content-Type": "application/octet-stream"})
    assert res.status_code == 400
    assert res.json() == {"error": str(cli.value)} and str(cli.value).startswith("lmb_2026.csv")
    # a name with folders in it: only its own name is used
    res = client.post("/api/waves?survey=lmb&wave=2026&name=../../etc/lmb_2026.csv", content=path.read_bytes())
    assert res.json() == {"error": str(cli.value)}
    for query, message in [("wave=2026&name=x.csv", "'survey' is missing"), ("survey=lmb&name=x.csv", "'wave' is missing"),
                           ("survey=nope&wave=2026&name=x.csv", "survey 'nope' is not in the project"),
                           ("survey=lmb&wave=2026&name=x.csv&population=veel", "population must be a whole number")]:
        res = client.post(f"/api/waves?{query}", content=path.read_bytes())
        assert res.status_code == 400 and message in res.json()["error"], res.text
    assert client.post("/api/waves?survey=lmb&wave=2026&name=x.csv", content=b"").json()["error"] == \
        "x.csv: the file is empty"
    monkeypatch.setattr(publish, "MAX_UPLOAD", 1000)
    res = client.post("/api/waves?survey=lmb&wave=2026&name=lmb_2022.csv", content=SAMPLE_2022.read_bytes())
    assert res.status_code == 413 and "groter dan" in res.json()["error"]
    del client.headers["X-CSRF-Token"]
    assert client.post("/api/waves?survey=lmb&wave=2026&name=lmb_2022.csv",
                       content=SAMPLE_2022.read_bytes()).status_code == 403
    assert dump_db(project) == before
    assert not [p for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("textmine-upload-*") if p.is_dir()
                and any(p.iterdir())]


def test_good_upload_adds_a_wave_then_compare(client, project, tmp_path):
    from typer.testing import CliRunner

    from textmine.cli import app

    res = client.post("/api/waves?survey=lmb&wave=2022&name=lmb_2022_SYNTHETIC.csv", content=SAMPLE_2022.read_bytes(),
                      headers={"Content-Type": "application/octet-stream"})
    assert res.status_code == 200, res.text
    got = res.json()
    # the same as `textmine ingest` of that file into a fresh project
    fresh = Project(tmp_path / "fresh")
    want = fresh.ingest(SAMPLE_2022, SCHEMA, "2022")
    assert (got["survey"], got["wave"], got["respondents"], got["open_answers"], got["replaced"]) == \
        (want.survey, want.wave, want.respondents, want.open_answers, False)
    waves = Project(project, create=False).waves()
    assert list(waves.wave) == ["2022", "2025"]
    assert waves.set_index("wave").loc["2022", "source_file"] == "lmb_2022_SYNTHETIC.csv"
    # again without replace: the ingest's refusal; with replace: replaced
    again = client.post("/api/waves?survey=lmb&wave=2022&name=lmb_2022_SYNTHETIC.csv", content=SAMPLE_2022.read_bytes())
    assert again.status_code == 400 and "--replace" in again.json()["error"]
    replaced = client.post("/api/waves?survey=lmb&wave=2022&name=lmb_2022_SYNTHETIC.csv&replace=1",
                           content=SAMPLE_2022.read_bytes())
    assert replaced.status_code == 200 and replaced.json()["replaced"] is True
    assert '<option selected>2022</option>' in client.get("/publish").text  # now comparable
    # the comparison the page writes is `textmine compare --format csv`
    client.post("/api/publish/compare", json={"survey": "lmb", "waves": ["2022", "2025"]})
    job = wait(client, "compare")
    assert job["state"] == "done" and job["file"] == "vergelijking_lmb_2022_2025.csv", job
    cli = CliRunner().invoke(app, ["compare", "-p", str(project), "--survey", "lmb", "--waves", "2022", "2025",
                                   "--format", "csv"])
    assert cli.exit_code == 0, cli.output
    assert (project / "output" / job["file"]).read_text(encoding="utf-8") == cli.stdout


def test_jobs_in_a_worker_process(project):
    """`textmine serve` writes in a spawned worker process: the same files, the same one-line errors,
    progress passed back."""
    app = create_app(project, host="127.0.0.1", port=8765, retrain_process=True)
    assert app.state.workbench.project_dir is not None
    with TestClient(app, base_url=BASE) as c:
        c.get("/publish")
        c.headers["X-CSRF-Token"] = c.cookies["csrftoken"]
        c.post("/api/publish/qdpx", json={"survey": "lmb", "prepare": True})
        c.post("/api/publish/report", json={"survey": "lmb"})
        qdpx, report = wait(c, "qdpx"), wait(c, "report")
        c.post("/api/publish/catalogue", json={"survey": "lmb", "question": "trots"})
        catalogue = wait(c, "catalogue")
    assert qdpx["state"] == "done" and qdpx["total"] > 0 and qdpx["done"] == qdpx["total"], qdpx
    with pytest.raises(InputError) as direct:
        Project(project, create=False).report(project.parent / "r.html", survey="lmb")
    assert report["state"] == "failed" and report["error"] == str(direct.value)
    assert catalogue["state"] == "done", catalogue
    here = project.parent / "here.html"
    Project(project, create=False).catalogue("trots", here, "lmb")
    assert (project / "output" / "catalogus_lmb_trots.html").read_text(encoding="utf-8") == \
        here.read_text(encoding="utf-8")
