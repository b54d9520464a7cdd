"""The Project facade: textmine as a library, pandas in and out.

A ``Project`` is a project directory (its SQLite store, settings and saved coders).
Every entry point goes through it: the command line (``textmine ...``), the demo,
the workbench and notebooks. Each method does what the CLI command of the same name
does; table-shaped results come back as pandas DataFrames, written files as their Path.

    >>> from textmine import Project
    >>> p = Project("mijn-project")
    >>> p.ingest(frame, "data/schemas/lmb.yaml", "2025")      # doctest: +SKIP
    >>> p.tally(survey="lmb")                                 # doctest: +SKIP

Bad input raises ``textmine.InputError`` with one line naming the file (a DataFrame is
"<DataFrame>"), the row (as a spreadsheet numbers it: the header is row 1) and the column.

Stages are imported inside the methods, so ``import textmine`` stays light.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

if TYPE_CHECKING:  # only for the type hints: importing them costs seconds
    import pandas as pd

    from .clean import CleanRun
    from .codebook import Codebook
    from .coding import CodingResult
    from .config import NlpSettings
    from .qdpx import QdpxReport
    from .review import ImportReport
    from .schema import Schema
    from .store import Store
    from .topics import TopicResult

log = logging.getLogger("textmine")

Progress = Callable[[int, int], None]

TALLY_COLUMNS = ["survey", "wave", "question", "type", "option", "count", "base", "percent", "ci_low", "ci_high",
                 "label", "by", "group"]
SUMMARY_COLUMNS = ["survey", "wave", "question", "type", "statistic", "value", "count", "base", "percent",
                   "ci_low", "ci_high", "label", "by", "group"]
ANSWER_COLUMNS = ["respondent_id", "wave", "text", "redacted_text", "lemmas", "entities", "flags", "language",
                  "survey", "question", "content_lemmas", "key_phrases"]
CODE_COLUMNS = ["respondent_id", "wave", "theme", "score", "rank", "source", "survey", "question", "status"]
# Statistics of a numeric question (tally JSON keys), in the order the CSV lists them.
_NUMERIC_STATS = ("n", "missing", "mean", "median", "q1", "q3", "min", "max", "sd", "sum")
_WAVE_STATS = ("respondents", "responses_in_export", "population", "response_rate", "margin_of_error",
               "required_sample")


@dataclass
class IngestReport:
    """What ``Project.ingest`` stored and what it noticed on the way."""

    survey: str
    wave: str
    respondents: int            # respondents stored (after the schema's include rules)
    open_answers: int           # non-blank open answers stored
    replaced: bool              # the wave was already in the project and was replaced
    kept_human_codes: int       # on replace: human codes still on an unchanged answer
    stale_human_codes: int      # on replace: human codes whose answer text changed (kept in history)
    responses: int              # data rows in the export
    excluded: int               # responses left out by include rules
    exclusions: list[dict[str, Any]] = field(default_factory=list)   # per include rule: rule, why, count
    unmatched_units: dict[str, tuple[str, ...]] = field(default_factory=dict)  # unit -> suggestions
    warnings: list[str] = field(default_factory=list)
    source: str = ""            # file name, or "<DataFrame>"
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    orphaned_human_codes: int = 0  # of the stale ones: their respondent's answer is no longer in the export


class Project:
    """A textmine project: survey waves, cleaned answers, codes, topics and runs in one directory.

    ``Project(path)`` opens the project directory, creating it (and its store) when missing;
    ``Project(path, create=False)`` only remembers the path, and the first method that needs
    the store says so when there is no project there (``ingest`` always creates it).

    Reading the data:  ingest, waves, questions, tally, summaries, answers, compare.
    Coding:            code, codebook, import_codes, evaluate, coder, export_review, import_review.
    Finding themes:    topics, add_theme.
    Publishing:        report, catalogue, export_qdpx (each returns the written Path).
    The same results with everything the CLI shows: tally_results, clean, coding, find_topics,
    compare_results, evaluation, catalogue_practices, export_qdpx_report.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        """Open the project in directory ``path``, creating it when missing (``create=False``: not now)."""
        from os import PathLike

        from .errors import InputError

        # Path(None) is a TypeError and Path("") the current folder: neither is what was meant.
        if not isinstance(path, (str, PathLike)) or not str(path).strip():
            raise InputError(f"the project is a folder path, not {path!r}")
        self.path = Path(path)
        if create:
            from .store import Store

            with Store(self.path, create=True):
                pass

    def __repr__(self) -> str:
        return f"Project({str(self.path)!r})"

    # --- plumbing -----------------------------------------------------------------

    @contextmanager
    def store(self, *, create: bool = False) -> Iterator[Store]:
        """The project's store, open for the duration of a ``with`` block (the one road to it)."""
        from .errors import InputError
        from .store import Store

        with Store(self.path, create=create) as store:
            try:
                yield store
            except UnicodeEncodeError as exc:
                # half a surrogate pair in an argument (a key, a survey name) cannot reach SQLite; a write
                # in progress was rolled back by its transaction
                if "surrogate" not in str(exc.reason):
                    raise
                raise InputError("an argument holds invalid text (half a UTF-16 surrogate pair): "
                                 f"{exc.object[:60].encode('utf-8', 'backslashreplace').decode('utf-8')!r}") from None

    def settings(self, n_process: int | None = None) -> NlpSettings:
        """The project's NLP settings (textmine.yaml in the project directory, else defaults)."""
        from .config import load_config

        settings = load_config(self.path).nlp
        if n_process:
            settings.n_process = n_process
        return settings

    def codebook(self, question: str, survey: str | None = None,
                 codebook: Codebook | str | Path | None = None) -> tuple[str, Codebook]:
        """The survey that has this open question (``survey`` when several have it) and the codebook
        that codes it: ``codebook`` (a Codebook, or a YAML, .qdc or labels file), else the schema's
        ``codebook:``, else data/codebooks/<survey>_<question>.yaml."""
        with self.store() as store:
            return self._codebook(store, question, survey, codebook)

    def questions(self, survey: str | None = None) -> pd.DataFrame:
        """The questions of the project's surveys (as the latest wave's schema has them):
        survey, question, type, label, one row each."""
        import pandas as pd

        from .errors import InputError

        rows: dict[tuple[str, str], dict[str, Any]] = {}
        with self.store() as store:
            if survey is not None and not store.waves(survey):
                raise InputError(f"the project has no survey '{survey}'", file=self.path)
            for info in store.waves(survey):
                for q in info.schema.questions:
                    rows[(info.survey, q.id)] = {"survey": info.survey, "question": q.id, "type": q.type,
                                                 "label": q.label}
        return pd.DataFrame(list(rows.values()), columns=["survey", "question", "type", "label"])

    def _codebook(self, store: Store, question: str, survey: str | None,
                  codebook: Codebook | str | Path | None) -> tuple[str, Codebook]:
        from .codebook import Codebook
        from .questions import open_question_survey, question_codebook

        if isinstance(codebook, Codebook):
            return open_question_survey(store, question, survey), codebook
        return question_codebook(store, question, survey, None if codebook is None else _path_arg(codebook, "codebook"))

    # --- ingest -------------------------------------------------------------------

    def ingest(self, source: str | Path | pd.DataFrame, schema: str | Path | Schema, wave: str, *,
               replace: bool = False, population: int | None = None, sheet: str | int | None = None
               ) -> IngestReport:
        """Read a survey export into the project (all or nothing).

        source      the export: a .csv, .xlsx or .sav file, or a pandas DataFrame whose column
                    names are the export's header row (checked exactly like a file; messages name
                    it "<DataFrame>" and number rows as a spreadsheet: header 1, first answer 2;
                    read exports with ``dtype=str, keep_default_na=False`` so that answers such as
                    "NA" or "n/a" stay the text the respondent wrote, not a missing value)
        schema      survey schema: a YAML file or a loaded ``Schema``
        wave        wave label, e.g. "2025"
        replace     replace the wave if it is already in the project (human codes on unchanged
                    answers are kept)
        population  units in the population for this wave (default: the schema's)
        sheet       XLSX sheet: its name, or its position from 0 as pandas counts (default: the
                    first sheet that is not a chart)

        Raises ``InputError`` (one line: file, row, column) and then stores nothing.
        """
        from .args import sheet_ref
        from .ingest import ingest
        from .schema import Schema, load_schema

        sheet = sheet_ref(sheet)
        loaded = schema if isinstance(schema, Schema) else load_schema(_path_arg(schema, "schema"))
        saved, data = ingest(source, loaded, self.path, wave, replace=replace, sheet=sheet, population=population)
        report = IngestReport(saved.survey, saved.wave, saved.respondents, saved.open_answers, saved.replaced,
                              saved.kept_human_codes, saved.stale_human_codes, data.responses, data.excluded,
                              data.exclusions, dict(data.unmatched_units), list(data.warnings),
                              Path(data.table.file).name, data.table.encoding, data.table.delimiter,
                              saved.orphaned_human_codes)
        if saved.orphaned_answers:
            n = saved.orphaned_answers
            report.warnings.append(f"the human codes of {n} answer{'' if n == 1 else 's'} are on respondents no "
                                   "longer in the export (or whose answer is now blank): kept in the history, no "
                                   "longer counted")
        log.info("%s %s wave %s: %d respondents, %d open answers", "replaced" if saved.replaced else "ingested",
                 saved.survey, saved.wave, saved.respondents, saved.open_answers)
        return report

    # --- closed questions -----------------------------------------------------------

    def tally_results(self, survey: str | None = None, wave: str | None = None, by: str | None = None,
                      question: str | None = None) -> list[dict[str, Any]]:
        """The tallies as ``textmine tally --format json`` writes them: one dict per survey wave."""
        from .args import optional_wave
        from .tally import tally

        with self.store() as store:
            return tally(store, survey, optional_wave(wave), question, by)

    def tally(self, survey: str | None = None, wave: str | None = None, by: str | None = None,
              question: str | None = None) -> pd.DataFrame:
        """Closed-question tallies: one row per question x option of every selected survey wave.

        Columns: survey, wave, question, type (single, likert, multi), option, count, base
        (the valid base: answered, less options such as "niet van toepassing" that the schema
        keeps out of it; multi: respondents who answered), percent (of the base; empty for an
        option outside the base), ci_low, ci_high (95% Wilson interval in percent, with the
        finite-population correction); then label (the question's label), by and group: with
        ``by`` (a closed question, "province" or "size_class") each question's rows come first
        overall (group empty), then per group.

        Numeric statistics, Likert agree/neutral/disagree splits, missing counts and the
        response rate are in ``summaries``. Figures are those of ``textmine tally``.
        """
        return tally_frame(self.tally_results(survey, wave, by, question))

    def summaries(self, survey: str | None = None, wave: str | None = None, by: str | None = None,
                  question: str | None = None) -> pd.DataFrame:
        """Everything of the tally that is not a question option, one row per statistic.

        Columns: survey, wave, question, type, statistic, value, count, base, percent, ci_low,
        ci_high, label, by, group. Rows:
          - per wave (question and type empty; left out when ``question`` is given): respondents,
            responses_in_export, population,
            response_rate (%), margin_of_error (percentage points), required_sample (value);
          - per closed question: missing (count: respondents without an answer);
          - likert: agree, neutral, disagree (count, base, percent, ci_low, ci_high) and
            mean_score (value, 1 = the first option of the scale);
          - numeric: n, missing, mean, median, q1, q3, min, max, sd, sum (value);
          - open: answered, missing (count).
        """
        return summary_frame(self.tally_results(survey, wave, by, question), waves=question is None)

    def compare_results(self, survey: str, waves: Sequence[str], question: str | None = None
                        ) -> tuple[list[dict[str, Any]], list[str]]:
        """The comparison rows as ``textmine compare --format json`` writes them, and the notes
        on responses left out by include rules (printed by the CLI on stderr)."""
        from .waves import compare_waves, left_out_notes

        wave_a, wave_b = _two_waves(waves)
        with self.store() as store:
            return (compare_waves(store, survey, wave_a, wave_b, question),
                    left_out_notes(store, survey, [wave_a, wave_b]))

    def check_compare(self, survey: str, waves: Sequence[str]) -> None:
        """InputError when ``survey`` does not have both ``waves`` (before any work)."""
        from .waves import resolve_waves

        wave_a, wave_b = _two_waves(waves)
        with self.store() as store:
            resolve_waves(store, survey, wave_a, wave_b)

    def compare(self, survey: str, waves: Sequence[str], question: str | None = None) -> pd.DataFrame:
        """Compare two waves (A, B): per option or theme both shares with 95% CI, the difference
        (B - A), a z or Fisher test, Holm-adjusted per question.

        Columns as ``textmine compare --format csv``: question, question_label, kind, option, label,
        n_<wave>, count_<wave>, percent_<wave>, ci95_low_<wave>, ci95_high_<wave> for both waves,
        difference, test, p_value, p_adjusted, significant, change, note.
        """
        import pandas as pd

        from .waves import compare_columns, compare_rows

        wave_a, wave_b = _two_waves(waves)
        rows, _notes = self.compare_results(survey, (wave_a, wave_b), question)
        return pd.DataFrame(compare_rows(rows, wave_a, wave_b), columns=compare_columns(wave_a, wave_b))

    # --- open answers -----------------------------------------------------------------

    def clean(self, survey: str | None = None, wave: str | None = None, question: str | None = None, *,
              n_process: int | None = None, progress: Progress | None = None) -> CleanRun:
        """Clean open answers with the Dutch pipeline (cached): what ``textmine clean`` runs.

        Returns the run: ``answers`` (one dict per answer), ``pipeline``, ``processed``, ``cached``
        and ``warnings``. Answers not cleaned yet are announced on the "textmine" logger (INFO).
        """
        from .args import optional_wave
        from .clean import clean_project

        wave = optional_wave(wave)
        what = " ".join(x for x in (survey, wave, f"'{question}'" if question else None) if x) or "the project"

        def announce(done: int, total: int) -> None:
            if done == 0 and total:  # clean_project calls (0, n) only when n answers are not cached
                log.info("cleaning %d answers of %s that were not cleaned yet (Dutch pipeline; cached after)",
                         total, what)
            if progress:
                progress(done, total)

        with self.store() as store:
            _check_wave(store, survey, wave)
            return clean_project(store, survey=survey, wave=wave, question=question,
                                 settings=self.settings(n_process), progress=announce)

    def answers(self, question: str | None, survey: str | None = None, wave: str | None = None) -> pd.DataFrame:
        """The cleaned answers of an open question (None: every open question), one row each.

        Columns: respondent_id, wave, text (as written), redacted_text (names, e-mail addresses,
        phone numbers replaced), lemmas (list), entities (list of {text, label, start, end, id};
        offsets in ``text``), flags (list, e.g. non_answer, duplicate), language; then survey,
        question, content_lemmas, key_phrases. Answers not cleaned yet are cleaned first (and
        cached), which the "textmine" logger announces at INFO level. The content is that of
        ``textmine clean --format json``; with several surveys asking the question, all are listed.
        """
        import pandas as pd

        if question is not None:
            self._check_open_question(question, survey)
        run = self.clean(survey, wave, question)
        # object columns: a missing language stays None (as in the CLI's JSON), not NaN
        return pd.DataFrame([{c: a.get(c) for c in ANSWER_COLUMNS} for a in run.answers], columns=ANSWER_COLUMNS,
                            dtype=object)

    def _check_open_question(self, question: str, survey: str | None) -> None:
        from .errors import InputError

        with self.store() as store:
            if not any(q.id == question and q.type == "open" for w in store.waves(survey) for q in w.schema.questions):
                raise InputError(f"no open question '{question}' in the project"
                                 + (f" for survey '{survey}'" if survey else ""))

    # --- coding ---------------------------------------------------------------------------

    def import_codes(self, question: str, train: str | Path | pd.DataFrame, survey: str | None = None,
                     codebook: Codebook | str | Path | None = None, wave: str | None = None) -> int:
        """Import human codes (``textmine code --train``): a CSV/XLSX file or a DataFrame with a
        respondent id column, a theme column (``overig``: coded with no theme), optional coder
        and wave columns; one row per answer x theme. Checked whole before anything is stored.
        Returns the number of codes stored (importing twice stores nothing new)."""
        from .args import optional_wave
        from .codes import import_training_codes

        wave = optional_wave(wave)
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, codebook)
            _check_wave(store, survey, wave)
            n = import_training_codes(store, book, survey, question, train, wave)
        log.info("imported %d human codes for %s '%s'", n, survey, question)
        return n

    def coding(self, question: str, survey: str | None = None, codebook: Codebook | str | Path | None = None,
               wave: str | None = None, embedder: str | None = None, *,
               progress: Progress | None = None) -> CodingResult:
        """Code the answers of an open question: what ``textmine code`` runs.

        Returns the run (``answers``: respondent_id, wave, text, redacted_text, themes in the
        coder's order, scores, source; plus provenance and warnings). Machine codes are stored;
        human codes always win; the fitted coder is saved (see ``coder``)."""
        from .args import optional_wave
        from .coding import code_question

        wave = optional_wave(wave)
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, codebook)
            _check_wave(store, survey, wave)
            log.info("coding the answers of %s '%s' with codebook %s", survey, question, book.hash)
            return code_question(store, question, survey=survey, wave=wave, codebook=book, embedder=embedder,
                                 settings=self.settings(), progress=progress)

    def code(self, question: str, survey: str | None = None, codebook: Codebook | str | Path | None = None,
             train: str | Path | pd.DataFrame | None = None, wave: str | None = None,
             embedder: str | None = None) -> pd.DataFrame:
        """Code the answers of an open question to the codebook's themes (human codes always win).

        question  open question to code
        survey    survey (when several have the question)
        codebook  a Codebook, or a file (YAML, .qdc or labels); default: the schema's or
                  data/codebooks/<survey>_<question>.yaml
        train     human codes to import first (a file or DataFrame, as ``import_codes``)
        wave      only this wave (every wave's human codes still train the coder)
        embedder  embedding backend (default e5-int8, see textmine.embed)

        One row per answer x theme that applies: respondent_id, wave, theme, score (the machine
        score 0..1 of that theme; empty for ``overig``), rank (1 = the answer's main theme, in
        the order the coder gives, or the codebook's order for human codes), source (machine or
        human); then survey, question and status (the answer's: ``auto`` when the machine's codes
        pass the auto-coding gate, ``suggested`` to review, ``human``; see ``textmine.gate`` and
        ``auto_coding``). ``attrs``: auto_needed (human codes still needed before anything can be
        auto; 0 when some theme can be) and auto_line (the CLI's line on it). An answer to which no theme applies has one row,
        theme ``overig``, and a non-answer ("nvt", "-") one row ``non_answer``, as ``textmine
        code`` reports them (score empty); every answer therefore has at least one row. The
        figures are those of ``textmine code --format json``.
        """
        if train is not None:
            self.check_embedder(embedder)  # before the import: a failed command stores nothing
            self.import_codes(question, train, survey, codebook, wave)
        return code_frame(self.coding(question, survey, codebook, wave, embedder))

    def check_embedder(self, embedder: str | None = None) -> None:
        """Raise InputError when the embedding backend ``embedder`` (None: the default)
        cannot be built: an unknown name, a missing package. Nothing is stored."""
        from .embed import get_embedder

        get_embedder(embedder)

    def coder(self, question: str, survey: str | None = None,
              codebook: Codebook | str | Path | None = None) -> SavedCoder:
        """The coder the last ``code`` run fitted and saved, to score new texts in a notebook.

        Refused (InputError) when there is none yet or the codebook changed since. Its
        ``score(texts)`` cleans the texts with the project's pipeline and returns a DataFrame
        (text, theme, score, applies, rank); nothing is stored."""
        from .saved_coder import load_coder

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, codebook)
        fitted, meta = load_coder(self.path, survey, question, book)
        return SavedCoder(survey, question, book, fitted, meta, self.settings())

    def evaluation(self, question: str, survey: str | None = None,
                   codebook: Codebook | str | Path | None = None, embedder: str | None = None) -> dict[str, Any]:
        """The evaluation as ``textmine evaluate --format json`` writes it."""
        from .agreement import evaluate_question

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, codebook)
            return evaluate_question(store, question, survey=survey, codebook=book, embedder=embedder,
                                     settings=self.settings())

    def evaluate(self, question: str, survey: str | None = None, codebook: Codebook | str | Path | None = None,
                 embedder: str | None = None) -> pd.DataFrame:
        """Cross-validated precision, recall and F1 per theme of machine vs human codes (needs
        human codes). One row per theme, the columns of ``textmine evaluate --format csv``;
        kappa, alpha and coverage at precision 0.9 are in ``evaluation``."""
        import pandas as pd

        return pd.DataFrame(self.evaluation(question, survey, codebook, embedder)["cross_validated"]["per_theme"])

    def export_review(self, question: str, out: str | Path, survey: str | None = None, wave: str | None = None,
                      codebook: Codebook | str | Path | None = None) -> tuple[Path, int]:
        """Write a review workbook (.xlsx): least certain answers first, ja/nee per theme.
        Returns the path and the number of answers in it."""
        from .args import optional_wave
        from .errors import InputError
        from .review import export_review

        wave = optional_wave(wave)
        if _path_arg(out, "out").suffix.lower() != ".xlsx":
            raise InputError("the review workbook is written as .xlsx", file=out)
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, codebook)
            _check_wave(store, survey, wave)
            n = export_review(store, book, survey, question, out, wave)
        return Path(out), n

    def import_review(self, workbook: str | Path, coder: str | None = None,
                      codebook: Codebook | str | Path | None = None) -> ImportReport:
        """Store the reviewed rows of a review workbook as human codes (importing twice changes nothing)."""
        from .codebook import Codebook
        from .questions import resolve_codebook
        from .review import import_review, workbook_question

        survey, question = workbook_question(_path_arg(workbook, "workbook"))
        with self.store() as store:
            book = codebook if isinstance(codebook, Codebook) else resolve_codebook(store, survey, question, codebook)
            return import_review(store, book, workbook, coder)

    # --- the coding queue (the workbench) ---------------------------------------------------

    def parse_key(self, key: str) -> tuple[str, str, str, str]:
        """(survey, wave, question, respondent_id) of an answer key ``"<survey>:<wave>:<question>:<respondent>"``;
        InputError (one line) when it is malformed or names no answer of the project."""
        from .errors import InputError
        from .queue import split_key

        survey, wave, question, rid = split_key(key)
        with self.store() as store:
            if store.open_answer(survey, wave, question, rid) is None:
                raise InputError(f"no answer '{key}' in the project")
        return survey, wave, question, rid

    def progress(self) -> pd.DataFrame:
        """The coding progress, one row per (survey, open question), in the schema's order:
        survey, question, label, answers (substantive answers of all waves: the cleaner's
        non-answers left out), human (answers with a current human code), machine (machine codes and
        no human code), to_review (no human code and not auto-coded), audit_done (answers of the audit
        sample with an audit code), audit_size (the audit sample's answers), auto (answers auto-coded:
        machine codes that pass the gate, ``auto_coding``), auto_needed (human codes still needed before
        anything can be auto; None before the first coding run)."""
        import pandas as pd

        from .queue import PROGRESS_COLUMNS, progress_row

        rows = []
        with self.store() as store:
            questions: dict[tuple[str, str], str] = {}
            for info in store.waves():
                for q in info.schema.questions:
                    if q.type == "open":
                        questions[(info.survey, q.id)] = q.label  # the latest wave's label
            states = {s: store.answer_states(s) for s in {s for s, _ in questions}}
            for (survey, question), label in questions.items():
                st = states[survey]
                auto, needed = self._auto_progress(store, survey, question)
                rows.append(progress_row(survey, question, label, st[st["question"] == question], auto, needed))
        return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)

    def _auto_progress(self, store: Any, survey: str, question: str) -> tuple[set, int | None]:
        """(auto-coded answers, human codes still needed) of a question for ``progress``; (set(), None)
        before its first coding run or without a codebook."""
        from .auto import auto_keys, latest_gate
        from .errors import InputError

        run, gate = latest_gate(store, survey, question)
        if gate is None:
            return set(), None
        try:
            book = self._codebook(store, question, survey, None)[1]
        except InputError:
            return set(), None
        return auto_keys(store, book, survey, question, store.machine_scores(survey, question)), int(gate.needed_)

    def next_answer(self, question: str, survey: str | None = None, *, order: str = "uncertain",
                    coder: str | None = None, skip: Sequence[str] = ()) -> dict[str, Any] | None:
        """The next answer of an open question to code (one without a human code), or None when none is left.

        order   "uncertain": the machine's least certain call first (a theme's score closest to its
                threshold; answers not machine-coded yet first; the audit sample last); answers
                auto-coded (``auto_coding``) are not in it;
                "audit": the random audit sample (the same for every coder and every call), whose
                codes estimate the machine's accuracy (``save_answer_codes(..., audit=True)``)
        coder   who asks: the answer is theirs for 10 minutes (in this process), so two coders
                working through the same queue get different answers; None: nothing is held
        skip    answer keys to leave out (e.g. the ones a browser already holds)

        Returns the ``answer`` dict (key, survey, question, respondent_id, wave, text, municipality,
        province, suggestions, human, coder) plus ``remaining``: the answers in this queue,
        this one included, and ``audit``: True in the audit order (store the decision with
        ``audit=True``). ``suggestions``: per codebook theme (codebook order) theme, label,
        score, applies (the machine's call), keywords (what matched in the text, to highlight).
        """
        import time

        from .auto import auto_keys
        from .queue import check_coder, queue_order, split_key, thresholds_of

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            held = set()
            for k in [skip] if isinstance(skip, str) else (skip or ()):  # one key, or None: nothing skipped
                s, w, q, r = split_key(k)
                if (s, q) == (survey, question):
                    held.add((w, r))
            states = store.answer_states(survey, question)
            codes = store.machine_scores(survey, question)
            thresholds = thresholds_of(store.latest_code_provenance(survey, question), book.ids)
            auto = auto_keys(store, book, survey, question, codes)  # auto-coded: not in the queue
            keys = queue_order(states, codes, thresholds, order, held, auto)
            if not keys:
                return None
            name = check_coder(coder) if coder is not None else None
            wave, rid = _LEASES.claim(self._scope(survey, question), keys, name, time.monotonic())
            out = self._answer(store, book, survey, wave, question, rid)
        out["remaining"] = len(keys)
        out["audit"] = order == "audit"
        return out

    def answer(self, key: str, *, coder: str | None = None) -> dict[str, Any]:
        """Any answer of the project by its key (coded or not), as the coding queue shows it:
        key, survey, question, respondent_id, wave, text, municipality, province, suggestions (see
        ``next_answer``), human (its current human themes, main first: ``["overig"]`` for no
        theme, ``["non_answer"]``; None without a human code), coder (of the latest human code),
        audit (that code was given in the audit sample). ``coder``: who opens it; it is then
        theirs for 10 minutes, as an answer ``next_answer`` gives them."""
        import time

        from .errors import InputError
        from .queue import check_coder, split_key

        survey, wave, question, rid = split_key(key)
        with self.store() as store:
            if store.open_answer(survey, wave, question, rid) is None:
                raise InputError(f"no answer '{key}' in the project")
            _, book = self._codebook(store, question, survey, None)
            out = self._answer(store, book, survey, wave, question, rid)
        if coder is not None:
            _LEASES.take(self._scope(survey, question), (wave, rid), check_coder(coder), time.monotonic())
        return out

    def _scope(self, survey: str, question: str) -> tuple[str, str, str]:
        """Where an answer lease applies: this project's question (one process may open several)."""
        return str(self.path.resolve()), survey, question

    def _answer(self, store: Store, book: Codebook, survey: str, wave: str, question: str, rid: str
                ) -> dict[str, Any]:
        from .queue import answer_key, human_call, suggestions

        record = store.open_answer(survey, wave, question, rid)
        assert record is not None
        codes = store.answer_codes(survey, wave, question, rid)
        codes = codes[codes["text_hash"] == record["text_hash"]]
        human, coder, audit = human_call(codes, book)
        shown = suggestions(book, codes, _keyword_matcher(book).matched_terms(record["text"]))
        if human is None:  # sent back by a codebook change (split, retire): the earlier call suggested
            returned = store.returned_themes(survey, wave, question, rid)
            if returned is not None:
                from .codebook_edits import hint_suggestions

                shown = hint_suggestions(shown, returned)
        return {"key": answer_key(survey, wave, question, rid), "survey": survey, "question": question,
                "respondent_id": rid, "wave": wave, "text": record["text"],
                "municipality": record["municipality"], "province": record["province"],
                "suggestions": shown, "human": human, "coder": coder, "audit": audit}

    def save_answer_codes(self, key: str, themes: Sequence[str], coder: str, *, audit: bool = False,
                          shown: dict[str, Any] | None = None) -> dict[str, Any]:
        """Store a coder's decision on one answer at once, as human codes (as the review workbook does).

        themes  the themes that apply, in the coder's order (the first is the main theme); ``[]`` or
                ``["overig"]``: no theme; ``["non_answer"]``: not an answer
        coder   the coder's name (required)
        audit   given in the audit sample (``next_answer(order="audit")``): a human code like any
                other, but never used to train the coder
        shown   the human code the page showed, ``{themes, coder}`` (``answer()``'s ``human`` and
                ``coder``; None for both when it had none): a different one now (another tab, another
                coder since) is an InputError, nothing stored; None: no check

        One code per codebook theme is stored (applies, rank); the coder's earlier code of the answer
        is superseded (kept as history). InputError (one line) for a malformed or unknown key, a
        theme not in the codebook, an empty coder. Returns key, themes (as stored: ``["overig"]``
        when none), coder, source ("human").
        """
        import time

        from .codebook import NON_ANSWER, OVERIG
        from .errors import InputError
        from .queue import check_coder, check_themes, human_rows, split_key

        survey, wave, question, rid = split_key(key)
        name = check_coder(coder)
        with self.store() as store:
            if store.open_answer(survey, wave, question, rid) is None:
                raise InputError(f"no answer '{key}' in the project")
            _, book = self._codebook(store, question, survey, None)
            chosen = check_themes(themes, book)
            current = store.answer_codes(survey, wave, question, rid)
            if shown is not None:
                if not isinstance(shown, dict):
                    raise InputError("shown must be the human code the page showed, {themes, coder}, or None")
                self._check_shown(store, book, key, current, shown)
            had_non_answer = bool(((current["source"] == "human") & (current["theme"] == NON_ANSWER)
                                   & (current["applies"] == 1)).any())
            rows = human_rows(survey, wave, question, rid, chosen, book, had_non_answer)
            store.add_codes(rows, source="human", coder=name, audit=audit)
        # Still theirs for a while, not released: another coder's queue read a moment before this
        # decision was stored must not hand the answer out again.
        _LEASES.take(self._scope(survey, question), (wave, rid), name, time.monotonic())
        return {"key": key, "themes": chosen or [OVERIG], "coder": name, "source": "human"}

    @staticmethod
    def _check_shown(store: Store, book: Codebook, key: str, codes: pd.DataFrame, shown: dict[str, Any]) -> None:
        """InputError when the answer's human code is no longer the one the page showed."""
        from .errors import InputError
        from .queue import human_call, split_key

        survey, wave, question, rid = split_key(key)
        record = store.open_answer(survey, wave, question, rid)
        themes, coder, _audit = human_call(codes[codes["text_hash"] == record["text_hash"]], book)
        if (themes, coder) != (shown.get("themes"), shown.get("coder")):
            now = f"{coder}: {', '.join(themes)}" if themes is not None else "no human code"
            raise InputError(f"answer '{key}' was coded since the page showed it (now {now}): "
                             "reload the page, then decide again")

    def recent_codes(self, question: str, coder: str, survey: str | None = None, limit: int = 20
                     ) -> list[dict[str, Any]]:
        """The coder's latest decisions on an open question, newest first (for going back):
        key, wave, respondent_id, themes (main first; ``["overig"]``, ``["non_answer"]``), audit,
        created_at. Decisions another coder has overruled since are shown as this coder made them."""
        from .codes import answer_themes, current_themes
        from .queue import answer_key, check_coder

        name = check_coder(coder)
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            codes = store.coder_decisions(survey, question, name, _limit(limit))
        if codes.empty:
            return []
        current = current_themes(codes)
        last = codes.groupby(["wave", "respondent_id"]).agg(code_id=("code_id", "max"), audit=("audit", "max"),
                                                            created_at=("created_at", "max"))
        out = []
        for (wave, rid), row in last.sort_values("code_id", ascending=False).iterrows():
            source, applied = current[(wave, rid)]
            out.append({"key": answer_key(survey, wave, question, rid), "wave": wave, "respondent_id": rid,
                        "themes": answer_themes(source, applied, book), "audit": bool(row["audit"]),
                        "created_at": row["created_at"]})
        return out

    def grid(self, question: str, survey: str | None = None) -> pd.DataFrame:
        """Every answer of an open question with its current codes, for the workbench's grid (filter and
        sort it as a DataFrame). Columns: key, survey, question, wave, respondent_id, text,
        municipality, province, non_answer (the cleaner's flag), source ("human", "machine", "" when
        not coded yet), themes (main first; ``["overig"]``, ``["non_answer"]``), coder and audit (of the
        latest human code), margin (the machine's least distance of a score to its theme's
        threshold: small = unsure; NaN when not scored), scores (theme -> machine score),
        audit_sample (in the question's audit sample). Stored order (wave, then export order)."""
        from .queue import audit_sample, grid_frame, thresholds_of

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            answers = store.question_answers(survey, question)
            codes = store.codes(survey, None, question)
            thresholds = thresholds_of(store.latest_code_provenance(survey, question), book.ids)
            states = store.answer_states(survey, question)
        sample = audit_sample(states[states["non_answer"] == 0])
        return grid_frame(survey, question, answers, codes, book, thresholds, sample)

    def confirm_answers(self, keys: Sequence[str], coder: str, *, shown: dict[str, Sequence[str]] | None = None
                        ) -> dict[str, Any]:
        """Bulk confirm: store each answer's current themes (its human code, else the machine's call;
        ``["non_answer"]`` for a non-answer the machine left uncoded) as this coder's human code, in
        one transaction. Answers with nothing to confirm (not coded yet) are skipped, and so are those
        whose current human code is already this coder's. Returns confirmed (answers stored), skipped
        (their keys). InputError (one line, nothing stored) for a malformed or unknown key or an empty coder.

        shown  per key, the themes the coder saw (the grid page sends them): an answer whose current
               themes differ (a retrain or a codebook change since) is an InputError, nothing stored."""
        from .errors import InputError
        from .queue import check_coder, human_rows, split_key

        name = check_coder(coder)
        if isinstance(keys, str):  # one key, not its letters
            keys = [keys]
        if not isinstance(keys, (list, tuple)) and not hasattr(keys, "tolist"):  # a Series or array is fine
            raise InputError(f"keys must be a list of answer keys, not {type(keys).__name__}")
        if shown is not None and not isinstance(shown, dict):
            raise InputError("shown must map each key to the themes the page showed, or be None")
        keys = list(dict.fromkeys(keys))  # a key selected twice is one decision, not two
        parsed = [split_key(k) for k in keys]
        confirmed, skipped, rows = 0, [], []
        with self.store() as store:
            books: dict[tuple[str, str], Any] = {}
            grids: dict[tuple[str, str], Any] = {}
            for key, (survey, wave, question, rid) in zip(keys, parsed):
                if (survey, question) not in grids:
                    if store.open_answer(survey, wave, question, rid) is None:
                        raise InputError(f"no answer '{key}' in the project")
                    books[(survey, question)] = self._codebook(store, question, survey, None)[1]
                    grids[(survey, question)] = self.grid(question, survey).set_index("key")
                grid = grids[(survey, question)]
                if key not in grid.index:
                    raise InputError(f"no answer '{key}' in the project")
                row = grid.loc[key]
                if shown and key in shown and list(shown[key]) != list(row["themes"]):
                    raise InputError(f"the codes of answer '{key}' changed since the page showed them (shown: "
                                     f"{', '.join(shown[key])}; now: {', '.join(row['themes'])}): reload the page "
                                     "and confirm again")
                if not row["source"] and list(row["themes"]) != ["non_answer"] or (
                        row["source"] == "human" and row["coder"] == name):
                    skipped.append(key)
                    continue
                themes = [t for t in row["themes"] if t != "overig"]
                had = row["source"] == "human" and list(row["themes"]) == ["non_answer"]
                rows += human_rows(survey, wave, question, rid, themes, books[(survey, question)], had)
                confirmed += 1
            if rows:
                store.add_codes(rows, source="human", coder=name)
        return {"confirmed": confirmed, "skipped": skipped, "coder": name}

    def retrain(self, question: str, survey: str | None = None) -> dict[str, Any]:
        """Re-run the coding of an open question with every human code so far (what ``code`` does):
        new machine codes for all answers; human codes win; audit codes never train the coder.
        Safe while coders save (the store's write-ahead log; each write waits its turn); one retrain
        of a question at a time in this process (a second waits for the first).
        Returns survey, question, run_id, human_coded (answers that trained it), answers, auto (answers
        auto-coded by the new run's gate: they leave the queue), auto_needed (human codes still needed
        before anything can be auto), seconds."""
        import time

        started = time.perf_counter()
        survey = self.survey_of(question, survey)
        with _retrain_lock(str(self.path.resolve()), survey, question):
            result = self.coding(question, survey)
        return {"survey": result.survey, "question": result.question, "run_id": result.run_id,
                "human_coded": result.human_coded, "answers": len(result.answers),
                "auto": sum(a["status"] == "auto" for a in result.answers), "auto_needed": result.auto_needed,
                "seconds": round(time.perf_counter() - started, 3)}

    def auto_coding(self, question: str, survey: str | None = None) -> pd.DataFrame:
        """The auto-coding of an open question (``textmine.gate``), from the latest coding run's gate
        and the answers' current codes. One row per codebook theme: theme, label, threshold (score at
        or above which the theme's machine codes count as auto; NaN when no cut reaches the target),
        precision (estimated on human codes the coder did not learn from), precision_lower (its
        lower confidence bound), support (human-coded answers above the threshold), positives
        (human-coded answers with the theme), auto_answers (answers auto-coded with the theme now).
        ``attrs``: survey, question, run_id (None before the first run), target_precision,
        n_labelled (human codes the gate rests on), needed (more human codes needed before anything
        can be auto), answers (substantive answers), auto (auto-coded answers), human, suggested. Reads only."""
        from .auto import auto_coding_frame

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            return auto_coding_frame(store, book, survey, question)

    def trust(self, question: str, survey: str | None = None) -> pd.DataFrame:
        """How far an open question's machine codes (the latest run's) can be trusted, measured on
        its human codes, all waves; the report's "Betrouwbaarheid van de codes" shows the same figures.

        One row per codebook theme, then a pooled row (theme ``"*"``): theme, label,
        audit_answers (answers of the random audit sample a human coded, ``next_answer(order="audit")``,
        that the machine coded too), audit_positives / machine_positives (of those, with the theme by
        the human / by the machine), precision, precision_low, precision_high, recall, recall_low,
        recall_high (on the audit answers, 95% Wilson interval, 0-1), alpha_audit (Krippendorff's
        alpha machine vs human on the audit answers), alpha_machine_human and answers_machine_human
        (the same on every human-coded answer), alpha_coders and answers_coders (between the two
        human coders with the most answers in common).

        The audit answers' codes never train the coder, so precision, recall and alpha_audit are
        unbiased: the honest figures. The other human codes did train it, so alpha_machine_human is
        optimistic. NaN where there is nothing to measure (no positives, no answers, one value
        throughout); the counts say which. ``attrs``: survey, question, coders (the pair compared),
        audit_size (answers in the audit sample). Reads only. See ``agreement.trust_table``."""
        from .agreement import trust_figures

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            return trust_figures(store, question, survey=survey, codebook=book)

    # --- codebook editing with history (codebook_edits.py) ---------------------------------

    def codebook_state(self, question: str, survey: str | None = None) -> dict[str, Any]:
        """The question's current codebook as the workbench shows it: survey, question, label, version
        (0: never changed in the project, the file's), hash, edited (changed in the project), undoable
        (the version an undo would revert, or None), themes (each theme's fields as in the YAML, plus
        human: answers whose current human code applies it)."""
        from .codebook_edits import human_counts, undoable

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            found = store.codebook_yaml(survey, question)
            changes = store.codebook_changes(survey, question)
            counts = human_counts(store.codes(survey, None, question, source="human"), book)
        themes = [{**{"parent": None, "description": "", "keywords": [], "patterns": [], "examples": [],
                      "exclusive": False}, **t.to_dict(), "human": counts[t.id]} for t in book]
        return {"survey": survey, "question": question, "label": book.title, "version": found[0] if found else 0,
                "hash": book.hash, "edited": found is not None, "undoable": undoable(changes), "themes": themes}

    def _change_codebook(self, question: str, survey: str | None, who: str, version: int | None,
                         make: Callable[[Codebook], tuple[Codebook, str, dict[str, Any], Any]]) -> dict[str, Any]:
        """One codebook change: ``make(current)`` gives (new codebook, kind, detail, planner of the codes);
        checked whole before anything is stored, stored in one transaction."""
        from .codebook_edits import CodePlan, check_who, remember, snapshot, summary
        from .errors import InputError
        from .questions import open_question_survey, resolve_codebook

        name = check_who(who)
        with self.store() as store:
            survey = open_question_survey(store, question, survey)
            found = store.codebook_yaml(survey, question)
            current = found[0] if found else 0
            if version is not None and _version(version) != current:
                raise InputError(f"the codebook of {survey} '{question}' changed meanwhile (now version {current}, "
                                 f"not {version}): reload it and try again")
            before = snapshot(resolve_codebook(store, survey, question, stored=found is not None), survey, question)
            after, kind, detail, planner = make(before)
            after = snapshot(after, survey, question)
            after_yaml = after.to_yaml()
            saved = store.record_codebook_change(
                survey, question, expected_version=current, kind=kind, who=name, detail=detail,
                before_yaml=found[1] if found else before.to_yaml(), after_yaml=after_yaml, after_hash=after.hash,
                plan=planner or (lambda _codes: CodePlan()))
        remember(after_yaml, after)
        log.info("codebook %s '%s' version %d: %s", survey, question, saved["version"], summary(kind, detail))
        return {"survey": survey, "question": question, "kind": kind, "summary": summary(kind, detail),
                "hash": after.hash, "detail": detail, **saved}

    def add_codebook_theme(self, question: str, theme: dict[str, Any], *, who: str, survey: str | None = None,
                           version: int | None = None) -> dict[str, Any]:
        """Add a theme to the question's codebook (a versioned change): ``theme`` has label (required), id
        (default: slugged from the label), description, keywords, patterns, examples. ``who``: the name
        kept with the change; ``version``: the version this change was made on (refused when it changed
        since). Returns the change: survey, question, kind, summary, hash, detail, change_id, version,
        codes_affected, codes_added, returned. InputError (one line, nothing stored) for bad input."""
        from .codebook_edits import add_theme

        def make(book: Codebook) -> tuple[Codebook, str, dict[str, Any], Any]:
            new, detail = add_theme(book, theme)
            return new, "add", detail, None

        return self._change_codebook(question, survey, who, version, make)

    def edit_theme(self, question: str, theme: str, changes: dict[str, Any], *, who: str,
                   survey: str | None = None, version: int | None = None) -> dict[str, Any]:
        """Change a theme's label, description, keywords, patterns or examples (``changes``: the fields
        given; list fields as lists). Only the label changed: a ``rename``. Codes are not touched (the id
        stays). Returns the change as ``add_codebook_theme``."""
        from .codebook_edits import edit_theme

        def make(book: Codebook) -> tuple[Codebook, str, dict[str, Any], Any]:
            new, kind, detail = edit_theme(book, theme, changes)
            return new, kind, detail, None

        return self._change_codebook(question, survey, who, version, make)

    def merge_themes(self, question: str, source: str, target: str, *, who: str, survey: str | None = None,
                     version: int | None = None) -> dict[str, Any]:
        """Merge theme ``source`` into ``target``: the source leaves the codebook (its keywords, patterns,
        examples and child themes go to the target), and every human code of it moves to the target under
        the same coder (the rows it came from are kept, set aside, and linked: ``code_history``).
        Returns the change as ``add_codebook_theme`` (codes_affected: human code rows set aside)."""
        from .codebook_edits import merge_themes, plan_merge

        def make(book: Codebook) -> tuple[Codebook, str, dict[str, Any], Any]:
            new, detail = merge_themes(book, source, target)
            return new, "merge", detail, lambda codes: plan_merge(codes, source, target)

        return self._change_codebook(question, survey, who, version, make)

    def split_theme(self, question: str, theme: str, into: Sequence[dict[str, Any]], *, who: str,
                    survey: str | None = None, version: int | None = None) -> dict[str, Any]:
        """Split a theme into two or more new ones (``into``: their fields, label required, as
        ``add_codebook_theme``). The answers whose current human code applies it go back to the queue
        (their codes kept, set aside), with every new theme suggested in place of the old one.
        Returns the change as ``add_codebook_theme`` (returned: the answers sent back)."""
        from .codebook_edits import plan_return, split_theme

        def make(book: Codebook) -> tuple[Codebook, str, dict[str, Any], Any]:
            new, detail = split_theme(book, theme, into)
            return new, "split", detail, lambda codes: plan_return(codes, book, theme, detail["into"])

        return self._change_codebook(question, survey, who, version, make)

    def retire_theme(self, question: str, theme: str, *, who: str, survey: str | None = None,
                     version: int | None = None) -> dict[str, Any]:
        """Take a theme out of the codebook. The answers whose current human code applies it go back to
        the queue (their codes kept, set aside) with their other themes suggested. Returns the change
        as ``add_codebook_theme``."""
        from .codebook_edits import plan_return, retire_theme

        def make(book: Codebook) -> tuple[Codebook, str, dict[str, Any], Any]:
            new, detail = retire_theme(book, theme)
            return new, "retire", detail, lambda codes: plan_return(codes, book, theme, [])

        return self._change_codebook(question, survey, who, version, make)

    def undo_codebook_change(self, question: str, *, who: str, survey: str | None = None,
                             version: int | None = None) -> dict[str, Any]:
        """Undo the newest change of the question's codebook (not an undo, not undone): the codebook and
        the human codes are exactly as before it (the same code rows current again). The undo is itself
        a version. InputError (nothing stored) when there is nothing to undo, or it would discard work
        done since: an answer the change touched coded again, a theme it added given to an answer.
        Returns survey, question, kind ("undo"), summary, change_id, version, undone, undone_kind,
        codes_affected, hash."""
        from .codebook_edits import check_undo, check_who, stored_codebook, summary
        from .errors import InputError
        from .questions import open_question_survey

        name = check_who(who)
        with self.store() as store:
            survey = open_question_survey(store, question, survey)
            found = store.codebook_yaml(survey, question)
            current = found[0] if found else 0
            if version is not None and _version(version) != current:
                raise InputError(f"the codebook of {survey} '{question}' changed meanwhile (now version {current}, "
                                 f"not {version}): reload it and try again")
            done = store.undo_codebook_change(survey, question, expected_version=current, who=name, check=check_undo)
            found = store.codebook_yaml(survey, question)
        assert found is not None
        log.info("codebook %s '%s' version %d: undid version %d", survey, question, done["version"],
                 done["undone_version"])
        return {"survey": survey, "question": question, "kind": "undo", "summary": summary("undo", done),
                "hash": stored_codebook(found[1]).hash, **done}

    def codebook_history(self, question: str, survey: str | None = None) -> pd.DataFrame:
        """The changes to the question's codebook, oldest first: version, change_id, kind (add, edit,
        rename, merge, split, retire, undo), who, created_at (UTC), summary (one line), codes_affected
        (human code rows set aside or made current again), undone, undone_by and undoes (versions),
        hash (of the codebook after it), detail (JSON). Empty when it was never changed in the project."""
        import pandas as pd

        from .codebook_edits import HISTORY_COLUMNS, history_rows
        from .questions import open_question_survey

        with self.store() as store:
            survey = open_question_survey(store, question, survey)
            changes = store.codebook_changes(survey, question)
        return pd.DataFrame(history_rows(changes), columns=HISTORY_COLUMNS).astype(
            {"undone_by": "Int64", "undoes": "Int64"})  # whole versions, empty when none

    def codebook_version(self, question: str, version: int | None = None, survey: str | None = None) -> Codebook:
        """The question's codebook at a version (None: the current one; 0: the one the first change started
        from). InputError for a version that does not exist."""
        from .codebook_edits import stored_codebook
        from .errors import InputError
        from .questions import open_question_survey

        if version is None:
            return self.codebook(question, survey)[1]
        version = _version(version)
        with self.store() as store:
            survey = open_question_survey(store, question, survey)
            found = store.codebook_yaml(survey, question, int(version))
            if found is None and int(version) == 0:
                return self._codebook(store, question, survey, None)[1]
        if found is None:
            raise InputError(f"the codebook of {survey} '{question}' has no version {version}")
        return stored_codebook(found[1])

    def export_codebook(self, question: str, out: str | Path, survey: str | None = None,
                        version: int | None = None) -> Path:
        """Write the question's codebook (``version``: default the current one) to ``out``: .yaml, or
        .qdc for NVivo, ATLAS.ti, MAXQDA, QualCoder. Returns the written path."""
        # None would save over the codebook's own file (the bundled one, or a colleague's)
        return self.codebook_version(question, version, survey).save(_path_arg(out, "out"))

    def code_history(self, question: str, survey: str | None = None, key: str | None = None) -> pd.DataFrame:
        """The question's human codes of every status (``key``: one answer's) with what codebook changes did
        to them: the code's columns (code_id, wave, respondent_id, theme, applies, coder, created_at, note,
        status, rank, audit) plus change_id, action (superseded, added, restored), from_theme,
        from_code_ids, moved_by, moved_at, change_kind; one row per code and change that touched it."""
        from .errors import InputError
        from .questions import open_question_survey
        from .queue import split_key

        wave = rid = None
        if key is not None:
            s, wave, q, rid = split_key(key)
            if q != question or (survey is not None and s != survey):
                raise InputError(f"answer '{key}' is not an answer to {survey or s} '{question}'")
            survey, question = s, q
        with self.store() as store:
            survey = open_question_survey(store, question, survey)
            return store.code_history(survey, question, wave, rid)

    # --- blind double coding (textmine/double_coding.py) -------------------------------------

    def start_double_coding(self, question: str, survey: str | None = None, *, size: int | None = None,
                            share: float | None = None, seed: int | None = None, coder: str | None = None
                            ) -> dict[str, Any]:
        """Draw the question's blind double-coding sample: ``size`` answers or a ``share`` (0-1) of its
        human-coded answers, at random with ``seed`` (None: a random one; stored either way); ``coder``:
        who started it. One sample per question. Returns ``double_coding``. InputError (one line,
        nothing stored) for a bad size/share/seed, too few human-coded answers, a second sample."""
        from . import double_coding as dc
        from .queue import check_coder

        name = check_coder(coder) if coder is not None else None
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            return dc.start(store, survey, question, book, size=size, share=share, seed=seed, created_by=name)

    def double_coding(self, question: str, survey: str | None = None) -> dict[str, Any]:
        """The question's double coding: sample (size, population, seed, created_by, created_at; None when
        it has none), coded, complete, differences, reconciled, agreement (``agreement``)."""
        from . import double_coding as dc

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            return dc.status(store, survey, question, book)

    def agreement(self, question: str, survey: str | None = None) -> dict[str, Any]:
        """The two codings' agreement on the double-coding sample so far, per theme and pooled: Cohen's
        kappa, Krippendorff's alpha, the number of answers (``double_coding.agreement``: the same figures
        the workbench, ``trust`` and ``textmine evaluate`` show)."""
        from . import double_coding as dc

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            return dc.agreement(store, survey, question, book)

    def double_coding_next(self, question: str, coder: str, survey: str | None = None) -> dict[str, Any] | None:
        """The next sample answer for ``coder`` as second coder (blind: text, place and the codebook, never
        the first coding nor the machine's codes), held for them for 10 minutes; None when none is left."""
        import time

        from . import double_coding as dc
        from .queue import check_coder

        name = check_coder(coder)
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            keys = dc.queue(store, survey, question, name)
            if not keys:
                return None
            key = _LEASES.claim((*self._scope(survey, question), "double"), keys, name, time.monotonic())
            out = dc.blind_answer(store, survey, question, book, key, name)
        out["remaining"] = len(keys)
        return out

    def double_coding_answer(self, key: str, coder: str) -> dict[str, Any]:
        """A sample answer as its second coder sees it (to change their code), by key; InputError when
        ``coder`` may not second-code it."""
        from . import double_coding as dc
        from .queue import check_coder, split_key

        survey, wave, question, rid = split_key(key)
        name = check_coder(coder)
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            st = dc._State(store, survey, question)
            dc.check_second(st, (wave, rid), name, question)
            return dc.blind_answer(store, survey, question, book, (wave, rid), name, st)

    def save_double_code(self, key: str, themes: Sequence[str], coder: str) -> dict[str, Any]:
        """Store ``coder``'s blind second code of a sample answer (themes as ``save_answer_codes``
        takes them); kept apart from the human codes until reconciled. InputError (one line, nothing
        stored) for a bad key or theme, an answer not in the sample, its first coder, another second
        coder's answer, or a sample already complete."""
        from . import double_coding as dc
        from .queue import check_coder, check_themes, split_key

        survey, wave, question, rid = split_key(key)
        name = check_coder(coder)
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            return dc.save_second(store, survey, question, book, (wave, rid), check_themes(themes, book), name)

    def disagreements(self, question: str, survey: str | None = None) -> list[dict[str, Any]]:
        """The sample answers whose two codings differ, with both codings and the final call so far
        (``double_coding.disagreements``); [] until every sample answer has its second code."""
        from . import double_coding as dc

        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            return dc.disagreements(store, survey, question, book)

    def reconcile(self, key: str, themes: Sequence[str], coder: str) -> dict[str, Any]:
        """The final call on a difference of the double coding, stored as ``coder``'s human code (what
        the report then uses) with both original codings kept. InputError (one line, nothing stored) for
        a bad key or theme, an answer not in the sample or without a difference, an incomplete sample."""
        from . import double_coding as dc
        from .queue import check_coder, check_themes, split_key

        survey, wave, question, rid = split_key(key)
        name = check_coder(coder)
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, None)
            return dc.reconcile(store, survey, question, book, (wave, rid), check_themes(themes, book), name)

    # --- topics ----------------------------------------------------------------------------

    def find_topics(self, question: str, survey: str | None = None, codebook: Codebook | str | Path | None = None,
                    *, wave: str | None = None, mode: str = "plain", max_topics: int | str | None = "auto",
                    embedder: str | None = None, views: bool = True,
                    progress: Progress | None = None) -> tuple[TopicResult, Codebook]:
        """Run topic discovery (``textmine topics``); returns the run and the codebook it was judged against."""
        from .args import optional_wave
        from .topics import TopicSettings, discover_topics

        wave = optional_wave(wave)
        with self.store() as store:
            survey, book = self._codebook(store, question, survey, codebook)
            _check_wave(store, survey, wave)
            result = discover_topics(store, question, survey=survey, wave=wave, codebook=book, embedder=embedder,
                                     settings=TopicSettings(mode=mode, views=views, max_topics=max_topics),
                                     nlp_settings=self.settings(), progress=progress)
        return result, book

    def topics(self, question: str, survey: str | None = None, codebook: Codebook | str | Path | None = None,
               *, wave: str | None = None, mode: str = "plain", max_topics: int | str | None = "auto",
               embedder: str | None = None, views: bool = False) -> pd.DataFrame:
        """Find topics in the answers (BERTopic) and flag the ones the codebook does not cover yet.

        mode        plain, guided (codebook keywords) or zeroshot (codebook labels)
        max_topics  merge covered topics down to this many ("auto": about 1.25*sqrt(answers),
                    at most 60; None: every topic found)
        views       also write the HTML views to <project>/topics/

        One row per topic, the columns of ``textmine topics --format csv``: id, label, size, new
        (not covered by the codebook), keywords, coverage (JSON: theme -> share), waves (JSON),
        quotes. The run is stored (``add_theme`` promotes a topic into the codebook).
        """
        import pandas as pd

        from .render import topics_rows

        result, _book = self.find_topics(question, survey, codebook, wave=wave, mode=mode, max_topics=max_topics,
                                         embedder=embedder, views=views)
        return pd.DataFrame(topics_rows(result.clusters),
                            columns=["id", "label", "size", "new", "keywords", "coverage", "waves", "quotes"])

    def topic_run(self, question: str, survey: str | None = None) -> dict[str, Any] | None:
        """The latest stored topics run of a question, read only (None before the first run).

        A dict: run_id, finished_at, answers (how many were clustered), embedder, and topics:
        the cluster dicts (id, label, keywords, size, new, coverage, waves, quotes — redacted),
        the flagged ("new") topics first, then by size. Respondent ids are left out."""
        from .questions import open_question_survey

        with self.store() as store:
            survey = open_question_survey(store, question, survey)
            run_id = store.latest_topic_run(survey, question)
            if run_id is None:
                return None
            clusters = store.topic_clusters(survey, question)
            run = store.runs("topics").set_index("run_id").loc[run_id]
        provenance = json.loads(run["provenance_json"] or "{}")
        settings = json.loads(run["settings_json"] or "{}")
        topics = [{k: v for k, v in c.items() if k != "respondent_ids"} for c in clusters]
        topics.sort(key=lambda c: (not c.get("new"), -int(c.get("size") or 0), int(c["id"])))
        return {"survey": survey, "question": question, "run_id": int(run_id), "finished_at": run["finished_at"],
                "answers": provenance.get("answers"), "embedder": settings.get("embedder"), "topics": topics}

    def _topic(self, store: Store, survey: str, question: str, topic: int, run: int | None = None
               ) -> tuple[dict[str, Any], list]:
        """A topic of the question's latest topics run and its answers ((wave, respondent_id)); ``run``:
        the run the caller saw (a newer run numbers its topics anew: InputError)."""
        from .errors import InputError

        run_id = store.latest_topic_run(survey, question)
        clusters = store.topic_clusters(survey, question) if run_id is not None else []
        if not clusters:
            raise InputError(f"no topics run for {survey} '{question}': run topics first")
        if run is not None and int(run) != run_id:
            raise InputError(f"the topics of {survey} '{question}' were run again since the page showed them "
                             f"(run {run}, now run {run_id}): reload the page")
        found = [c for c in clusters if int(c["id"]) == int(topic)]
        if not found:
            raise InputError(f"topic {topic} is not in the latest topics run of {survey} '{question}' "
                             f"(topics 0-{len(clusters) - 1})")
        members = store.topic_members(run_id)
        members = members[members["topic_id"] == int(topic)]
        return found[0], list(zip(members["wave"], members["respondent_id"]))

    def promote_topic(self, question: str, topic: int, *, who: str, label: str | None = None,
                      theme_id: str | None = None, survey: str | None = None,
                      version: int | None = None, run: int | None = None) -> dict[str, Any]:
        """Promote topic ``topic`` of the latest topics run to a new theme of the project's codebook (a
        versioned change, undoable): its label (or ``label``), keywords and three quotes as examples.
        Its answers go to the queue with the new theme suggested beside their earlier call (a human
        code of one is set aside, kept). Returns the change as ``add_codebook_theme`` (kind "promote").
        ``run``: the topics run the topic was seen in (InputError when a newer run replaced it)."""
        from .codebook_edits import add_theme, plan_promote, topic_theme
        from .questions import open_question_survey

        with self.store() as store:
            survey = open_question_survey(store, question, survey)
            cluster, members = self._topic(store, survey, question, topic, run)

        def make(book: Codebook) -> tuple[Codebook, str, dict[str, Any], Any]:
            new, detail = add_theme(book, topic_theme(cluster, label, theme_id))
            detail = {**detail, "topic": int(cluster["id"]), "answers": len(members)}
            return new, "promote", detail, lambda codes: plan_promote(codes, book, members, detail["theme"])

        return self._change_codebook(question, survey, who, version, make)

    def merge_topic(self, question: str, topic: int, theme: str, *, who: str, survey: str | None = None,
                    version: int | None = None, run: int | None = None) -> dict[str, Any]:
        """Fold topic ``topic`` of the latest topics run into the existing theme ``theme``: its keywords
        and quotes are added as the theme's keywords and examples (a versioned edit, undoable; no code
        changes). Returns the change as ``edit_theme``. ``run``: as for ``promote_topic``."""
        from .codebook_edits import edit_theme, topic_into_theme
        from .questions import open_question_survey

        with self.store() as store:
            survey = open_question_survey(store, question, survey)
            cluster, _members = self._topic(store, survey, question, topic, run)

        def make(book: Codebook) -> tuple[Codebook, str, dict[str, Any], Any]:
            new, kind, detail = edit_theme(book, theme, topic_into_theme(book, theme, cluster))
            return new, kind, {**detail, "topic": int(cluster["id"])}, None

        return self._change_codebook(question, survey, who, version, make)

    def add_theme(self, codebook: str | Path, question: str, topic: int, survey: str | None = None, *,
                  theme_id: str | None = None, label: str | None = None) -> tuple[Codebook, dict[str, Any]]:
        """Promote a topic of the latest topics run into the codebook file: a new theme with its
        keywords and three example quotes (the file is saved). Returns the codebook and the topic."""
        from .errors import InputError
        from .questions import open_question_survey
        from .topics import promote_topic

        with self.store() as store:
            found = store.codebook_yaml(open_question_survey(store, question, survey), question)
            if found is not None:  # the file no longer codes the question: the theme would go unused
                raise InputError(f"the codebook of '{question}' is edited in the project (version {found[0]}): "
                                 "add the theme there (the workbench's Codeboek page, Project.add_codebook_theme), "
                                 "or export it first with 'textmine codebook export'")
            return promote_topic(store, codebook, question, topic, survey=survey, theme_id=theme_id, label=label)

    # --- publishing --------------------------------------------------------------------------

    def report(self, out: str | Path, survey: str | None = None, wave: str | None = None,
               compare_with: str | None = None, spec: str | Path | Sequence[str | Path] | None = None, *,
               prepare: bool = False, progress: Callable[[str, int, int], None] | None = None) -> Path:
        """Write the Dutch HTML report (one self-contained page): summary, method, charts, themes
        with quotes, clusters, crosstabs, wave comparison. ``wave``: default the latest;
        ``compare_with``: default the spec's ("auto": the previous wave); ``spec``: report spec
        file(s), default data/report/<survey>.yaml. Returns the written path.

        ``prepare``: clean and code what is missing first (each step announced on stderr);
        without it, missing steps are an InputError naming the command that makes them, and
        nothing is written (reading never writes behind your back)."""
        from .args import optional_wave
        from .report import write_report

        wave = optional_wave(wave)
        if compare_with is not None and not isinstance(compare_with, str):
            compare_with = optional_wave(compare_with)
        out = _path_arg(out, "out")
        if spec is not None and not isinstance(spec, (list, tuple)):
            spec = [spec]  # one spec file
        specs = [_path_arg(s, "spec") for s in spec] if spec else None
        with self.store() as store:
            return Path(write_report(store, out, survey, wave, compare_with, specs, progress=progress,
                                     prepare=prepare))

    def survey_of(self, question: str, survey: str | None = None) -> str:
        """The survey that has this open question (InputError when none, or several and no ``survey``)."""
        from .questions import open_question_survey

        with self.store() as store:
            return open_question_survey(store, question, survey)

    def import_curation(self, workbook: str | Path, question: str, survey: str | None = None, *,
                        wave: str | None = None, prepare: bool | None = None) -> Any:
        """Store an edited catalogue workbook (.xlsx) in the project; later catalogues remember it.
        Returns its report (rows, stored, unchanged, skipped). ``prepare`` given (True or False):
        the catalogue of ``wave`` is about to be built, and nothing is stored when it cannot be
        (an unknown wave; without prepare, answers not cleaned or coded yet)."""
        from .args import optional_wave
        from .catalogue import check_catalogue, import_curation
        from .questions import open_question_survey

        wave = optional_wave(wave)
        with self.store() as store:
            survey = open_question_survey(store, question, survey)
            check = None if prepare is None else \
                (lambda: check_catalogue(store, survey, question, wave, prepare=bool(prepare)))
            return import_curation(store, _path_arg(workbook, "workbook"), survey=survey, question=question,
                                   before_storing=check)

    def catalogue_practices(self, question: str, survey: str | None = None, wave: str | None = None, *,
                            prepare: bool = False, progress: Progress | None = None) -> list[dict[str, Any]]:
        """The practices of an inspiration catalogue (``textmine catalogue``), in catalogue order.
        ``prepare``: clean and code what is missing first (each step announced on stderr);
        without it, missing steps are an InputError naming the command that makes them, and
        nothing is written."""
        from .args import optional_wave
        from .catalogue import build_catalogue

        wave = optional_wave(wave)
        survey = self.survey_of(question, survey)
        with self.store() as store:
            return build_catalogue(store, survey, question, wave, progress=progress, prepare=prepare)

    def catalogue(self, question: str, out: str | Path, survey: str | None = None, wave: str | None = None, *,
                  curation: str | Path | None = None, prepare: bool = False,
                  progress: Progress | None = None) -> Path:
        """Write the inspiration catalogue of an open question: practices per theme with
        municipality, province, redacted answer, partners, links. ``out``: .html (one page),
        .md, or .xlsx (the curation workbook); ``curation``: an edited catalogue workbook to
        store first (later runs remember it). Returns the written path.
        ``prepare``: clean and code what is missing first (each step announced on stderr);
        without it, missing steps are an InputError naming the command that makes them, and
        nothing is written."""
        from .catalogue import check_suffix, write_catalogue

        check_suffix(_path_arg(out, "out"))
        if curation:
            self.import_curation(curation, question, survey, wave=wave, prepare=prepare)
        practices = self.catalogue_practices(question, survey, wave, prepare=prepare, progress=progress)
        return Path(write_catalogue(practices, out))

    def check_qdpx(self, out: str | Path, *, survey: str | None = None, wave: str | None = None) -> None:
        """InputError for a bad .qdpx target or a selection with no waves (before any work)."""
        from .args import optional_wave
        from .qdpx import check_export

        wave = optional_wave(wave)
        with self.store() as store:
            check_export(store, out, survey=survey, wave=wave)

    def export_qdpx_report(self, out: str | Path, *, redacted: bool = False, survey: str | None = None,
                           wave: str | None = None, prepare: bool = False,
                           progress: Progress | None = None) -> QdpxReport:
        """Write a REFI-QDA project (``textmine export qdpx``) and return what it holds."""
        from .args import optional_wave
        from .qdpx import export_qdpx

        wave = optional_wave(wave)
        with self.store() as store:
            return export_qdpx(store, out, survey=survey, wave=wave, redacted=redacted, settings=self.settings(),
                               progress=progress, prepare=prepare)

    def export_qdpx(self, out: str | Path, *, redacted: bool = False, survey: str | None = None,
                    wave: str | None = None, prepare: bool = False) -> Path:
        """Write a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder: a case per
        respondent with the closed answers as variables, each open answer a coded text source.
        ``redacted``: names, e-mail addresses and phone numbers replaced (default: the raw
        answers, which QDA users expect; the file then holds personal data). Returns the path.
        ``prepare``: clean what is missing first (announced on stderr); without it, answers not
        cleaned yet are an InputError and nothing is written. The export never codes."""
        report = self.export_qdpx_report(_path_arg(out, "out"), redacted=redacted, survey=survey, wave=wave, prepare=prepare)
        return Path(report.path)

    # --- publishing from the workbench --------------------------------------------------------

    def output_dir(self) -> Path:
        """The project's output folder (``output/`` in the project directory, made when missing):
        where the workbench writes report, catalogue, comparison and REFI-QDA export."""
        out = self.path / "output"
        out.mkdir(parents=True, exist_ok=True)
        return out

    def survey_schema(self, survey: str) -> Schema:
        """The schema the survey's latest wave was read with (a new wave is read with it too)."""
        from .errors import InputError

        with self.store() as store:
            waves = store.waves(survey)
        if not waves:
            raise InputError(f"survey '{survey}' is not in the project", file=self.path)
        return waves[-1].schema

    def curate(self, question: str, choices: Sequence[dict[str, Any]], survey: str | None = None, *,
               source: str = "workbench") -> Any:
        """Store catalogue curation made outside a workbook (the workbench): per answer include,
        short title, highlight, checked as a whole (all or nothing), stored where the workbook
        import stores it. Returns its report (rows, stored, unchanged)."""
        from .catalogue import curate

        with self.store() as store:
            survey = self._survey_of(store, question, survey)
            # a tuple is a list; anything else (None, a number, a text) is refused there, not iterated here
            return curate(store, survey, question, list(choices) if isinstance(choices, tuple) else choices,
                          source=source)

    def _survey_of(self, store: Store, question: str, survey: str | None) -> str:
        from .questions import open_question_survey

        return open_question_survey(store, question, survey)

    def write_comparison(self, survey: str, waves: Sequence[str], out: str | Path,
                         question: str | None = None) -> Path:
        """Write the wave comparison as ``textmine compare --format csv --out`` does. Returns the path."""
        from .atomic import write_text
        from .export import to_csv
        from .waves import compare_columns, compare_rows

        wave_a, wave_b = _two_waves(waves)
        out = _path_arg(out, "out")
        rows, _notes = self.compare_results(survey, (wave_a, wave_b), question)
        return Path(write_text(Path(out), to_csv(compare_rows(rows, wave_a, wave_b),
                                                 compare_columns(wave_a, wave_b))))

    # --- what the project holds ------------------------------------------------------------------

    def waves(self) -> pd.DataFrame:
        """The waves in the project: survey, wave, respondents, population, source_file, ingested_at."""
        import pandas as pd

        with self.store() as store:
            return pd.DataFrame([{"survey": w.survey, "wave": w.wave, "respondents": w.respondents,
                                  "population": w.population, "source_file": w.source_file,
                                  "ingested_at": w.ingested_at} for w in store.waves()],
                                columns=["survey", "wave", "respondents", "population", "source_file", "ingested_at"])


