"""The workbench's web layer: security (Host, CSRF, token, CSP, escaping), the JSON API, the pages.

Most tests drive the app with Starlette's TestClient on an in-memory stand-in for the Project
(tests/serve_fake.py); the round trip at the end runs on a real project and checks the stored
codes with ``textmine code --format json``."""

from __future__ import annotations

import json
import os
import time

import pytest
import threadpoolctl
from starlette.testclient import TestClient

from textmine.serve import create_app
from serve_fake import FakeProject

BASE = "http://127.0.0.1:8765"
MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def client(project: FakeProject, token: str | None = None, **kw) -> TestClient:
    app = create_app("unused", token, project=project, **kw)
    return TestClient(app, base_url=BASE, follow_redirects=False)


@pytest.fixture
def fake() -> FakeProject:
    return FakeProject(["Ik ben trots op de zorg", "Zon op het dak, goed voor het klimaat", MARKUP, "school", "-"])


def csrf_of(c: TestClient) -> str:
    c.get("/")
    return c.cookies["csrftoken"]


def test_get_sets_csrf_cookie_and_security_headers(fake):
    c = client(fake)
    res = c.get("/")
    assert res.status_code == 200
    assert len(res.cookies["csrftoken"]) >= 20
    csp = res.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert res.headers["x-content-type-options"] == "nosniff"
    # the cookie is set once, not renewed on every page (two tabs keep working)
    assert "csrftoken" not in c.get("/api/questions").headers.get("set-cookie", "")


def test_state_change_without_or_with_wrong_csrf_is_403(fake):
    c = client(fake)
    body = {"key": "lmb:2025:trots:r0", "themes": ["zorg"], "coder": "Anna"}
    assert c.post("/api/codes", json=body).status_code == 403  # no cookie, no header
    token = csrf_of(c)
    res = c.post("/api/codes", json=body)  # cookie only: a cross-site form would send that much
    assert res.status_code == 403 and "CSRF" in res.json()["error"]
    assert c.post("/api/codes", json=body, headers={"X-CSRF-Token": token[::-1]}).status_code == 403
    assert fake.codes == {}
    res = c.post("/api/codes", json=body, headers={"X-CSRF-Token": token})
    assert res.status_code == 200 and res.json() == {**body, "source": "human"}
    # a form post with the token in a hidden field is accepted; without it, refused
    assert c.post("/coder", data={"coder": "Bob", "back": "/"}).status_code == 403
    res = c.post("/coder", data={"coder": "Bob", "back": "/", "csrftoken": token})
    assert res.status_code == 303 and "textmine_coder" in res.headers["set-cookie"]


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "attacker.com", ""])
def test_foreign_host_header_is_400(fake, host):
    c = client(fake)
    assert c.get("/", headers={"Host": host}).status_code == 400
    assert c.get("/api/questions", headers={"Host": host}).json()["error"].startswith("onbekende Host")
    assert c.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_token_required_by_every_request(fake):
    c = client(fake, token="s3cret-token")
    assert c.get("/api/questions").status_code == 401
    assert c.get("/", headers={"Accept": "text/html"}).status_code == 401
    assert c.get("/api/questions", headers={"Authorization": "Bearer wrong"}).status_code == 401
    res = c.get("/api/questions", headers={"Authorization": "Bearer s3cret-token"})
    assert res.status_code == 200 and res.json()[0]["question"] == "trots"
    # the login page: reachable without the token, sets a cookie that is not the token itself
    assert c.get("/login").status_code == 200
    csrf = c.cookies["csrftoken"]
    assert c.post("/login", data={"token": "nope", "csrftoken": csrf}).status_code == 401
    res = c.post("/login", data={"token": "s3cret-token", "csrftoken": csrf})
    assert res.status_code == 303
    assert "s3cret-token" not in res.headers["set-cookie"]
    assert c.get("/api/questions").status_code == 200  # with the login cookie
    # the CSRF check still applies behind the token
    assert c.post("/api/codes", json={"key": "lmb:2025:trots:r0", "themes": [], "coder": "A"}).status_code == 403


