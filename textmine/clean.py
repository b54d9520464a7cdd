"""The cleaning stage: run the Dutch pipeline over a project's open answers.

Results are cached in the store by text hash and a fingerprint of everything
that shapes them (pipeline name and version, textmine's NLP code and data
files, settings), so a re-run on unchanged answers does no spaCy work at all:
not even a model load.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import spacy

from .version import __version__
from .config import NlpSettings
from .store import Store

ProgressFn = Callable[[int, int], None]
SAVE_EVERY = 2000  # answers per store transaction while cleaning


def _files_digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def fingerprint(pipeline: str, version: str, settings: NlpSettings) -> str:
    """What the cached results depend on; any change invalidates the cache."""
    from .nlp import resources

    data = resources.data_dir()
    code = Path(__file__).parent / "nlp"
    parts = {
        "pipeline": pipeline, "version": version, "spacy": spacy.__version__, "textmine": __version__,
        "code": _files_digest(list(code.glob("*.py"))),
        "data": _files_digest(list((data / "gazetteers").glob("*")) + [data / "stopwords_nl_domain.txt"]),
        "settings": {"extra_stopwords": sorted(settings.extra_stopwords),
                     "very_long_words": settings.very_long_words},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def component_config(settings: NlpSettings) -> dict[str, dict[str, Any]]:
    """The spaCy component settings that come from the project's settings (long-answer limit, extra stop words)."""
    return {"textmine_flags": {"very_long_words": settings.very_long_words},
            "textmine_clean": {"extra_stop_words": list(settings.extra_stopwords)}}


def original_offsets(original: str, normalized: str) -> Callable[[int, int], tuple[int, int]]:
    """Map a (start, end) span of the normalised text back onto the original text (linear time:
    a general diff took minutes on one 40 KB answer)."""
    from .nlp.normalize import original_offsets as align

    return align(original, normalized)


@dataclass
class CleanRun:
    """One cleaning run: the cleaned answers, the pipeline used, the cache fingerprint, and how
    many were new or cached."""

    answers: list[dict[str, Any]]
    pipeline: dict[str, Any]
    fingerprint: str
    processed: int = 0   # texts that went through spaCy in this run
    cached: int = 0      # texts served from the store
    run_id: int | None = None
    warnings: list[str] = field(default_factory=list)


