"""The Dutch HTML report: summary, method, closed and open questions, clusters, crosstabs, wave comparison.

``build_report`` returns one self-contained HTML page (inline CSS, charts as
inline SVG, no scripts, nothing fetched); every figure links to the
respondents and redacted answers behind it in the appendix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..atomic import write_text
from ..errors import InputError
from ..store import Store
from .evidence import Evidence
from .html import page
from .sections import SurveyReport, build_survey
from .spec import ReportSpec, default_spec, load_spec, parse_spec

__all__ = ["build_report", "write_report", "ReportSpec", "load_spec", "parse_spec", "default_spec"]

Progress = Callable[[str, int, int], None]


def _specs(spec: ReportSpec | str | Path | list | None) -> list[ReportSpec]:
    if spec is None:
        return []
    items = spec if isinstance(spec, list) else [spec]
    return [s if isinstance(s, ReportSpec) else load_spec(s) for s in items]


def build_report(store: Store, survey: str | None = None, wave: str | None = None,
                 compare_with: str | None = None, spec: ReportSpec | str | Path | list | None = None,
                 *, progress: Progress | None = None, prepare: bool = False) -> str:
    """The report as one HTML string.

    survey: one survey, or None for every survey in the project (one part each).
    wave: default the latest wave of each survey. compare_with: a wave to compare
    with; default the spec's ``compare_with`` (``auto``: the previous wave).
    spec: a ReportSpec or spec file (or a list, one per survey); default
    data/report/<survey>.yaml.

    Writes nothing to the store: when open answers the report needs are not cleaned,
    not coded or coded with another codebook, an InputError names them and the
    command that makes them. ``prepare``: clean and code them first, each step
    announced on stderr (``textmine.readiness``).
    """
    from ..readiness import Preparation

    specs = _specs(spec)
    surveys = [survey] if survey else sorted({w.survey for w in store.waves()})
    if not surveys:
        raise InputError("the project has no survey data (run 'textmine ingest' first)", file=store.dir)
    if len(surveys) == 1 and len(specs) == 1 and specs[0].survey is None:
        specs[0].survey = surveys[0]
    by_survey = {s.survey: s for s in specs}
    for s in specs:
        if s.survey is None:
            raise InputError("the report spec names no survey: add 'survey: NAME' to it or pass --survey",
                             file=s.file, row=1)
        if s.survey not in surveys:
            raise s.error(f"spec is for survey '{s.survey}', which is not reported "
                          f"(surveys: {', '.join(surveys)}); set 'survey:' in the spec", "survey")
    evidence = Evidence(limit=min((s.appendix_limit for s in specs), default=1000))
    prep = Preparation(store, prepare)
    reps: list[SurveyReport] = [build_survey(store, s, wave, evidence, spec=by_survey.get(s),
                                             compare_with=compare_with, progress=progress, prep=prep)
                                for s in surveys]
    prep.check()
    return page(reps, evidence)


def write_report(store: Store, out: str | Path, survey: str | None = None, wave: str | None = None,
                 compare_with: str | None = None, spec: ReportSpec | str | Path | list | None = None,
                 *, progress: Progress | None = None, prepare: bool = False) -> Path:
    """Write the report to ``out`` (written whole, then moved into place); ``prepare``: see build_report."""
    html = build_report(store, survey, wave, compare_with, spec, progress=progress, prepare=prepare)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_text(out, html)
