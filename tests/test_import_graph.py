"""The package's import graph has no cycles, imports inside functions included.

A cycle hidden in a function still ties two stages together (and breaks as
soon as someone moves the import up), so every ``import`` and ``from ...
import`` anywhere in a module counts. A package's ``__init__`` that imports a
submodule which imports the package back is a cycle too.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "textmine"


def module_files(package_dir: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under ``package_dir``."""
    top = package_dir.name
    out: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [top, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _existing(name: str, modules: dict[str, Path]) -> str | None:
    """``name`` or its nearest enclosing module that is in the package (None: outside it)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``module`` imports, at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    # the package a relative import starts from: the module's own for an __init__
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _existing(alias.name, modules)
                if target:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if _existing(source, modules) is None:
                continue  # not ours
            for alias in node.names:
                # ``from . import x``: the submodule x when there is one, else a name of the package
                sub = f"{source}.{alias.name}"
                found.add(sub if sub in modules else _existing(source, modules))
    found.discard(module)
    return found


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    modules = module_files(package_dir)
    return {m: imports_of(m, p, modules) for m, p in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None. Iterative DFS (no recursion limit)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {m: WHITE for m in graph}
    for start in sorted(graph):
        if colour[start] != WHITE:
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        colour[start] = GREY
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                colour[node] = BLACK
                stack.pop()
                path.pop()
            elif colour.get(nxt, BLACK) == GREY:
                return path[path.index(nxt):] + [nxt]
            elif colour.get(nxt) == WHITE:
                colour[nxt] = GREY
                stack.append((nxt, iter(sorted(graph[nxt]))))
                path.append(nxt)
    return None


def test_textmine_has_no_import_cycles() -> None:
    graph = import_graph(PACKAGE_ROOT)
    assert len(graph) > 50 and "textmine.coders.combined" in graph  # the walk found the package
    assert graph["textmine.coders.combined"] >= {"textmine.coders.supervised"}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


# --- the checker itself: it must see every kind of import -----------------------------

def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for sub in {p.parent for p in root.rglob("*.py")}:
        (sub / "__init__.py").touch()
    return root


def test_checker_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "a.py": "from .b import x\n",
        "b.py": "def f():\n    from pkg import a\n    return a\n",
    })
    assert find_cycle(import_graph(root)) == ["pkg.a", "pkg.b", "pkg.a"]


def test_checker_resolves_from_dot_import_to_submodules(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "sub/one.py": "from . import two\n",
        "sub/two.py": "import pkg.sub.one\n",
        "c.py": "from .sub import one\n",
    })
    graph = import_graph(root)
    assert graph["pkg.c"] == {"pkg.sub.one"}  # the submodule, not the package
    assert find_cycle(graph) == ["pkg.sub.one", "pkg.sub.two", "pkg.sub.one"]


def test_checker_sees_a_package_init_imported_back(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "from .store import Store\n__version__ = '1'\n",
        "store.py": "from . import __version__\nclass Store: ...\n",
    })
    assert find_cycle(import_graph(root)) == ["pkg", "pkg.store", "pkg"]


def test_checker_passes_a_layered_package(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "from .top import run\n",
        "top.py": "from .low import f\nfrom . import low\ndef run():\n    import pkg.low\n",
        "low.py": "import json\nfrom os import path\ndef f(): ...\n",
    })
    assert find_cycle(import_graph(root)) is None
