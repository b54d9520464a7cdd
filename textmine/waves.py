"""Wave comparison: did a share change between two waves of a survey?

For every option of a closed question (single, multi, Likert categories and
the Likert agree share) and every theme of a coded open question, each wave's
share with its 95% Wilson interval (as ``tally`` computes it, with the
finite-population correction of that wave), the difference B - A in
percentage points, and a two-sided test of "no change": the pooled
two-proportion z-test, or Fisher's exact test when an expected cell count is
below 5. p-values are Holm-corrected across the items of one question.

The tests treat the two waves as independent samples and leave out the
finite-population correction, which makes them conservative for a population
of a few hundred municipalities.
"""

from __future__ import annotations

import json
import math
from typing import Any, Sequence

from scipy import stats

from .codebook import NON_ANSWER, OVERIG, SPECIAL_LABELS
from .errors import InputError
from .schema import Question
from .store import Store, WaveInfo
from .tally import tally_wave, wilson

ALPHA = 0.05
MIN_EXPECTED = 5  # below this expected count, Fisher's exact test replaces the z-test
CLOSED_TYPES = ("single", "multi", "likert")


# --- small pure functions -------------------------------------------------------------

def _check_counts(count_a: int, n_a: int, count_b: int, n_b: int) -> None:
    for count, n in ((count_a, n_a), (count_b, n_b)):
        if n <= 0 or not 0 <= count <= n:
            raise ValueError(f"need 0 <= count <= n and n > 0 (got {count} of {n})")


def expected_counts(count_a: int, n_a: int, count_b: int, n_b: int) -> list[float]:
    """Expected cells of the 2x2 table (wave x yes/no) under 'no change'."""
    _check_counts(count_a, n_a, count_b, n_b)
    total, yes = n_a + n_b, count_a + count_b
    no = total - yes
    return [n * c / total for n in (n_a, n_b) for c in (yes, no)]


def two_proportion_z(count_a: int, n_a: int, count_b: int, n_b: int) -> tuple[float, float]:
    """Pooled two-proportion z-test: (z, two-sided p); z > 0 when B's share is higher."""
    _check_counts(count_a, n_a, count_b, n_b)
    pooled = (count_a + count_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:  # both waves all yes or all no: no difference to test
        return 0.0, 1.0
    z = (count_b / n_b - count_a / n_a) / se
    return z, float(2 * stats.norm.sf(abs(z)))


def two_proportion_test(count_a: int, n_a: int, count_b: int, n_b: int) -> tuple[str, float]:
    """("z", p) from the pooled z-test, or ("fisher", p) when an expected count is below 5.

    Two-sided in both cases.
    """
    if min(expected_counts(count_a, n_a, count_b, n_b)) < MIN_EXPECTED:
        _, p = stats.fisher_exact([[count_a, n_a - count_a], [count_b, n_b - count_b]],
                                  alternative="two-sided")
        return "fisher", float(p)
    return "z", two_proportion_z(count_a, n_a, count_b, n_b)[1]


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values, in the input order.

    Same definition as statsmodels' ``multipletests(method="holm")``: sort
    ascending, multiply the i-th smallest (0-based) by m - i, carry the running
    maximum forward, cap at 1.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * float(p_values[i])))
        adjusted[i] = running
    return adjusted


# --- the comparison -------------------------------------------------------------------

def _wave_share(count: int | None, n: int | None, population: int | None,
                ci: list[float] | None = None) -> dict[str, Any] | None:
    if n is None or count is None:
        return None
    return {"n": int(n), "count": int(count), "percent": 100 * count / n if n else None,
            "ci95": ci if ci is not None else wilson(count, n, population)}


def resolve_waves(store: Store, survey: str, wave_a: str, wave_b: str) -> tuple[WaveInfo, WaveInfo]:
    """The two waves of a comparison; InputError naming an unknown survey or wave, or the same wave twice."""
    infos = store.waves(survey)
    if not infos:
        surveys = sorted({w.survey for w in store.waves()})
        raise InputError(f"the project has no survey '{survey}' (surveys: {', '.join(surveys) or 'none'})",
                         file=store.dir)
    by_wave = {w.wave: w for w in infos}
    for w in (wave_a, wave_b):
        if w not in by_wave:
            raise InputError(f"survey '{survey}' has no wave '{w}' (waves: {', '.join(by_wave)})",
                             file=store.dir)
    if wave_a == wave_b:
        raise InputError(f"--waves needs two different waves (got '{wave_a}' twice)")
    return by_wave[wave_a], by_wave[wave_b]


