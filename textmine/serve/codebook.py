"""The workbench's codebook pages and API: edit a question's codebook with history (Dutch pages).

``/c/{survey}/{question}`` shows the current version with each theme's human codes, forms to add,
edit (label, description, keywords, examples: a rename when only the label changes), merge, split
and retire themes, the history with an undo of the newest change, and the export (YAML, .qdc).
Every change is also a JSON call under ``/api/codebook/{survey}/{question}`` (README, "Workbench").
Both call the ``Project`` facade (``codebook_edits.py``); bad input is the facade's one line (400).
After a change the question is retrained in the background, so the suggestions follow the codebook.
"""

from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import InputError
from .inputs import form_fields, is_whole_number, utf8

ACTIONS = ("add", "edit", "merge", "split", "retire", "undo")
FIELD_LABELS = {"label": "naam", "description": "omschrijving", "keywords": "trefwoorden", "patterns": "patronen",
                "examples": "voorbeelden"}
KIND_LABELS = {"add": "toegevoegd", "edit": "bewerkt", "rename": "hernoemd", "merge": "samengevoegd",
               "split": "gesplitst", "retire": "ingetrokken", "undo": "ongedaan gemaakt",
               "promote": "onderwerp gepromoveerd"}
FORMATS = {"yaml": (".yaml", "application/yaml"), "qdc": (".qdc", "application/xml")}


def dutch_summary(kind: str, detail: dict[str, Any]) -> str:
    """What a change did, in one Dutch line for the history."""
    if kind == "add":
        return f"Thema ‘{detail['label']}’ toegevoegd"
    if kind == "promote":
        return (f"Onderwerp {detail['topic']} werd thema ‘{detail['label']}’ "
                f"({detail['answers']} antwoorden terug in de wachtrij)")
    if kind == "rename":
        return f"Thema ‘{detail['old_label']}’ hernoemd tot ‘{detail['label']}’"
    if kind == "edit":
        fields = ", ".join(FIELD_LABELS.get(f, f) for f in detail.get("fields", []))
        return f"Thema {detail['theme']} bewerkt ({fields})"
    if kind == "merge":
        return f"‘{detail['source_label']}’ samengevoegd in ‘{detail['target_label']}’"
    if kind == "split":
        return f"‘{detail['label']}’ gesplitst in " + " en ".join(f"‘{x}’" for x in detail.get("labels", []))
    if kind == "retire":
        return f"Thema ‘{detail['label']}’ ingetrokken"
    if kind == "undo":
        return f"Versie {detail['undone_version']} ongedaan gemaakt ({KIND_LABELS.get(detail['undone_kind'], '')})"
    return kind


def _json_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(utf8(raw) or "null")
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deep
        raise InputError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    return body


def _version(value: Any) -> int | None:
    """The version a change was made on (None: not given); InputError when it is not a number."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not (isinstance(value, int) or is_whole_number(value)):
        raise InputError(f"'version' must be a whole number, not '{str(value)[:40]}'")
    return int(value)


def _theme_fields(form: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A theme's fields from a form (text areas: one keyword or example a line); empty ones left out
    except when editing (``prefix`` empty and the field present)."""
    out: dict[str, Any] = {}
    for key in ("id", "label", "description", "keywords", "examples"):
        if f"{prefix}{key}" in form:
            out[key] = form[f"{prefix}{key}"]
    return out


def apply_change(project: Any, survey: str, question: str, action: str, body: dict[str, Any], who: Any
                 ) -> dict[str, Any]:
    """One change through the facade; ``body`` as the API takes it (the form handlers build the same)."""
    version = _version(body.get("version"))
    if action == "add":
        spec = {k: v for k, v in body.items() if k not in ("who", "version")}
        return project.add_codebook_theme(question, spec, who=who, survey=survey, version=version)
    if action == "edit":
        spec = {k: v for k, v in body.items() if k not in ("who", "version", "theme")}
        return project.edit_theme(question, body.get("theme"), spec, who=who, survey=survey, version=version)
    if action == "merge":
        return project.merge_themes(question, body.get("source"), body.get("target"), who=who, survey=survey,
                                    version=version)
    if action == "split":
        return project.split_theme(question, body.get("theme"), body.get("into"), who=who, survey=survey,
                                   version=version)
    if action == "retire":
        return project.retire_theme(question, body.get("theme"), who=who, survey=survey, version=version)
    if action == "undo":
        return project.undo_codebook_change(question, who=who, survey=survey, version=version)
    raise InputError(f"unknown codebook action '{action[:40]}' (one of: {', '.join(ACTIONS)})")


