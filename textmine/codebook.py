"""Codebook: the themes that the answers to one open question are coded to.

One YAML file per open question (format in data/codebooks/README.md).
``load_codebook`` also reads a bare YAML list of labels, a plain text file
with one label per line, and a REFI-QDA codebook (.qdc, see ``qdc.py``). Every
problem is an ``InputError`` naming the file and line.

A Codebook is immutable: ``add_theme`` returns a new one, so a codebook that
coded a run stays what its hash says it was.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from .args import lone_surrogate
from .errors import InputError, yaml_error
from .patterns import PatternProblem, SafePattern, check_pattern
from .qdc import export_qdc, read_qdc
from .safeyaml import load_with_node, read_yaml_text
from .slugs import make_slug

# Outcomes of coding that are not themes of the file: an answer with content
# but no theme, and an answer without content ("nvt", "-", "geen idee").
OVERIG = "overig"
NON_ANSWER = "non_answer"
SPECIAL_CODES = (OVERIG, NON_ANSWER)
SPECIAL_LABELS = {OVERIG: "Overig", NON_ANSWER: "Geen inhoudelijk antwoord"}

ID_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
_SURVEY_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # as in schema.py
THEME_KEYS = ("id", "label", "description", "keywords", "patterns", "examples", "parent", "exclusive")
CODEBOOK_KEYS = ("survey", "question", "label", "themes")
YAML_SUFFIXES = (".yaml", ".yml")
# Words left out of slugs: "Steun voor de wereldwinkel" -> steun_wereldwinkel.
_SLUG_STOP = {"de", "het", "een", "en", "van", "voor", "in", "op", "met", "of", "te", "aan",
              "om", "door", "bij", "naar", "rond", "t", "s"}


def _clean(text: Any) -> str:
    """One line, single spaces: layout in the file must not change meaning or hash."""
    return " ".join(str(text).split())


def _short(text: str, limit: int = 80) -> str:
    """A pattern or value as quoted in a one-line message."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def slugify(label: str, taken: Collection[str] = ()) -> str:
    """A theme id from a label, unique against ``taken`` and the special codes."""
    return make_slug(label, taken, stop=_SLUG_STOP, fallback="thema", digit_prefix="t_",
                     reserved=SPECIAL_CODES)


@dataclass(frozen=True)
class Theme:
    """One theme. Keywords are lowercase lemmas or phrases; patterns are regular
    expressions, matched case-insensitively, for what lemmas cannot catch."""

    id: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    parent: str | None = None
    exclusive: bool = False  # coded alone: an answer with this theme gets no other

    def __post_init__(self) -> None:
        # Normalise here, so a Theme built in code equals one loaded from a file.
        set_ = object.__setattr__
        set_(self, "label", _clean(self.label))
        set_(self, "description", _clean(self.description or ""))
        set_(self, "keywords", _unique(_clean(k).lower() for k in self.keywords))
        set_(self, "patterns", _unique(str(p).strip() for p in self.patterns))
        set_(self, "examples", _unique(_clean(e) for e in self.examples))
        set_(self, "parent", self.parent or None)
        set_(self, "exclusive", bool(self.exclusive))

    @cached_property
    def regexes(self) -> tuple[re.Pattern[str], ...]:
        """The patterns compiled (case-insensitive)."""
        return tuple(re.compile(p, re.IGNORECASE) for p in self.patterns)

    @cached_property
    def safe_patterns(self) -> tuple[SafePattern, ...]:
        """The patterns with their worst-case cost: searched with a time bound
        on answers too long for that cost (see ``textmine.patterns``)."""
        return tuple(SafePattern.compile(p) for p in self.patterns)

    def to_dict(self) -> dict[str, Any]:
        """The theme as written in YAML: empty fields left out."""
        d: dict[str, Any] = {"id": self.id, "label": self.label}
        if self.parent:
            d["parent"] = self.parent
        if self.exclusive:
            d["exclusive"] = True
        for key in ("description", "keywords", "patterns", "examples"):
            value = getattr(self, key)
            if value:
                d[key] = list(value) if isinstance(value, tuple) else value
        return d


