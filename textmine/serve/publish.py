"""The workbench's publishing pages (Dutch): curate the catalogue, preview catalogue and report,
write the published files to the project's output folder, add a new wave's export.

Everything goes through the Project facade. Writing a file can take a while (the report
cleans and codes what is missing when asked to), so each runs in a background thread,
one at a time per kind, and the page polls ``/api/publish/status`` for its progress.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..errors import InputError
from .inputs import is_whole_number, utf8

log = logging.getLogger("textmine.serve")

KINDS = {"report": "Rapport", "catalogue": "Catalogus", "compare": "Vergelijking", "qdpx": "REFI-QDA-export"}
CATALOGUE_FORMATS = ("html", "md", "xlsx")
MAX_UPLOAD = 64 * 1024 * 1024  # a survey export of 30,000 respondents is about 20 MB as CSV
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".sav")
# A published file shown in the workbench's iframe: its own inline CSS/JS run, nothing is
# loaded, and the sandbox (no allow-same-origin) keeps it away from the workbench's cookies and API.
PREVIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-scripts")
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_part(text: str) -> str:
    """A survey, question or wave id as a piece of a file name (anything else becomes ``_``)."""
    return _SAFE.sub("_", str(text)).strip("_") or "x"


def upload_name(raw: str) -> str:
    """The uploaded file's own name, without any folder and without characters a path cannot hold."""
    name = re.split(r"[/\\]", raw or "")[-1]
    name = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", name).strip().lstrip(".")
    return name[:120] or "export"


class Jobs:
    """Background jobs that write a published file: one at a time per kind, their state kept
    for the status endpoint (running, done with the file written, or failed with its one line)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: dict[str, dict[str, Any]] = {}

    def start(self, kind: str, describe: str, work: Callable[[Callable[..., None]], Path]) -> dict[str, Any] | None:
        """Run ``work(progress)`` in a thread and return the job; None when a job of this kind is still running."""
        with self.lock:
            now = self.state.get(kind)
            if now is not None and now["state"] == "running":
                return None
            job = {"kind": kind, "label": KINDS[kind], "what": describe, "state": "running", "step": "",
                   "done": 0, "total": 0, "started": time.time(), "seconds": None, "file": None, "error": None}
            self.state[kind] = job
        threading.Thread(target=self._run, args=(job, work), name=f"textmine-publish-{kind}", daemon=True).start()
        return dict(job)

    def _run(self, job: dict[str, Any], work: Callable[[Callable[..., None]], Path]) -> None:
        def progress(*args: Any) -> None:
            # report: (step, done, total); catalogue and REFI-QDA export: (done, total)
            step, done, total = args if len(args) == 3 else ("", *args)
            with self.lock:
                job.update(step=str(step or ""), done=int(done or 0), total=int(total or 0))

        t0 = time.perf_counter()
        try:
            path = work(progress)
            outcome = {"state": "done", "file": Path(path).name}
        except InputError as exc:
            outcome = {"state": "failed", "error": str(exc)}
        except Exception as exc:  # not the user's input: logged in full, one line on the page
            log.exception("writing the %s failed", job["kind"])
            outcome = {"state": "failed", "error": " ".join(f"{type(exc).__name__}: {exc}".split())}
        with self.lock:
            job.update(outcome, seconds=round(time.perf_counter() - t0, 2))

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Every kind's latest job (a copy)."""
        with self.lock:
            return {k: dict(v) for k, v in self.state.items()}


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(utf8(raw) or "{}")
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deep
        raise InputError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    return body


