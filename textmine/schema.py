"""Survey schema: which export column holds which question, and how to read it.

One YAML file per questionnaire (see README). ``load_schema`` validates it and
names the file and line of any problem; ``infer_schema`` drafts one from an
export for staff to correct.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, yaml_error
from .safeyaml import SafeLoader, read_yaml_text

QUESTION_TYPES = ("single", "multi", "likert", "numeric", "open")
_QUESTION_KEYS = {
    "id", "label", "column", "columns", "type", "options", "extra_options",
    "exclude_from_base", "min", "max", "codebook",
}
_SCHEMA_KEYS = {"survey", "population", "id_column", "unit_column", "questions", "label"}
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def option_key(value: str) -> str:
    """How options are compared: case, surrounding and repeated white space ignored."""
    return " ".join(str(value).split()).casefold()


@dataclass
class Question:
    id: str
    type: str
    label: str = ""
    column: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # multi: option -> column
    options: list[str] = field(default_factory=list)
    extra_options: list[str] = field(default_factory=list)
    exclude_from_base: list[str] = field(default_factory=list)
    min: float | None = None
    max: float | None = None
    codebook: str | None = None  # resolved relative to the schema file

    def __post_init__(self) -> None:
        self._lookup = {option_key(o): o for o in self.all_options}

    @property
    def all_options(self) -> list[str]:
        """Scale/choice options first, then answers outside the scale."""
        if self.type == "multi":
            return list(self.columns)
        return list(self.options) + list(self.extra_options)

    def match_option(self, value: str) -> str | None:
        """The canonical option a cell value stands for, or None."""
        return self._lookup.get(option_key(value))

    def in_base(self, option: str) -> bool:
        return option not in self.exclude_from_base

    @property
    def source_columns(self) -> list[str]:
        return list(self.columns.values()) if self.type == "multi" else [self.column or ""]

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if v not in (None, [], {}, "")}
        d.pop("_lookup", None)
        return d


@dataclass
class Schema:
    survey: str
    id_column: str
    questions: list[Question]
    population: int | None = None
    unit_column: str | None = None
    label: str = ""
    path: str | None = None

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"survey": self.survey}
        if self.label:
            d["label"] = self.label
        if self.population is not None:
            d["population"] = self.population
        d["id_column"] = self.id_column
        if self.unit_column:
            d["unit_column"] = self.unit_column
        d["questions"] = [q.to_dict() for q in self.questions]
        return d

    def to_json(self) -> str:
        # Key order matters: multi-choice columns are listed in the schema's order.
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @property
    def hash(self) -> str:
        canonical = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str | None = None) -> "Schema":
        return _build(data, path or "<schema>", lines={})


# --- loading -----------------------------------------------------------------

class _LineLoader(SafeLoader):
    """textmine's safe loader (no alias bombs, see safeyaml) that remembers the line
    of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    loader.lines[id(mapping)] = node.start_mark.line + 1  # type: ignore[attr-defined]
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_schema(path: str | Path) -> Schema:
    """Read and validate a schema file; raise InputError naming file and line."""
    path = Path(path)
    text = read_yaml_text(path, "schema file")  # refuses huge files before reading them
    loader = _LineLoader(text)
    loader.lines = {}  # type: ignore[attr-defined]
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path) from None
    finally:
        loader.dispose()
    return _build(data, str(path), loader.lines)  # type: ignore[attr-defined]


