"""Codebook editing with history: a question's codebook changes during coding, in the project.

Each change (add a theme, edit one, rename, merge two, split one, retire one, undo) is a versioned
entry in the store (``codebook_changes``): who, when, what, how many human codes it touched, and
the whole codebook before and after. Version 0 is the file the first change started from; from
then on the project's newest version is the question's codebook for every reader (the coding
run, the queue, the report), so the next wave is coded with it. The file is written from it on
request (``export``: YAML or REFI-QDA .qdc).

Human codes are never rewritten in place. A merge sets the coder's codes of both themes aside
(status superseded) and writes one code for the survivor under the same coder, audit mark, note and
date (it applies if either did; its rank is the better of the two); ``codebook_code_moves`` records
which rows it came from, from which theme, by which change. A split or a retire sends the answers
whose current human code applies the theme back to the queue (their codes set aside, kept) with a
suggestion: the earlier call with the change applied (both new themes for a split). Undo reverts the
newest change exactly: the rows it added are set aside, the rows it set aside are current again
(same code ids), the codebook before it is the current one again. It refuses when it would discard
work done since (a touched answer coded again, a theme it removes given to an answer).

Pure functions over Codebooks and frames; the store writes them in one transaction
(``Store.record_codebook_change``, ``Store.undo_codebook_change``) and ``Project`` wires them.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Sequence

import pandas as pd

from .codebook import NON_ANSWER, OVERIG, SPECIAL_CODES, Codebook, Theme, _from_yaml, slugify
from .args import lone_surrogate
from .errors import InputError

KINDS = ("add", "edit", "rename", "merge", "split", "retire", "undo")
EDITABLE = ("label", "description", "keywords", "patterns", "examples")
LIST_FIELDS = ("keywords", "patterns", "examples")
MAX_WHO = 100
MAX_TEXT = 5000  # characters in one field: a description, a keyword list's item


@dataclass
class CodePlan:
    """What a change does to the human codes: code ids set aside, rows written (the ``codes`` columns
    plus from_theme and from_code_ids), answers sent back to the queue ((wave, respondent_id, themes))."""

    supersede: list[int] = field(default_factory=list)
    add: list[dict[str, Any]] = field(default_factory=list)
    returns: list[tuple[str, str, list[str]]] = field(default_factory=list)


# --- stored codebooks ------------------------------------------------------------------------

_STORED: dict[str, Codebook] = {}  # YAML text -> codebook: every page reads the current version


def stored_codebook(text: str) -> Codebook:
    """A codebook version as stored in the project (its YAML), without a file path (a stored version
    is never saved over a file by accident)."""
    book = _STORED.get(text)
    if book is None:
        book = _with(_from_yaml(text, "<project codebook>"), path=None)
        remember(text, book)
    return book


def remember(text: str, book: Codebook) -> None:
    """Keep ``book`` as the codebook of the stored YAML ``text`` (a change just wrote it: no need to
    parse it and check its patterns again, which costs 0.2 s on a real codebook)."""
    if len(_STORED) > 64:
        _STORED.clear()
    _STORED[text] = book


def _with(book: Codebook, **fields: Any) -> Codebook:
    """A copy with other survey, question, label, path or notes: none of them touches a theme, so the
    themes' validation (their patterns' cost analysis) is not run again, as ``replace`` would."""
    out = copy.copy(book)
    for key, value in fields.items():
        object.__setattr__(out, key, value)
    return out


def snapshot(book: Codebook, survey: str, question: str) -> Codebook:
    """The codebook as the project keeps it: survey, question and a label (its title) filled in."""
    return _with(book, survey=survey, question=question, label=book.label or book.title, path=None, notes=())


# --- checks ----------------------------------------------------------------------------------

def check_who(who: Any) -> str:
    """The name of who makes a change, stripped; InputError when missing, too long or with control characters."""
    name = " ".join(who.split()) if isinstance(who, str) else ""
    if not name:
        raise InputError("who makes this change? give a name ('who')")
    if len(name) > MAX_WHO:
        raise InputError(f"the name is longer than {MAX_WHO} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in name) or lone_surrogate(name):
        raise InputError("the name holds control characters or invalid text")
    return name


def _theme(book: Codebook, theme_id: Any, what: str = "theme") -> Theme:
    if theme_id in (None, ""):  # a form or body without the field: name the field, not 'None'
        raise InputError(f"'{what.split()[0]}' is missing: the id of the {what} (themes: {', '.join(book.ids)})")
    if not isinstance(theme_id, str) or theme_id not in book:
        shown = str(theme_id)[:60]
        raise InputError(f"{what} '{shown}' is not in the codebook (themes: {', '.join(book.ids)})")
    return book.theme(theme_id)


def _text(value: Any, name: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(f"'{name}' must be text")
    value = " ".join(value.split())
    if required and not value:
        raise InputError(f"'{name}' is required")
    if len(value) > MAX_TEXT:
        raise InputError(f"'{name}' is longer than {MAX_TEXT} characters")
    return value


def _items(value: Any, name: str) -> tuple[str, ...]:
    """A list field: a list of texts, or one text with one item a line (the browser's text area)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        raise InputError(f"'{name}' must be a list of texts")
    out = []
    for i, v in enumerate(value, start=1):
        if not isinstance(v, str):
            raise InputError(f"'{name}' item {i} must be text")
        if len(v) > MAX_TEXT:
            raise InputError(f"'{name}' item {i} is longer than {MAX_TEXT} characters")
        if v.strip():
            out.append(v.strip())
    return tuple(out)


def _fields(spec: dict[str, Any], *, label_required: bool) -> dict[str, Any]:
    """The editable fields given in ``spec``, checked (unknown keys refused)."""
    if not isinstance(spec, dict):
        raise InputError("a theme is an object {label, description, keywords, patterns, examples}")
    unknown = sorted(set(spec) - set(EDITABLE) - {"id"})
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(map(str, unknown))}; allowed: id, {', '.join(EDITABLE)}")
    out: dict[str, Any] = {}
    if "label" in spec or label_required:
        out["label"] = _text(spec.get("label"), "label", required=True)
    if "description" in spec:
        out["description"] = _text(spec.get("description"), "description")
    for key in LIST_FIELDS:
        if key in spec:
            out[key] = _items(spec.get(key), key)
    return out