def _text(body: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise InputError(f"'{name}' is missing")
        return None
    if not isinstance(value, str):
        raise InputError(f"'{name}' must be a text")
    return value


def practice_view(p: dict[str, Any]) -> dict[str, Any]:
    """What the curation page and the API show of a practice: the published (redacted) fields only."""
    return {"id": p["id"], "wave": p["wave"], "respondent_id": p["respondent_id"], "text_hash": p["text_hash"],
            "municipality": p["municipality"], "merged_into": p.get("merged_into"), "province": p["province"],
            "redacted_text": p["redacted_text"], "themes": [t["label"] for t in p["themes"]],
            "main_theme": p["main_theme"], "source": p["source"], "included": p["included"], "title": p["title"],
            "highlight": p["highlight"], "heading": p["heading"], "curation": p["curation"],
            "curation_previous": p["curation_previous"]}


def records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame as JSON-ready dicts (numpy ints and NaN turned into int and None)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def plan_job(kind: str, body: dict[str, Any], out: Path) -> tuple[dict[str, Any], str]:
    """A job's parameters (with the file it writes, ``target``) and its description, checked
    before it starts: a bad request is an InputError at once, not a failed job."""
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, not '{kind}'")
    survey = _text(body, "survey")
    if body.get("prepare") is not None and not isinstance(body.get("prepare"), bool):  # "false" is not False
        raise InputError("'prepare' must be true or false")
    params: dict[str, Any] = {"survey": survey, "prepare": bool(body.get("prepare"))}
    if kind == "report":
        params["target"] = out / f"rapport_{safe_part(survey)}.html"
        return params, f"rapport {survey}"
    if kind == "catalogue":
        question = _text(body, "question")
        fmt = _text(body, "format", required=False) or "html"
        if fmt not in CATALOGUE_FORMATS:
            raise InputError(f"format must be one of {', '.join(CATALOGUE_FORMATS)}, not '{fmt}'")
        params.update(question=question, target=out / f"catalogus_{safe_part(survey)}_{safe_part(question)}.{fmt}")
        return params, f"catalogus {survey} {question} ({fmt})"
    if kind == "compare":
        waves = body.get("waves")
        if not isinstance(waves, list) or len(waves) != 2 or not all(isinstance(w, str) and w for w in waves):
            raise InputError("'waves' must be two wave labels [A, B] (difference = B - A)")
        if waves[0] == waves[1]:
            raise InputError("choose two different waves to compare")
        params.update(waves=list(waves),
                      target=out / f"vergelijking_{safe_part(survey)}_{safe_part(waves[0])}_{safe_part(waves[1])}.csv")
        return params, f"vergelijking {survey} {waves[0]}-{waves[1]}"
    redacted = body.get("redacted", True) is not False
    params.update(redacted=redacted, target=out / f"{safe_part(survey)}{'_geanonimiseerd' if redacted else ''}.qdpx")
    return params, f"REFI-QDA {survey}{' (geanonimiseerd)' if redacted else ' (met persoonsgegevens)'}"


def check_job(project: Any, kind: str, params: dict[str, Any]) -> None:
    """What a job needs from the project, checked before it starts (InputError, a 400): an
    unknown survey, question or wave would otherwise be a job that fails a moment later."""
    project.survey_schema(params["survey"])
    if kind == "catalogue":
        project.survey_of(params["question"], params["survey"])
    if kind == "compare":
        project.check_compare(params["survey"], params["waves"])


def run_job(project: Any, kind: str, params: dict[str, Any], progress: Callable[..., None]) -> Path:
    """Write one published file through the Project facade; returns its path."""
    survey, prepare, target = params["survey"], params["prepare"], Path(params["target"])
    if kind == "report":
        return project.report(target, survey=survey, prepare=prepare, progress=progress)
    if kind == "catalogue":
        return project.catalogue(params["question"], target, survey, prepare=prepare, progress=progress)
    if kind == "compare":
        return project.write_comparison(survey, params["waves"], target)
    report = project.export_qdpx_report(target, survey=survey, redacted=params["redacted"], prepare=prepare,
                                        progress=progress)
    return Path(report.path)


_QUEUE: list[Any] = []  # in the worker process: where progress and outcomes go


def _worker_init(queue: Any) -> None:
    from .workers import lower_priority

    lower_priority()
    logging.getLogger("textmine").setLevel(logging.ERROR)
    _QUEUE[:] = [queue]


def _warm_worker() -> None:
    from ..project import Project  # noqa: F401  (what every job needs, loaded before the first)
    from ..report import write_report  # noqa: F401


def job_in_worker(project_dir: str, kind: str, params: dict[str, Any]) -> None:
    """``run_job`` in the worker process; progress and the outcome go back through its queue
    (progress at most every 0.2 s: a step can report per answer)."""
    from ..project import Project

    queue = _QUEUE[0]
    last: list[Any] = [0.0, None]

    def progress(*args: Any) -> None:
        now = time.monotonic()
        step = args[0] if len(args) == 3 else None
        if now - last[0] >= 0.2 or step != last[1] or args[-2] == args[-1]:
            last[:] = [now, step]
            queue.put(("progress", *args))

    try:
        path = run_job(Project(project_dir, create=False), kind, params, progress)
        queue.put(("done", str(path)))
    except InputError as exc:
        queue.put(("input_error", str(exc)))
    except Exception as exc:  # one line for the page; the worker's stderr has the rest
        log.exception("writing the %s failed", kind)
        queue.put(("error", " ".join(f"{type(exc).__name__}: {exc}".split())))


class Worker:
    """One spawned worker process for the publishing jobs (``textmine serve``), kept between
    jobs so imports and models load once; the pages stay fast while it works. Jobs of different
    kinds take turns in it (a job waiting for its turn says so)."""

    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir
        self.lock = threading.Lock()
        self.pool: Any = None
        self.queue: Any = None

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self.pool is None:
            ctx = multiprocessing.get_context("spawn")
            self.queue = ctx.Queue()
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_worker_init,
                                            initargs=(self.queue,))

    def warm(self) -> None:
        """Start the worker and its imports now (a publishing page was opened): the first
        job then does not wait for them."""
        if self.pool is None and self.lock.acquire(blocking=False):
            try:
                self._start()
                self.pool.submit(_warm_worker)
            finally:
                self.lock.release()

    def run(self, kind: str, params: dict[str, Any], progress: Callable[..., None]) -> Path:
        """Run the job in the worker, passing its progress on; returns the written path."""
        import queue as queues

        if self.lock.locked():
            progress("wacht tot een andere taak klaar is", 0, 0)
        with self.lock:
            self._start()
            future = self.pool.submit(job_in_worker, str(self.project_dir), kind, params)
            while True:
                try:
                    message = self.queue.get(timeout=0.5)
                except queues.Empty:
                    if not future.done():
                        continue
                    try:  # it may have said its last word just before it ended
                        message = self.queue.get(timeout=0.5)
                    except queues.Empty:
                        self.pool = None  # died (killed, out of memory): a fresh one next time
                        raise RuntimeError(f"the worker process stopped ({future.exception()!r})") from None
                if message[0] == "progress":
                    progress(*message[1:])
                elif message[0] == "done":
                    return Path(message[1])
                elif message[0] == "input_error":
                    raise InputError(message[1])
                else:
                    raise RuntimeError(message[1])

    def close(self) -> None:
        """End the worker (a running job ends first)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def publish_routes(bench: Any, page: Callable[..., HTMLResponse],
                   coder_of: Callable[[Request], str | None]) -> list[Route]:
    """The publishing pages and their JSON API, on the workbench's project (``bench.project``);
    ``page`` renders a template, ``coder_of`` reads the coder's name (curation is stored under it)."""
    project = bench.project
    jobs = Jobs()
    bench.publish_jobs = jobs  # the tests and a closing app can see them
    worker = bench.publish_worker = Worker(bench.project_dir) if bench.project_dir is not None else None

    def output_files() -> list[dict[str, Any]]:
        out = project.output_dir()
        files = [p for p in out.iterdir() if p.is_file() and not p.name.startswith(".")]
        files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        return [{"name": p.name, "bytes": p.stat().st_size,
                 "modified": time.strftime("%Y-%m-%d %H:%M", time.localtime(p.stat().st_mtime)),
                 "preview": p.suffix.lower() in (".html", ".htm")} for p in files]

    def open_questions() -> list[dict[str, Any]]:
        return [q for q in records(project.questions()) if q["type"] == "open"]

    def surveys() -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for w in records(project.waves()):
            found.setdefault(w["survey"], {"survey": w["survey"], "waves": [], "questions": []})["waves"].append(w)
        for q in open_questions():
            if q["survey"] in found:
                found[q["survey"]]["questions"].append(q)
        return list(found.values())

    # --- pages ------------------------------------------------------------------------

    def publish_page(request: Request) -> Response:
        if worker is not None:
            worker.warm()
        return page(request, "publish.html", surveys=surveys(), files=output_files(), kinds=KINDS,
                    formats=CATALOGUE_FORMATS, max_upload_mb=MAX_UPLOAD // (1024 * 1024),
                    output=str(project.output_dir()))

    def catalogue_page(request: Request) -> Response:
        if worker is not None:
            worker.warm()
        survey, question = request.path_params["survey"], request.path_params["question"]
        practices = [practice_view(p) for p in project.catalogue_practices(question, survey)]
        label = next((q["label"] for q in open_questions() if (q["survey"], q["question"]) == (survey, question)),
                     question)
        name = f"catalogus_{safe_part(survey)}_{safe_part(question)}.html"
        built = (project.output_dir() / name).is_file()
        return page(request, "catalogue.html", survey=survey, question=question, label=label, practices=practices,
                    themes=sorted({p["themes"][0] for p in practices}), preview=name if built else None,
                    file=name, formats=CATALOGUE_FORMATS)

    def output_file(request: Request) -> Response:
        """A published file from the output folder: HTML for the preview (its own strict CSP,
        sandboxed), anything else as a download."""
        name = request.path_params["name"]
        folder = project.output_dir()
        path = folder / name
        try:  # a name longer than the file system allows is an OSError, not False
            found = path.is_file()
        except OSError:
            found = False
        if "/" in name or "\\" in name or name.startswith(".") or not found \
                or path.resolve().parent != folder.resolve():
            raise InputError(f"'{name[:120]}' is not a file in the output folder")
        if path.suffix.lower() in (".html", ".htm"):
            return HTMLResponse(path.read_text(encoding="utf-8"), headers={
                "content-security-policy": PREVIEW_CSP, "x-frame-options": "SAMEORIGIN"})
        return FileResponse(path, filename=path.name)

    # --- JSON API -----------------------------------------------------------------------

    def api_catalogue(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        practices = project.catalogue_practices(question, survey)
        return JSONResponse({"survey": survey, "question": question,
                             "practices": [practice_view(p) for p in practices]})

    async def api_curation(request: Request) -> Response:
        raw = await request.body()
        return await run_in_threadpool(save_curation, request, raw)

    def save_curation(request: Request, raw: bytes) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        body = _body(raw)
        who = coder_of(request)
        report = project.curate(question, body.get("choices"), survey,
                                source=f"workbench ({who})" if who else "workbench")
        return JSONResponse({"rows": report.rows, "stored": report.stored, "unchanged": report.unchanged})

    async def api_publish(request: Request) -> Response:
        raw = await request.body()
        return await run_in_threadpool(start_job, request, raw)

    def start_job(request: Request, raw: bytes) -> Response:
        kind = request.path_params["kind"]
        params, what = plan_job(kind, _body(raw), project.output_dir())
        check_job(project, kind, params)
        if worker is not None:  # `textmine serve`: in the worker process, the pages stay fast
            def work(progress: Callable[..., None]) -> Path:
                return worker.run(kind, params, progress)
        else:
            def work(progress: Callable[..., None]) -> Path:
                return run_job(project, kind, params, progress)
        job = jobs.start(kind, what, work)
        if job is None:
            running = jobs.snapshot()[kind]
            return JSONResponse({"error": f"{KINDS[kind]} wordt al gemaakt ({running['what']}): wacht tot die "
                                          "klaar is"}, status_code=409)
        return JSONResponse(job, status_code=202)

    def api_status(request: Request) -> Response:
        return JSONResponse({"jobs": jobs.snapshot(), "files": output_files()})

    async def api_waves(request: Request) -> Response:
        """A new wave's export as the raw request body (query: survey, wave, name, replace,
        population): read with the survey's schema, all or nothing."""
        q = request.query_params
        survey, wave, name = q.get("survey", "").strip(), q.get("wave", "").strip(), upload_name(q.get("name", ""))
        if not survey:
            raise InputError("'survey' is missing: the survey the export belongs to")
        if not wave:
            raise InputError("'wave' is missing: the wave label, e.g. 2026")
        population = q.get("population", "").strip()
        if population and not is_whole_number(population):
            raise InputError(f"population must be a whole number, not '{population}'")
        size = request.headers.get("content-length", "")
        if size.isascii() and size.isdigit() and int(size[:20]) > MAX_UPLOAD:
            return too_large()
        with tempfile.TemporaryDirectory(prefix="textmine-upload-") as tmp:
            path = Path(tmp) / name
            received = 0
            with path.open("wb") as fh:
                async for chunk in request.stream():
                    received += len(chunk)
                    if received > MAX_UPLOAD:
                        return too_large()
                    fh.write(chunk)
            if received == 0:
                raise InputError("the file is empty", file=name)
            return await run_in_threadpool(ingest, path, name, survey, wave, q.get("replace") in ("1", "true"),
                                           int(population) if population else None)

    def too_large() -> Response:
        return JSONResponse({"error": f"het bestand is groter dan {MAX_UPLOAD // (1024 * 1024)} MB"},
                            status_code=413)

    def ingest(path: Path, name: str, survey: str, wave: str, replace: bool, population: int | None) -> Response:
        schema = project.survey_schema(survey)
        try:
            report = project.ingest(path, schema, wave, replace=replace, population=population)
        except InputError as exc:
            # the message names the file as the user knows it, as `textmine ingest NAME` would
            if exc.file and Path(exc.file) == path:
                exc.file = name
            raise
        return JSONResponse(dataclasses.asdict(report))

    return [
        Route("/publish", publish_page),
        Route("/publish/catalogue/{survey}/{question}", catalogue_page),
        Route("/publish/output/{name}", output_file),
        Route("/api/catalogue/{survey}/{question}", api_catalogue),
        Route("/api/catalogue/{survey}/{question}/curation", api_curation, methods=["POST"]),
        Route("/api/publish/status", api_status),
        Route("/api/publish/{kind}", api_publish, methods=["POST"]),
        Route("/api/waves", api_waves, methods=["POST"]),
    ]