def test_markup_in_answers_labels_and_names_is_escaped(fake):
    c = client(fake)
    csrf = csrf_of(c)
    c.post("/coder", data={"coder": "Eve", "back": "/", "csrftoken": csrf})
    res = c.get("/q/lmb/trots?key=lmb:2025:trots:r2")
    assert res.status_code == 200
    html = res.text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Klimaat &lt;b&gt;&amp;&lt;/b&gt; energie" in html and "Den &lt;Haag&gt;" in html
    assert "<i>trots</i>" not in c.get("/").text
    # a name with markup is refused, not stored
    assert c.post("/coder", data={"coder": "<b>x</b>", "back": "/", "csrftoken": csrf}).status_code == 400
    # the only scripts are our own file: no inline script anywhere
    assert html.count("<script") == 1 and '<script src="/static/workbench.js" defer></script>' in html


def test_keywords_highlighted_and_meta_shown(fake):
    c = client(fake)
    c.post("/coder", data={"coder": "Anna", "back": "/", "csrftoken": csrf_of(c)})
    html = c.get("/q/lmb/trots?key=lmb:2025:trots:r1").text
    assert "<mark>Zon</mark> op het dak, goed voor het <mark>klimaat</mark>" in html
    assert "Ronde 2025" in html and "Zuid-Holland" in html and "80%" in html


def test_api_shapes_and_errors(fake):
    c = client(fake)
    csrf = csrf_of(c)
    qs = c.get("/api/questions").json()
    assert {k: qs[0][k] for k in ("survey", "question", "answers", "human", "machine")} == \
        {"survey": "lmb", "question": "trots", "answers": 5, "human": 0, "machine": 5}
    nxt = c.get("/api/questions/lmb/trots/next?order=uncertain&coder=Anna").json()
    assert {"key", "respondent_id", "wave", "text", "suggestions"} <= set(nxt)
    assert {"theme", "label", "score"} <= set(nxt["suggestions"][0])
    # an answer on Anna's screen is not handed to Bob at the same time
    assert c.get("/api/questions/lmb/trots/next?coder=Bob").json()["key"] != nxt["key"]
    assert c.get("/api/questions/lmb/trots/next?order=random").json() == {
        "error": "order must be one of uncertain, audit, not 'random'"}
    h = {"X-CSRF-Token": csrf}
    res = c.post("/api/codes", json={"key": nxt["key"], "themes": ["nope"], "coder": "Anna"}, headers=h)
    assert res.status_code == 400 and res.json() == {"error": "unknown theme 'nope' for lmb 'trots'"}
    res = c.post("/api/codes", json={"key": "x:y", "themes": [], "coder": "Anna"}, headers=h)
    assert res.status_code == 400 and "no answer with key 'x:y'" in res.json()["error"]
    assert c.post("/api/codes", content=b"{not json", headers=h).json()["error"] == "the request body is not JSON"
    assert c.post("/api/codes", json={"key": nxt["key"], "themes": "zorg", "coder": "A"}, headers=h).status_code == 400
    assert c.post("/api/codes", json={"key": nxt["key"], "themes": []}, headers=h).json()["error"].startswith(
        "'coder' is missing")
    # the same one-line text on a page
    c.post("/coder", data={"coder": "Anna", "back": "/", "csrftoken": csrf})
    res = c.get("/q/lmb/trots?key=bad")
    assert res.status_code == 400 and "no answer with key &#39;bad&#39; in the project" in res.text


def test_decisions_retrain_in_the_background(fake):
    c = client(fake, retrain_every=2)
    h = {"X-CSRF-Token": csrf_of(c)}
    for i in range(4):
        assert c.post("/api/codes", json={"key": f"lmb:2025:trots:r{i}", "themes": [], "coder": "A"},
                      headers=h).status_code == 200
    bench = c.app.state.workbench
    deadline = time.monotonic() + 5
    while fake.retrained < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.retrained == 2 and len(bench.retrains) == 2


