"""Shared test helpers (a plain module: conftest.py files in sub-folders would shadow it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def copy_project_db(source: Path, target: Path) -> Path:
    """A copy of a project's database in ``target`` (made), by SQLite's backup: the WAL's content
    included. Tests copy one coded project instead of coding it again."""
    target.mkdir(parents=True)
    src, dst = sqlite3.connect(source / "textmine.sqlite"), sqlite3.connect(target / "textmine.sqlite")
    src.backup(dst)
    src.close()
    dst.close()
    return target


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


def rewrite_xlsx(data: bytes, change, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The XLSX ``data`` with the XML of ``part`` passed through ``change(bytes) -> bytes``
    (in memory): a normal workbook made faulty the way other tools write them."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        assert part in zin.namelist(), f"{part} not in {zin.namelist()}"
        for item in zin.infolist():
            body = zin.read(item.filename)
            zout.writestr(item, change(body) if item.filename == part else body)
    return out.getvalue()


def set_dimension(data: bytes, ref: str, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The XLSX ``data`` whose stored sheet size (``<dimension ref=...>``) claims ``ref``."""
    import re

    def change(xml: bytes) -> bytes:
        new, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref.encode() + b'"', xml)
        assert n == 1, "no <dimension> in the sheet"
        return new

    return rewrite_xlsx(data, change, part)


def old_store(project: Path, version: int, drop: str) -> sqlite3.Connection:
    """A project database as an older textmine wrote it: today's tables without ``drop`` (the
    DDL text a later store version added), marked ``version``. Returns the open connection for
    the test's rows; commit and close it before opening the project."""
    from textmine import store as store_module

    project.mkdir(parents=True)
    old_ddl = store_module._DDL.replace(drop, "", 1)
    assert old_ddl != store_module._DDL, f"{drop!r} is not in the store's DDL"
    db = sqlite3.connect(project / "textmine.sqlite")
    db.executescript(old_ddl)
    db.execute("INSERT INTO meta VALUES ('store_version', ?)", (str(version),))
    return db


def store_version(store) -> str:
    """The version a project's database says it has (after opening: migrated)."""
    return store.db.execute("SELECT value FROM meta WHERE key='store_version'").fetchone()[0]


def one_line_exit_2(result) -> str:
    """The CLI's refusal of bad input: exit 2, no traceback, one line on stderr (returned)."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert "\n" not in message, message
    return message


def published_texts(files: list[Path]) -> dict[str, str]:
    """Every published file's text, zips (.qdpx, .xlsx) member by member, JSON with its escapes
    decoded, entities unescaped: what a search for personal data must look through."""
    import html
    import json
    import zipfile

    out: dict[str, str] = {}
    for path in files:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    out[f"{path.name}:{name}"] = html.unescape(z.read(name).decode("utf-8", "replace"))
        elif path.suffix == ".json":
            out[path.name] = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
        else:
            out[path.name] = html.unescape(path.read_text(encoding="utf-8", errors="replace"))
    return out
