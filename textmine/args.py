"""Checks of the Python facade's arguments: a notebook passes ints, floats, None or Series where the
command line only ever passes text, and each must become a one-line ``InputError``, not a traceback
from deep inside nor a wave stored as "None" or "2025.0"."""

from __future__ import annotations

import math
import numbers
from typing import Any

from .errors import InputError


def wave_label(wave: Any) -> str:
    """A wave label as text: "2025" and 2025 (also 2025.0, numpy ints) are the same wave; None, NaN,
    True, 2025.5 or a list are an InputError."""
    if isinstance(wave, str):
        return wave
    if isinstance(wave, numbers.Integral) and not isinstance(wave, bool):
        return str(int(wave))
    if isinstance(wave, numbers.Real) and not isinstance(wave, bool) and math.isfinite(float(wave)) \
            and float(wave).is_integer():
        return str(int(wave))
    raise InputError(f"a wave label is text such as '2025' (or a whole number), not {wave!r}")


def optional_wave(wave: Any) -> str | None:
    """``wave_label`` of a wave filter; None stays None (every wave)."""
    return None if wave is None else wave_label(wave)


def whole_number(value: Any, what: str, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (300 and 300.0 alike), else an InputError naming ``what``."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value)) \
            and float(value).is_integer() and int(value) >= minimum:
        return int(value)
    kind = "a positive whole number" if minimum == 1 else f"a whole number, {minimum} or more"
    raise InputError(f"{what} must be {kind}, not {value!r}")


def sheet_ref(sheet: Any) -> str | int | None:
    """An XLSX sheet: its name, or its position from 0 as pandas' ``sheet_name`` counts (numpy
    ints too); None is the first sheet. True, 1.0, -1 or a list are an InputError."""
    if sheet is None or isinstance(sheet, str):
        return sheet
    if isinstance(sheet, numbers.Integral) and not isinstance(sheet, bool) and int(sheet) >= 0:
        return int(sheet)
    raise InputError(f"sheet must be a sheet name or a position from 0 (the first sheet), not {sheet!r}")


def lone_surrogate(text: str) -> bool:
    """Text holding half of a UTF-16 surrogate pair: it cannot be stored (nor written as UTF-8)."""
    if text.isascii():  # the common case, cheap
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
