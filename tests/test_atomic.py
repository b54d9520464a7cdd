"""Published files are written whole or not at all (textmine.atomic): a write that fails or is
killed halfway leaves the previous file complete, or the new one, never half a file."""

from __future__ import annotations

import builtins
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from textmine.errors import InputError

from tm_testutil import REPO

OLD = "<html>de vorige, volledige pagina</html>"
VIEWS = ("barchart", "documents", "hierarchy")


class FakeModel:
    """BERTopic's three views as real plotly figures (plotly.js inlined: about 4.6 MB each)."""

    def set_topic_labels(self, labels: dict) -> None:
        self.labels = labels

    def _figure(self, title: str):
        import plotly.graph_objects as go

        return go.Figure(go.Bar(x=list(self.labels.values()), y=[3, 2, 1]), layout={"title": title})

    def visualize_barchart(self, **kw):
        return self._figure(kw["title"])

    def visualize_documents(self, hover, **kw):
        return self._figure(kw["title"])

    def visualize_hierarchy(self, **kw):
        return self._figure(kw["title"])


def fake_fit() -> SimpleNamespace:
    rng = np.random.default_rng(0)
    return SimpleNamespace(model=FakeModel(), n_topics=3, answers=[{"redacted_text": f"antwoord {i}"} for i in range(9)],
                           reduced=rng.normal(size=(9, 5)))


class _Writes:
    """A file opened for writing whose writes go in chunks: slow ones (``delay`` per chunk, a
    line on stdout at the first), or failing once ``budget`` bytes are written (a full disk)."""

    def __init__(self, fh, delay: float, budget: int | None) -> None:
        self._fh, self._delay, self._budget, self._done = fh, delay, budget, 0

    def write(self, data):
        for i in range(0, len(data), 1 << 18):
            chunk = data[i:i + (1 << 18)]
            if self._budget is not None and self._done + len(chunk) > self._budget:
                self._fh.write(chunk[: self._budget - self._done])
                self._fh.flush()
                raise OSError(28, "No space left on device")
            self._fh.write(chunk)
            self._fh.flush()
            if self._done == 0 and self._delay:
                print("writing", flush=True)
            self._done += len(chunk)
            time.sleep(self._delay)
        return len(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()

    def __iter__(self):
        return iter(self._fh)


def hook_writes(folder: Path, *, delay: float = 0.0, budget: int | None = None, patch=None) -> None:
    """Make every file opened for writing under ``folder`` slow or failing (open, io.open and
    thereby pathlib, zipfile and openpyxl)."""
    real_open, root = io.open, folder.resolve()

    def opener(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        if isinstance(file, (str, os.PathLike)) and "w" in mode and Path(file).resolve().is_relative_to(root):
            return _Writes(fh, delay, budget)
        return fh

    setter = patch or (lambda obj, name, value: setattr(obj, name, value))
    setter(io, "open", opener)
    setter(builtins, "open", opener)


def _old_views(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in VIEWS:
        (folder / f"lmb_trots_{name}.html").write_text(OLD, encoding="utf-8")


def test_failed_view_write_leaves_the_old_view_and_no_temporary_file(tmp_path: Path, monkeypatch):
    from textmine.topics.views import write_views

    out = tmp_path / "topics"
    _old_views(out)
    hook_writes(out, budget=1_000_000, patch=monkeypatch.setattr)
    with pytest.raises(InputError, match="cannot write the file: No space left"):  # one line, not a traceback
        write_views(fake_fit(), {0: "a", 1: "b", 2: "c"}, out, "lmb_trots")
    monkeypatch.undo()
    assert sorted(p.name for p in out.iterdir()) == [f"lmb_trots_{n}.html" for n in VIEWS]  # no temporary file
    assert all(p.read_text(encoding="utf-8") == OLD for p in out.iterdir())


def test_failed_xlsx_write_leaves_the_old_workbook(tmp_path: Path, monkeypatch):
    """The tally XLSX (and every workbook: export.write_xlsx, review, catalogue) fails cleanly too."""
    import openpyxl

    from textmine.export import write_xlsx

    path = tmp_path / "out" / "tallies.xlsx"
    path.parent.mkdir()
    write_xlsx(path, {"tallies": (["vraag", "n"], [["voert_lmb", 108]])})
    old = path.read_bytes()
    hook_writes(path.parent, budget=2_000, patch=monkeypatch.setattr)
    with pytest.raises(OSError, match="No space left"):
        write_xlsx(path, {"tallies": (["vraag", "n"], [[f"vraag {i}", i] for i in range(5000)])})
    monkeypatch.undo()
    assert [p.name for p in path.parent.iterdir()] == ["tallies.xlsx"] and path.read_bytes() == old
    assert openpyxl.load_workbook(path)["tallies"]["A2"].value == "voert_lmb"


_CHILD = """
import sys
sys.path[:0] = [sys.argv[2]]
from pathlib import Path
from test_atomic import fake_fit, hook_writes
from textmine.topics.views import write_views
out = Path(sys.argv[1])
hook_writes(out, delay=0.1)
write_views(fake_fit(), {0: "a", 1: "b", 2: "c"}, out, "lmb_trots")
print("done", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9 is POSIX")
@pytest.mark.parametrize("after", [0.1, 0.5])
def test_killed_view_write_leaves_a_complete_file(tmp_path: Path, after: float):
    """kill -9 in the middle of writing a view (writes slowed to about two seconds per view)."""
    out = tmp_path / "topics"
    _old_views(out)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(out), str(Path(__file__).parent)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "writing", child.stderr.read()
        time.sleep(after)
        assert child.poll() is None, "the write finished before it could be killed"
    finally:
        child.kill()  # SIGKILL: no clean-up runs
        child.wait()
    assert child.returncode == -signal.SIGKILL
    for name in VIEWS:
        text = (out / f"lmb_trots_{name}.html").read_text(encoding="utf-8")
        assert text == OLD or (text.startswith("<html>") and text.rstrip().endswith("</html>")
                               and len(text) > 1_000_000), f"{name}: {len(text)} characters, cut off"
    assert (out / "lmb_trots_barchart.html").read_text(encoding="utf-8") == OLD  # killed while writing it


def test_new_file_gets_the_usual_permissions(tmp_path: Path):
    """Not mkstemp's 0600: colleagues on a shared drive can open what was published."""
    from textmine.atomic import write_text

    if os.name != "posix":
        pytest.skip("POSIX permissions")
    mask = os.umask(0o022)
    os.umask(mask)
    path = write_text(tmp_path / "rapport.html", "<html></html>")
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]
