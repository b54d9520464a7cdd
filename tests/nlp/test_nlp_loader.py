"""load_pipeline picks configured > installed nl_core_news > shipped > blank."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import spacy

from textmine.nlp import loader
from textmine.nlp.loader import TEXTMINE_COMPONENTS, PipelineFallbackWarning, load_pipeline, shipped_model_path


@pytest.fixture
def nothing_installed(monkeypatch):
    """No spaCy model packages, no shipped model, no configured name."""
    monkeypatch.delenv(loader.ENV_PIPELINE, raising=False)
    monkeypatch.setattr(loader, "is_installed", lambda package: False)
    monkeypatch.setattr(loader, "shipped_model_path", lambda: None)


@pytest.fixture(scope="module")
def saved_pipeline(tmp_path_factory) -> Path:
    """A tiny pipeline on disk, standing in for a trained model."""
    path = tmp_path_factory.mktemp("models") / "nl_textmine_core"
    nlp = spacy.blank("nl")
    nlp.meta["name"] = "textmine_core"
    nlp.meta["version"] = "9.9.9"
    nlp.add_pipe("sentencizer")
    nlp.to_disk(path)
    return path


def test_blank_fallback(nothing_installed) -> None:
    with pytest.warns(PipelineFallbackWarning):
        nlp, info = load_pipeline()
    assert info.level == "blank" and info.name == "blank:nl"
    assert info.components == ("lemmatizer", *TEXTMINE_COMPONENTS)
    assert info.warnings and "blank" in info.warnings[0]
    assert nlp.get_pipe("lemmatizer").mode == "lookup"
    doc = nlp("De gemeenten organiseerden wereldmarkten in Gent.")
    assert [t.lemma_ for t in doc][2:4] == ["organiseren", "wereldmarkt"]
    assert info.to_dict()["level"] == "blank"


def test_installed_package_is_preferred_over_shipped(monkeypatch, saved_pipeline) -> None:
    monkeypatch.delenv(loader.ENV_PIPELINE, raising=False)
    monkeypatch.setattr(loader, "is_installed", lambda package: package == "nl_core_news_md")
    monkeypatch.setattr(loader, "shipped_model_path", lambda: saved_pipeline)
    loaded = []

    def fake_load(name, *args, **kwargs):
        loaded.append(name)
        nlp = spacy.blank("nl")
        nlp.meta["version"] = "3.8.0"
        return nlp

    monkeypatch.setattr(spacy, "load", fake_load)
    nlp, info = load_pipeline()
    assert loaded == ["nl_core_news_md"]
    assert (info.level, info.name, info.version) == ("installed", "nl_core_news_md", "3.8.0")
    assert set(TEXTMINE_COMPONENTS) <= set(nlp.pipe_names)


def test_shipped_model(monkeypatch, saved_pipeline) -> None:
    monkeypatch.delenv(loader.ENV_PIPELINE, raising=False)
    monkeypatch.setattr(loader, "is_installed", lambda package: False)
    monkeypatch.setattr(loader, "shipped_model_path", lambda: saved_pipeline)
    imported = []
    monkeypatch.setattr(loader, "import_lemmas_module", lambda: imported.append(True) or True)
    nlp, info = load_pipeline()
    assert imported, "textmine.nlp.lemmas must be imported before loading the shipped model"
    assert (info.level, info.name, info.version) == ("shipped", str(saved_pipeline), "9.9.9")
    assert nlp.pipe_names[0] == "sentencizer"


def test_broken_shipped_model_falls_back_to_blank(monkeypatch, tmp_path) -> None:
    broken = tmp_path / "nl_textmine_core"
    broken.mkdir()
    (broken / "config.cfg").write_text("[nlp]\nlang = \"xx-broken\"\n")
    monkeypatch.delenv(loader.ENV_PIPELINE, raising=False)
    monkeypatch.setattr(loader, "is_installed", lambda package: False)
    monkeypatch.setattr(loader, "shipped_model_path", lambda: broken)
    with pytest.warns(PipelineFallbackWarning):
        _, info = load_pipeline()
    assert info.level == "blank"
    assert any("could not load the shipped model" in w for w in info.warnings)


def test_configured_name_and_env(monkeypatch, saved_pipeline) -> None:
    monkeypatch.setattr(loader, "is_installed", lambda package: True)  # must not be consulted
    _, info = load_pipeline(str(saved_pipeline))
    assert (info.level, info.name) == ("configured", str(saved_pipeline))
    monkeypatch.setenv(loader.ENV_PIPELINE, str(saved_pipeline))
    _, info = load_pipeline()
    assert info.level == "configured"


def test_configured_name_that_does_not_load_is_an_error(monkeypatch) -> None:
    monkeypatch.delenv(loader.ENV_PIPELINE, raising=False)
    with pytest.raises(OSError):
        load_pipeline("nl_no_such_pipeline_xyz")


def test_shipped_model_path_finds_package_layout(monkeypatch, tmp_path, saved_pipeline) -> None:
    nested = tmp_path / "nl_textmine_core" / "nl_textmine_core-0.1.0"
    nested.parent.mkdir()
    spacy.load(saved_pipeline).to_disk(nested)
    monkeypatch.setenv(loader.ENV_MODELS_DIR, str(tmp_path))
    assert shipped_model_path() == nested


def test_components_false_and_config(nothing_installed) -> None:
    with pytest.warns(PipelineFallbackWarning):
        nlp, info = load_pipeline(components=False)
    assert info.components == ("lemmatizer",)
    with pytest.raises(ValueError):
        loader.add_textmine_components(nlp, {"textmine_nope": {}})


def test_lemmas_module_is_importable_when_present() -> None:
    # textmine/nlp/lemmas.py is owned by the model helper; importing it must work
    assert loader.import_lemmas_module() is ("textmine.nlp.lemmas" in sys.modules)
