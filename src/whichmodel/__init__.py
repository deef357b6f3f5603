"""whichmodel: which transformer should I use, and how should I adapt it within my budget?

The Python API (see docs/python-api.md)::

    import whichmodel
    advice = whichmodel.advise(task="ner", examples="5k", gpu="t4", gpu_hours=10)
    advice.recommendations[0].model

Importing the package is light: the API's modules load on first use, and neither Rich, Typer nor
huggingface_hub is imported by it.
"""

from __future__ import annotations

import os as _os
import sys as _sys
from typing import TYPE_CHECKING, Any

if _os.path.basename(_sys.argv[0] if _sys.argv else "").lower() in ("whichmodel", "whichmodel.exe"):
    # Run as the `whichmodel` command: Ctrl-C during start-up (imports take a few hundred milliseconds)
    # ends the process with "Interrupted." and exit 130, never a traceback. `cli.main` takes over from here.
    import _signal  # built in: importing it cannot itself be interrupted half-way, as signal.py could

    def _interrupted_early(signum: int, frame: object) -> None:  # pragma: no cover - timing dependent
        try:
            _os.write(2, b"Interrupted.\n")
        finally:
            _os._exit(130)

    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        _signal.signal(_signal.SIGINT, _interrupted_early)

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

if TYPE_CHECKING:
    from whichmodel.advice import Advice
    from whichmodel.api import Estimate, advise, estimate, recipe

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
