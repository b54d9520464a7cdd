"""Nothing a respondent or a staff member types can hang or crash a command (issue 11, point 7).

* codebook regular expressions: catastrophic ones refused at load (file, line, theme),
  accepted ones searched with a time bound on long answers;
* every YAML file: no alias bomb, no deep nesting, no huge file;
* rich markup (and control characters) in any value shown literally in every view;
* --out checked before any work;
* a project another process is writing to: a bounded wait, then one line;
* and what turned up on the way (a wave label with '/', an unknown wave in review
  export, control characters in workbook cells, mistyped project settings).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm_testutil import REPO, dump_db
from textmine import cli as cli_module
from textmine.cli import app
from textmine.codebook import Codebook, Theme, load_codebook
from textmine.coders.keyword import KeywordCoder
from textmine.errors import InputError
from textmine.ingest import ingest
from textmine.schema import load_schema

runner = CliRunner()


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def one_line(res) -> str:
    """The error output: exactly one line."""
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.output
    return lines[0]


# --- 1. codebook regular expressions ----------------------------------------------------

CATASTROPHIC = [
    r"(a+)+$", r"(a|aa)*b", r"(.*a){20}", r"(a*)*", r"(\w+\s?)*$", r"(x+x+)+y", r"^(a|a?)+$",
    r"(.*){1,32000}[bc]", r"(?:a+){2,}", r"([a-z]+)*$", r"(\d+)*$", r"(.*)*", r"(a|b|ab)*c",
    r"(a)\1", r"(?P<w>\w+) (?P=w)", r"(a)?(?(1)b|c)", r".*.*.*.*=", r"(?:\w{2,5})+", r"(a?){30}a{30}",
    r"(\s*-?\s*)+x", r"^(([a-z])+.)+[A-Z]([a-z])+$", r"(x\w*)+y", "a" * 2001,
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_pattern_is_refused_at_load_naming_file_line_and_theme(tmp_path: Path, pattern: str):
    path = tmp_path / "book.yaml"
    path.write_text("themes:\n  - id: fine\n    label: Fine\n    keywords: [gros]\n"
                    "  - id: risky\n    label: Risky\n    patterns:\n      - '\\bok\\b'\n"
                    f"      - {json.dumps(pattern)}\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert time.perf_counter() - started < 2
    message = str(err.value)
    assert message.startswith(f"{path}, row 9: theme 'risky': pattern ")
    assert re.search(r"exponential|backreference|in a row|ways|characters long", message)
    assert "\n" not in message


def test_codebook_check_refuses_a_catastrophic_pattern_with_one_line(tmp_path: Path):
    path = tmp_path / "book.yaml"
    path.write_text("themes:\n  - id: risky\n    label: Risky\n    patterns: ['(a+)+$']\n", encoding="utf-8")
    res = run("codebook", "check", path)
    assert res.exit_code == 2
    assert one_line(res) == (f"error: {path}, row 4: theme 'risky': pattern '(a+)+$' can take exponential time "
                             "on a long answer: it has a quantifier inside a repeated group (like (a+)+, "
                             "(\\w+\\s?)* or (.*a)*); write the repeated part once (e.g. 'a+' for '(a+)+') "
                             "or use separate patterns or keywords")


def test_a_refused_pattern_is_refused_in_code_too():
    with pytest.raises(InputError, match="pattern '\\(a\\|aa\\)\\*b' can take exponential time"):
        Codebook(themes=(Theme(id="x", label="X", patterns=(r"(a|aa)*b",)),))


ORDINARY = [r"\bsteden\s*band\w*", r"fair.*trade", r"\d+\.\d+", r"(?:\w+\s)+", r"(\d{1,3}\.){3}\d{1,3}",
            r"(?:gemeente|gemeenten)+", r"\bgros\b", r"(?:ab?)+c", r"\w+@\w+\.\w+", r"a.*b.*c",
            r"\b(?:partner|zuster)[- ]?(?:stad|steden|gemeenten?)\b", r"(?i:sdg)\s*\d{1,2}", r"(?<=\s)x(?=\s)"]


@pytest.mark.parametrize("pattern", ORDINARY)
def test_ordinary_patterns_are_accepted(pattern: str):
    from textmine.patterns import check_pattern

    assert check_pattern(pattern).degree <= 3


def test_every_bundled_pattern_is_accepted_and_searched_in_process_on_the_sample():
    """The protection costs ordinary coding next to nothing: every bundled pattern passes, and
    all but a handful of (sample answer, pattern) pairs are searched in process, as before
    (the rest, answers over 215-271 characters for four cubic patterns, in the worker)."""
    answers: list[str] = []
    for path in sorted((REPO / "data" / "sample").glob("*_SYNTHETIC.csv")):
        data = path.read_bytes()
        text = data.decode("utf-8-sig") if _utf8(data) else data.decode("cp1252")
        answers += [cell for row in csv.reader(text.splitlines(), delimiter=";") for cell in row if len(cell) > 20]
    books = sorted((REPO / "data" / "codebooks").glob("*.yaml"))
    patterns = [sp for b in books for t in load_codebook(b) for sp in t.safe_patterns]
    assert len(patterns) > 150 and len(answers) > 1000
    limits = sorted(sp.max_chars_in_process for sp in patterns)
    outside = sum(len(a) > limit for a in answers for limit in limits)
    assert outside / (len(answers) * len(limits)) < 0.001
    assert limits[4] > max(map(len, answers))  # only four patterns ever send a sample answer out


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_polynomial_pattern_on_a_hostile_10kb_answer_stops_within_two_seconds(tmp_path: Path):
    """'a.*b.*c' is accepted (cubic, not exponential); on 10 KB of 'ab' plain re would take
    minutes. The search runs in a separate process stopped after 1 s: that answer is coded
    without the pattern (one respondent's text must not stop everyone's coding) and a
    warning names the theme and the pattern; the other answers are coded as usual."""
    from textmine.coders.keyword import StoppedSearch

    path = tmp_path / "book.yaml"
    path.write_text("themes:\n  - id: abc\n    label: ABC\n    patterns:\n      - 'a.*b.*c'\n", encoding="utf-8")
    coder = KeywordCoder(load_codebook(path)).fit()
    normal = "Een gewoon antwoord over een stedenband met abc." * 3
    assert coder.predict_proba([normal])[0, 0] == 0.5
    started = time.perf_counter()
    with pytest.warns(StoppedSearch) as caught:
        scores = coder.predict_proba([normal, "ab" * 5000, normal])
    assert time.perf_counter() - started < 2.5
    assert list(scores[:, 0]) == [0.5, 0.0, 0.5]
    assert [str(w.message) for w in caught if isinstance(w.message, StoppedSearch)] == [
        "theme 'abc': pattern 'a.*b.*c' was stopped after 1 s on an answer of 10,000 characters"]


@pytest.fixture
def hostile_codebook_project(tmp_path: Path) -> tuple[Path, Path]:
    """Three answers to 'trots', one of them 10 KB that makes 'a.*b.*c' backtrack."""
    (tmp_path / "schema.yaml").write_text(
        "survey: s\nid_column: id\nquestions:\n  - id: trots\n    column: trots\n    type: open\n",
        encoding="utf-8")
    (tmp_path / "e.csv").write_text("id;trots\n1;een stedenband met abc\n2;" + "ab" * 5000
                                    + "\n3;een fairtrade markt\n", encoding="utf-8")
    book = tmp_path / "book.yaml"
    book.write_text("themes:\n  - id: abc\n    label: ABC\n    patterns:\n      - 'a.*b.*c'\n", encoding="utf-8")
    ingest(tmp_path / "e.csv", load_schema(tmp_path / "schema.yaml"), tmp_path / "proj", "2025")
    return tmp_path / "proj", book


def test_a_stopped_pattern_is_one_warning_line_and_the_run_completes(hostile_codebook_project, wide):
    """Through `textmine code`: exit 0, every answer coded, one warning line naming the
    codebook, theme and pattern and how many answers were coded without it."""
    proj, book = hostile_codebook_project
    res = run("code", "-p", proj, "-q", "trots", "--codebook", book, "-f", "json")
    assert res.exit_code == 0, res.output
    warnings_ = [l for l in res.stderr.splitlines() if l.startswith("warning:")]
    assert len(warnings_) == 1
    assert f"{book}: theme 'abc': pattern 'a.*b.*c' was stopped after 1 s on 1 answer(s)" in warnings_[0]
    assert "coded without it" in warnings_[0]
    rows = json.loads(res.stdout)
    assert len(rows) == 3


def test_long_answers_are_still_matched_the_same_way():
    """Long answers go to the worker process: same match, same place, both ways."""
    from textmine.patterns import SafePattern

    text = "x 😀 é\n" * 5_000 + "wij hebben een stedenband met Kindia" + " y" * 100
    for pattern in (r"\bsteden\s*band\w*", r"kindia\w*", r"nergens\d+", r"\n\s*wij"):
        sp = SafePattern.compile(pattern)
        assert len(text) > sp.max_chars_in_process
        m = re.search(pattern, text, re.IGNORECASE)
        assert sp.search(text) == (m.start() if m else -1)
    coder = KeywordCoder(Codebook(themes=(Theme(id="band", label="Band", patterns=(r"\bsteden\s*band\w*",)),))).fit()
    assert coder.predict_proba([text])[0, 0] == 0.5


def test_a_40_000_letter_word_costs_no_more_than_a_normal_answer():
    coder = KeywordCoder(Codebook(themes=(Theme(id="a", label="A", keywords=("fairtrade", "stedenband")),))).fit()
    started = time.perf_counter()
    scores = coder.predict_proba(["x" * 200_000, "fairtradekoffie" + "x" * 40_000])
    assert time.perf_counter() - started < 0.5  # was 8 s: one slice per possible cut
    assert scores[0, 0] == 0 and scores[1, 0] == 0.5


# --- 2. YAML: alias bombs, nesting, size ---------------------------------------------------

BOMB = textwrap.dedent("""\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    """)


def _loaders(tmp_path: Path):
    from textmine.config import load_config
    from textmine.report.spec import load_spec
    from textmine.schema import load_schema

    project = tmp_path / "proj"
    project.mkdir(exist_ok=True)
    return {
        "codebook": (tmp_path / "book.yaml", load_codebook),
        "schema": (tmp_path / "schema.yaml", load_schema),
        "report spec": (tmp_path / "spec.yaml", load_spec),
        "project settings": (project / "project.yaml", lambda p: load_config(p.parent)),
    }


@pytest.mark.parametrize("kind", ["codebook", "schema", "report spec", "project settings"])
def test_alias_bomb_is_refused_at_once_in_every_yaml_file(tmp_path: Path, kind: str):
    path, load = _loaders(tmp_path)[kind]
    path.write_text(BOMB, encoding="utf-8")
    assert len(BOMB.encode()) < 400
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        load(path)
    assert time.perf_counter() - started < 1
    assert str(err.value) == (f"{path}, row 6: YAML refused: expands to more than 200,000 values "
                              "(aliases repeating aliases); refused as a possible alias bomb")


@pytest.mark.parametrize("kind", ["codebook", "schema", "report spec", "project settings"])
@pytest.mark.parametrize("text, message", [
    ("[" * 20_000 + "]" * 20_000, "row 1: YAML refused: nested more than 64 levels deep"),
    ("a: &x [1, *x]\n", "row 1: YAML refused: alias *x is used inside its own anchor (a loop)"),
    ("x: &x 1\n" + "".join(f"k{i}: *x\n" for i in range(201)),
     "row 202: YAML refused: more than 200 aliases (*name); refused as a possible alias bomb"),
])
def test_deep_nesting_alias_loops_and_many_aliases_are_one_line(tmp_path: Path, kind: str, text: str, message: str):
    path, load = _loaders(tmp_path)[kind]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(path)
    assert str(err.value) == f"{path}, {message}"


@pytest.mark.parametrize("kind", ["codebook", "schema", "report spec", "project settings"])
def test_an_absurdly_large_yaml_file_is_refused(tmp_path: Path, kind: str):
    path, load = _loaders(tmp_path)[kind]
    path.write_text("# " + "x" * (5 * 1024 * 1024) + "\nthemes: []\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"larger than 4\.0 MB|the file is 5\.0 MB") as err:
        load(path)
    assert str(err.value).startswith(str(path))


def test_a_few_aliases_where_they_help_still_load(tmp_path: Path):
    from textmine.schema import load_schema

    path = tmp_path / "schema.yaml"
    path.write_text(textwrap.dedent("""\
        survey: s
        id_column: ID
        questions:
          - {id: q1, column: Q1, type: likert, options: &agree [Oneens, Neutraal, Eens]}
          - {id: q2, column: Q2, type: likert, options: *agree}
        """), encoding="utf-8")
    schema = load_schema(path)
    assert schema.questions[1].options == ["Oneens", "Neutraal", "Eens"]


def test_cli_commands_refuse_a_bomb_with_one_line(tmp_path: Path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    for args in (("schema", "check", bomb), ("codebook", "check", bomb), ("codebook", "convert", bomb, tmp_path / "x.qdc")):
        res = run(*args)
        assert res.exit_code == 2
        assert one_line(res).startswith(f"error: {bomb}, row 6: YAML refused")


def test_mistyped_project_settings_are_one_line(tmp_path: Path):
    from textmine.config import load_config

    for text, message in (("nlp:\n  batch_size: '[red'\n", "'nlp.batch_size' must be a whole number from 1 to 100,000"),
                          ("nlp:\n  n_process: -3\n", "'nlp.n_process' must be a whole number from 1 to 256"),
                          ("nlp:\n  extra_stopwords: gros\n", "'nlp.extra_stopwords' must be a list of words"),
                          ("nlp:\n  1: x\n", "'nlp': unknown key(s) 1"),
                          ("2: x\n", "unknown section(s) 2")):
        (tmp_path / "project.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as err:
            load_config(tmp_path)
        assert str(err.value) == f"{tmp_path / 'project.yaml'}: {message}"
    (tmp_path / "project.yaml").write_text("nlp:\n  extra_stopwords: null\n  batch_size: 32\n", encoding="utf-8")
    assert load_config(tmp_path).nlp.batch_size == 32


# --- 3. rich markup (and control characters) in every value ----------------------------

MARK = "[/] [bold]x[/bold] [link=https://evil.invalid]y[/link] [red"
TEXTS = [
    "Onze stedenband met Kindia in Guinee: jaarlijks bezoek en steun voor de school.",
    "De stedenband met een gemeente in Nicaragua bestaat al twintig jaar.",
    "We steunen via subsidies projecten van lokale vzw's in het zuiden.",
    "Financiële steun aan waterprojecten in Burundi via de adviesraad.",
    "Sensibilisering in de scholen rond de SDG's en klimaat.",
    "Een educatief pakket over wereldburgerschap voor de lagere scholen.",
    "Workshops voor jongeren over mensenrechten en solidariteit.",
    "De wereldmarkt op het dorpsplein met muziek en eten uit alle continenten.",
    "Een solidariteitsloop waarvan de opbrengst naar een vzw ging.",
    "Het wereldfeest in het park trok veel bezoekers.",
    "We zijn Fairtrade gemeente en promoten eerlijke koffie.",
    "Fair trade ontbijt met producten uit de wereldwinkel.",
    "De campagne Faire Gemeente met de derde ster behaald.",
    "Een nieuw subsidiereglement voor ontwikkelingssamenwerking goedgekeurd.",
    "Het meerjarenplan bevat nu een vast budget voor mondiaal beleid.",
    "De adviesraad voor ontwikkelingssamenwerking werd hervormd.",
    "Nog geen concreet project, ik ben pas gestart in deze functie.",
    "Een fototentoonstelling over de partnergemeente in de bibliotheek.",
    "Steun aan een ziekenhuis in Congo via een lokale vereniging.",
    "Benefietconcert voor noodhulp na de aardbeving.",
    "Klimaatwandeling met de scholen tijdens de week van de duurzame gemeente.",
    "Eerlijke handel in de aankoop van het gemeentebestuur.",
    "Een filmavond over migratie met een nagesprek.",
    "De stedenband organiseerde een uitwisseling van leerkrachten.",
]
IDS = ["[/]r{}", "r{}[bold]", "[link=https://evil.invalid]r{}[/link]", "r{} [red", "r{}\u202eRTL", "r{} 😀"]
UNITS = ["[/]Gent", "Gent", "[link=x]Aalst[/link]", "Leuven [red"]
OPTIONS = ["[/]Ja", "Nee [red", "[bold]Soms"]
WAVES = ["[/]2024", "2025 [bold]"]
THEMES = {0: "stedenband", 1: "stedenband", 2: "steun", 3: "steun", 4: "educatie", 5: "educatie",
          6: "educatie", 7: "evenementen", 8: "evenementen", 9: "evenementen", 10: "fairtrade",
          11: "fairtrade", 12: "fairtrade", 13: "overig", 14: "overig", 15: "overig"}
SCHEMA = """\
survey: hostile
id_column: "ID [/]"
unit_column: "Gemeente [bold]"
questions:
  - id: keuze
    label: "Keuze [/] [bold]vet[/bold] [red"
    column: "Keuze [link=x]"
    type: single
    options: ["[/]Ja", "Nee [red", "[bold]Soms"]
  - id: trots
    label: "Trots [/] [red"
    column: "Trots [/]"
    type: open
    codebook: trots.yaml
