"""Tally formulas against values computed by hand."""

import math

import pytest

from textmine.tally import likert_groups, margin_of_error, required_sample, wilson


def test_wilson_textbook_values():
    # Wilson (1927) / Newcombe (1998) table: 0/10 -> 0-27.75%, 5/10 -> 23.66-76.34%.
    lo, hi = wilson(0, 10)
    assert lo == 0 and hi == pytest.approx(27.75, abs=0.01)
    lo, hi = wilson(5, 10)
    assert (lo, hi) == (pytest.approx(23.66, abs=0.01), pytest.approx(76.34, abs=0.01))


def test_wilson_by_hand_108_of_127():
    # p = 0.85039, z^2 = 3.8415: centre 0.84010, half-width 0.06198 (worked by hand).
    lo, hi = wilson(108, 127)
    assert lo == pytest.approx(77.81, abs=0.02)
    assert hi == pytest.approx(90.21, abs=0.02)


def test_finite_population_narrows_and_census_collapses():
    plain = wilson(108, 127)
    fpc = wilson(108, 127, population=285)
    assert fpc[0] > plain[0] and fpc[1] < plain[1]
    # effective n = 127 * 284 / 158 = 228.28; by hand: centre 0.858808 / 1.016828 = 0.844595,
    # half-width 1.96 * sqrt(0.00055732 + 0.00001843) / 1.016828 = 0.046251
    assert fpc == [pytest.approx(79.83, abs=0.01), pytest.approx(89.08, abs=0.01)]
    assert wilson(30, 50, population=50) == [60.0, 60.0]
    assert wilson(3, 0) is None


def test_margin_of_error_and_required_sample():
    # 1.96 * sqrt(0.25/127) * sqrt(158/284) = 6.49 points
    assert margin_of_error(127, 285) == pytest.approx(6.49, abs=0.01)
    assert margin_of_error(63, 285) == pytest.approx(1.96 * math.sqrt(0.25 / 63 * 222 / 284) * 100, rel=1e-3)
    assert margin_of_error(400) == pytest.approx(4.90, abs=0.01)
    # 384.15 / (1 + 383.15/285) = 163.9 -> 164; without a population 385.
    assert required_sample(285) == 164
    assert required_sample(None) == 385
    assert required_sample(300) == 169


def test_likert_groups():
    five = ["a", "b", "c", "d", "e"]
    assert likert_groups(five) == (["a", "b"], ["c"], ["d", "e"])
    assert likert_groups(["a", "b", "c", "d"]) == (["a", "b"], [], ["c", "d"])
    assert likert_groups(["a", "b", "c"]) == (["a"], ["b"], ["c"])
