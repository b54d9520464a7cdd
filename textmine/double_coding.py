"""Blind double coding: a second coder codes a random sample of a question's human-coded answers
again, without seeing the first coding; the two codings' agreement per theme (Cohen's kappa,
Krippendorff's alpha, with the number of answers); the differences reconciled into a final call.

Rules (the README's "Two coders" section says the same):

* The sample: ``size`` answers, or a ``share`` of them, drawn at random (``random.Random(seed)``
  over the answers sorted by wave and respondent; the seed is stored, so the draw can be
  repeated) from the question's answers that have a current human code (the cleaner's
  non-answers left out). One sample per question. Each answer's first coding is copied into the
  sample as it was when drawn (themes, main first, and its coders): the agreement compares two
  independent codings, so later edits (and the reconciliation itself) do not change it.
* Blind: the second coder's page and API show the answer's text and place and the codebook, never
  the first coding and never the machine's suggestions (the machine learnt from the first coder's
  codes, so its calls would hint at them). A first coder of an answer cannot be its second coder;
  an answer gets one second coder (who may change their call until reconciliation opens).
* The second coding is kept apart (``double_codes``): it changes nothing the coding run, the
  report or the catalogue read until a difference is reconciled.
* Agreement: on the answers coded twice, per theme presence/absence (``overig`` and ``non_answer``
  count as "no theme"); kappa per theme (pooled: their mean), alpha per theme and over all
  (answer, theme) decisions. ``agreement`` is the one function the workbench, ``Project.trust``
  (the report's "Betrouwbaarheid van de codes") and ``textmine evaluate`` read.
* Reconciliation opens when every sample answer has its second code (so no second code is given
  after seeing a first one); a difference (the two theme sets differ) gets a final call, stored as
  the reconciler's human code (note ``RECONCILED_NOTE``) next to a record that keeps both
  originals; neither coder's code is ever lost.
"""

from __future__ import annotations

import math
import numbers
import random
import secrets
from typing import Any, Sequence

import numpy as np

from .codebook import NON_ANSWER, OVERIG, Codebook
from .errors import InputError
from .store import Store

RECONCILED_NOTE = "double coding: reconciled"  # the note on the final call's human codes
MAX_SEED = 2**31 - 1


# --- the sample ---------------------------------------------------------------------------------

def sample_size(population: int, size: Any = None, share: Any = None) -> int:
    """How many of ``population`` answers to draw: ``size`` answers or a ``share`` (0-1, rounded up);
    InputError (one line) for neither or both, a bad number, or more than there are."""
    if (size is None) == (share is None):
        raise InputError("give the sample's size (answers) or its share (0-1), one of the two")
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:  # numpy ints too
            raise InputError(f"the sample's size must be a whole number of answers, 1 or more (not {str(size)[:30]})")
        n = int(size)
    else:
        if isinstance(share, bool) or not isinstance(share, numbers.Real) or not 0 < share <= 1:
            raise InputError(f"the sample's share must be a number above 0 and at most 1 (not {str(share)[:30]})")
        n = math.ceil(share * population)
    if population == 0:
        raise InputError("the question has no human-coded answers yet: code some before drawing a sample")
    if n > population:
        raise InputError(f"a sample of {n} answers needs as many human-coded answers; the question has {population}")
    return n


def check_seed(seed: Any) -> int:
    """The seed given (a whole number 0..2^31-1), or a random one when None."""
    if seed is None:
        return secrets.randbelow(MAX_SEED)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= MAX_SEED:
        raise InputError(f"the seed must be a whole number from 0 to {MAX_SEED}")
    return int(seed)  # a numpy int would be stored as a blob


