"""Coder persistence: a fitted coder saved beside the project's store, and loaded back
only for the codebook it was trained with (``Project.coder``: to score new texts in a
notebook without refitting)."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import atomic_path
from .codebook import Codebook
from .errors import InputError
from .version import __version__

CODERS_DIR = "coders"


def versions() -> dict[str, str]:
    """The library versions a saved coder or a run depends on."""
    import sklearn
    import spacy

    return {"textmine": __version__, "scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "spacy": spacy.__version__}


def save_coder(project: Path, survey: str, question: str, coder: Any, codebook: Codebook,
               embedder: str, n_human: int) -> Path:
    """Pickle the fitted coder with what it depends on (codebook hash, versions).

    Pretrained embedding models are not pickled: they are stored by name and
    rebuilt on load (they ship in their packages), which keeps the file small.
    """
    folder = Path(project) / CODERS_DIR
    folder.mkdir(exist_ok=True)
    path = folder / f"{survey}_{question}.pkl"
    meta = {"codebook_hash": codebook.hash, "embedder": embedder, "human_coded_answers": n_human,
            "versions": versions(), "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    with atomic_path(path) as tmp, tmp.open("wb") as fh:  # never leave a half-written coder behind
        _CoderPickler(fh, protocol=pickle.HIGHEST_PROTOCOL).dump({"meta": meta, "coder": coder})
    return path


class _CoderPickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> Any:
        from .embed import CachedEmbedder, Embedder

        if isinstance(obj, CachedEmbedder):  # holds the store's connection
            obj = obj.embedder
        if isinstance(obj, Embedder):
            if obj.is_fitted and not hasattr(obj, "_vectorizer"):
                arg = getattr(obj, obj.spec_arg, None) if obj.spec_arg else None
                return ("embedder", f"{obj.name}:{arg}" if arg else obj.name)
            return ("fitted", pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        return None


class _CoderUnpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        kind, value = pid
        if kind == "embedder":
            from .coders import resolve_embedder

            return resolve_embedder(value)
        if kind == "fitted":
            return pickle.loads(value)
        raise pickle.UnpicklingError(f"unknown persistent id {kind}")


def load_coder(project: Path, survey: str, question: str, codebook: Codebook) -> tuple[Any, dict[str, Any]]:
    """A saved coder; refused when the codebook changed since it was trained."""
    path = Path(project) / CODERS_DIR / f"{survey}_{question}.pkl"
    if not path.exists():
        raise InputError("no saved coder for this question: run 'textmine code' first", file=path)
    try:
        with path.open("rb") as fh:
            saved = _CoderUnpickler(fh).load()
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise InputError(f"cannot read the saved coder ({exc}): run 'textmine code' again", file=path) from None
    meta = saved["meta"]
    if meta["codebook_hash"] != codebook.hash:
        raise InputError(f"the codebook changed since this coder was trained (hash {meta['codebook_hash']}, "
                         f"now {codebook.hash}): run 'textmine code' again to retrain", file=path)
    return saved["coder"], meta
