"""What an adversarial sweep of the workbench turned up: requests a browser (or a script) can send
that once gave a 500, a response without the security headers, or a page with a traceback.

Each request now gets a 4xx with its one line, the headers every page has, and nothing stored."""

from __future__ import annotations

import json
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from serve_project import build_project
from textmine import Project
from textmine.serve import create_app
from tm_testutil import dump_db

BASE = "http://127.0.0.1:8765"
HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "cache-control")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "project"
    build_project(path)
    return path


@pytest.fixture
def served(built, tmp_path):
    """A client (coder Anna, CSRF header set) on a copy of the project, and the project."""
    shutil.copytree(built, tmp_path / "p")
    project = Project(tmp_path / "p", create=False)
    app = create_app(tmp_path / "p", project=project)
    app.state.workbench.start_retrain = lambda s, q: None  # no model in these tests
    c = TestClient(app, base_url=BASE, follow_redirects=False, raise_server_exceptions=False)
    c.get("/")
    c.headers["X-CSRF-Token"] = c.cookies["csrftoken"]
    c.cookies.set("textmine_coder", "Anna")
    return c, project


def form(c: TestClient, path: str, data: dict):
    return c.post(path, content=urlencode(data).encode(),
                  headers={"content-type": "application/x-www-form-urlencoded"})


def refused(res, text: str) -> None:
    """A 400 with the one line (escaped in a page, plain in JSON) and the security headers."""
    assert res.status_code == 400, (res.status_code, res.text[:300])
    assert "Traceback" not in res.text
    assert all(h in res.headers for h in HEADERS), res.headers
    body = res.json()["error"] if res.headers["content-type"].startswith("application/json") else unescape(res.text)
    assert text in body, body[:500]


SUPERSCRIPT_TWO = "\u00b2"  # str.isdigit() says yes, int() says no


@pytest.mark.parametrize("number", [SUPERSCRIPT_TWO, "9" * 5000])
def test_odd_numbers_in_urls_and_forms_are_400_not_500(served, number):
    c, project = served
    before = dump_db(project.path)
    assert c.get(f"/g/lmb/trots?page={number}").status_code == 200  # a page number out of range: the first
    refused(c.get(f"/c/lmb/trots/export?version={number}"), "'version' must be a whole number")
    refused(c.get(f"/api/codebook/lmb/trots/export?version={number}"), "'version' must be a whole number")
    refused(form(c, "/c/lmb/trots/add", {"label": "Nieuw", "version": number}), "must be a whole number")
    refused(c.post("/api/codebook/lmb/trots/themes", json={"label": "Nieuw", "version": number}),
            "'version' must be a whole number")
    refused(form(c, f"/topics/lmb/trots/{number}/promote", {}), "topic must be a topic number")
    refused(c.post(f"/api/questions/lmb/trots/topics/{number}/promote", json={"who": "Anna"}),
            "topic must be a topic number")
    refused(form(c, "/d/lmb/trots/start", {"size": "2", "seed": number}), "the seed must be a whole number")
    refused(c.post(f"/api/waves?survey=lmb&wave=2026&population={number}", content=b"x"),
            "population must be a whole number")
    assert dump_db(project.path) == before


def test_deeply_nested_json_is_400_not_500(served):
    c, project = served
    nested = b"[" * 100_000 + b"]" * 100_000
    for path in ("/api/codes", "/api/codebook/lmb/trots/themes", "/api/double/codes",
                 "/api/catalogue/lmb/trots/curation", "/api/publish/report",
                 "/api/questions/lmb/trots/topics/1/promote"):
        refused(c.post(path, content=nested, headers={"content-type": "application/json"}),
                "the request body is not JSON")


