"""REFI-QDA project export (.qdpx): structure, references, cases, variables, coders, determinism."""

from __future__ import annotations

import csv
import os
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from tm_testutil import REPO, dump_db, refi_xsd_validator
from textmine.clean import clean_project
from textmine.codebook import load_codebook
from textmine.codes import import_training_codes
from textmine.coding import code_question
from textmine.errors import InputError
from textmine.ingest import ingest
from textmine.qdpx import MACHINE_USER, export_qdpx
from textmine.schema import load_schema
from textmine.store import Store

SAMPLE = REPO / "data" / "sample"
NS = {"q": "urn:QDA-XML:project:1.0"}
PII = "Mail gerust naar jan.peeters@voorbeeldgemeente.be of bel 0475 12 34 56."


def _subset(source: Path, target: Path, n: int, extra: dict[int, str] | None = None) -> list[list[str]]:
    """The first n respondents of a sample export (cp1252, ';'), written as UTF-8;
    ``extra`` appends text to the 'trots' answer of these data rows."""
    raw = source.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    rows = list(csv.reader(text.splitlines(True), delimiter=";"))
    header, body = rows[0], rows[1:n + 1]
    col = next(i for i, h in enumerate(header) if h.startswith("Op welk"))  # the 'trots' question
    for i, add in (extra or {}).items():
        body[i][col] = (body[i][col] + " " + add).strip()
    with target.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([header, *body])
    return body


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """lmb 2025 (30 respondents, one answer with an e-mail address and a phone number)
    and lmb 2022 (10); 'trots' 2025 machine-coded, then human codes by An and Bo."""
    tmp = tmp_path_factory.mktemp("qdpx")
    schema = load_schema(REPO / "data" / "schemas" / "lmb.yaml")
    p = tmp / "p"
    _subset(SAMPLE / "lmb_2025_SYNTHETIC.csv", tmp / "lmb_2025.csv", 30, {0: PII})
    _subset(SAMPLE / "lmb_2022_SYNTHETIC.csv", tmp / "lmb_2022.csv", 10)
    ingest(tmp / "lmb_2025.csv", schema, p, "2025")
    ingest(tmp / "lmb_2022.csv", schema, p, "2022")
    book = load_codebook(REPO / "data" / "codebooks" / "lmb_trots.yaml")
    with Store(p) as store:
        result = code_question(store, "trots", survey="lmb", wave="2025", codebook=book)
        coded = [a["respondent_id"] for a in result.answers
                 if a["themes"] and a["themes"] != ["non_answer"]]
        train = tmp / "human.csv"
        train.write_text("respondent id;theme;coder;wave\n"
                         f"{coded[0]};beleid;An;2025\n{coded[0]};evenementen;An;2025\n"
                         f"{coded[1]};overig;An;2025\n{coded[2]};fairtrade;Bo;2025\n"
                         f"{coded[0]};beleid;Bo;2025\n", encoding="utf-8")
        assert import_training_codes(store, book, "lmb", "trots", train) > 0
    return p


def _export(project: Path, out: Path, **kw) -> tuple[zipfile.ZipFile, ET.Element]:
    with Store(project) as store:
        export_qdpx(store, out, **kw)
    zf = zipfile.ZipFile(out)
    return zf, ET.fromstring(zf.read("project.qde"))


def _all(root: ET.Element, tag: str) -> list[ET.Element]:
    return root.findall(f".//q:{tag}", NS)


