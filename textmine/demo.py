"""The main job on the bundled sample: every stage of the flow, end to end."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from .atomic import write_text
from .catalogue import write_catalogue
from .paths import data_dir
from .project import IngestReport, Project
from .tally import write_tally_xlsx

# (survey, wave, export file, population of that wave: 300 municipalities before the 2025 mergers)
SAMPLE_WAVES = [
    ("lmb", "2022", "lmb_2022_SYNTHETIC.csv", 300),
    ("lmb", "2025", "lmb_2025_SYNTHETIC.csv", 285),
    ("sdg", "2022", "sdg_2022_SYNTHETIC.csv", 300),
    ("sdg", "2025", "sdg_2025_SYNTHETIC.csv", 285),
]

# The questions whose answers are practices others can learn from.
CATALOGUE_QUESTIONS = [("lmb", "trots"), ("sdg", "trots")]


@dataclass
class DemoResult:
    """What the demo made: the project, per-stage results for printing, written files and stage timings."""
    project: Path
    ingested: list[IngestReport] = field(default_factory=list)
    tallies: list[dict] = field(default_factory=list)
    cleaning: dict = field(default_factory=dict)
    coding: list = field(default_factory=list)  # per (survey, question): theme counts per wave
    topics: list[dict] = field(default_factory=list)  # per (survey, question): its clusters
    comparison: dict[str, dict] = field(default_factory=dict)  # survey -> {waves: [a, b], rows: compare_waves}
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    @contextmanager
    def stage(self, name: str, step: Callable[[str], None]) -> Iterator[None]:
        """Announce a stage and add its wall time to ``timings`` (benchmarks read them)."""
        step(name)
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0


def run_demo(out_dir: str | Path, step: Callable[[str], None] = lambda _msg: None,
             waves: Sequence[tuple[str, str, str | Path, int | None]] = SAMPLE_WAVES) -> DemoResult:
    """Run the whole flow into ``out_dir``: the project in ``out_dir/project``, the outputs beside it.

    ``waves`` lists (survey, wave, export, population); exports are looked up in data/sample
    unless given as paths (the end-to-end benchmark passes larger generated exports).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = DemoResult(project=out / "project")
    project = Project(result.project)  # every stage through the facade, as a notebook would
    sample, schemas = data_dir() / "sample", data_dir() / "schemas"
    with result.stage("ingest", step):
        for survey, wave, file, population in waves:
            step(f"ingest {survey} {wave}")
            result.ingested.append(project.ingest(sample / file, schemas / f"{survey}.yaml", wave, replace=True,
                                                  population=population))
    with result.stage("tallies", step):
        result.tallies = project.tally_results()
        questions = _coded_questions(project)  # the open questions every later stage works on
    result.files["tallies_json"] = out / "tallies.json"
    write_text(result.files["tallies_json"], json.dumps(result.tallies, ensure_ascii=False, indent=1))
    result.files["tallies_xlsx"] = out / "tallies.xlsx"
    write_tally_xlsx(result.tallies, result.files["tallies_xlsx"])
    with result.stage("cleaning open answers", step):
        run = project.clean()
    result.cleaning = {"pipeline": run.pipeline, "processed": run.processed, "cached": run.cached,
                       "summary": cleaning_summary(run.answers)}
    # Public-safe: redacted text only, no original answers.
    result.files["cleaned_json"] = out / "cleaned_answers.json"
    write_text(result.files["cleaned_json"], json.dumps(
        [{k: a[k] for k in ("survey", "wave", "question", "respondent_id", "redacted_text", "content_lemmas",
                            "key_phrases", "flags")} | {"entities": [(e["label"], e["id"]) for e in a["entities"]]}
         for a in run.answers], ensure_ascii=False, indent=1))
    coded = []
    with result.stage("coding open answers with the codebooks", step):
        for survey, question in questions:
            coding = project.coding(question, survey)
            coded.append({"survey": survey, "question": question, "embedder": coding.embedder,
                          "answers": [{k: a[k] for k in ("wave", "respondent_id", "redacted_text", "themes",
                                                         "source")} for a in coding.answers]})
            result.coding.append({"survey": survey, "question": question, "codebook": coding.codebook_hash,
                                  "counts": _theme_counts(coding.answers)})
    result.files["themes_json"] = out / "themes.json"
    write_text(result.files["themes_json"], json.dumps(coded, ensure_ascii=False, indent=1))
    with result.stage("finding topics", step):
        for survey, question in questions:
            # plotly.js is inlined in each view (about 5 MB): pictures for one question only
            topics, _book = project.find_topics(question, survey, views=(survey, question) in CATALOGUE_QUESTIONS[:1])
            result.topics.append({"survey": survey, "question": question, "clusters": topics.clusters})
            result.files.update({f"topics_{survey}_{question}_{k}": p for k, p in topics.views.items()})
    with result.stage("comparing waves", step):
        for survey, (first, last) in _wave_pairs(project).items():
            rows, _notes = project.compare_results(survey, (first, last))
            result.comparison[survey] = {"waves": [first, last], "rows": rows}
    result.files["comparison_json"] = out / "comparison.json"
    write_text(result.files["comparison_json"], json.dumps(result.comparison, ensure_ascii=False, indent=1))
    with result.stage("report", step):
        result.files["report_html"] = project.report(out / "report.html")
    with result.stage("inspiration catalogue", step):
        for survey, question in [q for q in CATALOGUE_QUESTIONS if q in questions]:
            practices = project.catalogue_practices(question, survey)  # all waves; reuses the codes just made
            for suffix in ("html", "md", "xlsx"):
                name = f"catalogus_{survey}_{question}.{suffix}"
                result.files[name] = write_catalogue(practices, out / name)
    # The demo's output folder is meant to be shared: the QDA export holds redacted text.
    with result.stage("REFI-QDA project export", step):
        result.files["qdpx"] = project.export_qdpx(out / "textmine.qdpx", redacted=True)
    return result


# The BRIEF's headline comparison, always shown by the demo.
DEMO_HEADLINES = {"internationale_samenwerking"}


def comparison_highlights(rows: list[dict]) -> list[dict]:
    """The comparison rows the demo shows: significant changes, topics, the headline question."""
    return [r for r in rows if r["significant"] or r["kind"] == "topic" or r["question"] in DEMO_HEADLINES]


def _wave_pairs(project: Project) -> dict[str, tuple[str, str]]:
    """Per survey with two or more waves: its first and last wave."""
    waves: dict[str, list[str]] = {}
    for survey, wave in zip(*(project.waves()[c] for c in ("survey", "wave"))):
        waves.setdefault(survey, []).append(wave)
    return {s: (min(w), max(w)) for s, w in waves.items() if len(w) > 1}


def _coded_questions(project: Project) -> list[tuple[str, str]]:
    """Open questions that have a bundled codebook."""
    q = project.questions()
    return [(s, i) for s, i, t in zip(q.survey, q.question, q.type)
            if t == "open" and (data_dir() / "codebooks" / f"{s}_{i}.yaml").exists()]


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