def test_a_body_over_the_cap_is_413_before_any_endpoint_reads_it(served):
    from textmine.serve.security import MAX_JSON

    c, project = served
    before = dump_db(project.path)
    big = b'{"x": "' + b"a" * MAX_JSON + b'"}'
    for ctype in ("application/json", "text/plain", "application/octet-stream"):
        res = c.post("/api/codes", content=big, headers={"content-type": ctype})
        assert res.status_code == 413 and "verzoek te groot" in res.json()["error"], res.text[:200]
        assert all(h in res.headers for h in HEADERS)
    assert dump_db(project.path) == before
    # a body under the cap still reaches the endpoint, which gives its own line
    refused(c.post("/api/codes", content=b"[" * 1000, headers={"content-type": "application/json"}),
            "the request body is not JSON")


@pytest.mark.parametrize("body", [{}, {"choices": None}, {"choices": 1}, {"choices": "x"}])
def test_curation_without_a_list_of_choices_is_400(served, body):
    c, project = served
    before = dump_db(project.path)
    refused(c.post("/api/catalogue/lmb/trots/curation", json=body), "'choices' must be a non-empty list")
    assert dump_db(project.path) == before


def test_double_coding_before_any_human_code_is_the_one_line(served):
    c, project = served
    before = dump_db(project.path)
    text = "the question has no human-coded answers yet"
    refused(form(c, "/d/lmb/trots/start", {"size": "5"}), text)
    refused(c.post("/api/double/lmb/trots/start", json={"size": 5}), text)
    assert dump_db(project.path) == before


def test_an_unexpected_failure_still_has_the_security_headers_and_no_traceback(served, monkeypatch):
    c, project = served

    def boom(*_a, **_k):
        raise RuntimeError("secret detail /home/x/project")
    monkeypatch.setattr(project, "progress", boom)
    for res in (c.get("/"), c.get("/api/questions")):
        assert res.status_code == 500
        assert all(h in res.headers for h in HEADERS), res.headers
        assert "secret detail" not in res.text and "Traceback" not in res.text


def test_control_characters_in_a_theme_are_refused_in_the_workbench_and_in_a_file(served, tmp_path):
    from textmine.codebook import load_codebook
    from textmine.errors import InputError

    c, project = served
    before = dump_db(project.path)
    refused(form(c, "/c/lmb/trots/add", {"label": "Zon\x00\x07nepanelen"}),
            "label holds control characters")
    refused(c.post("/api/codebook/lmb/trots/themes", json={"label": "Zon", "examples": ["a\x1bb"], "who": "Anna"}),
            "examples holds control characters")
    refused(c.post("/api/codebook/lmb/trots/themes/beleid", json={"description": "x\x00", "who": "Anna"}),
            "description holds control characters")
    assert dump_db(project.path) == before
    # the export stays valid XML; the same check (and line) when the codebook comes from a file
    import xml.dom.minidom

    xml.dom.minidom.parseString(c.get("/c/lmb/trots/export?format=qdc").content)
    book = tmp_path / "book.yaml"
    book.write_text('themes:\n  - id: zon\n    label: "Zon\\anepanelen"\n', encoding="utf-8")
    with pytest.raises(InputError, match="row 3: theme 'zon': label holds control characters"):
        load_codebook(book)


def test_a_bulk_confirm_of_codes_changed_since_the_grid_showed_them_is_refused(served):
    import re

    c, project = served
    grid = project.grid("trots", "lmb")
    key = grid[(grid["source"] == "machine") & grid["themes"].apply(lambda t: "beleid" in list(t))]["key"].iloc[0]
    page = c.get("/g/lmb/trots?theme=beleid").text
    shown = dict((v.split("=", 1)[1], v) for v in
                 (unescape(m) for m in re.findall(r'<input type="hidden" name="shown" value="([^"]*)">', page)))
    assert shown[key].startswith("beleid")
    assert c.post("/api/codebook/lmb/trots/retire", json={"theme": "beleid", "who": "Lea"}).status_code == 200
    before = dump_db(project.path)
    res = c.post("/g/lmb/trots/confirm", data={"key": key, "shown": shown[key], "back": "/g/lmb/trots"})
    refused(res, f"the codes of answer '{key}' changed since the page showed them (shown: beleid; now: overig)")
    assert dump_db(project.path) == before  # the coder never saw 'overig': not stored as their decision
    # what the page shows now is confirmed
    page = c.get("/g/lmb/trots").text
    now = next(unescape(m) for m in re.findall(r'<input type="hidden" name="shown" value="([^"]*)">', page)
               if unescape(m).endswith("=" + key))
    assert c.post("/g/lmb/trots/confirm", data={"key": key, "shown": now, "back": "/g/lmb/trots"}).status_code == 303
    row = project.grid("trots", "lmb").set_index("key").loc[key]
    assert (row["source"], row["coder"], list(row["themes"])) == ("human", "Anna", ["overig"])


