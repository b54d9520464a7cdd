"""Gated auto-coding in a project: status in ``code`` and ``Project.code``, the 'needed' count, the
queue and progress without auto-coded answers, the report's and the catalogue's lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from textmine import Project
from textmine.auto import answer_statuses, auto_coding_frame, dutch_summary
from textmine.gate import AutoGate
from textmine.store import Store
from tm_testutil import REPO, copy_project_db

SAMPLE = REPO / "data" / "sample"
LMB = REPO / "data" / "schemas" / "lmb.yaml"
Q = "trots"


def gold_rows(project: Project, n: int) -> list[dict[str, str]]:
    """The sample's gold codes of ``n`` answers to 'trots' of 2025 (non-answers left out; themes the
    shipped codebook lacks become overig)."""
    from textmine.codebook import load_codebook

    ids = set(load_codebook(REPO / "data" / "codebooks" / "lmb_trots.yaml").ids)
    rows = [r for r in csv.DictReader((SAMPLE / "gold_themes_SYNTHETIC.csv").open(encoding="utf-8"))
            if r["wave"] == "2025" and r["question"] == Q and r["theme"] != "non_answer"]
    with Store(project.path) as store:
        answered = set(store.open_answers("lmb", "2025", Q).respondent_id.astype(str))
    rids = sorted({r["respondent_id"] for r in rows} & answered)[:n]
    assert len(rids) == n
    return [dict(r, theme=r["theme"] if r["theme"] in ids else "overig") for r in rows if r["respondent_id"] in rids]


def write_codes(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("respondent id;theme;coder\n" + "".join(f"{r['respondent_id']};{r['theme']};An\n" for r in rows),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> Project:
    """The sample's 2025 wave, 'trots' coded with the codebook alone (tests copy it)."""
    project = Project(tmp_path_factory.mktemp("gate") / "base")
    project.ingest(SAMPLE / "lmb_2025_SYNTHETIC.csv", LMB, "2025")
    project.code(Q)
    return project


@pytest.fixture
def project(coded: Project, tmp_path: Path) -> Project:
    """A copy of the coded project of one's own."""
    return Project(copy_project_db(coded.path, tmp_path / "p"))


def force_gate(project: Project, thresholds: dict[str, float]) -> int:
    """Replace the latest run's gate by one with these thresholds (others unreachable)."""
    book = project.codebook(Q)[1]
    with Store(project.path) as store:
        run = max(store.gates("lmb", Q))
        d = AutoGate(theme_ids=book.ids).fit(np.zeros((0, len(book))), np.zeros((0, len(book)))).to_dict()
        for t in d["themes"]:
            if t["theme"] in thresholds:
                t.update(threshold=thresholds[t["theme"]], precision=0.95, precision_lower=0.91, support=20)
        d["needed"] = 0
        store.save_gate(run, "lmb", Q, d)
    return run


def test_codebook_alone_nothing_auto_and_needed(coded: Project, cli):
    frame = coded.code(Q)
    assert set(frame.status) == {"suggested"}
    assert frame.attrs["auto_needed"] == 30  # AutoGate's min_human, no human codes yet
    res = cli("code", "-p", coded.path, "-q", Q, "-f", "json")
    assert res.exit_code == 0, res.output
    answers = json.loads(res.stdout)
    assert {a["status"] for a in answers} == {"suggested"}
    assert "nothing auto-coded yet; about 30 more human codes needed" in res.stderr
    prog = coded.progress().set_index("question").loc[Q]
    assert prog.auto == 0 and prog.auto_needed == 30
    auto = coded.auto_coding(Q)
    assert auto.attrs["needed"] == 30 and auto.attrs["auto"] == 0 and auto["threshold"].isna().all()
    assert "nog ongeveer 30 menselijke codes nodig" in dutch_summary(auto)[0]


def test_human_codes_count_towards_needed_and_are_human(project: Project, tmp_path: Path):
    rows = gold_rows(project, 12)
    frame = project.code(Q, train=write_codes(tmp_path / "codes.csv", rows))
    rids = {r["respondent_id"] for r in rows}
    human = frame[frame.respondent_id.isin(rids)]
    assert set(human.status) == {"human"} and set(frame[~frame.respondent_id.isin(rids)].status) == {"suggested"}
    assert frame.attrs["auto_needed"] == 30 - 12


