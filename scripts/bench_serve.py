"""Time the coding workbench against a running ``textmine serve`` (issue 13, point 9).

Builds a project whose question LMB 'trots' has ``--answers`` answers (the sample's respondents
of both waves repeated under new ids, each copy's text made distinct), codes it once, starts
``textmine serve`` in a subprocess and measures:

- start to first page: from launching the command to the home page's first 200;
- the queue page (``GET /q/lmb/trots``) and a decision's round trip (``POST /api/codes``, then
  ``GET .../next``): server time from the ``Server-Timing`` header, p50/p95, and the client's
  wall time;
- the grid page (all answers, with filters and a sort);
- the background retrain after every 5th decision (``GET /api/status``: its duration).

    PYTHONPATH=. .venv/bin/python scripts/bench_serve.py [--answers 1000] [--decisions 60]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench_queue import LMB, Q, export  # noqa: E402  (the same scaled project; scripts/ is on the path)
from textmine import Project  # noqa: E402


def server_ms(res: httpx.Response) -> float:
    timing = res.headers.get("server-timing", "")
    return float(timing.split("dur=")[1]) if "dur=" in timing else float("nan")


def summary(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"p50 {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms  (n={len(values)})"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=1000)
    ap.add_argument("--decisions", type=int, default=60)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "project"
        project = Project(path)
        frame = export(args.answers)
        project.ingest(frame, LMB, "2025", population=len(frame))  # every copy a unit of its own
        started = time.perf_counter()
        project.code(Q, "lmb")
        print(f"project: {args.answers} answers of lmb '{Q}', coded in {time.perf_counter() - started:.1f} s")
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", "from textmine.cli import app; app()", "serve",
                                 "--project", str(path), "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            c = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
            while True:
                try:
                    if c.get("/").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
                if time.perf_counter() - t0 > 60:
                    raise SystemExit("the server did not answer within 60 s")
            first_page = time.perf_counter() - t0
            csrf = c.cookies["csrftoken"]
            c.post("/coder", data={"coder": "Bench", "back": "/", "csrftoken": csrf})
            page_ms, page_wall, save_ms, next_ms, trip_wall = [], [], [], [], []
            c.get(f"/q/lmb/{Q}")  # warm: the first suggestion loads the keyword patterns
            for i in range(args.decisions):
                w = time.perf_counter()
                res = c.get(f"/q/lmb/{Q}")
                page_wall.append(1000 * (time.perf_counter() - w))
                page_ms.append(server_ms(res))
                w = time.perf_counter()
                nxt = c.get(f"/api/questions/lmb/{Q}/next?coder=Bench")
                answer = nxt.json()
                themes = [s["theme"] for s in answer["suggestions"] if s["applies"]][:1] or []
                saved = c.post("/api/codes", json={"key": answer["key"], "themes": themes, "coder": "Bench"},
                               headers={"X-CSRF-Token": csrf})
                assert saved.status_code == 200, saved.text
                trip_wall.append(1000 * (time.perf_counter() - w))
                next_ms.append(server_ms(nxt))
                save_ms.append(server_ms(saved))
            grid_ms, grid_wall = [], []
            for query in ("", "?source=machine&confidence=low", "?sort=theme:fairtrade&dir=desc", "?text=school"):
                for _ in range(5):
                    w = time.perf_counter()
                    res = c.get(f"/g/lmb/{Q}{query}")
                    grid_wall.append(1000 * (time.perf_counter() - w))
                    grid_ms.append(server_ms(res))
            deadline = time.perf_counter() + 60
            while (status := c.get("/api/status").json())["retraining"] and time.perf_counter() < deadline:
                time.sleep(0.1)
            retrains = [r["seconds"] for r in status["retrains"]]
        finally:
            proc.terminate()
            proc.wait(10)
    print(f"start to first page:          {first_page:.2f} s")
    print(f"queue page, server:           {summary(page_ms)}")
    print(f"queue page, client wall:      {summary(page_wall)}")
    print(f"next answer (API), server:    {summary(next_ms)}")
    print(f"save decision (API), server:  {summary(save_ms)}")
    print(f"decision round trip, client:  {summary(trip_wall)}  (next + save)")
    if retrains:
        print(f"background retrain:           {len(retrains)} runs, median {statistics.median(retrains):.2f} s, "
              f"max {max(retrains):.2f} s")
    print(f"grid page, server:            {summary(grid_ms)}  (all {args.answers} answers; filters, sorting)")
    print(f"grid page, client wall:       {summary(grid_wall)}")


if __name__ == "__main__":
    main()
