"""Entry point: runs the Typer app and turns every failure into one line on stderr and an exit code.

Ctrl-C exits 130 with "Interrupted." at any moment. A SIGINT handler ends the process at once (no
KeyboardInterrupt is raised, so none can be printed as a traceback during the imports, nor be swallowed
half-way by a library: a Ctrl-C inside pydantic's validation once surfaced as "The catalog has 244
problems"). It is installed when the package is imported as the ``whichmodel`` command
(``whichmodel/__init__.py``), when this module is imported, and by :func:`main`; only the interview,
whose prompts turn Ctrl-C into a clean "Interrupted.", gets Python's KeyboardInterrupt back.
"""

from __future__ import annotations

import errno
import os
import signal
import sys


def _interrupted_early(signum: int, frame: object) -> None:  # pragma: no cover - timing dependent
    try:
        os.write(2, b"Interrupted.\n")
    finally:
        os._exit(130)


def _early_handlers() -> tuple[object, ...]:
    import whichmodel

    return (_interrupted_early, getattr(whichmodel, "_interrupted_early", None))


if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when the caller chose otherwise
    signal.signal(signal.SIGINT, _interrupted_early)


def _interrupted() -> None:
    sys.stderr.write("Interrupted.\n")
    sys.exit(130)


def main(argv: list[str] | None = None) -> None:
    installed = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if installed:  # called in-process (tests, `python -m whichmodel`): restored on return
        signal.signal(signal.SIGINT, _interrupted_early)
    try:
        _main(argv)
    except KeyboardInterrupt:
        _interrupted()
    finally:
        if installed:
            signal.signal(signal.SIGINT, signal.default_int_handler)


class _ClosedStream:
    """Stands in for a closed standard output (``whichmodel tasks >&-``): writing to it is the error."""

    encoding = "utf-8"
    errors = "replace"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _prepare_streams() -> None:
    """Output that the terminal's encoding cannot show (PYTHONIOENCODING=ascii, a latin-1 locale) is written
    with ``?`` for the characters it lacks instead of ending in an internal error half-way through a table;
    a closed stdout fails on the first write with one line (cli/errors.py), not an AttributeError; a closed
    stderr swallows the line, and the exit code is the same as with it."""
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:  # `2>&-`: the error line goes nowhere, but the exit code still says what happened
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")


def _main(argv: list[str] | None) -> None:
    from whichmodel.cli import errors
    from whichmodel.cli.app import build_command

    _prepare_streams()
    args = sys.argv[1:] if argv is None else argv
    command = build_command(args)
    if args[:1] == ["interview"] and signal.getsignal(signal.SIGINT) in _early_handlers():
        # the interview's prompts turn KeyboardInterrupt into "Interrupted." (and restore the terminal)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        rv = command.main(args=args, prog_name="whichmodel", standalone_mode=False)
        sys.stdout.flush()  # a failed write (a full disk) is reported here, not as "Exception ignored" at exit
    except Exception as exc:  # one table (cli/errors.py) decides the exit code and the one line
        result = errors.outcome(exc)
        if result.internal and errors.debug():  # the last line of defence: a traceback only when debugging
            raise
        errors.finish(result)
    if rv == errors.INTERRUPTED:  # Typer turned a Ctrl-C into exit code 130 without a word
        _interrupted()
    sys.exit(rv if isinstance(rv, int) else 0)