def test_gate_on_real_codes_is_consistent(project: Project, tmp_path: Path):
    """With 60 human-coded answers the gate rests on them (out-of-fold scores); every auto answer's
    themes score at or above their auto thresholds, and a re-read gives the same statuses."""
    rows = gold_rows(project, 60)
    frame = project.code(Q, train=write_codes(tmp_path / "codes.csv", rows))
    auto = project.auto_coding(Q)
    assert auto.attrs["n_labelled"] == 60 and auto.attrs["human"] == 60
    thr = auto.set_index("theme")["threshold"]
    book = project.codebook(Q)[1]
    with Store(project.path) as store:
        stored = answer_statuses(store, book, "lmb", Q)
        scores = store.machine_scores("lmb", Q)
    # the gate judges the cross-fit scores (stored as gate_score), not the scores shown
    assert scores["gate_score"].notna().all()
    applying = scores[scores.applies == 1].set_index("respondent_id")
    auto_ids = set(frame.loc[frame.status == "auto", "respondent_id"])
    assert auto_ids, "60 gold codes auto-code some answers"
    for rid in auto_ids:
        g = applying.loc[[rid]]
        assert all(s >= thr[t] and s >= auto.attrs["answer_threshold"] for t, s in zip(g.theme, g.gate_score))
    for rid, st in zip(frame.respondent_id, frame.status):
        if st != "suggested" or stored.get(("2025", rid)):  # non-answers have no stored codes
            assert stored[("2025", rid)] == st
    assert auto.attrs["auto"] == frame[frame.status == "auto"].respondent_id.nunique()


def test_queue_skips_auto_answers_audit_keeps_them(project: Project):
    book = project.codebook(Q)[1]
    before = project.progress().set_index("question").loc[Q]
    first = project.next_answer(Q)
    assert first["remaining"] == before.to_review
    force_gate(project, {t: 0.0 for t in book.ids})  # every answer with a theme: auto
    with Store(project.path) as store:
        status = answer_statuses(store, book, "lmb", Q)
    auto = {k for k, s in status.items() if s == "auto"}
    assert auto
    after = project.progress().set_index("question").loc[Q]
    assert after.auto == len(auto) and after.to_review == before.to_review - len(auto)
    seen, held = [], []
    while (nxt := project.next_answer(Q, skip=held)) is not None:
        seen.append((nxt["wave"], nxt["respondent_id"]))
        held.append(nxt["key"])
    assert seen and not set(seen) & auto and len(seen) == after.to_review
    audit = project.next_answer(Q, order="audit")
    assert audit["remaining"] == before.audit_size  # the audit sample measures auto codes too


def test_report_and_catalogue_state_auto_coding(project: Project, tmp_path: Path):
    book = project.codebook(Q)[1]
    theme = book.ids[0]
    force_gate(project, {theme: 0.0})
    frame = project.auto_coding(Q)
    n = int(frame.set_index("theme").loc[theme, "auto_answers"])
    assert n > 0 and frame.attrs["auto"] <= n
    lines = dutch_summary(frame)
    assert lines[0].startswith(f"{frame.attrs['auto']} van de {frame.attrs['answers']} antwoorden zijn "
                               "automatisch gecodeerd")
    label = book.theme(theme).label
    assert any(x.startswith(f"{label}: ") and "geschatte precisie 95%" in x for x in lines[1:])
    from textmine.report.blocks import auto_coding
    block = auto_coding(frame)  # the report's block (report/sections.py gives it this frame)
    assert "<h4>Automatisch gecodeerd</h4>" in block and "geschatte precisie 95%" in block
    cat = tmp_path / "catalogus.html"
    project.catalogue(Q, out=cat)
    html = cat.read_text(encoding="utf-8")
    assert "praktijken kregen dit thema automatisch, geschatte precisie 95%" in html
    md = project.catalogue(Q, out=tmp_path / "catalogus.md").read_text(encoding="utf-8")
    assert "praktijken kregen dit thema automatisch, geschatte precisie 95%" in md


def test_gate_judges_the_stored_gate_score_and_old_codes_their_score():
    """machine_status: an answer is auto when every theme it got passes by its gate_score (the
    cross-fit score), whatever the shown score; codes stored before gate_score (NULL) are judged
    by their score."""
    import pandas as pd

    from textmine.gate import machine_status

    gate = AutoGate(theme_ids=["a", "b"]).fit(np.r_[np.ones((20, 1)), np.zeros((20, 1))] @ [[1, 0]],
                                              np.c_[np.r_[np.linspace(0.6, 0.99, 20), np.linspace(0.0, 0.3, 20)],
                                                    np.zeros(40)])
    assert 0.55 < gate.thresholds_[0] <= 0.6
    rows = pd.DataFrame({"wave": "w", "respondent_id": ["1", "2", "3"], "theme": "a", "applies": 1,
                         "source": "machine", "run_id": 7, "score": [0.9, 0.9, 0.9],
                         "gate_score": [0.7, 0.5, None]})
    status = machine_status(rows, {7: gate.to_dict()})
    assert status == {("w", "1"): "auto", ("w", "2"): "suggested", ("w", "3"): "auto"}


