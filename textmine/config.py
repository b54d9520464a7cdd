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

from .errors import InputError, yaml_error

CONFIG_NAME = "project.yaml"


@dataclass
class NlpSettings:
    pipeline: str | None = None
    extra_stopwords: list[str] = field(default_factory=list)
    very_long_words: int = 150
    batch_size: int = 64
    n_process: int = 1


@dataclass
class ProjectConfig:
    nlp: NlpSettings = field(default_factory=NlpSettings)


def load_config(project_dir: str | Path) -> ProjectConfig:
    path = Path(project_dir) / CONFIG_NAME
    if not path.exists():
        return ProjectConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path) from None
    if not isinstance(raw, dict):
        raise InputError("project settings must be a mapping", file=path)
    unknown = set(raw) - {"nlp"}
    if unknown:
        raise InputError(f"unknown section(s) {', '.join(sorted(unknown))}", file=path)
    return ProjectConfig(nlp=_section(NlpSettings, raw.get("nlp") or {}, path, "nlp"))


def _section(cls: type, raw: Any, path: Path, name: str) -> Any:
    if not isinstance(raw, dict):
        raise InputError(f"'{name}' must be a mapping", file=path)
    known = {f.name: f for f in fields(cls)}
    unknown = set(raw) - set(known)
    if unknown:
        raise InputError(f"'{name}': unknown key(s) {', '.join(sorted(unknown))}", file=path)
    return cls(**raw)
