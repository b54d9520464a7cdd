"""Keep numba's compiled UMAP/pynndescent code on disk, so a process does not compile it again.

UMAP and pynndescent are numba code: compiled to machine code at first use, in every new
process. Measured on the demo (2 cores): ~20 s of a ~50 s run was that compiling, the same
each time. numba can save what it compiled (``cache=True``), but most of UMAP's functions do
not ask for it, and where it would save them (``__pycache__`` beside the package) may be
read-only. So before umap is imported textmine points numba at a writable folder of its own
(``NUMBA_CACHE_DIR``), and after it is imported it turns caching on for every jitted function
of umap and pynndescent. numba keys each saved function on its source file, signature and
the CPU, and checks the source's time stamp, so a changed package or another machine
compiles anew instead of loading stale code; the machine code loaded is the same that would
be compiled, so results are the same to the last bit. numba only checks the caller's own
file, though, not the functions it calls from another package (UMAP calls pynndescent), so
the folder is also named after the numba, umap and pynndescent versions (``versioned``).

Where (the first that is writable): ``$TEXTMINE_NUMBA_CACHE``; ``<venv>/var/textmine-numba``
inside a virtual environment; ``$XDG_CACHE_HOME/textmine/numba`` (``~/.cache/...``).
``NUMBA_CACHE_DIR`` set by the user wins; ``TEXTMINE_NUMBA_CACHE=off`` switches all of this
off. When nothing is writable numba works as before (compiling each time): never an error.
``scripts/setup.sh`` fills the cache (``scripts/warm_numba_cache.py``).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

ENV = "TEXTMINE_NUMBA_CACHE"
NUMBA_ENV = "NUMBA_CACHE_DIR"
PACKAGES = ("umap", "pynndescent")
OFF = ("0", "off", "no", "false")

_configured = False
_dir: Path | None = None
_scanned: set[str] = set()  # modules whose functions were already looked at


def candidates() -> list[Path]:
    """Folders to try, in order (see the module docstring)."""
    out: list[Path] = []
    own = os.environ.get(ENV, "").strip()
    if own and own.lower() not in OFF:
        out.append(Path(own).expanduser())
    if sys.prefix != sys.base_prefix:  # a virtual environment: its own cache, removed with it
        out.append(Path(sys.prefix) / "var" / "textmine-numba")
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    out.append((Path(xdg) if xdg else Path.home() / ".cache") / "textmine" / "numba")
    return out


def versioned(base: Path) -> Path:
    """``base``/numba-<v>-umap-<v>-pynndescent-<v>: another version of one of them, another folder."""
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for dist in ("numba", "umap-learn", "pynndescent"):
        try:
            parts.append(f"{dist.replace('-learn', '')}-{version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist.replace('-learn', '')}-none")
    return base / "-".join(parts)


def writable(path: Path) -> bool:
    """Can files be created in ``path`` (made when missing)?"""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
        return True
    except OSError:
        return False


def configure() -> Path | None:
    """Point numba at a writable cache folder (once per process); the folder, or None.

    Must run before umap is imported: numba picks a function's cache folder when the
    function is defined."""
    global _configured, _dir
    if _configured:
        return _dir
    _configured = True
    if os.environ.get(ENV, "").strip().lower() in OFF:
        return None
    if os.environ.get(NUMBA_ENV):
        _dir = Path(os.environ[NUMBA_ENV])
        return _dir
    _dir = next((versioned(p) for p in candidates() if writable(versioned(p))), None)
    if _dir is None:
        log.info("no writable folder for numba's cache: UMAP is compiled in every process")
        return None
    os.environ[NUMBA_ENV] = str(_dir)
    config = sys.modules.get("numba.core.config")
    if config is not None:  # numba already imported: it reads the folder from here
        config.CACHE_DIR = str(_dir)
    return _dir


def enable_caching(packages: tuple[str, ...] = PACKAGES) -> int:
    """Turn on on-disk caching for the jitted functions of the loaded modules of ``packages``.

    Returns how many functions it turned on. Functions numba cannot cache (no usable folder,
    dynamic code) are left as they are."""
    if _dir is None or "numba" not in sys.modules:
        return 0
    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    count = 0
    for name, module in list(sys.modules.items()):
        if name in _scanned or module is None or name.partition(".")[0] not in packages:
            continue
        _scanned.add(name)
        for value in list(vars(module).values()):
            if isinstance(value, Dispatcher) and isinstance(value._cache, NullCache):
                try:
                    value.enable_caching()
                    count += 1
                except Exception as err:  # e.g. a function defined in an interactive session
                    log.debug("numba cannot cache %s: %s", value, err)
    return count