def _selection(store: Store, survey: str | None, wave: str | None, question: str | None
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(every open answer of the selected waves, the selected ones): "duplicate" looks across questions."""
    surveys = sorted({w.survey for w in store.waves(survey, wave)})
    everything = [r for s in surveys for r in store.open_answers(s, wave).to_dict("records")]
    return everything, [r for r in everything if question is None or r["question"] == question]


def read_cleaned(store: Store, *, survey: str | None = None, wave: str | None = None,
                 question: str | None = None, settings: NlpSettings | None = None
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The cleaning step's rows from the cache, writing nothing; and the answers not cleaned
    (with the current pipeline and settings) yet.

    Rows are ``clean_project``'s, for the answers that are cached; reading commands use this
    so that they never clean behind the user's back (``textmine.readiness``).
    """
    from .nlp.loader import describe_pipeline

    settings = settings or NlpSettings()
    everything, rows = _selection(store, survey, wave, question)
    fp = fingerprint(*describe_pipeline(settings.pipeline)[:2], settings)
    cached = store.cleaned((r["text_hash"] for r in rows), fp)
    missing = [r for r in rows if r["text_hash"] not in cached]
    out, _ = _answer_rows(everything, [r for r in rows if r["text_hash"] in cached], cached)
    return out, missing


def _answer_rows(everything: list[dict[str, Any]], rows: list[dict[str, Any]], cached: dict[str, str]
                 ) -> tuple[list[dict[str, Any]], list[tuple]]:
    """Plain rows of ``rows`` from their cached cleaning, and their answer_flags rows."""
    from .nlp.flags import DUPLICATE, find_duplicates

    # "duplicate" depends on the respondent's other answers in the wave: per answer, not per text.
    by_wave: dict[tuple[str, str], list[dict[str, Any]]] = {}
    # answer_id follows the export: respondent by respondent, questions in schema order
    for r in sorted(everything, key=lambda r: r["answer_id"]):
        by_wave.setdefault((r["survey"], r["wave"]), []).append(r)
    duplicates: set[int] = set()
    for group in by_wave.values():
        for r, earlier in zip(group, find_duplicates((g["respondent_id"], g["text"]) for g in group)):
            if earlier is not None:
                duplicates.add(r["answer_id"])
    out, flag_rows = [], []
    for r in rows:
        data = json.loads(cached[r["text_hash"]])
        flags = list(data["flags"])
        if r["answer_id"] in duplicates:
            flags.append(DUPLICATE)
        to_original = original_offsets(r["text"], data["normalized_text"])
        entities = []
        for ent in data["entities"]:
            start, end = to_original(ent["start"], ent["end"])
            entities.append({"text": r["text"][start:end], "label": ent["label"], "start": start, "end": end,
                             "id": ent.get("id")})
        out.append({"survey": r["survey"], "wave": r["wave"], "respondent_id": r["respondent_id"],
                    "question": r["question"], "text": r["text"], "normalized_text": data["normalized_text"],
                    "redacted_text": data["redacted_text"], "lemmas": data["lemmas"],
                    "content_lemmas": data["content_lemmas"], "key_phrases": data["key_phrases"],
                    "entities": entities, "pii": [p["kind"] for p in data["pii"]], "flags": flags,
                    "language": data.get("language")})
        flag_rows.append((r["survey"], r["wave"], r["question"], r["respondent_id"], r["text_hash"],
                          json.dumps(flags)))
    return out, flag_rows


def clean_project(store: Store, *, survey: str | None = None, wave: str | None = None,
                  question: str | None = None, settings: NlpSettings | None = None,
                  progress: ProgressFn | None = None, pipeline: Any = None) -> CleanRun:
    """Clean every selected open answer (cached), store flags per answer, return plain rows.

    ``pipeline``: an already loaded ``(nlp, PipelineInfo)`` from ``load_pipeline`` with
    ``component_config(settings)``; loaded here (only when something is not cached) otherwise.
    """
    from .nlp import clean_answers  # noqa: F401  (imports register the components)
    from .nlp.answers import doc_to_answer
    from .nlp.loader import describe_pipeline, load_pipeline

    settings = settings or NlpSettings()
    everything, rows = _selection(store, survey, wave, question)

    if pipeline is not None:
        name, version, level = pipeline[1].name, pipeline[1].version, pipeline[1].level
    else:
        name, version, level = describe_pipeline(settings.pipeline)
    fp = fingerprint(name, version, settings)
    hashes = list(dict.fromkeys(r["text_hash"] for r in rows))
    cached = store.cleaned(hashes, fp)
    missing = [h for h in hashes if h not in cached]
    info: dict[str, Any] = {"name": name, "version": version, "level": level, "spacy_version": spacy.__version__}
    processed = 0
    if missing:
        nlp, pinfo = pipeline or load_pipeline(settings.pipeline, config=component_config(settings))
        info = pinfo.to_dict()
        actual = fingerprint(pinfo.name, pinfo.version, settings)
        if actual != fp:  # e.g. the shipped model failed to load and the blank one was used
            fp = actual
            cached = store.cleaned(hashes, fp)
            missing = [h for h in hashes if h not in cached]
        text_of = {r["text_hash"]: r["text"] for r in rows}
        texts = [text_of[h] for h in missing]
        if progress:
            progress(0, len(texts))
        batch: list[tuple[str, str]] = []
        for i, doc in enumerate(nlp.pipe(texts, batch_size=settings.batch_size, n_process=settings.n_process)):
            data = json.dumps(doc_to_answer(doc, texts[i]).to_dict(), ensure_ascii=False)
            batch.append((missing[i], data))
            cached[missing[i]] = data
            # Saved as it goes: an interrupted run keeps what it did.
            if len(batch) >= SAVE_EVERY:
                store.save_cleaned(batch, info["name"], fp)
                batch = []
            if progress and (i + 1) % 25 == 0:
                progress(i + 1, len(texts))
        store.save_cleaned(batch, info["name"], fp)
        if progress:
            progress(len(texts), len(texts))
        processed = len(texts)

    out, flag_rows = _answer_rows(everything, rows, cached)
    if not processed and _flags_stored(store, flag_rows, fp):
        # Everything came from the cache and the stored flags say the same: nothing to record
        # (the demo, the report's --prepare and Project.answers ask again and again).
        return CleanRun(out, info, fp, 0, len(hashes), None, list(info.get("warnings", [])))
    run_id = store.start_run("clean", settings={"survey": survey, "wave": wave, "question": question,
                                                "nlp": settings.__dict__},
                             provenance={"pipeline": info, "fingerprint": fp, "processed": processed,
                                         "cached": len(hashes) - processed})
    store.save_answer_flags(flag_rows, fp, run_id)
    store.finish_run(run_id)
    return CleanRun(out, info, fp, processed, len(hashes) - processed, run_id, list(info.get("warnings", [])))


def _flags_stored(store: Store, flag_rows: list[tuple], fp: str) -> bool:
    """Whether every answer's flags are stored as they are now, with this pipeline."""
    stored: set[tuple] = set()
    for survey in {r[0] for r in flag_rows}:
        table = store.answer_flags(survey)
        stored.update(zip(table.survey, table.wave, table.question, table.respondent_id, table.text_hash,
                          table.fingerprint, table.flags_json))
    return all((*r[:5], fp, r[5]) in stored for r in flag_rows)
