"""Blind double coding (issue 15 point 3): the seeded sample, the agreement figures against values
worked out by hand, blindness, reconciliation keeping both originals, bad input, the JSON API, and
the same figures in ``Project.trust``, the report's trust section and ``textmine evaluate``.

The project: the sample's LMB 2025 wave; ten answers of ``trots`` coded by Zelda (beleid on the first
four, fairtrade on the sixth, nothing on the rest), all ten drawn (share 1.0), Bo codes them
blind: beleid on answers 0, 1, 2, 4, fairtrade on 5 and 6.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from starlette.testclient import TestClient

from textmine import InputError, Project
from textmine.double_coding import RECONCILED_NOTE, draw
from tm_testutil import REPO

SAMPLE = REPO / "data" / "sample" / "lmb_2025_SYNTHETIC.csv"
LMB = REPO / "data" / "schemas" / "lmb.yaml"
Q, B, F = "trots", "beleid", "fairtrade"
BASE = "http://127.0.0.1:8765"

# Worked by hand (n = 10 answers, two coders, presence/absence per theme):
# beleid: both yes 3, Zelda only 1, Bo only 1, both no 5: p_o = .8, p_e = .4*.4 + .6*.6 = .52,
#   kappa = (.8 - .52) / .48 = 7/12; alpha (binary) = 1 - (20 - 1) * 2 / (12 * 8) = 58/96.
# fairtrade: both yes 1, Bo only 1, both no 8: p_o = .9, p_e = .1*.2 + .9*.8 = .74,
#   kappa = .16 / .26 = 8/13; alpha = 1 - 19 * 1 / (17 * 3) = 32/51.
# pooled alpha over 60 (answer, theme) units, 120 values, 11 ones, 3 disagreements:
#   1 - 119 * 3 / (109 * 11) = 842/1199; mean kappa (7/12 + 8/13) / 2.
KAPPA_B, ALPHA_B = 7 / 12, 58 / 96
KAPPA_F, ALPHA_F = 8 / 13, 32 / 51
ALPHA_ALL, KAPPA_MEAN = 842 / 1199, (7 / 12 + 8 / 13) / 2


def first_themes(i: int) -> list[str]:
    return [B] if i < 4 else [F] if i == 5 else []


def second_themes(i: int) -> list[str]:
    return [B] if i in (0, 1, 2, 4) else [F] if i in (5, 6) else []


def build(path) -> tuple[Project, list[str]]:
    project = Project(path)
    export = pd.read_csv(SAMPLE, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    project.ingest(export, LMB, "2025")
    keys: list[str] = []
    for _ in range(10):
        keys.append(project.next_answer(Q, skip=keys)["key"])
    for i, k in enumerate(keys):
        project.save_answer_codes(k, first_themes(i), "Zelda")
    return project, keys


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> dict[str, Any]:
    """The sample drawn and double-coded by Bo (through the facade), nothing reconciled."""
    project, keys = build(tmp_path_factory.mktemp("double") / "p")
    project.start_double_coding(Q, share=1.0, seed=11, coder="Staf")
    seen = []
    while (a := project.double_coding_next(Q, "Bo")) is not None:
        seen.append(a)
        project.save_double_code(a["key"], second_themes(keys.index(a["key"])), "Bo")
    return {"project": project, "keys": keys, "seen": seen}


def test_sample_is_seeded_stored_and_repeatable(tmp_path):
    project, keys = build(tmp_path / "p")
    state = project.start_double_coding(Q, size=4, seed=5, coder="Staf")
    assert state["sample"] | {"created_at": None} == {"size": 4, "population": 10, "seed": 5, "created_by": "Staf",
                                                      "created_at": None}
    order = []
    while (a := project.double_coding_next(Q, "Bo")) is not None:
        order.append(a["key"])
        project.save_double_code(a["key"], [], "Bo")
    pool = [tuple(project.parse_key(k)[1:4:2]) for k in keys]
    assert [tuple(project.parse_key(k)[1:4:2]) for k in order] == draw(pool, 4, 5)  # drawn order, reproducible
    assert draw(pool, 4, 5) != draw(pool, 4, 6)
    # a share is rounded up; a random seed is chosen and stored when none is given
    other, _ = build(tmp_path / "q")
    s = other.start_double_coding(Q, share=0.25)["sample"]
    assert s["size"] == 3 and isinstance(s["seed"], int)


def test_agreement_matches_hand_worked_figures(coded):
    project = coded["project"]
    ag = project.agreement(Q)
    by = {t["theme"]: t for t in ag["themes"]}
    assert ag["answers"] == 10 and ag["size"] == 10
    assert ag["first_coders"] == ["Zelda"] and ag["second_coders"] == ["Bo"]
    assert (by[B]["first"], by[B]["second"], by[F]["first"], by[F]["second"]) == (4, 4, 1, 2)
    assert by[B]["kappa"] == pytest.approx(KAPPA_B) and by[B]["alpha"] == pytest.approx(ALPHA_B)
    assert by[F]["kappa"] == pytest.approx(KAPPA_F) and by[F]["alpha"] == pytest.approx(ALPHA_F)
    assert by["evenementen"]["kappa"] is None and by["evenementen"]["alpha"] is None  # nobody used it
    assert all(t["answers"] == 10 for t in ag["themes"])
    assert ag["pooled"]["alpha"] == pytest.approx(ALPHA_ALL) and ag["pooled"]["kappa"] == pytest.approx(KAPPA_MEAN)
    assert ag["pooled"]["agree"] == pytest.approx(0.7)
    state = project.double_coding(Q)
    assert (state["coded"], state["complete"], state["differences"], state["reconciled"]) == (10, True, 3, 0)


def test_agreement_updates_as_codes_arrive(tmp_path):
    project, keys = build(tmp_path / "p")
    project.start_double_coding(Q, share=1.0, seed=3)
    assert project.agreement(Q)["answers"] == 0 and project.agreement(Q)["pooled"]["alpha"] is None
    counts = []
    while (a := project.double_coding_next(Q, "Bo")) is not None:
        project.save_double_code(a["key"], second_themes(keys.index(a["key"])), "Bo")
        counts.append(project.agreement(Q)["answers"])
    assert counts == list(range(1, 11))
    assert project.agreement(Q)["pooled"]["alpha"] == pytest.approx(ALPHA_ALL)


def test_trust_report_and_evaluate_show_the_same_agreement(coded):
    from textmine.agreement import ALL_THEMES, evaluate_question
    from textmine.report.blocks import trust as trust_block

    project = coded["project"]
    ag = project.agreement(Q)
    t = project.trust(Q).set_index("theme")
    assert t.attrs["coders"] == ["Zelda", "Bo"]
    assert t.loc[ALL_THEMES, "alpha_coders"] == pytest.approx(ALPHA_ALL)
    assert t.loc[ALL_THEMES, "kappa_coders"] == pytest.approx(KAPPA_MEAN)
    assert t.loc[B, "alpha_coders"] == pytest.approx(ALPHA_B) and t.loc[F, "kappa_coders"] == pytest.approx(KAPPA_F)
    assert (t["answers_coders"] == 10).all()
    # the report's "Betrouwbaarheid van de codes": Dutch, the figures, no coder names
    html = trust_block(project.trust(Q))
    text = re.sub(r"<[^>]+>", " ", html)
    assert "Dubbele codering: een willekeurige steekproef van 10 van de 10 door een medewerker" in text
    assert "Op de 10 dubbel gecodeerde antwoorden: Cohens kappa 0,60 (gemiddeld over de thema’s) en " \
           "Krippendorffs alfa 0,70" in text
    assert "3 antwoorden verschilden; daarvan zijn er 0 afgestemd" in text
    assert not {"Zelda", "Bo", "Staf"} & set(re.findall(r"\b\w+\b", text))
    # textmine evaluate: the same function's figures (a stub coder: the cross-validation is not the point)
    with project.store() as store:
        out = evaluate_question(store, Q, factory=lambda cb, emb: Stub(cb.ids))
    assert out["double_coding"] == ag
    assert out["human_vs_human"]["coders"] == ["Zelda", "Bo"] and out["human_vs_human"]["answers"] == 10
    assert out["human_vs_human"]["alpha"] == pytest.approx(ALPHA_ALL)
    from rich.console import Console

    from textmine.render import evaluation_view

    console = Console(width=200, record=True)
    console.print(evaluation_view(out))
    shown = console.export_text()
    assert "blind double coding (10 of the sample's 10 answers coded twice): mean kappa 0.60, alpha 0.70" in shown
    assert "beleid: kappa 0.58, alpha 0.60 (10 answers)" in shown


class Stub:
    """A coder that codes nothing (evaluate's cross-validation needs one; no model)."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def fit(self, X: list[Any], Y: Any = None) -> "Stub":
        return self

    def score_and_code(self, X: list[Any]) -> tuple[np.ndarray, list[list[str]]]:
        return np.zeros((len(X), len(self.ids))), [[] for _ in X]

    def predict_proba(self, X: list[Any]) -> np.ndarray:
        return np.zeros((len(X), len(self.ids)))

    def predict(self, X: list[Any]) -> np.ndarray:
        return np.zeros((len(X), len(self.ids)), dtype=int)


ALLOWED = {"key", "survey", "question", "wave", "respondent_id", "text", "municipality", "province", "themes",
           "mine", "previous", "coded", "size", "remaining"}
PER_ANSWER = ("key", "wave", "respondent_id", "text", "municipality", "province", "coded", "remaining",
              "previous")


def test_second_coder_never_sees_the_first_coding(coded):
    seen = coded["seen"]
    book_themes = seen[0]["themes"]
    for a in seen:
        assert set(a) <= ALLOWED  # no human, coder, suggestions, scores
        assert a["mine"] is None and a["themes"] == book_themes  # the codebook only, the same for every answer
        assert "Zelda" not in json.dumps(a)
    # answers coded differently by Zelda look the same to Bo, apart from the answer itself
    differ = [a for a in seen if first_themes(coded["keys"].index(a["key"])) == [B]][0]
    none = [a for a in seen if not first_themes(coded["keys"].index(a["key"]))][0]
    strip = (lambda a: {k: v for k, v in a.items() if k not in PER_ANSWER})
    assert strip(differ) == strip(none)


def test_blind_page_and_api_hold_no_first_codes(tmp_path):
    """Through the workbench: Bo's coding page and next API, on a machine-coded project."""
    from textmine.serve import create_app

    project, keys = build(tmp_path / "p")
    project.start_double_coding(Q, share=1.0, seed=2)
    c = TestClient(create_app(tmp_path / "p", project=project), base_url=BASE, follow_redirects=False)
    c.cookies.set("textmine_coder", "Bo")
    html_pages, answers = [], []
    token = None
    while True:
        res = c.get(f"/api/double/lmb/{Q}/next")
        token = token or c.cookies["csrftoken"]
        a = res.json()
        if a is None:
            break
        answers.append(a)
        page = c.get(f"/d/lmb/{Q}/code?key={a['key']}").text
        html_pages.append((a, page))
        r = c.post("/api/double/codes", json={"key": a["key"], "themes": [F] if len(answers) % 2 else []},
                   headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text
    assert len(answers) == 10
    for a, page in html_pages:
        assert set(a) <= ALLOWED and "Zelda" not in json.dumps(a)
        assert not re.search(r"\bZelda\b", re.sub(r"<[^>]+>", " ", page))
        assert "al gecodeerd" not in page and "score" not in page
        assert 'class="theme on"' not in page  # nothing ticked: no first code, no machine call shown
    # the pages differ only by the answer itself (its card and key)
    def neutral(page: str) -> str:
        page = re.sub(r'<article class="answer card">.*?</article>', "", page, flags=re.S)
        page = re.sub(r'<a id="double-back".*?</a>', "", page, flags=re.S)
        return re.sub(r'data-key="[^"]*"', "", page)
    pages = {neutral(p) for _a, p in html_pages}
    assert len(pages) == 1


def test_second_coder_can_go_back_until_the_sample_is_complete(tmp_path):
    project, keys = build(tmp_path / "p")
    project.start_double_coding(Q, size=3, seed=8)
    a = project.double_coding_next(Q, "Bo")
    assert a["previous"] is None
    project.save_double_code(a["key"], [F, B], "Bo")
    b = project.double_coding_next(Q, "Bo")
    assert b["previous"] == a["key"]
    again = project.double_coding_answer(a["key"], "Bo")
    assert again["mine"] == [F, B] and again["text"] == a["text"]
    project.save_double_code(a["key"], [B], "Bo")  # changed: the latest counts
    assert project.double_coding_answer(a["key"], "Bo")["mine"] == [B]
    with pytest.raises(InputError, match="Zelda coded answer"):
        project.double_coding_answer(a["key"], "Zelda")
    project.save_double_code(b["key"], [], "Bo")
    c = project.double_coding_next(Q, "Bo")
    project.save_double_code(c["key"], [], "Bo")
    with pytest.raises(InputError, match="the second codes are final"):
        project.double_coding_answer(a["key"], "Bo")
    with project.store() as store:
        assert len(store.double_codes(store.double_sample("lmb", Q)["sample_id"])) == 4  # the change kept too


def test_reconciliation_keeps_both_originals(coded, tmp_path):
    project, keys = coded["project"], coded["keys"]
    items = project.disagreements(Q)
    got = {keys.index(d["key"]): (d["first_themes"], d["second_themes"]) for d in items}
    assert got == {3: ([B], ["overig"]), 4: (["overig"], [B]), 6: (["overig"], [F])}
    assert all(d["first_coder"] == "Zelda" and d["second_coder"] == "Bo" and d["final_themes"] is None for d in items)
    before = project.agreement(Q)
    k3, k4 = keys[3], keys[4]
    out = project.reconcile(k4, [B], "Cas")  # Cas follows Bo
    assert out == {"key": k4, "final_themes": [B], "decided_by": "Cas", "first_themes": ["overig"],
                   "second_themes": [B]}
    project.reconcile(k3, [], "Zelda")  # Zelda herself changes her mind: her original stays kept
    with project.store() as store:
        codes = store.codes("lmb", None, Q, status=None)
        recs = store.double_reconciliations(store.double_sample("lmb", Q)["sample_id"])
        second = store.double_codes(store.double_sample("lmb", Q)["sample_id"])
    _s, w3, _q, r3 = project.parse_key(k3)
    an3 = codes[(codes.respondent_id == r3) & (codes.coder == "Zelda")]
    assert set(an3[an3.note.isna()].status) == {"superseded"}  # kept as history
    assert an3[(an3.note.isna()) & (an3.theme == B)].applies.tolist() == [1]
    assert set(an3[an3.note == RECONCILED_NOTE].status) == {"current"}
    _s, w4, _q, r4 = project.parse_key(k4)
    an4 = codes[(codes.respondent_id == r4) & (codes.coder == "Zelda") & (codes.status == "current")]
    assert len(an4) == 6 and not an4.applies.any()  # Zelda's original of answer 4 untouched, still current
    assert [(r["respondent_id"], r["first_themes"], r["second_themes"], r["final_themes"], r["decided_by"])
            for r in recs] == [(r4, ["overig"], [B], [B], "Cas"), (r3, [B], ["overig"], ["overig"], "Zelda")]
    assert len(second) == 10  # Bo's codes all kept
    # the final call is what every reader now uses; the agreement is still the two independent codings'
    assert project.answer(k4)["human"] == [B] and project.answer(k3)["human"] == ["overig"]
    assert project.agreement(Q) == before
    state = project.double_coding(Q)
    assert (state["differences"], state["reconciled"]) == (3, 2)
    again = project.reconcile(k4, [F], "Cas")  # may be made again: the latest counts
    assert again["final_themes"] == [F] and project.answer(k4)["human"] == [F]
    assert {d["key"]: d["final_themes"] for d in project.disagreements(Q)}[k4] == [F]


@pytest.mark.parametrize("kwargs, message", [
    ({}, "give the sample's size (answers) or its share (0-1), one of the two"),
    ({"size": 3, "share": 0.5}, "one of the two"),
    ({"size": 0}, "the sample's size must be a whole number of answers, 1 or more (not 0)"),
    ({"size": "5"}, "the sample's size must be a whole number"),
    ({"share": 0}, "the sample's share must be a number above 0 and at most 1 (not 0)"),
    ({"share": 1.5}, "at most 1"),
    ({"size": 11}, "a sample of 11 answers needs as many human-coded answers; the question has 10"),
    ({"size": 2, "seed": -1}, "the seed must be a whole number from 0 to 2147483647"),
])
def test_bad_sample_is_one_line_and_stores_nothing(tmp_path_factory, kwargs, message):
    project, _ = build(tmp_path_factory.mktemp("bad") / "p")
    with pytest.raises(InputError) as err:
        project.start_double_coding(Q, **kwargs)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert project.double_coding(Q)["sample"] is None


def test_bad_second_codes_and_reconciliations(tmp_path):
    project, keys = build(tmp_path / "p")
    other = project.next_answer(Q, skip=keys)["key"]  # not human-coded: never in the sample
    with pytest.raises(InputError, match="has no double-coding sample yet"):
        project.save_double_code(keys[0], [B], "Bo")
    project.start_double_coding(Q, size=3, seed=1)
    with pytest.raises(InputError, match="already has a double-coding sample"):
        project.start_double_coding(Q, size=3)
    assert project.double_coding_next(Q, "Zelda") is None  # Zelda coded every answer first
    a = project.double_coding_next(Q, "Bo")
    cases = [
        (lambda: project.save_double_code(a["key"], [B], "Zelda"), "Zelda coded answer"),
        (lambda: project.save_double_code(other, [B], "Bo"), "is not in the double-coding sample"),
        (lambda: project.save_double_code(a["key"], ["nope"], "Bo"), "theme 'nope' is not in the codebook"),
        (lambda: project.save_double_code(a["key"], [B], " "), "who is coding?"),
        (lambda: project.save_double_code("lmb:2025", [B], "Bo"), "is not an answer key"),
        (lambda: project.reconcile(a["key"], [B], "Cas"), "reconciliation opens when every answer of the sample"),
    ]
    for call, message in cases:
        with pytest.raises(InputError, match=message):
            call()
    project.save_double_code(a["key"], [B], "Bo")
    project.save_double_code(a["key"], [F], "Bo")  # Bo changes his mind: the latest counts
    with pytest.raises(InputError, match="already has its second code, by Bo"):
        project.save_double_code(a["key"], [B], "Cas")
    while (n := project.double_coding_next(Q, "Bo")) is not None:
        project.save_double_code(n["key"], first_themes(keys.index(n["key"])), "Bo")
    with pytest.raises(InputError, match="the second codes are final"):
        project.save_double_code(a["key"], [B], "Bo")
    with project.store() as store:
        sample = store.double_sample_answers(store.double_sample("lmb", Q)["sample_id"])
    same = [project.parse_key(a["key"])[0] + f":{s['wave']}:{Q}:{s['respondent_id']}" for s in sample
            if project.parse_key(a["key"])[3] != s["respondent_id"]]  # Bo gave these Zelda's themes
    assert len(same) == 2
    with pytest.raises(InputError, match="agree: nothing to reconcile"):
        project.reconcile(same[0], [B], "Cas")
    with pytest.raises(InputError, match="is not in the double-coding sample"):
        project.reconcile(other, [B], "Cas")


def client(project: Project, path) -> tuple[TestClient, str]:
    from textmine.serve import create_app

    c = TestClient(create_app(path, project=project), base_url=BASE, follow_redirects=False)
    c.get("/")
    return c, c.cookies["csrftoken"]


def test_api_start_code_reconcile_and_errors(tmp_path):
    project, keys = build(tmp_path / "p")
    c, token = client(project, tmp_path / "p")
    h = {"X-CSRF-Token": token}
    assert c.get(f"/api/double/lmb/{Q}").json() == {"survey": "lmb", "question": Q, "sample": None}
    # every state change needs the CSRF header
    assert c.post(f"/api/double/lmb/{Q}/start", json={"size": 3}).status_code == 403
    for body, message in [({"size": 3, "share": 0.2}, "one of the two"), ({"size": 99}, "needs as many"),
                          ({"size": 3, "colour": 1}, "unknown field 'colour'"), ([1], "must be a JSON object")]:
        r = c.post(f"/api/double/lmb/{Q}/start", json=body, headers=h)
        assert r.status_code == 400 and message in r.json()["error"] and "\n" not in r.json()["error"]
    assert c.post(f"/api/double/lmb/{Q}/start", content=b"{not json", headers=h).json()["error"] == \
        "the request body is not JSON"
    assert c.get(f"/api/double/lmb/{Q}").json()["sample"] is None  # nothing stored on error
    r = c.post(f"/api/double/lmb/{Q}/start", json={"share": 1.0, "seed": 4, "coder": "Staf"}, headers=h)
    assert r.status_code == 200 and r.json()["sample"]["size"] == 10
    assert c.get(f"/api/double/lmb/{Q}/next").status_code == 400  # who is coding?
    body = {"key": keys[0], "themes": [B], "coder": "Bo"}
    assert c.post("/api/double/codes", json=body).status_code == 403
    for bad, message in [({**body, "themes": "beleid"}, "'themes' must be a list"), ({**body, "key": 5}, "'key'"),
                         ({**body, "coder": "Zelda"}, "Zelda coded answer"), ({**body, "themes": ["x"]}, "theme 'x'")]:
        r = c.post("/api/double/codes", json=bad, headers=h)
        assert r.status_code == 400 and message in r.json()["error"]
    n = 0
    while (a := c.get(f"/api/double/lmb/{Q}/next?coder=Bo").json()) is not None:
        r = c.post("/api/double/codes", json={"key": a["key"], "themes": second_themes(keys.index(a["key"])),
                                              "coder": "Bo"}, headers=h)
        assert r.status_code == 200
        n += 1
        assert c.get(f"/api/double/lmb/{Q}/agreement").json()["answers"] == n  # live
    assert c.get(f"/api/double/lmb/{Q}/agreement").json() == project.agreement(Q)
    assert c.get(f"/api/double/lmb/{Q}").json()["agreement"]["pooled"]["alpha"] == pytest.approx(ALPHA_ALL)
    # the workbench's trust API carries the same agreement
    trust = c.get(f"/api/questions/lmb/{Q}/trust").json()
    assert trust["coders"] == ["Zelda", "Bo"] and trust["pooled"]["alpha_coders"] == pytest.approx(ALPHA_ALL)
    items = c.get(f"/api/double/lmb/{Q}/disagreements").json()
    assert len(items) == 3
    r = c.post("/api/double/reconcile", json={"key": items[0]["key"], "themes": ["overig", B], "coder": "Cas"},
               headers=h)
    assert r.status_code == 400 and r.json()["error"] == "'overig' cannot be combined with other themes"
    r = c.post("/api/double/reconcile", json={"key": items[0]["key"], "themes": [B], "coder": "Cas"})
    assert r.status_code == 403
    r = c.post("/api/double/reconcile", json={"key": items[0]["key"], "themes": [B], "coder": "Cas"}, headers=h)
    assert r.status_code == 200 and r.json()["final_themes"] == [B]
    assert c.get(f"/api/double/lmb/{Q}").json()["reconciled"] == 1


def test_pages_in_dutch_and_form_errors(tmp_path):
    project, keys = build(tmp_path / "p")
    c, token = client(project, tmp_path / "p")
    page = c.get(f"/d/lmb/{Q}").text
    assert "Steekproef trekken" in page and "blind" in page
    r = c.post(f"/d/lmb/{Q}/start", data={"size": "veel", "csrftoken": token})
    assert r.status_code == 400 and "the sample&#39;s size must be a number of answers (50) or a percentage (10%)" \
        in r.text
    assert c.post(f"/d/lmb/{Q}/start", data={"size": "50%"}).status_code == 403  # no CSRF field
    r = c.post(f"/d/lmb/{Q}/start", data={"size": "50%", "seed": "9", "csrftoken": token})
    assert r.status_code == 303 and r.headers["location"] == f"/d/lmb/{Q}"
    page = c.get(f"/d/lmb/{Q}").text
    assert "Steekproef van <strong>5</strong> van de 10" in page and "seed 9" in page
    assert "Blind coderen (tweede codeur)" in page
    assert "Wie codeert er?" in c.get(f"/d/lmb/{Q}/code").text  # the name first
    c.cookies.set("textmine_coder", "Bo")
    assert "Blind coderen als tweede codeur" in c.get(f"/d/lmb/{Q}/code").text
    assert "Afstemmen kan als elk antwoord van de steekproef zijn tweede code heeft" in \
        c.get(f"/d/lmb/{Q}/reconcile").text
    assert "Twee codeurs" in c.get("/").text and f'href="/d/lmb/{Q}"' in c.get(f"/t/lmb/{Q}").text
