"""Agreement and accuracy measures against hand-computed and textbook values."""
from __future__ import annotations

import numpy as np
import pytest

from textmine.evaluate import (cohen_kappa, coverage_at_precision, coverage_precision_curve,
                               cross_validated_report, krippendorff_alpha, single_label_scores,
                               theme_report)

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the
# example with 4 observers, 12 units and missing values.
K2011 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
         [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]]


@pytest.mark.parametrize("level,expected", [("nominal", 0.743), ("ordinal", 0.815),
                                            ("interval", 0.849), ("ratio", 0.797)])
def test_alpha_textbook(level, expected):
    assert krippendorff_alpha(K2011, level) == pytest.approx(expected, abs=5e-4)


def test_alpha_hand_computed():
    # units (1,1) (1,0) (0,0) (0,0): o11=2, o00=4, o01=o10=1; n1=3, n0=5, n=8
    # alpha = 1 - (n-1) * (o01+o10) / (2 n0 n1) = 1 - 7*2/30
    assert krippendorff_alpha([[1, 1, 0, 0], [1, 0, 0, 0]]) == pytest.approx(1 - 14 / 30)
    assert krippendorff_alpha([[1, 0, 1], [1, 0, 1]]) == pytest.approx(1.0)
    assert np.isnan(krippendorff_alpha([[1, 1], [1, 1]]))  # one value: undefined
    # a unit with one value is not pairable and does not count
    assert krippendorff_alpha([[1, 1, 0, 0, 1], [1, 0, 0, 0, N]]) == pytest.approx(1 - 14 / 30)
    # nominal labels may be strings
    assert krippendorff_alpha([["a", "b", "a"], ["a", "b", "a"]]) == pytest.approx(1.0)


def test_alpha_cross_check_with_package():
    kd = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(3)
    data = rng.integers(0, 4, size=(3, 40)).astype(float)
    data[rng.random(data.shape) < 0.15] = np.nan
    for level in ("nominal", "ordinal", "interval", "ratio"):
        ours = krippendorff_alpha(data, level)
        assert ours == pytest.approx(kd.alpha(reliability_data=data, level_of_measurement=level), abs=1e-9)


def test_kappa():
    # po = 3/4, pe = (2/4)(1/4) + (2/4)(3/4) = 1/2  -> kappa = 0.5
    assert cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0]) == pytest.approx(0.5)
    assert cohen_kappa(["a", "b", "c"], ["a", "b", "c"]) == pytest.approx(1.0)
    # systematic disagreement: po=0, pe=0.5 -> -1
    assert cohen_kappa([0, 1, 0, 1], [1, 0, 1, 0]) == pytest.approx(-1.0)
    assert np.isnan(cohen_kappa([0, 0], [0, 0]))


def test_theme_report_hand_computed():
    T = np.array([[1, 0], [1, 1], [0, 1], [0, 0], [1, 0]])
    P = np.array([[1, 0], [0, 1], [1, 1], [0, 0], [1, 1]])
    r = theme_report(T, P, ["a", "b"])
    a, b = r.per_theme.iloc[0], r.per_theme.iloc[1]
    # a: tp=2 fp=1 fn=1 ; b: tp=2 fp=1 fn=0
    assert (a.precision, a.recall, a.f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert (b.precision, b.recall, b.f1) == pytest.approx((2 / 3, 1.0, 0.8))
    assert (a.support, a.predicted, b.support, b.predicted) == (3, 3, 2, 3)
    assert r.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert (r.micro_precision, r.micro_recall, r.micro_f1) == pytest.approx((4 / 6, 4 / 5, 8 / 11))
    # kappa for a: po = 3/5, pe = (3/5)(3/5) + (2/5)(2/5) = 13/25 -> (15/25-13/25)/(12/25) = 1/6
    assert a.kappa == pytest.approx(1 / 6)
    assert r.mean_kappa == pytest.approx(np.mean([a.kappa, b.kappa]))
    assert r.alpha == pytest.approx(krippendorff_alpha([T.ravel(), P.ravel()]))
    assert "| a |" in r.to_markdown()
    # a theme with neither support nor predictions is left out of the macro average
    r2 = theme_report(np.c_[T, np.zeros(5)], np.c_[P, np.zeros(5)], ["a", "b", "c"])
    assert r2.macro_f1 == pytest.approx(r.macro_f1)


def test_single_label_scores():
    r = single_label_scores(["x", "x", "y", "z"], ["x", "y", "y", "y"], labels=["x", "y", "z"])
    # x: tp1 fn1 -> f1 2/3; y: tp1 fp2 -> 0.5; z: 0
    assert r["accuracy"] == pytest.approx(0.5) and r["micro_f1"] == pytest.approx(0.5)
    assert r["macro_f1"] == pytest.approx((2 / 3 + 0.5 + 0) / 3)


def test_coverage_precision_curve():
    T = np.array([[1, 0], [0, 1], [1, 0], [0, 1]])
    S = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.6], [0.5, 0.4]])  # last two ranked wrong
    c = coverage_precision_curve(T, S)
    assert list(c.threshold) == [0.5, 0.6, 0.8, 0.9]
    assert list(c.coverage) == [1.0, 0.75, 0.5, 0.25]
    assert list(c.precision) == pytest.approx([0.5, 2 / 3, 1.0, 1.0])
    assert (np.diff(c.coverage) <= 0).all()
    best = coverage_at_precision(T, S, target=0.9)
    assert best["coverage"] == 0.5 and best["threshold"] == 0.8
    assert coverage_at_precision(T, S * 0 + np.array([0.4, 0.6]), target=0.99)["coverage"] == 0.0
    # with perfectly ranked scores precision never drops as the cut rises
    rng = np.random.default_rng(0)
    conf = rng.random(50)
    correct = conf > 0.4
    T2 = np.c_[correct, ~correct].astype(int)
    S2 = np.c_[conf, np.zeros(50)]
    c2 = coverage_precision_curve(T2, S2)
    assert (np.diff(c2.precision) >= -1e-12).all() and (np.diff(c2.coverage) <= 0).all()
    # with explicit predictions: micro precision of those codes
    Pm = np.array([[1, 1], [0, 1], [0, 0], [1, 0]])
    c3 = coverage_precision_curve(T, S, y_pred=Pm, thresholds=[0.0, 0.85])
    assert list(c3.precision) == pytest.approx([2 / 4, 1 / 2])


def test_cross_validated_report_rebuilds_per_fold():
    made = []

    class Majority:
        def fit(self, X, Y):
            self.p = np.asarray(Y).mean(0)
            return self

        def predict_proba(self, X):
            return np.tile(self.p, (len(X), 1))

        def predict(self, X):
            return (self.predict_proba(X) >= 0.5).astype(int)

    def factory():
        made.append(1)
        return Majority()

    X = [f"t{i}" for i in range(20)]
    Y = np.array([[1, 0]] * 15 + [[0, 1]] * 5)
    res = cross_validated_report(factory, X, Y, cv=5, seed=0, theme_ids=["a", "b"])
    assert len(made) == 5 and len(res.folds) == 5
    assert res.scores.shape == (20, 2)
    tested = np.sort(np.concatenate([te for _, te in res.folds]))
    assert (tested == np.arange(20)).all()
    a = res.report.per_theme.set_index("theme").loc["a"]
    assert a.recall == 1.0 and a.precision == pytest.approx(0.75)
