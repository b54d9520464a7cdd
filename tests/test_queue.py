"""The coding queue behind the workbench (textmine/queue.py, the Project methods of SERVE13.md):
order, audit sample, human codes stored at once, progress, errors, concurrent writers."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from textmine import InputError, Project
from textmine.cli import app
from textmine.codes import human_labels
from textmine.queue import audit_place, audit_size, split_key
from textmine.store import Store
from tm_testutil import REPO, copy_project_db, old_store, store_version

SAMPLE = REPO / "data" / "sample"
LMB = REPO / "data" / "schemas" / "lmb.yaml"
Q = "noden"


def read_export(wave: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / f"lmb_{wave}_SYNTHETIC.csv", sep=";", encoding="cp1252", dtype=str,
                       keep_default_na=False)


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> Project:
    """The sample's 2025 LMB wave, 'noden' machine-coded once (tests copy it before they write)."""
    project = Project(tmp_path_factory.mktemp("queue") / "base")
    project.ingest(read_export("2025"), LMB, "2025")
    project.code(Q)
    return project


@pytest.fixture
def project(coded: Project, tmp_path: Path) -> Project:
    """A copy of the coded project of one's own."""
    return Project(copy_project_db(coded.path, tmp_path / "p"))


def cli_code(project: Project) -> dict[tuple[str, str], dict]:
    res = CliRunner().invoke(app, ["code", "-p", str(project.path), "-q", Q, "-f", "json"])
    assert res.exit_code == 0, res.output
    return {(a["wave"], a["respondent_id"]): a for a in json.loads(res.stdout)}


def margins(project: Project) -> dict[tuple[str, str], float]:
    """Computed here from the stored codes and the run's thresholds, as the queue should order them."""
    with project.store() as store:
        codes = store.codes("lmb", None, Q, source="machine")
        run = store.runs("code").iloc[-1]
    thresholds = json.loads(run.provenance_json)["thresholds"]
    out: dict[tuple[str, str], float] = {}
    for r in codes.itertuples():
        d = abs(r.score - thresholds[r.theme])
        out[(r.wave, r.respondent_id)] = min(d, out.get((r.wave, r.respondent_id), 1.0))
    return out


def walk(project: Project, order: str, n: int) -> list[dict]:
    seen: list[dict] = []
    for _ in range(n):
        nxt = project.next_answer(Q, order=order, skip=[a["key"] for a in seen])
        if nxt is None:
            break
        seen.append(nxt)
    return seen


def test_order_uncertain_is_least_certain_first(project: Project):
    m = margins(project)
    first = walk(project, "uncertain", 12)
    got = [m[(a["wave"], a["respondent_id"])] for a in first]
    assert got == sorted(got) and len(got) == 12
    sample = {(a["wave"], a["respondent_id"]) for a in walk(project, "audit", 200)}
    outside = [v for k, v in m.items() if k not in sample]
    assert got[0] == min(outside) < max(outside)  # the audit sample is held out until the end
    a = first[0]
    assert split_key(a["key"]) == ("lmb", a["wave"], Q, a["respondent_id"])
    assert a["remaining"] == len(outside) + len(sample) and first[1]["remaining"] == a["remaining"] - 1
    assert a["text"] and a["municipality"] and a["province"] and a["human"] is None
    book = project.codebook(Q)[1]
    assert [s["theme"] for s in a["suggestions"]] == book.ids
    for s in a["suggestions"]:
        assert 0 <= s["score"] <= 1 and isinstance(s["applies"], bool) and s["label"]
        for kw in s["keywords"]:  # what matched is in the text (keywords are matched folded)
            assert kw in a["text"] or kw in _fold(a["text"])


def _fold(text: str) -> str:
    from textmine.coders.base import fold

    return fold(text)


def test_suggestions_carry_the_matched_keywords(project: Project):
    book = project.codebook(Q)[1]
    found = 0
    for a in walk(project, "uncertain", 40):
        for s in a["suggestions"]:
            theme = book.theme(s["theme"])
            for kw in s["keywords"]:  # a keyword of this theme (folded), or what its pattern matched
                assert kw in {_fold(k) for k in theme.keywords} or (kw in a["text"] and theme.patterns), kw
            found += bool(s["keywords"])
    assert found > 5


