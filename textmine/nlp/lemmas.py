"""Lookup back-up for spaCy's trainable (edit-tree) lemmatizer.

Importing this module registers the ``textmine_lemma_backup`` factory, which
the shipped Dutch model ``models/nl_textmine_core`` uses. spaCy imports it by
itself through textmine's ``spacy_factories`` entry point (pyproject.toml), so
wherever textmine is installed::

    import spacy
    nlp = spacy.load("models/nl_textmine_core")

The component runs after the trainable lemmatizer. For each token whose
lower-cased form is in a lookup table (the Dutch ``lemma_lookup`` table of
spacy-lookups-data, copied into the model when it is built), it replaces the
predicted lemma by the table's lemma when

* the lemmatizer is unsure: the probability of its top edit tree is below
  ``threshold`` (0 switches this off), or
* ``fill_unchanged`` is on and the lemmatizer left the word unchanged
  (lemma == form, case-insensitive) while the table knows a different lemma.

Tokens whose coarse POS is in ``skip_pos`` are never touched. The table is
saved with the model (``to_disk`` / ``from_disk``), so loading the model needs
neither spacy-lookups-data nor a download.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path, minibatch

TABLE_FILE = "lemma_lookup.json.gz"
CFG_FILE = "cfg.json"


def load_lookup_table(lang: str = "nl", table: str = "lemma_lookup") -> dict[str, str]:
    """Read a lemma table (string keys) from spacy-lookups-data; only needed
    when the model is built, not when it is loaded."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{lang}_{table}.json.gz"
    return {str(k): str(v) for k, v in srsly.read_gzip_json(path).items()}


class LemmaBackup:
    """Back the trainable lemmatizer up with a lookup table (see module doc)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        lemmatizer: str,
        threshold: float,
        fill_unchanged: bool,
        skip_pos: list[str],
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.lemmatizer = lemmatizer
        self.threshold = float(threshold)
        self.fill_unchanged = bool(fill_unchanged)
        self.skip_pos = set(skip_pos)
        self.table: dict[str, str] = {}

    # -- set-up -------------------------------------------------------------
    def initialize(
        self,
        get_examples: Callable | None = None,
        *,
        nlp: Language | None = None,
        table: dict[str, str] | None = None,
    ) -> None:
        """Fill the lookup table: the given dict, or spacy-lookups-data's
        ``lemma_lookup`` table for the pipeline's language. Only the entries
        whose lemma differs from the key are kept."""
        if table is None:
            table = load_lookup_table((nlp or self.nlp).lang)
        self.table = {k: v for k, v in table.items() if v and v != k}

    # -- processing ---------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        self._process([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        for docs in minibatch(stream, size=batch_size):
            self._process(docs)
            yield from docs

    def top_tree_probs(self, docs: list[Doc]) -> list[numpy.ndarray] | None:
        """Probability of the lemmatizer's top edit tree for every token, or
        None when it cannot be had (no such pipe, or docs without tensor)."""
        if self.lemmatizer not in self.nlp.pipe_names:
            return None
        pipe = self.nlp.get_pipe(self.lemmatizer)
        model = getattr(pipe, "model", None)
        if model is None or not all(len(d) == 0 or d.tensor.size for d in docs):
            return None
        scores = model.predict(docs)
        out = []
        for s in scores:
            s = model.ops.to_numpy(s)
            if s.size == 0:
                out.append(numpy.zeros((s.shape[0],), dtype="f"))
                continue
            # Tagger.v2 with normalize=False returns logits at inference time
            m = s.max(axis=1, keepdims=True)
            e = numpy.exp(s - m)
            out.append((1.0 / e.sum(axis=1)).astype("f"))
        return out

    def _process(self, docs: list[Doc]) -> None:
        if not self.table:
            return
        probs = self.top_tree_probs(docs) if self.threshold > 0 else None
        for k, doc in enumerate(docs):
            p = probs[k] if probs is not None else None
            for i, tok in enumerate(doc):
                if tok.pos_ in self.skip_pos:
                    continue
                cand = self.table.get(tok.lower_)
                if cand is None:
                    continue
                lemma = tok.lemma_
                if lemma == cand:
                    continue
                unsure = p is not None and p[i] < self.threshold
                unchanged = self.fill_unchanged and (not lemma or lemma.lower() == tok.lower_)
                if unsure or unchanged:
                    tok.lemma_ = cand

    # -- serialisation -----------------------------------------------------------
    def _cfg(self) -> dict:
        return {
            "lemmatizer": self.lemmatizer,
            "threshold": self.threshold,
            "fill_unchanged": self.fill_unchanged,
            "skip_pos": sorted(self.skip_pos),
        }

    def _set_cfg(self, cfg: dict) -> None:
        self.lemmatizer = cfg.get("lemmatizer", self.lemmatizer)
        self.threshold = float(cfg.get("threshold", self.threshold))
        self.fill_unchanged = bool(cfg.get("fill_unchanged", self.fill_unchanged))
        self.skip_pos = set(cfg.get("skip_pos", self.skip_pos))

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_gzip_json(path / TABLE_FILE, dict(sorted(self.table.items())))
        srsly.write_json(path / CFG_FILE, self._cfg())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "LemmaBackup":
        path = ensure_path(path)
        if (path / CFG_FILE).exists():
            self._set_cfg(srsly.read_json(path / CFG_FILE))
        self.table = dict(srsly.read_gzip_json(path / TABLE_FILE))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"cfg": self._cfg(), "table": self.table})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "LemmaBackup":
        msg = srsly.msgpack_loads(data)
        self._set_cfg(msg["cfg"])
        self.table = dict(msg["table"])
        return self


@Language.factory(
    "textmine_lemma_backup",
    default_config={
        "lemmatizer": "trainable_lemmatizer",
        "threshold": 0.5,
        "fill_unchanged": True,
        "skip_pos": ["PROPN", "PUNCT", "NUM", "SYM", "X"],
    },
)
def make_lemma_backup(
    nlp: Language,
    name: str,
    lemmatizer: str,
    threshold: float,
    fill_unchanged: bool,
    skip_pos: list[str],
) -> LemmaBackup:
    """spaCy factory of the ``textmine_lemma_backup`` component (see LemmaBackup)."""
    return LemmaBackup(
        nlp,
        name,
        lemmatizer=lemmatizer,
        threshold=threshold,
        fill_unchanged=fill_unchanged,
        skip_pos=skip_pos,
    )
