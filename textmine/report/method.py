"""Methode: response, margin of error, and why the sample is not representative."""

from __future__ import annotations

from typing import Any

from scipy import stats

from ..tally import UNKNOWN_GROUP, margin_of_error, required_sample, unit_order
from ..units import match_unit, municipality_names
from .context import WaveContext
from .evidence import Evidence

UNKNOWN = UNKNOWN_GROUP
# A group is called over- or under-represented when its share among respondents
# differs from its share of all municipalities by at least this many points.
THRESHOLD_POINTS = 3.0


def population_groups() -> dict[str, dict[str, int]]:
    """Municipalities of 2025 per province and per size class."""
    out: dict[str, dict[str, int]] = {"province": {}, "size_class": {}}
    for name in municipality_names():
        m = match_unit(name).municipality
        if m is None:
            continue
        out["province"][m.province] = out["province"].get(m.province, 0) + 1
        out["size_class"][m.size_class] = out["size_class"].get(m.size_class, 0) + 1
    return out


def representation(ctx: WaveContext, attr: str, evidence: Evidence | None = None) -> dict[str, Any]:
    """Respondents against all municipalities for one unit attribute, with a goodness-of-fit test."""
    pop = population_groups()[attr]
    counts = ctx.respondents[attr].fillna(UNKNOWN).value_counts().to_dict()
    n_known = sum(c for g, c in counts.items() if g != UNKNOWN)
    n_pop = sum(pop.values())
    rows = []
    for g in unit_order(attr, list(set(pop) | set(counts))):
        resp, units = int(counts.get(g, 0)), int(pop.get(g, 0))
        share_resp = 100 * resp / n_known if n_known and g != UNKNOWN else None
        share_pop = 100 * units / n_pop if units else None
        diff = share_resp - share_pop if share_resp is not None and share_pop is not None else None
        ids = ctx.respondents.loc[ctx.respondents[attr].fillna(UNKNOWN) == g, "respondent_id"].astype(str)
        rows.append({"group": g, "respondents": resp, "population": units,
                     "response_rate": 100 * resp / units if units else None,
                     "share_respondents": share_resp, "share_population": share_pop, "difference": diff,
                     "status": None if diff is None else "over" if diff >= THRESHOLD_POINTS
                     else "under" if diff <= -THRESHOLD_POINTS else "ok",
                     "anchor": evidence.add((ctx.survey, ctx.wave, "respons", attr, g),
                                            f"Respondenten: {g} ({ctx.survey.upper()} {ctx.wave})",
                                            [(ctx.name(r), "") for r in ids]) if evidence and resp else None})
    test = None
    known = [r for r in rows if r["group"] != UNKNOWN and r["population"]]
    if n_known >= 10 and len(known) > 1:
        observed = [r["respondents"] for r in known]
        expected = [n_known * r["population"] / n_pop for r in known]
        chi2, p = stats.chisquare(observed, expected)
        test = {"chi2": float(chi2), "df": len(known) - 1, "p_value": float(p),
                "small_expected": any(e < 5 for e in expected)}
    return {"attribute": attr, "rows": rows, "test": test, "unknown": int(counts.get(UNKNOWN, 0))}


def _values_nl(values: list[str], last: str) -> str:
    shown = [f"‘{v}’" for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {last} " + shown[-1]


def left_out_reason(exclusion: dict[str, Any]) -> str:
    """Why an include rule left responses out, in Dutch: 'niet afgewerkt (Finished is niet ‘1’)'."""
    col, cond = exclusion.get("column") or "?", exclusion.get("condition") or {}
    if "filled" in cond:
        rule = f"{col} is {'leeg' if cond['filled'] else 'niet leeg'}"
    elif "in" in cond:
        rule = f"{col} is niet {_values_nl([str(v) for v in cond['in']], 'of')}"
    else:
        rule = f"{col} is {_values_nl([str(v) for v in cond.get('not_in', [])], 'of')}"
    why = exclusion.get("stated_why")
    return f"{why} ({rule})" if why else rule


def method_data(ctx: WaveContext, evidence: Evidence | None = None) -> dict[str, Any]:
    """The method section's figures for a wave: response, margin of error, left out, representativeness."""
    from ..nlp.answers import redact_field

    n, population = len(ctx.respondents), ctx.info.population
    left_out = [e for e in ctx.info.exclusions if e.get("count")]
    return {
        "respondents": n, "population": population,
        "responses_in_export": ctx.info.responses_in_export if ctx.info.responses_in_export is not None else n,
        "left_out": [{"count": int(e["count"]), "reason": left_out_reason(e)} for e in left_out],
        "response_rate": 100 * n / population if population else None,
        "margin_of_error": margin_of_error(n, population),
        "margin_of_error_no_fpc": margin_of_error(n, None),
        "required_sample": required_sample(population) if population else None,
        # units as typed: redacted, a respondent may have typed a name or an address there
        "unmatched": [redact_field(u) for u in ctx.store.unmatched_units(ctx.survey, ctx.wave)],
        "representation": [representation(ctx, "province", evidence),
                           representation(ctx, "size_class", evidence)],
        "anchor": evidence.add((ctx.survey, ctx.wave, "respons"), f"Alle respondenten ({ctx.survey.upper()} "
                               f"{ctx.wave})", [(ctx.name(r), "") for r in ctx.names]) if evidence else None,
        "population_is_2025": population == len(municipality_names()),
    }