def test_audit_sample_is_stable_and_never_trains(project: Project):
    states_n = project.progress().set_index("question").loc[Q]
    audit = walk(project, "audit", 5)
    again = walk(Project(project.path), "audit", 5)
    assert [a["key"] for a in audit] == [a["key"] for a in again]
    assert audit[0]["remaining"] == audit_size(states_n.answers) == states_n.audit_size == 30
    places = [audit_place("lmb", Q, a["wave"], a["respondent_id"]) for a in audit]
    assert places == sorted(places)  # the sample's random order: a hash of the key, seeded by the question

    # Two audit decisions and one ordinary one.
    for a, themes in zip(audit[:2], (["uitwisseling"], ["zichtbaarheid", "verankering"])):
        assert project.save_answer_codes(a["key"], themes, "Ann", audit=True)["themes"] == themes
    plain = project.next_answer(Q)
    project.save_answer_codes(plain["key"], ["themadagen"], "Bert")
    assert project.next_answer(Q, order="audit")["key"] == audit[2]["key"]
    row = project.progress().set_index("question").loc[Q]
    assert (row.audit_done, row.human) == (2, 3)

    with project.store() as store:
        book = project.codebook(Q)[1]
        trained = human_labels(store, book, "lmb", Q, audit=False)
        everyone = human_labels(store, book, "lmb", Q)
        assert list(trained.respondent_id) == [plain["respondent_id"]]
        assert len(everyone) == 3
    result = project.retrain(Q)
    assert result["human_coded"] == 1 and result["answers"] > 60
    # ... but they are human codes for every reader: human codes win.
    out = cli_code(project)
    assert out[(audit[1]["wave"], audit[1]["respondent_id"])]["themes"] == ["zichtbaarheid", "verankering"]
    assert out[(audit[1]["wave"], audit[1]["respondent_id"])]["source"] == "human"
    assert project.answer(audit[0]["key"])["audit"] is True


def test_save_shows_in_code_json_and_a_second_save_supersedes(project: Project):
    a = project.next_answer(Q)
    key = a["key"]
    saved = project.save_answer_codes(key, ["zichtbaarheid", "uitwisseling"], "  Ann  Peeters ")
    assert saved == {"key": key, "themes": ["zichtbaarheid", "uitwisseling"], "coder": "Ann Peeters",
                     "source": "human"}
    k = (a["wave"], a["respondent_id"])
    assert cli_code(project)[k]["themes"] == ["zichtbaarheid", "uitwisseling"]
    assert cli_code(project)[k]["source"] == "human"
    assert project.next_answer(Q)["key"] != key  # coded: out of the queue
    shown = project.answer(key)
    assert (shown["human"], shown["coder"], shown["audit"]) == (["zichtbaarheid", "uitwisseling"], "Ann Peeters",
                                                                False)

    project.save_answer_codes(key, ["verankering"], "Ann Peeters")
    assert cli_code(project)[k]["themes"] == ["verankering"]
    with project.store() as store:
        codes = store.codes("lmb", a["wave"], Q, source="human", status=None)
    codes = codes[codes.respondent_id == a["respondent_id"]]
    n_themes = len(project.codebook(Q)[1].ids)
    assert (codes.status == "superseded").sum() == n_themes and (codes.status == "current").sum() == n_themes

    # no theme, then not an answer, then a theme again: each one supersedes the last
    project.save_answer_codes(key, [], "Ann Peeters")
    assert cli_code(project)[k]["themes"] == ["overig"]
    project.save_answer_codes(key, ["non_answer"], "Ann Peeters")
    assert project.answer(key)["human"] == ["non_answer"]
    assert cli_code(project)[k]["themes"] == ["non_answer"]
    assert project.save_answer_codes(key, ["overig"], "Ann Peeters")["themes"] == ["overig"]
    assert project.answer(key)["human"] == ["overig"]

    # the review workbook sees the same human code
    from textmine.review import SOURCE, review_rows

    with project.store() as store:
        rows = review_rows(store, project.codebook(Q)[1], "lmb", Q)
    assert rows.set_index("Respondent").loc[a["respondent_id"], SOURCE] == "mens"


def test_progress_counts_move(project: Project):
    before = project.progress()
    assert list(before.columns) == ["survey", "question", "label", "answers", "human", "machine", "to_review",
                                    "audit_done", "audit_size", "auto", "auto_needed"]
    assert set(before.question) == {"reden_geen_lmb", "wat_werkt", "noden", "trots"}
    b = before.set_index("question").loc[Q]
    assert b.human == 0 and b.machine == b.answers == b.to_review > 60
    assert before.set_index("question").loc["trots"].machine == 0  # not coded yet
    project.save_answer_codes(project.next_answer(Q)["key"], ["uitwisseling"], "Ann")
    project.save_answer_codes(project.next_answer(Q, order="audit")["key"], [], "Ann", audit=True)
    after = project.progress().set_index("question").loc[Q]
    assert (after.human, after.machine, after.to_review, after.audit_done) == (2, b.machine - 2, b.to_review - 2, 1)
    assert after.answers == b.answers


