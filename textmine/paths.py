"""Where textmine finds its bundled data and models."""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The bundled data/ folder (override with TEXTMINE_DATA_DIR)."""
    return Path(os.environ.get("TEXTMINE_DATA_DIR") or _REPO / "data")


def models_dir() -> Path:
    """The shipped models/ folder (override with TEXTMINE_MODELS_DIR)."""
    return Path(os.environ.get("TEXTMINE_MODELS_DIR") or _REPO / "models")
