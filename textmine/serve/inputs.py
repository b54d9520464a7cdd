"""What the workbench's handlers accept in a URL, a form or a request body: numbers, text (UTF-8).

``str.isdigit`` is not enough: it accepts "²" and other Unicode digits that ``int`` refuses, and
``int`` refuses more than 4,300 digits; either was a 500 where a 400 belongs.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from ..errors import InputError

MAX_DIGITS = 18  # fits SQLite's integer; a version, a topic number or a page is never that long


def is_whole_number(text: object) -> bool:
    """Whether ``text`` is a whole number ``int()`` takes: ASCII digits only, 1 to 18 of them."""
    return isinstance(text, str) and 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit()


def utf8(raw: bytes) -> str:
    """A request body as text; InputError (one line) when it is not UTF-8 (never stored with
    replacement characters)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the request body is not UTF-8 (byte {exc.start + 1})") from None


def form_fields(raw: bytes, keep_blank_values: bool = False) -> dict[str, list[str]]:
    """A urlencoded form's fields; InputError when the form, or a %-escaped value in it, is not UTF-8."""
    try:
        return parse_qs(utf8(raw), keep_blank_values=keep_blank_values, errors="strict")
    except UnicodeDecodeError:
        raise InputError("the form is not UTF-8 (a %-escaped value in it is another encoding)") from None
