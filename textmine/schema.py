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
from typing import Any, Union

import yaml

from .errors import InputError, yaml_error
from .safeyaml import SafeLoader, read_yaml_text

QUESTION_TYPES = ("single", "multi", "likert", "numeric", "open")
_QUESTION_KEYS = {
    "id", "label", "column", "columns", "type", "options", "extra_options",
    "exclude_from_base", "min", "max", "codebook", "separator", "other", "chosen",
}
_SCHEMA_KEYS = {"survey", "population", "id_column", "unit_column", "questions", "label",
                "header_rows", "include"}
_RULE_KEYS = {"column", "in", "not_in", "filled", "why"}
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")
MAX_HEADER_ROWS = 10
DEFAULT_OTHER = "Anders"

# A column reference: the header text, or the 1-based spreadsheet position (A = 1),
# written ``{position: N}`` in YAML, for blank or repeated headers.
ColumnRef = Union[str, int]


class Position(int):
    """A column position that also names the header expected there (``{position: N, header: H}``,
    as drafts write it): a column staff insert or delete before it then shifts it onto another
    header, which ingest refuses instead of reading the wrong column."""

    header: str | None

    def __new__(cls, position: int, header: str | None = None) -> "Position":
        obj = super().__new__(cls, position)
        obj.header = header
        return obj

    def __reduce__(self) -> tuple:
        return (Position, (int(self), self.header))


def option_key(value: str) -> str:
    """How options are compared: case, surrounding and repeated white space ignored."""
    return " ".join(str(value).split()).casefold()


def header_key(header: str) -> str:
    """How a header text names a column: white space folded, case ignored (the
    schema draft and ingest must agree on when a header is unique)."""
    return option_key(header)


def column_ref_yaml(ref: ColumnRef) -> Any:
    """A column reference as the schema writes it: the header text or ``{"position": N}``."""
    if isinstance(ref, int):
        header = getattr(ref, "header", None)
        return {"position": int(ref)} if header is None else {"position": int(ref), "header": header}
    return ref


def column_ref_text(ref: ColumnRef) -> str:
    """A column reference for messages: the header text or 'position N'."""
    return f"position {ref}" if isinstance(ref, int) else ref


@dataclass
class Question:
    """One question of a survey's schema: its type, column(s) in the export, options and codebook."""

    id: str
    type: str
    label: str = ""
    column: ColumnRef | None = None
    columns: dict[str, ColumnRef] = field(default_factory=dict)  # a column per option: option -> column
    options: list[str] = field(default_factory=list)
    extra_options: list[str] = field(default_factory=list)
    exclude_from_base: list[str] = field(default_factory=list)
    min: float | None = None
    max: float | None = None
    codebook: str | None = None  # resolved relative to the schema file
    separator: str | None = None  # multi in one cell: options joined by this
    other: str | None = None      # multi in one cell: bucket of values that are no option
    chosen: str | None = None     # column per option: "any" = every filled cell is chosen (codes)

    def __post_init__(self) -> None:
        self._lookup = {option_key(o): o for o in self.all_options}

    @property
    def in_one_cell(self) -> bool:
        """A multi question whose options share one cell (Google Forms, MS Forms)."""
        return self.type == "multi" and self.column is not None

    @property
    def all_options(self) -> list[str]:
        """Scale/choice options first, then answers outside the scale (and the 'other' bucket)."""
        if self.type == "multi":
            if self.in_one_cell:
                extra = [self.other] if self.other and option_key(self.other) not in \
                    {option_key(o) for o in self.options} else []
                return list(self.options) + extra
            return list(self.columns)
        return list(self.options) + list(self.extra_options)

    def match_option(self, value: str) -> str | None:
        """The canonical option a cell value stands for, or None."""
        return self._lookup.get(option_key(value))

    def in_base(self, option: str) -> bool:
        return option not in self.exclude_from_base

    @property
    def source_columns(self) -> list[ColumnRef]:
        return list(self.columns.values()) if self.columns else [self.column if self.column is not None else ""]

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if v not in (None, [], {}, "")}
        d.pop("_lookup", None)
        if self.columns and self.type != "multi":
            d.pop("options", None)  # they are the columns' options (less the extra ones)
        if "column" in d:
            d["column"] = column_ref_yaml(d["column"])
        if "columns" in d:
            d["columns"] = {k: column_ref_yaml(v) for k, v in d["columns"].items()}
        return d


