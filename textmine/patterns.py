"""Codebook regular expressions that cannot hang a command.

Python's ``re`` backtracks: ``(a+)+$`` takes exponential time on a line of
``a``'s, ``a.*b.*c`` cubic time on a long answer, and even ``\\d+\\.\\d+``
quadratic time on a 100 KB cell of digits. Staff write the patterns,
respondents write the answers, so textmine guards both ends:

* ``check_pattern`` reads a pattern's shape (its parse tree) when the codebook
  is loaded and refuses what can backtrack exponentially: a quantifier inside a
  repeated group (``(a+)+``, ``(\\w+\\s?)*``, ``(.*a){20}``), repeated
  alternatives that can match the same text (``(a|aa)*``), a repeated group
  that can match nothing (``(a?)*``), backreferences (``\\1``, ``(?P=name)``,
  ``(?(1)...)``), more than three quantifiers in a row that compete for the
  same characters (``.*.*.*.*x``), and patterns over 2,000 characters.
* Every accepted pattern gets a worst-case cost ``2**b * n**degree`` for an
  answer of ``n`` characters (``degree`` 1 for ``\\bgros\\b``, 2 for
  ``\\bsteden\\s*band\\w*``, 3 for ``a.*b.*c``). Answers short enough for that
  bound to stay small (a few ms) are searched in process, as before; longer
  ones go to a separate Python process that is stopped after
  ``SEARCH_SECONDS``. A search that runs out of time raises ``PatternTimeout``;
  the keyword coder then codes that answer without the pattern and the coding
  run reports it in one warning line (one respondent's text must not stop
  everyone's coding, nor be coded as if the pattern had been tried).

The check is conservative: a pattern it refuses can always be written
another way (or as keywords), and the error says what to change.
"""

from __future__ import annotations

import atexit
import json
import math
import queue
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

try:  # Python 3.11+ names; older ones kept the public sre_* modules
    import re._constants as _c  # type: ignore[import-not-found]
    import re._parser as _parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

MAX_PATTERN_CHARS = 2000
MAX_DEGREE = 4          # n**4: a 60-character answer already costs ~10^7 steps
MAX_CHOICES = 20        # 2**20 constant ways to split one match
IN_PROCESS_STEPS = 2e7  # worst case searched in process: tens of ms
SEARCH_SECONDS = 1.0    # a search in the worker process is stopped after this
SMALL_RANGE = 16        # x{0,16} competing with what follows: a constant factor, not a degree

_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT))
_GROUPREFS = tuple(getattr(_c, n) for n in ("GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE",
                                            "GROUPREF_LOC_IGNORE", "GROUPREF_UNI_IGNORE") if hasattr(_c, n))
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
_MAXREPEAT = _c.MAXREPEAT


class PatternProblem(ValueError):
    """A pattern refused: ``str(exc)`` says why and what to write instead."""


@dataclass(frozen=True)
class Cost:
    """Worst-case steps of a search: ``2**choices * n**degree`` for n characters."""

    degree: int
    choices: int

    def max_chars_in_process(self, budget: float = IN_PROCESS_STEPS) -> int:
        """The longest text searched in process (longer ones go to the worker)."""
        return int((budget / 2 ** self.choices) ** (1 / self.degree))


# --- character sets ------------------------------------------------------------
# An "atom" is one character position's set: ("lit", cp), ("notlit", cp),
# ("any",) or ("in", items). Overlap of two atoms is decided on a sample of
# characters: every code point either names (and its case variants), range ends,
# Latin-1 and a few characters from other scripts and categories. That finds
# every overlap of literals, ranges and categories; case is always folded
# (the safe side: more overlap means a higher cost, never a lower one).

_EXTRA_SAMPLE = "\u0391\u03b1\u0416\u0436\u4e2d\u0663\u00a0\u2003\u2028\u2029\u0085\ue000\U0001f600\u202e\u200b\uff21\u0131\u017f\u212a"
_BASE_SAMPLE = frozenset(chr(i) for i in range(0x250)) | frozenset(_EXTRA_SAMPLE)
_LINEBREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _category(cat: Any, ch: str) -> bool:
    name = str(cat)
    neg = "NOT_" in name
    if "DIGIT" in name:
        hit = ch.isdecimal()
    elif "SPACE" in name:
        hit = ch.isspace()
    elif "WORD" in name:
        hit = ch.isalnum() or ch == "_"
    elif "LINEBREAK" in name:
        hit = ch in _LINEBREAKS
    else:  # an unknown category: say it matches (the safe side)
        return True
    return hit != neg


