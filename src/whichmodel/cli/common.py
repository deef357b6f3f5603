"""Options and helpers shared by commands: loading the catalog, resolving names, number flags."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from whichmodel import inputs
from whichmodel.catalog import Catalog
from whichmodel.cli import complete

CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        metavar="PATH",
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
