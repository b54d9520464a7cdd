"""Writing a file whole or not at all.

Every file textmine writes for people (report, catalogue, topic views, workbooks,
.qdpx/.qdc, codebooks, JSON/CSV outputs) is written to a hidden temporary file in the
target's folder and then moved over the target in one step (``os.replace``, atomic on
the same file system). An error, a crash or ``kill -9`` halfway leaves the previous file
or the new one complete, never a truncated one; after an error no temporary file
remains (after ``kill -9`` a hidden ``.NAME.*.tmp`` may: nothing can remove it then).
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import InputError


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path next to ``target`` to write to; it replaces ``target`` when the block
    ends without error and is removed when it fails."""
    target = Path(target)
    # Same folder: os.replace cannot be atomic across file systems. Opened by the writer
    # with open(), so the file gets the user's usual permissions (mkstemp would give 0600).
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        _flush_to_disk(tmp)
        try:
            os.replace(tmp, target)
        except PermissionError as exc:  # Windows: the target is open in Excel or a browser
            raise InputError(f"cannot replace the file ({exc.strerror}): is it open in another program? "
                             "Close it and try again", file=target) from None
        except IsADirectoryError:
            raise InputError("is a folder, not a file", file=target) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` whole or not at all; returns the path."""
    try:
        with atomic_path(target) as tmp, open(tmp, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
    except OSError as exc:  # the path was checked before the work; a disk can still fill up
        raise InputError(f"cannot write the file: {exc.strerror or exc}", file=target) from None
    return Path(target)


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` whole or not at all; returns the path."""
    try:
        with atomic_path(target) as tmp, open(tmp, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise InputError(f"cannot write the file: {exc.strerror or exc}", file=target) from None
    return Path(target)


def _flush_to_disk(path: Path) -> None:
    """The new content on disk before it replaces the old (a power cut must not leave an
    empty file where a complete one was)."""
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
