"""The project on disk: one SQLite file, written in transactions.

This is the only module that speaks SQL. Everything else asks it for frames
and hands it rows.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pandas as pd

from .version import __version__
from .errors import InputError
from .schema import Schema

DB_NAME = "textmine.sqlite"
STORE_VERSION = 4  # 2: waves keep responses in the export and per-rule exclusions; 3: codes keep their rank;
# 4: human codes from the workbench's audit sample are marked (codes.audit)

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS waves (
    survey TEXT NOT NULL, wave TEXT NOT NULL,
    schema_json TEXT NOT NULL, schema_hash TEXT NOT NULL, population INTEGER,
    source_file TEXT, source_sha256 TEXT, ingested_at TEXT NOT NULL,
    textmine_version TEXT NOT NULL,
    responses_in_export INTEGER, exclusions_json TEXT,
    PRIMARY KEY (survey, wave));
CREATE TABLE IF NOT EXISTS respondents (
    survey TEXT NOT NULL, wave TEXT NOT NULL, respondent_id TEXT NOT NULL,
    unit TEXT, municipality TEXT, nis TEXT, province TEXT, size_class TEXT,
    source_row INTEGER,
    PRIMARY KEY (survey, wave, respondent_id));
-- Closed answers: single/likert/numeric one row (option ''), multi one row per
-- option column the respondent filled in (value '1' chosen, '0' explicitly not).
CREATE TABLE IF NOT EXISTS answers (
    survey TEXT NOT NULL, wave TEXT NOT NULL, question TEXT NOT NULL,
    respondent_id TEXT NOT NULL, option TEXT NOT NULL DEFAULT '',
    value TEXT, number REAL,
    PRIMARY KEY (survey, wave, question, respondent_id, option)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS open_answers (
    answer_id INTEGER PRIMARY KEY,
    survey TEXT NOT NULL, wave TEXT NOT NULL, question TEXT NOT NULL,
    respondent_id TEXT NOT NULL, text TEXT NOT NULL, text_hash TEXT NOT NULL,
    UNIQUE (survey, wave, question, respondent_id));
CREATE INDEX IF NOT EXISTS open_answers_hash ON open_answers (text_hash);
-- NLP results, keyed by text and pipeline so unchanged answers are never redone.
CREATE TABLE IF NOT EXISTS cleaned (
    text_hash TEXT NOT NULL, pipeline TEXT NOT NULL, pipeline_version TEXT NOT NULL,
    data_json TEXT NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (text_hash, pipeline, pipeline_version));
-- Codes: human and machine, never overwritten. A newer human code supersedes an
-- older one; a changed answer text makes its codes stale. Both stay as history.
-- rank: the coder's order of the themes that apply (1 = the answer's main theme);
-- NULL for themes that do not apply and for codes stored before ranks were kept.
-- audit: 1 for a human code given in the workbench's random audit sample: a human code like
-- any other for every reader, but never used to train the coder (it estimates its accuracy).
CREATE TABLE IF NOT EXISTS codes (
    code_id INTEGER PRIMARY KEY,
    survey TEXT NOT NULL, wave TEXT NOT NULL, question TEXT NOT NULL,
    respondent_id TEXT NOT NULL, theme TEXT NOT NULL, applies INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('human', 'machine')),
    coder TEXT NOT NULL, run_id INTEGER, score REAL, text_hash TEXT NOT NULL,
    created_at TEXT NOT NULL, note TEXT,
    status TEXT NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'superseded', 'stale')),
    audit INTEGER NOT NULL DEFAULT 0,
    rank INTEGER,
    gate_score REAL);
CREATE INDEX IF NOT EXISTS codes_answer ON codes (survey, wave, question, respondent_id);
-- Flags and cleaned-text pointer per answer from the latest cleaning run
-- (per answer, because "duplicate" depends on the respondent's other answers).
CREATE TABLE IF NOT EXISTS answer_flags (
    survey TEXT NOT NULL, wave TEXT NOT NULL, question TEXT NOT NULL,
    respondent_id TEXT NOT NULL, text_hash TEXT NOT NULL, fingerprint TEXT NOT NULL,
    flags_json TEXT NOT NULL, run_id INTEGER,
    PRIMARY KEY (survey, wave, question, respondent_id));
CREATE TABLE IF NOT EXISTS embeddings (
    text_hash TEXT NOT NULL, backend TEXT NOT NULL, vector BLOB NOT NULL,
    PRIMARY KEY (text_hash, backend));
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT, textmine_version TEXT NOT NULL,
    settings_json TEXT NOT NULL DEFAULT '{}', provenance_json TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS topics (
    run_id INTEGER NOT NULL, topic_id INTEGER NOT NULL, label TEXT,
    keywords_json TEXT, size INTEGER, is_new INTEGER, data_json TEXT,
    PRIMARY KEY (run_id, topic_id));
CREATE TABLE IF NOT EXISTS topic_members (
    run_id INTEGER NOT NULL, topic_id INTEGER NOT NULL,
    survey TEXT NOT NULL, wave TEXT NOT NULL, question TEXT NOT NULL,
    respondent_id TEXT NOT NULL, probability REAL);
-- Staff curation of the inspiration catalogue, per answer; text_hash is the answer
-- text it was made for, so a changed answer is reported instead of mis-curated.
CREATE TABLE IF NOT EXISTS catalogue_curation (
    survey TEXT NOT NULL, wave TEXT NOT NULL, question TEXT NOT NULL,
    respondent_id TEXT NOT NULL, text_hash TEXT NOT NULL,
    include INTEGER NOT NULL DEFAULT 1, title TEXT, highlight INTEGER NOT NULL DEFAULT 0,
    source_file TEXT, updated_at TEXT NOT NULL,
    PRIMARY KEY (survey, wave, question, respondent_id));
-- The auto-coding gate a coding run learned (textmine.gate.AutoGate.to_dict as JSON): per theme
-- the score above which its machine codes count as 'auto', with the estimated precision there.
-- An answer's status is derived from its machine codes' run's gate when read.
CREATE TABLE IF NOT EXISTS auto_gates (
    run_id INTEGER PRIMARY KEY, survey TEXT NOT NULL, question TEXT NOT NULL,
    gate_json TEXT NOT NULL);
-- Codebook editing (textmine/codebook_edits.py): every change to a question's codebook is a
-- versioned entry with the whole codebook before and after it (version 0: the file it started
-- from, the first change's before_yaml). The current codebook is the newest entry's after_yaml.
-- last_code_id: the newest code row when the change was made (undo refuses when a touched answer
-- was coded since); undoes / undone_by link an undo and the change it reverted.
CREATE TABLE IF NOT EXISTS codebook_changes (
    change_id INTEGER PRIMARY KEY,
    survey TEXT NOT NULL, question TEXT NOT NULL, version INTEGER NOT NULL,
    kind TEXT NOT NULL, who TEXT NOT NULL, created_at TEXT NOT NULL, detail_json TEXT NOT NULL,
    before_yaml TEXT NOT NULL, after_yaml TEXT NOT NULL, after_hash TEXT NOT NULL,
    codes_affected INTEGER NOT NULL DEFAULT 0, last_code_id INTEGER NOT NULL DEFAULT 0,
    undoes INTEGER, undone_by INTEGER,
    UNIQUE (survey, question, version));
-- The code rows a codebook change touched, as provenance: 'superseded' (a human code the change
-- set aside: moved, or its answer returned to the queue), 'added' (the moved code written under
-- the surviving theme, same coder; from_theme: the theme it was moved from), 'restored' (an undo
-- made it current again). The rows themselves are never deleted.
CREATE TABLE IF NOT EXISTS codebook_code_moves (
    change_id INTEGER NOT NULL, code_id INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('superseded', 'added', 'restored')),
    from_theme TEXT, from_code_ids TEXT,
    PRIMARY KEY (change_id, code_id, action));
CREATE INDEX IF NOT EXISTS codebook_code_moves_code ON codebook_code_moves (code_id);
-- Answers a change sent back to the queue (split, retire), with the themes the queue suggests
-- for them: the coder's earlier call with the change applied.
CREATE TABLE IF NOT EXISTS codebook_returns (
    change_id INTEGER NOT NULL, survey TEXT NOT NULL, wave TEXT NOT NULL, question TEXT NOT NULL,
    respondent_id TEXT NOT NULL, themes_json TEXT NOT NULL,
    PRIMARY KEY (change_id, survey, wave, question, respondent_id));

-- Blind double coding (textmine/double_coding.py): one random sample per question of its
-- human-coded answers (seed stored: the draw can be repeated), the first coding of each as it
-- was when drawn, a second coder's codes (append-only: the latest per answer counts) and the
-- reconciled final calls with both originals copied in. Themes: JSON lists, main theme first.
CREATE TABLE IF NOT EXISTS double_samples (
    sample_id INTEGER PRIMARY KEY, survey TEXT NOT NULL, question TEXT NOT NULL,
    size INTEGER NOT NULL, population INTEGER NOT NULL, seed INTEGER NOT NULL,
    created_by TEXT, created_at TEXT NOT NULL, UNIQUE (survey, question));
CREATE TABLE IF NOT EXISTS double_sample_answers (
    sample_id INTEGER NOT NULL, position INTEGER NOT NULL, wave TEXT NOT NULL, respondent_id TEXT NOT NULL,
    text_hash TEXT NOT NULL, first_coder TEXT NOT NULL, first_coders_json TEXT NOT NULL,
    first_themes_json TEXT NOT NULL, PRIMARY KEY (sample_id, wave, respondent_id));
CREATE TABLE IF NOT EXISTS double_codes (
    id INTEGER PRIMARY KEY, sample_id INTEGER NOT NULL, wave TEXT NOT NULL, respondent_id TEXT NOT NULL,
    coder TEXT NOT NULL, themes_json TEXT NOT NULL, text_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS double_reconciliations (
    id INTEGER PRIMARY KEY, sample_id INTEGER NOT NULL, wave TEXT NOT NULL, respondent_id TEXT NOT NULL,
    first_coder TEXT NOT NULL, first_themes_json TEXT NOT NULL,
    second_coder TEXT NOT NULL, second_themes_json TEXT NOT NULL,
    final_themes_json TEXT NOT NULL, decided_by TEXT NOT NULL, created_at TEXT NOT NULL);
"""