class ThemeProblem(Exception):
    """A validation problem, located by theme index and field; callers turn it
    into an InputError with the line they know for that place."""

    def __init__(self, message: str, index: int | None = None, where: tuple = ()) -> None:
        super().__init__(message)
        self.message, self.index, self.where = message, index, where


def validate_themes(themes: Sequence[Theme]) -> None:
    """Everything that makes a set of themes a codebook; raises ThemeProblem."""
    if not themes:
        raise ThemeProblem("a codebook needs at least one theme")
    seen: dict[str, int] = {}
    for i, t in enumerate(themes):
        if not isinstance(t.id, str) or not ID_PATTERN.match(t.id):
            raise ThemeProblem(f"theme id '{t.id}' must be lowercase letters, digits and "
                           "underscores, not starting with a digit", i, ("id",))
        if t.id in SPECIAL_CODES:
            raise ThemeProblem(f"'{t.id}' is not a theme: textmine codes it by itself "
                           f"(reserved: {', '.join(SPECIAL_CODES)})", i, ("id",))
        if t.id in seen:
            raise ThemeProblem(f"theme id '{t.id}' is used twice", i, ("id",))
        seen[t.id] = i
        if not t.label:
            raise ThemeProblem(f"theme '{t.id}': 'label' is required", i)
        # a control character (typed in the workbench, or escaped in YAML) makes the .qdc export invalid XML
        for key in ("label", "description", "keywords", "patterns", "examples"):
            value = getattr(t, key)
            for j, text in enumerate(value if isinstance(value, tuple) else (value,)):
                if any(ord(c) < 32 and c != "\t" or ord(c) == 127 for c in text) or lone_surrogate(text):
                    raise ThemeProblem(f"theme '{t.id}': {key} holds control characters or invalid text", i,
                                       (key, j) if isinstance(value, tuple) else (key,))
        for j, k in enumerate(t.keywords):
            if ";" in k:  # ';' separates keywords in REFI-QDA descriptions
                raise ThemeProblem(f"theme '{t.id}': keyword '{k}' may not contain ';'", i, ("keywords", j))
        for j, p in enumerate(t.patterns):
            try:
                check_pattern(p)
            except re.error as exc:
                raise ThemeProblem(f"theme '{t.id}': pattern '{_short(p)}' is not a valid regular "
                               f"expression ({exc})", i, ("patterns", j)) from None
            except PatternProblem as exc:
                raise ThemeProblem(f"theme '{t.id}': pattern '{_short(p)}' {exc}", i,
                                   ("patterns", j)) from None
    for i, t in enumerate(themes):
        if t.parent is not None and t.parent not in seen:
            raise ThemeProblem(f"theme '{t.id}': parent '{t.parent}' is not a theme of this "
                           "codebook", i, ("parent",))
    # Each theme's parent chain is walked once (a 100,000-deep chain must not cost n²);
    # a cycle is reported at its first theme in file order.
    done: set[str] = set()
    for t in themes:
        path: list[str] = []
        on_path: set[str] = set()
        cur: str | None = t.id
        while cur is not None and cur not in done and cur not in on_path:
            path.append(cur)
            on_path.add(cur)
            cur = themes[seen[cur]].parent
        if cur is not None and cur in on_path:
            cycle = path[path.index(cur):]
            first = min(cycle, key=seen.__getitem__)
            k = cycle.index(first)
            chain = cycle[k:] + cycle[:k] + [first]
            if len(chain) > 8:  # one readable line
                chain = chain[:4] + [f"… ({len(chain) - 6} more)"] + chain[-2:]
            raise ThemeProblem(f"theme '{first}': parents form a cycle ({' -> '.join(chain)})",
                               seen[first], ("parent",))
        done.update(path)
    parents = {t.parent for t in themes if t.parent}
    for i, t in enumerate(themes):
        if t.exclusive and (t.parent or t.id in parents):
            raise ThemeProblem(f"theme '{t.id}' is exclusive (coded alone), so it can have no "
                           "parent and no children", i, ("exclusive",))


