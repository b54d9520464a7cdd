"""numba's compiled code persists between processes (textmine.numba_cache; issue 12, point 3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from textmine import numba_cache

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh(monkeypatch):
    """numba_cache's per-process state reset, the environment restored afterwards."""
    monkeypatch.setattr(numba_cache, "_configured", False)
    monkeypatch.setattr(numba_cache, "_dir", None)
    monkeypatch.delenv(numba_cache.NUMBA_ENV, raising=False)
    monkeypatch.delenv(numba_cache.ENV, raising=False)
    config = sys.modules.get("numba.core.config")
    if config is not None:
        monkeypatch.setattr(config, "CACHE_DIR", config.CACHE_DIR)
    return monkeypatch


def test_first_writable_candidate_is_used(fresh, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    fresh.setattr(numba_cache, "candidates", lambda: [blocked / "cache", tmp_path / "ok"])
    folder = numba_cache.versioned(tmp_path / "ok")
    assert numba_cache.configure() == folder and folder.parent == tmp_path / "ok"
    assert folder.is_dir() and "umap-" in folder.name and "pynndescent-" in folder.name
    import os
    assert os.environ[numba_cache.NUMBA_ENV] == str(folder)
    assert numba_cache.configure() == folder  # once per process


def test_nothing_writable_leaves_numba_as_it_was(fresh, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    fresh.setattr(numba_cache, "candidates", lambda: [blocked / "a", blocked / "b"])
    assert numba_cache.configure() is None
    import os
    assert numba_cache.NUMBA_ENV not in os.environ
    assert numba_cache.enable_caching() == 0


def test_users_numba_cache_dir_wins_and_off_switches_off(fresh, tmp_path):
    fresh.setenv(numba_cache.NUMBA_ENV, str(tmp_path / "mine"))
    assert numba_cache.configure() == tmp_path / "mine"
    fresh.setattr(numba_cache, "_configured", False)
    fresh.setenv(numba_cache.ENV, "off")
    assert numba_cache.configure() is None


def test_candidates_order(fresh, tmp_path):
    fresh.setenv(numba_cache.ENV, str(tmp_path / "own"))
    fresh.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    found = numba_cache.candidates()
    assert found[0] == tmp_path / "own" and found[-1] == tmp_path / "xdg" / "textmine" / "numba"
    if sys.prefix != sys.base_prefix:
        assert found[1] == Path(sys.prefix) / "var" / "textmine-numba"


PROBE_MODULE = '''
import numba, numpy as np

@numba.njit  # no cache=True, like most of UMAP
def total(x):
    s = 0.0
    for v in x:
        s += v * v
    return s
'''

PROBE_RUN = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
from textmine import numba_cache
folder = numba_cache.configure()
import numpy as np, tm_numba_probe
enabled = numba_cache.enable_caching(packages=("tm_numba_probe",))
value = tm_numba_probe.total(np.arange(5.0))
print(json.dumps({"folder": str(folder), "enabled": enabled, "value": value,
                  "hits": sum(tm_numba_probe.total.stats.cache_hits.values()),
                  "misses": sum(tm_numba_probe.total.stats.cache_misses.values())}))
'''


def test_compiled_code_is_loaded_by_the_next_process(tmp_path):
    """A function numba was not asked to cache: compiled in the first process, loaded in the second."""
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "tm_numba_probe.py").write_text(PROBE_MODULE)
    env = {"TEXTMINE_NUMBA_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(REPO)}
    runs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", PROBE_RUN, str(tmp_path / "mod")],
                              capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert runs[0]["folder"] == str(numba_cache.versioned(tmp_path / "cache")) and runs[0]["enabled"] == 1
    assert runs[0]["value"] == runs[1]["value"] == 30.0
    assert runs[0]["misses"] == 1 and runs[0]["hits"] == 0
    assert runs[1]["hits"] == 1 and runs[1]["misses"] == 0
    assert list((tmp_path / "cache").rglob("*.nbi"))


UMAP_PROBE = r'''
import json, os, sys
from textmine.topics.model import REDUCERS, TopicSettings
reducer = REDUCERS["umap"](200, TopicSettings())
import umap.umap_ as u
from numba.core.caching import NullCache
jitted = [v for v in vars(u).values() if hasattr(v, "_cache") and hasattr(v, "py_func")]
print(json.dumps({"env": os.environ.get("NUMBA_CACHE_DIR"), "jitted": len(jitted),
                  "cached": sum(not isinstance(v._cache, NullCache) for v in jitted),
                  "where": jitted[0]._cache._cache_path}))
'''


def test_textmine_turns_on_caching_for_umap_before_and_after_importing_it(tmp_path):
    import os

    # the default folder (warm after scripts/setup.sh): a new one would make pynndescent
    # compile its eagerly typed functions at import, ~15 s
    env = {k: v for k, v in os.environ.items() if k not in (numba_cache.ENV, numba_cache.NUMBA_ENV)}
    env["PYTHONPATH"] = str(REPO)
    expected = next((numba_cache.versioned(p) for p in numba_cache.candidates()
                     if numba_cache.writable(numba_cache.versioned(p))), None)
    if expected is None:
        pytest.skip("no writable numba cache folder here")
    proc = subprocess.run([sys.executable, "-c", UMAP_PROBE], capture_output=True, text=True,
                          env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["env"] == str(expected)
    assert out["jitted"] >= 5 and out["cached"] == out["jitted"]
    assert out["where"].startswith(str(expected))
