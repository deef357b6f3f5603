"""Options and helpers shared by commands: loading the catalog, resolving names, number flags."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from whichmodel.catalog import Catalog, CatalogError, UnknownName, load_catalog
from whichmodel.cli import complete, errors
from whichmodel.numbers import parse_count, parse_number

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
        "--format", metavar="FORMAT", help="table, json or markdown.", autocompletion=complete.formats
    ),
]
ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="Show every rule's contribution and every rejection.")
]


def load(paths: list[Path] | None = None) -> Catalog:
    """The bundled catalog plus user catalogs, or a CLI error listing every problem."""
    try:
        return load_catalog([str(p) for p in paths or []])
    except CatalogError as exc:
        missing = [p for p in exc.problems if p.message.startswith("does not exist")]
        if missing and len(missing) == len(exc.problems):
            raise errors.usage(
                f"Catalog file {missing[0].file!r} does not exist",
                "Check the --catalog path or WHICHMODEL_CATALOG",
            ) from None
        n = len(exc.problems)
        raise errors.runtime(
            f"The catalog has {n} problem{'s' if n != 1 else ''}",
            "Fix the lines above; `whichmodel catalog validate` checks again",
            details=[str(p) for p in exc.problems],
        ) from None


def resolve_model(cat: Catalog, name: str):  # -> Model
    try:
        return cat.model(name)
    except UnknownName as exc:
        raise errors.unknown_name("model", name, exc.matches, "whichmodel catalog list") from None


def resolve_task(cat: Catalog, name: str):  # -> Task
    try:
        return cat.task(name)
    except UnknownName as exc:
        raise errors.unknown_name("task", name, exc.matches, "whichmodel tasks") from None


def resolve_accelerator(cat: Catalog, name: str):  # -> Accelerator
    try:
        return cat.accelerator(name)
    except UnknownName as exc:
        raise errors.unknown_name(
            "accelerator", name, exc.matches, "whichmodel catalog accelerators"
        ) from None


def count(flag: str, text: str | None, *, positive: bool = False) -> int | None:
    if text is None:
        return None
    try:
        return parse_count(text, allow_zero=not positive)
    except ValueError as exc:
        raise errors.usage(f"{flag}: {exc}", "Numbers may be written 7B, 1.4T, 300M, 50k or 2e9") from None


def number(flag: str, text: str | None, *, positive: bool = False) -> float | None:
    if text is None:
        return None
    try:
        value = parse_number(text)
    except ValueError as exc:
        raise errors.usage(f"{flag}: {exc}", "Numbers may be written 7B, 1.4T, 300M, 50k or 2e9") from None
    if value < 0 or (positive and value == 0):
        raise errors.usage(f"{flag}: {text!r} must be {'greater than 0' if positive else 'at least 0'}")
    return value
