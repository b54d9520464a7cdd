#!/usr/bin/env python
"""Evaluate textmine's PII redaction on data/pii_testset/.

Prints precision and recall per kind (e-mail, social handle or profile, phone,
IBAN, national register number, name) and the share of protected mentions
(municipalities, organisations) that were wrongly redacted, for the main test
set, the hold-out set and the cases of textmine issue 11 (names in capitals,
surname first, written-out e-mail, handles, multi-part names, IBANs of banks
python-stdnum does not know, English answers).

    python scripts/eval_pii.py                 # pipeline from load_pipeline()
    python scripts/eval_pii.py --blank         # force the blank fallback
    python scripts/eval_pii.py --pipeline models/nl_textmine_core
    python scripts/eval_pii.py --errors        # list misses and false alarms
    python scripts/eval_pii.py --json          # machine-readable
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textmine.nlp.evaluate import PIIReport, evaluate_pii, load_pii_testset  # noqa: E402
from textmine.nlp.loader import PipelineFallbackWarning, add_textmine_components, blank_pipeline, load_pipeline  # noqa: E402
from textmine.nlp.resources import data_dir  # noqa: E402

TARGET_RECALL = {"email": 0.95, "social": 0.95, "phone": 0.95, "iban": 0.95, "rrn": 0.95, "name": 0.85}
TARGET_PROTECTED = 0.02
LABELS = {"email": "e-mail", "social": "social", "phone": "phone", "iban": "IBAN", "rrn": "register nr",
          "name": "name"}


def print_report(title: str, report: PIIReport, errors: bool) -> bool:
    print(f"\n== {title}")
    print(f"{'kind':12} {'gold':>5} {'pred':>5} {'precision':>10} {'recall':>8}  target")
    ok = True
    for kind, score in report.kinds.items():
        target = TARGET_RECALL.get(kind, 0.0)
        passed = score.recall >= target
        ok &= passed
        print(f"{LABELS.get(kind, kind):12} {score.gold:5d} {score.predicted:5d} {score.precision:10.3f} "
              f"{score.recall:8.3f}  R>={target:.2f} {'ok' if passed else 'MISSED'}")
    passed = report.protected_rate <= TARGET_PROTECTED
    ok &= passed
    print(f"protected mentions wrongly redacted: {report.protected_redacted}/{report.protected} "
          f"= {report.protected_rate:.3f}  (target <= {TARGET_PROTECTED:.2f}) {'ok' if passed else 'MISSED'}")
    if errors:
        for rid, kind, text in report.misses:
            print(f"  miss        {rid} {kind:6} {text!r}")
        for rid, kind, text in report.false_alarms:
            print(f"  false alarm {rid} {kind:6} {text!r}")
        for rid, text in report.protected_hits:
            print(f"  protected   {rid} {text!r}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", help="spaCy package or path (default: textmine's choice)")
    parser.add_argument("--blank", action="store_true", help="use the blank fallback pipeline")
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()

    if args.blank:
        nlp, name = add_textmine_components(blank_pipeline()), "blank:nl"
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PipelineFallbackWarning)
            nlp, info = load_pipeline(args.pipeline)
        name = f"{info.name} ({info.level})"
    results = {}
    ok = True
    for label, file in (("test set", "answers.jsonl"), ("spent hold-out set", "holdout_SPENT.jsonl"),
                        ("issue 11 cases", "issue11.jsonl")):
        path = data_dir() / "pii_testset" / file
        if not path.exists():
            continue
        rows = load_pii_testset(path)
        t0 = time.perf_counter()
        report = evaluate_pii(nlp, rows)
        seconds = time.perf_counter() - t0
        results[file] = {**report.to_dict(), "answers": len(rows), "seconds": round(seconds, 3)}
        if not args.json:
            ok &= print_report(f"{label}: {path.relative_to(ROOT)} ({len(rows)} answers, {seconds:.2f} s) "
                               f"with {name}", report, args.errors)
    if args.json:
        print(json.dumps({"pipeline": name, "results": results}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
