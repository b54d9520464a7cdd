"""Topics in the workbench: a run started from the page (in the background, one per question),
its status, the "new" list first, every topic with label, keywords, size, waves and quotes;
quotes are the redacted answers and escaped."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from serve_project import MARKUP, build_project
from textmine.serve import create_app

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    path = tmp_path_factory.mktemp("topics") / "project"
    project, _rid = build_project(path)
    app = create_app(path, project=project)
    with TestClient(app, base_url=BASE, follow_redirects=False) as c:
        c.get("/")
        yield c, project


def wait_for_run(c: TestClient, survey: str = "lmb", question: str = "trots", limit: float = 300) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        status = c.get(f"/api/questions/{survey}/{question}/topics").json()["status"]
        if status["state"] != "running":
            return status
        time.sleep(0.5)
    raise AssertionError("the topics run did not finish")


def test_before_a_run_the_page_offers_one_and_the_api_says_none(served):
    c, project = served
    if project.topic_run("trots", "lmb") is not None:
        pytest.skip("a run exists already")
    res = c.get("/topics/lmb/trots")
    assert res.status_code == 200 and "Nog geen onderwerpen gezocht" in res.text
    assert c.get("/api/questions/lmb/trots/topics").json() == {"status": {"state": "idle"}, "run": None}


def test_starting_needs_csrf_and_a_known_question(served):
    c, project = served
    assert c.post("/api/questions/lmb/trots/topics/run").status_code == 403
    token = c.cookies["csrftoken"]
    res = c.post("/api/questions/lmb/nope/topics/run", headers={"X-CSRF-Token": token})
    assert res.status_code == 400 and "nope" in res.json()["error"]
    res = c.get("/api/questions/lmb/nope/topics")
    assert res.status_code == 400 and "nope" in res.json()["error"]


def test_a_run_from_the_page_lists_new_topics_first_with_quotes_escaped(served):
    c, project = served
    token = c.cookies["csrftoken"]
    res = c.post("/topics/lmb/trots/run", data={"csrftoken": token})
    assert res.status_code == 303 and res.headers["location"] == "/topics/lmb/trots"
    # a second start while the first runs does not start another
    again = c.post("/api/questions/lmb/trots/topics/run", headers={"X-CSRF-Token": token})
    assert again.status_code == 202 and again.json()["state"] in ("running", "done")
    status = wait_for_run(c)
    assert status["state"] == "done", status
    body = c.get("/api/questions/lmb/trots/topics").json()
    run = body["run"]
    stored = project.topic_run("trots", "lmb")
    assert run["run_id"] == stored["run_id"] == status["result"]["run_id"]
    topics = run["topics"]
    assert topics and all("respondent_ids" not in t for t in topics)
    flags = [bool(t["new"]) for t in topics]
    assert flags == sorted(flags, reverse=True)  # the new ones first
    assert sum(t["size"] for t in topics) <= run["answers"]
    page = c.get("/topics/lmb/trots").text
    assert f'{sum(flags)}</strong> nieuw' in page
    for t in topics:
        assert f'id="topic-{t["id"]}"' in page
    assert "<script>alert" not in page  # a quote holding markup is shown as text
    if any("script" in q for t in topics for q in t["quotes"]):
        assert "&lt;script&gt;" in page


def test_a_failed_run_keeps_its_one_line_error_and_a_new_start_runs_again():
    from textmine.errors import InputError
    from textmine.serve.topics import TopicRuns

    class Failing:
        calls = 0

        def find_topics(self, question, survey, **kw):
            Failing.calls += 1
            raise InputError(f"no answers with content to '{question}' in {survey} to find topics in")

    runs = TopicRuns(Failing())
    runs.start("lmb", "trots")
    deadline = time.monotonic() + 10
    while runs.status("lmb", "trots")["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.01)
    status = runs.status("lmb", "trots")
    assert status["state"] == "failed" and status["error"].startswith("no answers with content to 'trots'")
    runs.start("lmb", "trots")
    while runs.status("lmb", "trots")["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert Failing.calls == 2
