"""Every error the CLI reports: one sentence and a hint on stderr, a documented exit code.

Exit codes: 0 success; 1 a runtime problem (invalid catalog, Hub failure); 2 a usage problem
(bad flag, value, task, file); 130 interrupted. No traceback unless WHICHMODEL_DEBUG=1.

``ERROR_MAP`` (built by :func:`error_map`) is the one table from an exception to what the user sees, as the
``hf`` CLI's ``CLI_ERROR_MAPPINGS``: ``cli/main.py:main()`` applies it to whatever a command raises, so
commands let domain errors (``UnknownName``, ``HubError``, ``WhichmodelError``) through and catch only to
add context a message cannot know (which flag, which file).
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from whichmodel.errors import (
    RUNTIME,
    USAGE,
    RuntimeProblem,
    UsageError,
    WhichmodelError,
    sentence,
    unknown_name,
)

if TYPE_CHECKING:
    from whichmodel.catalog import UnknownName
    from whichmodel.hub.settings import HubError

__all__ = ["RUNTIME", "USAGE", "CliError", "sentence", "unknown_name"]

INTERRUPTED = 130


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


# --- the error table ----------------------------------------------------------------------------------

LISTINGS = {
    "task": "whichmodel tasks",
    "model": "whichmodel catalog list",
    "accelerator": "whichmodel catalog accelerators",
}
"""The command that lists every name of a kind, named in an "Unknown ..." error's hint."""


@dataclass(frozen=True)
class Outcome:
    """What ``main()`` does with an exception: the exit code and what it writes."""

    code: int
    error: WhichmodelError | None = None  # reported as one "Error: ..." line on stderr (after its details)
    stderr: str = ""  # written as is ("Interrupted.")
    stdout: str = ""  # written as is (the help of a group called without a command)
    internal: bool = False  # a bug, not a user's mistake: WHICHMODEL_DEBUG=1 shows the traceback instead


def hub_error(exc: HubError, extra_hint: str = "") -> WhichmodelError:
    """A Hub failure: a bad Hub setting is a usage problem (exit 2), anything else a runtime one (exit 1)."""
    hint = exc.hint
    if extra_hint:
        hint = f"{hint}; {extra_hint}" if hint else extra_hint
    return usage(exc.message, hint) if exc.kind == "setting" else runtime(exc.message, hint)


def unknown(exc: UnknownName) -> WhichmodelError:
    """A name the catalog does not know, with the closest names and the command that lists them all."""
    return unknown_name(exc.kind, exc.name, exc.matches, LISTINGS.get(exc.kind, "whichmodel catalog list"))


def _framework(exc: Any) -> Outcome:
    """A Typer (vendored Click) error: bad flags (exit 2, with the command's --help) or another refusal."""
    ctx = getattr(exc, "ctx", None)
    message = exc.format_message()
    if exc.exit_code != USAGE:
        return Outcome(exc.exit_code or RUNTIME, CliError(message))
    if ctx is not None and message == ctx.get_help():  # a group called without a command: its help
        return Outcome(USAGE, stdout=message + "\n")
    path = ctx.command_path if ctx is not None else ""
    where = f"whichmodel {path.split(' ', 1)[1]}" if " " in path else "whichmodel"
    return Outcome(USAGE, CliError(message, f"Run `{where} --help` for the options"))


def _reported(err: WhichmodelError) -> Outcome:
    return Outcome(err.code, err)


def _interrupted(exc: BaseException) -> Outcome:
    return Outcome(INTERRUPTED, stderr="Interrupted.\n")


def _internal(exc: BaseException) -> Outcome:
    return Outcome(
        RUNTIME,
        CliError(
            f"Internal error ({type(exc).__name__}: {exc})",
            "Please report it; run with WHICHMODEL_DEBUG=1 for the traceback",
        ),
        internal=True,
    )


WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EBADF, errno.EROFS, errno.EFBIG})
"""The errors of a write that failed for a reason outside whichmodel (``> /dev/full``, ``>&-``)."""


def _write_failed(exc: OSError) -> Outcome:
    """A write the system refused: one line; stdout is pointed at /dev/null so that the interpreter's own
    flush at exit cannot add an "Exception ignored" report. Any other OSError is a bug."""
    if exc.errno not in WRITE_ERRNOS or exc.filename is not None:
        return _internal(exc)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no descriptor behind it (closed, captured by a test)
        pass
    reason = exc.strerror or str(exc)
    hint = (
        "Redirect it to a file or /dev/null"
        if exc.errno == errno.EBADF
        else "Free some space, or send it elsewhere"
    )
    return Outcome(RUNTIME, runtime(f"Cannot write the output ({reason})", hint))


Handler = Callable[[Any], Outcome]
_ERROR_MAP: tuple[tuple[type[BaseException], Handler], ...] = ()


def error_map() -> tuple[tuple[type[BaseException], Handler], ...]:
    """(exception type, handler) pairs, tried in order: a subclass before its base, the catch-all last.

    Built on first use: the table runs only on a failure, so its imports cost nothing on success.
    """
    global _ERROR_MAP
    if not _ERROR_MAP:
        import typer

        from whichmodel.catalog import UnknownName
        from whichmodel.hub.settings import HubError

        _ERROR_MAP = (
            (WhichmodelError, _reported),
            (UnknownName, lambda e: _reported(unknown(e))),
            (HubError, lambda e: _reported(hub_error(e))),
            (Interrupted, _interrupted),
            (typer.Abort, _interrupted),  # Typer's own Ctrl-C at a prompt
            (typer.TyperException, _framework),  # every vendored-Click error: usage errors, bad parameters
            (BrokenPipeError, lambda e: Outcome(0)),  # the reader went away (`| head`): nothing to say
            (OSError, _write_failed),  # the output cannot be written (a full disk, a closed stdout)
            (Exception, _internal),
        )
    return _ERROR_MAP


def outcome(exc: BaseException) -> Outcome:
    """What the user sees for ``exc``: the first matching row of the table."""
    for kind, handler in error_map():
        if isinstance(exc, kind):
            return handler(exc)
    return _internal(exc)


def finish(result: Outcome) -> None:
    """Write what ``result`` says and exit with its code."""
    if result.stdout:
        sys.stdout.write(result.stdout)
    if result.stderr:
        sys.stderr.write(result.stderr)
    if result.error is not None:
        report(result.error)
    sys.exit(result.code)
