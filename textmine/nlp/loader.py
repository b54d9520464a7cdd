"""Choose a Dutch spaCy pipeline and add textmine's components to it.

``load_pipeline`` tries, in order, and records which level it used:

1. ``configured`` — the name passed in, or ``$TEXTMINE_SPACY_PIPELINE``: an
   installed package name or a path. Failing to load it is an error (the
   user asked for it), not a silent fallback.
2. ``installed`` — spaCy's own ``nl_core_news_lg`` / ``_md`` / ``_sm``.
3. ``shipped`` — textmine's trained ``models/nl_textmine_core`` (its
   ``textmine_lemma_backup`` factory is registered by importing
   ``textmine.nlp.lemmas`` first; spaCy alone finds it through textmine's
   ``spacy_factories`` entry points).
4. ``blank`` — ``spacy.blank("nl")`` with spaCy's lemmatizer in ``lookup``
   mode, tables from spacy-lookups-data (the default ``rule`` mode needs POS
   tags and would silently leave lemmas empty). A warning says so.

Nothing is downloaded. Then textmine's components are added to whatever was
chosen: the normalising tokenizer wrapper, ``textmine_entities``,
``textmine_pii``, ``textmine_clean`` and ``textmine_flags``; their configs
can be overridden per component.

A trained pipeline is loaded once per process: ``load_pipeline`` hands the same
``(nlp, info)`` to every caller asking for the same model (its folder and time
stamp, or package version) with the same component settings (cleaning and the
topics' theme words both need it; loading takes ~1.5 s). Callers only run it,
never change it. ``cache=False`` gives a private copy; ``clear_cache()`` forgets.
The blank fallback is not kept (cheap, and its warning is repeated each time).
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from textmine.nlp.normalize import install_normalizer
from textmine.paths import models_dir

# Importing the modules registers their factories.
from textmine.nlp import cleaning, entities, flags, pii  # noqa: F401  isort:skip

log = logging.getLogger(__name__)

ENV_PIPELINE = "TEXTMINE_SPACY_PIPELINE"
ENV_MODELS_DIR = "TEXTMINE_MODELS_DIR"
INSTALLED_PACKAGES = ("nl_core_news_lg", "nl_core_news_md", "nl_core_news_sm")
SHIPPED_NAME = "nl_textmine_core"
LEMMAS_MODULE = "textmine.nlp.lemmas"
TEXTMINE_COMPONENTS = ("textmine_entities", "textmine_pii", "textmine_clean", "textmine_flags")

Level = str  # "configured" | "installed" | "shipped" | "blank"


class PipelineFallbackWarning(UserWarning):
    """No trained Dutch pipeline was found; textmine uses a blank one."""


@dataclass(frozen=True)
class PipelineInfo:
    """What a run used; store it with the run's results."""

    name: str                 # package name, path, or "blank:nl"
    version: str              # the pipeline's meta version ("0.0.0" for blank)
    level: Level              # configured | installed | shipped | blank
    spacy_version: str
    components: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["components"] = list(self.components)
        data["warnings"] = list(self.warnings)
        return data


def shipped_model_path() -> Path | None:
    """The shipped model's folder (the one holding config.cfg), if present.

    Looked for in $TEXTMINE_MODELS_DIR and the repository's models/; a spaCy
    package layout (nl_textmine_core/nl_textmine_core-x.y.z/) is accepted."""
    for root in (models_dir(),):
        base = root / SHIPPED_NAME
        if not base.is_dir():
            continue
        if (base / "config.cfg").is_file():
            return base
        for cfg in sorted(base.glob("*/config.cfg")) + sorted(base.glob("*/*/config.cfg")):
            return cfg.parent
    return None


def import_lemmas_module() -> bool:
    """Import textmine.nlp.lemmas (registers textmine_lemma_backup) if it exists."""
    if importlib.util.find_spec(LEMMAS_MODULE) is None:
        return False
    importlib.import_module(LEMMAS_MODULE)
    return True


def is_installed(package: str) -> bool:
    """True when the spaCy pipeline package ``package`` is installed."""
    return spacy.util.is_package(package)


def blank_pipeline() -> Language:
    """``spacy.blank('nl')`` with a lookup lemmatizer (spacy-lookups-data)."""
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def _choose(name: str | None) -> tuple[Language, str, Level, list[str]]:
    notes: list[str] = []
    configured = name or os.environ.get(ENV_PIPELINE) or None
    if configured:
        import_lemmas_module()  # a trained textmine model may be named by path
        return spacy.load(configured), configured, "configured", notes
    for package in INSTALLED_PACKAGES:
        if is_installed(package):
            return spacy.load(package), package, "installed", notes
    shipped = shipped_model_path()
    if shipped is not None:
        try:
            import_lemmas_module()
            return spacy.load(shipped), str(shipped), "shipped", notes
        except Exception as err:  # a broken model must not stop a run
            note = f"could not load the shipped model {shipped}: {err}"
            log.warning(note)
            notes.append(note)
    note = ("no trained Dutch spaCy pipeline found (nl_core_news_* or models/nl_textmine_core); "
            "using spacy.blank('nl') with lookup lemmas: no POS tags, parser or statistical NER")
    warnings.warn(note, PipelineFallbackWarning, stacklevel=3)
    notes.append(note)
    return blank_pipeline(), "blank:nl", "blank", notes


