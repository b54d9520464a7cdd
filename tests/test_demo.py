"""The README's main job, end to end on the bundled sample."""

import json
import re
from pathlib import Path

from textmine.demo import run_demo


def test_demo_runs_and_reruns_from_cache(tmp_path: Path):
    first = run_demo(tmp_path)
    assert [(r.survey, r.wave, r.respondents) for r in first.ingested] == [
        ("lmb", "2022", 115), ("lmb", "2025", 127), ("sdg", "2022", 105), ("sdg", "2025", 63)]
    assert all(p.exists() for p in first.files.values())
    tallies = json.loads(first.files["tallies_json"].read_text(encoding="utf-8"))
    assert len(tallies) == 4
    assert first.cleaning["processed"] > 800
    cleaned = first.files["cleaned_json"].read_text(encoding="utf-8")
    assert "[E-MAIL]" in cleaned and not re.search(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", cleaned)
    again = run_demo(tmp_path)  # re-ingest with --replace keeps texts: the cleaning is cached
    assert again.cleaning["processed"] == 0
