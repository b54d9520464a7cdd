"""The Project facade: pandas in and out, the same figures as the CLI, the README's example runs."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from textmine import InputError, Project
from textmine.cli import app
from tm_testutil import REPO

SAMPLE = REPO / "data" / "sample"
LMB = REPO / "data" / "schemas" / "lmb.yaml"
WAVES = ("2022", "2025")


def read_export(wave: str) -> pd.DataFrame:
    # As an analyst reads the export: every cell as the text it holds ("NA", "n.v.t." stay text).
    return pd.read_csv(SAMPLE / f"lmb_{wave}_SYNTHETIC.csv", sep=";", encoding="cp1252", dtype=str,
                       keep_default_na=False)


def cli(*args: object):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> tuple[Path, Project]:
    """The sample's LMB waves twice: through the CLI from the files, and through Project from DataFrames."""
    root = tmp_path_factory.mktemp("facade")
    by_cli = root / "cli"
    for wave in WAVES:
        cli("ingest", SAMPLE / f"lmb_{wave}_SYNTHETIC.csv", "-p", by_cli, "-s", LMB, "-w", wave)
    project = Project(root / "frames")
    for wave in WAVES:
        project.ingest(read_export(wave), LMB, wave)
    return by_cli, project


def test_ingest_report_and_waves(projects):
    by_cli, project = projects
    report = project.ingest(read_export("2025"), LMB, "2025", replace=True)
    assert (report.survey, report.wave, report.replaced, report.source) == ("lmb", "2025", True, "<DataFrame>")
    assert report.respondents == 127 and report.responses == 127 and report.open_answers == 280
    assert "Weembeek-Oppem" in report.unmatched_units
    waves = project.waves()
    assert list(waves.wave) == list(WAVES) and list(waves.respondents) == [115, 127]
    assert set(waves.source_file) == {"<DataFrame>"}


def test_tally_matches_cli_json(projects):
    by_cli, project = projects
    results = json.loads(cli("tally", "-p", by_cli, "-f", "json").stdout)
    expected = {}
    for res in results:
        for q in res["questions"]:
            for option, count in q.get("counts", {}).items():
                ci = q["ci95"].get(option) or [None, None]
                expected[(res["survey"], res["wave"], q["id"], option)] = (
                    q["type"], count, q["base"], q["percent"].get(option), ci[0], ci[1])
    frame = project.tally()
    assert list(frame.columns[:10]) == ["survey", "wave", "question", "type", "option", "count", "base",
                                        "percent", "ci_low", "ci_high"]
    got = {(r.survey, r.wave, r.question, r.option): (r.type, r.count, r.base, r.percent, r.ci_low, r.ci_high)
           for r in frame.itertuples()}
    assert got.keys() == expected.keys() and len(frame) == len(expected) > 40
    for key, (kind, count, base, percent, low, high) in expected.items():
        g = got[key]
        assert g[:3] == (kind, count, base), key
        for value, want in zip(g[3:], (percent, low, high)):
            assert (pd.isna(value) and want is None) or value == pytest.approx(want), key


def test_summaries_match_cli_json(projects):
    by_cli, project = projects
    results = {r["wave"]: r for r in json.loads(cli("tally", "-p", by_cli, "-f", "json").stdout)}
    s = project.summaries(wave="2025")
    stat = {(r.question, r.statistic): r for r in s.itertuples()}
    q = {e["id"]: e for e in results["2025"]["questions"]}
    assert stat[("vte", "median")].value == pytest.approx(q["vte"]["median"])
    assert stat[("vte", "n")].value == q["vte"]["n"]
    assert stat[("steun_lmb", "agree")].percent == pytest.approx(q["steun_lmb"]["summary"]["agree"]["percent"])
    assert stat[("steun_lmb", "mean_score")].value == pytest.approx(q["steun_lmb"]["mean_score"])
    assert stat[("voert_lmb", "missing")].count == q["voert_lmb"]["missing"]
    wave = s[s.question.isna()].set_index("statistic").value
    assert wave["response_rate"] == pytest.approx(results["2025"]["response_rate"])


def test_crosstab_rows(projects):
    _, project = projects
    frame = project.tally(wave="2025", by="province")
    groups = frame[(frame.question == "voert_lmb") & frame.group.notna()]
    overall = frame[(frame.question == "voert_lmb") & frame.group.isna()]
    assert set(groups.by) == {"province"} and len(groups.group.unique()) >= 5
    # The groups add up to the whole (every respondent has a province here or a group of its own).
    assert groups.groupby("option")["count"].sum().to_dict() == overall.set_index("option")["count"].to_dict()