def _questions(info_a: WaveInfo, info_b: WaveInfo, question: str | None) -> list[tuple[Question, Question]]:
    """(question in A, question in B) pairs to compare, in wave B's schema order."""
    qa = {q.id: q for q in info_a.schema.questions}
    qb = {q.id: q for q in info_b.schema.questions}
    comparable = CLOSED_TYPES + ("open",)
    if question is None:
        return [(qa[i], q) for i, q in qb.items() if i in qa and q.type in comparable
                and qa[i].type in comparable and (q.type == "open") == (qa[i].type == "open")]
    missing = [w.wave for w, qs in ((info_a, qa), (info_b, qb)) if question not in qs]
    if len(missing) == 2:
        ids = list(dict.fromkeys([*qb, *qa]))
        raise InputError(f"survey '{info_b.survey}' has no question '{question}' (questions: {', '.join(ids)})")
    if missing:
        raise InputError(f"question '{question}' is not in wave {missing[0]} of survey '{info_b.survey}': "
                         "nothing to compare")
    a, b = qa[question], qb[question]
    if b.type not in comparable or a.type not in comparable:
        raise InputError(f"question '{question}' is {b.type}: compare handles single, multi, Likert "
                         "and open (theme) questions")
    if (a.type == "open") != (b.type == "open"):
        raise InputError(f"question '{question}' is {a.type} in wave {info_a.wave} and {b.type} "
                         f"in wave {info_b.wave}: nothing to compare")
    return [(a, b)]


