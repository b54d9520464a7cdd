"""Blind double coding through a running ``textmine serve`` (issue 15 point 3), checked end to end.

Builds a project whose question LMB 'trots' has ``--answers`` answers, starts ``textmine serve``
in a subprocess and, through the JSON API only:

1. coder 1 ("Anna") codes ``--first`` answers (0-2 themes drawn at random; through the Project
   facade before the server starts, so no background retrain competes for the CPU);
2. the staff draw a ``--share`` sample (``POST /api/double/.../start``, seeded);
3. coder 2 ("Bram") codes it blind (``GET /api/double/.../next``, ``POST /api/double/codes``): he
   gives Anna's themes with probability ``--agree`` (the script remembers them: the API never
   shows them to him, which it checks on every answer), else themes drawn afresh;
4. every difference is reconciled (``POST /api/double/reconcile``), alternately following coder 1
   and coder 2;

then checks that ``textmine evaluate --format json`` reports the same agreement as the API, that
every one of Anna's codes is still stored and Bram's second codes too, and prints the agreement
table and the API's server times (``Server-Timing``).

    PYTHONPATH=. .venv/bin/python scripts/check_double_coding.py [--answers 1000] [--first 300]
        [--share 0.1] [--agree 0.8] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench_queue import LMB, Q, export  # noqa: E402  (the same scaled project; scripts/ is on the path)
from bench_serve import free_port, server_ms, summary  # noqa: E402
from textmine import Project  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=1000)
    ap.add_argument("--first", type=int, default=300, help="answers coder 1 codes")
    ap.add_argument("--share", type=float, default=0.1)
    ap.add_argument("--agree", type=float, default=0.8, help="chance coder 2 gives coder 1's themes")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "project"
        project = Project(path)
        frame = export(args.answers)
        project.ingest(frame, LMB, "2025", population=len(frame))
        themes = project.codebook(Q, "lmb")[1].ids

        def draw_themes() -> list[str]:
            return rng.sample(themes, rng.choice([0, 1, 1, 2]))

        first: dict[str, list[str]] = {}
        for _ in range(args.first):  # coder 1
            a = project.next_answer(Q, "lmb", coder="Anna")
            first[a["key"]] = draw_themes()
            project.save_answer_codes(a["key"], first[a["key"]], "Anna")
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-c", "from textmine.cli import app; app()", "serve",
                                 "--project", str(path), "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            c = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
            t0 = time.perf_counter()
            while True:
                try:
                    if c.get("/").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
                if time.perf_counter() - t0 > 60:
                    raise SystemExit("the server did not answer within 60 s")
            h = {"X-CSRF-Token": c.cookies["csrftoken"]}

            r = c.post(f"/api/double/lmb/{Q}/start", json={"share": args.share, "seed": args.seed, "coder": "Staf"},
                       headers=h)
            assert r.status_code == 200, r.text
            size = r.json()["sample"]["size"]
            next_ms, save_ms, agree_ms = [], [], []
            while True:  # coder 2, blind
                res = c.get(f"/api/double/lmb/{Q}/next?coder=Bram")
                next_ms.append(server_ms(res))
                a = res.json()
                if a is None:
                    break
                if "Anna" in res.text or {"human", "coder", "suggestions"} & set(a):
                    problems.append(f"the blind answer {a['key']} shows the first coding")
                given = first[a["key"]] if rng.random() < args.agree else draw_themes()
                res = c.post("/api/double/codes", json={"key": a["key"], "themes": given, "coder": "Bram"}, headers=h)
                assert res.status_code == 200, res.text
                save_ms.append(server_ms(res))
                res = c.get(f"/api/double/lmb/{Q}/agreement")  # the live figure
                agree_ms.append(server_ms(res))
            api = c.get(f"/api/double/lmb/{Q}/agreement").json()
            items = c.get(f"/api/double/lmb/{Q}/disagreements").json()
            for i, d in enumerate(items):
                final = d["first_themes"] if i % 2 == 0 else d["second_themes"]
                res = c.post("/api/double/reconcile", json={"key": d["key"], "themes": [t for t in final if t != "overig"],
                                                            "coder": "Cas"}, headers=h)
                assert res.status_code == 200, res.text
            state = c.get(f"/api/double/lmb/{Q}").json()
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", "from textmine.cli import app; app()", "evaluate", "--project",
                              str(path), "--question", Q, "--format", "json"], env=env, capture_output=True, text=True)
        evaluate_s = time.perf_counter() - t0
        if out.returncode:
            raise SystemExit(f"textmine evaluate failed: {out.stderr.strip()[-500:]}")
        evaluated = json.loads(out.stdout)
        with project.store() as store:
            anna = store.codes("lmb", None, Q, source="human", status=None)
            sid = store.double_sample("lmb", Q)["sample_id"]
            seconds = store.double_codes(sid)
        anna = anna[(anna.coder == "Anna")]
        if len(anna) != args.first * len(themes):
            problems.append(f"Anna's codes: {len(anna)} stored, {args.first * len(themes)} given")
        if len(seconds) != size:
            problems.append(f"Bram's second codes: {len(seconds)} stored, {size} given")
        if evaluated.get("double_coding") != api:
            problems.append("textmine evaluate reports other agreement figures than the workbench's API")
        if state["reconciled"] != state["differences"] or state["differences"] != len(items):
            problems.append(f"reconciled {state['reconciled']} of {state['differences']} differences")
    f = (lambda v: "     –" if v is None else f"{v:6.2f}")
    print(f"project: {args.answers} answers of lmb '{Q}'; Anna coded {args.first}; sample {size} "
          f"(share {args.share}, seed {args.seed}); Bram gives Anna's themes with p={args.agree}")
    print(f"{'theme':<18} {'answers':>7} {'Anna':>5} {'Bram':>5} {'kappa':>6} {'alpha':>6}")
    for t in api["themes"]:
        print(f"{t['theme']:<18} {t['answers']:>7} {t['first']:>5} {t['second']:>5} {f(t['kappa'])} {f(t['alpha'])}")
    p = api["pooled"]
    print(f"{'pooled':<18} {p['answers']:>7} {'':>5} {'':>5} {f(p['kappa'])} {f(p['alpha'])}   same themes: "
          f"{100 * p['agree']:.0f}%")
    print(f"differences: {state['differences']}, reconciled: {state['reconciled']}")
    print(f"textmine evaluate --format json: the same figures: {evaluated.get('double_coding') == api} "
          f"({evaluate_s:.1f} s)")
    print(f"blind next (API), server:   {summary(next_ms)}")
    print(f"second code (API), server:  {summary(save_ms)}")
    print(f"agreement (API), server:    {summary(agree_ms)}")
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
        raise SystemExit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