def test_a_question_not_coded_yet_is_coded_in_the_background(fake):
    """The first answer of an uncoded question has no scores: the workbench starts coding it at
    once (in the background), so the next answers carry suggestions."""
    fake.coded = False
    c = client(fake, retrain_every=100)
    first = c.get("/api/questions/lmb/trots/next?coder=A").json()
    assert all(s["score"] is None for s in first["suggestions"])
    deadline = time.monotonic() + 5
    while fake.retrained < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.retrained == 1
    later = c.get("/api/questions/lmb/trots/next?coder=B").json()
    assert any(s["score"] is not None for s in later["suggestions"])


def test_coder_asked_once_then_queue_and_back(fake):
    c = client(fake)
    csrf = csrf_of(c)
    page = c.get("/q/lmb/trots")
    assert 'name="coder"' in page.text  # asked for a name first
    res = c.post("/coder", data={"coder": "Anna", "back": "/q/lmb/trots?order=uncertain", "csrftoken": csrf})
    assert res.headers["location"] == "/q/lmb/trots?order=uncertain"
    assert c.post("/coder", data={"coder": "A", "back": "//evil.example/", "csrftoken": csrf}).headers[
        "location"] == "/"
    c.post("/coder", data={"coder": "Anna", "back": "/", "csrftoken": csrf})
    html = c.get("/q/lmb/trots").text
    assert 'data-key="lmb:2025:trots:r0"' in html and 'data-prev=""' in html
    c.post("/api/codes", json={"key": "lmb:2025:trots:r0", "themes": ["zorg"], "coder": "Anna"},
           headers={"X-CSRF-Token": csrf})
    html = c.get("/q/lmb/trots").text
    assert 'data-key="lmb:2025:trots:r1"' in html and 'data-prev="lmb:2025:trots:r0"' in html
    html = c.get("/q/lmb/trots?key=lmb:2025:trots:r0").text  # back: the earlier decision shown ticked
    assert 'class="theme on" data-theme="zorg"' in html and "al gecodeerd door Anna" in html


def test_serve_refuses_other_hosts_without_token(tmp_path):
    from typer.testing import CliRunner

    from textmine.cli import app

    res = CliRunner().invoke(app, ["serve", "--project", str(tmp_path), "--host", "0.0.0.0"])
    assert res.exit_code == 2
    assert res.output.strip() == "error: --host 0.0.0.0 is reachable from other machines: give --token TOKEN too"
    res = CliRunner().invoke(app, ["serve", "--project", str(tmp_path / "none")])
    assert res.exit_code == 2 and res.output.startswith("error:") and len(res.output.strip().splitlines()) == 1


# --- on a real project ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from serve_project import build_project

    path = tmp_path_factory.mktemp("serve") / "project"
    project, markup_rid = build_project(path)
    return path, project, markup_rid