def test_recent_codes_newest_first(project: Project):
    keys = [a["key"] for a in walk(project, "uncertain", 4)]
    for key in keys:
        project.save_answer_codes(key, ["themadagen"], "Ann")
    project.save_answer_codes(keys[1], ["uitwisseling", "themadagen"], "Ann")  # going back to change one
    project.save_answer_codes(keys[0], ["verankering"], "Bert")
    recent = project.recent_codes(Q, "Ann", limit=3)
    assert [r["key"] for r in recent] == [keys[1], keys[3], keys[2]]
    assert recent[0]["themes"] == ["uitwisseling", "themadagen"]
    assert [r["key"] for r in project.recent_codes(Q, "Bert")] == [keys[0]]
    assert project.recent_codes(Q, "Carla") == []


def test_bad_input_is_one_line(project: Project):
    key = project.next_answer(Q)["key"]
    cases = [
        (lambda: project.save_answer_codes("lmb:2025", ["uitwisseling"], "Ann"), "is not an answer key"),
        (lambda: project.save_answer_codes("lmb:2025:noden:nobody", ["uitwisseling"], "Ann"), "no answer"),
        (lambda: project.save_answer_codes(key, ["geen_thema"], "Ann"), "theme 'geen_thema' is not in the codebook"),
        (lambda: project.save_answer_codes(key, "uitwisseling", "Ann"), "must be a list"),
        (lambda: project.save_answer_codes(key, ["overig", "uitwisseling"], "Ann"), "cannot be combined"),
        (lambda: project.save_answer_codes(key, ["uitwisseling"], "  "), "coder"),
        (lambda: project.save_answer_codes(key, ["uitwisseling"], "A\nB" * 60), "longer than"),
        (lambda: project.answer("lmb:2025:noden:nobody"), "no answer"),
        (lambda: project.parse_key("x:y"), "is not an answer key"),
        (lambda: project.next_answer(Q, order="random"), "order 'random'"),
        (lambda: project.next_answer("geen_vraag"), "no open question"),
        (lambda: project.recent_codes(Q, ""), "coder"),
    ]
    for call, message in cases:
        with pytest.raises(InputError) as err:
            call()
        assert message in str(err.value) and "\n" not in str(err.value)
    assert project.parse_key(key)[2] == Q
    with project.store() as store:
        assert store.codes("lmb", None, Q, source="human").empty  # nothing stored by a refused call