def draw(keys: Sequence[tuple[str, str]], n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` of ``keys`` (wave, respondent_id) at random, in drawn order; the same for the same keys and seed."""
    return random.Random(seed).sample(sorted(keys), n)


def first_codings(store: Store, survey: str, question: str, book: Codebook) -> dict[tuple[str, str], dict[str, Any]]:
    """Per answer with a current human code on its current text (not a cleaner's non-answer):
    text_hash, first_themes (main first; ``[overig]``, ``[non_answer]``), first_coders (every coder
    of its current human codes), first_coder (of the latest)."""
    from .codes import answer_themes, current_themes

    states = store.answer_states(survey, question)
    substantive = states[(states["non_answer"] == 0) & (states["human"] == 1)]
    hashes = dict(zip(zip(substantive["wave"], substantive["respondent_id"]), substantive["text_hash"]))
    codes = store.codes(survey, None, question, source="human")
    codes = codes[codes["theme"].isin([*book.ids, NON_ANSWER])]
    # a boolean array, not a list: an empty list would select no columns of an empty frame
    codes = codes[np.array([hashes.get((w, r)) == h for w, r, h in zip(codes["wave"], codes["respondent_id"],
                                                                         codes["text_hash"])], dtype=bool)]
    current = current_themes(codes)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for (w, r), group in codes.sort_values("code_id").groupby(["wave", "respondent_id"], sort=False):
        source, applied = current[(w, r)]
        out[(w, r)] = {"text_hash": hashes[(w, r)], "first_themes": answer_themes(source, applied, book),
                       "first_coders": sorted(set(group["coder"])), "first_coder": str(group["coder"].iloc[-1])}
    return out


def start(store: Store, survey: str, question: str, book: Codebook, *, size: Any = None, share: Any = None,
          seed: Any = None, created_by: str | None = None) -> dict[str, Any]:
    """Draw and store the question's sample (see the module's rules); returns ``status``."""
    pool = first_codings(store, survey, question, book)
    n = sample_size(len(pool), size, share)
    seed = check_seed(seed)
    chosen = draw(list(pool), n, seed)
    store.create_double_sample(survey, question, [{"wave": w, "respondent_id": r, **pool[(w, r)]} for w, r in chosen],
                               population=len(pool), seed=seed, created_by=created_by)
    return status(store, survey, question, book)


# --- the state of a sample --------------------------------------------------------------------------

class _State:
    """A sample as stored: its answers, their latest second code and latest reconciliation."""

    def __init__(self, store: Store, survey: str, question: str) -> None:
        self.sample = store.double_sample(survey, question)
        if self.sample is None:
            raise InputError(f"question '{question}' has no double-coding sample yet: start one first")
        sid = self.sample["sample_id"]
        self.answers = store.double_sample_answers(sid)
        self.by_key = {(a["wave"], a["respondent_id"]): a for a in self.answers}
        self.second: dict[tuple[str, str], dict[str, Any]] = {}
        for c in store.double_codes(sid):
            self.second[(c["wave"], c["respondent_id"])] = c  # the latest counts
        self.final: dict[tuple[str, str], dict[str, Any]] = {}
        for r in store.double_reconciliations(sid):
            self.final[(r["wave"], r["respondent_id"])] = r

    @property
    def complete(self) -> bool:
        """Every sample answer has its second code: reconciliation is open, second codes are final."""
        return all(k in self.second for k in self.by_key)

    def differs(self, key: tuple[str, str]) -> bool:
        return key in self.second and set(self.by_key[key]["first_themes"]) != set(self.second[key]["themes"])


def _vector(themes: Sequence[str], ids: Sequence[str]) -> list[int]:
    return [int(t in themes) for t in ids]


def _num(v: Any) -> float | None:
    """A figure for JSON: None for NaN (nothing to measure)."""
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def pair(store: Store, survey: str, question: str, ids: Sequence[str]
         ) -> tuple[str, str, list[tuple[str, str]], np.ndarray, np.ndarray] | None:
    """The sample's two codings in the shape of ``agreement.coder_pair``: (first coder(s), second
    coder(s), the answers coded twice, first and second 0/1 matrices over ``ids``); None without a
    sample or before its first second code."""
    if store.double_sample(survey, question) is None:
        return None
    st = _State(store, survey, question)
    keys = [k for k in st.by_key if k in st.second]
    if not keys:
        return None
    A = np.array([_vector(st.by_key[k]["first_themes"], ids) for k in keys], dtype=int).reshape(len(keys), len(ids))
    B = np.array([_vector(st.second[k]["themes"], ids) for k in keys], dtype=int).reshape(len(keys), len(ids))
    first = " + ".join(sorted({st.by_key[k]["first_coder"] for k in keys}))
    second = " + ".join(sorted({st.second[k]["coder"] for k in keys}))
    return first, second, keys, A, B


def agreement(store: Store, survey: str, question: str, book: Codebook) -> dict[str, Any]:
    """The agreement of the sample's two codings so far (JSON-ready; None where there is nothing to
    measure: no answers, or one value throughout): answers (coded twice), size (of the sample),
    first_coders, second_coders, themes (per codebook theme: theme, label, answers, first, second
    (answers with the theme by each coding), agree (share of answers with the same call), kappa,
    alpha), pooled (answers, kappa: the mean of the themes' kappas, alpha: over all (answer, theme)
    decisions, agree: share of answers with the same themes)."""
    from .evaluate import theme_report

    sample = store.double_sample(survey, question)
    ids = book.ids
    found = pair(store, survey, question, ids) if sample is not None else None
    n = len(found[2]) if found else 0
    A = found[3] if found else np.zeros((0, len(ids)), dtype=int)
    B = found[4] if found else np.zeros((0, len(ids)), dtype=int)
    rep = theme_report(A, B, ids)
    themes = []
    for j, tid in enumerate(ids):
        themes.append({"theme": tid, "label": book.label_of(tid), "answers": n,
                       "first": int(A[:, j].sum()), "second": int(B[:, j].sum()),
                       "agree": _num(float((A[:, j] == B[:, j]).mean())) if n else None,
                       "kappa": _num(float(rep.per_theme.kappa[j])), "alpha": _num(float(rep.per_theme.alpha[j]))})
    return {"survey": survey, "question": question, "size": int(sample["size"]) if sample else 0, "answers": n,
            "first_coders": found[0].split(" + ") if found else [],
            "second_coders": found[1].split(" + ") if found else [], "themes": themes,
            "pooled": {"answers": n, "kappa": _num(rep.mean_kappa), "alpha": _num(rep.alpha),
                       "agree": _num(float((A == B).all(axis=1).mean())) if n else None}}


def status(store: Store, survey: str, question: str, book: Codebook) -> dict[str, Any]:
    """The question's double coding: sample (None when there is none: then only that and the
    question), coded (answers with a second code), complete (reconciliation open), differences,
    reconciled, agreement (``agreement``)."""
    sample = store.double_sample(survey, question)
    if sample is None:
        return {"survey": survey, "question": question, "sample": None}
    st = _State(store, survey, question)
    differs = [k for k in st.by_key if st.differs(k)]
    return {"survey": survey, "question": question,
            "sample": {k: sample[k] for k in ("size", "population", "seed", "created_by", "created_at")},
            "coded": len(st.second), "complete": st.complete, "differences": len(differs),
            "reconciled": sum(k in st.final for k in differs), "agreement": agreement(store, survey, question, book)}


# --- the second coder -------------------------------------------------------------------------------

def blind_answer(store: Store, survey: str, question: str, book: Codebook, key: tuple[str, str],
                 coder: str, st: "_State | None" = None) -> dict[str, Any]:
    """What the second coder sees of a sample answer: key, survey, question, wave, respondent_id, text,
    municipality, province, themes (the codebook: theme, label), mine (this coder's own second code of it,
    or None), previous (the key of this coder's latest other second code, to go back to; None), coded,
    size. Never the first coding nor the machine's codes."""
    from .queue import answer_key

    st = st or _State(store, survey, question)
    wave, rid = key
    record = store.open_answer(survey, wave, question, rid)
    assert record is not None
    own = st.second.get(key)
    earlier = [c for k, c in st.second.items() if c["coder"] == coder and k != key]
    last = max(earlier, key=lambda c: c["id"]) if earlier and not st.complete else None
    return {"key": answer_key(survey, wave, question, rid), "survey": survey, "question": question, "wave": wave,
            "respondent_id": rid, "text": record["text"], "municipality": record["municipality"],
            "province": record["province"], "themes": [{"theme": t.id, "label": t.label} for t in book],
            "mine": own["themes"] if own and own["coder"] == coder else None,
            "previous": answer_key(survey, last["wave"], question, last["respondent_id"]) if last else None,
            "coded": len(st.second), "size": len(st.answers)}


def queue(store: Store, survey: str, question: str, coder: str) -> list[tuple[str, str]]:
    """The sample answers left for ``coder`` as second coder, in drawn order: not coded twice yet and
    not first-coded by them."""
    st = _State(store, survey, question)
    return [k for k, a in st.by_key.items() if k not in st.second and coder not in a["first_coders"]]


def check_second(st: _State, key: tuple[str, str], coder: str, question: str) -> dict[str, Any]:
    """The sample answer ``key`` if ``coder`` may give (or change) its second code; InputError (one line) if not."""
    a = st.by_key.get(key)
    if a is None:
        raise InputError(f"answer {key[1]} ({key[0]}) is not in the double-coding sample of '{question}'")
    if coder in a["first_coders"]:
        raise InputError(f"{coder} coded answer {key[1]} first: its second coder must be someone else")
    if st.complete:
        raise InputError("every answer of the sample has its second code: the second codes are final "
                         "(reconcile the differences)")
    other = st.second.get(key)
    if other is not None and other["coder"] != coder:
        raise InputError(f"answer {key[1]} already has its second code, by {other['coder']}")
    return a


def save_second(store: Store, survey: str, question: str, book: Codebook, key: tuple[str, str],
                themes: list[str], coder: str) -> dict[str, Any]:
    """Store ``coder``'s second code of a sample answer (``themes`` checked by ``queue.check_themes``);
    returns key, themes (as stored: ``[overig]`` for none), coder, coded, size, complete."""
    from .queue import answer_key

    st = _State(store, survey, question)
    a = check_second(st, key, coder, question)
    chosen = themes or [OVERIG]
    store.add_double_code(store.double_sample(survey, question)["sample_id"], key[0], key[1], coder, chosen,
                          a["text_hash"])
    coded = len(st.second) + (key not in st.second)
    return {"key": answer_key(survey, key[0], question, key[1]), "themes": chosen, "coder": coder,
            "coded": coded, "size": len(st.answers), "complete": coded == len(st.answers)}


# --- reconciliation ---------------------------------------------------------------------------------

def disagreements(store: Store, survey: str, question: str, book: Codebook) -> list[dict[str, Any]]:
    """The sample answers whose two codings differ (their theme sets), in drawn order, once the
    sample is complete ([] before): key, wave, respondent_id, text, municipality, first_coder,
    first_themes, second_coder, second_themes, final_themes and decided_by (None until reconciled)."""
    from .queue import answer_key

    st = _State(store, survey, question)
    if not st.complete:
        return []
    out = []
    for k, a in st.by_key.items():
        if not st.differs(k):
            continue
        record = store.open_answer(survey, k[0], question, k[1]) or {}
        final = st.final.get(k)
        out.append({"key": answer_key(survey, k[0], question, k[1]), "wave": k[0], "respondent_id": k[1],
                    "text": record.get("text"), "municipality": record.get("municipality"),
                    "first_coder": a["first_coder"], "first_themes": a["first_themes"],
                    "second_coder": st.second[k]["coder"], "second_themes": st.second[k]["themes"],
                    "final_themes": final["final_themes"] if final else None,
                    "decided_by": final["decided_by"] if final else None})
    return out


def reconcile(store: Store, survey: str, question: str, book: Codebook, key: tuple[str, str],
              themes: list[str], coder: str) -> dict[str, Any]:
    """The final call on a difference: stored as ``coder``'s human code of the answer (note
    ``RECONCILED_NOTE``; what the report and the coding run then use) with a record keeping both
    originals. May be made again (the latest counts; the earlier ones are kept). Returns key,
    final_themes, decided_by, first_themes, second_themes."""
    from .queue import answer_key, human_rows

    st = _State(store, survey, question)
    if key not in st.by_key:
        raise InputError(f"answer {key[1]} ({key[0]}) is not in the double-coding sample of '{question}'")
    if not st.complete:
        raise InputError(f"reconciliation opens when every answer of the sample has its second code "
                         f"({len(st.second)} of {len(st.answers)} so far)")
    if not st.differs(key):
        raise InputError(f"the two codings of answer {key[1]} agree: nothing to reconcile")
    a, second = st.by_key[key], st.second[key]
    current = store.answer_codes(survey, key[0], question, key[1])
    had_non_answer = bool(((current["source"] == "human") & (current["theme"] == NON_ANSWER)
                           & (current["applies"] == 1)).any())
    rows = [{**r, "note": RECONCILED_NOTE} for r in human_rows(survey, key[0], question, key[1], themes, book,
                                                                had_non_answer)]
    final = themes or [OVERIG]
    store.add_reconciliation(store.double_sample(survey, question)["sample_id"], {
        "wave": key[0], "respondent_id": key[1], "first_coder": a["first_coder"], "first_themes": a["first_themes"],
        "second_coder": second["coder"], "second_themes": second["themes"], "final_themes": final}, rows, coder)
    return {"key": answer_key(survey, key[0], question, key[1]), "final_themes": final, "decided_by": coder,
            "first_themes": a["first_themes"], "second_themes": second["themes"]}
