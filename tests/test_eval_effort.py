"""scripts/eval_effort.py: the effort simulation on a small slice of the sample (curve invariants,
orders, determinism) and its summary helpers."""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import eval_effort as E  # noqa: E402


@pytest.fixture(scope="module")
def pool():
    # the sample's LMB 'trots' answers, lowercase word split for lemmas (no spaCy: fast)
    return E.load_sample("lmb_trots", None, E.cached_embedder())


@pytest.fixture(scope="module")
def runs(pool):
    return {(order, seed): E.simulate(pool, order, seed, max_labels=40, share=0.5)
            for order in E.ORDERS for seed in (0, 1)}


def test_curves_are_well_formed(pool, runs):
    n = int(round(0.5 * len(pool)))
    for (order, seed), df in runs.items():
        assert df.labels.tolist() == [0, 10, 20, 30, 40]
        assert (df.labels + df.rest == n).all()
        assert ((df.auto >= 0) & (df.auto <= df.rest)).all()
        assert np.allclose(df.auto_share, df.auto / df.rest)
        assert df.auto_share.between(0, 1).all()
        # an auto answer has at least one code; precision only where there are auto codes
        assert (df.auto_codes >= df.auto).all()
        assert df.auto_precision.isna().equals(df.auto_codes == 0)
        assert df.auto_precision.dropna().between(0, 1).all()
        assert df.alpha.between(-1, 1).all()
        # the gate needs 30 human codes before anything is auto (the codebook alone never is)
        assert (df.auto[df.labels < 30] == 0).all() and (df.needed[df.labels < 30] > 0).all()
        coded = df.attrs["labelled"]
        assert len(coded) == 40 and len(set(coded)) == 40


def test_orders_and_seeds_differ_and_runs_repeat(pool, runs):
    assert runs["uncertain", 0].attrs["labelled"] != runs["random", 0].attrs["labelled"]
    assert runs["random", 0].attrs["labelled"] != runs["random", 1].attrs["labelled"]
    again = E.simulate(pool, "uncertain", 0, max_labels=40, share=0.5)
    assert again.attrs["labelled"] == runs["uncertain", 0].attrs["labelled"]
    cols = [c for c in E.STEP_COLUMNS if c != "seconds"]
    pd.testing.assert_frame_equal(again[cols], runs["uncertain", 0][cols])


def test_uncertain_order_takes_the_least_certain_first(pool):
    # the first batch (before any human code) is the codebook-alone coder's closest calls
    coder = E.default_coder_factory(pool.codebook, pool.embedder).fit(pool.answers)
    S = coder.predict_proba(pool.answers)
    margin = np.abs(S - coder.thresholds_).min(1)
    first = {o: E.simulate(pool, o, 3, max_labels=10, share=1.0).attrs["labelled"][:10] for o in E.ORDERS}
    assert margin[first["uncertain"]].mean() < margin[first["random"]].mean()
    # the queue keeps the audit sample for last: apart from it, nothing open is closer to a threshold
    assert margin[first["uncertain"]].max() <= np.sort(margin)[10 + 30]


def test_rest_alpha_is_the_trust_tables_alpha(pool):
    from textmine.evaluate import theme_report
    rng = np.random.default_rng(0)
    T = (rng.random((40, len(pool.codebook))) < 0.2).astype(int)
    P = T.copy()
    assert E.rest_alpha(T, P, pool.codebook) == pytest.approx(1.0)
    P[:10] = 1 - P[:10]
    assert E.rest_alpha(T, P, pool.codebook) == pytest.approx(theme_report(T, P, pool.codebook.ids).alpha)
    assert E.rest_alpha(T, P, pool.codebook) < 0.8


def test_labels_to_goal():
    run = pd.DataFrame({"labels": [0, 10, 20, 30, 40], "auto_share": [0, 0.6, 0.4, 0.55, 0.7],
                        "auto_precision": [np.nan, 0.85, 0.95, 0.92, 0.9]})
    assert E.labels_to_goal(run) == (30, 30)  # 10: precision too low; 20: too few auto
    run.loc[4, "auto_precision"] = 0.8
    first, held = E.labels_to_goal(run)
    assert first == 30 and np.isnan(held)
    assert all(np.isnan(E.labels_to_goal(run.assign(auto_share=0.1))))


def test_the_bar_is_the_product_gates_target():
    from textmine.gate import AutoGate
    assert AutoGate().target_precision == E.TARGET


def test_queue_leaves_out_auto_answers_and_keeps_the_audit_sample_last():
    n, ids = 60, ["a", "b"]
    S = np.column_stack([np.linspace(0, 1, n), np.zeros(n)])  # margins to 0.5: answer 30 is the closest call
    rids = [f"{i:06d}" for i in range(n)]
    open_ = np.ones(n, bool)
    auto = np.zeros(n, bool)
    first = E._queue_next(S, np.array([0.5, 0.5]), ids, open_, auto, rids, 10)
    from textmine.queue import audit_sample
    states = pd.DataFrame({"survey": "sim", "question": "q", "wave": "w", "respondent_id": rids, "non_answer": 0})
    sample = {int(r) for _, r in audit_sample(states)}
    assert len(sample) == 30 and not sample & set(first)  # 60 answers: the audit sample holds 30
    closest = sorted(set(range(n)) - sample, key=lambda i: abs(S[i, 0] - 0.5))
    assert first == closest[:10]
    auto[first[:5]] = True
    open_[first[5:]] = False
    assert E._queue_next(S, np.array([0.5, 0.5]), ids, open_, auto, rids, 10) == closest[10:20]
