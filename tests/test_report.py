"""The Dutch HTML report: content checked against the store, then rendered in headless Chromium."""

from __future__ import annotations

import csv
import math
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tm_testutil import REPO, dump_db
from textmine.ingest import ingest
from textmine.report import build_report, default_spec, parse_spec, write_report
from textmine.schema import load_schema
from textmine.store import Store

SAMPLE = REPO / "data" / "sample"
CHROMIUM = os.environ.get("TEXTMINE_CHROMIUM", "/usr/bin/chromium")
N_POPULATION = 285
# Small on purpose: one open question keeps cleaning and coding quick.
SPEC = """\
survey: lmb
summary: [voert_lmb, vte, steun_lmb, trots]
open: [trots]
quotes: 2
crosstabs:
  - {question: voert_lmb, by: size_class}
  - {question: trots, by: province}
compare_with: "2022"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("report") / "p"
    schema = load_schema(REPO / "data" / "schemas" / "lmb.yaml")
    ingest(SAMPLE / "lmb_2022_SYNTHETIC.csv", schema, p, "2022", population=300)
    ingest(SAMPLE / "lmb_2025_SYNTHETIC.csv", schema, p, "2025")
    return p


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "lmb_test.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report(project: Path, spec_file: Path, tmp_path_factory) -> Path:
    """The report as the CLI writes it, after one answer got a human code."""
    from typer.testing import CliRunner

    from textmine.cli import app

    with Store(project) as store:
        rid = store.open_answers("lmb", "2025", "trots").respondent_id.iloc[3]
        store.add_codes([{"survey": "lmb", "wave": "2025", "question": "trots", "respondent_id": rid,
                          "theme": t, "applies": t == "fairtrade"}
                         for t in ("financiele_steun", "sensibilisering", "evenementen", "beleid", "fairtrade",
                                   "geen_project")], source="human", coder="Test")
    out = tmp_path_factory.mktemp("out") / "rapport.html"
    res = CliRunner().invoke(app, ["report", "-p", str(project), "-o", str(out), "--spec", str(spec_file),
                                   "--prepare"])
    assert res.exit_code == 0, res.output
    # --prepare: the missing steps were run, each announced
    assert "cleaning lmb 'trots' wave 2025" in res.stderr and "coding lmb 'trots' wave 2025" in res.stderr
    assert "coding lmb 'trots' wave 2022" in res.stderr
    return out


# --- helpers --------------------------------------------------------------------------

class _Page(HTMLParser):
    """Ids, in-page links, external references and visible text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.external: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src", "xlink:href"):
            value = (a.get(key) or "").strip()
            if value.startswith("#"):
                self.links.append(value[1:])
            elif value:
                self.external.append(f"{tag} {key}={value}")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.plain = " ".join(" ".join(page.text).split())  # type: ignore[attr-defined]
    return page


