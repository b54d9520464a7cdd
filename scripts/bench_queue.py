"""Time the coding queue's Project methods on a 300-answer question (issue 13: retrain < 2 s).

Builds a project whose wave holds the sample's LMB respondents of both waves, repeated with new
respondent ids (each copy's answers made distinct) until question 'trots' has 300 answers; codes
it once (embeddings computed and cached), stores 60 human codes through the queue (the sample's
gold themes), then times ``retrain`` (the figure the workbench waits for in the background),
``next_answer``, ``save_answer_codes`` and ``progress``.

    PYTHONPATH=. .venv/bin/python scripts/bench_queue.py [--answers 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textmine import Project  # noqa: E402

SAMPLE = REPO / "data" / "sample"
LMB = REPO / "data" / "schemas" / "lmb.yaml"
Q = "trots"


def export(n_answers: int) -> pd.DataFrame:
    frames = [pd.read_csv(SAMPLE / f"lmb_{w}_SYNTHETIC.csv", sep=";", encoding="cp1252", dtype=str,
                          keep_default_na=False) for w in ("2022", "2025")]
    base = pd.concat(frames, ignore_index=True)
    id_col = "Respondent ID"  # data/schemas/lmb.yaml: id_column, and the column of question 'trots'
    text_col = next(c for c in base.columns if c.startswith("Op welk project of initiatief"))
    rows, answers, copy = [], 0, 0
    while answers < n_answers:
        for _, r in base.iterrows():
            r = r.copy()
            r[id_col] = f"{r[id_col]}{copy:02d}"
            if r[text_col].strip():
                if answers >= n_answers:
                    r[text_col] = ""
                else:
                    answers += 1
                    if copy:
                        r[text_col] = f"{r[text_col]} (kopie {copy})"
            rows.append(r)
        copy += 1
    return pd.DataFrame(rows, columns=base.columns)


def timed(call, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    gold = pd.read_csv(SAMPLE / "gold_themes_SYNTHETIC.csv", dtype=str)
    gold = gold[(gold.question == Q) & (gold.survey == "lmb")]
    themes_of = gold.groupby("respondent_id").theme.apply(list).to_dict()
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "bench")
        started = time.perf_counter()
        frame = export(args.answers)
        project.ingest(frame, LMB, "bench", population=len(frame))
        project.code(Q)
        print(f"ingest + clean + first coding (embeddings computed): {time.perf_counter() - started:.1f} s")
        row = project.progress().set_index("question").loc[Q]
        print(f"question '{Q}': {row.answers} substantive answers (audit sample {row.audit_size})")

        book = project.codebook(Q)[1]
        stored, skip = 0, []
        while stored < 60:
            nxt = project.next_answer(Q, skip=skip)
            if nxt is None:
                break
            skip.append(nxt["key"])
            original = nxt["respondent_id"][:-2]
            themes = [t for t in themes_of.get(original, []) if t in book]
            if themes:
                project.save_answer_codes(nxt["key"], themes, "bench")
                stored += 1
        print(f"human codes stored through the queue: {stored}")

        project.retrain(Q)  # the models are loaded once per process (the workbench keeps them)
        retrain = timed(lambda: project.retrain(Q), args.repeat)
        nxt = timed(lambda: project.next_answer(Q), args.repeat * 4)
        key = project.next_answer(Q)["key"]
        save = timed(lambda: project.save_answer_codes(key, [book.ids[0]], "bench"), args.repeat * 4)
        prog = timed(project.progress, args.repeat * 4)
        for name, t in (("retrain", retrain), ("next_answer", nxt), ("save_answer_codes", save),
                        ("progress", prog)):
            print(f"{name:18s} median {statistics.median(t) * 1000:7.0f} ms   min {min(t) * 1000:7.0f} ms   max {max(t) * 1000:7.0f} ms"
                  f"   ({len(t)} runs)")


if __name__ == "__main__":
    main()
