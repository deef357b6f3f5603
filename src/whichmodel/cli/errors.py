"""Every error the CLI reports: one sentence and a hint on stderr, a documented exit code.

Exit codes: 0 success; 1 a runtime problem (invalid catalog, Hub failure); 2 a usage problem
(bad flag, value, task, file). No traceback unless WHICHMODEL_DEBUG=1.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence

from whichmodel.errors import (
    RUNTIME,
    USAGE,
    RuntimeProblem,
    UsageError,
    WhichmodelError,
    sentence,
    unknown_name,
)

__all__ = ["RUNTIME", "USAGE", "CliError", "sentence", "unknown_name"]


class Interrupted(Exception):
    """The user pressed Ctrl-C or closed the input at a prompt."""


# Every error the CLI reports is a whichmodel.errors.WhichmodelError (the Python API raises the same ones).
CliError = WhichmodelError


def usage(message: str, hint: str = "") -> WhichmodelError:
    return UsageError(message, hint)


def runtime(message: str, hint: str = "", details: Sequence[str] = ()) -> WhichmodelError:
    return RuntimeProblem(message, hint, details=details)


def debug() -> bool:
    return os.environ.get("WHICHMODEL_DEBUG", "") not in ("", "0", "false", "no")


MAX_ECHO = 60
_LONG_QUOTE = re.compile(r"'([^']{61,})'|\"([^\"]{61,})\"")  # quoted text longer than MAX_ECHO


def shorten_quoted(text: str) -> str:
    """Cut what a message quotes back from the input (a 5,000-character name) to its first characters."""

    def cut(m: re.Match[str]) -> str:
        quote = "'" if m.group(1) is not None else '"'
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        return f"{quote}{inner[:MAX_ECHO]}…{quote} ({len(inner):,} characters)"

    return _LONG_QUOTE.sub(cut, text)


_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """One line without control or bidi characters: what an error quotes back (a file name, a value, a
    Hub answer) cannot drive the terminal. Escapes are shown as ``\\x1b``."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], str(text).replace("\n", " ").replace("\t", " "))


def report(err: WhichmodelError) -> None:
    for line in err.details:
        sys.stderr.write(printable(line) + "\n")
    msg = sentence(err.message)
    if err.hint:
        msg += " " + sentence(err.hint)
    sys.stderr.write(f"Error: {printable(shorten_quoted(msg))}\n")


def report_text(message: str, hint: str = "") -> None:
    report(CliError(message, hint))