def _build(data: Any, file: str, lines: dict[int, int]) -> Schema:
    def fail(msg: str, obj: Any = None) -> InputError:
        return InputError(msg, file=file, row=lines.get(id(obj)) if obj is not None else None)

    if not isinstance(data, dict):
        raise fail("a schema is a mapping with survey, id_column and questions")
    unknown = set(data) - _SCHEMA_KEYS
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                   f"allowed: {', '.join(sorted(_SCHEMA_KEYS))}", data)
    for key in ("survey", "id_column", "questions"):
        if not data.get(key):
            raise fail(f"'{key}' is required", data)
    survey = str(data["survey"])
    if not _ID.match(survey):
        raise fail(f"survey name '{survey}' must be letters, digits and underscores", data)
    population = data.get("population")
    if population is not None and (not isinstance(population, int) or population <= 0):
        raise fail("'population' must be a positive whole number", data)
    if not isinstance(data["questions"], list):
        raise fail("'questions' must be a list", data)

    questions: list[Question] = []
    seen_ids: set[str] = set()
    seen_cols: dict[str, str] = {}
    schema_dir = Path(file).parent
    for raw in data["questions"]:
        if not isinstance(raw, dict):
            raise fail("each question must be a mapping with id, type and column", data)
        q = _build_question(raw, fail, schema_dir)
        if q.id in seen_ids:
            raise fail(f"question id '{q.id}' is used twice", raw)
        seen_ids.add(q.id)
        for col in q.source_columns:
            if col in seen_cols:
                raise fail(f"column \"{col}\" is used by both '{seen_cols[col]}' and '{q.id}'", raw)
            seen_cols[col] = q.id
        questions.append(q)
    for reserved in (str(data["id_column"]), str(data.get("unit_column") or "")):
        if reserved and reserved in seen_cols:
            raise fail(f"column \"{reserved}\" is the id/unit column and question "
                       f"'{seen_cols[reserved]}'", data)
    return Schema(
        survey=survey, id_column=str(data["id_column"]), questions=questions,
        population=population, unit_column=str(data["unit_column"]) if data.get("unit_column") else None,
        label=str(data.get("label") or ""), path=file,
    )


def _build_question(raw: dict, fail: Any, schema_dir: Path) -> Question:
    unknown = set(raw) - _QUESTION_KEYS
    if unknown:
        raise fail(f"question '{raw.get('id', '?')}': unknown key(s) "
                   f"{', '.join(sorted(map(str, unknown)))}", raw)
    qid = str(raw.get("id") or "")
    if not _ID.match(qid):
        raise fail(f"question id '{qid}' must be letters, digits and underscores", raw)
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        raise fail(f"question '{qid}': type must be one of {', '.join(QUESTION_TYPES)}", raw)

    def str_list(key: str) -> list[str]:
        value = raw.get(key) or []
        if not isinstance(value, list):
            raise fail(f"question '{qid}': '{key}' must be a list", raw)
        return [str(v) for v in value]

    options, extra, exclude = str_list("options"), str_list("extra_options"), str_list("exclude_from_base")
    columns: dict[str, str] = {}
    column = raw.get("column")
    if qtype == "multi":
        if not isinstance(raw.get("columns"), dict) or not raw["columns"]:
            raise fail(f"question '{qid}': a multi question needs 'columns' "
                       "(option: export column)", raw)
        columns = {str(k): str(v) for k, v in raw["columns"].items()}
        if column:
            raise fail(f"question '{qid}': a multi question uses 'columns', not 'column'", raw)
    else:
        if not column:
            raise fail(f"question '{qid}': 'column' is required", raw)
        column = str(column)
    if qtype in ("single", "likert") and not options:
        raise fail(f"question '{qid}': a {qtype} question needs 'options'", raw)
    if qtype == "likert" and len(options) < 2:
        raise fail(f"question '{qid}': a likert scale needs at least two points", raw)
    keys = [option_key(o) for o in options + extra + list(columns)]
    if len(keys) != len(set(keys)):
        raise fail(f"question '{qid}': options repeat (case and spaces are ignored)", raw)
    all_opts = {option_key(o): o for o in options + extra + list(columns)}
    for o in exclude:
        if option_key(o) not in all_opts:
            raise fail(f"question '{qid}': exclude_from_base '{o}' is not one of its options", raw)
    exclude = [all_opts[option_key(o)] for o in exclude]
    bounds = {}
    for key in ("min", "max"):
        if raw.get(key) is not None:
            if qtype != "numeric" or not isinstance(raw[key], (int, float)):
                raise fail(f"question '{qid}': '{key}' is a number, for numeric questions only", raw)
            bounds[key] = float(raw[key])
    codebook = raw.get("codebook")
    if codebook is not None:
        if qtype != "open":
            raise fail(f"question '{qid}': only open questions have a codebook", raw)
        codebook = str((schema_dir / str(codebook)).resolve())
    return Question(
        id=qid, type=qtype, label=str(raw.get("label") or ""), column=column if qtype != "multi" else None,
        columns=columns, options=options, extra_options=extra, exclude_from_base=exclude,
        min=bounds.get("min"), max=bounds.get("max"), codebook=codebook,
    )