@dataclass
class SavedCoder:
    """A fitted coder loaded from the project (``Project.coder``), for scoring new texts."""

    survey: str
    question: str
    codebook: Codebook
    coder: Any
    meta: dict[str, Any]
    settings: Any = None

    def score(self, texts: Sequence[str]) -> pd.DataFrame:
        """Score texts that are not in the project: one row per text x theme of the codebook,
        columns text, theme, score (0..1), applies (the coder's call), rank (1 = the main theme
        among those that apply; empty when it does not apply). Nothing is stored."""
        import pandas as pd

        from .clean import component_config
        from .coders import Answer
        from .config import NlpSettings
        from .nlp import clean_answers  # noqa: F401  (registers the pipeline components)
        from .nlp.answers import doc_to_answer
        from .nlp.loader import load_pipeline

        texts = _texts(texts)
        settings = self.settings or NlpSettings()
        nlp, _info = load_pipeline(settings.pipeline, config=component_config(settings))
        cleaned = [doc_to_answer(doc, t).to_dict() for doc, t in zip(nlp.pipe(texts), texts)]
        X = [Answer(c["normalized_text"], tuple(c["lemmas"]), None, "non_answer" in c["flags"]) for c in cleaned]
        if hasattr(self.coder, "score_and_code"):
            scores, themes = self.coder.score_and_code(X)
        else:
            scores, themes = self.coder.predict_proba(X), self.coder.code(X)
        rows = []
        for text, s, chosen in zip(texts, scores, themes):
            order = {t: i + 1 for i, t in enumerate(chosen)}
            for j, theme in enumerate(self.codebook.ids):
                rows.append({"text": text, "theme": theme, "score": float(s[j]), "applies": theme in order,
                             "rank": order.get(theme)})
        return pd.DataFrame(rows, columns=["text", "theme", "score", "applies", "rank"])