def test_an_answer_of_another_question_is_not_shown_under_this_questions_label(served):
    c, project = served
    other = project.grid("noden", "lmb")["key"].iloc[0]
    refused(c.get("/q/lmb/trots", params={"key": other}), f"'{other}' is not an answer of lmb 'trots'")
    refused(c.get("/d/lmb/trots/code", params={"key": other}), f"'{other}' is not an answer of lmb 'trots'")
    assert c.get("/q/lmb/noden", params={"key": other}).status_code == 200


def _topics_run(project: Project, label: str) -> int:
    """A stored topics run of lmb 'trots' with one topic (0), its first 3 answers as members."""
    from textmine.store import Store

    rids = project.grid("trots", "lmb")["respondent_id"].tolist()[:3]
    with Store(project.path) as store:
        run = store.start_run("topics", settings={"survey": "lmb", "question": "trots"}, provenance={"answers": 3})
        store.save_topic_run(run, [{"id": 0, "label": label, "keywords": [label.lower()], "size": 3, "new": True,
                                    "quotes": [f"over {label.lower()}"], "coverage": {}, "waves": {}}],
                             [(0, "lmb", "2025", "trots", r, 1.0) for r in rids])
        store.finish_run(run)
    return run


def test_a_topic_action_from_a_page_of_an_older_topics_run_is_refused(served):
    import re

    c, project = served
    old = _topics_run(project, "Zonnepanelen")
    page = c.get("/topics/lmb/trots").text
    assert f'name="run" value="{old}"' in page and re.search(r"/topics/lmb/trots/0/promote", page)
    new = _topics_run(project, "Koffie")  # topic 0 is another topic now
    before = dump_db(project.path)
    res = form(c, "/topics/lmb/trots/0/promote", {"run": str(old), "label": "Zonnepanelen"})
    refused(res, f"the topics of lmb 'trots' were run again since the page showed them (run {old}, now run {new})")
    refused(c.post("/api/questions/lmb/trots/topics/0/merge", json={"who": "Anna", "theme": "beleid", "run": old}),
            "were run again")
    refused(c.post("/api/questions/lmb/trots/topics/0/merge", json={"who": "Anna", "theme": "beleid", "run": "x"}),
            "'run' must be the number of the topics run")
    assert dump_db(project.path) == before
    assert form(c, "/topics/lmb/trots/0/promote", {"run": str(new)}).status_code == 303
    assert [t["label"] for t in project.codebook_state("trots", "lmb")["themes"]][-1] == "Koffie"


@pytest.mark.parametrize("name", ["a" * 300, "..%5Ctextmine.sqlite", "textmine.sqlite", "%00"])
def test_a_name_that_is_no_published_file_is_400(served, name):
    c, _project = served
    refused(c.get(f"/publish/output/{name}", headers={"accept": "text/html"}), "is not a file in the output folder")


@pytest.mark.parametrize("action, field", [("edit", "theme"), ("merge", "source"), ("split", "theme"),
                                           ("retire", "theme")])
