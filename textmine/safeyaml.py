"""The one YAML loader for every file a user gives textmine.

Schemas, codebooks, report specs and project settings are all read with
``SafeLoader`` (PyYAML's safe loader with limits), so none of them can:

* expand an alias bomb ("billion laughs": 346 bytes that expand to 1.1 GB):
  at most ``MAX_ALIASES`` aliases (``*name``) per document, the document
  expanded at most ``MAX_NODES`` values, and no alias inside its own anchor;
  an anchor for a repeated option list (``options: *agree``) stays fine;
* nest deeper than ``MAX_DEPTH`` (PyYAML's composer recurses: 20,000 ``[``
  crash it with a RecursionError);
* be larger than ``MAX_BYTES``;
* repeat a key in a mapping (PyYAML would keep the last without a word).

Each refusal is a ``YamlLimitError`` (a ``yaml.YAMLError``, so existing
handlers catch it) that ``errors.yaml_error`` turns into one line naming the
file and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import InputError

MAX_BYTES = 4 * 1024 * 1024   # a schema of 1,000 questions is about 200 KB
MAX_DEPTH = 64                # textmine's files nest 5 levels deep
MAX_ALIASES = 200
MAX_NODES = 200_000           # values after expanding aliases


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML file refused for its size, depth or aliases (not a syntax error)."""

    limit = True


class SafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with limits on size, nesting and aliases."""

    max_bytes = MAX_BYTES
    max_depth = MAX_DEPTH
    max_aliases = MAX_ALIASES
    max_nodes = MAX_NODES

    def __init__(self, stream: Any) -> None:
        # Refused when composing, not here: callers create the loader outside their try.
        self._too_large = len(stream) if isinstance(stream, (str, bytes)) and \
            len(stream) > self.max_bytes else 0
        super().__init__("" if self._too_large else stream)
        self._depth = 0
        self._aliases = 0
        self._sizes: dict[int, int] = {}

    def get_single_node(self) -> Node | None:
        self._check_size()
        return super().get_single_node()

    def get_node(self) -> Node | None:
        self._check_size()
        return super().get_node()

    def _check_size(self) -> None:
        if self._too_large:
            raise YamlLimitError(problem=f"the file is {_size(self._too_large)}; a textmine YAML file "
                                         f"is at most {_size(self.max_bytes)}")

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            self._aliases += 1
            if self._aliases > self.max_aliases:
                raise YamlLimitError(problem=f"more than {self.max_aliases} aliases (*name); refused "
                                             "as a possible alias bomb", problem_mark=event.start_mark)
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:
                raise YamlLimitError(problem=f"alias *{event.anchor} is used inside its own anchor "
                                             "(a loop)", problem_mark=event.start_mark)
            return node
        start = self.peek_event().start_mark
        self._depth += 1
        if self._depth > self.max_depth:
            raise YamlLimitError(problem=f"nested more than {self.max_depth} levels deep",
                                 problem_mark=start)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, MappingNode):
            _refuse_repeated_keys(node)
        if isinstance(node, ScalarNode):
            size = 1
        elif isinstance(node, SequenceNode):
            size = 1 + sum(self._sizes.get(id(n), 1) for n in node.value)
        elif isinstance(node, MappingNode):
            size = 1 + sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
        else:  # pragma: no cover
            size = 1
        if size > self.max_nodes:
            raise YamlLimitError(problem=f"expands to more than {self.max_nodes:,} values (aliases "
                                         "repeating aliases); refused as a possible alias bomb",
                                 problem_mark=start)
        self._sizes[id(node)] = size
        return node


def _refuse_repeated_keys(node: MappingNode) -> None:
    # PyYAML keeps the last of two equal keys without a word: 'quotes: 3' and further down
    # 'quotes: 5', or a copied, half-edited question block, would silently win or lose.
    seen: set[str] = set()
    for key, _ in node.value:
        if isinstance(key, ScalarNode) and key.tag != "tag:yaml.org,2002:merge":  # '<<' may be overridden
            if key.value in seen:
                raise ComposerError(None, None, f"key '{key.value}' is repeated", key.start_mark)
            seen.add(key.value)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def read_yaml_text(path: str | Path, what: str = "file") -> str:
    """A YAML file's text (UTF-8, BOM allowed), refused when larger than MAX_BYTES
    before it is read into memory."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(SafeLoader.max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{what} not found", file=path) from None
    except IsADirectoryError:
        raise InputError(f"{what} is a folder, not a file", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", file=path) from None
    if len(data) > SafeLoader.max_bytes:
        raise InputError(f"{what} is larger than {_size(SafeLoader.max_bytes)}; a textmine YAML file "
                         "is much smaller (is this the right file?)", file=path)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Notepad's 'Unicode': UTF-16 with its byte-order mark
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: the UTF-8 error below
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The line, not the byte: an editor shows lines.
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"cannot read {what}: not UTF-8 text (saved as ANSI or Windows-1252?): save it "
                         "as UTF-8", file=path, row=line) from None


def load(text: str) -> Any:
    """The data of one YAML document, within the limits."""
    loader = SafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_with_node(text: str) -> tuple[Any, Node | None]:
    """Data and node tree of one document, composed once."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        return data, node
    finally:
        loader.dispose()
