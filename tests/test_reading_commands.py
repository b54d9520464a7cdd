"""Reading commands (report, catalogue, export qdpx) never clean or code behind the user's back:
without --prepare they say what is missing and which command makes it (exit 2, store unchanged);
with --prepare they run the missing steps visibly, then build."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tm_testutil import REPO
from textmine.ingest import ingest
from textmine.schema import load_schema

SAMPLE = REPO / "data" / "sample"
SPEC = "survey: lmb\nopen: [trots]\nquotes: 1\nsummary: [voert_lmb, trots]\ncrosstabs: []\n"


def _tables(project: Path) -> dict[str, list[tuple]]:
    """Every table's rows (sorted), to show that a command wrote nothing."""
    db = sqlite3.connect(project / "textmine.sqlite")
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    out = {n: sorted(db.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    db.close()
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    p = tmp_path / "p"
    ingest(SAMPLE / "lmb_2025_SYNTHETIC.csv", load_schema(REPO / "data" / "schemas" / "lmb.yaml"), p, "2025")
    return p


def _refused(res, out: Path) -> str:
    assert res.exit_code == 2, res.output
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert not out.exists()
    return res.stderr


def test_report_says_what_is_missing_and_prepare_makes_it(project: Path, cli, tmp_path: Path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "r.html"
    before = _tables(project)
    err = _refused(cli("report", "-p", project, "-o", out, "--spec", spec), out)
    assert "lmb 'trots' wave 2025: 95 answers not cleaned and coded yet: run " \
           f"'textmine code --project {project} --question trots --survey lmb' first, or pass --prepare" in err
    assert _tables(project) == before

    # cleaned but not coded: the message says so (the non-answers need no code)
    assert cli("clean", "-p", project, "-q", "trots", "-f", "json").exit_code == 0
    cleaned = _tables(project)
    err = _refused(cli("report", "-p", project, "-o", out, "--spec", spec), out)
    assert "lmb 'trots' wave 2025: " in err and " answers not coded yet: run 'textmine code" in err
    n = int(err.split("wave 2025: ")[1].split(" ")[0])
    assert 50 < n < 95
    assert _tables(project) == cleaned

    res = cli("report", "-p", project, "-o", out, "--spec", spec, "--prepare")
    assert res.exit_code == 0, res.output
    assert f"coding lmb 'trots' wave 2025: {n} answers not coded yet" in res.stderr
    assert "cleaning" not in res.stderr and out.exists()

    # prepared: a report writes nothing
    coded = _tables(project)
    again = tmp_path / "r2.html"
    res = cli("report", "-p", project, "-o", again, "--spec", spec)
    assert res.exit_code == 0, res.output
    assert _tables(project) == coded
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_qdpx_redacted_needs_cleaning(project: Path, cli, tmp_path: Path):
    out = tmp_path / "p.qdpx"
    before = _tables(project)
    err = _refused(cli("export", "qdpx", "-p", project, "-o", out, "--redacted"), out)
    assert "open answers not cleaned yet" in err and f"'textmine clean --project {project} --survey lmb'" in err
    assert _tables(project) == before
    # raw text needs no cleaning: nothing missing, nothing written
    raw = tmp_path / "raw.qdpx"
    assert cli("export", "qdpx", "-p", project, "-o", raw).exit_code == 0 and raw.exists()
    assert _tables(project) == before
    res = cli("export", "qdpx", "-p", project, "-o", out, "--redacted", "--prepare")
    assert res.exit_code == 0, res.output
    assert "cleaning lmb 'trots' wave 2025" in res.stderr and out.exists()


def test_library_prepare_flag_and_missing_list(project: Path):
    from textmine.catalogue import build_catalogue
    from textmine.errors import InputError
    from textmine.readiness import Preparation
    from textmine.store import Store

    with Store(project) as store:
        prep = Preparation(store)
        assert prep.cleaned("lmb", "trots") == [] and [m.step for m in prep.missing] == ["clean"]
        with pytest.raises(InputError, match="not cleaned and coded yet"):
            build_catalogue(store, "lmb", "trots")
        assert len(store.runs()) == 0
        said: list[str] = []
        prep = Preparation(store, prepare=True, say=said.append)
        rows = prep.cleaned("lmb", "trots", "2025")
        assert len(rows) == 95 and said == ["cleaning lmb 'trots' wave 2025: 95 answers"] and not prep.missing