# --- a project another process is writing to ----------------------------------------

DEFAULT_LOCK_WAIT = 30.0  # seconds; TEXTMINE_LOCK_WAIT overrides
GRACE_WAIT = 0.2  # seconds of that waited for silently (short writes of the workbench)


def lock_wait() -> float:
    """How long to wait for another process's write (TEXTMINE_LOCK_WAIT, seconds)."""
    try:
        value = float(os.environ.get("TEXTMINE_LOCK_WAIT", DEFAULT_LOCK_WAIT))
    except ValueError:
        return DEFAULT_LOCK_WAIT
    return min(max(value, 0.0), 24 * 3600.0) if value == value else DEFAULT_LOCK_WAIT


def is_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database is busy"."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def busy_error(path: Path | None = None) -> InputError:
    """The one-line error when another program keeps the project's database locked past the wait."""
    return InputError(f"the project is still busy after {lock_wait():g} s: another textmine command or "
                      "program (the workbench, a sqlite3 shell) is writing to it. Nothing was stored; "
                      "try again when it has finished", file=path)


def _print_notice(message: str) -> None:
    print(f"waiting: {message}", file=sys.stderr, flush=True)


busy_notice: Callable[[str], None] = _print_notice  # the CLI or a notebook may replace it


def now() -> str:
    """The current UTC time as an ISO 8601 string to the second (how the store dates rows)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class WaveInfo:
    """A wave in the project: its schema, population, respondents, source file and what the include rules left out."""
    survey: str
    wave: str
    schema: Schema
    population: int | None
    respondents: int
    source_file: str | None
    ingested_at: str
    responses_in_export: int | None = None  # data rows in the export (None: not recorded)
    exclusions: list[dict[str, Any]] = field(default_factory=list)  # per include rule: rule, why, count

    @property
    def excluded(self) -> int:
        return sum(int(e.get("count") or 0) for e in self.exclusions)


@dataclass
class SaveReport:
    """What storing a wave did: respondents and open answers saved, and human codes kept or made stale on a replace."""
    survey: str
    wave: str
    respondents: int
    open_answers: int
    replaced: bool
    stale_human_codes: int = 0
    kept_human_codes: int = 0
    orphaned_human_codes: int = 0  # of the stale ones: their respondent's answer is no longer in the export
    orphaned_answers: int = 0      # ... the answers those codes are on


class Store:
    """A textmine project directory and its SQLite database."""

    def __init__(self, project_dir: str | Path, *, create: bool = False) -> None:
        self.dir = Path(project_dir)
        self.path = self.dir / DB_NAME
        if not self.path.exists():
            if not create:
                raise InputError("no textmine project here (run 'textmine ingest' first)",
                                 file=self.dir)
            if self.dir.exists() and not self.dir.is_dir():
                raise InputError("project path exists and is not a directory", file=self.dir)
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # below a file, no permission, a read-only disk
                raise InputError(f"cannot make the project folder: {exc.strerror or exc}", file=self.dir) from None
        # Autocommit mode: transactions are explicit (see ``transaction``). Every
        # statement waits up to lock_wait() for a colleague's write to finish.
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=lock_wait())
        try:
            # Write-ahead log: readers never wait for a writer nor block one, so the workbench's
            # pages, two coders saving and a retrain in the background go on side by side
            # (writers still take turns, each waiting up to lock_wait()). The mode is kept in
            # the file; on a project already in WAL mode this is a read.
            self._write_ahead_log()
            self.db.executescript(_DDL)
            version = self.db.execute("SELECT value FROM meta WHERE key='store_version'").fetchone()
            if version is None:
                self.db.execute("INSERT INTO meta VALUES ('store_version', ?)", (str(STORE_VERSION),))
        except sqlite3.OperationalError as exc:
            self.db.close()
            if is_busy(exc):
                raise busy_error(self.path) from None
            raise InputError(f"not a textmine project database ({exc})", file=self.path) from None
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise InputError(f"not a textmine project database ({exc})", file=self.path) from None
        if version is not None and int(version[0]) > STORE_VERSION:
            self.db.close()
            raise InputError(f"project was written by a newer textmine (store version {version[0]})",
                             file=self.path)
        self._migrate(int(version[0]) if version is not None else STORE_VERSION)

    def _write_ahead_log(self) -> None:
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            # A read-only copy of a project, or a colleague's older textmine holding it: it is
            # read as before (rollback journal); the next writable open switches it.
            pass

    def _migrate(self, version: int) -> None:
        """Bring a project written by an older textmine up to date (columns added, nothing lost).
        Writes only when something is missing: opening a current project never locks it."""
        have = {t: {r[1] for r in self.db.execute(f"PRAGMA table_info({t})")} for t in ("waves", "codes")}
        added = [(t, c, k) for t, c, k in (("waves", "responses_in_export", "INTEGER"),
                                           ("waves", "exclusions_json", "TEXT"), ("codes", "rank", "INTEGER"),
                                           ("codes", "audit", "INTEGER NOT NULL DEFAULT 0"),
                                           ("codes", "gate_score", "REAL"))
                 if c not in have[t]]
        if not added and version >= STORE_VERSION:
            return
        with self.transaction() as db:
            # v2 -> v3: older codes get no rank (NULL): readers then order them as before
            # (score, then the order they were stored in), see codes.current_themes;
            # v3 -> v4: older codes are not audit codes (0); gate_score: older machine codes have
            # none (NULL), the auto-coding gate then judges their score (textmine.gate.machine_status)
            for table, column, kind in added:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            db.execute("UPDATE meta SET value=? WHERE key='store_version' AND CAST(value AS INTEGER) < ?",
                       (str(STORE_VERSION), STORE_VERSION))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: any exception rolls every write back.

        When another process is writing (a colleague's textmine command, the
        workbench, a sqlite3 shell), says so once and waits up to lock_wait()
        seconds; then an InputError, with nothing of this transaction stored."""
        self._begin()
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # readers kept us from committing in time
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if is_busy(exc):
                raise busy_error(self.path) from None
            raise

    def _begin(self) -> None:
        wait = lock_wait()
        # First find out whether we must wait: a colleague's short write (a coder's decision in
        # the workbench, a few ms) is waited for without a notice; a long one is announced.
        grace = min(wait, GRACE_WAIT)
        self.db.execute(f"PRAGMA busy_timeout = {int(grace * 1000)}")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {int((wait - grace) * 1000)}")
        busy_notice(f"the project is busy (another textmine command or program is writing to "
                    f"{self.path}); waiting up to {wait:g} s")
        try:
            self.db.execute("BEGIN IMMEDIATE")  # SQLite's busy handler waits up to ``wait``
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise busy_error(self.path) from None
            raise

    # --- waves ----------------------------------------------------------------

    def save_wave(
        self,
        schema: Schema,
        wave: str,
        *,
        population: int | None,
        source_file: str,
        source_sha256: str,
        respondents: Iterable[tuple],
        answers: Iterable[tuple],
        open_answers: Iterable[tuple],
        replace: bool = False,
        responses_in_export: int | None = None,
        exclusions: list[dict[str, Any]] | None = None,
    ) -> SaveReport:
        """Write one wave in one transaction.

        ``respondents``: (respondent_id, unit, municipality, nis, province, size_class, row);
        ``answers``: (question, respondent_id, option, value, number);
        ``open_answers``: (question, respondent_id, text, text_hash).
        ``responses_in_export``: data rows in the export; ``exclusions``: per include
        rule, the responses it left out (dicts with rule, why, count).
        Replacing keeps human codes whose answer text is unchanged and marks the
        others stale (kept as history, never deleted).
        """
        s = schema.survey
        respondents = list(respondents)
        with self.transaction() as db:
            exists = db.execute("SELECT 1 FROM waves WHERE survey=? AND wave=?", (s, wave)).fetchone()
            if exists and not replace:
                raise InputError(f"wave '{wave}' of survey '{s}' is already in the project; "
                                 "use --replace to replace it (human codes of unchanged answers are kept)",
                                 file=self.dir)
            if exists:
                self._check_same_respondents(db, s, wave, [r[0] for r in respondents], source_file)
            for table in ("answers", "open_answers", "respondents", "waves"):
                db.execute(f"DELETE FROM {table} WHERE survey=? AND wave=?", (s, wave))
            db.execute(
                "INSERT INTO waves (survey, wave, schema_json, schema_hash, population, source_file, "
                "source_sha256, ingested_at, textmine_version, responses_in_export, exclusions_json) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (s, wave, schema.to_json(), schema.hash, population, source_file, source_sha256,
                 now(), __version__, responses_in_export,
                 json.dumps(exclusions or [], ensure_ascii=False)))
            db.executemany("INSERT INTO respondents VALUES (?,?,?,?,?,?,?,?,?)",
                           ((s, wave, *r) for r in respondents))
            db.executemany("INSERT INTO answers VALUES (?,?,?,?,?,?,?)",
                           ((s, wave, *a) for a in answers))
            db.executemany(
                "INSERT INTO open_answers (survey, wave, question, respondent_id, text, text_hash) "
                "VALUES (?,?,?,?,?,?)", ((s, wave, *o) for o in open_answers))
            # Codes whose answer text changed or vanished become stale.
            stale_sql = """
                FROM codes c WHERE c.survey=? AND c.wave=? AND c.status='current'
                AND NOT EXISTS (SELECT 1 FROM open_answers o WHERE o.survey=c.survey
                    AND o.wave=c.wave AND o.question=c.question
                    AND o.respondent_id=c.respondent_id AND o.text_hash=c.text_hash)"""
            stale = db.execute(f"SELECT count(*) {stale_sql} AND c.source='human'", (s, wave)).fetchone()[0]
            orphaned, orphaned_answers = db.execute(
                f"SELECT count(*), count(DISTINCT c.question || ':' || c.respondent_id) {stale_sql} "
                "AND c.source='human' AND NOT EXISTS (SELECT 1 FROM open_answers o WHERE o.survey=c.survey "
                "AND o.wave=c.wave AND o.question=c.question AND o.respondent_id=c.respondent_id)",
                (s, wave)).fetchone()
            db.execute(f"UPDATE codes SET status='stale' WHERE code_id IN (SELECT c.code_id {stale_sql})",
                       (s, wave))
            kept = db.execute("SELECT count(*) FROM codes WHERE survey=? AND wave=? AND source='human' "
                              "AND status='current'", (s, wave)).fetchone()[0]
            n_resp = db.execute("SELECT count(*) FROM respondents WHERE survey=? AND wave=?",
                                (s, wave)).fetchone()[0]
            n_open = db.execute("SELECT count(*) FROM open_answers WHERE survey=? AND wave=?",
                                (s, wave)).fetchone()[0]
        return SaveReport(s, wave, n_resp, n_open, bool(exists), stale, kept, orphaned, orphaned_answers)

    @staticmethod
    def _check_same_respondents(db: sqlite3.Connection, survey: str, wave: str, new_ids: list[str],
                                source_file: str) -> None:
        """A replace whose export shares no respondent id with the wave it replaces, while human
        codes hang on that wave, is an InputError: the id column or its format changed ('R_12'
        for '12'), and every human code would stop counting."""
        old_ids = [r[0] for r in db.execute("SELECT respondent_id FROM respondents WHERE survey=? AND wave=? "
                                            "ORDER BY rowid", (survey, wave))]
        if not old_ids or not new_ids or set(old_ids) & set(new_ids):
            return
        coded = db.execute("SELECT count(DISTINCT question || ':' || respondent_id) FROM codes WHERE survey=? "
                           "AND wave=? AND source='human' AND status='current'", (survey, wave)).fetchone()[0]
        if coded:
            def shown(ids: list[str]) -> str:
                return ", ".join(repr(i[:20]) for i in ids[:2])
            raise InputError(
                f"none of the {len(old_ids)} respondent ids of {survey} wave '{wave}' is in this export (before "
                f"e.g. {shown(old_ids)}; now e.g. {shown(new_ids)}), so the human codes of {coded} answer"
                f"{'s' if coded != 1 else ''} would no longer count: did the id column or its format change? "
                "Nothing stored; export with the ids used before, or ingest it as another wave",
                file=source_file)

    def waves(self, survey: str | None = None, wave: str | None = None) -> list[WaveInfo]:
        rows = self.db.execute(
            "SELECT w.survey, w.wave, w.schema_json, w.population, w.source_file, w.ingested_at, "
            "(SELECT count(*) FROM respondents r WHERE r.survey=w.survey AND r.wave=w.wave), "
            "w.responses_in_export, w.exclusions_json "
            "FROM waves w WHERE (?1 IS NULL OR w.survey=?1) AND (?2 IS NULL OR w.wave=?2) "
            "ORDER BY w.survey, w.wave", (survey, wave)).fetchall()
        # Waves ingested before these were recorded kept every row of their export.
        return [WaveInfo(r[0], r[1], Schema.from_dict(json.loads(r[2])), r[3], r[6], r[4], r[5],
                         r[7] if r[7] is not None else r[6], json.loads(r[8]) if r[8] else [])
                for r in rows]

    def respondents(self, survey: str, wave: str) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT respondent_id, unit, municipality, nis, province, size_class, source_row "
            "FROM respondents WHERE survey=? AND wave=? ORDER BY source_row",
            self.db, params=(survey, wave))

    def unmatched_units(self, survey: str, wave: str) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT unit FROM respondents WHERE survey=? AND wave=? AND unit IS NOT NULL "
            "AND unit != '' AND municipality IS NULL ORDER BY unit", (survey, wave)).fetchall()
        return [r[0] for r in rows]

    def answers(self, survey: str, wave: str, questions: list[str] | None = None) -> pd.DataFrame:
        """Closed answers in long form: respondent_id, question, option, value, number."""
        sql = ("SELECT respondent_id, question, option, value, number FROM answers "
               "WHERE survey=? AND wave=?")
        params: list[Any] = [survey, wave]
        if questions:
            sql += f" AND question IN ({','.join('?' * len(questions))})"
            params += questions
        return pd.read_sql_query(sql, self.db, params=params)

    def answer_counts(self, survey: str, wave: str) -> pd.DataFrame:
        """Counted in SQLite, for tallies without crosstabs: question, option, value, count, respondents."""
        return pd.read_sql_query(
            "SELECT question, option, value, count(*) AS count FROM answers WHERE survey=? AND wave=? "
            "AND number IS NULL GROUP BY question, option, value", self.db, params=(survey, wave))

    def answered_counts(self, survey: str, wave: str) -> dict[str, int]:
        """Respondents with any answer, per question (closed and open)."""
        rows = self.db.execute(
            "SELECT question, count(DISTINCT respondent_id) FROM answers WHERE survey=?1 AND wave=?2 "
            "GROUP BY question UNION ALL SELECT question, count(*) FROM open_answers "
            "WHERE survey=?1 AND wave=?2 GROUP BY question", (survey, wave)).fetchall()
        return {q: n for q, n in rows}

    def numbers(self, survey: str, wave: str) -> pd.DataFrame:
        return pd.read_sql_query("SELECT question, number FROM answers WHERE survey=? AND wave=? "
                                 "AND number IS NOT NULL", self.db, params=(survey, wave))

    def open_answers(self, survey: str, wave: str | None = None,
                     question: str | None = None) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT answer_id, survey, wave, question, respondent_id, text, text_hash FROM open_answers "
            "WHERE survey=?1 AND (?2 IS NULL OR wave=?2) AND (?3 IS NULL OR question=?3) "
            "ORDER BY survey, wave, question, answer_id", self.db, params=(survey, wave, question))

    # --- cleaned text (NLP cache) --------------------------------------------------

    def cleaned(self, text_hashes: Iterable[str], fingerprint: str) -> dict[str, str]:
        """Cached cleaning results (JSON) for these texts under this pipeline fingerprint."""
        wanted = list(dict.fromkeys(text_hashes))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), 900):  # SQLite's bound-parameter limit
            chunk = wanted[i:i + 900]
            rows = self.db.execute(
                f"SELECT text_hash, data_json FROM cleaned WHERE pipeline_version=? "
                f"AND text_hash IN ({','.join('?' * len(chunk))})", (fingerprint, *chunk)).fetchall()
            found.update(rows)
        return found

    def save_cleaned(self, rows: Iterable[tuple[str, str]], pipeline: str, fingerprint: str) -> None:
        """rows: (text_hash, data_json)."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO cleaned VALUES (?,?,?,?,?)",
                           ((h, pipeline, fingerprint, data, now()) for h, data in rows))

    def save_answer_flags(self, rows: Iterable[tuple], fingerprint: str, run_id: int | None) -> None:
        """rows: (survey, wave, question, respondent_id, text_hash, flags_json)."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO answer_flags VALUES (?,?,?,?,?,?,?,?)",
                           ((s, w, q, rid, h, fingerprint, flags, run_id) for s, w, q, rid, h, flags in rows))

    def answer_flags(self, survey: str, wave: str | None = None, question: str | None = None) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT survey, wave, question, respondent_id, text_hash, fingerprint, flags_json, run_id "
            "FROM answer_flags WHERE survey=?1 AND (?2 IS NULL OR wave=?2) AND (?3 IS NULL OR question=?3)",
            self.db, params=(survey, wave, question))

    # --- embeddings (cache) ---------------------------------------------------------

    def embeddings(self, text_hashes: Iterable[str], backend: str) -> dict[str, bytes]:
        wanted = list(dict.fromkeys(text_hashes))
        found: dict[str, bytes] = {}
        for i in range(0, len(wanted), 900):
            chunk = wanted[i:i + 900]
            found.update(self.db.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE backend=? "
                f"AND text_hash IN ({','.join('?' * len(chunk))})", (backend, *chunk)).fetchall())
        return found

    def save_embeddings(self, rows: Iterable[tuple[str, bytes]], backend: str) -> None:
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?,?,?)",
                           ((h, backend, v) for h, v in rows))

    # --- codes ----------------------------------------------------------------

    def add_codes(self, rows: Iterable[dict[str, Any]], *, source: str, coder: str,
                  run_id: int | None = None, audit: bool = False) -> int:
        """Add codes for answers; a human code supersedes the same coder's earlier one.

        Each row: survey, wave, question, respondent_id, theme, applies, and
        optionally score, note and rank (the coder's order of the themes that
        apply, 1 = main). The answer must exist (its text hash is stored).
        ``audit``: human codes given in the random audit sample (never used for training).
        """
        with self.transaction() as db:
            return self._add_codes(db, rows, source=source, coder=coder, run_id=run_id, audit=audit)

    def _add_codes(self, db: sqlite3.Connection, rows: Iterable[dict[str, Any]], *, source: str, coder: str,
                   run_id: int | None = None, audit: bool = False) -> int:
        """``add_codes`` inside a transaction the caller holds."""
        n = 0
        for r in rows:
            key = (r["survey"], r["wave"], r["question"], r["respondent_id"])
            found = db.execute("SELECT text_hash FROM open_answers WHERE survey=? AND wave=? "
                               "AND question=? AND respondent_id=?", key).fetchone()
            if found is None:
                raise InputError(f"no open answer for respondent {key[3]} to question "
                                 f"'{key[2]}' in {key[0]} {key[1]}")
            if source == "human":
                db.execute("UPDATE codes SET status='superseded' WHERE survey=? AND wave=? "
                           "AND question=? AND respondent_id=? AND theme=? AND source='human' "
                           "AND coder=? AND status='current'", (*key, r["theme"], coder))
            db.execute(
                "INSERT INTO codes (survey, wave, question, respondent_id, theme, applies, source, "
                "coder, run_id, score, text_hash, created_at, note, rank, audit) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*key, r["theme"], int(bool(r.get("applies", 1))), source, coder, run_id,
                 r.get("score"), found[0], now(), r.get("note"), r.get("rank"), int(bool(audit))))
            n += 1
        return n

    def save_machine_codes(self, rows: Iterable[dict[str, Any]], *, coder: str, run_id: int) -> int:
        """Replace the current machine codes of these answers by a new run's.

        Each row: survey, wave, question, respondent_id, theme, applies, score,
        rank (the coder's order of the themes that apply, 1 = main) and optionally gate_score
        (the score the auto-coding gate judges; textmine.gate). Earlier machine
        codes of the same answers become 'superseded' (kept); human codes are never touched.
        """
        rows = list(rows)
        answers = {(r["survey"], r["wave"], r["question"], r["respondent_id"]) for r in rows}
        with self.transaction() as db:
            db.executemany("UPDATE codes SET status='superseded' WHERE survey=? AND wave=? AND question=? "
                           "AND respondent_id=? AND source='machine' AND status='current'", sorted(answers))
            hashes = dict(((s, w, q, r), h) for s, w, q, r, h in db.execute(
                "SELECT survey, wave, question, respondent_id, text_hash FROM open_answers"))
            db.executemany(
                "INSERT INTO codes (survey, wave, question, respondent_id, theme, applies, source, coder, run_id, "
                "score, text_hash, created_at, rank, gate_score) VALUES (?,?,?,?,?,?,'machine',?,?,?,?,?,?,?)",
                ((r["survey"], r["wave"], r["question"], r["respondent_id"], r["theme"], int(bool(r["applies"])),
                  coder, run_id, r.get("score"),
                  hashes[(r["survey"], r["wave"], r["question"], r["respondent_id"])], now(), r.get("rank"),
                  r.get("gate_score"))
                 for r in rows))
        return len(rows)

    def codes(self, survey: str, wave: str | None = None, question: str | None = None,
              *, source: str | None = None, status: str | None = "current") -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT code_id, survey, wave, question, respondent_id, theme, applies, source, coder, "
            "run_id, score, text_hash, created_at, note, status, rank, audit, gate_score FROM codes "
            "WHERE survey=?1 AND (?2 IS NULL OR wave=?2) AND (?3 IS NULL OR question=?3) "
            "AND (?4 IS NULL OR source=?4) AND (?5 IS NULL OR status=?5) ORDER BY code_id",
            self.db, params=(survey, wave, question, source, status))

    def answer_states(self, survey: str, question: str | None = None) -> pd.DataFrame:
        """One row per open answer (of one question, or every question of the survey): survey, wave,
        question, respondent_id, text_hash, non_answer (the cleaner flagged it; 0 when not cleaned
        yet), and whether it has current codes: human, audit (a human code from the audit sample),
        machine (0/1 each); ordered by question, wave, answer. Counted in SQLite: the workbench
        asks for it on every page."""
        return pd.read_sql_query(
            "SELECT o.survey, o.wave, o.question, o.respondent_id, o.text_hash, "
            "COALESCE(instr(f.flags_json, '\"non_answer\"') > 0, 0) AS non_answer, "
            "COALESCE(max(c.source = 'human'), 0) AS human, "
            "COALESCE(max(c.source = 'human' AND c.audit = 1), 0) AS audit, "
            "COALESCE(max(c.source = 'machine'), 0) AS machine "
            "FROM open_answers o "
            "LEFT JOIN answer_flags f ON f.survey=o.survey AND f.wave=o.wave AND f.question=o.question "
            "AND f.respondent_id=o.respondent_id "
            "LEFT JOIN codes c ON c.survey=o.survey AND c.wave=o.wave AND c.question=o.question "
            "AND c.respondent_id=o.respondent_id AND c.status='current' "
            "WHERE o.survey=?1 AND (?2 IS NULL OR o.question=?2) "
            "GROUP BY o.answer_id ORDER BY o.question, o.wave, o.answer_id",
            self.db, params=(survey, question))

    def question_answers(self, survey: str, question: str) -> pd.DataFrame:
        """A question's open answers with the respondent's place and the cleaner's non-answer flag:
        wave, respondent_id, text, text_hash, municipality, province, non_answer (0/1), stored order."""
        return pd.read_sql_query(
            "SELECT o.wave, o.respondent_id, o.text, o.text_hash, r.municipality, r.province, "
            "COALESCE(instr(f.flags_json, '\"non_answer\"') > 0, 0) AS non_answer FROM open_answers o "
            "LEFT JOIN respondents r ON r.survey=o.survey AND r.wave=o.wave AND r.respondent_id=o.respondent_id "
            "LEFT JOIN answer_flags f ON f.survey=o.survey AND f.wave=o.wave AND f.question=o.question "
            "AND f.respondent_id=o.respondent_id "
            "WHERE o.survey=? AND o.question=? ORDER BY o.wave, o.answer_id", self.db, params=(survey, question))

    def machine_scores(self, survey: str, question: str) -> pd.DataFrame:
        """The current machine scores of a question's answers: wave, respondent_id, theme, score, source,
        applies, run_id, gate_score."""
        return pd.read_sql_query(
            "SELECT wave, respondent_id, theme, score, source, applies, run_id, gate_score FROM codes "
            "WHERE survey=? AND question=? AND source='machine' AND status='current'", self.db, params=(survey, question))

    def open_answer(self, survey: str, wave: str, question: str, respondent_id: str) -> dict[str, Any] | None:
        """One open answer with its respondent's place: text, text_hash, unit, municipality,
        province (None when there is no such answer)."""
        row = self.db.execute(
            "SELECT o.text, o.text_hash, r.unit, r.municipality, r.province FROM open_answers o "
            "LEFT JOIN respondents r ON r.survey=o.survey AND r.wave=o.wave AND r.respondent_id=o.respondent_id "
            "WHERE o.survey=? AND o.wave=? AND o.question=? AND o.respondent_id=?",
            (survey, wave, question, respondent_id)).fetchone()
        if row is None:
            return None
        return dict(zip(("text", "text_hash", "unit", "municipality", "province"), row))

    def answer_codes(self, survey: str, wave: str, question: str, respondent_id: str) -> pd.DataFrame:
        """The current codes of one answer (the columns of ``codes``)."""
        return pd.read_sql_query(
            "SELECT code_id, survey, wave, question, respondent_id, theme, applies, source, coder, "
            "run_id, score, text_hash, created_at, note, status, rank, audit FROM codes "
            "WHERE survey=? AND wave=? AND question=? AND respondent_id=? AND status='current' ORDER BY code_id",
            self.db, params=(survey, wave, question, respondent_id))

    def coder_decisions(self, survey: str, question: str, coder: str, limit: int) -> pd.DataFrame:
        """A coder's current human codes on their ``limit`` most recently coded answers of a question,
        newest answer first (the columns of ``codes``)."""
        return pd.read_sql_query(
            "WITH latest AS (SELECT wave, respondent_id, max(code_id) AS last FROM codes "
            "WHERE survey=?1 AND question=?2 AND coder=?3 AND source='human' AND status='current' "
            "GROUP BY wave, respondent_id ORDER BY last DESC LIMIT ?4) "
            "SELECT c.code_id, c.survey, c.wave, c.question, c.respondent_id, c.theme, c.applies, c.source, "
            "c.coder, c.run_id, c.score, c.text_hash, c.created_at, c.note, c.status, c.rank, c.audit "
            "FROM codes c JOIN latest l ON l.wave=c.wave AND l.respondent_id=c.respondent_id "
            "WHERE c.survey=?1 AND c.question=?2 AND c.coder=?3 AND c.source='human' AND c.status='current' "
            "ORDER BY l.last DESC, c.code_id", self.db, params=(survey, question, coder, int(limit)))

    # --- runs -----------------------------------------------------------------

    def start_run(self, kind: str, settings: dict[str, Any] | None = None,
                  provenance: dict[str, Any] | None = None) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (kind, started_at, textmine_version, settings_json, provenance_json) "
                "VALUES (?,?,?,?,?)", (kind, now(), __version__, json.dumps(settings or {}, sort_keys=True),
                                       json.dumps(provenance or {}, sort_keys=True)))
            return int(cur.lastrowid)

    def finish_run(self, run_id: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE runs SET finished_at=? WHERE run_id=?", (now(), run_id))

    def latest_code_provenance(self, survey: str, question: str) -> dict[str, Any]:
        """The provenance of the newest finished coding run of this question ({} if none)."""
        row = self.db.execute(
            "SELECT provenance_json FROM runs WHERE kind='code' AND finished_at IS NOT NULL "
            "AND json_extract(settings_json, '$.survey')=? AND json_extract(settings_json, '$.question')=? "
            "ORDER BY run_id DESC LIMIT 1", (survey, question)).fetchone()
        return json.loads(row[0]) if row else {}

    def runs(self, kind: str | None = None) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM runs WHERE (?1 IS NULL OR kind=?1) ORDER BY run_id",
                                 self.db, params=(kind,))

    # --- auto-coding gates (textmine.gate) -------------------------------------------------

    def save_gate(self, run_id: int, survey: str, question: str, gate: dict[str, Any]) -> None:
        """Keep the gate a coding run learned (``AutoGate.to_dict``)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO auto_gates (run_id, survey, question, gate_json) VALUES (?,?,?,?)",
                       (run_id, survey, question, json.dumps(gate, sort_keys=True)))

    def gates(self, survey: str, question: str) -> dict[int, dict[str, Any]]:
        """Every stored gate of a question's coding runs, by run id (``AutoGate.to_dict`` form)."""
        return {int(r): json.loads(g) for r, g in self.db.execute(
            "SELECT run_id, gate_json FROM auto_gates WHERE survey=? AND question=? ORDER BY run_id",
            (survey, question))}

    # --- topics runs ----------------------------------------------------------------

    def save_topic_run(self, run_id: int, clusters: list[dict[str, Any]], members: Iterable[tuple]) -> None:
        """A topics run's clusters (the JSON dicts, kept whole) and members.

        ``members``: (topic_id, survey, wave, question, respondent_id, probability)."""
        with self.transaction() as db:
            db.executemany("INSERT INTO topics VALUES (?,?,?,?,?,?,?)", (
                (run_id, int(c["id"]), c["label"], json.dumps(c["keywords"], ensure_ascii=False),
                 int(c["size"]), int(bool(c["new"])), json.dumps(c, ensure_ascii=False)) for c in clusters))
            db.executemany("INSERT INTO topic_members VALUES (?,?,?,?,?,?,?)",
                           ((run_id, *m) for m in members))

    def latest_topic_run(self, survey: str, question: str) -> int | None:
        """The newest finished topics run of this question (any wave), or None."""
        row = self.db.execute(
            "SELECT run_id FROM runs WHERE kind='topics' AND finished_at IS NOT NULL "
            "AND json_extract(settings_json, '$.survey')=? AND json_extract(settings_json, '$.question')=? "
            "ORDER BY run_id DESC LIMIT 1", (survey, question)).fetchone()
        return int(row[0]) if row else None

    def topic_clusters(self, survey: str, question: str) -> list[dict[str, Any]]:
        """The cluster dicts of the latest topics run of this question, by topic id ([] if none)."""
        run_id = self.latest_topic_run(survey, question)
        if run_id is None:
            return []
        rows = self.db.execute("SELECT data_json FROM topics WHERE run_id=? ORDER BY topic_id",
                               (run_id,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def topic_members(self, run_id: int) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT topic_id, survey, wave, question, respondent_id, probability FROM topic_members "
            "WHERE run_id=? ORDER BY topic_id, survey, wave, respondent_id", self.db, params=(run_id,))

    # --- catalogue curation -----------------------------------------------------

    def save_curation(self, rows: Iterable[dict[str, Any]], *, source_file: str | None = None) -> int:
        """Upsert curation per answer. Each row: survey, wave, question, respondent_id,
        text_hash, include (bool), title (str or None), highlight (bool)."""
        rows = list(rows)
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO catalogue_curation VALUES (?,?,?,?,?,?,?,?,?,?)",
                ((r["survey"], r["wave"], r["question"], r["respondent_id"], r["text_hash"],
                  int(bool(r["include"])), r.get("title") or None, int(bool(r["highlight"])), source_file, now())
                 for r in rows))
        return len(rows)

    def curation(self, survey: str, question: str, wave: str | None = None) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT survey, wave, question, respondent_id, text_hash, include, title, highlight, source_file, "
            "updated_at FROM catalogue_curation WHERE survey=?1 AND question=?2 AND (?3 IS NULL OR wave=?3) "
            "ORDER BY wave, respondent_id", self.db, params=(survey, question, wave))


    # --- codebook changes (logic in codebook_edits.py) ----------------------------------

    def codebook_changes(self, survey: str, question: str) -> list[dict[str, Any]]:
        """Every codebook change of a question, oldest first: change_id, version, kind, who, created_at,
        detail (dict), codes_affected, last_code_id, undoes, undone_by, after_hash (no YAML)."""
        rows = self.db.execute(
            "SELECT change_id, version, kind, who, created_at, detail_json, codes_affected, last_code_id, "
            "undoes, undone_by, after_hash FROM codebook_changes WHERE survey=? AND question=? ORDER BY version",
            (survey, question)).fetchall()
        keys = ("change_id", "version", "kind", "who", "created_at", "detail", "codes_affected", "last_code_id",
                "undoes", "undone_by", "after_hash")
        out = [dict(zip(keys, r)) for r in rows]
        for r in out:
            r["detail"] = json.loads(r["detail"])
        return out

    def codebook_yaml(self, survey: str, question: str, version: int | None = None) -> tuple[int, str] | None:
        """(version, YAML) of a question's stored codebook: the newest version, or ``version`` (0: the
        codebook the first change started from). None when the codebook was never changed here."""
        if version is None:
            row = self.db.execute("SELECT version, after_yaml FROM codebook_changes WHERE survey=? AND question=? "
                                  "ORDER BY version DESC LIMIT 1", (survey, question)).fetchone()
        elif version == 0:
            row = self.db.execute("SELECT 0, before_yaml FROM codebook_changes WHERE survey=? AND question=? "
                                  "ORDER BY version LIMIT 1", (survey, question)).fetchone()
        else:
            row = self.db.execute("SELECT version, after_yaml FROM codebook_changes WHERE survey=? AND question=? "
                                  "AND version=?", (survey, question, int(version))).fetchone()
        return (int(row[0]), row[1]) if row else None

    def _current_human_codes(self, db: sqlite3.Connection, survey: str, question: str) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT code_id, survey, wave, question, respondent_id, theme, applies, source, coder, run_id, score, "
            "text_hash, created_at, note, status, rank, audit FROM codes WHERE survey=? AND question=? "
            "AND source='human' AND status='current' ORDER BY code_id", db, params=(survey, question))

    def _check_version(self, db: sqlite3.Connection, survey: str, question: str, expected: int) -> int:
        row = db.execute("SELECT max(version) FROM codebook_changes WHERE survey=? AND question=?",
                         (survey, question)).fetchone()
        have = int(row[0]) if row and row[0] is not None else 0
        if have != expected:
            raise InputError(f"the codebook of {survey} '{question}' changed meanwhile (now version {have}, "
                             f"not {expected}): reload it and try again")
        return have

    def record_codebook_change(self, survey: str, question: str, *, expected_version: int, kind: str, who: str,
                               detail: dict[str, Any], before_yaml: str, after_yaml: str, after_hash: str,
                               plan: Callable[[pd.DataFrame], Any]) -> dict[str, Any]:
        """Store a codebook change and what it does to the human codes, in one transaction.

        ``plan(codes)`` gets the question's current human codes (read inside the transaction, so no
        coder's decision slips in between) and returns an object with ``supersede`` (code ids set
        aside), ``add`` (new rows: the ``codes`` columns plus from_theme, from_code_ids) and
        ``returns`` ((wave, respondent_id, themes) sent back to the queue). InputError when the
        codebook changed since ``expected_version``; then nothing is stored."""
        with self.transaction() as db:
            version = self._check_version(db, survey, question, expected_version) + 1
            codes = self._current_human_codes(db, survey, question)
            last = db.execute("SELECT COALESCE(max(code_id), 0) FROM codes").fetchone()[0]
            p = plan(codes)
            cur = db.execute(
                "INSERT INTO codebook_changes (survey, question, version, kind, who, created_at, detail_json, "
                "before_yaml, after_yaml, after_hash, codes_affected, last_code_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (survey, question, version, kind, who, now(), json.dumps(detail, ensure_ascii=False, sort_keys=True),
                 before_yaml, after_yaml, after_hash, len(p.supersede), int(last)))
            change_id = int(cur.lastrowid)
            for code_id in p.supersede:
                db.execute("UPDATE codes SET status='superseded' WHERE code_id=? AND status='current'", (int(code_id),))
            db.executemany("INSERT INTO codebook_code_moves (change_id, code_id, action) VALUES (?,?,'superseded')",
                           ((change_id, int(c)) for c in p.supersede))
            for r in p.add:
                new = db.execute(
                    "INSERT INTO codes (survey, wave, question, respondent_id, theme, applies, source, coder, run_id, "
                    "score, text_hash, created_at, note, status, audit, rank) "
                    "VALUES (?,?,?,?,?,?,'human',?,NULL,NULL,?,?,?,'current',?,?)",
                    (survey, r["wave"], question, r["respondent_id"], r["theme"], int(bool(r["applies"])), r["coder"],
                     r["text_hash"], r["created_at"], r.get("note"), int(bool(r.get("audit"))), r.get("rank")))
                db.execute("INSERT INTO codebook_code_moves VALUES (?,?,'added',?,?)",
                           (change_id, int(new.lastrowid), r["from_theme"],
                            json.dumps([int(c) for c in r["from_code_ids"]])))
            db.executemany("INSERT INTO codebook_returns VALUES (?,?,?,?,?,?)",
                           ((change_id, survey, w, question, rid, json.dumps(list(themes)))
                            for w, rid, themes in p.returns))
        return {"change_id": change_id, "version": version, "codes_affected": len(p.supersede),
                "codes_added": len(p.add), "returned": len(p.returns)}

    def undo_codebook_change(self, survey: str, question: str, *, expected_version: int, who: str,
                             check: Callable[[dict[str, Any], pd.DataFrame, pd.DataFrame], Any]) -> dict[str, Any]:
        """Revert the newest change of a question's codebook that is not an undo nor undone, in one
        transaction: the rows it added are set aside, the ones it set aside are current again (code ids
        unchanged: every reader sees the codes exactly as before), the codebook before it becomes the
        current one as a new version. ``check(change, moves, codes)`` refuses (InputError) or returns the
        hash of the codebook the undo restores; it gets the change (with before/after YAML), its moves,
        and the question's human codes (every status).
        InputError when there is nothing to undo or the codebook changed since ``expected_version``."""
        with self.transaction() as db:
            version = self._check_version(db, survey, question, expected_version) + 1
            row = db.execute(
                "SELECT change_id, version, kind, before_yaml, after_yaml, last_code_id FROM codebook_changes "
                "WHERE survey=? AND question=? AND undoes IS NULL AND undone_by IS NULL "
                "ORDER BY version DESC LIMIT 1", (survey, question)).fetchone()
            if row is None:
                raise InputError(f"nothing to undo in the codebook of {survey} '{question}'")
            change = dict(zip(("change_id", "version", "kind", "before_yaml", "after_yaml", "last_code_id"), row))
            moves = pd.read_sql_query(
                "SELECT m.code_id, m.action, m.from_theme, c.wave, c.respondent_id FROM codebook_code_moves m "
                "JOIN codes c ON c.code_id=m.code_id WHERE m.change_id=?", db, params=(change["change_id"],))
            codes = pd.read_sql_query(
                "SELECT code_id, wave, respondent_id, theme, applies, source, coder, status, created_at FROM codes "
                "WHERE survey=? AND question=? AND source='human' ORDER BY code_id", db, params=(survey, question))
            restored_hash = check(change, moves, codes)
            added = [int(c) for c in moves.loc[moves["action"] == "added", "code_id"]]
            superseded = [int(c) for c in moves.loc[moves["action"] == "superseded", "code_id"]]
            cur = db.execute(
                "INSERT INTO codebook_changes (survey, question, version, kind, who, created_at, detail_json, "
                "before_yaml, after_yaml, after_hash, codes_affected, last_code_id, undoes) "
                "VALUES (?,?,?,'undo',?,?,?,?,?,?,?,?,?)",
                (survey, question, version, who, now(),
                 json.dumps({"undone": change["change_id"], "undone_version": change["version"],
                             "undone_kind": change["kind"]}, sort_keys=True),
                 change["after_yaml"], change["before_yaml"], str(restored_hash),
                 len(added) + len(superseded),
                 int(db.execute("SELECT COALESCE(max(code_id), 0) FROM codes").fetchone()[0]), change["change_id"]))
            undo_id = int(cur.lastrowid)
            db.executemany("UPDATE codes SET status='superseded' WHERE code_id=? AND status='current'",
                           ((c,) for c in added))  # a stale one (its answer's text changed since) stays stale
            # current again, unless the wave was replaced since and the answer's text changed or vanished:
            # then stale, as the replace would have made it
            db.executemany(
                "UPDATE codes SET status=CASE WHEN EXISTS (SELECT 1 FROM open_answers o WHERE o.survey=codes.survey "
                "AND o.wave=codes.wave AND o.question=codes.question AND o.respondent_id=codes.respondent_id "
                "AND o.text_hash=codes.text_hash) THEN 'current' ELSE 'stale' END WHERE code_id=?",
                ((c,) for c in superseded))
            db.executemany("INSERT INTO codebook_code_moves (change_id, code_id, action) VALUES (?,?,'superseded')",
                           ((undo_id, c) for c in added))
            db.executemany("INSERT INTO codebook_code_moves (change_id, code_id, action) VALUES (?,?,'restored')",
                           ((undo_id, c) for c in superseded))
            db.execute("UPDATE codebook_changes SET undone_by=? WHERE change_id=?", (undo_id, change["change_id"]))
        return {"change_id": undo_id, "version": version, "undone": change["change_id"],
                "undone_version": change["version"], "undone_kind": change["kind"],
                "codes_affected": len(added) + len(superseded)}

    def returned_themes(self, survey: str, wave: str, question: str, respondent_id: str) -> list[str] | None:
        """The themes the queue suggests for an answer a codebook change (not undone) sent back to it,
        from the newest such change; None when none did."""
        row = self.db.execute(
            "SELECT r.themes_json FROM codebook_returns r JOIN codebook_changes c ON c.change_id=r.change_id "
            "WHERE r.survey=? AND r.wave=? AND r.question=? AND r.respondent_id=? AND c.undone_by IS NULL "
            "ORDER BY r.change_id DESC LIMIT 1", (survey, wave, question, respondent_id)).fetchone()
        return json.loads(row[0]) if row else None

    def code_history(self, survey: str, question: str, wave: str | None = None,
                     respondent_id: str | None = None) -> pd.DataFrame:
        """Human codes of a question with every status and what codebook changes did to them: the
        ``codes`` columns plus change_id, action, from_theme, from_code_ids, moved_by (who made the
        change), moved_at, change_kind (empty for codes no change touched). One row per code x move."""
        return pd.read_sql_query(
            "SELECT c.code_id, c.survey, c.wave, c.question, c.respondent_id, c.theme, c.applies, c.source, c.coder, "
            "c.created_at, c.note, c.status, c.rank, c.audit, m.change_id, m.action, m.from_theme, m.from_code_ids, "
            "k.who AS moved_by, k.created_at AS moved_at, k.kind AS change_kind FROM codes c "
            "LEFT JOIN codebook_code_moves m ON m.code_id=c.code_id "
            "LEFT JOIN codebook_changes k ON k.change_id=m.change_id "
            "WHERE c.survey=?1 AND c.question=?2 AND c.source='human' AND (?3 IS NULL OR c.wave=?3) "
            "AND (?4 IS NULL OR c.respondent_id=?4) ORDER BY c.code_id, m.change_id",
            self.db, params=(survey, question, wave, respondent_id))

    # --- blind double coding (textmine/double_coding.py) ---------------------------------

    def create_double_sample(self, survey: str, question: str, answers: Iterable[dict[str, Any]], *,
                             population: int, seed: int, created_by: str | None) -> int:
        """Store a question's double-coding sample: ``answers`` in their drawn order, each with wave,
        respondent_id, text_hash, first_coder, first_coders (list), first_themes (list). One sample
        per question: InputError when it has one already. Returns its sample_id."""
        answers = list(answers)
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM double_samples WHERE survey=? AND question=?",
                          (survey, question)).fetchone():
                raise InputError(f"question '{question}' already has a double-coding sample")
            cur = db.execute("INSERT INTO double_samples (survey, question, size, population, seed, created_by, "
                             "created_at) VALUES (?,?,?,?,?,?,?)",
                             (survey, question, len(answers), population, seed, created_by, now()))
            sample_id = int(cur.lastrowid)
            db.executemany("INSERT INTO double_sample_answers VALUES (?,?,?,?,?,?,?,?)", (
                (sample_id, i, a["wave"], a["respondent_id"], a["text_hash"], a["first_coder"],
                 json.dumps(a["first_coders"], ensure_ascii=False), json.dumps(a["first_themes"], ensure_ascii=False))
                for i, a in enumerate(answers)))
        return sample_id

    def double_sample(self, survey: str, question: str) -> dict[str, Any] | None:
        """A question's double-coding sample (sample_id, survey, question, size, population, seed,
        created_by, created_at) or None."""
        cur = self.db.execute("SELECT sample_id, survey, question, size, population, seed, created_by, created_at "
                              "FROM double_samples WHERE survey=? AND question=?", (survey, question))
        row = cur.fetchone()
        return None if row is None else dict(zip([d[0] for d in cur.description], row))

    def double_sample_answers(self, sample_id: int) -> list[dict[str, Any]]:
        """The sample's answers in drawn order: position, wave, respondent_id, text_hash, first_coder,
        first_coders, first_themes (lists)."""
        rows = self.db.execute(
            "SELECT position, wave, respondent_id, text_hash, first_coder, first_coders_json, first_themes_json "
            "FROM double_sample_answers WHERE sample_id=? ORDER BY position", (sample_id,)).fetchall()
        return [{"position": p, "wave": w, "respondent_id": r, "text_hash": h, "first_coder": c,
                 "first_coders": json.loads(cs), "first_themes": json.loads(t)} for p, w, r, h, c, cs, t in rows]

    def add_double_code(self, sample_id: int, wave: str, respondent_id: str, coder: str, themes: list[str],
                        text_hash: str) -> None:
        """A second coder's themes for a sample answer (kept; a later one of the answer counts)."""
        with self.transaction() as db:
            db.execute("INSERT INTO double_codes (sample_id, wave, respondent_id, coder, themes_json, text_hash, "
                       "created_at) VALUES (?,?,?,?,?,?,?)",
                       (sample_id, wave, respondent_id, coder, json.dumps(themes, ensure_ascii=False), text_hash,
                        now()))

    def double_codes(self, sample_id: int) -> list[dict[str, Any]]:
        """Every second-coder code of the sample, oldest first: id, wave, respondent_id, coder, themes,
        text_hash, created_at."""
        rows = self.db.execute("SELECT id, wave, respondent_id, coder, themes_json, text_hash, created_at "
                               "FROM double_codes WHERE sample_id=? ORDER BY id", (sample_id,)).fetchall()
        return [{"id": i, "wave": w, "respondent_id": r, "coder": c, "themes": json.loads(t), "text_hash": h,
                 "created_at": at} for i, w, r, c, t, h, at in rows]

    def add_reconciliation(self, sample_id: int, record: dict[str, Any], code_rows: Iterable[dict[str, Any]],
                           decided_by: str) -> None:
        """The final call on a sample answer, in one transaction: the reconciliation (``record``: wave,
        respondent_id, first_coder, first_themes, second_coder, second_themes, final_themes) and
        ``code_rows`` stored as ``decided_by``'s human codes (``add_codes``)."""
        with self.transaction() as db:
            db.execute("INSERT INTO double_reconciliations (sample_id, wave, respondent_id, first_coder, "
                       "first_themes_json, second_coder, second_themes_json, final_themes_json, decided_by, "
                       "created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (sample_id, record["wave"], record["respondent_id"], record["first_coder"],
                        json.dumps(record["first_themes"], ensure_ascii=False), record["second_coder"],
                        json.dumps(record["second_themes"], ensure_ascii=False),
                        json.dumps(record["final_themes"], ensure_ascii=False), decided_by, now()))
            self._add_codes(db, code_rows, source="human", coder=decided_by)

    def double_reconciliations(self, sample_id: int) -> list[dict[str, Any]]:
        """Every reconciliation of the sample, oldest first (a later one of an answer counts): id, wave,
        respondent_id, first_coder, first_themes, second_coder, second_themes, final_themes, decided_by,
        created_at."""
        rows = self.db.execute(
            "SELECT id, wave, respondent_id, first_coder, first_themes_json, second_coder, second_themes_json, "
            "final_themes_json, decided_by, created_at FROM double_reconciliations WHERE sample_id=? ORDER BY id",
            (sample_id,)).fetchall()
        return [{"id": i, "wave": w, "respondent_id": r, "first_coder": fc, "first_themes": json.loads(ft),
                 "second_coder": sc, "second_themes": json.loads(st), "final_themes": json.loads(f),
                 "decided_by": d, "created_at": at} for i, w, r, fc, ft, sc, st, f, d, at in rows]