def test_answers_match_cli_clean_json_and_log(projects, caplog):
    by_cli, project = projects
    with caplog.at_level(logging.INFO, logger="textmine"):
        frame = project.answers("noden")
    assert re.search(r"cleaning \d+ answers of 'noden'", caplog.text)
    assert list(frame.columns[:8]) == ["respondent_id", "wave", "text", "redacted_text", "lemmas", "entities",
                                       "flags", "language"]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="textmine"):
        again = project.answers("noden")
    assert "cleaning" not in caplog.text  # cached: nothing to announce
    pd.testing.assert_frame_equal(frame, again)
    expected = json.loads(cli("clean", "-p", by_cli, "-q", "noden", "-f", "json").stdout)
    assert len(frame) == len(expected) > 100
    for row, want in zip(frame.to_dict("records"), expected):
        assert {k: row[k] for k in ("respondent_id", "wave", "text", "redacted_text", "lemmas", "entities",
                                    "flags", "language")} == \
               {k: want[k] for k in ("respondent_id", "wave", "text", "redacted_text", "lemmas", "entities",
                                     "flags", "language")}


def test_code_matches_cli_json(projects):
    by_cli, project = projects
    expected = json.loads(cli("code", "-p", by_cli, "-q", "noden", "-f", "json").stdout)
    frame = project.code("noden")
    assert list(frame.columns[:6]) == ["respondent_id", "wave", "theme", "score", "rank", "source"]
    assert len(frame) == sum(len(a["themes"]) for a in expected)
    got = {k: g.sort_values("rank") for k, g in frame.groupby(["wave", "respondent_id"])}
    assert len(got) == len(expected)
    for a in expected:
        g = got[(a["wave"], a["respondent_id"])]
        assert list(g.theme) == a["themes"] and list(g["rank"]) == list(range(1, len(a["themes"]) + 1))
        assert set(g.source) == {a["source"]}
        for theme, score in zip(g.theme, g.score):
            assert (pd.isna(score) and theme not in a["scores"]) or score == pytest.approx(a["scores"][theme])
    assert "overig" in set(frame.theme)  # answers no theme applies to keep one row


def test_code_with_train_dataframe_and_saved_coder(projects):
    _, project = projects
    answers = project.answers("noden", wave="2025")
    ids = list(answers.respondent_id[:6])
    train = pd.DataFrame({"respondent_id": ids, "theme": ["uitwisseling"] * 3 + ["overig"] * 3})
    frame = project.code("noden", train=train, wave="2025")
    human = frame[frame.source == "human"]
    assert sorted(human.respondent_id) == sorted(ids)
    assert set(human[human.respondent_id.isin(ids[:3])].theme) == {"uitwisseling"}
    assert set(human[human.respondent_id.isin(ids[3:])].theme) == {"overig"}
    assert set(frame.wave) == {"2025"}
    bad = pd.DataFrame({"respondent_id": [ids[0]], "theme": ["geen_thema"]})
    with pytest.raises(InputError, match=r'<DataFrame>, row 2, column "theme": theme \'geen_thema\''):
        project.import_codes("noden", bad)

    coder = project.coder("noden")
    scored = coder.score(["Meer uitwisseling met andere gemeenten", "nvt"])
    assert list(scored.columns) == ["text", "theme", "score", "applies", "rank"]
    assert len(scored) == 2 * len(coder.codebook.ids)
    assert scored.score.between(0, 1).all()
    first = scored[scored.text.str.startswith("Meer")]
    assert first.sort_values("score").theme.iloc[-1] == "uitwisseling"
    assert coder.meta["codebook_hash"] == coder.codebook.hash
    changed = coder.codebook.add_theme("Klimaat en water", keywords=["klimaat"])
    with pytest.raises(InputError, match="codebook changed"):
        project.coder("noden", codebook=changed)


def test_dataframe_errors_name_row_and_column(tmp_path):
    project = Project(tmp_path / "p")
    frame = read_export("2025")
    with pytest.raises(InputError) as missing:
        project.ingest(frame.drop(columns=["Gemeente"]), LMB, "2025")
    assert str(missing.value).startswith('<DataFrame>, row 1, column "Gemeente": the unit column is not in the export')
    bad = frame.copy()
    column = bad.columns[bad.columns.str.startswith("Voert uw lokaal bestuur")][0]
    bad.loc[4, column] = "Misschien"
    with pytest.raises(InputError) as wrong:
        project.ingest(bad, LMB, "2025")
    # Row 4 of the frame is spreadsheet row 6: the header is row 1, the first answer row 2.
    assert str(wrong.value).startswith(f'<DataFrame>, row 6, column "{column}": \'Misschien\' is not an option')
    assert "\n" not in str(wrong.value)
    assert project.waves().empty  # nothing stored


