"""The workbench in a real browser: a uvicorn server on a free port, headless Debian chromium
driven by Playwright (never ``playwright install``). Keyboard coding, going back, two coders
at once; screenshots at 1366x768 in the test's tmp dir."""

from __future__ import annotations

import os
import socket
import threading
from contextlib import contextmanager
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TEXTMINE_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 768}


def _require_browser() -> None:
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} not installed (scripts/setup_browser.sh installs it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright not installed (pip install -e '.[dev]')"
    if missing:
        if os.environ.get("TEXTMINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{missing} and TEXTMINE_REQUIRE_BROWSER=1")
        pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(path, **settings):
    """``textmine serve``'s app on ``path`` under uvicorn in a thread, on a free loopback port:
    yields (base URL, app); the server stops on exit."""
    import uvicorn

    from textmine.serve import create_app

    port = free_port()
    app = create_app(path, host="127.0.0.1", port=port, **settings)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        srv.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    import uvicorn

    from serve_project import build_project
    from textmine.serve import create_app

    path = tmp_path_factory.mktemp("browser") / "project"
    project, _markup = build_project(path)
    with running(path, retrain_every=3) as (base, app):
        yield base, project, app


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def open_queue(browser, base: str, coder: str, problems: list[str]):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"{coder} console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{coder} pageerror: {e}"))
    page.goto(f"{base}/q/lmb/trots?order=uncertain")
    page.fill("#coder-name", coder)  # asked once ...
    page.click("button[type=submit]")
    page.locator("body[data-ready] #queue").wait_for()
    return context, page


def ticked(page) -> list[str]:
    # the order the coder ticked them (stored as the rank), as the page keeps it
    shown = page.eval_on_selector_all("#themes .theme.on", "els => els.map(e => e.dataset.theme)")
    chosen = (page.get_attribute("#queue", "data-chosen") or "").split()
    assert sorted(chosen) == sorted(shown)
    return chosen


def current_key(page) -> str:
    return page.get_attribute("#queue", "data-key")


def decide(page, keys: str) -> tuple[str, list[str]]:
    """Press the theme keys on the shown answer; returns its key and the themes ticked (before Enter)."""
    key = current_key(page)
    for k in keys:
        page.keyboard.press(k)
    return key, ticked(page)


def moved_on(page, old: str) -> None:
    page.locator(f'body[data-ready] #queue:not([data-key="{old}"]), body[data-ready] #done').first.wait_for(
        timeout=15000)


def expected(themes: list[str]) -> list[str]:
    rest = [t for t in themes if t != "overig"]
    return rest or ["overig"]


def test_keyboard_coding_back_and_change(server, browser, tmp_path):
    base, project, _app = server
    problems: list[str] = []
    context, page = open_queue(browser, base, "Anna", problems)
    page.screenshot(path=str(tmp_path / "queue.png"))
    page.keyboard.press("?")
    assert page.is_visible("#help")
    page.screenshot(path=str(tmp_path / "queue_help.png"))
    page.keyboard.press("?")
    assert not page.is_visible("#help")
    presses = ["1", "2", "", "o", "n", "12", "3", "1", "21", ""]
    decisions: dict[str, list[str]] = {}
    order: list[str] = []
    for keys in presses:
        key, themes = decide(page, keys)
        if keys == "o":
            assert themes == ["overig"]
        if keys == "n":
            assert themes == ["non_answer"]
        page.keyboard.press("Enter")
        moved_on(page, key)
        decisions[key] = expected(themes)
        order.append(key)
    assert len(decisions) == 10
    # Backspace: the last decision, shown as it was decided; change it
    page.keyboard.press("Backspace")
    page.locator(f'body[data-ready] #queue[data-key="{order[-1]}"]').wait_for()
    assert expected(ticked(page)) == decisions[order[-1]]
    page.keyboard.press("Backspace")  # and one further back
    page.locator(f'body[data-ready] #queue[data-key="{order[-2]}"]').wait_for()
    assert expected(ticked(page)) == decisions[order[-2]]
    key, themes = decide(page, "4")
    assert themes != decisions[key]  # "4" toggled a theme: the decision changed
    page.keyboard.press("Enter")
    moved_on(page, key)
    decisions[key] = expected(themes)
    page.screenshot(path=str(tmp_path / "queue_after.png"))
    context.close()
    for key, themes in decisions.items():
        stored = project.answer(key)
        assert (stored["human"], stored["coder"]) == (themes, "Anna"), key
    mine = project.recent_codes("trots", "Anna", "lmb")
    assert {r["key"] for r in mine} == set(decisions)
    assert problems == []  # no script error, no CSP violation


