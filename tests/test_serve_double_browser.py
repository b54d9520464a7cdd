"""Blind double coding in a real browser (issue 15 point 5): staff draw a sample in one browser
context, a second coder codes it blind with the keyboard in another while the staff page's
agreement follows live, then the differences are reconciled by clicking. Screenshots at 1366x768
in the test's tmp dir (or in $TEXTMINE_SHOTS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_serve_browser import VIEWPORT, _require_browser, browser, running  # noqa: F401 (browser: a fixture)

Q = "trots"
FIRST = "Anna"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()

    from serve_project import build_project

    path = tmp_path_factory.mktemp("double_browser") / "project"
    project, _markup = build_project(path)  # machine-coded: the blind page must not show its calls either
    first: dict[str, list[str]] = {}
    for i in range(8):  # Anna's first coding: beleid on even answers, fairtrade on odd ones
        answer = project.next_answer(Q, "lmb")
        first[answer["key"]] = ["beleid"] if i % 2 == 0 else ["fairtrade"]
        project.save_answer_codes(answer["key"], first[answer["key"]], FIRST)
    with running(path, retrain_every=1000) as (base, app):
        yield base, project, first


def shots(tmp_path: Path) -> Path:
    out = Path(os.environ.get("TEXTMINE_SHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out


def watch(page, who: str, problems: list[str]) -> None:
    page.on("console", lambda m: problems.append(f"{who} console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{who} pageerror: {e}"))


def name(page, coder: str) -> None:
    page.fill("#coder-name", coder)
    page.click("button[type=submit]")


def test_double_code_a_sample_with_two_browsers_and_reconcile(server, browser, tmp_path):
    base, project, first = server
    out = shots(tmp_path)
    problems: list[str] = []
    staff_ctx, bram_ctx = browser.new_context(viewport=VIEWPORT), browser.new_context(viewport=VIEWPORT)
    staff, bram = staff_ctx.new_page(), bram_ctx.new_page()
    watch(staff, "staff", problems)
    watch(bram, "Bram", problems)

    # the staff draw a sample of 6 of Anna's 8 answers, seeded
    staff.goto(f"{base}/d/lmb/{Q}")
    staff.fill("#double-size", "6")
    staff.fill("#double-seed", "42")
    staff.screenshot(path=str(out / "double_start.png"))
    staff.click("#double-go")
    staff.locator("body[data-double-ready] #double-state").wait_for()
    assert staff.text_content("#double-coded") == "0"
    sample = project.double_coding(Q, "lmb")["sample"]
    assert (sample["size"], sample["population"], sample["seed"]) == (6, 8, 42)

    # Bram codes blind: beleid (key 4) on every answer; he never sees Anna's codes nor the machine's
    bram.goto(f"{base}/d/lmb/{Q}/code")
    name(bram, "Bram")
    given: dict[str, list[str]] = {}
    for i in range(6):
        box = bram.locator("body[data-double-ready] #double-code")
        box.wait_for()
        key = box.get_attribute("data-key")
        assert key in first and key not in given
        html = bram.content()
        assert FIRST not in html and "score" not in html and "al gecodeerd" not in html
        assert bram.locator("#double-themes .theme.on").count() == 0  # nothing ticked for him
        if i == 0:
            bram.screenshot(path=str(out / "double_blind.png"))
        if i == 2:  # Backspace: his previous answer, as he coded it; Enter keeps it and moves on
            previous = list(given)[-1]
            bram.keyboard.press("Backspace")
            bram.locator(f'body[data-double-ready] #double-code[data-key="{previous}"]').wait_for()
            assert bram.get_attribute("#double-code", "data-chosen") == "beleid"
            assert bram.locator("#double-themes .theme.on").count() == 1
            bram.screenshot(path=str(out / "double_back.png"))
            bram.keyboard.press("Enter")
            bram.locator(f'body[data-double-ready] #double-code[data-key="{key}"]').wait_for(timeout=15000)
        bram.keyboard.press("4")
        assert bram.get_attribute("#double-code", "data-chosen") == "beleid"
        bram.keyboard.press("Enter")
        bram.locator(f'body[data-double-ready] #double-code:not([data-key="{key}"]), '
                     'body[data-double-ready] #double-done').first.wait_for(timeout=15000)
        given[key] = ["beleid"]
        # the staff page follows without a reload
        staff.locator(f'#double-state[data-coded="{i + 1}"]').wait_for(timeout=15000)
    assert bram.is_visible("#double-done")
    bram.screenshot(path=str(out / "double_done.png"))

    agreement = project.agreement(Q, "lmb")
    assert agreement["answers"] == 6 and agreement["second_coders"] == ["Bram"]
    staff.locator(f'#agree-answers:text-is("6")').wait_for(timeout=15000)
    assert (staff.text_content("#agree-first"), staff.text_content("#agree-second")) == (FIRST, "Bram")
    kappa = agreement["pooled"]["kappa"]
    assert staff.text_content("#agree-kappa") == ("—" if kappa is None else f"{kappa:.2f}")
    assert staff.text_content("#agree-alpha") == f"{agreement['pooled']['alpha']:.2f}"
    beleid = next(t for t in agreement["themes"] if t["theme"] == "beleid")
    row = staff.locator('#agree-themes tr[data-theme="beleid"]')
    assert row.locator('[data-f="second"]').text_content() == "6"
    assert row.locator('[data-f="first"]').text_content() == str(beleid["first"])
    staff.screenshot(path=str(out / "double_agreement.png"), full_page=True)

    # reconcile: Cas follows Bram on the first difference, makes his own call on the second
    differ = [k for k in given if first[k] != ["beleid"]]
    assert len(differ) == project.double_coding(Q, "lmb")["differences"] >= 2
    staff.goto(f"{base}/d/lmb/{Q}/reconcile")
    name(staff, "Cas")
    cards = staff.locator("body[data-double-ready] article.reconcile")
    cards.first.wait_for()
    assert cards.count() == len(differ)
    staff.screenshot(path=str(out / "double_reconcile.png"), full_page=True)
    one, two = cards.nth(0), cards.nth(1)
    k1, k2 = one.get_attribute("data-key"), two.get_attribute("data-key")
    assert "Anna" in one.text_content() and "Bram" in one.text_content()
    one.locator(".take-second").click()
    staff.locator(f'article.reconcile.done[data-key="{k1}"]').wait_for()
    two.locator('.choose input[value="fairtrade"]').check()
    two.locator('.choose input[value="evenementen"]').check()
    two.locator(".save-final").click()
    staff.locator(f'article.reconcile.done[data-key="{k2}"]').wait_for()
    assert two.get_attribute("data-chosen") == "fairtrade evenementen"
    staff.screenshot(path=str(out / "double_reconciled.png"), full_page=True)
    staff_ctx.close()
    bram_ctx.close()

    # stored: the final calls as Cas's human codes, both originals kept, the agreement unchanged
    assert project.answer(k1)["human"] == ["beleid"] and project.answer(k1)["coder"] == "Cas"
    assert project.answer(k2)["human"] == ["fairtrade", "evenementen"]
    with project.store() as store:
        sid = store.double_sample("lmb", Q)["sample_id"]
        recs = {r["respondent_id"]: r for r in store.double_reconciliations(sid)}
        seconds = store.double_codes(sid)
        anna = store.codes("lmb", None, Q, source="human")
    for k in (k1, k2):
        rid = project.parse_key(k)[3]
        r = recs[rid]
        assert (r["first_coder"], r["first_themes"], r["second_coder"], r["second_themes"]) == \
            (FIRST, first[k], "Bram", ["beleid"])
        still = anna[(anna.respondent_id == rid) & (anna.coder == FIRST)]
        assert sorted(still[still.applies == 1].theme) == first[k]  # Anna's code still current
    assert len(seconds) == 7  # 6 answers, one of them confirmed again after going back: every code kept
    assert len({c["respondent_id"] for c in seconds}) == 6
    assert project.agreement(Q, "lmb") == agreement
    state = project.double_coding(Q, "lmb")
    assert state["reconciled"] == 2
    assert problems == []  # no script error, no CSP violation
