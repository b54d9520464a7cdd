"""Dutch number formatting and safe anchors for the report."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from html import escape

__all__ = ["esc", "num", "pct", "pp", "ci", "count", "anchor_id"]


def esc(text: object) -> str:
    """``text`` escaped for HTML (quotes too)."""
    return escape(str(text), quote=True)


def num(x: float | None, digits: int = 1) -> str:
    """0.4 -> '0,4'; 1234.5 -> '1.234,5' (Dutch separators)."""
    if x is None:
        return "–"
    s = f"{x:,.{digits}f}"
    return s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def count(n: int | None) -> str:
    """A whole number with Dutch separators; '–' for None."""
    return "–" if n is None else num(n, 0)


def pct(x: float | None, digits: int = 0) -> str:
    """A percentage with Dutch separators: '12%'; '–' for None."""
    return "–" if x is None else f"{num(x, digits)}%"


def pp(x: float | None, digits: int = 1) -> str:
    """Percentage points with a sign: '+3,0 pp'."""
    if x is None:
        return "–"
    return ("+" if x > 0 else "") + num(x, digits) + " pp"


def ci(interval: list[float] | None, digits: int = 0) -> str:
    """A 95% interval as '8–15%'; '–' when there is none."""
    return "–" if not interval else f"{num(interval[0], digits)}–{num(interval[1], digits)}%"


def anchor_id(*parts: object) -> str:
    """A readable, HTML-safe, unique-enough fragment id from arbitrary parts."""
    raw = "|".join(str(p) for p in parts)
    ascii_ = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.casefold()).strip("-")[:60]
    return f"b-{slug}-{hashlib.sha1(raw.encode()).hexdigest()[:6]}"


def dec(x: float | None, digits: int = 3) -> str:
    """A measured value with up to ``digits`` decimals, trailing zeros dropped: 0.175 -> '0,175'."""
    if x is None:
        return "–"
    s = num(round(x, digits), digits)
    return s.rstrip("0").rstrip(",") if "," in s else s
