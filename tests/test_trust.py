"""Trust figures (issue 13 point 5): Project.trust and the report's "Betrouwbaarheid van de codes".

A small project whose machine codes come from a stub coder (known calls, no model), with audit
human codes and trained-on human codes of known overlap; the figures are checked against values
worked out by hand below.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from textmine import InputError, Project
from textmine.agreement import ALL_THEMES, TRUST_COLUMNS, trust_table
from textmine.codes import human_labels
from textmine.report.blocks import trust as trust_block
from tm_testutil import REPO

SAMPLE = REPO / "data" / "sample"
LMB = REPO / "data" / "schemas" / "lmb.yaml"
Q = "trots"
B, F = "beleid", "fairtrade"
SPEC = "survey: lmb\nopen: [trots]\nclosed: [voert_lmb]\nquotes: 1\n"


class StubCoder:
    """Codes theme ``beleid`` on the answers whose text is in ``tagged``, nothing else; records
    what it was trained on."""

    fitted: list[tuple[list[str], Any]] = []

    def __init__(self, ids: list[str], tagged: set[str]) -> None:
        self.ids, self.tagged = ids, tagged

    def fit(self, X: list[Any], Y: Any = None) -> "StubCoder":
        StubCoder.fitted.append(([a.text for a in X], None if Y is None else np.asarray(Y)))
        return self

    def score_and_code(self, X: list[Any]) -> tuple[np.ndarray, list[list[str]]]:
        themes = [[B] if a.text in self.tagged else [] for a in X]
        scores = np.array([[1.0 if t in th else 0.0 for t in self.ids] for th in themes]).reshape(len(X), -1)
        return scores, themes

    def predict_proba(self, X: list[Any]) -> np.ndarray:
        return self.score_and_code(X)[0]

    def predict(self, X: list[Any]) -> np.ndarray:
        return self.score_and_code(X)[0].astype(int)


class QuietStub(StubCoder):
    def fit(self, X: list[Any], Y: Any = None) -> "QuietStub":
        return self


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval, written out here (0-1)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def alpha_binary(n_values: int, ones: int, disagreements: int) -> float:
    """Krippendorff's alpha of two coders, 0/1 values: 1 - (n - 1) * D / (n0 * n1), n = all values,
    D = units on which they disagree (Krippendorff 2011, the binary case)."""
    return 1 - (n_values - 1) * disagreements / ((n_values - ones) * ones)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Any]:
    """Audit answers a0..a9, trained-on answers b0..b3, c0 (An in the audit, then Bo outside it),
    c1 (An and Bo disagree). Machine: beleid on a0..a3, b0, b1.
    Human beleid: a0, a1, a4, b0, b1, c0 (Bo); fairtrade: a5; c1: An beleid, Bo (later) nothing."""
    from textmine.clean import clean_project
    from textmine.coding import code_question

    project = Project(tmp_path_factory.mktemp("trust") / "p")
    export = pd.read_csv(SAMPLE / "lmb_2025_SYNTHETIC.csv", sep=";", encoding="cp1252", dtype=str,
                         keep_default_na=False)
    project.ingest(export, LMB, "2025")
    with project.store() as store:
        cleaned = clean_project(store, survey="lmb", question=Q).answers
    texts = pd.Series([a["normalized_text"] for a in cleaned])
    unique = {(a["wave"], a["respondent_id"]): a["normalized_text"] for a in cleaned
              if (texts == a["normalized_text"]).sum() == 1}

    def take(order: str, n: int, skip: list[str]) -> list[str]:
        keys: list[str] = []
        while len(keys) < n:
            a = project.next_answer(Q, order=order, skip=skip + keys)
            assert a is not None
            if (a["wave"], a["respondent_id"]) in unique:
                keys.append(a["key"])
            else:
                skip = skip + [a["key"]]
        return keys

    a = take("audit", 10, [])
    rest = take("uncertain", 6, a)  # the uncertain order keeps the audit sample for last
    b, c = rest[:4], rest[4:]
    save = project.save_answer_codes
    for i, key in enumerate(a):
        save(key, [B] if i in (0, 1, 4) else [F] if i == 5 else [], "An", audit=True)
    for i, key in enumerate(b):
        save(key, [B] if i < 2 else [], "An")
    save(c[0], [B], "An", audit=True)
    save(c[0], [B], "Bo")        # coded again outside the audit sample: trained on
    save(c[1], [B], "An")
    save(c[1], ["overig"], "Bo")  # the later call wins

    def text(key: str) -> str:
        _s, w, _q, r = project.parse_key(key)
        return unique[(w, r)]

    tagged = {text(k) for k in a[:4] + b[:2]}
    StubCoder.fitted.clear()
    with project.store() as store:
        book = project.codebook(Q)[1]
        code_question(store, Q, codebook=book, factory=lambda cb, emb: StubCoder(cb.ids, tagged))
    return {"project": project, "a": a, "b": b, "c": c, "book": book, "text": text,
            "trust": project.trust(Q)}


def row(table: pd.DataFrame, theme: str) -> pd.Series:
    return table.set_index("theme").loc[theme]


def test_audit_codes_never_train_the_coder(built):
    project, text = built["project"], built["text"]
    (trained, Y), = StubCoder.fitted
    assert sorted(trained) == sorted(text(k) for k in built["b"] + built["c"])  # no audit answer
    assert Y.shape == (6, len(built["book"].ids))
    with project.store() as store:
        labels = human_labels(store, built["book"], "lmb", Q, audit=False)
    keys = {project.parse_key(k)[1:4:2] for k in built["b"] + built["c"]}
    assert set(zip(labels.wave, labels.respondent_id)) == keys


def test_precision_and_recall_on_the_audit_sample(built):
    t = built["trust"]
    assert list(t.columns) == TRUST_COLUMNS and list(t.theme) == [*built["book"].ids, ALL_THEMES]
    assert (t.audit_answers == 10).all()  # c0 was coded outside the audit too: not an audit answer
    b = row(t, B)  # machine a0..a3, human a0, a1, a4: 2 of 4 right, 2 of 3 found
    assert (b.audit_positives, b.machine_positives) == (3, 4)
    assert b.precision == pytest.approx(0.5) and b.recall == pytest.approx(2 / 3)
    assert (b.precision_low, b.precision_high) == pytest.approx(wilson(2, 4))
    assert (b.recall_low, b.recall_high) == pytest.approx(wilson(2, 3))
    assert b.alpha_audit == pytest.approx(alpha_binary(20, 7, 3)) == pytest.approx(34 / 91)
    f = row(t, F)  # the human saw it once, the machine never: nothing to say about precision
    assert (f.audit_positives, f.machine_positives) == (1, 0)
    assert math.isnan(f.precision) and math.isnan(f.precision_low) and f.recall == 0.0
    assert (f.recall_low, f.recall_high) == pytest.approx(wilson(0, 1))
    assert f.alpha_audit == pytest.approx(alpha_binary(20, 1, 1)) == pytest.approx(0.0)
    quiet = row(t, "evenementen")  # neither ever: no figure, counts zero
    assert (quiet.audit_positives, quiet.machine_positives) == (0, 0)
    assert np.isnan([quiet.precision, quiet.recall, quiet.alpha_audit, quiet.alpha_machine_human]).all()
    pooled = row(t, ALL_THEMES)  # 60 decisions: 4 human yes, 4 machine yes, 2 both
    assert (pooled.audit_positives, pooled.machine_positives) == (4, 4)
    assert pooled.precision == pooled.recall == pytest.approx(0.5)
    assert (pooled.precision_low, pooled.precision_high) == pytest.approx(wilson(2, 4))
    assert pooled.alpha_audit == pytest.approx(alpha_binary(120, 8, 4)) == pytest.approx(105 / 224)


def test_alpha_machine_human_and_between_coders(built):
    t = built["trust"]
    b = row(t, B)
    # all 16 human-coded answers: audit as above, b0..b3 agree, c0 human yes machine no, c1 both no
    assert b.answers_machine_human == 16
    assert b.alpha_machine_human == pytest.approx(alpha_binary(32, 12, 4)) == pytest.approx(232 / 480)
    assert b.alpha_machine_human > b.alpha_audit  # the trained-on answers flatter it
    # An and Bo share c0 (both beleid) and c1 (An beleid, Bo nothing)
    assert (t.answers_coders == 2).all() and t.attrs["coders"] == ["An", "Bo"]
    assert b.alpha_coders == pytest.approx(alpha_binary(4, 3, 1)) == pytest.approx(0.0)
    assert math.isnan(row(t, F).alpha_coders)  # nobody gave it: one value throughout
    assert row(t, ALL_THEMES).alpha_coders == pytest.approx(alpha_binary(24, 3, 1)) == pytest.approx(40 / 63)
    assert t.attrs["survey"] == "lmb" and t.attrs["audit_size"] == 30


def test_nothing_to_measure_yet(built):
    project = built["project"]
    empty = project.trust("noden")  # not coded, no human codes
    assert (empty.audit_answers == 0).all() and (empty.answers_machine_human == 0).all()
    assert (empty.answers_coders == 0).all() and empty.attrs["coders"] == []
    figures = ["precision", "precision_low", "recall_high", "alpha_audit", "alpha_machine_human", "alpha_coders"]
    assert empty[figures].isna().all().all()
    html = trust_block(empty)
    assert "nog geen auditsteekproef gecodeerd" in html and "textmine serve" in html and "‘audit’" in html
    assert "30 antwoorden" in html and "<table" not in html
    with pytest.raises(InputError, match="no open question 'nope'"):
        project.trust("nope")
    # codes given outside the audit sample alone: alpha machine-human, but no audit figures
    with project.store() as store:
        codes = store.codes("lmb", None, Q)
    only_trained = trust_table(codes[codes.audit == 0], built["book"])
    assert (only_trained.audit_answers == 0).all() and row(only_trained, B).answers_machine_human == 6
    assert "nog geen auditsteekproef" in trust_block(only_trained) and "alle 6 door een medewerker" in \
        trust_block(only_trained)


class Cells(HTMLParser):
    """The rows of the report's trust tables as text cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.depth = 0
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and ("class", "num trust") in attrs:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.depth = 0
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def dutch(x: float, digits: int) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def test_report_shows_the_same_figures(built, tmp_path: Path):
    project, t = built["project"], built["trust"]
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    html = project.report(tmp_path / "rapport.html", spec=spec).read_text(encoding="utf-8")
    section = html[html.index('id="lmb-open-trots"'):html.index('id="lmb-clusters"')]
    assert "Betrouwbaarheid van de codes" in section
    parser = Cells()
    parser.feed(section)
    rows = [r for r in parser.rows if r]
    assert len(rows) == len(t)

    def rate(r: pd.Series, name: str) -> str:
        if math.isnan(r[name]):
            return "–"
        return (f"{dutch(100 * r[name], 0)}% ({dutch(100 * r[name + '_low'], 0)}–"
                f"{dutch(100 * r[name + '_high'], 0)}%)")

    for cells, (_i, r) in zip(rows, t.iterrows()):
        alpha = "–" if math.isnan(r.alpha_audit) else dutch(r.alpha_audit, 2)
        assert cells == [r.label, str(r.audit_positives), str(r.machine_positives), rate(r, "precision"),
                         rate(r, "recall"), alpha]
    assert rows[-1][:4] == ["Alle thema’s", "4", "4", "50% (15–85%)"]  # spelled out once
    pooled = row(t, ALL_THEMES)
    text = re.sub(r"<[^>]+>", "", section)
    assert f"{pooled.audit_answers} antwoorden uit de willekeurige auditsteekproef (30 antwoorden" in text
    assert (f"{dutch(pooled.alpha_audit, 2)} op de 10 auditantwoorden en {dutch(pooled.alpha_machine_human, 2)} "
            f"op alle 16 door een medewerker gecodeerde antwoorden") in text
    assert f"alfa {dutch(pooled.alpha_coders, 2)} op 2 antwoorden" in text
    assert "An" not in re.findall(r"\b\w+\b", text)  # coders' names stay out of the public report