def test_a_codebook_form_without_its_theme_names_the_missing_field(served, action, field):
    c, project = served
    before = dump_db(project.path)
    refused(form(c, f"/c/lmb/trots/{action}", {"label": "x", "a_label": "a", "b_label": "b"}),
            f"'{field}' is missing: the id of the")
    assert dump_db(project.path) == before


def test_a_key_posted_twice_in_a_bulk_confirm_is_one_decision(served):
    c, project = served
    decided = []
    c.app.state.workbench.decided = lambda s, q: decided.append((s, q))
    grid = project.grid("trots", "lmb")
    key = grid[grid["source"] == "machine"]["key"].iloc[0]
    res = c.post("/g/lmb/trots/confirm", content=urlencode([("key", key), ("key", key)]).encode(),
                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert res.status_code == 303 and decided == [("lmb", "trots")]
    history = project.code_history("trots", "lmb", key)
    assert set(history["status"]) == {"current"}  # no superseded copy of the same decision


def test_a_short_title_with_personal_data_is_published_redacted(served):
    c, project = served
    p = c.get("/api/catalogue/lmb/trots").json()["practices"][0]
    title = "Mail jan.peeters@zele.be of bel 0476 12 34 56"
    res = c.post("/api/catalogue/lmb/trots/curation", json={"choices": [{
        "wave": p["wave"], "respondent_id": p["respondent_id"], "text_hash": p["text_hash"], "include": True,
        "title": title, "highlight": False}]})
    assert res.status_code == 200, res.text
    shown = next(x for x in c.get("/api/catalogue/lmb/trots").json()["practices"] if x["id"] == p["id"])
    page = c.get("/publish/catalogue/lmb/trots").text
    for text in (shown["title"], shown["heading"], unescape(page)):
        assert "jan.peeters@zele.be" not in text and "0476 12 34 56" not in text
    assert shown["title"].startswith("Mail ")
    out = project.catalogue("trots", project.output_dir() / "catalogus.html", "lmb")
    assert "jan.peeters@zele.be" not in Path(out).read_text(encoding="utf-8")


def test_a_flag_sent_as_text_is_refused_not_read_as_true(served):
    c, project = served
    key = project.grid("trots", "lmb")["key"].iloc[0]
    before = dump_db(project.path)
    refused(c.post("/api/codes", json={"key": key, "themes": ["beleid"], "coder": "Anna", "audit": "false"}),
            "'audit' must be true or false")
    refused(c.post("/api/publish/report", json={"survey": "lmb", "prepare": "false"}),
            "'prepare' must be true or false")
    assert dump_db(project.path) == before
    res = c.post("/api/codes", json={"key": key, "themes": ["beleid"], "coder": "Anna", "audit": False})
    assert res.status_code == 200


def test_a_body_that_is_not_utf8_is_refused_not_stored_with_replacement_characters(served):
    c, project = served
    before = dump_db(project.path)
    latin1 = '{"label": "Financiële steun", "who": "Anna"}'.encode("latin-1")
    refused(c.post("/api/codebook/lmb/trots/themes", content=latin1, headers={"content-type": "application/json"}),
            "the request body is not UTF-8")
    refused(c.post("/c/lmb/trots/add", content=b"label=Financi%EBle+steun",
                   headers={"content-type": "application/x-www-form-urlencoded"}), "the form is not UTF-8")
    refused(c.post("/c/lmb/trots/add", content="label=Financiële".encode("latin-1"),
                   headers={"content-type": "application/x-www-form-urlencoded"}), "the request body is not UTF-8")
    assert dump_db(project.path) == before
    assert form(c, "/c/lmb/trots/add", {"label": "Financiële steun"}).status_code == 303
    assert project.codebook_state("trots", "lmb")["themes"][-1]["label"] == "Financiële steun"


def test_a_decision_from_a_stale_tab_does_not_overwrite_the_one_made_since(served):
    import re

    c, project = served
    key = project.next_answer("trots", "lmb", coder="Anna")["key"]
    shown_of = lambda page: json.loads(unescape(re.search(r'data-shown="([^"]*)"', page).group(1)))  # noqa: E731
    tab1 = shown_of(c.get("/q/lmb/trots", params={"key": key}).text)
    tab2 = shown_of(c.get("/q/lmb/trots", params={"key": key}).text)
    assert tab1 == tab2 == {"themes": None, "coder": None}
    body = {"key": key, "coder": "Anna"}
    assert c.post("/api/codes", json={**body, "themes": ["beleid"], "shown": tab1}).status_code == 200
    before = dump_db(project.path)
    refused(c.post("/api/codes", json={**body, "themes": ["fairtrade"], "shown": tab2}),
            f"answer '{key}' was coded since the page showed it (now Anna: beleid)")
    assert dump_db(project.path) == before
    # reloaded (or gone back to it), the decision is changed on purpose
    now = shown_of(c.get("/q/lmb/trots", params={"key": key}).text)
    assert now == {"themes": ["beleid"], "coder": "Anna"}
    assert c.post("/api/codes", json={**body, "themes": ["fairtrade"], "shown": now}).json()["themes"] == ["fairtrade"]
    refused(c.post("/api/codes", json={**body, "themes": [], "shown": ["beleid"]}), "'shown' must be")


def test_another_sites_request_to_the_api_or_a_state_change_is_refused(served):
    # an <img> or fetch on another site (or another port here) reaches 127.0.0.1 too; browsers mark it
    c, project = served
    before = dump_db(project.path)
    for site in ("cross-site", "same-site"):
        h = {"sec-fetch-site": site}
        res = c.get("/api/questions/lmb/trots/next?coder=Mallory", headers=h)
        assert res.status_code == 403 and "andere site" in res.json()["error"]
        assert all(x in res.headers for x in HEADERS)
        assert c.post("/api/codes", json={"key": "x", "themes": []}, headers=h).status_code == 403
    assert dump_db(project.path) == before
    # a link followed from elsewhere still opens a page; the workbench's own calls pass
    assert c.get("/", headers={"sec-fetch-site": "cross-site"}).status_code == 200
    assert c.get("/api/questions", headers={"sec-fetch-site": "same-origin"}).status_code == 200
    assert c.get("/api/questions", headers={"sec-fetch-site": "none"}).status_code == 200


@pytest.mark.parametrize("name", ["Els D'Hondt", "Els D\u2019Hondt", "Jan O'Brien-Vandamme"])
def test_a_flemish_name_with_an_apostrophe_can_code_in_the_workbench(served, name):
    """D'Hondt, D'hooghe, D'Haese: the coder page refused every name with an apostrophe, while
    the API and the review workbook took them."""
    c, project = served
    res = form(c, "/coder", {"coder": name, "back": "/", "csrftoken": c.headers["X-CSRF-Token"]})
    assert res.status_code == 303, res.text[:300]
    key = project.next_answer("trots", "lmb", coder="Anna")["key"]
    c.cookies.set("textmine_coder", res.cookies["textmine_coder"])
    assert c.post("/api/codes", json={"key": key, "themes": ["beleid"]}).status_code == 200
    assert project.answer(key)["coder"] == name


@pytest.mark.parametrize("name", ["<b>Mallory</b>", 'Anna "de baas"', "Anna\x07", "x" * 61])
def test_a_coder_name_the_coder_page_refuses_is_refused_by_the_api_too(served, name):
    """One rule for a coder's name: the coder page refused markup characters and more than 60
    characters, while the API (and the facade behind it) stored them."""
    c, project = served
    key = project.next_answer("trots", "lmb", coder="Anna")["key"]
    before = dump_db(project.path)
    res = c.post("/api/codes", json={"key": key, "themes": ["beleid"], "coder": name})
    refused(res, "the coder's name")
    assert dump_db(project.path) == before
