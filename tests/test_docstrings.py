"""Every public name has a docstring (issue 12, point 1).

Public: a module-level function or class of the ``textmine`` package whose name
has no leading underscore, and every public method of ``textmine.project.Project``
(the facade users call from Python). Read with ``ast``, so nothing is imported.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "textmine"
FACADE = ("project.py", "Project")

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def public_names(tree: ast.Module, facade: str | None = None) -> dict[str, bool]:
    """Public module-level functions and classes (and the public methods of class ``facade``,
    as ``Class.method``) -> whether each has a docstring."""
    out: dict[str, bool] = {}
    for node in tree.body:
        if not isinstance(node, _DEFS) or node.name.startswith("_"):
            continue
        out[node.name] = ast.get_docstring(node) is not None
        if isinstance(node, ast.ClassDef) and node.name == facade:
            for item in node.body:
                if isinstance(item, _DEFS) and not item.name.startswith("_"):
                    out[f"{node.name}.{item.name}"] = ast.get_docstring(item) is not None
    return out


def package_names() -> dict[str, bool]:
    """``path/in/textmine.py:name`` -> has a docstring, for every public name in the package."""
    out: dict[str, bool] = {}
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        rel = path.relative_to(PACKAGE_ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        facade = FACADE[1] if rel == FACADE[0] else None
        for name, documented in public_names(tree, facade).items():
            out[f"{rel}:{name}"] = documented
    return out


def test_every_public_name_has_a_docstring() -> None:
    missing = sorted(name for name, documented in package_names().items()
                     if not documented)
    assert not missing, f"{len(missing)} public name(s) without a docstring:\n" + "\n".join(missing)


def test_the_walk_sees_the_package_and_the_facade_methods() -> None:
    # Guards against a check that passes because it looks at nothing (moved package, renamed class).
    names = package_names()
    assert len(names) > 300
    methods = [n for n in names if n.startswith("project.py:Project.")]
    assert "project.py:Project.report" in methods and len(methods) > 20


def test_public_names_flags_what_lacks_a_docstring() -> None:
    tree = ast.parse('''
def documented():
    """Yes."""

def bare(): pass

async def bare_async(): pass

def _private(): pass

class Facade:
    """Yes."""
    def method(self): pass
    def told(self):
        """Yes."""
    def _helper(self): pass

class Other:
    def method(self): pass
''')
    assert public_names(tree, "Facade") == {
        "documented": True, "bare": False, "bare_async": False, "Facade": True,
        "Facade.method": False, "Facade.told": True, "Other": False}
