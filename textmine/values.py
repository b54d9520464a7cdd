"""Reading single cell values as survey exports write them."""

from __future__ import annotations

import math
import re

# Belgian/Dutch exports write 0,5 and 1.234,5; English ones 0.5 and 1,234.5.
_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}([.,\s\u00a0\u202f]\d{3})+)?([.,]\d+)?$")


def is_blank(value: object) -> bool:
    """True for None, NaN and empty or whitespace-only text: an answer left blank."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def parse_number(text: str) -> float | None:
    """Parse '0,5', '0.5', '1.234,5', '1,234.5', '1 234' or '12' into a float; None if not a number."""
    s = str(text).strip().replace("\u2212", "-")
    if not s or not _NUMBER.match(s) or not any(ch.isdigit() for ch in s):
        return None
    s = s.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        # The later separator is the decimal one.
        if last_comma > last_dot:
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif last_comma >= 0:
        # '1,234' is ambiguous; survey numbers (FTE, scores) are small and
        # Belgian exports use the decimal comma, so a lone comma is decimal
        # unless it groups thousands more than once ('1,234,567').
        s = s.replace(",", ".") if s.count(",") == 1 else s.replace(",", "")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
