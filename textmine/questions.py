"""Project lookups: which survey has an open question, and which codebook codes it."""

from __future__ import annotations

from pathlib import Path

from .codebook import Codebook, load_codebook
from .errors import InputError
from .paths import data_dir
from .store import Store


def resolve_codebook(store: Store, survey: str, question: str, path: str | Path | None = None, *,
                     stored: bool = True) -> Codebook:
    """--codebook, else the project's current version once it was edited there (codebook_edits.py;
    ``stored=False``: not that), else the schema's ``codebook:``, else data/codebooks/<survey>_<question>.yaml."""
    if path:
        book = load_codebook(path)
        # A codebook of another question of this very survey is a file picked by mistake
        # (lmb_noden.yaml for 'trots'): its themes would be stored as this question's machine
        # codes. One from another survey is a codebook reused, as staff may.
        if book.survey == survey and book.question and book.question != question:
            raise InputError(f"this codebook is for {survey} '{book.question}', not '{question}': pass the "
                             f"codebook of '{question}' (or, to use this one here, change its 'question:' line)",
                             file=path)
        return book
    if stored:
        from .codebook_edits import stored_codebook

        found = store.codebook_yaml(survey, question)
        if found is not None:
            return stored_codebook(found[1])
    for info in reversed(store.waves(survey)):
        for q in info.schema.questions:
            if q.id == question and q.codebook and Path(q.codebook).exists():
                return load_codebook(q.codebook)
    bundled = data_dir() / "codebooks" / f"{survey}_{question}.yaml"
    if bundled.exists():
        return load_codebook(bundled)
    raise InputError(f"no codebook for {survey} '{question}': pass --codebook FILE "
                     f"(YAML, .qdc or one label per line)")


def question_codebook(store: Store, question: str, survey: str | None,
                      path: str | Path | None = None) -> tuple[str, Codebook]:
    """The survey that has this open question, and the codebook to code it with."""
    survey = open_question_survey(store, question, survey)
    return survey, resolve_codebook(store, survey, question, path)


def open_question_survey(store: Store, question: str, survey: str | None) -> str:
    """The survey that has this open question (must be unambiguous)."""
    surveys = sorted({w.survey for w in store.waves(survey)
                      if any(q.id == question and q.type == "open" for q in w.schema.questions)})
    if not surveys:
        raise InputError(f"no open question '{question}' in the project" + (f" for survey '{survey}'" if survey else ""))
    if len(surveys) > 1:
        raise InputError(f"question '{question}' is in surveys {', '.join(surveys)}: choose one with --survey")
    return surveys[0]