@dataclass(frozen=True)
class Codebook:
    """The themes of one open question, in report order."""

    themes: tuple[Theme, ...]
    survey: str | None = None
    question: str | None = None
    label: str = ""
    path: str | None = field(default=None, compare=False)
    notes: tuple[str, ...] = field(default=(), compare=False)  # what a lenient import did

    def __post_init__(self) -> None:
        object.__setattr__(self, "themes", tuple(self.themes))
        object.__setattr__(self, "label", _clean(self.label or ""))
        for key in ("survey", "question"):
            value = getattr(self, key)
            if value is not None and not _SURVEY_ID.match(str(value)):
                raise InputError(f"{key} '{value}' must be letters, digits and underscores",
                                 file=self.path)
        try:
            validate_themes(self.themes)
        except ThemeProblem as p:
            raise InputError(p.message, file=self.path) from None
        object.__setattr__(self, "_by_id", {t.id: t for t in self.themes})

    # --- lookups -------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id; KeyError if there is none."""
        return self._by_id[theme_id]  # type: ignore[attr-defined]

    def children(self, theme_id: str) -> list[Theme]:
        """Direct children of a theme, in codebook order."""
        self.theme(theme_id)
        return [t for t in self.themes if t.parent == theme_id]

    def ancestors(self, theme_id: str) -> list[str]:
        """Parent, grandparent, ... of a theme (for rolling counts up)."""
        out, cur = [], self.theme(theme_id).parent
        while cur is not None:
            out.append(cur)
            cur = self.theme(cur).parent
        return out

    @property
    def title(self) -> str:
        """What reports call the codebook: its label, else the file name.
        (Not the hash's business: renaming a file changes no theme.)"""
        return self.label or (Path(self.path).stem if self.path else self.question or "codebook")

    def label_of(self, code: str) -> str:
        """Label of a theme or of a special outcome (overig, non_answer)."""
        return SPECIAL_LABELS[code] if code in SPECIAL_LABELS else self.theme(code).label

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    def __contains__(self, theme_id: object) -> bool:
        return theme_id in self._by_id  # type: ignore[attr-defined]

    # --- changes -------------------------------------------------------------

    def add_theme(
        self,
        label: str,
        *,
        id: str | None = None,  # the field's name in the file
        description: str = "",
        keywords: Iterable[str] = (),
        patterns: Iterable[str] = (),
        examples: Iterable[str] = (),
        parent: str | None = None,
        exclusive: bool = False,
    ) -> Codebook:
        """A new codebook with one more theme (e.g. a promoted topic); the id is
        slugged from the label when not given."""
        theme_id = id or slugify(label, self.ids)
        if theme_id in self:
            raise InputError(f"theme id '{theme_id}' already exists", file=self.path)
        theme = Theme(id=theme_id, label=label, description=description, keywords=tuple(keywords),
                      patterns=tuple(patterns), examples=tuple(examples), parent=parent,
                      exclusive=exclusive)
        return replace(self, themes=self.themes + (theme,), notes=())

    # --- output --------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        for key in ("survey", "question", "label"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        d["themes"] = [t.to_dict() for t in self.themes]
        return d

    @property
    def hash(self) -> str:
        """Content hash for provenance. Order of themes, keywords, patterns and
        examples is presentation, not meaning, so it is left out."""
        d = self.to_dict()
        themes = []
        for t in d.pop("themes"):
            for key in ("keywords", "patterns", "examples"):
                if key in t:
                    t[key] = sorted(t[key])
            themes.append(t)
        d["themes"] = sorted(themes, key=lambda t: t["id"])
        canonical = json.dumps(d, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def to_yaml(self) -> str:
        """The codebook in the YAML format load_codebook reads."""
        d = self.to_dict()
        for t in d["themes"]:
            if "description" in t:
                t["description"] = _Folded(t["description"])
        # Lists one item a line: long flow lists wrap mid-phrase, and a diff
        # should show the one keyword that changed.
        return yaml.dump(d, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)

    def save(self, path: str | Path | None = None) -> Path:
        """Write YAML (or REFI-QDA when the name ends in .qdc); returns the path."""
        target = Path(path or self.path or "")
        if not target.name:
            raise InputError("no path to save the codebook to")
        if target.suffix.lower() == ".qdc":
            return export_qdc(self, target)
        if target.suffix.lower() not in YAML_SUFFIXES:
            raise InputError("save a codebook as .yaml (or .qdc for QDA software)", file=target)
        from .atomic import write_text  # a codebook staff keep must never be left half-written
        return write_text(target, self.to_yaml())


def save_added_theme(book: Codebook, path: str | Path) -> Path:
    """Save ``book``, made by ``add_theme`` from the codebook in the YAML file ``path``, keeping
    the file as staff wrote it (comments, order, layout): the new theme is appended as a block
    under the last theme. When that would not read back as ``book`` (themes not the file's last
    key, a flow list), the file is saved whole as ``save`` does."""
    from .atomic import write_text

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig") if path.suffix.lower() in YAML_SUFFIXES else ""
    except (OSError, UnicodeDecodeError):
        text = ""
    indent = _theme_indent(text) if text else None
    if indent is not None:
        block = yaml.dump([_yaml_theme(book.themes[-1])], Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                          width=88)
        candidate = text.rstrip("\n") + "\n" + "".join(indent + line if line.strip() else line
                                                      for line in block.splitlines(keepends=True))
        try:
            kept = _from_yaml(candidate, str(path))
        except InputError:
            kept = None
        if kept is not None and kept.to_dict() == book.to_dict():
            return write_text(path, candidate)
    return book.save(path)


def _theme_indent(text: str) -> str | None:
    """The indentation of the dash of each theme in a block list under 'themes:'; None when
    the file is not written that way."""
    try:
        _, node = load_with_node(text)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    themes = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "themes"]
    if not themes or not isinstance(themes[0], yaml.SequenceNode) or themes[0].flow_style or not themes[0].value:
        return None
    column = themes[0].value[0].start_mark.column - 2  # "- " comes before the theme's first key
    return " " * column if column >= 0 else None


