"""The public exception hierarchy: the errors the CLI reports, as exceptions the Python API raises.

Each carries the CLI's one-sentence ``message``, a ``hint`` and the exit ``code`` the CLI uses for it
(2 a usage problem, 1 a runtime problem); ``str(exc)`` is the line the CLI prints after ``Error:``.
"""

from __future__ import annotations

from collections.abc import Sequence

USAGE = 2
RUNTIME = 1


def sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if text.endswith((".", "?", "!")) else text + "."


class WhichmodelError(Exception):
    """Base of every error whichmodel reports: ``message``, ``hint``, ``code`` (exit code), ``details``."""

    default_code = USAGE

    def __init__(
        self, message: str, hint: str = "", code: int | None = None, details: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = self.default_code if code is None else code
        self.details = list(details)

    def __str__(self) -> str:
        text = sentence(self.message)
        return f"{text} {sentence(self.hint)}" if self.hint else text


class UsageError(WhichmodelError):
    """A bad argument: an unknown task, model or accelerator, a value out of range, a malformed scope file
    (the CLI exits 2)."""

    default_code = USAGE


class RuntimeProblem(WhichmodelError):
    """The inputs were valid but the work failed: an invalid catalog, the Hub unreachable (the CLI exits 1)."""

    default_code = RUNTIME


class CatalogError(RuntimeProblem):
    """The catalog (bundled or a user file) is invalid; ``details`` holds every problem as
    ``file:line: field: message``."""


def unknown_name(kind: str, name: str, matches: Sequence[str], listing: str) -> UsageError:
    """An unknown model/task/accelerator, naming the closest matches."""
    if matches:
        close = ", ".join(repr(m) for m in matches)
        return UsageError(f"Unknown {kind} {name!r}; closest: {close}", f"Run `{listing}` to see them all")
    return UsageError(f"Unknown {kind} {name!r}", f"Run `{listing}` to see them all")