def _new_id(book: Codebook, spec: dict[str, Any], label: str, taken: set[str]) -> str:
    theme_id = spec.get("id")
    if theme_id in (None, ""):
        return slugify(label, taken)
    if not isinstance(theme_id, str):
        raise InputError("'id' must be text")
    if theme_id in taken:
        raise InputError(f"theme id '{theme_id}' already exists")
    if theme_id in SPECIAL_CODES:
        raise InputError(f"'{theme_id}' is not a theme: textmine codes it by itself")
    return theme_id


def _build(book: Codebook, themes: Iterable[Theme]) -> Codebook:
    """The codebook with these themes, validated (a bad pattern, a cycle: one line)."""
    return replace(book, themes=tuple(themes), path=None, notes=())


# --- the changes to the codebook -----------------------------------------------------------------

def add_theme(book: Codebook, spec: dict[str, Any]) -> tuple[Codebook, dict[str, Any]]:
    """A new theme from ``spec`` (label required; id slugged from it when not given)."""
    f = _fields(spec, label_required=True)
    theme_id = _new_id(book, spec, f["label"], set(book.ids))
    new = _build(book, [*book.themes, Theme(id=theme_id, **f)])
    return new, {"theme": theme_id, "label": f["label"]}


def edit_theme(book: Codebook, theme_id: str, spec: dict[str, Any]) -> tuple[Codebook, str, dict[str, Any]]:
    """A theme's label, description, keywords, patterns or examples changed; ``rename`` when only the
    label changed. InputError when nothing changes."""
    old = _theme(book, theme_id)
    if isinstance(spec, dict) and "id" in spec and spec["id"] != theme_id:
        raise InputError("a theme's id does not change (it is the key its codes are stored under): "
                         "add a theme and merge instead")
    f = _fields({k: v for k, v in (spec or {}).items() if k != "id"} if isinstance(spec, dict) else spec,
                label_required=False)
    new_theme = replace(old, **f)
    changed = [k for k in EDITABLE if getattr(new_theme, k) != getattr(old, k)]
    if not changed:
        raise InputError(f"theme '{theme_id}': nothing changes")
    new = _build(book, [new_theme if t.id == theme_id else t for t in book.themes])
    detail: dict[str, Any] = {"theme": theme_id, "fields": changed}
    if "label" in changed:
        detail.update(old_label=old.label, label=new_theme.label)
    return new, ("rename" if changed == ["label"] else "edit"), detail


