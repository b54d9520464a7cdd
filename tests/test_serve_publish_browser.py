"""Curate and publish in a real browser (headless Debian chromium driven by Playwright, as
tests/test_serve_browser.py): three practices curated on the page, the catalogue built from the
page, the written file the same as the preview the browser shows; a wave uploaded from the page.
Screenshots at 1366x768 in the test's tmp dir."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from test_serve_browser import CHROMIUM, VIEWPORT, _require_browser, running
from tm_testutil import REPO

SAMPLE_2022 = REPO / "data" / "sample" / "lmb_2022_SYNTHETIC.csv"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()

    from serve_project import build_project

    path = tmp_path_factory.mktemp("publish_browser") / "project"
    project, _markup = build_project(path)
    with running(path) as (base, app):
        yield base, project, path


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser, url: str, problems: list[str]):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text} ({m.location.get('url')})")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.goto(url)
    return context, page


def shown_row(page, pid: str) -> dict:
    """What the curation table shows for a practice."""
    row = page.locator(f"tr#{pid}")
    return {"include": row.locator(".include").is_checked(), "title": row.locator(".title").input_value(),
            "highlight": row.locator(".highlight").is_checked()}


def painted(frame) -> None:
    """Wait until the preview frame has painted (it renders in its own process: a screenshot
    taken at once can show it blank)."""
    frame.locator("body").evaluate("b => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def saved(page, pid: str, n: int) -> None:
    page.locator(f"tr#{pid} .saved.ok").wait_for()
    page.wait_for_function("n => document.querySelectorAll('#practices .saved.ok').length >= n", arg=n)


def test_curate_three_and_build_the_catalogue(server, browser, tmp_path):
    base, project, path = server
    problems: list[str] = []
    practices = project.catalogue_practices("trots", "lmb")
    first_theme = [p for p in practices if p["main_theme"] == practices[0]["main_theme"]]
    highlight = first_theme[-1]  # the last of its theme: highlighting moves it first
    exclude, retitle = [p for p in practices if p["id"] != highlight["id"]][:2]
    context, page = open_page(browser, f"{base}/publish/catalogue/lmb/trots", problems)
    assert page.locator("#practices tr.practice").count() == len(practices)

    page.locator(f"tr#{exclude['id']} .include").uncheck()
    saved(page, exclude["id"], 1)
    page.locator(f"tr#{retitle['id']} .title").fill("Fietsen voor Burkina Faso")
    page.locator(f"tr#{retitle['id']} .title").press("Tab")  # the change event saves it
    saved(page, retitle["id"], 2)
    page.locator(f"tr#{highlight['id']} .highlight").check()
    saved(page, highlight["id"], 3)
    assert page.locator("#n-included").inner_text() == str(len(practices) - 1)
    assert page.locator("#n-highlight").inner_text() == "1"
    page.screenshot(path=str(tmp_path / "curation.png"))

    # what the browser shows after a reload is what the project stored
    page.reload()
    shown = {p["id"]: shown_row(page, p["id"]) for p in (exclude, retitle, highlight)}
    assert shown == {exclude["id"]: {"include": False, "title": "", "highlight": False},
                     retitle["id"]: {"include": True, "title": "Fietsen voor Burkina Faso", "highlight": False},
                     highlight["id"]: {"include": True, "title": "", "highlight": True}}
    stored = {(r["respondent_id"], r["included"], r["title"], r["highlight"])
              for r in project.catalogue_practices("trots", "lmb") if r["curation"] == "applied"}
    assert stored == {(exclude["respondent_id"], False, None, False),
                      (retitle["respondent_id"], True, "Fietsen voor Burkina Faso", False),
                      (highlight["respondent_id"], True, None, True)}

    page.click("#build-catalogue")
    page.locator('#jobs tr[data-kind="catalogue"] .state.done').wait_for(timeout=120000)
    page.locator("#preview.on").wait_for()
    frame = page.frame_locator("#preview-frame")
    frame.locator("article").first.wait_for()
    frame.locator("h1").wait_for()
    page.locator("#preview").scroll_into_view_if_needed()
    painted(frame)
    page.screenshot(path=str(tmp_path / "catalogue_preview.png"))
    # the preview, as the browser renders it
    ids = frame.locator("article").evaluate_all("els => els.map(e => e.id)")
    headings = dict(zip(ids, frame.locator("article h3").all_inner_texts()))
    highlighted = frame.locator("article.highlight").evaluate_all("els => els.map(e => e.id)")
    # ... and the file the button wrote
    written = (path / "output" / "catalogus_lmb_trots.html").read_text(encoding="utf-8")
    file_ids = re.findall(r'<article [^>]*id="([^"]+)"', written)
    assert ids == file_ids and len(ids) == len(practices) - 1
    assert exclude["id"] not in ids and exclude["id"] not in written
    assert headings[retitle["id"]] == "Fietsen voor Burkina Faso"
    assert re.search(rf'id="{retitle["id"]}"[^>]*>\s*<h3>Fietsen voor Burkina Faso</h3>', written)
    assert highlighted == [highlight["id"]]
    assert re.search(rf'class="practice highlight" id="{highlight["id"]}"', written)
    section = frame.locator(f"section:has(article#{highlight['id']}) article").first.get_attribute("id")
    assert section == highlight["id"]  # first of its theme
    # the catalogue's own filters run inside the sandboxed frame
    frame.locator("input[type=search]").fill("Burkina")
    frame.locator(f"article#{retitle['id']}").wait_for()
    assert frame.locator("article:visible").count() >= 1
    frame.locator(f"article#{retitle['id']}").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "catalogue_preview_search.png"))
    context.close()
    assert problems == []


def test_publish_page_jobs_and_upload(server, browser, tmp_path):
    base, project, path = server
    problems: list[str] = []
    context, page = open_page(browser, f"{base}/publish", problems)
    # the report of a project whose other questions are not coded yet: the one-line error, shown
    page.click("#make-report-lmb")
    page.locator('#jobs tr[data-kind="report"] .state.failed').wait_for(timeout=120000)
    error = page.locator('#jobs tr[data-kind="report"] .result').inner_text()
    assert "answers not cleaned and coded yet" in error and "\n" not in error
    assert not (path / "output" / "rapport_lmb.html").exists()
    # with "eerst opschonen en coderen": written, and previewed on the page as written
    page.check('form[data-kind="report"] input[name=prepare]')
    page.click("#make-report-lmb")
    page.locator('#jobs tr[data-kind="report"] .state.done').wait_for(timeout=300000)
    frame = page.frame_locator("#preview-frame")
    frame.locator("h1").first.wait_for()
    written = (path / "output" / "rapport_lmb.html").read_text(encoding="utf-8")
    text = lambda h: " ".join(html.unescape(re.sub(r"<[^>]+>", "", h)).split())  # noqa: E731
    assert frame.locator("h1").first.inner_text() == text(re.search(r"<h1[^>]*>(.*?)</h1>", written, re.S).group(1))
    assert [" ".join(t.split()) for t in frame.locator("h2").all_inner_texts()] == \
        [text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", written, re.S)]
    page.locator("#preview").scroll_into_view_if_needed()
    painted(frame)
    page.screenshot(path=str(tmp_path / "report_preview.png"))
    # a bad export: the ingest's one line on the page, nothing stored
    bad = tmp_path / "lmb_2026.csv"
    raw = SAMPLE_2022.read_bytes().decode("cp1252")
    header, rest = raw.split("\n", 1)
    bad.write_bytes((header.replace("Gemeente", "Gemeent", 1) + "\n" + rest).encode("cp1252"))
    page.fill("#upload input[name=wave]", "2026")
    page.set_input_files("#upload input[name=file]", str(bad))
    page.click("#upload-button")
    page.locator("#upload-status.bad").wait_for()
    assert page.locator("#upload-status").inner_text() == (
        'lmb_2026.csv, row 1, column "Gemeente": the unit column is not in the export (did you mean "Gemeent"?)')
    page.screenshot(path=str(tmp_path / "upload_error.png"))
    assert list(project.waves().wave) == ["2025"]
    # the 2022 export: a wave added
    page.fill("#upload input[name=wave]", "2022")
    page.set_input_files("#upload input[name=file]", str(SAMPLE_2022))
    page.click("#upload-button")
    page.locator("#upload-status.ok").wait_for(timeout=60000)
    waves = project.waves().set_index("wave")
    assert list(waves.index) == ["2022", "2025"]
    assert page.locator("#upload-status").inner_text().startswith(
        f"Ingelezen: lmb ronde 2022, {waves.loc['2022', 'respondents']} respondenten")
    page.reload()
    page.click("#make-compare-lmb")  # 2022 against 2025, as the page offers
    page.locator('#jobs tr[data-kind="compare"] .state.done').wait_for(timeout=60000)
    assert page.locator('#jobs tr[data-kind="compare"] .result').inner_text() == "vergelijking_lmb_2022_2025.csv"
    assert (path / "output" / "vergelijking_lmb_2022_2025.csv").is_file()
    page.locator("#files td", has_text="vergelijking_lmb_2022_2025.csv").wait_for()
    page.screenshot(path=str(tmp_path / "publish.png"), full_page=True)
    context.close()
    # the refused upload's 400 is the one the browser logs; nothing else went wrong
    assert [p for p in problems if "status of 400" not in p or "/api/waves" not in p] == []
    assert len(problems) == 1
