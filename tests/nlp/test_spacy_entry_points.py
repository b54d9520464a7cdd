"""spaCy finds textmine's factories through entry points (issue 12, point 5).

``spacy.load("models/nl_textmine_core")`` must work in a fresh process that never
imported textmine: the model's config names ``textmine_lemma_backup``.
"""
from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "nl_textmine_core"


def declared() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["entry-points"]["spacy_factories"]


def factories_in_code() -> set[str]:
    """Every ``@Language.factory("name", ...)`` in the package, read from the source."""
    names = set()
    for path in (REPO / "textmine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "factory" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                names.add(node.args[0].value)
    return names


def test_every_factory_is_declared_and_points_at_its_function():
    entries = declared()
    assert set(entries) == factories_in_code()
    from spacy import registry
    for name, target in entries.items():
        module, _, func = target.partition(":")
        obj = getattr(importlib.import_module(module), func)
        assert registry.factories.get(name) is obj, name


def test_the_shipped_models_custom_factories_are_declared():
    cfg = (MODEL / "config.cfg").read_text(encoding="utf-8")
    used = {line.split("=", 1)[1].strip().strip('"') for line in cfg.splitlines()
            if line.startswith("factory =")}
    custom = {f for f in used if f.startswith("textmine_")}
    assert custom == {"textmine_lemma_backup"}
    assert custom <= set(declared())


def installed_in_fresh_process(tmp_path: Path) -> set[str]:
    """The spacy_factories entry points a fresh, isolated interpreter sees (not this
    process's sys.path, which may hold the worktree's own egg-info)."""
    code = ("import importlib.metadata as m; "
            "print(' '.join(e.name for e in m.entry_points(group='spacy_factories')))")
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    return set(proc.stdout.split())


def skip_unless_installed(tmp_path: Path) -> None:
    if not set(declared()) <= installed_in_fresh_process(tmp_path):
        pytest.skip(f"{sys.executable}'s installed textmine predates the spacy_factories entry "
                    "points: re-run scripts/setup.sh (pip install -e .)")


FRESH = r"""
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
doc = nlp("De gemeenten werkten samen met scholen en bibliotheken in Ghana.")
backup = nlp.get_pipe("lemma_backup")
eligible = [t for t in doc if t.pos_ not in backup.skip_pos and t.lower_ in backup.table]
print(json.dumps({
    "pipe_names": nlp.pipe_names,
    "backup_class": type(backup).__module__ + "." + type(backup).__name__,
    "table": len(backup.table),
    "pos": [t.pos_ for t in doc],
    "deps": [t.dep_ for t in doc],
    "eligible": len(eligible),
    "backed_up": sum(t.lemma_ == backup.table[t.lower_] for t in eligible),
}))
"""


@pytest.mark.skipif(not MODEL.is_dir(), reason="shipped model not present")
def test_spacy_load_in_a_fresh_process_without_importing_textmine(tmp_path):
    skip_unless_installed(tmp_path)
    # -I: isolated, so neither PYTHONPATH nor the working directory can import textmine for it
    proc = subprocess.run([sys.executable, "-I", "-c", FRESH, str(MODEL)], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["pipe_names"] == ["tok2vec", "morphologizer", "parser", "trainable_lemmatizer", "lemma_backup"]
    assert out["backup_class"] == "textmine.nlp.lemmas.LemmaBackup"
    assert out["table"] > 1000  # the lookup table came from the model folder
    assert all(out["pos"]) and "NOUN" in out["pos"] and "ROOT" in out["deps"]
    # threshold 1.01 in the model: every eligible token takes the table's lemma, i.e. the back-up ran
    assert out["eligible"] > 0 and out["backed_up"] == out["eligible"]


def test_a_saved_textmine_pipeline_loads_in_a_fresh_process(tmp_path):
    skip_unless_installed(tmp_path)
    from textmine.nlp import load_pipeline

    nlp, _ = load_pipeline(components=True)
    nlp.to_disk(tmp_path / "pipe")
    code = ("import json, sys, spacy; nlp = spacy.load(sys.argv[1]); "
            "doc = nlp('Wij werken samen met Amsterdam.'); "
            "print(json.dumps({'pipes': nlp.pipe_names, 'ents': [e.label_ for e in doc.ents]}))")
    proc = subprocess.run([sys.executable, "-I", "-c", code, str(tmp_path / "pipe")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["pipes"][-4:] == ["textmine_entities", "textmine_pii", "textmine_clean", "textmine_flags"]
    assert out["ents"]  # textmine_entities ran (Amsterdam is in the gazetteer)
