"""Number words: ``7B``, ``1.4T``, ``300M``, ``50k``, ``2e9``, ``1,000`` are accepted wherever a count is taken."""

from __future__ import annotations

import math
import re

from whichmodel import units

_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}
# a leading minus is read, so that a negative count is reported as out of range, not as "not a number"
_NUMBER = re.compile(r"^\s*(-?[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmbgt]?)\s*$", re.IGNORECASE)
# Separators are read only where they cannot change a value: a comma between groups of three digits of the
# whole part ("1,000", "12,345.5"), an underscore between two digits ("1_000", as Python writes it).
# "1,2" (a decimal comma), ",1", "1,,0" and "1__0" are refused rather than read as 12, 1, 10 and 10.
_THOUSANDS = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9,])")
_UNDERSCORE = re.compile(r"(?<=[0-9])_(?=[0-9])")


def _strip_separators(text: str) -> str | None:
    """``text`` without its thousands commas and digit underscores, or None when one is misplaced."""
    text = _UNDERSCORE.sub("", _THOUSANDS.sub(lambda m: m.group().replace(",", ""), text))
    return None if "," in text or "_" in text else text


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
        plain = _strip_separators(str(text))
        match = _NUMBER.match(plain) if plain is not None else None
        if not match:
            why = (
                "; a comma only separates thousands (1,000), a decimal takes a point (1.5)"
                if "," in str(text)
                else ""
            )
            raise ValueError(f"{text!r} is not a number (use forms like 7B, 1.4T, 300M, 50k, 2e9{why})")
        value = float(match.group(1)) * _SUFFIX[match.group(2).lower()]
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value + 0.0  # -0 is 0: a negative zero is never shown back as "-0.0"


def parse_count(text: str | int | float, *, allow_zero: bool = True) -> int:
    """A whole, non-negative count (``allow_zero=False``: positive)."""
    value = parse_number(text)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{text!r} must be {'at least 0' if allow_zero else 'greater than 0'}")
    return round(value)


human = units.count  # numbers out live in whichmodel.units (7.0e9 -> '7B')
