"""The workbench's blind double coding (issue 15 point 3): start a sample, code it blind as the
second coder, watch the agreement, reconcile the differences. Pages in Dutch, a JSON API for
every state change; all through the ``Project`` facade (``textmine/double_coding.py`` has the rules)."""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import InputError
from .inputs import form_fields, is_whole_number, utf8

SPECIAL_LABELS = {"overig": "Overig (geen thema)", "non_answer": "Geen antwoord"}


def parse_size(text: str) -> dict[str, Any]:
    """The sample's size as the start form gives it: ``"50"`` (answers) or ``"10%"`` (a share)."""
    value = " ".join(str(text).split()).replace(",", ".")
    try:
        if value.endswith("%"):
            return {"share": float(value[:-1].strip()) / 100}
        return {"size": int(value)}
    except ValueError:
        raise InputError(f"the sample's size must be a number of answers (50) or a percentage (10%), "
                         f"not '{value[:30]}'") from None


def json_body(raw: bytes, what: str) -> dict[str, Any]:
    """A request's JSON object; InputError (one line) when it is not one."""
    try:
        body = json.loads(utf8(raw) or "null")
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deep
        raise InputError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise InputError(f"the request body must be a JSON object {what}")
    return body


def decision(body: dict[str, Any], request: Request, coder_of: Callable[[Request], str | None]
             ) -> tuple[str, list[str], str]:
    """(key, themes, coder) of a ``{key, themes, coder}`` body, checked (one-line InputError)."""
    key, themes, coder = body.get("key"), body.get("themes"), body.get("coder") or coder_of(request)
    if not isinstance(key, str) or not key:
        raise InputError("'key' must be the answer's key (survey:wave:question:respondent_id)")
    if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
        raise InputError("'themes' must be a list of theme ids ([] or [\"overig\"]: no theme)")
    if not isinstance(coder, str) or not coder.strip():
        raise InputError("'coder' is missing: the name of the person who decided")
    return key, themes, coder.strip()


def routes(bench: Any, page: Callable[..., Response], coder_of: Callable[[Request], str | None]) -> list[Route]:
    """The double-coding pages and API on the workbench's ``bench`` (its ``project``) and ``page`` renderer."""
    project = bench.project

    def labels_of(survey: str, question: str) -> dict[str, str]:
        _survey, book = project.codebook(question, survey)
        return {**{t.id: t.label for t in book}, **SPECIAL_LABELS}

    def base(survey: str, question: str) -> str:
        return f"/d/{quote(survey)}/{quote(question)}"

    # --- pages ------------------------------------------------------------------------------

    def overview(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        state = project.double_coding(question, survey)
        return page(request, "double.html", survey=survey, question=question, state=state,
                    base=base(survey, question))

    async def start_form(request: Request) -> Response:
        form = form_fields(await request.body())
        return await run_in_threadpool(start_from_form, request, form)

    def start_from_form(request: Request, form: dict[str, list[str]]) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        seed_text = (form.get("seed") or [""])[0].strip()
        if seed_text and not is_whole_number(seed_text):
            raise InputError(f"the seed must be a whole number, not '{seed_text[:30]}'")
        project.start_double_coding(question, survey, **parse_size((form.get("size") or [""])[0]),
                                    seed=int(seed_text) if seed_text else None, coder=coder_of(request))
        return RedirectResponse(base(survey, question), status_code=303)

    def code_page(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        here = f"{base(survey, question)}/code"
        coder = coder_of(request)
        if not coder:
            return page(request, "coder.html", back=here)
        key = request.query_params.get("key")
        if key and project.parse_key(key)[::2] != (survey, question):  # never under another question's label
            raise InputError(f"'{key[:120]}' is not an answer of {survey} '{question}'")
        answer = project.double_coding_answer(key, coder) if key else project.double_coding_next(question, coder, survey)
        state = project.double_coding(question, survey)
        chosen = (answer.get("mine") or []) if answer else []
        return page(request, "double_code.html", survey=survey, question=question, answer=answer, state=state,
                    chosen=[t for t in chosen if t != "overig"] if chosen != ["overig"] else ["overig"],
                    base=base(survey, question), here=here)

    def reconcile_page(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        coder = coder_of(request)
        if not coder:
            return page(request, "coder.html", back=f"{base(survey, question)}/reconcile")
        state = project.double_coding(question, survey)
        items = project.disagreements(question, survey) if state.get("sample") else []
        return page(request, "double_reconcile.html", survey=survey, question=question, state=state, items=items,
                    labels=labels_of(survey, question), base=base(survey, question))

    # --- JSON API ---------------------------------------------------------------------------

    def api_state(request: Request) -> Response:
        return JSONResponse(project.double_coding(request.path_params["question"], request.path_params["survey"]))

    def api_agreement(request: Request) -> Response:
        return JSONResponse(project.agreement(request.path_params["question"], request.path_params["survey"]))

    async def api_start(request: Request) -> Response:
        raw = await request.body()
        return await run_in_threadpool(start_from_json, request, raw)

    def start_from_json(request: Request, raw: bytes) -> Response:
        body = json_body(raw, "{size | share, seed, coder}")
        unknown = sorted(set(body) - {"size", "share", "seed", "coder"})
        if unknown:
            raise InputError(f"unknown field '{unknown[0]}' (fields: size or share, seed, coder)")
        coder = body.get("coder") or coder_of(request)
        if coder is not None and not isinstance(coder, str):
            raise InputError("'coder' must be a name")
        return JSONResponse(project.start_double_coding(
            request.path_params["question"], request.path_params["survey"], size=body.get("size"),
            share=body.get("share"), seed=body.get("seed"), coder=coder))

    def api_next(request: Request) -> Response:
        coder = request.query_params.get("coder") or coder_of(request)
        if not coder:
            raise InputError("who is coding? give the coder's name (?coder=NAME)")
        return JSONResponse(project.double_coding_next(request.path_params["question"], coder,
                                                       request.path_params["survey"]))

    def api_disagreements(request: Request) -> Response:
        return JSONResponse(project.disagreements(request.path_params["question"], request.path_params["survey"]))

    async def api_codes(request: Request) -> Response:
        raw = await request.body()
        return await run_in_threadpool(save_code, request, raw)

    def save_code(request: Request, raw: bytes) -> Response:
        key, themes, coder = decision(json_body(raw, "{key, themes, coder}"), request, coder_of)
        return JSONResponse(project.save_double_code(key, themes, coder))

    async def api_reconcile(request: Request) -> Response:
        raw = await request.body()
        return await run_in_threadpool(save_reconciliation, request, raw)

    def save_reconciliation(request: Request, raw: bytes) -> Response:
        key, themes, coder = decision(json_body(raw, "{key, themes, coder}"), request, coder_of)
        return JSONResponse(project.reconcile(key, themes, coder))

    return [
        Route("/d/{survey}/{question}", overview),
        Route("/d/{survey}/{question}/start", start_form, methods=["POST"]),
        Route("/d/{survey}/{question}/code", code_page),
        Route("/d/{survey}/{question}/reconcile", reconcile_page),
        Route("/api/double/codes", api_codes, methods=["POST"]),
        Route("/api/double/reconcile", api_reconcile, methods=["POST"]),
        Route("/api/double/{survey}/{question}", api_state),
        Route("/api/double/{survey}/{question}/start", api_start, methods=["POST"]),
        Route("/api/double/{survey}/{question}/agreement", api_agreement),
        Route("/api/double/{survey}/{question}/next", api_next),
        Route("/api/double/{survey}/{question}/disagreements", api_disagreements),
    ]
