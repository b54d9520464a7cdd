"""Wave comparison: the tests against known answers, the rows compare builds, the CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import sys
import types
from pathlib import Path

import pytest
from scipy.stats import chi2_contingency

from tm_testutil import REPO
from textmine.errors import InputError
from textmine.ingest import ingest
from textmine.schema import Schema, load_schema
from textmine.store import Store
from textmine.tally import wilson
from textmine.waves import compare_waves, expected_counts, holm, two_proportion_test, two_proportion_z


def normal_two_sided(z: float) -> float:
    """2 * (1 - Phi(|z|)) without scipy, for hand computations."""
    return math.erfc(abs(z) / math.sqrt(2))


# --- the pure functions against known answers -------------------------------------------

def test_z_test_textbook_examples():
    # Fulton vs Gwinnett county, for the resolution 281 of 473 and 214 of 443:
    # z = 3.3683 (https://straightdraw.github.io/probstat/S3b.html, "The z-Proportion Test"; worked with
    # rounded proportions: unrounded, z = 3.3690).
    z, p = two_proportion_z(214, 443, 281, 473)
    assert z == pytest.approx(3.3683, abs=1e-3)
    assert p == pytest.approx(normal_two_sided(3.3683), rel=5e-3)
    # The same as R's prop.test(correct = FALSE): chi-square without continuity correction = z^2.
    chi2, p_chi2, _, _ = chi2_contingency([[281, 473 - 281], [214, 443 - 214]], correction=False)
    assert z * z == pytest.approx(chi2) and p == pytest.approx(p_chi2)
    # 300 New York and 200 Washington voters, 56% and 48% in favour: z = 1.755, two-sided p = 0.0792
    # (https://homeworksource.com/p/1078444/, pooled p = 0.528). Sign: B - A.
    z, p = two_proportion_z(168, 300, 96, 200)
    assert z == pytest.approx(-1.755, abs=5e-4) and p == pytest.approx(0.0792, abs=5e-5)
    assert two_proportion_test(168, 300, 96, 200) == ("z", pytest.approx(0.0792, abs=5e-5))


def test_the_brief_example_is_not_significant():
    # International cooperation: 50% of n = 105 in 2022 against 53% in 2025 (63 respondents, base 62:
    # 33 of 62 = 53.2%; 33 of 63 would be 52.4%). By hand: pooled p = 85/167 = 0.50898,
    # SE = sqrt(p(1-p)(1/105 + 1/62)) = 0.080070, z = (33/62 - 52/105) / SE = 0.4623, p = 0.644.
    assert round(100 * 52 / 105) == 50 and round(100 * 33 / 62) == 53
    pooled = 85 / 167
    se = math.sqrt(pooled * (1 - pooled) * (1 / 105 + 1 / 62))
    z_hand = (33 / 62 - 52 / 105) / se
    assert se == pytest.approx(0.080070, abs=1e-6) and z_hand == pytest.approx(0.4623, abs=1e-4)
    test, p = two_proportion_test(52, 105, 33, 62)
    assert test == "z" and p == pytest.approx(normal_two_sided(z_hand)) and p == pytest.approx(0.644, abs=5e-4)
    assert p > 0.05
    # With all 63 in the base (33 of 63) the change is smaller still.
    test, p = two_proportion_test(52, 105, 33, 63)
    assert test == "z" and p == pytest.approx(0.720, abs=5e-4)


def test_a_real_change_is_significant():
    # 20 of 100 against 50 of 100: pooled 0.35, SE = sqrt(0.35 * 0.65 * 0.02) = 0.067454, z = 4.4475.
    z, p = two_proportion_z(20, 100, 50, 100)
    assert z == pytest.approx(0.30 / math.sqrt(0.35 * 0.65 * 0.02))
    assert two_proportion_test(20, 100, 50, 100) == ("z", pytest.approx(normal_two_sided(4.4475), rel=1e-3))
    assert p < 1e-4


def test_fisher_for_small_counts():
    # Fisher's lady tasting tea, 3 of 4 cups right against 1 of 4: two-sided p = 0.4857 (= 34/70).
    test, p = two_proportion_test(3, 4, 1, 4)
    assert test == "fisher" and p == pytest.approx(34 / 70) and round(p, 4) == 0.4857
    # The rule: an expected count below 5 switches to Fisher, exactly 5 keeps the z-test.
    assert min(expected_counts(2, 30, 8, 30)) == pytest.approx(5.0)
    assert two_proportion_test(2, 30, 8, 30)[0] == "z"
    assert min(expected_counts(2, 30, 7, 30)) == pytest.approx(4.5)
    assert two_proportion_test(2, 30, 7, 30)[0] == "fisher"
    # Nothing to test: both waves all "no".
    assert two_proportion_test(0, 10, 0, 12) == ("fisher", 1.0)
    with pytest.raises(ValueError):
        two_proportion_test(3, 0, 1, 4)


def test_holm_hand_worked():
    # Four hypotheses with p = 0.01, 0.04, 0.03, 0.005 (the example on Wikipedia's Holm-Bonferroni page).
    # Sorted: 0.005 * 4 = 0.02; 0.01 * 3 = 0.03; 0.03 * 2 = 0.06; 0.04 * 1 = 0.04 -> running max 0.06.
    # As statsmodels' multipletests(method="holm") defines it: H1 and H4 are rejected at 0.05.
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # Capped at 1, ties kept, empty and single families.
    assert holm([0.5, 0.5, 0.9]) == pytest.approx([1.0, 1.0, 1.0])
    assert holm([0.2, 0.2]) == pytest.approx([0.4, 0.4])
    assert holm([]) == [] and holm([0.03]) == [0.03]


# --- compare on a constructed project with known answers --------------------------------

LIKERT = ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]
SCHEMA = {
    "survey": "t", "population": 285, "id_column": "id",
    "questions": [
        {"id": "q", "label": "Vraag", "type": "single", "column": "Q", "options": ["Ja", "Nee"]},
        {"id": "l", "type": "likert", "column": "L", "options": LIKERT, "extra_options": ["Nvt"],
         "exclude_from_base": ["Nvt"]},
        {"id": "m", "type": "multi", "columns": {"A": "M - A", "B": "M - B"}},
        {"id": "x", "type": "numeric", "column": "X"},
        {"id": "o", "label": "Open", "type": "open", "column": "O"},
    ],
}


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _save(store: Store, wave: str, n: int, ja: int, likert: list[int], multi_a: int, texts: list[str]) -> None:
    rids = [f"{wave}-{i}" for i in range(n)]
    answers = [("q", r, "", "Ja" if i < ja else "Nee", None) for i, r in enumerate(rids)]
    values = [o for o, k in zip(LIKERT + ["Nvt"], likert) for _ in range(k)]
    answers += [("l", r, "", v, None) for r, v in zip(rids, values)]
    answers += [("m", r, "A", "1" if i < multi_a else "0", None) for i, r in enumerate(rids[:80])]
    answers += [("x", r, "", None, 1.0) for r in rids[:5]]
    store.save_wave(Schema.from_dict(SCHEMA), wave, population=285, source_file="constructed", source_sha256="0",
                    respondents=[(r, None, None, None, None, None, i + 2) for i, r in enumerate(rids)],
                    answers=answers, open_answers=[("o", r, t, _h(t)) for r, t in zip(rids, texts)])


def _code(store: Store, wave: str, machine: dict[int, set[str]], human: dict[int, set[str]],
          non_answers: set[int], n_answers: int) -> None:
    rid = lambda i: f"{wave}-{i}"  # noqa: E731
    run = store.start_run("code")
    store.save_machine_codes([{"survey": "t", "wave": wave, "question": "o", "respondent_id": rid(i), "theme": t,
                               "applies": t in themes, "score": 0.5}
                              for i, themes in machine.items() for t in ("a", "b")], coder="test", run_id=run)
    store.add_codes([{"survey": "t", "wave": wave, "question": "o", "respondent_id": rid(i), "theme": t,
                      "applies": t in themes} for i, themes in human.items() for t in ("a", "b")],
                    source="human", coder="staff")
    texts = dict(zip(store.open_answers("t", wave, "o").respondent_id, store.open_answers("t", wave, "o").text_hash))
    store.save_answer_flags([("t", wave, "o", rid(i), texts[rid(i)],
                              json.dumps(["non_answer"] if i in non_answers else []))
                             for i in range(n_answers)], "fp", None)


@pytest.fixture(scope="module")
def constructed(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("waves") / "p"
    with Store(p, create=True) as store:
        # 2022: 20 of 100 Ja; Likert agree 20 of base 50 (50 n.v.t. left out); multi A 30 of 80.
        _save(store, "2022", 100, 20, [5, 5, 20, 10, 10, 50], 30, [f"antwoord {i}" for i in range(9)] + ["nvt"])
        # 2025: 50 of 100 Ja; agree 40 of base 60; multi A 30 of 80.
        _save(store, "2025", 100, 50, [5, 5, 10, 20, 20, 40], 30, [f"tekst {i}" for i in range(6)])
        _save(store, "2028", 100, 50, [0, 0, 0, 0, 0, 100], 30, ["nog niet gecodeerd"])
        # 2022: the machine says a for 0-5 and b for 6; a human recoded answer 0 as b only; 9 is "nvt".
        _code(store, "2022", {0: {"a"}, 1: {"a"}, 2: {"a"}, 3: {"a"}, 4: {"a"}, 5: {"a"}, 6: {"b"}, 7: set(),
                              8: set()}, {0: {"b"}}, {9}, 10)
        # 2025: the machine says a for 0 and 1; a human confirms 2 as no theme; answer 5 has no codes yet.
        _code(store, "2025", {0: {"a"}, 1: {"a"}, 3: set(), 4: set()}, {2: set()}, set(), 5)
    return p


def _rows(project: Path, a: str = "2022", b: str = "2025", question: str | None = None) -> list[dict]:
    with Store(project) as store:
        return compare_waves(store, "t", a, b, question)


def test_closed_question_known_change(constructed: Path):
    rows = {r["option"]: r for r in _rows(constructed, question="q")}
    assert set(rows) == {"Ja", "Nee"}
    ja = rows["Ja"]
    assert ja["kind"] == "closed" and ja["label"] == "Ja" and ja["question_label"] == "Vraag"
    assert ja["waves"]["2022"] == {"n": 100, "count": 20, "percent": 20.0, "ci95": wilson(20, 100, 285)}
    assert ja["waves"]["2025"]["count"] == 50 and ja["waves"]["2025"]["percent"] == 50.0
    assert ja["difference"] == pytest.approx(30.0) and rows["Nee"]["difference"] == pytest.approx(-30.0)
    assert ja["test"] == "z" and ja["p_value"] == pytest.approx(normal_two_sided(4.4475), rel=1e-3)
    # Holm over the question's two items (same p): twice the smaller p.
    assert ja["p_adjusted"] == pytest.approx(2 * ja["p_value"]) and ja["significant"] is True
    # The interval uses the finite-population correction (N = 285): narrower than without.
    lo, hi = ja["waves"]["2022"]["ci95"]
    lo0, hi0 = wilson(20, 100)
    assert lo0 < lo < 20 < hi < hi0


def test_likert_base_and_agree_share(constructed: Path):
    rows = {r["option"]: r for r in _rows(constructed, question="l")}
    assert "Nvt" not in rows  # counted by tally, not in the base, not compared
    assert set(rows) == set(LIKERT) | {"agree"}
    agree = rows["agree"]
    assert agree["label"] == "Eens + Helemaal eens"
    assert (agree["waves"]["2022"]["count"], agree["waves"]["2022"]["n"]) == (20, 50)
    assert (agree["waves"]["2025"]["count"], agree["waves"]["2025"]["n"]) == (40, 60)
    assert agree["p_value"] == pytest.approx(two_proportion_test(20, 50, 40, 60)[1])
    tested = [r for r in rows.values() if r["p_value"] is not None]
    assert [r["p_adjusted"] for r in tested] == pytest.approx(holm([r["p_value"] for r in tested]))
    # 5 of 50 against 5 of 60: expected "yes" in 2022 is 50 * 10 / 110 = 4.5 < 5.
    assert rows["Helemaal oneens"]["test"] == "fisher" and rows["Eens"]["test"] == "z"
    multi = {r["option"]: r for r in _rows(constructed, question="m")}
    assert multi["A"]["waves"]["2022"] == {"n": 80, "count": 30, "percent": 37.5, "ci95": wilson(30, 80, 285)}
    assert multi["A"]["significant"] is False


def test_theme_shares_human_codes_win_and_non_answers_left_out(constructed: Path):
    rows = {r["option"]: r for r in _rows(constructed, question="o")}
    assert set(rows) == {"a", "b", "overig"} and all(r["kind"] == "theme" for r in rows.values())
    w22 = {k: (r["waves"]["2022"]["count"], r["waves"]["2022"]["n"]) for k, r in rows.items()}
    # Base 9: answer 9 is a non-answer. a: 1-5 (the human took answer 0 out of a), b: 0 and 6, none: 7 and 8.
    assert w22 == {"a": (5, 9), "b": (2, 9), "overig": (2, 9)}
    w25 = {k: (r["waves"]["2025"]["count"], r["waves"]["2025"]["n"]) for k, r in rows.items()}
    # Base 5: answer 5 has no codes yet and is not counted as a zero.
    assert w25 == {"a": (2, 5), "b": (0, 5), "overig": (3, 5)}
    assert "1 answer of wave 2025 has no current codes" in rows["a"]["note"]
    assert rows["a"]["waves"]["2022"]["ci95"] == wilson(5, 9, 285)
    assert all(r["test"] == "fisher" for r in rows.values())  # tiny counts


def test_open_question_without_codes_says_so(constructed: Path):
    rows = _rows(constructed, "2022", "2028", question="o")
    assert len(rows) == 1
    (row,) = rows
    assert row["option"] is None and row["test"] is None and row["p_value"] is None
    assert "no theme codes in wave 2028" in row["note"]
    assert row["waves"] == {"2022": None, "2028": None}  # no invented zeros


def test_all_questions_skip_numeric_and_errors(constructed: Path):
    rows = _rows(constructed)
    assert list(dict.fromkeys(r["question"] for r in rows)) == ["q", "l", "m", "o"]
    with Store(constructed) as store:
        for args, message in [(("nope", "2022", "2025"), "no survey 'nope'"),
                              (("t", "2022", "1999"), "no wave '1999'"),
                              (("t", "2022", "2022"), "two different waves")]:
            with pytest.raises(InputError, match=message):
                compare_waves(store, *args)
        with pytest.raises(InputError, match="no question 'zz'"):
            compare_waves(store, "t", "2022", "2025", "zz")
        with pytest.raises(InputError, match="numeric"):
            compare_waves(store, "t", "2022", "2025", "x")


def test_topic_changes_are_listed_when_topics_exist(constructed: Path, monkeypatch):
    fake = types.ModuleType("textmine.topics")
    calls = []

    def topic_changes(clusters, wave_a, wave_b):  # the shape of textmine.topics.topic_changes
        calls.append((list(clusters), wave_a, wave_b))
        return {"appeared": [{"id": 3, "label": "klimaat en water", "keywords": ["klimaat", "water"],
                              "waves": {"2022": {"count": 0, "share": 0.0}, "2025": {"count": 4, "share": 0.1}}}],
                "vanished": [{"id": 1, "label": "fairtrade", "waves": {"2022": {"count": 5, "share": 0.08}}}]}

    fake.topic_changes = topic_changes
    monkeypatch.setitem(sys.modules, "textmine.topics", fake)
    monkeypatch.setattr(Store, "topic_clusters", lambda self, survey, question: [{"id": 1}], raising=False)
    topics = [r for r in _rows(constructed, question="o") if r["kind"] == "topic"]
    assert calls and calls[0][1:] == ("2022", "2025")
    assert [(r["change"], r["label"]) for r in topics] == [("appeared", "klimaat en water"), ("vanished", "fairtrade")]
    assert topics[0]["waves"]["2025"] == {"count": 4, "percent": 10.0} and topics[0]["p_value"] is None
    assert topics[1]["waves"] == {"2022": {"count": 5, "percent": 8.0}, "2025": None}
    assert topics[0]["keywords"] == ["klimaat", "water"]
    # No topics run for the question: nothing added.
    monkeypatch.setattr(Store, "topic_clusters", lambda self, survey, question: [], raising=False)
    assert not [r for r in _rows(constructed, question="o") if r["kind"] == "topic"]


def test_topics_missing_is_skipped_silently(constructed: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "textmine.topics", None)  # import fails
    assert not [r for r in _rows(constructed, question="o") if r["kind"] == "topic"]


def test_table_marks_significance(constructed: Path, cli):
    res = cli("compare", "-p", constructed, "--survey", "t", "--waves", "2022", "2025")
    assert res.exit_code == 0, res.output
    assert "Vraag" in res.stdout and "n = 100" in res.stdout
    ja = next(line for line in res.stdout.splitlines() if line.startswith("Ja "))
    assert "+30.0" in ja and "<0.001" in ja and ja.rstrip().endswith("*")
    multi_a = next(line for line in res.stdout.splitlines() if line.startswith("A "))
    assert "+0.0" in multi_a and not multi_a.rstrip().endswith("*")
    assert "+30.0" in res.stdout and "1 answer of wave 2025 has no current codes" in res.stdout


# --- the CLI on the bundled sample ------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("waves_sample") / "p"
    schema = load_schema(REPO / "data" / "schemas" / "sdg.yaml")
    for wave, population in (("2022", 300), ("2025", 285)):  # as textmine demo ingests them
        ingest(REPO / "data" / "sample" / f"sdg_{wave}_SYNTHETIC.csv", schema, p, wave, population=population)
    return p


def test_brief_example_on_the_sample(sample: Path, cli):
    res = cli("compare", "-p", sample, "--survey", "sdg", "--waves", "2022", "2025",
              "-q", "internationale_samenwerking", "-f", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["option"] for r in rows] == ["Ja", "Nee", "Weet niet"]
    ja = rows[0]
    assert set(ja) >= {"question", "option", "kind", "label", "waves", "difference", "test", "p_value",
                       "p_adjusted", "significant"}
    a, b = ja["waves"]["2022"], ja["waves"]["2025"]
    assert set(a) == {"n", "count", "percent", "ci95"} and len(a["ci95"]) == 2
    assert (a["n"], a["count"], round(a["percent"])) == (105, 52, 50)   # 50% of n = 105
    assert (b["n"], b["count"], round(b["percent"])) == (62, 33, 53)    # 53% (63 respondents, one blank)
    assert a["ci95"] == pytest.approx(wilson(52, 105, 300)) and b["ci95"] == pytest.approx(wilson(33, 62, 285))
    # By hand: pooled 85/167, SE = 0.080070, z = 0.4623, p = 0.644: not a significant change.
    pooled = 85 / 167
    z = (33 / 62 - 52 / 105) / math.sqrt(pooled * (1 - pooled) * (1 / 105 + 1 / 62))
    assert ja["test"] == "z" and ja["p_value"] == pytest.approx(normal_two_sided(z))
    assert ja["difference"] == pytest.approx(100 * (33 / 62 - 52 / 105))
    assert ja["significant"] is False and ja["p_adjusted"] >= ja["p_value"]


def test_csv_output(sample: Path, cli, tmp_path: Path):
    out = tmp_path / "cmp.csv"
    res = cli("compare", "-p", sample, "--survey", "sdg", "--waves", "2022", "2025", "-f", "csv", "-o", out)
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    ja = next(r for r in rows if r["question"] == "internationale_samenwerking" and r["option"] == "Ja")
    assert (ja["n_2022"], ja["count_2022"], ja["n_2025"], ja["count_2025"]) == ("105", "52", "62", "33")
    assert ja["test"] == "z" and ja["significant"] == "False" and float(ja["ci95_low_2022"]) < 49.5
    # Open questions of the sample are not coded here: said so, once per question, without numbers.
    tips = [r for r in rows if r["question"] == "tips"]
    assert len(tips) == 1 and "no theme codes" in tips[0]["note"] and tips[0]["n_2022"] == ""
    as_json = json.loads(cli("compare", "-p", sample, "--survey", "sdg", "--waves", "2022", "2025",
                             "-f", "json").stdout)
    assert len(as_json) == len(rows)


def test_bad_input_exit_2(sample: Path, cli):
    for args, message in [(("--waves", "2022", "2024"), "no wave '2024'"),
                          (("--waves", "2022", "2025", "-q", "nope"), "no question 'nope'")]:
        res = cli("compare", "-p", sample, "--survey", "sdg", *args)
        assert res.exit_code == 2 and message in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output
    res = cli("compare", "-p", sample, "--survey", "lmb", "--waves", "2022", "2025")
    assert res.exit_code == 2 and "no survey 'lmb'" in res.stderr