def test_dataframe_row_numbers_match_the_csv(tmp_path):
    """The same bad cell in a file and in the DataFrame read from it: the same row and column."""
    frame = read_export("2025")
    column = frame.columns[frame.columns.str.startswith("Hoeveel personeelsinzet")][0]
    frame.loc[9, column] = "veel"
    csv = tmp_path / "bad.csv"
    frame.to_csv(csv, sep=";", index=False, encoding="utf-8")
    errors = []
    for source in (csv, frame):
        with pytest.raises(InputError) as exc:
            Project(tmp_path / "p").ingest(source, LMB, "2025")
        errors.append(exc.value)
    assert (errors[0].row, errors[0].column) == (errors[1].row, errors[1].column) == (11, column)
    assert errors[1].file == "<DataFrame>"


def test_frame_cells_as_an_export_writes_them(tmp_path):
    """Inferred dtypes (numbers, NaN) read as the export's text: 3.0 is "3", NaN is blank."""
    frame = pd.read_csv(SAMPLE / "lmb_2025_SYNTHETIC.csv", sep=";", encoding="cp1252", dtype=str,
                        keep_default_na=False)
    typed = frame.copy()
    column = typed.columns[typed.columns.str.startswith("Hoeveel personeelsinzet")][0]
    typed[column] = pd.to_numeric(typed[column].str.replace(",", "."), errors="coerce")
    a, b = Project(tmp_path / "a"), Project(tmp_path / "b")
    a.ingest(frame, LMB, "2025")
    b.ingest(typed, LMB, "2025")
    sa, sb = a.summaries(question="vte"), b.summaries(question="vte")
    pd.testing.assert_frame_equal(sa, sb)


def test_project_opens_or_creates(tmp_path):
    Project(tmp_path / "new")
    assert (tmp_path / "new" / "textmine.sqlite").exists()
    lazy = Project(tmp_path / "absent", create=False)
    assert not (tmp_path / "absent").exists()
    with pytest.raises(InputError, match="no textmine project here"):
        lazy.tally()


def test_help_reads_like_the_cli():
    import inspect

    text = inspect.getdoc(Project) or ""
    for name in ("ingest", "tally", "summaries", "answers", "code", "topics", "compare", "evaluate", "report",
                 "catalogue", "export_qdpx", "coder"):
        method = getattr(Project, name)
        assert name in text
        assert inspect.getdoc(method), name
        hints = inspect.signature(method)
        assert hints.return_annotation is not inspect.Signature.empty, name
        assert all(p.annotation is not inspect.Parameter.empty for p in hints.parameters.values()
                   if p.name != "self"), name


def test_import_is_light():
    code = "import sys, textmine; print(sorted(m for m in ('pandas', 'numpy', 'spacy', 'sklearn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "[]"


def readme_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## From Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, "the README's 'From Python' section has no python block"
    return blocks[0]


def test_readme_example_runs(tmp_path, monkeypatch, capsys):
    (tmp_path / "data").symlink_to(REPO / "data")  # the example reads data/sample/ as from the repository
    monkeypatch.chdir(tmp_path)
    exec(compile(readme_example(), "README.md", "exec"), {"__name__": "__readme__"})
    assert (tmp_path / "mijn-project" / "textmine.sqlite").exists()
    assert capsys.readouterr().out.strip()


def test_compare_matches_cli_json(projects):
    by_cli, project = projects
    expected = json.loads(cli("compare", "-p", by_cli, "--survey", "lmb", "--waves", "2022", "2025",
                              "-f", "json").stdout)
    frame = project.compare("lmb", ("2022", "2025"))
    closed = [r for r in expected if r["kind"] != "theme"]  # themes: the frames project is coded differently
    got = {(r["question"], r["option"]): r for r in frame.to_dict("records")}
    assert len(closed) > 20
    for r in closed:
        g = got[(r["question"], r["option"])]
        assert (g["count_2022"], g["count_2025"]) == (r["waves"]["2022"]["count"], r["waves"]["2025"]["count"])
        assert (pd.isna(g["difference"]) and r["difference"] is None) or g["difference"] == pytest.approx(
            r["difference"])
    with pytest.raises(InputError, match="two waves"):
        project.compare("lmb", ("2022",))


def test_cli_and_demo_reach_the_store_only_through_project():
    for name in ("cli.py", "demo.py"):
        source = (REPO / "textmine" / name).read_text(encoding="utf-8")
        assert "Store(" not in source and "import Store" not in source, name
        for call in ("clean_project(", "code_question(", "discover_topics(", "compare_waves(", "write_report(",
                     "build_catalogue(", "export_qdpx(store", "evaluate_question(", "import_training_codes(",
                     "tally(store", "ingest(", "promote_topic(", "export_review(", "import_review("):
            # a stage function called bare (a Project method of the same name is fine)
            assert not re.search(r"(?<![\w.])" + re.escape(call), source), (name, call)