def codebook_routes(bench: Any, page: Callable[..., Response], coder_of: Callable[[Request], str | None],
                    records: Callable[[Any], list[dict[str, Any]]]) -> list[Route]:
    """The codebook's routes, for ``create_app`` (``page`` renders a template, ``coder_of`` reads the
    coder's cookie, ``records`` turns a DataFrame into JSON-ready dicts)."""

    def history_of(survey: str, question: str) -> list[dict[str, Any]]:
        rows = records(bench.project.codebook_history(question, survey))
        for r in rows:
            detail = json.loads(r.get("detail") or "{}")
            r["dutch"] = dutch_summary(r["kind"], {**detail, "undone_version": r.get("undoes")})
        return rows[::-1]  # newest first

    follow: set[tuple[str, str]] = set()
    follow_lock = threading.Lock()

    def changed(survey: str, question: str) -> None:
        """Retrain in the background so the suggestions follow the codebook; a retrain already running
        read the codebook before this change, so one more is queued after it (at most one waits)."""
        key = (survey, question)
        with bench.lock:
            running = key in bench.retraining
        bench.start_retrain(survey, question)
        if not running:
            return
        with follow_lock:
            if key in follow:
                return
            follow.add(key)

        def again() -> None:
            with follow_lock:
                follow.discard(key)
            bench.start_retrain(survey, question)

        bench.pool.submit(again)  # one worker thread: this runs when the running retrain is done

    def render(request: Request, survey: str, question: str, status: int = 200, error: str | None = None,
               done: str | None = None) -> Response:
        state = bench.project.codebook_state(question, survey)
        by_id = {t["id"]: t for t in state["themes"]}
        return page(request, "codebook.html", status=status, survey=survey, question=question, state=state,
                    history=history_of(survey, question), error=error, done=done, by_id=by_id,
                    base=f"/c/{quote(survey)}/{quote(question)}")

    def codebook_page(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        done = request.query_params.get("done")
        return render(request, survey, question, done=done if is_whole_number(done) else None)

    async def form_post(request: Request) -> Response:
        form = {k: v[0] for k, v in form_fields(await request.body(), keep_blank_values=True).items()}
        return await run_in_threadpool(form_change, request, form)

    def form_change(request: Request, form: dict[str, str]) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        action = request.path_params["action"]
        base = f"/c/{quote(survey)}/{quote(question)}"
        who = coder_of(request)
        if not who:
            return page(request, "coder.html", back=base)
        body: dict[str, Any] = {"version": form.get("version")}
        if action == "add":
            body.update(_theme_fields(form))
        elif action == "edit":
            body.update(_theme_fields(form), theme=form.get("theme"))
        elif action == "merge":
            body.update(source=form.get("source"), target=form.get("target"))
        elif action == "split":
            body.update(theme=form.get("theme"),
                        into=[f for f in (_theme_fields(form, "a_"), _theme_fields(form, "b_"))])
        elif action == "retire":
            body.update(theme=form.get("theme"))
        try:
            result = apply_change(bench.project, survey, question, action, body, who)
        except InputError as exc:  # the page again, with the one line and nothing stored
            return render(request, survey, question, status=400, error=str(exc))
        changed(survey, question)
        return RedirectResponse(f"{base}?done={result['version']}#versie-{result['version']}", status_code=303)

    def export(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        fmt = request.query_params.get("format", "yaml")
        if fmt not in FORMATS:
            raise InputError(f"format must be one of {', '.join(FORMATS)}, not '{fmt[:20]}'")
        version = _version(request.query_params.get("version"))
        suffix, media = FORMATS[fmt]
        with tempfile.TemporaryDirectory(prefix="textmine-codebook-") as tmp:
            written = bench.project.export_codebook(question, Path(tmp) / f"{survey}_{question}{suffix}", survey,
                                                    version)
            data = written.read_bytes()
        name = f"{survey}_{question}" + (f"_v{version}" if version is not None else "") + suffix
        return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # --- JSON API ------------------------------------------------------------------------------

    def api_state(request: Request) -> Response:
        return JSONResponse(bench.project.codebook_state(request.path_params["question"],
                                                         request.path_params["survey"]))

    def api_history(request: Request) -> Response:
        rows = records(bench.project.codebook_history(request.path_params["question"], request.path_params["survey"]))
        for r in rows:
            r["detail"] = json.loads(r.get("detail") or "{}")
        return JSONResponse(rows)

    def api_codes(request: Request) -> Response:
        """The human codes of the question (every status) with what codebook changes did to them."""
        key = request.query_params.get("key") or None
        frame = bench.project.code_history(request.path_params["question"], request.path_params["survey"], key)
        return JSONResponse(records(frame))

    def api_action(action: str) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            raw = await request.body()
            return await run_in_threadpool(api_change, request, action, raw)
        return handler

    def api_change(request: Request, action: str, raw: bytes) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        body = _json_body(raw)
        if action == "edit":
            body["theme"] = request.path_params["theme"]
        who = body.get("who") or coder_of(request)
        result = apply_change(bench.project, survey, question, action, body, who)
        changed(survey, question)
        return JSONResponse(result)

    api = "/api/codebook/{survey}/{question}"
    return [
        Route("/c/{survey}/{question}", codebook_page),
        Route("/c/{survey}/{question}/export", export),
        Route("/c/{survey}/{question}/{action}", form_post, methods=["POST"]),
        Route(api, api_state),
        Route(f"{api}/history", api_history),
        Route(f"{api}/codes", api_codes),
        Route(f"{api}/export", export),
        Route(f"{api}/themes", api_action("add"), methods=["POST"]),
        Route(f"{api}/themes/{{theme}}", api_action("edit"), methods=["POST"]),
        *(Route(f"{api}/{a}", api_action(a), methods=["POST"]) for a in ("merge", "split", "retire", "undo")),
    ]
