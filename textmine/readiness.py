"""What a reading command needs from the earlier stages, and whether the project has it.

Reading commands (``report``, ``catalogue``, ``export qdpx``) write nothing to the store
by default: when answers they need are not cleaned or not coded (or coded with another
codebook) they stop with one line saying what is missing and which command makes it.
With ``prepare=True`` (``--prepare``) they run those steps themselves, each announced
by a line ("cleaning ...", "coding ..."), and then build.

``Preparation`` is what a builder reads through: ``cleaned`` and ``codes`` return what
the store has; what is missing is either made (prepare) or listed (``missing``), and
``check`` raises the one-line error once the builder has seen everything it needs.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .codebook import NON_ANSWER, Codebook
from .errors import InputError
from .store import Store

ProgressFn = Callable[[int, int], None]


def _print_step(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Missing:
    """One step a reading command needs first: ``step`` is "clean" or "code"."""

    survey: str
    question: str
    wave: str | None
    step: str
    count: int
    why: str = ""   # "not cleaned yet", "not coded yet", "coded with another codebook"

    @property
    def what(self) -> str:
        where = f"wave {self.wave}" if self.wave else "all waves"
        return f"{self.survey} '{self.question}' {where}: {self.count} answer{'s' if self.count != 1 else ''} {self.why}"

    def command(self, project: str | Path) -> str:
        """The command that makes it (``code`` also cleans what it codes)."""
        return f"textmine {self.step} --project {project} --question {self.question} --survey {self.survey}"


def not_ready(missing: list[Missing], project: str | Path) -> InputError:
    """The one-line error of a reading command that lacks ``missing``."""
    first, rest = missing[0], missing[1:]
    later = " first, or pass --prepare (from Python: prepare=True) to do it now"
    if rest and all(m.step == "clean" and m.survey == first.survey for m in missing):
        # one command cleans them all
        questions = ", ".join(dict.fromkeys(f"'{m.question}'" for m in missing))
        return InputError(f"{first.survey}: {sum(m.count for m in missing)} open answers not cleaned yet "
                          f"({questions}): run 'textmine clean --project {project} --survey {first.survey}'{later}")
    also = ""
    if rest:
        shown = "; ".join(f"{m.survey} '{m.question}'" + (f" {m.wave}" if m.wave else "") + f": {m.count}"
                          for m in rest[:4])
        also = f" (also missing: {shown}{f' and {len(rest) - 4} more' if len(rest) > 4 else ''})"
    return InputError(f"{first.what}: run '{first.command(project)}'{later}{also}")


@dataclass
class Preparation:
    """Reads cleaned answers and codes for a builder; makes what is missing only when ``prepare``."""

    store: Store
    prepare: bool = False
    settings: Any = None
    progress: ProgressFn | None = None
    say: Callable[[str], None] = _print_step   # one line per step run (prepare)
    missing: list[Missing] = field(default_factory=list)

    def cleaned(self, survey: str, question: str, wave: str | None = None) -> list[dict[str, Any]]:
        """The cleaning step's rows of one question (one wave or all); cleans the rest when preparing."""
        from .clean import clean_project, read_cleaned

        rows, todo = read_cleaned(self.store, survey=survey, wave=wave, question=question, settings=self.settings)
        if not todo:
            return rows
        if not self.prepare:
            self._add(Missing(survey, question, wave, "clean", len(todo), "not cleaned yet"))
            return rows
        self.say(f"cleaning {survey} '{question}' {f'wave {wave}' if wave else 'all waves'}: "
                 f"{len(todo)} answers")
        return clean_project(self.store, survey=survey, wave=wave, question=question, settings=self.settings,
                             progress=self.progress).answers

    def codes(self, survey: str, question: str, wave: str | None, codebook: Codebook,
              cleaned: list[dict[str, Any]], *, embedder: str | None = None) -> pd.DataFrame:
        """The current codes of one question (codebook themes, made for the answer's current text).

        Needs a code for every substantive cleaned answer, made with this codebook when
        machine-made; codes (cleaning first) what lacks one when preparing. Answers not cleaned
        yet count as not coded: ``textmine code`` cleans them too."""
        from .coding import code_question

        codes = current_codes(self.store, survey, question, wave, codebook)
        uncoded, why = coding_needed(self.store, survey, question, wave, codebook, cleaned, codes)
        uncleaned = [m for m in self.missing if m.step == "clean" and (m.survey, m.question) == (survey, question)
                     and m.wave in (wave, None)]
        if not uncoded and not uncleaned:
            return codes
        if not self.prepare:
            self.missing = [m for m in self.missing if m not in uncleaned]
            self._add(Missing(survey, question, wave, "code", uncoded + sum(m.count for m in uncleaned),
                              why if uncoded else "not cleaned and coded yet"))
            return codes
        self.say(f"coding {survey} '{question}' {f'wave {wave}' if wave else 'all waves'}: {uncoded} answers "
                 f"{why}")
        code_question(self.store, question, survey=survey, wave=wave, codebook=codebook, embedder=embedder,
                      settings=self.settings, progress=self.progress)
        return current_codes(self.store, survey, question, wave, codebook)

    def _add(self, item: Missing) -> None:
        if item not in self.missing:
            self.missing.append(item)

    def check(self) -> None:
        """InputError naming what is missing (nothing was written); nothing when all is there."""
        if self.missing:
            raise not_ready(self.missing, self.store.dir)


def current_codes(store: Store, survey: str, question: str, wave: str | None, codebook: Codebook) -> pd.DataFrame:
    """Current codes of the codebook's themes (and non_answer), made for the answer's current text."""
    codes = store.codes(survey, wave, question)
    answers = store.open_answers(survey, wave, question)
    hashes = {(w, r): h for w, r, h in zip(answers.wave, answers.respondent_id, answers.text_hash)}
    keep = [hashes.get((w, r)) == h and (t in codebook or t == NON_ANSWER)
            for w, r, h, t in zip(codes.wave, codes.respondent_id, codes.text_hash, codes.theme)]
    return codes[pd.Series(keep, index=codes.index, dtype=bool)]


def coding_needed(store: Store, survey: str, question: str, wave: str | None, codebook: Codebook,
                  cleaned: list[dict[str, Any]], codes: pd.DataFrame) -> tuple[int, str]:
    """(answers to code, why): substantive answers without a code, or, when the latest coding
    run of the question used another codebook, the machine-coded ones."""
    have = set(zip(codes.wave, codes.respondent_id.astype(str)))
    substantive = [a for a in cleaned if NON_ANSWER not in a["flags"] and (wave is None or a["wave"] == wave)]
    uncoded = sum((a["wave"], str(a["respondent_id"])) not in have for a in substantive)
    if uncoded:
        return uncoded, "not coded yet"
    machine = codes[codes.source == "machine"]
    if machine.empty:
        return 0, ""
    for r in store.runs("code").iloc[::-1].itertuples():
        settings = json.loads(r.settings_json)
        if settings.get("survey") == survey and settings.get("question") == question:
            if json.loads(r.provenance_json).get("codebook_hash") != codebook.hash:
                return machine[["wave", "respondent_id"]].drop_duplicates().shape[0], "coded with another codebook"
            break
    return 0, ""
