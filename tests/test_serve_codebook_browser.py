"""The codebook page in a real browser (issue 15 point 5): merge two themes and check the human codes
moved with their coder and history, split one (its answers back in the queue with both new themes
ticked), undo both (codes exactly as before), a bad change shown on the page with nothing stored, and
the background retrain coding with the edited codebook. Debian's chromium driven by Playwright, as
tests/test_serve_browser.py; screenshots at 1366x768 in the test's tmp dir (or TEXTMINE_SCREENSHOTS)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from test_serve_browser import CHROMIUM, VIEWPORT, _require_browser, open_queue, ticked, running
from tm_testutil import dump_db


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()

    from serve_project import build_project

    path = tmp_path_factory.mktemp("cbbrowser") / "project"
    project, _markup = build_project(path)
    with running(path, retrain_every=1000) as (base, app):
        yield base, project, app


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def wait_idle(app, seconds: float = 300) -> None:
    """Until the workbench runs no background retrain and has none queued."""
    bench = app.state.workbench
    deadline = time.monotonic() + seconds
    while (bench.retraining or bench.pool._work_queue.qsize()) and time.monotonic() < deadline:
        time.sleep(0.2)


def shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("TEXTMINE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=name.startswith("codebook"))


def submit(page, form: str) -> None:
    page.click(f"{form} button[type=submit]")
    page.locator("body[data-ready]").wait_for()


def test_merge_split_undo_in_the_browser(server, browser, tmp_path):
    base, project, app = server
    problems: list[str] = []
    # human codes to move: Anna and Bob coded four answers
    grid = project.grid("trots", "lmb")
    keys = grid.loc[~grid["non_answer"], "key"].tolist()[:4]
    project.save_answer_codes(keys[0], ["beleid"], "Anna")
    project.save_answer_codes(keys[1], ["fairtrade", "beleid"], "Bob")
    project.save_answer_codes(keys[2], ["evenementen"], "Anna")
    project.save_answer_codes(keys[3], ["sensibilisering", "evenementen"], "Bob")
    before = {k: project.answer(k) for k in keys}
    context, page = open_queue(browser, base, "Lea", problems)  # the name is asked once
    page.goto(f"{base}/c/lmb/trots")
    page.locator("body[data-ready] #cb-themes").wait_for()
    assert page.get_attribute("#theme-beleid", "data-human") == "2"
    shot(page, tmp_path, "codebook_start")

    # merge beleid into fairtrade
    page.select_option("#merge-source", "beleid")
    page.select_option("#merge-target", "fairtrade")
    submit(page, "#merge-form")
    page.locator("#done").wait_for()
    assert page.locator("#theme-beleid").count() == 0
    assert page.get_attribute("#theme-fairtrade", "data-human") == "2"
    assert "samengevoegd in" in page.inner_text("#versie-1")
    shot(page, tmp_path, "codebook_merged")
    for key, coder in ((keys[0], "Anna"), (keys[1], "Bob")):
        stored = project.answer(key)
        assert (stored["human"], stored["coder"]) == (["fairtrade"], coder)
        history = project.code_history("trots", key=key)
        moved = history[history["action"] == "added"]
        assert len(moved) == 1 and moved.iloc[0]["coder"] == coder and moved.iloc[0]["from_theme"] == "beleid"
        assert moved.iloc[0]["moved_by"] == "Lea"
        old = history[history["code_id"].isin([int(c) for c in moved.iloc[0]["from_code_ids"].strip("[]").split(",")])]
        assert set(old["status"]) == {"superseded"} and set(old["coder"]) == {coder}
    # the queue shows the moved code as the coder's
    page.goto(f"{base}/q/lmb/trots?key={keys[0]}")
    page.locator("body[data-ready] #queue").wait_for()
    assert ticked(page) == ["fairtrade"]

    # split evenementen: its answers go back to the queue with both new themes ticked
    page.goto(f"{base}/c/lmb/trots")
    page.select_option("#split-theme", "evenementen")
    page.fill("#split-a", "Markten en feesten")
    page.fill("#split-b", "Lezingen en debatten")
    submit(page, "#split-form")
    page.locator("#done").wait_for()
    assert page.locator("#theme-markten_feesten").count() == 1 and page.locator("#theme-evenementen").count() == 0
    page.goto(f"{base}/q/lmb/trots?key={keys[3]}")
    page.locator("body[data-ready] #queue").wait_for()
    assert sorted(ticked(page)) == ["lezingen_debatten", "markten_feesten", "sensibilisering"]
    assert "codeboekwijziging" in page.inner_text("#returned")
    shot(page, tmp_path, "queue_after_split")
    assert project.answer(keys[3])["human"] is None and project.answer(keys[0])["human"] == ["fairtrade"]

    # a bad change: the one line on the page, nothing stored
    page.goto(f"{base}/c/lmb/trots")
    wait_idle(app)  # the split's background retrain writes its codes first; then nothing may change
    stored = dump_db(project.path)
    page.fill("#add-label", "Nog een thema")
    page.fill("#add-id", "fairtrade")
    submit(page, "#add-form")
    assert "theme id 'fairtrade' already exists" in page.inner_text("#error")
    assert dump_db(project.path) == stored
    assert problems == ["Lea console error: Failed to load resource: the server responded with a status of 400 "
                        "(Bad Request)"]  # the page's own answer to the bad change, nothing else
    problems.clear()
    shot(page, tmp_path, "codebook_error")

    # undo the split, then the merge: codebook and codes exactly as before
    page.goto(f"{base}/c/lmb/trots")
    submit(page, "#undo-form")
    page.locator("#done").wait_for()
    assert "Versie 2 ongedaan gemaakt (gesplitst)" in page.inner_text("#done")
    assert "undone" in page.get_attribute("#versie-2", "class")
    submit(page, "#undo-form")
    page.locator("#done").wait_for()
    shot(page, tmp_path, "codebook_undone")
    assert page.locator("#theme-beleid").count() == 1 and page.locator("#undo").count() == 0
    for key in keys:
        now = project.answer(key)
        assert (now["human"], now["coder"]) == (before[key]["human"], before[key]["coder"]), key
    assert [h["kind"] for h in page.evaluate("fetch('/api/codebook/lmb/trots/history').then(r => r.json())")] == \
        ["merge", "split", "undo", "undo"]
    assert not project.code_history("trots").query("status == 'current' and action == 'added'").shape[0]

    # rename a theme in its edit form
    page.click("#theme-fairtrade details.edit summary")
    page.fill("#theme-fairtrade input[name=label]", "Eerlijke handel")
    submit(page, "#theme-fairtrade form")
    page.locator("#done").wait_for()
    assert page.inner_text("#theme-fairtrade .tlabel") == "Eerlijke handel"
    assert "hernoemd tot ‘Eerlijke handel’" in page.inner_text("#versie-5")
    shot(page, tmp_path, "codebook_renamed")
    context.close()

    # the background retrains code with the codebook the page shows (a change made while one ran
    # queues one more after it)
    bench = app.state.workbench
    current = project.codebook("trots")[1].hash
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with project.store() as store:
            latest = store.latest_code_provenance("lmb", "trots").get("codebook_hash")
        if latest == current and not bench.retraining and not bench.pool._work_queue.qsize():
            break
        time.sleep(0.2)
    assert bench.retrains, "no background retrain ran"
    versions = {project.codebook_version("trots", v).hash for v in range(6)}
    with project.store() as store:
        assert store.latest_code_provenance("lmb", "trots")["codebook_hash"] == project.codebook("trots")[1].hash
        runs = store.runs("code")
    ran = {r["result"]["run_id"] for r in bench.retrains}
    hashes = {json.loads(p)["codebook_hash"] for i, p in zip(runs["run_id"], runs["provenance_json"]) if i in ran}
    assert hashes <= versions and len(hashes) >= 2  # each retrain coded with the version of its time
    assert problems == []  # no script error, no CSP violation
