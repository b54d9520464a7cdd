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
    assert f'{sum(flags)}</strong> mogelijk nieuw' in page
    # the list is a lead, and the page says how far to trust it (measured on real texts)
    assert 'id="new-hint"' in page and "Kandidaten, geen besluit" in page
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


def _run(project):
    run = project.topic_run("trots", "lmb")
    if run is None:
        project.find_topics("trots", "lmb", views=False)
        run = project.topic_run("trots", "lmb")
    return run


def test_promoting_a_topic_adds_a_theme_and_queues_its_answers_undoably(served):
    c, project = served
    run = _run(project)
    topic = max(run["topics"], key=lambda t: t["size"])
    # one member gets a human code first: promotion sets it aside (kept) and undo brings it back
    with project.store() as store:
        m = store.topic_members(run["run_id"])
    m = m[m["topic_id"] == topic["id"]]
    wave, rid = m["wave"].iloc[0], m["respondent_id"].iloc[0]
    key = f"lmb:{wave}:trots:{rid}"
    first = project.codebook_state("trots", "lmb")["themes"][0]["id"]
    project.save_answer_codes(key, [first], "Anna")
    token = c.cookies["csrftoken"]
    before = project.codebook_state("trots", "lmb")
    res = c.post(f"/api/questions/lmb/trots/topics/{topic['id']}/promote",
                 json={"label": "Nieuw thema uit onderwerp", "who": "Anna"}, headers={"X-CSRF-Token": token})
    assert res.status_code == 200, res.text
    change = res.json()
    assert change["kind"] == "promote" and change["returned"] == len(m)
    new_id = change["detail"]["theme"]
    state = project.codebook_state("trots", "lmb")
    assert state["version"] == before["version"] + 1
    theme = next(t for t in state["themes"] if t["id"] == new_id)
    assert theme["label"] == "Nieuw thema uit onderwerp" and theme["examples"] == topic["quotes"][:3]
    # the coded member is back in the queue: its earlier call and the new theme suggested
    answer = project.answer(key)
    assert answer["human"] is None
    ticked = {s["theme"] for s in answer["suggestions"] if s.get("returned")}
    assert ticked == {first, new_id}
    # an uncoded member shows the new theme suggested
    other = f"lmb:{m['wave'].iloc[1]}:trots:{m['respondent_id'].iloc[1]}"
    assert new_id in {s["theme"] for s in project.answer(other)["suggestions"] if s.get("returned")}
    # the history names it, and undo restores the code and the codebook exactly
    assert "promoted" in project.codebook_history("trots", "lmb")["summary"].iloc[-1]
    project.undo_codebook_change("trots", who="Anna", survey="lmb")
    after = project.codebook_state("trots", "lmb")
    assert after["hash"] == before["hash"] and new_id not in {t["id"] for t in after["themes"]}
    assert project.answer(key)["human"] == [first]


def test_merging_a_topic_into_a_theme_adds_keywords_and_examples_only(served):
    c, project = served
    run = _run(project)
    topic = run["topics"][-1]
    state = project.codebook_state("trots", "lmb")
    target = state["themes"][1]
    codes_before = project.code_history("trots", "lmb")
    token = c.cookies["csrftoken"]
    res = c.post(f"/topics/lmb/trots/{topic['id']}/merge", data={"csrftoken": token, "theme": target["id"]},
                 cookies={"textmine_coder": "Bert"})
    assert res.status_code == 303 and "done=" in res.headers["location"]
    after = next(t for t in project.codebook_state("trots", "lmb")["themes"] if t["id"] == target["id"])
    assert after["keywords"][:len(target["keywords"])] == target["keywords"]
    assert set(after["keywords"]) > set(target["keywords"]) or set(after["examples"]) > set(target["examples"])
    assert set(topic["quotes"][:3]) <= set(after["examples"])
    assert project.code_history("trots", "lmb").equals(codes_before)  # no human code moved
    assert project.codebook_history("trots", "lmb")["codes_affected"].iloc[-1] == 0


def test_topic_actions_refuse_bad_input_with_one_line_and_store_nothing(served):
    c, project = served
    token = c.cookies["csrftoken"]
    before = project.codebook_state("trots", "lmb")["version"]
    cases = [("/api/questions/lmb/trots/topics/999/promote", {"who": "Anna"}, "topic 999 is not in"),
             ("/api/questions/lmb/trots/topics/x/promote", {"who": "Anna"}, "topic must be a topic number"),
             ("/api/questions/lmb/trots/topics/0/merge", {"who": "Anna", "theme": "geen_thema"}, "geen_thema"),
             ("/api/questions/lmb/trots/topics/0/merge", {"who": "Anna"}, "'theme' is missing"),
             ("/api/questions/lmb/trots/topics/0/promote", {"who": "Anna", "label": 3}, "'label' must be text")]
    for url, body, words in cases:
        res = c.post(url, json=body, headers={"X-CSRF-Token": token})
        assert res.status_code == 400 and words in res.json()["error"], (url, res.text)
        assert "\n" not in res.json()["error"]
    assert c.post("/api/questions/lmb/trots/topics/0/promote", json={"who": "A"}).status_code == 403
    assert project.codebook_state("trots", "lmb")["version"] == before
    page = c.post("/topics/lmb/trots/999/promote", data={"csrftoken": token, "label": "x"},
                  cookies={"textmine_coder": "Bert"})
    assert page.status_code == 400 and "topic 999 is not in" in page.text
