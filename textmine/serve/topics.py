"""Topics in the workbench: run topic discovery for a question, read the short "new" list and
every topic (label, keywords, size, waves, quotes), and act on a topic.

A run takes tens of seconds of CPU (embeddings, UMAP, HDBSCAN): it runs in its own spawned
process, so the pages stay fast, one run per question at a time; the page polls its status.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue as queue_module
import threading
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import InputError
from .inputs import form_fields, is_whole_number, utf8

log = logging.getLogger("textmine.serve")


def topics_in_process(project_dir: str, question: str, survey: str, out: Any) -> None:
    """A topics run in the worker process; progress and the outcome go back through ``out``."""
    import logging as _logging

    from ..project import Project
    from .workers import lower_priority

    lower_priority()
    _logging.getLogger("textmine").setLevel(_logging.ERROR)
    try:
        result, _book = Project(project_dir, create=False).find_topics(
            question, survey, views=False, progress=lambda done, total: out.put(("progress", done, total)))
        out.put(("done", {"run_id": result.run_id, "topics": len(result.clusters),
                          "new": sum(bool(c.get("new")) for c in result.clusters)}))
    except InputError as exc:
        out.put(("error", str(exc)))
    except Exception as exc:  # noqa: BLE001 - the page shows one line; the worker's log has the rest
        out.put(("error", f"the topics run failed: {type(exc).__name__}: {exc}"))


class TopicRuns:
    """Topic runs started from the workbench, at most one per question at a time.

    project_dir  run each in a spawned process on this project (``textmine serve``); None: run
                 in a thread on ``project`` (tests, a stand-in project)
    """

    def __init__(self, project: Any, project_dir: Path | None = None) -> None:
        self.project = project
        self.project_dir = project_dir
        self.lock = threading.Lock()
        self.jobs: dict[tuple[str, str], dict[str, Any]] = {}

    def status(self, survey: str, question: str) -> dict[str, Any]:
        """state (idle, running, done, failed), done/total steps, seconds, error, result."""
        with self.lock:
            job = dict(self.jobs.get((survey, question)) or {"state": "idle"})
        if job.get("started") is not None:
            end = job.get("ended") or time.monotonic()
            job["seconds"] = round(end - job.pop("started"), 1)
            job.pop("ended", None)
        return job

    def start(self, survey: str, question: str) -> dict[str, Any]:
        """Start a run unless one of this question is running; returns the status."""
        with self.lock:
            if (self.jobs.get((survey, question)) or {}).get("state") == "running":
                pass
            else:
                self.jobs[(survey, question)] = {"state": "running", "done": 0, "total": 0,
                                                 "started": time.monotonic()}
                threading.Thread(target=self._run, args=(survey, question), daemon=True,
                                 name=f"textmine-topics-{question}").start()
        return self.status(survey, question)

    def _update(self, survey: str, question: str, **changes: Any) -> None:
        with self.lock:
            self.jobs[(survey, question)].update(changes)

    def _run(self, survey: str, question: str) -> None:
        try:
            if self.project_dir is None:
                result, _book = self.project.find_topics(
                    question, survey, views=False,
                    progress=lambda done, total: self._update(survey, question, done=done, total=total))
                outcome: tuple = ("done", {"run_id": result.run_id, "topics": len(result.clusters)})
            else:
                outcome = self._in_process(survey, question)
        except InputError as exc:
            outcome = ("error", str(exc))
        except Exception as exc:  # noqa: BLE001
            log.exception("topics run of %s %s failed", survey, question)
            outcome = ("error", f"the topics run failed: {type(exc).__name__}: {exc}")
        if outcome[0] == "done":
            self._update(survey, question, state="done", result=outcome[1], ended=time.monotonic())
        else:
            self._update(survey, question, state="failed", error=outcome[1], ended=time.monotonic())

    def _in_process(self, survey: str, question: str) -> tuple:
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        worker = ctx.Process(target=topics_in_process, args=(str(self.project_dir), question, survey, out),
                             daemon=True)
        worker.start()
        try:
            while True:
                try:
                    message = out.get(timeout=0.5)
                except queue_module.Empty:
                    if not worker.is_alive():
                        return ("error", f"the topics run stopped (exit code {worker.exitcode})")
                    continue
                if message[0] == "progress":
                    self._update(survey, question, done=message[1], total=message[2])
                else:
                    return message
        finally:
            worker.join(timeout=5)


def topic_routes(runs: TopicRuns, bench: Any, page: Callable[..., Response],
                 question_label: Callable[[str, str], str], coder_of: Callable[[Request], str | None]
                 ) -> list[Route]:
    """The topics page and its JSON API (see README "Workbench: topics"); a promotion or merge is a
    codebook change (``Project.promote_topic``, ``Project.merge_topic``), retrained in the background."""
    project = runs.project

    def act(survey: str, question: str, topic: str, action: str, body: dict[str, Any], who: Any
            ) -> dict[str, Any]:
        if not is_whole_number(topic):
            raise InputError(f"topic must be a topic number, not '{topic[:40]}'")
        if not isinstance(who, str) or not who.strip():
            raise InputError("'who' is missing: the name of the person making the change")
        version = body.get("version")
        if version is not None and not isinstance(version, int):
            raise InputError("'version' must be the codebook version number the change was made on")
        run = body.get("run")  # the run the page showed: a newer one numbers its topics anew
        if isinstance(run, str) and is_whole_number(run):
            run = int(run)
        if run is not None and (isinstance(run, bool) or not isinstance(run, int)):
            raise InputError("'run' must be the number of the topics run the topic was seen in")
        for field in ("label", "theme_id", "theme"):
            if body.get(field) is not None and not isinstance(body.get(field), str):
                raise InputError(f"'{field}' must be text")
        if action == "promote":
            change = project.promote_topic(question, int(topic), who=who, label=body.get("label"),
                                           theme_id=body.get("theme_id") or None, survey=survey, version=version,
                                           run=run)
        else:
            if not body.get("theme"):
                raise InputError("'theme' is missing: the id of the theme the topic goes into")
            change = project.merge_topic(question, int(topic), body["theme"], who=who, survey=survey,
                                         version=version, run=run)
        bench.start_retrain(survey, question)  # the suggestions follow the new codebook
        return change

    def form_action(action: str) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            from starlette.concurrency import run_in_threadpool

            form = {k: v[0] for k, v in form_fields(await request.body()).items()}
            return await run_in_threadpool(form_change, request, action, form)
        return handler

    def form_change(request: Request, action: str, form: dict[str, str]) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        here = f"/topics/{quote(survey)}/{quote(question)}"
        coder = coder_of(request)
        if not coder:
            return page(request, "coder.html", back=here)
        body = {k: form.get(k) for k in ("label", "theme", "run") if form.get(k)}
        try:
            change = act(survey, question, request.path_params["topic"], action, body, coder)
        except InputError as exc:
            return topics_view(request, survey, question, error=str(exc), status=400)
        return RedirectResponse(f"{here}?done={change['version']}", status_code=303)

    def api_action(action: str) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            import json

            from starlette.concurrency import run_in_threadpool

            raw = await request.body()
            try:
                body = json.loads(utf8(raw) or "{}")
            except (ValueError, RecursionError):  # RecursionError: JSON nested too deep
                raise InputError("the request body is not JSON") from None
            if not isinstance(body, dict):
                raise InputError("the request body must be a JSON object")
            p = request.path_params
            change = await run_in_threadpool(act, p["survey"], p["question"], p["topic"], action, body,
                                             body.get("who") or coder_of(request))
            return JSONResponse(change)
        return handler

    def run_view(survey: str, question: str) -> dict[str, Any] | None:
        return project.topic_run(question, survey)

    def topics_page(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        done = request.query_params.get("done")
        return topics_view(request, survey, question, done=done if is_whole_number(done) else None)

    def topics_view(request: Request, survey: str, question: str, error: str | None = None,
                    done: str | None = None, status: int = 200) -> Response:
        run = run_view(survey, question)
        job = runs.status(survey, question)
        topics = run["topics"] if run else []
        new = [t for t in topics if t.get("new")]
        _survey, book = project.codebook(question, survey)
        themes = {t.id: t.label for t in book}
        for t in topics:
            cover = sorted(((v, k) for k, v in (t.get("coverage") or {}).items() if v), reverse=True)
            t["best"] = [{"theme": themes.get(k, k), "share": v} for v, k in cover[:2]]
        return page(request, "topics.html", survey=survey, question=question,
                    label=question_label(survey, question), run=run, topics=topics, new=new, job=job,
                    themes=[{"id": t.id, "label": t.label} for t in book], actions=True, error=error, done=done,
                    status=status)

    def start_form(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        start(survey, question)
        return RedirectResponse(f"/topics/{quote(survey)}/{quote(question)}", status_code=303)

    def start(survey: str, question: str) -> dict[str, Any]:
        run_view(survey, question)  # an unknown question is refused here, before any process starts
        return runs.start(survey, question)

    def api_topics(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        run = run_view(survey, question)
        return JSONResponse({"status": runs.status(survey, question), "run": run})

    def api_start(request: Request) -> Response:
        survey, question = request.path_params["survey"], request.path_params["question"]
        return JSONResponse(start(survey, question), status_code=202)

    return [
        Route("/topics/{survey}/{question}", topics_page),
        Route("/topics/{survey}/{question}/run", start_form, methods=["POST"]),
        Route("/api/questions/{survey}/{question}/topics", api_topics),
        Route("/api/questions/{survey}/{question}/topics/run", api_start, methods=["POST"]),
        Route("/topics/{survey}/{question}/{topic}/promote", form_action("promote"), methods=["POST"]),
        Route("/topics/{survey}/{question}/{topic}/merge", form_action("merge"), methods=["POST"]),
        Route("/api/questions/{survey}/{question}/topics/{topic}/promote", api_action("promote"), methods=["POST"]),
        Route("/api/questions/{survey}/{question}/topics/{topic}/merge", api_action("merge"), methods=["POST"]),
    ]