@dataclass
class IncludeRule:
    """Which responses count: a response must meet every rule (see README)."""
    column: ColumnRef
    values: list[str] | None = None  # 'in' / 'not_in': the cell is (not) one of these
    exclude_values: bool = False     # True: 'not_in'
    filled: bool | None = None       # True: the cell is not blank; False: blank
    why: str | None = None

    def __post_init__(self) -> None:
        self._keys = {option_key(v) for v in self.values or []}

    def keeps(self, cell: str) -> bool:
        """Whether a response with this cell meets the rule."""
        if self.filled is not None:
            return bool(cell.strip()) == self.filled
        return (option_key(cell) in self._keys) != self.exclude_values

    @property
    def condition(self) -> str:
        """The rule in words (English), e.g. 'Finished in [1, True]'."""
        col = column_ref_text(self.column)
        if self.filled is not None:
            return f"{col} {'filled' if self.filled else 'blank'}"
        return f"{col} {'not in' if self.exclude_values else 'in'} [{', '.join(self.values or [])}]"

    @property
    def reason(self) -> str:
        """Why a response was left out: the staff's ``why`` or the failed condition."""
        if self.why:
            return self.why
        col = column_ref_text(self.column)
        if self.filled is not None:
            return f"{col} is {'blank' if self.filled else 'filled'}"
        shown = " or ".join(self.values or [])
        return f"{col} is {shown}" if self.exclude_values else f"{col} is not {shown}"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"column": column_ref_yaml(self.column)}
        if self.filled is not None:
            d["filled"] = self.filled
        else:
            d["not_in" if self.exclude_values else "in"] = list(self.values or [])
        if self.why:
            d["why"] = self.why
        return d


@dataclass
class Schema:
    """A survey's schema: how its export's columns map to respondents and questions."""

    survey: str
    id_column: ColumnRef | None
    questions: list[Question]
    population: int | None = None
    unit_column: ColumnRef | None = None
    label: str = ""
    path: str | None = None
    header_rows: int = 1
    include: list[IncludeRule] = field(default_factory=list)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def to_dict(self) -> dict[str, Any]:
        # New keys only when used: an old schema keeps its hash.
        d: dict[str, Any] = {"survey": self.survey}
        if self.label:
            d["label"] = self.label
        if self.population is not None:
            d["population"] = self.population
        if self.header_rows != 1:
            d["header_rows"] = self.header_rows
        if self.id_column is not None:
            d["id_column"] = column_ref_yaml(self.id_column)
        if self.unit_column is not None:
            d["unit_column"] = column_ref_yaml(self.unit_column)
        if self.include:
            d["include"] = [r.to_dict() for r in self.include]
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


class _BoolWord(str):
    """An unquoted yes/no/on/off in a schema: text, which a true/false key still reads as a switch."""