def merge_themes(book: Codebook, source: str, target: str) -> tuple[Codebook, dict[str, Any]]:
    """``source`` merged into ``target``: the survivor keeps its label and description and gains the
    source's keywords, patterns and examples; the source's child themes move under the survivor."""
    src, tgt = _theme(book, source, "source theme"), _theme(book, target, "target theme")
    if source == target:
        raise InputError(f"cannot merge theme '{source}' into itself")
    survivor = replace(tgt, **{k: getattr(tgt, k) + getattr(src, k) for k in LIST_FIELDS})
    themes = []
    for t in book.themes:
        if t.id == source:
            continue
        if t.id == target:  # merging a parent into its child: the child takes its place
            t = replace(survivor, parent=src.parent if tgt.parent == source else tgt.parent)
        elif t.parent == source:
            t = replace(t, parent=target)
        themes.append(t)
    return _build(book, themes), {"source": source, "source_label": src.label, "target": target,
                                  "target_label": tgt.label}


def split_theme(book: Codebook, theme_id: str, into: Sequence[dict[str, Any]]) -> tuple[Codebook, dict[str, Any]]:
    """``theme_id`` replaced, at its place, by two or more new themes (``into``: their specs; label required)."""
    old = _theme(book, theme_id)
    if not isinstance(into, (list, tuple)) or len(into) < 2:
        raise InputError("a split needs at least two new themes ('into': [{label, ...}, {label, ...}])")
    children = [t.id for t in book.children(theme_id)]
    if children:
        raise InputError(f"theme '{theme_id}' has child themes ({', '.join(children)}): merge or retire them first")
    taken = set(book.ids) - {theme_id}
    new_themes = []
    for spec in into:
        f = _fields(spec, label_required=True)
        # a new theme may keep the split theme's id when asked to; a slug never takes it
        new_id = _new_id(book, spec, f["label"], taken if spec.get("id") == theme_id else taken | {theme_id})
        taken.add(new_id)
        new_themes.append(Theme(id=new_id, parent=old.parent, **f))
    themes: list[Theme] = []
    for t in book.themes:
        themes += new_themes if t.id == theme_id else [t]
    return _build(book, themes), {"theme": theme_id, "label": old.label, "into": [t.id for t in new_themes],
                                  "labels": [t.label for t in new_themes]}


def retire_theme(book: Codebook, theme_id: str) -> tuple[Codebook, dict[str, Any]]:
    """``theme_id`` taken out of the codebook (its codes stay in the project's history)."""
    old = _theme(book, theme_id)
    children = [t.id for t in book.children(theme_id)]
    if children:
        raise InputError(f"theme '{theme_id}' has child themes ({', '.join(children)}): merge or retire them first")
    if len(book) == 1:
        raise InputError("a codebook needs at least one theme: add another before retiring this one")
    return _build(book, [t for t in book.themes if t.id != theme_id]), {"theme": theme_id, "label": old.label}


# --- what a change does to the human codes -------------------------------------------------------------