"""
CODEBOOK = """\
label: "[bold]Trots[/]"
themes:
  - id: stedenband
    label: "Stedenband [/]"
    keywords: [stedenband, partnergemeente, uitwisseling]
  - id: steun
    label: "Steun [red"
    keywords: [subsidie, steun, financiele, noodhulp, ziekenhuis]
  - id: educatie
    label: "[link=https://evil.invalid]Educatie[/link]"
    keywords: [school, scholen, educatief, workshop, sensibilisering]
  - id: evenementen
    label: "[bold]Events"
    keywords: [wereldmarkt, wereldfeest, loop, concert, film]
  - id: fairtrade
    label: "Fair [/] trade"
    exclusive: false
    keywords: [fairtrade, fair trade, eerlijke, wereldwinkel]
"""


def _write_export(path: Path, shift: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["ID [/]", "Gemeente [bold]", "Keuze [link=x]", "Trots [/]"])
        for i, text in enumerate(TEXTS):
            w.writerow([IDS[i % len(IDS)].format(i), UNITS[i % 4], OPTIONS[(i + shift) % 3], f"{text} {MARK}"])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A project whose ids, units, options, waves, labels, codebook and answers all carry markup."""
    d = tmp_path_factory.mktemp("hostile")
    (d / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    (d / "trots.yaml").write_text(CODEBOOK, encoding="utf-8")
    for shift, wave in enumerate(WAVES):
        _write_export(d / f"{shift}.csv", shift)
        ingest(d / f"{shift}.csv", load_schema(d / "schema.yaml"), d / "proj", wave)
    with (d / "train.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["respondent id", "theme", "coder", "wave"])
        for i, theme in THEMES.items():
            w.writerow([IDS[i % 6].format(i), theme, "[/]An", WAVES[0]])
            w.writerow([IDS[i % 6].format(i), "steun" if i == 0 else theme, "Bo [red", WAVES[0]])
    return d


@pytest.fixture
def wide(monkeypatch):
    """A wide terminal, so no literal value is folded over two lines."""
    for console in (cli_module.console, cli_module.err):
        monkeypatch.setattr(console, "width", 400)


def test_markup_in_waves_and_units_shows_literally_when_ingesting(hostile: Path, wide, tmp_path: Path):
    res = run("ingest", hostile / "0.csv", "-p", tmp_path / "p", "-s", hostile / "schema.yaml", "-w", "[/]2024")
    assert res.exit_code == 0, res.output
    assert "ingested hostile wave [/]2024: 24 respondents" in res.stdout
    assert "unit not in the municipality list: [link=x]Aalst[/link] — did you mean Aalst?" in res.stdout


def test_markup_in_ids_units_options_waves_and_labels_shows_literally_in_tally(hostile: Path, wide):
    res = run("tally", "-p", hostile / "proj")
    assert res.exit_code == 0, res.output
    for value in ("[/]Ja", "Nee [red", "[bold]Soms", "Keuze [/] [bold]vet[/bold] [red", "Trots [/] [red",
                  "hostile · wave [/]2024", "hostile · wave 2025 [bold]", "Leuven [red", "[link=x]Aalst[/link]"):
        assert value in res.stdout, value


def test_markup_shows_literally_in_clean(hostile: Path, wide):
    res = run("clean", "-p", hostile / "proj")
    assert res.exit_code == 0, res.output
    assert all(v in res.stdout for v in ("[/]r0", "r1[bold]", "[link=https://evil.invalid]r2[/link]", "r3 [red",
                                         "r4<U+202E>RTL", "r5 😀", "[link=https://evil.invalid]y[/link] [red"))


def test_markup_shows_literally_in_code_and_evaluate(hostile: Path, wide):
    proj = hostile / "proj"
    res = run("code", "-p", proj, "-q", "trots", "--train", hostile / "train.csv")
    assert res.exit_code == 0, res.output
    assert all(v in res.stdout for v in ("Stedenband [/]", "Steun [red", "[link=https://evil.invalid]Educatie[/link]",
                                         "[bold]Events", "Fair [/] trade", "[/]r0", "r3 [red"))
    res = run("evaluate", "-p", proj, "-q", "trots")
    assert res.exit_code == 0, res.output
    assert "human vs human (Bo [red and [/]An, 16 answers)" in res.stdout


def test_markup_shows_literally_in_compare(hostile: Path, wide):
    res = run("compare", "-p", hostile / "proj", "--survey", "hostile", "--waves", *WAVES)
    assert res.exit_code == 0, res.output
    for value in ("[/]2024 % (95% CI)", "2025 [bold] % (95% CI)", "Keuze [/] [bold]vet[/bold] [red", "[/]Ja",
                  "Nee [red", "Stedenband [/]", "Δ = 2025 [bold] − [/]2024"):
        assert value in res.stdout, value


def test_markup_shows_literally_in_topics_and_a_wave_with_a_slash_names_safe_files(hostile: Path, wide):
    proj = hostile / "proj"
    res = run("topics", "-p", proj, "-q", "trots", "--no-views")
    assert res.exit_code == 0, res.output
    assert "% [/]2024" in res.stdout and "[link=https://evil.invalid]y[/link] [red" in res.stdout
    # the views' file names hold the wave label: '[/]2024' crashed after the run was stored
    res = run("topics", "-p", proj, "-q", "trots", "--wave", "[/]2024")
    assert res.exit_code == 0, res.output
    views = sorted(p.name for p in (proj / "topics").iterdir())
    assert "hostile_trots_2024_barchart.html" in views and all("/" not in v and "[" not in v for v in views)


def test_markup_shows_literally_in_codebook_check_and_error_lines(hostile: Path, wide):
    res = run("codebook", "check", hostile / "trots.yaml")
    assert res.exit_code == 0
    assert "[bold]Trots[/]: 5 themes" in res.stdout and "stedenband: Stedenband [/]" in res.stdout
    excl = hostile / "excl.yaml"
    excl.write_text("themes:\n  - {id: geen, label: Geen, exclusive: true}\n", encoding="utf-8")
    assert "geen: Geen [exclusive]" in run("codebook", "check", excl).stdout  # was swallowed as a style tag

    # InputError messages carry file names and values: printed as typed
    res = run("code", "-p", hostile / "proj", "-q", "[/]trots [red")
    assert res.exit_code == 2
    assert one_line(res) == "error: no open question '[/]trots [red' in the project"
    missing = hostile / "[bold]no[/]such.yaml"
    res = run("code", "-p", hostile / "proj", "-q", "trots", "--codebook", missing)
    assert res.exit_code == 2 and one_line(res) == f"error: {missing}: codebook file not found"
    res = run("tally", "-p", hostile / "proj", "--wave", "[/]")
    assert res.exit_code == 2 and "[/]" in one_line(res)


def test_review_and_catalogue_with_markup_coders_and_units(hostile: Path, wide, tmp_path: Path):
    import openpyxl

    proj = hostile / "proj"
    wb_path = tmp_path / "review [bold] [red.xlsx"
    res = run("review", "export", "-p", proj, "-q", "trots", "-o", wb_path, "--wave", WAVES[1])
    assert res.exit_code == 0, res.output
    assert f"written: {wb_path}" in res.stdout
    wb = openpyxl.load_workbook(wb_path)
    ws = wb["Beoordelen"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("Beoordeeld") + 1).value = "ja"
    wb.save(wb_path)
    res = run("review", "import", wb_path, "-p", proj, "--coder", "[link=x]Cas[/link] [red")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("[link=x]Cas[/link] [red: 1 of 24 rows reviewed")
    res = run("catalogue", "-p", proj, "-q", "trots", "-o", tmp_path / "cat.html")
    assert res.exit_code == 0, res.output
    assert "Stedenband [/]" in res.stdout and "[link=https://evil.invalid]Educatie[/link]" in res.stdout


def test_control_characters_and_bidi_overrides_are_shown_not_obeyed():
    from io import StringIO

    from rich.console import Console

    from textmine.render import clean_table, line

    out = StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system=None)
    console.print(clean_table([{"respondent_id": "r1\x1b]0;pwned\x07", "question": "q\r",
                                "redacted_text": "wis\x1b[2J scherm \u202eomgekeerd\x00", "entities": [],
                                "flags": []}]))
    console.print(line("fout: ", "[/]\x1b[31m"))
    text = out.getvalue()
    assert "\x1b]0" not in text and "\x1b[2J" not in text and "\x07" not in text and "\u202e" not in text
    assert "r1␛]0;pwned␇" in text and "wis␛[2J scherm <U+202E>omgekeerd␀" in text and "fout: [/]␛[31m" in text


# --- 4. --out checked before any work --------------------------------------------------------

def _out_cases(d: Path, out: Path) -> dict[str, tuple]:
    proj = d / "proj"
    return {
        "tally": ("tally", "-p", proj, "-f", "json", "-o", out),
        "clean": ("clean", "-p", proj, "-o", out),
        "code": ("code", "-p", proj, "-q", "trots", "-o", out),
        "evaluate": ("evaluate", "-p", proj, "-q", "trots", "-o", out),
        "compare": ("compare", "-p", proj, "--survey", "hostile", "--waves", *WAVES, "-o", out),
        "topics": ("topics", "-p", proj, "-q", "trots", "-o", out),
        "review export": ("review", "export", "-p", proj, "-q", "trots", "-o", out),
        "catalogue": ("catalogue", "-p", proj, "-q", "trots", "-o", out),
        "report": ("report", "-p", proj, "-o", out),
        "export qdpx": ("export", "qdpx", "-p", proj, "-o", out),
        "schema infer": ("schema", "infer", d / "0.csv", "-o", out),
        "codebook convert": ("codebook", "convert", d / "trots.yaml", out),
    }


@pytest.mark.parametrize("command", ["tally", "clean", "code", "evaluate", "compare", "topics", "review export",
                                     "catalogue", "report", "export qdpx", "schema infer", "codebook convert"])
@pytest.mark.parametrize("where", ["missing folder", "a folder", "the project database", "unwritable"])
def test_a_bad_out_path_is_one_line_exit_2_before_any_work(hostile: Path, tmp_path: Path, command: str, where: str):
    if where == "unwritable" and not Path("/proc/self").is_dir():
        pytest.skip("needs a folder no one can write in (Linux /proc)")
    out, message = {
        "missing folder": (tmp_path / "nope" / "out.json", f"the folder '{tmp_path / 'nope'}' does not exist"),
        "a folder": (tmp_path, "is a folder: give a file name in it"),
        "the project database": (hostile / "proj" / "textmine.sqlite", "this is a project database"),
        "unwritable": (Path("/proc/textmine-out.json"), "cannot write this file"),
    }[where]
    before = dump_db(hostile / "proj")
    started = time.perf_counter()
    res = run(*_out_cases(hostile, out)[command])
    assert res.exit_code == 2
    assert one_line(res).startswith(f"error: {out}: ") and message in res.stderr
    assert dump_db(hostile / "proj") == before  # no run, no codes, no cleaning stored
    assert time.perf_counter() - started < 1.5  # refused while reading the arguments, before any model loads


def test_demo_output_folder_that_is_a_file_is_one_line(tmp_path: Path):
    (tmp_path / "file").write_text("x")
    res = run("demo", "--out", tmp_path / "file" / "demo-out")
    assert res.exit_code == 2 and one_line(res) == f"error: {tmp_path / 'file' / 'demo-out'}: '{tmp_path / 'file'}' is a file, not a folder"
    res = run("demo", "--out", tmp_path / "file")
    assert res.exit_code == 2 and one_line(res) == f"error: {tmp_path / 'file'}: is a file, not a folder"


def test_xlsx_where_a_command_cannot_write_it_is_refused_before_any_work(hostile: Path):
    before = dump_db(hostile / "proj")
    res = run("code", "-p", hostile / "proj", "-q", "trots", "-f", "xlsx")
    assert res.exit_code == 2
    assert one_line(res) == "error: 'code' writes table, json or csv (xlsx: 'tally' and 'catalogue')"
    assert dump_db(hostile / "proj") == before


def test_an_existing_output_file_is_kept_until_written(tmp_path: Path):
    from textmine.outfile import check_out_file

    target = tmp_path / "keep.json"
    target.write_text("old")
    check_out_file(target)
    assert target.read_text() == "old"
    check_out_file(tmp_path / "new.json")
    assert not (tmp_path / "new.json").exists()  # the check leaves nothing behind


# --- 5. database is locked ----------------------------------------------------------------------

HOLD = textwrap.dedent("""\
    import sqlite3, sys, time
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    for statement in sys.argv[2].split(";"):
        db.execute(statement)
    print("locked", flush=True)
    time.sleep(float(sys.argv[3]))
    db.execute("COMMIT")
    """)


def _hold_lock(project: Path, seconds: float, how: str = "BEGIN IMMEDIATE") -> subprocess.Popen:
    """A colleague's process (like a sqlite3 shell) holding the project's write lock."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(project / "textmine.sqlite"), how, str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    d = tmp_path
    (d / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    (d / "trots.yaml").write_text(CODEBOOK, encoding="utf-8")
    _write_export(d / "0.csv", 0)
    ingest(d / "0.csv", load_schema(d / "schema.yaml"), d / "proj", "2024")
    return d


def test_a_held_write_lock_is_a_bounded_wait_then_one_line_and_nothing_stored(small_project: Path):
    proj = small_project / "proj"
    before = dump_db(proj)
    holder = _hold_lock(proj, 10)
    try:
        started = time.perf_counter()
        res = run("code", "-p", proj, "-q", "trots", env={"TEXTMINE_LOCK_WAIT": "1"})
        took = time.perf_counter() - started
        ingest = run("ingest", small_project / "0.csv", "-p", proj, "-s", small_project / "schema.yaml",
                     "-w", "2025", env={"TEXTMINE_LOCK_WAIT": "0.5"})
    finally:
        holder.kill()
        holder.wait()
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert lines[0].startswith("waiting: the project is busy (another textmine command or program is writing to ")
    assert lines[0].endswith("waiting up to 1 s")
    assert lines[-1] == (f"error: {proj / 'textmine.sqlite'}: the project is still busy after 1 s: another textmine "
                         "command or program (the workbench, a sqlite3 shell) is writing to it. Nothing was "
                         "stored; try again when it has finished")
    assert "Traceback" not in res.output and took < 15
    assert ingest.exit_code == 2 and "still busy after 0.5 s" in ingest.stderr
    assert dump_db(proj) == before


def test_a_lock_released_in_time_is_waited_for(small_project: Path):
    proj = small_project / "proj"
    holder = _hold_lock(proj, 1.0)
    try:
        res = run("ingest", small_project / "0.csv", "-p", proj, "-s", small_project / "schema.yaml",
                  "-w", "2025", env={"TEXTMINE_LOCK_WAIT": "20"})
    finally:
        holder.wait()
    assert res.exit_code == 0, res.output
    assert "waiting up to 20 s" in res.stderr and "ingested hostile wave 2025" in res.stdout


def test_reading_goes_on_while_a_colleague_writes(small_project: Path):
    # The store is in write-ahead-log mode: even an exclusive write transaction lets readers read.
    proj = small_project / "proj"
    holder = _hold_lock(proj, 10, "BEGIN EXCLUSIVE")
    try:
        res = run("tally", "-p", proj, env={"TEXTMINE_LOCK_WAIT": "0.5"})
    finally:
        holder.kill()
        holder.wait()
    assert res.exit_code == 0, res.output
    assert "waiting" not in res.stderr


def test_an_exclusive_lock_blocks_reading_too_then_one_line(small_project: Path):
    # A program that locks the whole file (exclusive locking mode) keeps readers out too.
    proj = small_project / "proj"
    holder = _hold_lock(proj, 10, "PRAGMA locking_mode=EXCLUSIVE;BEGIN EXCLUSIVE")
    try:
        res = run("tally", "-p", proj, env={"TEXTMINE_LOCK_WAIT": "0.5"})
    finally:
        holder.kill()
        holder.wait()
    assert res.exit_code == 2
    assert "the project is still busy after 0.5 s" in one_line(res)


def test_a_second_connection_in_a_thread_holding_the_lock(small_project: Path, monkeypatch):
    import sqlite3

    from textmine.store import Store

    monkeypatch.setenv("TEXTMINE_LOCK_WAIT", "0.3")
    locked, release = threading.Event(), threading.Event()

    def hold():
        db = sqlite3.connect(small_project / "proj" / "textmine.sqlite", isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(10)
        db.execute("COMMIT")
        db.close()

    t = threading.Thread(target=hold)
    t.start()
    locked.wait(5)
    notices: list[str] = []
    monkeypatch.setattr("textmine.store.busy_notice", notices.append)
    try:
        with Store(small_project / "proj") as store:
            runs = len(store.runs())
            with pytest.raises(InputError, match="still busy after 0.3 s"):
                store.start_run("code")
            release.set()
            t.join()
            store.start_run("code")
            assert len(store.runs()) == runs + 1
    finally:
        release.set()
        t.join()
    assert len(notices) == 1 and "waiting up to 0.3 s" in notices[0]


# --- 6. found on the way ------------------------------------------------------------------------

def test_review_export_of_an_unknown_wave_is_one_line(hostile: Path, tmp_path: Path):
    res = run("review", "export", "-p", hostile / "proj", "-q", "trots", "-o", tmp_path / "r.xlsx", "--wave", "1999")
    assert res.exit_code == 2  # was an AttributeError: an empty mask selected no columns
    # since the Python facade checks wave filters (test_project_fuzz.py), the line names the waves there are
    assert one_line(res).startswith("error: the project has no wave '1999' of survey 'hostile' (waves: ")


def test_control_characters_in_answers_do_not_crash_workbooks(tmp_path: Path):
    import openpyxl

    from textmine.export import write_xlsx

    path = tmp_path / "x.xlsx"
    write_xlsx(path, {"s": (["id", "antwoord"], [["r1\x1b]0;x\x07", "wis\x1b[2J\x01 scherm\x0b"]])})
    row = [c.value for c in openpyxl.load_workbook(path)["s"][2]]
    # shown visibly (textmine.export.excel_text), so a reader sees something was there
    assert row == ["r1\\x1b]0;x\\x07", "wis\\x1b[2J\\x01 scherm\\x0b"]


def test_a_codebook_of_100_000_labels_loads_in_seconds(tmp_path: Path):
    path = tmp_path / "labels.txt"
    path.write_text("".join(f"thema nummer {i}\n" for i in range(100_000)), encoding="utf-8")
    started = time.perf_counter()
    book = load_codebook(path)
    assert len(book) == 100_000 and book.ids[-1] == "thema_nummer_99999"
    assert time.perf_counter() - started < 10  # was over two minutes: every id checked against a fresh list


def test_a_100_000_deep_parent_chain_and_its_cycle(tmp_path: Path):
    themes = [Theme(id=f"t{i}", label=f"T{i}", parent=f"t{i - 1}" if i else None) for i in range(100_000)]
    started = time.perf_counter()
    assert len(Codebook(themes=tuple(themes))) == 100_000
    themes[0] = Theme(id="t0", label="T0", parent="t99999")
    with pytest.raises(InputError) as err:
        Codebook(themes=tuple(themes))
    assert time.perf_counter() - started < 5
    assert str(err.value) == ("theme 't0': parents form a cycle (t0 -> t99999 -> t99998 -> t99997 -> … (99995 more) "
                              "-> t1 -> t0)")


def test_deeply_nested_codes_in_a_qdc_are_one_line(tmp_path: Path):
    path = tmp_path / "deep.qdc"
    n = 5_000
    path.write_text('<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                    + "".join(f'<Code guid="{i:08d}-0000-0000-0000-000000000000" name="c{i}">' for i in range(n))
                    + "</Code>" * n + "</Codes></CodeBook>", encoding="utf-8")
    res = run("codebook", "check", path)
    assert res.exit_code == 2  # was a RecursionError traceback
    assert one_line(res) == f"error: {path}, row 1: elements nested more than 64 deep"