def test_zip_structure_and_references(project: Path, tmp_path: Path):
    zf, root = _export(project, tmp_path / "p.qdpx")
    names = zf.namelist()
    assert names[0] == "project.qde"
    assert all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:])
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
    assert root.tag == "{urn:QDA-XML:project:1.0}Project" and root.get("origin", "").startswith("textmine")

    sources = {s.get("guid"): s for s in _all(root, "TextSource")}
    paths = {s.get("plainTextPath") for s in sources.values()}
    assert paths == {f"internal://{n.removeprefix('sources/')}" for n in names[1:]}, "every file referenced, once"
    codes = {c.get("guid"): c for c in _all(root, "Code")}
    variables = {v.get("guid") for v in _all(root, "Variable")}
    users = {u.get("guid") for u in _all(root, "User")}
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(guids) == len(set(guids)), "GUIDs are unique"
    for ref in _all(root, "SourceRef"):
        assert ref.get("targetGUID") in sources
    for ref in _all(root, "CodeRef"):
        assert codes[ref.get("targetGUID")].get("isCodable") == "true"
    for ref in _all(root, "VariableRef"):
        assert ref.get("targetGUID") in variables
    for el in root.iter():
        if el.get("creatingUser"):
            assert el.get("creatingUser") in users
    # every source belongs to exactly one case
    refs = [r.get("targetGUID") for r in _all(root, "SourceRef")]
    assert sorted(refs) == sorted(sources)

    # the codebook: one non-codable parent per open question, the themes beneath
    with Store(project) as store:
        schema = store.waves("lmb")[-1].schema
        book = load_codebook(REPO / "data" / "codebooks" / "lmb_trots.yaml")
    parents = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert len(parents) == len([q for q in schema.questions if q.type == "open"])
    assert all(p.get("isCodable") == "false" for p in parents)
    trots = next(p for p in parents if p.get("name") == schema.question("trots").label)
    assert [c.get("name") for c in trots.findall("q:Code", NS)] == [t.label for t in book]


def test_one_case_per_respondent_with_the_closed_answers(project: Path, tmp_path: Path):
    zf, root = _export(project, tmp_path / "p.qdpx")
    var = {v.get("guid"): (v.get("name"), v.get("typeOfVariable")) for v in _all(root, "Variable")}
    cases = _all(root, "Case")
    with Store(project) as store:
        waves = store.waves("lmb")
        expected = {(w.wave, r) for w in waves for r in store.respondents("lmb", w.wave).respondent_id}
        answers = {w.wave: store.answers("lmb", w.wave) for w in waves}
        schema = waves[-1].schema
    seen = set()
    checked = 0
    for case in cases:
        values = {}
        for vv in case.findall("q:VariableValue", NS):
            name, kind = var[vv.find("q:VariableRef", NS).get("targetGUID")]
            value = [c for c in vv if c.tag != "{urn:QDA-XML:project:1.0}VariableRef"]
            assert len(value) == 1 and value[0].tag == f"{{urn:QDA-XML:project:1.0}}{kind}Value"
            values[name] = value[0].text
        key = (values["golf"], values["respondent"])
        assert key not in seen
        seen.add(key)
        # the case's closed-question values are exactly the store's closed answers
        rows = answers[key[0]][answers[key[0]].respondent_id == key[1]]
        question_values = {k: v for k, v in values.items()
                           if k not in ("bevraging", "golf", "respondent", "gemeente", "provincie",
                                        "grootteklasse", "NIS-code")}
        assert len(question_values) == len(rows)
        for a in rows.itertuples():
            q = schema.question(a.question)
            if q.type == "multi":
                assert question_values[f"{a.question}: {a.option}"] == ("true" if a.value == "1" else "false")
            elif q.type == "numeric":
                assert float(question_values[a.question]) == pytest.approx(a.number)
            else:
                assert question_values[a.question] == a.value
            checked += 1
    assert seen == expected and len(cases) == 40
    assert checked > 300
    kinds = {name: kind for name, kind in var.values()}
    assert kinds["voert_lmb"] == "Text" and kinds["vte"] == "Float"
    assert kinds["partners: Wereldwinkel"] == "Boolean"
    names = [c.get("name") for c in cases]
    assert len(set(names)) == len(names) and all("(lmb 20" in n for n in names)  # two waves: wave in the name