def test_evaluate_carries_the_trust_figures(built):
    from textmine.agreement import evaluate_question
    from textmine.render import evaluation_view

    project, text = built["project"], built["text"]
    tagged = {text(k) for k in built["a"][:4] + built["b"][:2]}
    with project.store() as store:
        out = evaluate_question(store, Q, codebook=built["book"], factory=lambda cb, emb: QuietStub(cb.ids, tagged))
    got = pd.DataFrame(out["trust"])
    pd.testing.assert_frame_equal(got, built["trust"], check_dtype=False)
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(evaluation_view(out))
    assert "audit sample (10 answers, never trained on): precision 0.50, recall 0.50, alpha 0.47" in console.export_text()


def test_only_the_current_audit_sample_counts(built):
    project = built["project"]
    with project.store() as store:
        codes = store.codes("lmb", None, Q)
    keys = [project.parse_key(k)[1:4:2] for k in built["a"]]
    assert (trust_table(codes, built["book"]).audit_answers == 10).all()
    half = trust_table(codes, built["book"], keys[:5])  # a0..a4: beleid by machine a0..a3, human a0, a1, a4
    b = row(half, B)
    assert (b.audit_answers, b.audit_positives, b.machine_positives) == (5, 3, 4)
    assert b.precision == pytest.approx(0.5) and b.recall == pytest.approx(2 / 3)
    assert (trust_table(codes, built["book"], []).audit_answers == 0).all()