def dutch(x: float, digits: int) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def read_png(path: Path) -> tuple[int, int, list[bytes], int]:
    """A minimal PNG decoder (8-bit RGB/RGBA, not interlaced): width, height, rows, bytes per pixel."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 2:
            line = bytearray((x + y) & 255 for x, y in zip(line, prev))
        elif f in (1, 3, 4):
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
                if f == 1:
                    line[x] = (line[x] + a) & 255
                elif f == 3:
                    line[x] = (line[x] + (a + b) // 2) & 255
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows, bpp


def chromium(*args: str, user_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={user_dir}", "--window-size=1366,900", *args],
        capture_output=True, text=True, timeout=120)


def need_browser() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("TEXTMINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and TEXTMINE_REQUIRE_BROWSER=1 (run scripts/setup_browser.sh)")
        pytest.skip(f"{CHROMIUM} not installed (scripts/setup_browser.sh installs it)")


# --- content --------------------------------------------------------------------------

def test_report_content_matches_the_store(report: Path, project: Path):
    html = report.read_text(encoding="utf-8")
    page = parse(html)
    # self-contained: no scripts, nothing fetched
    assert "script" not in page.tags and not page.external, page.external[:3]
    assert not re.search(r"url\(|@import|https?://", html)
    # every figure link has its target
    assert page.links and set(page.links) <= page.ids, sorted(set(page.links) - page.ids)[:5]
    for heading in ("Samenvatting", "Methode", "Gesloten vragen", "Open vragen", "Nieuwe clusters",
                    "Kruistabellen", "Vergelijking met 2022", "Bijlage"):
        assert heading in page.plain
    # response and margin of error computed here from the sample export, not with textmine's code
    rows = list(csv.DictReader((SAMPLE / "lmb_2025_SYNTHETIC.csv").open(encoding="cp1252", newline=""),
                              delimiter=";"))
    n = len(rows)
    moe = 100 * 1.959964 * math.sqrt(0.25 / n * (N_POPULATION - n) / (N_POPULATION - 1))
    assert f"{n} van de {N_POPULATION} lokale besturen" in page.plain
    assert f"een respons van {dutch(100 * n / N_POPULATION, 1)}%" in page.plain
    assert f"±{dutch(moe, 1)} procentpunten" in page.plain
    voert = [r for r in rows if r[next(k for k in r if k.startswith("Voert uw lokaal bestuur"))].strip()]
    ja = sum(r[next(k for k in r if k.startswith("Voert uw lokaal bestuur"))].strip().lower() == "ja" for r in voert)
    assert f"{round(100 * ja / len(voert))}% (n = {ja})" in page.plain
    # no personal data: the redacted text only
    assert "[E-MAIL]" in html or "[NAAM]" in html or "[TELEFOON]" in html
    assert not re.search(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", html)
    # an answer that makes a raw text differ from its redacted text never shows up raw
    with Store(project) as store:
        raw = store.open_answers("lmb", "2025", "trots")
    from textmine.clean import clean_project
    with Store(project) as store:
        cleaned = {a["respondent_id"]: a for a in clean_project(store, survey="lmb", wave="2025",
                                                                question="trots").answers}
    changed = [r.text for r in raw.itertuples() if cleaned[r.respondent_id]["redacted_text"] != r.text]
    assert changed and not any(t in html for t in changed)


def _theme_members(html: str, title_part: str) -> str:
    page = re.search(r'<section class="evidence" id="[^"]+"><h4>([^<]*' + re.escape(title_part)
                     + r'[^<]*)</h4><p class="muted">(\d+) respondent', html)
    assert page, title_part
    return page.group(2)


def test_theme_counts_follow_the_store_human_over_machine(report: Path, project: Path):
    from textmine.codebook import load_codebook
    from textmine.units import match_unit

    html = report.read_text(encoding="utf-8")
    book = load_codebook(REPO / "data" / "codebooks" / "lmb_trots.yaml")
    with Store(project) as store:
        codes = store.codes("lmb", "2025", "trots")
        resp = store.respondents("lmb", "2025").set_index("respondent_id")
    human = codes[codes.source == "human"]
    human_ids = set(human.respondent_id)
    assert len(human_ids) == 1
    machine = codes[(codes.source == "machine") & (codes.applies == 1) & ~codes.respondent_id.isin(human_ids)]
    for theme in book.ids:
        expected = machine[machine.theme == theme].respondent_id.nunique() + \
            human[(human.theme == theme) & (human.applies == 1)].respondent_id.nunique()
        label = book.theme(theme).label
        assert _theme_members(html, f"Project waarop u trots bent: {label} (LMB 2025)") == str(expected), theme
    # the wave comparison (textmine.waves, counted there) agrees with the report's theme counts
    try:
        from textmine.waves import compare_waves
    except ImportError:
        compare_waves = None
    if compare_waves is not None:
        with Store(project) as store:
            rows = compare_waves(store, "lmb", "2022", "2025", question="trots")
        for r in rows:
            if r.get("kind") == "theme" and r["option"] in book.ids and (r["waves"].get("2025") or {}).get("count"):
                label = book.theme(r["option"]).label
                assert _theme_members(html, f"Project waarop u trots bent: {label} (LMB 2025)") == \
                    str(r["waves"]["2025"]["count"]), r["option"]
    # every bar of every chart is a link
    charts = re.findall(r"<svg class=\"chart\".*?</svg>", html, re.S)
    assert sum(svg.count('<rect class="bar') for svg in charts) > 20
    for svg in charts:
        assert svg.count('<rect class="bar') == len(re.findall(r'<a href="#[^"]+" class="bar-link"><title>[^<]*</title>'
                                                                  r'<text[^>]*>.*?</text><rect', svg))
    # the human-coded answer is listed under its human theme only
    rid = next(iter(human_ids))
    name = resp.loc[rid, "municipality"] or resp.loc[rid, "unit"]
    assert match_unit(name).municipality is not None
    block = re.search(r"<h4>Project waarop u trots bent: Fair Trade[^<]*\(LMB 2025\)</h4>(.*?)</section>", html, re.S)
    assert block and f"<strong>{name}</strong>" in block.group(1)


def test_spec_errors_name_file_and_line(project: Path, tmp_path: Path, cli):
    bad = tmp_path / "bad.yaml"
    bad.write_text("survey: lmb\ncrosstabs:\n  - {question: voert_lmb, by: size_class}\n"
                   "  - {question: bestaat_niet, by: province}\n", encoding="utf-8")
    res = cli("report", "-p", project, "-o", tmp_path / "r.html", "--spec", bad)
    assert res.exit_code == 2 and "bad.yaml, row 4" in res.stderr and "bestaat_niet" in res.stderr
    bad.write_text("survey: lmb\nsummary: [voert_lmb\n", encoding="utf-8")
    res = cli("report", "-p", project, "-o", tmp_path / "r.html", "--spec", bad)
    assert res.exit_code == 2 and "bad.yaml, row" in res.stderr and "not valid YAML" in res.stderr
    bad.write_text("survey: lmb\nkwaliteit: hoog\n", encoding="utf-8")
    res = cli("report", "-p", project, "-o", tmp_path / "r.html", "--spec", bad)
    assert res.exit_code == 2 and "row 2" in res.stderr and "unknown key" in res.stderr
    assert not (tmp_path / "r.html").exists()
    res = cli("report", "-p", project, "-o", tmp_path / "r.html", "--wave", "1999")
    assert res.exit_code == 2 and "no wave '1999'" in res.stderr
    # the shipped specs are valid for the shipped schemas; as defaults they fit other schemas too
    fixture = load_schema(REPO / "tests" / "fixtures" / "schema.yaml")
    fallback = default_spec("lmb")
    fallback.check(fixture)
    assert fallback.crosstabs and {c.question for c in fallback.crosstabs} <= {q.id for q in fixture.questions}
    assert set(fallback.summary) <= {q.id for q in fixture.questions} and fallback.open is None  # "all"
    for survey in ("lmb", "sdg"):
        spec = parse_spec((REPO / "data" / "report" / f"{survey}.yaml").read_text(encoding="utf-8"))
        spec.check(load_schema(REPO / "data" / "schemas" / f"{survey}.yaml"))


def test_optional_stages_absent_or_present(report: Path, project: Path, spec_file: Path, monkeypatch):
    """Without a topics run the report says so; with one, quotes stay redacted text of members."""
    with Store(project) as store:
        html = build_report(store, "lmb", "2025", spec=spec_file)
        assert "Geen clusteranalyse uitgevoerd" in html
        ids = list(store.open_answers("lmb", "2025", "trots").respondent_id[:4])
        raw_quote = store.open_answers("lmb", "2025", "trots").text.iloc[0] + " RAW-NOT-REDACTED"
        fake = [{"id": 0, "label": "proefcluster", "keywords": ["a", "b"], "size": 4, "respondent_ids": ids,
                 "quotes": [raw_quote], "coverage": {"beleid": 0.1}, "new": True,
                 "waves": {"2025": {"count": 4, "share": 0.04}}}]
        monkeypatch.setattr(Store, "topic_clusters", lambda self, s, q: fake if q == "trots" else [],
                            raising=False)
        html = build_report(store, "lmb", "2025", spec=spec_file)
    assert "proefcluster" in html and "nieuw" in html and "RAW-NOT-REDACTED" not in html
    assert "geen besluit" in html  # the list is a lead: the report says how far to trust it
    page = parse(html)
    assert set(page.links) <= page.ids


def test_report_on_a_prepared_project_writes_nothing(report: Path, project: Path, spec_file: Path, monkeypatch):
    """The reported wave, the compared wave and the clusters (all waves) are read, never cleaned or coded again."""
    with Store(project) as store:
        ids = list(store.open_answers("lmb", "2025", "trots").respondent_id[:4])
    fake = [{"id": 0, "label": "proefcluster", "keywords": ["a"], "size": 4, "respondent_ids": ids,
             "quotes": [], "coverage": {}, "new": True, "waves": {"2025": {"count": 4, "share": 0.04}}}]
    monkeypatch.setattr(Store, "topic_clusters", lambda self, s, q: fake if q == "trots" else [])
    before = dump_db(project)
    with Store(project) as store:
        html = build_report(store, "lmb", "2025", spec=spec_file)
    assert "proefcluster" in html
    assert dump_db(project) == before


# --- rendered in headless Chromium ------------------------------------------------------

_PROBE = """<script>
addEventListener('load', function () {
  var bad = [], small = [];
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var box = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal, scale = box.width / vb.width;
    svg.querySelectorAll('text').forEach(function (t) {
      var b = t.getBBox();
      if (b.x < -0.5 || b.x + b.width > vb.width + 0.5) bad.push(t.textContent);
      var px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 11.5) small.push(t.textContent + ':' + px.toFixed(1));
    });
    if (box.right > innerWidth + 1) bad.push('chart wider than the window');
  });
  document.body.setAttribute('data-cut', bad.length);
  document.body.setAttribute('data-cut-first', bad.slice(0, 3).join(' | '));
  document.body.setAttribute('data-small', small.length);
  document.body.setAttribute('data-charts', document.querySelectorAll('svg.chart').length);
});
</script>"""


def test_rendered_in_headless_chromium(report: Path, project: Path, tmp_path: Path):
    need_browser()
    shot = tmp_path / "rapport.png"
    res = chromium(f"--screenshot={shot}", report.as_uri(), user_dir=tmp_path / "profile")
    assert shot.exists(), res.stderr[-2000:]
    w, h, rows, bpp = read_png(shot)
    assert (w, h) == (1366, 900)
    lum = [sum(px[i:i + 3]) / 3 for px in rows[::6] for i in range(0, w * bpp, 6 * bpp)]
    mean = sum(lum) / len(lum)
    assert sum((x - mean) ** 2 for x in lum) / len(lum) > 100, "blank screenshot"
    if os.environ.get("TEXTMINE_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["TEXTMINE_KEEP_SCREENSHOT"])

    dom = chromium("--dump-dom", report.as_uri(), user_dir=tmp_path / "profile").stdout
    page = parse(dom)
    for heading in ("Samenvatting", "Methode", "Gesloten vragen", "Open vragen", "Kruistabellen", "Bijlage"):
        assert heading in page.plain
    with Store(project) as store:
        n = len(store.respondents("lmb", "2025"))
    moe = 100 * 1.959964 * math.sqrt(0.25 / n * (N_POPULATION - n) / (N_POPULATION - 1))
    assert f"±{dutch(moe, 1)}" in page.plain and f"{n} van de {N_POPULATION}" in page.plain
    assert page.links and set(page.links) <= page.ids
    assert not [e for e in page.external if re.search(r"(href|src)=https?:", e)]

    # labels not cut off and fonts >= 12 px at 1366 px, measured by the browser on a probe copy
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    dom = chromium("--dump-dom", probe.as_uri(), user_dir=tmp_path / "profile").stdout
    body = re.search(r"<body([^>]*)>", dom).group(1)
    attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', body))
    assert int(attrs["data-charts"]) > 5
    assert attrs["data-cut"] == "0", attrs.get("data-cut-first")
    assert attrs["data-small"] == "0"


def test_write_report_is_atomic_and_deterministic_in_content(report: Path, project: Path, spec_file: Path, tmp_path: Path):
    with Store(project) as store:
        a = write_report(store, tmp_path / "a.html", "lmb", "2025", spec=spec_file).read_text(encoding="utf-8")
        b = build_report(store, "lmb", "2025", spec=spec_file)
    assert a == b and not list(tmp_path.glob("*.tmp"))