def test_api_round_trip_matches_textmine_code(real):
    import json

    from typer.testing import CliRunner

    from textmine.cli import app

    path, project, markup_rid = real
    c = TestClient(create_app(path), base_url=BASE, follow_redirects=False)
    questions = c.get("/api/questions").json()
    trots = next(q for q in questions if q["question"] == "trots")
    assert trots["survey"] == "lmb" and trots["answers"] > 50 and trots["machine"] == trots["answers"]
    h = {"X-CSRF-Token": c.cookies["csrftoken"]}
    decided: dict[str, list[str]] = {}
    for i in range(4):
        nxt = c.get("/api/questions/lmb/trots/next?order=uncertain&coder=Anna").json()
        themes = [nxt["suggestions"][i]["theme"]] if i < 3 else []
        res = c.post("/api/codes", json={"key": nxt["key"], "themes": themes, "coder": "Anna"}, headers=h)
        assert res.status_code == 200, res.text
        assert res.json()["source"] == "human" and res.json()["coder"] == "Anna"
        decided[nxt["respondent_id"]] = themes or ["overig"]
    assert len(decided) == 4  # each next answer was a new one
    audit = c.get("/api/questions/lmb/trots/next?order=audit&coder=Anna").json()
    assert c.post("/api/codes", json={"key": audit["key"], "themes": ["non_answer"], "coder": "Anna", "audit": True},
                  headers=h).json()["themes"] == ["non_answer"]
    decided[audit["respondent_id"]] = ["non_answer"]
    out = CliRunner().invoke(app, ["code", "-p", str(path), "-q", "trots", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = {r["respondent_id"]: r for r in json.loads(out.stdout)}
    for rid, themes in decided.items():
        assert rows[rid]["source"] == "human", rid
        assert (rows[rid]["themes"] or ["overig"]) == themes, (rid, rows[rid]["themes"], themes)
    assert c.get("/api/questions").json()[questions.index(trots)]["human"] == len(decided)
    # the markup answer, shown in the queue: escaped
    c.post("/coder", data={"coder": "Anna", "back": "/", "csrftoken": h["X-CSRF-Token"]})
    html = c.get(f"/q/lmb/trots?key=lmb:2025:trots:{markup_rid}").text
    assert "<script>alert" not in html and "<img src=x" not in html and "&lt;script&gt;alert(" in html
    assert c.get("/").status_code == 200


def test_grid_filters_sorts_and_bulk_confirms(real):
    path, project, _rid = real
    c = TestClient(create_app(path), base_url=BASE, follow_redirects=False)
    csrf = csrf_of(c)
    c.post("/coder", data={"coder": "Dirk", "back": "/", "csrftoken": csrf})
    table = project.grid("trots", "lmb")
    html = c.get("/g/lmb/trots").text
    assert f"{len(table)} van {len(table)} antwoorden" in html
    theme = "fairtrade"
    with_theme = table[table.themes.map(lambda t: theme in t)]
    assert 0 < len(with_theme) < len(table)
    html = c.get(f"/g/lmb/trots?theme={theme}").text
    assert f"{len(with_theme)} van {len(table)} antwoorden" in html
    assert all(k in html for k in with_theme.key)
    word = "wereldwinkel"
    hits = table[table.text.str.lower().str.contains(word)]
    assert f"{len(hits)} van {len(table)}" in c.get(f"/g/lmb/trots?text={word.upper()}").text
    low = table[table.margin < 0.10]
    assert f"{len(low)} van {len(table)}" in c.get("/g/lmb/trots?confidence=low").text
    # sorted by the theme's score, highest first
    html = c.get(f"/g/lmb/trots?sort=theme:{theme}&dir=desc").text
    top = table.assign(s=table.scores.map(lambda d: d.get(theme, -1))).sort_values("s", ascending=False).key.iloc[0]
    assert html.index(f'data-key="{top}"') < min(html.index(f'data-key="{k}"') for k in table.key if k != top)
    # bulk confirm two machine-coded answers: stored as Dirk's human codes, the machine's themes
    picked = list(table[table.source == "machine"].key[:2])
    assert c.post("/g/lmb/trots/confirm", data={"key": picked, "back": "/g/lmb/trots"}).status_code == 403
    res = c.post("/g/lmb/trots/confirm", data={"key": picked, "back": "/g/lmb/trots?source=human",
                                               "csrftoken": csrf})
    assert res.status_code == 303 and res.headers["location"] == "/g/lmb/trots?source=human"
    for key in picked:
        stored = project.answer(key)
        expected = list(table.set_index("key").themes[key])
        assert (stored["human"], stored["coder"]) == (expected, "Dirk")
    assert all(k in c.get("/g/lmb/trots?source=human").text for k in picked)


def test_retrain_in_a_worker_process(real):
    """``textmine serve`` retrains in one worker process: the pages keep the GIL to themselves."""
    path, project, _rid = real
    with TestClient(create_app(path, retrain_every=1, retrain_process=True), base_url=BASE) as c:
        h = {"X-CSRF-Token": csrf_of(c)}
        nxt = c.get("/api/questions/lmb/trots/next?coder=Eva").json()
        assert c.post("/api/codes", json={"key": nxt["key"], "themes": [], "coder": "Eva"}, headers=h).status_code == 200
        deadline = time.monotonic() + 50
        while not c.get("/api/status").json()["retrains"] and time.monotonic() < deadline:
            time.sleep(0.1)
        status = c.get("/api/status").json()
        assert status["retrains"] and status["retrains"][0]["question"] == "trots"
        bench = c.app.state.workbench
        assert bench.processes is not None and bench.retrains[0]["result"]["human_coded"] >= 1
        # the worker yields the CPU to the pages: niced, BLAS on one thread
        if hasattr(os, "nice"):
            assert bench.processes.submit(os.nice, 0).result() >= min(19, os.nice(0) + 10)
        pools = bench.processes.submit(threadpoolctl.threadpool_info).result()
        assert pools and all(p["num_threads"] == 1 for p in pools)


def test_trust_figures_page_and_api(real):
    path, project, _rid = real
    c = TestClient(create_app(path), base_url=BASE, follow_redirects=False)
    h = {"X-CSRF-Token": csrf_of(c)}
    for _ in range(3):
        a = c.get("/api/questions/lmb/trots/next?order=audit&coder=Fien").json()
        assert a["audit"] is True
        c.post("/api/codes", json={"key": a["key"], "themes": ["fairtrade"], "coder": "Fien", "audit": True},
               headers=h)
    api = c.get("/api/questions/lmb/trots/trust").json()
    frame = project.trust("trots", "lmb")
    assert api["audit_size"] == frame.attrs["audit_size"] > 0
    assert [t["theme"] for t in api["themes"]] == [t for t in frame.theme if t != "*"]
    pooled = frame.set_index("theme").loc["*"]
    assert api["pooled"]["audit_answers"] == pooled.audit_answers >= 3
    html = c.get("/t/lmb/trots").text
    assert f'<strong id="audit-answers">{pooled.audit_answers}</strong> van {api["audit_size"]}' in html
    home = c.get("/").text
    if api["pooled"]["alpha_audit"] is not None:
        assert f'α {pooled.alpha_audit:.2f} <small>(n={pooled.audit_answers})</small>' in home
    else:
        assert 'href="/t/lmb/trots">—</a>' in home
    fair = frame.set_index("theme").loc["fairtrade"]
    assert (f'<td class="n">{fair.audit_positives}</td><td class="n">{fair.machine_positives}</td>'
            in html)


def test_a_long_write_elsewhere_delays_but_never_fails_a_request(real, monkeypatch):
    """Another program holds the store's write lock (a long job): pages still read (WAL), and a
    decision waits its turn and is stored; past the wait, a one-line 503, never a traceback."""
    import sqlite3
    import threading

    path, project, _rid = real
    c = TestClient(create_app(path), base_url=BASE, follow_redirects=False)
    h = {"X-CSRF-Token": csrf_of(c)}
    nxt = c.get("/api/questions/lmb/trots/next?coder=Gert").json()
    holder = sqlite3.connect(path / "textmine.sqlite", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        t0 = time.monotonic()
        assert c.get("/api/questions").status_code == 200 and time.monotonic() - t0 < 1.0  # reads go on
        res = c.post("/api/codes", json={"key": nxt["key"], "themes": [], "coder": "Gert"}, headers=h)
        assert res.status_code == 200, res.text
    finally:
        release.join()
        holder.close()
    assert project.answer(nxt["key"])["coder"] == "Gert"
    monkeypatch.setenv("TEXTMINE_LOCK_WAIT", "0.3")
    holder = sqlite3.connect(path / "textmine.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        res = c.post("/api/codes", json={"key": nxt["key"], "themes": ["beleid"], "coder": "Gert"}, headers=h)
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert res.status_code == 503 and "busy" in res.json()["error"] and "\n" not in res.json()["error"]
