"""The workbench's codebook API and pages (textmine/serve/codebook.py) with Starlette's TestClient on a
real project: every change through the JSON API (CSRF-protected), bad input a 400 with the one line
and nothing stored, the forms of the page, the export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from starlette.testclient import TestClient

from textmine import Project
from textmine.codebook import load_codebook
from textmine.serve import create_app
from tm_testutil import REPO, dump_db

BASE = "http://127.0.0.1:8765"
API = "/api/codebook/lmb/trots"
LMB = REPO / "data" / "schemas" / "lmb.yaml"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cbapi") / "base"
    export = pd.read_csv(REPO / "data" / "sample" / "lmb_2025_SYNTHETIC.csv", sep=";", encoding="cp1252",
                         dtype=str, keep_default_na=False)
    Project(path).ingest(export, LMB, "2025")
    return path


@pytest.fixture
def setup(base, tmp_path):
    """A client on a copy of the project, the project, the retrains the changes asked for, 3 coded keys."""
    shutil.copytree(base, tmp_path / "p")
    project = Project(tmp_path / "p", create=False)
    app = create_app(tmp_path / "p", project=project)
    retrains: list[tuple[str, str]] = []
    app.state.workbench.start_retrain = lambda s, q: retrains.append((s, q))  # no model in these tests
    grid = project.grid("trots", "lmb")
    keys = grid.loc[~grid["non_answer"], "key"].tolist()[:3]
    project.save_answer_codes(keys[0], ["beleid"], "Anna")
    project.save_answer_codes(keys[1], ["fairtrade", "beleid"], "Bob")
    project.save_answer_codes(keys[2], ["evenementen"], "Anna")
    c = TestClient(app, base_url=BASE, follow_redirects=False)
    c.get("/")
    return c, project, retrains, keys


def post(c: TestClient, path: str, body: dict):
    return c.post(path, json=body, headers={"X-CSRF-Token": c.cookies["csrftoken"]})


def test_changes_need_the_csrf_token(setup):
    c, project, retrains, _keys = setup
    before = dump_db(project.path)
    assert c.post(f"{API}/merge", json={"source": "beleid", "target": "fairtrade", "who": "L"}).status_code == 403
    res = c.post(f"{API}/undo", json={"who": "L"}, headers={"X-CSRF-Token": "x" * 40})
    assert res.status_code == 403 and "CSRF" in res.json()["error"]
    assert dump_db(project.path) == before and retrains == []


def test_merge_split_rename_undo_through_the_api(setup, tmp_path):
    c, project, retrains, keys = setup
    state = c.get(API).json()
    assert state["version"] == 0 and not state["edited"] and state["undoable"] is None
    human = {t["id"]: t["human"] for t in state["themes"]}
    assert (human["beleid"], human["fairtrade"]) == (2, 1)

    res = post(c, f"{API}/merge", {"source": "beleid", "target": "fairtrade", "who": "Lead", "version": 0})
    assert res.status_code == 200, res.text
    assert res.json()["version"] == 1 and res.json()["kind"] == "merge" and retrains == [("lmb", "trots")]
    state = c.get(API).json()
    assert "beleid" not in [t["id"] for t in state["themes"]]
    assert next(t for t in state["themes"] if t["id"] == "fairtrade")["human"] == 2
    codes = c.get(f"{API}/codes", params={"key": keys[0]}).json()
    moved = [r for r in codes if r["action"] == "added"]
    assert len(moved) == 1 and moved[0]["coder"] == "Anna" and moved[0]["from_theme"] == "beleid"
    assert moved[0]["moved_by"] == "Lead" and moved[0]["status"] == "current"

    # a change made on an older version is refused, nothing stored
    before = dump_db(project.path)
    res = post(c, f"{API}/retire", {"theme": "fairtrade", "who": "Lead", "version": 0})
    assert res.status_code == 400 and "changed meanwhile (now version 1" in res.json()["error"]
    assert dump_db(project.path) == before

    res = post(c, f"{API}/themes/fairtrade", {"label": "Eerlijke handel", "who": "Lead"})
    assert res.json()["kind"] == "rename"
    res = post(c, f"{API}/split", {"theme": "evenementen", "who": "Lead",
                                   "into": [{"label": "Markten"}, {"label": "Lezingen", "keywords": ["lezing"]}]})
    assert res.status_code == 200 and res.json()["returned"] == 1
    answer = project.answer(keys[2])
    assert answer["human"] is None
    assert {s["theme"] for s in answer["suggestions"] if s.get("returned")} == {"markten", "lezingen"}
    res = post(c, f"{API}/themes", {"label": "Klimaat", "keywords": ["klimaat"], "who": "Lead"})
    assert res.json()["detail"]["theme"] == "klimaat"

    history = c.get(f"{API}/history").json()
    assert [h["kind"] for h in history] == ["merge", "rename", "split", "add"]
    assert history[0]["who"] == "Lead" and history[0]["detail"]["target"] == "fairtrade"

    # export: the file is the current version
    for fmt, suffix in (("yaml", ".yaml"), ("qdc", ".qdc")):
        res = c.get(f"{API}/export", params={"format": fmt})
        assert res.status_code == 200 and f'filename="lmb_trots{suffix}"' in res.headers["content-disposition"]
        (tmp_path / f"x{suffix}").write_bytes(res.content)
        assert load_codebook(tmp_path / f"x{suffix}") == project.codebook("trots")[1]
    assert c.get(f"{API}/export", params={"format": "docx"}).status_code == 400

    for kind in ("add", "split", "rename", "merge"):
        res = post(c, f"{API}/undo", {"who": "Lead"})
        assert res.status_code == 200 and res.json()["undone_kind"] == kind
    assert project.answer(keys[0])["human"] == ["beleid"] and project.answer(keys[2])["human"] == ["evenementen"]
    assert c.get(API).json()["hash"] == load_codebook(REPO / "data" / "codebooks" / "lmb_trots.yaml").hash
    assert len(retrains) == 8


@pytest.mark.parametrize("path, body, message", [
    ("merge", {"source": "beleid", "target": "nope", "who": "L"}, "target theme 'nope' is not in the codebook"),
    ("merge", {"source": "beleid", "target": "fairtrade"}, "who makes this change"),
    ("split", {"theme": "beleid", "into": "x", "who": "L"}, "at least two new themes"),
    ("themes", {"label": "", "who": "L"}, "'label' is required"),
    ("themes/beleid", {"patterns": ["("], "who": "L"}, "not a valid regular expression"),
    ("retire", {"theme": "beleid", "who": "L", "version": "two"}, "'version' must be a whole number"),
    ("undo", {"who": "L"}, "nothing to undo"),
])
def test_bad_input_is_400_with_the_one_line_and_nothing_stored(setup, path, body, message):
    c, project, retrains, _keys = setup
    before = dump_db(project.path)
    res = post(c, f"{API}/{path}", body)
    assert res.status_code == 400 and message in res.json()["error"] and "\n" not in res.json()["error"]
    assert dump_db(project.path) == before and retrains == []
    res = c.post(f"{API}/merge", content=b"not json", headers={"X-CSRF-Token": c.cookies["csrftoken"]})
    assert res.status_code == 400 and res.json()["error"] == "the request body is not JSON"


def test_the_page_and_its_forms(setup):
    c, project, retrains, keys = setup
    page = c.get("/c/lmb/trots")
    assert page.status_code == 200 and "Codeboek" in page.text and 'id="theme-beleid"' in page.text
    token = c.cookies["csrftoken"]
    form = {"source": "beleid", "target": "fairtrade", "version": "0", "csrftoken": token}
    res = c.post("/c/lmb/trots/merge", data=form)  # no name yet: asked first, nothing stored
    assert res.status_code == 200 and 'id="coder-name"' in res.text and project.codebook_history("trots").empty
    c.cookies.set("textmine_coder", "Anna")
    res = c.post("/c/lmb/trots/merge", data=form)
    assert res.status_code == 303 and res.headers["location"].startswith("/c/lmb/trots?done=1")
    assert project.codebook_history("trots")["who"].tolist() == ["Anna"]
    page = c.get(res.headers["location"])
    assert 'id="done"' in page.text and 'id="versie-1"' in page.text and "samengevoegd in" in page.text
    before = dump_db(project.path)
    res = c.post("/c/lmb/trots/split", data={"theme": "fairtrade", "a_label": "Markten", "b_label": "",
                                              "version": "1", "csrftoken": token})
    assert res.status_code == 400 and "&#39;label&#39; is required" in res.text and dump_db(project.path) == before
    res = c.post("/c/lmb/trots/split", data={"theme": "evenementen", "a_label": "Markten", "b_label": "Lezingen",
                                              "b_keywords": "lezing\nvoordracht", "version": "1",
                                              "csrftoken": token})
    assert res.status_code == 303
    assert project.codebook("trots")[1].theme("lezingen").keywords == ("lezing", "voordracht")
    res = c.post("/c/lmb/trots/undo", data={"version": "2", "csrftoken": token})
    assert res.status_code == 303 and project.answer(keys[2])["human"] == ["evenementen"]
    assert retrains == [("lmb", "trots")] * 3
    assert '>Codeboek</a>' in c.get("/").text


def test_labels_and_names_are_escaped(setup):
    c, project, _retrains, _keys = setup
    markup = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    res = post(c, f"{API}/themes", {"label": markup, "id": "markup", "keywords": [markup], "who": "<b>Lea</b>"})
    assert res.status_code == 200
    page = c.get("/c/lmb/trots").text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Lea</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page and "&lt;b&gt;Lea&lt;/b&gt;" in page
