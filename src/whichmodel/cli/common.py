"""Options and helpers shared by commands: loading the catalog, resolving names, number flags."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from whichmodel import inputs
from whichmodel.catalog import Catalog
from whichmodel.cli import complete, errors


def path_value(flag: str) -> Callable[[str], Path]:
    """The parser of a file option: an empty or blank value is refused, where ``Path("")`` would quietly be the
    current folder (``--catalog ""`` read every file in it, ``--scope ""`` said "'.' is a directory")."""

    def parse(text: str | Path) -> Path:
        if isinstance(text, Path):  # a default, already a path
            return text
        if not text.strip():
            raise errors.usage(f"{flag}: the path is empty", "Give the name of a file")
        return Path(text)

    return parse


CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        metavar="PATH",
        parser=path_value("--catalog"),
        help="Extra catalog file or folder (YAML or JSON); repeatable. Entries replace bundled ones with the same id.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="table, json, markdown or html (a self-contained report).",
        autocompletion=complete.formats,
    ),
]
ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="Show every rule's contribution and every rejection.")
]


def load(paths: list[Path] | None = None) -> Catalog:
    """The bundled catalog plus user catalogs, or a CLI error listing every problem."""
    return inputs.load(paths or [])


resolve_model = inputs.resolve_model
resolve_accelerator = inputs.resolve_accelerator


def resolve_task(cat: Catalog, name: str):  # -> Task
    return cat.task(name)  # an unknown name: UnknownName, reported by cli/errors.py with the closest names


count = inputs.count
number = inputs.number