def describe_pipeline(name: str | None = None) -> tuple[str, str, Level]:
    """(name, version, level) that ``load_pipeline(name)`` would use, without loading it.

    Lets a run check its cache before paying for a model load; mirrors ``_choose``.
    """
    configured = name or os.environ.get(ENV_PIPELINE) or None
    candidates: list[tuple[str, Level]] = []
    if configured:
        candidates.append((configured, "configured"))
    else:
        candidates += [(p, "installed") for p in INSTALLED_PACKAGES if is_installed(p)]
        shipped = shipped_model_path()
        if shipped is not None:
            candidates.append((str(shipped), "shipped"))
    for candidate, level in candidates[:1]:
        meta = Path(candidate) / "meta.json"
        if meta.is_file():
            import json
            return candidate, str(json.loads(meta.read_text(encoding="utf-8")).get("version", "")), level
        version = spacy.util.get_package_version(candidate)
        if version:
            return candidate, version, level
    return "blank:nl", "0.0.0", "blank"


def add_textmine_components(nlp: Language, config: dict[str, dict[str, Any]] | None = None) -> Language:
    """Add textmine's normaliser and components to ``nlp`` (idempotent).

    ``config`` maps a component name to config overrides, e.g.
    ``{"textmine_flags": {"very_long_words": 400}}``."""
    config = config or {}
    unknown = set(config) - set(TEXTMINE_COMPONENTS)
    if unknown:
        raise ValueError(f"unknown textmine components in config: {sorted(unknown)}")
    install_normalizer(nlp)
    for component in TEXTMINE_COMPONENTS:
        if component not in nlp.pipe_names:
            nlp.add_pipe(component, config=config.get(component, {}))
    return nlp


_LOADED: dict[tuple, tuple[Language, PipelineInfo]] = {}


def clear_cache() -> None:
    """Forget the pipelines loaded so far (the next ``load_pipeline`` loads anew)."""
    _LOADED.clear()


def _source_id(name: str) -> tuple | None:
    """What identifies a model's files: folder + config time stamp, or package + version."""
    path = Path(name)
    cfg = path / "config.cfg"
    if cfg.is_file():
        st = cfg.stat()
        return ("path", str(path.resolve()), st.st_mtime_ns, st.st_size)
    version = spacy.util.get_package_version(name)
    return ("package", name, version) if version else None


def _cache_key(name: str | None, components: bool,
               config: dict[str, dict[str, Any]] | None) -> tuple | None:
    """The key ``load_pipeline`` keeps a pipeline under; None: do not keep (mirrors ``_choose``)."""
    configured = name or os.environ.get(ENV_PIPELINE) or None
    source: tuple | None = None
    if configured:
        source = _source_id(configured)
        level = "configured"
    else:
        installed = next((p for p in INSTALLED_PACKAGES if is_installed(p)), None)
        shipped = shipped_model_path() if installed is None else None
        level = "installed" if installed else "shipped"
        if installed or shipped:
            source = _source_id(installed or str(shipped))
    if source is None:
        return None
    settings = ""
    if components:
        config = config or {}
        if set(config) - set(TEXTMINE_COMPONENTS):
            return None  # add_textmine_components raises on it
        # defaults filled in: {} and the defaults spelled out are the same pipeline
        full = {c: {**Language.get_factory_meta(c).default_config, **config.get(c, {})}
                for c in TEXTMINE_COMPONENTS}
        settings = json.dumps(full, sort_keys=True, default=str)
    return (level, source, components, settings)


def load_pipeline(name: str | None = None, *, components: bool = True,
                  config: dict[str, dict[str, Any]] | None = None,
                  cache: bool = True) -> tuple[Language, PipelineInfo]:
    """Load the best available Dutch pipeline (see module doc) and add
    textmine's components (unless ``components=False``).

    A trained pipeline is loaded once per process and shared (``cache=False``: a fresh one)."""
    key = _cache_key(name, components, config) if cache else None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    loaded = _load_pipeline(name, components=components, config=config)
    if key is not None and loaded[1].level != "blank":
        _LOADED[key] = loaded
    return loaded


def _load_pipeline(name: str | None, *, components: bool,
                   config: dict[str, dict[str, Any]] | None) -> tuple[Language, PipelineInfo]:
    nlp, chosen, level, notes = _choose(name)
    if components:
        add_textmine_components(nlp, config)
    info = PipelineInfo(
        name=chosen,
        version=str(nlp.meta.get("version", "")),
        level=level,
        spacy_version=spacy.__version__,
        components=tuple(nlp.pipe_names),
        warnings=tuple(notes),
    )
    return nlp, info
