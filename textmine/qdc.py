"""REFI-QDA codebooks (.qdc): exchange themes with NVivo, ATLAS.ti, MAXQDA, QualCoder.

Export writes ``CodeBook > Codes > Code`` in the ``urn:QDA-XML:codebook:1.0``
namespace, children nested in their parent. GUIDs are uuid5 of the survey,
question and theme id, so exporting again gives the same file. The CodeBook's
``origin`` attribute carries survey, question and label. The codebook
standard has no place for keywords or examples, so they travel at the end of
the Description, after a line ``[textmine]``::

    Wat hoort erbij, wat niet.

    [textmine]
    id: financiele_steun
    exclusive: true
    keywords: stedenband; fair trade; wereldwinkel
    pattern: \\bsdg\\s*\\d+
    example: We steunen een waterproject in Benin.

Other tools show this as plain text and keep it; import reads it back. Import
is lenient: any codebook namespace (ATLAS.ti 9 writes ``...codebook:0:4``), a
``Project`` root (Project.xml of a .qdpx), names as labels with ids slugged
from them, Sets ignored with a note.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol
from xml.parsers import expat

from .atomic import write_bytes
from .errors import InputError

NAMESPACE = "urn:QDA-XML:codebook:1.0"
ORIGIN = "textmine"
MARKER = "[textmine]"
# Fixed namespace for textmine's GUIDs: uuid5(NAMESPACE_URL, "urn:textmine:codebook").
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:textmine:codebook")
_MARKER_LINE = re.compile(r"^[ \t]*\[textmine\][ \t]*$", re.MULTILINE)


# This module is the file format only: it writes any codebook shaped like these
# and reads codes into plain records; textmine.codebook builds its model from
# them (so the model can save itself as .qdc without a circular import).
class Theme(Protocol):
    """What the .qdc writer needs of a theme (textmine.codebook.Theme has it)."""

    id: str
    label: str
    description: str
    keywords: tuple[str, ...]
    patterns: tuple[str, ...]
    examples: tuple[str, ...]
    parent: str | None
    exclusive: bool


class Codebook(Protocol):
    """What the .qdc writer needs of a codebook (textmine.codebook.Codebook has it)."""

    themes: tuple[Theme, ...]
    survey: str | None
    question: str | None
    label: str

    def children(self, theme_id: str) -> Sequence[Theme]: ...


def code_guid(survey: str | None, question: str | None, theme_id: str) -> str:
    """Stable GUID of a theme of a survey's question (shared by .qdc and .qdpx exports)."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"{survey or ''}/{question or ''}/{theme_id}"))


def theme_guid(codebook: Codebook, theme_id: str) -> str:
    """Stable GUID of a theme: the same codebook exports the same GUIDs."""
    return code_guid(codebook.survey, codebook.question, theme_id)


# --- export ------------------------------------------------------------------

def export_qdc(codebook: Codebook, path: str | Path) -> Path:
    """Write the codebook as a REFI-QDA Codebook (.qdc); returns the path."""
    path = Path(path)
    root = ET.Element("CodeBook", {"xmlns": NAMESPACE, "origin": origin_text(codebook)})
    add_code_tree(ET.SubElement(root, "Codes"), codebook)
    ET.indent(root, space="  ")
    data = ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
    return write_bytes(path, data)


def add_code_tree(parent: ET.Element, codebook: Codebook, *,
                  guid: Callable[[str], str] | None = None,
                  name: Callable[[Theme], str] | None = None,
                  color: Callable[[Theme], str | None] | None = None) -> None:
    """Append the codebook's themes as nested ``Code`` elements (codebook or project
    namespace: the element names are the same). ``guid``, ``name`` and ``color``
    override the theme's GUID, shown name and colour (default: none)."""
    guid = guid or (lambda theme_id: theme_guid(codebook, theme_id))

    def add(into: ET.Element, theme: Theme) -> None:
        attrs = {"guid": guid(theme.id), "name": name(theme) if name else theme.label, "isCodable": "true"}
        if color and color(theme):
            attrs["color"] = str(color(theme))
        el = ET.SubElement(into, "Code", attrs)
        ET.SubElement(el, "Description").text = description_text(theme)
        for child in codebook.children(theme.id):
            add(el, child)

    for theme in codebook.themes:
        if theme.parent is None:
            add(parent, theme)


def origin_text(codebook: Codebook) -> str:
    """The CodeBook's origin: textmine, plus what the standard has no place for
    (survey, question, label), so that a round trip keeps them and the GUIDs."""
    parts = [ORIGIN]
    for key in ("survey", "question", "label"):  # label last: it may hold anything
        if getattr(codebook, key):
            parts.append(f"{key}={getattr(codebook, key)}")
    return "; ".join(parts)


_ORIGIN = re.compile(r"^textmine(?:; survey=(?P<survey>\w+))?(?:; question=(?P<question>\w+))?"
                     r"(?:; label=(?P<label>.*))?$")


