"""`whichmodel schema [DOC]`: the JSON Schema of any JSON document the CLI prints, from its pydantic model."""

from __future__ import annotations

import difflib
from typing import Annotated

import typer

from whichmodel.cli import errors, output


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)


def _names(incomplete: str = "") -> list[str]:
    from whichmodel.documents import DOCUMENTS

    return [n for n in DOCUMENTS if n.startswith(incomplete)]


def schema(
    doc: Annotated[
        str,
        typer.Argument(
            metavar="DOC",
            help="The document: advise (default), estimate, compare, tasks, architectures, catalog-list, catalog-show, "
            "accelerators, languages, validate, hub-info, hub-discover, hub-refresh, hub-card, rules, rule, recipe.",
            autocompletion=_names,
        ),
    ] = "advise",
) -> None:
    """Print the JSON Schema of a `--json` document (default: `advise --json`)."""
    from whichmodel import documents

    if doc not in documents.DOCUMENTS:
        close = difflib.get_close_matches(doc, list(documents.DOCUMENTS), n=3)
        hint = f"Did you mean {', '.join(close)}?" if close else f"Known: {', '.join(documents.DOCUMENTS)}"
        raise errors.usage(f"Unknown document {doc!r}", hint)
    output.emit_json(documents.json_schema(doc))