def _raw_contains(atom: tuple, ch: str) -> bool:
    kind = atom[0]
    if kind == "any":
        return True  # '.' with or without DOTALL: counting the newline is the safe side
    if kind == "lit":
        return ord(ch) == atom[1]
    if kind == "notlit":
        return ord(ch) != atom[1]
    negate, hit = False, False
    for op, av in atom[1]:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            hit |= ord(ch) == av
        elif op is _c.RANGE or str(op).startswith("RANGE"):
            hit |= av[0] <= ord(ch) <= av[1]
        elif op is _c.CATEGORY:
            hit |= _category(av, ch)
        else:  # unknown item: assume it matches
            hit = True
    return hit != negate


def _contains(atom: tuple, ch: str) -> bool:
    variants = {ch, ch.lower(), ch.upper(), ch.casefold()}
    return any(len(v) == 1 and _raw_contains(atom, v) for v in variants)


def _named_points(atom: tuple) -> set[str]:
    points: set[int] = set()
    if atom[0] in ("lit", "notlit"):
        points.add(atom[1])
    elif atom[0] == "in":
        for op, av in atom[1]:
            if op is _c.LITERAL:
                points.add(av)
            elif isinstance(av, tuple) and len(av) == 2 and all(isinstance(x, int) for x in av):
                points.update(av)
    out: set[str] = set()
    for p in points:
        ch = chr(p)
        out |= {v for v in (ch, ch.lower(), ch.upper(), ch.casefold()) if len(v) == 1}
    return out


@lru_cache(maxsize=65536)
def _members(atom: tuple) -> frozenset[str]:
    """The sample characters (and the atom's own named ones) that the atom holds."""
    return frozenset(ch for ch in _BASE_SAMPLE | _named_points(atom) if _contains(atom, ch))


@lru_cache(maxsize=65536)
def _atoms_overlap(a: tuple, b: tuple) -> bool:
    ma, mb = _members(a), _members(b)
    if ma & mb:
        return True
    # characters only one of them names (outside the common sample)
    return any(_contains(b, ch) for ch in ma - _BASE_SAMPLE) or any(_contains(a, ch) for ch in mb - _BASE_SAMPLE)


def _overlap(a: frozenset, b: frozenset) -> bool:
    return any(_atoms_overlap(x, y) for x in a for y in b)


def _freeze(av: Any) -> Any:
    if isinstance(av, list):
        return tuple(_freeze(x) for x in av)
    if isinstance(av, tuple):
        return tuple(_freeze(x) for x in av)
    return av


# --- first sets and emptiness ------------------------------------------------------

def _items(sub: Any) -> list[tuple]:
    return list(sub.data) if hasattr(sub, "data") else list(sub)


def _first(items: list[tuple]) -> tuple[frozenset, bool]:
    """Atoms a match of this sequence can start with, and whether it can be empty."""
    first: set = set()
    for op, av in items:
        f, nullable = _first_node(op, av)
        first |= f
        if not nullable:
            return frozenset(first), False
    return frozenset(first), True


def _first_node(op: Any, av: Any) -> tuple[frozenset, bool]:
    if op is _c.LITERAL:
        return frozenset({("lit", av)}), False
    if op is _c.NOT_LITERAL:
        return frozenset({("notlit", av)}), False
    if op is _c.ANY:
        return frozenset({("any",)}), False
    if op is _c.IN:
        return frozenset({("in", _freeze(av))}), False
    if op is _c.CATEGORY:
        return frozenset({("in", ((_c.CATEGORY, av),))}), False
    if op is _c.SUBPATTERN:
        return _first(_items(av[-1]))
    if _ATOMIC is not None and op is _ATOMIC:
        return _first(_items(av))
    if op is _c.BRANCH:
        first: set = set()
        nullable = False
        for b in av[1]:
            f, n = _first(_items(b))
            first |= f
            nullable |= n
        return frozenset(first), nullable
    if op in _REPEATS:
        lo, _hi, body = av
        f, n = _first(_items(body))
        return f, n or lo == 0
    # AT (anchors, \b), lookarounds: zero width
    return frozenset(), True


# --- the check ------------------------------------------------------------------------

def _walk(items: list[tuple], follow: frozenset) -> tuple[int, int, bool]:
    """(degree, choices, scans) of a sequence followed by ``follow``: degree counts
    unbounded quantifiers that compete with what follows them (each can stop at
    any of n places), choices counts constant-size ambiguities (a ``?`` or a
    short ``{m,n}`` that competes, overlapping alternatives), scans says whether
    an unbounded quantifier is there at all (each attempt may then read n characters)."""
    degree, choices, scans = 0, 0, False
    fol = follow
    for op, av in reversed(items):
        d, c, s = _node(op, av, fol)
        degree, choices, scans = degree + d, choices + c, scans or s
        f, nullable = _first_node(op, av)
        fol = f | fol if nullable else f
    return degree, choices, scans


