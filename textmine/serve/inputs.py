"""What the workbench's handlers accept as a number in a URL or a form field.

``str.isdigit`` is not enough: it accepts "²" and other Unicode digits that ``int`` refuses, and
``int`` refuses more than 4,300 digits; either was a 500 where a 400 belongs.
"""

from __future__ import annotations

MAX_DIGITS = 18  # fits SQLite's integer; a version, a topic number or a page is never that long


def whole_number(text: object) -> bool:
    """Whether ``text`` is a whole number ``int()`` takes: ASCII digits only, 1 to 18 of them."""
    return isinstance(text, str) and 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit()