def description_text(theme: Theme) -> str:
    """The Description of a code: the theme's description, then textmine's block."""
    block = [MARKER, f"id: {theme.id}"]
    if theme.exclusive:
        block.append("exclusive: true")
    if theme.keywords:
        block.append("keywords: " + "; ".join(theme.keywords))
    block += [f"pattern: {p}" for p in theme.patterns]
    block += [f"example: {e}" for e in theme.examples]
    head = theme.description + "\n\n" if theme.description else ""
    return head + "\n".join(block)


def parse_description(text: str) -> tuple[str, dict]:
    """Split a Description into free text and textmine's fields (if any).
    Unknown lines in the block are ignored, so hand edits do not break import."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = list(_MARKER_LINE.finditer(text))
    if not found:
        return text.strip(), {}
    last = found[-1]
    fields: dict = {"keywords": [], "patterns": [], "examples": []}
    for line in text[last.end():].split("\n"):
        key, sep, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            continue
        if key == "id":
            fields["id"] = value
        elif key == "exclusive":
            fields["exclusive"] = value.lower() in ("true", "ja", "yes", "1")
        elif key == "keywords":
            fields["keywords"] += [k.strip() for k in value.split(";") if k.strip()]
        elif key == "pattern":
            fields["patterns"].append(value)
        elif key == "example":
            fields["examples"].append(value)
    return text[:last.start()].strip(), fields


# --- import ------------------------------------------------------------------

@dataclass
class _Node:
    tag: str  # local name, namespace dropped
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def find(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]


MAX_DEPTH = 64  # a code tree is a few levels deep


def _parse(data: bytes, file: str) -> _Node:
    """Parse XML keeping each element's line (ElementTree does not keep them)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[_Node] = []
    roots: list[_Node] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:  # codes are imported recursively: no RecursionError
            raise InputError(f"elements nested more than {MAX_DEPTH} deep", file=file,
                             row=parser.CurrentLineNumber)
        node = _Node(name.rsplit(" ", 1)[-1], {k.rsplit(" ", 1)[-1]: v for k, v in attrs.items()},
                     parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(name: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        if stack:
            stack[-1].text.append(text)

    def no_entities(*args: object) -> None:
        # Entity declarations are how XML bombs work; a codebook never needs them.
        raise InputError("entity declarations are not allowed in a codebook", file=file,
                         row=parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = no_entities
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InputError(f"not valid XML: {expat.ErrorString(exc.code)}", file=file,
                         row=exc.lineno) from None
    return roots[0]


@dataclass(frozen=True)
class QdcCode:
    """One ``Code`` as read: its name, free description, textmine's fields from
    the description block, its parent (index into the codes) and its line."""

    name: str
    description: str
    fields: dict
    parent: int | None
    line: int
    codable: bool


@dataclass(frozen=True)
class QdcCodebook:
    """A REFI-QDA codebook as read: codes in document order (parents first)."""

    codes: tuple[QdcCode, ...]
    origin: dict[str, str]  # survey, question, label from textmine's origin attribute
    sets: tuple[str, ...]  # names of Sets (textmine codebooks have none)
    line: int  # line of the CodeBook element


def read_qdc(path: str | Path) -> QdcCodebook:
    """Read a REFI-QDA codebook (.qdc, or a .qdpx's Project.xml) as plain records."""
    path = Path(path)
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("codebook file not found", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read codebook: {exc}", file=path) from None
    root = _parse(data, file)
    book = root if root.tag == "CodeBook" else root.find("CodeBook") if root.tag == "Project" else None
    if book is None and root.tag == "Project":
        raise InputError("the project has no <CodeBook>", file=file, row=root.line)
    if book is None:
        raise InputError(f"not a REFI-QDA codebook: the root element is <{root.tag}>, "
                         "expected <CodeBook>", file=file, row=root.line)
    codes = book.find("Codes")
    if codes is None or not codes.findall("Code"):
        raise InputError("the codebook has no codes", file=file, row=book.line)

    found: list[QdcCode] = []

    def visit(node: _Node, parent: int | None) -> None:
        name = " ".join(node.attrs.get("name", "").split())
        if not name:
            raise InputError("<Code> without a name", file=file, row=node.line)
        desc_node = node.find("Description")
        description, extra = parse_description(
            "".join(desc_node.text) if desc_node is not None else "")
        codable = node.attrs.get("isCodable", "true").strip().lower() not in ("false", "0")
        found.append(QdcCode(name, description, extra, parent, node.line, codable))
        here = len(found) - 1
        for child in node.findall("Code"):
            visit(child, here)

    for code in codes.findall("Code"):
        visit(code, None)
    sets = book.find("Sets")
    set_names = tuple(s.attrs.get("name", "?") for s in sets.findall("Set")) if sets is not None else ()
    meta = _ORIGIN.match(book.attrs.get("origin", "").strip())
    origin = {k: v for k, v in (meta.groupdict() if meta else {}).items() if v}
    return QdcCodebook(tuple(found), origin, set_names, book.line)
