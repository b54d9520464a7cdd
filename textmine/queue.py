"""The coding queue of the workbench: which answer a coder sees next, and what is shown with it.

Pure functions over the frames the store gives (``Store.answer_states``, ``Store.codes``);
``Project.next_answer`` and friends wire them to the store.

* Answer keys: ``"<survey>:<wave>:<question>:<respondent_id>"`` (the respondent id last, so it
  may hold a colon).
* Order "uncertain": the answers without a human code and not auto-coded (``textmine.gate``), the
  machine's least certain first: the
  smallest distance of any theme's score to that theme's threshold (the latest coding run's);
  answers the machine has not coded yet come first (it has no opinion on them). The review
  workbook (``review.review_rows``) orders by the same idea, with 0.5 as every threshold.
* Order "audit": a random sample of the question's answers, the same every time (each answer's
  place is a hash of its key, so adding a wave leaves the earlier answers' order as it was), of
  ``audit_size(n)`` answers. Human codes given there are marked audit: they count as human codes
  everywhere, but never train the coder, so they give an unbiased estimate of its accuracy. To keep
  the sample unbiased, its answers come last in the "uncertain" order.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, Iterable, Sequence

import pandas as pd

from .codebook import NON_ANSWER, OVERIG, Codebook
from .args import lone_surrogate
from .errors import InputError

ORDERS = ("uncertain", "audit")
# The audit sample: enough answers for a first precision estimate per theme, a tenth of large
# questions, and not so many that a large question's sample is never finished.
AUDIT_MIN = 30       # answers in an audit sample at least (all, when a question has fewer)
AUDIT_SHARE = 0.10   # and at least this share of the question's answers
AUDIT_MAX = 200      # but never more than this
MAX_CODER = 60       # characters in a coder's name
DEFAULT_THRESHOLD = 0.5
LEASE_SECONDS = 600  # an answer given to a coder is not given to another for this long


# --- keys --------------------------------------------------------------------------------------

def answer_key(survey: str, wave: str, question: str, respondent_id: str) -> str:
    """The workbench's key of an answer."""
    return f"{survey}:{wave}:{question}:{respondent_id}"


def split_key(key: Any) -> tuple[str, str, str, str]:
    """(survey, wave, question, respondent_id) of a key; InputError when it is not one."""
    parts = key.split(":", 3) if isinstance(key, str) else []
    if len(parts) != 4 or not all(p.strip() for p in parts) or any(p != p.strip() for p in parts[:3]):
        shown = key if isinstance(key, str) and len(key) <= 80 else f"{str(key)[:80]}…"
        raise InputError(f"'{shown}' is not an answer key (survey:wave:question:respondent)")
    return parts[0], parts[1], parts[2], parts[3]


# --- the audit sample -------------------------------------------------------------------------

def audit_size(n: int) -> int:
    """How many of a question's ``n`` answers the audit sample holds."""
    return min(n, max(AUDIT_MIN, min(AUDIT_MAX, math.ceil(AUDIT_SHARE * n))))