def _construct_bool(loader: _LineLoader, node: yaml.ScalarNode) -> bool | str:
    # YAML 1.1 reads Yes/No/On/Off as true/false; in a schema they are answer options and
    # cell values ('options: [Yes, No]'), so they stay the words typed; true/false stay booleans.
    if node.value.lower() in ("true", "false"):
        return loader.construct_yaml_bool(node)
    return _BoolWord(node.value)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)


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
        raise fail("a schema is a mapping with survey and questions (and usually id_column)")
    unknown = set(data) - _SCHEMA_KEYS
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                   f"allowed: {', '.join(sorted(_SCHEMA_KEYS))}", data)
    for key in ("survey", "questions"):
        if not data.get(key):
            raise fail(f"'{key}' is required", data)
    survey = str(data["survey"])
    if not _ID.match(survey):
        raise fail(f"survey name '{survey}' must be letters, digits and underscores", data)
    population = data.get("population")
    if population is not None and (isinstance(population, bool) or not isinstance(population, int)
                                   or population <= 0):
        raise fail("'population' must be a positive whole number", data)
    header_rows = data.get("header_rows", 1)
    if isinstance(header_rows, bool) or not isinstance(header_rows, int) or not 1 <= header_rows <= MAX_HEADER_ROWS:
        raise fail(f"'header_rows' must be a whole number from 1 to {MAX_HEADER_ROWS} "
                   "(the rows at the top of the export that hold headers)", data)
    if not isinstance(data["questions"], list):
        raise fail("'questions' must be a list", data)
    # Omitted id_column: respondents are numbered by their spreadsheet row (Google Forms).
    if "id_column" in data and data["id_column"] in (None, ""):
        raise fail("'id_column' is empty: name the id column, or leave the key out to number "
                   "respondents by their spreadsheet row", data)
    id_column = _column_ref(data["id_column"], "'id_column'", fail, data) if "id_column" in data else None
    unit_column = _column_ref(data["unit_column"], "'unit_column'", fail, data) \
        if data.get("unit_column") not in (None, "") else None
    include = _build_include(data.get("include"), fail, data)

    questions: list[Question] = []
    seen_ids: set[str] = set()
    seen_cols: dict[ColumnRef, str] = {}
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
                raise fail(f"column \"{column_ref_text(col)}\" is used by both '{seen_cols[col]}' and '{q.id}'",
                           raw)
            seen_cols[col] = q.id
        questions.append(q)
    for reserved in (id_column, unit_column):
        if reserved is not None and reserved in seen_cols:
            raise fail(f"column \"{column_ref_text(reserved)}\" is the id/unit column and question "
                       f"'{seen_cols[reserved]}'", data)
    return Schema(
        survey=survey, id_column=id_column, questions=questions, population=population,
        unit_column=unit_column, label=str(data.get("label") or ""), path=file,
        header_rows=header_rows, include=include,
    )


def _column_ref(value: Any, what: str, fail: Any, obj: Any) -> ColumnRef:
    """A header text, or ``{position: N}`` (N >= 1, or a column letter such as "L"), optionally
    with the ``header:`` expected at that position."""
    if isinstance(value, dict):
        where = value
        if "position" not in value or not set(value) <= {"position", "header"}:
            raise fail(f"{what}: a column is a header text or {{position: N}}, "
                       f"not a mapping with {', '.join(sorted(map(str, value)))}", where)
        header = value.get("header")
        if "header" in value and header is None:
            header = ""  # 'header:' left empty: the column's header is blank
        elif header is not None and not isinstance(header, str):
            raise fail(f"{what}: 'header' is the header text expected at the position, not {header!r}", where)
        pos = value["position"]
        if isinstance(pos, str) and _LETTERS.match(pos.strip()):
            n = 0
            for ch in pos.strip().upper():
                n = n * 26 + ord(ch) - 64
            return Position(n, header) if header is not None else n
        if isinstance(pos, bool) or not isinstance(pos, int) or pos < 1:
            raise fail(f"{what}: position must be a whole number from 1 (column A) or a column letter, "
                       f"not {pos!r}", where)
        return Position(pos, header) if header is not None else pos
    if value is None or isinstance(value, (list, bool)) or not str(value).strip():
        raise fail(f"{what}: a column is a header text or {{position: N}}", obj)
    return str(value)


