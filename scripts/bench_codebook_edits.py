"""Time codebook changes (issue 15 point 1) on a question whose every answer has a human code.

Builds a project with question 'trots' of ``--answers`` answers (the sample's LMB respondents of both
waves repeated, as scripts/bench_queue.py), gives every answer a human code from two coders in turn
(themes in a fixed rotation, one in three with two themes), then times, ``--repeat`` times each: a
merge of two themes and its undo, a split and its undo, a rename and its undo, and ``codebook_state``
(what the codebook page reads). Prints a table; nothing is asserted. No model is loaded.

    PYTHONPATH=. .venv/bin/python scripts/bench_codebook_edits.py [--answers 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench_queue import LMB, Q, export  # noqa: E402
from textmine import Project  # noqa: E402
from textmine.queue import answer_key  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "bench")
        frame = export(args.answers)
        project.ingest(frame, LMB, "bench", population=len(frame))
        book = project.codebook(Q)[1]
        ids = book.ids
        with project.store() as store:
            answers = store.open_answers("lmb", None, Q)
        rows: list[dict] = []
        for i, rid in enumerate(answers["respondent_id"]):
            themes = [ids[i % len(ids)]] + ([ids[(i + 1) % len(ids)]] if i % 3 == 0 else [])
            for t in ids:
                rows.append({"survey": "lmb", "wave": "bench", "question": Q, "respondent_id": rid, "theme": t,
                             "applies": t in themes, "rank": themes.index(t) + 1 if t in themes else None,
                             "coder": "Anna" if i % 2 else "Bob"})
        with project.store() as store:
            for coder in ("Anna", "Bob"):
                store.add_codes([r for r in rows if r["coder"] == coder], source="human", coder=coder)
        n = len(answers)
        key = answer_key("lmb", "bench", Q, answers["respondent_id"].iloc[0])
        assert project.answer(key)["human"]
        timings: dict[str, list[float]] = {}

        def timed(name: str, call) -> dict:
            started = time.perf_counter()
            out = call()
            timings.setdefault(name, []).append(time.perf_counter() - started)
            return out

        affected: dict[str, int] = {}
        for _ in range(args.repeat):
            r = timed("merge", lambda: project.merge_themes(Q, ids[1], ids[0], who="bench"))
            affected["merge"] = r["codes_affected"]
            timed("undo merge", lambda: project.undo_codebook_change(Q, who="bench"))
            r = timed("split", lambda: project.split_theme(Q, ids[2], [{"label": "Deel een"}, {"label": "Deel twee"}],
                                                          who="bench"))
            affected["split"] = r["codes_affected"]
            timed("undo split", lambda: project.undo_codebook_change(Q, who="bench"))
            timed("rename", lambda: project.edit_theme(Q, ids[3], {"label": "Nieuwe naam"}, who="bench"))
            timed("undo rename", lambda: project.undo_codebook_change(Q, who="bench"))
            timed("codebook_state (page)", lambda: project.codebook_state(Q))
        print(f"{n} answers, {len(rows)} human code rows (2 coders), {args.repeat} runs each, "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"| operation | codes affected | median | max |\n|---|---|---|---|")
        for name, values in timings.items():
            print(f"| {name} | {affected.get(name, '')} | {1000 * statistics.median(values):.0f} ms "
                  f"| {1000 * max(values):.0f} ms |")


if __name__ == "__main__":
    main()
