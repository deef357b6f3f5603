"""Numbers out: the one formatter per kind of figure (counts, parameters, GPU-hours, plain numbers, dollars).

Pure and a leaf (no imports). Number words *in* (``7B``, ``50k``) are parsed by ``numbers.py``; the core's
prose (rule reasons, estimator notes) and the CLI's tables format through these, so one figure reads the same
everywhere. ``None`` (unknown) is shown as ``?``.
"""

from __future__ import annotations

_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def count(n: float | None, unit: str = "") -> str:
    """A count with a suffix, three significant digits: 7.0e9 -> '7B', 1.4e12 -> '1.4T', 50_000 -> '50k'."""
    if n is None:
        return "?"
    for factor, suffix in _SUFFIXES:
        if abs(n) >= factor:
            return f"{n / factor:.3g}{suffix}{unit}"
    return f"{n:.3g}{unit}"


def params(params_b: float | None) -> str:
    """A parameter count given in billions: 7.0 -> '7B', 0.125 -> '125M'."""
    if params_b is None:
        return "?"
    if params_b >= 1:
        return f"{params_b:.3g}B"
    return f"{params_b * 1000:.3g}M"


def hours(h: float) -> str:
    """GPU-hours in prose: whole hours from 10 up (1,234), two significant digits below (0.25, 3.3)."""
    return f"{h:,.0f}" if h >= 10 else f"{h:.2g}"


def num(value: float | None, digits: int = 3, unit: str = "") -> str:
    """A table figure: ``digits`` significant digits below 1,000, whole with separators from 1,000 up."""
    if value is None:
        return "?"
    if value == 0:
        return f"0{unit}"
    if abs(value) >= 1000:
        return f"{value:,.0f}{unit}"
    return f"{value:.{digits}g}{unit}"


def usd(value: float | None) -> str:
    """Dollars: cents below $10 ($3.20), whole dollars from $10 up ($1,234)."""
    if value is None:
        return "?"
    if value < 10:
        return f"${value:.2f}"
    return f"${value:,.0f}"