def _closed_items(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """option -> (count, n, ci95, label) for one wave's tally entry."""
    items = {o: {"count": entry["counts"][o], "n": entry["base"], "ci95": entry["ci95"][o], "label": o}
             for o in entry["percent"]}
    agree = (entry.get("summary") or {}).get("agree")
    if agree:  # the top two scale points, e.g. "Eens + Helemaal eens"
        items["agree"] = {"count": agree["count"], "n": entry["base"], "ci95": agree["ci95"],
                          "label": " + ".join(agree["options"])}
    return items


def _closed_rows(qa: Question, qb: Question, entry_a: dict[str, Any], entry_b: dict[str, Any],
                 wave_a: str, wave_b: str) -> list[dict[str, Any]]:
    items_a, items_b = _closed_items(entry_a), _closed_items(entry_b)
    rows = []
    for option in dict.fromkeys([*items_a, *items_b]):
        a, b = items_a.get(option), items_b.get(option)
        row = _row(qb, "closed", option, (a or b)["label"], {
            wave_a: _wave_share(a["count"], a["n"], None, a["ci95"]) if a else None,
            wave_b: _wave_share(b["count"], b["n"], None, b["ci95"]) if b else None})
        for w, item in ((wave_a, a), (wave_b, b)):
            if item is None:
                row["note"] = f"not an option in wave {w}"
        rows.append(row)
    return rows


def _row(q: Question, kind: str, option: str | None, label: str, waves: dict[str, Any]) -> dict[str, Any]:
    return {"question": q.id, "question_label": q.label or q.id, "kind": kind, "option": option,
            "label": label, "waves": waves, "difference": None, "test": None, "p_value": None,
            "p_adjusted": None, "significant": None}


def _current_themes(store: Store, survey: str, wave: str, question: str | None = None) -> dict[str, dict[str, Any]]:
    """Per open question: {respondent_id: set of themes} from the current codes, and non-answers.

    Per answer, human codes win: if any human coded it, the human codes decide
    (the latest call per theme, codes.current_themes); else the machine's.
    """
    from .codes import current_themes

    codes = store.codes(survey, wave, question)
    flags = store.answer_flags(survey, wave, question)
    answers = store.open_answers(survey, wave, question)
    out: dict[str, dict[str, Any]] = {}
    for q, grp in answers.groupby("question"):
        out[q] = {"answers": set(grp["respondent_id"]), "coded": {}, "non_answers": set(), "themes": []}
    for r in flags.itertuples():
        if r.question in out and NON_ANSWER in json.loads(r.flags_json):
            out[r.question]["non_answers"].add(r.respondent_id)
    if codes.empty:
        return out
    for q, grp in codes.groupby("question"):
        if q in out:
            out[q]["themes"] = list(dict.fromkeys(grp["theme"]))
    for (q, rid), (_, applied) in current_themes(codes, by=("question", "respondent_id")).items():
        if q in out:
            out[q]["coded"][rid] = set(applied)
    return out


def _codebook_labels(store: Store, survey: str, question: str) -> tuple[list[str], dict[str, str]]:
    from .questions import resolve_codebook

    try:
        book = resolve_codebook(store, survey, question)
    except InputError:
        return [], {}
    from .nlp.answers import redact_field

    # the comparison is published: labels redacted like the answers (a label may name a person)
    return book.ids, {t.id: redact_field(t.label) for t in book}


def _theme_rows(store: Store, q: Question, info_a: WaveInfo, info_b: WaveInfo,
                themes_a: dict[str, Any], themes_b: dict[str, Any]) -> list[dict[str, Any]]:
    per_wave = {info_a.wave: (info_a, themes_a.get(q.id)), info_b.wave: (info_b, themes_b.get(q.id))}
    uncoded = [w for w, (_, t) in per_wave.items() if not t or not t["coded"]]
    if uncoded:
        which = " and ".join(uncoded)
        row = _row(q, "theme", None, q.label or q.id, {w: None for w in per_wave})
        row["note"] = (f"no theme codes in wave{'s' if len(uncoded) > 1 else ''} {which}: run "
                       f"'textmine code --survey {info_b.survey} --question {q.id}' first; "
                       "theme shares are not compared")
        return [row]
    ids, labels = _codebook_labels(store, info_b.survey, q.id)
    themes = list(dict.fromkeys([*ids, *themes_a[q.id]["themes"], *themes_b[q.id]["themes"]]))
    bases: dict[str, tuple[WaveInfo, list[set[str]], int]] = {}
    for w, (info, t) in per_wave.items():
        in_base = [t["coded"][rid] for rid in t["answers"] if rid in t["coded"] and rid not in t["non_answers"]]
        left_out = len(t["answers"] - set(t["coded"]) - t["non_answers"])
        bases[w] = (info, in_base, left_out)
    rows = []
    for theme in [*themes, OVERIG]:
        waves = {}
        for w, (info, in_base, _) in bases.items():
            count = sum(1 for s in in_base if (theme in s if theme != OVERIG else not s))
            waves[w] = _wave_share(count, len(in_base), info.population)
        label = labels.get(theme) or SPECIAL_LABELS.get(theme) or theme
        rows.append(_row(q, "theme", theme, label, waves))
    notes = [f"1 answer of wave {w} has no current codes and is left out of the base" if left == 1 else
             f"{left} answers of wave {w} have no current codes and are left out of the base"
             for w, (_, _, left) in bases.items() if left]
    if notes:
        for r in rows:
            r["note"] = "; ".join(notes)
    return rows


def _test_question(rows: list[dict[str, Any]], wave_a: str, wave_b: str) -> None:
    """Difference, test and Holm-adjusted p-value for the rows of one question, in place."""
    tested = []
    for r in rows:
        a, b = r["waves"].get(wave_a), r["waves"].get(wave_b)
        if not a or not b or not a["n"] or not b["n"]:
            continue
        r["difference"] = b["percent"] - a["percent"]
        r["test"], r["p_value"] = two_proportion_test(a["count"], a["n"], b["count"], b["n"])
        tested.append(r)
    for r, p_adj in zip(tested, holm([r["p_value"] for r in tested])):
        r["p_adjusted"] = p_adj
        r["significant"] = p_adj < ALPHA


def _topic_rows(store: Store, survey: str, q: Question, wave_a: str, wave_b: str) -> list[dict[str, Any]]:
    """Topics that appeared or vanished (textmine.topics.topic_changes on the latest topics run).

    Optional: without the topics module or a topics run for the question, nothing is added.
    """
    try:
        from .topics import topic_changes
    except ImportError:  # tests/test_waves.py: a missing topics stage is skipped silently
        return []
    clusters = store.topic_clusters(survey, q.id)
    if not clusters:
        return []
    changes = topic_changes(clusters, wave_a, wave_b)
    rows = []
    for change in ("appeared", "vanished"):
        for c in changes.get(change) or []:
            row = _row(q, "topic", str(c.get("id")), str(c.get("label") or c.get("id")), {})
            # A topic's wave entry: {"count": answers in the topic, "share": of the wave's clustered answers}.
            for w in (wave_a, wave_b):
                entry = (c.get("waves") or {}).get(w)
                row["waves"][w] = {"count": entry["count"], "percent": 100 * entry["share"]} if entry else None
            row.update(change=change, keywords=list(c.get("keywords") or [])[:8], new=c.get("new"))
            rows.append(row)
    return rows


def compare_waves(store: Store, survey: str, wave_a: str, wave_b: str,
                  question: str | None = None) -> list[dict[str, Any]]:
    """One row per question option or theme: both waves' shares, difference (B - A), test.

    Each row: question, question_label, kind ("closed", "theme" or "topic"),
    option, label, waves {wave: {n, count, percent, ci95} or None}, difference
    (percentage points), test ("z" or "fisher"), p_value, p_adjusted (Holm
    within the question), significant (p_adjusted < 0.05), and a note when
    something could not be compared (e.g. an open question without codes).
    """
    info_a, info_b = resolve_waves(store, survey, wave_a, wave_b)
    pairs = _questions(info_a, info_b, question)
    tallies = {}
    if any(b.type != "open" for _, b in pairs):  # tally's own counts, bases and intervals
        for info in (info_a, info_b):
            tallies[info.wave] = {e["id"]: e for e in tally_wave(store, info, question)["questions"]}
    has_open = any(b.type == "open" for _, b in pairs)
    themes_a = _current_themes(store, survey, wave_a, question) if has_open else {}
    themes_b = _current_themes(store, survey, wave_b, question) if has_open else {}
    out: list[dict[str, Any]] = []
    for qa, qb in pairs:
        if qb.type == "open":
            rows = _theme_rows(store, qb, info_a, info_b, themes_a, themes_b)
        else:
            rows = _closed_rows(qa, qb, tallies[wave_a][qa.id], tallies[wave_b][qb.id], wave_a, wave_b)
        _test_question(rows, wave_a, wave_b)
        out += rows
        if qb.type == "open":
            out += _topic_rows(store, survey, qb, wave_a, wave_b)
    return out


def left_out_notes(store: Store, survey: str, waves: list[str]) -> list[str]:
    """One line per wave that left responses out: how many of the export and why."""
    notes = []
    for info in store.waves(survey):
        left = [e for e in info.exclusions if e.get("count")]
        if info.wave in waves and left:
            notes.append(f"wave {info.wave}: {info.respondents} respondents; left out {info.excluded} of "
                         f"{info.responses_in_export} responses in the export: "
                         + "; ".join(f"{e['count']} {e['why']} [{e['rule']}]" for e in left))
    return notes


# --- flat rows for CSV ----------------------------------------------------------------

def compare_columns(wave_a: str, wave_b: str) -> list[str]:
    """The columns of a wave comparison table (the CSV export) for waves ``wave_a`` and ``wave_b``."""
    per_wave = [f"{k}_{w}" for w in (wave_a, wave_b) for k in ("n", "count", "percent", "ci95_low", "ci95_high")]
    return ["question", "question_label", "kind", "option", "label", *per_wave, "difference", "test",
            "p_value", "p_adjusted", "significant", "change", "note"]


def compare_rows(rows: list[dict[str, Any]], wave_a: str, wave_b: str) -> list[dict[str, Any]]:
    """One flat row per comparison row (wave blocks spread into <key>_<wave> columns)."""
    flat = []
    for r in rows:
        f = {k: v for k, v in r.items() if k != "waves"}
        for w in (wave_a, wave_b):
            share = (r.get("waves") or {}).get(w) or {}
            ci = share.get("ci95") or [None, None]
            f.update({f"n_{w}": share.get("n"), f"count_{w}": share.get("count"),
                      f"percent_{w}": share.get("percent"), f"ci95_low_{w}": ci[0], f"ci95_high_{w}": ci[1]})
        flat.append(f)
    return flat
