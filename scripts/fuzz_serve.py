"""Throw odd requests at the workbench and count what should never happen.

Builds a project from the bundled sample (LMB 2025, question 'trots' machine-coded, six answers
human-coded), then sends every POST route a JSON body or form with each field set in turn to
an odd value (wrong types, Unicode digits, huge numbers, markup, NUL, 6,000 characters, answer
keys) plus random combinations, and every GET page each query parameter with odd values.
Counts per group: requests, 5xx answers, answers with a traceback, answers missing a security
header. The TestClient runs in process: no server, no timing.

    PYTHONPATH=. .venv/bin/python scripts/fuzz_serve.py [--seed 1] [--combos 40]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
from starlette.testclient import TestClient

from textmine import Project
from textmine.serve import create_app

REPO = Path(__file__).resolve().parent.parent
HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "cache-control")


def build(path: Path) -> tuple[Project, list[str]]:
    export = pd.read_csv(REPO / "data" / "sample" / "lmb_2025_SYNTHETIC.csv", sep=";", encoding="cp1252",
                         dtype=str, keep_default_na=False)
    project = Project(path)
    project.ingest(export, REPO / "data" / "schemas" / "lmb.yaml", "2025")
    project.code("trots", "lmb")
    keys = project.grid("trots", "lmb")["key"].tolist()
    for k in keys[:6]:
        project.save_answer_codes(k, ["beleid"], "Bob")
    return project, keys


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--combos", type=int, default=40, help="random field combinations per POST route")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="textmine-fuzz-") as tmp:
        project, keys = build(Path(tmp) / "p")
        app = create_app(Path(tmp) / "p", project=project)
        app.state.workbench.start_retrain = lambda s, q: None  # the requests, not the model
        c = TestClient(app, base_url="http://127.0.0.1:8765", follow_redirects=False, raise_server_exceptions=False)
        c.get("/")
        c.headers["X-CSRF-Token"] = c.cookies["csrftoken"]
        c.cookies.set("textmine_coder", "Anna")
        key = keys[0]
        tally: dict[str, list[int]] = {}

        def check(group: str, res) -> None:
            t = tally.setdefault(group, [0, 0, 0, 0])
            t[0] += 1
            t[1] += res.status_code >= 500
            t[2] += "Traceback" in res.text
            t[3] += not all(h in res.headers for h in HEADERS)

        odd_json = [None, 0, -1, 1.5, True, "", "x", "\u00b2", [], {}, ["x"], [key], {"a": 1}, "a" * 6000, "<s>",
                    key, "beleid", ["beleid"], 2**70, 1e308]
        base = {"key": key, "themes": ["beleid"], "coder": "Anna", "who": "Anna", "label": "L", "survey": "lmb",
                "question": "trots", "theme": "beleid", "source": "beleid", "target": "fairtrade"}
        api = "/api/codebook/lmb/trots"
        posts = {
            "/api/codes": ["key", "themes", "coder", "audit"],
            "/api/double/codes": ["key", "themes", "coder"],
            "/api/double/reconcile": ["key", "themes", "coder"],
            "/api/double/lmb/trots/start": ["size", "share", "seed", "coder"],
            f"{api}/themes": ["label", "description", "keywords", "patterns", "examples", "id", "who", "version"],
            f"{api}/themes/beleid": ["label", "description", "keywords", "examples", "who", "version", "id"],
            f"{api}/merge": ["source", "target", "who", "version"],
            f"{api}/split": ["theme", "into", "who", "version"],
            f"{api}/retire": ["theme", "who", "version"],
            f"{api}/undo": ["who", "version"],
            "/api/catalogue/lmb/trots/curation": ["choices"],
            "/api/publish/compare": ["survey", "waves", "prepare"],
            "/api/publish/catalogue": ["survey", "question", "format", "prepare"],
            "/api/questions/lmb/trots/topics/0/promote": ["who", "label", "theme_id", "version", "run"],
            "/api/questions/lmb/trots/topics/0/merge": ["who", "theme", "version", "run"],
        }
        for path, fields in posts.items():
            bodies = []
            for f in fields:
                for v in odd_json:
                    bodies.append({**{k: base[k] for k in fields if k in base}, f: v})
            bodies += [{f: rng.choice(odd_json) for f in fields if rng.random() < 0.7} for _ in range(args.combos)]
            for body in bodies:
                check("POST JSON", c.post(path, content=json.dumps(body), headers={"content-type": "application/json"}))
            for raw in (b"[" * 100_000, b"\xff\xfe", b"nan", b""):
                check("POST JSON", c.post(path, content=raw, headers={"content-type": "application/json"}))

        odd_text = ["", "x", "\u00b2", "-1", "9" * 30, "9" * 5000, "<s>", key, "beleid", "\x00", "a" * 6000, "%", "1%",
                    "nan", "0", "1", "fairtrade", "/\\evil", "//evil"]
        forms = {
            "/coder": ["coder", "back"], "/g/lmb/trots/confirm": ["key", "shown", "back"],
            "/d/lmb/trots/start": ["size", "seed"],
            "/c/lmb/trots/add": ["label", "description", "keywords", "examples", "id", "version"],
            "/c/lmb/trots/edit": ["theme", "label", "description", "keywords", "examples", "version"],
            "/c/lmb/trots/merge": ["source", "target", "version"],
            "/c/lmb/trots/split": ["theme", "a_label", "b_label", "a_keywords", "version"],
            "/c/lmb/trots/retire": ["theme", "version"], "/c/lmb/trots/undo": ["version"],
            "/topics/lmb/trots/0/promote": ["label", "run"], "/topics/lmb/trots/0/merge": ["theme", "run"],
            "/topics/lmb/nope/run": ["x"], "/login": ["token"],
        }
        form_type = {"content-type": "application/x-www-form-urlencoded"}
        for path, fields in forms.items():
            bodies = [urlencode({f: v}).encode() for f in fields for v in odd_text]
            bodies += [urlencode([(f, rng.choice(odd_text)) for f in fields for _ in range(rng.randint(0, 2))]).encode()
                       for _ in range(args.combos)]
            bodies += [b"\xff\xfe", b"a=%ZZ&b", b"=&=&&", b"label=Financi%EBle"]
            for body in bodies:
                check("POST form", c.post(path, content=body, headers=form_type))

        gets = {"/q/lmb/trots": ["order", "key"],
                "/g/lmb/trots": ["theme", "source", "confidence", "wave", "province", "text", "sort", "dir", "page"],
                "/c/lmb/trots": ["done"], "/c/lmb/trots/export": ["format", "version"],
                f"{api}/codes": ["key"], "/topics/lmb/trots": ["done"], "/d/lmb/trots/code": ["key"],
                "/api/questions/lmb/trots/next": ["order", "coder"], "/api/double/lmb/trots/next": ["coder"]}
        for path, fields in gets.items():
            for f in fields:
                for v in odd_text + ["theme:beleid", "theme:", "desc", "low", "human", "none", "2025", "overig"]:
                    check("GET query", c.get(path, params={f: v}))
        pages = ["/", "/q/{}", "/g/{}", "/t/{}", "/c/{}", "/topics/{}", "/d/{}", "/d/{}/reconcile", "/publish",
                 "/publish/catalogue/{}", "/api/questions/{}/trust", "/api/codebook/{}", "/api/double/{}",
                 "/api/catalogue/{}", "/publish/output/{}"]
        for p in pages:
            for ids in ("lmb/trots", "lmb/nope", "nope/trots", "..%2f..%2fx", "lmb/%3Cs%3E", "lmb/%C2%B2",
                        "lmb/" + "a" * 3000):
                check("GET path", c.get(p.format(ids)))

    print("| requests | sent | 5xx | traceback | security header missing |")
    print("|---|---|---|---|---|")
    for group, (n, five, tb, hdr) in tally.items():
        print(f"| {group} | {n} | {five} | {tb} | {hdr} |")


if __name__ == "__main__":
    main()