def test_two_coders_at_once_lose_nothing(server, browser, tmp_path):
    base, project, app = server
    problems: list[str] = []
    carla = "Carla D'Hondt"  # Flemish names have apostrophes: the coder page refused them once
    (c1, p1), (c2, p2) = open_queue(browser, base, "Bob", problems), open_queue(browser, base, carla, problems)
    decided: dict[str, dict[str, list[str]]] = {"Bob": {}, carla: {}}
    for i in range(6):
        k1, t1 = decide(p1, "1" if i % 2 else "2")
        k2, t2 = decide(p2, "3" if i % 2 else "")
        assert k1 != k2  # the answer on Bob's screen is not handed to Carla
        p1.keyboard.press("Enter")  # both decisions in flight together
        p2.keyboard.press("Enter")
        moved_on(p1, k1)
        moved_on(p2, k2)
        decided["Bob"][k1], decided[carla][k2] = expected(t1), expected(t2)
    p2.screenshot(path=str(tmp_path / "carla.png"))
    c1.close()
    c2.close()
    for coder, codes in decided.items():
        assert len(codes) == 6
        for key, themes in codes.items():
            stored = project.answer(key)
            assert (stored["human"], stored["coder"]) == (themes, coder), key
    assert not set(decided["Bob"]) & set(decided[carla])
    bench = app.state.workbench
    deadline = time.monotonic() + 20
    while bench.retraining and time.monotonic() < deadline:
        time.sleep(0.1)
    assert bench.retrains, "no background retrain ran"
    assert problems == []


def test_grid_filters_in_the_browser(server, browser, tmp_path):
    base, project, _app = server
    problems: list[str] = []
    context, page = open_queue(browser, base, "Dirk", problems)
    for _ in range(2):  # some human codes, whichever tests ran before
        answer = project.next_answer("trots", "lmb")
        project.save_answer_codes(answer["key"], ["beleid"], "Els")
    table = project.grid("trots", "lmb")
    page.goto(f"{base}/g/lmb/trots")
    assert page.locator("#grid tbody tr").count() == len(table)
    page.select_option("select[name=source]", "human")
    page.click("#filters button[type=submit]")
    page.locator("body[data-ready] #count").wait_for()
    human = set(table[table.source == "human"].key)
    assert human and {page.get_attribute(f"#grid tbody tr:nth-child({i + 1})", "data-key")
                      for i in range(page.locator("#grid tbody tr").count())} == human
    page.select_option("select[name=source]", "machine")
    page.fill("input[name=text]", "wereldwinkel")
    page.click("#filters button[type=submit]")
    page.locator("body[data-ready] #count").wait_for()
    hits = table[(table.source == "machine") & table.text.str.lower().str.contains("wereldwinkel")]
    assert page.locator("#grid tbody tr").count() == len(hits) > 0
    page.check("#select-all")  # our script ticks every row shown
    assert page.locator('#grid input[name="key"]:checked').count() == len(hits)
    page.screenshot(path=str(tmp_path / "grid.png"), full_page=False)
    page.click("#confirm-selected")
    page.locator("body[data-ready] #count").wait_for()
    for key in hits.key:
        assert project.answer(key)["coder"] == "Dirk"
    page.goto(f"{base}/")
    assert page.locator("#continue").count() == 1
    page.screenshot(path=str(tmp_path / "home.png"))
    page.goto(f"{base}/t/lmb/trots")
    page.locator("body[data-ready] #trust-themes").wait_for()
    page.screenshot(path=str(tmp_path / "trust.png"))
    context.close()
    assert problems == []
