"""Project settings: ``project.yaml`` in the project directory, all optional.

```yaml
nlp:
  pipeline: null            # spaCy package name or path; null = best available
  extra_stopwords: []       # added to spaCy's Dutch list and data/stopwords_nl_domain.txt
  very_long_words: 150      # answers longer than this are flagged very_long
  batch_size: 64
  n_process: 1
```
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from .safeyaml import load as load_yaml, read_yaml_text
from .errors import InputError, yaml_error

CONFIG_NAME = "project.yaml"


@dataclass
class NlpSettings:
    """The ``nlp`` section of the project settings: pipeline, extra stop words, long-answer limit, batching."""

    pipeline: str | None = None
    extra_stopwords: list[str] = field(default_factory=list)
    very_long_words: int = 150
    batch_size: int = 64
    n_process: int = 1


@dataclass
class ProjectConfig:
    """A project's settings (project.yaml); defaults when the file is absent."""

    nlp: NlpSettings = field(default_factory=NlpSettings)


def load_config(project_dir: str | Path) -> ProjectConfig:
    """Read the project's settings file; defaults when there is none, InputError on an unknown section or key."""
    path = Path(project_dir) / CONFIG_NAME
    if not path.exists():
        return ProjectConfig()
    try:
        raw = load_yaml(read_yaml_text(path, "project settings")) or {}
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path) from None
    if not isinstance(raw, dict):
        raise InputError("project settings must be a mapping", file=path)
    unknown = set(map(str, raw)) - {"nlp"}
    if unknown:
        raise InputError(f"unknown section(s) {', '.join(sorted(unknown))}", file=path)
    return ProjectConfig(nlp=_section(NlpSettings, raw.get("nlp") or {}, path, "nlp"))


# What each setting may hold: a wrong type would crash deep inside spaCy later.
_INT_RANGES = {"very_long_words": (1, 10**6), "batch_size": (1, 100_000), "n_process": (1, 256)}


def _section(cls: type, raw: Any, path: Path, name: str) -> Any:
    if not isinstance(raw, dict):
        raise InputError(f"'{name}' must be a mapping", file=path)
    known = {f.name: f for f in fields(cls)}
    unknown = set(map(str, raw)) - set(known)
    if unknown:
        raise InputError(f"'{name}': unknown key(s) {', '.join(sorted(unknown))}", file=path)
    for key, value in raw.items():
        where = f"'{name}.{key}'"
        if key in _INT_RANGES:
            low, high = _INT_RANGES[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise InputError(f"{where} must be a whole number from {low} to {high:,}", file=path)
        elif key == "pipeline" and value is not None and (not isinstance(value, str) or not value.strip()):
            raise InputError(f"{where} must be a spaCy package name or folder, or null", file=path)
        elif key == "extra_stopwords" and value is not None and (not isinstance(value, list) or not all(isinstance(v, str)
                                                                                for v in value)):
            raise InputError(f"{where} must be a list of words", file=path)
    return cls(**{k: ([] if v is None and k == "extra_stopwords" else v) for k, v in raw.items()})