def _rank(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def plan_merge(codes: pd.DataFrame, source: str, target: str) -> CodePlan:
    """Per answer and coder with a current human code applying ``source``: both themes' codes set aside,
    one code of ``target`` written for the same coder (it applies; the better rank; the audit mark, note
    and latest date of the two). A code saying ``source`` does not apply is set aside (a reader counts a
    theme an answer's human code does not mention as not applying, so nothing changes for it)."""
    plan = CodePlan()
    mine = codes[codes["theme"].isin([source, target])].sort_values("code_id", kind="stable")
    groups: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
    for r in mine.to_dict("records"):  # plain dicts: a pandas group per answer costs seconds on 1,000
        groups.setdefault((r["wave"], r["respondent_id"], r["coder"]), {})[r["theme"]] = r
    for (wave, rid, coder), rows in groups.items():
        if source not in rows:
            continue
        src, tgt = rows[source], rows.get(target)
        if not int(src["applies"]):  # a "no" for a theme that is gone: set aside, the target's code stays
            plan.supersede.append(int(src["code_id"]))
            continue
        both = [r for r in (src, tgt) if r is not None]
        applied = [r for r in both if int(r["applies"])]
        ranks = [_rank(r["rank"]) for r in applied if _rank(r["rank"]) is not None]
        plan.supersede += [int(r["code_id"]) for r in both]
        plan.add.append({"wave": wave, "respondent_id": rid, "theme": target, "applies": bool(applied),
                         "rank": min(ranks) if ranks else None, "coder": coder, "text_hash": src["text_hash"],
                         "created_at": max(r["created_at"] for r in both),
                         "note": next((r["note"] for r in both if isinstance(r["note"], str) and r["note"]), None),
                         "audit": any(int(r["audit"]) for r in both), "from_theme": source,
                         "from_code_ids": [int(r["code_id"]) for r in both]})
    return plan


def plan_return(codes: pd.DataFrame, book: Codebook, theme_id: str, replacement: Sequence[str]) -> CodePlan:
    """The answers whose current human code applies ``theme_id`` go back to the queue: all their current
    human codes set aside, and the suggestion is their earlier themes with ``theme_id`` replaced by
    ``replacement`` (a split's new themes; nothing for a retire)."""
    from .codes import current_themes

    plan = CodePlan()
    relevant = codes[codes["theme"].isin([*book.ids, NON_ANSWER])]
    current = current_themes(relevant)
    ids: dict[tuple[str, str], list[int]] = {}
    for w, r, c in zip(codes["wave"], codes["respondent_id"], codes["code_id"]):
        ids.setdefault((w, r), []).append(int(c))
    for (wave, rid), (_source, applied) in current.items():
        if theme_id not in applied or NON_ANSWER in applied:
            continue
        themes: list[str] = []
        for t in applied:
            themes += list(replacement) if t == theme_id else [t]
        plan.returns.append((wave, rid, themes or [OVERIG]))
        plan.supersede += ids[(wave, rid)]
    # the other answers' "no" for the theme: set aside too (it is gone; a reader counts a theme a human
    # code does not mention as not applying), so a theme later added under this id starts clean
    returned = set(plan.supersede)
    plan.supersede += [int(c) for c in codes.loc[codes["theme"] == theme_id, "code_id"] if int(c) not in returned]
    return plan


def check_undo(change: dict[str, Any], moves: pd.DataFrame, codes: pd.DataFrame) -> str:
    """Refuse (InputError) an undo that would discard work done since the change: a human code stored
    since on an answer the change touched, or a current human code applying a theme the undo takes out
    of the codebook. Returns the hash of the codebook the undo restores."""
    before, after = stored_codebook(change["before_yaml"]), stored_codebook(change["after_yaml"])
    what = f"change {change['version']} ({change['kind']})"
    touched = set(zip(moves["wave"], moves["respondent_id"]))
    own = set(moves["code_id"].astype(int))
    later = codes[(codes["code_id"] > int(change["last_code_id"])) & ~codes["code_id"].isin(own)]
    again = sorted({(w, r) for w, r in zip(later["wave"], later["respondent_id"]) if (w, r) in touched})
    if again:
        raise InputError(f"cannot undo {what}: {len(again)} answer(s) it touched were coded since "
                         f"(e.g. respondent {again[0][1]}, wave {again[0][0]}); undoing would discard those decisions")
    gone = [t for t in after.ids if t not in before]
    current = codes[(codes["status"] == "current") & (codes["applies"] == 1) & codes["theme"].isin(gone)
                    & ~codes["code_id"].isin(set(moves.loc[moves["action"] == "added", "code_id"].astype(int)))]
    if len(current):
        t = current["theme"].iloc[0]
        raise InputError(f"cannot undo {what}: theme '{t}' it added has {int((current['theme'] == t).sum())} human "
                         "code(s) since; retire or merge it instead")
    return before.hash


# --- reading the history -------------------------------------------------------------------------------

HISTORY_COLUMNS = ["version", "change_id", "kind", "who", "created_at", "summary", "codes_affected", "undone",
                   "undone_by", "undoes", "hash", "detail"]


def summary(kind: str, detail: dict[str, Any]) -> str:
    """One line (English) saying what a change did."""
    if kind == "add":
        return f"added theme {detail['theme']} ({detail['label']})"
    if kind == "promote":
        return f"topic {detail['topic']} promoted to theme {detail['theme']} ({detail['label']}), {detail['answers']} answers queued"
    if kind == "rename":
        return f"renamed theme {detail['theme']}: {detail['old_label']} -> {detail['label']}"
    if kind == "edit":
        return f"edited theme {detail['theme']}: {', '.join(detail['fields'])}"
    if kind == "merge":
        return f"merged {detail['source']} into {detail['target']}"
    if kind == "split":
        return f"split {detail['theme']} into {', '.join(detail['into'])}"
    if kind == "retire":
        return f"retired theme {detail['theme']}"
    if kind == "undo":
        return f"undid version {detail['undone_version']} ({detail['undone_kind']})"
    return kind


def history_rows(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``Store.codebook_changes`` as the history shows them, oldest first (see HISTORY_COLUMNS)."""
    version_of = {c["change_id"]: c["version"] for c in changes}
    return [{"version": c["version"], "change_id": c["change_id"], "kind": c["kind"], "who": c["who"],
             "created_at": c["created_at"], "summary": summary(c["kind"], c["detail"]),
             "codes_affected": c["codes_affected"], "undone": c["undone_by"] is not None,
             "undone_by": version_of.get(c["undone_by"]), "undoes": version_of.get(c["undoes"]),
             "hash": c["after_hash"], "detail": json.dumps(c["detail"], ensure_ascii=False, sort_keys=True)}
            for c in changes]


def undoable(changes: list[dict[str, Any]]) -> int | None:
    """The version an undo would revert now (the newest change neither an undo nor undone), or None."""
    left = [c for c in changes if c["undoes"] is None and c["undone_by"] is None]
    return left[-1]["version"] if left else None


def human_counts(codes: pd.DataFrame, book: Codebook) -> dict[str, int]:
    """Per theme of ``book``: answers whose current human code applies it (``codes``: current codes)."""
    from .codes import current_themes

    human = codes[(codes["source"] == "human") & codes["theme"].isin([*book.ids, NON_ANSWER])]
    counts = {t: 0 for t in book.ids}
    for _source, applied in current_themes(human).values():
        for t in applied:
            if t in counts:
                counts[t] += 1
    return counts


def hint_suggestions(suggestions: list[dict[str, Any]], themes: Sequence[str]) -> list[dict[str, Any]]:
    """The queue's suggestions for an answer a change sent back: the themes of the earlier call (with
    the change applied) marked as applying and ``returned``, the machine's call for the others kept."""
    chosen = set(themes)
    return [{**s, "applies": True, "returned": True} if s["theme"] in chosen else s for s in suggestions]


Planner = Callable[[pd.DataFrame], CodePlan]


def plan_promote(codes: pd.DataFrame, book: Codebook, members: Sequence[tuple[str, str]], theme_id: str
                 ) -> CodePlan:
    """A topic promoted to theme ``theme_id``: its answers (``members``: (wave, respondent_id)) go to
    the queue with the new theme suggested beside their earlier call; a member's current human code
    is set aside (kept; an undo restores it). Non-answers stay as they are."""
    from .codes import current_themes

    plan = CodePlan()
    relevant = codes[codes["theme"].isin([*book.ids, NON_ANSWER, OVERIG])]
    current = current_themes(relevant)
    ids: dict[tuple[str, str], list[int]] = {}
    for w, r, c in zip(codes["wave"], codes["respondent_id"], codes["code_id"]):
        ids.setdefault((w, r), []).append(int(c))
    for wave, rid in dict.fromkeys(members):
        _source, applied = current.get((wave, rid), (None, []))
        if NON_ANSWER in applied:
            continue
        plan.returns.append((wave, rid, [*(t for t in applied if t != OVERIG), theme_id]))
        plan.supersede += ids.get((wave, rid), [])
    return plan


def topic_theme(topic: dict[str, Any], label: str | None = None, theme_id: str | None = None,
                n_keywords: int = 8, n_examples: int = 3) -> dict[str, Any]:
    """The fields of a theme made from a topic of a topics run: its label (or ``label``), keywords
    and its first (redacted) quotes as examples."""
    keywords = [k for k in topic.get("keywords") or [] if ";" not in k][:n_keywords]
    spec: dict[str, Any] = {"label": (label or "").strip() or topic["label"], "keywords": keywords,
                            "examples": list(topic.get("quotes") or [])[:n_examples],
                            "description": f"Uit onderwerp {topic['id']} ({topic['size']} antwoorden): "
                                           f"{', '.join(keywords[:5])}."}
    if theme_id:
        spec["id"] = theme_id
    return spec


def topic_into_theme(book: Codebook, theme_id: str, topic: dict[str, Any], n_keywords: int = 8,
                     n_examples: int = 3) -> dict[str, Any]:
    """The changes that fold a topic into an existing theme: its keywords and quotes added (once)."""
    old = _theme(book, theme_id)
    keywords = list(old.keywords) + [k for k in (topic.get("keywords") or [])[:n_keywords]
                                     if ";" not in k and k.lower() not in {w.lower() for w in old.keywords}]
    examples = list(old.examples) + [q for q in (topic.get("quotes") or [])[:n_examples] if q not in old.examples]
    return {"keywords": keywords, "examples": examples}
