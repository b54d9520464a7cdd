"""Where a command may write: checked before any work is done.

``check_out_file`` and ``check_out_folder`` are called on every output path a
user names (``--out``, the codebook to convert to, the demo's folder) before a
command reads, computes or stores anything, so a typo in a path never costs a
stored run that is then not written. Each problem is one ``InputError`` line.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from .errors import InputError

_DB_SUFFIXES = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal")


def check_out_file(path: str | Path) -> Path:
    """A file the command will write: its folder exists, it is not a folder itself,
    not a textmine project database, and it can be created or overwritten."""
    path = Path(path)
    if str(path).strip() == "":
        raise InputError("the output file name is empty")
    if path.name.lower().endswith(_DB_SUFFIXES):
        raise InputError("this is a project database, not an output file: writing here would "
                         "destroy the project", file=path)
    if path.is_dir():
        raise InputError("is a folder: give a file name in it (e.g. result.json)", file=path)
    parent = path.parent
    if not parent.exists():
        raise InputError(f"the folder '{parent}' does not exist: create it first or choose another",
                         file=path)
    if not parent.is_dir():
        raise InputError(f"'{parent}' is a file, not a folder", file=path)
    existed = path.exists()
    try:
        # Open as the write will (append: an existing file is not changed), then
        # remove what this check created.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | (0 if existed else os.O_EXCL))
        os.close(fd)
        if not existed:
            os.unlink(path)
    except OSError as exc:
        raise InputError(f"cannot write this file: {_reason(exc)}", file=path) from None
    return path


def check_out_folder(path: str | Path) -> Path:
    """A folder the command will create (with its parents) or write into."""
    path = Path(path)
    if str(path).strip() == "":
        raise InputError("the output folder name is empty")
    existing = path
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():  # a dangling link: creating the folder would fail
            raise InputError("is a broken link", file=existing)
        existing = existing.parent
    if not existing.is_dir():
        raise InputError("is a file, not a folder" if existing == path else f"'{existing}' is a file, "
                         "not a folder", file=path)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError("cannot write in this folder (permission denied)", file=existing)
    return path


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (read-only, or open in another program such as Excel?)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return exc.strerror or str(exc)


_UNSAFE = re.compile(r"[^\w.-]+")


def file_name_part(text: str, limit: int = 60) -> str:
    """A user's label (a wave, a question) as part of a file name: no folder
    separators, control characters or leading dots, at most ``limit`` characters."""
    part = _UNSAFE.sub("_", str(text)).strip("._") or "_"
    return part[:limit]
