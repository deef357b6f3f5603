"""whichmodel: which transformer should I use, and how should I adapt it within my budget?

The Python API (see docs/python-api.md)::

    import whichmodel
    advice = whichmodel.advise(task="ner", examples="5k", gpu="t4", gpu_hours=10)
    advice.recommendations[0].model

Importing the package is light: the API's modules load on first use, and neither Rich, Typer nor
huggingface_hub is imported by it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
