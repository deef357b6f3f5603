"""whichmodel: which transformer should I use, and how should I adapt it within my budget?

The Python API (see docs/python-api.md)::

    import whichmodel
    advice = whichmodel.advise(task="ner", examples="5k", gpu="t4", gpu_hours=10)
    advice.recommendations[0].model

Importing the package is light: the API's modules load on first use, and neither Rich, Typer nor
huggingface_hub is imported by it.
"""

import os as _os
import sys as _sys

if _os.path.basename(_sys.argv[0] if _sys.argv else "").lower() in ("whichmodel", "whichmodel.exe"):
    # Run as the `whichmodel` command: Ctrl-C during start-up (imports take a few hundred milliseconds)
    # ends the process with "Interrupted." and exit 130, never a traceback. `cli.main` takes over from here.
    import _signal  # type: ignore[import-not-found]  # built in: importing it cannot itself be interrupted half-way, as signal.py could

    def _interrupted_early(signum: int, frame: object) -> None:  # pragma: no cover - timing dependent
        try:
            _os.write(2, b"Interrupted.\n")
        finally:
            _os._exit(130)

    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        _signal.signal(_signal.SIGINT, _interrupted_early)

    # A short-lived command: the cyclic garbage collector runs every 200,000 allocations instead of 700, as
    # mypy's does (mypy/build.py: "otherwise we can spend a large fraction of cpu in gc"). At 700 it ran ~85
    # times during `advise`, traversing the objects the imports had just made (~16 ms of ~220 ms of CPU);
    # reference counting still frees everything that is not a cycle. Library use (import whichmodel) keeps
    # Python's settings.
    import gc as _gc

    _gc.set_threshold(200_000, 30, 30)

# Everything below runs after the handler above is in place (no import above it but os and sys).
from typing import Any

from whichmodel.errors import CatalogError, RuntimeProblem, UsageError, WhichmodelError

__version__ = "0.1.0"

__all__ = [
    "Advice",
    "CatalogError",
    "Estimate",
    "RuntimeProblem",
    "UsageError",
    "WhichmodelError",
    "__version__",
    "advise",
    "estimate",
    "recipe",
]

# Loaded on first use (and not imported for type checkers either: the core's import contracts see no path
# from the package to the API, whose `discover=True` reaches the Hub).
_LAZY = {
    "advise": "whichmodel.api",
    "estimate": "whichmodel.api",
    "Estimate": "whichmodel.api",
    "Advice": "whichmodel.advice",
    "recipe": "whichmodel.api",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'whichmodel' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
