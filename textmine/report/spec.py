"""The report spec: a small YAML file choosing what the report shows.

```yaml
survey: lmb                    # optional; must match the survey reported on
title: Lokaal mondiaal beleid  # optional; default: the schema's label
summary: [voert_lmb, vte]      # key figures in the samenvatting (default: automatic)
closed: all                    # closed questions with a chart: all or a list of ids
open: all                      # open questions with themes: all or a list of ids
quotes: 3                      # quotes per theme (0-10)
crosstabs:                     # question x province | size_class | another question
  - {question: voert_lmb, by: size_class}
  - {question: trots, by: province, title: Trotse projecten per provincie}
compare_with: auto             # auto (the previous wave), none, or a wave label
appendix_limit: 1000           # respondents listed per figure in the appendix
```

Errors name the file and line (exit code 2 in the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, yaml_error
from ..safeyaml import load_with_node
from ..paths import data_dir
from ..schema import Schema
from ..tally import UNIT_ATTRIBUTES

KEYS = ("survey", "title", "summary", "closed", "open", "quotes", "crosstabs", "compare_with", "appendix_limit")
CROSSTAB_KEYS = ("question", "by", "title")


@dataclass
class Crosstab:
    """One crosstab asked for in a report spec: ``question`` by ``by``; ``line`` is its line in the spec file."""

    question: str
    by: str
    title: str | None = None
    line: int | None = None


@dataclass
class ReportSpec:
    """A report spec: which questions, crosstabs and comparison a survey's report shows (a list
    left None: all, or automatic)."""

    survey: str | None = None
    title: str | None = None
    summary: list[str] | None = None        # None: automatic
    closed: list[str] | None = None         # None: all
    open: list[str] | None = None           # None: all
    quotes: int = 3
    crosstabs: list[Crosstab] = field(default_factory=list)
    compare_with: str | None = "auto"       # "auto", None (no comparison) or a wave
    appendix_limit: int = 1000
    file: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    lenient: bool = False   # a bundled default: questions the survey lacks are left out, not errors

    def error(self, message: str, key: str | None = None, line: int | None = None) -> InputError:
        return InputError(message, file=self.file, row=line or self.lines.get(key or "", None))

    def check(self, schema: Schema) -> None:
        """Every question id the spec names must be in the survey's schema."""
        if self.survey and self.survey != schema.survey:
            raise self.error(f"spec is for survey '{self.survey}', not '{schema.survey}'", "survey")
        types = {q.id: q.type for q in schema.questions}
        if self.lenient:  # another questionnaire under the same survey name: keep what fits
            for key, wanted in (("summary", None), ("closed", False), ("open", True)):
                ids = getattr(self, key)
                if ids is not None:
                    setattr(self, key, [i for i in ids if i in types and
                                        (wanted is None or (types[i] == "open") == wanted)])
            self.crosstabs = [c for c in self.crosstabs if types.get(c.question) not in (None, "numeric")
                              and (c.by in UNIT_ATTRIBUTES or types.get(c.by) in ("single", "likert"))]
        for key in ("summary", "closed", "open"):
            for qid in getattr(self, key) or []:
                if qid not in types:
                    raise self.error(f"{key}: survey '{schema.survey}' has no question '{qid}' "
                                     f"(questions: {', '.join(types)})", key)
                if key == "closed" and types[qid] == "open" or key == "open" and types[qid] != "open":
                    raise self.error(f"{key}: '{qid}' is a {types[qid]} question", key)
        for ct in self.crosstabs:
            if ct.question not in types:
                raise self.error(f"crosstabs: survey '{schema.survey}' has no question '{ct.question}'",
                                 line=ct.line)
            if ct.by not in UNIT_ATTRIBUTES and types.get(ct.by) not in ("single", "likert"):
                raise self.error(f"crosstabs: 'by: {ct.by}' must be one of {', '.join(UNIT_ATTRIBUTES)} "
                                 "or a single-choice or Likert question", line=ct.line)
            if types[ct.question] == "numeric":
                raise self.error(f"crosstabs: '{ct.question}' is numeric; crosstab a choice or open question",
                                 line=ct.line)


def _lines(node: yaml.Node | None) -> dict[str, int]:
    """Line (1-based) of each top-level key, and of each crosstab item as 'crosstabs.<i>'."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out[str(k.value)] = k.start_mark.line + 1
            if k.value == "crosstabs" and isinstance(v, yaml.SequenceNode):
                for i, item in enumerate(v.value):
                    out[f"crosstabs.{i}"] = item.start_mark.line + 1
    return out


def _ids(value: Any, key: str, spec: ReportSpec, allow_all: bool) -> list[str] | None:
    if allow_all and value in ("all", None):
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise spec.error(f"'{key}' must be {'all or ' if allow_all else ''}a list of question ids", key)
    return [str(v) for v in value]


def parse_spec(text: str, file: str | Path = "<spec>") -> ReportSpec:
    """Parse a report spec from YAML text; InputError naming the file and line on a bad key or value."""
    file = str(file)
    try:
        data, node = load_with_node(text)  # no alias bombs (textmine.safeyaml)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, file) from None
    spec = ReportSpec(file=file, lines=_lines(node))
    if data is None:
        return spec
    if not isinstance(data, dict):
        raise InputError("a report spec is a mapping (survey, summary, crosstabs, ...)", file=file, row=1)
    unknown = sorted(set(map(str, data)) - set(KEYS))
    if unknown:
        raise spec.error(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(KEYS)}", unknown[0])
    for key in ("survey", "title"):
        if data.get(key) is not None:
            setattr(spec, key, str(data[key]))
    if "summary" in data:
        spec.summary = _ids(data["summary"], "summary", spec, allow_all=False)
    spec.closed = _ids(data.get("closed"), "closed", spec, allow_all=True)
    spec.open = _ids(data.get("open"), "open", spec, allow_all=True)
    for key, low, high in (("quotes", 0, 10), ("appendix_limit", 1, 10**7)):
        if key in data:
            value = data[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise spec.error(f"'{key}' must be a whole number from {low} to {high}", key)
            setattr(spec, key, value)
    if "compare_with" in data:
        value = data["compare_with"]
        spec.compare_with = None if value in (None, False, "none", "geen") else str(value)
    raw = data.get("crosstabs") or []
    if not isinstance(raw, list):
        raise spec.error("'crosstabs' must be a list of {question, by}", "crosstabs")
    for i, item in enumerate(raw):
        line = spec.lines.get(f"crosstabs.{i}")
        if not isinstance(item, dict) or not {"question", "by"} <= set(item) or set(item) - set(CROSSTAB_KEYS):
            raise spec.error("each crosstab is {question: ID, by: province|size_class|ID, title: optional}",
                             line=line)
        spec.crosstabs.append(Crosstab(str(item["question"]), str(item["by"]),
                                       str(item["title"]) if item.get("title") else None, line))
    return spec


def load_spec(path: str | Path) -> ReportSpec:
    """Read and parse the report spec file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the report spec ({exc.__class__.__name__})", file=path) from None
    return parse_spec(text, path)


def default_spec(survey: str) -> ReportSpec:
    """data/report/<survey>.yaml when it exists, else everything with automatic choices."""
    path = data_dir() / "report" / f"{survey}.yaml"
    spec = load_spec(path) if path.exists() else ReportSpec(survey=survey)
    spec.lenient = True
    return spec