def _node(op: Any, av: Any, follow: frozenset) -> tuple[int, int, bool]:
    if op in _GROUPREFS:
        raise PatternProblem("uses a backreference (\\1, (?P=name) or (?(1)...)), which can take "
                             "exponential time; match the words themselves")
    if op is _c.SUBPATTERN:
        return _walk(_items(av[-1]), follow)
    if _ATOMIC is not None and op is _ATOMIC:
        return _walk(_items(av), follow)
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return _walk(_items(av[1]), frozenset())  # checked on its own at each place it is reached
    if op is _c.BRANCH:
        results = [_walk(_items(b), follow) for b in av[1]]
        degree = max(r[0] for r in results)
        choices = max(r[1] for r in results)
        branches = [_items(b) for b in av[1]]
        overlapping = any(_branches_overlap(branches[i], branches[j], follow)
                          for i in range(len(branches)) for j in range(i + 1, len(branches)))
        return degree, choices + (math.ceil(math.log2(len(branches))) if overlapping else 0), \
            any(r[2] for r in results)
    if op in _REPEATS:
        lo, hi, body = av
        items = _items(body)
        body_first, body_nullable = _first(items)
        again = hi is _MAXREPEAT or hi >= 2
        bd, bc, bs = _walk(items, body_first | follow if again else follow)
        competes = _overlap(body_first, follow)  # stop here or go on: both can lead to a match
        if hi is _MAXREPEAT or hi == _MAXREPEAT:
            if bd or bc or body_nullable:
                raise PatternProblem(_nested_message(bd, bc, body_nullable))
            return (1 if competes else 0), 0, True
        if hi >= 2:
            if bd or bc or body_nullable:
                # Each of up to ``hi`` rounds can split its text in several ways.
                return hi * bd, hi * max(bc, 1), bs
            if competes and hi - lo > SMALL_RANGE:
                return 1, 0, True
            if competes and hi > lo:
                return 0, math.ceil(math.log2(hi - lo + 1)), hi - lo > SMALL_RANGE
            return 0, 0, hi - lo > SMALL_RANGE
        # ``x?``: one choice when x could also be what follows
        return bd, bc + (1 if competes and hi > lo else 0), bs
    return 0, 0, False


def _atoms_of(items: list[tuple]) -> list[frozenset] | None:
    """One atom set per character if the sequence is fixed text (letters, classes), else None."""
    out = []
    for op, av in items:
        if op is _c.SUBPATTERN:
            inner = _atoms_of(_items(av[-1]))
            if inner is None:
                return None
            out += inner
        elif op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN, _c.CATEGORY):
            out.append(_first_node(op, av)[0])
        else:
            return None
    return out


def _fixed_prefix(items: list[tuple]) -> list[frozenset]:
    """The atom sets of the fixed characters an alternative starts with (after \\b, ^)."""
    out: list[frozenset] = []
    for op, av in items:
        if op is _c.AT:
            continue
        fixed = _atoms_of([(op, av)])
        if fixed is None:
            break
        out += fixed
    return out


def _branches_overlap(a: list[tuple], b: list[tuple], follow: frozenset) -> bool:
    """Can both alternatives match at one place (so a failure tries both)? For fixed
    text ('stad|steden', 'gemeente|gemeenten' before a 'g'), exactly; else by their
    first characters."""
    ta, tb = _atoms_of(a), _atoms_of(b)
    pa, pb = _fixed_prefix(a), _fixed_prefix(b)
    if any(not _overlap(x, y) for x, y in zip(pa, pb)):
        return False  # 'lag ...' and 'ligt ...' part at their second letter
    if ta is not None and tb is not None:
        short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
        if not all(_overlap(x, y) for x, y in zip(short, long_)):
            return False
        return len(short) == len(long_) or _overlap(follow, long_[len(short)])
    fa, na = _first(a)
    fb, nb = _first(b)
    return _overlap(fa | follow if na else fa, fb | follow if nb else fb)


def _nested_message(degree: int, choices: int, nullable: bool) -> str:
    if nullable:
        why = "a repeated group that can match nothing (like (a?)* or (\\s*)+)"
    elif degree:
        why = "a quantifier inside a repeated group (like (a+)+, (\\w+\\s?)* or (.*a)*)"
    else:
        why = "repeated alternatives that can match the same text (like (a|aa)* or (\\w{2,5})+)"
    return (f"can take exponential time on a long answer: it has {why}; "
            "write the repeated part once (e.g. 'a+' for '(a+)+') or use separate patterns or keywords")