# --- the coding queue's helpers ----------------------------------------------------------------

_RETRAIN_LOCKS: dict[tuple[str, str | None, str], Any] = {}
_KEYWORD_MATCHERS: dict[str, Any] = {}
_LEASES_: list[Any] = []


class _LazyLeases:
    """``queue.Leases`` of this process, made on first use (``import textmine`` stays light)."""

    def __getattr__(self, name: str) -> Any:
        if not _LEASES_:
            from .queue import Leases

            _LEASES_.append(Leases())
        return getattr(_LEASES_[0], name)


_LEASES = _LazyLeases()


def _retrain_lock(path: str, survey: str | None, question: str) -> Any:
    """One lock per project question: two retrains of it in one process would do the same work twice."""
    import threading

    return _RETRAIN_LOCKS.setdefault((path, survey, question), threading.Lock())


def _keyword_matcher(book: Codebook) -> Any:
    """The codebook's keywords and patterns as a fitted KeywordCoder (kept per codebook hash):
    which of them an answer matches, for highlighting."""
    matcher = _KEYWORD_MATCHERS.get(book.hash)
    if matcher is None:
        from .coders.keyword import KeywordCoder

        matcher = KeywordCoder(book).fit(None)
        if len(_KEYWORD_MATCHERS) > 32:
            _KEYWORD_MATCHERS.clear()
        _KEYWORD_MATCHERS[book.hash] = matcher
    return matcher


