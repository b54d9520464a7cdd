"""textmine.gate.AutoGate on constructed data: known precision above known cuts."""
import numpy as np
import pytest

from textmine.gate import AUTO, SUGGESTED, AutoGate, min_run, precision_lower_bound


def _theme(n_pos_top: int, n_mixed: int, rng: np.random.Generator, p_mixed: float = 0.5):
    """Scores/labels of one theme: ``n_pos_top`` right answers scored 0.9-1.0, then
    ``n_mixed`` answers scored 0.1-0.6 that carry the theme with probability ``p_mixed``."""
    s = np.r_[rng.uniform(0.9, 1.0, n_pos_top), rng.uniform(0.1, 0.6, n_mixed)]
    y = np.r_[np.ones(n_pos_top), rng.random(n_mixed) < p_mixed].astype(int)
    return y, s


def test_min_run_and_bound():
    assert min_run(0.9, 0.8) == 16
    assert precision_lower_bound(16, 16, 0.8) >= 0.9 > precision_lower_bound(15, 15, 0.8)
    assert precision_lower_bound(0, 10) == 0.0


def test_clean_top_is_auto_mixed_part_is_not():
    rng = np.random.default_rng(0)
    y1, s1 = _theme(40, 60, rng)
    y2, s2 = _theme(5, 95, rng)   # too few right answers on top: no auto threshold
    gate = AutoGate(theme_ids=["a", "b"]).fit(np.c_[y1, y2], np.c_[s1, s2])
    # the lowest cut whose answers above it are still right at a bound of 0.9: all 40 clean
    # ones, and at most a few of the mixed part
    assert 0.5 < gate.thresholds_[0] <= 1.0
    assert gate.precision_[0] >= 0.9 and 40 <= gate.support_[0] <= 48
    assert gate.precision_lower_[0] >= 0.9
    above = np.r_[s1] >= gate.thresholds_[0]
    assert above.sum() == gate.support_[0] and y1[above].mean() == gate.precision_[0]
    assert np.isinf(gate.thresholds_[1]) and np.isnan(gate.precision_[1]) and gate.support_[1] == 0
    assert gate.needed_ == 0
    S = np.array([[0.95, 0.0], [0.5, 0.0], [0.95, 0.97], [0.0, 0.99]])
    st = gate.status(S, [["a"], ["a"], ["a", "b"], ["overig"]])
    # one doubtful theme sends the whole answer to review; overig is never auto
    assert list(st) == [AUTO, SUGGESTED, SUGGESTED, SUGGESTED]
    assert list(gate.status(S, (S > 0.4).astype(int))) == [AUTO, SUGGESTED, SUGGESTED, SUGGESTED]
    assert list(gate.status(S, [["a"]] * 4, non_answer=[True, False, False, False]))[0] == SUGGESTED


def test_precision_holds_on_fresh_data_from_the_same_source():
    """Theme positive with probability = score (calibrated): the learned cut's precision on
    fresh answers is at least the target."""
    rng = np.random.default_rng(1)
    real = []
    for seed in range(20):
        r = np.random.default_rng(seed)
        s = r.uniform(0, 1, 300)
        y = (r.random(300) < s ** 0.5).astype(int)  # precision above cut c is about 1 - ...
        gate = AutoGate().fit(y[:, None], s[:, None])
        if not gate.reachable_[0]:
            continue
        s2 = r.uniform(0, 1, 5000)
        y2 = r.random(5000) < s2 ** 0.5
        above = s2 >= gate.thresholds_[0]
        real.append(y2[above].mean())
    assert len(real) >= 10
    assert np.mean(real) >= 0.9 and min(real) >= 0.85


def test_few_human_codes_nothing_auto_and_needed():
    rng = np.random.default_rng(2)
    y, s = _theme(20, 0, rng)
    gate = AutoGate(min_human=30).fit(y[:, None], s[:, None])
    assert not gate.reachable_.any()
    assert gate.needed_ == 10
    assert list(gate.status(np.array([[0.99]]), [[1]])) == [SUGGESTED]
    # enough answers but too few right ones on top: a positive estimate of how many more
    y, s = _theme(8, 40, rng, p_mixed=0.2)
    gate = AutoGate(min_human=30).fit(y[:, None], s[:, None])
    assert not gate.reachable_.any() and gate.needed_ >= 10


def test_no_labels_at_all():
    gate = AutoGate(theme_ids=["a", "b"]).fit(np.zeros((0, 2)), np.zeros((0, 2)))
    assert gate.needed_ == 30 and not gate.reachable_.any()


def test_nan_scores_are_ignored_but_counted():
    rng = np.random.default_rng(3)
    y, s = _theme(30, 20, rng)
    s[-5:] = np.nan
    gate = AutoGate().fit(y[:, None], s[:, None])
    assert gate.n_labelled_ == 50 and gate.reachable_[0]


def test_round_trip_and_errors():
    rng = np.random.default_rng(4)
    y1, s1 = _theme(40, 60, rng)
    y2, s2 = _theme(3, 97, rng)
    gate = AutoGate(theme_ids=["a", "b"]).fit(np.c_[y1, y2], np.c_[s1, s2])
    back = AutoGate.from_dict(gate.to_dict())
    S = rng.uniform(0, 1, (50, 2))
    assert (back.status(S, S > 0.3) == gate.status(S, S > 0.3)).all()
    assert back.summary() == gate.summary()
    with pytest.raises(ValueError):
        AutoGate().fit(np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError):
        gate.status(S, np.zeros((50, 3)))
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        AutoGate().status(S, S > 0.3)


def test_pool_and_margin():
    """Two themes with 10 clean answers on top each: no cut of their own (16 needed), one shared
    cut when pooled; a margin of one wrong answer asks for more."""
    rng = np.random.default_rng(5)
    y1, s1 = _theme(10, 40, rng, p_mixed=0.1)
    y2, s2 = _theme(10, 40, rng, p_mixed=0.1)
    Y, S = np.c_[y1, y2], np.c_[s1, s2]
    assert not AutoGate().fit(Y, S).reachable_.any()
    pooled = AutoGate(pool=True).fit(Y, S)
    assert pooled.reachable_.all() and pooled.pooled_.all() and pooled.thresholds_[0] == pooled.thresholds_[1]
    assert pooled.support_[0] >= 20 and pooled.precision_[0] >= 0.9
    assert AutoGate.from_dict(pooled.to_dict()).pooled_.all()
    y, s = _theme(20, 30, rng, p_mixed=0.0)
    assert AutoGate().fit(y[:, None], s[:, None]).reachable_[0]
    assert not AutoGate(margin=1).fit(y[:, None], s[:, None]).reachable_[0]  # 20 right: not enough with one more wrong
