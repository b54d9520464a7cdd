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
    # the whole flow: topics, comparison, report, catalogues, REFI-QDA export
    assert {t["question"] for t in first.topics} >= {"trots", "noden", "tips"}
    assert all(sum(c["size"] for c in t["clusters"]) > 0 for t in first.topics)
    headline = [r for r in first.comparison["sdg"]["rows"]
                if r["question"] == "internationale_samenwerking" and r["option"] == "Ja"]
    assert len(headline) == 1 and headline[0]["significant"] is False  # BRIEF: 50% of 105 vs 53% of 63
    assert round(headline[0]["waves"]["2022"]["percent"]) == 50 and round(headline[0]["waves"]["2025"]["percent"]) == 53
    report = first.files["report_html"].read_text(encoding="utf-8")
    assert "Samenvatting" in report and "Methode" in report and "<script src" not in report
    assert not re.search(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", report)  # redacted text only
    catalogue = first.files["catalogus_lmb_trots.html"].read_text(encoding="utf-8")
    assert "Inspiratiecatalogus" in catalogue and not re.search(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", catalogue)
    assert first.files["qdpx"].stat().st_size > 0
    assert set(first.timings) >= {"ingest", "finding topics", "report"}
    again = run_demo(tmp_path)  # re-ingest with --replace keeps texts: the cleaning is cached
    assert again.cleaning["processed"] == 0