def check_pattern(pattern: str) -> Cost:
    """Refuse a pattern that can backtrack catastrophically (``PatternProblem``);
    return the worst-case cost of the ones accepted. ``re.error`` for invalid ones."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternProblem(f"is {len(pattern):,} characters long (at most {MAX_PATTERN_CHARS:,}); "
                             "split it into several patterns or keywords")
    compiled = re.compile(pattern, re.IGNORECASE)  # invalid: re.error, reported by the caller
    parsed = _parser.parse(pattern, re.IGNORECASE)
    degree, choices, scans = _walk(_items(parsed), frozenset())
    if degree + 1 > MAX_DEGREE:
        raise PatternProblem(f"has {degree} quantifiers in a row that compete for the same characters "
                             f"(like .*a.*b.*c.*d or (.*a){{20}}): on a long answer that takes about "
                             f"n^{degree + 1} steps; use fewer '.*' or split it into several patterns")
    if choices > MAX_CHOICES:
        raise PatternProblem(f"can split one match in about 2^{choices} ways (many optional or "
                             "repeated parts that match the same characters); simplify it")
    if compiled.search("") is not None:  # '.*', 'x?', '' or '|x': every answer would get the theme
        raise PatternProblem("matches an empty text, so it would code every answer with this theme; "
                             "make a part of it required (e.g. '.+' instead of '.*')")
    # +1: a search tries every start; an unbounded quantifier may read to the end each time
    return Cost(degree=1 + max(degree, 1 if scans else 0), choices=choices)


# --- searching with a time bound ------------------------------------------------------

class PatternTimeout(RuntimeError):
    """A search ran out of time (the pattern backtracks badly on this text)."""


_WORKER = r"""
import json, re, sys
cache = {}
for line in sys.stdin:
    pattern, text = json.loads(line)
    rx = cache.get(pattern) or cache.setdefault(pattern, re.compile(pattern, re.IGNORECASE))
    m = rx.search(text)
    sys.stdout.write(("-1" if m is None else str(m.start())) + "\n")
    sys.stdout.flush()
"""


class _Worker:
    """A separate Python process that searches; killed when a search takes too long."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        # -I: no user site, no PYTHONPATH, no current directory: only the standard library.
        proc = subprocess.Popen([sys.executable, "-I", "-c", _WORKER], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                encoding="utf-8", errors="surrogatepass", bufsize=1)
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        self.proc, self.lines = proc, lines
        return proc

    def search(self, pattern: str, text: str, seconds: float) -> int:
        """Start of the first match (-1: none); PatternTimeout after ``seconds``."""
        with self.lock:
            proc = self.proc if self.proc is not None and self.proc.poll() is None else self._start()
            assert proc.stdin is not None
            try:
                proc.stdin.write(json.dumps([pattern, text], ensure_ascii=True) + "\n")
                proc.stdin.flush()
                line = self.lines.get(timeout=seconds)
            except queue.Empty:
                self.stop()
                raise PatternTimeout(f"no result within {seconds:g} s") from None
            except OSError as exc:  # the worker died; say so rather than guess
                self.stop()
                raise PatternTimeout(f"the search process stopped ({exc})") from None
            if line is None:
                self.stop()
                raise PatternTimeout("the search process stopped")
            return int(line)

    def stop(self) -> None:
        if self.proc is not None:
            try:
                self.proc.kill()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):  # pragma: no cover
                pass
            for pipe in (self.proc.stdin, self.proc.stdout):
                try:
                    if pipe is not None:
                        pipe.close()
                except OSError:  # pragma: no cover
                    pass
            self.proc = None


_worker = _Worker()
atexit.register(_worker.stop)


@dataclass(frozen=True)
class SafePattern:
    """A checked pattern: ``search`` runs in process while the worst case is small
    for the text's length, else in the worker with a time bound."""

    pattern: str
    cost: Cost

    @classmethod
    def compile(cls, pattern: str) -> "SafePattern":
        return cls(pattern, check_pattern(pattern))

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)

    @property
    def max_chars_in_process(self) -> int:
        return self.cost.max_chars_in_process()

    def search(self, text: str, seconds: float | None = None) -> int:
        """Start of the first match in ``text`` (case-insensitive), or -1.
        Raises PatternTimeout when the bounded search runs out of time."""
        if len(text) <= self.max_chars_in_process:
            m = self.regex.search(text)
            return -1 if m is None else m.start()
        return _worker.search(self.pattern, text, SEARCH_SECONDS if seconds is None else seconds)


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)
