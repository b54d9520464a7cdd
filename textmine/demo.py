"""The main job on the bundled sample: every stage of the flow, end to end."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .clean import clean_project
from .coding import code_question
from .ingest import ingest
from .paths import data_dir
from .schema import load_schema
from .store import SaveReport, Store
from .tally import tally, write_tally_xlsx

# (survey, wave, export file, population of that wave: 300 municipalities before the 2025 mergers)
SAMPLE_WAVES = [
    ("lmb", "2022", "lmb_2022_SYNTHETIC.csv", 300),
    ("lmb", "2025", "lmb_2025_SYNTHETIC.csv", 285),
    ("sdg", "2022", "sdg_2022_SYNTHETIC.csv", 300),
    ("sdg", "2025", "sdg_2025_SYNTHETIC.csv", 285),
]


@dataclass
class DemoResult:
    project: Path
    ingested: list[SaveReport] = field(default_factory=list)
    tallies: list[dict] = field(default_factory=list)
    cleaning: dict = field(default_factory=dict)
    coding: list = field(default_factory=list)  # per (survey, question): theme counts per wave
    files: dict[str, Path] = field(default_factory=dict)


def run_demo(out_dir: str | Path, step: Callable[[str], None] = lambda _msg: None) -> DemoResult:
    """Ingest every sample wave into ``out_dir/project`` and write the tallies next to it."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = DemoResult(project=out / "project")
    sample, schemas = data_dir() / "sample", data_dir() / "schemas"
    for survey, wave, file, population in SAMPLE_WAVES:
        step(f"ingest {survey} {wave}")
        report, _ = ingest(sample / file, load_schema(schemas / f"{survey}.yaml"), result.project, wave,
                           replace=True, population=population)
        result.ingested.append(report)
    step("tallies")
    with Store(result.project) as store:
        result.tallies = tally(store)
    result.files["tallies_json"] = out / "tallies.json"
    result.files["tallies_json"].write_text(json.dumps(result.tallies, ensure_ascii=False, indent=1),
                                            encoding="utf-8")
    result.files["tallies_xlsx"] = out / "tallies.xlsx"
    write_tally_xlsx(result.tallies, result.files["tallies_xlsx"])
    step("cleaning open answers")
    with Store(result.project) as store:
        run = clean_project(store)
    result.cleaning = {"pipeline": run.pipeline, "processed": run.processed, "cached": run.cached,
                       "summary": cleaning_summary(run.answers)}
    # Public-safe: redacted text only, no original answers.
    result.files["cleaned_json"] = out / "cleaned_answers.json"
    result.files["cleaned_json"].write_text(json.dumps(
        [{k: a[k] for k in ("survey", "wave", "question", "respondent_id", "redacted_text", "content_lemmas",
                            "key_phrases", "flags")} | {"entities": [(e["label"], e["id"]) for e in a["entities"]]}
         for a in run.answers], ensure_ascii=False, indent=1), encoding="utf-8")
    step("coding open answers with the codebooks")
    coded = []
    with Store(result.project) as store:
        for survey, question in _coded_questions(store):
            run = code_question(store, question, survey=survey)
            coded.append({"survey": survey, "question": question, "embedder": run.embedder,
                          "answers": [{k: a[k] for k in ("wave", "respondent_id", "redacted_text", "themes",
                                                         "source")} for a in run.answers]})
            result.coding.append({"survey": survey, "question": question, "codebook": run.codebook_hash,
                                  "counts": _theme_counts(run.answers)})
    result.files["themes_json"] = out / "themes.json"
    result.files["themes_json"].write_text(json.dumps(coded, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def _coded_questions(store: Store) -> list[tuple[str, str]]:
    """Open questions that have a bundled codebook."""
    found = []
    for info in store.waves():
        for q in info.schema.questions:
            if q.type == "open" and (data_dir() / "codebooks" / f"{info.survey}_{q.id}.yaml").exists():
                found.append((info.survey, q.id))
    return list(dict.fromkeys(found))


def _theme_counts(answers: list[dict]) -> dict[str, dict[str, int]]:
    from collections import Counter

    by_wave: dict[str, Counter] = {}
    for a in answers:
        by_wave.setdefault(a["wave"], Counter()).update(a["themes"])
    return {w: dict(c.most_common()) for w, c in sorted(by_wave.items())}


def cleaning_summary(answers: list[dict]) -> list[dict]:
    """Per survey, wave and question: answers, flags, and the entities named most."""
    from collections import Counter

    groups: dict[tuple, list[dict]] = {}
    for a in answers:
        groups.setdefault((a["survey"], a["wave"], a["question"]), []).append(a)
    rows = []
    for (survey, wave, question), items in sorted(groups.items()):
        flags = Counter(f for a in items for f in a["flags"])
        places = Counter(e["id"] or e["text"] for a in items for e in a["entities"] if e["label"] in ("LAND", "STAD"))
        orgs = Counter(e["id"] or e["text"] for a in items for e in a["entities"] if e["label"] == "ORGANISATIE")
        rows.append({"survey": survey, "wave": wave, "question": question, "answers": len(items),
                     "flags": dict(flags), "places": places.most_common(5), "organisations": orgs.most_common(5)})
    return rows
