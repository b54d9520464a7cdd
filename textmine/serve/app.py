"""The workbench app: Starlette routes, Jinja2 pages (Dutch), the JSON API.

Every endpoint is a plain ``def``: Starlette runs it in its thread pool, so a Project call
(SQLite, a model) never blocks the event loop, and a slow request never holds up another.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import sqlite3
import threading
import time
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import InputError
from .publish import publish_routes
from .codebook import codebook_routes
from .inputs import form_fields, is_whole_number, utf8
from .security import AUTH_COOKIE, Guard, auth_cookie_value
from .topics import TopicRuns, topic_routes
from .workers import quiet_retrain_worker

log = logging.getLogger("textmine.serve")
HERE = Path(__file__).parent
CODER_COOKIE = "textmine_coder"
ORDERS = ("uncertain", "audit")
ORDER_LABELS = {"uncertain": "minst zeker eerst", "audit": "steekproef (audit)"}


def retrain_in_process(project_dir: str, question: str, survey: str) -> dict[str, Any]:
    """The background retrain, run in the worker process (its Project, its models)."""
    import logging as _logging

    from ..project import Project

    _logging.getLogger("textmine").setLevel(_logging.ERROR)
    result = Project(project_dir, create=False).retrain(question, survey)
    return {k: v for k, v in result.items() if isinstance(v, (str, int, float, bool, type(None)))}


def loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost: the only hosts served without a token."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The Host headers accepted: the bound address and the loopback names, with the port.

    A wildcard bind (0.0.0.0, ::) is reached under names we cannot know; it needs a token,
    and the token (never sent by a rebinding page) is then the guard."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {host.lower(), "localhost", "127.0.0.1", "[::1]"}
    if ":" in host and not host.startswith("["):
        names.add(f"[{host.lower()}]")
    return {f"{n}:{port}" for n in names} | ({n for n in names} if port == 80 else set())


class Workbench:
    """State the app keeps between requests: the project and its background retraining."""

    def __init__(self, project: Any, retrain_every: int, project_dir: Path | None = None) -> None:
        self.project = project
        self.retrain_every = max(1, retrain_every)
        self.lock = threading.Lock()
        self.decisions: dict[tuple[str, str], int] = {}
        self.retraining: set[tuple[str, str]] = set()
        self.retrains: list[dict[str, Any]] = []  # finished retrains (duration, result) for the bench
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="textmine-retrain")
        # Retraining is CPU-bound Python: in a thread it would hold the GIL the pages need. One
        # worker process (models loaded once, on its first retrain) keeps the pages fast.
        self.project_dir = project_dir
        self.processes: ProcessPoolExecutor | None = None

    def next_answer(self, survey: str, question: str, order: str, coder: str | None) -> dict | None:
        """The next answer for this coder (``Project.next_answer`` holds it for them); a question
        the machine has not coded yet is coded in the background so suggestions follow."""
        answer = self.project.next_answer(question, survey, order=order, coder=coder)
        if answer is not None and all(s.get("score") is None for s in answer.get("suggestions") or []):
            self.start_retrain(survey, question)
        return answer

    def _run_retrain(self, survey: str, question: str) -> dict[str, Any]:
        if self.project_dir is None:
            return self.project.retrain(question, survey)
        if self.processes is None:
            self.processes = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=quiet_retrain_worker)
        try:
            return self.processes.submit(retrain_in_process, str(self.project_dir), question, survey).result()
        except BrokenProcessPool:  # the worker died (killed, out of memory): retrain here instead
            self.processes = None
            return self.project.retrain(question, survey)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        if getattr(self, "publish_worker", None) is not None:  # textmine/serve/publish.py
            self.publish_worker.close()
        if self.processes is not None:
            # wait=True: a running retrain ends first (CPython 3.11's exit hook breaks on a pool
            # shut down without waiting)
            self.processes.shutdown(wait=True, cancel_futures=True)

    def decided(self, survey: str, question: str) -> None:
        """Count a decision; every ``retrain_every`` of them retrain the question in the background."""
        what = (survey, question)
        with self.lock:
            self.decisions[what] = self.decisions.get(what, 0) + 1
            if self.decisions[what] % self.retrain_every:
                return
        self.start_retrain(survey, question)

    def start_retrain(self, survey: str, question: str) -> None:
        """Retrain the question in the background unless a retrain of it is already running."""
        with self.lock:
            if (survey, question) in self.retraining:
                return
            self.retraining.add((survey, question))
        self.pool.submit(self._retrain, survey, question)

    def _retrain(self, survey: str, question: str) -> None:
        t0 = time.perf_counter()
        try:
            result = self._run_retrain(survey, question)
            wall = time.perf_counter() - t0
            self.retrains.append({"survey": survey, "question": question, "wall": wall,
                                  "seconds": float(result.get("seconds", wall)), "result": result})
        except Exception:  # the coder keeps working on the last suggestions; the log says why
            log.exception("retraining %s %s failed", survey, question)
        finally:
            with self.lock:
                self.retraining.discard((survey, question))


def create_app(project_dir: str | Path, token: str | None = None, *, host: str = "127.0.0.1", port: int = 8765,
               retrain_every: int = 5, retrain_process: bool = False, project: Any = None) -> Starlette:
    """The workbench on the project in ``project_dir``.

    token          when set, every request carries it (``Authorization: Bearer TOKEN`` or the
                   cookie the login page sets)
    host, port     where the server listens: only these (and the loopback names) are accepted
                   in the Host header
    retrain_every  retrain a question in the background after this many decisions on it
    retrain_process  retrain in one worker process (``textmine serve`` does) rather than a thread
    project        a ready Project (tests); default ``Project(project_dir, create=False)``
    """
    own_project = project is None
    if project is None:
        from ..project import Project

        project = Project(project_dir, create=False)
    bench = Workbench(project, retrain_every, Path(project_dir) if own_project and retrain_process else None)
    topic_runs = TopicRuns(project, Path(project_dir) if own_project and retrain_process else None)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: "" if v is None else f"{100 * float(v):.0f}%"
    env.filters["uniq"] = lambda words: list({str(w).lower(): w for w in reversed(words or [])}.values())[::-1]

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(csrftoken=request.scope["state"]["csrftoken"],
                                                 coder=coder_of(request), token_set=bool(token), **context)
        return HTMLResponse(html, status_code=status)

    labels: dict[tuple[str, str], str] = {}

    def question_label(survey: str, question: str) -> str:
        """The question's label (asked once per process: the pages show it on every answer)."""
        if (survey, question) not in labels:
            for q in records(bench.project.questions(survey)):
                labels[(q["survey"], q["question"])] = q.get("label") or q["question"]
        return labels.get((survey, question), question)

    # --- pages ------------------------------------------------------------------------

    def home(request: Request) -> Response:
        progress = records(bench.project.progress())
        waves = records(bench.project.waves())
        surveys: dict[str, dict[str, Any]] = {}
        for w in waves:
            surveys.setdefault(w["survey"], {"survey": w["survey"], "waves": [], "questions": []})["waves"].append(w)
        for q in progress:
            surveys.setdefault(q["survey"], {"survey": q["survey"], "waves": [], "questions": []})["questions"].append(q)
        for q in progress:  # agreement so far: the audit sample's alpha and the two coders' (with counts)
            trust = trust_view(bench.project.trust(q["question"], q["survey"]))
            q["audit_alpha"], q["audit_answers"] = trust["pooled"]["alpha_audit"], trust["pooled"]["audit_answers"]
            q["coders_alpha"] = trust["pooled"]["alpha_coders"] if trust["coders"] else None
            q["coders_answers"] = trust["pooled"]["answers_coders"]
        # where to continue: a question already being coded, else the first with answers to review
        cont = next((q for q in progress if q.get("to_review") and q.get("human")), None) or next(
            (q for q in progress if q.get("to_review")), None)
        return page(request, "home.html", surveys=list(surveys.values()), cont=cont)

    def queue(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        order = request.query_params.get("order", "uncertain")
        if order not in ORDERS:
            raise InputError(f"order must be one of {', '.join(ORDERS)}, not '{order}'")
        coder = coder_of(request)
        here = f"/q/{quote(survey)}/{quote(question)}?{urlencode({'order': order})}"
        if not coder:
            return page(request, "coder.html", back=here)
        key = request.query_params.get("key")
        if key and bench.project.parse_key(key)[::2] != (survey, question):  # never under another question's label
            raise InputError(f"'{key[:120]}' is not an answer of {survey} '{question}'")
        if key:
            answer = bench.project.answer(key, coder=coder)
        else:
            answer = bench.next_answer(survey, question, order, coder)
        recent = bench.project.recent_codes(question, coder, survey)
        recent_keys = [r["key"] for r in recent]
        if answer is not None and answer["key"] in recent_keys:
            i = recent_keys.index(answer["key"])
            prev = recent_keys[i + 1] if i + 1 < len(recent_keys) else None
        else:
            prev = recent_keys[0] if recent_keys else None
        label = question_label(survey, question)
        return page(request, "queue.html", survey=survey, question=question, label=label, order=order,
                    order_labels=ORDER_LABELS, answer=answer, prev=prev, here=here,
                    segments=highlight(answer["text"], keywords_of(answer)) if answer else [],
                    chosen=chosen_of(answer) if answer else [], recent=recent[:5])

    def grid(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        q = request.query_params
        f = {k: q.get(k, "") for k in ("theme", "source", "confidence", "wave", "province", "text")}
        sort = q.get("sort", "wave")
        f["sort"] = sort if sort in SORTABLE or sort.startswith("theme:") else "wave"
        f["dir"] = "desc" if q.get("dir") == "desc" else "asc"
        table = bench.project.grid(question, survey)
        rows = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}  # NaN: empty
                for r in table.to_dict("records")]
        for r in rows:
            r["certainty"], r["source"], r["themes"] = r.get("margin"), r.get("source") or None, list(r["themes"])
        _survey, book = bench.project.codebook(question, survey)
        themes = [{"id": t.id, "label": t.label} for t in book]
        matching = sort_rows(filter_rows(rows, f), f["sort"], f["dir"])
        pages = max(1, -(-len(matching) // GRID_PAGE))
        at = min(max(1, int(q.get("page", "1")) if is_whole_number(q.get("page", "1")) else 1), pages)
        shown = matching[(at - 1) * GRID_PAGE: at * GRID_PAGE]
        base = {k: v for k, v in f.items() if v and k not in ("sort", "dir")}
        here_q = urlencode({**base, "sort": f["sort"], "dir": f["dir"], "page": at})
        page_link = {n: f"?{urlencode({**base, 'sort': f['sort'], 'dir': f['dir'], 'page': n})}"
                     for n in (at - 1, at + 1) if 1 <= n <= pages}
        sort_links = {}
        for col in [c for c, _ in GRID_COLUMNS] + [f"theme:{t['id']}" for t in themes]:
            direction = "desc" if f["sort"] == col and f["dir"] == "asc" else "asc"
            sort_links[col] = f"?{urlencode({**base, 'sort': col, 'dir': direction})}"
        label = question_label(survey, question)
        return page(request, "grid.html", survey=survey, question=question, label=label, rows=shown,
                    total=len(rows), matching=len(matching), at=at, pages=pages, page_link=page_link,
                    first=(at - 1) * GRID_PAGE + 1, themes=themes, f=f, columns=GRID_COLUMNS, sort_links=sort_links,
                    waves=sorted({r["wave"] for r in rows}),
                    provinces=sorted({r["province"] for r in rows if r.get("province")}),
                    here=f"/g/{quote(survey)}/{quote(question)}?{here_q}")

    async def grid_confirm(request: Request) -> Response:
        form = form_fields(await request.body())
        return await run_in_threadpool(confirm_selection, request, form)

    def confirm_selection(request: Request, form: dict[str, list[str]]) -> Response:
        """Bulk confirm: each selected answer's machine themes stored as the coder's human code."""
        survey, question = request.path_params["survey"], request.path_params["question"]
        back = (form.get("back") or ["/"])[0]
        if not back.startswith("/") or back.startswith("//"):
            back = "/"
        coder = coder_of(request)
        if not coder:
            return page(request, "coder.html", back=back)
        keys = [k for k in form.get("key") or [] if bench.project.parse_key(k)[::2] == (survey, question)]
        # what each row showed: a retrain or a codebook change since must not be confirmed unseen
        shown = {key: themes.split(",") for themes, _, key in (v.partition("=") for v in form.get("shown") or [])}
        done = bench.project.confirm_answers(keys, coder, shown=shown) if keys else {"confirmed": 0}
        for _ in range(done["confirmed"]):
            bench.decided(survey, question)
        return RedirectResponse(back, status_code=303)

    def trust_page(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        return page(request, "trust.html", survey=survey, question=question, label=question_label(survey, question),
                    trust=trust_view(bench.project.trust(question, survey)))

    def api_trust(request: Request) -> Response:
        return JSONResponse(trust_view(bench.project.trust(request.path_params["question"],
                                                           request.path_params["survey"])))

    async def set_coder(request: Request) -> Response:
        form = form_fields(await request.body())
        name = (form.get("coder") or [""])[0].strip()
        back = (form.get("back") or ["/"])[0]
        if not back.startswith("/") or back.startswith("//"):
            back = "/"  # never an open redirect
        if not valid_coder(name):
            return page(request, "coder.html", status=400, back=back,
                        error="Vul een naam in (1 tot 60 tekens, zonder < > of \").")
        response = RedirectResponse(back, status_code=303)
        response.set_cookie(CODER_COOKIE, quote(name), max_age=365 * 24 * 3600, samesite="strict", httponly=True)
        return response

    def login_page(request: Request) -> Response:
        if not token:
            return RedirectResponse("/", status_code=303)
        return page(request, "login.html")

    async def login(request: Request) -> Response:
        if not token:
            return RedirectResponse("/", status_code=303)
        given = (form_fields(await request.body()).get("token") or [""])[0]
        import hmac

        if not hmac.compare_digest(given.encode(), token.encode()):
            return page(request, "login.html", status=401, error="Dit toegangstoken klopt niet.")
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(AUTH_COOKIE, auth_cookie_value(token), samesite="strict", httponly=True)
        return response

    # --- JSON API ---------------------------------------------------------------------

    def api_questions(request: Request) -> Response:
        return JSONResponse(records(bench.project.progress()))

    def api_next(request: Request) -> Response:
        order = request.query_params.get("order", "uncertain")
        if order not in ORDERS:
            raise InputError(f"order must be one of {', '.join(ORDERS)}, not '{order}'")
        coder = request.query_params.get("coder") or coder_of(request)
        answer = bench.next_answer(request.path_params["survey"], request.path_params["question"], order, coder)
        return JSONResponse(answer)

    async def api_codes(request: Request) -> Response:
        raw = await request.body()
        return await run_in_threadpool(save_codes, request, raw)

    def save_codes(request: Request, raw: bytes) -> Response:
        try:
            body = json.loads(utf8(raw) or "null")
        except (ValueError, RecursionError):  # RecursionError: JSON nested too deep
            raise InputError("the request body is not JSON") from None
        if not isinstance(body, dict):
            raise InputError("the request body must be a JSON object {key, themes, coder}")
        key, themes, coder = body.get("key"), body.get("themes"), body.get("coder") or coder_of(request)
        if not isinstance(key, str) or not key:
            raise InputError("'key' must be the answer's key (survey:wave:question:respondent_id)")
        if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
            raise InputError("'themes' must be a list of theme ids ([] or [\"overig\"]: no theme)")
        if not isinstance(coder, str) or not coder.strip():
            raise InputError("'coder' is missing: the name of the person who decided")
        if body.get("audit") is not None and not isinstance(body.get("audit"), bool):  # "false" is not False
            raise InputError("'audit' must be true or false")
        shown = body.get("shown")  # the human code the page showed: another tab's decision is not overwritten
        if shown is not None and not (isinstance(shown, dict) and (shown.get("themes") is None or (
                isinstance(shown.get("themes"), list) and all(isinstance(t, str) for t in shown["themes"])))
                and (shown.get("coder") is None or isinstance(shown.get("coder"), str))):
            raise InputError("'shown' must be {themes: [...] or null, coder: name or null}: "
                             "the human code the page showed")
        survey, _wave, question, _rid = bench.project.parse_key(key)
        saved = bench.project.save_answer_codes(key, themes, coder.strip(), audit=bool(body.get("audit")),
                                                shown=shown)
        bench.decided(survey, question)
        return JSONResponse(saved)

    def api_status(request: Request) -> Response:
        """Background work: questions retraining now, and the finished retrains (seconds)."""
        with bench.lock:
            running = [{"survey": s, "question": q} for s, q in sorted(bench.retraining)]
        done = [{k: r[k] for k in ("survey", "question", "seconds")} for r in list(bench.retrains)]
        return JSONResponse({"retraining": running, "retrains": done})

    routes = [
        Route("/", home),
        Route("/q/{survey}/{question}", queue),
        Route("/g/{survey}/{question}", grid),
        Route("/g/{survey}/{question}/confirm", grid_confirm, methods=["POST"]),
        Route("/t/{survey}/{question}", trust_page),
        Route("/api/questions/{survey}/{question}/trust", api_trust),
        Route("/coder", set_coder, methods=["POST"]),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/api/questions", api_questions),
        Route("/api/questions/{survey}/{question}/next", api_next),
        Route("/api/codes", api_codes, methods=["POST"]),
        Route("/api/status", api_status),
        *topic_routes(topic_runs, bench, page, question_label, coder_of),
        *codebook_routes(bench, page, coder_of, records),  # issue 15.1: codebook editing (serve/codebook.py)
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    routes[-1:-1] = publish_routes(bench, page, coder_of)  # curate and publish (textmine/serve/publish.py)
    from .double import routes as double_routes  # issue 15.3: blind double coding

    routes[-1:-1] = double_routes(bench, page, coder_of)

    def input_error(request: Request, exc: Exception) -> Response:
        status = 400
        if isinstance(exc, sqlite3.OperationalError):
            from ..store import busy_error, is_busy

            if not is_busy(exc):
                raise exc
            exc, status = busy_error(), 503
        elif "the project is still busy after" in str(exc):  # the store's own busy_error: try again later
            status = 503
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=status)
        return page(request, "error.html", status=status, message=str(exc))

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        yield
        bench.close()

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={InputError: input_error, sqlite3.OperationalError: input_error})
    app.state.workbench = bench
    app.add_middleware(Guard, allowed_hosts=allowed_hosts(host, port), token=token)
    return app


GRID_COLUMNS = [("wave", "Ronde"), ("respondent_id", "Respondent"), ("text", "Antwoord"),
                ("municipality", "Gemeente"), ("source", "Bron"), ("certainty", "Zekerheid")]
SORTABLE = {c for c, _ in GRID_COLUMNS}
GRID_PAGE = 200  # rows per grid page: a page of 1,000 answers x themes is too slow to render and read
LOW_CERTAINTY = 0.10  # a score within this distance of its theme's threshold: the machine was unsure


def filter_rows(rows: list[dict[str, Any]], f: dict[str, str]) -> list[dict[str, Any]]:
    """The grid's rows that pass its filters (theme, source, confidence, wave, province, text search)."""
    out = []
    needle = f["text"].strip().lower()
    for r in rows:
        themes = list(r["themes"] or [])
        if f["theme"] and not (f["theme"] in themes or (f["theme"] == "overig" and r["source"] and not themes)):
            continue
        if f["source"] and (r["source"] or "none") != f["source"]:
            continue
        if f["confidence"]:
            c = r["certainty"]
            if c is None or (c < LOW_CERTAINTY) != (f["confidence"] == "low"):
                continue
        if f["wave"] and r["wave"] != f["wave"]:
            continue
        if f["province"] and (r.get("province") or "") != f["province"]:
            continue
        if needle and needle not in (r["text"] or "").lower():
            continue
        out.append(r)
    return out


def sort_rows(rows: list[dict[str, Any]], col: str, direction: str) -> list[dict[str, Any]]:
    """The grid's rows sorted on a column or a theme's score (``theme:<id>``); empty cells last."""
    def value(r: dict[str, Any]) -> tuple:
        v = (r.get("scores") or {}).get(col[6:]) if col.startswith("theme:") else r.get(col)
        return (v is None, v if v is not None else 0) if not isinstance(v, str) else (False, v.lower())
    present = [r for r in rows if value(r)[0] is False]
    missing = [r for r in rows if value(r)[0] is True]  # empty cells last, whichever the direction
    return sorted(present, key=value, reverse=direction == "desc") + missing


def coder_of(request: Request) -> str | None:
    """The coder's name from the cookie the coder page sets (None when absent or not a valid name)."""
    from urllib.parse import unquote

    name = unquote(request.cookies.get(CODER_COOKIE, "")).strip()
    return name if valid_coder(name) else None


def valid_coder(name: str) -> bool:
    """Whether a coder's name can be stored as given (``queue.check_coder``, the facade's rule)."""
    from ..queue import check_coder

    try:
        return check_coder(name) == name
    except InputError:
        return False


def records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame as JSON-ready dicts (numpy ints and NaN turned into int and None)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def trust_view(frame: Any) -> dict[str, Any]:
    """``Project.trust``'s frame for the pages and the API: per theme, the pooled row ("*"),
    and what ``attrs`` says (the question, the audit sample's size, the two coders compared)."""
    rows = records(frame)
    attrs = dict(frame.attrs)
    return {"survey": attrs.get("survey"), "question": attrs.get("question"),
            "audit_size": int(attrs.get("audit_size") or 0), "coders": list(attrs.get("coders") or []),
            "themes": [r for r in rows if r["theme"] != "*"],
            "pooled": next(r for r in rows if r["theme"] == "*")}


def keywords_of(answer: dict[str, Any]) -> list[str]:
    """The codebook keywords matched in an answer, longest first (so the longer one is highlighted)."""
    return sorted({k for s in answer.get("suggestions", []) for k in s.get("keywords") or [] if k}, key=len,
                  reverse=True)


def highlight(text: str, keywords: list[str]) -> list[tuple[str, bool]]:
    """The text cut into (piece, matched) pieces; the template escapes each and marks the matched."""
    if not keywords or not text:
        return [(text or "", False)]
    pattern = re.compile("|".join(re.escape(k) for k in keywords), re.IGNORECASE)
    pieces, at = [], 0
    for m in pattern.finditer(text):
        if m.start() > at:
            pieces.append((text[at:m.start()], False))
        if m.end() > m.start():
            pieces.append((m.group(0), True))
        at = m.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def chosen_of(answer: dict[str, Any]) -> list[str]:
    """The themes ticked when the answer is shown: the human code if there is one, else the
    machine's (most likely first)."""
    human = answer.get("human")
    if human is not None:
        return list(human)
    applies = [s for s in answer.get("suggestions", []) if s.get("applies")]
    return [s["theme"] for s in sorted(applies, key=lambda s: -(s.get("score") or 0))]