def audit_place(survey: str, question: str, wave: str, respondent_id: str) -> int:
    """An answer's place in its question's random order: a hash of its key (seeded by the
    question), so the order is the same in every process and does not move when answers are added."""
    digest = hashlib.sha256(f"textmine-audit\0{survey}\0{question}\0{wave}\0{respondent_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def audit_sample(states: pd.DataFrame) -> list[tuple[str, str]]:
    """The audit sample of one question's substantive answers (``answer_states`` rows without
    non-answers): (wave, respondent_id) in the sample's random order."""
    if states.empty:
        return []
    places = sorted((audit_place(s, q, w, r), w, r) for s, q, w, r in
                    zip(*(states[c].tolist() for c in ("survey", "question", "wave", "respondent_id"))))
    return [(w, r) for _, w, r in places[:audit_size(len(places))]]


# --- the order of the queue ----------------------------------------------------------------------

def thresholds_of(provenance: dict[str, Any], theme_ids: Sequence[str]) -> dict[str, float]:
    """Per theme the threshold of the latest coding run (its provenance), else 0.5."""
    known = provenance.get("thresholds") or {}
    return {t: float(known.get(t, DEFAULT_THRESHOLD)) for t in theme_ids}


def margins(codes: pd.DataFrame, thresholds: dict[str, float]) -> dict[tuple[str, str], float]:
    """Per answer (wave, respondent_id) with current machine scores: the smallest distance of a
    theme's score to its threshold (0 = the machine could go either way). ``codes``: current codes
    with wave, respondent_id, theme, score, source (``Store.codes`` or ``Store.machine_scores``)."""
    machine = codes[(codes["source"] == "machine") & codes["theme"].isin(list(thresholds))]
    machine = machine[machine["score"].notna()]
    if machine.empty:
        return {}
    thr = machine["theme"].map(thresholds).astype(float)
    dist = (machine["score"].astype(float) - thr).abs()
    return {k: float(v) for k, v in dist.groupby([machine["wave"], machine["respondent_id"]]).min().items()}


def queue_order(states: pd.DataFrame, codes: pd.DataFrame, thresholds: dict[str, float], order: str,
          skip: Iterable[tuple[str, str]] = (), auto: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The answers of one question left to code, (wave, respondent_id) in queue order.

    ``states``: the question's ``Store.answer_states``; ``codes``: its current machine scores
    (``Store.machine_scores``; ``Store.codes`` will do). Only answers
    without a human code are in it (non-answers the cleaner flagged never are); ``skip`` leaves out
    answers (e.g. the ones a browser already holds); ``auto``: answers auto-coded (``textmine.gate``),
    left out of the "uncertain" order. The audit sample keeps them: it measures every machine
    code, the auto ones included."""
    if order not in ORDERS:
        raise InputError(f"order '{order}' is not one of: {', '.join(ORDERS)}")
    left = set(skip)
    substantive = states[states["non_answer"] == 0]
    answers = list(zip(substantive["wave"].tolist(), substantive["respondent_id"].tolist()))
    open_ = {k for k, h in zip(answers, substantive["human"].tolist()) if not h}
    sample = audit_sample(substantive)
    if order == "audit":
        return [k for k in sample if k in open_ and k not in left]
    held_out = set(sample)
    margin = margins(codes, thresholds)
    left |= set(auto)
    keys = [k for k in answers if k in open_ and k not in left]
    position = {k: i for i, k in enumerate(keys)}  # stored order breaks ties
    return sorted(keys, key=lambda k: (k in held_out, k in margin, margin.get(k, 0.0), position[k]))


class Leases:
    """Which coder was last given which answer, for a while: two coders working through the same
    queue at once get different answers (their own stays theirs until they decide or it expires).
    Kept in memory, per process (the workbench is one process); thread-safe."""

    def __init__(self, seconds: float = LEASE_SECONDS) -> None:
        import threading

        self.seconds = seconds
        self._lock = threading.Lock()
        self._held: dict[tuple, tuple[str, float]] = {}  # (project, survey, question, wave, rid) -> coder, until

    def claim(self, scope: tuple, keys: list[tuple[str, str]], coder: str | None, now: float
              ) -> tuple[str, str]:
        """The first of ``keys`` (a non-empty queue of (wave, respondent_id)) that no other coder
        holds, taken for ``coder`` (None: taken by nobody). Answers others hold come last, still
        offered: when nothing else is left, a second opinion beats an empty queue. Choosing and
        taking happen under one lock, so two coders asking at the same moment get different answers."""
        with self._lock:
            for k in [k for k, (_, until) in self._held.items() if until <= now]:
                del self._held[k]
            others = {k[-2:] for k, (who, _) in self._held.items() if k[:-2] == scope and who != coder}
            chosen = next((k for k in keys if k not in others), keys[0])
            if coder is not None:
                self._held[(*scope, *chosen)] = (coder, now + self.seconds)
            return chosen

    def take(self, scope: tuple, answer: tuple[str, str], coder: str, now: float) -> None:
        """Hold ``answer`` for ``coder`` (one they opened or just decided)."""
        with self._lock:
            self._held[(*scope, *answer)] = (coder, now + self.seconds)


# --- progress --------------------------------------------------------------------------------------

PROGRESS_COLUMNS = ["survey", "question", "label", "answers", "human", "machine", "to_review", "audit_done",
                    "audit_size", "auto", "auto_needed"]


def progress_row(survey: str, question: str, label: str, states: pd.DataFrame,
                 auto: Iterable[tuple[str, str]] = (), auto_needed: int | None = None) -> dict[str, Any]:
    """One question's progress from its ``answer_states`` (substantive answers, all waves).
    ``auto``: the answers auto-coded (``textmine.gate``): machine-coded, not to review;
    ``auto_needed``: human codes still needed before anything can be auto (None: not coded yet)."""
    s = states[states["non_answer"] == 0]
    human = s["human"].astype(bool)
    sample = set(audit_sample(s))
    audited = {(w, r) for w, r, a in zip(s["wave"].tolist(), s["respondent_id"].tolist(), s["audit"].tolist()) if a}
    keys = list(zip(s["wave"].tolist(), s["respondent_id"].tolist()))
    auto = set(auto)
    n_auto = sum(1 for k, h in zip(keys, human.tolist()) if k in auto and not h)
    return {"survey": survey, "question": question, "label": label, "answers": int(len(s)),
            "human": int(human.sum()), "machine": int((~human & s["machine"].astype(bool)).sum()),
            "to_review": int((~human).sum()) - n_auto, "audit_done": len(sample & audited), "audit_size": len(sample),
            "auto": n_auto, "auto_needed": auto_needed}


# --- what the coder sees ------------------------------------------------------------------------------

def suggestions(codebook: Codebook, codes: pd.DataFrame, keywords: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The machine's call per codebook theme (codebook order) from one answer's current codes:
    theme, label, score (None when not scored), applies, keywords (what matched in the text)."""
    machine = codes[codes["source"] == "machine"]
    calls = {t: (s, bool(a)) for t, s, a in zip(machine.theme, machine.score, machine.applies)}
    out = []
    for theme in codebook:
        score, applies = calls.get(theme.id, (None, False))
        out.append({"theme": theme.id, "label": theme.label,
                    "score": None if score is None or pd.isna(score) else round(float(score), 4),
                    "applies": applies, "keywords": list(keywords.get(theme.id, []))})
    return out


def human_call(codes: pd.DataFrame, codebook: Codebook) -> tuple[list[str] | None, str | None, bool]:
    """(themes, coder, audit) of an answer's current human code (``codes.current_themes``: the latest
    call per theme wins), or (None, None, False) when it has none. Themes main first; ``[overig]``
    when none applies, ``[non_answer]`` when a coder said so."""
    from .codes import answer_themes, current_themes

    human = codes[(codes["source"] == "human") & codes["theme"].isin([*codebook.ids, NON_ANSWER])]
    if human.empty:
        return None, None, False
    current = current_themes(human, by=("wave", "respondent_id"))
    source, applied = next(iter(current.values()))
    last = human.sort_values("code_id").iloc[-1]
    return answer_themes(source, applied, codebook), str(last["coder"]), bool(last["audit"])


def check_coder(coder: Any) -> str:
    """The coder's name, its white space collapsed; InputError when empty, too long, with control
    characters or with < > " (no name has them; apostrophes are fine: D'Hondt). One rule for the
    facade, the CLI, review workbooks and the workbench's coder page."""
    name = " ".join(coder.split()) if isinstance(coder, str) else ""
    if not name:
        raise InputError("who is coding? give the coder's name")
    if len(name) > MAX_CODER:
        raise InputError(f"the coder's name is longer than {MAX_CODER} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in name) or lone_surrogate(name):
        raise InputError("the coder's name holds control characters or invalid text")
    if any(c in '<>"' for c in name):
        raise InputError('the coder\'s name holds < > or ": give the name only')
    return name


def check_themes(themes: Any, codebook: Codebook) -> list[str]:
    """The themes a coder gave, validated, in their order (duplicates dropped): codebook ids, or
    ``[]``/``[overig]`` (no theme), or ``[non_answer]``. InputError naming the first bad one."""
    if isinstance(themes, str) or not isinstance(themes, (list, tuple)):
        raise InputError("themes must be a list of theme ids")
    out: list[str] = []
    for t in themes:
        if not isinstance(t, str) or (t not in codebook and t not in (OVERIG, NON_ANSWER)):
            shown = str(t)[:60]
            raise InputError(f"theme '{shown}' is not in the codebook (themes: {', '.join(codebook.ids)}, "
                             f"{OVERIG}, {NON_ANSWER})")
        if t not in out:
            out.append(t)
    special = [t for t in out if t in (OVERIG, NON_ANSWER)]
    if special and len(out) > 1:
        raise InputError(f"'{special[0]}' cannot be combined with other themes")
    return [] if out == [OVERIG] else out


def human_rows(survey: str, wave: str, question: str, respondent_id: str, themes: list[str],
               codebook: Codebook, had_non_answer: bool) -> list[dict[str, Any]]:
    """The rows ``Store.add_codes`` stores for a coder's decision: one per codebook theme (applies,
    rank = the order given); a ``non_answer`` row when the coder says so, or to undo an earlier one."""
    base = {"survey": survey, "wave": wave, "question": question, "respondent_id": respondent_id}
    rows = [{**base, "theme": t, "applies": t in themes, "rank": themes.index(t) + 1 if t in themes else None}
            for t in codebook.ids]
    if themes == [NON_ANSWER] or had_non_answer:
        rows.append({**base, "theme": NON_ANSWER, "applies": themes == [NON_ANSWER],
                     "rank": 1 if themes == [NON_ANSWER] else None})
    return rows


# --- the grid ------------------------------------------------------------------------------------------

GRID_COLUMNS = ["key", "survey", "question", "wave", "respondent_id", "text", "municipality", "province",
                "non_answer", "source", "themes", "coder", "audit", "margin", "scores", "audit_sample"]


def grid_frame(survey: str, question: str, answers: pd.DataFrame, codes: pd.DataFrame, codebook: Codebook,
               thresholds: dict[str, float], sample: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """One row per answer (``Store.question_answers``) with its current codes (``codes``: the
    question's current codes; human codes win, ``codes.current_themes``): source ("human",
    "machine", or "" when not coded), themes (main first; ``[overig]``, ``[non_answer]``), coder and
    audit (of the latest human code), margin (the machine's distance to a threshold: small = unsure),
    scores (theme -> machine score), audit_sample (in the question's audit sample)."""
    from .codes import answer_themes, current_themes

    codes = codes[codes["theme"].isin([*codebook.ids, NON_ANSWER])]
    codes = codes.merge(answers[["wave", "respondent_id", "text_hash"]], on=["wave", "respondent_id", "text_hash"])
    current = current_themes(codes)
    margin = margins(codes, thresholds)
    machine = codes[(codes["source"] == "machine") & codes["score"].notna()]
    scores: dict[tuple[str, str], dict[str, float]] = {}
    for w, r, t, s in zip(machine["wave"].tolist(), machine["respondent_id"].tolist(), machine["theme"].tolist(),
                          machine["score"].tolist()):
        scores.setdefault((w, r), {})[t] = round(float(s), 4)
    human = codes[codes["source"] == "human"].sort_values("code_id")
    last = {(w, r): (c, bool(a)) for w, r, c, a in zip(human["wave"].tolist(), human["respondent_id"].tolist(),
                                                         human["coder"].tolist(), human["audit"].tolist())}
    sample = set(sample)
    rows = []
    for a in answers.to_dict("records"):
        k = (a["wave"], a["respondent_id"])
        source, applied = current.get(k, ("", None))
        if applied is not None:
            themes = answer_themes(source, applied, codebook)
        else:
            themes = [NON_ANSWER] if a["non_answer"] else []
        coder, audit = last.get(k, (None, False)) if source == "human" else (None, False)
        rows.append({"key": answer_key(survey, a["wave"], question, a["respondent_id"]), "survey": survey,
                     "question": question, "wave": a["wave"], "respondent_id": a["respondent_id"],
                     "text": a["text"], "municipality": a["municipality"], "province": a["province"],
                     "non_answer": bool(a["non_answer"]), "source": source, "themes": themes, "coder": coder,
                     "audit": audit, "margin": margin.get(k, float("nan")), "scores": scores.get(k, {}),
                     "audit_sample": k in sample})
    return pd.DataFrame(rows, columns=GRID_COLUMNS)
