"""Run what a new user runs on each survey export and print a table.

For every file: ``textmine schema infer FILE`` -> ``textmine ingest FILE`` with
that draft, unchanged -> ``textmine tally --format json``. A row says whether
each step succeeded, the header rows and id column drafted, the responses in
the export, the respondents kept by the drafted response filters, and the
number of questions of each type. Compare the counts with what you know of
each file (its true number of responses; which questions are checkboxes or
agree scales): that is how the exports listed in
``scripts/check_exports_results.md`` were checked.

    .venv/bin/python scripts/check_exports.py EXPORT [EXPORT ...] [--work DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

TEXTMINE = [sys.executable, "-c", "from textmine.cli import app; app()"]


def _run(args: list[object]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    return subprocess.run([*TEXTMINE, *map(str, args)], capture_output=True, text=True, env=env, timeout=1800)


def check(export: Path, work: Path) -> dict[str, object]:
    """One export through infer -> ingest -> tally; the figures a row shows."""
    d = work / export.name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    started = time.perf_counter()
    row: dict[str, object] = {"file": export.name}
    draft = d / "schema.yaml"
    for stage, args in (("infer", ["schema", "infer", export, "--survey", "s", "--out", draft]),
                        ("ingest", ["ingest", export, "--project", d / "project", "--schema", draft, "--wave", "1"]),
                        ("tally", ["tally", "--project", d / "project", "--format", "json"])):
        res = _run(args)
        if res.returncode:
            tail = (res.stderr or res.stdout).strip().splitlines()
            return row | {"stage": stage, "error": tail[-1] if tail else f"exit {res.returncode}"}
    schema = yaml.safe_load(draft.read_text(encoding="utf-8"))
    tally = json.loads(res.stdout)
    types = Counter(q["type"] for q in tally["questions"])
    return row | {"stage": "ok", "header_rows": schema.get("header_rows", 1),
                  "id_column": schema.get("id_column", "(row number)"),
                  "responses": tally.get("responses_in_export"), "respondents": tally["respondents"],
                  "left_out": {e["why"]: e["count"] for e in tally.get("excluded", []) if e["count"]},
                  "types": dict(sorted(types.items())), "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("exports", nargs="+", type=Path)
    ap.add_argument("--work", type=Path, help="keep drafts and projects here (default: a temporary folder)")
    ap.add_argument("--json", action="store_true", help="one JSON object per file instead of a table")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="textmine-exports-"))
    print(f"{'file':40} {'step':6} {'hdr':>3} {'responses':>9} {'kept':>6}  types / error")
    for export in args.exports:
        row = check(export, work)
        if args.json:
            print(json.dumps(row, ensure_ascii=False, default=str), flush=True)
            continue
        if row["stage"] != "ok":
            print(f"{row['file'][:40]:40} {row['stage']:6} {'':>3} {'':>9} {'':>6}  {row['error']}", flush=True)
            continue
        types = ", ".join(f"{k} {v}" for k, v in row["types"].items())  # type: ignore[union-attr]
        print(f"{row['file'][:40]:40} {'ok':6} {row['header_rows']:>3} {row['responses']!s:>9} "
              f"{row['respondents']!s:>6}  {types}", flush=True)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
