"""codes.current_themes: the one rule 'human codes win' shared by report, compare and catalogue."""

import math

import pandas as pd

from textmine.codes import current_themes


def _codes(rows):
    cols = ["code_id", "wave", "question", "respondent_id", "theme", "applies", "source", "score"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_human_codes_win_and_latest_call_per_theme():
    codes = _codes([
        (1, "2022", "q", "r1", "a", 1, "machine", 0.9),
        (2, "2022", "q", "r1", "b", 0, "machine", 0.1),
        (3, "2022", "q", "r1", "b", 1, "human", None),   # coder 1
        (4, "2022", "q", "r1", "b", 0, "human", None),   # a reviewer's correction
        (5, "2022", "q", "r1", "c", 1, "human", None),
        (6, "2022", "q", "r2", "a", 0, "machine", 0.2),  # coded, nothing applies
        (7, "2022", "q", "r3", "b", 1, "machine", math.nan),
    ])
    out = current_themes(codes)
    assert out[("2022", "r1")][0] == "human" and set(out[("2022", "r1")][1]) == {"c"}
    assert out[("2022", "r2")] == ("machine", {})
    src, applied = out[("2022", "r3")]
    assert src == "machine" and list(applied) == ["b"] and math.isnan(applied["b"])
    assert set(out) == {("2022", "r1"), ("2022", "r2"), ("2022", "r3")}


def test_keys_by_other_columns_and_empty():
    codes = _codes([
        (1, "2022", "q1", "r1", "a", 1, "machine", 0.8),
        (2, "2022", "q2", "r1", "a", 1, "human", None),
    ])
    out = current_themes(codes, by=("question", "respondent_id"))
    assert set(out) == {("q1", "r1"), ("q2", "r1")}
    assert out[("q1", "r1")] == ("machine", {"a": 0.8}) and out[("q2", "r1")][0] == "human"
    assert list(out[("q2", "r1")][1]) == ["a"]
    assert current_themes(codes.iloc[:0]) == {}


def test_themes_in_stored_rank_order_main_first():
    cols = ["code_id", "wave", "respondent_id", "theme", "applies", "source", "score", "rank"]
    codes = pd.DataFrame([dict(zip(cols, r)) for r in [
        # machine: the coder's order (rank) beats the score order and the codebook order
        (1, "w", "r1", "a", 1, "machine", 0.9, 3), (2, "w", "r1", "b", 1, "machine", 0.5, 1),
        (3, "w", "r1", "c", 1, "machine", 0.7, 2), (4, "w", "r1", "d", 0, "machine", 0.2, None),
        # stored before ranks: by score, then as stored
        (5, "w", "r2", "a", 1, "machine", 0.4, None), (6, "w", "r2", "b", 1, "machine", 0.8, None),
        (7, "w", "r2", "c", 1, "machine", 0.4, None),
        # two coders both say rank 1: the later call leads
        (8, "w", "r3", "a", 1, "human", None, 1), (9, "w", "r3", "b", 1, "human", None, 1),
    ]])
    out = current_themes(codes)
    assert list(out[("w", "r1")][1]) == ["b", "c", "a"]
    assert list(out[("w", "r2")][1]) == ["b", "a", "c"]
    assert list(out[("w", "r3")][1]) == ["b", "a"]
