"""Time the workbench's publishing through its JSON API, as `textmine serve` runs it (jobs in a
worker process): curation saves, the curation page, each published file, a wave's upload.

    .venv/bin/python scripts/bench_publish.py [--saves 30] [--threads]

Builds a fresh project from the bundled LMB 2025 sample ('trots' coded) in a temporary folder,
then prints one table (wall seconds seen by the client). Nothing is asserted: this measures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--saves", type=int, default=30, help="curation saves to time")
    ap.add_argument("--threads", action="store_true", help="jobs in a thread of the server (as the tests run them)")
    args = ap.parse_args()

    from starlette.testclient import TestClient

    from serve_project import build_project
    from textmine.serve import create_app

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "project"
        build_project(path)
        app = create_app(path, host="127.0.0.1", port=8765, retrain_process=not args.threads)
        with TestClient(app, base_url="http://127.0.0.1:8765") as c:
            c.get("/publish")
            c.headers["X-CSRF-Token"] = c.cookies["csrftoken"]

            def timed(fn) -> float:
                t0 = time.perf_counter()
                fn()
                return time.perf_counter() - t0

            page = [timed(lambda: c.get("/publish/catalogue/lmb/trots").raise_for_status()) for _ in range(5)]
            rows.append(("curation page (90 practices), median of 5", f"{statistics.median(page):.3f} s"))
            practices = c.get("/api/catalogue/lmb/trots").json()["practices"]
            saves = []
            for i in range(args.saves):
                p = practices[i % len(practices)]
                body = {"choices": [{"wave": p["wave"], "respondent_id": p["respondent_id"],
                                     "text_hash": p["text_hash"], "include": True, "title": f"Titel {i}",
                                     "highlight": bool(i % 2)}]}
                saves.append(timed(lambda: c.post("/api/catalogue/lmb/trots/curation", json=body).raise_for_status()))
            saves.sort()
            rows.append((f"curation save, p50 / p95 of {len(saves)}",
                         f"{statistics.median(saves) * 1000:.0f} / {saves[int(0.95 * (len(saves) - 1))] * 1000:.0f} ms"))

            def job(kind: str, body: dict) -> str:
                t0 = time.perf_counter()
                c.post(f"/api/publish/{kind}", json=body).raise_for_status()
                while True:
                    state = c.get("/api/publish/status").json()["jobs"][kind]
                    if state["state"] != "running":
                        break
                    time.sleep(0.05)
                wall = time.perf_counter() - t0
                return f"{wall:.1f} s ({state['state']}{', ' + state['error'][:60] if state['error'] else ''})"

            rows.append(("catalogue (html)", job("catalogue", {"survey": "lmb", "question": "trots"})))
            rows.append(("catalogue (xlsx)",
                         job("catalogue", {"survey": "lmb", "question": "trots", "format": "xlsx"})))
            rows.append(("report, cleaning and coding 3 more questions first (prepare)",
                         job("report", {"survey": "lmb", "prepare": True})))
            rows.append(("report again (all prepared)", job("report", {"survey": "lmb"})))
            rows.append(("REFI-QDA export (redacted)", job("qdpx", {"survey": "lmb"})))
            export = (REPO / "data" / "sample" / "lmb_2022_SYNTHETIC.csv").read_bytes()
            t = timed(lambda: c.post("/api/waves?survey=lmb&wave=2022&name=lmb_2022_SYNTHETIC.csv",
                                     content=export).raise_for_status())
            rows.append((f"upload a wave ({len(export) // 1024} kB CSV, 115 respondents)", f"{t:.2f} s"))
            rows.append(("compare 2022-2025 (csv)", job("compare", {"survey": "lmb", "waves": ["2022", "2025"]})))
    width = max(len(r[0]) for r in rows)
    print(f"{'step'.ljust(width)} | client wall time")
    print(f"{'-' * width}-|-----------------")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")


if __name__ == "__main__":
    main()