def _yaml_theme(theme: Theme) -> dict[str, Any]:
    d = theme.to_dict()
    if "description" in d:
        d["description"] = _Folded(d["description"])
    return d


# --- YAML output -------------------------------------------------------------

class _Folded(str):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write YAML.
        return super().increase_indent(flow, False)


_Dumper.add_representer(
    _Folded, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style=">"))


# --- loading -----------------------------------------------------------------

def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook: YAML (full, or a bare list of labels), a
    text file with one label per line, or REFI-QDA .qdc."""
    path = Path(path)
    if path.suffix.lower() == ".qdc":
        return import_qdc(path)
    text = read_yaml_text(path, "codebook file")  # also the size limit for label lists
    if path.suffix.lower() in YAML_SUFFIXES:
        return _from_yaml(text, str(path))
    return _from_lines(text, str(path))


def import_qdc(path: str | Path, *, survey: str | None = None, question: str | None = None,
               label: str | None = None) -> Codebook:
    """Read a REFI-QDA codebook (.qdc, or a .qdpx's Project.xml) as a Codebook.
    Lenient: a code without a usable textmine id gets one slugged from its name."""
    doc = read_qdc(path)
    file = str(path)
    themes: list[Theme] = []
    notes: list[str] = []
    taken: set[str] = set()  # theme ids so far (a set: 10,000 codes must not cost n²)
    for code in doc.codes:  # parents come before their children
        theme_id = code.fields.get("id")
        if not theme_id or not ID_PATTERN.match(theme_id) or theme_id in taken:
            if theme_id:
                notes.append(f"line {code.line}: id '{theme_id}' unusable, slugged from the name")
            theme_id = slugify(code.name, taken)
        themes.append(Theme(id=theme_id, label=code.name, description=code.description,
                            keywords=tuple(code.fields.get("keywords", ())),
                            patterns=tuple(code.fields.get("patterns", ())),
                            examples=tuple(code.fields.get("examples", ())),
                            parent=None if code.parent is None else themes[code.parent].id,
                            exclusive=code.fields.get("exclusive", False)))
        taken.add(theme_id)
    try:
        validate_themes(themes)
    except ThemeProblem as p:
        row = doc.codes[p.index].line if p.index is not None else doc.line
        raise InputError(p.message, file=file, row=row) from None
    if doc.sets:
        notes.append(f"{len(doc.sets)} set(s) ignored, textmine codebooks have "
                     f"no sets: {', '.join(doc.sets)}")
    not_codable = [c.name for c in doc.codes if not c.codable]
    if not_codable:
        notes.append("codes marked not codable imported as themes (parents): "
                     + ", ".join(not_codable))
    return Codebook(themes=tuple(themes), survey=survey or doc.origin.get("survey"),
                    question=question or doc.origin.get("question"),
                    label=label or doc.origin.get("label") or "", path=file,
                    notes=tuple(notes))


def _from_lines(text: str, file: str) -> Codebook:
    """One label per line; blank lines, '#' comments and list bullets ignored."""
    themes: list[Theme] = []
    taken: set[str] = set()
    seen: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        label = _clean(re.sub(r"^\s*(?:[-*•]\s+)", "", line))
        if not label or label.startswith("#"):
            continue
        if label.casefold() in seen:
            raise InputError(f"label '{label}' is listed twice (first on line "
                             f"{seen[label.casefold()]})", file=file, row=n)
        seen[label.casefold()] = n
        themes.append(Theme(id=slugify(label, taken), label=label))
        taken.add(themes[-1].id)
    if not themes:
        raise InputError("the codebook lists no themes", file=file)
    return Codebook(themes=tuple(themes), path=file)


@lru_cache(maxsize=64)
def _from_yaml(text: str, file: str) -> Codebook:
    # Kept per (text, file): a codebook is immutable, and the demo read each one seven
    # times (coding, topics, report, comparison, catalogue, export): ~0.07 s each, parse
    # and pattern checks. The text is read every time, so an edited file is parsed anew.
    try:
        # The shared safe loader: no alias bombs, no deep nesting (textmine.safeyaml).
        data, node = load_with_node(text)
        lines: dict[tuple, int] = {}
        if node is not None:
            _walk(node, (), lines, file)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, file) from None

    def line(where: tuple) -> int | None:
        while where:  # the most precise place we know
            if where in lines:
                return lines[where]
            where = where[:-1]
        return lines.get(())

    meta: dict[str, Any] = {}
    raw_themes: Any = data
    base: tuple = ()
    if isinstance(data, list):
        pass
    elif isinstance(data, dict):
        unknown = set(map(str, data)) - set(CODEBOOK_KEYS)
        if unknown:
            raise InputError(f"unknown key(s) {', '.join(sorted(unknown))}; allowed: "
                             f"{', '.join(CODEBOOK_KEYS)}", file=file, row=line(()))
        raw_themes, base = data.get("themes"), ("themes",)
        if not isinstance(raw_themes, list) or not raw_themes:
            raise InputError("'themes' must be a list of themes", file=file, row=line(base))
        meta = data
    else:
        raise InputError("a codebook is a mapping with 'themes', or a list of theme labels",
                         file=file, row=line(()))

    themes: list[Theme] = []
    taken: set[str] = set()
    try:
        for i, raw in enumerate(raw_themes):
            themes.append(_theme_from_raw(raw, i, taken))
            taken.add(themes[-1].id)
        validate_themes(themes)
    except ThemeProblem as p:
        where = base + ((p.index,) + p.where if p.index is not None else ())
        raise InputError(p.message, file=file, row=line(where)) from None
    ident = {k: (str(meta[k]) if meta.get(k) is not None else None) for k in ("survey", "question")}
    for key, value in ident.items():
        if value is not None and not _SURVEY_ID.match(value):
            raise InputError(f"{key} '{value}' must be letters, digits and underscores",
                             file=file, row=line((key,)))
    return Codebook(themes=tuple(themes), survey=ident["survey"], question=ident["question"],
                    label=str(meta.get("label") or ""), path=file)


def _walk(node: yaml.Node, path: tuple, lines: dict[tuple, int], file: str) -> None:
    """Remember the line of every mapping value and list item, and refuse
    repeated keys (PyYAML would silently keep the last)."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in seen:
                raise InputError(f"key '{key}' is repeated", file=file,
                                 row=key_node.start_mark.line + 1)
            seen.add(key)
            _walk(value_node, path + (key,), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, file)


def _theme_from_raw(raw: Any, i: int, taken: Collection[str]) -> Theme:
    """A theme from a YAML list item: a label, or a mapping of THEME_KEYS."""
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        label = _clean(raw)
        if not label:
            raise ThemeProblem("empty theme label", i)
        return Theme(id=slugify(label, taken), label=label)
    if not isinstance(raw, dict):
        raise ThemeProblem("a theme is a label or a mapping with id, label, description, ...", i)
    unknown = set(map(str, raw)) - set(THEME_KEYS)
    if unknown:
        raise ThemeProblem(f"theme '{raw.get('id', raw.get('label', '?'))}': unknown key(s) "
                       f"{', '.join(sorted(unknown))}; allowed: {', '.join(THEME_KEYS)}", i)
    if not isinstance(raw.get("label") or "", (str, int, float)) or isinstance(raw.get("label"), bool):
        # 'label: [a, b]' or 'label: yes' would be stored as the text "['a', 'b']" or "True"
        raise ThemeProblem(f"theme '{raw.get('id', '?')}': 'label' must be text", i, ("label",))
    label = _clean(raw.get("label") or "")
    if not label:
        raise ThemeProblem(f"theme '{raw.get('id', '?')}': 'label' is required", i)
    theme_id = raw.get("id")
    theme_id = slugify(label, taken) if theme_id is None else str(theme_id)

    def str_list(key: str) -> tuple[str, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]  # "keywords: gros" means one keyword
        if not isinstance(value, list):
            raise ThemeProblem(f"theme '{theme_id}': '{key}' must be a list", i, (key,))
        for j, v in enumerate(value):
            if not isinstance(v, (str, int, float)) or isinstance(v, bool) or not str(v).strip():
                raise ThemeProblem(f"theme '{theme_id}': {key} item {j + 1} must be non-empty text",
                               i, (key, j))
        return tuple(str(v) for v in value)

    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        raise ThemeProblem(f"theme '{theme_id}': 'description' must be text", i, ("description",))
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise ThemeProblem(f"theme '{theme_id}': 'parent' must be a theme id", i, ("parent",))
    exclusive = raw.get("exclusive", False)
    if not isinstance(exclusive, bool):
        raise ThemeProblem(f"theme '{theme_id}': 'exclusive' must be true or false", i, ("exclusive",))
    return Theme(id=theme_id, label=label, description=description or "",
                 keywords=str_list("keywords"), patterns=str_list("patterns"),
                 examples=str_list("examples"), parent=parent, exclusive=exclusive)