def test_selections_coders_and_human_codes_win(project: Path, tmp_path: Path):
    zf, root = _export(project, tmp_path / "p.qdpx")
    users = {u.get("guid"): u.get("name") for u in _all(root, "User")}
    machine = MACHINE_USER.format(coder="CombinedCoder")
    assert sorted(users.values()) == sorted(["An", "Bo", machine])
    code_theme = {}
    for c in _all(root, "Code"):
        for line in (c.findtext("q:Description", "", NS)).splitlines():
            if line.startswith("id: "):
                code_theme[c.get("guid")] = line[4:]
    with Store(project) as store:
        codes = store.codes("lmb", "2025", "trots")
        texts = {(o.wave, o.question, o.respondent_id): o.text for o in store.open_answers("lmb").itertuples()}
    codes = codes[codes.applies == 1]
    human = {(r.respondent_id, r.coder, r.theme) for r in codes[codes.source == "human"].itertuples()}
    human_answers = _human_coded(project)  # also the answer coded 'overig' (no theme applies)
    machine_codes = {(r.respondent_id, r.theme) for r in codes[codes.source == "machine"].itertuples()
                     if r.respondent_id not in human_answers}
    seen_human, seen_machine = set(), set()
    for src in _all(root, "TextSource"):
        text = zf.read("sources/" + src.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
        question = src.find("q:VariableValue/q:TextValue", NS).text.removeprefix("lmb.")
        # the source's respondent: the case that refers to it
        case = next(c for c in _all(root, "Case")
                    if any(r.get("targetGUID") == src.get("guid") for r in c.findall("q:SourceRef", NS)))
        vals = {vv.find("q:VariableRef", NS).get("targetGUID"): vv[1].text for vv in case.findall("q:VariableValue", NS)}
        wave, respondent = _case_key(root, vals)
        assert text == texts[(wave, question, respondent)].replace("\r\n", "\n")
        for sel in src.findall("q:PlainTextSelection", NS):
            assert sel.get("startPosition") == "0" and int(sel.get("endPosition")) == len(text)
            who = users[sel.get("creatingUser")]
            for coding in sel.findall("q:Coding", NS):
                assert coding.get("creatingUser") == sel.get("creatingUser")
                theme = code_theme[coding.find("q:CodeRef", NS).get("targetGUID")]
                if who == machine:
                    assert respondent not in human_answers, "a human-coded answer carries no machine coding"
                    seen_machine.add((respondent, theme))
                else:
                    seen_human.add((respondent, who, theme))
    assert seen_human == human and len(human) == 4  # An: beleid+evenementen, Bo: fairtrade+beleid
    assert seen_machine == machine_codes and len(machine_codes) > 5
    assert len(human_answers) == 3


def _human_coded(project: Path) -> set[str]:
    """Answers with any current human code (also all-'no', i.e. overig)."""
    with Store(project) as store:
        return set(store.codes("lmb", "2025", "trots", source="human").respondent_id)


def _case_key(root: ET.Element, vals: dict[str, str]) -> tuple[str, str]:
    by_name = {v.get("name"): v.get("guid") for v in _all(root, "Variable")}
    return vals[by_name["golf"]], vals[by_name["respondent"]]


def test_deterministic_and_raw_or_redacted_text(project: Path, tmp_path: Path):
    a, b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    _export(project, a)
    _export(project, b)
    assert a.read_bytes() == b.read_bytes()
    raw = b"".join(zipfile.ZipFile(a).read(n) for n in zipfile.ZipFile(a).namelist()[1:]).decode("utf-8")
    assert "jan.peeters@voorbeeldgemeente.be" in raw and "0475 12 34 56" in raw  # default: as written

    # the redacted text needs the cleaning step: never run behind the user's back
    before = dump_db(project)
    with pytest.raises(InputError, match=r"^lmb: \d+ open answers not cleaned yet \('reden_geen_lmb', .*\): run "
                                         r"'textmine clean --project .* --survey lmb' first, or pass --prepare"):
        _export(project, tmp_path / "r.qdpx", redacted=True, wave="2025")
    assert dump_db(project) == before and not (tmp_path / "r.qdpx").exists()
    zf, root = _export(project, tmp_path / "r.qdpx", redacted=True, wave="2025", prepare=True)
    with Store(project) as store:
        redacted = {(x["question"], x["respondent_id"]): x["redacted_text"]
                    for x in clean_project(store, survey="lmb", wave="2025").answers}
    texts = [zf.read(n).decode("utf-8") for n in zf.namelist()[1:]]
    assert sorted(texts) == sorted(t.replace("\r\n", "\n") for t in redacted.values())
    assert not any("jan.peeters@" in t or "0475 12 34 56" in t for t in texts)
    assert len(_all(root, "Case")) == 30
    for src in _all(root, "TextSource"):
        text = zf.read("sources/" + src.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
        for sel in src.findall("q:PlainTextSelection", NS):
            assert int(sel.get("endPosition")) == len(text)
    again = tmp_path / "r2.qdpx"
    _export(project, again, redacted=True, wave="2025")
    assert again.read_bytes() == (tmp_path / "r.qdpx").read_bytes()


def test_cli_export_and_bad_arguments(project: Path, tmp_path: Path, cli):
    out = tmp_path / "cli.qdpx"
    res = cli("export", "qdpx", "--project", project, "--out", out, "--survey", "lmb", "--wave", "2022")
    assert res.exit_code == 0, res.output
    assert "10 cases" in res.stdout and "raw text" in res.stdout
    assert len(_all(ET.fromstring(zipfile.ZipFile(out).read("project.qde")), "Case")) == 10
    help_text = cli("export", "qdpx", "--help").stdout
    assert "--redacted" in help_text and "Default: the raw answers" in " ".join(help_text.replace("│", " ").split())
    for args, message in [
        (("--out", tmp_path / "x.zip"), "must end in .qdpx"),
        (("--out", tmp_path / "missing" / "x.qdpx"), "does not exist"),
        (("--out", tmp_path / "x.qdpx", "--wave", "1999"), "no wave 1999"),
        (("--out", tmp_path / "x.qdpx", "--survey", "sdg"), "no wave sdg"),
    ]:
        res = cli("export", "qdpx", "--project", project, *args)
        assert res.exit_code == 2, res.output
        assert res.stderr.count("\n") == 1 and message in res.stderr, res.stderr
    res = cli("export", "qdpx", "--project", tmp_path / "nothing", "--out", tmp_path / "x.qdpx")
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "no textmine project" in res.stderr
    assert not list(tmp_path.glob("x.*")) and not list(tmp_path.glob(".*.tmp")), "nothing half-written"


def test_qdpx_validates_against_refi_xsd(project: Path, tmp_path: Path):
    validate = refi_xsd_validator("Project.xsd")
    for name, kw in [("all", {}), ("one", {"wave": "2025"}), ("redacted", {"wave": "2025", "redacted": True})]:
        zf, _ = _export(project, tmp_path / f"{name}.qdpx", **kw)
        validate(zf.read("project.qde"))


def test_export_of_a_project_without_codes(tmp_path: Path):
    """No codes yet (nothing coded): still a valid project with cases and sources, no users."""
    _subset(SAMPLE / "lmb_2025_SYNTHETIC.csv", tmp_path / "e.csv", 5)
    ingest(tmp_path / "e.csv", load_schema(REPO / "data" / "schemas" / "lmb.yaml"), tmp_path / "p", "2025")
    zf, root = _export(tmp_path / "p", tmp_path / "p.qdpx")
    assert not _all(root, "User") and not _all(root, "PlainTextSelection")
    assert len(_all(root, "Case")) == 5 and len(_all(root, "TextSource")) == len(zf.namelist()) - 1
    if os.environ.get("TEXTMINE_REFI_XSD_DIR"):
        refi_xsd_validator("Project.xsd")(zf.read("project.qde"))
    with Store(tmp_path / "p") as store, pytest.raises(InputError, match="no wave 2030"):
        export_qdpx(store, tmp_path / "q.qdpx", wave="2030")


def test_redacted_export_redacts_the_codebooks_examples_and_descriptions(project: Path, tmp_path: Path,
                                                                          monkeypatch):
    # staff paste real answers in as a theme's examples: the redacted export must not carry them as typed
    import dataclasses

    import textmine.questions as questions

    real = questions.resolve_codebook

    def with_pii(store, survey, question):
        book = real(store, survey, question)
        first = dataclasses.replace(book.themes[0], description="Zie mail van jan.peeters@voorbeeldgemeente.be",
                                    examples=("Bel 0475 12 34 56 voor het project",))
        return dataclasses.replace(book, themes=(first, *book.themes[1:]))

    monkeypatch.setattr(questions, "resolve_codebook", with_pii)
    _export(project, tmp_path / "raw.qdpx", wave="2025")
    raw = zipfile.ZipFile(tmp_path / "raw.qdpx").read("project.qde").decode("utf-8")
    assert "jan.peeters@voorbeeldgemeente.be" in raw and "0475 12 34 56" in raw  # raw: as typed
    zf, root = _export(project, tmp_path / "red.qdpx", wave="2025", redacted=True, prepare=True)
    qde = zf.read("project.qde").decode("utf-8")
    assert "jan.peeters@" not in qde and "0475 12 34 56" not in qde
    assert "voor het project" in qde  # the example is still there, redacted