def test_answer_level_cut_stops_the_lucky_theme():
    """Ten themes coded right 85% of the time: alone, some theme's evidence is clean by luck and
    passes; pooled over the answers (the answer-level cut) the precision is visibly below 0.9,
    so nothing is auto."""
    k, n = 10, 400
    for seed in range(60):
        rng = np.random.default_rng(seed)
        given = rng.integers(0, k, n)
        right = rng.random(n) < 0.85
        truth = np.where(right, given, (given + rng.integers(1, k, n)) % k)
        S = np.zeros((n, k))
        S[np.arange(n), given] = rng.uniform(0.5, 1.0, n)
        Y = np.eye(k, dtype=int)[truth]
        A = np.eye(k, dtype=int)[given]
        alone = AutoGate().fit(Y, S)
        if alone.reachable_.any():
            break
    else:
        pytest.fail("no seed where a theme passes by luck")
    gate = AutoGate().fit(Y, S, A)
    assert gate.reachable_.any() and np.isinf(gate.answer_threshold_)
    assert (alone.status(S, A) == "auto").any() and not (gate.status(S, A) == "auto").any()
    assert gate.needed_ > 0
    # a clean source passes both cuts
    Y2 = A.copy()
    ok = AutoGate().fit(Y2, S, A)
    assert np.isfinite(ok.answer_threshold_) and ok.answer_precision_ == 1.0 and (ok.status(S, A) == "auto").all()
    assert AutoGate.from_dict(ok.to_dict()).answer_threshold_ == ok.answer_threshold_
    # a gate stored before the answer-level cut keeps its codes' status
    old = ok.to_dict()
    del old["answer"]
    assert AutoGate.from_dict(old).answer_threshold_ == -np.inf


def test_cross_fit_scores_come_from_the_fold_coders():
    """``cross_fit_proba``: the mean of the fold coders that made ``honest_scores_``; without
    labels the coder's own scores."""
    from textmine.coders import Answer, SupervisedCoder
    from textmine.coders.base import as_batch

    texts = [f"markt {i} fairtrade koffie" for i in range(12)] + [f"lezing {i} over klimaat" for i in range(12)]
    X = [Answer(t) for t in texts]
    Y = np.r_[np.tile([1, 0], (12, 1)), np.tile([0, 1], (12, 1))]
    coder = SupervisedCoder().fit(X, Y)
    assert len(coder.fold_coders_) == 3 and coder.honest_scores_ is not None
    new = [Answer("fairtrade markt"), Answer("klimaat lezing")]
    want = np.clip(np.mean([f._scores(as_batch(new)) for f in coder.fold_coders_], axis=0), 0, 1)
    got = coder.cross_fit_proba(new)
    assert np.allclose(got, want) and not np.allclose(got, coder.predict_proba(new))
    assert got[0, 0] > got[0, 1] and got[1, 1] > got[1, 0]


def test_project_stored_before_gate_scores_opens_and_keeps_its_statuses(tmp_path: Path):
    """A v4 project without codes.gate_score is migrated on open (nothing lost); its machine codes
    have no gate score and the gate judges their score, as when they were stored."""
    from tm_testutil import old_store

    project = tmp_path / "old"
    db = old_store(project, 4, ",\n    gate_score REAL")
    db.executemany("INSERT INTO codes (survey, wave, question, respondent_id, theme, applies, source, coder, "
                   "run_id, score, text_hash, created_at) VALUES ('s','1','q',?,'a',1,'machine','m',3,?,'h','t')",
                   [("r1", 0.9), ("r2", 0.2)])
    db.commit()
    db.close()
    with Store(project) as store:
        codes = store.codes("s")
        scores = store.machine_scores("s", "q")
    assert len(codes) == 2 and codes["gate_score"].isna().all() and scores["gate_score"].isna().all()
    gate = {"params": AutoGate().get_params() | {"theme_ids": None}, "n_labelled": 40, "needed": 0,
            "themes": [{"theme": "a", "threshold": 0.5, "precision": 1.0, "precision_lower": 0.93, "support": 30,
                        "positives": 30}]}
    gate["params"].pop("theme_ids")
    from textmine.gate import machine_status
    assert machine_status(scores, {3: gate}) == {("1", "r1"): "auto", ("1", "r2"): "suggested"}