def test_two_coders_and_a_retrain_at_once_lose_nothing(project: Project):
    queue = walk(project, "uncertain", 24)
    themes = ["uitwisseling", "verankering", "themadagen"]
    errors: list[BaseException] = []
    saved: dict[str, list[str]] = {}
    saved_at: list[float] = []
    retraining: list[tuple[float, float]] = []
    started = threading.Event()

    def coder(name: str, answers: list[dict]) -> None:
        try:
            started.wait(30)
            for i, a in enumerate(answers):
                chosen = [themes[i % 3]] if i % 4 else [themes[i % 3], themes[(i + 1) % 3]]
                Project(project.path).save_answer_codes(a["key"], chosen, name)
                saved[a["key"]] = chosen
                saved_at.append(time.perf_counter())
                time.sleep(0.02)  # a coder's pace, sped up: the saves span the retrains
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def retrain() -> None:
        try:
            for _ in range(2):
                begin = time.perf_counter()
                started.set()
                Project(project.path).retrain(Q)
                retraining.append((begin, time.perf_counter()))
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=retrain), threading.Thread(target=coder, args=("Ann", queue[::2])),
               threading.Thread(target=coder, args=("Bert", queue[1::2]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(saved) == 24
    assert any(b < t < e for t in saved_at for b, e in retraining)  # they did write side by side
    out = cli_code(project)
    for key, chosen in saved.items():
        _, wave, _, rid = split_key(key)
        assert out[(wave, rid)]["themes"] == chosen and out[(wave, rid)]["source"] == "human", key
    with project.store() as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_retrain_embeds_nothing_again(project: Project):
    """A retrain after a few decisions reuses every cached vector (its speed is measured by
    scripts/bench_queue.py, not here: timed tests fail on a busy machine)."""
    for a, t in zip(walk(project, "uncertain", 10), ["uitwisseling", "verankering"] * 5):
        project.save_answer_codes(a["key"], [t], "Ann")
    project.retrain(Q)

    def vectors() -> int:
        with project.store() as store:
            return store.db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    before = vectors()
    result = project.retrain(Q)
    assert result["human_coded"] == 10 and result["seconds"] >= 0
    assert vectors() == before > 0  # no new vector: every text came from the cache


def test_an_older_store_gets_the_audit_column(tmp_path: Path):
    from textmine import store as store_module

    project = tmp_path / "old"
    db = old_store(project, 3, "\n    audit INTEGER NOT NULL DEFAULT 0,")
    db.execute("INSERT INTO codes (survey, wave, question, respondent_id, theme, applies, source, coder, "
               "text_hash, created_at) VALUES ('s','1','q','r1','a',1,'human','Ann','h','t')")
    db.commit()
    db.close()
    with Store(project) as store:
        assert store_version(store) == str(store_module.STORE_VERSION) == "4"
        codes = store.codes("s")
    assert list(codes.audit) == [0]


def test_two_coders_at_once_get_different_answers(project: Project):
    ann = project.next_answer(Q, coder="Ann")
    assert project.next_answer(Q, coder="Ann")["key"] == ann["key"]  # hers until she decides
    bert = project.next_answer(Q, coder="Bert")
    assert bert["key"] != ann["key"]
    assert project.next_answer(Q)["key"] == project.next_answer(Q, coder="Carla", skip=[bert["key"]])["key"] \
        not in (ann["key"], bert["key"])
    project.save_answer_codes(ann["key"], ["uitwisseling"], "Ann")
    nxt = project.next_answer(Q, coder="Ann")
    assert nxt["key"] not in (ann["key"], bert["key"])
    assert nxt["remaining"] == ann["remaining"] - 1


def test_grid_confirm_and_trust(project: Project):
    grid = project.grid(Q)
    assert list(grid.columns[:5]) == ["key", "survey", "question", "wave", "respondent_id"]
    assert len(grid) == len(project.answers(Q)) and grid.key.is_unique
    assert set(grid[~grid.non_answer].source) == {"machine"} and grid.non_answer.any()
    assert set(grid[grid.non_answer].source) == {""}  # the machine stores no codes for a non-answer
    assert all(t == ["non_answer"] for t in grid[grid.non_answer].themes)
    assert (grid.audit_sample & ~grid.non_answer).sum() == 30
    m = margins(project)
    row = grid.set_index("key").loc[project.next_answer(Q)["key"]]
    assert row.margin == pytest.approx(m[(row.wave, row.respondent_id)])
    assert row.themes == cli_code(project)[(row.wave, row.respondent_id)]["themes"]

    # bulk confirm: the machine's call becomes Ann's human code; unknown keys refuse the lot
    pick = list(grid[~grid.non_answer].key[:5])
    with pytest.raises(InputError, match="no answer"):
        project.confirm_answers([*pick, "lmb:2025:noden:nobody"], "Ann")
    assert project.progress().set_index("question").loc[Q].human == 0
    done = project.confirm_answers(pick, "Ann")
    assert done["confirmed"] == 5 and done["skipped"] == []
    assert project.confirm_answers(pick, "Ann")["skipped"] == pick  # already hers
    after = project.grid(Q).set_index("key").loc[pick]
    assert set(after.source) == {"human"} and set(after.coder) == {"Ann"}
    assert list(after.themes) == list(grid.set_index("key").loc[pick].themes)

    # trust (Project.trust): the machine against the audit codes (Bert agrees with it on two answers,
    # not on the third)
    assert (project.trust(Q).audit_answers == 0).all()
    audit = walk(project, "audit", 3)
    machine = [[s["theme"] for s in a["suggestions"] if s["applies"]] for a in audit]
    for a, themes in zip(audit[:2], machine):
        project.save_answer_codes(a["key"], themes, "Bert", audit=True)
    wrong = [t for t in project.codebook(Q)[1].ids if t not in machine[2]][:1]
    project.save_answer_codes(audit[2]["key"], wrong, "Bert", audit=True)
    figures = project.trust(Q)
    themes = figures.set_index("theme")
    assert (figures.audit_answers == 3).all() and figures.attrs["audit_size"] == 30
    assert themes.loc[wrong[0]].audit_positives >= 1 and themes.loc[wrong[0]].recall < 1
    per_theme, pooled = themes.drop(index="*"), themes.loc["*"]
    assert pooled.machine_positives == per_theme.machine_positives.sum()
    if pooled.machine_positives:
        right = (per_theme.precision.fillna(0) * per_theme.machine_positives).sum()
        assert pooled.precision == pytest.approx(right / pooled.machine_positives)
    project.save_answer_codes(pick[0], ["verankering"], "Bert")
    assert project.trust(Q).attrs["coders"] == ["Ann", "Bert"]
