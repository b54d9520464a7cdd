"""Horizontal bar charts as inline SVG, made in Python (no JavaScript, nothing fetched).

Sized for reading at laptop width: a fixed-width label column with wrapped
labels (never cut off), fonts of 13 px, and percent plus n right of the bars.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from .fmt import ci, count, esc, pct

LABEL_W = 270          # widest label column; longer labels wrap
BAR_W = 420            # 0-100%
FONT = 13
LINE = 16              # label line height
CHAR_W = 0.6 * FONT    # a wide sans (DejaVu) character: wrapping errs on the safe side
PAD = 10


@dataclass
class Bar:
    """One bar of a bar chart: an option or theme with its percent, count and 95% interval."""

    label: str
    percent: float | None
    n: int
    ci95: list[float] | None = None
    anchor: str | None = None     # appendix entry with the respondents behind the bar
    muted: bool = False           # e.g. an option outside the base
    note: str = ""                # replaces the percent when there is none


def wrap(label: str, width_px: float = LABEL_W, char_px: float = CHAR_W) -> list[str]:
    """A label broken into lines that fit the chart's label column."""
    return textwrap.wrap(label, max(8, int(width_px / char_px)), break_long_words=True) or [""]


def _link(anchor: str | None, inner: str, tip: str) -> str:
    body = f"<title>{esc(tip)}</title>{inner}"
    return f'<a href="#{esc(anchor)}" class="bar-link">{body}</a>' if anchor else f"<g>{body}</g>"


def _value(b: Bar, value_label: str) -> str:
    if b.percent is None:
        return b.note or f"{value_label} = {count(b.n)}"
    return f"{pct(b.percent)} ({value_label} = {count(b.n)})"


def bar_chart(bars: list[Bar], *, title: str = "", value_label: str = "n") -> str:
    """One row per bar: wrapped label, bar with its 95% interval, 'NN% (n = ..)' to the right.

    The label column is as wide as the longest label needs (wrapped beyond LABEL_W),
    and the chart as wide as its longest value text: nothing is cut off.
    """
    longest = max((len(b.label) for b in bars), default=0)
    label_w = min(LABEL_W, max(80, longest * CHAR_W + 4))
    bar_x = label_w + 10
    value_x = bar_x + BAR_W + 12
    values = [_value(b, value_label) for b in bars]
    width = int(value_x + max((len(v) for v in values), default=0) * CHAR_W + PAD)
    rows, y = [], PAD
    for b, value in zip(bars, values):
        lines = wrap(b.label, label_w)
        h = max(28, len(lines) * LINE + 10)
        mid = y + h / 2
        text_y = mid - (len(lines) - 1) * LINE / 2 + FONT * 0.35
        label = "".join(f'<tspan x="{label_w:.0f}" y="{text_y + i * LINE:.1f}">{esc(line)}</tspan>'
                        for i, line in enumerate(lines))
        parts = [f'<text class="lbl" text-anchor="end">{label}</text>']
        if b.percent is not None:
            w = BAR_W * max(0.0, min(100.0, b.percent)) / 100
            parts.append(f'<rect class="{"bar muted" if b.muted else "bar"}" x="{bar_x:.0f}" y="{mid - 9:.1f}" '
                         f'width="{max(w, 1):.1f}" height="18" rx="2"/>')
            if b.ci95:
                lo, hi = (bar_x + BAR_W * v / 100 for v in b.ci95)
                parts.append(f'<path class="ci" d="M{lo:.1f},{mid:.1f}H{hi:.1f}M{lo:.1f},{mid - 5:.1f}'
                             f'V{mid + 5:.1f}M{hi:.1f},{mid - 5:.1f}V{mid + 5:.1f}"/>')
        parts.append(f'<text class="val" x="{value_x:.0f}" y="{mid + FONT * 0.35:.1f}">{esc(value)}</text>')
        tip = f"{b.label}: {value}" + (f", 95%-interval {ci(b.ci95)}" if b.ci95 else "")
        rows.append(_link(b.anchor, "".join(parts), tip))
        y += h
    height = y + 26
    grid = "".join(
        f'<line class="grid" x1="{bar_x + BAR_W * t / 100:.1f}" x2="{bar_x + BAR_W * t / 100:.1f}" '
        f'y1="{PAD - 4}" y2="{y}"/><text class="axis" x="{bar_x + BAR_W * t / 100:.1f}" y="{y + 16}" '
        f'text-anchor="middle">{t}%</text>' for t in (0, 25, 50, 75, 100))
    aria = esc(title or "staafdiagram")
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{aria}" style="max-width:100%;height:auto">'
            f"{grid}{''.join(rows)}</svg>")