# --- flat frames of the results ---------------------------------------------------------------

def _two_waves(waves: Sequence[str]) -> tuple[str, str]:
    from .errors import InputError

    from .args import wave_label

    if isinstance(waves, str) or not hasattr(waves, "__len__") or len(waves) != 2:
        raise InputError(f"compare needs two waves (A, B), not {waves!r}")
    return wave_label(waves[0]), wave_label(waves[1])


def _path_arg(out: Any, what: str) -> Path:
    """A file path argument; InputError for None, a number or an empty text (not a TypeError)."""
    from os import PathLike

    from .errors import InputError

    if not isinstance(out, (str, PathLike)) or not str(out).strip():
        raise InputError(f"'{what}' must be a file path, not {out!r}")
    return Path(out)


def _texts(texts: Any) -> list[str]:
    """The texts ``SavedCoder.score`` scores: one text is a list of one (not its letters); None, NaN
    or a number is no text; half a surrogate pair cannot be cleaned."""
    from .args import lone_surrogate
    from .errors import InputError

    if texts is None or not hasattr(texts, "__iter__"):
        raise InputError(f"give the texts to score as a list of strings, not {texts!r}")
    items = [texts] if isinstance(texts, str) else list(texts)
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise InputError(f"text {i + 1} is not text but {text!r}: give the texts as strings")
        if lone_surrogate(text):
            raise InputError(f"text {i + 1} holds a lone surrogate, not valid text")
    return items


