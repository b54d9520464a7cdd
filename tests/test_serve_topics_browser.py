"""Topics in a real browser (issue 15 points 2 and 5): start a topics run from the page and watch it
finish (the page refreshes itself), promote a topic to a theme, and find its answers in the queue
with the new theme ticked. Debian's chromium driven by Playwright, as tests/test_serve_browser.py;
screenshots at 1366x768 in the test's tmp dir (or TEXTMINE_SCREENSHOTS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_serve_browser import CHROMIUM, _require_browser, open_queue, ticked, running


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()

    from serve_project import build_project

    path = tmp_path_factory.mktemp("topicsbrowser") / "project"
    project, _markup = build_project(path)
    with running(path, retrain_every=1000) as (base, app):
        yield base, project


def shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("TEXTMINE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def test_run_topics_then_promote_one_and_code_its_answer(server, tmp_path):
    from playwright.sync_api import sync_playwright

    base, project = server
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context, page = open_queue(browser, base, "Lea", problems)
        page.goto(f"{base}/topics/lmb/trots")
        page.locator("body[data-ready]").wait_for()
        assert "Nog geen onderwerpen gezocht" in page.inner_text("#run")
        page.click("#run-topics")
        # the page refreshes itself every 2 s while the run goes on, then shows the topics
        page.locator("#all-topics, #new-topics").first.wait_for(timeout=300_000)
        shot(page, tmp_path, "topics-run")
        run = project.topic_run("trots", "lmb")
        assert run is not None
        cards = page.eval_on_selector_all("article.topic", "els => els.map(e => e.dataset.topic)")
        assert sorted(map(int, cards)) == sorted(t["id"] for t in run["topics"])
        topic = max(run["topics"], key=lambda t: t["size"])
        card = page.locator(f"#topic-{topic['id']}")
        card.locator("input[name=label]").fill("Samen met scholen")
        card.locator("button.promote").click()
        page.locator("#change-done").wait_for()
        shot(page, tmp_path, "topics-promoted")
        state = project.codebook_state("trots", "lmb")
        theme = next(t for t in state["themes"] if t["label"] == "Samen met scholen")
        assert project.codebook_history("trots", "lmb")["kind"].iloc[-1] == "promote"
        # one of its answers, opened from the queue: the new theme is ticked
        with project.store() as store:
            m = store.topic_members(run["run_id"])
        m = m[m["topic_id"] == topic["id"]]
        key = f"lmb:{m['wave'].iloc[0]}:trots:{m['respondent_id'].iloc[0]}"
        page.goto(f"{base}/q/lmb/trots?key={key}")
        page.locator("body[data-ready] #queue").wait_for()
        assert theme["id"] in ticked(page)
        shot(page, tmp_path, "topics-queue")
        context.close()
        browser.close()
    assert not problems, problems