def _build_include(raw: Any, fail: Any, data: Any) -> list[IncludeRule]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise fail("'include' must be a list of rules (column and one of in, not_in, filled)", data)
    rules = []
    for rule in raw:
        if not isinstance(rule, dict):
            raise fail("each include rule is a mapping: column and one of in, not_in, filled", data)
        unknown = set(rule) - _RULE_KEYS
        if unknown:
            raise fail(f"include rule: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                       f"allowed: {', '.join(sorted(_RULE_KEYS))}", rule)
        if "column" not in rule:
            raise fail("include rule: 'column' is required", rule)
        column = _column_ref(rule["column"], "include rule 'column'", fail, rule)
        conditions = [k for k in ("in", "not_in", "filled") if k in rule]
        if len(conditions) != 1:
            raise fail(f"include rule on \"{column_ref_text(column)}\": give exactly one of in, not_in, filled "
                       f"(found {', '.join(conditions) or 'none'})", rule)
        why = rule.get("why")
        if why is not None and (not isinstance(why, str) or not why.strip()):
            raise fail("include rule: 'why' is a short text", rule)
        cond = conditions[0]
        if cond == "filled":
            if isinstance(rule["filled"], _BoolWord):  # an unquoted yes/on/no/off, read as a word above
                rule["filled"] = rule["filled"].lower() in ("yes", "on")
            if not isinstance(rule["filled"], bool):
                raise fail("include rule: 'filled' is true (cell not blank) or false (cell blank)", rule)
            rules.append(IncludeRule(column, filled=rule["filled"], why=why))
            continue
        values = rule[cond]
        if not isinstance(values, list) or not values or any(isinstance(v, (dict, list)) or v is None
                                                               for v in values):
            raise fail(f"include rule: '{cond}' is a list of cell values, e.g. [\"1\", \"True\"]", rule)
        rules.append(IncludeRule(column, [str(v) for v in values], cond == "not_in", why=why))
    return rules


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
        for i, v in enumerate(value, 1):
            if v is None or not str(v).strip():  # '- ' or '~': str(None) would be an option "None"
                raise fail(f"question '{qid}': {key.rstrip('s').replace('_', ' ')} {i} is empty", raw)
        return [str(v) for v in value]

    options, extra, exclude = str_list("options"), str_list("extra_options"), str_list("exclude_from_base")
    columns: dict[str, ColumnRef] = {}
    column: ColumnRef | None = None
    separator, other = raw.get("separator"), raw.get("other")
    if "column" in raw and "columns" in raw:
        raise fail(f"question '{qid}': give 'column' or 'columns', not both", raw)
    if "chosen" in raw and not (qtype in ("multi", "single", "likert") and "columns" in raw):
        raise fail(f"question '{qid}': 'chosen' is for multi questions with a column per option "
                   "(or single and likert ones read from a column per option)", raw)
    if qtype != "multi":
        for key in ("separator", "other"):
            if key in raw:
                raise fail(f"question '{qid}': '{key}' is for multi questions whose options share one cell", raw)
    if qtype == "multi" and "column" in raw:
        # Several options in one cell, joined by the separator.
        column = _column_ref(raw["column"], f"question '{qid}': 'column'", fail, raw)
        if not isinstance(separator, str) or separator == "":
            raise fail(f"question '{qid}': a multi question in one column needs 'separator' "
                       "(the text between options, e.g. \", \" or \";\")", raw)
        if not options:
            raise fail(f"question '{qid}': a multi question in one column needs 'options'", raw)
        if extra:
            raise fail(f"question '{qid}': a multi question has no extra_options (use 'other')", raw)
        if other is not None and (not isinstance(other, (str, int, float)) or not str(other).strip()):
            raise fail(f"question '{qid}': 'other' is the label of the bucket for values that are no option", raw)
        other = str(other).strip() if other is not None else DEFAULT_OTHER
    elif qtype == "multi":
        if not isinstance(raw.get("columns"), dict) or not raw["columns"]:
            raise fail(f"question '{qid}': a multi question needs 'columns' (option: export column), "
                       "or 'column' with 'separator' and 'options' when the options share one cell", raw)
        for key in ("separator", "other"):
            if key in raw:
                raise fail(f"question '{qid}': '{key}' goes with 'column' (options in one cell), "
                           "not with 'columns'", raw)
        columns = {str(k): _column_ref(v, f"question '{qid}': option '{k}'", fail, raw)
                   for k, v in raw["columns"].items()}
        if raw.get("chosen") not in (None, "any"):
            raise fail(f"question '{qid}': 'chosen' can only be 'any' (every filled cell counts as chosen, "
                       "also 0: for exports that write each option's code)", raw)
    elif qtype in ("single", "likert") and "columns" in raw:
        # A column per option, one of them chosen (SurveyMonkey's expanded export of a
        # select-one question or a scale): the options are the columns' keys.
        if not isinstance(raw["columns"], dict) or not raw["columns"]:
            raise fail(f"question '{qid}': 'columns' maps each option to its export column", raw)
        if "options" in raw:
            raise fail(f"question '{qid}': with 'columns' the options are its keys; leave 'options' out", raw)
        columns = {str(k): _column_ref(v, f"question '{qid}': option '{k}'", fail, raw)
                   for k, v in raw["columns"].items()}
        keys = {option_key(k) for k in columns}
        for o in extra:
            if option_key(o) not in keys:
                raise fail(f"question '{qid}': extra option '{o}' is not one of its columns' options", raw)
        outside = {option_key(o) for o in extra}
        options = [k for k in columns if option_key(k) not in outside]
        extra = [k for k in columns if option_key(k) in outside]
        if raw.get("chosen") not in (None, "any"):
            raise fail(f"question '{qid}': 'chosen' can only be 'any' (every filled cell counts as chosen, "
                       "also 0: for exports that write each option's code)", raw)
    else:
        if raw.get("column") is None or "column" not in raw:
            raise fail(f"question '{qid}': 'column' is required", raw)
        column = _column_ref(raw["column"], f"question '{qid}': 'column'", fail, raw)
    if qtype in ("single", "likert") and not options:
        raise fail(f"question '{qid}': a {qtype} question needs 'options'", raw)
    if qtype == "likert" and len(options) < 2:
        raise fail(f"question '{qid}': a likert scale needs at least two points", raw)
    keys = [option_key(o) for o in options + extra + (list(columns) if qtype == "multi" else [])]
    if len(keys) != len(set(keys)):
        raise fail(f"question '{qid}': options repeat (case and spaces are ignored)", raw)
    if isinstance(separator, str) and any(not o.strip(separator).strip() for o in options):
        raise fail(f"question '{qid}': an option cannot be blank or only the separator", raw)
    all_opts = {option_key(o): o for o in options + extra + (list(columns) if qtype == "multi" else [])}
    if isinstance(other, str):
        all_opts.setdefault(option_key(other), other)
    for o in exclude:
        if option_key(o) not in all_opts:
            raise fail(f"question '{qid}': exclude_from_base '{o}' is not one of its options", raw)
    exclude = [all_opts[option_key(o)] for o in exclude]
    bounds = {}
    for key in ("min", "max"):
        if raw.get(key) is not None:
            if qtype != "numeric" or not isinstance(raw[key], (int, float)) or isinstance(raw[key], bool) \
                    or raw[key] != raw[key]:  # NaN: no number is outside it
                raise fail(f"question '{qid}': '{key}' is a number, for numeric questions only", raw)
            bounds[key] = float(raw[key])
    if bounds.get("min", float("-inf")) > bounds.get("max", float("inf")):
        raise fail(f"question '{qid}': 'min' {raw['min']} is above 'max' {raw['max']}", raw)
    codebook = raw.get("codebook")
    if codebook is not None:
        if qtype != "open":
            raise fail(f"question '{qid}': only open questions have a codebook", raw)
        codebook = str((schema_dir / str(codebook)).resolve())
    return Question(
        id=qid, type=qtype, label=str(raw.get("label") or ""), column=column,
        columns=columns, options=options, extra_options=extra, exclude_from_base=exclude,
        min=bounds.get("min"), max=bounds.get("max"), codebook=codebook,
        separator=separator if column is not None and qtype == "multi" else None,
        other=other if column is not None and qtype == "multi" else None,
        chosen=raw.get("chosen") if columns else None,
    )