def _check_wave(store: Store, survey: str | None, wave: str | None) -> None:
    """InputError for a wave filter the project (or survey) does not have: a typo is not an empty result."""
    from .errors import InputError

    if wave is None:
        return
    known = sorted({w.wave for w in store.waves(survey)})
    if wave not in known:
        raise InputError(f"the project has no wave '{wave}'" + (f" of survey '{survey}'" if survey else "")
                         + f" (waves: {', '.join(known) or 'none'})")


def _version(version: Any) -> int:
    """A codebook version as given (3, "3"); InputError when it is no whole number."""
    from .args import whole_number

    try:
        version = int(version) if isinstance(version, str) else version
    except ValueError:
        pass
    return whole_number(version, "a codebook version", minimum=0)


def _limit(limit: Any) -> int:
    """How many decisions ``recent_codes`` lists (negative: none)."""
    from .args import whole_number

    return whole_number(max(limit, 0) if isinstance(limit, int) and not isinstance(limit, bool) else limit,
                        "limit", minimum=0)


def _ci(interval: Any) -> tuple[Any, Any]:
    return (interval[0], interval[1]) if interval else (None, None)


def _option_rows(entry: dict[str, Any], base: dict[str, Any]) -> list[dict[str, Any]]:
    if entry["type"] not in ("single", "likert", "multi"):
        return []
    row = {**base, "question": entry["id"], "type": entry["type"], "label": entry.get("label")}
    out = []
    for option, count in entry["counts"].items():
        low, high = _ci(entry["ci95"].get(option))
        out.append({**row, "option": option, "count": count, "base": entry["base"],
                    "percent": entry["percent"].get(option), "ci_low": low, "ci_high": high})
    return out


