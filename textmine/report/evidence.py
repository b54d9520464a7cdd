"""The answers behind each figure: the report's appendix.

Every number in the report that counts respondents links to an entry here,
listing the municipalities (and, for themes, their redacted answers) behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fmt import anchor_id


@dataclass
class Entry:
    """One appendix entry: the respondents (and answers or values) behind a figure."""

    anchor: str
    title: str
    rows: list[tuple[str, str]]   # (municipality or respondent, redacted answer or value)
    total: int                    # rows before the appendix limit
    kind: str                     # "list" (names) or "answers" (names with text)


@dataclass
class Evidence:
    """The report's appendix: for each figure, the respondents behind it (at most ``limit`` shown)."""

    limit: int = 1000
    entries: dict[str, Entry] = field(default_factory=dict)

    def add(self, key: tuple, title: str, rows: list[tuple[str, str]], kind: str = "list") -> str:
        """Register the rows behind one figure; returns the anchor to link to."""
        anchor = anchor_id(*key)
        if anchor not in self.entries:
            ordered = sorted(rows, key=lambda r: (r[0].casefold(), r[1]))
            self.entries[anchor] = Entry(anchor, title, ordered[: self.limit], len(rows), kind)
        return anchor
