"""Shared test helpers (a plain module: conftest.py files in sub-folders would shadow it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def dump_db(project: Path) -> list[str]:
    """Every row of every table, to check that a failed command changed nothing."""
    db = sqlite3.connect(project / "textmine.sqlite")
    lines = list(db.iterdump())
    db.close()
    return lines


def refi_xsd_validator(name: str):
    """A validator (XML bytes -> raises when invalid) for an official REFI-QDA schema
    (``Codebook.xsd``, ``Project.xsd``), or a pytest skip. No registry package ships the XSDs
    and they may not be copied into this repository, so their folder is given in
    TEXTMINE_REFI_XSD_DIR."""
    import os

    import pytest

    folder = os.environ.get("TEXTMINE_REFI_XSD_DIR")
    if not folder:
        pytest.skip(f"set TEXTMINE_REFI_XSD_DIR to a folder holding the official REFI-QDA {name} "
                    "to validate exports against it")
    xsd = Path(folder) / name
    if not xsd.is_file():
        pytest.fail(f"TEXTMINE_REFI_XSD_DIR is set but {xsd} does not exist")
    try:
        import xmlschema
        schema = xmlschema.XMLSchema(str(xsd))
        return lambda data: schema.validate(data.decode("utf-8"))
    except ImportError:
        pass
    try:
        from lxml import etree
    except ImportError:
        pytest.skip(f"validating against {name} needs xmlschema or lxml; neither is installed")
    lxml_schema = etree.XMLSchema(etree.parse(str(xsd)))
    return lambda data: lxml_schema.assertValid(etree.fromstring(data))
