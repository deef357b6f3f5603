"""Entry point: runs the Typer app and turns every failure into one line on stderr and an exit code.

Ctrl-C exits 130 with "Interrupted." at any moment. A SIGINT handler ends the process at once (no
KeyboardInterrupt is raised, so none can be printed as a traceback during the imports, nor be swallowed
half-way by a library: a Ctrl-C inside pydantic's validation once surfaced as "The catalog has 244
problems"). It is installed when the package is imported as the ``whichmodel`` command
(``whichmodel/__init__.py``), when this module is imported, and by :func:`main`; only the interview,
whose prompts turn Ctrl-C into a clean "Interrupted.", gets Python's KeyboardInterrupt back.
"""

from __future__ import annotations

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


def _main(argv: list[str] | None) -> None:
    from whichmodel.cli import errors
    from whichmodel.cli.app import build_command

    args = sys.argv[1:] if argv is None else argv
    command = build_command(args)
    if args[:1] == ["interview"] and signal.getsignal(signal.SIGINT) in _early_handlers():
        # the interview's prompts turn KeyboardInterrupt into "Interrupted." (and restore the terminal)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        rv = command.main(args=args, prog_name="whichmodel", standalone_mode=False)
    except Exception as exc:  # one table (cli/errors.py) decides the exit code and the one line
        result = errors.outcome(exc)
        if result.internal and errors.debug():  # the last line of defence: a traceback only when debugging
            raise
        errors.finish(result)
    if rv == errors.INTERRUPTED:  # Typer turned a Ctrl-C into exit code 130 without a word
        _interrupted()
    sys.exit(rv if isinstance(rv, int) else 0)
