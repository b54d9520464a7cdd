"""Closed-question statistics: counts, valid-base percentages, intervals, crosstabs.

Conventions (as in the survey reports): a blank answer is missing and not in
the base; options listed in ``exclude_from_base`` are counted but left out of
the base; percentages are 0-100 and unrounded; intervals are 95% Wilson
intervals, with the finite-population correction when the population is known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .errors import InputError
from .schema import Question, Schema
from .store import Store, WaveInfo

Z95 = 1.959963984540054
UNIT_ATTRIBUTES = ("province", "size_class", "municipality")
UNKNOWN_GROUP = "(onbekend)"  # respondents whose unit attribute is not known


# --- formulas -------------------------------------------------------------------

def fpc_factor(n: int, population: int | None) -> float:
    """Variance multiplier (N - n) / (N - 1); 1 without a population."""
    if not population or population <= 1:
        return 1.0
    return max(0.0, (population - n) / (population - 1))


def wilson(count: int, n: int, population: int | None = None, z: float = Z95) -> list[float] | None:
    """95% Wilson interval in percent; with a population, on the effective sample size n / fpc."""
    if n <= 0:
        return None
    p = count / n
    f = fpc_factor(n, population)
    if f == 0.0:
        return [100 * p, 100 * p]  # a census: no sampling error
    n_eff = n / f
    denom = 1 + z * z / n_eff
    centre = (p + z * z / (2 * n_eff)) / denom
    half = z * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff)) / denom
    return [100 * max(0.0, centre - half), 100 * min(1.0, centre + half)]


def margin_of_error(n: int, population: int | None = None, z: float = Z95) -> float | None:
    """Worst-case (p = 0.5) margin of error in percentage points."""
    if n <= 0:
        return None
    return 100 * z * math.sqrt(0.25 / n * fpc_factor(n, population))


def required_sample(population: int | None = None, margin: float = 0.05, z: float = Z95) -> int:
    """Respondents needed for +/- margin at 95% (p = 0.5), with the finite-population correction."""
    n0 = z * z * 0.25 / (margin * margin)
    if population:
        n0 = n0 / (1 + (n0 - 1) / population)
    return math.ceil(n0 - 1e-9)


def likert_groups(scale: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(disagree, neutral, agree) scale points: bottom two, middle of an odd scale, top two."""
    k = len(scale)
    side = min(2, k // 2)
    neutral = [scale[k // 2]] if k % 2 else []
    return scale[:side], neutral, scale[k - side:]


# --- per question ---------------------------------------------------------------

@dataclass
class QuestionData:
    """What a tally needs of one question's answers, however it was counted."""
    counts: dict[str, int]        # single/likert: per value; multi: per chosen option
    answered: int                 # respondents with any answer to the question
    numbers: np.ndarray           # numeric answers

    @classmethod
    def from_rows(cls, q: Question, rows: pd.DataFrame) -> "QuestionData":
        """From per-respondent rows (respondent_id, option, value, number)."""
        if q.type == "multi":
            counts = rows.loc[rows["value"] == "1", "option"].value_counts()
        elif q.type in ("single", "likert"):
            counts = rows["value"].value_counts()
        else:
            counts = pd.Series(dtype=int)
        numbers = rows["number"].dropna().to_numpy(dtype=float) if q.type == "numeric" else np.empty(0)
        return cls({str(k): int(v) for k, v in counts.items()}, int(rows["respondent_id"].nunique()), numbers)


def _shares(counts: dict[str, int], base: int, population: int | None, include: list[str]) -> dict[str, Any]:
    return {
        "percent": {o: (100 * counts[o] / base if base else None) for o in include},
        "ci95": {o: wilson(counts[o], base, population) for o in include},
    }


def tally_question(q: Question, data: QuestionData, n_resp: int, population: int | None) -> dict[str, Any]:
    """Tally one question answered by ``data`` among ``n_resp`` respondents."""
    out: dict[str, Any] = {"id": q.id, "label": q.label, "type": q.type}
    if q.type in ("single", "likert"):
        counts = {o: int(data.counts.get(o, 0)) for o in q.all_options}
        answered = int(sum(counts.values()))
        in_base = [o for o in q.all_options if q.in_base(o)]
        base = sum(counts[o] for o in in_base)
        out.update(base=base, missing=n_resp - answered, counts=counts)
        if q.exclude_from_base:
            out["excluded_from_base"] = {o: counts[o] for o in q.exclude_from_base}
        out.update(_shares(counts, base, population, in_base))
        if q.type == "likert":
            disagree, neutral, agree = likert_groups(q.options)
            groups = {"disagree": disagree, "neutral": neutral, "agree": agree}
            g_counts = {g: sum(counts[o] for o in opts) for g, opts in groups.items() if opts}
            out["summary"] = {
                g: {"options": groups[g], "count": c,
                    "percent": 100 * c / base if base else None, "ci95": wilson(c, base, population)}
                for g, c in g_counts.items()}
            scale_n = sum(counts[o] for o in q.options)
            if scale_n:
                out["mean_score"] = sum((i + 1) * counts[o] for i, o in enumerate(q.options)) / scale_n
                out["scale"] = f"1 = {q.options[0]} ... {len(q.options)} = {q.options[-1]}"
    elif q.type == "multi":
        base = data.answered
        counts = {o: int(data.counts.get(o, 0)) for o in q.all_options}
        out.update(base=base, missing=n_resp - base, counts=counts)
        out.update(_shares(counts, base, population, q.all_options))
        out["note"] = "percent of respondents who answered the question; several options per respondent"
    elif q.type == "numeric":
        x = data.numbers
        out.update(n=int(x.size), missing=n_resp - int(x.size))
        if x.size:
            q1, med, q3 = np.percentile(x, [25, 50, 75])  # linear interpolation
            out.update(mean=float(x.mean()), median=float(med), q1=float(q1), q3=float(q3),
                       min=float(x.min()), max=float(x.max()),
                       sd=float(x.std(ddof=1)) if x.size > 1 else None, sum=float(x.sum()))
    elif q.type == "open":
        out.update(answered=data.answered, missing=n_resp - data.answered)
    return out


# --- crosstabs ------------------------------------------------------------------

def unit_order(attr: str, groups: list[str]) -> list[str]:
    """Groups of a unit attribute in reading order: size classes small to large, else
    alphabetical with the unknown group last."""
    if attr == "size_class":
        from .units import SIZE_CLASSES

        known = [label for _limit, label in SIZE_CLASSES]
        return [g for g in known if g in groups] + sorted(g for g in groups if g not in known)
    return sorted(groups, key=lambda g: (g == UNKNOWN_GROUP, g))


def _groups(by: str, schema: Schema, respondents: pd.DataFrame, answers: pd.DataFrame) -> tuple[list[str], pd.Series]:
    """Respondent id -> group label for a closed question or a unit attribute."""
    if by in UNIT_ATTRIBUTES:
        series = respondents.set_index("respondent_id")[by].fillna(UNKNOWN_GROUP)
        return unit_order(by, list(series.unique())), series
    try:
        q = schema.question(by)
    except KeyError:
        raise InputError(f"--by '{by}' is neither a question of survey '{schema.survey}' "
                         f"nor one of {', '.join(UNIT_ATTRIBUTES)}") from None
    if q.type not in ("single", "likert"):
        raise InputError(f"--by '{by}' must be a single-choice or Likert question (it is {q.type})")
    rows = answers[answers["question"] == by]
    series = rows.set_index("respondent_id")["value"]
    return [o for o in q.all_options if o in set(series)], series


def _independence_test(q: Question, answers: pd.DataFrame, groups: pd.Series) -> dict[str, Any] | None:
    """Chi-square test of independence for a single/likert question by a grouping."""
    if q.type not in ("single", "likert"):
        return None
    rows = answers[answers["value"].map(q.in_base)]
    joined = rows.join(groups.rename("group"), on="respondent_id").dropna(subset=["group"])
    table = pd.crosstab(joined["value"], joined["group"])
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return None
    chi2, p, dof, expected = stats.chi2_contingency(table.to_numpy())
    small = float((expected < 5).mean())
    return {"test": "chi-square", "chi2": float(chi2), "df": int(dof), "p_value": float(p),
            "share_expected_below_5": small,
            "warning": "more than 20% of expected counts below 5: read with care" if small > 0.2 else None}


# --- per wave -------------------------------------------------------------------

def tally_wave(store: Store, info: WaveInfo, question: str | None = None,
               by: str | None = None) -> dict[str, Any]:
    """A wave's statistics: respondents, response rate, margin of error, and counts and
    percentages per question (only ``question``, crosstabbed by ``by``, when given)."""
    schema, population = info.schema, info.population
    respondents = store.respondents(info.survey, info.wave)
    n = len(respondents)
    questions = schema.questions
    if question:
        try:
            questions = [schema.question(question)]
        except KeyError:
            raise InputError(f"survey '{info.survey}' has no question '{question}' "
                             f"(questions: {', '.join(q.id for q in schema.questions)})") from None
    out: dict[str, Any] = {
        "survey": info.survey, "wave": info.wave, "respondents": n,
        "responses_in_export": info.responses_in_export if info.responses_in_export is not None else n,
        "excluded": [{"rule": e["rule"], "why": e["why"], "count": e["count"]} for e in info.exclusions],
        "population": population,
        "response_rate": 100 * n / population if population else None,
        "margin_of_error": margin_of_error(n, population),
        "required_sample": required_sample(population),
        "unmatched_units": store.unmatched_units(info.survey, info.wave),
    }
    if by:
        out["by"] = by
        out["questions"] = _crosstabs(store, info, questions, by, respondents)
        return out
    # Without crosstabs, SQLite does the counting: fast on 100k respondents.
    counts = store.answer_counts(info.survey, info.wave)
    answered = store.answered_counts(info.survey, info.wave)
    numbers = store.numbers(info.survey, info.wave).groupby("question")["number"]
    result = []
    for q in questions:
        rows = counts[counts["question"] == q.id]
        if q.type == "multi":
            rows = rows[rows["value"] == "1"]
            keys = rows["option"]
        else:
            keys = rows["value"]
        nums = numbers.get_group(q.id).to_numpy(dtype=float) if q.type == "numeric" and \
            q.id in numbers.groups else np.empty(0)
        data = QuestionData({str(k): int(c) for k, c in zip(keys, rows["count"])}, answered.get(q.id, 0), nums)
        result.append(tally_question(q, data, n, population))
    out["questions"] = result
    return out


def _crosstabs(store: Store, info: WaveInfo, questions: list[Question], by: str,
               respondents: pd.DataFrame) -> list[dict[str, Any]]:
    schema, population = info.schema, info.population
    answers = store.answers(info.survey, info.wave)
    opens = store.open_answers(info.survey, info.wave)[["question", "respondent_id"]]
    group_order, group_of = _groups(by, schema, respondents, answers)
    by_question = dict(tuple(answers.groupby("question")))
    empty = answers.iloc[0:0]
    result = []
    for q in questions:
        if q.type == "open":
            rows = opens[opens["question"] == q.id].assign(option="", value=None, number=None)
        else:
            rows = by_question.get(q.id, empty)
        entry = tally_question(q, QuestionData.from_rows(q, rows), len(respondents), population)
        if q.id != by:
            groups = []
            for g in group_order:
                members = group_of.index[group_of == g]
                sub = rows[rows["respondent_id"].isin(members)]
                groups.append({"group": g, "respondents": len(members),
                               **tally_question(q, QuestionData.from_rows(q, sub), len(members), population)})
            entry["by"] = {"question": by, "groups": groups}
            test = _independence_test(q, rows, group_of)
            if test:
                entry["by"]["test"] = test
        result.append(entry)
    return result


def tally(store: Store, survey: str | None = None, wave: str | None = None,
          question: str | None = None, by: str | None = None) -> list[dict[str, Any]]:
    """Tallies of every selected survey wave."""
    waves = store.waves(survey, wave)
    if question:
        waves = [w for w in waves if any(q.id == question for q in w.schema.questions)] or waves
    if not waves:
        what = " ".join(filter(None, [f"survey '{survey}'" if survey else "",
                                      f"wave '{wave}'" if wave else ""])) or "any survey"
        raise InputError(f"the project has no data for {what}", file=store.dir)
    return [tally_wave(store, w, question, by) for w in waves]


# --- flat rows for CSV/XLSX -------------------------------------------------------

TALLY_COLUMNS = ["survey", "wave", "question", "label", "type", "by", "group", "item",
                 "count", "base", "percent", "ci95_low", "ci95_high", "value"]
_NUMERIC_STATS = ("n", "missing", "mean", "median", "q1", "q3", "min", "max", "sd", "sum")
_WAVE_STATS = ("responses_in_export", "respondents", "population", "response_rate", "margin_of_error", "required_sample")


def _question_rows(entry: dict[str, Any], base_row: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    row = {**base_row, "question": entry["id"], "label": entry.get("label"), "type": entry["type"]}
    if entry["type"] in ("single", "likert", "multi"):
        for item, count in entry["counts"].items():
            ci = entry["ci95"].get(item) or [None, None]
            rows.append({**row, "item": item, "count": count, "base": entry["base"],
                         "percent": entry["percent"].get(item), "ci95_low": ci[0], "ci95_high": ci[1]})
        for g, s in (entry.get("summary") or {}).items():
            ci = s["ci95"] or [None, None]
            rows.append({**row, "item": g, "count": s["count"], "base": entry["base"],
                         "percent": s["percent"], "ci95_low": ci[0], "ci95_high": ci[1]})
        rows.append({**row, "item": "missing", "count": entry["missing"]})
        if "mean_score" in entry:
            rows.append({**row, "item": "mean_score", "value": entry["mean_score"]})
    elif entry["type"] == "numeric":
        rows += [{**row, "item": k, "value": entry[k]} for k in _NUMERIC_STATS if k in entry]
    else:
        rows += [{**row, "item": k, "count": entry[k]} for k in ("answered", "missing")]
    return rows


def tally_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per wave statistic, option, Likert summary or numeric statistic (and per group)."""
    rows: list[dict[str, Any]] = []
    for res in results:
        base_row = {"survey": res["survey"], "wave": res["wave"]}
        rows += [{**base_row, "item": k, "value": res[k]} for k in _WAVE_STATS]
        rows += [{**base_row, "item": f"excluded: {e['why']}", "label": e["rule"], "count": e["count"]}
                 for e in res.get("excluded", [])]
        for entry in res["questions"]:
            rows += _question_rows(entry, base_row)
            for grp in (entry.get("by") or {}).get("groups", []):
                rows += _question_rows(grp, {**base_row, "by": entry["by"]["question"], "group": grp["group"]})
    return rows


def write_tally_xlsx(results: list[dict[str, Any]], path: Any) -> None:
    """The flat tally rows as one sheet (spreadsheet-safe)."""
    from .export import write_xlsx

    rows = tally_rows(results)
    write_xlsx(path, {"tallies": (TALLY_COLUMNS, ([r.get(c) for c in TALLY_COLUMNS] for r in rows))})