def _groups(entry: dict[str, Any], base: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(entry, base row) for a question overall, then for each of its crosstab groups."""
    pairs = [(entry, base)]
    by = entry.get("by") or {}
    pairs += [(g, {**base, "by": by["question"], "group": g["group"]}) for g in by.get("groups", [])]
    return pairs


def _typed(frame: pd.DataFrame, numbers: dict[str, str], objects: Sequence[str] = ()) -> pd.DataFrame:
    """``numbers``' dtypes, and when empty the text dtype pandas infers for the other columns of a full
    frame: an empty result has the dtypes of a full one (not object throughout)."""
    text = {c: "str" for c in frame.columns if c not in numbers and c not in objects} if frame.empty else {}
    return frame.astype({**numbers, **text})


def tally_frame(results: list[dict[str, Any]]) -> pd.DataFrame:
    """``Project.tally``'s frame from ``tally_results``."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for res in results:
        base = {"survey": res["survey"], "wave": res["wave"], "by": None, "group": None}
        for entry in res["questions"]:
            for item, b in _groups(entry, base):
                rows += _option_rows(item, b)
    frame = pd.DataFrame(rows, columns=TALLY_COLUMNS)
    # when full, pandas infers these from the figures (an empty percent is NaN); when empty, the same dtypes
    inferred = {"base": "int64", "percent": "float64", "ci_low": "float64", "ci_high": "float64"} if frame.empty else {}
    return _typed(frame, {"count": "int64", **inferred}, objects=("by", "group"))


def summary_frame(results: list[dict[str, Any]], waves: bool = True) -> pd.DataFrame:
    """``Project.summaries``'s frame from ``tally_results`` (``waves``: with the per-wave rows)."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for res in results:
        base = {"survey": res["survey"], "wave": res["wave"], "by": None, "group": None}
        if waves:
            rows += [{**base, "question": None, "type": None, "statistic": k, "value": res[k]} for k in _WAVE_STATS]
        for entry in res["questions"]:
            for item, b in _groups(entry, base):
                row = {**b, "question": entry["id"], "type": entry["type"], "label": entry.get("label")}
                kind = entry["type"]
                if kind in ("single", "likert", "multi"):
                    for g, s in (item.get("summary") or {}).items():
                        low, high = _ci(s["ci95"])
                        rows.append({**row, "statistic": g, "count": s["count"], "base": item["base"],
                                     "percent": s["percent"], "ci_low": low, "ci_high": high})
                    if "mean_score" in item:
                        rows.append({**row, "statistic": "mean_score", "value": item["mean_score"]})
                    rows.append({**row, "statistic": "missing", "count": item["missing"]})
                elif kind == "numeric":
                    rows += [{**row, "statistic": k, "value": item[k]} for k in _NUMERIC_STATS if k in item]
                else:
                    rows += [{**row, "statistic": k, "count": item[k]} for k in ("answered", "missing") if k in item]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def code_frame(result: CodingResult) -> pd.DataFrame:
    """``Project.code``'s frame from a coding run: one row per answer x applying theme."""
    import pandas as pd

    rows = []
    for a in result.answers:
        for rank, theme in enumerate(a["themes"], start=1):
            rows.append({"respondent_id": a["respondent_id"], "wave": a["wave"], "theme": theme,
                         "score": a["scores"].get(theme), "rank": rank, "source": a["source"],
                         "survey": result.survey, "question": result.question, "status": a["status"]})
    frame = pd.DataFrame(rows, columns=CODE_COLUMNS)
    frame = _typed(frame, {"score": "float64", "rank": "int64"})
    # auto-coding (textmine.gate): how many more human codes before anything can be auto
    frame.attrs.update(auto_needed=result.auto_needed, auto_line=result.gate_line())
    return frame
