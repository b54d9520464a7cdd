"""scripts/eval_topics.py: the "new" list judged against a codebook file as staff write one."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import eval_topics as et  # noqa: E402
from textmine.codebook import load_codebook  # noqa: E402

LABELS = ["ARBEID", "BUITENLANDS BELEID", "BURGERBESCHERMING", "DEFENSIEBELEID", "ECONOMISCH BELEID",
          "FISCALITEIT", "GEZONDHEIDSBELEID", "LANDBOUWBELEID", "MIGRATIEBELEID", "MILIEUBELEID",
          "ONTWIKKELINGSHULP", "OPENBARE VEILIGHEID", "OVERHEID", "RECHTSSTELSEL", "SOCIAAL BELEID",
          "SOCIALE ZEKERHEID", "STRAFRECHT", "VERVOERBELEID"]
BLIND = ROOT / "data/eval/chamber_codebook_BLIND.yaml"


def test_staff_codebook_drops_the_left_out_themes_and_keeps_keywords_and_examples():
    dropped = et.dropped_themes(3, len(LABELS))
    book = et.staff_codebook_without(load_codebook(BLIND), LABELS, dropped)
    kept = [lab for j, lab in enumerate(LABELS) if j not in dropped]
    assert len(dropped) == 6 and [t.label.upper() for t in book] == kept
    # the file's themes as written, not the names-only ones codebook_without makes
    assert all(t.keywords and t.examples for t in book)
    names = et.codebook_without(LABELS, dropped)
    assert [t.label for t in names] == [t.label for t in book]
    assert not any(t.examples for t in names)


def test_staff_codebook_without_a_theme_of_the_data_is_refused(tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text("themes:\n  - id: arbeid\n    label: Arbeid\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="one.yaml: no theme labelled BUITENLANDS BELEID"):
        et.staff_codebook_without(load_codebook(one), LABELS, set())


def test_sample_texts_is_seeded_in_file_order_and_refuses_a_bad_size():
    import numpy as np

    answers = [{"respondent_id": str(i)} for i in range(50)]
    E, y = np.arange(100.0).reshape(50, 2), np.arange(50) % 3
    a1, E1, y1 = et.sample_texts(answers, E, y, 20, 7)
    a2, _, _ = et.sample_texts(answers, E, y, 20, 7)
    ids = [int(a["respondent_id"]) for a in a1]
    assert ids == sorted(ids) and len(set(ids)) == 20 and a1 == a2
    assert (E1[:, 0] == np.array(ids) * 2).all() and (y1 == np.array(ids) % 3).all()
    assert [a["respondent_id"] for a in et.sample_texts(answers, E, y, 20, 8)[0]] != [a["respondent_id"] for a in a1]
    with pytest.raises(SystemExit, match="between 1 and 50"):
        et.sample_texts(answers, E, y, 51, 0)
