"""All rendering helpers: JSON on stdout, Rich consoles (imported lazily), small formatters."""

from __future__ import annotations

import json
import os
import re
import sys
from typing import TYPE_CHECKING, Any

from whichmodel import units

if TYPE_CHECKING:
    from rich.console import Console


def emit_json(data: Any) -> None:
    """The JSON document, alone on stdout.

    Control characters are escaped by JSON itself, but C1 (U+0080-U+009F) and bidi controls would be
    written raw (``ensure_ascii=False``): they are written as ``\\u`` escapes, so the document a terminal
    shows cannot drive it; a JSON reader gets the same string back.
    """
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
    sys.stdout.flush()


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
MIN_WIDTH = 20
"""COLUMNS below this (0 included) is ignored: Rich would print nothing, or one character a line."""


def terminal_width() -> int | None:
    """``COLUMNS`` when it is a plain whole number of at least :data:`MIN_WIDTH`, else None (Rich decides)."""
    raw = os.environ.get("COLUMNS", "").strip()
    if raw.isascii() and raw.isdecimal() and len(raw) <= 5 and int(raw) >= MIN_WIDTH:
        return int(raw)
    return None


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    width = terminal_width()
    if width is None and os.environ.get("COLUMNS") is not None:
        os.environ.pop("COLUMNS", None)  # Rich reads it too: an unusable value (0, ², 1e9) is dropped

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # the reader went away (`| head`): that is not a failure; stop quietly with exit 0
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(0)

    # markup=False: catalog, Hub and user text is printed as written ("[/bold]" in a note is not a tag);
    # styles are given with Text and style= instead.
    return _Console(stderr=stderr, highlight=False, markup=False, width=width, soft_wrap=False)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text from outside (a model card, Hub metadata) without control characters: an escape sequence
    in it would otherwise drive the terminal that prints it."""
    return _CONTROL.sub("", text)


def note(text: str) -> None:
    """A diagnostic line on stderr (never on stdout)."""
    sys.stderr.write(printable(text.rstrip()) + "\n")  # a warning may quote a file name or a Hub value


# Figures are formatted in one place, whichmodel.units (shared with the core's prose).
fmt_num = units.num
fmt_params = units.params
fmt_usd = units.usd
