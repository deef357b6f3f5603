"""Number words: ``7B``, ``1.4T``, ``300M``, ``50k``, ``2e9``, ``1,000`` are accepted wherever a count is taken."""

from __future__ import annotations

import math
import re

from whichmodel import units

_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}
# a leading minus is read, so that a negative count is reported as out of range, not as "not a number"
_NUMBER = re.compile(r"^\s*(-?[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmbgt]?)\s*$", re.IGNORECASE)


def parse_number(text: str | int | float) -> float:
    """Parse a count written as a number word. Raises ValueError with a readable message."""
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a number")
    if isinstance(text, int | float):
        try:
            value = float(text)
        except OverflowError:  # an integer of hundreds of digits
            raise ValueError(f"{str(text)[:20]}… ({len(str(text)):,} digits) is too large") from None
    else:
        match = _NUMBER.match(str(text).replace(",", "").replace("_", ""))
        if not match:
            raise ValueError(f"{text!r} is not a number (use forms like 7B, 1.4T, 300M, 50k, 2e9)")
        value = float(match.group(1)) * _SUFFIX[match.group(2).lower()]
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def parse_count(text: str | int | float, *, allow_zero: bool = True) -> int:
    """A whole, non-negative count (``allow_zero=False``: positive)."""
    value = parse_number(text)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{text!r} must be {'at least 0' if allow_zero else 'greater than 0'}")
    return round(value)


human = units.count  # numbers out live in whichmodel.units (7.0e9 -> '7B')
